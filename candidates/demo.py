"""Demo candidate vetting, walked through the services as the real deciders would.

The 2021 round (finished): most of each new team approved (they are the 2021 post holders),
some returned, some flagged and cleared on the way; other names approved but not elected,
rejected for negative-list items (some replaced) or withdrawn — none left open. The 2026 round (open on 2026-12-04):
nominations at every stage, townships at different paces. Each step is dated in its
round's calendar (`registry.demo.demo_clock`)."""

import datetime as dt

from django.core.exceptions import ValidationError

from accounts.choices import Department
from accounts.services import user_upsert
from core.access import Role
from elections.choices import Body, Post
from people.choices import PoliticalStatus
from registry.demo import OPEN_TERM, demo_clock
from registry.models import Village

from . import services
from .choices import QUALITIES, STAGE_PATH, Outcome, Rating, SignOffOutcome, Source, Stage

# Each round's calendar: the day each stage's work begins (nominations over the following
# weeks) and the dates of the three review meetings.
CALENDARS = {
    2021: {
        Stage.NOMINATED: dt.date(2020, 11, 2),
        Stage.PRELIMINARY_REVIEW: dt.date(2020, 12, 1),
        Stage.JOINT_REVIEW: dt.date(2021, 1, 4),
        Stage.TOWNSHIP_COMMITTEE: dt.date(2021, 1, 25),
        Stage.ORGANIZATION_DEPARTMENT: dt.date(2021, 2, 3),
        Stage.STANDING_COMMITTEE: dt.date(2021, 2, 10),
    },
    OPEN_TERM: {
        Stage.NOMINATED: dt.date(2026, 9, 1),
        Stage.PRELIMINARY_REVIEW: dt.date(2026, 10, 8),
        Stage.JOINT_REVIEW: dt.date(2026, 10, 26),
        Stage.TOWNSHIP_COMMITTEE: dt.date(2026, 11, 16),
        Stage.ORGANIZATION_DEPARTMENT: dt.date(2026, 11, 24),
        Stage.STANDING_COMMITTEE: dt.date(2026, 12, 1),
    },
}
KEY_POSTS = {
    (Body.PARTY_COMMITTEE, Post.SECRETARY),
    (Body.PARTY_COMMITTEE, Post.DEPUTY_SECRETARY),
    (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
    (Body.VILLAGERS_COMMITTEE, Post.DEPUTY_DIRECTOR),
}


class Walker:
    """Moves demo candidacies through the stages with the right person for each step."""

    def __init__(self, ctx, county, items, year, clock):
        self.rng = ctx.rng
        self.items = items
        self.year, self.calendar, self.clock = year, CALENDARS[year], clock
        self.organizer = ctx.users["organizer"]
        self.reviewers = {Department.POLICE: ctx.users["reviewer"]}
        for department in services.required_departments(county):
            if department not in self.reviewers:
                self.reviewers[department] = user_upsert(
                    username=f"reviewer_{department}",
                    role=Role.DEPARTMENT_REVIEWER,
                    county=county,
                    department=department,
                    full_name=f"{Department(department).label}联审员",
                )
        self.officials = {}
        for user in (ctx.users["official"], ctx.users["official2"]):
            self.officials[user.township_id] = user
        for township in ctx.townships:
            if township.pk not in self.officials:
                self.officials[township.pk] = user_upsert(
                    username=f"official_{township.code[-3:]}",
                    role=Role.TOWNSHIP_OFFICIAL,
                    county=county,
                    township=township,
                    full_name=f"{township.name}组织委员",
                )
        self.minutes = {}

    def official(self, candidacy):
        return self.officials[candidacy.village.township_id]

    def meeting(self, candidacy, stage):
        year = self.calendar[Stage.STANDING_COMMITTEE].year
        if stage == Stage.TOWNSHIP_COMMITTEE:
            township = candidacy.village.township
            number = self.minutes.setdefault(township.pk, len(self.minutes) + 3)
            return {
                "meeting_date": self.calendar[stage] + dt.timedelta(days=number % 5),
                "minute_number": f"{township.name}党委〔{year}〕{number}号",
            }
        if stage == Stage.ORGANIZATION_DEPARTMENT:
            return {"meeting_date": self.calendar[stage], "minute_number": f"部务会〔{year}〕3号"}
        if stage == Stage.STANDING_COMMITTEE:
            return {"meeting_date": self.calendar[stage], "minute_number": f"常委会〔{year}〕5号"}
        return {}

    def at_stage(self, stage, spread: int = 12) -> None:
        """Set the clock to a working day of `stage` in this round."""
        self.clock.at(self.calendar[stage] + dt.timedelta(days=self.rng.randint(0, spread)))

    def decide(self, candidacy, outcome, **kwargs):
        stage = candidacy.stage
        meeting = self.meeting(candidacy, stage)
        prelim = self.calendar[Stage.PRELIMINARY_REVIEW]
        if meeting:
            self.clock.at(meeting["meeting_date"], hour=15)
        elif stage == Stage.JOINT_REVIEW:  # after the departments' answers
            self.clock.at(self.calendar[stage] + dt.timedelta(days=16), hour=16)
        elif stage == Stage.NOMINATED:
            self.clock.at(prelim + dt.timedelta(days=self.rng.randint(0, 6)))
        else:
            self.clock.at(prelim + dt.timedelta(days=self.rng.randint(8, 16)))
        actor = self.official(candidacy) if stage in services.TOWNSHIP_STAGES else self.organizer
        if outcome != Outcome.RETURN:
            kwargs = {**self.meeting(candidacy, stage), **kwargs}
        return services.candidacy_decide(
            candidacy=candidacy,
            outcome=outcome,
            expected_version=candidacy.version,
            actor=actor,
            **kwargs,
        )

    def sign_all(self, candidacy, flag_by=None, flag_item=None):
        self.at_stage(Stage.JOINT_REVIEW, spread=14)
        for department, reviewer in self.reviewers.items():
            if department == flag_by:
                services.sign_off_record(
                    candidacy=candidacy,
                    outcome=SignOffOutcome.FLAG,
                    actor=reviewer,
                    negative_items=[flag_item] if flag_item else [],
                    note=FLAG_NOTES.get(department, "发现需核实的情况"),
                )
            else:
                services.sign_off_record(
                    candidacy=candidacy, outcome=SignOffOutcome.PASS, actor=reviewer
                )

    def walk(self, candidacy, to_stage, *, returned_at=None, cleared_flag=None):
        """Pass stage by stage to `to_stage`; optionally a return on the way, and a flag
        raised and cleared in the joint review."""
        target = STAGE_PATH.index(to_stage)
        returned = False
        while STAGE_PATH.index(candidacy.stage) < target:
            stage = candidacy.stage
            if stage == Stage.JOINT_REVIEW and not candidacy.sign_offs.exists():
                if cleared_flag:
                    self.sign_all(candidacy, flag_by=cleared_flag[0], flag_item=cleared_flag[1])
                    flag = candidacy.sign_offs.get(outcome=SignOffOutcome.FLAG)
                    services.flag_clear(
                        sign_off=flag,
                        actor=self.organizer,
                        reason="经组织部门核实，该情况已消除影响，不属于负面清单情形",
                    )
                    candidacy.refresh_from_db()
                else:
                    self.sign_all(candidacy)
            if stage == returned_at and not returned:
                returned = True
                self.decide(candidacy, Outcome.RETURN, reason="请补充村民代表评议和近三年述职材料")
                continue
            self.decide(candidacy, Outcome.PASS)
        return candidacy


FLAG_NOTES = {
    Department.POLICE: "系统比对有治安处罚记录",
    Department.COURT: "列入失信被执行人名单",
    Department.DISCIPLINE: "在党纪处分影响期内",
    Department.PETITIONS: "近年多次越级上访",
    Department.AGRICULTURE: "违规占用耕地建房尚未整改",
}
# Department and negative-list item number of each kind of flag.
FLAGS = [
    (Department.POLICE, 2),
    (Department.COURT, 9),
    (Department.DISCIPLINE, 3),
    (Department.PETITIONS, 6),
    (Department.AGRICULTURE, 9),
]


def _assessment(rng, strong=True):
    weights = [4, 5, 1, 0] if strong else [1, 3, 4, 2]
    result = {}
    for stem, _label in QUALITIES:
        result[f"rating_{stem}"] = rng.choices(list(Rating.values), weights)[0]
        result[f"note_{stem}"] = ""
    return result


def build(ctx):
    if not getattr(ctx, "fresh", True) or not getattr(ctx, "seats", None):
        return
    county = ctx.county
    items = {item.number: item for item in services.negative_list_ensure(county=county)}
    services.review_departments_ensure(county=county)
    # Read from the database: the in-memory list may predate a merger.
    villages = list(
        Village.objects.filter(pk__in=[v.pk for v in ctx.villages], is_active=True)
        .select_related("township__county")
        .order_by("code")
    )
    with demo_clock(CALENDARS[2021][Stage.NOMINATED]) as clock:
        _round_2021(ctx, Walker(ctx, county, items, 2021, clock), villages)
        if OPEN_TERM in ctx.terms:
            _open_round(ctx, Walker(ctx, county, items, OPEN_TERM, clock), villages)


def _round_2021(ctx, walker, villages) -> None:
    rng, items, term = ctx.rng, walker.items, ctx.terms[2021]
    incumbents = {seat.person_id for seat in ctx.seats.get(2018, [])}
    seats_by_village = {}
    for seat in ctx.seats[2021]:
        if seat.body in (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE):
            seats_by_village.setdefault(seat.village_id, []).append(seat)
    taken = {seat.person_id for seat in ctx.seats[2021]} | incumbents
    counts = {"approved": 0, "other": 0}
    for village in villages:
        for seat in _chosen_seats(seats_by_village.get(village.pk, [])):
            source = _source(rng, seat, incumbents)
            _approved(rng, walker, items, village, term, seat, source, counts)
        pool = [p for p in ctx.people_by_village.get(village.pk, []) if p.pk not in taken]
        rng.shuffle(pool)
        for person in pool[: rng.randint(1, 3)]:
            if village.candidacies.filter(person=person).exists():
                continue  # already put forward as somebody's replacement
            _other(rng, walker, items, village, term, person, pool, counts)
    ctx.stdout.write(
        f"人选审查：2021 届确定人选 {counts['approved']} 人，其他阶段/未通过/替换等 {counts['other']} 人"
    )


# How far each township's 2026 vetting has got on 2026-12-04, in township order: the first
# ones are through the county standing committee, the last have only nominated.
OPEN_ROUND_PACE = [
    Stage.APPROVED,
    Stage.STANDING_COMMITTEE,
    Stage.ORGANIZATION_DEPARTMENT,
    Stage.TOWNSHIP_COMMITTEE,
    Stage.JOINT_REVIEW,
    Stage.JOINT_REVIEW,
    Stage.PRELIMINARY_REVIEW,
    Stage.NOMINATED,
]


def _open_round(ctx, walker, villages) -> None:
    """The 2026 round, open: in each village the secretary, the director and a member put
    forward (sitting holders under 58 as incumbents), each township at its own pace, a
    village now and then a step behind; a few flagged, rejected or withdrawn on the way."""
    rng, term = ctx.rng, ctx.terms[OPEN_TERM]
    seats = {}
    for seat in ctx.seats[2021]:
        if seat.ended_on is None:
            seats.setdefault(seat.village_id, {})[(seat.body, seat.post)] = seat.person
    pace = {
        township.pk: OPEN_ROUND_PACE[index % len(OPEN_ROUND_PACE)]
        for index, township in enumerate(ctx.townships)
    }
    count = 0
    for village in villages:
        held = seats.get(village.pk, {})
        used = set()
        for body, post in (
            (Body.PARTY_COMMITTEE, Post.SECRETARY),
            (Body.VILLAGERS_COMMITTEE, Post.DIRECTOR),
            (Body.VILLAGERS_COMMITTEE, Post.MEMBER),
        ):
            person, source = _open_round_nominee(
                rng,
                held.get((body, post)),
                ctx.people_by_village.get(village.pk, []),
                body,
                term,
                used,
            )
            if person is None:
                continue
            used.add(person.pk)
            target = pace[village.township_id]
            if rng.random() < 0.2 and target != Stage.NOMINATED:
                target = STAGE_PATH[STAGE_PATH.index(target) - 1]
            _open_candidacy(rng, walker, village, term, person, body, post, source, target)
            count += 1
    ctx.stdout.write(f"人选审查：{OPEN_TERM} 届（进行中）已提名 {count} 人")


def _open_round_nominee(rng, holder, pool, body, term, used):
    """The sitting holder if young enough to go on, else someone of the village's pool who
    may stand for `body` (a full party member for the party committee)."""

    def fits(person):
        if person is None or person.pk in used or person.age_on(term.reference_date) > 57:
            return False
        return body != Body.PARTY_COMMITTEE or (
            person.political_status == PoliticalStatus.PARTY_MEMBER
        )

    if fits(holder):
        return holder, Source.INCUMBENT
    choices = [p for p in pool if fits(p) and p.age_on(term.reference_date) >= 25]
    if not choices:
        return None, None
    person = rng.choice(choices)
    return person, rng.choices([Source.RESERVE, Source.RECRUITED_BACK, Source.OTHER], [6, 3, 1])[0]


def _open_candidacy(rng, walker, village, term, person, body, post, source, target):
    walker.at_stage(Stage.NOMINATED, spread=30)
    candidacy = services.candidacy_create(
        person=person,
        village=village,
        term=term,
        body=body,
        post=post,
        source=source,
        actor=walker.officials[village.township_id],
        assessment=_assessment(rng),
        audit_recommendation="stay" if source == Source.INCUMBENT else "",
    )
    roll = rng.random()
    if target == Stage.JOINT_REVIEW:
        walker.walk(candidacy, Stage.JOINT_REVIEW)
        walker.at_stage(Stage.JOINT_REVIEW, spread=14)
        answered = list(walker.reviewers.values())[: rng.randint(2, len(walker.reviewers))]
        for index, reviewer in enumerate(answered):
            if roll < 0.1 and index == 0:
                department, number = rng.choice(FLAGS)
                if department in walker.reviewers:
                    walker.sign_all(candidacy, flag_by=department, flag_item=walker.items[number])
                    return
            services.sign_off_record(
                candidacy=candidacy, outcome=SignOffOutcome.PASS, actor=reviewer
            )
        return
    if roll < 0.05 and target != Stage.NOMINATED:
        walker.walk(candidacy, Stage.PRELIMINARY_REVIEW)
        services.candidacy_withdraw(
            candidacy=candidacy,
            expected_version=candidacy.version,
            reason="本人因外出务工主动退出",
            actor=walker.official(candidacy),
        )
        return
    walker.walk(
        candidacy,
        target,
        returned_at=Stage.TOWNSHIP_COMMITTEE if roll > 0.93 else None,
    )


def _chosen_seats(seats) -> list:
    """The village's key posts and one member of each committee, in the order they were
    created."""
    chosen, members = [], {Body.PARTY_COMMITTEE: 0, Body.VILLAGERS_COMMITTEE: 0}
    for seat in sorted(seats, key=lambda s: s.pk):
        if (seat.body, seat.post) in KEY_POSTS:
            chosen.append(seat)
        elif seat.post == Post.MEMBER and members[seat.body] < 1:
            members[seat.body] += 1
            chosen.append(seat)
    return chosen


def _source(rng, seat, incumbents) -> str:
    if seat.person_id in incumbents:
        return Source.INCUMBENT
    if seat.post == Post.SECRETARY and rng.random() < 0.15:
        return Source.SENT_IN
    return rng.choices([Source.RESERVE, Source.RECRUITED_BACK, Source.OTHER], [6, 3, 1])[0]


def _approved(rng, walker, items, village, term, seat, source, counts) -> None:
    """The holder of `seat` put forward and walked to approval, now and then returned once
    or cleared of a department's flag on the way."""
    walker.at_stage(Stage.NOMINATED, spread=25)
    try:
        candidacy = services.candidacy_create(
            person=seat.person,
            village=village,
            term=term,
            body=seat.body,
            post=seat.post,
            source=source,
            actor=walker.officials[village.township_id],
            assessment=_assessment(rng),
            audit_recommendation="stay" if source == Source.INCUMBENT else "",
        )
    except ValidationError:  # one person on one body twice: the first post counts
        return
    roll = rng.random()
    walker.walk(
        candidacy,
        Stage.APPROVED,
        returned_at=Stage.ORGANIZATION_DEPARTMENT if roll < 0.04 else None,
        cleared_flag=(lambda f: (f[0], items[f[1]]))(rng.choice(FLAGS))
        if 0.04 <= roll < 0.12
        else None,
    )
    counts["approved"] += 1


def _body_for(rng, person) -> str:
    """Either committee; the party committee only for a full party member."""
    if person.political_status != PoliticalStatus.PARTY_MEMBER:
        return Body.VILLAGERS_COMMITTEE
    return rng.choice([Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE])


def _other(rng, walker, items, village, term, person, pool, counts):
    """A name that did not (yet) make it: at some stage, rejected, replaced or withdrawn."""
    official = walker.officials[village.township_id]
    body = _body_for(rng, person)
    walker.at_stage(Stage.NOMINATED, spread=25)
    candidacy = services.candidacy_create(
        person=person,
        village=village,
        term=term,
        body=body,
        post=Post.MEMBER,
        source=rng.choices([Source.RESERVE, Source.RECRUITED_BACK, Source.OTHER], [5, 3, 2])[0],
        actor=official,
        assessment=_assessment(rng, strong=False),
    )
    counts["other"] += 1
    # The 2021 round is over: every name ended — approved (and then not elected: the
    # ballots have more candidates than seats), rejected, or withdrawn.
    fate = rng.choices(["approved", "reject_early", "reject_joint", "withdraw"], [5, 4, 3, 2])[0]
    if fate == "approved":
        walker.walk(candidacy, Stage.APPROVED)
    elif fate == "reject_early":
        walker.walk(candidacy, Stage.PRELIMINARY_REVIEW)
        number = rng.choice([2, 4, 5, 7, 8])
        walker.decide(
            candidacy,
            Outcome.REJECT,
            negative_items=[items[number]],
            reason="村党组织和乡镇党委预审认定",
        )
    elif fate == "reject_joint":
        walker.walk(candidacy, Stage.JOINT_REVIEW)
        department, number = rng.choice(FLAGS)
        walker.sign_all(candidacy, flag_by=department, flag_item=items[number])
        walker.decide(
            candidacy,
            Outcome.REJECT,
            negative_items=[items[number]],
            reason=f"{Department(department).label}联审发现负面清单情形",
        )
        _maybe_replace(rng, walker, candidacy, pool, counts)
    elif fate == "withdraw":
        walker.walk(candidacy, Stage.PRELIMINARY_REVIEW)
        services.candidacy_withdraw(
            candidacy=candidacy,
            expected_version=candidacy.version,
            reason="本人因外出务工主动退出",
            actor=official,
        )
        _maybe_replace(rng, walker, candidacy, pool, counts)


def _maybe_replace(rng, walker, candidacy, pool, counts):
    if rng.random() > 0.5:
        return
    used = set(candidacy.village.candidacies.values_list("person_id", flat=True))
    spare = [
        p
        for p in pool
        if p.pk not in used
        and (
            candidacy.body != Body.PARTY_COMMITTEE
            or p.political_status == PoliticalStatus.PARTY_MEMBER
        )
    ]
    if not spare:
        return
    new = services.candidacy_replace(
        candidacy=candidacy,
        person=spare[0],
        source=Source.RESERVE,
        reason="原人选未通过资格联审（或退出），按程序替换",
        actor=walker.official(candidacy),
        assessment=_assessment(rng),
    )
    counts["other"] += 1
    walker.walk(new, Stage.APPROVED)
