"""Loads the core literacy module (eight lessons with quizzes) from backend/finance/content.

The lessons are product content, not demo data: every installation starts with them, and
staff edit them in the admin afterwards.
"""

from django.db import migrations


def load(apps, schema_editor):
    from backend.finance.content.load import install_core

    install_core(
        apps.get_model("finance", "Module"),
        apps.get_model("finance", "Lesson"),
        apps.get_model("finance", "QuizQuestion"),
        apps.get_model("finance", "QuizChoice"),
    )


def unload(apps, schema_editor):
    Module = apps.get_model("finance", "Module")
    Lesson = apps.get_model("finance", "Lesson")
    Lesson.objects.filter(module__code="core").delete()
    Module.objects.filter(code="core").delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
