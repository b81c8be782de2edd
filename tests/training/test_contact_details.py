"""Rosters show people's phone numbers and email addresses only to accounts with a second
factor (docs/privacy.md): a trainer with a password alone runs the cohort without them."""

import csv
import io

from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from backend.training.models import Enrollment
from tests.conftest import TOTP_SECRET, ApiClient, World

PHONE = "+51987000101"  # participant A's


def _everything_the_trainer_reads(world: World, enrollment: Enrollment) -> str:
    cohort = enrollment.cohort_id
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    browser.force_login(world.trainer)
    page = browser.get(f"/training/cohorts/{cohort}/").content.decode()
    sheet = browser.get(f"/training/cohorts/{cohort}/roster.csv").content.decode()
    api = ApiClient(world.trainer).get(f"cohorts/{cohort}/enrollments").content.decode()
    return page + sheet + api


def test_a_trainer_without_a_second_factor_sees_names_but_no_numbers(
    world: World, enrollment_a: Enrollment
) -> None:
    seen = _everything_the_trainer_reads(world, enrollment_a)
    assert "Participant A" in seen
    assert PHONE not in seen
    assert PHONE.lstrip("+") not in seen
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    browser.force_login(world.trainer)
    page = browser.get(f"/training/cohorts/{enrollment_a.cohort_id}/").content.decode()
    assert 'id="contacts-hidden"' in page
    row = ApiClient(world.trainer).get(f"cohorts/{enrollment_a.cohort_id}/enrollments").json()
    assert (row["items"][0]["phone"], row["items"][0]["email"]) == (None, None)
    sheet = browser.get(f"/training/cohorts/{enrollment_a.cohort_id}/roster.csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode())))
    assert rows[1][0] == "Participant A"
    assert rows[1][1:3] == ["", ""]


def test_with_a_second_factor_the_roster_shows_how_to_reach_people(
    world: World, enrollment_a: Enrollment
) -> None:
    TOTP.activate(world.trainer, TOTP_SECRET)
    seen = _everything_the_trainer_reads(world, enrollment_a)
    assert seen.count(PHONE) >= 3  # page, sheet and API
    assert 'id="contacts-hidden"' not in seen
