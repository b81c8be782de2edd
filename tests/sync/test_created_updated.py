"""An incremental pull tells new records (`created`) from changed ones (`updated`).

WatermelonDB logs an error for a `created` record the device already has and for an `updated`
record it does not have; with the server's split a stock client logs neither.
"""

from django.db import transaction

from backend.finance import services as finance
from backend.ventures import services as ventures
from backend.ventures.models import Venture
from tests.conftest import World

from .conftest import Device, accepted, created, entry, ids
from .test_revocation import COHORT_TABLES, _taught


def test_made_elsewhere_is_created_and_changed_later_is_updated(
    world: World, venture_a: Venture
) -> None:
    phone, tablet = Device(world.participant_a), Device(world.participant_a)
    phone.pull()
    tablet.pull()
    # Made on the web portal (through the service) and on the tablet.
    goal = finance.create_goal(user=world.participant_a, name="Horno", target_amount="500")
    assert accepted(tablet.push(created("ledger_entries", entry("tab00001", venture_a.sync_id))))
    changes = phone.pull()
    assert ids(changes, "savings_goals", "created") == [goal.sync_id]
    assert ids(changes, "ledger_entries", "created") == ["tab00001"]
    assert all(not c["updated"] for c in changes.values())

    # Renamed after the phone has it: updated for the phone.
    ventures.update_venture(venture=venture_a, changes={"name": "Arepas y Jugos"})
    finance.update_goal(goal=goal, changes={"name": "Horno grande"})
    changes = phone.pull()
    assert ids(changes, "ventures", "updated") == [venture_a.sync_id]
    assert ids(changes, "savings_goals", "updated") == [goal.sync_id]
    assert all(not c["created"] for c in changes.values())

    # The tablet pulled before the goal was made: made and renamed since, it is new there.
    changes = tablet.pull()
    assert ids(changes, "savings_goals", "created") == [goal.sync_id]
    assert changes["savings_goals"]["updated"] == []
    # Its own entry comes back to it as updated (it has it), the venture too.
    assert ids(changes, "ledger_entries", "updated") == ["tab00001"]
    assert ids(changes, "ventures", "updated") == [venture_a.sync_id]


def test_a_retried_push_whose_answer_was_lost_comes_back_as_updated(
    world: World, venture_a: Venture
) -> None:
    phone = Device(world.participant_a)
    phone.pull()
    push = created("ledger_entries", entry("lost0001", venture_a.sync_id))
    assert accepted(phone.push(push))  # the answer never reached the phone
    changes = phone.pull()
    assert ids(changes, "ledger_entries", "updated") == ["lost0001"]
    assert changes["ledger_entries"]["created"] == []
    assert accepted(phone.push(push))


def test_rows_that_left_and_came_back(world: World) -> None:
    cohort, _enrollment, _mark = _taught(world)
    kept, dropped = Device(world.trainer), Device(world.trainer)
    kept.pull()
    dropped.pull()
    with transaction.atomic():
        cohort.trainers.remove(world.trainer)
    # This device heard of the removal: it no longer has the rows.
    assert ids(dropped.pull(), "cohorts", "deleted") == [str(cohort.pk)]
    with transaction.atomic():
        cohort.trainers.add(world.trainer)
    back = dropped.pull()
    assert ids(back, "cohorts", "created") == [str(cohort.pk)]
    assert all(not back[t]["updated"] and not back[t]["deleted"] for t in COHORT_TABLES)
    # This one never heard of it and still has them: updated.
    still = kept.pull()
    assert ids(still, "cohorts", "updated") == [str(cohort.pk)]
    assert all(not still[t]["created"] and not still[t]["deleted"] for t in COHORT_TABLES)


def test_a_trainer_added_later_receives_the_cohort_as_created(world: World) -> None:
    cohort, enrollment, mark_id = _taught(world)
    newcomer = Device(world.other_trainer)
    newcomer.pull()
    with transaction.atomic():
        cohort.trainers.add(world.other_trainer)
    changes = newcomer.pull()
    assert ids(changes, "cohorts", "created") == [str(cohort.pk)]
    assert ids(changes, "enrollments", "created") == [str(enrollment.pk)]
    assert ids(changes, "attendance", "created") == [mark_id]
    assert all(not changes[t]["updated"] for t in COHORT_TABLES)
