"""The documented backup (pg_dump -Fc) restores into a fresh database with every record,
and the ID numbers read back only with the encryption keys that were backed up too."""

import os
import subprocess
import uuid

import psycopg2
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings

from people.models import Person
from tests.factories import PersonFactory, VillageFactory

pytestmark = pytest.mark.integration  # slow: a dump and a restore (PostgreSQL only)


def pg_env(db):
    env = dict(os.environ)
    env.update(
        PGHOST=db["HOST"] or "127.0.0.1",
        PGPORT=str(db["PORT"] or 5432),
        PGUSER=db["USER"] or "postgres",
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def table_counts(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def test_dump_restores_into_a_fresh_database_with_every_record(postgres, village, official):
    for n in range(3):
        VillageFactory(township=village.township, code=f"14102810030{n}", name=f"备份村{n}")
    people = [PersonFactory(village=village, name=f"备份人{n}") for n in range(25)]
    people[0].name = "改过名"
    people[0].save()
    tables = [m._meta.db_table for m in apps.get_models() if m._meta.managed]
    from django.db import connection

    with connection.cursor() as cursor:
        before = table_counts(cursor, tables)
    env = pg_env(postgres)
    fresh = f"lty_restore_{uuid.uuid4().hex[:8]}"
    dump = f"/tmp/{fresh}.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", dump, postgres["NAME"]], env=env, check=True)
    subprocess.run(["createdb", fresh], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", fresh, dump], env=env, check=True
        )
        restored = psycopg2.connect(
            dbname=fresh,
            host=env["PGHOST"],
            port=env["PGPORT"],
            user=env["PGUSER"],
            password=env.get("PGPASSWORD"),
        )
        with restored, restored.cursor() as cursor:
            after = table_counts(cursor, tables)
            cursor.execute("SELECT name, id_number_encrypted FROM people_person ORDER BY id")
            rows = cursor.fetchall()
        restored.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", fresh], env=env, check=True)
        os.unlink(dump)
    assert after == before
    assert before["people_person"] == 25 and before["people_historicalperson"] >= 26
    names = {name for name, _ in rows}
    assert "改过名" in names and {f"备份人{n}" for n in range(1, 25)} <= names
    # The restored ciphertext opens with the backed-up keys, and with no other key.
    keys = Fernet(settings.ID_ENCRYPTION_KEYS[0].encode())
    numbers = {keys.decrypt(token.encode()).decode() for _, token in rows}
    assert numbers == {p.id_number for p in Person.objects.all()}
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(rows[0][1].encode())
