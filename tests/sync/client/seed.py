"""Migrates and seeds a fresh database for the WatermelonDB client run; prints "migrated" once
the schema is in place (the servers may start), then the seeded facts as one line of JSON.

Run with the server's settings (IMPULSA_SQLITE_PATH or DATABASE_URL).
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from backend.accounts.models import ConsentNotice, ParticipantProfile, User  # noqa: E402
from backend.finance import services as finance  # noqa: E402
from backend.lib.geography import COUNTRIES, CURRENCIES  # noqa: E402
from backend.programmes.models import Membership, Programme  # noqa: E402
from backend.training import services as training  # noqa: E402
from backend.training.models import Course  # noqa: E402
from backend.ventures import services as ventures  # noqa: E402
from tests.conftest import consent, make_programme, make_user  # noqa: E402


def token(user: object) -> str:
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


def participant(phone: str, name: str, notice: ConsentNotice, *programmes: Programme) -> User:
    user = make_user(phone=phone, preferred_language="es")
    for programme in programmes:
        Membership.objects.create(user=user, programme=programme, role="participant")
    consent(user, notice)
    ParticipantProfile.objects.create(user=user, display_name=name)
    return user


def one_programme_per_country(organisation: object) -> dict[str, int]:
    """A programme in every country the programmes work in, by its currency."""
    out = {}
    for code, country in COUNTRIES.items():
        programme = Programme.objects.create(
            organisation=organisation,
            code=f"client-{code.lower()}",
            name=f"Programme {country.name}",
            country=code,
            currency=country.currency,
            time_zone=country.time_zone,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2027, 12, 31),
        )
        out[country.currency] = programme.pk
    return out


def trainer_with_a_cohort(programme: Programme, *people: User) -> dict[str, object]:
    """A trainer, a cohort of `people` in `programme`, and two sessions that took place."""
    trainer = make_user(phone="+51987000990", preferred_language="es")
    Membership.objects.create(user=trainer, programme=programme, role="trainer")
    course = Course.objects.create(
        code="siyb-start", title_es="Inicia tu Negocio", title_en="Start Your Business",
        title_pt="Inicie o seu Negócio", stage="start", planned_hours=30, has_tests=False,
    )  # fmt: skip
    today = programme.today()
    cohort = training.create_cohort(
        actor=trainer, programme=programme, course=course, name="Piura 1",
        trainer_ids=[trainer.pk], start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=30), capacity=20, city="Piura",
    )  # fmt: skip
    sessions = [
        training.add_session(actor=trainer, cohort=cohort, date=today - dt.timedelta(days=d))
        for d in (2, 1)
    ]
    enrollments = [
        training.enroll(actor=trainer, cohort=cohort, participant_id=p.pk) for p in people
    ]
    return {
        "trainer": token(trainer),
        "sessionIds": [str(s.pk) for s in sessions],
        "enrollmentIds": [str(e.pk) for e in enrollments],
    }


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    print("migrated", flush=True)
    notice = ConsentNotice.objects.create(
        version="client-1",
        text_es="Aviso",
        text_en="Notice",
        text_pt="Aviso",
        purposes=["programme_delivery"],
    )
    programme = make_programme("client-a")
    user = make_user(phone="+51987000901", preferred_language="es")
    Membership.objects.create(user=user, programme=programme, role="participant")
    consent(user, notice)
    ParticipantProfile.objects.create(user=user, display_name="Ana")
    venture = ventures.create_venture(
        owner=user,
        programme_id=programme.pk,
        name="Arepas Doña Ana",
        sector="I",
        started_on=dt.date(2025, 1, 1),
    )
    goal = finance.create_goal(user=user, name="Nevera", target_amount="1960000", currency="COP")
    finance.record_movement(
        goal=goal, kind="deposit", amount="12744", occurred_on=dt.date(2025, 6, 2)
    )
    bea = participant("+51987000902", "Bea", notice, programme)
    caro = participant("+51987000903", "Caro", notice)
    currencies = one_programme_per_country(programme.organisation)
    for programme_id in currencies.values():
        Membership.objects.create(user=caro, programme_id=programme_id, role="participant")
    dora = participant("+51987000904", "Dora", notice, programme)
    ventures.create_venture(
        owner=dora, programme_id=programme.pk, name="Bodega Dora", sector="G",
        started_on=dt.date(2025, 1, 1),
    )  # fmt: skip
    cohort = trainer_with_a_cohort(programme, user, bea)
    facts = {
        "tokens": {
            "phone": token(user),
            "tablet": token(user),
            "caro": token(caro),
            "dora": token(dora),
            "trainer": cohort.pop("trainer"),
        },
        "programmeByCurrency": currencies,
        "currencies": {code: c.minor_units for code, c in CURRENCIES.items()},
        "ventureRestId": venture.pk,
        **cohort,
        "programmeId": programme.pk,
        "ventureId": venture.sync_id,
        "goalId": goal.sync_id,
        "day": "2025-06-02",
    }
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
