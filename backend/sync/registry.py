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
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.money import to_string
from backend.lib.validation import EARLIEST_DATE, LATEST_DATE, parse_id

from .creations import connect
from .models import Tombstone

ColumnType = Literal["string", "number", "boolean"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    optional: bool = False
    indexed: bool = False
    description: str = ""
    # The table this column holds a record id of (a foreign key): pushes apply that table first.
    references: str | None = None
    # The app schema version that added the column (see contract.schema_migrations_js).
    since: int = 1


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
    # The model whose rows this table carries: a row saved as new is recorded as created
    # (see creations.py). None: the table's rows are never created one by one.
    model: ClassVar[type[Model] | None] = None
    # The app schema version that added the table.
    since: ClassVar[int] = 1
    can_create: ClassVar[bool] = False
    can_update: ClassVar[bool] = False
    can_delete: ClassVar[bool] = False
    id_field: ClassVar[str] = "id"
    # The attribute holding the id of the one person whose devices hold a row (tables whose
    # ids are unique per owner only). A row's creation is then recorded for that person
    # alone: another person's record under the same id never makes hers look new to her
    # devices, nor his to his. None: the ids are unique across everyone.
    owner_field: ClassVar[str | None] = None
    # Tables whose wire id is the integer primary key: other ids can name none of their rows.
    int_ids: ClassVar[bool] = False
    # The columns the app writes; a re-sent `created` is compared on these only (the others
    # are the server's: amounts it computed, when it received the record). None = all.
    client_columns: ClassVar[tuple[str, ...] | None] = None
    description: ClassVar[str] = ""
    # Tables that write new records (create_many) and deletions (delete_many) in one batch
    # rather than one by one.
    batch_creates: ClassVar[bool] = False
    batch_deletes: ClassVar[bool] = False

    def rows(self, user: User) -> QuerySet[Any]:
        """Every row the user may see, with a `changed_seq` column."""
        raise NotImplementedError

    def serialize(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def serialize_rows(self, qs: QuerySet[Any]) -> list[dict[str, Any]]:
        """Every row of ``qs`` on the wire. A table with many rows per pull (the ledger) reads
        plain values here instead of building a model object per row."""
        return [self.serialize(r) for r in qs]

    def audit_pull(self, user: User, sent: list[dict[str, Any]]) -> None:
        """Records, after a pull, that the user's device was sent other people's personal
        data (a trainer's rosters). Runs outside the pull's read snapshot. Default: nothing,
        for tables that carry only the user's own rows or no personal data."""

    def tombstones(self, user: User, qs: QuerySet[Tombstone]) -> QuerySet[Tombstone]:
        """Tombstones the user should hear about. Default: those scoped to the user."""
        return qs.filter(Q(user_id_scope=user.pk))

    def create(self, user: User, raw: dict[str, Any]) -> None:
        raise Rejected("read_only", _("This table cannot be written from the app."))

    def create_many(self, user: User, raws: list[dict[str, Any]]) -> dict[str, Rejected]:
        """Writes many new records at once (tables with ``batch_creates``).

        Returns the records that were not written, by id; the others are. Raising rejects
        them all.
        """
        raise NotImplementedError

    def update(self, user: User, obj: Any, raw: dict[str, Any]) -> None:
        raise Rejected("read_only", _("This table cannot be written from the app."))

    def delete(self, user: User, obj: Any) -> None:
        raise Rejected("read_only", _("This table cannot be written from the app."))

    def delete_many(self, user: User, objs: list[Any]) -> dict[str, Rejected]:
        """Deletes many records at once (tables with ``batch_deletes``); as create_many."""
        raise NotImplementedError

    # Helpers for declarations ---------------------------------------------------------------
    def record_id(self, obj: Any) -> str:
        return str(getattr(obj, self.id_field))

    def owner_of(self, obj: Any) -> int | None:
        """The person whose ids the row's id is unique among (see ``owner_field``)."""
        return None if self.owner_field is None else getattr(obj, self.owner_field)

    def same_content(self, obj: Any, raw: dict[str, Any]) -> bool:
        """True when a re-sent `created` record matches what is stored (a retried push)."""
        stored = self.serialize(obj)
        names = self.client_columns or tuple(c.name for c in self.columns)
        return all(stored.get(n) == raw.get(n) for n in names if n in raw)

    def lookup_ids(self, ids: list[str]) -> list[Any]:
        if self.int_ids:
            return [n for n in (parse_id(i) for i in ids) if n is not None]
        return ids


_TABLES: dict[str, SyncTable] = {}


def register(table_class: type[SyncTable]) -> type[SyncTable]:
    _TABLES[table_class.name] = table_class()
    return table_class


def tables() -> dict[str, SyncTable]:
    return dict(sorted(_TABLES.items()))


class DependencyCycle(ImproperlyConfigured):
    pass


def dependency_order(declared: dict[str, SyncTable]) -> list[str]:
    """Table names, each after every table its columns reference (ties by name).

    A push is applied in this order, so a new parent and its children can come in one push
    whatever the order of the JSON keys. A reference to an undeclared table or a cycle is a
    declaration error, raised when the app starts (SyncConfig.ready).
    """
    needs: dict[str, set[str]] = {}
    for name, table in declared.items():
        refs = {c.references for c in table.columns if c.references and c.references != name}
        unknown = refs - set(declared)
        if unknown:
            raise ImproperlyConfigured(
                f"Sync table {name} references undeclared tables: {', '.join(sorted(unknown))}"
            )
        needs[name] = refs
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(needs):
        ready = sorted(n for n, refs in needs.items() if n not in done and refs <= done)
        if not ready:
            stuck = sorted(n for n in needs if n not in done)
            raise DependencyCycle(
                "Sync tables reference each other in a cycle: " + ", ".join(stuck)
            )
        order += ready
        done.update(ready)
    return order


_ORDER: list[str] = []


def push_order() -> list[str]:
    """The registered tables in dependency order (computed and checked at start-up)."""
    if len(_ORDER) != len(_TABLES):
        _ORDER[:] = dependency_order(tables())
    return list(_ORDER)


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("backend.") and config.name != "backend.sync":
            try:
                importlib.import_module(f"{config.name}.sync")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.sync":
                    raise
    _ORDER[:] = dependency_order(tables())  # a cycle stops the server here, not at a push
    connect(tables())


# Wire formats shared by declarations --------------------------------------------------------
def epoch_ms(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def money(value: Decimal | None, currency: str) -> str | None:
    """Money as REST sends it: a decimal string in the currency's own minor units (COP
    "12744", PEN "12.50"), whatever the column's storage scale."""
    return None if value is None else to_string(value, currency)


# Reading pushed records: a wrong value rejects that record, saying which column and why.
def invalid(column: str, why: str) -> Rejected:
    return Rejected("invalid", _("%(column)s: %(why)s") % {"column": column, "why": why})


def text(raw: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = raw.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(name, _("enter text."))
    return value


def date_value(raw: dict[str, Any], name: str, *, required: bool = True) -> dt.date | None:
    value = raw.get(name)
    if value in (None, "") and not required:
        return None
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise invalid(name, _("enter a date as YYYY-MM-DD.")) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise invalid(
            name,
            _("enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
        )
    return day


def int_value(raw: dict[str, Any], name: str) -> int:
    value = raw.get(name)
    number = parse_id(value)
    if number is None:
        raise invalid(name, _("enter a whole number."))
    return number
