"""A cohort is set up from a phone by a trainer of the programme: she creates it with a
colleague as second trainer, adds six weekly sessions and enrols twenty people (ten picked from
a search of at least three characters that shows no phone numbers, ten from pasted phone
numbers), then marks everyone present with one tap, and two exceptions. The manager's way
through the same pages is covered by tests/training/test_manage_pages.py."""

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from backend.accounts.models import ParticipantProfile, User
from backend.programmes.models import Membership
from backend.training.models import Attendance, Cohort, Enrollment
from tests.conftest import World, consent, make_user
from tests.training.conftest import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("IMPULSA_SCREENSHOTS", "var/screenshots"))


def signed_in(browser: Any, base: str, user: User) -> Any:
    """A 360x740 Spanish phone with the user's session cookie (their TOTP is already set up)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="es-CO", viewport={"width": 360, "height": 740})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": base},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"cohorts-{name}.png"), full_page=True)


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def twenty_people(world: World) -> list[User]:
    people = []
    for i in range(20):
        user = make_user(phone=f"+519871{i:05d}")
        Membership.objects.create(user=user, programme=world.programme_a, role="participant")
        consent(user, world.notice)
        # Two people share a name: the sheets tell them apart by their phone ending.
        name = "María Gómez" if i in (18, 19) else f"Persona {i:02d}"
        ParticipantProfile.objects.create(user=user, display_name=name)
        people.append(user)
    return people


def test_a_trainer_sets_up_a_cohort_and_marks_a_session_from_a_phone(
    live_server: Any, browser: Any, world: World
) -> None:
    make_course()
    people = twenty_people(world)
    today = world.programme_a.today()
    start, end = today - dt.timedelta(days=40), today + dt.timedelta(days=30)
    base = live_server.url

    colleague = make_user("colleague@example.org")
    Membership.objects.create(user=colleague, programme=world.programme_a, role="trainer")
    ParticipantProfile.objects.create(user=colleague, display_name="Rosa Quispe")

    page = signed_in(browser, base, world.trainer)
    page.goto(f"{base}/training/")
    page.click("#new-cohort a")
    page.select_option("#id_course", label="siyb-start · Inicia tu Negocio")
    page.fill("#id_name", "Piura · Inicia tu Negocio 7")
    # She is ticked already; she adds her colleague. Programme B's trainer is not offered.
    assert page.locator(f"input[name=trainers][value='{world.trainer.pk}']").is_checked()
    assert page.locator(f"input[name=trainers][value='{world.other_trainer.pk}']").count() == 0
    page.check(f"input[name=trainers][value='{colleague.pk}']")
    page.fill("#id_start_date", end.isoformat())  # the wrong way round first
    page.fill("#id_end_date", start.isoformat())
    page.fill("#id_capacity", "25")
    page.fill("#id_city", "Piura")
    page.click("main form button[type=submit]")
    # The refusal is in Spanish, next to the end date, and nothing was created.
    error = page.locator(".tr-field:has(#id_end_date) .errorlist").inner_text()
    assert "La fecha de fin" in error
    assert not Cohort.objects.exists()
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", end.isoformat())
    shot(page, "new")
    fits(page)
    page.click("main form button[type=submit]")

    cohort = Cohort.objects.get()
    assert set(cohort.trainers.all()) == {world.trainer, colleague}
    page.fill("#id_date", (start + dt.timedelta(days=5)).isoformat())
    page.fill("#id_repeat", "6")
    page.click("#add-session button[type=submit]")
    assert "6 sesiones" in page.locator(".messages").inner_text()
    days = list(cohort.sessions.order_by("date").values_list("date", flat=True))
    assert days == [start + dt.timedelta(days=5 + 7 * i) for i in range(6)]
    shot(page, "sessions")
    fits(page)

    page.goto(f"{base}/training/cohorts/{cohort.pk}/")
    page.click("#manage a[href$='/enrol/']")
    # No browsing the programme's list: two letters are not enough.
    page.fill("#id_q", "Pe")
    page.click("#search button[type=submit]")
    assert "al menos 3" in page.locator(".tr-field:has(#id_q) .errorlist").inner_text()
    assert page.locator("#results").count() == 0
    page.fill("#id_q", "Persona")
    page.click("#search button[type=submit]")
    boxes = page.locator("#results input[type=checkbox]")
    assert boxes.count() == 18
    html = page.content()
    assert all(p.phone[3:] not in html for p in people)  # phone endings only, never numbers
    assert "··003" in page.locator("#results").inner_text()
    for i in range(10):
        boxes.nth(i).check()
    shot(page, "enrol")
    fits(page)
    page.click("#pick button[type=submit]")
    assert "10 personas inscritas" in page.locator(".messages").inner_text()

    page.goto(f"{base}/training/cohorts/{cohort.pk}/enrol/")
    # Without the country code (the programme is in Peru), with spaces, and one unknown.
    pasted = [p.phone[3:6] + " " + p.phone[6:] for p in people[10:]] + ["987 654 321"]
    page.fill("#id_phones", "\n".join(pasted))
    page.click("#paste button[type=submit]")
    error = page.locator(".tr-field:has(#id_phones) .errorlist").inner_text()
    assert "987 654 321: nadie en este programa tiene este número" in error
    assert Enrollment.objects.filter(cohort=cohort).count() == 20

    first = cohort.sessions.order_by("date").first()
    assert first is not None
    page.goto(f"{base}/training/sessions/{first.pk}/")
    # The two María Gómez are told apart by the end of their phone number.
    hints = {
        page.locator(f"#e{e.pk} .tr-hint").inner_text()
        for e in Enrollment.objects.filter(cohort=cohort, participant__in=people[18:])
    }
    assert hints == {"··018", "··019"}
    page.click("#all-present button")
    assert "20 personas marcadas como presentes" in page.locator(".messages").inner_text()
    absent = Enrollment.objects.get(cohort=cohort, participant=people[3])
    excused = Enrollment.objects.get(cohort=cohort, participant=people[18])
    page.locator(f"#e{absent.pk} button[value=absent]").click()
    page.locator(f"#e{excused.pk} button[value=excused]").click()
    shot(page, "session")
    fits(page)

    marks = dict(Attendance.objects.filter(session=first).values_list("enrollment_id", "status"))
    assert len(marks) == 20
    assert marks.pop(absent.pk) == "absent"
    assert marks.pop(excused.pk) == "excused"
    assert set(marks.values()) == {"present"}
    assert all(m.marked_by == world.trainer for m in Attendance.objects.filter(session=first))
    page.context.close()
