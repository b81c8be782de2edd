import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from ninja import Field, Schema

from backend.accounts.schemas import StrictIn
from backend.lib.validation import Date, Id
from backend.programmes.access import sees_contact_details_cached

from . import selectors
from .models import AttendanceStatus, Certificate, Cohort, Enrollment
from .services import verification_url

MAX_MARKS = 500  # larger than any real class; bounds the work one request can ask for


def _language() -> str:
    return get_language() or "es"


def _name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or ""


class CourseOut(Schema):
    id: int
    code: str
    title: str
    description: str
    stage: str
    counts_as_business_skills: bool
    planned_hours: int
    modules: list[str]
    min_attendance: Decimal
    has_tests: bool
    pass_mark: int
    excused_counts: str

    @staticmethod
    def resolve_title(c: Any) -> str:
        return str(c.title_for(_language()))

    @staticmethod
    def resolve_description(c: Any) -> str:
        return str(c.description_for(_language()))


class CohortTrainerOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(u: Any) -> str:
        return _name(u) or (u.email or "")


class CohortIn(StrictIn):
    programme_id: Id
    course_id: Id
    name: str = Field(..., min_length=1, max_length=120)
    trainer_ids: list[Id] = Field(..., min_length=1, max_length=10)
    start_date: Date
    end_date: Date
    capacity: int = Field(..., ge=1, le=500)
    is_virtual: bool = False
    country: str | None = Field(None, max_length=2, description="Defaults to the programme's")
    region: str | None = Field(None, max_length=10, description="ISO 3166-2, e.g. CO-NSA")
    city: str | None = Field(None, max_length=120)


class CohortOut(Schema):
    id: int
    name: str
    programme_id: int
    course_id: int
    course_code: str
    course_title: str
    stage: str
    start_date: dt.date
    end_date: dt.date
    capacity: int
    is_virtual: bool
    country: str
    region: str
    city: str
    trainers: list[CohortTrainerOut]
    sessions: int
    enrolled: int
    completed: int

    @staticmethod
    def resolve_course_code(c: Cohort) -> str:
        return c.course.code

    @staticmethod
    def resolve_course_title(c: Cohort) -> str:
        return c.course.title_for(_language())

    @staticmethod
    def resolve_stage(c: Cohort) -> str:
        return c.course.stage

    @staticmethod
    def resolve_trainers(c: Cohort) -> list[Any]:
        return list(c.trainers.all())

    @staticmethod
    def resolve_sessions(c: Any) -> int:
        return int(c.n_sessions)

    @staticmethod
    def resolve_enrolled(c: Any) -> int:
        return int(c.n_enrolled)

    @staticmethod
    def resolve_completed(c: Any) -> int:
        return int(c.n_completed)


class SessionIn(StrictIn):
    date: Date
    module: str = Field("", max_length=200)


class SessionOut(Schema):
    id: int
    cohort_id: int
    date: dt.date
    module: str


class EnrollIn(StrictIn):
    participant_id: Id


class EnrollmentProgressOut(Schema):
    sessions: int
    present: int
    excused: int
    absent: int
    unmarked: int
    attendance_share: Decimal | None = Field(
        description="Share of sessions attended under the course's rule for excused absences"
    )
    attendance_met: bool
    test_met: bool


def _progress(e: Enrollment) -> dict[str, Any]:
    p = selectors.progress(e)
    return {
        "sessions": p.sessions,
        "present": p.present,
        "excused": p.excused,
        "absent": p.absent,
        "unmarked": p.unmarked,
        "attendance_share": p.share,
        "attendance_met": p.attendance_met,
        "test_met": p.test_met,
    }


def _contacts_shown(context: Any) -> bool:
    return sees_contact_details_cached(context["request"])


class EnrollmentOut(Schema):
    """A roster row: the person's name and contact, and their progress.

    phone and email are null unless the caller has a second factor set up (docs/privacy.md).
    """

    id: int
    participant_id: int
    name: str
    phone: str | None
    email: str | None
    status: str
    pre_score: int | None
    post_score: int | None
    completed_on: dt.date | None
    completion_rule: str
    progress: EnrollmentProgressOut
    certificate_id: int | None

    @staticmethod
    def resolve_name(e: Enrollment) -> str:
        return _name(e.participant)

    @staticmethod
    def resolve_phone(e: Enrollment, context: Any) -> str | None:
        return e.participant.phone if _contacts_shown(context) else None

    @staticmethod
    def resolve_email(e: Enrollment, context: Any) -> str | None:
        return e.participant.email if _contacts_shown(context) else None

    @staticmethod
    def resolve_progress(e: Enrollment) -> dict[str, Any]:
        return _progress(e)


class MyEnrollmentOut(Schema):
    id: int
    cohort_id: int
    cohort: str
    course_code: str
    course_title: str
    stage: str
    planned_hours: int
    start_date: dt.date
    end_date: dt.date
    status: str
    pre_score: int | None
    post_score: int | None
    completed_on: dt.date | None
    progress: EnrollmentProgressOut
    certificate_id: int | None

    @staticmethod
    def resolve_cohort(e: Enrollment) -> str:
        return e.cohort.name

    @staticmethod
    def resolve_course_code(e: Enrollment) -> str:
        return e.cohort.course.code

    @staticmethod
    def resolve_course_title(e: Enrollment) -> str:
        return e.cohort.course.title_for(_language())

    @staticmethod
    def resolve_stage(e: Enrollment) -> str:
        return e.cohort.course.stage

    @staticmethod
    def resolve_planned_hours(e: Enrollment) -> int:
        return e.cohort.course.planned_hours

    @staticmethod
    def resolve_start_date(e: Enrollment) -> dt.date:
        return e.cohort.start_date

    @staticmethod
    def resolve_end_date(e: Enrollment) -> dt.date:
        return e.cohort.end_date

    @staticmethod
    def resolve_progress(e: Enrollment) -> dict[str, Any]:
        return _progress(e)


class EnrollmentPatchIn(StrictIn):
    pre_score: int | None = Field(None, ge=0, le=100, description="null clears it")
    post_score: int | None = Field(None, ge=0, le=100, description="null clears it")
    dropped_out: bool | None = None


class MarkIn(StrictIn):
    enrollment_id: Id
    status: AttendanceStatus


class AttendanceIn(StrictIn):
    marks: list[MarkIn] = Field(..., min_length=1, max_length=MAX_MARKS)


class AttendanceResultOut(Schema):
    changed: int
    unchanged: int


class SheetRowOut(Schema):
    enrollment_id: int
    participant_id: int
    name: str
    enrollment_status: str
    status: str | None = Field(description="present, absent, excused, or null when unmarked")

    @staticmethod
    def resolve_enrollment_id(e: Enrollment) -> int:
        return e.pk

    @staticmethod
    def resolve_name(e: Enrollment) -> str:
        return _name(e.participant)

    @staticmethod
    def resolve_enrollment_status(e: Enrollment) -> str:
        return e.status

    @staticmethod
    def resolve_status(e: Any) -> str | None:
        return e.session_status


class CertificateOut(Schema):
    id: int
    enrollment_id: int
    serial: str
    code: str
    language: str
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    verify_url: str

    @staticmethod
    def resolve_verify_url(c: Certificate) -> str:
        return verification_url(c)


class RevokeIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=300)


class QueuedOut(Schema):
    queued: int
