"""Time the pages, exports and API lists that must hold when a county has ~120,000 rows.

    .venv/bin/python bench/pages_at_scale.py --generate     # build lty_h5 once
    .venv/bin/python bench/pages_at_scale.py --repeat 3     # ms per URL, as the organizer

The data: one county of 40 townships × 200 villages (bench/composition_generate.py's
generator at scale "county": ~106,000 people, ~121,000 seats over two terms), one
"add" history row per person (the audit export reads them), a county training session
inviting every 2021 post holder, and one mentor-pool entry per village. Never run by the
test suite; see docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import composition_generate  # noqa: E402

composition_generate.SCALES["county"] = (1, 1, 1, 40, 200)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lty_h5"
PASSWORD = "Bench-scale-2026"


def generate_extra() -> dict:
    """History, a session with its invitees, mentors and the two users, after the people."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from core.access import Role
    from registry.models import County, Term
    from training.models import Enrolment, MentorPoolEntry, TrainingSession

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE people_historicalperson, training_trainingsession, "
            "training_mentorpoolentry RESTART IDENTITY CASCADE"
        )
    User.objects.filter(username__startswith="bench-").delete()
    county = County.objects.get()
    organizer = User.objects.create_user(
        "bench-organizer", password=PASSWORD, role=Role.COUNTY_ORGANIZER, county=county
    )
    User.objects.create_user("bench-admin", password=PASSWORD, role=Role.ADMIN, is_staff=True)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO people_historicalperson (id, created_at, history_ip, "
            "history_request_id, name, gender, birth_date, id_number_digest, ethnicity, "
            "education_fulltime, education_inservice, political_status, phone, version, "
            "county_id, village_id, history_date, history_change_reason, history_type, "
            "history_user_id) SELECT id, created_at, '127.0.0.1', '', name, gender, "
            "birth_date, id_number_digest, ethnicity, education_fulltime, "
            "education_inservice, political_status, phone, version, county_id, village_id, "
            "created_at, NULL, '+', %s FROM people_person",
            [organizer.pk],
        )
    now = timezone.now()
    session = TrainingSession.objects.create(
        title="2021 年届村“两委”成员全员培训",
        kind="induction",
        county=county,
        starts_on="2021-06-01",
        ends_on="2021-06-03",
        credit_hours=16,
        audience_term=Term.objects.get(year=2021),
        created_by=organizer,
    )
    from elections.models import Seat

    people = (
        Seat.objects.filter(term__year=2021)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(session=session, person_id=pk, invited_at=now, invited_by=organizer)
            for pk in people.iterator(chunk_size=5000)
        ],
        batch_size=5000,
    )
    secretaries = Seat.objects.filter(term__year=2021, post="secretary").select_related("village")
    MentorPoolEntry.objects.bulk_create(
        [
            MentorPoolEntry(
                person_id=seat.person_id,
                county=county,
                township_id=seat.village.township_id,
                level="village",
            )
            for seat in secretaries.iterator(chunk_size=5000)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "session": session.pk,
        "enrolments": session.enrolments.count(),
        "mentors": MentorPoolEntry.objects.count(),
    }


def urls(session_pk: int) -> list[tuple[str, str]]:
    return [
        ("bench-organizer", f"/training/sessions/{session_pk}/"),
        ("bench-organizer", f"/training/sessions/{session_pk}/roll-call/"),
        ("bench-organizer", f"/training/sessions/{session_pk}/attendance.xlsx"),
        ("bench-organizer", f"/training/sessions/{session_pk}/attendance/template.xlsx"),
        ("bench-organizer", "/training/mentors/"),
        ("bench-organizer", "/training/mentorships/new/"),
        ("bench-organizer", "/elections/seats/"),
        ("bench-organizer", "/elections/export/seats.csv"),
        ("bench-organizer", "/elections/export/seats.xlsx"),
        ("bench-admin", "/audit/people.person/"),
        ("bench-admin", "/audit/people.person/export.xlsx"),
        ("bench-organizer", "/api/v1/seats/"),
        ("bench-organizer", "/api/v1/seats/?page=2000"),
        ("bench-organizer", "/api/v1/people/"),
    ]


def fetch(client, url: str) -> tuple[int, int]:
    """Status and body size, reading a streamed body to its end (as a browser would)."""
    response = client.get(url)
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def time_urls(repeat: int, only: str | None) -> None:
    import resource

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from training.models import TrainingSession

    session = TrainingSession.objects.order_by("pk").first()
    clients = {}
    for username in ("bench-organizer", "bench-admin"):
        clients[username] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[username].force_login(User.objects.get(username=username))
    for username, url in urls(session.pk):
        if only and only not in url:
            continue
        runs = []
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status, size = fetch(clients[username], url)
                runs.append((time.perf_counter() - started) * 1000)
        print(
            f"{username:16} {url:52} {status} {size / 1024:9.0f} KiB "
            f"{len(queries):4} queries  median {statistics.median(runs):9.1f} ms  "
            f"runs {[round(r) for r in runs]}",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="time only the URLs containing this text")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if args.generate:
        composition_generate.prepare_database(args.database_url)
        print(composition_generate.generate("county", 2021))
        print(generate_extra())
        return
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    time_urls(args.repeat, args.only)


if __name__ == "__main__":
    main()
