"""Two devices of one participant and a trainer sync at random; the server never disagrees.

Devices create entries and void them offline, lose push answers and retry, pull and push in any
order and meet conflicts. After every step the server holds exactly the model's entries, each
once; after a final sync every device holds exactly the server's live entries.
"""

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

from .conftest import Device, accepted, entry

_runs = itertools.count()


class Phone:
    def __init__(self, device: Device, prefix: str) -> None:
        self.device = device
        self.prefix = prefix  # examples share the database: each sees only its own entries
        self.local: set[str] = set()  # live entries the device shows
        self.to_create: dict[str, dict[str, Any]] = {}
        self.to_delete: set[str] = set()

    def pull(self) -> None:
        changes = self.device.pull()["ledger_entries"]
        for raw in changes["created"] + changes["updated"]:
            if raw["id"].startswith(self.prefix) and raw["id"] not in self.to_delete:
                self.local.add(raw["id"])
        self.local -= set(changes["deleted"])
        self.to_delete -= set(changes["deleted"])
        # WatermelonDB destroys a pulled deletion even if the record waits to be pushed (a
        # create whose answer was lost, voided meanwhile on another device).
        for record_id in changes["deleted"]:
            self.to_create.pop(record_id, None)

    def push(self) -> Any:
        if self.device.last is None:
            self.pull()  # synchronize() always pulls before its first push
        return self.device.push(
            {
                "ledger_entries": {
                    "created": list(self.to_create.values()),
                    "updated": [],
                    "deleted": sorted(self.to_delete),
                }
            }
        )


class SyncMachine(RuleBasedStateMachine):
    def __init__(self, world: World, venture: Venture) -> None:
        super().__init__()
        self.prefix = f"r{next(_runs)}-"
        self.venture = venture
        self.phones = [Phone(Device(world.participant_a), self.prefix) for _ in range(2)]
        self.trainer = Device(world.trainer)
        self.live: set[str] = set()  # the model: entries on the server that count
        self.voided: set[str] = set()
        self.made = itertools.count()

    @rule(which=st.integers(0, 1), amount=st.sampled_from(["1", "2.50", "10"]))
    def create_offline(self, which: int, amount: str) -> None:
        phone = self.phones[which]
        entry_id = f"{self.prefix}{next(self.made)}"
        phone.to_create[entry_id] = entry(entry_id, self.venture.sync_id, amount)
        phone.local.add(entry_id)

    @rule(which=st.integers(0, 1), data=st.data())
    def void_offline(self, which: int, data: st.DataObject) -> None:
        phone = self.phones[which]
        synced = sorted(phone.local - set(phone.to_create))
        if synced:
            entry_id = data.draw(st.sampled_from(synced))
            phone.local.discard(entry_id)
            phone.to_delete.add(entry_id)

    @rule(which=st.integers(0, 1), answer_lost=st.booleans(), pull_first=st.booleans())
    def sync(self, which: int, answer_lost: bool, pull_first: bool) -> None:
        phone = self.phones[which]
        if pull_first:
            phone.pull()
        response = phone.push()
        if response.status_code == 409:
            conflicts = response.json()["error"]["conflicts"]["ledger_entries"]
            assert set(conflicts) <= set(phone.to_create) | phone.to_delete
            phone.pull()
            response = phone.push()
        assert accepted(response), response.content
        self.live |= set(phone.to_create)
        self.live -= phone.to_delete
        self.voided |= phone.to_delete
        if not answer_lost:  # a lost answer: the device will send the same changes again
            phone.to_create.clear()
            phone.to_delete.clear()

    @rule()
    def trainer_pulls(self) -> None:
        changes = self.trainer.pull()
        assert not changes["ledger_entries"]["created"] + changes["ledger_entries"]["updated"]

    @invariant()
    def server_matches_model(self) -> None:
        mine = LedgerEntry.objects.filter(sync_id__startswith=self.prefix)
        assert (
            set(mine.filter(voided_at__isnull=True).values_list("sync_id", flat=True)) == self.live
        )
        assert set(mine.filter(voided_at__isnull=False).values_list("sync_id", flat=True)) == (
            self.voided
        )

    def teardown(self) -> None:
        for phone in self.phones * 2:
            phone.pull()
            response = phone.push()
            if response.status_code == 409:
                phone.pull()
                response = phone.push()
            assert accepted(response)
            self.live |= set(phone.to_create)
            self.live -= phone.to_delete
            phone.to_create.clear()
            phone.to_delete.clear()
        for phone in self.phones:
            phone.pull()
            assert phone.local == self.live


@pytest.mark.django_db
def test_devices_converge(world: World, venture_a: Venture) -> None:
    run_state_machine_as_test(
        lambda: SyncMachine(world, venture_a),
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
