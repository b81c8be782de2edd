"""The reports dashboard: ask for a report, watch it run, read it, download it."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from backend.accounts.http import request_user
from backend.lib.errors import DomainError
from backend.lib.validation import parse_date, parse_id
from backend.programmes import access as programme_access

from . import dashboard, exports, iati, schedules, services
from .definitions import DIMENSION_NAMES
from .models import ReportSchedule
from .params import DIMENSIONS, M2Params, default_dates
from .present import report_view

DATE_FIELDS = (
    "period_start",
    "period_end",
    "baseline_start",
    "baseline_end",
    "followup_start",
    "followup_end",
)
# Where a service error about a part of the request is shown on the form.
ERROR_FIELDS = {
    "programme_ids": "programme_ids",
    "period_end": "period_end",
    "m2": "m2",
    "terms": "terms",
}


def _form_dates(
    post: Any, defaults: dict[str, dt.date]
) -> tuple[dict[str, dt.date], dict[str, str]]:
    dates, errors = {}, {}
    for key in DATE_FIELDS:
        try:
            dates[key] = parse_date(post.get(key, "")[:40]) or defaults[key]
        except ValueError as exc:
            errors[key] = str(exc)
    return dates, errors


def _tolerance(text: str) -> Decimal:
    """The share by which sales may move and still count as maintained: 0.05, or "0,05"."""
    raw = text.strip().replace(",", ".") or "0.05"
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(
            _("Enter the tolerance as a share between 0 and 0.5, such as 0.05.")
        ) from exc
    if not value.is_finite() or not Decimal(0) <= value <= Decimal("0.5"):
        raise ValueError(_("Enter the tolerance as a share between 0 and 0.5, such as 0.05."))
    return value


def _min_weeks(text: str) -> int:
    value = text.strip() or "4"
    if not value.isdigit() or not 1 <= int(value) <= 52:
        raise ValueError(_("Enter a whole number of weeks from 1 to 52."))
    return int(value)


def _defaults() -> dict[str, dt.date]:
    return default_dates()


@login_required
def reports_home(request: HttpRequest) -> HttpResponse:
    """The advanced form, for people who manage a programme (and admins). A donor viewer reads
    the dashboard and the reports sent to them: typing this address takes them there, whatever
    they send (a request made here is never queued for them)."""
    user = request_user(request)
    programmes = list(programme_access.report_programmes(user).order_by("name"))
    if not programmes:
        raise Http404
    if not programme_access.managed_programmes(user).exists():
        return redirect("reports_dashboard")
    defaults = _defaults()
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        dates, errors = _form_dates(post, defaults)
        numbers: dict[str, Any] = {}
        for key, read in (("tolerance", _tolerance), ("min_weeks", _min_weeks)):
            try:
                numbers[key] = read(post.get(key, "")[:20])
            except ValueError as exc:
                errors[key] = str(exc)
        if not errors:
            try:
                snapshot = _request_report(user, post, dates, numbers)
                return redirect("report_detail", snapshot_id=snapshot.pk)
            except DomainError as exc:
                where = ERROR_FIELDS.get((exc.field or "").rsplit(".", 1)[-1], "form")
                errors[where] = str(exc.message)
    context = {
        "programmes": programmes,
        "defaults": defaults,
        "dimensions": [(d, DIMENSION_NAMES[d]) for d in DIMENSIONS],
        "snapshots": services.ReportSnapshot.objects.filter(requested_by=user)[:20],
        "errors": errors,
        "form": _form_values(request, defaults),
        "may_export_iati": True,
    }
    return render(request, "outcomes/reports.html", context, status=422 if errors else 200)


def _request_report(
    user: Any, post: Any, dates: dict[str, dt.date], numbers: dict[str, Any]
) -> Any:
    m2 = M2Params(
        design="training" if post.get("design") == "training" else "calendar",
        baseline_start=dates["baseline_start"], baseline_end=dates["baseline_end"],
        followup_start=dates["followup_start"], followup_end=dates["followup_end"],
        min_weeks=numbers["min_weeks"], tolerance=numbers["tolerance"],
    )  # fmt: skip
    params = services.check_params(
        programme_ids=[n for n in map(parse_id, post.getlist("programme_ids")) if n],
        period_start=dates["period_start"],
        period_end=dates["period_end"],
        breakdown=[d for d in (post.get("dim1"), post.get("dim2")) if d],
        m2=m2,
        terms="real" if post.get("terms") == "real" else "nominal",
    )
    return services.request_report(user=user, params=params)


def _form_values(request: HttpRequest, defaults: dict[str, dt.date]) -> dict[str, Any]:
    """What the form shows: what was typed after a refused request, else the defaults."""
    if request.method != "POST":
        values: dict[str, Any] = {k: v.isoformat() for k, v in defaults.items()}
        return values | {
            "programme_ids": None,
            "design": "calendar",
            "min_weeks": "4",
            "tolerance": "0.05",
            "dim1": "",
            "dim2": "",
            "terms": "nominal",
        }
    post = request.POST
    values = {k: post.get(k, "")[:40] for k in DATE_FIELDS}
    return values | {
        "programme_ids": [p for p in post.getlist("programme_ids") if p.isdigit()],
        "design": "training" if post.get("design") == "training" else "calendar",
        "min_weeks": post.get("min_weeks", "")[:20],
        "tolerance": post.get("tolerance", "")[:20],
        "dim1": post.get("dim1", "")[:40],
        "dim2": post.get("dim2", "")[:40],
        "terms": "real" if post.get("terms") == "real" else "nominal",
    }


@login_required
def report_detail(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    try:
        snapshot = services.access_snapshot(request_user(request), snapshot_id)
    except DomainError as exc:
        raise Http404 from exc
    data = snapshot.data
    note = exports.suppression_note(data["k"]) if data and data["suppressed"] else ""
    context = {
        "snapshot": snapshot,
        "view": report_view(data) if data else None,
        "whose": exports.whose(data or {"params": snapshot.params}),
        "note": note,
    }
    return render(request, "outcomes/report_detail.html", context)


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The programmes the user may read, each with its headline figures, trend, targets and
    breakdown, from snapshots (requested here when missing)."""
    user = request_user(request)
    programmes = dashboard.dashboard_programmes(user)
    if not programmes:
        raise Http404
    boards = dashboard.build_dashboard(user, programmes)
    suppressed = [b.snapshot for b in boards if b.snapshot and b.snapshot.suppressed]
    context = {
        "boards": boards,
        "preparing": any(b.preparing for b in boards),
        "note": exports.suppression_note(suppressed[0].k) if suppressed else "",
        "manages": programme_access.managed_programmes(user).exists(),
    }
    return render(request, "outcomes/dashboard.html", context)


@login_required
def schedules_page(request: HttpRequest) -> HttpResponse:
    """A manager's scheduled donor reports: add one, stop one."""
    user = request_user(request)
    programmes = list(
        programme_access.managed_programmes(user)
        .prefetch_related("fundings__funder")
        .order_by("name")
    )
    if not programmes:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("stop"):
                schedules.stop_schedule(
                    user=user, schedule_id=parse_id(request.POST.get("stop", "")) or 0
                )
            else:
                choice = request.POST.get("target", "")
                programme_id, _sep, funder_id = choice.partition(":")
                schedules.create_schedule(
                    user=user,
                    programme_id=parse_id(programme_id) or 0,
                    funder_id=parse_id(funder_id) or 0,
                    frequency=request.POST.get("frequency", "")[:12],
                )
            return redirect("report_schedules")
        except DomainError as exc:
            errors[exc.field or "form"] = str(exc.message)
    targets = [
        (f"{p.pk}:{f.funder_id}", f"{p.name} · {f.funder.name}")
        for p in programmes
        for f in {f.funder_id: f for f in p.fundings.all()}.values()
    ]
    context = {
        "schedules": schedules.schedules_of(user),
        "targets": targets,
        "frequencies": ReportSchedule.Frequency.choices,
        "errors": errors,
    }
    return render(request, "outcomes/schedules.html", context, status=422 if errors else 200)


@login_required
def report_export(request: HttpRequest, snapshot_id: str, fmt: str) -> HttpResponse:
    try:
        snapshot = services.access_snapshot(request_user(request), snapshot_id)
    except DomainError as exc:
        raise Http404 from exc
    if snapshot.data is None:
        raise Http404
    language = translation.get_language() or "es"
    name = f"impulsa-report-{str(snapshot.pk)[:8]}"
    if fmt == "csv":
        response = HttpResponse(
            exports.to_csv(snapshot.data, language), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(snapshot.data, language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        response = HttpResponse(
            exports.to_pdf(snapshot.data, language), content_type="application/pdf"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def iati_export(request: HttpRequest) -> HttpResponse:
    """Managers download a programme's IATI results file; errors come back next to the form."""
    user = request_user(request)
    programmes = list(programme_access.managed_programmes(user).order_by("name"))
    if not programmes:
        raise Http404
    defaults = _defaults()
    start = request.GET.get("period_start") or defaults["period_start"].isoformat()
    end = request.GET.get("period_end") or defaults["period_end"].isoformat()
    chosen = request.GET.get("programme", "")
    error = ""
    if request.GET.get("download"):
        try:
            period_start, period_end = _iati_date(start), _iati_date(end)
            programme_id = parse_id(chosen) or 0
            if programme_id not in {p.pk for p in programmes}:
                raise DomainError(_("Choose one of your programmes."))
            return iati.download(user, programme_id, period_start, period_end)
        except DomainError as exc:
            error = str(exc.message)
    context = {
        "programmes": programmes,
        "chosen": parse_id(chosen),
        "period_start": start,
        "period_end": end,
        "error": error,
    }
    return render(request, "outcomes/iati.html", context, status=422 if error else 200)


def _iati_date(value: str) -> dt.date:
    """A period date of the IATI form, read like every other portal date (parse_date)."""
    try:
        day = parse_date(value[:40])
    except ValueError as exc:
        raise DomainError(str(exc)) from exc
    if day is None:
        raise DomainError(_("Write the dates as YYYY-MM-DD, and use dates that exist."))
    return day
