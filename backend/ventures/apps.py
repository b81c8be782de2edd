from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenturesConfig(AppConfig):
    name = "backend.ventures"
    label = "ventures"
    verbose_name = _("Ventures")

    def export_user_data(self, user: Any) -> dict[str, Any]:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .models import LedgerEntry, Venture

        ventures = Venture.objects.filter(owner=user).order_by("id")
        entries = LedgerEntry.objects.filter(venture__owner=user).order_by("occurred_on", "id")
        return {
            "ventures": {
                "ventures": [
                    {
                        "id": v.pk,
                        "programme_id": v.programme_id,
                        "name": v.name,
                        "sector": v.sector,
                        "country": v.country,
                        "region": v.region,
                        "currency": v.currency,
                        "formalisation": v.formalisation,
                        "started_on": v.started_on.isoformat(),
                        "has_photo": bool(v.photo),
                    }
                    for v in ventures
                ],
                "entries": [
                    {
                        "id": e.sync_id,
                        "venture_id": e.venture_id,
                        "kind": e.kind,
                        "amount": str(e.amount),
                        "occurred_on": e.occurred_on.isoformat(),
                        "payment_method": e.payment_method,
                        "wallet": e.wallet,
                        "category": e.category,
                        "note": e.note,
                        "has_receipt": bool(e.receipt),
                        "received_at": e.received_at.isoformat(),
                        "voided_at": e.voided_at.isoformat() if e.voided_at else None,
                        "void_reason": e.void_reason,
                    }
                    for e in entries
                ],
            }
        }

    def erase_user_data(self, user: Any) -> None:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .services import erase_ventures_of

        erase_ventures_of(user)
