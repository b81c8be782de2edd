from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router, Schema

from backend.accounts.http import request_user
from backend.lib.validation import Counter

from . import creations, engine

router = Router(tags=["sync"])


class PullOut(Schema):
    changes: dict[str, dict[str, list[Any]]]
    timestamp: int


class PushIn(Schema):
    changes: dict[str, Any]


class PushOut(Schema):
    experimentalRejectedIds: dict[str, list[str]] | None = None
    rejected: dict[str, dict[str, dict[str, str]]] | None = None


@router.get(
    "/sync/pull",
    response=PullOut,
    summary="WatermelonDB pull: changes since last_pulled_at (a server change sequence)",
    description="See mobile_api_spec/sync.md. 410 reset_required when the device last pulled "
    "before the oldest kept tombstone or above the server's counter (a restore); "
    "426 upgrade_required for a schema older than supported.",
)
def pull(
    request: HttpRequest,
    last_pulled_at: str | None = Query(
        None, description="The last pull's timestamp; absent, empty or null on the first sync."
    ),
    schema_version: Counter | None = None,
    migration: str | None = None,
) -> dict[str, Any]:
    return engine.pull(
        user=request_user(request),
        last_pulled_at=engine.parse_last_pulled_at(last_pulled_at),
        schema_version=schema_version,
        origin=_device(request),
        migration=engine.parse_migration(migration),
    )


@router.post(
    "/sync/push",
    response=PushOut,
    summary="WatermelonDB push: apply local changes in one transaction",
    description="410 reset_required when last_pulled_at is above the server's counter; "
    "409 with the conflicting ids when a pushed record changed on the server since "
    "last_pulled_at (nothing is applied); 413 above 1,000 records; records that fail "
    "validation or permission are listed in `rejected` and the rest are applied.",
)
def push(
    request: HttpRequest,
    last_pulled_at: str | None = Query(
        None, description="The timestamp of the pull before this push (null: never pulled)."
    ),
    payload: dict[str, Any] = Body(...),  # noqa: B008 - ninja's way to declare a JSON body
) -> dict[str, Any]:
    return engine.push(
        user=request_user(request),
        last_pulled_at=engine.parse_last_pulled_at(last_pulled_at) or 0,
        body=payload,
        origin=_device(request),
    )


def _device(request: HttpRequest) -> str:
    """The calling device, told apart by its session (each app sign-in has its own)."""
    token = request.headers.get("X-Session-Token") or getattr(
        getattr(request, "session", None), "session_key", None
    )
    return creations.device_key(token)
