"""Loads the 8 ambiti and 139 comuni of the network from cms/data/comuni_mb_lc.csv."""

from django.db import migrations

from cms.geography import load_geography, read_comuni


def forwards(apps, schema_editor):
    load_geography(apps.get_model("cms", "Ambito"), apps.get_model("cms", "Municipality"), read_comuni())


def backwards(apps, schema_editor):
    apps.get_model("cms", "Municipality").objects.all().delete()
    apps.get_model("cms", "Ambito").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
