from typing import Any

from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Status

from backend.lib.errors import DomainError, NotFound
from backend.lib.validation import Id

from . import services
from .access import is_admin
from .http import request_user
from .models import ConsentChannel, ParticipantProfile, User
from .schemas import (
    ConsentIn,
    ConsentOut,
    ErasureConfirmIn,
    ErasureOut,
    MeIn,
    MeOut,
    NoticeOut,
)

router = Router(tags=["me"])


def _me(user: User) -> dict[str, Any]:
    profile = ParticipantProfile.objects.filter(user=user).first()
    consent = services.active_consent(user)
    return {
        "id": user.pk,
        "email": user.email,
        "phone": user.phone,
        "phone_verified": user.phone_verified,
        "preferred_language": user.preferred_language,
        "is_admin": is_admin(user),
        "mfa_enabled": Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists(),
        "roles": [
            {"programme_id": m.programme_id, "programme": m.programme.name, "role": m.role}
            for m in user.memberships.select_related("programme").order_by(
                "programme__name", "role"
            )
        ],
        "donor_funders": list(user.donor_seats.values_list("funder__name", flat=True)),
        "consent": (
            {
                "notice_version": consent.notice.version,
                "channel": consent.channel,
                "purposes": consent.purposes,
                "given_at": consent.given_at,
            }
            if consent
            else None
        ),
        "profile": services.profile_dict(profile),
    }


@router.get("/me", response=MeOut, summary="The signed-in user, their roles, consent and profile")
def me(request: HttpRequest) -> dict[str, Any]:
    return _me(request_user(request))


@router.patch(
    "/me",
    response=MeOut,
    summary="Update own language and profile",
    description="Unknown fields (role, programme, staff flags, ...) answer 422 and change nothing. "
    "Profile fields need consent on file first (403 consent_required).",
)
def update_me(request: HttpRequest, payload: MeIn) -> dict[str, Any]:
    user = request_user(request)
    if payload.profile is not None:
        services.update_profile(
            user=user, actor=user, data=payload.profile.model_dump(exclude_unset=True)
        )
    if payload.preferred_language is not None:
        services.update_account(user=user, preferred_language=payload.preferred_language)
        translation.activate(user.preferred_language)
    return _me(user)


@router.get("/consent/notice", auth=None, response=NoticeOut, summary="The current privacy notice")
def consent_notice(request: HttpRequest, lang: str | None = None) -> dict[str, Any]:
    notice = services.current_notice()
    if notice is None:
        raise NotFound(_("No privacy notice has been published yet."))
    language = lang or translation.get_language() or "es"
    if language not in {"es", "en", "pt-br", "pt"}:
        raise DomainError(
            _("Unknown language. Use es, en or pt-br."), field="query.lang", status=422
        )
    return {
        "version": notice.version,
        "language": "pt-br" if language.startswith("pt") else language,
        "text": notice.text_for(language),
        "purposes": notice.purposes,
        "published_at": notice.published_at,
    }


@router.post(
    "/me/consent", response={201: ConsentOut}, summary="Accept the privacy notice in the app"
)
def give_consent(request: HttpRequest, payload: ConsentIn) -> Status[dict[str, Any]]:
    consent = services.give_consent(
        user=request_user(request),
        notice_version=payload.notice_version,
        channel=ConsentChannel.APP,
        purposes=payload.purposes,
    )
    return Status(
        201,
        {
            "notice_version": consent.notice.version,
            "channel": consent.channel,
            "purposes": consent.purposes,
            "given_at": consent.given_at,
        },
    )


@router.delete("/me/consent", response={204: None}, summary="Withdraw consent")
def withdraw_consent(request: HttpRequest) -> Status[None]:
    services.withdraw_consent(user=request_user(request))
    return Status(204, None)


@router.get("/me/export", response=dict[str, Any], summary="Everything kept about me, as JSON")
def export(request: HttpRequest) -> dict[str, Any]:
    return services.export_user_data(request_user(request))


@router.post("/me/erasure", response={202: ErasureOut}, summary="Ask for my identity to be erased")
def request_erasure(request: HttpRequest) -> Status[Any]:
    return Status(202, services.request_erasure(user=request_user(request)))


@router.post(
    "/me/erasure/{request_id}/confirm",
    response={200: ErasureOut},
    summary="Confirm the erasure: personal data is wiped and the account closed at once",
)
def confirm_erasure(request: HttpRequest, request_id: Id, payload: ErasureConfirmIn) -> Any:
    if not payload.confirm:
        raise DomainError(
            _("Send confirm: true to erase your data."), field="body.confirm", status=422
        )
    return services.confirm_erasure(user=request_user(request), request_id=request_id)
