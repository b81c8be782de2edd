from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "backend.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def export_user_data(self, user: Any) -> dict[str, Any]:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .models import Invitation

        rows = Invitation.objects.filter(user=user).select_related("programme").order_by("id")
        return {
            "invitations": [
                {
                    "programme": i.programme.name,
                    "invited_at": i.created_at.isoformat(),
                    "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
                    "declined_at": i.declined_at.isoformat() if i.declined_at else None,
                }
                for i in rows
            ]
        }
