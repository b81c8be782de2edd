from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib.errors import DomainError, NotFound
from backend.lib.pagination import LimitOffsetPagination
from backend.lib.validation import Id
from backend.programmes.models import Funder, Programme
from backend.ventures import access as venture_access

from . import access, services
from .models import Fund, FundEntry, Grant
from .schemas import ContributionIn, DisburseIn, FundEntryOut, FundSummaryOut, GrantIn, GrantOut

router = Router(tags=["fund"])


def _fund(programmes: QuerySet[Programme], programme_id: Id) -> Fund:
    fund = Fund.objects.filter(programme__in=programmes, programme_id=programme_id).first()
    if fund is None:
        raise NotFound("")
    return fund


@router.get(
    "/funds/{programme_id}", response=FundSummaryOut, summary="A programme's fund in figures"
)
def fund_summary(request: HttpRequest, programme_id: Id) -> dict[str, Any]:
    user = request_user(request)
    fund = _fund(access.fund_programmes_aggregate(user), programme_id)
    if access.fund_programmes_full(user).filter(pk=programme_id).exists():
        figures = services.summary(fund)
        figures.update(ventures_funded=str(figures["ventures_funded"]), suppressed=False)
    else:
        figures = services.public_summary(fund)
    return {"programme_id": programme_id, "title": fund.title, **figures}


@router.get("/funds/{programme_id}/entries", response=list[FundEntryOut], summary="The fund ledger")
@paginate(LimitOffsetPagination)
def fund_entries(request: HttpRequest, programme_id: Id) -> QuerySet[FundEntry]:
    fund = _fund(access.fund_programmes_full(request_user(request)), programme_id)
    return fund.entries.order_by("-created_at", "-id")


@router.post(
    "/funds/{programme_id}/contributions",
    response={201: FundEntryOut},
    summary="Record institutional funding",
)
def add_contribution(
    request: HttpRequest, programme_id: Id, payload: ContributionIn
) -> Status[FundEntry]:
    user = request_user(request)
    fund = _fund(access.fund_programmes_full(user), programme_id)
    funder = None
    if payload.funder_code:
        funder = Funder.objects.filter(code=payload.funder_code).first()
        if funder is None:
            raise DomainError(_("Unknown funder."), field="body.funder_code", status=422)
    entry = services.record_contribution(
        fund=fund,
        amount=payload.amount,
        funder=funder,
        note=payload.note,
        reference=payload.reference,
        actor=user,
    )
    return Status(201, entry)


@router.get("/funds/{programme_id}/grants", response=list[GrantOut], summary="Grants from the fund")
@paginate(LimitOffsetPagination)
def list_grants(request: HttpRequest, programme_id: Id) -> QuerySet[Grant]:
    fund = _fund(access.fund_programmes_full(request_user(request)), programme_id)
    audit(request_user(request), "grant.list", obj=fund)
    return fund.grants.select_related("fund", "venture").order_by("-granted_at", "-id")


@router.post(
    "/funds/{programme_id}/grants",
    response={201: GrantOut},
    summary="Grant seed capital to a venture",
)
def create_grant(request: HttpRequest, programme_id: Id, payload: GrantIn) -> Status[Grant]:
    user = request_user(request)
    fund = _fund(access.fund_programmes_full(user), programme_id)
    venture = (
        venture_access.ventures_visible_to(user)
        .filter(pk=payload.venture_id, programme_id=programme_id)
        .first()
    )
    if venture is None:
        raise DomainError(
            _("No venture with this id in the programme."), field="body.venture_id", status=422
        )
    grant = services.grant_to_venture(
        fund=fund, venture=venture, amount=payload.amount, purpose=payload.purpose, actor=user
    )
    return Status(201, grant)


@router.post(
    "/grants/{grant_id}/disburse", response=GrantOut, summary="Record that a grant was paid out"
)
def disburse_grant(request: HttpRequest, grant_id: Id, payload: DisburseIn) -> Grant:
    user = request_user(request)
    grant = Grant.objects.filter(
        pk=grant_id, fund__programme__in=access.fund_programmes_full(user)
    ).first()
    if grant is None:
        raise NotFound("")
    return services.disburse(grant=grant, actor=user, reference=payload.reference)


@router.get("/me/grants", response=list[GrantOut], summary="Grants to my ventures")
@paginate(LimitOffsetPagination)
def my_grants(request: HttpRequest) -> QuerySet[Grant]:
    user = request_user(request)
    return (
        access.grants_visible_to(user).filter(venture__owner=user).select_related("fund", "venture")
    )
