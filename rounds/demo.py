"""The demo county's round of the open term (2026, else the latest term): a plan dated in
the autumn-2026 calendar of the candidates demo (screening and audits behind it, vetting
under way, elections ahead), some villages done and some late, liaison leaders and units,
a difficult village missing one of its "四个一", problems open, overdue and closed, visits
adding up to the seed county's line, talks, and one day's report."""

import datetime as dt

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.policy import SYSTEM
from registry.choices import RiskClass
from registry.demo import demo_clock
from registry.models import Term, Village

from . import coverage, services
from .choices import ProblemCategory, ProblemKind, ProblemSource, TalkKind
from .models import Screening, StepRecord, VisitLog
from .reports import report_build

OPEN_TERM = 2026
START = dt.date(2026, 8, 15)
LAID_OUT = START - dt.timedelta(days=10)  # the plan and the liaisons, before the round starts
END = dt.date(2027, 2, 28)
# The county's plan of the demo round (the default plan laid on its calendar).
WINDOWS = {
    "screening": (dt.date(2026, 8, 15), dt.date(2026, 9, 5)),
    "audit": (dt.date(2026, 9, 1), dt.date(2026, 10, 31)),
    "vetting": (dt.date(2026, 9, 1), dt.date(2026, 12, 10)),
    "party_election": (dt.date(2026, 12, 10), dt.date(2026, 12, 25)),
    "villagers_election": (dt.date(2026, 12, 20), dt.date(2027, 1, 10)),
    "supervision": (dt.date(2027, 1, 5), dt.date(2027, 1, 15)),
    "groups": (dt.date(2027, 1, 10), dt.date(2027, 1, 20)),
    "handover": (dt.date(2027, 1, 10), dt.date(2027, 1, 25)),
    "training": (dt.date(2027, 1, 10), dt.date(2027, 2, 28)),
}
LEADERS = ["leader", "leader2"]  # accounts/demo.py makes (and prints) their accounts
UNITS = ["县委组织部", "县民政局", "县农业农村局", "县自然资源局", "县供电公司"]
# The seed county's line: 走访699户、1831人，召开座谈会73次、分析研判会37次.
VISIT_TOTALS = {"households": 699, "people": 1831, "forums": 73, "analysis_meetings": 37}
PROBLEMS = [
    (ProblemSource.SUPERVISION, ProblemCategory.PROCEDURE, "选民登记公告张贴位置不醒目"),
    (ProblemSource.LIAISON, ProblemCategory.CONFLICT, "两个家族在人选问题上意见分歧较大"),
    (ProblemSource.PETITION, ProblemCategory.PETITION, "村民反映上届土地流转收益未公开"),
    (ProblemSource.DEPARTMENT, ProblemCategory.FINANCE, "离任审计发现集体资金往来账目不清"),
    (ProblemSource.RESIDENTS, ProblemCategory.ELIGIBILITY, "群众反映拟提名人选长期不在村居住"),
    (ProblemSource.SUPERVISION, ProblemCategory.PROCEDURE, "资格联审材料缺少信访部门意见"),
]
NEEDS = [
    "村内主干道路灯损坏",
    "饮水管网冬季冻裂",
    "村卫生室缺少常用药品",
    "村小学门口缺少减速带",
    "冬季取暖煤供应不足",
]
KEY_REASONS = ["曾因宗族矛盾多次上访", "对上届选举结果有异议", "有拉票苗头"]


def _term(ctx):
    terms = getattr(ctx, "terms", {}) or {}
    return (
        terms.get(OPEN_TERM)
        or Term.objects.filter(year=OPEN_TERM).first()
        or (Term.objects.latest_first().first())
    )


def _plan(county, term):
    round_ = services.round_create(
        county=county, term=term, starts_on=START, ends_on=END, actor=SYSTEM
    )
    for step in round_.steps.all():
        starts_on, ends_on = WINDOWS[step.code]
        services.round_step_save(
            round_=round_, step=step, starts_on=starts_on, ends_on=ends_on, actor=SYSTEM
        )
    return round_


def _people(ctx, county):
    return [ctx.users[username] for username in LEADERS]


def _liaison(round_, villages, leaders, rng):
    difficult = [v for v in villages if v.risk_class == RiskClass.DIFFICULT]
    others = [v for v in villages if v.risk_class != RiskClass.DIFFICULT]
    # Difficult villages first: each gets a county leader, a cadre, a work group, a unit —
    # except the last, whose work group has not been sent yet (flagged on the board).
    mine = (difficult + others)[: 2 * round_.liaison_limit]
    for index, village in enumerate(mine):
        services.liaison_add(
            round_=round_, leader=leaders[index % 2], village=village, actor=SYSTEM
        )
    for index, name in enumerate(UNITS):
        services.unit_save(
            round_=round_,
            name=name,
            villages=difficult[index :: len(UNITS)] + others[index::9],
            actor=SYSTEM,
        )
    for index, village in enumerate(difficult):
        services.team_set(
            round_=round_,
            village=village,
            township_cadre=f"{village.township.name}包村干部{index + 1}",
            work_group="" if index == len(difficult) - 1 else f"县驻村工作组第{index + 1}组",
            actor=SYSTEM,
        )
    return difficult


def _screening_and_records(round_, villages, reasons, rng):
    screened = [v for v in villages if v.risk_class == RiskClass.DIFFICULT or rng.random() < 0.85]
    rows = [
        Screening(
            round=round_,
            village=village,
            screened_on=START + dt.timedelta(days=rng.randint(2, 25)),
            note="经入户走访和座谈，班子总体稳定"
            if village.risk_class != RiskClass.DIFFICULT
            else "矛盾较集中，需县级领导包联",
            emergency_plan="发生群体性事件时由包联领导牵头处置，乡镇派出所配合维护秩序"
            if village.risk_class == RiskClass.DIFFICULT
            else "",
        )
        for village in screened
    ]
    bulk_create_with_history(rows, Screening)
    through = Screening.reasons.through
    saved = Screening.objects.filter(round=round_).order_by("pk")
    through.objects.bulk_create(
        [
            through(screening_id=screening.pk, riskreason_id=reason.pk)
            for screening in saved
            for reason in rng.sample(reasons, 2 if screening.note.startswith("矛盾") else 1)
        ]
    )
    audit = round_.steps.get(code="audit")
    audited = [v for v in villages if rng.random() < 0.8]
    bulk_create_with_history(
        [
            StepRecord(
                step=audit,
                village=village,
                done_on=dt.date(2026, 9, 10) + dt.timedelta(days=rng.randint(0, 45)),
                done_by="县审计局",
                note="审计结果已向村民公开",
            )
            for village in audited
        ],
        StepRecord,
    )


def _dated(model, day_field: str) -> None:
    """Each row's first history row dated the evening of the day it records (rows written
    in bulk, or before their day came round on the demo clock)."""
    rows = model.history.filter(history_type="+").values_list("history_id", day_field)
    for history_id, day in list(rows):
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
        model.history.filter(history_id=history_id).update(history_date=moment)


def _split(total: int, parts: int, rng) -> list[int]:
    """`total` split into `parts` whole numbers (≥0) that add up exactly."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _visits(villages, rng):
    count = len(villages)
    split = {name: _split(total, count, rng) for name, total in VISIT_TOTALS.items()}
    # People are at least the households of each visit: move the surplus where needed.
    households, people = split["households"], split["people"]
    people = [max(h, p) for h, p in zip(households, people, strict=True)]
    surplus = sum(people) - VISIT_TOTALS["people"]
    for index in sorted(range(count), key=lambda i: people[i] - households[i], reverse=True):
        take = min(surplus, people[index] - households[index])
        people[index] -= take
        surplus -= take
    split["people"] = people
    bulk_create_with_history(
        [
            VisitLog(
                village=village,
                visited_on=START + dt.timedelta(days=rng.randint(0, 20)),
                visitors=f"{village.township.name}换届工作组",
                **{name: split[name][index] for name in VISIT_TOTALS},
            )
            for index, village in enumerate(villages)
        ],
        VisitLog,
    )


def _problems(villages, difficult, rng, today, clock):
    """Each problem written on the day it was reported, moved on the days it was (the demo
    clock), so that the ledger's history — and a board as of a past day — tells the same
    story as its dates."""
    places = difficult or villages
    for index, (source, category, text) in enumerate(PROBLEMS):
        village = places[index % len(places)]
        reported = today - dt.timedelta(days=10 + 7 * index)
        clock.at(reported, hour=10)
        problem = services.problem_create(
            village=village,
            source=source,
            category=category,
            description=text,
            reported_on=reported,
            owner=f"{village.township.name}党委" if index % 3 else "",
            deadline=reported + dt.timedelta(days=15 if index % 2 else 40),
            actor=SYSTEM,
        )
        if index in (2, 3, 5):  # closed; two of them checked by the county
            clock.at(reported + dt.timedelta(days=6), hour=15)
            if problem.state == "open":
                services.problem_move(
                    problem=problem, action="assign", owner="乡镇纪委", actor=SYSTEM
                )
            services.problem_move(
                problem=problem,
                action="resolve",
                resolution="已召开村民代表会议说明并公开相关账目",
                actor=SYSTEM,
            )
            if index != 5:
                clock.at(reported + dt.timedelta(days=8), hour=11)
                services.problem_move(problem=problem, action="verify", actor=SYSTEM)
    # 开门办事: each need taken on (领账) by a sitting member of its village's team, with a
    # date promised ten days on; the first two closed (清账, one checked by the county), the
    # third late, the others in time.
    for index, text in enumerate(NEEDS):
        village = villages[index]
        member = coverage.sitting_members(village).first()
        if member is None:
            continue
        reported = today - dt.timedelta(days=20 - 4 * index)
        clock.at(reported, hour=9)
        need = services.problem_create(
            village=village,
            kind=ProblemKind.NEED,
            source=ProblemSource.RESIDENTS,
            category=ProblemCategory.LIVELIHOOD,
            description=text,
            owner_person=member,
            reported_on=reported,
            deadline=reported + dt.timedelta(days=10),  # promised in ten days
            actor=SYSTEM,
        )
        if index < 2:
            clock.at(reported + dt.timedelta(days=7), hour=16)
            services.problem_move(
                problem=need, action="resolve", resolution="已办结，群众满意", actor=SYSTEM
            )
        if index == 0:
            clock.at(reported + dt.timedelta(days=9), hour=10)
            services.problem_move(problem=need, action="verify", actor=SYSTEM)


def _talks(round_, villages, difficult, rng, clock):
    seats = coverage.sitting_seats(villages[:12]).select_related("person", "village").order_by("pk")
    for index, seat in enumerate(seats[:30]):
        clock.at(dt.date(2026, 9, 20) + dt.timedelta(days=index), hour=17)
        services.talk_create(
            village=seat.village,
            person=seat.person,
            kind=TalkKind.WARNING if index % 10 == 9 else TalkKind.HEART,
            held_on=dt.date(2026, 9, 20) + dt.timedelta(days=index),
            talker="乡镇党委书记",
            actor=SYSTEM,
        )
    # Key persons (重点人员): one sitting member in each of the first difficult villages,
    # the first two of them already given their warning talk.
    for index, village in enumerate((difficult or villages)[: len(KEY_REASONS)]):
        person = coverage.sitting_members(village).last()
        if person is None:
            continue
        clock.at(dt.date(2026, 10, 8), hour=10)
        services.key_person_save(
            round_=round_,
            person=person,
            village=village,
            reason=KEY_REASONS[index],
            actor=SYSTEM,
        )
        if index < 2:
            clock.at(dt.date(2026, 10, 10) + dt.timedelta(days=index), hour=15)
            services.talk_create(
                village=village,
                person=person,
                kind=TalkKind.WARNING,
                held_on=dt.date(2026, 10, 10) + dt.timedelta(days=index),
                talker="县委组织部",
                actor=SYSTEM,
            )


def build(ctx):
    if not getattr(ctx, "fresh", True):
        return
    term = _term(ctx)
    if term is None:
        return
    county = ctx.county
    rng = ctx.rng
    today = timezone.localdate()
    # Written on the round's calendar (the demo clock), not on the day the demo is loaded:
    # a board "as of" a past day reads the history, which then tells the round's story.
    with demo_clock(LAID_OUT) as clock:
        round_ = _plan(county, term)
        leaders = _people(ctx, county)
        villages = list(
            Village.objects.filter(township__county=county, is_active=True)
            .select_related("township")
            .order_by("code")
        )
        difficult = _liaison(round_, villages, leaders, rng)
        reasons = list(services.risk_reasons_ensure(county=county))
        _screening_and_records(round_, villages, reasons, rng)
        _visits(villages, rng)
        for model, day in (
            (Screening, "screened_on"),
            (StepRecord, "done_on"),
            (VisitLog, "visited_on"),
        ):
            _dated(model, day)
        _talks(round_, villages, difficult, rng, clock)
        _problems(villages, difficult, rng, today, clock)
    report_build(round_=round_, actor=SYSTEM)
    ctx.round = round_
    ctx.stdout.write(
        f"换届指挥：{round_}，{len(villages)} 个村，包联领导 {len(leaders)} 人，重难点村 {len(difficult)} 个"
    )
