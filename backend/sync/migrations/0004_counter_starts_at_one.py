from django.db import migrations


def start_at_one(apps, schema_editor):
    # WatermelonDB refuses a pull timestamp of 0 ("must be a non-zero number"), which an empty
    # server would hand out. Numbers only grow, so skipping 0 is harmless.
    apps.get_model("sync", "ChangeCounter").objects.filter(pk=1, value__lt=1).update(value=1)


class Migration(migrations.Migration):
    dependencies = [("sync", "0003_record_creations")]
    operations = [migrations.RunPython(start_at_one, migrations.RunPython.noop)]
