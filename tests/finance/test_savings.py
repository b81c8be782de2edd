import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.finance.models import SavingsGoal, SavingsMovement
from backend.programmes.models import Membership
from tests.conftest import ApiClient, World

GOALS = "finance/savings-goals"


def _goal(api: ApiClient, **extra: object) -> dict[str, object]:
    resp = api.post(GOALS, {"name": "Máquina de coser", "target_amount": "400.00", **extra})
    assert resp.status_code == 201, resp.content
    return resp.json()


def test_a_goal_takes_the_programme_currency(world: World) -> None:
    goal = _goal(ApiClient(world.participant_a), target_date="2099-01-31")
    assert goal["currency"] == "PEN"
    assert (goal["target_amount"], goal["saved"], goal["share_of_target_percent"]) == (
        "400.00", "0.00", "0.0",
    )  # fmt: skip
    saved = SavingsGoal.objects.get(pk=goal["id"])
    assert saved.programme == world.programme_a
    assert saved.target_date == dt.date(2099, 1, 31)


def test_deposits_and_withdrawals_show_progress(world: World) -> None:
    api = ApiClient(world.participant_a)
    goal = _goal(api)
    path = f"{GOALS}/{goal['id']}/movements"
    assert api.post(path, {"kind": "deposit", "amount": "150.50"}).status_code == 201
    resp = api.post(path, {"kind": "withdrawal", "amount": 50.5, "note": "medicina"})
    assert resp.status_code == 201
    assert resp.json()["goal"]["saved"] == "100.00"
    detail = api.get(f"{GOALS}/{goal['id']}").json()
    assert (detail["saved"], detail["remaining"], detail["share_of_target_percent"]) == (
        "100.00", "300.00", "25.0",
    )  # fmt: skip
    assert detail["reached"] is False
    movements = api.get(path).json()["items"]
    assert [m["amount"] for m in movements] == ["50.50", "150.50"]


def test_a_withdrawal_cannot_take_a_goal_below_zero(world: World) -> None:
    api = ApiClient(world.participant_a)
    goal = _goal(api)
    path = f"{GOALS}/{goal['id']}/movements"
    api.post(path, {"kind": "deposit", "amount": "30"})
    resp = api.post(path, {"kind": "withdrawal", "amount": "30.01"})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "insufficient_savings"
    assert "30.00 PEN" in error["message"]
    assert error["fields"][0]["loc"] == ["body", "amount"]
    assert SavingsMovement.objects.count() == 1
    assert api.post(path, {"kind": "withdrawal", "amount": "30"}).status_code == 201


def test_the_error_speaks_the_persons_language(world: World) -> None:
    world.participant_a.preferred_language = "pt-br"
    world.participant_a.save()
    api = ApiClient(world.participant_a)
    goal = _goal(api)
    resp = api.post(f"{GOALS}/{goal['id']}/movements", {"kind": "withdrawal", "amount": "1"})
    assert resp.status_code == 422
    assert "Você pode" in resp.json()["error"]["message"]


def test_bad_amounts_and_dates_are_refused(world: World) -> None:
    api = ApiClient(world.participant_a)
    goal = _goal(api)
    path = f"{GOALS}/{goal['id']}/movements"
    assert api.post(path, {"kind": "deposit", "amount": "1.234"}).status_code == 422
    assert api.post(path, {"kind": "deposit", "amount": "-5"}).status_code == 422
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    resp = api.post(path, {"kind": "deposit", "amount": "5", "occurred_on": future})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "occurred_on"]
    assert api.post(GOALS, {"name": "x", "target_amount": "0"}).status_code == 422
    assert not SavingsMovement.objects.exists()


def test_a_goal_is_seen_only_by_its_owner(world: World) -> None:
    goal = _goal(ApiClient(world.participant_a))
    for user in (world.participant_b, world.manager, world.admin):
        api = ApiClient(user)
        assert api.get(f"{GOALS}/{goal['id']}").status_code == 404
        resp = api.post(f"{GOALS}/{goal['id']}/movements", {"kind": "deposit", "amount": "1"})
        assert resp.status_code == 404
    assert ApiClient(world.participant_b).get(GOALS).json()["count"] == 0


def test_a_participant_of_two_programmes_chooses_one(world: World) -> None:
    Membership.objects.create(
        user=world.participant_a, programme=world.programme_b, role="participant"
    )
    api = ApiClient(world.participant_a)
    resp = api.post(GOALS, {"name": "Estufa", "target_amount": "100"})
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "programme_id"]
    goal = _goal(api, programme_id=world.programme_b.pk, target_amount="500000")
    assert goal["currency"] == "COP"
    assert goal["target_amount"] == "500000"


def test_the_list_costs_the_same_queries_for_a_small_and_a_large_page(world: World) -> None:
    api = ApiClient(world.participant_a)
    for i in range(12):
        goal = SavingsGoal.objects.create(
            user=world.participant_a, programme=world.programme_a, name=f"g{i}",
            target_amount=Decimal(100), currency="PEN",
        )  # fmt: skip
        SavingsMovement.objects.create(
            goal=goal, kind="deposit", amount=Decimal(i + 1), occurred_on=dt.date(2026, 1, 1)
        )
    api.get(GOALS)
    with CaptureQueriesContext(connection) as small:
        page = api.get(GOALS, limit=2).json()
    with CaptureQueriesContext(connection) as large:
        api.get(GOALS, limit=12)
    assert len(small) == len(large)
    assert page["count"] == 12
    assert page["items"][0]["saved"] == "12.00"
