"""The demo county's 2021 round detail, so that every statutory form is full on first start:
election committees, registration and voting, villager groups and representatives,
supervision formation, leaving audits, one by-election after a resignation and one recall.

Rows are written in bulk (with their history rows); the recall and the by-election go through
the services, as they end and create seats.
"""

import datetime as dt

from simple_history.utils import bulk_create_with_history

from core.policy import SYSTEM
from elections import services as election_services
from elections.choices import Body, ElectionRound, Post, SeatEndReason, SeatSource
from elections.models import Election, Seat
from people.choices import Gender
from people.models import Person
from registry.models import Term

from . import services
from .choices import AuditStatus, ChosenBy, FormedBy, LeftReason, RequestedBy, VacancyReason
from .models import (
    CommitteeMember,
    ElectionDetail,
    LeavingAudit,
    Representative,
    VillageDetail,
    VillagerGroup,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡郭何高林罗郑梁谢宋唐"
GIVEN = "建国明华丽娟志强秀英海军红梅文军小燕春生桂兰"


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def build(ctx):
    if not getattr(ctx, "fresh", True) or not getattr(ctx, "villages", None):
        return
    rng = ctx.rng
    term = Term.objects.get(year=2021)
    elections = list(
        Election.objects.filter(
            term=term,
            village__township__county=ctx.county,
            body=Body.VILLAGERS_COMMITTEE,
            round=ElectionRound.FIRST,
        ).select_related("village")
    )
    seats = list(
        Seat.objects.filter(term=term, village__township__county=ctx.county).select_related(
            "person"
        )
    )
    _election_details(rng, elections)
    _supervision(rng, ctx, term, elections, seats)
    _village_details(rng, ctx, term, elections, seats)
    _groups(rng, term, elections, seats)
    _audits(rng, ctx, term)
    _recall_and_by_election(rng, ctx, term, seats)
    ctx.stdout.write(f"选举统计明细：{len(elections)} 个村的 2021 年换届")


def _election_details(rng, elections):
    rows = []
    for election in elections:
        registered = election.entitled
        away = rng.randint(registered // 20, registered // 8)
        admitted = rng.randint(0, 6)
        carriers = (election.proxy_votes + 1) // 2
        rows.append(
            ElectionDetail(
                election=election,
                registered_resident=registered - away - admitted,
                registered_away=away,
                registered_admitted=admitted,
                registered_women=int(registered * rng.uniform(0.47, 0.51)),
                registered_party=int(registered * rng.uniform(0.04, 0.08)),
                registered_minorities=rng.randint(0, 3),
                list_posted_on=election.held_on - dt.timedelta(days=rng.randint(21, 30)),
                sittings=rng.choice([1, 1, 1, 2]),
                sub_venues=rng.randint(0, 3),
                ballot_boxes=rng.randint(2, 6),
                mobile_boxes=1,
                mobile_voters=rng.randint(5, 40),
                booths=rng.randint(1, 4),
                proxy_voters=election.proxy_votes,
                proxy_carriers=carriers,
                max_proxies_per_carrier=min(3, election.proxy_votes),
                written_for_others=rng.randint(0, 8),
            )
        )
    bulk_create_with_history(rows, ElectionDetail)


def _supervision(rng, ctx, term, elections, seats):
    """Supervision committees where the elections demo left none: three villagers who sit
    on neither committee, entered through the seat service."""
    held = {seat.village_id for seat in seats if seat.body == Body.SUPERVISION_COMMITTEE}
    seated = {seat.person_id for seat in seats}
    for election in elections:
        if election.village_id in held:
            continue
        pool = [p for p in ctx.people_by_village.get(election.village_id, []) if p.pk not in seated]
        for person, post in zip(
            rng.sample(pool, min(3, len(pool))), _SUPERVISION_POSTS, strict=False
        ):
            seats.append(
                election_services.seat_create(
                    person=person,
                    village=election.village,
                    term=term,
                    body=Body.SUPERVISION_COMMITTEE,
                    post=post,
                    started_on=election.held_on + dt.timedelta(days=3),
                    source=SeatSource.ELECTION,
                    actor=SYSTEM,
                )
            )
            seated.add(person.pk)


_SUPERVISION_POSTS = (Post.DIRECTOR, Post.MEMBER, Post.MEMBER)


def _village_details(rng, ctx, term, elections, seats):
    seated = {seat.person_id for seat in seats}
    supervisors = {}
    for seat in seats:
        if seat.body == Body.SUPERVISION_COMMITTEE and not seat.ended_on:
            supervisors.setdefault(seat.village_id, []).append(seat.person)
    details = []
    for election in elections:
        members = supervisors.get(election.village_id, [])
        details.append(
            VillageDetail(
                village=election.village,
                term=term,
                committee_formed_by=rng.choice(
                    [FormedBy.VILLAGERS_ASSEMBLY, FormedBy.REPRESENTATIVES_ASSEMBLY]
                    + [FormedBy.REPRESENTATIVES_ASSEMBLY] * 3
                    + [FormedBy.GROUP_MEETINGS]
                ),
                committee_formed_on=election.held_on - dt.timedelta(days=rng.randint(40, 60)),
                committee_size=rng.choice([5, 5, 7]),
                supervision_formed_by=rng.choice(
                    [FormedBy.VILLAGERS_ASSEMBLY, FormedBy.REPRESENTATIVES_ASSEMBLY]
                ),
                # most committees have their accountant; a few are reported without
                accounting_member=rng.choice(members) if members and rng.random() < 0.9 else None,
            )
        )
    bulk_create_with_history(details, VillageDetail)
    details = {
        d.village_id: d for d in VillageDetail.objects.filter(term=term, village__in=ctx.villages)
    }
    members = []
    for election in elections:
        detail = details[election.village_id]
        pool = [p for p in ctx.people_by_village.get(election.village_id, []) if p.pk not in seated]
        for person in rng.sample(pool, min(detail.committee_size, len(pool))):
            members.append(CommitteeMember(detail=detail, person=person))
        if rng.random() < 0.1:  # a member nominated for the villagers' committee left it
            members[-1].left_on = detail.committee_formed_on + dt.timedelta(days=10)
            members[-1].left_reason = LeftReason.NOMINATED
    bulk_create_with_history(members, CommitteeMember)


def _groups(rng, term, elections, seats):
    villagers = {}
    for seat in seats:
        if seat.body == Body.VILLAGERS_COMMITTEE and not seat.ended_on:
            villagers[seat.village_id] = villagers.get(seat.village_id, 0) + 1
    groups = []
    for election in elections:
        for number in range(1, rng.randint(3, 7) + 1):
            groups.append(
                VillagerGroup(
                    village=election.village,
                    term=term,
                    name=f"第{number}村民小组",
                    leader_name=_name(rng),
                    leader_gender=Gender.FEMALE if rng.random() < 0.2 else Gender.MALE,
                    leader_party_member=rng.random() < 0.5,
                )
            )
    bulk_create_with_history(groups, VillagerGroup)
    by_village = {}
    for group in VillagerGroup.objects.filter(
        term=term, village__in=[e.village for e in elections]
    ):
        by_village.setdefault(group.village_id, []).append(group)
    representatives = []
    for election in elections:
        committee = villagers.get(election.village_id, 0)
        count = max(4 * (committee + 1), rng.randint(20, 40))  # room for a by-election
        women = -(-(count + committee) // 3) + rng.randint(0, 3)  # at least a third
        for index in range(count):
            by_group = rng.random() < 0.4
            representatives.append(
                Representative(
                    village=election.village,
                    term=term,
                    name=_name(rng),
                    gender=Gender.FEMALE if index < women else Gender.MALE,
                    party_member=rng.random() < 0.3,
                    chosen_by=ChosenBy.GROUP if by_group else ChosenBy.HOUSEHOLDS,
                    group=rng.choice(by_village[election.village_id]) if by_group else None,
                )
            )
    bulk_create_with_history(representatives, Representative)


def _audits(rng, ctx, term):
    outgoing = Seat.objects.filter(
        term__year=2018, body=Body.VILLAGERS_COMMITTEE, village__township__county=ctx.county
    ).select_related("village")
    rows, seen = [], set()
    for seat in outgoing:
        village = seat.village.merged_into or seat.village
        if (village.pk, seat.person_id) in seen:
            continue
        seen.add((village.pk, seat.person_id))
        status = rng.choices(
            [AuditStatus.PUBLISHED, AuditStatus.DONE, AuditStatus.NOT_STARTED], [6, 3, 1]
        )[0]
        rows.append(LeavingAudit(village=village, term=term, person=seat.person, status=status))
    bulk_create_with_history(rows, LeavingAudit)


def _recall_and_by_election(rng, ctx, term, seats):
    """A by-election after a resigned villagers' committee member, and a recall that passed."""
    resigned = next(
        (
            s
            for s in Seat.objects.filter(
                term=term,
                body=Body.VILLAGERS_COMMITTEE,
                end_reason=SeatEndReason.RESIGNATION,
                village__township__county=ctx.county,
            ).select_related("village__township")
        ),
        None,
    )
    held = {s.person_id for s in Seat.objects.filter(term=term)}
    if resigned is not None:
        _by_election(rng, ctx, term, resigned, VacancyReason.RESIGNATION, held)
    target = next(
        (
            s
            for s in seats
            if s.body == Body.VILLAGERS_COMMITTEE
            and s.post == Post.MEMBER
            and not s.ended_on
            and s.person.gender == Gender.MALE
            and (resigned is None or s.village_id != resigned.village_id)
        ),
        None,
    )
    if target is None:
        return
    registered = 900
    recall = services.recall_record(
        seat=target,
        actor=SYSTEM,
        requested_by=RequestedBy.VOTERS,
        requesters=rng.randint(190, 240),
        eligible=registered,
        requested_on=dt.date(2024, 3, 4),
        voted_on=dt.date(2024, 4, 12),
        registered=registered,
        voted=rng.randint(520, 640),
        agreed=rng.randint(400, 500),
        note="长期外出不履行职责，经五分之一以上选民联名提出罢免要求",
    )
    target.refresh_from_db()
    _by_election(rng, ctx, term, target, VacancyReason.RECALL, held, recall=recall)


def _by_election(rng, ctx, term, seat, reason, held, recall=None):
    pool = [
        p
        for p in Person.objects.filter(village=seat.village).order_by("pk")
        if p.pk not in held and p.age_on(term.reference_date) < 60
    ]
    if not pool:
        return
    person = rng.choice(pool)
    held.add(person.pk)
    registered = 900
    voted = rng.randint(500, 700)
    services.by_election_record(
        village=seat.village,
        term=term,
        person=person,
        actor=SYSTEM,
        post=seat.post,
        reason=reason,
        recall=recall,
        held_on=(seat.ended_on or dt.date(2024, 4, 12)) + dt.timedelta(days=30),
        registered=registered,
        voted=voted,
        votes=voted // 2 + rng.randint(20, 100),
    )
