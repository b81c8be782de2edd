"""Writes a content pack (see pack.py) into the lesson tables, idempotently.

A lesson is known by its module and slug, a question by its id within the lesson, an answer
by its place within the question. Loading a pack updates what changed in place, so learners'
progress stays attached to the lessons they read; a question taken out of the pack is deleted
when nobody answered it, else retired (no longer asked, its text kept for past answers); a
lesson taken out of the pack is deleted only when nobody has progress or attempts on it.
Loading the same pack again writes nothing.

Takes the model classes as arguments so a data migration can pass its historical models.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from .pack import MANIFEST, ContentError, LessonContent, Pack, Question, read_pack

CORE_PACK = Path(__file__).resolve().parent / "core"
_SHIFT = 1000  # orders are moved this far out of the way while lessons or questions swap places


@dataclass
class Report:
    """What a load changed, by kind: ``{"lessons": {"created": 1, ...}, ...}``."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, what: str) -> None:
        self.counts.setdefault(kind, {}).setdefault(what, 0)
        self.counts[kind][what] += 1

    @property
    def changed(self) -> bool:
        return bool(self.counts)

    def __str__(self) -> str:
        if not self.counts:
            return "nothing changed"
        return "; ".join(
            f"{kind}: " + ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
            for kind, counts in sorted(self.counts.items())
        )


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Sets the values that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _columns(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{suffix}": text for suffix, text in texts.items()}


def _delete_unless_used(obj: Any) -> bool:
    """Deletes the row unless past answers or progress point at it; True when deleted."""
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        return False
    return True


def install(
    pack: Pack,
    module_model: Any,
    lesson_model: Any,
    question_model: Any,
    choice_model: Any,
    *,
    change_seq: Callable[[], int] | None = None,
) -> Report:
    """Loads or updates the pack's module; ``change_seq`` numbers changed lessons for sync."""
    report = Report()
    with transaction.atomic():
        module = module_model._base_manager.filter(code=pack.code).first()
        values = {**_columns("title", pack.title), "version": pack.version}
        if module is None:
            module = module_model._base_manager.create(code=pack.code, **values)
            report.add("modules", "created")
        elif _assign(module, values):
            module.save()
            report.add("modules", "updated")

        lessons = {
            lesson.slug: lesson for lesson in lesson_model._base_manager.filter(module=module)
        }
        for slug in sorted(set(lessons) - {c.slug for c in pack.lessons}):
            if not _delete_unless_used(lessons.pop(slug)):
                raise ContentError(
                    pack.path / MANIFEST,
                    "lessons",
                    f"'{slug}' is no longer listed but learners have progress or answers on "
                    "it; keep it in the pack",
                )
            report.add("lessons", "deleted")
        moving = [
            lessons[c.slug].pk
            for order, c in enumerate(pack.lessons, start=1)
            if c.slug in lessons and lessons[c.slug].order != order
        ]
        for lesson in lesson_model._base_manager.filter(pk__in=moving):
            lesson_model._base_manager.filter(pk=lesson.pk).update(order=lesson.order + _SHIFT)
            lessons[lesson.slug].order = lesson.order + _SHIFT

        for order, content in enumerate(pack.lessons, start=1):
            fields: dict[str, Any] = {
                "order": order,
                **_columns("title", content.title),
                **_columns("body", content.body),
            }
            lesson = lessons.get(content.slug)
            if lesson is None:
                lesson = lesson_model._base_manager.create(
                    module=module, slug=content.slug, **fields
                )
                report.add("lessons", "created")
                changed = True
            else:
                changed = _assign(lesson, fields)
            changed = (
                _install_questions(lesson, content, question_model, choice_model, report) or changed
            )
            if changed:
                if change_seq is not None:
                    lesson.changed_seq = change_seq()
                lesson.save()
                if content.slug in lessons:
                    report.add("lessons", "updated")
    return report


def _install_questions(
    lesson: Any, content: LessonContent, question_model: Any, choice_model: Any, report: Report
) -> bool:
    existing = list(question_model._base_manager.filter(lesson=lesson))
    by_key = {q.key: q for q in existing if q.key}
    # Questions loaded before packs gave them ids are matched by their place, once.
    by_place = {q.order: q for q in existing if not q.key and q.retired_at is None}
    matched: list[tuple[int, Question, Any]] = []
    for order, question in enumerate(content.questions, start=1):
        row = by_key.get(question.key) or by_place.pop(order, None)
        matched.append((order, question, row))
    kept = {row.pk for _, _, row in matched if row is not None}
    changed = False

    for row in existing:
        if row.pk in kept or row.retired_at is not None:
            continue
        if _delete_unless_used(row):
            report.add("questions", "deleted")
        else:
            row.retired_at = timezone.now()
            row.save(update_fields=["retired_at"])
            report.add("questions", "retired")
        changed = True
    for order, _, row in matched:
        if row is not None and row.order != order:
            question_model._base_manager.filter(pk=row.pk).update(order=row.order + _SHIFT)
            row.order += _SHIFT

    for order, question, row in matched:
        values = {
            "order": order,
            "key": question.key,
            "retired_at": None,
            "in_knowledge_test": question.knowledge_test,
            **_columns("text", question.text),
        }
        if row is None:
            row = question_model._base_manager.create(lesson=lesson, **values)
            report.add("questions", "created")
            changed = True
        elif _assign(row, values):
            row.save()
            report.add("questions", "updated")
            changed = True
        changed = _install_choices(row, question, choice_model, content, order, report) or changed
    return changed


def _install_choices(
    row: Any,
    question: Question,
    choice_model: Any,
    content: LessonContent,
    question_order: int,
    report: Report,
) -> bool:
    """Answers in the pack's order: the order learners see them in."""
    existing = {c.order: c for c in choice_model._base_manager.filter(question=row)}
    changed = False
    for order, choice in enumerate(question.choices, start=1):
        values = {
            "is_correct": choice.correct,
            **_columns("text", choice.text),
            **_columns("explanation", choice.explanation),
        }
        current = existing.pop(order, None)
        if current is None:
            choice_model._base_manager.create(question=row, order=order, **values)
            report.add("answers", "created")
            changed = True
        elif _assign(current, values):
            current.save()
            report.add("answers", "updated")
            changed = True
    for extra in existing.values():
        if not _delete_unless_used(extra):
            raise ContentError(
                content.path,
                f"questions[{question_order}].choices",
                "learners chose an answer that is no longer there; give the question a new "
                "id instead (the old one is kept for their answers)",
            )
        report.add("answers", "deleted")
        changed = True
    return changed


def load_pack(
    path: Path | str, *models: Any, change_seq: Callable[[], int] | None = None
) -> Report:
    """Reads and checks the pack at ``path``, then installs it (see install)."""
    module_model, lesson_model, question_model, choice_model = models
    return install(
        read_pack(path),
        module_model,
        lesson_model,
        question_model,
        choice_model,
        change_seq=change_seq,
    )


def install_core(
    module_model: Any, lesson_model: Any, question_model: Any, choice_model: Any
) -> Report:
    """The core module, shipped as a content pack in backend/finance/content/core/."""
    return load_pack(CORE_PACK, module_model, lesson_model, question_model, choice_model)
