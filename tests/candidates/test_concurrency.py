"""Two reviewers deciding the same candidacy at the same moment: exactly one lands.

The truly concurrent variant needs row locks (PostgreSQL); the version check itself is
tested everywhere in test_services.py."""

import threading

import pytest
from django.db import connection, connections

from candidates import services
from candidates.choices import Outcome, Stage
from candidates.models import Candidacy, Decision
from core.access import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_threads_one_decision(candidacy, official, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, username="colleague")
    version = candidacy.version
    barrier = threading.Barrier(2)
    results = {}

    def decide(name, actor, outcome):
        try:
            barrier.wait(timeout=10)
            services.candidacy_decide(
                candidacy=Candidacy.objects.get(pk=candidacy.pk),
                outcome=outcome,
                expected_version=version,
                actor=actor,
                reason="不合适",
            )
            results[name] = "landed"
        except services.CandidacyConflict as exc:
            results[name] = f"conflict: {exc}"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("a", official, Outcome.PASS)),
        threading.Thread(target=decide, args=("b", colleague, Outcome.REJECT)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.split(":")[0] for r in results.values()) == ["conflict", "landed"]
    assert Decision.objects.count() == 1
    candidacy.refresh_from_db()
    assert candidacy.version == version + 1
    assert candidacy.stage in (Stage.PRELIMINARY_REVIEW, Stage.REJECTED)
