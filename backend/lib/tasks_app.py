"""The task queue's app, under a name in the admin's language.

Kept out of backend/lib/apps.py: a second AppConfig there would stop Django from picking
LibConfig as that app's configuration.
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]
