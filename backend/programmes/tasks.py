"""Background work of the programmes app (Django's tasks API; `manage.py db_worker` runs it)."""

from django.tasks import task

from backend.accounts.audit import audit
from backend.accounts.models import User

from . import onboarding
from .models import ImportJob


@task()
def run_import(job_id: int) -> None:
    """Imports a checked participant file: all of its valid rows, or none on any failure."""
    onboarding.run_job(job_id)


def queue_job(*, job: ImportJob, actor: User) -> None:
    """Hands a checked (or failed) participant import to the worker; only once at a time."""
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.CHECKED, ImportJob.Status.FAILED]
    ).update(status=ImportJob.Status.QUEUED, error="", processed_rows=0, heartbeat_at=None)
    if claimed:
        audit(actor, "participant.import.queue", obj=job.programme, rows=job.valid_rows)
        run_import.enqueue(job_id=job.pk)
