"""Every message sync can send a participant or trainer goes through gettext (es, en, pt-BR)."""

from typing import Any

import pytest

from backend.sync import engine, registry
from backend.ventures.models import Venture
from tests.conftest import World

from .conftest import Device, created, entry

MARK = "⟦t⟧"


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> None:
    """gettext in the sync engine and registry marks what it translated."""
    for module in (engine, registry):
        monkeypatch.setattr(module, "_", lambda text: MARK + text)


def _messages(response: Any) -> list[str]:
    body = response.json()
    if "error" in body:
        return [body["error"]["message"]]
    return [r["message"] for per_table in body["rejected"].values() for r in per_table.values()]


def test_every_sync_message_is_translatable(world: World, venture_a: Venture, marked: None) -> None:
    device = Device(world.participant_a, language="es")
    lesson_id = device.pull()["lessons"]["created"][0]["id"]
    read_only = device.push(
        {
            "lessons": {"created": [{"id": "9999999"}], "updated": [], "deleted": [lesson_id]},
            "courses": {"created": [{"id": "9999998"}], "updated": [], "deleted": []},
        }
    )
    responses = [
        read_only,
        device.push({"nope": {"created": []}}),
        device.push({"ledger_entries": {"created": "x"}}),
        device.push({"ledger_entries": {"created": [{"no": "id"}]}}),
        device.push(created("ledger_entries", entry("bad", venture_a.sync_id, occurred_on="x"))),
        device.api.get("sync/pull", last_pulled_at="abc"),
        device.api.get("sync/pull", last_pulled_at="-1"),
        device.api.get("sync/pull", last_pulled_at=10**12),
        device.api.get("sync/pull", migration="{"),
        device.api.get("sync/pull", schema_version=0),
        device.push(
            created("ledger_entries", *[entry(f"e{i}", venture_a.sync_id) for i in range(1001)])
        ),
    ]
    codes = [r.status_code for r in responses]
    assert codes == [200, 422, 422, 422, 200, 422, 422, 410, 422, 426, 413]
    messages = [m for r in responses for m in _messages(r)]
    assert len(messages) >= 13
    assert [m for m in messages if not m.startswith(MARK)] == []
    assert {r["code"] for r in read_only.json()["rejected"]["lessons"].values()} == {"read_only"}
    # A body that is not JSON of an object is refused by the API's own (translated) validation.
    not_an_object = device.api.call("post", "/api/v1/sync/push?last_pulled_at=0", [1])
    assert not_an_object.status_code == 422
    assert not_an_object.json()["error"]["message"] == "Algunos campos no son válidos."
