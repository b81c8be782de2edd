"""Queues the scheduled donor reports that are due (run it daily, e.g. from cron); the task
worker (`manage.py db_worker`) makes and mails them. Running it twice in a period does nothing
the second time."""

from typing import Any

from django.core.management.base import BaseCommand

from backend.outcomes.schedules import run_due_schedules


class Command(BaseCommand):
    help = "Queues the scheduled donor reports that are due; the task worker sends them."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = run_due_schedules()
        self.stdout.write(f"{len(queued)} scheduled report(s) queued")
