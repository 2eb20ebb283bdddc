"""Time the composition statistics on a generated database (bench/composition_generate.py).

    .venv/bin/python bench/composition_timing.py --scale province [--repeat 5]

Reports the median of --repeat runs of:
  (a) the full recompute of the 2021 term through the project's code path
      (composition.services.composition_recompute as the task runs it: the seats of both
      terms read by county on a second connection, counted in Python, the snapshot
      stored by one COPY that pulls each county as it is counted);
  (j) the bare join: every row the counters read (the team seats of 2021 and 2018 joined
      to their people and villages, composition.counting's query), fetched; (a)/(j);
  (b) the floor: ONE hand-written SQL statement computing the same figures for every
      scope (GROUPING SETS), results fetched; and the ratio (a)/(b);
  (c) the recompute after one village's result changes (the incremental path), and
      (a)/(c);
  (d) the dashboard, the township table and the stats API at that scale (Django test
      client, as a county organizer and as an administrator on the province).
Never run by the test suite; figures are recorded in docs/performance.md.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RANK = (
    "CASE {col} WHEN 'postgraduate' THEN 7 WHEN 'bachelor' THEN 6 WHEN 'college' THEN 5 "
    "WHEN 'vocational' THEN 4 WHEN 'high_school' THEN 3 WHEN 'junior_high' THEN 2 "
    "WHEN 'primary' THEN 1 ELSE 0 END"
)
BANDS = [(None, 35), (36, 45), (46, 50), (51, 55), (56, 60), (61, None)]
EDUCATION = [
    "postgraduate",
    "bachelor",
    "college",
    "vocational",
    "high_school",
    "junior_high",
    "primary",
]
POLITICAL = ["party_member", "probationary", "league", "democratic", "masses", ""]


def floor_sql() -> str:
    """Every figure of every scope of a term and of its previous term, in one statement."""

    def pct(condition):
        return f"ROUND(100.0 * COUNT(*) FILTER (WHERE {condition}) / COUNT(*), 2)"

    figures = [
        "COUNT(*)",
        "ROUND(AVG(age), 2)",
        pct("age <= 35"),
        pct("age <= 45"),
        pct("age <= 50"),
        pct("rank >= 5"),
        pct("rank_ft >= 6"),
        pct("gender = 'F'"),
        pct("special"),
    ]
    for low, high in BANDS:
        figures.append(
            pct(
                " AND ".join(
                    ([f"age >= {low}"] if low else []) + ([f"age <= {high}"] if high else [])
                )
            )
        )
    figures += [pct(f"rank = {7 - i}") for i in range(7)] + [pct("rank = 0")]
    figures += [pct(f"political_status = '{p}'") for p in POLITICAL]
    return f"""
WITH seats AS (
    SELECT term_id, village_id, person_id, body, post FROM elections_seat
    WHERE ended_on IS NULL AND term_id IN (%(cur)s, %(prev)s)
      AND body IN ('party', 'villagers')
), party AS (
    SELECT term_id, village_id, person_id, bool_or(post = 'secretary') AS sec
    FROM seats WHERE body = 'party' GROUP BY 1, 2, 3
), villagers AS (
    SELECT term_id, village_id, person_id, bool_or(post = 'director') AS dir
    FROM seats WHERE body = 'villagers' GROUP BY 1, 2, 3
), members AS (
    SELECT term_id, village_id, person_id,
           p.person_id IS NOT NULL AND v.person_id IS NOT NULL AS both_,
           COALESCE(p.sec, false) AS sec, COALESCE(v.dir, false) AS dir
    FROM party p FULL JOIN villagers v USING (term_id, village_id, person_id)
), pop AS (
    SELECT term_id, village_id, person_id, 'members' AS pop, both_ AS special FROM members
    UNION ALL
    SELECT term_id, village_id, person_id, 'secretaries', dir FROM members WHERE sec
), x AS (
    SELECT pop.term_id, pop.pop, COALESCE(v.merged_into_id, v.id) AS vkey, t.id AS tkey,
           c.code AS ckey, EXTRACT(YEAR FROM age(%(ref)s::date, p.birth_date))::int AS age,
           {RANK.format(col="p.education_fulltime")} AS rank_ft,
           GREATEST({RANK.format(col="p.education_fulltime")},
                    {RANK.format(col="p.education_inservice")}) AS rank,
           p.gender, p.political_status, pop.special
    FROM pop
    JOIN people_person p ON p.id = pop.person_id
    JOIN registry_village v ON v.id = pop.village_id
    LEFT JOIN registry_village m ON m.id = v.merged_into_id
    JOIN registry_township t ON t.id = COALESCE(m.township_id, v.township_id)
    JOIN registry_county c ON c.id = t.county_id
)
SELECT term_id, pop, vkey, tkey, ckey, SUBSTR(ckey, 1, 4), SUBSTR(ckey, 1, 2),
       {", ".join(figures)}
FROM x
GROUP BY term_id, pop, GROUPING SETS (
    (vkey), (tkey), (ckey), (SUBSTR(ckey, 1, 4)), (SUBSTR(ckey, 1, 2)))
"""


def peak_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_of(repeat, action, before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


MEMORY_CHILD = """
import sys, django
sys.path.insert(0, {root!r})
django.setup()
from bench.composition_timing import peak_mb
from composition import counting, coverage, services
from registry.models import Term
# The coverage refresh the recompute queues is a task of its own (run inline without a
# broker): not the recompute's memory, as in (a).
coverage.request_refresh = lambda term_id, county_ids=None: []
term = Term.objects.get(year=2021)
base = peak_mb()
counting.BATCH_ROWS = {batch}
if {nested}:
    from django.db import transaction
    with transaction.atomic():
        services.composition_recompute(term_id=term.pk)
else:
    services.composition_recompute(term_id=term.pk)
print(round(base), round(peak_mb()))
"""


def memory_by_batch() -> None:
    """Peak memory (VmHWM) of a fresh process before and after one full recompute: as the
    task runs it (its own transaction: read on a second connection, one COPY pulling a
    county at a time), and inside a caller's transaction with the writer handed every
    county as it is counted (1), the default batch, and everything at once: what is held
    grows with the batch, not with the province."""
    import subprocess

    for nested, batch in ((False, 5_000), (True, 1), (True, 5_000), (True, 10**9)):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                MEMORY_CHILD.format(root=str(ROOT), batch=batch, nested=nested),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        how = f"in a caller's transaction, batch {batch:>10} rows" if nested else "as the task"
        print(f"{how:<48}: peak memory {out[-1]} MB (after start-up {out[-2]} MB)", flush=True)


def time_pages(args, term) -> None:
    """(d) pages and API through the test client, signed in."""
    from django.test import Client

    from accounts.models import User
    from composition.models import CompositionSnapshot
    from core.access import Role
    from registry.models import County

    county = County.objects.order_by("code").first()
    organizer, _ = User.objects.get_or_create(
        username="bench-organizer", defaults={"role": Role.COUNTY_ORGANIZER, "county": county}
    )
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMIN, "is_superuser": True}
    )
    township = CompositionSnapshot.objects.filter(
        term=term, scope_kind="township", parent_code=county.code
    ).first()
    top = CompositionSnapshot.objects.filter(term=term, scope_kind="province").first()
    pages = [
        (organizer, "/composition/?term=2021"),
        (organizer, "/composition/table/?term=2021"),
        (organizer, f"/composition/table/?term=2021&scope={township.scope_code}"),
        (organizer, "/api/v1/composition/?term=2021"),
        (organizer, "/api/v1/composition/children/?term=2021"),
    ]
    if top:
        pages += [
            (admin, f"/composition/?term=2021&scope={top.scope_code}"),
            (admin, f"/composition/table/?term=2021&scope={top.scope_code}"),
            (admin, f"/api/v1/composition/?term=2021&scope={top.scope_code}"),
        ]
    for user, url in pages:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        d, _runs = median_of(args.repeat * 2, lambda c=client, u=url: c.get(u))
        print(f"(d) {user.username:16} {url}: median {d * 1000:.1f}ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province")
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-split", action="store_true", help="skip timing the database roll-up alone"
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="only the peak memory of one full recompute, in fresh processes, by batch size",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = (
        args.database_url or f"postgres://postgres@127.0.0.1:5432/lty_bench_{args.scale}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")  # (d)
    if args.memory:
        return memory_by_batch()
    import django

    django.setup()
    from django.db import connection, transaction

    from composition import services
    from elections.choices import SeatEndReason
    from elections.models import Seat
    from registry.models import Term, Village

    term = Term.objects.get(year=2021)
    previous = term.previous
    seats = Seat.objects.filter(term=term).count()
    print(
        f"scale={args.scale} villages={Village.objects.count()} seats(2021)={seats} "
        f"repeat={args.repeat}"
    )
    results = {}

    # (b) the floor
    sql = floor_sql()
    params = {"cur": term.pk, "prev": previous.pk, "ref": term.reference_date}

    def floor(jit="on"):
        with connection.cursor() as cursor:
            cursor.execute(f"SET jit = {jit}")
            cursor.execute(sql, params)
            results["floor_rows"] = len(cursor.fetchall())
            cursor.execute("RESET jit")

    # The recompute queues a refresh of the stored training coverage of the counties it
    # touched, run by a worker as its own task (composition.coverage); without a broker it
    # would run inline here and be timed as the recompute's. It is recorded, not run, and
    # timed on its own as (e).
    from composition import coverage

    queued = []
    coverage.request_refresh = lambda term_id, county_ids=None: queued.append(term_id) or []

    # (a) the project's full recompute
    def full():
        results["scopes"] = services.composition_recompute(term_id=term.pk)

    from composition import counting

    def compute_only():  # counting and rolling up, nothing written (a county at a time)
        with transaction.atomic():
            results["computed"] = sum(len(rows) for rows in counting.flat_scopes(term))

    # Interleaved (a, floor with JIT, floor without JIT, a, ...), so that a change in the
    # machine's load weighs on both sides alike. The floor is the faster of its two settings.
    def join():
        results["join_rows"] = counting.fetch_only([term.pk, previous.pk])

    runs = {"a": [], "j": [], "b_jit": [], "b_nojit": []}
    peaks = {}
    for _ in range(args.repeat):
        for key, action in (
            ("a", full),
            ("j", join),
            ("b_jit", lambda: floor("on")),
            ("b_nojit", lambda: floor("off")),
        ):
            started = time.perf_counter()
            action()
            runs[key].append(time.perf_counter() - started)
            peaks.setdefault(key, peak_mb())
    a, a_all = statistics.median(runs["a"]), runs["a"]
    j = statistics.median(runs["j"])
    print(
        f"(a) full recompute: median {a:.3f}s  runs {[round(t, 3) for t in a_all]}  "
        f"scopes={results['scopes']}  peak memory so far {peaks['a']:.0f} MB",
        flush=True,
    )
    print(
        f"(j) the bare join, fetched: median {j:.3f}s  runs {[round(t, 3) for t in runs['j']]}"
        f"  rows={results['join_rows']}  peak memory so far {peaks['j']:.0f} MB"
    )
    print(f"    ratio (a)/(j) = {a / j:.2f}  (goal <= 3)", flush=True)
    b_jit, b_nojit = statistics.median(runs["b_jit"]), statistics.median(runs["b_nojit"])
    b = min(b_jit, b_nojit)
    b_all = runs["b_jit"] if b == b_jit else runs["b_nojit"]
    print(
        f"(b) floor, one SQL statement: median {b:.3f}s  runs {[round(t, 3) for t in b_all]}"
        f"  rows={results['floor_rows']}  (JIT on {b_jit:.3f}s, off {b_nojit:.3f}s)"
    )
    print(f"    ratio (a)/(b) = {a / b:.2f}  peak memory so far {peak_mb():.0f} MB", flush=True)
    a1 = None if args.no_split else median_of(args.repeat, compute_only)[0]
    if a1 is not None:
        print(
            f"    of (a): reading and counting alone (composition.counting.flat_scopes, one "
            f"connection): median {a1:.3f}s, {a1 / j:.2f}x (j); the rest is storing "
            f"{results['scopes']} snapshot rows (DELETE, COPY of jsonb counters, ANALYZE)"
        )

    # (c) one village's result changes: end and restore one member's seat in turn
    village = Village.objects.order_by("pk")[777]
    seat = Seat.objects.filter(term=term, village=village, post="member").first()
    state = {"ended": False}

    def change():
        state["ended"] = not state["ended"]
        Seat.objects.filter(pk=seat.pk).update(
            ended_on=dt.date(2022, 1, 1) if state["ended"] else None,
            end_reason=SeatEndReason.RESIGNATION if state["ended"] else "",
        )

    def incremental():
        results["touched"] = services.composition_recompute(
            term_id=term.pk, village_ids=[village.pk]
        )

    c, c_all = median_of(args.repeat * 2, incremental, before=change)
    if state["ended"]:
        change()
        incremental()
    print(
        f"(c) after one village changes: median {c * 1000:.1f}ms  scopes touched="
        f"{results['touched']}  (a)/(c) = {a / c:.0f}x",
        flush=True,
    )

    e, e_all = median_of(args.repeat, lambda: coverage.refresh_term(term.pk))
    print(
        f"(e) the coverage refresh each recompute queues (its own task on a worker, "
        f"{len(queued)} queued here): refresh of every county of the term: median {e:.3f}s  "
        f"runs {[round(t, 3) for t in e_all]}",
        flush=True,
    )

    time_pages(args, term)
    print(f"peak memory of this process: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
