"""A person's own invitations into programmes: list the pending ones, accept or decline.

Mounted under /me/invitations. Only the invited person sees an invitation; anyone else's id
answers 404 like a missing one.
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from backend.accounts.http import request_user
from backend.lib.validation import Id

from . import services
from .models import Invitation
from .schemas import InvitationOut

router = Router(tags=["me"])


@router.get(
    "/me/invitations",
    response=list[InvitationOut],
    summary="Invitations into programmes waiting for my answer",
)
def my_invitations(request: HttpRequest) -> QuerySet[Invitation]:
    return services.pending_invitations(request_user(request))


@router.post(
    "/me/invitations/{invitation_id}/accept",
    response=InvitationOut,
    summary="Join the programme that invited me",
    description="Needs the privacy notice accepted first (403 consent_required): the "
    "programme's staff see my profile only from then on.",
)
def accept_invitation(request: HttpRequest, invitation_id: Id) -> Invitation:
    return services.accept_invitation(user=request_user(request), invitation_id=invitation_id)


@router.post(
    "/me/invitations/{invitation_id}/decline",
    response=InvitationOut,
    summary="Turn down an invitation into a programme",
)
def decline_invitation(request: HttpRequest, invitation_id: Id) -> Invitation:
    return services.decline_invitation(user=request_user(request), invitation_id=invitation_id)
