"""Writes on accounts, profiles, consent and data rights. Each function is one transaction."""

import datetime as dt
from typing import Any

import phonenumbers
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.lib.errors import Conflict, DomainError
from backend.lib.geography import COUNTRIES, is_region_of

from .audit import audit
from .models import (
    WASHINGTON_GROUP_FIELDS,
    Consent,
    ConsentChannel,
    ConsentNotice,
    ErasureRequest,
    ParticipantProfile,
    User,
)

ERASURE_DUE_DAYS = 30
NATIONALITY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS) | {"XX"}  # XX: stateless/unknown
PREFER_NOT = "prefer_not_to_say"


class ConsentRequired(DomainError):
    status = 403
    code = "consent_required"


def current_notice() -> ConsentNotice | None:
    return ConsentNotice.objects.order_by("-published_at", "-id").first()


def active_consent(user: User) -> Consent | None:
    latest = user.consents.order_by("-given_at", "-id").first()
    return None if latest is None or latest.withdrawn else latest


def check_consent(user: User) -> None:
    if active_consent(user) is None:
        raise ConsentRequired(
            _(
                "Consent is needed first: read the privacy notice and accept it "
                "before we keep your data."
            )
        )


@transaction.atomic
def give_consent(
    *,
    user: User,
    notice_version: str,
    channel: str,
    purposes: list[str],
    witness: User | None = None,
) -> Consent:
    notice = ConsentNotice.objects.filter(version=notice_version).first()
    if notice is None:
        raise DomainError(_("Unknown notice version."), field="notice_version", status=422)
    check_consent_terms(notice=notice, channel=channel, purposes=purposes, witness=witness)
    return Consent.objects.create(
        user=user, notice=notice, channel=channel, purposes=sorted(set(purposes)), witness=witness
    )


def check_consent_terms(
    *, notice: ConsentNotice, channel: str, purposes: list[str], witness: User | None
) -> None:
    """The rules every consent obeys, however it is recorded (the app, a staff member, a file)."""
    if channel not in ConsentChannel.values:
        raise DomainError(_("Unknown consent channel."), field="channel", status=422)
    unknown = sorted(set(purposes) - set(notice.purposes))
    if unknown or not purposes:
        raise DomainError(
            _("Choose purposes from the notice: %(p)s.") % {"p": ", ".join(notice.purposes)},
            field="purposes",
            status=422,
        )
    if channel == ConsentChannel.VERBAL and witness is None:
        raise DomainError(_("Verbal consent needs a staff witness."), field="channel", status=422)


@transaction.atomic
def withdraw_consent(*, user: User) -> Consent:
    current = active_consent(user)
    if current is None:
        raise Conflict(_("There is no consent to withdraw."), code="no_consent")
    return Consent.objects.create(
        user=user, notice=current.notice, channel=current.channel, purposes=[], withdrawn=True
    )


def check_profile_fields(data: dict[str, Any], profile: ParticipantProfile) -> dict[str, str]:
    """The errors of these profile answers, by field (empty when they can be stored)."""
    errors: dict[str, str] = {}
    year = data.get("birth_year", profile.birth_year)
    this_year = timezone.now().year
    if year is not None and not (this_year - 110 <= year <= this_year - 14):
        errors["birth_year"] = _("Enter a birth year between %(a)s and %(b)s.") % {
            "a": this_year - 110,
            "b": this_year - 14,
        }
    nationality = data.get("nationality", profile.nationality)
    if nationality and nationality != PREFER_NOT and nationality not in NATIONALITY_CODES:
        errors["nationality"] = _("Use a two-letter country code such as VE, CO or PE.")
    country = data.get("country", profile.country)
    if country and country not in COUNTRIES:
        errors["country"] = _("Unknown country code.")
    region = data.get("region", profile.region)
    if region and not is_region_of(region, country or ""):
        errors["region"] = _("This region is not in the country of residence.")
    expiry = data.get("id_document_expiry")
    if isinstance(expiry, dt.date) and expiry.day != 1:
        data["id_document_expiry"] = expiry.replace(day=1)  # only the month is kept
    return errors


@transaction.atomic
def update_profile(*, user: User, actor: User, data: dict[str, Any]) -> ParticipantProfile:
    """Sets the given profile fields. Participants need consent on file first."""
    check_consent(user)
    profile, _created = ParticipantProfile.objects.select_for_update().get_or_create(user=user)
    errors = check_profile_fields(data, profile)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(
            message,
            field=f"body.profile.{field}",
            status=422,
            extra={
                "fields": [{"loc": ["body", "profile", f], "message": m} for f, m in errors.items()]
            },
        )
    for field, value in data.items():
        setattr(
            profile,
            field,
            "" if value is None and field not in {"birth_year", "id_document_expiry"} else value,
        )
    profile.save()
    if actor.pk != user.pk:
        audit(actor, "profile.update", subject=user, obj=profile, fields=sorted(data))
    return profile


@transaction.atomic
def update_account(*, user: User, preferred_language: str | None = None) -> User:
    if preferred_language is not None:
        user.preferred_language = preferred_language
        user.save(update_fields=["preferred_language"])
    return user


def export_user_data(user: User) -> dict[str, Any]:
    """Everything kept about the person, as plain JSON (GDPR-style access and portability)."""
    profile = ParticipantProfile.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "phone": user.phone,
            "phone_verified": user.phone_verified,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        },
        "profile": profile_dict(profile),
        "consents": [
            {
                "notice_version": c.notice.version,
                "channel": c.channel,
                "purposes": c.purposes,
                "given_at": c.given_at.isoformat(),
                "withdrawn": c.withdrawn,
            }
            for c in user.consents.select_related("notice").order_by("given_at", "id")
        ],
        "memberships": [
            {"programme": m.programme.name, "role": m.role, "since": m.created_at.isoformat()}
            for m in user.memberships.select_related("programme").order_by("id")
        ],
    }
    # Each domain app contributes its own records (ventures, ledger, training, savings...).
    for config in apps.get_app_configs():
        contribute = getattr(config, "export_user_data", None)
        if contribute is not None:
            data.update(contribute(user))
    return data


def profile_dict(profile: ParticipantProfile | None) -> dict[str, Any] | None:
    """The profile as plain data; an unanswered question is None, never an empty string."""
    if profile is None:
        return None
    fields = [
        "display_name",
        "sex",
        "birth_year",
        "nationality",
        "population_group",
        "country",
        "region",
        *WASHINGTON_GROUP_FIELDS,
        "education_level",
        "id_document_type",
        "gender_identity",
    ]
    out: dict[str, Any] = {
        f: (getattr(profile, f) if getattr(profile, f) != "" else None) for f in fields
    }
    out["id_document_expiry"] = profile.id_document_expiry
    out["has_disability"] = profile.has_disability
    return out


@transaction.atomic
def request_erasure(*, user: User) -> ErasureRequest:
    existing = ErasureRequest.objects.filter(
        user=user, status__in=[ErasureRequest.Status.PENDING, ErasureRequest.Status.CONFIRMED]
    ).first()
    if existing:
        return existing
    now = timezone.now()
    return ErasureRequest.objects.create(
        user=user,
        requested_at=now,
        due_at=now + dt.timedelta(days=ERASURE_DUE_DAYS),
    )


@transaction.atomic
def confirm_erasure(*, user: User, request_id: int) -> ErasureRequest:
    """The person confirms: their identity is erased now, and the request is kept as done."""
    req = ErasureRequest.objects.select_for_update().filter(pk=request_id, user=user).first()
    if req is None:
        raise DomainError(_("No such erasure request."), code="not_found", status=404)
    if req.status == ErasureRequest.Status.DONE:
        raise Conflict(_("This request was already carried out."), code="already_done")
    req.status = ErasureRequest.Status.CONFIRMED
    req.confirmed_at = timezone.now()
    req.save()
    erase_identity(user=user, request=req)
    return req


@transaction.atomic
def erase_identity(*, user: User, request: ErasureRequest | None = None) -> None:
    """Wipes every personal field and closes the account.

    The user row stays, stripped to an id, so ledger, training and savings records keep
    counting in the aggregates while pointing to no one. Each domain app wipes its own
    free-text fields through its AppConfig.erase_user_data hook.
    """
    for config in apps.get_app_configs():
        wipe = getattr(config, "erase_user_data", None)
        if wipe is not None:
            wipe(user)
    ParticipantProfile.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    end_sessions(user)
    User.objects.filter(pk=user.pk).update(
        email=None,
        phone=None,
        phone_verified=False,
        password=make_password(None),
        is_active=False,
        is_staff=False,
        is_superuser=False,
    )
    if request is not None:
        ErasureRequest.objects.filter(pk=request.pk).update(
            status=ErasureRequest.Status.DONE, completed_at=timezone.now()
        )


def end_sessions(user: User) -> None:
    """Ends every web session and app token of the user."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
