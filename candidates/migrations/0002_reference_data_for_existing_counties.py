"""Every county already saved gets the reference data a new county now gets when it is
created (candidates.receivers): the default negative list and joint-review departments, for
those that have none yet. Pages and the API used to create them on first read."""

from django.db import migrations

from candidates.choices import DEFAULT_DEPARTMENTS, DEFAULT_NEGATIVE_LIST


def reference_data_for_existing_counties(apps, schema_editor):
    County = apps.get_model("registry", "County")
    NegativeListItem = apps.get_model("candidates", "NegativeListItem")
    ReviewDepartment = apps.get_model("candidates", "ReviewDepartment")
    with_items = set(NegativeListItem.objects.values_list("county_id", flat=True))
    with_departments = set(ReviewDepartment.objects.values_list("county_id", flat=True))
    for county_id in County.objects.values_list("pk", flat=True):
        if county_id not in with_items:
            NegativeListItem.objects.bulk_create(
                NegativeListItem(county_id=county_id, number=number, text=text)
                for number, text in enumerate(DEFAULT_NEGATIVE_LIST, start=1)
            )
        if county_id not in with_departments:
            ReviewDepartment.objects.bulk_create(
                ReviewDepartment(county_id=county_id, department=str(department))
                for department in DEFAULT_DEPARTMENTS
            )


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(reference_data_for_existing_counties, migrations.RunPython.noop),
    ]
