"""Money on the wire: one rule for REST and sync (mobile_api_spec/sync.md, "Money").

Out: a decimal string in the currency's own minor units (COP "12744", PEN "12.50"). In: any
value unchanged when rounded to those units; only real extra precision is refused.
"""

from decimal import Decimal

import pytest

from backend.finance.models import SavingsGoal
from backend.lib.errors import DomainError
from backend.lib.money import parse_amount
from tests.conftest import ApiClient, World

from .conftest import Device, accepted, created


def _updated(table: str, raw: dict[str, object]) -> dict[str, object]:
    return {table: {"created": [], "updated": [raw], "deleted": []}}


@pytest.mark.parametrize(
    ("value", "currency", "stored"),
    [
        ("15000.00", "COP", Decimal("15000")),
        ("15000", "COP", Decimal("15000")),
        ("12.5", "PEN", Decimal("12.50")),
        ("12.500", "PEN", Decimal("12.50")),
    ],
)
def test_an_amount_unchanged_by_rounding_is_accepted(
    value: str, currency: str, stored: Decimal
) -> None:
    assert parse_amount(value, currency) == stored


@pytest.mark.parametrize(("value", "currency"), [("15000.5", "COP"), ("12.505", "PEN")])
def test_only_real_extra_precision_is_refused(value: str, currency: str) -> None:
    with pytest.raises(DomainError):
        parse_amount(value, currency)


def test_a_pulled_cop_goal_is_edited_and_pushed_back(world: World) -> None:
    phone, tablet = Device(world.participant_a, language="es"), Device(world.participant_a)
    phone.pull()
    goal = {
        "id": "goalCOP000000001",
        "name": "Nevera",
        "target_amount": "1960000.00",  # as an app that keeps two decimals would send it
        "currency": "COP",
        "target_date": None,
    }
    assert accepted(phone.push(created("savings_goals", goal)))
    deposit = {
        "id": "depCOP0000000001",
        "goal_id": goal["id"],
        "kind": "deposit",
        "amount": "12744",
        "occurred_on": "2025-06-02",
        "note": "",
    }
    assert accepted(phone.push(created("savings_deposits", deposit)))

    changes = tablet.pull()
    [pulled] = changes["savings_goals"]["created"]
    assert pulled["target_amount"] == "1960000"
    assert changes["savings_deposits"]["created"][0]["amount"] == "12744"
    # REST says the same.
    goals = ApiClient(world.participant_a).get("finance/savings-goals").json()["items"]
    [rest] = [g for g in goals if g["name"] == "Nevera"]
    assert rest["target_amount"] == "1960000"

    # The whole pulled record goes back with only the name changed, as WatermelonDB sends it.
    assert accepted(tablet.push(_updated("savings_goals", {**pulled, "name": "Nevera nueva"})))
    assert SavingsGoal.objects.get(sync_id=goal["id"]).name == "Nevera nueva"

    phone.pull()
    response = phone.push(_updated("savings_goals", {**pulled, "target_amount": "2000000.5"}))
    rejected = response.json()["rejected"]["savings_goals"][goal["id"]]
    assert rejected["code"] == "invalid"
    assert "COP" in rejected["message"]
    assert SavingsGoal.objects.get(sync_id=goal["id"]).target_amount == Decimal("1960000")


def test_rest_accepts_a_cop_amount_written_with_two_zero_decimals(world: World) -> None:
    api = ApiClient(world.participant_a)
    response = api.post(
        "finance/savings-goals",
        {"name": "Moto", "target_amount": "15000.00", "currency": "COP"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["target_amount"] == "15000"
    refused = api.post(
        "finance/savings-goals",
        {"name": "Moto", "target_amount": "15000.50", "currency": "COP"},
    )
    assert refused.status_code == 422
