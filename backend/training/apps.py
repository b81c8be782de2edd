from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "backend.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # apps.py loads before the app registry is ready: the enrolment import registers its
        # kind of file with the programmes' import once models can load
        from . import onboarding  # noqa: F401

    def export_user_data(self, user: Any) -> dict[str, Any]:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .selectors import export_for

        return {"training": export_for(user)}

    def erase_user_data(self, user: Any) -> None:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .services import erase_personal_data

        erase_personal_data(user=user)
