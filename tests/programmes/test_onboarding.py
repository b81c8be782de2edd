"""Bulk onboarding from CSV and XLSX files: messy files, the dry run, idempotence, all-or-none."""

import datetime as dt
import io
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from backend.accounts.models import AuditEvent, Consent, ParticipantProfile, User
from backend.programmes import onboarding, tasks
from backend.programmes.models import (
    ImportedPerson,
    ImportJob,
    ImportKind,
    ImportMapping,
    Membership,
)
from backend.training import onboarding as enrolment_import
from backend.training import services as training
from backend.training.models import Course, Enrollment
from tests.conftest import World

pytestmark = pytest.mark.django_db

KOBO_HEADER = (
    "start;end;datos_personales/nombre;datos_personales/apellido;datos_personales/telefono;"
    "datos_personales/sexo;datos_personales/fecha_nacimiento;ubicacion/region;"
    "consentimiento;testigo;_id;_uuid"
)
HXL_ROW = (
    ";;#contact+name;#contact+name;#contact+phone;#sex;#date+birth;#adm1+code;#meta+consent;;;"
)


def kobo_csv(rows: list[str], *, hxl: bool = False) -> bytes:
    lines = [KOBO_HEADER, *([HXL_ROW] if hxl else []), *rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def person(n: int, **over: str) -> str:
    cells = {
        "nombre": f"Ana{n}", "apellido": "Pérez", "telefono": f"9861{n:05d}", "sexo": "mujer",
        "nacimiento": "15/03/1990", "region": "PE-PIU", "consent": "papel", "testigo": "",
    }  # fmt: skip
    cells.update(over)
    return (
        f"2026-01-01;2026-01-01;{cells['nombre']};{cells['apellido']};{cells['telefono']};"
        f"{cells['sexo']};{cells['nacimiento']};{cells['region']};{cells['consent']};"
        f"{cells['testigo']};{n};uuid-{n}"
    )


def upload(world: World, data: bytes, *, kind: str = ImportKind.PARTICIPANTS) -> ImportJob:
    job, _table = onboarding.create_job(
        programme=world.programme_a, actor=world.manager, kind=kind, filename="f.csv", data=data
    )
    onboarding.save_mapping(
        job=job, actor=world.manager, columns=job.columns, purposes=["programme_delivery"]
    )
    onboarding.dry_run(job)
    return job


def run(job: ImportJob, world: World) -> ImportJob:
    tasks.queue_job(job=job, actor=world.manager)  # the test backend runs it at once
    job.refresh_from_db()
    return job


def codes(job: ImportJob) -> list[tuple[int, str]]:
    return [(p["line"], p["code"]) for p in job.problems]


def imported(world: World) -> int:
    return Membership.objects.filter(programme=world.programme_a, role="participant").count() - 2


# --- reading the file -----------------------------------------------------------------------


def test_a_kobo_export_with_semicolons_maps_itself_and_imports(world: World) -> None:
    job = upload(world, kobo_csv([person(1), person(2)]))
    assert job.columns["datos_personales/telefono"] == "phone"
    assert job.columns["datos_personales/nombre"] == "display_name"
    assert job.columns["ubicacion/region"] == "region"
    assert job.columns["_uuid"] == ""
    assert job.valid_rows == 2
    job = run(job, world)
    assert job.status == ImportJob.Status.DONE
    assert job.added_rows == 2
    ana = User.objects.get(phone="+51986100001")
    profile = ParticipantProfile.objects.get(user=ana)
    assert (profile.display_name, profile.sex, profile.birth_year, profile.region) == (
        "Ana1 Pérez", "female", 1990, "PE-PIU",
    )  # fmt: skip
    consent = Consent.objects.get(user=ana)
    assert consent.channel == "paper"
    assert consent.purposes == ["programme_delivery"]
    assert job.content == b""  # the file is not kept once imported


def test_the_hxl_row_is_read_and_not_imported_as_a_person(world: World) -> None:
    data = kobo_csv([person(1)], hxl=True).replace(
        b"datos_personales/telefono", b"q7"
    )  # an unhelpful column name: the hashtag says what it is
    job = upload(world, data)
    assert job.columns["q7"] == "phone"
    assert job.total_rows == 1
    assert job.valid_rows == 1


def test_utf8_with_bom_and_commas(world: World) -> None:
    data = "\ufeffNombre,Teléfono,Consentimiento\nJosé Núñez,987000011,papel\n".encode()
    job = upload(world, data)
    assert job.columns == {
        "Nombre": "display_name",
        "Teléfono": "phone",
        "Consentimiento": "consent",
    }
    run(job, world)
    assert ParticipantProfile.objects.get(user__phone="+51987000011").display_name == "José Núñez"


def test_latin1_is_detected(world: World) -> None:
    data = "Nombre;Teléfono;Consentimiento\nMaría Ibáñez;987000012;papel\n".encode("latin-1")
    run(upload(world, data), world)
    assert ParticipantProfile.objects.get(user__phone="+51987000012").display_name == "María Ibáñez"


def test_trailing_spaces_empty_rows_and_a_full_number(world: World) -> None:
    data = (
        "Nombre;Teléfono;Región;Consentimiento\n"
        "  Rosa Díaz  ;  +51 987 000 013 ;  Piura ; Papel \n"
        ";;;\n\n"
        "Luis Rojas;0051987000014;tacna;verbal\n"
    ).encode()
    job = upload(world, data)
    assert job.total_rows == 2
    # the second one says verbal without a witness
    assert codes(job) == [(5, "witness_missing")]
    run(job, world)
    profile = ParticipantProfile.objects.get(user__phone="+51987000013")
    assert (profile.display_name, profile.region, profile.country) == ("Rosa Díaz", "PE-PIU", "PE")


def test_verbal_consent_is_recorded_with_its_witness(world: World) -> None:
    data = (
        "Nombre;Teléfono;Consentimiento;Testigo;Fecha de consentimiento\n"
        "Luis Rojas;987000014;verbal;TRAINER@example.org;02/02/2026\n"
        "Eva Soto;987000015;verbal;someone@else.org;02/02/2026\n"
    ).encode()
    job = upload(world, data)
    assert codes(job) == [(3, "witness_unknown")]
    run(job, world)
    consent = Consent.objects.get(user__phone="+51987000014")
    assert consent.channel == "verbal"
    assert consent.witness == world.trainer
    assert consent.given_at.date() == dt.date(2026, 2, 2)


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_real_dates_serial_dates_and_numbers(world: World) -> None:
    data = _xlsx([
        ["Nombre", "Celular", "Fecha de nacimiento", "Consentimiento", "Fecha de consentimiento"],
        ["Ana Ruiz", 987000021, dt.datetime(1991, 5, 4), "papel", dt.date(2026, 1, 10)],
        ["Beto Ruiz", 987000022.0, "33000", "papel", 46000],  # 1990-05-06; 2025-12-09
        ["Caro Ruiz", 987000023, "31/02/1990", "papel", ""],
    ])  # fmt: skip
    job = upload(world, data)
    assert codes(job) == [(4, "date_invalid")]
    run(job, world)
    assert ParticipantProfile.objects.get(user__phone="+51987000021").birth_year == 1991
    assert ParticipantProfile.objects.get(user__phone="+51987000022").birth_year == 1990
    given = Consent.objects.get(user__phone="+51987000022").given_at.date()
    assert given == dt.date(2025, 12, 9)


def test_each_kind_of_bad_row_gets_its_reason_in_the_managers_language(world: World) -> None:
    data = kobo_csv([
        person(1, telefono="12"),
        person(2, region="Atlántida"),
        person(3, consent=""),
        person(4, nacimiento="30/30/1990"),
        person(5),
        person(6, telefono="+51 986 100 005"),
        person(7, telefono=world.participant_a.phone or ""),
        person(8, nombre="=HYPERLINK(\"http://x\")"),
    ])  # fmt: skip
    job = upload(world, data)
    assert codes(job) == [
        (2, "phone_invalid"), (3, "region_unknown"), (4, "consent_missing"),
        (5, "date_invalid"), (7, "duplicate_in_file"), (8, "existing"), (9, "formula"),
    ]  # fmt: skip
    client = Client(headers={"accept-language": "es"})
    client.force_login(world.manager)
    page = client.get(f"/programmes/{world.programme_a.pk}/import/{job.pk}/").content.decode()
    assert "«12» no es un número de teléfono válido" in page or "“12” no es un número" in page
    assert "Ya es participante de este programa" in page
    assert "1 fila lista para importar" in page


def test_the_problems_csv_never_hands_a_formula_back(world: World) -> None:
    job = upload(world, kobo_csv([person(1, nombre="=1+1"), person(2, telefono="@x")]))
    text = onboarding.problems_csv(job)
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert cell[:1] not in {"=", "+", "-", "@"}, line


def test_the_file_size_and_row_caps_answer_clearly(world: World, settings: Any) -> None:
    with pytest.raises(onboarding.ImportFileError, match="más de 3 filas"):
        onboarding.read_table(kobo_csv([person(i) for i in range(4)]), max_rows=3)
    client = Client()
    client.force_login(world.manager)
    big = io.BytesIO(b"a;b\n" + b"x;y\n" * (onboarding.MAX_BYTES // 4 + 1))
    big.name = "big.csv"
    resp = client.post(f"/programmes/{world.programme_a.pk}/import/", {"file": big})
    assert resp.status_code == 422
    assert b"MB" in resp.content
    assert ImportJob.objects.count() == 0


# --- idempotence, all or none -------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    data = kobo_csv([person(i) for i in range(1, 6)])
    run(upload(world, data), world)
    before = (User.objects.count(), Consent.objects.count(), ParticipantProfile.objects.count())
    again = upload(world, data)
    assert again.valid_rows == 0
    assert {c for _l, c in codes(again)} == {"existing"}
    assert not onboarding.ImportJob.objects.get(pk=again.pk).valid_rows
    assert (
        User.objects.count(),
        Consent.objects.count(),
        ParticipantProfile.objects.count(),
    ) == before


def test_people_without_a_phone_are_found_again_by_their_document(world: World) -> None:
    data = (
        "Nombre;Tipo de documento;Número de documento;Consentimiento\n"
        "Iris Vera;PPT;1.234.567;papel\n"
    ).encode()
    run(upload(world, data), world)
    assert imported(world) == 1
    assert ImportedPerson.objects.filter(programme=world.programme_a).count() == 1
    again = upload(world, data.replace(b"1.234.567", b"1234567"))
    assert codes(again) == [(2, "existing")]


def test_a_failure_mid_job_leaves_nothing_applied_and_the_job_can_be_retried(
    world: World, monkeypatch: Any
) -> None:
    data = kobo_csv([person(i) for i in range(1, 1201)])  # three batches
    job = upload(world, data)
    real = onboarding._write_batch
    calls = {"n": 0}

    def failing(**kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(onboarding, "_write_batch", failing)
    job = run(job, world)
    assert calls["n"] == 3
    assert job.status == ImportJob.Status.FAILED
    assert "no se guardó nada" in job.error
    assert imported(world) == 0
    assert not User.objects.filter(phone="+51986100001").exists()
    monkeypatch.setattr(onboarding, "_write_batch", real)
    job = run(job, world)
    assert job.status == ImportJob.Status.DONE
    assert imported(world) == 1200


def test_a_job_whose_worker_died_shows_failed_not_running_for_ever(world: World) -> None:
    job = upload(world, kobo_csv([person(1)]))
    long_ago = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=long_ago)
    client = Client()
    client.force_login(world.manager)
    page = client.get(f"/programmes/{world.programme_a.pk}/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Intentar de nuevo" in page.content.decode()
    job = run(job, world)
    assert job.status == ImportJob.Status.DONE
    assert imported(world) == 1


def test_the_mapping_is_kept_for_the_programmes_next_file(world: World) -> None:
    data = b"Col A;Col B;Col C\nAna;987000031;papel\n"
    job, _table = onboarding.create_job(
        programme=world.programme_a, actor=world.manager, kind="participants", filename="a.csv",
        data=data,
    )  # fmt: skip
    assert set(job.columns.values()) == {""}
    client = Client()
    client.force_login(world.manager)
    resp = client.post(
        f"/programmes/{world.programme_a.pk}/import/{job.pk}/columns/",
        {
            "col0": "display_name",
            "col1": "phone",
            "col2": "consent",
            "purposes": ["programme_delivery"],
        },
    )
    assert resp.status_code == 302
    saved = ImportMapping.objects.get(programme=world.programme_a, kind="participants")
    assert saved.columns == {"Col A": "display_name", "Col B": "phone", "Col C": "consent"}
    second, _table = onboarding.create_job(
        programme=world.programme_a, actor=world.manager, kind="participants", filename="b.csv",
        data=data,
    )  # fmt: skip
    assert second.columns == saved.columns
    assert second.purposes == ["programme_delivery"]


def test_the_mapping_page_refuses_a_file_without_consent_or_identity(world: World) -> None:
    job, _table = onboarding.create_job(
        programme=world.programme_a, actor=world.manager, kind="participants", filename="a.csv",
        data=b"Nombre;Tel\nAna;987000031\n",
    )  # fmt: skip
    client = Client()
    client.force_login(world.manager)  # who reads Spanish, their language on file
    url = f"/programmes/{world.programme_a.pk}/import/{job.pk}/columns/"
    resp = client.post(
        url, {"col0": "display_name", "col1": "", "purposes": ["programme_delivery"]}
    )
    assert resp.status_code == 422
    assert "el teléfono o el número de documento" in resp.content.decode()
    resp = client.post(url, {"col0": "display_name", "col1": "phone"})
    assert "consentimiento de cada persona" in resp.content.decode()
    assert resp.status_code == 422


# --- query counts, scale ---------------------------------------------------------------------


def _queries(world: World, n: int, start: int) -> tuple[int, int]:
    data = kobo_csv([person(i) for i in range(start, start + n)])
    job = upload(world, data)
    with CaptureQueriesContext(connection) as check:
        onboarding.dry_run(job)
    rows = onboarding.check_rows(
        programme=world.programme_a, table=onboarding.job_table(job), columns=job.columns,
        kind=job.kind,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as write:
        onboarding.apply_rows(job=job, rows=rows)
    return len(check), len(write)


def test_queries_do_not_grow_with_the_rows(world: World) -> None:
    small = _queries(world, 20, 1)
    large = _queries(world, 400, 1000)
    assert small == large, (small, large)


def test_ten_thousand_rows_import_in_the_background(world: World) -> None:
    data = kobo_csv([person(i) for i in range(1, 10_001)])
    started = time.monotonic()
    job = upload(world, data)
    checked = time.monotonic()
    job = run(job, world)
    finished = time.monotonic()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.added_rows == 10_000
    assert imported(world) == 10_000
    assert AuditEvent.objects.filter(action="participant.import").count() == 10_001
    print(f"10,000 rows: dry run {checked - started:.1f}s, import {finished - checked:.1f}s")
    assert finished - started < 120


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["trainer", "other_manager", "participant_a", "donor", "other_trainer"]
)
def test_only_the_programmes_managers_reach_the_import(world: World, role: str) -> None:
    job = upload(world, kobo_csv([person(1)]))
    client = Client()
    client.force_login(world.role(role))
    base = f"/programmes/{world.programme_a.pk}/import/"
    for path in ("", f"{job.pk}/", f"{job.pk}/columns/", f"{job.pk}/problems.csv",
                 f"{job.pk}/progress"):  # fmt: skip
        assert client.get(base + path).status_code == 404, (role, path)
    assert client.post(f"{base}{job.pk}/", {"action": "import"}).status_code == 404
    assert imported(world) == 0


def test_a_manager_cannot_open_another_programmes_job(world: World) -> None:
    job = upload(world, kobo_csv([person(1)]))
    client = Client()
    client.force_login(world.other_manager)
    resp = client.get(f"/programmes/{world.programme_b.pk}/import/{job.pk}/")
    assert resp.status_code == 404


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    resp = Client().get(f"/programmes/{world.programme_a.pk}/import/")
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]


# --- cohort enrolments from a file -----------------------------------------------------------


def _cohort(world: World) -> Any:
    course = Course.objects.create(
        code="siyb", title_es="Inicia", title_en="Start", title_pt="Inicie", stage="start",
        planned_hours=10,
    )  # fmt: skip
    return training.create_cohort(
        actor=world.manager, programme=world.programme_a, course=course, name="Piura 1",
        trainer_ids=[world.trainer.pk], start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 2, 27), capacity=10, city="Piura",
    )  # fmt: skip


def test_a_cohort_is_enrolled_from_a_file_and_again_changes_nothing(world: World) -> None:
    cohort = _cohort(world)
    data = (
        b"Nombre;Celular\n"
        b"A;987000101\n"  # participant_a, without the country code
        b"B;+51 987 000 102\n"
        b"Nadie;987000199\n"  # nobody of the programme
        b"A otra vez;51987000101\n"
    )
    client = Client()
    client.force_login(world.manager)
    upload_file = io.BytesIO(data)
    upload_file.name = "cohorte.csv"
    resp = client.post(f"/training/cohorts/{cohort.pk}/import/", {"file": upload_file})
    assert resp.status_code == 302, resp.content[:300]
    job = ImportJob.objects.get(kind="enrolments")
    resp = client.post(resp["Location"], {"col0": "display_name", "col1": "phone"})
    assert resp.status_code == 302
    job.refresh_from_db()
    assert codes(job) == [(4, "not_found"), (5, "duplicate_in_file")]
    resp = client.post(f"/training/cohorts/{cohort.pk}/import/{job.pk}/", {"action": "import"})
    assert resp.status_code == 302
    enrolled = Enrollment.objects.filter(cohort=cohort).values_list("participant_id", flat=True)
    assert set(enrolled) == {world.participant_a.pk, world.participant_b.pk}
    again = io.BytesIO(data)
    again.name = "cohorte.csv"
    resp = client.post(f"/training/cohorts/{cohort.pk}/import/", {"file": again})
    second = ImportJob.objects.filter(kind="enrolments").order_by("-id").first()
    assert second is not None
    assert second.columns == {"Nombre": "display_name", "Celular": "phone"}
    onboarding.dry_run(second)
    assert second.valid_rows == 0
    assert Enrollment.objects.filter(cohort=cohort).count() == 2


def test_trainers_cannot_enrol_from_a_file(world: World) -> None:
    cohort = _cohort(world)
    client = Client()
    client.force_login(world.trainer)
    assert client.get(f"/training/cohorts/{cohort.pk}/import/").status_code == 404


def test_a_file_left_unfinished_is_not_kept_beyond_two_days(world: World) -> None:
    job = upload(world, kobo_csv([person(1)]))
    fresh = upload(world, kobo_csv([person(2)]))
    ImportJob.objects.filter(pk=job.pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client = Client()
    client.force_login(world.manager)
    assert client.get(f"/programmes/{world.programme_a.pk}/import/").status_code == 200
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert bytes(job.content) == b""
    assert job.status == ImportJob.Status.DISCARDED
    assert bytes(fresh.content) != b""


def test_a_job_is_applied_once_however_often_it_is_queued(world: World) -> None:
    job = run(upload(world, kobo_csv([person(1), person(2)])), world)
    tasks.queue_job(job=job, actor=world.manager)
    onboarding.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert imported(world) == 2
    assert Consent.objects.filter(user__phone="+51986100001").count() == 1


def test_a_cohort_file_row_without_consent_on_file_is_not_enrolled(world: World) -> None:
    from backend.accounts.services import withdraw_consent

    cohort = _cohort(world)
    withdraw_consent(user=world.participant_b)
    data = b"Nombre;Celular\nA;987000101\nB;987000102\n"
    job, _table = onboarding.create_job(
        programme=world.programme_a, actor=world.manager, kind="enrolments",
        filename="c.csv", data=data, cohort=cohort,
    )  # fmt: skip
    onboarding.dry_run(job)
    assert codes(job) == [(3, "no_consent")]
    assert enrolment_import.apply_enrolments(job=job, actor=world.manager) == 1
    assert list(Enrollment.objects.filter(cohort=cohort).values_list("participant", flat=True)) == [
        world.participant_a.pk
    ]
