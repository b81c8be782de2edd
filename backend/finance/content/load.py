"""Writes a content module (see core.py) into the lesson tables.

Takes the model classes as arguments so a data migration can pass its historical models.
Answers are stored in a varied order, so the right one is not always the first.
"""

from typing import Any

from . import core


def install_core(
    module_model: Any, lesson_model: Any, question_model: Any, choice_model: Any
) -> None:
    module, _ = module_model.objects.update_or_create(
        code=core.MODULE_CODE,
        defaults={f"title_{lang}": text for lang, text in core.MODULE_TITLE.items()},
    )
    position = 0
    for order, data in enumerate(core.LESSONS, start=1):
        lesson, _ = lesson_model.objects.update_or_create(
            module=module,
            slug=data["slug"],
            defaults={
                "order": order,
                **{f"title_{lang}": text for lang, text in data["title"].items()},
                **{f"body_{lang}": text for lang, text in data["body"].items()},
            },
        )
        for q_order, q in enumerate(data["questions"], start=1):
            question, _ = question_model.objects.update_or_create(
                lesson=lesson,
                order=q_order,
                defaults={
                    "in_knowledge_test": q["knowledge_test"],
                    **{f"text_{lang}": text for lang, text in q["text"].items()},
                },
            )
            choices = q["choices"]
            shift = position % len(choices)
            position += 1
            rotated = choices[len(choices) - shift :] + choices[: len(choices) - shift]
            for c_order, c in enumerate(rotated, start=1):
                choice_model.objects.update_or_create(
                    question=question,
                    order=c_order,
                    defaults={
                        "is_correct": c["correct"],
                        **{f"text_{lang}": text for lang, text in c["text"].items()},
                        **{f"explanation_{lang}": text for lang, text in c["explanation"].items()},
                    },
                )
