"""Managers download their programme's participants with the columns they chose; the export
is audited, formula-looking text is defused, and donors never get it."""

import csv
import io

from django.test import Client
from openpyxl import load_workbook

from backend.accounts.models import AuditEvent, ParticipantProfile, User
from tests.conftest import World


def client_for(user: User) -> Client:
    client = Client(headers={"accept-language": "es"})
    client.force_login(user)
    return client


def url(world: World) -> str:
    return f"/programmes/{world.programme_a.pk}/participants/export/"


def test_csv_with_the_chosen_columns(world: World) -> None:
    ParticipantProfile.objects.filter(user=world.participant_a).update(
        display_name="=HYPERLINK(1)", region="PE-PIU"
    )
    resp = client_for(world.manager).get(
        url(world), {"columns": ["name", "region", "phone"], "format": "csv"}
    )
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0] == ["Nombre", "Teléfono", "Región"]
    # Text a spreadsheet would run as a formula is quoted (a phone's "+" too, as in the
    # cohort roster's CSV), so it shows as typed.
    assert ["'=HYPERLINK(1)", f"'{world.participant_a.phone}", "Piura"] in rows
    assert len(rows) == 3  # participants A and B; not programme B's
    event = AuditEvent.objects.get(action="participant.export", actor=world.manager)
    assert event.detail == {"columns": ["name", "phone", "region"], "format": "csv"}


def test_xlsx(world: World) -> None:
    resp = client_for(world.manager).get(
        url(world), {"columns": ["name", "phone"], "format": "xlsx"}
    )
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == 'attachment; filename="participants-prog-a.xlsx"'
    sheet = load_workbook(io.BytesIO(resp.content)).active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values == [
        ("Nombre", "Teléfono"),
        ("Participant A", world.participant_a.phone),  # text in a cell: no quote needed
        ("Participant B", world.participant_b.phone),
    ]


def test_no_column_is_an_error_next_to_the_columns(world: World) -> None:
    resp = client_for(world.manager).get(url(world), {"format": "csv"})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert 'id="id_columns_error"' in html
    assert "Escoge al menos una columna." in html
    assert not AuditEvent.objects.filter(action="participant.export").exists()


def test_donors_trainers_and_other_managers_get_nothing(world: World) -> None:
    for user in (world.donor, world.trainer, world.other_manager, world.participant_a):
        resp = client_for(user).get(url(world), {"columns": ["name"], "format": "csv"})
        assert resp.status_code == 404
