"""Enrolment of a cohort from a file: the rows of an enrolment import (read and checked by
backend/programmes/onboarding.py) are matched to the programme's participants and enrolled
through the training service, all of them or none."""

from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from backend.accounts.models import Consent, User
from backend.programmes import onboarding
from backend.programmes.models import ImportJob, ImportKind, Programme

from . import services
from .models import Enrollment, EnrollmentStatus


def match_enrolments(programme: Programme, cohort: Any, rows: list[onboarding.Row]) -> None:
    """Each valid row found among the programme's consenting participants, not yet enrolled,
    within the cohort's capacity; every other row says why not."""
    by_phone, by_document, members = onboarding.members_by_identity(programme, rows)
    enrolled = set(
        Enrollment.objects.filter(cohort=cohort).values_list("participant_id", flat=True)
    )
    taken = (
        Enrollment.objects.filter(cohort=cohort)
        .exclude(status=EnrollmentStatus.DROPPED_OUT)
        .count()
    )
    candidates = [r for r in rows if r.valid]
    ids = {by_document.get(r.document or "") or by_phone.get(r.phone or "") for r in candidates}
    # The rule of accounts.services.active_consent (the latest record, not a withdrawal), asked
    # for a batch of people at once.
    latest = Consent.objects.filter(user=OuterRef("pk")).order_by("-given_at", "-id")
    consenting: set[int] = set()
    for chunk in onboarding.chunks([i for i in ids if i]):
        consenting.update(
            User.objects.filter(pk__in=chunk)
            .annotate(withdrawn=Subquery(latest.values("withdrawn")[:1]))
            .filter(withdrawn=False)
            .values_list("pk", flat=True)
        )
    seen: set[int] = set()
    for row in candidates:
        found = by_document.get(row.document or "") or by_phone.get(row.phone or "")
        if found is None or found not in members:
            row.problem("phone", "not_found")
        elif found in enrolled:
            row.problem("phone", "already_enrolled")
        elif found in seen:
            row.problem("phone", "duplicate_in_file", line=row.line)
        elif found not in consenting:
            row.problem("phone", "no_consent")
        elif taken + len(seen) >= cohort.capacity:
            row.problem("phone", "cohort_full", n=cohort.capacity)
        else:
            row.user_id = found
            seen.add(found)


@transaction.atomic
def apply_enrolments(*, job: ImportJob, actor: User) -> int:
    """Enrols every matched row through the training service, all in one transaction."""
    rows = onboarding.check_rows(
        programme=job.programme,
        table=onboarding.job_table(job),
        columns=job.columns,
        kind=job.kind,
        cohort=job.cohort,
    )
    cohort = job.cohort
    assert cohort is not None  # an enrolment job always belongs to a cohort
    added = 0
    for row in rows:
        if row.valid and row.user_id is not None:
            services.enroll(actor=actor, cohort=cohort, participant_id=row.user_id)
            added += 1
    onboarding.summarise(job, rows)
    job.added_rows, job.processed_rows = added, len(rows)
    job.status, job.finished_at, job.content = ImportJob.Status.DONE, timezone.now(), b""
    job.save()
    return added


onboarding.register_kind(ImportKind.ENROLMENTS, match=match_enrolments, apply=apply_enrolments)
