from typing import Any

from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "backend.sync"
    label = "sync"
    verbose_name = "Offline sync"

    def ready(self) -> None:
        from . import registry

        registry.autodiscover()

    def api_spec_files(self) -> dict[str, Any]:
        from .contract import contract_files

        return contract_files()
