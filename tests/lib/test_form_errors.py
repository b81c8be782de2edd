"""A date that is written right but is not on the calendar, and forms that keep what was typed."""

from typing import Any

from django.test import Client

from backend.finance.models import SavingsGoal
from backend.outcomes.models import ReportSnapshot
from tests.conftest import ApiClient, World


def _client(user: object, language: str = "es") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_api_says_an_impossible_date_does_not_exist(world: World) -> None:
    world.participant_a.preferred_language = "en"
    world.participant_a.save(update_fields=["preferred_language"])
    api = ApiClient(world.participant_a, language="en")
    resp = api.post(
        "finance/savings-goals",
        {"name": "Horno", "target_amount": "400.00", "target_date": "2099-02-30"},
    )
    assert resp.status_code == 422
    field = resp.json()["error"]["fields"][0]
    assert field["loc"][-1] == "target_date"
    assert "does not exist" in field["message"]
    wrong_shape = api.post(
        "finance/savings-goals",
        {"name": "Horno", "target_amount": "400.00", "target_date": "30/02/2099"},
    )
    assert "YYYY-MM-DD" in wrong_shape.json()["error"]["fields"][0]["message"]


def test_the_savings_form_says_the_date_does_not_exist_and_keeps_what_was_typed(
    world: World,
) -> None:
    resp = _client(world.participant_a, "en").post(
        "/finance/savings/",
        {"name": "Horno nuevo", "target_amount": "400", "target_date": "2099-02-30"},
    )
    page = resp.content.decode()
    assert resp.status_code == 422
    assert "This date does not exist" in page
    assert "YYYY-MM-DD" not in page
    assert 'value="Horno nuevo"' in page
    assert 'value="400"' in page
    # The message sits right under the date box, not only at the top of the page.
    after_box = page.split('id="target_date"', 1)[1]
    assert after_box.index("This date does not exist") < after_box.index("</div>")
    assert not SavingsGoal.objects.exists()


def test_the_report_form_speaks_plainly_next_to_each_field_and_keeps_the_values(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(world.manager, "en")
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            "/reports/",
            {
                "programme_ids": [world.programme_a.pk],
                "period_start": "2026-02-30",
                "period_end": "2026-09-31x",
                "baseline_start": "2026-01-01",
                "baseline_end": "2026-02-28",
                "followup_start": "2026-07-01",
                "followup_end": "2026-08-31",
                "min_weeks": "3",
                "tolerance": "abc",
                "dim1": "sex",
            },
        )
    page = resp.content.decode()
    assert resp.status_code == 422
    for python_words in ("day is out of range", "Invalid isoformat", ">tolerance<"):
        assert python_words not in page
    start = page.split('id="period_start"', 1)[1].split("</div>", 1)[0]
    assert "This date does not exist" in start
    end = page.split('id="period_end"', 1)[1].split("</div>", 1)[0]
    assert "YYYY-MM-DD" in end
    tolerance = page.split('id="tolerance"', 1)[1].split("</div>", 1)[0]
    assert "between 0 and 0.5" in tolerance
    assert 'value="2026-02-30"' in page
    assert 'value="abc"' in page
    assert 'value="3"' in page
    assert '<option value="sex" selected>' in page
    assert not ReportSnapshot.objects.exists()
