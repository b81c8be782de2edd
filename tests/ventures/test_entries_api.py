import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import Consent
from backend.ventures.models import LedgerEntry, Venture, VentureMonth
from tests.conftest import ApiClient, World
from tests.ventures.conftest import record

pytestmark = pytest.mark.django_db


def sale(entry_id: str = "wmdb0000000000a1", **over: Any) -> dict[str, Any]:
    body = {
        "id": entry_id,
        "kind": "sale",
        "amount": "12.50",
        "occurred_on": "2025-06-02",
        "payment_method": "mobile_wallet",
        "wallet": "yape",
        "note": "almuerzo",
    }
    body.update(over)
    return body


def post(world: World, venture: Venture, body: dict[str, Any], user: Any = None) -> Any:
    return ApiClient(user or world.participant_a).post(f"ventures/{venture.pk}/entries", body)


def error_loc(resp: Any) -> list[str]:
    return resp.json()["error"]["fields"][0]["loc"]


def test_it_records_a_sale(world: World, venture_a: Venture) -> None:
    resp = post(world, venture_a, sale())
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["amount"], body["currency"], body["wallet"]) == ("12.50", "PEN", "yape")
    month = VentureMonth.objects.get(venture=venture_a)
    assert (month.sales, month.digital_sales, month.active_days) == (
        Decimal("12.50"),
        Decimal("12.50"),
        1,
    )


def test_a_uuid_id_works(world: World, venture_a: Venture) -> None:
    resp = post(world, venture_a, sale("3f2b8c9e-1d4a-4b6f-9a0e-2c7d5e8f1a3b"))
    assert resp.status_code == 201


def test_a_retry_with_the_same_content_is_the_same_entry(world: World, venture_a: Venture) -> None:
    assert post(world, venture_a, sale()).status_code == 201
    again = post(world, venture_a, sale())
    assert again.status_code == 200
    assert LedgerEntry.objects.count() == 1
    assert VentureMonth.objects.get(venture=venture_a).sales == Decimal("12.50")


def test_the_same_id_with_other_content_is_a_conflict(world: World, venture_a: Venture) -> None:
    post(world, venture_a, sale())
    resp = post(world, venture_a, sale(amount="13.00"))
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "id_conflict"
    assert LedgerEntry.objects.get().amount == Decimal("12.50")


@pytest.mark.parametrize(
    ("over", "loc"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10000000000000"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"currency": "COP"}, "currency"),
        ({"occurred_on": "2024-12-31"}, "occurred_on"),
        ({"payment_method": "cash"}, "wallet"),
        (
            {"kind": "expense", "payment_method": "customer_credit", "wallet": None},
            "payment_method",
        ),
        ({"category": "rent"}, "category"),
        ({"id": "has spaces"}, "id"),
        ({"id": "x" * 37}, "id"),
        ({"role": "admin"}, "role"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    world: World, venture_a: Venture, over: dict[str, Any], loc: str
) -> None:
    resp = post(world, venture_a, sale(**over))
    assert resp.status_code == 422, resp.content
    assert error_loc(resp)[-1] == loc
    assert LedgerEntry.objects.count() == 0
    assert not VentureMonth.objects.exists()


def test_dates_more_than_a_day_ahead_in_the_programme_zone_are_refused(
    world: World, venture_a: Venture
) -> None:
    today = timezone.localdate(timezone=ZoneInfo("America/Lima"))
    tomorrow, later = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    assert post(world, venture_a, sale("t1", occurred_on=tomorrow.isoformat())).status_code == 201
    resp = post(world, venture_a, sale("t2", occurred_on=later.isoformat()))
    assert resp.status_code == 422
    assert error_loc(resp) == ["body", "occurred_on"]


def test_messages_follow_the_callers_language(world: World, venture_a: Venture) -> None:
    world.participant_a.preferred_language = "en"
    world.participant_a.save()
    body = sale(occurred_on="2099-01-01")
    resp = post(world, venture_a, body)
    assert resp.json()["error"]["fields"][0]["message"] == (
        "The date cannot be more than one day in the future."
    )
    world.participant_a.preferred_language = "es"
    world.participant_a.save()
    resp = post(world, venture_a, body)
    assert "más de un día en el futuro" in resp.json()["error"]["fields"][0]["message"]


def test_cop_amounts_have_no_decimals(world: World, venture_other: Venture) -> None:
    body = sale(amount="1500.50", wallet="nequi")
    assert post(world, venture_other, body, world.participant_other).status_code == 422
    body = sale(amount="15000", wallet="nequi")
    resp = post(world, venture_other, body, world.participant_other)
    assert resp.json()["amount"] == "15000"


def test_nobody_else_can_post_to_a_venture(world: World, venture_a: Venture) -> None:
    assert post(world, venture_a, sale(), world.participant_b).status_code == 404
    assert post(world, venture_a, sale(), world.trainer).status_code == 404
    assert post(world, venture_a, sale(), world.manager).status_code == 403
    assert LedgerEntry.objects.count() == 0


def test_consent_is_needed(world: World, venture_a: Venture) -> None:
    Consent.objects.filter(user=world.participant_a).update(withdrawn=True)
    resp = post(world, venture_a, sale())
    assert resp.status_code == 403
    assert LedgerEntry.objects.count() == 0


def test_customer_credit_stays_owed_until_repaid(world: World, venture_a: Venture) -> None:
    credit = sale("c1", payment_method="customer_credit", wallet=None, amount="40.00")
    assert post(world, venture_a, credit).status_code == 201
    api = ApiClient(world.participant_a)
    assert api.get(f"ventures/{venture_a.pk}").json()["outstanding_credit"] == "40.00"
    repay = sale("r1", kind="repayment", payment_method="cash", wallet=None, amount="15.00")
    assert post(world, venture_a, repay).status_code == 201
    assert api.get(f"ventures/{venture_a.pk}").json()["outstanding_credit"] == "25.00"
    too_much = sale("r2", kind="repayment", payment_method="cash", wallet=None, amount="30.00")
    assert post(world, venture_a, too_much).status_code == 422
    month = VentureMonth.objects.get(venture=venture_a)
    assert month.sales == Decimal("40.00")  # a repayment is not a new sale


def test_void_removes_the_entry_from_totals_but_keeps_it(world: World, venture_a: Venture) -> None:
    post(world, venture_a, sale())
    api = ApiClient(world.participant_a)
    resp = api.post("entries/wmdb0000000000a1/void", {"reason": "tecleé mal"})
    assert resp.status_code == 200
    assert resp.json()["voided_at"] is not None
    entry = LedgerEntry.objects.get()
    assert (entry.voided_by, entry.void_reason) == (world.participant_a, "tecleé mal")
    month = VentureMonth.objects.get(venture=venture_a)
    assert (month.sales, month.entries, month.active_days, month.active_weeks) == (0, 0, 0, 0)


def test_voiding_twice_is_a_conflict(world: World, venture_a: Venture) -> None:
    post(world, venture_a, sale())
    api = ApiClient(world.participant_a)
    api.post("entries/wmdb0000000000a1/void", {"reason": "x"})
    resp = api.post("entries/wmdb0000000000a1/void", {"reason": "again"})
    assert resp.status_code == 409
    assert LedgerEntry.objects.get().void_reason == "x"


def test_voiding_someone_elses_entry_is_not_found(world: World, venture_a: Venture) -> None:
    post(world, venture_a, sale())
    resp = ApiClient(world.participant_b).post("entries/wmdb0000000000a1/void", {"reason": "x"})
    assert resp.status_code == 404
    assert (
        ApiClient(world.manager).post("entries/wmdb0000000000a1/void", {"reason": "x"}).status_code
        == 403
    )
    assert LedgerEntry.objects.get().voided_at is None


def test_a_repaid_credit_sale_cannot_be_voided_before_its_repayment(
    world: World, venture_a: Venture
) -> None:
    record(venture_a, "c1", "40.00", payment_method="customer_credit")
    record(venture_a, "r1", "30.00", kind="repayment")
    api = ApiClient(world.participant_a)
    assert api.post("entries/c1/void", {"reason": "x"}).status_code == 409
    assert api.post("entries/r1/void", {"reason": "x"}).status_code == 200
    assert api.post("entries/c1/void", {"reason": "x"}).status_code == 200


def test_the_list_filters_and_pages_by_cursor(world: World, venture_a: Venture) -> None:
    for i in range(7):
        kind = "expense" if i % 3 == 0 else "sale"
        record(venture_a, f"e{i}", occurred_on=dt.date(2025, 6, 1 + i), kind=kind)
    api = ApiClient(world.participant_a)
    url = f"ventures/{venture_a.pk}/entries"
    page = api.get(url, page_size=3).json()
    assert len(page["results"]) == 3
    seen = [r["id"] for r in page["results"]]
    while page["next"]:
        parts = urlsplit(page["next"])
        page = api.get(f"{parts.path}?{parts.query}").json()
        seen += [r["id"] for r in page["results"]]
    assert sorted(seen) == [f"e{i}" for i in range(7)]
    sales = api.get(url, kind="sale", start="2025-06-02", end="2025-06-05").json()["results"]
    assert sorted(r["id"] for r in sales) == ["e1", "e2", "e4"]
    assert api.get(f"{url}?method=card").json()["results"] == []
    assert api.get(url, kind="refund").status_code == 422


def test_the_list_runs_the_same_queries_for_any_page_size(world: World, venture_a: Venture) -> None:
    for i in range(30):
        record(venture_a, f"e{i:02d}")
    api = ApiClient(world.participant_a)
    counts = []
    for size in (2, 30):
        with CaptureQueriesContext(connection) as ctx:
            resp = api.get(f"ventures/{venture_a.pk}/entries", page_size=size)
        assert len(resp.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_managers_read_their_programmes_ledgers_and_it_is_audited(
    world: World, venture_a: Venture, venture_other: Venture
) -> None:
    record(venture_a, "e1")
    api = ApiClient(world.manager)
    assert api.get(f"ventures/{venture_a.pk}/entries").status_code == 200
    assert api.get(f"ventures/{venture_other.pk}/entries").status_code == 404
    from backend.accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="venture.entries", actor=world.manager).exists()
    for user in (world.trainer, world.donor):
        assert ApiClient(user).get(f"ventures/{venture_a.pk}/entries").status_code == 404


def test_a_sale_costs_a_fixed_short_list_of_queries(world: World, venture_a: Venture) -> None:
    api = ApiClient(world.participant_a)
    url = f"ventures/{venture_a.pk}/entries"
    assert api.post(url, sale("warm0000000000001")).status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        assert api.post(url, sale("next0000000000001")).status_code == 201
    sql = [q["sql"] for q in ctx.captured_queries]
    savepoints = [s for s in sql if s.startswith("SAVEPOINT")]
    # One transaction for the whole write; here the test's own transaction around the request
    # makes it a savepoint (in production it is the request's only transaction).
    assert len(savepoints) == 1, sql
    rest = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    # Session, user, second-factor rule, venture, consent, change number, (PostgreSQL: the
    # venture's row lock), existing ids, the entry, its appearance, day and month rollups.
    assert len(rest) <= (14 if connection.vendor == "sqlite" else 15), "\n".join(rest)
