from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.accounts.models import Consent, ErasureRequest
from backend.lib.errors import NotFound
from backend.lib.pagination import LimitOffsetPagination
from backend.lib.validation import Id

from . import access, services
from .models import Membership, Programme, Role
from .schemas import (
    ErasureRequestRow,
    InviteIn,
    InviteOut,
    ParticipantDetail,
    ParticipantRow,
    ProgrammeOut,
    TrainerIn,
    TrainerOut,
)

router = Router(tags=["programmes"])


def _managed(request: HttpRequest, programme_id: Id) -> Programme:
    programme = access.access_managed_programme(request_user(request), programme_id)
    if programme is None:
        raise NotFound("")
    return programme


@router.get("", response=list[ProgrammeOut], summary="Programmes I have a role in")
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    user = request_user(request)
    programmes = list(access.visible_programmes(user).select_related("organisation"))
    roles: dict[int, list[str]] = {}
    for programme_id, role in Membership.objects.filter(user=user).values_list(
        "programme_id", "role"
    ):
        roles.setdefault(programme_id, []).append(role)
    donor_ids = set(access.donor_programmes(user).values_list("pk", flat=True))
    out = []
    for p in programmes:
        mine = sorted(roles.get(p.pk, []))
        if p.pk in donor_ids:
            mine.append("donor_viewer")
        out.append(
            {
                **{
                    f: getattr(p, f)
                    for f in ProgrammeOut.model_fields
                    if f not in {"organisation", "my_roles"}
                },
                "organisation": p.organisation.name,
                "my_roles": mine,
            }
        )
    return out


def _participants(programme: Programme) -> QuerySet[Membership]:
    latest_consent = Consent.objects.filter(user=OuterRef("user")).order_by("-given_at", "-id")
    return (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT, user__is_active=True)
        .select_related("user", "user__profile")
        .annotate(
            consent_withdrawn=Subquery(latest_consent.values("withdrawn")[:1]),
            has_any_consent=Exists(latest_consent),
        )
        .order_by("created_at", "id")
    )


class ParticipantFilter(Schema):
    q: str | None = None


@router.get(
    "/{programme_id}/participants",
    response=list[ParticipantRow],
    summary="Participants of a programme I manage (search by name, phone or email)",
)
@paginate(LimitOffsetPagination)
def list_participants(
    request: HttpRequest, programme_id: Id, filters: Query[ParticipantFilter]
) -> QuerySet[Membership]:
    programme = _managed(request, programme_id)
    qs = _participants(programme)
    if filters.q:
        term = filters.q.strip()[:80]
        qs = qs.filter(
            Q(user__profile__display_name__icontains=term)
            | Q(user__phone__icontains=term)
            | Q(user__email__icontains=term)
        )
    audit(request_user(request), "participant.list", obj=programme, query=bool(filters.q))
    return qs  # sliced by the paginator, rendered by the schema


@router.get(
    "/{programme_id}/participants/{user_id}",
    response=ParticipantDetail,
    summary="One participant's profile (the read is audited)",
)
def get_participant(request: HttpRequest, programme_id: Id, user_id: Id) -> Membership:
    programme = _managed(request, programme_id)
    m = _participants(programme).filter(user_id=user_id).first()
    if m is None:
        raise NotFound("")
    audit(request_user(request), "participant.view", subject=m.user, obj=programme)
    return m


@router.post(
    "/{programme_id}/participants",
    response={202: InviteOut},
    summary="Invite a person into a programme I manage, by phone",
    description="The person joins, and shows up in this programme, only after accepting the "
    "invitation with their consent on file (POST /me/invitations/{id}/accept). Every valid "
    "number gets the same answer, whether it has an account or not.",
)
def invite_participant(
    request: HttpRequest, programme_id: Id, payload: InviteIn
) -> Status[dict[str, Any]]:
    return _invited(request, programme_id, payload, services.invite_participant)


@router.post(
    "/{programme_id}/trainer-invitations",
    response={202: InviteOut},
    summary="Invite a person to train in a programme I manage, by phone",
    description="The person becomes a trainer only after accepting the invitation "
    "(POST /me/invitations/{id}/accept). Every valid number gets the same answer, whether it "
    "has an account or not; donor viewers are never made trainers.",
)
def invite_trainer(
    request: HttpRequest, programme_id: Id, payload: InviteIn
) -> Status[dict[str, Any]]:
    return _invited(request, programme_id, payload, services.invite_trainer)


def _invited(
    request: HttpRequest, programme_id: int, payload: InviteIn, invite: Any
) -> Status[dict[str, Any]]:
    """The same answer for every valid number: the invitation tells nobody who is registered."""
    programme = _managed(request, programme_id)
    phone = invite(programme=programme, phone=payload.phone, actor=request_user(request))
    return Status(202, {"phone": phone, "status": "invited"})


@router.post(
    "/{programme_id}/trainers",
    response={201: TrainerOut},
    summary="Make a trainer or manager of my organisation a trainer here too",
    description="Only people who already train or manage in one of the organisation's "
    "programmes qualify; any other id answers 422, whether or not it exists. Invite anyone "
    "else by phone (POST /programmes/{id}/trainer-invitations).",
)
def assign_trainer(
    request: HttpRequest, programme_id: Id, payload: TrainerIn
) -> Status[dict[str, Any]]:
    programme = _managed(request, programme_id)
    membership = services.assign_trainer(
        programme=programme, user_id=payload.user_id, actor=request_user(request)
    )
    return Status(
        201, {"user_id": membership.user_id, "programme_id": programme.pk, "role": membership.role}
    )


@router.get(
    "/{programme_id}/erasure-requests",
    response=list[ErasureRequestRow],
    summary="Erasure requests of this programme's participants, soonest due first",
)
@paginate(LimitOffsetPagination)
def erasure_requests(request: HttpRequest, programme_id: Id) -> QuerySet[ErasureRequest]:
    programme = _managed(request, programme_id)
    return ErasureRequest.objects.filter(
        user__memberships__programme=programme, user__memberships__role=Role.PARTICIPANT
    ).order_by("due_at", "id")
