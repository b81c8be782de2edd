"""The ledger is append-only, enforced by the database itself.

Whatever path tries (the ORM, the admin, raw SQL in a shell), a posted entry's venture, kind,
amount, date, payment method and author never change and no row is ever deleted. The only
change allowed is a void, set once: voided_at and voided_by may go from empty to filled, never
back or to other values. Notes and receipts stay writable so erasure can wipe them, and the void
reason may only be blanked (erasure too).
"""

from typing import Any

from django.db import migrations

IMMUTABLE = [
    "id", "venture_id", "kind", "amount", "occurred_on", "payment_method", "wallet", "category",
    "recorded_by_id", "received_at",
]  # fmt: skip
MESSAGE = "ledger entries are append-only: only a void may change them"


def _changed(op: str) -> str:
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in IMMUTABLE)


def _void_changed(op: str) -> str:
    return (
        f"(OLD.voided_at IS NOT NULL AND (NEW.voided_at {op} OLD.voided_at"
        f" OR NEW.voided_by_id {op} OLD.voided_by_id"
        f" OR (NEW.void_reason {op} OLD.void_reason AND NEW.void_reason <> '')))"
    )


SQLITE_FORWARD = [
    f"""CREATE TRIGGER ventures_ledger_no_delete BEFORE DELETE ON ventures_ledgerentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER ventures_ledger_no_update BEFORE UPDATE ON ventures_ledgerentry
    WHEN {_changed("IS NOT")} OR {_void_changed("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ventures_ledger_no_delete",
    "DROP TRIGGER IF EXISTS ventures_ledger_no_update",
]
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION ventures_ledger_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR {_changed("IS DISTINCT FROM")}
           OR {_void_changed("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ventures_ledger_guard BEFORE UPDATE OR DELETE ON ventures_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ventures_ledger_guard()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ventures_ledger_guard ON ventures_ledgerentry",
    "DROP FUNCTION IF EXISTS ventures_ledger_guard()",
]
BY_VENDOR = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql)


def forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in BY_VENDOR:
        raise RuntimeError(f"no append-only guard for the {vendor} database")
    _run(schema_editor, BY_VENDOR[vendor][0])


def backward(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, BY_VENDOR[schema_editor.connection.vendor][1])


class Migration(migrations.Migration):
    dependencies = [("ventures", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
