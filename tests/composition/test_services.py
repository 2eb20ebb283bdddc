"""Recompute: full, incremental (one village), idempotent; requests coalesce."""

import datetime as dt

from composition.models import CompositionSnapshot, RecomputeRequest
from composition.services import composition_recompute, composition_request_recompute
from elections.choices import SeatEndReason
from elections.models import Seat
from elections.signals import seats_changed


def stored(term):
    return {
        (r.scope_kind, r.scope_code, r.metric): r.value
        for r in CompositionSnapshot.objects.filter(term=term)
    }


def county_members(term):
    return CompositionSnapshot.objects.get(term=term, scope_code="141028").figures["members"]


def test_recompute_is_idempotent(small_county):
    composition_recompute(term_id=small_county.t2021.pk)
    first = stored(small_county.t2021)
    composition_recompute(term_id=small_county.t2021.pk)
    assert stored(small_county.t2021) == first
    # 4 active villages (the merged one has none), 2 townships, 1 county; one row each
    assert len(first) == 4 + 2 + 1


def _end_secretary(village, term):
    seat = Seat.objects.get(village=village, term=term, post="secretary")
    seat.ended_on, seat.end_reason = dt.date(2022, 1, 1), SeatEndReason.RESIGNATION
    seat.save()


def test_incremental_equals_full(small_county, django_assert_max_num_queries):
    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    _end_secretary(small_county.v1, term)
    with django_assert_max_num_queries(20):
        written = composition_recompute(term_id=term.pk, village_ids=[small_county.v1.pk])
    assert written == 3  # the village, its township, the county
    incremental = stored(term)
    composition_recompute(term_id=term.pk)
    full = stored(term)
    assert incremental == full
    # 东关村's secretary stays its director: still a member, no longer cross-serving.
    assert county_members(term)["count"] == 8
    assert county_members(term)["cross_serving"]["count"] == 0


def test_incremental_for_a_village_merged_away(small_county):
    """A change to the merged village's old team lands on the village it went into."""
    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    _end_secretary(small_county.v4, small_county.t2018)
    composition_recompute(term_id=term.pk, village_ids=[small_county.v4.pk])
    incremental = stored(term)
    composition_recompute(term_id=term.pk)
    assert incremental == stored(term)


def test_seat_change_queues_one_recompute_after_commit(
    small_county, django_capture_on_commit_callbacks
):
    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _end_secretary(small_county.v1, term)
        seats_changed.send(sender=None, term_ids={term.pk}, village_ids={small_county.v1.pk})
    assert county_members(term)["cross_serving"]["count"] == 1  # nothing before the commit
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the commit: the request is recorded, the (eager) task runs
    assert county_members(term)["cross_serving"]["count"] == 0
    assert not RecomputeRequest.objects.exists()


def test_burst_of_requests_coalesces(small_county, django_capture_on_commit_callbacks):
    term = small_county.t2021
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for village in (small_county.v1, small_county.v2, small_county.v3):
            composition_request_recompute(term_ids={term.pk}, village_ids={village.pk})
    request = RecomputeRequest.objects.get(term=term)
    assert request.version == 3
    assert sorted(request.village_ids) == sorted(
        [small_county.v1.pk, small_county.v2.pk, small_county.v3.pk]
    )
    assert len(callbacks) == 1  # one task queued for the burst


def test_change_to_previous_term_also_queues_the_next_term(small_county):
    queued = composition_request_recompute(term_ids={small_county.t2018.pk})
    assert set(queued) == {small_county.t2018.pk, small_county.t2021.pk}


def test_person_edit_recomputes_their_terms(small_county, django_capture_on_commit_callbacks):
    term = small_county.t2021
    composition_recompute(term_id=term.pk)
    person = small_county.p9
    with django_capture_on_commit_callbacks(execute=True):
        person.gender = "F"
        person.save()
    assert county_members(term)["female"]["count"] == 4


def test_pending_request_is_shown(client, organizer, small_county):
    composition_recompute(term_id=small_county.t2018.pk)
    composition_recompute(term_id=small_county.t2021.pk)
    composition_request_recompute(term_ids={small_county.t2021.pk})  # not executed: no commit
    client.force_login(organizer)
    for url in ("/composition/?term=2021", "/composition/table/?term=2021"):
        assert "正在重新计算" in client.get(url).content.decode(), url
    settled = client.get("/composition/?term=2018")
    assert settled.status_code == 200 and "已是最新" in settled.content.decode()


def test_counters_are_written_as_the_json_they_are():
    import json

    from composition import figures
    from composition.services import _counters_json

    counters = figures.empty()
    counters["cur"]["mem"][0], counters["prev"]["sec"][3] = 12, 7
    assert json.loads(_counters_json(counters)) == counters


def test_one_transactions_changes_go_to_one_outbox_row(
    small_county, django_capture_on_commit_callbacks
):
    """Every seat change of a transaction extends one outbox row written in it; after the
    commit the row becomes one request per term and is gone."""
    from django.db import transaction

    from composition.models import RecomputeOutbox

    term = small_county.t2021
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            for village in (small_county.v1, small_county.v2):
                seats_changed.send(sender=None, term_ids={term.pk}, village_ids={village.pk})
            seats_changed.send(sender=None, term_ids={small_county.t2018.pk})
    (row,) = RecomputeOutbox.objects.all()
    assert row.whole == [small_county.t2018.pk]
    assert row.villages == {str(term.pk): sorted([small_county.v1.pk, small_county.v2.pk])}
    assert not RecomputeRequest.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert not RecomputeOutbox.objects.exists()
    assert set(RecomputeRequest.objects.values_list("term_id", flat=True)) == {
        small_county.t2018.pk,
        term.pk,
    }
    assert RecomputeRequest.objects.get(term=small_county.t2018).village_ids is None


def test_a_rolled_back_change_leaves_no_outbox_row(small_county):
    from django.db import transaction

    from composition.models import RecomputeOutbox

    term = small_county.t2021

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            seats_changed.send(sender=None, term_ids={term.pk}, village_ids={small_county.v1.pk})
            raise Undo
    except Undo:
        pass
    assert not RecomputeOutbox.objects.exists()
    with transaction.atomic():  # the next transaction starts a row of its own
        seats_changed.send(sender=None, term_ids={term.pk}, village_ids={small_county.v2.pk})
    assert RecomputeOutbox.objects.get().villages == {str(term.pk): [small_county.v2.pk]}


def test_an_outbox_row_left_behind_is_flushed_by_the_requeue(small_county):
    """A process that died between its commit and the flush leaves its row: the periodic
    requeue turns it into requests."""
    from composition.models import RecomputeOutbox
    from composition.services import composition_requeue_pending

    RecomputeOutbox.objects.create(token="left-behind", whole=[small_county.t2021.pk])
    RecomputeOutbox.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    composition_requeue_pending()
    assert not RecomputeOutbox.objects.exists()
    assert RecomputeRequest.objects.filter(term=small_county.t2021).exists() or (
        CompositionSnapshot.objects.filter(term=small_county.t2021).exists()
    )
