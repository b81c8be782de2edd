"""Files of mobile_api_spec/ generated from the table declarations (checked for drift in CI)."""

import json

from backend.lib.geography import CURRENCIES

from .engine import CURRENT_SCHEMA_VERSION, MAX_PUSH_RECORDS, MIN_SCHEMA_VERSION
from .registry import tables


def app_schema_js() -> str:
    lines = [
        "// Generated from the server's sync table declarations by `make openapi`. Do not edit.",
        "import { appSchema, tableSchema } from '@nozbe/watermelondb'",
        "",
        "export default appSchema({",
        f"  version: {CURRENT_SCHEMA_VERSION},",
        "  tables: [",
    ]
    for name, table in tables().items():
        lines.append("    tableSchema({")
        lines.append(f"      name: {json.dumps(name)},")
        lines.append("      columns: [")
        for c in table.columns:
            parts = [f"name: {json.dumps(c.name)}", f"type: {json.dumps(c.type)}"]
            if c.optional:
                parts.append("isOptional: true")
            if c.indexed:
                parts.append("isIndexed: true")
            lines.append("        { " + ", ".join(parts) + " },")
        lines.append("      ],")
        lines.append("    }),")
    lines += ["  ],", "})", ""]
    return "\n".join(lines)


def tables_markdown() -> str:
    out = [
        "# Sync tables (generated)",
        "",
        "Generated from the server's table declarations by `make openapi`; CI fails when it",
        "differs from the code. Schema version "
        f"{CURRENT_SCHEMA_VERSION} (oldest accepted: {MIN_SCHEMA_VERSION}); at most "
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
    return {"watermelon_schema.js": app_schema_js(), "sync_tables.md": tables_markdown()}
