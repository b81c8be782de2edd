"""Version 2 of the app's schema, declared in test code only: a new table (`venture_profiles`)
and a new column (`ventures.country_name`). Used by the migration tests and by the server the
WatermelonDB client test starts for its migration scenario (tests/sync/client/serve_v2.py)."""

from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.sync import engine, registry
from backend.sync.registry import Column, SyncTable
from backend.ventures import access
from backend.ventures.models import Venture
from backend.ventures.sync import Ventures

COUNTRY_NAMES = {"PE": "Perú", "CO": "Colombia"}


class VentureProfiles(SyncTable):
    name = "venture_profiles"
    since = 2
    columns = (
        Column("venture_id", "string", references="ventures", since=2),
        Column("headline", "string", since=2),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.own_ventures(user)

    def serialize(self, obj: Venture) -> dict[str, Any]:
        return {"id": f"p-{obj.sync_id}", "venture_id": obj.sync_id, "headline": obj.name}


class VenturesV2(Ventures):
    columns = (*Ventures.columns, Column("country_name", "string", since=2))

    def serialize(self, obj: Venture) -> dict[str, Any]:
        return {**super().serialize(obj), "country_name": COUNTRY_NAMES.get(obj.country, "")}


def install() -> dict[str, SyncTable]:
    """Declares version 2; returns the declarations it replaced, for `restore`."""
    saved = dict(registry._TABLES)
    registry._TABLES["ventures"] = VenturesV2()
    registry._TABLES["venture_profiles"] = VentureProfiles()
    engine.CURRENT_SCHEMA_VERSION = 2
    registry.push_order()
    return saved


def restore(saved: dict[str, SyncTable]) -> None:
    registry._TABLES.clear()
    registry._TABLES.update(saved)
    engine.CURRENT_SCHEMA_VERSION = 1
    registry.push_order()
