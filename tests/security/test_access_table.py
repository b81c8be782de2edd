"""Walks the access tables in tests/security/access/*.toml: every operation, every role.

Each domain has its own table (core.toml, ventures.toml, ...) and may have a module of the
same name defining ``build(world) -> dict[str, object]``: the extra objects its rows name as
placeholders (``{venture_a}``), made fresh for each case.

Rows with ``portal = true`` are portal pages, called with a signed-in browser session (a form
post for a body); signed-out callers are sent to the sign-in page (302) and a page the caller
may not see is a plain 404.
"""

import importlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from backend.accounts import services as account_services
from tests.conftest import ApiClient, World

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
ROLES = [
    "anonymous", "participant_a", "participant_b", "trainer", "other_trainer",
    "manager", "other_manager", "donor", "other_donor", "admin",
]  # fmt: skip
TABLE = [
    row
    for path in sorted((HERE / "access").glob("*.toml"))
    for row in tomllib.loads(path.read_text())["op"]
]
EXTRA_BUILDERS = [
    importlib.import_module(f"tests.security.access.{path.stem}").build
    for path in sorted((HERE / "access").glob("*.py"))
    if path.stem != "__init__"
]


def _cases() -> list[Any]:
    cases = []
    for row in TABLE:
        for role in ROLES:
            label = f"{row['operation']} [{row.get('target', '')}] as {role}"
            cases.append(pytest.param(row, role, id=label))
    return cases


def _resolve(text: str, world: World, caller: Any, extras: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key.startswith("erasure:"):
            owner = caller if key == "erasure:own" else world.role(key.split(":", 1)[1])
            return str(account_services.request_erasure(user=owner).pk) if owner else "999999"
        obj = extras[key] if key in extras else getattr(world, key)
        return str(obj.pk)

    return re.sub(r"\{([a-z_:]+)\}", value, text)


@pytest.mark.parametrize(("row", "role"), _cases())
def test_access(row: dict[str, Any], role: str, world: World) -> None:
    caller = world.role(role)
    extras: dict[str, Any] = {}
    for build in EXTRA_BUILDERS:
        extras.update(build(world))
    method, operation_path = row["operation"].split(" ", 1)
    path = _resolve(row.get("path", operation_path), world, caller, extras)
    body = json.loads(_resolve(row["body"], world, caller, extras)) if "body" in row else None
    expected = row.get(role, row["default"])
    if row.get("portal"):
        client = Client()
        if caller is not None:
            client.force_login(caller)
        resp = getattr(client, method.lower())(path, body or {})
        assert resp.status_code == expected, (role, row["operation"], resp.content[:300])
        return
    api = ApiClient(caller)
    resp = api.call(method, path, body)
    assert resp.status_code == expected, (role, row["operation"], resp.content[:300])
    if expected == 404:
        assert resp.json()["error"]["code"] == "not_found"


def test_every_operation_in_the_spec_has_a_row() -> None:
    spec = json.loads((ROOT / "mobile_api_spec" / "openapi.json").read_text())
    operations = {
        f"{method.upper()} {path}" for path, methods in spec["paths"].items() for method in methods
    }
    covered = {row["operation"] for row in TABLE if not row.get("portal")}
    assert operations - covered == set(), (
        "add these operations to a table in tests/security/access/"
    )
    assert covered - operations == set(), "these rows name operations that no longer exist"
