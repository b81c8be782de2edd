"""A participant edits their savings goals offline (SYNC.md: savings_goals, read and write own)."""

from decimal import Decimal

from backend.finance.models import SavingsGoal
from tests.conftest import World

from .conftest import Device, accepted, created


def _goal(device: Device) -> dict[str, object]:
    goal = {
        "id": "goal000000000001",
        "name": "Horno",
        "target_amount": "500.00",
        "currency": "PEN",
        "target_date": None,
    }
    assert accepted(device.push(created("savings_goals", goal)))
    return goal


def _updated(raw: dict[str, object]) -> dict[str, object]:
    return {"savings_goals": {"created": [], "updated": [raw], "deleted": []}}


def test_name_target_and_date_change_and_reach_the_other_device(world: World) -> None:
    phone, tablet = Device(world.participant_a, language="es"), Device(world.participant_a)
    phone.pull()
    goal = _goal(phone)
    phone.pull()
    tablet.pull()
    edit = {**goal, "name": "Horno grande", "target_amount": "750.5", "target_date": "2099-12-31"}
    assert accepted(phone.push(_updated(edit)))
    stored = SavingsGoal.objects.get(sync_id=goal["id"])
    assert (stored.name, stored.target_amount) == ("Horno grande", Decimal("750.50"))
    assert stored.target_date.isoformat() == "2099-12-31"
    [seen] = tablet.pull()["savings_goals"]["updated"]
    assert (seen["name"], seen["target_amount"]) == ("Horno grande", "750.50")

    # The service's rules hold: a past date, a bad amount and another currency are rejected.
    phone.pull()
    for bad, code in (
        ({"target_date": "2020-01-01"}, "invalid"),
        ({"target_amount": "-3"}, "invalid"),
        ({"currency": "USD"}, "immutable"),
    ):
        response = phone.push(_updated({**edit, **bad}))
        rejected = response.json()["rejected"]["savings_goals"][goal["id"]]
        assert rejected["code"] == code, bad
    assert (
        "pasado"
        in phone.push(_updated({**edit, "target_date": "2020-01-01"})).json()["rejected"][
            "savings_goals"
        ][goal["id"]]["message"]
    )
    assert SavingsGoal.objects.get(sync_id=goal["id"]).name == "Horno grande"


def test_a_stale_edit_is_a_conflict(world: World) -> None:
    phone, tablet = Device(world.participant_a), Device(world.participant_a)
    phone.pull()
    goal = _goal(phone)
    phone.pull()
    tablet.pull()
    assert accepted(tablet.push(_updated({**goal, "name": "Horno de barro"})))
    response = phone.push(_updated({**goal, "name": "Horno a gas"}))
    assert response.status_code == 409
    assert SavingsGoal.objects.get().name == "Horno de barro"


def test_someone_elses_goal_cannot_be_edited(world: World) -> None:
    goal = _goal(Device(world.participant_a))
    intruder = Device(world.participant_b)
    intruder.pull()
    response = intruder.push(_updated({**goal, "name": "Mío"}))
    # Not visible to them: the update is taken as a new goal of theirs, as for any fresh id,
    # so the answer does not tell them that the id is someone else's.
    assert accepted(response)
    assert SavingsGoal.objects.get(user=world.participant_a).name == "Horno"
    assert SavingsGoal.objects.get(user=world.participant_b).name == "Mío"
