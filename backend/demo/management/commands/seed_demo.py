import random
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from backend.demo import finance, fund, people, training, ventures

SCALES = {"tiny": 6, "demo": 40}


class Command(BaseCommand):
    help = "Loads fictional demo data: programmes, funders and people of every role. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--print-logins", action="store_true", help="print the demo sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
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
        if options["print_logins"]:
            call_command("demo_logins", stdout=self.stdout)
