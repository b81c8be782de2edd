"""Enrolment of a cohort from a file: rows matched to the programme's participants by phone or
identity document, each enrolled through the training service (training.services.enroll).

The pages are the participant import's (backend/programmes/onboarding_views.py), placed here.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.accounts.http import request_user
from backend.programmes.models import ImportKind
from backend.programmes.onboarding_views import (
    Place,
    errors_csv,
    job_page,
    mapping_page,
    start_page,
)

from . import access
from .models import Cohort


def _place(request: HttpRequest, cohort_id: int) -> Place:
    user = request_user(request)
    cohort = (
        access.cohorts_visible_to(user).select_related("programme").filter(pk=cohort_id).first()
    )
    if cohort is None or not access.may_manage_cohort(user, cohort):
        raise Http404  # trainers enrol people one by one; a file is for the programme's managers
    assert isinstance(cohort, Cohort)
    return Place(
        programme=cohort.programme,
        kind=ImportKind.ENROLMENTS,
        cohort=cohort,
        title=_("Enrol from a file: %(cohort)s") % {"cohort": cohort.name},
        back_url=reverse("training_cohort", args=[cohort.pk]),
        start_url=reverse("training_import", args=[cohort.pk]),
    )


@login_required
def import_start(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return start_page(request, _place(request, cohort_id), "training/import_cohort.html")


@login_required
def import_mapping(request: HttpRequest, cohort_id: int, job_id: int) -> HttpResponse:
    return mapping_page(request, _place(request, cohort_id), job_id)


@login_required
def import_job(request: HttpRequest, cohort_id: int, job_id: int) -> HttpResponse:
    return job_page(request, _place(request, cohort_id), job_id)


@login_required
def import_errors(request: HttpRequest, cohort_id: int, job_id: int) -> HttpResponse:
    return errors_csv(request, _place(request, cohort_id), job_id)
