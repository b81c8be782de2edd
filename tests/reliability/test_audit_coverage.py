"""Every staff read of personal data leaves an audit record.

The operations come from the live OpenAPI spec (every GET) and the portal's URL patterns
(every page outside sign-in, the admin and the API). Each must have a row below saying either
which audit action a staff read writes, or why no personal data of another person is shown.
A new operation or page without a row fails ``test_every_*_has_a_row``; each audited row is
then called as programme staff and must write its record, naming the caller.

Scope: reads (GET). Staff writes on personal data are audited by the services that make them
(enrolment, invitations, profile changes, grants). The admin audits its own change views
(backend/accounts/admin.py, tests/accounts/test_admin.py).
"""

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from backend.accounts.models import AuditEvent
from backend.api import api
from backend.ventures import services as venture_services
from tests.conftest import ApiClient, World
from tests.security.access import fund, onboarding, training, ventures


@dataclass(frozen=True)
class Audited:
    action: str
    path: str  # with {placeholders} of the objects built below
    role: str = "manager"


NOT_PERSONAL = "shows no personal data of another person"
OWN = "the caller's own data only"
AGGREGATE = "aggregates after disclosure control; no person is shown"
CONTENT = "course content or public reference data"

API_READS: dict[str, Audited | str] = {
    "GET /api/v1/health": NOT_PERSONAL,
    "GET /api/v1/me": OWN,
    "GET /api/v1/me/export": OWN,
    "GET /api/v1/me/enrollments": OWN,
    "GET /api/v1/me/grants": OWN,
    "GET /api/v1/me/invitations": OWN,
    "GET /api/v1/consent/notice": CONTENT,
    "GET /api/v1/programmes": "programme names and the caller's roles",
    "GET /api/v1/programmes/{programme_id}/participants": Audited(
        "participant.list", "/api/v1/programmes/{programme_a}/participants"
    ),
    "GET /api/v1/programmes/{programme_id}/participants/{user_id}": Audited(
        "participant.view", "/api/v1/programmes/{programme_a}/participants/{participant_a}"
    ),
    "GET /api/v1/programmes/{programme_id}/erasure-requests": "request ids, dates and status; "
    "no name, contact or user id",
    "GET /api/v1/ventures": Audited("venture.list", "/api/v1/ventures"),
    "GET /api/v1/ventures/{venture_id}": Audited("venture.view", "/api/v1/ventures/{venture_a}"),
    "GET /api/v1/ventures/{venture_id}/photo": Audited(
        "venture.photo", "/api/v1/ventures/{venture_a}/photo"
    ),
    "GET /api/v1/ventures/{venture_id}/entries": Audited(
        "venture.entries", "/api/v1/ventures/{venture_a}/entries"
    ),
    "GET /api/v1/ventures/{venture_id}/summary": Audited(
        "venture.summary",
        "/api/v1/ventures/{venture_a}/summary?period=month&start=2025-01-01&end=2025-12-31",
    ),
    "GET /api/v1/ventures/{venture_id}/record": "owner only (403 for staff)",
    "GET /api/v1/entries/{entry_id}/receipt": Audited(
        "venture.receipt", "/api/v1/entries/{entry_a}/receipt"
    ),
    "GET /api/v1/courses": CONTENT,
    "GET /api/v1/cohorts": "cohort names, dates and places",
    "GET /api/v1/cohorts/{cohort_id}": "one cohort and its trainers (staff, not participants)",
    "GET /api/v1/cohorts/{cohort_id}/sessions": "session dates and modules",
    "GET /api/v1/cohorts/{cohort_id}/enrollments": Audited(
        "training.roster", "/api/v1/cohorts/{cohort_a}/enrollments"
    ),
    "GET /api/v1/sessions/{session_id}/attendance": Audited(
        "training.attendance", "/api/v1/sessions/{session_a}/attendance"
    ),
    "GET /api/v1/certificates/{certificate_id}/pdf": Audited(
        "training.certificate.download", "/api/v1/certificates/{certificate_a}/pdf"
    ),
    "GET /api/v1/certificates/{certificate_id}/credential": Audited(
        "training.credential.download", "/api/v1/certificates/{certificate_a}/credential"
    ),
    "GET /api/v1/finance/modules": CONTENT,
    "GET /api/v1/finance/modules/{code}/lessons": CONTENT,
    "GET /api/v1/finance/lessons/{lesson_id}": CONTENT,
    "GET /api/v1/finance/modules/{code}/bundle": CONTENT,
    "GET /api/v1/finance/modules/{code}/knowledge-test": CONTENT,
    "GET /api/v1/finance/progress": OWN,
    "GET /api/v1/finance/savings-goals": OWN,
    "GET /api/v1/finance/savings-goals/{goal_id}": OWN,
    "GET /api/v1/finance/savings-goals/{goal_id}/movements": OWN,
    "GET /api/v1/finance/providers": CONTENT,
    "GET /api/v1/finance/programmes/{programme_id}/literacy": AGGREGATE,
    "GET /api/v1/funds/{programme_id}": AGGREGATE,
    "GET /api/v1/funds/{programme_id}/entries": "the fund's money in and out; grants name "
    "no person here",
    "GET /api/v1/funds/{programme_id}/grants": Audited(
        "grant.list", "/api/v1/funds/{programme_a}/grants"
    ),
    "GET /api/v1/reports": AGGREGATE,
    "GET /api/v1/programmes/{programme_id}/iati-activity": AGGREGATE,
    "GET /api/v1/reports/{snapshot_id}": AGGREGATE,
    "GET /api/v1/sync/pull": "the caller's own records; a trainer's pull of the rosters of the "
    "cohorts they teach is audited (training.roster.sync, tested below)",
}

PORTAL_PAGES: dict[str, Audited | str] = {
    "": "the caller's programmes",
    "ventures/verify/<str:code>": "public check of a record's code: business name only",
    "business/": OWN,
    "business/sw.js": "the books' service worker: code, no data",
    "business/manifest.webmanifest": "the books' web app manifest: no data",
    "business/new/": OWN,
    "business/<id:venture_id>/": "the owner's own books (404 for anyone else)",
    "business/<id:venture_id>/edit/": OWN,
    "business/<id:venture_id>/photo": OWN,
    "business/<id:venture_id>/entries/": OWN,
    "business/<id:venture_id>/entries/new/": OWN,
    "business/<id:venture_id>/entries/<str:entry_id>/void/": OWN,
    "business/<id:venture_id>/credit/": OWN,
    "business/<id:venture_id>/record.pdf": OWN,
    "verify/<str:code>": "public check of a certificate's code",
    "verify/": "public form to type in a certificate's code",
    "verify": "redirects to verify/",
    "favicon.ico": NOT_PERSONAL,
    "training/": "cohort names, dates and places",
    "training/mine/": OWN,
    "training/cohorts/<id:cohort_id>/": Audited("training.roster", "/training/cohorts/{cohort_a}/"),
    "training/cohorts/<id:cohort_id>/scores/": Audited(
        "training.scores", "/training/cohorts/{cohort_a}/scores/"
    ),
    "training/cohorts/<id:cohort_id>/roster.csv": Audited(
        "training.roster.export", "/training/cohorts/{cohort_a}/roster.csv"
    ),
    "training/cohorts/<id:cohort_id>/certificates/": "POST only: issuing (audited by the service)",
    "training/enrollments/<id:enrollment_id>/certificate/": "POST only: issuing (audited)",
    "training/sessions/<id:session_id>/": Audited(
        "training.attendance", "/training/sessions/{session_a}/"
    ),
    "training/certificates/<id:certificate_id>/pdf": Audited(
        "training.certificate.download", "/training/certificates/{certificate_a}/pdf"
    ),
    "training/certificates/<id:certificate_id>/credential/": Audited(
        "training.credential.download", "/training/certificates/{certificate_a}/credential/"
    ),
    "training/certificates/<id:certificate_id>/credential.jwt": Audited(
        "training.credential.download", "/training/certificates/{certificate_a}/credential.jwt"
    ),
    "training/programmes/<id:programme_id>/cohorts/new/": "a form: courses and the "
    "programme's trainers (staff: its managers and trainers)",
    "training/cohorts/<id:cohort_id>/edit/": "the cohort and its trainers (staff)",
    "training/cohorts/<id:cohort_id>/sessions/": "session dates and modules",
    "training/sessions/<id:session_id>/move/": "one session's date and module",
    "training/sessions/<id:session_id>/cancel/": "POST only: no page",
    "training/cohorts/<id:cohort_id>/enrol/": Audited(
        # A trainer's narrow search; the manager's is audited in tests/training.
        "training.enrol.search",
        "/training/cohorts/{cohort_a}/enrol/?q=Participant",
        role="trainer",
    ),
    "training/enrollments/<id:enrollment_id>/withdraw/": "POST only: withdrawing (audited)",
    "training/certificates/<id:certificate_id>/revoke/": Audited(
        "training.certificate.view", "/training/certificates/{certificate_a}/revoke/"
    ),
    "training/cohorts/<id:cohort_id>/summary/": Audited(
        "training.roster", "/training/cohorts/{cohort_a}/summary/"
    ),
    "programmes/<id:programme_id>/ventures/": Audited(
        "venture.list", "/programmes/{programme_a}/ventures/"
    ),
    "programmes/<id:programme_id>/ventures/<id:venture_id>/": Audited(
        "venture.view", "/programmes/{programme_a}/ventures/{venture_a}/"
    ),
    "programmes/<id:programme_id>/participants/export/": Audited(
        "participant.export",
        "/programmes/{programme_a}/participants/export/?columns=name&format=xlsx",
    ),
    "credentials/verify/": "public check of a pasted credential: only what it says itself",
    "credentials/status/<id:list_id>": "public revocation bits; no person is named",
    "credentials/issuers/<id:organisation_id>": "public issuer profile and key ids",
    ".well-known/jwks.json": "public keys of the issuers",
    "tools/credit-cost/": CONTENT,
    "finance/lessons/": CONTENT,
    "finance/lessons/<id:lesson_id>/": CONTENT,
    "finance/savings/": OWN,
    "finance/knowledge-test/<str:kind>/": OWN,
    "programmes/<id:programme_id>/finance/": AGGREGATE,
    "fund/<slug:slug>/": "public fund page: totals",
    "fund/<slug:slug>/thanks/<uuid:donation_id>/": "the giver's own receipt page",
    "fund/<slug:slug>/cancelled/": NOT_PERSONAL,
    "webhooks/stripe/": "payment provider callback, no page",
    "programmes/<id:programme_id>/fund/": Audited("grant.list", "/programmes/{programme_a}/fund/"),
    "reports/": AGGREGATE,
    "reports/dashboard/": AGGREGATE,
    "reports/schedules/": NOT_PERSONAL,
    "reports/iati/": AGGREGATE,
    "reports/<uuid:snapshot_id>/": AGGREGATE,
    "reports/<uuid:snapshot_id>/report.<str:fmt>": AGGREGATE,
    "programmes/<id:programme_id>/participants/": Audited(
        "participant.list", "/programmes/{programme_a}/participants/"
    ),
    "programmes/<id:programme_id>/participants/<id:user_id>/": Audited(
        "participant.view", "/programmes/{programme_a}/participants/{participant_a}/"
    ),
    "programmes/<id:programme_id>/import/": "the upload form and the manager's own file names",
    "programmes/<id:programme_id>/import/<id:job_id>/columns/": "the file's column headers "
    "and two sample cells of the manager's own upload; nothing read from the database",
    "programmes/<id:programme_id>/import/<id:job_id>/": Audited(
        "participant.import.preview", "/programmes/{programme_a}/import/{import_job_a}/"
    ),
    "programmes/<id:programme_id>/import/<id:job_id>/problems.csv": Audited(
        "participant.import.errors", "/programmes/{programme_a}/import/{import_job_a}/problems.csv"
    ),
    "programmes/<id:programme_id>/import/<id:job_id>/progress": "a job's status and row count",
    "training/cohorts/<id:cohort_id>/import/": "the upload form and the manager's own file names",
    "training/cohorts/<id:cohort_id>/import/<id:job_id>/columns/": "the file's column headers "
    "and two sample cells of the manager's own upload",
    "training/cohorts/<id:cohort_id>/import/<id:job_id>/": "the same page as the programme's "
    "import, audited by it as participant.import.preview",
    "training/cohorts/<id:cohort_id>/import/<id:job_id>/problems.csv": "the same file as the "
    "programme's import, audited by it as participant.import.errors",
}
NOT_PORTAL = ("api/", "_allauth/", "accounts/", "admin/", "i18n/", "static/")


def _spec_reads() -> set[str]:
    spec = api.get_openapi_schema()
    return {f"GET {path}" for path, methods in spec["paths"].items() if "get" in methods}


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def test_every_api_read_has_a_row() -> None:
    reads = _spec_reads()
    assert sorted(reads - set(API_READS)) == [], "add a row to API_READS"
    assert sorted(set(API_READS) - reads) == [], "API_READS names operations that are gone"


def test_every_portal_page_has_a_row() -> None:
    pages = {r for r in _routes(get_resolver().url_patterns) if not r.startswith(NOT_PORTAL)}
    assert sorted(pages - set(PORTAL_PAGES)) == [], "add a row to PORTAL_PAGES"
    assert sorted(set(PORTAL_PAGES) - pages) == [], "PORTAL_PAGES names pages that are gone"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def objects(world: World, tmp_path: Path, settings: Any) -> dict[str, Any]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    built: dict[str, Any] = {}
    for module in (ventures, training, fund, onboarding):
        built.update(module.build(world))
    venture, entry = built["venture_a"], built["entry_a"]  # the entry as its URLs name it
    venture_services.set_venture_photo(venture=venture, upload=_jpeg())
    venture_services.attach_receipt(actor=venture.owner, entry_id=entry.pk, upload=_jpeg())
    built.update(programme_a=world.programme_a, participant_a=world.participant_a)
    return built


def _audited(table: dict[str, Audited | str]) -> list[Any]:
    return [
        pytest.param(row, id=key or "/") for key, row in table.items() if isinstance(row, Audited)
    ]


def _fill(path: str, objects: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(objects[m.group(1)].pk), path)


def _check(role_user: Any, resp: Any, row: Audited) -> None:
    assert resp.status_code == 200, (row.path, resp.status_code, resp.content[:200])
    events = AuditEvent.objects.filter(action=row.action, actor=role_user)
    assert events.count() == 1, (
        row.action,
        list(AuditEvent.objects.values_list("action", flat=True)),
    )


@pytest.mark.parametrize("row", _audited(API_READS))
def test_a_staff_read_on_the_api_is_audited(row: Audited, world: World, objects: Any) -> None:
    user = world.role(row.role)
    AuditEvent.objects.all().delete()
    resp = ApiClient(user).get(_fill(row.path, objects))
    _check(user, resp, row)


@pytest.mark.parametrize("row", _audited(PORTAL_PAGES))
def test_a_staff_read_in_the_portal_is_audited(row: Audited, world: World, objects: Any) -> None:
    user = world.role(row.role)
    AuditEvent.objects.all().delete()
    client = Client()
    client.force_login(user)
    _check(user, client.get(_fill(row.path, objects)), row)


def test_an_owner_reading_their_own_venture_is_not_audited(world: World, objects: Any) -> None:
    owner = ApiClient(world.participant_a)
    AuditEvent.objects.all().delete()
    for path in (
        "/api/v1/ventures",
        "/api/v1/ventures/{venture_a}",
        "/api/v1/ventures/{venture_a}/photo",
    ):
        assert owner.get(_fill(path, objects)).status_code == 200
    assert not AuditEvent.objects.exists()


def test_a_trainers_sync_pull_of_rosters_is_audited(world: World, objects: Any) -> None:
    AuditEvent.objects.all().delete()
    resp = ApiClient(world.trainer).get("sync/pull", schema_version=1)
    assert resp.status_code == 200
    event = AuditEvent.objects.get(actor=world.trainer)
    assert event.action == "training.roster.sync"
    assert event.detail["cohorts"] == [objects["cohort_a"].pk]
    assert event.detail["rows"] >= 1
    # The participant's own pull carries only their own enrollments: nothing to audit.
    AuditEvent.objects.all().delete()
    assert ApiClient(world.participant_a).get("sync/pull", schema_version=1).status_code == 200
    assert not AuditEvent.objects.exists()
