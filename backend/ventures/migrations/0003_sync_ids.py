"""Wire ids for offline sync, and change numbers.

Three steps because the tables may already hold rows: the column is added empty, every
existing row gets its own random id, then the column becomes required and unique.
"""

from typing import Any

from django.db import migrations, models

import backend.sync.changes


def fill(apps: Any, schema_editor: Any) -> None:
    for model_name in ["venture"]:
        model = apps.get_model("ventures", model_name)
        for pk in model.objects.filter(sync_id__isnull=True).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(sync_id=backend.sync.changes.new_sync_id())


class Migration(migrations.Migration):
    dependencies = [("ventures", "0002_ledger_append_only")]

    operations = [
        migrations.AddField(
            model_name="venture",
            name="changed_seq",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="venture",
            name="sync_id",
            field=models.CharField(editable=False, max_length=36, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="venture",
            name="sync_id",
            field=models.CharField(
                default=backend.sync.changes.new_sync_id,
                editable=False,
                max_length=36,
                unique=True,
            ),
        ),
    ]
