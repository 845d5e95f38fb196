"""Grants the Editors and Moderators groups their directory permissions and creates the
moderation workflow of directory records (see cms/editorial_setup.py)."""

from django.db import migrations

from cms.editorial_setup import set_up_directory_editing


def forwards(apps, schema_editor):
    set_up_directory_editing(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_ambito_approval_task"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
