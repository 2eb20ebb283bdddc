"""Real concurrent transactions on PostgreSQL (threads, each with its own connection): two
officials saving one person at once — one wins, the other gets a clean conflict."""

import threading

import pytest
from django.db import connection

from people.models import Person
from people.services import PersonConflict, person_update
from tests.factories import PersonFactory

pytestmark = pytest.mark.integration


def run_together(*jobs):
    """Start every job at the same moment in its own thread (and DB connection)."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_officials_editing_one_person(postgres, official, make_user, village):
    from core.access import Role

    colleague = make_user(Role.TOWNSHIP_OFFICIAL, username="colleague")
    person = PersonFactory(village=village, name="原名")
    version = person.version

    def edit(actor, name):
        return lambda: person_update(
            person=Person.objects.get(pk=person.pk),
            actor=actor,
            expected_version=version,
            name=name,
        )

    for round_ in range(5):  # several races, so that the outcome is not luck
        results = run_together(edit(official, f"甲{round_}"), edit(colleague, f"乙{round_}"))
        winners = [r for r in results if isinstance(r, Person)]
        losers = [r for r in results if isinstance(r, PersonConflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "已被他人修改" in str(losers[0])
        person.refresh_from_db()
        assert person.name == winners[0].name and person.version == version + 1
        assert person.history.filter(name=winners[0].name).count() == 1
        version = person.version
