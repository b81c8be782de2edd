"""Ledger entry ids become unique per owner, behind a surrogate primary key.

The client's id (the old primary key) moves to ``sync_id`` unchanged, so phones, receipt URLs,
tombstones and creation records still name every entry as before; the venture's owner is
copied onto each row so the database keeps each owner's ids unique. The new primary key
numbers the existing rows in the order they were received.

The append-only guard (migration 0002) names the columns it protects, so it is dropped first
and put back at the end with the new columns among them (on SQLite, rebuilding the table to
change its primary key drops its triggers anyway). No row is deleted: the guard is down while
the rows are renumbered, and only the new columns and the key change.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

IMMUTABLE = [
    "id", "sync_id", "venture_id", "owner_id", "kind", "amount", "occurred_on",
    "payment_method", "wallet", "category", "recorded_by_id", "received_at",
]  # fmt: skip
OLD_IMMUTABLE = [
    "id", "venture_id", "kind", "amount", "occurred_on", "payment_method", "wallet", "category",
    "recorded_by_id", "received_at",
]  # fmt: skip
MESSAGE = "ledger entries are append-only: only a void may change them"
TABLE = "ventures_ledgerentry"


def _changed(columns: list[str], op: str) -> str:
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in columns)


def _void_changed(op: str) -> str:
    return (
        f"(OLD.voided_at IS NOT NULL AND (NEW.voided_at {op} OLD.voided_at"
        f" OR NEW.voided_by_id {op} OLD.voided_by_id"
        f" OR (NEW.void_reason {op} OLD.void_reason AND NEW.void_reason <> '')))"
    )


def _guard(vendor: str, columns: list[str]) -> list[str]:
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER ventures_ledger_no_delete BEFORE DELETE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            f"""CREATE TRIGGER ventures_ledger_no_update BEFORE UPDATE ON {TABLE}
            WHEN {_changed(columns, "IS NOT")} OR {_void_changed("IS NOT")}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        ]
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION ventures_ledger_guard() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' OR {_changed(columns, "IS DISTINCT FROM")}
                   OR {_void_changed("IS DISTINCT FROM")} THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER ventures_ledger_guard BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION ventures_ledger_guard()""",
        ]
    raise RuntimeError(f"no append-only guard for the {vendor} database")


def _unguard(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS ventures_ledger_no_delete",
            "DROP TRIGGER IF EXISTS ventures_ledger_no_update",
        ]
    return [
        f"DROP TRIGGER IF EXISTS ventures_ledger_guard ON {TABLE}",
        "DROP FUNCTION IF EXISTS ventures_ledger_guard()",
    ]


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def _checks_now(schema_editor: Any) -> None:
    """PostgreSQL: foreign keys checked at each statement, not at commit. This migration
    updates rows and then alters their table, which PostgreSQL refuses while any check is
    still pending (a changed foreign key checked only at commit)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def drop_old_guard(apps: Any, schema_editor: Any) -> None:
    _checks_now(schema_editor)
    _run(schema_editor, _unguard(schema_editor.connection.vendor))


def restore_old_guard(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, _unguard(vendor) + _guard(vendor, OLD_IMMUTABLE))


def add_new_guard(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, _unguard(vendor) + _guard(vendor, IMMUTABLE))


def drop_new_guard(apps: Any, schema_editor: Any) -> None:
    _checks_now(schema_editor)
    _run(schema_editor, _unguard(schema_editor.connection.vendor))


def _renumber(schema_editor: Any, order: str) -> None:
    """Every row's ``id`` becomes its position in ``order``, as text (the column is still
    text here). The ids first move out of the way ('#' is in no client id), so no new number
    ever meets an old id equal to it, which would break the key mid-statement."""
    schema_editor.execute(f"UPDATE {TABLE} SET id = '#' || id")
    schema_editor.execute(
        f"CREATE TEMPORARY TABLE ledger_renumber AS SELECT id AS old_id, "
        f"ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM {TABLE}"
    )
    schema_editor.execute("CREATE UNIQUE INDEX ledger_renumber_old ON ledger_renumber (old_id)")
    schema_editor.execute(
        f"UPDATE {TABLE} SET id = CAST((SELECT n FROM ledger_renumber "
        f"WHERE old_id = {TABLE}.id) AS VARCHAR(36))"
    )
    schema_editor.execute("DROP TABLE ledger_renumber")


def copy_ids(apps: Any, schema_editor: Any) -> None:
    """The client id moves to sync_id, the owner is copied from the venture, and the key is
    renumbered in the order the entries were received (ties by client id)."""
    schema_editor.execute(
        f"UPDATE {TABLE} SET sync_id = id, owner_id = (SELECT v.owner_id FROM ventures_venture v "
        f"WHERE v.id = {TABLE}.venture_id)"
    )
    _renumber(schema_editor, "received_at, sync_id")


def restore_ids(apps: Any, schema_editor: Any) -> None:
    """Backwards: the client id becomes the key again, which needs it unique across owners."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sync_id FROM {TABLE} GROUP BY sync_id HAVING COUNT(*) > 1"  # noqa: S608
        )
        shared = [row[0] for row in cursor.fetchall()]
    if shared:
        raise RuntimeError(
            "Cannot go back: several owners use these entry ids: " + ", ".join(shared[:10])
        )
    schema_editor.execute(f"UPDATE {TABLE} SET id = '#' || id")
    schema_editor.execute(f"UPDATE {TABLE} SET id = sync_id")


def reset_sequence(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL: the new identity starts after the highest existing number."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {TABLE}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ventures", "0007_merge_0004_sync_id_per_owner_0006_admin_column_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_old_guard, restore_old_guard),
        migrations.AddField(
            model_name="ledgerentry",
            name="sync_id",
            field=models.CharField(max_length=36, null=True, verbose_name="entry id"),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.RunPython(copy_ids, restore_ids),
        migrations.AlterField(
            model_name="ledgerentry",
            name="id",
            field=models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        migrations.RunPython(reset_sequence, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ledgerentry",
            name="sync_id",
            field=models.CharField(max_length=36, verbose_name="entry id"),
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="owner",
            field=models.ForeignKey(
                editable=False,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(
                fields=("sync_id", "owner"), name="entry_sync_id_per_owner"
            ),
        ),
        migrations.RunPython(add_new_guard, drop_new_guard),
    ]
