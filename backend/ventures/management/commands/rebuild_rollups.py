from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.ventures.services import rebuild_rollups


class Command(BaseCommand):
    help = "Recomputes the ventures' day and month rollups from the ledger and reports drift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venture", type=int, action="append", help="only these ventures")

    def handle(self, *args: Any, **options: Any) -> None:
        differed = rebuild_rollups(venture_ids=options["venture"])
        if differed:
            self.stdout.write(f"Rollups differed for {differed} venture(s) and were rebuilt.")
        else:
            self.stdout.write("Rollups matched the ledger: nothing changed.")
