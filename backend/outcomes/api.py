import uuid

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from backend.accounts.http import request_user
from backend.lib.pagination import LimitOffsetPagination
from backend.lib.validation import Id

from . import iati, services
from .models import ReportSnapshot
from .params import M2Params
from .schemas import IatiQuery, ReportIn, SnapshotOut

router = Router(tags=["reports"])


@router.post(
    "/reports",
    response={202: SnapshotOut},
    summary="Ask for an outcome report (computed in the background)",
    description="Programmes must all be ones you may report on (404 otherwise). Donor viewers get "
    "figures after disclosure control; poll GET /reports/{id} until status is done.",
)
def request_report(request: HttpRequest, payload: ReportIn) -> Status[ReportSnapshot]:
    m2 = M2Params(**payload.m2.model_dump())
    params = services.check_params(
        programme_ids=payload.programme_ids,
        period_start=payload.period_start,
        period_end=payload.period_end,
        breakdown=list(payload.breakdown),
        m2=m2,
        terms=payload.terms,
    )
    snapshot = services.request_report(user=request_user(request), params=params)
    snapshot.refresh_from_db()
    return Status(202, snapshot)


@router.get("/reports/{snapshot_id}", response=SnapshotOut, summary="A report snapshot")
def get_report(request: HttpRequest, snapshot_id: uuid.UUID) -> ReportSnapshot:
    return services.access_snapshot(request_user(request), snapshot_id)


@router.get("/reports", response=list[SnapshotOut], summary="My report snapshots")
@paginate(LimitOffsetPagination)
def list_reports(request: HttpRequest) -> QuerySet[ReportSnapshot]:
    return ReportSnapshot.objects.filter(requested_by=request_user(request)).order_by(
        "-requested_at"
    )


@router.get(
    "/programmes/{programme_id}/iati-activity",
    response={200: None},
    summary="A programme's results as an IATI 2.03 activity file (programme managers)",
    description="REACH, M1, M2 and M6 for the period, in total and by sex, age band and "
    "population group, under the same disclosure control as a donor's report; the funders as "
    "funding organisations. 409 iati_identifier_missing until the organisation's IATI "
    "identifier is set. Narratives in the caller's language.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The iati-activities file",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def iati_activity(request: HttpRequest, programme_id: Id, query: Query[IatiQuery]) -> HttpResponse:
    return iati.download(request_user(request), programme_id, query.period_start, query.period_end)
