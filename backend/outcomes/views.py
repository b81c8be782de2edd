"""The reports dashboard: ask for a report, watch it run, read it, download it."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from backend.accounts.http import request_user
from backend.lib.errors import DomainError
from backend.programmes import access

from . import exports, services
from .charts import bar_chart_svg
from .definitions import DEFINITIONS, DIMENSION_NAMES, NAMES, label
from .params import DIMENSIONS, M2Params, add_months, month_start


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError as exc:
        raise DomainError(str(exc)) from exc


def _defaults() -> dict[str, dt.date]:
    end = month_start(timezone.localdate()) - dt.timedelta(days=1)
    start = add_months(month_start(end), -11)
    return {
        "period_start": start,
        "period_end": end,
        "baseline_start": start,
        "baseline_end": add_months(start, 2) - dt.timedelta(days=1),
        "followup_start": add_months(month_start(end), -2),
        "followup_end": end,
    }


@login_required
def reports_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    programmes = list(access.report_programmes(user).order_by("name"))
    if not programmes:
        raise Http404
    defaults = _defaults()
    error = ""
    if request.method == "POST":
        try:
            dates = {k: _date(request.POST.get(k), v) for k, v in defaults.items()}
            try:
                tolerance = Decimal(request.POST.get("tolerance") or "0.05")
            except InvalidOperation as exc:
                raise DomainError("tolerance") from exc
            m2 = M2Params(
                design="training" if request.POST.get("design") == "training" else "calendar",
                baseline_start=dates["baseline_start"], baseline_end=dates["baseline_end"],
                followup_start=dates["followup_start"], followup_end=dates["followup_end"],
                min_weeks=int(request.POST.get("min_weeks") or 4), tolerance=tolerance,
            )  # fmt: skip
            params = services.check_params(
                programme_ids=[
                    int(p) for p in request.POST.getlist("programme_ids") if p.isdigit()
                ],
                period_start=dates["period_start"],
                period_end=dates["period_end"],
                breakdown=[d for d in (request.POST.get("dim1"), request.POST.get("dim2")) if d],
                m2=m2,
            )
            snapshot = services.request_report(user=user, params=params)
            return redirect("report_detail", snapshot_id=snapshot.pk)
        except (DomainError, ValueError) as exc:
            error = str(getattr(exc, "message", exc))
    context = {
        "programmes": programmes,
        "defaults": defaults,
        "dimensions": [(d, DIMENSION_NAMES[d]) for d in DIMENSIONS],
        "snapshots": services.ReportSnapshot.objects.filter(requested_by=user)[:20],
        "error": error,
    }
    return render(request, "outcomes/reports.html", context, status=422 if error else 200)


def _view_model(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for ind in data["indicators"]:
        by_key = {(c["row"], c["col"]): c for c in ind["table"]["cells"]}
        col = ind["table"]["cols"][-1]
        bars = [
            (label(r), by_key[(r, col)]["value"]) for r in ind["table"]["rows"] if r != "__total__"
        ]
        out.append(
            {
                **ind,
                "name": NAMES[ind["code"]],
                "definition": DEFINITIONS[ind["code"]],
                "chart": bar_chart_svg(bars) if len(bars) > 1 else "",
                "col_labels": [label(c) for c in ind["table"]["cols"]],
                "grid": [
                    {
                        "label": label(r),
                        "cells": [by_key[(r, c)]["display"] for c in ind["table"]["cols"]],
                    }
                    for r in ind["table"]["rows"]
                ],
            }
        )
    return out


@login_required
def report_detail(request: HttpRequest, snapshot_id: str) -> HttpResponse:
    try:
        snapshot = services.access_snapshot(request_user(request), snapshot_id)
    except DomainError as exc:
        raise Http404 from exc
    indicators = _view_model(snapshot.data) if snapshot.data else []
    note = (
        exports.suppression_note(snapshot.data["k"])
        if snapshot.data and snapshot.data["suppressed"]
        else ""
    )
    return render(
        request,
        "outcomes/report_detail.html",
        {"snapshot": snapshot, "indicators": indicators, "note": note},
    )


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
