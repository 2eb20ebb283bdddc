"""A small county whose forms are checked by hand (docs/reports.md, "The test county").

吉昌镇: 东关村 (both committees elected; a member of the merged 南坪村's 2018 team re-elected
here; election committee, groups and representatives, supervision, leaving audits) and 南坪村
(merged into 东关村 in 2020: reports nothing for 2021). 屯里镇: 西坪村 (a villagers' committee
second round, a recall and the by-election after it) and 北岭村 (no election: a failed check).
"""

import datetime as dt
from types import SimpleNamespace

from candidates.choices import AuditRecommendation, Source, Stage
from candidates.models import Candidacy
from core.policy import SYSTEM
from elections.choices import Body, ElectionRound, ElectionState, Post
from people.choices import Education, Gender, PoliticalStatus
from reports import services
from reports.choices import AuditStatus, ChosenBy, FormedBy, LeftReason, RequestedBy
from reports.models import CommitteeMember, Representative, VillagerGroup
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.elections import ElectionCandidateFactory, ElectionFactory, SeatFactory

WOMAN = {"gender": Gender.FEMALE, "birth_date": dt.date(1990, 3, 1)}
MASS = {"political_status": PoliticalStatus.MASSES}


def _person(village, **fields):
    return PersonFactory(village=village, **fields)


def _elect(village, term, body, winners, *, round_=ElectionRound.FIRST, **counts):
    election = ElectionFactory(
        village=village,
        term=term,
        body=body,
        round=round_,
        state=ElectionState.CERTIFIED,
        seats_member=max(len(winners) - 1, 1),
        **counts,
    )
    for person, post, votes in winners:
        ElectionCandidateFactory(election=election, person=person, post=post, votes=votes)
        SeatFactory(village=village, term=term, body=body, post=post, person=person)
    return election


def build_county(township, other_township):
    t2018 = TermFactory(year=2018)
    t2021 = TermFactory(year=2021)
    dongguan = VillageFactory(township=township, code="141028100201", name="东关村")
    nanping = VillageFactory(township=township, code="141028100202", name="南坪村")
    xiping = VillageFactory(township=other_township, code="141028101201", name="西坪村")
    beiling = VillageFactory(township=other_township, code="141028101202", name="北岭村")
    nanping.merged_into, nanping.merged_on, nanping.is_active = (
        dongguan,
        dt.date(2020, 6, 30),
        False,
    )
    nanping.save()

    # 东关村
    p1 = _person(dongguan, name="李一", education_fulltime=Education.BACHELOR)
    p2 = _person(dongguan, name="李二", birth_date=dt.date(1960, 1, 1))
    p3 = _person(dongguan, name="王三", **WOMAN, **MASS)
    p5 = _person(nanping, name="赵五", birth_date=dt.date(1975, 1, 1), **MASS)
    SeatFactory(village=dongguan, term=t2018, person=p1, post=Post.SECRETARY)
    SeatFactory(village=dongguan, term=t2018, person=p2, body=Body.VILLAGERS_COMMITTEE)
    SeatFactory(village=nanping, term=t2018, person=p5, body=Body.VILLAGERS_COMMITTEE)
    _elect(
        dongguan,
        t2021,
        Body.PARTY_COMMITTEE,
        [(p1, Post.SECRETARY, 27), (p2, Post.MEMBER, 25)],
        entitled=30,
        present=28,
        ballots_issued=28,
        ballots_returned=28,
        ballots_valid=28,
        ballots_invalid=0,
    )
    vc = _elect(
        dongguan,
        t2021,
        Body.VILLAGERS_COMMITTEE,
        [(p1, Post.DIRECTOR, 600), (p3, Post.MEMBER, 500), (p5, Post.MEMBER, 450)],
        entitled=1000,
        present=800,
        ballots_issued=800,
        ballots_returned=798,
        ballots_valid=790,
        ballots_invalid=8,
    )
    services.election_detail_save(
        election=vc,
        actor=SYSTEM,
        registered_resident=900,
        registered_away=80,
        registered_admitted=20,
        registered_women=480,
        registered_party=60,
        registered_minorities=5,
        list_posted_on=vc.held_on - dt.timedelta(days=25),
        sub_venues=2,
        ballot_boxes=4,
        mobile_boxes=1,
        mobile_voters=12,
        booths=2,
        proxy_voters=9,
        proxy_carriers=4,
        max_proxies_per_carrier=3,
        written_for_others=2,
    )
    s1 = _person(dongguan, name="孙监", **WOMAN)
    s2 = _person(dongguan, name="钱会计", **MASS)
    SeatFactory(
        village=dongguan, term=t2021, person=s1, body=Body.SUPERVISION_COMMITTEE, post=Post.DIRECTOR
    )
    SeatFactory(village=dongguan, term=t2021, person=s2, body=Body.SUPERVISION_COMMITTEE)
    detail = services.village_detail_save(
        village=dongguan,
        term=t2021,
        actor=SYSTEM,
        committee_formed_by=FormedBy.REPRESENTATIVES_ASSEMBLY,
        committee_size=5,
        supervision_formed_by=FormedBy.VILLAGERS_ASSEMBLY,
        accounting_member=s2,
    )
    members = [
        _person(dongguan, name="委一"),
        _person(dongguan, name="委二", **WOMAN),
        _person(dongguan, name="委三", **MASS),
        _person(dongguan, name="委四", **WOMAN, **MASS),
        _person(dongguan, name="委五"),
    ]
    for person in members:
        CommitteeMember.objects.create(detail=detail, person=person)
    CommitteeMember.objects.filter(person=members[4]).update(
        left_on=dt.date(2021, 3, 1), left_reason=LeftReason.NOMINATED
    )
    east = VillagerGroup.objects.create(
        village=dongguan,
        term=t2021,
        name="东组",
        leader_name="周组长",
        leader_gender=Gender.FEMALE,
        leader_party_member=True,
    )
    VillagerGroup.objects.create(
        village=dongguan, term=t2021, name="西组", leader_name="吴组长", leader_gender=Gender.MALE
    )
    for index in range(12):
        Representative.objects.create(
            village=dongguan,
            term=t2021,
            name=f"代表{index}",
            gender=Gender.FEMALE if index < 4 else Gender.MALE,
            party_member=index < 5,
            chosen_by=ChosenBy.HOUSEHOLDS if index < 8 else ChosenBy.GROUP,
            group=east if index >= 8 else None,
        )
    services.leaving_audit_set(
        village=dongguan, term=t2021, person=p2, status=AuditStatus.DONE, actor=SYSTEM
    )
    Candidacy.objects.create(
        person=p2,
        village=dongguan,
        term=t2021,
        body=Body.PARTY_COMMITTEE,
        post=Post.MEMBER,
        source=Source.INCUMBENT,
        audit_recommendation=AuditRecommendation.STAY,
        stage=Stage.APPROVED,
        proposed_at=dt.datetime(2021, 1, 5, tzinfo=dt.UTC),
    )

    # 西坪村: a second round, a recall and its by-election
    q = [_person(xiping, name=f"西{i}", **(WOMAN if i == 5 else {})) for i in range(1, 7)]
    SeatFactory(village=xiping, term=t2018, person=q[2], body=Body.VILLAGERS_COMMITTEE)
    _elect(
        xiping,
        t2021,
        Body.PARTY_COMMITTEE,
        [(q[0], Post.SECRETARY, 20), (q[1], Post.MEMBER, 18)],
        entitled=22,
        present=21,
        ballots_issued=21,
        ballots_returned=21,
        ballots_valid=21,
        ballots_invalid=0,
    )
    first = _elect(
        xiping,
        t2021,
        Body.VILLAGERS_COMMITTEE,
        [(q[2], Post.DIRECTOR, 260), (q[3], Post.MEMBER, 200)],
        entitled=500,
        present=300,
        ballots_issued=300,
        ballots_returned=300,
        ballots_valid=298,
        ballots_invalid=2,
    )
    second = _elect(
        xiping,
        t2021,
        Body.VILLAGERS_COMMITTEE,
        [(q[4], Post.MEMBER, 150)],
        round_=ElectionRound.SECOND,
        held_on=dt.date(2021, 4, 20),
        entitled=498,
        present=280,
        ballots_issued=280,
        ballots_returned=280,
        ballots_valid=280,
        ballots_invalid=0,
    )
    services.election_detail_save(
        election=first,
        actor=SYSTEM,
        registered_resident=480,
        registered_away=15,
        registered_admitted=5,
        registered_women=240,
        registered_party=30,
        list_posted_on=first.held_on - dt.timedelta(days=21),
        max_proxies_per_carrier=4,
    )
    services.election_detail_save(
        election=second,
        actor=SYSTEM,
        registered_resident=478,
        registered_away=15,
        registered_admitted=5,
        added_of_age=2,
        added_moved_in=1,
        removed_died=3,
        removed_moved_out=2,
        list_posted_on=first.held_on - dt.timedelta(days=21),
    )
    recalled = q[3].seats.get(term=t2021)
    recall = services.recall_record(
        seat=recalled,
        actor=SYSTEM,
        requested_by=RequestedBy.VOTERS,
        requesters=110,
        eligible=500,
        requested_on=dt.date(2023, 3, 1),
        voted_on=dt.date(2023, 4, 1),
        registered=500,
        voted=320,
        agreed=200,
    )
    by_election = services.by_election_record(
        village=xiping,
        term=t2021,
        person=q[5],
        actor=SYSTEM,
        post=Post.MEMBER,
        reason="recall",
        recall=recall,
        held_on=dt.date(2023, 5, 1),
        registered=500,
        voted=300,
        votes=200,
    )
    return SimpleNamespace(
        t2018=t2018,
        t2021=t2021,
        dongguan=dongguan,
        nanping=nanping,
        xiping=xiping,
        beiling=beiling,
        recall=recall,
        recalled=recalled,
        by_election=by_election,
        first=first,
        second=second,
    )
