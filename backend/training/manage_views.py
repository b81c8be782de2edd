"""Running a cohort from the portal: create and edit it, its sessions, enrolment by search or
by a pasted list of phone numbers, withdrawal, revocation and the completion summary.

The writes go through training.services, the same functions the API calls. Who may do what
follows the API (training.access): managers and trainers of the programme create cohorts; the
cohort's trainers and the programme's managers edit it, add, move and cancel sessions, enrol
people and withdraw an enrolment; only managers revoke certificates. A trainer's search for
people to enrol is the narrow one (access.searches_narrowly).
"""

import datetime as dt
from typing import Any

import phonenumbers
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.accounts.models import Consent, User
from backend.lib.errors import DomainError
from backend.lib.geography import region_name
from backend.lib.validation import parse_id
from backend.programmes import access as programme_access
from backend.programmes.models import Membership, Programme, Role

from . import access, selectors, services
from .forms import (
    MAX_PASTED,
    CohortForm,
    MoveForm,
    NewCohortForm,
    PasteForm,
    RevokeForm,
    SearchForm,
    SessionForm,
    put_domain_error,
)
from .models import Attendance, Certificate, Cohort, CohortSession, Enrollment, EnrollmentStatus
from .views import _rows

SEARCH_LIMIT = 50


def _trainers_of(programme: Programme) -> list[User]:
    return list(
        User.objects.filter(
            memberships__programme=programme, memberships__role=Role.TRAINER, is_active=True
        )
        .select_related("profile")
        .distinct()
        .order_by("profile__display_name", "email", "pk")
    )


def _run_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    user = request_user(request)
    cohort = access.access_cohort(user, cohort_id)
    if cohort is None or not access.may_run_cohort(user, cohort):
        raise Http404
    return cohort


def _visible_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = access.access_cohort(request_user(request), cohort_id)
    if cohort is None:
        raise Http404
    return cohort


# --- cohorts ---------------------------------------------------------------------------------


@login_required
def cohort_new(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request_user(request)
    programme = access.access_cohort_programme(user, programme_id)
    if programme is None:
        raise Http404
    regions = [(code, region_name(code)) for code in programme.regions or []]
    trainers = _trainers_of(programme)
    kwargs: dict[str, Any] = {"trainers": trainers, "regions": regions}
    # A trainer creating a cohort is one of its trainers (services.create_cohort keeps her).
    me = [t.pk for t in trainers if t.pk == user.pk]
    form = NewCohortForm(request.POST or None, initial={"trainers": me}, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.create_cohort(
                actor=user,
                programme=programme,
                course=data["course"],
                name=data["name"],
                trainer_ids=data["trainers"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                capacity=data["capacity"],
                is_virtual=data["is_virtual"],
                region=data["region"],
                city=data["city"],
            )
        except DomainError as exc:
            put_domain_error(form, exc)
        else:
            messages.success(request, _("Cohort created. Now add its sessions."))
            return redirect("training_sessions", cohort_id=cohort.pk)
    context = {"form": form, "programme": programme}
    return render(request, "training/cohort_form.html", context, status=_status(request, form))


@login_required
def cohort_edit(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _run_cohort(request, cohort_id)
    trainers = _trainers_of(cohort.programme)
    initial = {
        "name": cohort.name,
        "trainers": list(cohort.trainers.values_list("pk", flat=True)),
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "capacity": cohort.capacity,
    }
    form = CohortForm(request.POST or None, initial=initial, trainers=trainers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_cohort(
                actor=request_user(request),
                cohort=cohort,
                name=data["name"],
                trainer_ids=data["trainers"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                capacity=data["capacity"],
            )
        except DomainError as exc:
            put_domain_error(form, exc)
        else:
            messages.success(request, _("Cohort saved."))
            return redirect("training_cohort", cohort_id=cohort.pk)
    context = {"form": form, "cohort": cohort, "programme": cohort.programme}
    return render(request, "training/cohort_form.html", context, status=_status(request, form))


def _status(request: HttpRequest, form: Any) -> int:
    return 400 if request.method == "POST" and form.errors else 200


# --- sessions --------------------------------------------------------------------------------


@login_required
def sessions(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _visible_cohort(request, cohort_id)
    modules = [str(m) for m in cohort.course.modules or []]
    form = SessionForm(request.POST or None, modules=modules, initial={"repeat": 1})
    if request.method == "POST" and form.is_valid():
        added = _add_sessions(request, cohort, form)
        if added:
            messages.success(
                request,
                ngettext("%(n)s session added.", "%(n)s sessions added.", added) % {"n": added},
            )
            return redirect("training_sessions", cohort_id=cohort.pk)
    context = {
        "cohort": cohort,
        "form": form,
        "sessions": list(cohort.sessions.annotate(marked=Exists(_marks())).order_by("date", "pk")),
        "today": cohort.programme.today(),
    }
    return render(request, "training/sessions.html", context, status=_status(request, form))


def _marks() -> Any:

    return Attendance.objects.filter(session=OuterRef("pk"))


def _add_sessions(request: HttpRequest, cohort: Cohort, form: SessionForm) -> int:
    """Adds the weekly series the form asks for; stops at the first date refused, which is shown
    next to the date field (the sessions before it are kept)."""
    data = form.cleaned_data
    added = 0
    for week in range(data["repeat"]):
        day = data["date"] + dt.timedelta(days=7 * week)
        try:
            services.add_session(
                actor=request_user(request), cohort=cohort, date=day, module=data["module"]
            )
        except DomainError as exc:
            put_domain_error(form, exc)
            if exc.field is None:
                form.add_error("date", exc.message)
            break
        added += 1
    if added and form.errors:
        messages.success(
            request,
            ngettext("%(n)s session added.", "%(n)s sessions added.", added) % {"n": added},
        )
    return 0 if form.errors else added


def _session(request: HttpRequest, session_id: int) -> CohortSession:
    session = access.access_session(request_user(request), session_id)
    if session is None:
        raise Http404
    return session


@login_required
def session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    form = MoveForm(request.POST or None, initial={"date": session.date.isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_session(
                actor=request_user(request), session=session, date=form.cleaned_data["date"]
            )
        except DomainError as exc:
            put_domain_error(form, exc)
            if exc.field is None:
                form.add_error("date", exc.message)
        else:
            messages.success(request, _("Session moved."))
            return redirect("training_sessions", cohort_id=session.cohort_id)
    context = {"session": session, "cohort": session.cohort, "form": form}
    return render(request, "training/session_move.html", context, status=_status(request, form))


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    try:
        services.cancel_session(actor=request_user(request), session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Session cancelled."))
    return redirect("training_sessions", cohort_id=session.cohort_id)


# --- enrolment -------------------------------------------------------------------------------


def candidates(cohort: Cohort, *, q: str, document: str) -> QuerySet[User]:
    """Participants of the cohort's programme not yet in the cohort, found by name, phone or
    identity-document type, each with whether they have accepted the privacy notice."""
    enrolled = Enrollment.objects.filter(cohort=cohort, participant=OuterRef("pk"))
    # The latest consent decides, as accounts.services.active_consent does (None: never given).
    latest = Consent.objects.filter(user=OuterRef("pk")).order_by("-given_at", "-id")
    member = Membership.objects.filter(
        user=OuterRef("pk"), programme_id=cohort.programme_id, role=Role.PARTICIPANT
    )
    qs = (
        User.objects.filter(Exists(member), is_active=True)
        .exclude(Exists(enrolled))
        .select_related("profile")
        .annotate(consent_withdrawn=Subquery(latest.values("withdrawn")[:1]))
    )
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        match = Q(profile__display_name__icontains=q)
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    if document:
        qs = qs.filter(profile__id_document_type=document)
    return qs.order_by("profile__display_name", "pk")


def _enrol_ids(request: HttpRequest, cohort: Cohort, ids: list[int]) -> list[str]:
    """Enrols each id through the service; returns one line per refusal, naming the person."""
    problems = []
    names = dict(
        User.objects.filter(pk__in=ids).values_list("pk", "profile__display_name").iterator()
    )
    done = 0
    for pk in ids:
        try:
            services.enroll(actor=request_user(request), cohort=cohort, participant_id=pk)
            done += 1
        except DomainError as exc:
            problems.append(f"{names.get(pk) or _('(no name given)')}: {exc.message}")
    if done:
        messages.success(
            request,
            ngettext("%(n)s person enrolled.", "%(n)s people enrolled.", done) % {"n": done},
        )
    return problems


def match_phones(cohort: Cohort, text: str) -> tuple[list[int], list[str]]:
    """The participants of the cohort's programme named by a pasted list of phone numbers
    (one a line, or separated by commas or semicolons; the programme's country is assumed
    when a number has no country code), and a line for each number that names nobody."""
    ids: list[int] = []
    problems: list[str] = []
    raw = [p.strip() for p in text.replace(";", "\n").replace(",", "\n").splitlines()]
    typed = [p for p in raw if p]
    if len(typed) > MAX_PASTED:
        return [], [_("Paste at most %(n)s phone numbers at a time.") % {"n": MAX_PASTED}]
    wanted: dict[str, str] = {}
    for entry in typed:
        try:
            number = phonenumbers.parse(entry, cohort.programme.country)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            problems.append(_("%(phone)s: this is not a valid phone number.") % {"phone": entry})
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        wanted.setdefault(e164, entry)
    found = dict(
        User.objects.filter(
            phone__in=wanted,
            is_active=True,
            memberships__programme_id=cohort.programme_id,
            memberships__role=Role.PARTICIPANT,
        ).values_list("phone", "pk")
    )
    for e164, entry in wanted.items():
        if e164 in found:
            ids.append(found[e164])
        else:
            problems.append(
                _("%(phone)s: nobody in this programme has this number.") % {"phone": entry}
            )
    return ids, problems


@login_required
def enrol(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _run_cohort(request, cohort_id)
    narrow = access.searches_narrowly(request_user(request), cohort.programme)
    limit = access.SEARCH_LIMIT_NARROW if narrow else SEARCH_LIMIT
    search = SearchForm(request.GET or None)
    paste = PasteForm(request.POST if "phones" in request.POST else None)
    problems: list[str] = []
    if request.method == "POST":
        if "phones" in request.POST:
            if paste.is_valid():
                ids, problems = match_phones(cohort, paste.cleaned_data["phones"])
                problems += _enrol_ids(request, cohort, ids)
                if problems:
                    paste.add_error("phones", "\n".join(problems))
                    problems = []
                else:
                    return redirect("training_cohort", cohort_id=cohort.pk)
        else:
            ids = [i for i in (parse_id(v) for v in request.POST.getlist("person")) if i]
            if not ids:
                problems = [_("Tick one or more people to enrol.")]
            else:
                problems = _enrol_ids(request, cohort, ids[:limit])
                if not problems:
                    return redirect("training_cohort", cohort_id=cohort.pk)
    results: list[dict[str, Any]] = []
    searched = search.is_bound and search.is_valid()
    if searched and narrow and len(search.cleaned_data["q"].strip()) < access.SEARCH_MIN_QUERY:
        search.add_error(
            "q",
            _("Type at least %(n)s letters or digits of a name or phone number.")
            % {"n": access.SEARCH_MIN_QUERY},
        )
        searched = False
    if searched:
        found = candidates(
            cohort, q=search.cleaned_data["q"].strip(), document=search.cleaned_data["document"]
        )
        year = timezone.localdate().year
        results = [
            {
                "u": u,
                "hint": selectors.person_hint(u, this_year=year),
                "consented": getattr(u, "consent_withdrawn", None) is False,
            }
            for u in found[:limit]
        ]
        audit(
            request_user(request),
            "training.enrol.search",
            obj=cohort,
            query=True,
            shown=len(results),
        )
    taken = cohort.enrollments.exclude(status=EnrollmentStatus.DROPPED_OUT).count()
    context = {
        "cohort": cohort,
        "search": search,
        "paste": paste,
        "results": results,
        "searched": searched,
        "problems": problems,
        "limit": limit,
        "narrow": narrow,
        "min_query": access.SEARCH_MIN_QUERY,
        "free": max(cohort.capacity - taken, 0),
    }
    failed = request.method == "POST" or bool(search.errors)
    return render(request, "training/enrol.html", context, status=400 if failed else 200)


@login_required
@require_POST
def withdraw(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = access.access_staff_enrollment(request_user(request), enrollment_id)
    if enrollment is None:
        raise Http404
    back = request.POST.get("undo") != "1"
    try:
        services.set_dropped_out(
            actor=request_user(request), enrollment=enrollment, dropped_out=back
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        audit(
            request_user(request),
            "training.withdraw" if back else "training.readmit",
            subject=enrollment.participant,
            obj=enrollment,
        )
        messages.success(request, _("Enrolment withdrawn.") if back else _("Enrolment restored."))
    cohort_url = reverse("training_cohort", args=[enrollment.cohort_id])
    return redirect(f"{cohort_url}#e{enrollment.pk}")


# --- certificates and the summary ------------------------------------------------------------


@login_required
def revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    user = request_user(request)
    certificate = access.access_certificate(user, certificate_id)
    if (
        certificate is None
        or certificate.enrollment.participant_id == user.pk
        or not access.may_manage_cohort(user, certificate.enrollment.cohort)
    ):
        raise Http404
    if request.method == "GET":
        audit(user, "training.certificate.view", subject=certificate.enrollment.participant,
              obj=certificate)  # fmt: skip
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_certificate(
                actor=user, certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            put_domain_error(form, exc)
            if exc.field is None:
                form.add_error("reason", exc.message)
        else:
            messages.success(
                request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial}
            )
            return redirect("training_summary", cohort_id=certificate.enrollment.cohort_id)
    context = {
        "certificate": certificate,
        "cohort": certificate.enrollment.cohort,
        "holder": services.person_name(certificate.enrollment.participant),
        "form": form,
    }
    return render(request, "training/revoke.html", context, status=_status(request, form))


@login_required
def summary(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Who completed, who is on the way, who dropped out; the roster searchable by name or
    phone ending."""
    cohort = _visible_cohort(request, cohort_id)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:80]
    everyone = selectors.roster(cohort)
    counts = {s: 0 for s in EnrollmentStatus.values}
    for status in everyone.values_list("status", flat=True):
        counts[status] += 1
    roster = everyone
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        match = Q(participant__profile__display_name__icontains=q)
        if programme_access.sees_contact_details_cached(request) and len(digits) >= 3:
            match |= Q(participant__phone__contains=digits)
        elif 1 <= len(digits) <= 3:
            # Without a second factor only the ending shown on the sheet can be searched, so
            # the box cannot be used to confirm a whole phone number.
            match |= Q(participant__phone__endswith=digits)
        roster = roster.filter(match)

    audit(request_user(request), "training.roster", obj=cohort, query=bool(q))
    context = {
        "cohort": cohort,
        "q": q,
        "rows": _rows(roster),
        "counts": counts,
        "total": sum(counts.values()),
        "may_manage": access.may_manage_cohort(request_user(request), cohort),
        "revoked": list(
            cohort_revocations(cohort).values_list("serial", "revoked_at", "revoke_reason")
        ),
    }
    return render(request, "training/summary.html", context)


def cohort_revocations(cohort: Cohort) -> QuerySet[Any]:

    return Certificate.objects.filter(enrollment__cohort=cohort, revoked_at__isnull=False).order_by(
        "-revoked_at"
    )
