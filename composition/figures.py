"""The published figures, derived from stored integer counters: pure functions, no database.

A scope's counters are stored packed, as the snapshot row's value:
`{"cur": {"sec": [...], "mem": [...]}, "prev": {...}}`, each list in `counter_keys(pop)`
order. Everything a page or the API shows is computed from them on read: percentages and
averages rounded half-up to 2 places with integer arithmetic (41.125 → 41.13, exactly as
Decimal would), change, targets, breakdowns, labels in the reader's language.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from people.choices import Education, PoliticalStatus

AGE_BANDS = [
    ("le_35", _("35岁及以下"), None, 35),
    ("36_45", _("36—45岁"), 36, 45),
    ("46_50", _("46—50岁"), 46, 50),
    ("51_55", _("51—55岁"), 51, 55),
    ("56_60", _("56—60岁"), 56, 60),
    ("gt_60", _("60岁以上"), 61, None),
]
EDUCATION_LEVELS = [(c.value, c.label) for c in Education] + [("none", _("未填写"))]
POLITICAL_LEVELS = [(c.value, c.label) for c in PoliticalStatus] + [("none", _("未填写"))]
FLAGS = ["age_le_35", "age_le_45", "age_le_50", "college_plus", "fulltime_bachelor_plus", "female"]
SPECIAL = {"sec": "one_shoulder", "mem": "cross_serving"}
POPULATIONS = {"sec": "secretaries", "mem": "members"}
SIDES = ("cur", "prev")
COLLEGE_RANK = Education.rank(Education.COLLEGE)
BACHELOR_RANK = Education.rank(Education.BACHELOR)

TARGETS = [
    ("secretaries", "one_shoulder", "up", _("书记、主任“一肩挑”比例")),
    ("members", "cross_serving", "up", _("“两委”成员交叉任职比例")),
    ("members", "age_le_35", "up", _("35岁及以下成员比例")),
    ("members", "college_plus", "up", _("大专及以上学历成员比例")),
    ("members", "female", "up", _("女性成员比例")),
    ("members", "avg_age", "down", _("成员平均年龄")),
]
TARGET_LABELS = {f"{population}.{key}": label for population, key, _d, label in TARGETS}


@functools.cache
def counter_keys(pop: str) -> tuple[str, ...]:
    keys = ["count", "age_sum", *FLAGS, SPECIAL[pop]]
    keys += [f"band_{key}" for key, *_rest in AGE_BANDS]
    keys += [f"edu_{key}" for key, _label in EDUCATION_LEVELS]
    keys += [f"pol_{key}" for key, _label in POLITICAL_LEVELS]
    return tuple(keys)


@functools.cache
def _index(pop: str) -> dict[str, int]:
    return {key: i for i, key in enumerate(counter_keys(pop))}


# --- packed counters ------------------------------------------------------------------


def empty() -> dict:
    return {side: {pop: [0] * len(counter_keys(pop)) for pop in POPULATIONS} for side in SIDES}


def add(target: dict, source: dict, sign: int = 1) -> None:
    """Add (or with sign=-1 subtract) packed counters `source` into `target`, in place."""
    for side in SIDES:
        for pop in POPULATIONS:
            into, values = target[side][pop], source[side][pop]
            for i, value in enumerate(values):
                into[i] += sign * value


def as_dict(values: list, pop: str) -> dict[str, int]:
    """One population's packed list as {counter: int} (for tests and debugging)."""
    return dict(zip(counter_keys(pop), values, strict=True))


# --- rounding: integer hundredths -----------------------------------------------------


def hundredths(numerator: int, denominator: int, factor: int = 1) -> int | None:
    """numerator * factor / denominator in hundredths, rounded half-up (non-negative
    integers only, as every counter is); None for an empty population."""
    if not denominator:
        return None
    return (numerator * factor * 200 + denominator) // (2 * denominator)


def half_up(numerator: int, denominator: int, factor: int = 1) -> Decimal | None:
    """The same as a Decimal (the binding definition's wording; tests compare the two)."""
    if not denominator:
        return None
    return (Decimal(numerator * factor) / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _num(value: int | None) -> float | None:
    # h / 100 is the double nearest the decimal with two places, as float(Decimal) gives.
    return None if value is None else value / 100


def _minus(after: int | None, before: int | None) -> float | None:
    return None if after is None or before is None else (after - before) / 100


# --- the published object -------------------------------------------------------------


def _population(pop: str, values: list) -> dict:
    """{"count": n, "avg_age": hundredths, flag: (count, hundredths), ...}."""
    index = _index(pop)
    count = values[0]
    out = {"count": count, "avg_age": hundredths(values[1], count)}
    for flag in (*FLAGS, SPECIAL[pop]):
        n = values[index[flag]]
        out[flag] = (n, hundredths(n, count, 100))
    return out


def _published(fig: dict) -> dict:
    out = {"count": fig["count"], "avg_age": _num(fig["avg_age"])}
    for key, value in fig.items():
        if isinstance(value, tuple):
            out[key] = {"count": value[0], "pct": _num(value[1])}
    return out


def published(counters: dict) -> dict:
    """The figures of one scope (see docs/composition.md) from its packed counters."""
    new = {POPULATIONS[p]: _population(p, counters["cur"][p]) for p in POPULATIONS}
    old = {POPULATIONS[p]: _population(p, counters["prev"][p]) for p in POPULATIONS}
    change = {}
    for name, current in new.items():
        before = old[name]
        change[name] = {"avg_age": _minus(current["avg_age"], before["avg_age"])}
        for key, value in current.items():
            if isinstance(value, tuple):
                change[name][key] = _minus(value[1], before[key][1])
    targets = []
    for population, key, direction, label in TARGETS:
        if key == "avg_age":
            before, after = old[population]["avg_age"], new[population]["avg_age"]
        else:
            before, after = old[population][key][1], new[population][key][1]
        delta = None if before is None or after is None else after - before
        met = None if delta is None else (delta > 0 if direction == "up" else delta < 0)
        targets.append(
            {
                "indicator": f"{population}.{key}",
                "label": str(label),
                "direction": direction,
                "before": _num(before),
                "after": _num(after),
                "met": met,
            }
        )
    return {
        **{name: _published(fig) for name, fig in new.items()},
        "previous": {name: _published(fig) for name, fig in old.items()},
        "change": change,
        "targets": targets,
    }


def missed_targets(figures: dict) -> list[str]:
    return [t["indicator"] for t in figures["targets"] if t["met"] is False]


def _distribution(pop: str, values: list, prefix: str, levels) -> list[dict]:
    index, count = _index(pop), values[0]
    return [
        {
            "key": key,
            "label": str(label),
            "count": values[index[f"{prefix}_{key}"]],
            "pct": _num(hundredths(values[index[f"{prefix}_{key}"]], count, 100)),
        }
        for key, label, *_rest in levels
    ]


def breakdowns(counters: dict) -> dict:
    """Age bands, education (the higher of the two columns), political status and gender."""
    out = {}
    for side, side_name in (("cur", "current"), ("prev", "previous")):
        out[side_name] = {}
        for pop, name in POPULATIONS.items():
            values = counters[side][pop]
            count, female = values[0], values[_index(pop)["female"]]
            out[side_name][name] = {
                "age_band": _distribution(pop, values, "band", AGE_BANDS),
                "education": _distribution(pop, values, "edu", EDUCATION_LEVELS),
                "political_status": _distribution(pop, values, "pol", POLITICAL_LEVELS),
                "gender": [
                    {
                        "key": "M",
                        "label": str(_("男")),
                        "count": count - female,
                        "pct": _num(hundredths(count - female, count, 100)),
                    },
                    {
                        "key": "F",
                        "label": str(_("女")),
                        "count": female,
                        "pct": _num(hundredths(female, count, 100)),
                    },
                ],
            }
    return out
