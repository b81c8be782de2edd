from django.db import connection
from django.http import HttpRequest
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from ninja import Router, Schema, Status

from backend import __version__
from backend.lib import dbrouter

router = Router(tags=["health"])


class DatabaseHealth(Schema):
    ok: bool
    vendor: str


class TaskQueueHealth(Schema):
    ok: bool
    backend: str
    ready: int | None
    oldest_ready_seconds: float | None


class ReplicaHealth(Schema):
    ok: bool
    lag_seconds: float | None
    reason: str


class HealthOut(Schema):
    status: str
    version: str
    time: str
    database: DatabaseHealth
    tasks: TaskQueueHealth
    # Absent without a read replica; not ok when reads fall back to the primary.
    replica: ReplicaHealth | None = None


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _task_queue() -> TaskQueueHealth:
    backend = type(task_backends["default"]).__name__
    if backend != "DatabaseBackend":
        return TaskQueueHealth(ok=True, backend=backend, ready=None, oldest_ready_seconds=None)
    try:
        ready = DBTaskResult.objects.ready()
        count = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception:
        return TaskQueueHealth(ok=False, backend=backend, ready=None, oldest_ready_seconds=None)
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    # A queue whose oldest ready task waited over 15 minutes has no worker draining it.
    return TaskQueueHealth(
        ok=age < 900, backend=backend, ready=count, oldest_ready_seconds=round(age, 1)
    )


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Service health",
    description=(
        "Public. Database reachability, task-queue backlog, the read replica's state and the "
        "running version. 503 when the database or the task queue is not working; a replica "
        "that lags or is down makes the status degraded with 200, since reads fall back to "
        "the primary and this server still serves."
    ),
)
def health(request: HttpRequest) -> Status[HealthOut]:
    db_ok = _database_ok()
    tasks = (
        _task_queue()
        if db_ok
        else TaskQueueHealth(ok=False, backend="?", ready=None, oldest_ready_seconds=None)
    )
    ok = db_ok and tasks.ok
    replica = dbrouter.replica_status(fresh=True) if db_ok else None
    body = HealthOut(
        status="ok" if ok and (replica is None or replica.ok) else "degraded",
        version=__version__,
        time=timezone.now().isoformat(),
        database=DatabaseHealth(ok=db_ok, vendor=connection.vendor),
        tasks=tasks,
        replica=(
            ReplicaHealth(ok=replica.ok, lag_seconds=replica.lag_seconds, reason=replica.reason)
            if replica is not None
            else None
        ),
    )
    return Status(200 if ok else 503, body)
