"""Migration 0009 (savings movement ids unique per owner) keeps every row and figure.

Movements are stored under the old rule (unique per goal), one person using an id in two of
her goals; after the migration every row is still there, the oldest keeps the id, the other
takes a fresh one, and her phone hears of both.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.finance import services
from backend.finance.models import SavingsMovement
from backend.sync.changes import current_seq
from backend.sync.models import Creation
from tests.conftest import World
from tests.sync.conftest import Device

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = ("finance", "0008_core_pack")
AFTER = ("finance", "0009_movement_id_per_owner")


def migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


def test_the_migration_keeps_every_movement_and_gives_a_shared_id_to_one(
    world: World,
) -> None:
    oven = services.create_goal(user=world.participant_a, name="Horno", target_amount="500")
    moto = services.create_goal(user=world.participant_a, name="Moto", target_amount="900")
    his = services.create_goal(user=world.participant_b, name="Horno", target_amount="500")
    phone = Device(world.participant_a)
    try:
        old = migrate(BEFORE)
        movement = old.get_model("finance", "SavingsMovement")
        day = dt.date(2025, 6, 2)
        rows = [
            (oven, "same0001", "20.00", 1),
            (moto, "same0001", "35.00", 2),  # her id again, in her other goal, later
            (his, "same0001", "7.00", 3),  # another person's
            (oven, "own00002", "5.00", 4),
        ]
        for goal, sync_id, amount, minute in rows:
            movement.objects.create(
                goal_id=goal.pk,
                kind="deposit",
                amount=Decimal(amount),
                occurred_on=day,
                sync_id=sync_id,
                created_at=dt.datetime(2025, 6, 2, 12, minute, tzinfo=dt.UTC),
                changed_seq=1,
            )
        # Her phone had synced them all (holding one record under the shared id).
        phone.last = current_seq()
        migrate(AFTER)
    finally:
        migrate(AFTER)
    stored = sorted(SavingsMovement.objects.values_list("goal_id", "owner_id", "amount", "sync_id"))
    assert [(g, o, a) for g, o, a, _i in stored] == sorted(
        (g.pk, g.user_id, Decimal(a)) for g, _s, a, _m in rows
    )
    ids = {(g, a): i for g, _o, a, i in stored}
    assert ids[(oven.pk, Decimal("20.00"))] == "same0001"  # the oldest keeps it
    assert ids[(his.pk, Decimal("7.00"))] == "same0001"  # another person's is untouched
    assert ids[(oven.pk, Decimal("5.00"))] == "own00002"
    renamed = ids[(moto.pk, Decimal("35.00"))]
    assert renamed not in ("same0001", "own00002")
    assert len(renamed) == 16
    # Her phone hears of the renamed one as new and of the kept one as changed (it may hold
    # the other's figures under that id); a new phone gets all three, each under its own id.
    pulled = phone.pull()["savings_deposits"]
    assert [(d["id"], d["goal_id"], d["amount"]) for d in pulled["created"]] == [
        (renamed, moto.sync_id, "35.00")
    ]
    assert [(d["id"], d["goal_id"], d["amount"]) for d in pulled["updated"]] == [
        ("same0001", oven.sync_id, "20.00")
    ]
    first = Device(world.participant_a).pull()["savings_deposits"]["created"]
    assert sorted((d["id"], d["goal_id"], d["amount"]) for d in first) == sorted(
        [
            ("same0001", oven.sync_id, "20.00"),
            (renamed, moto.sync_id, "35.00"),
            ("own00002", oven.sync_id, "5.00"),
        ]
    )
    assert Creation.objects.filter(
        table="savings_deposits", record_id=renamed, user_id_scope=world.participant_a.pk
    ).exists()
