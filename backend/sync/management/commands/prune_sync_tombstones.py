from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from backend.sync.changes import prune_tombstones


class Command(BaseCommand):
    help = "Deletes sync tombstones older than IMPULSA_SYNC_TOMBSTONE_DAYS (180 by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.IMPULSA_SYNC_TOMBSTONE_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = prune_tombstones(older_than_days=options["days"])
        self.stdout.write(f"Removed {removed} tombstones older than {options['days']} days.")
