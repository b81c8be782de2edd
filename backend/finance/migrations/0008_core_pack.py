"""Loads the core literacy module from its content pack (backend/finance/content/core/).

A migration of its own: on PostgreSQL the rows it writes cannot share a transaction with the
indexes 0007 creates. On an installation that loaded the lessons before packs existed, the
loader adopts the existing questions by their place and writes only their ids.
"""

from django.db import migrations

from backend.finance.content.load import install_core


def load_core(apps, schema_editor):
    install_core(
        apps.get_model("finance", "Module"),
        apps.get_model("finance", "Lesson"),
        apps.get_model("finance", "QuizQuestion"),
        apps.get_model("finance", "QuizChoice"),
    )


class Migration(migrations.Migration):
    dependencies = [("finance", "0007_content_packs")]

    operations = [migrations.RunPython(load_core, migrations.RunPython.noop)]
