"""Who may see and change ventures, ledger entries, receipts and business records.

Built on the programme roles of backend.programmes.access; every rule is one query.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.lib.errors import Forbidden
from backend.programmes.access import AnyUser, is_admin, managed_programmes

from .models import LedgerEntry, Venture


def ventures_visible_to(user: AnyUser) -> QuerySet[Venture]:
    """Owners see their own ventures, managers those of their programmes, admins all.

    Trainers and donor viewers never see a venture (donors read aggregates in reports).
    """
    if not user.is_authenticated:
        return Venture.objects.none()
    if is_admin(user):
        return Venture.objects.all()
    return Venture.objects.filter(
        Q(owner=user) | Q(programme__in=managed_programmes(user).values("pk"))
    )


def access_venture(user: AnyUser, venture_id: int) -> Venture | None:
    return (
        ventures_visible_to(user).select_related("programme", "owner").filter(pk=venture_id).first()
    )


def access_own_venture(user: AnyUser, venture_id: int) -> Venture | None:
    """The venture if the user owns it (only owners write). Visible but not owned: 403."""
    venture = access_venture(user, venture_id)
    if venture is not None and venture.owner_id != user.pk:
        raise Forbidden(_("Only the owner of this venture can change it."), code="not_owner")
    return venture


def entries_visible_to(user: AnyUser) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(venture__in=ventures_visible_to(user).values("pk"))


def access_entry(user: AnyUser, entry_id: str) -> LedgerEntry | None:
    return (
        entries_visible_to(user)
        .select_related("venture", "venture__programme")
        .filter(pk=entry_id)
        .first()
    )


def access_own_entry(user: AnyUser, entry_id: str) -> LedgerEntry | None:
    entry = access_entry(user, entry_id)
    if entry is not None and entry.venture.owner_id != user.pk:
        raise Forbidden(_("Only the owner of this venture can change it."), code="not_owner")
    return entry


def own_ventures(user: AnyUser) -> QuerySet[Venture]:
    """The ventures a person runs (what their own devices sync), managers' reach aside."""
    return ventures_visible_to(user).filter(owner=user.pk)


def own_live_entries(user: AnyUser) -> QuerySet[LedgerEntry]:
    """The person's own entries that still count: a voided entry leaves their devices."""
    return LedgerEntry.objects.filter(
        venture__in=own_ventures(user).values("pk"), voided_at__isnull=True
    )
