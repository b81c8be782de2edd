import datetime as dt
from decimal import Decimal

from backend.accounts import services as account_services
from backend.finance.models import LessonProgress, Module, SavingsGoal, SavingsMovement
from tests.conftest import ApiClient, World


def _records(world: World, core: Module) -> SavingsGoal:
    LessonProgress.objects.create(user=world.participant_a, lesson=core.lessons.first())
    goal = SavingsGoal.objects.create(
        user=world.participant_a, programme=world.programme_a, name="Viaje a ver a mi mamá",
        target_amount=Decimal(300), currency="PEN",
    )  # fmt: skip
    SavingsMovement.objects.create(
        goal=goal, kind="deposit", amount=Decimal(20), occurred_on=dt.date(2026, 2, 1),
        note="propinas",
    )  # fmt: skip
    return goal


def test_the_export_holds_progress_and_savings(world: World, core: Module) -> None:
    _records(world, core)
    data = ApiClient(world.participant_a).get("me/export").json()["finance"]
    assert data["lessons_completed"][0]["lesson"] == "budget"
    [goal] = data["savings_goals"]
    assert goal["name"] == "Viaje a ver a mi mamá"
    assert goal["movements"] == [
        {"kind": "deposit", "amount": "20.00", "occurred_on": "2026-02-01", "note": "propinas"}
    ]


def test_erasure_wipes_free_text_but_keeps_the_figures(world: World, core: Module) -> None:
    goal = _records(world, core)
    account_services.erase_identity(user=world.participant_a)
    goal.refresh_from_db()
    movement = goal.movements.get()
    assert (goal.name, movement.note) == ("", "")
    assert (goal.target_amount, movement.amount) == (Decimal(300), Decimal(20))
    assert LessonProgress.objects.filter(user=world.participant_a).count() == 1
