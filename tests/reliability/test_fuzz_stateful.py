"""Stateful fuzzing: sequences of API calls that feed each answer into the next call.

The single-operation fuzz (test_fuzz.py) mostly reaches "not found" for ids it makes up. Here
schemathesis links operations by what their answers contain (a venture's id from the list or
from a create, then its entries, an entry's id, then its void or receipt...), inferred from the
spec's schemas, and runs random chains of them as each role against the real WSGI stack. Each
answer must not be a server error, and its status, content type and body must match the spec.

Every chain runs in the test's transaction, so what a chain creates is there for its next step
and is gone after the test. Bounded by IMPULSA_FUZZ_STATEFUL_EXAMPLES chains of at most
IMPULSA_FUZZ_STATEFUL_STEPS calls per role; the figures are printed (run with ``-s``).
"""

import os
import traceback
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, Phase, settings

from backend.api import api
from tests.conftest import World
from tests.reliability.fuzz_support import CHECKS, Figures, InProcessApp, load_spec
from tests.reliability.test_fuzz import _path_values, _report, _token, fuzz_env

__all__ = ["fuzz_env"]  # the fixture, used by the tests below

CHAINS = int(os.environ.get("IMPULSA_FUZZ_STATEFUL_EXAMPLES", "12"))
STEPS = int(os.environ.get("IMPULSA_FUZZ_STATEFUL_STEPS", "8"))
ROLES = ["participant_a", "trainer", "manager", "admin"]


def _machine(app: InProcessApp, headers: dict[str, str], figures: Figures) -> Any:
    schema = load_spec(api.get_openapi_schema())
    links = schema.analysis.inject_links()
    base = schema.as_state_machine()

    class Chains(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            # The rate limits stay on, but each call starts with nothing counted.
            cache.clear()
            app.last_exception = None

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": app, "headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            figures.examples += 1
            figures.statuses[response.status_code] = (
                figures.statuses.get(response.status_code, 0) + 1
            )

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            label = f"{case.operation.method.upper()} {case.operation.path}"
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:
                detail = f"{label} after {len(figures.failures)} failures: {exc}"
                if app.last_exception:
                    detail += f"\n{app.last_exception}"
                figures.failures.append(detail)

    figures.label += f", {links} links inferred"
    figures.operations = len(list(schema.get_all_operations()))
    return Chains


@pytest.mark.parametrize("role", ROLES)
def test_fuzz_api_chains(
    role: str, world: World, fuzz_env: InProcessApp, tmp_path: Path, mailoutbox: list[Any]
) -> None:
    _path_values(world)  # the world's ventures, cohorts, goals... for the chains to find
    token = _token(world, role)
    headers = {"X-Session-Token": token} if token else {}
    figures = Figures(f"/api/v1 chains as {role}")
    machine = _machine(fuzz_env, headers, figures)
    try:
        machine.run(
            settings=settings(
                max_examples=CHAINS,
                stateful_step_count=STEPS,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
        )
    except Exception:
        figures.failures.append(traceback.format_exc())
    _report(figures, tmp_path, mailoutbox)
    assert figures.examples >= CHAINS, figures.summary()
