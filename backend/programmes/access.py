"""Who holds which role in which programme. Every visibility rule of the product builds on it.

This module answers role questions only: which programmes a person manages, trains in, takes
part in or funds. Each domain app keeps its objects' rules beside their models, in its own
access.py (ventures, training, finance, finance.fund), each rule one query built on these.
The API, the portal, sync and the reports all ask there, so a rule changes in one place.
Callers that get ``None`` back from an ``access_*`` function answer 404: an object the caller
may not see looks exactly like one that does not exist.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts.access import AnyUser, is_admin
from backend.accounts.models import User

from .models import DonorViewer, Membership, Programme, Role

__all__ = [
    "AnyUser",
    "access_managed_programme",
    "access_report_programme",
    "donor_programmes",
    "is_admin",
    "managed_programmes",
    "participant_programmes",
    "report_programmes",
    "requires_mfa",
    "sees_contact_details",
    "sees_contact_details_cached",
    "sees_unsuppressed",
    "trainer_programmes",
    "visible_programmes",
]


def _role_programmes(user: AnyUser, role: str) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(memberships__user=user, memberships__role=role)


def managed_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose full records the user may read: all for admins, else where manager."""
    if is_admin(user):
        return Programme.objects.all()
    return _role_programmes(user, Role.MANAGER)


def trainer_programmes(user: AnyUser) -> QuerySet[Programme]:
    return _role_programmes(user, Role.TRAINER)


def participant_programmes(user: AnyUser) -> QuerySet[Programme]:
    return _role_programmes(user, Role.PARTICIPANT)


def donor_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes funded by any funder the user is a donor viewer of."""
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(fundings__funder__viewers__user=user).distinct()


def report_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose outcome figures the user may read (donors: after disclosure control)."""
    if is_admin(user):
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=managed_programmes(user).values("pk"))
        | Q(pk__in=donor_programmes(user).values("pk"))
    )


def visible_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Every programme the user has any role in (the list a person sees on their home page)."""
    if is_admin(user):
        return Programme.objects.all()
    if not user.is_authenticated:
        return Programme.objects.none()
    member = Membership.objects.filter(user=user, programme=OuterRef("pk"))
    return Programme.objects.filter(
        Exists(member) | Q(pk__in=donor_programmes(user).values("pk"))
    ).order_by("name")


def sees_unsuppressed(user: AnyUser, programme: Programme) -> bool:
    """Managers of the programme and admins see figures without disclosure control."""
    return managed_programmes(user).filter(pk=programme.pk).exists()


def requires_mfa(user: AnyUser) -> bool:
    """Staff, programme managers and donor viewers must use a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # One query for both roles: this runs on every authenticated API request.
    return User.objects.filter(
        Q(Exists(Membership.objects.filter(user=user, role=Role.MANAGER)))
        | Q(Exists(DonorViewer.objects.filter(user=user))),
        pk=user.pk,
    ).exists()


def sees_contact_details(user: AnyUser) -> bool:
    """Whether rosters show this user people's phone numbers and email addresses.

    Only with a second factor on the account (docs/privacy.md, "Trainers"): a trainer who
    signs in with a password alone still sees names, attendance and scores, enough to run a
    session, but not how to reach a refugee, so a guessed or reused password leaks no number.
    """
    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user=user.pk, type=Authenticator.Type.TOTP).exists()


def sees_contact_details_cached(request: Any) -> bool:
    """sees_contact_details for the request's user, asked once per request (rosters ask per row)."""
    cached = getattr(request, "_impulsa_sees_contacts", None)
    if cached is None:
        cached = sees_contact_details(request.user)
        request._impulsa_sees_contacts = cached
    return cached


def access_managed_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return managed_programmes(user).filter(pk=programme_id).first()


def access_report_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return report_programmes(user).filter(pk=programme_id).first()
