"""A course's instructor is the author profile, which now lives in `core` (the profile's rows did not move)."""

import django.db.models.deletion
from django.db import migrations, models

from core.migration_operations import ensure_columns


def forwards(apps, schema_editor):
    ensure_columns(apps, schema_editor, app_label="courses", fields={"coursepage": ["instructor"]})


class Migration(migrations.Migration):
    dependencies = [
        ('courses', '0001_squashed_0002_lesson_product_promotion'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='coursepage',
                    name='instructor',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='courses', to='core.authorprofile'),
                ),
            ],
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
