"""Every portal page, for every role, in Spanish and in Portuguese: no English left over.

The page's visible text (no scripts, styles or tags) is searched for English words that a
translated page would not contain; names of people, programmes and places are data, not
searched for.
"""

import html
import re

import pytest
from django.test import Client

from tests.conftest import World

ROLES = ["anonymous", "participant_a", "trainer", "manager", "donor", "admin"]
LANGUAGES = ["es", "pt-br"]
# Words or phrases English pages use and Spanish or Portuguese pages never do.
ENGLISH = [
    "Sign in",
    "Sign out",
    "Sign up",
    "Log in",
    "Save",
    "Submit",
    "Cancel",
    "Please",
    "Search",
    "Next",
    "Previous",
    "Reports",
    "Training",
    "Cohort",
    "Course",
    "Attendance",
    "Ventures",
    "Grant",
    "Grants",
    "Savings",
    "Lessons",
    "Participants",
    "Trainers",
    "Donors",
    "Status",
    "Amount",
    "Download",
    "Certificate",
    "Recipient",
    "Brazil",
    "Peru",
    "Password",
    "Forgot",
    "Welcome",
    "Hello",
    "Remember",
    "Funded",
    "Awarded",
    "Disbursed",
    "Programmes",
    "Check",
    "the",
    "and",
    "your",
    "you",
    "with",
    "for",
    "this",
    "none",
    "yet",
]
# Words English shares with one of the languages ("Peru" is also Portuguese).
SHARED = {"pt-br": {"Peru"}, "es": set()}


def pattern(language: str) -> re.Pattern[str]:
    words = [w for w in ENGLISH if w not in SHARED[language]]
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")


def pages(world: World) -> list[str]:
    a = world.programme_a.pk
    return [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/training/",
        "/training/mine/",
        "/reports/",
        "/finance/lessons/",
        "/finance/savings/",
        "/tools/credit-cost/",
        f"/programmes/{a}/participants/",
        f"/programmes/{a}/fund/",
        "/verify/",
        "/verify/ZZZZ-ZZZZ-ZZ",
    ]


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r'<option value="en"[^>]*>[^<]*</option>', " ", page)  # "English" itself
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_portal_pages_have_no_english_left(world: World, role: str, language: str) -> None:
    client = Client(headers={"Accept-Language": language})
    user = world.role(role)
    if user is not None:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        client.force_login(user)
    found: dict[str, list[str]] = {}
    shown = 0
    for path in pages(world):
        resp = client.get(path)
        # Other error pages (403/404 for roles without access) are styled elsewhere.
        expected = 404 if path.startswith("/verify/ZZZZ") else 200
        if resp.status_code != expected or "text/html" not in resp.get("Content-Type", ""):
            continue
        shown += 1
        text = visible_text(resp.content.decode())
        for name in (world.programme_a.name, world.programme_b.name,
                     world.programme_a.organisation.name):  # fmt: skip
            text = text.replace(name, " ")
        words = sorted(set(pattern(language).findall(text)))
        if words:
            found[path] = words
    assert shown >= 3
    assert found == {}
