"""Training endpoints for the mobile app: trainers' cohorts, sessions, roster, attendance,
scores and certificates; participants' own enrollments and certificate downloads."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib.errors import Forbidden, NotFound
from backend.lib.pagination import LimitOffsetPagination
from backend.lib.validation import Id

from . import access, selectors, services, tasks
from .models import Certificate, Cohort, CohortSession, Course, Enrollment
from .schemas import (
    AttendanceIn,
    AttendanceResultOut,
    CertificateOut,
    CohortIn,
    CohortOut,
    CourseOut,
    EnrollIn,
    EnrollmentOut,
    EnrollmentPatchIn,
    MyEnrollmentOut,
    QueuedOut,
    RevokeIn,
    SessionIn,
    SessionOut,
    SheetRowOut,
)

router = Router(tags=["training"])


def _cohort(request: HttpRequest, cohort_id: Id) -> Cohort:
    cohort = access.access_cohort(request_user(request), cohort_id)
    if cohort is None:
        raise NotFound(_("Not found."))
    return cohort


def _session(request: HttpRequest, session_id: Id) -> CohortSession:
    session = access.access_session(request_user(request), session_id)
    if session is None:
        raise NotFound(_("Not found."))
    return session


def _enrollment(request: HttpRequest, enrollment_id: Id) -> Enrollment:
    enrollment = access.access_staff_enrollment(request_user(request), enrollment_id)
    if enrollment is None:
        raise NotFound(_("Not found."))
    return enrollment


def _run_cohort(request: HttpRequest, cohort_id: Id) -> Cohort:
    cohort = _cohort(request, cohort_id)
    if not access.may_run_cohort(request_user(request), cohort):
        raise Forbidden(_("Only the cohort's trainers and the programme's managers can do this."))
    return cohort


@router.get("/courses", response=list[CourseOut], summary="Courses")
@paginate(LimitOffsetPagination)
def list_courses(request: HttpRequest) -> QuerySet[Course]:
    return Course.objects.order_by("code")


@router.get(
    "/cohorts",
    response=list[CohortOut],
    summary="Cohorts I train or manage",
    description="Trainers get their own cohorts; managers, those of their programmes.",
)
@paginate(LimitOffsetPagination)
def list_cohorts(request: HttpRequest) -> QuerySet[Cohort]:
    return selectors.cohort_list(access.cohorts_visible_to(request_user(request)))


@router.post(
    "/cohorts",
    response={201: CohortOut},
    summary="Create a cohort (managers and the programme's trainers)",
    description=(
        "A trainer of the programme who creates a cohort is always one of its trainers; "
        "every trainer named must be a trainer of the same programme."
    ),
)
def create_cohort(request: HttpRequest, payload: CohortIn) -> Status[Cohort]:
    user = request_user(request)
    programme = access.access_cohort_programme(user, payload.programme_id)
    if programme is None:
        raise NotFound(_("Not found."), field="body.programme_id")
    course = Course.objects.filter(pk=payload.course_id).first()
    if course is None:
        raise NotFound(_("Unknown course."), field="body.course_id")
    cohort = services.create_cohort(
        actor=user,
        programme=programme,
        course=course,
        name=payload.name,
        trainer_ids=payload.trainer_ids,
        start_date=payload.start_date,
        end_date=payload.end_date,
        capacity=payload.capacity,
        is_virtual=payload.is_virtual,
        country=payload.country or "",
        region=payload.region or "",
        city=payload.city or "",
    )
    return Status(201, selectors.cohort_list(Cohort.objects.filter(pk=cohort.pk)).get())


@router.get("/cohorts/{cohort_id}", response=CohortOut, summary="One cohort")
def get_cohort(request: HttpRequest, cohort_id: Id) -> Cohort:
    cohort = _cohort(request, cohort_id)
    return selectors.cohort_list(Cohort.objects.filter(pk=cohort.pk)).get()


@router.get(
    "/cohorts/{cohort_id}/sessions", response=list[SessionOut], summary="A cohort's sessions"
)
@paginate(LimitOffsetPagination)
def list_sessions(request: HttpRequest, cohort_id: Id) -> QuerySet[CohortSession]:
    return _cohort(request, cohort_id).sessions.order_by("date", "pk")


@router.post(
    "/cohorts/{cohort_id}/sessions",
    response={201: SessionOut},
    summary="Add a dated session (within the cohort's dates)",
)
def add_session(request: HttpRequest, cohort_id: Id, payload: SessionIn) -> Status[Any]:
    cohort = _cohort(request, cohort_id)
    session = services.add_session(
        actor=request_user(request), cohort=cohort, date=payload.date, module=payload.module
    )
    return Status(201, session)


@router.get(
    "/cohorts/{cohort_id}/enrollments",
    response=list[EnrollmentOut],
    summary="Roster: the people enrolled, with contact and progress toward completion",
    description="The read is recorded in the audit log.",
)
@paginate(LimitOffsetPagination)
def roster(request: HttpRequest, cohort_id: Id) -> QuerySet[Enrollment]:
    cohort = _cohort(request, cohort_id)
    audit(request_user(request), "training.roster", obj=cohort)
    return selectors.roster(cohort)


@router.post(
    "/cohorts/{cohort_id}/enrollments",
    response={201: EnrollmentOut},
    summary="Enroll a participant of the programme (the cohort's trainers and managers)",
)
def enroll(request: HttpRequest, cohort_id: Id, payload: EnrollIn) -> Status[Enrollment]:
    cohort = _run_cohort(request, cohort_id)
    enrollment = services.enroll(
        actor=request_user(request), cohort=cohort, participant_id=payload.participant_id
    )
    return Status(201, selectors.roster(cohort).get(pk=enrollment.pk))


@router.post(
    "/cohorts/{cohort_id}/certificates",
    response={202: QueuedOut},
    summary="Issue certificates to everyone who completed (in the background)",
)
def issue_cohort_certificates(request: HttpRequest, cohort_id: Id) -> Status[dict[str, int]]:
    cohort = _cohort(request, cohort_id)
    queued = tasks.queue_cohort_certificates(actor=request_user(request), cohort=cohort)
    return Status(202, {"queued": queued})


@router.get(
    "/sessions/{session_id}/attendance",
    response=list[SheetRowOut],
    summary="Attendance sheet of a session: everyone enrolled and their current mark",
)
@paginate(LimitOffsetPagination)
def attendance_sheet(request: HttpRequest, session_id: Id) -> QuerySet[Enrollment]:
    session = _session(request, session_id)
    audit(request_user(request), "training.attendance", obj=session)
    return selectors.session_sheet(session.cohort, session)


@router.post(
    "/sessions/{session_id}/attendance",
    response=AttendanceResultOut,
    summary="Mark attendance, one person or the whole session at once (idempotent)",
    description=(
        "Marking the status a person already has changes nothing; a different status is a "
        "correction and the earlier mark is kept in the history."
    ),
)
def mark_attendance(request: HttpRequest, session_id: Id, payload: AttendanceIn) -> Any:
    session = _session(request, session_id)
    result = services.mark_attendance(
        actor=request_user(request),
        session=session,
        marks=[(m.enrollment_id, m.status.value) for m in payload.marks],
    )
    return {"changed": result.changed, "unchanged": result.unchanged}


@router.patch(
    "/enrollments/{enrollment_id}",
    response=EnrollmentOut,
    summary="Record pre/post-test scores, or mark a person as dropped out",
)
def update_enrollment(
    request: HttpRequest, enrollment_id: Id, payload: EnrollmentPatchIn
) -> Enrollment:
    user = request_user(request)
    enrollment = _enrollment(request, enrollment_id)
    given = payload.model_dump(exclude_unset=True)
    scores = {k: v for k, v in given.items() if k in {"pre_score", "post_score"}}
    if scores:
        services.record_scores(actor=user, enrollment=enrollment, **scores)
    if given.get("dropped_out") is not None:
        services.set_dropped_out(
            actor=user, enrollment=enrollment, dropped_out=given["dropped_out"]
        )
    return selectors.roster(enrollment.cohort).get(pk=enrollment.pk)


@router.post(
    "/enrollments/{enrollment_id}/certificate",
    response={201: CertificateOut, 200: CertificateOut},
    summary="Issue the certificate of a person who completed (200 when already issued)",
)
def issue_certificate(request: HttpRequest, enrollment_id: Id) -> Status[Certificate]:
    enrollment = _enrollment(request, enrollment_id)
    certificate, created = services.issue_certificate(
        actor=request_user(request), enrollment=enrollment
    )
    return Status(201 if created else 200, certificate)


@router.post(
    "/certificates/{certificate_id}/revoke",
    response=CertificateOut,
    summary="Revoke a certificate, with a reason (managers)",
)
def revoke_certificate(request: HttpRequest, certificate_id: Id, payload: RevokeIn) -> Any:
    user = request_user(request)
    certificate = access.access_certificate(user, certificate_id)
    if certificate is None:
        raise NotFound(_("Not found."))
    return services.revoke_certificate(actor=user, certificate=certificate, reason=payload.reason)


@router.get(
    "/certificates/{certificate_id}/pdf",
    response={200: None},
    summary="Download a certificate as PDF (its holder, the cohort's trainers, managers)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The certificate",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def certificate_pdf(request: HttpRequest, certificate_id: Id) -> HttpResponse:
    user = request_user(request)
    certificate = access.access_certificate(user, certificate_id)
    if certificate is None:
        raise NotFound(_("Not found."))
    if certificate.enrollment.participant_id != user.pk:
        audit(user, "training.certificate.download", subject=certificate.enrollment.participant,
              obj=certificate)  # fmt: skip
    response = HttpResponse(services.render_certificate_pdf(certificate), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    return response


@router.get(
    "/me/enrollments",
    response=list[MyEnrollmentOut],
    summary="My enrollments, with progress and certificates",
)
@paginate(LimitOffsetPagination)
def my_enrollments(request: HttpRequest) -> QuerySet[Enrollment]:
    return selectors.with_progress(
        Enrollment.objects.filter(participant=request_user(request))
    ).order_by("-cohort__start_date", "pk")
