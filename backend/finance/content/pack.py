"""Reads and checks a content pack: a folder with a module manifest and one file per lesson.

    my-pack/
        module.toml          code, version, title in three languages, the lessons in order
        lessons/<slug>.toml  title and body, questions with their answers and explanations

The format is described in docs/finance.md. Everything is checked before anything is written,
and a mistake is reported with the file and the field it is in.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The pack's language tags, and the column suffix each one is stored in.
LANGUAGES = {"es": "es", "en": "en", "pt-BR": "pt"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SHORT_TEXT = 300  # titles, questions and answers are one-line columns of this length
MANIFEST = "module.toml"


class ContentError(Exception):
    """A pack that cannot be loaded, naming the file and the field at fault."""

    def __init__(self, path: Path | str, where: str, reason: str) -> None:
        self.path, self.where, self.reason = str(path), where, reason
        super().__init__(f"{self.path}: {where}: {reason}" if where else f"{self.path}: {reason}")


@dataclass(frozen=True)
class Choice:
    correct: bool
    text: dict[str, str]
    explanation: dict[str, str]


@dataclass(frozen=True)
class Question:
    key: str
    knowledge_test: bool
    text: dict[str, str]
    choices: list[Choice]


@dataclass(frozen=True)
class LessonContent:
    slug: str
    title: dict[str, str]
    body: dict[str, str]
    questions: list[Question]
    path: Path


@dataclass(frozen=True)
class Pack:
    code: str
    version: str
    title: dict[str, str]
    lessons: list[LessonContent] = field(default_factory=list)
    path: Path = Path()


class _Reader:
    """Checks one file's values, naming the field of each mistake."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, reason: str) -> ContentError:
        return ContentError(self.path, where, reason)

    def load(self) -> dict[str, Any]:
        if not self.path.is_file():
            raise ContentError(self.path, "", "file not found")
        try:
            with self.path.open("rb") as handle:
                return tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ContentError(self.path, "", f"not valid TOML ({exc})") from exc
        except UnicodeDecodeError as exc:
            raise ContentError(self.path, "", "not UTF-8 text") from exc

    def table(self, data: Any, where: str, keys: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a table")
        for key in sorted(set(data) - keys):
            raise self.fail(f"{where}.{key}" if where else key, "unknown field")
        for key in sorted(required - set(data)):
            raise self.fail(f"{where}.{key}" if where else key, "missing")
        return data

    def text(self, data: Any, where: str, *, limit: int | None = None) -> str:
        if not isinstance(data, str):
            raise self.fail(where, "must be a string")
        value = data.strip()
        if not value:
            raise self.fail(where, "is empty")
        if limit is not None and len(value) > limit:
            raise self.fail(where, f"is {len(value)} characters long; at most {limit}")
        return value

    def slug(self, data: Any, where: str) -> str:
        value = self.text(data, where, limit=40)
        if not SLUG.match(value):
            raise self.fail(where, "use lowercase letters, digits and hyphens only")
        return value

    def translated(self, data: Any, where: str, *, limit: int | None = None) -> dict[str, str]:
        """The same text in every language of the pack, by column suffix."""
        table = self.table(data, where, set(LANGUAGES), set(LANGUAGES))
        return {
            suffix: self.text(table[tag], f"{where}.{tag}", limit=limit)
            for tag, suffix in LANGUAGES.items()
        }

    def flag(self, data: Any, where: str) -> bool:
        if not isinstance(data, bool):
            raise self.fail(where, "must be true or false")
        return data


def read_pack(path: Path | str) -> Pack:
    """The pack in folder ``path`` (or the folder of a module.toml), checked in full."""
    root = Path(path)
    if root.name == MANIFEST:
        root = root.parent
    manifest = _Reader(root / MANIFEST)
    data = manifest.table(
        manifest.load(),
        "",
        {"code", "version", "title", "lessons"},
        {"code", "version", "title", "lessons"},
    )
    code = manifest.slug(data["code"], "code")
    version = manifest.text(data["version"], "version", limit=40)
    title = manifest.translated(data["title"], "title", limit=SHORT_TEXT)
    slugs = data["lessons"]
    if not isinstance(slugs, list) or not slugs:
        raise manifest.fail("lessons", "must list at least one lesson")
    seen: set[str] = set()
    lessons = []
    for n, raw in enumerate(slugs, start=1):
        slug = manifest.slug(raw, f"lessons[{n}]")
        if slug in seen:
            raise manifest.fail(f"lessons[{n}]", f"'{slug}' is listed twice")
        seen.add(slug)
        lessons.append(_read_lesson(root / "lessons" / f"{slug}.toml", slug))
    return Pack(code=code, version=version, title=title, lessons=lessons, path=root)


def _read_lesson(path: Path, slug: str) -> LessonContent:
    reader = _Reader(path)
    data = reader.table(
        reader.load(), "", {"title", "body", "questions"}, {"title", "body", "questions"}
    )
    raw_questions = data["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise reader.fail("questions", "must hold at least one question")
    keys: set[str] = set()
    questions = []
    for qn, raw in enumerate(raw_questions, start=1):
        where = f"questions[{qn}]"
        q = reader.table(
            raw, where, {"id", "knowledge_test", "text", "choices"}, {"id", "text", "choices"}
        )
        key = reader.slug(q["id"], f"{where}.id")
        if key in keys:
            raise reader.fail(f"{where}.id", f"'{key}' is used twice in this lesson")
        keys.add(key)
        raw_choices = q["choices"]
        if not isinstance(raw_choices, list) or len(raw_choices) < 2:
            raise reader.fail(f"{where}.choices", "needs at least two answers")
        choices = []
        for cn, raw_choice in enumerate(raw_choices, start=1):
            cw = f"{where}.choices[{cn}]"
            c = reader.table(
                raw_choice, cw, {"correct", "text", "explanation"}, {"text", "explanation"}
            )
            choices.append(
                Choice(
                    correct=reader.flag(c.get("correct", False), f"{cw}.correct"),
                    text=reader.translated(c["text"], f"{cw}.text", limit=SHORT_TEXT),
                    explanation=reader.translated(c["explanation"], f"{cw}.explanation"),
                )
            )
        if sum(c.correct for c in choices) != 1:
            raise reader.fail(f"{where}.choices", "exactly one answer must have correct = true")
        questions.append(
            Question(
                key=key,
                knowledge_test=reader.flag(
                    q.get("knowledge_test", False), f"{where}.knowledge_test"
                ),
                text=reader.translated(q["text"], f"{where}.text", limit=SHORT_TEXT),
                choices=choices,
            )
        )
    return LessonContent(
        slug=slug,
        title=reader.translated(data["title"], "title", limit=SHORT_TEXT),
        body=reader.translated(data["body"], "body"),
        questions=questions,
        path=path,
    )
