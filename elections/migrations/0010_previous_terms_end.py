"""Term succession for the data already there: every certified election ends the previous
term's seats of its body in its village (and the villages merged into it) that are still
held, on the election's day, reason 换届 — what `election_certify` now does — with a history
row for each seat."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

NOTE = "%(year)s 年届选举结果审核确认，换届离任"


def _history(HistoricalSeat, seat, when):
    fields = {
        f.attname: getattr(seat, f.attname)
        for f in seat._meta.concrete_fields
        if f.attname != "updated_at"
    }
    HistoricalSeat.objects.create(
        **fields,
        history_date=when,
        history_type="~",
        history_change_reason="换届",
        history_user_id=None,
    )


def forwards(apps, schema_editor):
    Election = apps.get_model("elections", "Election")
    Seat = apps.get_model("elections", "Seat")
    HistoricalSeat = apps.get_model("elections", "HistoricalSeat")
    Term = apps.get_model("registry", "Term")
    terms = list(Term.objects.order_by("year").values_list("pk", "year"))
    previous = {pk: terms[i - 1][0] for i, (pk, _year) in enumerate(terms) if i}
    year = dict(terms)
    now = timezone.now()
    certified = Election.objects.filter(state="certified").order_by("term__year", "held_on", "pk")
    for election in certified.iterator():
        before = previous.get(election.term_id)
        if before is None:
            continue
        seats = Seat.objects.filter(
            Q(village_id=election.village_id) | Q(village__merged_into_id=election.village_id),
            term_id=before,
            body=election.body,
            ended_on__isnull=True,
        )
        for seat in seats:
            ended_on = election.held_on
            if seat.started_on and seat.started_on > ended_on:
                ended_on = seat.started_on
            seat.ended_on, seat.end_reason = ended_on, "term_end"
            seat.end_note = NOTE % {"year": year[election.term_id]}
            seat.updated_at = now
            seat.save(update_fields=["ended_on", "end_reason", "end_note", "updated_at"])
            _history(HistoricalSeat, seat, now)


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0009_seat_end_reason_term_end"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
