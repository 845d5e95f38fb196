"""Loads the managed taxonomy: 9 themes, 7 target groups and the spoken languages."""

from django.db import migrations

from cms.taxonomy import load_taxonomy, read_taxonomy


def forwards(apps, schema_editor):
    load_taxonomy(
        apps.get_model("cms", "Theme"),
        apps.get_model("cms", "TargetGroup"),
        apps.get_model("cms", "SpokenLanguage"),
        read_taxonomy(),
    )


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_directory_pages_people")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
