"""Demo county: Ji County's eight townships with generated villages; the 2018 and 2021
terms (finished rounds) and the 2026 term, whose round is open (nominations under way on
2026-12-04). `demo_clock` lets each demo step date what it writes in its round."""

import contextlib
import datetime as dt

from django.utils import timezone

from core.policy import SYSTEM

from . import services
from .choices import RiskClass, VillageKind
from .models import County

COUNTY_CODE = "141028"
TOWNSHIPS = [
    ("100", "吉昌镇"),
    ("101", "屯里镇"),
    ("102", "壶口镇"),
    ("200", "车城乡"),
    ("201", "文城乡"),
    ("202", "东城乡"),
    ("203", "柏山寺乡"),
    ("204", "中垛乡"),
]
PLACE_HEADS = "东西南北上下前后大小高白石柳桃杏枣柏松沙河龙凤马牛黄红清太永"
PLACE_TAILS = [
    "关",
    "坪",
    "庄",
    "沟",
    "塬",
    "峪",
    "湾",
    "岭",
    "头",
    "家河",
    "村",
    "寨",
    "堡",
    "窑",
    "垣",
]
TERMS = [
    (2018, dt.date(2018, 5, 31), dt.date(2018, 5, 1), dt.date(2021, 4, 30)),
    # The 2021 teams stay in office until the 2026 round has elected their successors.
    (2021, dt.date(2021, 4, 30), dt.date(2021, 5, 1), dt.date(2026, 12, 31)),
    # The open round: nominations and vetting in autumn 2026, elections due at the year's end.
    (2026, dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2031, 12, 31)),
]
OPEN_TERM = 2026


class DemoClock:
    """`timezone.now()` for the demo's writes: a set day, one second on per reading, so
    rows created, decided and recorded in history carry the dates of their round (not the
    day the demo was built) and keep their order."""

    def __init__(self):
        self.moment = None

    def at(self, day: dt.date | dt.datetime, hour: int = 9) -> None:
        if not isinstance(day, dt.datetime):
            day = dt.datetime.combine(day, dt.time(hour))
        self.moment = timezone.make_aware(day) if timezone.is_naive(day) else day

    def now(self) -> dt.datetime:
        self.moment += dt.timedelta(seconds=1)
        return self.moment


@contextlib.contextmanager
def demo_clock(start: dt.date):
    """Within the block `timezone.now()` reads the demo's clock (started at `start`);
    the real clock is back afterwards, whatever happens."""
    clock = DemoClock()
    clock.at(start)
    real = timezone.now
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real


def build(ctx):
    if County.objects.filter(code=COUNTY_CODE).exists():
        ctx.fresh = False
        ctx.county = County.objects.get(code=COUNTY_CODE)
        ctx.stdout.write("示范县已存在，保留现有数据。")
        return
    rng = ctx.rng
    county = services.county_upsert(code=COUNTY_CODE, name="吉县")
    ctx.county, ctx.townships, ctx.villages = county, [], []
    used_names = set()
    for index, (suffix, name) in enumerate(TOWNSHIPS):
        township = services.township_upsert(county=county, code=COUNTY_CODE + suffix, name=name)
        ctx.townships.append(township)
        count = 9 if index < 6 else 8
        if index == 0:
            for number, community in ((1, "城关社区"), (2, "龙吉社区")):
                ctx.villages.append(
                    services.village_create(
                        township=township,
                        code=f"{township.code}{number:03d}",
                        name=community,
                        kind=VillageKind.COMMUNITY,
                        risk_class=RiskClass.STABLE,
                        actor=SYSTEM,
                    )
                )
        for number in range(1, count + 1):
            while True:
                village_name = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS) + "村"
                if village_name not in used_names:
                    used_names.add(village_name)
                    break
            risk = rng.choices(
                [RiskClass.DIFFICULT, RiskClass.GENERAL, RiskClass.STABLE], [1, 5, 4]
            )[0]
            ctx.villages.append(
                services.village_create(
                    township=township,
                    code=f"{township.code}{200 + number:03d}",
                    name=village_name,
                    risk_class=risk,
                    risk_set_on=dt.date(2020, 12, 1),
                    risk_reason="班子不团结，信访较多" if risk == RiskClass.DIFFICULT else "",
                    actor=SYSTEM,
                )
            )
    # One merger between the terms (合村并居): the 2018 team stays readable.
    merged, into = ctx.villages[-1], ctx.villages[-2]
    services.village_merge(village=merged, into=into, on=dt.date(2020, 6, 30), actor=SYSTEM)
    ctx.terms = {}
    for year, reference, starts, ends in TERMS:
        ctx.terms[year], _ = services.term_upsert(
            year=year, reference_date=reference, starts_on=starts, ends_on=ends, actor=SYSTEM
        )
    ctx.stdout.write(
        f"示范县 {county.name}：{len(ctx.townships)} 个乡镇，{len(ctx.villages)} 个村(社区)，"
        f"届次 {', '.join(str(y) for y in ctx.terms)}"
    )
