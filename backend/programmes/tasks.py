"""Background work of the programmes app (Django's tasks API; `manage.py db_worker` runs it)."""

from django.tasks import task

from . import onboarding


@task()
def run_import(job_id: int) -> None:
    """Imports a checked participant file: all of its valid rows, or none on any failure."""
    onboarding.run_job(job_id)
