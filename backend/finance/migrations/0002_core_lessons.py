"""Once loaded the core literacy module; 0008 now loads it from its content pack.

The lessons are product content, not demo data: every installation starts with them. They live
in backend/finance/content/core/ and load through the content-pack loader, which needs the
question ids that 0007 adds, so this step only keeps its way back (removing the core module).
"""

from django.db import migrations


def unload(apps, schema_editor):
    Module = apps.get_model("finance", "Module")
    Lesson = apps.get_model("finance", "Lesson")
    Lesson.objects.filter(module__code="core").delete()
    Module.objects.filter(code="core").delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, unload)]
