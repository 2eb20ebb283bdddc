"""Seats a second round (另行选举) produced were recorded as 补选; they were elected."""

from django.db import migrations


def forwards(apps, schema_editor):
    Seat = apps.get_model("elections", "Seat")
    Seat.objects.filter(source="by_election", election__round="second").update(source="election")


class Migration(migrations.Migration):
    dependencies = [("elections", "0010_previous_terms_end")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
