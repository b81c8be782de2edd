"""Portal pages of the bulk import: upload, map the columns, see the dry run, import.

Managers of the programme only (everyone else gets 404). The same pages serve the cohort
enrolment import (backend/training/import_views.py), which passes its own cohort and links.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.accounts.models import User
from backend.accounts.services import current_notice
from backend.lib.formats import format_number

from . import access, onboarding, tasks
from .models import ImportJob, ImportKind, Programme

PROBLEMS_SHOWN = 200


@dataclass
class Place:
    """Where an import lives: its programme, its kind, its cohort and its own addresses."""

    programme: Programme
    kind: str
    cohort: Any = None
    title: str = ""
    back_url: str = ""
    start_url: str = ""

    def job_url(self, job: ImportJob) -> str:
        if self.cohort is not None:
            return reverse("training_import_job", args=[self.cohort.pk, job.pk])
        return reverse("programme_import_job", args=[self.programme.pk, job.pk])

    def mapping_url(self, job: ImportJob) -> str:
        if self.cohort is not None:
            return reverse("training_import_mapping", args=[self.cohort.pk, job.pk])
        return reverse("programme_import_mapping", args=[self.programme.pk, job.pk])

    def errors_url(self, job: ImportJob) -> str:
        if self.cohort is not None:
            return reverse("training_import_errors", args=[self.cohort.pk, job.pk])
        return reverse("programme_import_errors", args=[self.programme.pk, job.pk])


def _programme_place(request: HttpRequest, programme_id: int) -> Place:
    programme = access.access_managed_programme(request_user(request), programme_id)
    if programme is None:
        raise Http404
    return Place(
        programme=programme,
        kind=ImportKind.PARTICIPANTS,
        title=_("Import participants"),
        back_url=reverse("participants", args=[programme.pk]),
        start_url=reverse("programme_import", args=[programme.pk]),
    )


def job_of(place: Place, job_id: int) -> ImportJob:
    job = (
        ImportJob.objects.filter(programme=place.programme, kind=place.kind, cohort=place.cohort)
        .select_related("programme")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise Http404
    return job


# --- shared page logic ----------------------------------------------------------------------


def start_page(request: HttpRequest, place: Place, template: str) -> HttpResponse:
    user = request_user(request)
    onboarding.mark_stale_jobs(place.programme)
    onboarding.drop_old_files(place.programme)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV or XLSX file.")
        elif upload.size is not None and upload.size > onboarding.MAX_BYTES:
            error = _("The file is larger than %(n)s MB.") % {
                "n": onboarding.MAX_BYTES // (1024 * 1024)
            }
        else:
            try:
                job, _table = onboarding.create_job(
                    programme=place.programme, actor=user, kind=place.kind,
                    filename=upload.name or "file", data=upload.read(onboarding.MAX_BYTES + 1),
                    cohort=place.cohort,
                )  # fmt: skip
            except onboarding.ImportFileError as exc:
                error = str(exc.message)
            else:
                return redirect(place.mapping_url(job))
    jobs = list(
        ImportJob.objects.filter(programme=place.programme, kind=place.kind, cohort=place.cohort)
        .only("pk", "filename", "status", "created_at", "total_rows", "added_rows")
        .order_by("-created_at", "-id")[:10]
    )
    return render(
        request,
        template,
        {
            "place": place,
            "programme": place.programme,
            "error": error,
            "jobs": [{"job": j, "url": place.job_url(j)} for j in jobs],
            "max_mb": onboarding.MAX_BYTES // (1024 * 1024),
            "max_rows": format_number(onboarding.MAX_ROWS, country=place.programme.country),
            "fields": onboarding.fields_for(place.kind).values(),
        },
        status=422 if error else 200,
    )


def mapping_page(request: HttpRequest, place: Place, job_id: int) -> HttpResponse:
    user = request_user(request)
    job = job_of(place, job_id)
    if job.status not in {ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED}:
        return redirect(place.job_url(job))
    try:
        table = onboarding.job_table(job)
    except onboarding.ImportFileError as exc:
        messages.error(request, str(exc.message))
        return redirect(place.start_url)
    fields = onboarding.fields_for(place.kind)
    notice = current_notice()
    error = ""
    columns, purposes = dict(job.columns), list(job.purposes)
    if request.method == "POST":
        columns = {
            header: str(request.POST.get(f"col{i}", ""))[:40]
            for i, header in enumerate(table.headers)
        }
        purposes = [str(p)[:60] for p in request.POST.getlist("purposes")][:20]
        try:
            onboarding.save_mapping(job=job, actor=user, columns=columns, purposes=purposes)
            onboarding.dry_run(job)
        except onboarding.ImportFileError as exc:
            error = str(exc.message)
        except onboarding.DomainError as exc:
            error = str(exc.message)
        else:
            return redirect(place.job_url(job))
    samples = [cells for _line, cells in table.rows[:2]]
    rows = [
        {
            "index": i,
            "header": header,
            "hxl": table.hxl[i],
            "choice": columns.get(header, ""),
            "sample": ", ".join(onboarding.safe_cell(s[i])[:30] for s in samples if s[i] != ""),
        }
        for i, header in enumerate(table.headers)
    ]
    return render(
        request,
        "programmes/import_mapping.html",
        {
            "place": place,
            "job": job,
            "columns": rows,
            "fields": list(fields.items()),
            "notice": notice if place.kind == ImportKind.PARTICIPANTS else None,
            "purposes": purposes,
            "error": error,
            "has_hxl": any(table.hxl),
            "row_count": len(table.rows),
        },
        status=422 if error else 200,
    )


def job_page(request: HttpRequest, place: Place, job_id: int) -> HttpResponse:
    user = request_user(request)
    onboarding.mark_stale_jobs(place.programme)
    job = job_of(place, job_id)
    if request.method == "POST":
        return _job_action(request, place, job, user)
    fields = onboarding.fields_for(place.kind)
    problems = [
        {
            "line": p["line"],
            "field": fields.get(p["field"], p["field"]),
            "text": onboarding.problem_text(p),
            "kept": p["code"] in onboarding.ALREADY_THERE,
        }
        for p in job.problems[:PROBLEMS_SHOWN]
    ]
    lines_with_errors = len(
        {p["line"] for p in job.problems if p["code"] not in onboarding.ALREADY_THERE}
    )
    already = len({p["line"] for p in job.problems if p["code"] in onboarding.ALREADY_THERE})
    # The findings name people of the programme (who is already in it): a read of personal data.
    audit(user, "participant.import.preview", obj=place.programme, job=job.pk)
    done = onboarding.job_progress(job)
    total = job.total_rows or 1
    return render(
        request,
        "programmes/import_job.html",
        {
            "place": place,
            "job": job,
            "problems": problems,
            "more_problems": max(0, len(job.problems) - PROBLEMS_SHOWN),
            "lines_with_errors": lines_with_errors,
            "already": already,
            "working": job.status in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING},
            "done_text": format_number(done, country=place.programme.country),
            "total_text": format_number(job.total_rows, country=place.programme.country),
            "percent": min(100, round(100 * done / total)),
            "can_import": job.status == ImportJob.Status.CHECKED and job.valid_rows > 0,
            "can_retry": job.status == ImportJob.Status.FAILED and bool(job.content),
            "mapping_url": place.mapping_url(job),
            "errors_url": place.errors_url(job),
        },
    )


def _job_action(request: HttpRequest, place: Place, job: ImportJob, user: User) -> HttpResponse:
    action = request.POST.get("action")
    if action == "discard":
        onboarding.discard_job(job)
        messages.success(request, _("The file was discarded; nothing was imported."))
        return redirect(place.start_url)
    if action in {"import", "retry"}:
        if place.kind in onboarding.APPLIERS:  # applied at once (enrolments), not by the worker
            return _enrol(request, place, job, user)
        tasks.queue_job(job=job, actor=user)
    return redirect(place.job_url(job))


def _enrol(request: HttpRequest, place: Place, job: ImportJob, user: User) -> HttpResponse:
    if job.status not in {ImportJob.Status.CHECKED, ImportJob.Status.FAILED}:
        return redirect(place.job_url(job))
    try:
        added = onboarding.APPLIERS[place.kind](job=job, actor=user)
    except onboarding.DomainError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(exc.message)[:300]
        )
    else:
        messages.success(
            request,
            ngettext("%(n)s person enrolled.", "%(n)s people enrolled.", added) % {"n": added},
        )
    return redirect(place.job_url(job))


def errors_csv(request: HttpRequest, place: Place, job_id: int) -> HttpResponse:
    job = job_of(place, job_id)
    audit(request_user(request), "participant.import.errors", obj=place.programme, job=job.pk)
    response = HttpResponse(onboarding.problems_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    return response


# --- the programme's participant import -----------------------------------------------------


@login_required
def import_start(request: HttpRequest, programme_id: int) -> HttpResponse:
    return start_page(
        request, _programme_place(request, programme_id), "programmes/import_start.html"
    )


@login_required
def import_mapping(request: HttpRequest, programme_id: int, job_id: int) -> HttpResponse:
    return mapping_page(request, _programme_place(request, programme_id), job_id)


@login_required
def import_job(request: HttpRequest, programme_id: int, job_id: int) -> HttpResponse:
    return job_page(request, _programme_place(request, programme_id), job_id)


@login_required
def import_errors(request: HttpRequest, programme_id: int, job_id: int) -> HttpResponse:
    return errors_csv(request, _programme_place(request, programme_id), job_id)


@login_required
def import_progress(request: HttpRequest, programme_id: int, job_id: int) -> HttpResponse:
    """What the job page's small script polls: status and rows done, nothing personal."""
    place = _programme_place(request, programme_id)
    onboarding.mark_stale_jobs(place.programme)
    job = job_of(place, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "done": onboarding.job_progress(job),
            "total": job.total_rows,
        }
    )
