"""Reads that more than one caller needs: lists with progress, computed in one query."""

from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from backend.accounts.models import User

from . import rules
from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    Cohort,
    CohortSession,
    Enrollment,
    EnrollmentStatus,
)


def _session_count(cohort_ref: str) -> Any:
    sessions = (
        CohortSession.objects.filter(cohort=OuterRef(cohort_ref))
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sessions, output_field=IntegerField()), Value(0))


def _mark_count(status: str) -> Any:
    marks = (
        Attendance.objects.filter(enrollment=OuterRef("pk"), status=status)
        .order_by()
        .values("enrollment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(marks, output_field=IntegerField()), Value(0))


def with_progress(qs: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Enrollments with their mark counts, session count and valid certificate, in one query."""
    valid = Certificate.objects.filter(enrollment=OuterRef("pk"), revoked_at__isnull=True)
    return qs.select_related("cohort", "cohort__course").annotate(
        n_sessions=_session_count("cohort"),
        n_present=_mark_count(AttendanceStatus.PRESENT),
        n_excused=_mark_count(AttendanceStatus.EXCUSED),
        n_absent=_mark_count(AttendanceStatus.ABSENT),
        certificate_id=Subquery(valid.values("pk")[:1]),
    )


def progress(e: Enrollment) -> rules.Progress:
    """Progress of an enrollment annotated by with_progress (no query)."""
    a: Any = e
    return rules.evaluate(
        e.cohort.course,
        sessions=a.n_sessions,
        present=a.n_present,
        excused=a.n_excused,
        absent=a.n_absent,
        post_score=e.post_score,
    )


AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64))


def person_hint(user: User, *, this_year: int) -> str:
    """What tells two people with the same name apart on a sheet, without revealing them: the
    last three digits of their phone ("··101"), else their age band ("25-34"), else nothing."""
    digits = "".join(ch for ch in (user.phone or "") if ch.isdigit())
    if len(digits) >= 6:
        return f"··{digits[-3:]}"
    profile = getattr(user, "profile", None)
    born = profile.birth_year if profile else None
    if born:
        age = this_year - born
        for low, high in AGE_BANDS:
            if low <= age <= high:
                return f"{low}-{high}"
        if age >= 65:
            return "65+"
    return ""


def roster(cohort: Cohort) -> QuerySet[Enrollment]:
    return with_progress(
        Enrollment.objects.filter(cohort=cohort).select_related(
            "participant", "participant__profile"
        )
    ).order_by("participant__profile__display_name", "pk")


def cohort_list(qs: QuerySet[Cohort]) -> QuerySet[Cohort]:
    return (
        qs.select_related("course", "programme")
        .prefetch_related("trainers__profile")
        .annotate(
            n_sessions=_session_count("pk"),
            n_enrolled=Count(
                "enrollments", filter=~Q(enrollments__status=EnrollmentStatus.DROPPED_OUT)
            ),
            n_completed=Count(
                "enrollments", filter=Q(enrollments__status=EnrollmentStatus.COMPLETED)
            ),
        )
        .order_by("-start_date", "pk")
    )


def session_sheet(cohort: Cohort, session: CohortSession) -> QuerySet[Enrollment]:
    """The roster of a session with each person's current mark there (None when unmarked)."""
    mark = Attendance.objects.filter(session=session, enrollment=OuterRef("pk"))
    return roster(cohort).annotate(
        session_status=Subquery(mark.values("status")[:1]),
    )


def export_for(user: User) -> dict[str, Any]:
    """The person's training records for their data export."""
    enrollments = (
        Enrollment.objects.filter(participant=user)
        .select_related("cohort__course", "cohort__programme")
        .prefetch_related("marks__session", "certificates")
        .order_by("pk")
    )
    return {
        "enrollments": [
            {
                "course": e.cohort.course.code,
                "cohort": e.cohort.name,
                "programme": e.cohort.programme.name,
                "status": e.status,
                "pre_score": e.pre_score,
                "post_score": e.post_score,
                "completed_on": e.completed_on.isoformat() if e.completed_on else None,
                "completion_rule": e.completion_rule,
                "attendance": [
                    {"date": m.session.date.isoformat(), "status": m.status}
                    for m in sorted(e.marks.all(), key=lambda m: m.session.date)
                ],
                "certificates": [
                    {
                        "serial": c.serial,
                        "code": c.code,
                        "issued_at": c.issued_at.isoformat(),
                        "revoked": c.revoked_at is not None,
                    }
                    for c in e.certificates.all()
                ],
            }
            for e in enrollments
        ]
    }
