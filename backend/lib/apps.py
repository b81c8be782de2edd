from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class LibConfig(AppConfig):
    name = "backend.lib"
    label = "lib"
    verbose_name = "Impulsa"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="impulsa_session_stamp")


class TasksConfig(TasksAppConfig):
    """The task queue's tables, under a name in the admin's language."""

    verbose_name = _("Background tasks")  # type: ignore[assignment]
