"""Courses, cohorts, sessions, enrollments and attendance on the app's wire.

Participants read their own enrollments and what hangs off them; trainers read the cohorts they
train and take attendance offline. Attendance is written only through
training.services.mark_attendance, like the REST API, so history and completion follow.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backend.accounts.audit import audit
from backend.accounts.models import User
from backend.lib.validation import parse_id
from backend.sync.changes import next_seq
from backend.sync.registry import Column, Rejected, SyncTable, epoch_ms, iso_date, register, text
from backend.sync.visibility import VisibilityWatch, record_gone

from . import access, services
from .models import Attendance, Cohort, CohortSession, Course, Enrollment


def _ids(raw: dict[str, Any], name: str) -> list[int]:
    number = parse_id(str(raw.get(name)))
    return [] if number is None else [number]


def _language() -> str:
    return get_language() or "es"


@register
class Courses(SyncTable):
    name = "courses"
    model = Course
    description = "Courses of the cohorts the user is enrolled in or trains."
    int_ids = True
    columns = (
        Column("code", "string", description="Stable course code."),
        Column("title", "string", description="Title in the user's language."),
        Column("description", "string", description="Description in the user's language."),
        Column("stage", "string", description="Stage of the programme the course belongs to."),
        Column("planned_hours", "number", description="Planned hours of teaching."),
        Column("has_tests", "boolean", description="Whether it has pre- and post-tests."),
        Column("pass_mark", "number", description="Post-test score needed, 0 to 100."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return Course.objects.filter(pk__in=access.own_cohorts(user).values("course_id"))

    def serialize(self, obj: Course) -> dict[str, Any]:
        language = _language()
        return {
            "id": str(obj.pk),
            "code": obj.code,
            "title": obj.title_for(language),
            "description": obj.description_for(language),
            "stage": obj.stage,
            "planned_hours": obj.planned_hours,
            "has_tests": obj.has_tests,
            "pass_mark": obj.pass_mark,
        }


@register
class Cohorts(SyncTable):
    name = "cohorts"
    model = Cohort
    description = "Cohorts the user is enrolled in or trains."
    int_ids = True
    columns = (
        Column(
            "course_id",
            "string",
            indexed=True,
            references="courses",
            description="The course's id.",
        ),
        Column("programme_id", "number", description="Programme of the cohort."),
        Column("name", "string", description="Name of the cohort."),
        Column("is_virtual", "boolean", description="Taught online."),
        Column("city", "string", description="City, empty when virtual."),
        Column("start_date", "string", description="YYYY-MM-DD."),
        Column("end_date", "string", description="YYYY-MM-DD."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.own_cohorts(user)

    def serialize(self, obj: Cohort) -> dict[str, Any]:
        return {
            "id": str(obj.pk),
            "course_id": str(obj.course_id),
            "programme_id": obj.programme_id,
            "name": obj.name,
            "is_virtual": obj.is_virtual,
            "city": obj.city,
            "start_date": iso_date(obj.start_date),
            "end_date": iso_date(obj.end_date),
        }


@register
class CohortSessions(SyncTable):
    name = "cohort_sessions"
    model = CohortSession
    description = "Sessions of those cohorts."
    int_ids = True
    columns = (
        Column(
            "cohort_id",
            "string",
            indexed=True,
            references="cohorts",
            description="The cohort's id.",
        ),
        Column("date", "string", description="YYYY-MM-DD."),
        Column("module", "string", description="Course module taught, or empty."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return CohortSession.objects.filter(cohort__in=access.own_cohorts(user).values("pk"))

    def serialize(self, obj: CohortSession) -> dict[str, Any]:
        return {
            "id": str(obj.pk),
            "cohort_id": str(obj.cohort_id),
            "date": iso_date(obj.date),
            "module": obj.module,
        }


@register
class Enrollments(SyncTable):
    name = "enrollments"
    model = Enrollment
    description = "The participant's own enrollments; a trainer's cohorts' rosters."
    int_ids = True
    columns = (
        Column(
            "cohort_id",
            "string",
            indexed=True,
            references="cohorts",
            description="The cohort's id.",
        ),
        Column("participant_id", "number", description="The enrolled person's user id."),
        Column(
            "status",
            "string",
            description="enrolled | completed | dropped_out (see the REST API).",
        ),
        Column("pre_score", "number", optional=True, description="Pre-test score, or null."),
        Column("post_score", "number", optional=True, description="Post-test score, or null."),
        Column("completed_on", "string", optional=True, description="YYYY-MM-DD, or null."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.own_cohort_enrollments(user)

    def audit_pull(self, user: User, sent: list[dict[str, Any]]) -> None:
        # The same record the portal's roster page leaves, once per pull that carried
        # anyone else's enrollment, naming the cohorts and how many rows reached the device.
        others = [r for r in sent if r["participant_id"] != user.pk]
        if others:
            audit(
                user,
                "training.roster.sync",
                cohorts=sorted({int(r["cohort_id"]) for r in others}),
                rows=len(others),
            )

    def serialize(self, obj: Enrollment) -> dict[str, Any]:
        return {
            "id": str(obj.pk),
            "cohort_id": str(obj.cohort_id),
            "participant_id": obj.participant_id,
            "status": obj.status,
            "pre_score": obj.pre_score,
            "post_score": obj.post_score,
            "completed_on": iso_date(obj.completed_on),
        }


@register
class AttendanceTable(SyncTable):
    name = "attendance"
    model = Attendance
    description = (
        "Attendance marks: the participant's own; a trainer's cohorts', which the trainer "
        "creates and corrects offline."
    )
    can_create = True
    can_update = True
    id_field = "sync_id"
    client_columns = ("session_id", "enrollment_id", "status")
    columns = (
        Column(
            "session_id",
            "string",
            indexed=True,
            references="cohort_sessions",
            description="The session's id.",
        ),
        Column(
            "enrollment_id",
            "string",
            indexed=True,
            references="enrollments",
            description="The enrollment's id.",
        ),
        Column("status", "string", description="present | absent | excused."),
        Column("marked_at", "number", description="When the server stored the mark, epoch ms."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return Attendance.objects.filter(
            enrollment__in=access.own_cohort_enrollments(user).values("pk")
        )

    def serialize(self, obj: Attendance) -> dict[str, Any]:
        return {
            "id": obj.sync_id,
            "session_id": str(obj.session_id),
            "enrollment_id": str(obj.enrollment_id),
            "status": obj.status,
            "marked_at": epoch_ms(obj.marked_at),
        }

    def _mark(self, user: User, raw: dict[str, Any], *, sync_id: str | None) -> None:
        session_id, enrollment_id = text(raw, "session_id"), text(raw, "enrollment_id")
        session_pk, enrollment_pk = parse_id(session_id), parse_id(enrollment_id)
        session = access.access_session(user, session_pk) if session_pk else None
        if session is None or enrollment_pk is None:
            raise Rejected("not_found", _("This session was not found."))
        services.mark_attendance(
            actor=user,
            session=session,
            marks=[(enrollment_pk, text(raw, "status"))],
            sync_ids={enrollment_pk: sync_id} if sync_id else None,
        )

    def create(self, user: User, raw: dict[str, Any]) -> None:
        # Only among the marks the user sees: a mark made elsewhere under another id.
        other = (
            self.rows(user)
            .filter(
                session_id__in=_ids(raw, "session_id"), enrollment_id__in=_ids(raw, "enrollment_id")
            )
            .first()
        )
        if other is not None and other.sync_id != raw["id"]:
            raise Rejected(
                "duplicate",
                _("This person already has a mark at this session; change that one instead."),
            )
        self._mark(user, raw, sync_id=raw["id"])

    def update(self, user: User, obj: Attendance, raw: dict[str, Any]) -> None:
        if str(obj.session_id) != raw.get("session_id") or str(obj.enrollment_id) != raw.get(
            "enrollment_id"
        ):
            raise Rejected(
                "immutable", _("Only the status of a mark can change, not its session or person.")
            )
        self._mark(user, raw, sync_id=None)


# Rows leaving someone's view --------------------------------------------------------------
# Who sees what is decided by the tables' rows() above. A trainer taken off a cohort (in the
# admin) and a removed enrollment, session or cohort take rows out of people's view; their
# devices hear of it as deleted (see backend/sync/visibility.py). A trainer added to a cohort
# gets its rows on the next pull: they are renumbered, as enroll() does for a participant.

COHORT_TABLES = ("courses", "cohorts", "cohort_sessions", "enrollments", "attendance")
WATCH = "_sync_visibility_watch"


def _cohort_people(cohort_ids: Iterable[int]) -> set[int]:
    """Everyone who sees the cohorts' rows: their trainers and the people enrolled."""
    trainers = Cohort.trainers.through.objects.filter(cohort_id__in=cohort_ids)
    enrolled = Enrollment.objects.filter(cohort_id__in=cohort_ids)
    return set(trainers.values_list("user_id", flat=True)) | set(
        enrolled.values_list("participant_id", flat=True)
    )


def _renumber_cohorts(cohort_ids: Iterable[int]) -> None:
    ids = list(cohort_ids)
    with transaction.atomic():
        seq = next_seq()
        Cohort.objects.filter(pk__in=ids).update(changed_seq=seq)
        Course.objects.filter(cohorts__in=ids).update(changed_seq=seq)
        CohortSession.objects.filter(cohort__in=ids).update(changed_seq=seq)
        Enrollment.objects.filter(cohort__in=ids).update(changed_seq=seq)
        Attendance.objects.filter(session__cohort__in=ids).update(changed_seq=seq)


@receiver(m2m_changed, sender=Cohort.trainers.through, dispatch_uid="sync_cohort_trainers")
def _trainers_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **_: Any
) -> None:
    if action == "pre_add" and pk_set:
        # Rows entering the new trainers' view reach their devices as created.
        users = {instance.pk} if reverse else set(pk_set)
        setattr(instance, WATCH, VisibilityWatch(users, COHORT_TABLES))
    elif action in ("pre_remove", "pre_clear"):
        if reverse:  # user.training_cohorts.remove(...): the instance is the trainer
            users = {instance.pk}
        elif pk_set is not None:
            users = set(pk_set)
        else:
            users = set(instance.trainers.values_list("pk", flat=True))
        setattr(instance, WATCH, VisibilityWatch(users, COHORT_TABLES))
    elif action in ("post_remove", "post_clear"):
        watch = instance.__dict__.pop(WATCH, None)
        if watch is not None:
            watch.close()
    elif action == "post_add" and pk_set:
        _renumber_cohorts(pk_set if reverse else [instance.pk])
        watch = instance.__dict__.pop(WATCH, None)
        if watch is not None:
            watch.close()


def _watch_before_delete(instance: Any, people: set[int]) -> None:
    setattr(instance, WATCH, VisibilityWatch(people, COHORT_TABLES))


def _close_after_delete(sender: Any, instance: Any, **_: Any) -> None:
    watch = instance.__dict__.pop(WATCH, None)
    if watch is not None:
        watch.close()


@receiver(pre_delete, sender=Cohort, dispatch_uid="sync_cohort_pre_delete")
def _cohort_deleting(sender: Any, instance: Cohort, **_: Any) -> None:
    _watch_before_delete(instance, _cohort_people([instance.pk]))


@receiver(pre_delete, sender=Enrollment, dispatch_uid="sync_enrollment_pre_delete")
def _enrollment_deleting(sender: Any, instance: Enrollment, **_: Any) -> None:
    _watch_before_delete(instance, _cohort_people([instance.cohort_id]))


@receiver(pre_delete, sender=CohortSession, dispatch_uid="sync_session_pre_delete")
def _session_deleting(sender: Any, instance: CohortSession, **_: Any) -> None:
    # The session goes (its marks too, each on its own); nothing else leaves anyone's view.
    people = _cohort_people([instance.cohort_id])
    setattr(instance, WATCH, [("cohort_sessions", str(instance.pk), u) for u in people])


@receiver(pre_delete, sender=Attendance, dispatch_uid="sync_attendance_pre_delete")
def _mark_deleting(sender: Any, instance: Attendance, **_: Any) -> None:
    cohort = CohortSession.objects.filter(pk=instance.session_id).values("cohort_id")
    people = _cohort_people(cohort.values_list("cohort_id", flat=True))
    setattr(instance, WATCH, [("attendance", instance.sync_id, u) for u in people])


@receiver(post_delete, sender=CohortSession, dispatch_uid="sync_session_post_delete")
@receiver(post_delete, sender=Attendance, dispatch_uid="sync_attendance_post_delete")
def _rows_deleted(sender: Any, instance: Any, **_: Any) -> None:
    gone = instance.__dict__.pop(WATCH, None)
    if gone:
        record_gone(gone)


post_delete.connect(_close_after_delete, sender=Cohort, dispatch_uid="sync_cohort_post_delete")
post_delete.connect(
    _close_after_delete, sender=Enrollment, dispatch_uid="sync_enrollment_post_delete"
)
