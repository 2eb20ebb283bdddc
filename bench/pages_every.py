"""Walk every page and API list of the portal at province size; print a table sorted by time.

    .venv/bin/python bench/pages_every.py --generate          # lty_h4_province, ~15 min
    flock /work/bench.lock .venv/bin/python bench/pages_every.py --repeat 5

The data (`--generate`): the demo county (`manage.py load_demo`: 吉县, 72 villages with
every app's records — elections, candidacies and their review, training, the round's board,
ledger and reports, the statutory forms, the audit trail) built in a fresh database, which is
then used as the template of the target; into the target go the 121 counties of
`bench/composition_generate.py --scale province` (20,328 villages, their people and seats
of the 2018 and 2021 terms, copied from lty_bench_province with their keys shifted), then,
for every province village, a certified election per body of the 2021 term with its
candidates, a 2026 candidacy for each 2021 chair (at stages along the vetting path), one
audit history row per person, a county training session per county inviting its 2021 post
holders and one mentor-pool entry per 2021 secretary; finally the composition figures are
recomputed and the tables analysed. Rounds, liaisons, problems and filings stay the demo
county's (their apps have no bulk generator).

The timing run signs in as the demo county's organizer (`organizer`, 吉县) and as the
administrator (`admin`, the whole province), fetches each address `--repeat` times with
Django's test client after one warm-up, and prints, slowest first: status, queries, median
ms, KiB. Addresses of the portal not walked are listed at the end with the reason (actions
that only POST, downloads — see bench/pages_at_scale.py — and detail API endpoints).
Never run by the test suite; see docs/performance.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.composition_generate import COLUMNS  # noqa: E402

SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_URL = f"{SERVER}/lty_h4_province"
DEMO_URL = f"{SERVER}/lty_h4_demo"
PROVINCE_URL = f"{SERVER}/lty_bench_province"
DEMO_COUNTY = "141028"
USERS = ("organizer", "admin")
LIMIT_MS = 300


# -- the data -----------------------------------------------------------------------------


def _psql_args(url: str) -> list[str]:
    return ["-U", "postgres", "-h", "127.0.0.1", url.rsplit("/", 1)[1]]


def _run(*command: str, env: dict | None = None) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, env={**os.environ, **(env or {})}, cwd=ROOT)


def build_demo(demo_url: str) -> None:
    """A database holding only the demo county (the template of the target)."""
    name = demo_url.rsplit("/", 1)[1]
    subprocess.run(["dropdb", "--if-exists", *_psql_args(demo_url)[:-1], name], check=True)
    _run("createdb", *_psql_args(demo_url))
    env = {"DATABASE_URL": demo_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    _run(".venv/bin/python", "manage.py", "migrate", "-v0", env=env)
    _run(".venv/bin/python", "manage.py", "load_demo", env=env)


# The province generator's tables and columns (bench/composition_generate.py); a key column
# shifted by the target's largest key of that table.
COPIED = COLUMNS
KEYS = {
    "id": None,  # the table's own
    "county_id": "registry_county",
    "township_id": "registry_township",
    "village_id": "registry_village",
    "person_id": "people_person",
}


def copy_province(source_url: str, target) -> dict:
    """COPY the province's registry, people and seats into the target, keys shifted."""
    import io

    import psycopg2

    source = psycopg2.connect(source_url)
    shift = {}
    counts = {}
    with source.cursor() as src, target.cursor() as cur:
        for table in COPIED:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            shift[table] = cur.fetchone()[0]
        src.execute("SELECT id, year FROM registry_term")
        source_terms = dict(src.fetchall())
        cur.execute("SELECT year, id FROM registry_term")
        target_terms = dict(cur.fetchall())
        term_case = " ".join(
            f"WHEN {pk} THEN {target_terms[year]}" for pk, year in source_terms.items()
        )
        for table, columns in COPIED.items():
            expressions = []
            for column in columns:
                if column in KEYS:
                    expressions.append(f"{column} + {shift[KEYS[column] or table]}")
                elif column == "term_id":
                    expressions.append(f"CASE term_id {term_case} END")
                else:
                    expressions.append(column)
            buffer = io.StringIO()
            src.copy_expert(
                f"COPY (SELECT {', '.join(expressions)} FROM {table}) TO STDOUT", buffer
            )
            buffer.seek(0)
            cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            counts[table] = cur.rowcount
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) "
                f"FROM {table}))"
            )
    source.close()
    return counts


PROVINCE_EXTRAS = [
    # A certified first-round election per body for each province village of 2021, with
    # the body's seat holders as its candidates.
    """
    INSERT INTO elections_election (created_at, updated_at, body, round, held_on,
        seats_chair, seats_deputy, seats_member, entitled, present, ballots_issued,
        ballots_returned, ballots_valid, ballots_invalid, proxy_votes, state, confirmations,
        version, submitted_at, certified_at, unlock_reason, term_id, village_id)
    SELECT now(), now(), b.body, 'first', '2021-04-20', 1, 1, 2, 900, 800, 800, 798, 795, 3,
        0, 'certified', '{}', 1, '2021-04-21', '2021-04-22', '', t.id, v.id
    FROM registry_village v
    JOIN registry_township tw ON tw.id = v.township_id
    JOIN registry_county c ON c.id = tw.county_id
    CROSS JOIN (VALUES ('party'), ('villagers')) b(body)
    CROSS JOIN registry_term t
    WHERE t.year = 2021 AND c.code <> %(demo)s
    """,
    """
    INSERT INTO elections_electioncandidate (created_at, updated_at, votes, post,
        election_id, person_id)
    SELECT DISTINCT ON (e.id, s.person_id) now(), now(), 600, s.post, e.id, s.person_id
    FROM elections_election e
    JOIN elections_seat s ON s.village_id = e.village_id AND s.term_id = e.term_id
        AND s.body = e.body
    JOIN registry_village v ON v.id = e.village_id
    JOIN registry_township tw ON tw.id = v.township_id
    JOIN registry_county c ON c.id = tw.county_id
    WHERE c.code <> %(demo)s
    ORDER BY e.id, s.person_id, s.id
    """,
    "UPDATE elections_seat s SET election_id = e.id FROM elections_election e "
    "WHERE s.election_id IS NULL AND e.village_id = s.village_id AND e.term_id = s.term_id "
    "AND e.body = s.body",
    # A 2026 candidacy for each 2021 chair, spread along the vetting path.
    """
    INSERT INTO candidates_candidacy (created_at, updated_at, body, post, source, proposed_at,
        rating_political, note_political, rating_development, note_development,
        rating_coordination, note_coordination, rating_service, note_service,
        rating_conduct, note_conduct, audit_recommendation, stage, stage_changed_at, version,
        person_id, term_id, village_id)
    SELECT now(), now(), s.body, s.post, 'organization', '2026-09-01', '', '', '', '', '',
        '', '', '', '', '', '',
        (ARRAY['nominated', 'preliminary_review', 'joint_review', 'township_committee',
               'organization_department', 'standing_committee', 'approved'])[1 + s.id %% 7],
        '2026-09-02', 1, s.person_id, t26.id, s.village_id
    FROM elections_seat s
    JOIN registry_term t21 ON t21.id = s.term_id AND t21.year = 2021
    JOIN registry_village v ON v.id = s.village_id
    JOIN registry_township tw ON tw.id = v.township_id
    JOIN registry_county c ON c.id = tw.county_id
    CROSS JOIN registry_term t26
    WHERE t26.year = 2026 AND c.code <> %(demo)s AND s.post IN ('secretary', 'director')
    """,
    # One creation row per person in the audit trail (the history pages read them).
    """
    INSERT INTO people_historicalperson (id, created_at, history_ip, history_request_id,
        name, gender, birth_date, id_number_digest, ethnicity, education_fulltime,
        education_inservice, political_status, phone, version, county_id, village_id,
        history_date, history_change_reason, history_type, history_user_id)
    SELECT p.id, p.created_at, '127.0.0.1', '', p.name, p.gender, p.birth_date,
        p.id_number_digest, p.ethnicity, p.education_fulltime, p.education_inservice,
        p.political_status, p.phone, p.version, p.county_id, p.village_id, p.created_at,
        NULL, '+', NULL
    FROM people_person p JOIN registry_county c ON c.id = p.county_id
    WHERE c.code <> %(demo)s
    """,
    # A county induction session per county inviting its 2021 post holders.
    """
    INSERT INTO training_trainingsession (created_at, updated_at, title, kind, starts_on,
        ends_on, location, topic_note, methods, trainers, credit_hours, status,
        audience_bodies, audience_posts, audience_term_id, county_id)
    SELECT now(), now(), '2021 年届村“两委”成员全员培训', 'induction', '2021-06-01',
        '2021-06-03', '县委党校', '', '[]', '', 16, 'done', '[]', '[]', t.id, c.id
    FROM registry_county c CROSS JOIN registry_term t
    WHERE t.year = 2021 AND c.code <> %(demo)s
    """,
    """
    INSERT INTO training_enrolment (created_at, updated_at, invited_at, status,
        checked_in_at, absence_reason, hours_credited, person_id, session_id)
    SELECT DISTINCT ON (ts.id, s.person_id) now(), now(), '2021-05-20',
        CASE WHEN s.person_id %% 10 = 0 THEN 'invited' ELSE 'attended' END,
        CASE WHEN s.person_id %% 10 = 0 THEN NULL ELSE timestamptz '2021-06-01 09:00+08' END,
        '', CASE WHEN s.person_id %% 10 = 0 THEN 0 ELSE 16 END, s.person_id, ts.id
    FROM training_trainingsession ts
    JOIN registry_county c ON c.id = ts.county_id
    JOIN registry_township tw ON tw.county_id = c.id
    JOIN registry_village v ON v.township_id = tw.id
    JOIN elections_seat s ON s.village_id = v.id AND s.term_id = ts.audience_term_id
    WHERE c.code <> %(demo)s
    ORDER BY ts.id, s.person_id
    """,
    """
    INSERT INTO training_mentorpoolentry (created_at, updated_at, level, strengths,
        is_active, county_id, person_id, township_id)
    SELECT now(), now(), 'village', '', true, tw.county_id, s.person_id, tw.id
    FROM elections_seat s
    JOIN registry_term t ON t.id = s.term_id AND t.year = 2021
    JOIN registry_village v ON v.id = s.village_id
    JOIN registry_township tw ON tw.id = v.township_id
    JOIN registry_county c ON c.id = tw.county_id
    WHERE s.post = 'secretary' AND c.code <> %(demo)s
    ON CONFLICT DO NOTHING
    """,
]


def generate(target_url: str, demo_url: str, source_url: str, rebuild_demo: bool) -> None:
    import psycopg2

    name = target_url.rsplit("/", 1)[1]
    if rebuild_demo:
        build_demo(demo_url)
    subprocess.run(["dropdb", "--if-exists", "-U", "postgres", "-h", "127.0.0.1", name])
    _run("createdb", "-U", "postgres", "-h", "127.0.0.1", "-T", demo_url.rsplit("/", 1)[1], name)
    target = psycopg2.connect(target_url)
    started = time.monotonic()
    print(copy_province(source_url, target), flush=True)
    with target.cursor() as cur:
        cur.execute("ANALYZE")  # without it the candidates' join took ten minutes
        for statement in PROVINCE_EXTRAS:
            began = time.monotonic()
            cur.execute(statement, {"demo": DEMO_COUNTY})
            print(f"{cur.rowcount:8} rows  {time.monotonic() - began:6.1f} s  "
                  f"{' '.join(statement.split())[:70]}", flush=True)  # fmt: skip
    target.commit()
    with target.cursor() as cur:
        target.autocommit = True
        cur.execute("VACUUM ANALYZE")
    target.close()
    print(f"copied and extended in {time.monotonic() - started:.0f} s", flush=True)
    # The composition figures of every scope, as the nightly task computes them.
    env = {"DATABASE_URL": target_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    _run(".venv/bin/python", "bench/pages_every.py", "--database-url", target_url,
         "--recompute", env=env)  # fmt: skip


def recompute() -> None:
    from composition import services
    from registry.models import Term

    for term in Term.objects.order_by("year"):
        started = time.monotonic()
        services.composition_recompute(term_id=term.pk)
        print(f"composition of {term.year} recomputed in {time.monotonic() - started:.0f} s")


# -- the walk -----------------------------------------------------------------------------


def samples() -> dict:
    """One object of each kind in the demo county, for the detail pages."""
    from candidates.models import Candidacy
    from elections.models import Election
    from people.models import Person
    from registry.models import County, Term, Village
    from rounds.models import Problem, Report
    from training.models import Mentorship, TrainingSession

    county = County.objects.get(code=DEMO_COUNTY)
    in_county = {"village__township__county": county}
    village = Village.objects.filter(township__county=county, is_active=True).order_by("code")[0]
    return {
        "county": county,
        "township": village.township,
        "village": village,
        "year": Term.objects.get(year=2021).year,
        "person": Person.objects.filter(county=county).order_by("pk")[0],
        "election": Election.objects.filter(**in_county).order_by("pk")[0],
        "candidacy": Candidacy.objects.filter(**in_county).order_by("pk")[0],
        "session": TrainingSession.objects.filter(county=county).order_by("pk")[0],
        "mentorship": Mentorship.objects.order_by("pk")[0],
        "problem": Problem.objects.order_by("pk")[0],
        "report": Report.objects.order_by("pk")[0],
    }


def pages(s: dict) -> list[str]:
    """Every page that answers a GET with HTML or JSON, and every API list."""
    v, year = s["village"], s["year"]
    return [
        "/",
        # registry
        "/registry/villages/",
        "/registry/villages/?q=村1",
        f"/registry/villages/{v.pk}/",
        "/registry/villages/new/",
        f"/registry/villages/{v.pk}/edit/",
        "/registry/villages/import/",
        "/registry/terms/",
        "/registry/terms/new/",
        # people
        "/people/",
        "/people/?page=100",
        "/people/?q=王",
        f"/people/{s['person'].pk}/",
        "/people/new/",
        f"/people/{s['person'].pk}/edit/",
        # elections
        "/elections/",
        f"/elections/{s['election'].pk}/",
        "/elections/new/",
        f"/elections/{s['election'].pk}/edit/",
        "/elections/seats/",
        "/elections/seats/?page=100",
        f"/elections/seats/?township={s['township'].pk}",  # the villages of a township
        "/elections/roster/",
        # candidates
        "/candidates/",
        f"/candidates/{s['candidacy'].pk}/",
        "/candidates/new/",
        f"/candidates/{s['candidacy'].pk}/edit/",
        f"/candidates/{s['candidacy'].pk}/replace/",
        f"/candidates/{s['candidacy'].pk}/form/",
        "/candidates/import/",
        "/candidates/review/",
        "/candidates/funnel/",
        f"/candidates/funnel/?county={s['county'].pk}",  # a county's townships
        "/candidates/list/",
        "/candidates/negative-list/",
        # training
        "/training/",
        "/training/sessions/new/",
        f"/training/sessions/{s['session'].pk}/",
        f"/training/sessions/{s['session'].pk}/edit/",
        f"/training/sessions/{s['session'].pk}/roll-call/",
        f"/training/sessions/{s['session'].pk}/attendance/upload/",
        "/training/coverage/",
        "/training/mentors/",
        "/training/mentorships/",
        "/training/mentorships/new/",
        f"/training/mentorships/{s['mentorship'].pk}/",
        # rounds
        "/rounds/",
        "/rounds/mine/",
        "/rounds/plan/",
        f"/rounds/villages/{v.pk}/",
        f"/rounds/villages/{v.pk}/screening/",
        "/rounds/problems/",
        "/rounds/problems/upload/",
        f"/rounds/problems/{s['problem'].pk}/",
        "/rounds/visits/",
        "/rounds/visits/upload/",
        "/rounds/talks/",
        "/rounds/liaison/",
        "/rounds/reports/",
        f"/rounds/reports/{s['report'].pk}/",
        # reports
        "/reports/",
        f"/reports/village/{v.pk}/{year}/",
        f"/reports/{s['county'].code}/{year}/",
        f"/reports/{s['township'].code}/{year}/",
        f"/reports/{v.code}/{year}/",
        # composition
        "/composition/",
        "/composition/table/",
        f"/composition/villages/{v.code}/",
        # audit
        "/audit/",
        "/audit/id-numbers/",
        "/audit/people.person/",
        "/audit/elections.seat/",
        "/audit/candidates.candidacy/",
        # the API's lists
        "/api/v1/me/",
        "/api/v1/counties/",
        "/api/v1/townships/",
        "/api/v1/villages/",
        "/api/v1/terms/",
        "/api/v1/people/",
        "/api/v1/elections/",
        "/api/v1/election-results/",
        "/api/v1/seats/",
        "/api/v1/seats/?page=2000",
        "/api/v1/candidacies/",
        "/api/v1/candidacy-decisions/",
        "/api/v1/sign-offs/",
        "/api/v1/negative-list/",
        "/api/v1/candidacy-funnel/",
        "/api/v1/review-departments/",
        "/api/v1/training/sessions/",
        "/api/v1/training/enrolments/",
        "/api/v1/training/records/",
        "/api/v1/training/mentors/",
        "/api/v1/training/mentorships/",
        "/api/v1/training/coverage/",
        "/api/v1/rounds/board/",
        "/api/v1/rounds/problems/",
        "/api/v1/rounds/visits/",
        "/api/v1/rounds/visits/totals/",
        "/api/v1/rounds/talks/",
        "/api/v1/rounds/talks/coverage/",
        "/api/v1/rounds/units/",
        "/api/v1/rounds/teams/",
        "/api/v1/rounds/screenings/",
        "/api/v1/rounds/key-persons/",
        "/api/v1/rounds/liaisons/",
        "/api/v1/rounds/reports/",
        "/api/v1/reports/election-details/",
        "/api/v1/reports/village-details/",
        "/api/v1/reports/representatives/",
        "/api/v1/reports/recalls/",
        "/api/v1/reports/by-elections/",
        "/api/v1/reports/filings/",
        f"/api/v1/reports/{s['county'].code}/{year}/",
        "/api/v1/composition/",
        "/api/v1/composition/breakdowns/",
        "/api/v1/composition/children/",
        "/api/v1/audit/history/?model=people.person",
        "/api/v1/deleted/",
    ]


# Routes not walked, by what tells them apart (checked against the URL conf at every run).
NOT_WALKED = [
    ("downloads (bench/pages_at_scale.py times them)", (".xlsx", ".csv", "template/", "export")),
    ("a roster import's job (none in the data)", ("roster/jobs/<int:pk>/$", "jobs/<int:pk>/")),
    (
        "actions that only POST",
        (
            "/do/",
            "/toggle/",
            "/end/",
            "/decide/",
            "/withdraw/",
            "/sign-off/",
            "/clear/",
            "/opened/",
            "/import/",
            "/cancel/",
            "/step",
            "search/",
            "/file/",
            "filing/",
            "upload/",
            "logout/",
            "setlang/",
            "token/",
            "<slug:action>",
            "<slug:step>",
            "certify",
            "submit",
            "unlock",
            "/confirm/",
            "invite-audience",
            "status/",
            "check-in",
            "absent",
            "undo",
            "/(?P<move>",
        ),
    ),  # fmt: skip
    ("one object of an API list (the lists are walked)", ("(?P<pk>",)),
    (
        "outside the portal (sign-in, health, schema, admin)",
        ("login/", "health/", "api/schema", "api/docs", "api/redoc"),
    ),  # fmt: skip
]


def routes() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) == "admin/":
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and "format" not in str(pattern.pattern):
                found.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def coverage(walked: list[str]) -> list[tuple[str, str]]:
    """The routes not walked, each with its reason (or "NOT WALKED" when none fits)."""
    from django.urls import resolve

    walked_routes = {resolve(url.split("?")[0]).route.replace("^", "") for url in walked}
    left = []
    for route in routes():
        if route.replace("^", "") in walked_routes or route.startswith("^api/v1/"):
            continue
        reason = next(
            (why for why, marks in NOT_WALKED if any(m in route for m in marks)), "NOT WALKED"
        )
        left.append((route, reason))
    return left


def fetch(client, url: str) -> tuple[int, int]:
    response = client.get(url)
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def time_pages(repeat: int, only: str | None) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    s = samples()
    urls = [url for url in pages(s) if not only or only in url]
    clients = {}
    for username in USERS:
        clients[username] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[username].force_login(User.objects.get(username=username))
    rows = []
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    for url in urls:
        for username in USERS:
            client = clients[username]
            fetch(client, url)  # warm: caches, the plan of each statement
            runs = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    status, size = fetch(client, url)
                    runs.append((time.perf_counter() - started) * 1000)
            rows.append((statistics.median(runs), username, url, status, len(queries), size))
            print(f"  {rows[-1][0]:8.1f} ms  {username:9} {url}", file=sys.stderr, flush=True)
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[:3]
    print("| ms median | user | page | status | queries | KiB |\n|---:|---|---|---:|---:|---:|")
    for median, username, url, status, count, size in sorted(rows, reverse=True):
        flag = " **>300**" if median > LIMIT_MS else ""
        print(
            f"| {median:.0f}{flag} | {username} | `{url}` | {status} | {count} | "
            f"{size / 1024:.0f} |"
        )
    over = sum(1 for r in rows if r[0] > LIMIT_MS)
    errors = sum(1 for r in rows if r[3] >= 400)
    print(
        f"\n{len(rows)} fetches ({len(urls)} addresses × {len(USERS)} users, median of "
        f"{repeat}); over {LIMIT_MS} ms: {over}; status ≥ 400: {errors}; load average "
        f"{' '.join(load_before)} before, {' '.join(load_after)} after"
    )
    if not only:
        print("\nRoutes not walked:")
        for route, reason in coverage(urls):
            print(f"  {route:70} {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--generate", action="store_true", help="build the target database")
    parser.add_argument("--demo-url", default=DEMO_URL)
    parser.add_argument("--source-url", default=PROVINCE_URL, help="the province to copy")
    parser.add_argument("--rebuild-demo", action="store_true", help="run load_demo again")
    parser.add_argument("--recompute", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="walk only the addresses containing this text")
    args = parser.parse_args()
    if args.generate:
        generate(args.database_url, args.demo_url, args.source_url, args.rebuild_demo)
        return
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    if args.recompute:
        recompute()
        return
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.DEBUG = False
    time_pages(args.repeat, args.only)


if __name__ == "__main__":
    main()
