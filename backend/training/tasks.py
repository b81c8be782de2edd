"""Background work of the training app (Django's tasks API; `manage.py db_worker` runs it)."""

from typing import Any

from django.tasks import task

from backend.accounts.models import User
from backend.lib.errors import DomainError

from . import services
from .models import Cohort, Enrollment


@task()
def issue_cohort_certificates(cohort_id: int, actor_id: int | None) -> dict[str, Any]:
    """Issues a certificate to every person of the cohort who completed and holds none yet."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return {"issued": 0, "skipped": []}
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    issued, skipped = 0, []
    for enrollment_id in services.issuable_enrollments(cohort):
        enrollment = Enrollment.objects.get(pk=enrollment_id)
        try:
            _certificate, created = services.issue_certificate(actor=actor, enrollment=enrollment)
        except DomainError as exc:
            # One person without a name on file must not stop the rest of the cohort.
            skipped.append({"enrollment_id": enrollment_id, "reason": exc.code})
            continue
        issued += int(created)
    return {"issued": issued, "skipped": skipped}


def queue_cohort_certificates(*, actor: User, cohort: Cohort) -> int:
    """Queues the issuing of every certificate the cohort is due; returns how many are due.

    Here rather than in services, so that services never imports the tasks built on it.
    """
    due = services.issuable_enrollments(cohort)
    if due:
        issue_cohort_certificates.enqueue(cohort_id=cohort.pk, actor_id=actor.pk)
    return len(due)
