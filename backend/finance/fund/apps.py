from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    """The seed-capital fund of each programme: donations through Stripe, grants to ventures."""

    name = "backend.finance.fund"
    label = "fund"
    verbose_name = _("Seed-capital fund")

    def export_user_data(self, user: Any) -> dict[str, Any]:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .models import Grant

        grants = Grant.objects.filter(venture__owner=user).select_related("venture", "fund")
        return {
            "grants": [
                {
                    "venture": g.venture.name,
                    "amount": format(g.amount, "f"),
                    "currency": g.fund.currency,
                    "purpose": g.purpose,
                    "status": g.status,
                    "granted_at": g.granted_at.isoformat(),
                    "disbursed_at": g.disbursed_at.isoformat() if g.disbursed_at else None,
                }
                for g in grants
            ]
        }
