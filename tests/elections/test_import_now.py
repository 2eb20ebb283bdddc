"""Imports in one pass, roster: a dry-run job that passed offers "import now", which imports
the job's own file as a new job — for its uploader, within a day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from elections.choices import ImportStatus
from elections.models import ImportJob, Seat
from tests.elections.test_importers import HEADER
from tests.factories import TermFactory, make_id_number
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(client, official, village, django_capture_on_commit_callbacks):
    TermFactory(year=2021)
    row = [
        "吉昌镇",
        "东关村",
        2021,
        "村委会",
        "主任",
        "张建国",
        make_id_number(dt.date(1975, 3, 8)),
    ]
    content = xlsx([HEADER, row + [""] * (len(HEADER) - len(row))])
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("elections:roster-import"),
            {"file": upload(content, "花名册.xlsx"), "dry_run": "on"},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED and not Seat.objects.exists()
    return job


def test_import_now_imports_the_checked_roster_without_choosing_it_again(
    client, checked, django_capture_on_commit_callbacks
):
    page = client.get(checked.get_absolute_url()).content.decode()
    assert 'data-testid="import-now-button"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("elections:import-job-import", args=[checked.pk]))
    real = ImportJob.objects.exclude(pk=checked.pk).get()
    assert response.url == real.get_absolute_url()
    real.refresh_from_db()
    assert (real.dry_run, real.status, real.filename) == (
        False,
        ImportStatus.SUCCEEDED,
        "花名册.xlsx",
    )
    assert Seat.objects.get().person.name == "张建国"


def test_only_the_uploader_within_a_day(client, checked, make_user, organizer):
    client.force_login(organizer)  # sees the county's jobs, but did not upload this one
    assert (
        'data-testid="import-now-button"'
        not in client.get(checked.get_absolute_url()).content.decode()
    )
    client.post(reverse("elections:import-job-import", args=[checked.pk]))
    assert ImportJob.objects.count() == 1
    ImportJob.objects.filter(pk=checked.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    client.force_login(checked.created_by)
    response = client.post(reverse("elections:import-job-import", args=[checked.pk]), follow=True)
    assert "请重新上传" in response.content.decode() and ImportJob.objects.count() == 1
