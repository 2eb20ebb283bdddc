"""Snapshots store only the counters; the figures are derived from them on read."""

from django.db import migrations, models


def drop_figures_rows(apps, schema_editor):
    apps.get_model("composition", "CompositionSnapshot").objects.filter(metric="figures").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("composition", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_figures_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="compositionsnapshot",
            name="metric",
            field=models.CharField(
                choices=[("counters", "计数")], max_length=12, verbose_name="指标"
            ),
        ),
    ]
