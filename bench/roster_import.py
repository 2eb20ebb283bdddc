"""Time the roster import (花名册) of 100,000 rows against a plain PostgreSQL COPY of them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lty_bench_roster \\
        .venv/bin/python bench/roster_import.py [--rows 100000]

Creates (or empties) the scratch database, migrates it, creates the townships, villages and
the 2018 and 2021 terms the roster names, writes bench/out/roster-<rows>.xlsx, then times:

1. reading the file (core.spreadsheets.read_bytes: openpyxl + cleaning every cell);
2. elections.importers.import_roster (every check, people upserted with encrypted ID
   numbers and history, seats bulk-created with history, seats_changed sent) — the path of
   `manage.py import_roster`;
3. the same rows COPYed into a plain table (the floor).

Prints the figures and the ratios; never run by the test suite (docs/performance.md).
"""

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
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


def copy_floor(rows) -> float:
    """COPY the same rows into a plain table (no checks, no encryption, no history)."""
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(value) for value in row) + "\n")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_roster_copy")
        cursor.execute(
            "CREATE TABLE bench_roster_copy (township text, village text, term int, body text,"
            " post text, name text, id_number text, gender text, birth_date date,"
            " ethnicity text, education_fulltime text, education_inservice text,"
            " political_status text, phone text)"
        )
        connection.commit() if not connection.get_autocommit() else None
        started = time.perf_counter()
        buffer.seek(0)
        cursor.cursor.copy_expert("COPY bench_roster_copy FROM STDIN", buffer)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_roster_copy")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a scratch PostgreSQL database")
    prepare_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from core.spreadsheets import read_bytes
    from elections import importers
    from elections.models import Seat
    from elections.signals import seats_changed
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
    content = path.read_bytes()
    print(
        f"roster: {len(rows):,} rows, {len(villages):,} villages, "
        f"{path.stat().st_size / 1e6:.1f} MB ({path.relative_to(ROOT)})"
    )

    floor = copy_floor(rows)

    started = time.perf_counter()
    sheet = read_bytes(content, path.name, importers.COLUMNS)
    read_seconds = time.perf_counter() - started
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = importers.import_roster(sheet)
        import_seconds = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    seats, people = Seat.objects.count(), Person.objects.count()

    started = time.perf_counter()
    again = importers.import_roster(read_bytes(content, path.name, importers.COLUMNS))
    reimport_seconds = time.perf_counter() - started
    assert again.ok and again.seats_created == 0 and Seat.objects.count() == seats

    total = read_seconds + import_seconds
    print(f"COPY into a plain table:        {floor:8.2f} s")
    print(f"read + clean the xlsx:          {read_seconds:8.2f} s")
    print(
        f"import_roster (checks + save):  {import_seconds:8.2f} s  "
        f"({len(queries)} queries, {seats:,} seats, {people:,} people)"
    )
    print(f"whole path (read + import):     {total:8.2f} s")
    print(f"re-import, nothing to change:   {reimport_seconds:8.2f} s (read + checks)")
    print(f"ratio import_roster / COPY:     {import_seconds / floor:8.1f} x")
    print(f"ratio whole path / COPY:        {total / floor:8.1f} x")


if __name__ == "__main__":
    main()
