"""The other programme-operation pages on a 360 px phone, in Spanish: editing a cohort, moving
and cancelling sessions, withdrawing, revoking a certificate from the completion summary, the
manager's ventures list and a venture's page, and the participant export."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import ParticipantProfile
from backend.training import services
from backend.training.models import Certificate, CohortSession, Enrollment
from backend.ventures.models import Venture, VentureDay, VentureMonth
from tests.conftest import World
from tests.training.conftest import make_cohort, make_course
from tests.ventures.conftest import make_venture

from .test_cohort_setup import fits, shot, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_edits_a_cohort_and_revokes_a_certificate(
    live_server: Any, browser: Any, world: World
) -> None:
    today = world.programme_a.today()
    cohort = make_cohort(
        world, make_course(has_tests=False),
        start_date=today - dt.timedelta(days=20), end_date=today + dt.timedelta(days=20),
    )  # fmt: skip
    past = services.add_session(
        actor=world.trainer, cohort=cohort, date=today - dt.timedelta(days=7)
    )
    done = services.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk
    )
    other = services.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_b.pk
    )
    services.mark_attendance(actor=world.trainer, session=past, marks=[(done.pk, "present")])
    done.refresh_from_db()
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=done)
    later = services.add_session(
        actor=world.trainer, cohort=cohort, date=today + dt.timedelta(days=7)
    )
    base = live_server.url
    page = signed_in(browser, base, world.manager)

    page.goto(f"{base}/training/cohorts/{cohort.pk}/")
    page.click("#manage >> text=Editar grupo")
    page.fill("#id_capacity", "0")
    page.click("main form button[type=submit]")
    assert (
        "mayor o igual a 1" in page.locator(".tr-field:has(#id_capacity) .errorlist").inner_text()
    )
    page.fill("#id_capacity", "12")
    page.fill("#id_name", "Piura · grupo de la tarde")
    shot(page, "edit")
    fits(page)
    page.click("main form button[type=submit]")
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Piura · grupo de la tarde", 12)

    page.click("#manage >> text=Gestionar sesiones")
    page.click(f"#s{later.pk} >> text=Cambiar fecha")
    page.fill("#id_date", (today + dt.timedelta(days=9)).isoformat())
    shot(page, "move")
    fits(page)
    page.click("main form button[type=submit]")
    later.refresh_from_db()
    assert later.date == today + dt.timedelta(days=9)
    assert page.locator(f"#s{past.pk} button").count() == 0  # attendance taken: no cancel
    page.click(f"#s{later.pk} button")
    assert not CohortSession.objects.filter(pk=later.pk).exists()

    page.goto(f"{base}/training/cohorts/{cohort.pk}/")
    page.locator(f"#e{other.pk} button").click()
    other.refresh_from_db()
    assert other.status == "dropped_out"

    page.click("#manage >> text=Resumen de finalización")
    # Enrolled, completed, still on the way, dropped out.
    assert page.locator("#counts dd").all_inner_texts() == ["2", "1", "0", "1"]
    page.fill("#q", "101")  # participant A's phone ending
    page.click("main form.search button")
    assert page.locator("#roster > li").count() == 1
    shot(page, "summary")
    fits(page)
    page.click(f"#e{done.pk} >> text=Revocar certificado")
    page.click("main form button[type=submit]")  # no reason yet
    assert page.locator(".tr-field:has(#id_reason) .errorlist").count() == 1
    page.fill("#id_reason", "Se registró la asistencia de otra persona")
    shot(page, "revoke")
    fits(page)
    page.click("main form button[type=submit]")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert "Se registró la asistencia de otra persona" in page.locator("#revoked").inner_text()
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 0
    # Revoked, the completion is judged again: one session of one (the other was cancelled).
    assert Enrollment.objects.get(pk=done.pk).status == "completed"
    page.context.close()


def test_a_manager_browses_ventures_and_exports_the_participants(
    live_server: Any, browser: Any, world: World
) -> None:
    today = world.programme_a.today()
    venture = make_venture(
        world.participant_a, world.programme_a, name="Panadería y pastelería artesanal Los Andes"
    )
    Venture.objects.filter(pk=venture.pk).update(region="PE-PIU")
    # The chart draws the monthly rollups. No ledger entries here: the ledger is append-only
    # and this test's database is emptied afterwards (tests/ventures covers the ledger list).
    for i, amount in enumerate(["120.00", "80.50", "300.00"]):
        month = (today.replace(day=1) - dt.timedelta(days=35 * i)).replace(day=1)
        VentureMonth.objects.create(venture=venture, month=month, entries=1, sales=Decimal(amount))
        VentureDay.objects.create(venture=venture, day=month, entries=1, sales=Decimal(amount))
    make_venture(world.participant_b, world.programme_a, name="Bodega Tacna")
    ParticipantProfile.objects.filter(user=world.participant_a).update(region="PE-PIU")
    base = live_server.url
    page = signed_in(browser, base, world.manager)

    page.goto(f"{base}/")
    page.click("#managed-programmes >> text=Negocios")
    assert page.locator("#ventures > li").count() == 2
    page.select_option("#id_region", "PE-PIU")
    page.click("#search button")
    assert page.locator("#ventures > li").count() == 1
    activity = page.locator(f"#v{venture.pk}").inner_text()
    assert f"Último registro {today.replace(day=1):%d/%m/%Y}" in activity
    assert "1 registro este mes" in activity
    shot(page, "ventures")
    fits(page)
    page.click(f"#v{venture.pk} a")
    assert page.locator("#chart svg rect").count() == 12
    bars = page.locator("#chart svg rect title").all_text_contents()
    assert sum("S/" in t and ("300.00" in t or "120.00" in t or "80.50" in t) for t in bars) == 3
    shot(page, "venture")
    fits(page)

    page.goto(f"{base}/programmes/{world.programme_a.pk}/participants/")
    page.click("text=Exportar la lista (CSV o Excel)")
    page.uncheck("#id_columns_0")
    page.click("#export button")
    assert "Escoge al menos una columna." in page.locator("#export").inner_text()
    page.check("#id_columns_0")
    page.check("#id_columns_6")  # region
    page.check("#id_format_0")  # CSV
    shot(page, "export")
    fits(page)
    with page.expect_download() as download:
        page.click("#export button")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Nombre,Región"
    assert "Participant A,Piura" in text.splitlines()
    page.context.close()
