from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "backend.lib"
    label = "lib"
    verbose_name = "Impulsa"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="impulsa_session_stamp")
