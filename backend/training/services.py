"""Writes on cohorts, enrollment, attendance, scores, completion and certificates.

Each public function is one transaction. Callers check visibility first (programmes.access);
these functions check the rules of the domain.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.audit import audit
from backend.accounts.models import ParticipantProfile, User
from backend.accounts.services import active_consent
from backend.lib.codes import verification_code
from backend.lib.errors import Conflict, DomainError, Forbidden
from backend.lib.formats import country_name
from backend.lib.geography import is_region_of
from backend.lib.pdf import render_pdf
from backend.lib.qr import qr_svg_data_uri
from backend.programmes.models import Programme, Role
from backend.sync.changes import next_seq
from backend.sync.visibility import VisibilityWatch

from . import access, credentials, rules
from .models import (
    Attendance,
    AttendanceMark,
    AttendanceStatus,
    Certificate,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
    EnrollmentStatus,
    Stage,
)

# --- cohorts and sessions --------------------------------------------------------------------


@transaction.atomic
def create_cohort(
    *,
    actor: User,
    programme: Programme,
    course: Course,
    name: str,
    trainer_ids: list[int],
    start_date: dt.date,
    end_date: dt.date,
    capacity: int,
    is_virtual: bool = False,
    country: str = "",
    region: str = "",
    city: str = "",
) -> Cohort:
    if end_date < start_date:
        raise DomainError(
            _("The end date must be on or after the start date."), field="body.end_date", status=422
        )
    if capacity < 1:
        raise DomainError(_("Capacity must be at least 1."), field="body.capacity", status=422)
    if not is_virtual:
        country = country or programme.country
        if region and not is_region_of(region, country):
            raise DomainError(
                _("This region is not in the cohort's country."), field="body.region", status=422
            )
    trainers = _check_trainers(programme, access.cohort_trainer_ids(actor, programme, trainer_ids))
    cohort = Cohort.objects.create(
        course=course,
        programme=programme,
        name=name.strip(),
        is_virtual=is_virtual,
        country="" if is_virtual else country,
        region="" if is_virtual else region,
        city="" if is_virtual else city.strip(),
        start_date=start_date,
        end_date=end_date,
        capacity=capacity,
        changed_seq=next_seq(),
    )
    cohort.trainers.set(trainers)
    audit(actor, "training.cohort.create", obj=cohort)
    return cohort


def _check_session_date(cohort: Cohort, date: dt.date) -> None:
    if not cohort.start_date <= date <= cohort.end_date:
        raise DomainError(
            _("The session date must fall within the cohort's dates (%(start)s to %(end)s).")
            % {"start": cohort.start_date.isoformat(), "end": cohort.end_date.isoformat()},
            field="body.date",
            status=422,
        )


@transaction.atomic
def add_session(*, actor: User, cohort: Cohort, date: dt.date, module: str = "") -> CohortSession:
    _check_session_date(cohort, date)
    modules = list(cohort.course.modules or [])
    module = module.strip()
    if module and modules and module not in modules:
        raise DomainError(_("Choose one of the course's modules."), field="body.module", status=422)
    if CohortSession.objects.filter(cohort=cohort, date=date, module=module).exists():
        raise Conflict(
            _("This cohort already has a session for that module on that date."),
            code="session_exists",
        )
    session = CohortSession.objects.create(
        cohort=cohort, date=date, module=module, changed_seq=next_seq()
    )
    # One more session changes everyone's attendance share.
    evaluate_cohort(cohort=cohort, enrollments=list(cohort.enrollments.select_for_update()))
    return session


def _check_trainers(programme: Programme, trainer_ids: list[int]) -> list[User]:
    trainers = list(
        User.objects.filter(
            pk__in=set(trainer_ids),
            memberships__programme=programme,
            memberships__role=Role.TRAINER,
            is_active=True,
        ).distinct()
    )
    if not trainer_ids or len(trainers) != len(set(trainer_ids)):
        raise DomainError(
            _("Choose one or more people who are trainers in this programme."),
            field="body.trainer_ids",
            status=422,
        )
    return trainers


@transaction.atomic
def update_cohort(
    *,
    actor: User,
    cohort: Cohort,
    name: str,
    trainer_ids: list[int],
    start_date: dt.date,
    end_date: dt.date,
    capacity: int,
) -> Cohort:
    """Changes a cohort's name, trainers, dates and capacity. The course stays: attendance and
    scores already recorded were measured against it."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if end_date < start_date:
        raise DomainError(
            _("The end date must be on or after the start date."), field="body.end_date", status=422
        )
    taken = cohort.enrollments.exclude(status=EnrollmentStatus.DROPPED_OUT).count()
    if capacity < max(taken, 1):
        raise DomainError(
            _("Capacity must be at least the %(n)s people enrolled.") % {"n": max(taken, 1)},
            field="body.capacity",
            status=422,
        )
    outside = cohort.sessions.exclude(date__range=(start_date, end_date)).order_by("date").first()
    if outside is not None:
        raise DomainError(
            _("A session on %(date)s falls outside these dates: move or cancel it first.")
            % {"date": outside.date.isoformat()},
            field="body.start_date",
            status=422,
        )
    trainers = _check_trainers(
        cohort.programme, access.cohort_trainer_ids(actor, cohort.programme, trainer_ids)
    )
    cohort.name = name.strip()
    cohort.start_date, cohort.end_date, cohort.capacity = start_date, end_date, capacity
    cohort.changed_seq = next_seq()
    cohort.save(update_fields=["name", "start_date", "end_date", "capacity", "changed_seq"])
    cohort.trainers.set(trainers)
    audit(actor, "training.cohort.update", obj=cohort)
    return cohort


@transaction.atomic
def move_session(*, actor: User, session: CohortSession, date: dt.date) -> CohortSession:
    """Moves a session to another day within the cohort's dates; its marks stay with it."""
    session = CohortSession.objects.select_for_update().select_related("cohort").get(pk=session.pk)
    cohort = session.cohort
    _check_session_date(cohort, date)
    clash = CohortSession.objects.filter(cohort=cohort, date=date, module=session.module)
    if clash.exclude(pk=session.pk).exists():
        raise Conflict(
            _("This cohort already has a session for that module on that date."),
            code="session_exists",
        )
    if session.marks.exists() and date > cohort.programme.today():
        raise DomainError(
            _("Attendance was taken at this session, so it cannot move to a future date."),
            field="body.date",
            status=422,
        )
    session.date = date
    session.changed_seq = next_seq()
    session.save(update_fields=["date", "changed_seq"])
    audit(actor, "training.session.move", obj=session)
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: CohortSession) -> None:
    """Removes a session that did not take place; one with attendance marks stays."""
    session = CohortSession.objects.select_for_update().select_related("cohort").get(pk=session.pk)
    if session.marks.exists():
        raise Conflict(
            _("Attendance was taken at this session, so it cannot be cancelled."),
            code="session_marked",
        )
    cohort = session.cohort
    audit(actor, "training.session.cancel", obj=cohort, date=session.date.isoformat())
    session.delete()
    # One session fewer changes everyone's attendance share.
    evaluate_cohort(cohort=cohort, enrollments=list(cohort.enrollments.select_for_update()))


# --- enrollment ------------------------------------------------------------------------------


@transaction.atomic
def enroll(*, actor: User, cohort: Cohort, participant_id: int) -> Enrollment:
    # The row lock makes concurrent enrollments into one cohort take turns, so the seat count
    # read below is still true when the new row is written.
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    participant = User.objects.filter(
        pk=participant_id,
        is_active=True,
        memberships__programme_id=cohort.programme_id,
        memberships__role=Role.PARTICIPANT,
    ).first()
    if participant is None:
        raise DomainError(
            _("This person is not a participant of the cohort's programme."),
            field="body.participant_id",
            status=422,
        )
    if active_consent(participant) is None:
        raise Conflict(
            _("This person has not accepted the privacy notice, so they cannot be enrolled yet."),
            code="consent_required",
        )
    if Enrollment.objects.filter(cohort=cohort, participant=participant).exists():
        raise Conflict(
            _("This person is already enrolled in this cohort."), code="already_enrolled"
        )
    taken = cohort.enrollments.exclude(status=EnrollmentStatus.DROPPED_OUT).count()
    if taken >= cohort.capacity:
        raise Conflict(
            _("This cohort is full (%(n)s places).") % {"n": cohort.capacity}, code="cohort_full"
        )
    watch = VisibilityWatch([participant.pk], ("courses", "cohorts", "cohort_sessions"))
    seq = next_seq()
    enrollment = Enrollment.objects.create(cohort=cohort, participant=participant, changed_seq=seq)
    # The cohort, its course and sessions become visible to the new participant's devices,
    # which pull only what changed: renumbering them sends them there (and, unchanged, to the
    # cohort's other readers).
    Cohort.objects.filter(pk=cohort.pk).update(changed_seq=seq)
    Course.objects.filter(pk=cohort.course_id).update(changed_seq=seq)
    CohortSession.objects.filter(cohort=cohort).update(changed_seq=seq)
    watch.close()  # to the new participant's devices they are created, not updated
    audit(actor, "training.enroll", subject=participant, obj=cohort)
    return enrollment


@transaction.atomic
def set_dropped_out(*, actor: User, enrollment: Enrollment, dropped_out: bool) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if dropped_out:
        if enrollment.status == EnrollmentStatus.COMPLETED:
            raise Conflict(
                _("A person who completed the course cannot be marked as dropped out."),
                code="already_completed",
            )
        enrollment.status = EnrollmentStatus.DROPPED_OUT
        enrollment.changed_seq = next_seq()
        enrollment.save(update_fields=["status", "changed_seq"])
    elif enrollment.status == EnrollmentStatus.DROPPED_OUT:
        enrollment.status = EnrollmentStatus.ENROLLED
        enrollment.changed_seq = next_seq()
        enrollment.save(update_fields=["status", "changed_seq"])
        evaluate_completion(enrollment=enrollment)
    return enrollment


# --- attendance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkResult:
    changed: int
    unchanged: int


@transaction.atomic
def mark_attendance(
    *,
    actor: User,
    session: CohortSession,
    marks: list[tuple[int, str]],
    today: dt.date | None = None,
    sync_ids: dict[int, str] | None = None,
) -> MarkResult:
    """Sets the current mark of each (enrollment id, status) pair at one session.

    Marking a status a person already has changes nothing and adds no history; a different
    status is a correction: the current value changes and the earlier mark stays in history.
    ``sync_ids`` (enrollment id -> wire id) names new rows made offline by the app.
    """
    sync_ids = sync_ids or {}
    cohort = session.cohort
    if session.date > (today or cohort.programme.today()):
        raise DomainError(
            _("This session has not taken place yet."), field="path.session_id", status=422
        )
    seen: set[int] = set()
    for i, (enrollment_id, status) in enumerate(marks):
        if status not in AttendanceStatus.values:
            raise DomainError(
                _("Choose present, absent or excused."), field=f"body.marks.{i}.status", status=422
            )
        if enrollment_id in seen:
            raise DomainError(
                _("This person appears twice in the list."),
                field=f"body.marks.{i}.enrollment_id",
                status=422,
            )
        seen.add(enrollment_id)
    enrollments = {
        e.pk: e for e in Enrollment.objects.select_for_update().filter(cohort=cohort, pk__in=seen)
    }
    for i, (enrollment_id, _status) in enumerate(marks):
        if enrollment_id not in enrollments:
            raise DomainError(
                _("This person is not enrolled in the session's cohort."),
                field=f"body.marks.{i}.enrollment_id",
                status=422,
            )
    current = {
        a.enrollment_id: a
        for a in Attendance.objects.select_for_update().filter(session=session, enrollment__in=seen)
    }
    now = timezone.now()
    seq = next_seq()
    history: list[AttendanceMark] = []
    touched: list[Enrollment] = []
    for enrollment_id, status in marks:
        row = current.get(enrollment_id)
        if row is not None and row.status == status:
            continue
        if row is None:
            row = Attendance.objects.create(
                session=session,
                enrollment_id=enrollment_id,
                status=status,
                marked_by=actor,
                marked_at=now,
                changed_seq=seq,
                **({"sync_id": sync_ids[enrollment_id]} if enrollment_id in sync_ids else {}),
            )
        else:
            row.status, row.marked_by, row.marked_at = status, actor, now
            row.changed_seq = seq
            row.save(update_fields=["status", "marked_by", "marked_at", "changed_seq"])
        history.append(
            AttendanceMark(attendance=row, status=status, marked_by=actor, marked_at=now)
        )
        touched.append(enrollments[enrollment_id])
    AttendanceMark.objects.bulk_create(history)
    evaluate_cohort(cohort=cohort, enrollments=touched, today=today)
    return MarkResult(changed=len(touched), unchanged=len(marks) - len(touched))


# --- scores and completion -------------------------------------------------------------------

UNSET: Any = object()


def _check_score(value: int | None, field: str) -> None:
    if value is not None and not 0 <= value <= 100:
        raise DomainError(_("Enter a score from 0 to 100."), field=f"body.{field}", status=422)


@transaction.atomic
def record_scores(
    *,
    actor: User,
    enrollment: Enrollment,
    pre_score: int | None = UNSET,
    post_score: int | None = UNSET,
    today: dt.date | None = None,
) -> Enrollment:
    """Sets the pre- and/or post-test score (None clears one); completion is then re-evaluated."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("cohort__course", "cohort__programme")
        .get(pk=enrollment.pk)
    )
    fields = []
    for name, value in (("pre_score", pre_score), ("post_score", post_score)):
        if value is UNSET:
            continue
        _check_score(value, name)
        if not enrollment.cohort.course.has_tests and value is not None:
            raise DomainError(_("This course has no tests."), field=f"body.{name}", status=422)
        setattr(enrollment, name, value)
        fields.append(name)
    if fields:
        enrollment.changed_seq = next_seq()
        enrollment.save(update_fields=[*fields, "changed_seq"])
        audit(
            actor, "training.scores", subject=enrollment.participant, obj=enrollment, fields=fields
        )
        evaluate_completion(enrollment=enrollment, today=today)
    return enrollment


def progress_of(enrollment: Enrollment) -> rules.Progress:
    return _progresses([enrollment], enrollment.cohort)[enrollment.pk]


def _progresses(enrollments: list[Enrollment], cohort: Cohort) -> dict[int, rules.Progress]:
    """Progress of several enrollments of one cohort in two queries."""
    ids = [e.pk for e in enrollments]
    counts = {
        row["enrollment"]: row
        for row in Attendance.objects.filter(enrollment__in=ids)
        .values("enrollment")
        .annotate(
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        )
    }
    sessions = CohortSession.objects.filter(cohort=cohort).count()
    empty = {"present": 0, "excused": 0, "absent": 0}
    out = {}
    for e in enrollments:
        c = counts.get(e.pk, empty)
        out[e.pk] = rules.evaluate(
            cohort.course,
            sessions=sessions,
            present=c["present"],
            excused=c["excused"],
            absent=c["absent"],
            post_score=e.post_score,
        )
    return out


def evaluate_completion(*, enrollment: Enrollment, today: dt.date | None = None) -> Enrollment:
    """Applies the course's rule to one enrollment (see evaluate_cohort)."""
    evaluate_cohort(cohort=enrollment.cohort, enrollments=[enrollment], today=today)
    return enrollment


def evaluate_cohort(
    *, cohort: Cohort, enrollments: list[Enrollment], today: dt.date | None = None
) -> None:
    """Applies the course's rule to enrollments of the cohort. Runs in the caller's transaction.

    A completion records the date (the programme's today) and the rule met. A later change that
    breaks the rule undoes the completion, unless a valid certificate was issued for it: a
    certificate in someone's hands is not silently contradicted; revoking it first lets the
    next evaluation undo the completion. Dropped-out enrollments are left alone.
    """
    active = [e for e in enrollments if e.status != EnrollmentStatus.DROPPED_OUT]
    if not active:
        return
    progresses = _progresses(active, cohort)
    certified = set(
        Certificate.objects.filter(enrollment__in=active, revoked_at__isnull=True).values_list(
            "enrollment_id", flat=True
        )
    )
    for enrollment in active:
        progress = progresses[enrollment.pk]
        if progress.met and enrollment.status != EnrollmentStatus.COMPLETED:
            enrollment.status = EnrollmentStatus.COMPLETED
            enrollment.completed_on = today or cohort.programme.today()
            enrollment.completion_rule = rules.rule_text(cohort.course, progress)
        elif (
            not progress.met
            and enrollment.status == EnrollmentStatus.COMPLETED
            and enrollment.pk not in certified
        ):
            enrollment.status = EnrollmentStatus.ENROLLED
            enrollment.completed_on = None
            enrollment.completion_rule = ""
        else:
            continue
        enrollment.changed_seq = next_seq()
        enrollment.save(update_fields=["status", "completed_on", "completion_rule", "changed_seq"])


# --- certificates ----------------------------------------------------------------------------


def person_name(user: User) -> str:
    profile = ParticipantProfile.objects.filter(user=user).only("display_name").first()
    return (profile.display_name if profile else "") or (user.email or "")


def given_name(user: User) -> str:
    """The name a person gave (their profile's display name); never their email or phone."""
    profile = ParticipantProfile.objects.filter(user=user).only("display_name").first()
    return (profile.display_name if profile else "").strip()


def _is_contact(text: str) -> bool:
    """An email address or phone number, which certificates issued before trainers' names
    were printed may hold instead of a name."""
    compact = text.replace(" ", "")
    return "@" in text or (compact.startswith("+") and compact[1:].isdigit())


def _facts(enrollment: Enrollment, language: str) -> dict[str, Any]:
    cohort = enrollment.cohort
    course = cohort.course
    # A trainer who gave no name is left off rather than printed by email or phone.
    trainers = sorted(filter(None, (given_name(t) for t in cohort.trainers.all())))
    return {
        "holder_name": person_name(enrollment.participant),
        "course_code": course.code,
        "course_title": course.title_for(language),
        "stage": course.stage,
        "hours": course.planned_hours,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "completed_on": enrollment.completed_on.isoformat() if enrollment.completed_on else None,
        "organisation": cohort.programme.organisation.name,
        "programme": cohort.programme.name,
        "trainers": trainers,
        "city": "" if cohort.is_virtual else cohort.city,
        "country": "" if cohort.is_virtual else cohort.country,
        "virtual": cohort.is_virtual,
    }


def _new_code() -> str:
    while True:
        code = verification_code()
        if not Certificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def issue_certificate(*, actor: User | None, enrollment: Enrollment) -> tuple[Certificate, bool]:
    """The valid certificate of a completed enrollment: issued now, or the one already issued."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("cohort__course", "cohort__programme__organisation", "participant")
        .get(pk=enrollment.pk)
    )
    existing = enrollment.certificates.filter(revoked_at__isnull=True).first()
    if existing is not None:
        return existing, False
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise Conflict(
            _("This person has not completed the course, so no certificate can be issued."),
            code="not_completed",
        )
    language = enrollment.participant.preferred_language
    facts = _facts(enrollment, language)
    if not facts["holder_name"]:
        raise Conflict(
            _("Add the participant's name to their profile before issuing a certificate."),
            code="name_missing",
        )
    now = timezone.now()
    code = _new_code()
    # The serial is numbered from the row id; a placeholder holds the unique column until then.
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        serial=f"pending-{code}",
        code=code,
        language=language,
        facts=facts,
        issued_at=now,
        issued_by=actor,
    )
    certificate.serial = f"IMP-{now.year}-{certificate.pk:06d}"
    certificate.save(update_fields=["serial"])
    credentials.issue_credential(certificate)
    if actor is not None:
        audit(actor, "training.certificate.issue", subject=enrollment.participant, obj=certificate)
    return certificate, True


def issuable_enrollments(cohort: Cohort) -> list[int]:
    """Completed enrollments of the cohort that hold no valid certificate yet."""
    valid = Certificate.objects.filter(enrollment=OuterRef("pk"), revoked_at__isnull=True)
    return list(
        cohort.enrollments.filter(status=EnrollmentStatus.COMPLETED)
        .exclude(Exists(valid))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("enrollment__cohort__course", "enrollment__cohort__programme")
        .get(pk=certificate.pk)
    )
    if not access.may_manage_cohort(actor, certificate.enrollment.cohort):
        raise Forbidden(_("Only the programme's managers can revoke a certificate."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the certificate is revoked."), field="body.reason", status=422)
    if certificate.revoked_at is not None:
        raise Conflict(_("This certificate was already revoked."), code="already_revoked")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    credentials.revoke_credential(certificate)
    audit(actor, "training.certificate.revoke", subject=certificate.enrollment.participant,
          obj=certificate)  # fmt: skip
    evaluate_completion(enrollment=certificate.enrollment)
    return certificate


def verification_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL}/verify/{certificate.code}"


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF, rebuilt from the facts frozen at issue: the same document
    every time it is downloaded, in the holder's language."""
    facts = certificate.facts
    url = verification_url(certificate)
    context = {
        "certificate": certificate,
        "facts": facts,
        "stage_label": Stage(facts["stage"]).label if facts.get("stage") in Stage.values else "",
        "start_date": dt.date.fromisoformat(facts["start_date"]),
        "end_date": dt.date.fromisoformat(facts["end_date"]),
        "completed_on": dt.date.fromisoformat(facts["completed_on"])
        if facts.get("completed_on")
        else None,
        "country_name": country_name(facts.get("country", ""), certificate.language),
        "trainers": [t for t in facts.get("trainers", []) if not _is_contact(t)],
        "verify_url": url,
        "qr": qr_svg_data_uri(url, scale=5),
    }
    return render_pdf("training/certificate_pdf.html", context, language=certificate.language)


def normalise_code(raw: str) -> str:
    """What a person typed from paper ("7kq4 m2xd 9b") in the stored form ("7KQ4-M2XD-9B")."""
    chars = "".join(ch for ch in raw.upper() if ch.isalnum())[:20]
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


# --- data rights -----------------------------------------------------------------------------


@transaction.atomic
def erase_personal_data(*, user: User) -> None:
    """Wipes the names printed on the person's certificates and any reason written about them.

    Enrollment, attendance and scores stay (numbers and dates) for the aggregates; the public
    page of an erased person's certificate then shows no name at all.
    """
    for certificate in Certificate.objects.select_for_update().filter(enrollment__participant=user):
        certificate.facts = {**certificate.facts, "holder_name": ""}
        if certificate.revoke_reason:
            certificate.revoke_reason = "-"
        certificate.save(update_fields=["facts", "revoke_reason"])
