"""Gives organisations a new credential signing key; the old ones stay published."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.programmes.models import Organisation
from backend.training import credentials


class Command(BaseCommand):
    help = (
        "Rotate the Ed25519 key that signs an organisation's verifiable credentials. The new "
        "key signs from now on; earlier keys stay in the published key set, so credentials "
        "they signed still verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", nargs="*", type=int, help="organisation ids")
        parser.add_argument("--all", action="store_true", help="every organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["organisation"]
        if not ids and not options["all"]:
            raise CommandError("Name organisation ids, or pass --all.")
        organisations = Organisation.objects.all()
        if ids:
            organisations = organisations.filter(pk__in=ids)
            missing = set(ids) - set(organisations.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No organisation with id {sorted(missing)}.")
        for organisation in organisations.order_by("pk"):
            key = credentials.rotate_key(organisation)
            self.stdout.write(f"{organisation.pk}\t{organisation.name}\tnew key {key.kid}")
