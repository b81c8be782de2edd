"""Files of mobile_api_spec/ generated from the table declarations (checked for drift in CI)."""

import json
from typing import Any

from backend.lib.geography import CURRENCIES

from . import engine
from .engine import MAX_PUSH_RECORDS, MIN_SCHEMA_VERSION
from .registry import tables


def app_schema_js() -> str:
    lines = [
        "// Generated from the server's sync table declarations by `make openapi`. Do not edit.",
        "import { appSchema, tableSchema } from '@nozbe/watermelondb'",
        "",
        "export default appSchema({",
        f"  version: {engine.CURRENT_SCHEMA_VERSION},",
        "  tables: [",
    ]
    for name, table in tables().items():
        lines.append("    tableSchema({")
        lines.append(f"      name: {json.dumps(name)},")
        lines.append("      columns: [")
        for c in table.columns:
            lines.append(f"        {_column_js(c)},")
        lines.append("      ],")
        lines.append("    }),")
    lines += ["  ],", "})", ""]
    return "\n".join(lines)


def _column_js(c: Any) -> str:
    parts = [f"name: {json.dumps(c.name)}", f"type: {json.dumps(c.type)}"]
    if c.optional:
        parts.append("isOptional: true")
    if c.indexed:
        parts.append("isIndexed: true")
    return "{ " + ", ".join(parts) + " }"


def schema_migrations_js(version: int | None = None, declared: dict[str, Any] | None = None) -> str:
    """WatermelonDB `schemaMigrations` from the declarations: for each schema version after
    the first, the tables (`createTable`) and columns (`addColumns`) declared as added in it."""
    version = engine.CURRENT_SCHEMA_VERSION if version is None else version
    declared = tables() if declared is None else declared
    lines = [
        "// Generated from the server's sync table declarations by `make openapi`. Do not edit.",
        "import { schemaMigrations, createTable, addColumns } from "
        "'@nozbe/watermelondb/Schema/migrations'",
        "",
        "export default schemaMigrations({",
        "  migrations: [",
    ]
    for to_version in range(version, 1, -1):  # newest first, as WatermelonDB's docs write them
        steps: list[str] = []
        for name, table in declared.items():
            if table.since == to_version:
                steps += [
                    "        createTable({",
                    f"          name: {json.dumps(name)},",
                    "          columns: [",
                    *(f"            {_column_js(c)}," for c in table.columns),
                    "          ],",
                    "        }),",
                ]
            elif table.since < to_version:
                added = [c for c in table.columns if c.since == to_version]
                if added:
                    steps += [
                        "        addColumns({",
                        f"          table: {json.dumps(name)},",
                        "          columns: [",
                        *(f"            {_column_js(c)}," for c in added),
                        "          ],",
                        "        }),",
                    ]
        lines += [
            "    {",
            f"      toVersion: {to_version},",
            "      steps: [",
            *steps,
            "      ],",
            "    },",
        ]
    lines += ["  ],", "})", ""]
    return "\n".join(lines)


def tables_markdown() -> str:
    out = [
        "# Sync tables (generated)",
        "",
        "Generated from the server's table declarations by `make openapi`; CI fails when it",
        "differs from the code. Schema version "
        f"{engine.CURRENT_SCHEMA_VERSION} (oldest accepted: {MIN_SCHEMA_VERSION}); at most "
        f"{MAX_PUSH_RECORDS} records per push.",
        "",
        "## Money",
        "",
        "Amounts are decimal strings in the record's currency with exactly that currency's",
        'minor units, in pulls and over REST alike (COP `"12744"`, PEN `"12.50"`). A pushed',
        'amount may carry more decimals when they are zeros (`"15000.00"` for COP is 15000);',
        'real extra precision (`"15000.5"` for COP) is rejected with code `invalid`.',
        "",
        "| currency | minor units | example |",
        "|---|---|---|",
    ]
    for code, currency in sorted(CURRENCIES.items()):
        example = "12744" if currency.minor_units == 0 else "12.50"
        out.append(f'| {code} | {currency.minor_units} | `"{example}"` |')
    out.append("")
    for name, table in tables().items():
        can = [
            w
            for w, ok in (
                ("create", table.can_create),
                ("update", table.can_update),
                ("delete", table.can_delete),
            )
            if ok
        ]
        out += [
            f"## `{name}`",
            "",
            table.description or "",
            "",
            f"App may: {', '.join(can) or 'read only'}.",
            "",
        ]
        out += [
            "| column | type | optional | meaning |",
            "|---|---|---|---|",
            "| `id` | string | no | record id |",
        ]
        for c in table.columns:
            out.append(
                f"| `{c.name}` | {c.type} | {'yes' if c.optional else 'no'} | {c.description} |"
            )
        out.append("")
    return "\n".join(out)


def contract_files() -> dict[str, str]:
    return {
        "watermelon_schema.js": app_schema_js(),
        "watermelon_migrations.js": schema_migrations_js(),
        "sync_tables.md": tables_markdown(),
    }
