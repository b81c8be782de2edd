"""Who may see and change ventures, ledger entries, receipts and business records.

Built on the programme roles of backend.programmes.access; every rule is one query.
"""

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from backend.lib.errors import DomainError, Forbidden
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


def _entries_named(
    user: AnyUser, entry_id: str, venture_id: int | None = None
) -> list[LedgerEntry]:
    """Up to two visible entries under a client id, the user's own first.

    Entry ids are unique per owner only, so a manager may oversee several people's entries
    under one id; the user's own always comes first, and only visible ones are ever read.
    """
    qs = (
        entries_visible_to(user)
        .select_related("venture", "venture__programme")
        .filter(sync_id=entry_id)
    )
    if venture_id is not None:
        qs = qs.filter(venture_id=venture_id)
    mine_first = Case(When(owner=user.pk, then=Value(0)), default=Value(1))
    return list(qs.order_by(mine_first, "venture_id")[:2])


def access_entry(
    user: AnyUser, entry_id: str, *, venture_id: int | None = None
) -> LedgerEntry | None:
    """The entry the user may see under this id: her own, else the one of a venture she
    oversees. Several overseen people using the id need ``venture_id`` to tell them apart."""
    found = _entries_named(user, entry_id, venture_id)
    if len(found) > 1 and found[0].owner_id != user.pk:
        raise DomainError(
            _("Several entries you may see have this id: name the venture (venture_id)."),
            field="query.venture_id",
            status=422,
        )
    return found[0] if found else None


def access_own_entry(user: AnyUser, entry_id: str) -> LedgerEntry | None:
    """The user's own entry under this id (only owners write). Visible but not hers: 403."""
    found = _entries_named(user, entry_id)
    if found and found[0].owner_id != user.pk:
        raise Forbidden(_("Only the owner of this venture can change it."), code="not_owner")
    return found[0] if found else None


def own_ventures(user: AnyUser) -> QuerySet[Venture]:
    """The ventures a person runs (what their own devices sync), managers' reach aside."""
    return ventures_visible_to(user).filter(owner=user.pk)


def own_live_entries(user: AnyUser) -> QuerySet[LedgerEntry]:
    """The person's own entries that still count: a voided entry leaves their devices."""
    return LedgerEntry.objects.filter(
        venture__in=own_ventures(user).values("pk"), voided_at__isnull=True
    )
