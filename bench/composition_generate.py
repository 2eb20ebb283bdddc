"""Write a synthetic province or nation straight into PostgreSQL with COPY (benchmark data).

    .venv/bin/python bench/composition_generate.py --scale province
    .venv/bin/python bench/composition_generate.py --scale nation

Creates (or empties) the database lty_bench_<scale> on the local server (override with
--database-url), migrates it, and fills counties, townships, villages, the 2018 and 2021
terms, people and seats (party and villagers' committees). Deterministic (--seed).

People rows carry ONE precomputed ciphertext of a valid ID number (encrypting millions of
numbers would time Fernet, not the statistics) and unique synthetic digests; the figures
never read either column. Never run by the test suite; see docs/performance.md.
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

# (provinces, prefectures per province, counties per prefecture, townships per county,
#  villages per township)
SCALES = {
    "province": (1, 11, 11, 12, 14),  # 20,328 villages, ~130,000 members per term
    "nation": (31, 11, 8, 13, 14),  # 496,496 villages, ~3.2 million members per term
}
EDUCATION = [
    "postgraduate",
    "bachelor",
    "college",
    "vocational",
    "high_school",
    "junior_high",
    "primary",
]
POLITICAL = ["party_member", "probationary", "league", "democratic", "masses"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐冯"
NOW = "2026-01-01 00:00:00+00"


def database_url(scale: str, explicit: str | None) -> str:
    return explicit or f"postgres://postgres@127.0.0.1:5432/lty_bench_{scale}"


def prepare_database(url: str) -> None:
    """Create the database if needed and migrate it."""
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# The columns the generator writes, by table (bench/pages_every.py copies the same ones).
COLUMNS = {
    "registry_county": ["id", "created_at", "updated_at", "code", "name"],
    "registry_township": ["id", "created_at", "updated_at", "county_id", "code", "name", "kind"],
    "registry_village": [
        "id",
        "created_at",
        "updated_at",
        "township_id",
        "code",
        "name",
        "kind",
        "risk_class",
        "risk_reason",
        "is_active",
    ],  # fmt: skip
    "people_person": [
        "id",
        "created_at",
        "updated_at",
        "name",
        "gender",
        "birth_date",
        "id_number_encrypted",
        "id_number_digest",
        "ethnicity",
        "education_fulltime",
        "education_inservice",
        "political_status",
        "phone",
        "county_id",
        "village_id",
        "version",
    ],  # fmt: skip
    "elections_seat": [
        "id",
        "created_at",
        "updated_at",
        "person_id",
        "village_id",
        "term_id",
        "body",
        "post",
        "started_on",
        "end_reason",
        "end_note",
        "source",
    ],  # fmt: skip
}


class Copier:
    """Buffers rows as tab-separated text and COPYs them in chunks."""

    def __init__(self, cursor, table, columns, depends=(), chunk=200_000):
        self.cursor, self.table, self.columns, self.chunk = cursor, table, columns, chunk
        self.depends = depends  # flushed first, for the foreign keys
        self.buffer, self.pending, self.total = io.StringIO(), 0, 0

    def add(self, *values) -> None:
        self.buffer.write("\t".join("\\N" if v is None else str(v) for v in values))
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= self.chunk:
            self.flush()

    def flush(self) -> None:
        for other in self.depends:
            other.flush()
        if self.pending:
            self.buffer.seek(0)
            self.cursor.copy_expert(
                f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN", self.buffer
            )
            self.total += self.pending
            self.buffer, self.pending = io.StringIO(), 0


def generate(scale: str, seed: int) -> dict:
    from django.db import connection

    from people import idnumbers

    provinces, prefectures, counties, townships, villages = SCALES[scale]
    rng = random.Random(seed)
    ciphertext = idnumbers.encrypt("14102819800615001X")
    started = time.monotonic()
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg2 cursor, for copy_expert
        cur.execute(
            "TRUNCATE composition_compositionsnapshot, composition_recomputerequest, "
            "elections_seat, people_person, registry_village, registry_historicalvillage, "
            "registry_township, registry_county, registry_term RESTART IDENTITY CASCADE"
        )
        cur.execute(
            "INSERT INTO registry_term (id, created_at, updated_at, year, reference_date, "
            "starts_on, ends_on) VALUES "
            f"(1, '{NOW}', '{NOW}', 2018, '2018-04-30', '2018-05-01', '2021-04-30'), "
            f"(2, '{NOW}', '{NOW}', 2021, '2021-04-30', '2021-05-01', '2026-04-30')"
        )
        county_rows = Copier(cur, "registry_county", COLUMNS["registry_county"])
        township_rows = Copier(
            cur, "registry_township", COLUMNS["registry_township"], [county_rows]
        )
        village_rows = Copier(cur, "registry_village", COLUMNS["registry_village"], [township_rows])
        person_rows = Copier(cur, "people_person", COLUMNS["people_person"], [village_rows])
        seat_rows = Copier(cur, "elections_seat", COLUMNS["elections_seat"], [person_rows])
        county_id = township_id = village_id = person_id = seat_id = 0
        for p in range(provinces):
            for f in range(prefectures):
                for c in range(counties):
                    county_id += 1
                    code = f"{11 + p:02d}{1 + f:02d}{1 + c:02d}"
                    county_rows.add(county_id, NOW, NOW, code, f"县{code}")
                    for t in range(townships):
                        township_id += 1
                        tcode = f"{code}{100 + t:03d}"
                        township_rows.add(
                            township_id, NOW, NOW, county_id, tcode, f"镇{tcode[-5:]}", "town"
                        )
                        for v in range(villages):
                            village_id += 1
                            village_rows.add(
                                village_id,
                                NOW,
                                NOW,
                                township_id,
                                f"{tcode}{200 + v:03d}",
                                f"村{village_id}",
                                "village",
                                "general",
                                "",
                                "t",
                            )
                            for term_id, year in ((1, 2018), (2, 2021)):
                                person_id, seat_id = _team(
                                    rng,
                                    person_rows,
                                    seat_rows,
                                    ciphertext,
                                    county_id,
                                    village_id,
                                    term_id,
                                    year,
                                    person_id,
                                    seat_id,
                                )
        for copier in (county_rows, township_rows, village_rows, person_rows, seat_rows):
            copier.flush()
        for table in (
            "registry_county",
            "registry_township",
            "registry_village",
            "people_person",
            "elections_seat",
            "registry_term",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cur.execute("ANALYZE")
    return {
        "villages": village_id,
        "townships": township_id,
        "counties": county_id,
        "people": person_id,
        "seats": seat_id,
        "seconds": round(time.monotonic() - started, 1),
    }


def _team(
    rng, persons, seats, ciphertext, county_id, village_id, term_id, year, person_id, seat_id
):
    """One village's party and villagers' committees for one term."""
    younger = year >= 2021
    started = f"{year}-05-01"

    def person():
        nonlocal person_id
        person_id += 1
        age = int(rng.triangular(25, 66, 44 if younger else 50))
        birth = dt.date(year - age, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        female = rng.random() < (0.28 if younger else 0.18)
        edu = rng.choices(
            EDUCATION, [1, 8, 14, 10, 30, 30, 7] if younger else [0, 3, 8, 10, 35, 35, 9]
        )[0]
        inservice = rng.choice(["", "", "", "college", "bachelor"])
        persons.add(
            person_id,
            NOW,
            NOW,
            rng.choice(SURNAMES) + "某",
            "F" if female else "M",
            birth,
            ciphertext,
            f"{person_id:064x}",
            "汉族",
            edu,
            inservice,
            rng.choices(POLITICAL, [80, 3, 4, 1, 12])[0],
            "",
            county_id,
            village_id,
            1,
        )
        return person_id

    def seat(holder, body, post):
        nonlocal seat_id
        seat_id += 1
        seats.add(
            seat_id, NOW, NOW, holder, village_id, term_id, body, post, started, "", "", "election"
        )

    secretary, b, c = person(), person(), person()
    seat(secretary, "party", "secretary")
    seat(b, "party", "member")
    seat(c, "party", "member")
    if rng.random() < 0.5:
        seat(person(), "party", "member")
    one_shoulder = rng.random() < (0.6 if younger else 0.3)
    seat(secretary if one_shoulder else person(), "villagers", "director")
    seat(person(), "villagers", "deputy_director")
    seat(person(), "villagers", "member")
    if rng.random() < 0.5:
        seat(b, "villagers", "member")  # cross-serving
    if rng.random() < 0.6:
        seat(person(), "villagers", "member")
    return person_id, seat_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    url = database_url(args.scale, args.database_url)
    prepare_database(url)
    print(f"{args.scale}: {url}")
    print(generate(args.scale, args.seed))


if __name__ == "__main__":
    main()
