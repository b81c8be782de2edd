"""Loads or updates a literacy module from a content pack (docs/finance.md, "Content packs")."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.finance.content.load import load_pack
from backend.finance.content.pack import ContentError
from backend.finance.models import Lesson, Module, QuizChoice, QuizQuestion
from backend.sync.changes import next_seq


class Command(BaseCommand):
    help = "Loads or updates a literacy module from a content pack folder (module.toml + lessons/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the pack's folder, or its module.toml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_pack(
                options["path"], Module, Lesson, QuizQuestion, QuizChoice, change_seq=next_seq
            )
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(report))
