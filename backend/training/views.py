"""Trainer portal (phones first, server-rendered) and the public certificate check."""

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib.errors import DomainError
from backend.lib.ratelimit import over_limit
from backend.lib.validation import parse_id
from backend.programmes import access as programme_access

from . import access, selectors, services, tasks
from .models import (
    AttendanceStatus,
    Certificate,
    Cohort,
    CohortSession,
    Enrollment,
    EnrollmentStatus,
)

VERIFY_LIMIT_PER_MINUTE = 30


def _cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = access.access_cohort(request_user(request), cohort_id)
    if cohort is None:
        raise Http404
    return cohort


def _rows(queryset: Any) -> list[dict[str, Any]]:
    # list() runs the one query here, so the template does no database work.
    year = timezone.localdate().year
    return [
        {
            "e": e,
            "p": selectors.progress(e),
            "hint": selectors.person_hint(e.participant, this_year=year),
        }
        for e in queryset
    ]


@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = list(selectors.cohort_list(access.cohorts_visible_to(user)))
    managed = list(access.cohort_programmes(user).order_by("name"))
    return render(request, "training/cohorts.html", {"cohorts": rows, "managed": managed})


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    """A participant's own enrollments, progress and certificates."""
    enrollments = selectors.with_progress(
        Enrollment.objects.filter(participant=request_user(request)).select_related(
            "participant", "participant__profile"
        )
    ).order_by("-cohort__start_date", "pk")
    rows = [
        {**row, "title": row["e"].cohort.course.title_for(request.LANGUAGE_CODE)}
        for row in _rows(enrollments)
    ]
    return render(request, "training/mine.html", {"rows": rows})


@login_required
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    audit(request_user(request), "training.roster", obj=cohort)
    context = {
        "cohort": cohort,
        "course_title": cohort.course.title_for(request.LANGUAGE_CODE),
        "sessions": list(cohort.sessions.order_by("date", "pk")),
        "rows": _rows(selectors.roster(cohort)),
        "today": cohort.programme.today(),
        "may_manage": access.may_manage_cohort(request_user(request), cohort),
        "may_run": access.may_run_cohort(request_user(request), cohort),
        "show_contacts": programme_access.sees_contact_details_cached(request),
    }
    return render(request, "training/cohort.html", context)


@login_required
def session_sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access.access_session(request_user(request), session_id)
    if session is None:
        raise Http404
    if request.method == "POST" and "all_present" in request.POST:
        return _all_present(request, session)
    if request.method == "POST":
        enrollment_id = parse_id(request.POST.get("enrollment", "")) or 0
        status = request.POST.get("status", "")
        try:
            services.mark_attendance(
                actor=request_user(request), session=session, marks=[(enrollment_id, status)]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('training_session', args=[session.pk])}#e{enrollment_id}")
    audit(request_user(request), "training.attendance", obj=session)
    context = {
        "session": session,
        "cohort": session.cohort,
        "rows": _rows(selectors.session_sheet(session.cohort, session)),
        "statuses": AttendanceStatus.choices,
        "is_future": session.date > session.cohort.programme.today(),
    }
    return render(request, "training/session.html", context)


def _all_present(request: HttpRequest, session: CohortSession) -> HttpResponse:
    """Marks present everyone still unmarked at the session; the marks already taken (the
    exceptions) stay as they are, and dropped-out people are left off."""
    unmarked = (
        Enrollment.objects.filter(cohort=session.cohort)
        .exclude(status=EnrollmentStatus.DROPPED_OUT)
        .exclude(marks__session=session)
        .values_list("pk", flat=True)
    )
    try:
        result = services.mark_attendance(
            actor=request_user(request),
            session=session,
            marks=[(pk, AttendanceStatus.PRESENT) for pk in unmarked],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s person marked present. Tap anyone who was not.",
                "%(n)s people marked present. Tap anyone who was not.",
                result.changed,
            )
            % {"n": result.changed},
        )
    return redirect("training_session", session_id=session.pk)


def _score(raw: str) -> int | None:
    raw = raw.strip()
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        return -1  # refused by the service with a readable message


@login_required
def scores(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    rows = _rows(selectors.roster(cohort))
    if request.method == "POST":
        saved = 0
        for row in rows:
            e: Enrollment = row["e"]
            pre = _score(request.POST.get(f"pre_{e.pk}", ""))
            post = _score(request.POST.get(f"post_{e.pk}", ""))
            if (pre, post) == (e.pre_score, e.post_score):
                continue
            try:
                services.record_scores(
                    actor=request_user(request), enrollment=e, pre_score=pre, post_score=post
                )
                saved += 1
            except DomainError as exc:
                name = services.person_name(e.participant)
                messages.error(request, f"{name}: {exc.message}")
        messages.success(
            request,
            ngettext("Scores saved for %(n)s person.", "Scores saved for %(n)s people.", saved)
            % {"n": saved},
        )
        return redirect("training_scores", cohort_id=cohort.pk)
    audit(request_user(request), "training.scores", obj=cohort)
    return render(request, "training/scores.html", {"cohort": cohort, "rows": rows})


@login_required
@require_POST
def issue_certificate(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = access.access_staff_enrollment(request_user(request), enrollment_id)
    if enrollment is None:
        raise Http404
    try:
        certificate, _created = services.issue_certificate(
            actor=request_user(request), enrollment=enrollment
        )
        messages.success(
            request, _("Certificate %(serial)s issued.") % {"serial": certificate.serial}
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training_cohort", cohort_id=enrollment.cohort_id)


@login_required
@require_POST
def issue_cohort_certificates(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    n = tasks.queue_cohort_certificates(actor=request_user(request), cohort=cohort)
    if n == 0:
        messages.info(
            request, _("No certificate is due: everyone who has completed already has one.")
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s certificate is being issued. Reload this page in a moment.",
                "%(n)s certificates are being issued. Reload this page in a moment.",
                n,
            )
            % {"n": n},
        )
    return redirect("training_cohort", cohort_id=cohort.pk)


@login_required
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = request_user(request)
    certificate = access.access_certificate(user, certificate_id)
    if certificate is None:
        raise Http404
    if certificate.enrollment.participant_id != user.pk:
        audit(user, "training.certificate.download", subject=certificate.enrollment.participant,
              obj=certificate)  # fmt: skip
    response = HttpResponse(services.render_certificate_pdf(certificate), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    return response


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@login_required
def roster_csv(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(request, cohort_id)
    audit(request_user(request), "training.roster.export", obj=cohort)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"), _("Phone"), _("Email"), _("Status"), _("Sessions"), _("Present"),
            _("Excused"), _("Absent"), _("Attendance share"), _("Pre-test"), _("Post-test"),
            _("Completed on"), _("Certificate"),
        ]
    )  # fmt: skip
    serials = dict(
        Certificate.objects.filter(enrollment__cohort=cohort, revoked_at__isnull=True).values_list(
            "enrollment_id", "serial"
        )
    )
    contacts = programme_access.sees_contact_details_cached(request)
    for row in _rows(selectors.roster(cohort)):
        e, p = row["e"], row["p"]
        writer.writerow(
            [
                _cell(_display(e)),
                _cell(e.participant.phone) if contacts else "",
                _cell(e.participant.email) if contacts else "",
                e.get_status_display(), p.sessions, p.present, p.excused, p.absent,
                "" if p.share is None else f"{p.share:.3f}",
                _cell(e.pre_score), _cell(e.post_score),
                e.completed_on.isoformat() if e.completed_on else "",
                serials.get(e.pk, ""),
            ]
        )  # fmt: skip
    return response


def _display(e: Enrollment) -> str:
    profile = getattr(e.participant, "profile", None)
    return profile.display_name if profile else ""


def verify_form(request: HttpRequest) -> HttpResponse:
    """Public: a box to type in the code printed on a paper certificate; sends it on to the
    certificate's verification page (the address its QR code holds)."""
    typed = request.GET.get("code", "").strip()
    if "code" in request.GET:
        code = services.normalise_code(typed)
        if code:
            return redirect("training_verify", code=code)
        error = _("Type in the code printed on the certificate.")
        context = {"typed": typed, "error": error}
        return render(request, "training/verify_form.html", context, status=400)
    return render(request, "training/verify_form.html", {"typed": ""})


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate valid? Course, date and the holder's first name and initial."""
    if over_limit(request, "training-verify", per_minute=VERIFY_LIMIT_PER_MINUTE):
        response = render(request, "training/verify_limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    certificate = (
        Certificate.objects.filter(code=services.normalise_code(code))
        .select_related("enrollment__cohort__course")
        .first()
    )
    if certificate is None:
        missing = {"code": services.normalise_code(code) or code[:40]}
        return render(request, "training/verify_not_found.html", missing, status=404)
    course = certificate.enrollment.cohort.course
    completed = certificate.facts.get("completed_on")
    context = {
        "certificate": certificate,
        "holder": certificate.holder_short_name(),
        "course_title": course.title_for(request.LANGUAGE_CODE),
        "completed_on": dt.date.fromisoformat(completed) if completed else None,
    }
    return render(request, "training/verify.html", context)
