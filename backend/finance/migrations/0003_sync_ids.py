"""Wire ids for offline sync, and change numbers.

Three steps because the tables may already hold rows: the column is added empty, every
existing row gets its own random id, then the column becomes required and unique.
"""

from typing import Any

from django.db import migrations, models

import backend.sync.changes


def fill(apps: Any, schema_editor: Any) -> None:
    for model_name in ["lessonprogress", "quizattempt", "savingsgoal", "savingsmovement"]:
        model = apps.get_model("finance", model_name)
        for pk in model.objects.filter(sync_id__isnull=True).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(sync_id=backend.sync.changes.new_sync_id())


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_core_lessons")]

    operations = [
        migrations.AddField(
            model_name="lessonprogress",
            name="sync_id",
            field=models.CharField(editable=False, max_length=36, null=True),
        ),
        migrations.AddField(
            model_name="quizattempt",
            name="sync_id",
            field=models.CharField(editable=False, max_length=36, null=True),
        ),
        migrations.AddField(
            model_name="savingsgoal",
            name="sync_id",
            field=models.CharField(editable=False, max_length=36, null=True),
        ),
        migrations.AddField(
            model_name="savingsmovement",
            name="sync_id",
            field=models.CharField(editable=False, max_length=36, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lessonprogress",
            name="sync_id",
            field=models.CharField(
                default=backend.sync.changes.new_sync_id,
                editable=False,
                max_length=36,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="quizattempt",
            name="sync_id",
            field=models.CharField(
                default=backend.sync.changes.new_sync_id,
                editable=False,
                max_length=36,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="savingsgoal",
            name="sync_id",
            field=models.CharField(
                default=backend.sync.changes.new_sync_id,
                editable=False,
                max_length=36,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="savingsmovement",
            name="sync_id",
            field=models.CharField(
                default=backend.sync.changes.new_sync_id,
                editable=False,
                max_length=36,
                unique=True,
            ),
        ),
    ]
