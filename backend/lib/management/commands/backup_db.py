from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.lib.backup import BackupError, backup


class Command(BaseCommand):
    help = "Makes a consistent online backup of the SQLite database while the app keeps running."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="backup file (default: var/backups/...)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written and checked: {path}")
