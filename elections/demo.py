"""The demo county's 2018 and 2021 elections, entered, submitted and certified through the
services, so that their post holders (seats) exist for the statistics, training and the pages.

2021 teams are younger and better educated, more often one-shoulder, more cross-serving and
with more women than 2018 ("five rises, one fall"). The village merged in 2020 has a 2018
team only. A few 2021 seats end with a resignation.
"""

import datetime as dt
import math

from core.policy import SYSTEM
from people.choices import Education, Gender, PoliticalStatus
from people.demo import random_person
from people.services import persons_bulk_upsert
from registry.demo import demo_clock
from registry.models import Village

from . import services
from .choices import Body, Post, SeatEndReason
from .models import Seat
from .services import CandidateInput

EXTRA_PEOPLE_PER_VILLAGE = 14
PROFILE = {
    # one-shoulder share, cross-serving members beyond the secretary, woman share, sizes;
    # the age the electors favour (members, secretaries) and how much schooling and being
    # a woman weigh. 2021 teams: younger, better schooled, more women, mostly one-shoulder.
    2018: {
        "one_shoulder": 0.3,
        "cross": (0, 1),
        "woman": 0.7,
        "party": (3, 4),
        "vc": (3, 5),
        "age": 51,
        "secretary_age": 50,
        "schooling": 1.0,
        "woman_weight": -7,
    },
    2021: {
        "one_shoulder": 0.85,
        "cross": (1, 3),
        "woman": 0.95,
        "party": (3, 5),
        "vc": (4, 7),
        "age": 41,
        "secretary_age": 45,
        "schooling": 2.0,
        "woman_weight": -2,
    },
}


def build(ctx):
    if not getattr(ctx, "fresh", True) or not getattr(ctx, "villages", None):
        return
    rng = ctx.rng
    # fresh rows: the merger of 2020 changed one of them after ctx.villages was built
    villages = list(
        Village.objects.filter(pk__in=[v.pk for v in ctx.villages])
        .select_related("township")
        .order_by("code")
    )
    with demo_clock(dt.date(2017, 12, 15)) as clock:
        pools = _pools(ctx)
        ctx.elections = {2018: [], 2021: []}
        ctx.seats = {}
        for year in (2018, 2021):
            term = ctx.terms[year]
            for village in villages:
                if year == 2021 and not village.is_active:
                    continue  # merged in 2020: its history is the 2018 team
                previous = _previous_team(ctx, village, year)
                ranked = _ranked(rng, pools[village.pk], year, term.reference_date, previous)
                ctx.elections[year] += _village_elections(rng, village, term, year, ranked, clock)
            ctx.seats[year] = list(Seat.objects.in_term(term).select_related("person"))
        _resignations(rng, ctx.seats[2021], clock)
    count = sum(len(seats) for seats in ctx.seats.values())
    ctx.stdout.write(
        f"选举：{sum(len(e) for e in ctx.elections.values())} 次（均已审核确认），任职 {count} 个"
    )


def _pools(ctx):
    """The people of each village, with extra villagers so two terms can be staffed."""
    reference = ctx.terms[2021].reference_date
    rows, seen = [], set()
    for people in ctx.people_by_village.values():
        seen.update(person.id_number for person in people)
    serial = 50_000
    for village in ctx.villages:
        for _ in range(EXTRA_PEOPLE_PER_VILLAGE):
            while True:
                serial += 1
                row = random_person(
                    ctx.rng,
                    serial,
                    county_id=ctx.county.pk,
                    village_id=village.pk,
                    reference=reference,
                )
                if row.id_number not in seen:
                    break
            seen.add(row.id_number)
            rows.append(row)
    extra = persons_bulk_upsert(rows, actor=SYSTEM)
    pools = {v.pk: list(ctx.people_by_village.get(v.pk, [])) for v in ctx.villages}
    for row in rows:
        person = extra[row.id_number]
        pools[row.village_id].append(person)
        ctx.people_by_village.setdefault(row.village_id, []).append(person)
    return pools


def _previous_team(ctx, village, year):
    if year != 2021:
        return set()
    return {seat.person_id for seat in ctx.seats.get(2018, []) if seat.village_id == village.pk}


def _education(person) -> int:
    return max(
        Education.rank(person.education_fulltime), Education.rank(person.education_inservice)
    )


def _ranked(rng, pool, year, reference, previous):
    """The pool ordered by how likely each person is to be elected in `year`: electors
    favour an age, schooling, incumbents still young enough, and (less) men."""
    profile = PROFILE[year]

    def score(person):
        age = person.age_on(reference)
        female = person.gender == Gender.FEMALE
        keep = 8 if person.pk in previous and age < 56 else 0
        return (
            -0.6 * abs(age - profile["age"])
            + profile["schooling"] * _education(person)
            + profile["woman_weight"] * female
            + keep
            + rng.uniform(0, 14)
        )

    return sorted(pool, key=score, reverse=True)


def _secretary(rng, winners, year, reference):
    """The committee elects its secretary: mostly a man in his mid-forties to fifties,
    better schooled than most (a woman now and then)."""
    profile = PROFILE[year]

    def score(person):
        age = person.age_on(reference)
        female = person.gender == Gender.FEMALE
        return (
            -0.5 * abs(age - profile["secretary_age"])
            + 1.0 * _education(person)
            - 2 * female
            + rng.uniform(0, 6)
        )

    return max(winners, key=score)


def _village_elections(rng, village, term, year, ranked, clock):
    profile = PROFILE[year]
    members = [p for p in ranked if p.political_status == PoliticalStatus.PARTY_MEMBER]
    party_seats = rng.randint(*profile["party"])
    party_winners = members[:party_seats]
    party_losers = members[party_seats : math.ceil(party_seats * 1.2) + rng.randint(0, 1)]
    secretary = _secretary(rng, party_winners, year, term.reference_date)
    party_winners.remove(secretary)
    party_winners.insert(0, secretary)
    party_posts = {secretary.pk: Post.SECRETARY}
    if party_seats >= 4:
        party_posts[party_winners[1].pk] = Post.DEPUTY_SECRETARY

    vc_seats = rng.randint(*profile["vc"])
    one_shoulder = rng.random() < profile["one_shoulder"]
    vc_winners = [secretary] if one_shoulder else []
    cross = rng.randint(*profile["cross"])
    vc_winners += [p for p in party_winners[1:] if p not in vc_winners][:cross]
    others = [p for p in ranked if p not in party_winners and p not in party_losers]
    for person in others:
        if len(vc_winners) >= vc_seats:
            break
        vc_winners.append(person)
    if rng.random() < profile["woman"] and not any(p.gender == Gender.FEMALE for p in vc_winners):
        woman = next((p for p in others if p.gender == Gender.FEMALE and p not in vc_winners), None)
        if woman is not None:
            vc_winners[-1] = woman
    vc_losers = [p for p in others if p not in vc_winners][: rng.randint(1, 2)]
    director = vc_winners[0]
    vc_posts = {director.pk: Post.DIRECTOR}
    if vc_seats >= 5:
        vc_posts[vc_winners[1].pk] = Post.DEPUTY_DIRECTOR

    party = _elect(
        rng,
        village,
        term,
        Body.PARTY_COMMITTEE,
        dt.date(term.year, 3, rng.randint(1, 25)),
        party_winners,
        party_losers,
        party_posts,
        clock,
    )
    villagers = _elect(
        rng,
        village,
        term,
        Body.VILLAGERS_COMMITTEE,
        dt.date(term.year, 4, rng.randint(1, 25)),
        vc_winners,
        vc_losers,
        vc_posts,
        clock,
    )
    return [party, villagers]


def _elect(rng, village, term, body, held_on, winners, losers, posts, clock):
    """Enter plausible counts and votes on the day, then submit and certify through the
    services in the days after."""
    clock.at(held_on, hour=16)
    seats = len(winners)
    deputies = sum(
        1 for post in posts.values() if post in (Post.DEPUTY_SECRETARY, Post.DEPUTY_DIRECTOR)
    )
    if body == Body.PARTY_COMMITTEE:
        entitled = rng.randint(18, 70)
        present = entitled - rng.randint(0, (entitled - 1) // 5)
        issued = returned = present
        invalid = rng.randint(0, 1)
        proxy = 0
    else:
        entitled = rng.randint(400, 2400)
        present = int(entitled * rng.uniform(0.72, 0.93))
        proxy = rng.randint(0, 12)
        issued = present
        returned = issued - rng.randint(0, 3)
        invalid = rng.randint(0, max(1, returned // 60))
    valid = returned - invalid
    base = present if body == Body.PARTY_COMMITTEE else returned
    votes = {}
    for person in winners:
        votes[person.pk] = max(base // 2 + 1, int(valid * rng.uniform(0.58, 0.95)))
        votes[person.pk] = min(votes[person.pk], valid)
    for person in losers:
        votes[person.pk] = int(valid * rng.uniform(0.05, 0.45))
    overflow = sum(votes.values()) - valid * seats
    for person in losers:
        if overflow <= 0:
            break
        cut = min(overflow, votes[person.pk])
        votes[person.pk] -= cut
        overflow -= cut
    election = services.election_create(
        village=village,
        term=term,
        body=body,
        held_on=held_on,
        seats_chair=1,
        seats_deputy=deputies,
        seats_member=seats - 1 - deputies,
        entitled=entitled,
        present=present,
        ballots_issued=issued,
        ballots_returned=returned,
        ballots_valid=valid,
        ballots_invalid=invalid,
        proxy_votes=proxy,
        actor=SYSTEM,
    )
    services.election_results_set(
        election=election,
        candidates=[
            CandidateInput(person, votes[person.pk], posts.get(person.pk, Post.MEMBER))
            for person in winners
        ]
        + [CandidateInput(person, votes[person.pk]) for person in losers],
        actor=SYSTEM,
    )
    if body == Body.VILLAGERS_COMMITTEE and not any(p.gender == Gender.FEMALE for p in winners):
        services.election_confirm(
            election=election,
            code="villagers_no_woman",
            note="妇女候选人得票未过半数未能当选，已明确由村妇联主席列席村委会会议。",
            actor=SYSTEM,
        )
    clock.at(held_on + dt.timedelta(days=rng.randint(1, 3)), hour=10)
    services.election_submit(election=election, actor=SYSTEM)
    clock.at(held_on + dt.timedelta(days=rng.randint(4, 7)), hour=15)
    return services.election_certify(election=election, actor=SYSTEM)


def _resignations(rng, seats, clock):
    members = [s for s in seats if s.post == Post.MEMBER]
    for seat in rng.sample(members, min(4, len(members))):
        ended_on = dt.date(2023, rng.randint(1, 12), rng.randint(1, 28))
        clock.at(ended_on, hour=11)
        services.seat_end(
            seat=seat,
            ended_on=ended_on,
            reason=SeatEndReason.RESIGNATION,
            note=rng.choice(["外出务工，本人申请辞职", "身体原因辞去职务", "考录为公务员"]),
            actor=SYSTEM,
        )
