import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from backend import __version__


def test_health_is_public_and_reports_database_tasks_and_version(db: Any) -> None:
    resp = Client().get("/api/v1/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["database"] == {"ok": True, "vendor": body["database"]["vendor"]}
    assert body["tasks"]["ok"] is True


def test_health_degrades_when_tasks_wait_with_no_worker(db: Any, settings: Any) -> None:
    # Django resets its task backends when TASKS changes, so the queue is the real DB one.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.create(
        task_path="backend.lib.api.health",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - dt.timedelta(hours=1),
        priority=0,
    )
    # enqueued_at is set on save; age the task as if it had waited an hour for a worker.
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(hours=1)
    )
    resp = Client().get("/api/v1/health")
    assert resp.status_code == 503, resp.json()["tasks"]
    body = resp.json()
    assert body["tasks"]["ready"] == 1
    assert body["tasks"]["ok"] is False
    assert body["status"] == "degraded"
