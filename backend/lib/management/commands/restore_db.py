from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.lib.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restores the SQLite database from a backup made by backup_db. Stop the app first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = restore(options["backup"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {options['backup']} into {target}.")
