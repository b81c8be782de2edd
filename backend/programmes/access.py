"""Who may see what. Every visibility rule of the product is a query in this module.

The API, the portal, sync and the reports all ask here, so a rule changes in one place.
Callers that get ``None`` back from an ``access_*`` function answer 404: an object the caller
may not see looks exactly like one that does not exist.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts.models import User

from .models import DonorViewer, Membership, Programme, Role

AnyUser = User | AnonymousUser


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


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
    return (
        Membership.objects.filter(user=user, role=Role.MANAGER).exists()
        or DonorViewer.objects.filter(user=user).exists()
    )


def participants_visible_to(user: AnyUser) -> QuerySet[User]:
    """Participants whose profile the user may read.

    Themselves; for managers, every participant of their programmes; never for donor viewers.
    """
    if not user.is_authenticated:
        return User.objects.none()
    if is_admin(user):
        return User.objects.filter(memberships__role=Role.PARTICIPANT).distinct()
    managed = Membership.objects.filter(
        user=OuterRef("pk"), role=Role.PARTICIPANT, programme__in=managed_programmes(user)
    )
    return User.objects.filter(Q(pk=user.pk) | Q(Exists(managed)))


def access_participant(user: AnyUser, participant_id: int) -> User | None:
    """The participant with this id if the user may read their profile, else None (→ 404)."""
    return participants_visible_to(user).filter(pk=participant_id).first()


def access_managed_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return managed_programmes(user).filter(pk=programme_id).first()


def access_report_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return report_programmes(user).filter(pk=programme_id).first()


# --- ventures -------------------------------------------------------------------------------
# (rules for ventures, ledger entries, receipts and business records)

# --- training -------------------------------------------------------------------------------
# (rules for courses, cohorts, sessions, attendance, scores and certificates)

# --- finance --------------------------------------------------------------------------------
# (rules for lessons, progress, savings, the credit-cost tool and the provider directory)
