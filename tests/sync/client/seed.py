"""Seeds a fresh database for the WatermelonDB client run and prints its facts as JSON.

Run with the server's settings (IMPULSA_SQLITE_PATH or DATABASE_URL), after `migrate`.
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

from django.test import Client  # noqa: E402

from backend.accounts.models import ConsentNotice, ParticipantProfile  # noqa: E402
from backend.finance import services as finance  # noqa: E402
from backend.programmes.models import Membership  # noqa: E402
from backend.ventures import services as ventures  # noqa: E402
from tests.conftest import consent, make_programme, make_user  # noqa: E402


def token(user: object) -> str:
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


def main() -> None:
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
    facts = {
        "tokens": {"phone": token(user), "tablet": token(user)},
        "programmeId": programme.pk,
        "ventureId": venture.sync_id,
        "goalId": goal.sync_id,
        "day": "2025-06-02",
    }
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
