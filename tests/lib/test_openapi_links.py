"""The spec's links: which answer gives which id to which call (for app developers and for the
stateful fuzz run)."""

from backend.api import api


def _links() -> set[tuple[str, str, str]]:
    schema = api.get_openapi_schema()
    names = {
        op["operationId"]: f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    }
    found = set()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            for response in op["responses"].values():
                for link in response.get("links", {}).values():
                    [(_param, expr)] = link["parameters"].items()
                    found.add((f"{method.upper()} {path}", names[link["operationId"]], expr))
    return found


def test_a_new_or_listed_object_leads_to_the_calls_that_take_its_id() -> None:
    links = _links()
    assert (
        "POST /api/v1/ventures",
        "POST /api/v1/ventures/{venture_id}/entries",
        "$response.body#/id",
    ) in links
    assert (
        "POST /api/v1/ventures/{venture_id}/entries",
        "POST /api/v1/entries/{entry_id}/void",
        "$response.body#/id",
    ) in links
    assert (
        "GET /api/v1/cohorts/{cohort_id}/sessions",
        "POST /api/v1/sessions/{session_id}/attendance",
        "$response.body#/items/0/id",
    ) in links


def test_no_link_reads_an_id_the_answer_does_not_have() -> None:
    sources = {source for source, _target, _expr in _links()}
    # An invitation answers with the number only: it must not lead to a participant's id.
    assert "POST /api/v1/programmes/{programme_id}/participants" not in sources
    # A fund's movements are not ledger entries.
    assert not any(
        s == "GET /api/v1/funds/{programme_id}/entries" and t.startswith("POST /api/v1/entries")
        for s, t, _e in _links()
    )
