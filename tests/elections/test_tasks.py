"""The roster upload through a real Celery worker on real Redis, and concurrent imports."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core.spreadsheets import read_bytes
from elections import importers, services
from elections.choices import ImportStatus
from elections.models import ImportJob, Seat
from people.models import Person
from tests.factories import TermFactory, make_id_number
from tests.factories.elections import ElectionFactory, SeatFactory
from tests.spreadsheets import upload, xlsx

HEADER = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码"]


def roster(count=6):
    rows = [HEADER]
    for index in range(count):
        number = make_id_number(dt.date(1970, 1, 1) + dt.timedelta(days=index))
        post = "书记" if index == 0 else "委员"
        rows.append(["吉昌镇", "东关村", 2021, "党支部", post, f"人员{index}", number])
    return xlsx(rows)


def wait_for(job, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still {job.status} after {seconds}s")


@pytest.mark.django_db(transaction=True)
def test_upload_is_imported_by_a_real_worker(worker, client, official, village):
    TermFactory(year=2021)
    client.force_login(official)
    response = client.post(
        reverse("elections:roster-import"), {"file": upload(roster(), "roster.xlsx")}
    )
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    job = wait_for(job)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert (job.total_rows, job.seats_created, job.progress) == (6, 6, 100)
    assert Seat.objects.filter(village=village).count() == 6
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入完成" in page and "任职新增 6" in page
    # running the task again (a redelivery) changes nothing
    services.roster_job_run(job_id=job.pk)
    assert Seat.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_roster_leave_consistent_data(official, village):
    """Both run at once (threads, separate connections); the term lock serialises them."""
    if connection.vendor == "sqlite":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    TermFactory(year=2021)
    content = roster(8)
    jobs = [
        ImportJob.objects.create(created_by=official, filename=f"r{i}.xlsx", content=content)
        for i in range(2)
    ]
    errors = []

    def run(job_id):
        try:
            services.roster_job_run(job_id=job_id)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Seat.objects.count() == 8
    outcomes = sorted((j.seats_created, j.seats_unchanged) for j in ImportJob.objects.all())
    assert outcomes == [(0, 8), (8, 0)]


@pytest.mark.django_db(transaction=True)
def test_an_import_holds_up_no_other_work_in_its_term(official, village):
    """While an import of 2021 waits inside its transaction, an election of 2021 is saved at
    once: the import locks the term against other imports and recomputes only."""
    if connection.vendor == "sqlite":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    term = TermFactory(year=2021)
    sheet = read_bytes(roster(), "roster.xlsx", importers.COLUMNS)
    inside, release, outcome = threading.Event(), threading.Event(), []

    def progress(fraction):
        if fraction == 0.6:  # the term is locked, nothing is written yet
            inside.set()
            release.wait(30)

    def run():
        try:
            outcome.append(importers.import_roster(sheet, actor=official, progress=progress))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert inside.wait(30)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")  # a wait would fail, not hang
            ElectionFactory(village=village, term=term)
    finally:
        release.set()
        thread.join(30)
    assert outcome and outcome[0].ok and outcome[0].seats_created == 6
    assert Seat.objects.filter(term=term).count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_seat_saved_by_hand_during_an_import_fails_it_cleanly(official, village, monkeypatch):
    """The import has checked its rows; before it writes the seats, another official saves a
    secretary for the same village and term. The upload fails with a clear message and
    writes nothing; uploading it again reports the clash against the saved secretary."""
    if connection.vendor == "sqlite":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    from elections.choices import Body, Post

    term = TermFactory(year=2021)
    content = roster()
    write_people = importers.persons_bulk_write

    def people_then_a_secretary_by_hand(*args, **kwargs):
        written = write_people(*args, **kwargs)
        thread = threading.Thread(target=save_secretary)
        thread.start()
        thread.join(30)
        return written

    def save_secretary():
        try:
            SeatFactory(village=village, term=term, body=Body.PARTY_COMMITTEE, post=Post.SECRETARY)
        finally:
            connection.close()

    monkeypatch.setattr(importers, "persons_bulk_write", people_then_a_secretary_by_hand)
    job = ImportJob.objects.create(created_by=official, filename="r.xlsx", content=content)
    job = services.roster_job_run(job_id=job.pk)
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        "导入期间本届任职被他人同时修改，本次未保存任何数据；请核对后重新上传文件"
    ]
    assert list(Seat.objects.values_list("post", flat=True)) == [Post.SECRETARY]  # by hand
    assert not Person.objects.filter(name__startswith="人员").exists()

    monkeypatch.setattr(importers, "persons_bulk_write", write_people)
    again = ImportJob.objects.create(created_by=official, filename="r.xlsx", content=content)
    again = services.roster_job_run(job_id=again.pk)
    assert again.status == ImportStatus.FAILED
    assert any("书记" in error for error in again.errors), again.errors
