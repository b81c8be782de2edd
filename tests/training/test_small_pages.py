"""Plural forms, an empty batch said plainly, styled error pages and the site's icon."""

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from backend.training.models import Enrollment
from tests.conftest import World

LANGUAGES = ("es", "pt-br", "en")


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_scores_for_one_person_use_the_singular(world: World, enrollment_a: Enrollment) -> None:
    client = _client(world.trainer)
    url = f"/training/cohorts/{enrollment_a.cohort_id}/scores/"
    page = client.post(url, {f"pre_{enrollment_a.pk}": "45"}, follow=True).content.decode()
    assert "Scores saved for 1 person." in page
    assert "1 people" not in page


def test_issuing_a_cohort_with_nobody_due_says_so_instead_of_zero_certificates(
    world: World, enrollment_a: Enrollment
) -> None:
    client = _client(world.trainer)
    url = f"/training/cohorts/{enrollment_a.cohort_id}/certificates/"
    page = client.post(url, follow=True).content.decode()
    assert "0 certificates" not in page
    assert "No certificate is due" in page


def _is_styled(html: str) -> bool:
    return "css/impulsa.css" in html and 'class="topbar"' in html and "<h1>" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_donor_opening_the_admin_gets_a_styled_page_in_her_language(
    world: World, language: str
) -> None:
    resp = _client(world.donor, language).get("/admin/", follow=True)
    html = resp.content.decode()
    assert resp.status_code == 403
    assert _is_styled(html)
    assert f'lang="{language}"' in html
    assert html.strip() != "<h1>403 Forbidden</h1>"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_page_is_styled_in_the_visitors_language(db: Any, language: str) -> None:
    resp = Client(headers={"Accept-Language": language}).get("/no-such-page/")
    html = resp.content.decode()
    assert resp.status_code == 404
    assert _is_styled(html)
    assert f'lang="{language}"' in html


def test_the_error_page_needs_no_database_and_no_request_context() -> None:
    # No database fixture: any query while rendering would raise here.
    request = RequestFactory().get("/")
    resp = server_error(request)
    html = resp.content.decode()
    assert resp.status_code == 500
    assert _is_styled(html)
    assert 'rel="icon"' in html


def test_the_site_has_an_icon(db: Any) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page
    resp = Client().get("/favicon.ico")
    assert resp.status_code == 301
    icon = Client().get(resp["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]
