"""A device ahead of the server (it synced before a restore from backup) must reset."""

from backend.sync.models import ChangeCounter
from backend.ventures.models import LedgerEntry, Venture
from tests.conftest import World

from .conftest import Device, accepted, created, entry


def test_a_device_ahead_of_the_restored_server_is_told_to_reset(
    world: World, venture_a: Venture
) -> None:
    phone, tablet = Device(world.participant_a, language="es"), Device(world.participant_a)
    phone.pull()
    tablet.pull()
    [raw] = Device(world.participant_a).pull()["ventures"]["created"]
    assert accepted(
        tablet.push(
            {
                "ventures": {
                    "created": [],
                    "updated": [{**raw, "name": "Arepas y Jugos"}],
                    "deleted": [],
                }
            }
        )
    )
    ahead = phone.last + 1_000_000  # as after a restore to an older backup

    pulled = phone.api.get("sync/pull", last_pulled_at=ahead, schema_version=1)
    assert pulled.status_code == 410
    error = pulled.json()["error"]
    assert error["code"] == "reset_required"
    assert error["current_timestamp"] < ahead
    assert error["message"]  # (its es/pt-BR text comes with the catalogue refresh)

    # The same stale rename at the right number is a conflict; far ahead it must not win.
    stale = {
        "ventures": {"created": [], "updated": [{**raw, "name": "Arepas Ana"}], "deleted": []},
        **created("ledger_entries", entry("late0001", venture_a.sync_id)),
    }
    assert phone.push(stale).status_code == 409
    pushed = phone.push(stale, last=ahead)
    assert pushed.status_code == 410
    assert pushed.json()["error"]["code"] == "reset_required"
    assert Venture.objects.get().name == "Arepas y Jugos"
    assert not LedgerEntry.objects.exists()


def test_a_counter_moved_back_by_a_restore_refuses_the_numbers_it_never_gave(
    world: World, venture_a: Venture
) -> None:
    device = Device(world.participant_a)
    device.pull()
    assert accepted(device.push(created("ledger_entries", entry("e1", venture_a.sync_id))))
    device.pull()
    held = device.last
    ChangeCounter.objects.update(value=held - 1)  # the backup predates the device's last pull
    response = device.api.get("sync/pull", last_pulled_at=held, schema_version=1)
    assert response.status_code == 410
    # A fresh first sync works and the device goes on from there.
    fresh = Device(world.participant_a)
    assert fresh.pull()["ventures"]["created"]
    assert fresh.last == held - 1
    assert device.api.get("sync/pull", last_pulled_at=held - 1, schema_version=1).status_code == 200
