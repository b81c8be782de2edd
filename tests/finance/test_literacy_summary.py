import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.finance.models import (
    LessonProgress,
    Module,
    QuizAttempt,
    SavingsGoal,
    SavingsMovement,
)
from tests.conftest import ApiClient, World, make_user


def _test(user: object, module: Module, kind: str, score: int) -> None:
    QuizAttempt.objects.create(
        user=user, module=module, kind=kind, correct=score * 8 // 100, total=8, score=score
    )


def _path(world: World) -> str:
    return f"finance/programmes/{world.programme_a.pk}/literacy"


def test_managers_see_completion_and_mean_gain(world: World, core: Module) -> None:
    for lesson in core.lessons.all():
        LessonProgress.objects.create(user=world.participant_a, lesson=lesson)
    LessonProgress.objects.create(user=world.participant_b, lesson=core.lessons.first())
    _test(world.participant_a, core, "pre", 25)
    _test(world.participant_a, core, "post", 75)  # +50
    _test(world.participant_b, core, "pre", 50)
    _test(world.participant_b, core, "post", 62)  # +12
    _test(world.participant_other, core, "pre", 0)  # programme B: not counted
    _test(world.participant_other, core, "post", 100)
    goal = SavingsGoal.objects.create(
        user=world.participant_a, programme=world.programme_a, name="x",
        target_amount=Decimal(100), currency="PEN",
    )  # fmt: skip
    for kind, amount in (("deposit", "40.00"), ("deposit", "10.50"), ("withdrawal", "5.00")):
        SavingsMovement.objects.create(
            goal=goal, kind=kind, amount=Decimal(amount), occurred_on=dt.date(2026, 1, 5)
        )
    resp = ApiClient(world.manager).get(_path(world))
    assert resp.status_code == 200
    body = resp.json()
    assert (body["participants"], body["completed_module"], body["pre_tested"]) == (2, 1, 2)
    assert Decimal(body["completion_share"]) == Decimal("50.0")
    gain = body["knowledge_gain"]
    assert gain["n"] == 2
    assert Decimal(gain["mean_gain_points"]) == Decimal("31.0")
    assert Decimal(gain["mean_pre_score"]) == Decimal("37.5")
    assert body["savings"]["savers"] == 1
    assert body["savings"]["by_currency"] == [{"currency": "PEN", "goals": 1, "saved": "45.50"}]


def test_a_learner_without_a_post_test_is_not_in_the_gain(world: World, core: Module) -> None:
    _test(world.participant_a, core, "pre", 25)
    body = ApiClient(world.manager).get(_path(world)).json()
    assert body["knowledge_gain"]["n"] == 0
    assert body["knowledge_gain"]["mean_gain_points"] is None
    assert body["pre_tested"] == 1


def test_other_roles_get_404(world: World, core: Module) -> None:
    for user in (world.other_manager, world.participant_a, world.trainer, world.donor):
        assert ApiClient(user).get(_path(world)).status_code == 404
    assert ApiClient(world.admin).get(_path(world)).status_code == 200


def test_the_summary_costs_the_same_queries_however_many_learners(
    world: World, core: Module
) -> None:
    api = ApiClient(world.manager)
    api.get(_path(world))
    with CaptureQueriesContext(connection) as few:
        api.get(_path(world))
    from backend.programmes.models import Membership

    for i in range(15):
        user = make_user(phone=f"+5198700{i:04d}")
        Membership.objects.create(user=user, programme=world.programme_a, role="participant")
        _test(user, core, "pre", 40)
        _test(user, core, "post", 60)
        LessonProgress.objects.create(user=user, lesson=core.lessons.first())
    with CaptureQueriesContext(connection) as many:
        body = api.get(_path(world)).json()
    assert len(many) == len(few)
    assert body["knowledge_gain"]["n"] == 15
