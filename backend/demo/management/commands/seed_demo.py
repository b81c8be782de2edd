import random
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from backend.demo import finance, fund, national, people, training, ventures

# Participants per demo programme at the small scales; `national` is a bulk load of its own.
SCALES = {"tiny": 6, "demo": 40}


class Command(BaseCommand):
    help = (
        "Loads fictional demo data: programmes, funders and people of every role. Idempotent: "
        "a second run with the same scale and seed adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted([*SCALES, "national"]), default="demo")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help="national scale only: multiply every size by this (e.g. 0.01 for a quick load)",
        )
        parser.add_argument("--print-logins", action="store_true", help="print the demo sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] == "national":
            self._national(options)
        else:
            self._small(options)
        if options["print_logins"]:
            call_command("demo_logins", stdout=self.stdout)

    def _national(self, options: dict[str, Any]) -> None:
        seed, factor = options["seed"], options["factor"]
        if not 0 <= seed <= 99:
            raise CommandError("--seed must be between 0 and 99 at the national scale.")
        if not 0 < factor <= 1:
            raise CommandError("--factor must be above 0 and at most 1.")
        started = time.monotonic()
        # The progress bar redraws one line, so it writes to the raw stream, not the wrapper
        # that ends every write with a newline.
        stream = getattr(self.stderr, "_out", sys.stderr)
        try:
            written = national.seed(seed=seed, factor=factor, stream=stream)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Seed capital (M6) for the programmes, as at the demo scale (idempotent per programme).
        fund.seed(scale="demo", rng=random.Random(seed))
        seconds = time.monotonic() - started
        summary = ", ".join(f"{n:,} {kind}" for kind, n in written.items()) or "nothing new"
        self.stdout.write(f"National demo data ready in {seconds:.0f}s ({summary}).")

    def _small(self, options: dict[str, Any]) -> None:
        with transaction.atomic():
            people.ensure_notice()
            programmes = people.ensure_programmes()
            people.ensure_staff(programmes)
        created = people.ensure_participants(
            programmes, SCALES[options["scale"]], seed=options["seed"]
        )
        # Each domain seeds its own records, in dependency order; each is idempotent.
        for domain in (ventures, training, finance, fund):
            domain.seed(scale=options["scale"], rng=random.Random(options["seed"]))
        self.stdout.write(f"Demo data ready ({created} new participants).")
