import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.ventures import services
from backend.ventures.models import Venture
from tests.conftest import ApiClient, World
from tests.ventures.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(venture_a: Venture) -> Venture:
    # May: 100 cash sales, 30 expense. June: 150 in sales (50 Yape, 100 on credit), 40 expense,
    # one voided sale, 20 repaid.
    record(venture_a, "m1", "100.00", occurred_on=dt.date(2025, 5, 10))
    record(venture_a, "m2", "30.00", kind="expense", occurred_on=dt.date(2025, 5, 12))
    record(
        venture_a, "j1", "50.00", payment_method="mobile_wallet", wallet="yape",
        occurred_on=dt.date(2025, 6, 2),
    )  # fmt: skip
    record(
        venture_a, "j2", "100.00", payment_method="customer_credit", occurred_on=dt.date(2025, 6, 9)
    )
    record(venture_a, "j3", "40.00", kind="expense", occurred_on=dt.date(2025, 6, 9))
    record(venture_a, "j4", "20.00", kind="repayment", occurred_on=dt.date(2025, 6, 20))
    record(venture_a, "j5", "999.00", occurred_on=dt.date(2025, 6, 21))
    services.void_entry(actor=venture_a.owner, entry_id="j5", reason="typo")
    return venture_a


def test_monthly_summary_with_trend(world: World, books: Venture) -> None:
    resp = ApiClient(world.participant_a).get(
        f"ventures/{books.pk}/summary", period="week", start="2025-06-01", end="2025-06-30"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["totals"] == {
        "sales": "150.00", "expenses": "40.00", "margin": "110.00", "entries": 4,
        "digital_sales": "50.00",
    }  # fmt: skip
    assert {m["method"]: m["sales"] for m in body["by_method"]} == {
        "mobile_wallet": "50.00",
        "customer_credit": "100.00",
    }
    assert body["outstanding_credit"] == "80.00"
    assert body["previous"]["sales"] == "100.00"
    assert body["trend"] == {"sales_change_pct": 50.0, "margin_change_pct": 57.1}
    assert body["buckets"][0]["start"] == "2025-05-26"  # the Monday of the first week
    assert sum(float(b["sales"]) for b in body["buckets"]) == 150.0


def test_daily_buckets(world: World, books: Venture) -> None:
    body = (
        ApiClient(world.participant_a)
        .get(f"ventures/{books.pk}/summary", period="day", start="2025-06-01", end="2025-06-10")
        .json()
    )
    assert len(body["buckets"]) == 10
    assert body["buckets"][8] == {
        "start": "2025-06-09", "sales": "100.00", "expenses": "40.00", "margin": "60.00",
        "entries": 2,
    }  # fmt: skip


def test_the_summary_runs_a_fixed_number_of_queries(world: World, books: Venture) -> None:
    api = ApiClient(world.participant_a)
    counts = []
    for start, end in (("2025-06-01", "2025-06-07"), ("2025-01-01", "2025-12-31")):
        with CaptureQueriesContext(connection) as ctx:
            resp = api.get(f"ventures/{books.pk}/summary", period="day", start=start, end=end)
        assert resp.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_bad_ranges_are_refused(world: World, books: Venture) -> None:
    api = ApiClient(world.participant_a)
    url = f"ventures/{books.pk}/summary"
    # Every bad range is a 422 naming the parameter, in the participant's language.
    reversed_range = api.get(url, start="2025-06-10", end="2025-06-01")
    assert reversed_range.status_code == 422
    assert reversed_range.json()["error"]["fields"][0]["loc"] == ["query", "end"]
    too_long = api.get(url, period="day", start="2020-01-01", end="2025-06-01")
    assert too_long.status_code == 422
    assert too_long.json()["error"]["fields"][0]["loc"] == ["query", "start"]
    assert api.get(url, period="year", start="2025-01-01", end="2025-06-01").status_code == 422


def test_who_may_read_a_summary(world: World, books: Venture) -> None:
    url = f"ventures/{books.pk}/summary?start=2025-06-01&end=2025-06-30"
    assert ApiClient(world.manager).get(url).status_code == 200
    for user in (world.participant_b, world.trainer, world.donor, world.other_manager):
        assert ApiClient(user).get(url).status_code == 404


def test_every_money_field_of_a_cop_summary_is_in_whole_pesos(
    world: World, venture_other: Venture
) -> None:
    # May: 100 sold by mobile wallet, 130 spent (a loss). June: one 50 peso cash sale.
    assert venture_other.currency == "COP"
    record(
        venture_other, "c1", "100", payment_method="mobile_wallet", wallet="nequi",
        occurred_on=dt.date(2025, 5, 10),
    )  # fmt: skip
    record(venture_other, "c2", "130", kind="expense", occurred_on=dt.date(2025, 5, 12))
    record(venture_other, "c3", "50", occurred_on=dt.date(2025, 6, 3))
    body = (
        ApiClient(world.participant_other)
        .get(f"ventures/{venture_other.pk}/summary", start="2025-05-01", end="2025-06-30")
        .json()
    )
    assert body["totals"] == {
        "sales": "150", "expenses": "130", "margin": "20", "entries": 3, "digital_sales": "100",
    }  # fmt: skip
    assert body["by_method"] == [
        {"method": "cash", "sales": "50"},
        {"method": "mobile_wallet", "sales": "100"},
    ]
    assert body["previous"]["margin"] == "0"
    may = (
        ApiClient(world.participant_other)
        .get(f"ventures/{venture_other.pk}/summary", start="2025-06-01", end="2025-06-30")
        .json()["previous"]
    )
    assert (may["sales"], may["expenses"], may["margin"]) == ("100", "130", "-30")
