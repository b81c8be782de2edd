"""Pull and push of the WatermelonDB sync protocol, for whatever tables are registered."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.db import read_snapshot
from backend.lib.errors import DomainError

from . import changes, creations
from .models import Tombstone
from .registry import Rejected, SyncTable, push_order, tables

MIN_SCHEMA_VERSION = 1
CURRENT_SCHEMA_VERSION = 1
MAX_PUSH_RECORDS = 1000


class ResetRequired(DomainError):
    status = 410
    code = "reset_required"


def _check_schema(schema_version: int | None) -> None:
    current = CURRENT_SCHEMA_VERSION
    if schema_version is not None and schema_version > current:
        raise DomainError(
            _(
                "This app's database schema (version %(app)s) is newer than this server "
                "supports (version %(server)s). Use an app built for this server."
            )
            % {"app": schema_version, "server": current},
            code="schema_unsupported",
            status=422,
            field="query.schema_version",
            extra={"max_schema_version": current},
        )
    if schema_version is not None and schema_version < MIN_SCHEMA_VERSION:
        raise DomainError(
            _("This version of the app is too old to sync. Update the app, then sync again."),
            code="upgrade_required",
            status=426,
            extra={"min_schema_version": MIN_SCHEMA_VERSION},
        )


def _check_not_ahead(last_pulled_at: int | None, current: int) -> None:
    """A device that pulled a number the server has not reached holds changes this server
    does not have (it was restored from a backup): it must start again from scratch."""
    if last_pulled_at is not None and last_pulled_at > current:
        raise ResetRequired(
            _(
                "This device has synced with a newer copy of the server's data than the server "
                "now has. Reset the app's data and sync again."
            ),
            extra={"current_timestamp": current},
        )


@dataclass
class MigrationPlan:
    """What a migration sync must send in full: new tables, and tables with new columns."""

    tables: set[str] = field(default_factory=set)
    columns: dict[str, set[str]] = field(default_factory=dict)


def migration_plan(migration: Any, schema_version: int | None) -> MigrationPlan | None:
    """Reads WatermelonDB's `migration` ({from, tables, columns}); every name is checked
    against the declarations (nothing undeclared is ever sent). Tables and columns declared
    as added after `from` (up to the app's schema version) count too."""
    if migration is None:
        return None
    where = "query.migration"
    if not isinstance(migration, dict):
        raise DomainError(
            _("migration must be null or {from, tables, columns}."), field=where, status=422
        )
    known = tables()
    plan = MigrationPlan()
    start = migration.get("from")
    if start is not None:
        if isinstance(start, bool) or not isinstance(start, int):
            raise DomainError(
                _("migration.from must be a schema version."), field=where, status=422
            )
        upto = schema_version if schema_version is not None else CURRENT_SCHEMA_VERSION
        for name, table in known.items():
            if start < table.since <= upto:
                plan.tables.add(name)
            else:
                added = {c.name for c in table.columns if start < c.since <= upto}
                if added:
                    plan.columns[name] = added
    new_tables = migration.get("tables") or []
    if not isinstance(new_tables, list) or any(t not in known for t in new_tables):
        raise DomainError(
            _("migration.tables names a table this server does not have."), field=where, status=422
        )
    plan.tables.update(new_tables)
    new_columns = migration.get("columns") or []
    if not isinstance(new_columns, list):
        raise DomainError(_("migration.columns must be a list."), field=where, status=422)
    for item in new_columns:
        item = item if isinstance(item, dict) else {}
        changed: SyncTable | None = known.get(str(item.get("table")))
        names = item.get("columns")
        declared = {c.name for c in changed.columns} if changed is not None else set()
        if changed is None or not isinstance(names, list) or not set(names) <= declared:
            raise DomainError(
                _("migration.columns names a column this server does not have."),
                field=where,
                status=422,
            )
        if names:
            plan.columns.setdefault(changed.name, set()).update(names)
    for name in plan.tables:
        plan.columns.pop(name, None)
    return plan


def pull(
    *,
    user: User,
    last_pulled_at: int | None,
    schema_version: int | None,
    origin: str = "",
    migration: Any = None,
) -> dict[str, Any]:
    _check_schema(schema_version)
    plan = migration_plan(migration, schema_version) if last_pulled_at else None
    with read_snapshot():
        # Read the counter first: every row numbered at or below it is already committed.
        timestamp = changes.current_seq()
        _check_not_ahead(last_pulled_at, timestamp)
        if last_pulled_at and last_pulled_at < changes.pruned_through():
            raise ResetRequired(
                _(
                    "This device has not synced for too long. Reset the app's data and sync "
                    "again; nothing saved on the server is lost."
                )
            )
        out: dict[str, Any] = {}
        # An app older than the server gets only the tables and columns its schema has
        # (WatermelonDB warns of a table it lacks); its migration sync sends the rest later.
        version = CURRENT_SCHEMA_VERSION if schema_version is None else schema_version
        for name, table in tables().items():
            if table.since > version:
                continue
            if plan is not None and name in plan.tables:  # new to the app: all of it
                out[name] = _pull_table(table, user, None, timestamp, origin)
            else:
                out[name] = _pull_table(table, user, last_pulled_at, timestamp, origin)
                if plan is not None and name in plan.columns:
                    _add_unchanged(out[name], table, user, last_pulled_at, timestamp)
            _drop_newer_columns(out[name], table, version)
    # The snapshot is read-only; what was sent is audited once it has ended.
    for name, sent in out.items():
        tables()[name].audit_pull(user, sent["created"] + sent["updated"])
    return {"changes": out, "timestamp": timestamp}


def _pull_table(
    table: SyncTable, user: User, since: int | None, until: int, origin: str
) -> dict[str, Any]:
    # Rows never changed since sync began carry no number: they count as 0.
    rows = table.rows(user).filter(Q(changed_seq__lte=until) | Q(changed_seq__isnull=True))
    if not since:
        return {"created": table.serialize_rows(rows), "updated": [], "deleted": []}
    changed = table.serialize_rows(rows.filter(changed_seq__gt=since))
    tombs = table.tombstones(
        user, Tombstone.objects.filter(table=table.name, seq__gt=since, seq__lte=until)
    )
    # A row that left the view and came back (a trainer taken off a cohort and put back)
    # has a tombstone and a newer number: it is sent as created or updated, not deleted.
    first_tomb: dict[str, int] = {}
    for record_id, seq in tombs.values_list("record_id", "seq"):
        first_tomb[record_id] = min(seq, first_tomb.get(record_id, seq))
    back = {r["id"] for r in changed}
    left = {i: seq for i, seq in first_tomb.items() if i in back}
    # Rows that appeared after the device's last pull are new to it (WatermelonDB logs an
    # error for a `created` record it has, and for an `updated` one it lacks).
    fresh = creations.appeared_after(
        table.name, sorted(back), since=since, until=until, user=user, origin=origin, left=left
    )
    return {
        "created": [r for r in changed if r["id"] in fresh],
        "updated": [r for r in changed if r["id"] not in fresh],
        "deleted": sorted(set(first_tomb) - back),
    }


def _drop_newer_columns(sent: dict[str, Any], table: SyncTable, version: int) -> None:
    newer = [c.name for c in table.columns if c.since > version]
    for record in sent["created"] + sent["updated"] if newer else []:
        for column in newer:
            record.pop(column, None)


def _add_unchanged(
    sent: dict[str, Any], table: SyncTable, user: User, since: int | None, until: int
) -> None:
    """A table that gained columns: the device's unchanged records go out whole as well, as
    `updated` (it has them), so the new columns are filled in."""
    rows = table.rows(user).filter(Q(changed_seq__lte=since or 0) | Q(changed_seq__isnull=True))
    sent["updated"] += table.serialize_rows(rows)


@dataclass
class PushResult:
    rejected: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def reject(self, table: str, record_id: str, code: str, message: str) -> None:
        self.rejected.setdefault(table, {})[record_id] = {"code": code, "message": message}

    def body(self) -> dict[str, Any]:
        if not self.rejected:
            return {}
        return {
            "experimentalRejectedIds": {t: sorted(ids) for t, ids in self.rejected.items()},
            "rejected": self.rejected,
        }


class PushConflict(DomainError):
    status = 409
    code = "conflict"


def parse_changes(body: Any) -> dict[str, dict[str, list[Any]]]:
    """Checks the shape of a push body; anything off is a 422 saying where, and nothing runs.

    The body is `{"changes": {...}}` or, as WatermelonDB's example frontend sends it, the
    changes object itself (no table is named "changes").
    """
    if isinstance(body, dict) and set(body) == {"changes"}:
        changes_in, prefix = body["changes"], "body.changes"
    else:
        changes_in, prefix = body, "body"
    if not isinstance(changes_in, dict):
        raise DomainError(
            _('The body must be the changes object, or {"changes": {...}}.'),
            field=prefix,
            status=422,
        )
    known = tables()
    parsed: dict[str, dict[str, list[Any]]] = {}
    count = 0
    for name, group in changes_in.items():
        where = f"{prefix}.{name}"
        if name not in known:
            raise DomainError(_("Unknown table."), field=where, status=422)
        if not isinstance(group, dict) or set(group) - {"created", "updated", "deleted"}:
            raise DomainError(_("Use created, updated and deleted lists."), field=where, status=422)
        lists = {k: group.get(k) or [] for k in ("created", "updated", "deleted")}
        for kind, items in lists.items():
            if not isinstance(items, list):
                raise DomainError(_("Enter a list."), field=f"{where}.{kind}", status=422)
            for i, item in enumerate(items):
                ok = (
                    isinstance(item, str)
                    if kind == "deleted"
                    else isinstance(item, dict) and isinstance(item.get("id"), str)
                )
                if not ok or (kind != "deleted" and not 1 <= len(item["id"]) <= 64):
                    raise DomainError(
                        _("Each record needs a text id."), field=f"{where}.{kind}.{i}", status=422
                    )
            count += len(items)
        parsed[name] = lists
    if count > MAX_PUSH_RECORDS:
        raise DomainError(
            _(
                "A push may carry at most %(n)s records; this one has %(m)s. "
                "Push in smaller batches."
            )
            % {"n": MAX_PUSH_RECORDS, "m": count},
            code="too_many_records",
            status=413,
        )
    return parsed


def push(*, user: User, last_pulled_at: int, body: Any, origin: str = "") -> dict[str, Any]:
    parsed = parse_changes(body)
    result = PushResult()
    with transaction.atomic(), creations.pushing_from(origin):
        # The counter lock first: conflicts are judged against a sequence no one else moves.
        # Everything numbered below ours is committed: above it, the device is ahead of us.
        _check_not_ahead(last_pulled_at, changes.next_seq() - 1)
        # One lookup per table of the pushed ids the user sees, for the conflict check and
        # for applying (no table's records change another table's visibility).
        visible = {
            name: _visible_by_id(tables()[name], user, _pushed_ids(lists))
            for name, lists in parsed.items()
        }
        _check_conflicts(last_pulled_at, parsed, visible)
        # Parents before children (a new venture before its entries), whatever the JSON order.
        for name in push_order():
            if name in parsed:
                _apply(tables()[name], user, parsed[name], visible[name], result)
    return result.body()


def _pushed_ids(lists: dict[str, list[Any]]) -> list[str]:
    return [r["id"] for r in lists["created"] + lists["updated"]] + list(lists["deleted"])


def _visible_by_id(table: SyncTable, user: User, ids: list[str]) -> dict[str, Any]:
    if not ids:
        return {}
    qs = table.rows(user).filter(**{f"{table.id_field}__in": table.lookup_ids(ids)})
    return {table.record_id(o): o for o in qs}


def _check_conflicts(
    last_pulled_at: int,
    parsed: dict[str, dict[str, list[Any]]],
    visible: dict[str, dict[str, Any]],
) -> None:
    conflicts: dict[str, list[str]] = {}
    for name, lists in parsed.items():
        table = tables()[name]
        created = {r["id"]: r for r in lists["created"]}
        for record_id, obj in visible[name].items():
            if (obj.changed_seq or 0) <= last_pulled_at:
                continue
            if record_id in created and table.same_content(obj, created[record_id]):
                continue  # a retried create is not a conflict
            conflicts.setdefault(name, []).append(record_id)
    if conflicts:
        raise PushConflict(
            _("Some records changed on the server since your last pull. Pull, then push again."),
            extra={"conflicts": {t: sorted(ids) for t, ids in conflicts.items()}},
        )


def _apply(
    table: SyncTable,
    user: User,
    lists: dict[str, list[Any]],
    existing: dict[str, Any],
    result: PushResult,
) -> None:
    new: list[dict[str, Any]] = []  # records to create, in one batch where the table can
    for raw in lists["created"]:
        obj = existing.get(raw["id"])
        if obj is None:
            new.append(raw)
        elif not table.same_content(obj, raw):  # a different `created` is an update
            _run(result, table, raw["id"], lambda raw=raw, obj=obj: table.update(user, obj, raw))
        # else: the retry of a push whose answer was lost
    new += [raw for raw in lists["updated"] if raw["id"] not in existing]
    if table.batch_creates:
        _in_batch(result, table, [r["id"] for r in new], lambda: table.create_many(user, new))
    else:
        for raw in new:
            _run(result, table, raw["id"], lambda raw=raw: table.create(user, raw))
    for raw in lists["updated"]:
        obj = existing.get(raw["id"])
        if obj is not None:
            _run(result, table, raw["id"], lambda raw=raw, obj=obj: table.update(user, obj, raw))
    # Unknown or already gone: deleting it again changes nothing.
    gone = [existing[i] for i in dict.fromkeys(lists["deleted"]) if i in existing]
    if table.batch_deletes:
        _in_batch(
            result, table, [table.record_id(o) for o in gone], lambda: table.delete_many(user, gone)
        )
    else:
        for obj in gone:
            _run(result, table, table.record_id(obj), lambda obj=obj: table.delete(user, obj))


def _in_batch(
    result: PushResult,
    table: SyncTable,
    record_ids: list[str],
    apply: Callable[[], dict[str, Rejected]],
) -> None:
    """Applies a table's batch; it returns the records it rejected, or fails them all."""
    if not record_ids:
        return
    rejected: dict[str, Rejected] = {}
    failed: Rejected | None = None
    try:
        with transaction.atomic():  # a savepoint: what fails as a whole leaves nothing
            rejected = apply()
    except Rejected as exc:
        failed = exc
    except DomainError as exc:
        failed = Rejected(exc.code, str(exc.message))
    except IntegrityError:
        # Ids are unique per owner, so this is a record's other unique rule (or a race lost
        # twice); another person's record under the same id never gets here.
        failed = Rejected("id_taken", _("This id is already used by another record."))
    if failed is not None:
        rejected = dict.fromkeys(record_ids, failed)
    for record_id, why in rejected.items():
        result.reject(table.name, record_id, why.code, why.message)


def _run(result: PushResult, table: SyncTable, record_id: str, apply: Any) -> None:
    """Applies one record (a batch of one): rejected on its own, leaving nothing behind."""

    def one() -> dict[str, Rejected]:
        apply()
        return {}

    _in_batch(result, table, [record_id], one)


def parse_last_pulled_at(value: str | None) -> int | None:
    """`last_pulled_at` as WatermelonDB's example frontend sends it: a number, or `null`,
    `undefined` or nothing on the first sync (None)."""
    if value is None or value.strip() in ("", "null", "undefined"):
        return None
    text = value.strip()
    if text.startswith("-") and text[1:].isdigit():
        raise DomainError(
            _("last_pulled_at cannot be negative."), field="query.last_pulled_at", status=422
        )
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise DomainError(
            _("last_pulled_at must be the timestamp of the last pull, or null."),
            field="query.last_pulled_at",
            status=422,
        )
    return int(text)


def parse_migration(value: str | None) -> Any:
    if not value or value == "null":
        return None
    try:
        return json.loads(value)
    except ValueError as exc:
        raise DomainError(
            _("migration must be JSON."), field="query.migration", status=422
        ) from exc


def tombstone_days() -> int:
    return int(getattr(settings, "IMPULSA_SYNC_TOMBSTONE_DAYS", 180))
