"""Whether a pull sends a record as created or updated is judged among its owner's records.

Ids are unique per owner, so two people can hold records under the same id. A device that
pushed its own record holds it: the next pull sends it as `updated`, never as `created`,
even when another person made a record under the same id meanwhile (WatermelonDB logs an
error for a `created` record it already has). A device that never had it gets it as created.
"""

import json
from typing import Any

from backend.finance.models import Module
from backend.ventures import services as ventures
from tests.conftest import World

from .conftest import START, Device, accepted, created, ids


def _venture(world: World, name: str) -> dict[str, Any]:
    return {
        "id": "samevent00000001",
        "programme_id": world.programme_a.pk,
        "name": name,
        "sector": "I",
        "region": "",
        "formalisation": "informal",
        "started_on": START.isoformat(),
    }


def _goal(goal_id: str, name: str) -> dict[str, Any]:
    return {
        "id": goal_id,
        "name": name,
        "target_amount": "500.00",
        "currency": "PEN",
        "target_date": None,
    }


def _deposit(goal_id: str, amount: str) -> dict[str, Any]:
    return {
        "id": "samedep000000001",
        "goal_id": goal_id,
        "kind": "deposit",
        "amount": amount,
        "occurred_on": "2025-06-02",
        "note": "",
    }


def _devices(world: World) -> tuple[Device, Device, Device]:
    """Ana's phone, Beto's phone and Ana's tablet, all synced once (after some change, so
    their next pulls are not first pulls)."""
    ventures.create_venture(
        owner=world.participant_other,
        programme_id=world.programme_b.pk,
        name="Otro",
        sector="I",
        started_on=START,
    )
    devices = (
        Device(world.participant_a),
        Device(world.participant_b),
        Device(world.participant_a),
    )
    for device in devices:
        device.pull()
    return devices


def _held_and_new(
    ana: Device, beto: Device, tablet: Device, table: str
) -> dict[str, tuple[list[str], list[str]]]:
    """Each device's next pull of ``table``: the ids sent as created, and as updated."""
    pulls = {"ana": ana.pull(), "beto": beto.pull(), "tablet": tablet.pull()}
    return {
        name: (ids(changes, table, "created"), ids(changes, table, "updated"))
        for name, changes in pulls.items()
    }


def test_two_people_using_one_venture_id_each_hold_their_own(world: World) -> None:
    ana, beto, tablet = _devices(world)
    assert accepted(ana.push(created("ventures", _venture(world, "Arepas"))))
    assert accepted(beto.push(created("ventures", _venture(world, "Cachapas"))))
    sent = _held_and_new(ana, beto, tablet, "ventures")
    assert sent["ana"] == ([], ["samevent00000001"])
    assert sent["beto"] == ([], ["samevent00000001"])
    assert sent["tablet"] == (["samevent00000001"], [])  # new to Ana's tablet
    # Her venture changed on the server later (another person's id changes nothing): updated.
    venture = ventures.Venture.objects.get(owner=world.participant_a, sync_id="samevent00000001")
    ventures.update_venture(venture=venture, changes={"name": "Arepas de Ana"})
    changes = ana.pull()["ventures"]
    assert changes["created"] == []
    assert [v["name"] for v in changes["updated"]] == ["Arepas de Ana"]


def test_two_people_using_one_goal_and_one_deposit_id_each_hold_their_own(
    world: World,
) -> None:
    ana, beto, tablet = _devices(world)
    assert accepted(ana.push(created("savings_goals", _goal("samegoal00000001", "Horno"))))
    assert accepted(beto.push(created("savings_goals", _goal("samegoal00000001", "Moto"))))
    sent = _held_and_new(ana, beto, tablet, "savings_goals")
    assert sent["ana"] == sent["beto"] == ([], ["samegoal00000001"])
    assert sent["tablet"] == (["samegoal00000001"], [])
    assert accepted(ana.push(created("savings_deposits", _deposit("samegoal00000001", "20.00"))))
    assert accepted(beto.push(created("savings_deposits", _deposit("samegoal00000001", "35.00"))))
    sent = _held_and_new(ana, beto, tablet, "savings_deposits")
    assert sent["ana"] == sent["beto"] == ([], ["samedep000000001"])
    assert sent["tablet"] == (["samedep000000001"], [])
    # Each phone starting afresh gets her own goal and deposit only.
    mine = ((world.participant_a, "Horno", "20.00"), (world.participant_b, "Moto", "35.00"))
    for user, goal, amount in mine:
        first = Device(user).pull()
        assert [g["name"] for g in first["savings_goals"]["created"]] == [goal]
        assert [d["amount"] for d in first["savings_deposits"]["created"]] == [amount]


def test_two_people_using_one_progress_and_one_quiz_id_each_hold_their_own(
    world: World,
) -> None:
    lesson = Module.objects.get(code="core").lessons.get(order=1)
    questions = lesson.questions.filter(in_knowledge_test=False).prefetch_related("choices")
    answers = [[q.pk, q.choices.get(is_correct=True).pk] for q in questions]
    push = {
        **created("lesson_progress", {"id": "sameprog00000001", "lesson_id": str(lesson.pk)}),
        **created(
            "quiz_attempts",
            {
                "id": "samequiz00000001",
                "kind": "quiz",
                "lesson_id": str(lesson.pk),
                "module_code": "core",
                "answers": json.dumps(answers),
            },
        ),
    }
    ana, beto, tablet = _devices(world)
    assert accepted(ana.push(push))
    assert accepted(beto.push(push))
    pulls = {"ana": ana.pull(), "beto": beto.pull(), "tablet": tablet.pull()}
    for table, record_id in (
        ("lesson_progress", "sameprog00000001"),
        ("quiz_attempts", "samequiz00000001"),
    ):
        for name in ("ana", "beto"):
            held = (ids(pulls[name], table, "created"), ids(pulls[name], table, "updated"))
            assert held == ([], [record_id]), (table, name)
        assert ids(pulls["tablet"], table, "created") == [record_id]
