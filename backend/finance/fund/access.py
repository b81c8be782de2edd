"""Who may read a seed-capital fund's ledger and grants, in full or as totals.

Built on the programme roles of backend.programmes.access; every rule is one query.
"""

from django.db.models import Q, QuerySet

from backend.programmes.access import (
    AnyUser,
    is_admin,
    managed_programmes,
    report_programmes,
)
from backend.programmes.models import Programme

from .models import Grant


def fund_programmes_full(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose fund ledger and grants the user reads in full: managers and admins."""
    return managed_programmes(user)


def fund_programmes_aggregate(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose fund the user reads as totals: managers, admins, and donor viewers."""
    return report_programmes(user)


def grants_visible_to(user: AnyUser) -> QuerySet[Grant]:
    """Owners see grants to their ventures; managers their programmes' grants; admins all."""
    if not user.is_authenticated:
        return Grant.objects.none()
    if is_admin(user):
        return Grant.objects.all()
    return Grant.objects.filter(
        Q(venture__owner=user) | Q(fund__programme__in=managed_programmes(user))
    )
