from typing import Any

from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "backend.sync"
    label = "sync"
    verbose_name = "Offline sync"

    def ready(self) -> None:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from . import registry

        registry.autodiscover()

    def api_spec_files(self) -> dict[str, Any]:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .contract import contract_files

        return contract_files()
