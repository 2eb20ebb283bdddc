"""Time the roster import (花名册) of 100,000 rows against a plain PostgreSQL COPY of them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_bench_roster \\
        .venv/bin/python bench/roster_import.py [--rows 100000]

Creates (or empties) the scratch database, migrates it, creates the townships, villages and
the 2018 and 2021 terms the roster names, writes bench/out/roster-<rows>.xlsx and the same
rows as bench/out/roster-<rows>.csv (UTF-8), then times, in one process:

1. the floor: the same rows COPYed into a plain, unindexed table (median of three);
2. reading the file (core.spreadsheets.read_bytes: calamine + cleaning every cell), for the
   .xlsx and for the .csv (both must give the same rows);
3. elections.importers.import_roster (every check, people written with encrypted ID numbers
   and history, seats with history, seats_changed sent) — the path of `manage.py
   import_roster` and of the upload page's background job;
4. what the database alone costs for those writes: the rows the import wrote, COPYed again
   into the real tables (their indexes, unique constraints and foreign-key checks);
   3 and 4 in `--repeat` pairs (3; the tables emptied before each import), medians, with
   the import's CPU split into Python's and the database's;
5. shares of the import measured on their own: Fernet encryption of every new person's ID
   number, ID-number checks, digests;
6. a re-import of the same file (nothing to change).

Prints the figures, their ratios to the plain COPY and the two ratios issue 17 §1 sets
(the import ÷ the database's own writes; the whole xlsx path ÷ the import); never run by the test suite (docs/performance.md).
"""

import argparse
import csv
import datetime as dt
import io
import os
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lty_bench_roster"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐冯"
GIVEN = "建国志强伟明海军红梅丽娟秀英文华永平小燕晓东春霞玉兰金凤德福"
EDUCATION = ["大学本科", "大学专科", "中专", "高中", "初中"]
HEADER = [
    "乡镇",
    "村(社区)",
    "届次",
    "组织",
    "职务",
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "民族",
    "全日制学历",
    "在职学历",
    "政治面貌",
    "联系电话",
]
# Per village and term: party committee 4 seats, villagers' committee 6; the secretary is
# the director (one-shoulder) and one member sits on both: 10 rows, 8 people.
PARTY = ["书记", "副书记", "委员", "委员"]
VILLAGERS = ["主任", "副主任", "委员", "委员", "委员", "委员"]


def prepare_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone():
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            cur.execute(f'DROP DATABASE "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def id_number(birth: dt.date, serial: int, female: bool) -> str:
    from stdnum.cn import ric

    area = "142630" if birth.year < 2000 else "141028"
    sequence = serial % 500 * 2 + (0 if female else 1)
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def build_registry(villages_needed: int):
    """Townships of 100 villages each, and the two terms (bulk, not timed)."""
    from registry.models import County, Term, Township, Village

    county = County.objects.create(code="141028", name="吉县")
    townships = Township.objects.bulk_create(
        [
            Township(county=county, code=f"141028{100 + index:03d}", name=f"第{index + 1}镇")
            for index in range((villages_needed + 99) // 100)
        ]
    )
    villages = []
    for township in townships:
        for number in range(100):
            if len(villages) == villages_needed:
                break
            villages.append(
                Village(
                    township=township,
                    code=f"{township.code}{200 + number:03d}",
                    name=f"{township.name}{number + 1}村",
                )
            )
    Village.objects.bulk_create(villages)
    Term.objects.bulk_create(
        [
            Term(
                year=2018,
                reference_date=dt.date(2018, 5, 31),
                starts_on=dt.date(2018, 5, 1),
                ends_on=dt.date(2021, 4, 30),
            ),
            Term(
                year=2021,
                reference_date=dt.date(2021, 4, 30),
                starts_on=dt.date(2021, 5, 1),
                ends_on=dt.date(2026, 4, 30),
            ),
        ]
    )
    return townships, list(Village.objects.select_related("township"))


def roster_rows(rows: int, villages, rng: random.Random):
    """One row per seat; the same people serve both terms in half of the villages."""
    out, serial, used = [], 0, set()
    for village in villages:
        teams = {}
        for year in (2018, 2021):
            if year == 2021 and rng.random() < 0.5:
                teams[year] = teams[2018]
                continue
            people = []
            for _ in range(8):
                while True:
                    serial += 1
                    female = rng.random() < 0.3
                    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))
                    number = id_number(birth, serial, female)
                    if number not in used:
                        used.add(number)
                        break
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                people.append(
                    (name, number, "女" if female else "男", birth, rng.choice(EDUCATION))
                )
            teams[year] = people
        for year, people in teams.items():
            party = list(zip(PARTY, people[:4], strict=True))
            # one-shoulder: the secretary directs; people[3] is cross-serving
            villagers = list(
                zip(VILLAGERS, [people[0], people[4], people[3], *people[5:8]], strict=True)
            )
            for body, seats in (("党支部", party), ("村委会", villagers)):
                for post, (name, number, gender, birth, education) in seats:
                    out.append(
                        [
                            village.township.name,
                            village.name,
                            year,
                            body,
                            post,
                            name,
                            number,
                            gender,
                            birth.isoformat(),
                            "汉族",
                            education,
                            "",
                            "中共党员",
                            f"138{serial % 100000000:08d}",
                        ]
                    )
                    if len(out) == rows:
                        return out
    return out


def write_xlsx(path: Path, rows) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


class Clock:
    """Wall time, and CPU time of this process (and the child that parses an upload) plus
    its PostgreSQL backend (read from /proc: the database runs on this machine). On a shared machine the CPU seconds move less with
    the other work than the wall seconds do."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (self.backend,) = cursor.fetchone()
        self.tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu(self) -> float:
        try:
            with open(f"/proc/{self.backend}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime
        except OSError:
            return 0.0

    @staticmethod
    def client_cpu() -> float:
        """This process and its finished children: an upload is parsed in a child process
        (core.sandbox), whose CPU process_time() does not count."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def cpu(self) -> float:
        return self.client_cpu() + self.backend_cpu()

    def measure(self, work):
        """(result, Span) of work()."""
        wall, client, backend = time.perf_counter(), self.client_cpu(), self.backend_cpu()
        result = work()
        client, backend = self.client_cpu() - client, self.backend_cpu() - backend
        return result, Span(time.perf_counter() - wall, client + backend, client)


@dataclass
class Span:
    wall: float
    cpu: float
    client: float = 0.0  # of `cpu`, this process's (Python's) share; the rest is the database's


def median_span(spans) -> Span:
    return Span(
        statistics.median(s.wall for s in spans),
        statistics.median(s.cpu for s in spans),
        statistics.median(s.client for s in spans),
    )


def copy_floor(clock: Clock, rows, runs: int = 3) -> Span:
    """COPY the same rows into a plain table (no checks, no encryption, no history)."""
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(value) for value in row) + "\n")
    spans = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("DROP TABLE IF EXISTS bench_roster_copy")
            cursor.execute(
                "CREATE TABLE bench_roster_copy (township text, village text, term int,"
                " body text, post text, name text, id_number text, gender text,"
                " birth_date date, ethnicity text, education_fulltime text,"
                " education_inservice text, political_status text, phone text)"
            )
            buffer.seek(0)
            spans.append(
                clock.measure(
                    lambda: cursor.cursor.copy_expert("COPY bench_roster_copy FROM STDIN", buffer)
                )[1]
            )
        cursor.execute("DROP TABLE bench_roster_copy")
    return median_span(spans)


WRITTEN = (
    "people_person",
    "people_historicalperson",
    "elections_seat",
    "elections_historicalseat",
)


def copy_written_again(clock: Clock) -> Span:
    """The database's share: the rows the import wrote, COPYed back into the same tables
    (emptied first), with their indexes, unique constraints and deferred foreign-key checks,
    committed. No Python work per row at all."""
    from django.db import connection, transaction

    dumps = {}
    with connection.cursor() as cursor:
        for table in WRITTEN:
            dumps[table] = io.StringIO()
            cursor.cursor.copy_expert(f"COPY {table} TO STDOUT", dumps[table])
    with transaction.atomic(), connection.cursor() as cursor:
        # emptied apart: TRUNCATE recreates the files of every table it cascades to
        cursor.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")

    def copy_back():
        with transaction.atomic(), connection.cursor() as cursor:
            for table in WRITTEN:
                dumps[table].seek(0)
                cursor.cursor.copy_expert(f"COPY {table} FROM STDIN", dumps[table])

    return clock.measure(copy_back)[1]


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--repeat", type=int, default=3, help="imports, each with its own writes (median)"
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a scratch PostgreSQL database")
    load_before = os.getloadavg()
    prepare_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.policy import SYSTEM
    from core.spreadsheets import read_bytes
    from elections import importers
    from elections.models import Seat
    from elections.signals import seats_changed
    from people import idnumbers
    from people.models import Person

    # The statistics recompute that follows a real import is not part of the import path.
    seats_changed.disconnect(dispatch_uid="composition_seats_changed")
    rng = random.Random(args.seed)
    villages_needed = (args.rows + 19) // 20
    _, villages = build_registry(villages_needed)
    rows = roster_rows(args.rows, villages, rng)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"roster-{len(rows)}.xlsx"
    write_xlsx(path, rows)
    csv_path = path.with_suffix(".csv")
    write_csv(csv_path, rows)
    content, csv_content = path.read_bytes(), csv_path.read_bytes()
    print(
        f"roster: {len(rows):,} rows, {len(villages):,} villages, "
        f"{path.stat().st_size / 1e6:.1f} MB xlsx, {csv_path.stat().st_size / 1e6:.1f} MB csv"
    )
    # Loaded once per process (a worker keeps it): stdnum's area-code table, ~0.3 s.
    idnumbers.parse_id_number(rows[0][6])
    clock = Clock()
    spans: dict[str, tuple[Span, str]] = {}

    spans["COPY into a plain table (floor)"] = (copy_floor(clock, rows), "median of 3")
    sheet, span = clock.measure(lambda: read_bytes(content, path.name, importers.COLUMNS))
    spans["read + clean the xlsx"] = (span, "")
    csv_sheet, span = clock.measure(
        lambda: read_bytes(csv_content, csv_path.name, importers.COLUMNS)
    )
    spans["read + clean the csv"] = (span, "")
    assert [r.values for r in csv_sheet.rows] == [r.values for r in sheet.rows]
    assert not sheet.errors and not csv_sheet.errors
    del csv_sheet

    # The import and the database's own writes of its rows, in pairs (the tables emptied
    # before each import): their medians, and the ratio of each pair.
    imports, owns = [], []
    for attempt in range(args.repeat):
        if attempt:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(WRITTEN)} CASCADE")
        with CaptureQueriesContext(connection) as queries:
            result, span = clock.measure(lambda: importers.import_roster(sheet, actor=SYSTEM))
        assert result.ok, result.errors[:5]
        imports.append(span)
        seats, people = Seat.objects.count(), Person.objects.count()
        owns.append(copy_written_again(clock))
        assert Seat.objects.count() == seats and Person.objects.count() == people
    copies = sum(1 for query in queries if query["sql"].startswith("COPY"))
    span = median_span(imports)
    pairs = f"median of {args.repeat}; " if args.repeat > 1 else ""
    spans["import_roster (checks + save)"] = (
        span,
        f"{pairs}{len(queries)} statements ({copies} COPY), {seats:,} seats, {people:,} people;"
        f" CPU: Python {span.client:.2f}s, database {span.cpu - span.client:.2f}s",
    )
    spans["  the database's own writes"] = (
        median_span(owns),
        f"{pairs}same rows COPYed again",
    )

    numbers = sorted({row[6] for row in rows})
    batched = hasattr(idnumbers, "digest_many")  # the code before 2026-12-06 had none
    for label, work in (
        (
            f"  Fernet, {len(numbers):,} ID numbers",
            lambda: [idnumbers.encrypt(n) for n in numbers],
        ),
        (
            f"  ID checks, {len(numbers):,} numbers",
            lambda: [idnumbers.parse_id_number(n) for n in numbers],
        ),
        (
            f"  HMAC digests, {len(numbers):,} numbers",
            (lambda: idnumbers.digest_many(numbers))
            if batched
            else (lambda: [idnumbers.digest(n) for n in numbers]),
        ),
    ):
        spans[label] = (clock.measure(work)[1], "apart, as the import does it")

    def reimport():
        return importers.import_roster(
            read_bytes(content, path.name, importers.COLUMNS), actor=SYSTEM
        )

    again, span = clock.measure(reimport)
    spans["re-import of the xlsx, nothing to change"] = (span, "read + checks")
    assert again.ok and again.seats_created == 0 and Seat.objects.count() == seats
    load_after = os.getloadavg()

    floor = spans["COPY into a plain table (floor)"][0]
    read_xlsx, read_csv = spans["read + clean the xlsx"][0], spans["read + clean the csv"][0]
    imported = spans["import_roster (checks + save)"][0]
    spans["whole path, xlsx (read + import)"] = (
        Span(read_xlsx.wall + imported.wall, read_xlsx.cpu + imported.cpu),
        "",
    )
    spans["whole path, csv (read + import)"] = (
        Span(read_csv.wall + imported.wall, read_csv.cpu + imported.cpu),
        "",
    )
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{'':<44}{'wall':>9} {'x COPY':>7} {'CPU':>9} {'x COPY':>7}")
    for label, (span, note) in spans.items():
        print(
            f"{label:<44}{span.wall:8.2f}s {span.wall / floor.wall:7.1f}"
            f" {span.cpu:8.2f}s {span.cpu / floor.cpu:7.1f}  {note}"
        )
    # Issue 17 §1: the import's floor is the database's own writes of the rows it stores
    # (the real tables, their constraints, COPY, no Python); the xlsx path is the import
    # plus reading the file.
    own = spans["  the database's own writes"][0]
    whole = spans["whole path, xlsx (read + import)"][0]
    print(
        f"import / the database's own writes: wall {imported.wall / own.wall:.2f}, "
        f"CPU {imported.cpu / own.cpu:.2f}  (goal <= 1.3)"
    )
    if args.repeat > 1:
        print(
            "  pair by pair: wall "
            + ", ".join(f"{i.wall / o.wall:.2f}" for i, o in zip(imports, owns, strict=True))
            + "; CPU "
            + ", ".join(f"{i.cpu / o.cpu:.2f}" for i, o in zip(imports, owns, strict=True))
        )
    print(
        f"whole xlsx path / import: wall {whole.wall / imported.wall:.2f}, "
        f"CPU {whole.cpu / imported.cpu:.2f}  (goal <= 1.5)"
    )


if __name__ == "__main__":
    main()
