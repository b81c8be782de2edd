from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class LibConfig(AppConfig):
    name = "backend.lib"
    label = "lib"
    verbose_name = "Impulsa"

    def ready(self) -> None:
        # apps.py loads before the app registry is ready: models and what imports them load here
        from .sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="impulsa_session_stamp")
