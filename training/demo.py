"""Demo training and mentoring for the demo county, built through the services.

Before the 2021 round: election staff training. After it: the county's induction course for
new secretaries and each township's induction course for its two-committee members, most
within 30 days of the reference date (one township late), with absences and their reasons;
a lead-goose course; an open session for trying the roll call; a mentor pool and mentoring
pairs with check-ins (one active pair has gone quiet for more than 60 days).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from elections.choices import Body, Post
from elections.models import Seat
from registry.models import Term

from . import services
from .choices import (
    MentorLevel,
    MentorshipOutcome,
    SessionKind,
    SessionStatus,
    Topic,
)

ABSENCE_REASONS = ["住院治疗", "外出务工未归", "家中老人病重", "参加县人大会议", "防汛值班", "产假"]
TOWNSHIP_TOPICS = [Topic.PARTY_BUILDING, Topic.GOVERNANCE, Topic.FINANCE]


def _at(day: dt.date, rng) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8, rng.randint(0, 40))))


def _roll_call(session, rng, actor, *, attend=0.9):
    """Check in most invitees on the first day; the others are absent with a reason."""
    for enrolment in session.enrolments.select_related("person").order_by("pk"):
        if rng.random() < attend:
            services.enrolment_check_in(
                enrolment=enrolment, actor=actor, at=_at(session.starts_on, rng)
            )
        else:
            services.enrolment_mark_absent(
                enrolment=enrolment, reason=rng.choice(ABSENCE_REASONS), actor=actor
            )


def build(ctx):
    if not getattr(ctx, "fresh", True):
        return
    term = Term.objects.filter(year=2021).first()
    seats = (
        Seat.objects.current().in_term(term).filter(body__in=services.TWO_COMMITTEES)
        if term
        else Seat.objects.none()
    )
    if not seats.exists():
        ctx.stdout.write("培训：2021 年届还没有任职数据，未生成培训示例。")
        return
    rng = ctx.rng
    county = ctx.county
    organizer = ctx.users["organizer"]
    townships = list(county.townships.order_by("code"))
    reference = term.reference_date
    sessions = []

    # Before the round: the people who run village elections (2018 secretaries and directors).
    staff = services.session_create(
        actor=organizer,
        county=county,
        title="2021 年村(社区)“两委”换届业务培训",
        kind=SessionKind.ELECTION_STAFF,
        starts_on=dt.date(2021, 1, 12),
        ends_on=dt.date(2021, 1, 13),
        location="县委党校报告厅",
        topics=[Topic.GOVERNANCE],
        topic_note="换届选举程序与纪律",
        methods=["classroom", "case_study"],
        trainers="县委组织部、县民政局",
        credit_hours=Decimal(12),
    )
    previous_team = Seat.objects.filter(
        term__year=2018, post__in=[Post.SECRETARY, Post.DIRECTOR]
    ).select_related("person")
    staff_people = {seat.person for seat in previous_team}
    services.enrolments_invite(session=staff, persons=staff_people, actor=organizer)
    services.session_set_status(session=staff, status=SessionStatus.OPEN, actor=organizer)
    _roll_call(staff, rng, organizer, attend=0.95)
    services.session_set_status(session=staff, status=SessionStatus.DONE, actor=organizer)
    sessions.append(staff)

    # After the round: the county course for every new secretary, twelve days in.
    secretaries = services.session_create(
        actor=organizer,
        county=county,
        title="2021 年新任村党组织书记履职培训班",
        kind=SessionKind.INDUCTION,
        starts_on=reference + dt.timedelta(days=12),
        ends_on=reference + dt.timedelta(days=14),
        location="县委党校",
        topics=[Topic.PARTY_BUILDING, Topic.RURAL_REVITALIZATION, Topic.COLLECTIVE_ECONOMY],
        methods=["classroom", "exchange", "case_study"],
        trainers="县委组织部 张部长；县农业农村局",
        capacity=120,
        credit_hours=Decimal(24),
        audience_term=term,
        audience_bodies=[Body.PARTY_COMMITTEE],
        audience_posts=[Post.SECRETARY],
    )
    services.session_invite_audience(session=secretaries, actor=organizer)
    services.session_set_status(session=secretaries, status=SessionStatus.OPEN, actor=organizer)
    _roll_call(secretaries, rng, organizer, attend=0.93)
    services.session_set_status(session=secretaries, status=SessionStatus.DONE, actor=organizer)
    for speaker, topic, minutes in [
        ("县委组织部 张部长", "新时代村党组织书记的职责与使命", 90),
        ("县农业农村局 李局长", "发展壮大村级集体经济的路径", 120),
        ("壶口镇 优秀书记 王建国", "我是怎样带领群众致富的", 45),
    ]:
        services.presentation_create(
            session=secretaries, speaker=speaker, topic=topic, minutes=minutes, actor=organizer
        )
    for rating, comment in [(5, "案例很实用"), (4, "希望多安排现场观摩"), (5, ""), (3, "时间太紧")]:
        services.feedback_create(
            session=secretaries, rating=rating, comment=comment, actor=organizer
        )
    sessions.append(secretaries)

    # Each township trains its whole new team; the last township only manages it late.
    for index, township in enumerate(townships):
        late = index == len(townships) - 1
        day = reference + dt.timedelta(days=40 if late else rng.randint(5, 26))
        session = services.session_create(
            actor=organizer,
            county=county,
            township=township,
            title=f"{township.name} 2021 年新任村“两委”干部履职培训",
            kind=SessionKind.INDUCTION,
            starts_on=day,
            ends_on=day,
            location=f"{township.name}党群服务中心",
            topics=TOWNSHIP_TOPICS,
            methods=["classroom", "exchange"],
            trainers=f"{township.name}党委",
            credit_hours=Decimal(8),
            audience_term=term,
        )
        services.session_invite_audience(session=session, actor=organizer)
        services.session_set_status(session=session, status=SessionStatus.OPEN, actor=organizer)
        _roll_call(session, rng, organizer, attend=0.88)
        services.session_set_status(session=session, status=SessionStatus.DONE, actor=organizer)
        sessions.append(session)

    # Lead-goose training for secretaries in the autumn.
    goose = services.session_create(
        actor=organizer,
        county=county,
        title="2021 年“领头雁”村党组织书记示范培训",
        kind=SessionKind.LEAD_GOOSE,
        starts_on=dt.date(2021, 9, 15),
        ends_on=dt.date(2021, 9, 17),
        location="延安干部学院（异地）",
        topics=[Topic.RURAL_REVITALIZATION, Topic.COLLECTIVE_ECONOMY],
        methods=["study_tour", "case_study"],
        trainers="延安干部学院",
        capacity=40,
        credit_hours=Decimal(24),
        audience_term=term,
        audience_posts=[Post.SECRETARY],
    )
    chosen = [seat.person for seat in seats.filter(post=Post.SECRETARY).order_by("village__code")]
    services.enrolments_invite(session=goose, persons=chosen[::2][:40], actor=organizer)
    services.session_set_status(session=goose, status=SessionStatus.OPEN, actor=organizer)
    _roll_call(goose, rng, organizer, attend=0.95)
    services.session_set_status(session=goose, status=SessionStatus.DONE, actor=organizer)
    sessions.append(goose)

    # An open session in the official's township, for trying the roll call.
    first = townships[0]
    exchange = services.session_create(
        actor=organizer,
        county=county,
        township=first,
        title=f"{first.name}集体经济实战交流会",
        kind=SessionKind.CAPABILITY,
        starts_on=dt.date(2021, 11, 20),
        ends_on=dt.date(2021, 11, 20),
        location=f"{first.name}会议室",
        topics=[Topic.COLLECTIVE_ECONOMY],
        methods=["exchange"],
        credit_hours=Decimal(4),
        audience_term=term,
        audience_posts=[Post.SECRETARY, Post.DIRECTOR],
        capacity=60,
    )
    services.session_invite_audience(session=exchange, actor=organizer)
    services.session_set_status(session=exchange, status=SessionStatus.OPEN, actor=organizer)
    sessions.append(exchange)

    pairs = _mentoring(ctx, term, seats, organizer)
    ctx.training_sessions = sessions
    ctx.stdout.write(
        f"培训：{len(sessions)} 期，参训记录 "
        f"{sum(s.enrolments.count() for s in sessions)} 条；帮带结对 {pairs} 对"
    )


def _mentoring(ctx, term, seats, organizer) -> int:
    """Re-elected secretaries mentor new ones, per township; a few county-level mentors."""
    rng = ctx.rng
    secretaries = list(
        seats.filter(post=Post.SECRETARY)
        .select_related("person__village__township", "village__township")
        .order_by("village__code")
    )
    held_before = set(
        Seat.objects.filter(term__year=2018, post=Post.SECRETARY).values_list("person", flat=True)
    )
    newcomers = [s for s in secretaries if s.person_id not in held_before]
    # Mentors: secretaries re-elected in 2021, and experienced 2018 secretaries who left.
    serving = {s.person_id for s in seats}
    experienced = [s for s in secretaries if s.person_id in held_before] + list(
        Seat.objects.filter(term__year=2018, post=Post.SECRETARY, village__is_active=True)
        .exclude(person__in=serving)
        .select_related("person__village__township", "village__township")
        .order_by("village__code")
    )
    per_township = _mentor_pool(rng, experienced, organizer)
    by_township: dict[int, list] = {}
    for seat in newcomers:
        by_township.setdefault(seat.village.township_id, []).append(seat.person)
    count = 0
    for township_id, mentees in by_township.items():
        count = _pair_township(
            rng, term, per_township.get(township_id, []), mentees, organizer, count
        )
    return count


def _mentor_pool(rng, experienced, organizer) -> dict[int, list]:
    """The first two experienced secretaries become county mentors, then up to two per
    township; returns the township mentors by township."""
    pool, per_township = {}, {}
    for index, seat in enumerate(experienced):
        township_id = seat.village.township_id
        if seat.person_id in pool or seat.person.village_id is None:
            continue
        if index < 2:
            level = MentorLevel.COUNTY
        elif len(per_township.get(township_id, [])) < 2:
            level = MentorLevel.TOWNSHIP
        else:
            continue
        entry = services.mentor_add(
            person=seat.person,
            level=level,
            actor=organizer,
            strengths=rng.choice(["集体经济", "矛盾调解", "产业发展", "党建阵地", "乡村治理"]),
        )
        pool[seat.person_id] = entry
        if level == MentorLevel.TOWNSHIP:
            per_township.setdefault(seat.person.village.township_id, []).append(entry)
    return per_township


def _pair_township(rng, term, mentors, mentees, organizer, count: int) -> int:
    """One mentor with up to three new secretaries of the township (one-to-many), the rest
    one-to-one, each pair with five monthly check-ins; returns `count` plus the pairs."""
    if not mentors:
        return count
    groups = [mentees[:3]] + [[m] for m in mentees[3:]]
    for number, group in enumerate(groups):
        pair = services.mentorship_create(
            mentors=[mentors[number % len(mentors)]],
            mentees=group,
            started_on=term.reference_date + dt.timedelta(days=20),
            goals="一年内熟悉村务、独立主持“四议两公开”，带领发展一项集体经济项目",
            actor=organizer,
        )
        for month in range(1, 6):
            services.mentorship_check_in(
                mentorship=pair,
                date=pair.started_on + dt.timedelta(days=30 * month),
                note=rng.choice(
                    [
                        "入户走访，讲解村务公开流程",
                        "现场指导换届后交接",
                        "谈心谈话，梳理发展思路",
                        "一起参加村民代表会议",
                    ]
                ),
                actor=organizer,
            )
        count += 1
        _pair_lately(rng, pair, number, count, organizer)
    return count


def _pair_lately(rng, pair, number: int, count: int, organizer) -> None:
    """The group keeps in touch; one pair (of the first three) has gone quiet; the others
    have ended after a year."""
    today = timezone.localdate()
    if number == 0:
        # Recent contact, so it is not flagged.
        services.mentorship_check_in(
            mentorship=pair,
            date=today - dt.timedelta(days=12),
            note="季度回访",
            actor=organizer,
        )
    elif number == 1 and count <= 3:
        # Last contact more than 60 days ago (flagged).
        services.mentorship_check_in(
            mentorship=pair,
            date=today - dt.timedelta(days=95),
            note="电话联系",
            actor=organizer,
        )
    else:
        services.mentorship_end(
            mentorship=pair,
            ended_on=pair.started_on + dt.timedelta(days=365),
            outcome=rng.choice(
                [
                    MentorshipOutcome.ACHIEVED,
                    MentorshipOutcome.ACHIEVED,
                    MentorshipOutcome.PARTLY,
                ]
            ),
            outcome_note="已能独立开展工作",
            actor=organizer,
        )
