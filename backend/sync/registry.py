"""Syncable tables are declared by the apps that own them, in their own sync.py.

The engine knows no domain: it asks each declaration which rows a user sees, how a row looks
on the wire, and how to apply a pushed record (through the app's own services).
"""

import datetime as dt
import importlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from django.apps import apps
from django.db.models import Q, QuerySet

from backend.accounts.models import User

from .models import Tombstone

ColumnType = Literal["string", "number", "boolean"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    optional: bool = False
    indexed: bool = False
    description: str = ""


class Rejected(Exception):
    """A pushed record that cannot be applied; the others still are."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)


class SyncTable:
    """One table on the wire. Subclasses fill in the hooks their permissions allow."""

    name: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    can_create: ClassVar[bool] = False
    can_update: ClassVar[bool] = False
    can_delete: ClassVar[bool] = False
    id_field: ClassVar[str] = "id"
    description: ClassVar[str] = ""

    def rows(self, user: User) -> QuerySet[Any]:
        """Every row the user may see, with a `changed_seq` column."""
        raise NotImplementedError

    def serialize(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def tombstones(self, user: User, qs: QuerySet[Tombstone]) -> QuerySet[Tombstone]:
        """Tombstones the user should hear about. Default: those scoped to the user."""
        return qs.filter(Q(user_id_scope=user.pk))

    def create(self, user: User, raw: dict[str, Any]) -> None:
        raise Rejected("read_only", "This table cannot be written from the app.")

    def update(self, user: User, obj: Any, raw: dict[str, Any]) -> None:
        raise Rejected("read_only", "This table cannot be written from the app.")

    def delete(self, user: User, obj: Any) -> None:
        raise Rejected("read_only", "This table cannot be written from the app.")

    # Helpers for declarations ---------------------------------------------------------------
    def record_id(self, obj: Any) -> str:
        return str(getattr(obj, self.id_field))

    def same_content(self, obj: Any, raw: dict[str, Any]) -> bool:
        """True when a re-sent `created` record matches what is stored (a retried push)."""
        stored = self.serialize(obj)
        return all(stored.get(c.name) == raw.get(c.name) for c in self.columns if c.name in raw)


_TABLES: dict[str, SyncTable] = {}


def register(table_class: type[SyncTable]) -> type[SyncTable]:
    _TABLES[table_class.name] = table_class()
    return table_class


def tables() -> dict[str, SyncTable]:
    return dict(sorted(_TABLES.items()))


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("backend.") and config.name != "backend.sync":
            try:
                importlib.import_module(f"{config.name}.sync")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.sync":
                    raise


# Wire formats shared by declarations --------------------------------------------------------
def epoch_ms(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
