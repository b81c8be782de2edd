"""A device: an ApiClient that remembers its last pull, as WatermelonDB's synchronize() does."""

import datetime as dt
import json
from typing import Any

import pytest

from backend.accounts.models import User
from backend.ventures import services as ventures
from backend.ventures.models import Venture
from tests.conftest import ApiClient, World

START = dt.date(2025, 1, 1)
DAY = "2025-06-02"


class Device:
    def __init__(self, user: User, language: str | None = None) -> None:
        self.api = ApiClient(user, language)
        self.last: int | None = None

    def pull(self, **params: Any) -> dict[str, Any]:
        query = {"schema_version": 1, **params}
        if self.last is not None:
            query.setdefault("last_pulled_at", self.last)
        response = self.api.get("sync/pull", **query)
        assert response.status_code == 200, response.content
        body = response.json()
        self.last = body["timestamp"]
        return body["changes"]

    def push(self, changes: dict[str, Any], last: int | None = None) -> Any:
        since = self.last if last is None else last
        return self.api.call(
            "post", f"/api/v1/sync/push?last_pulled_at={since or 0}", {"changes": changes}
        )


def entry(entry_id: str, venture_id: str, amount: str = "10.00", **extra: Any) -> dict[str, Any]:
    raw = {
        "id": entry_id,
        "venture_id": venture_id,
        "kind": "sale",
        "amount": amount,
        "occurred_on": DAY,
        "payment_method": "cash",
        "wallet": "",
        "category": "",
        "note": "",
        "received_at": 0,
    }
    raw.update(extra)
    return raw


def created(table: str, *records: dict[str, Any]) -> dict[str, Any]:
    return {table: {"created": list(records), "updated": [], "deleted": []}}


def ids(changes: dict[str, Any], table: str, kind: str) -> list[str]:
    items = changes[table][kind]
    return sorted(i if isinstance(i, str) else i["id"] for i in items)


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value))


@pytest.fixture
def venture_a(world: World) -> Venture:
    return ventures.create_venture(
        owner=world.participant_a,
        programme_id=world.programme_a.pk,
        name="Arepas Doña Ana",
        sector="I",
        started_on=START,
    )


def accepted(response: Any) -> bool:
    """A 200 push with nothing rejected."""
    body = response.json()
    return response.status_code == 200 and not body.get("rejected")


def seen(changes: dict[str, Any], table: str) -> list[str]:
    """Ids sent as created or updated (a client takes both the same way)."""
    return sorted(ids(changes, table, "created") + ids(changes, table, "updated"))
