"""OpenAPI links between the API's operations, derived from its paths.

A link tells a client, or a tool that walks the API, which value of one answer fills which
parameter of another call: the id of a venture just created, or the first of a list, is the
``venture_id`` of ``/ventures/{venture_id}/entries``. The rule is the REST layout this API
follows: the operations under ``<path>/{<name>_id>}`` take the id of an object that a create at
``<path>`` (201 or 202) or a list at ``<path>`` (its ``items``) answers with; so do those under
``/api/v1/<collection>/{<name>_id}`` when ``<path>`` ends with that collection (an entry made at
``/ventures/{venture_id}/entries`` is voided at ``/entries/{entry_id}/void``). A link is only
added when the answer's schema has an ``id``.
"""

import re
from typing import Any

_PARAM = re.compile(r"^\{([a-z_]+)\}")
# Collections whose name matches a top-level one but whose objects are of another kind.
_NOT_THE_TOP_LEVEL_KIND = {
    "/api/v1/funds/{programme_id}/entries",  # movements of a fund, not ledger entries
}


def add_links(schema: dict[str, Any]) -> int:
    """Adds the links to the spec in place; returns how many were added."""
    paths: dict[str, dict[str, Any]] = schema["paths"]
    added = 0
    for source_path, methods in paths.items():
        for method, source in methods.items():
            expression = _id_expression(method, source, schema)
            if expression is None:
                continue
            status, pointer = expression
            links: dict[str, Any] = {}
            for target_path, target_methods in paths.items():
                name = _parameter_under(source_path, target_path) or _parameter_under(
                    _collection(source_path), target_path
                )
                if name is None:
                    continue
                for target_method, target in target_methods.items():
                    key = f"{target['operationId']}"
                    links[key] = {
                        "operationId": target["operationId"],
                        "parameters": {name: pointer},
                        "description": f"{target_method.upper()} {target_path} with this {name}",
                    }
            if links:
                source["responses"][status].setdefault("links", {}).update(links)
                added += len(links)
    return added


def _id_expression(
    method: str, operation: dict[str, Any], schema: dict[str, Any]
) -> tuple[Any, str] | None:
    """Where the new or listed object's id sits in the answer, and under which status key
    (the generated spec keys statuses by number, a spec read back from JSON by string)."""
    statuses = {str(key): key for key in operation.get("responses", {})}
    if method == "post":
        for status in ("201", "202"):
            if status in statuses and "id" in _properties(operation, statuses[status], schema):
                return statuses[status], "$response.body#/id"
        return None
    if method == "get" and "200" in statuses:
        items = _properties(operation, statuses["200"], schema).get("items", {})
        if "id" in _resolve(items.get("items", {}), schema).get("properties", {}):
            return statuses["200"], "$response.body#/items/0/id"
    return None


def _properties(operation: dict[str, Any], status: Any, schema: dict[str, Any]) -> dict[str, Any]:
    response = operation["responses"][status]
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    return dict(_resolve(body, schema).get("properties", {}))


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return dict(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]])
    return node


def _collection(path: str) -> str:
    """/api/v1/ventures/{venture_id}/entries -> /api/v1/entries (the top-level collection)."""
    if path in _NOT_THE_TOP_LEVEL_KIND:
        return ""
    parts = path.split("/")
    return "/".join(parts[:3] + parts[-1:]) if len(parts) > 4 else ""


def _parameter_under(source_path: str, target_path: str) -> str | None:
    """The name of the path parameter right below source_path in target_path, if any."""
    prefix = source_path.rstrip("/") + "/"
    if not source_path or not target_path.startswith(prefix):
        return None
    match = _PARAM.match(target_path[len(prefix) :])
    return match.group(1) if match else None
