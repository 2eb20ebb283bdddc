"""The figures of the statutory forms: each section's keys, one village's figures as the
queries build them up, and the sums and shares of a scope."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from elections.choices import Body
from registry.models import Village

TWO_COMMITTEES = (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)

# Warnings that a township confirms in writing before it files (code -> where it is kept).
CONFIRMABLE = {
    "proxy_limit": "election",
    "representatives_share": "village",
    "women_share": "village",
}

REGISTRATION_KEYS = (
    "election_committees",
    "formed_by_assembly",
    "formed_by_representatives",
    "formed_by_groups",
    "committee_members",
    "committee_party_members",
    "committee_women",
    "left_on_nomination",
    "registered",
    "registered_resident",
    "registered_away",
    "registered_admitted",
    "women",
    "party_members",
    "minorities",
    "second_round_added",
    "second_round_removed",
)

VOTING_KEYS = (
    "elections",
    "entitled",
    "voted",
    "ballots_issued",
    "ballots_returned",
    "ballots_valid",
    "ballots_invalid",
    "single_sitting",
    "several_sittings",
    "sub_venues",
    "ballot_boxes",
    "mobile_boxes",
    "mobile_voters",
    "booths",
    "proxy_voters",
    "proxy_carriers",
    "written_for_others",
    "counted_in_public",
    "announced_on_spot",
    "second_rounds",
    "second_round_voted",
)

BODY_KEYS = (
    "seats",
    "women",
    "party_members",
    "re_elected",
    "new",
    "age_35_under",
    "age_36_45",
    "age_46_55",
    "age_56_over",
    "college_plus",
    "high_school",
    "junior_high_under",
)

COMMITTEE_KEYS = ("members", "cross_serving", "one_shoulder", "villages_with_woman")

GROUP_KEYS = (
    "groups",
    "group_leaders",
    "leaders_women",
    "leaders_party_members",
    "representatives",
    "representatives_women",
    "representatives_party_members",
    "by_households",
    "by_group",
    "assembly",
)

SUPERVISION_KEYS = (
    "committees",
    "members",
    "women",
    "party_members",
    "formed_by_assembly",
    "formed_by_representatives",
    "with_accounting_member",
    "without_accounting_member",
)

AUDIT_KEYS = ("outgoing", "not_started", "done", "published", "recommended_stay", "recommended_go")

SECTIONS = (
    ("registration", REGISTRATION_KEYS),
    ("voting", VOTING_KEYS),
    ("committees", COMMITTEE_KEYS),
    ("groups_and_representatives", GROUP_KEYS),
    ("supervision", SUPERVISION_KEYS),
    ("leaving_audits", AUDIT_KEYS),
)


def percent(count: int, population: int):
    if not population:
        return None
    value = Decimal(100 * count) / Decimal(population)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def zero(keys) -> dict:
    return dict.fromkeys(keys, 0)


def zero_sections() -> dict:
    """Every section's counts at zero: a village's before its queries, and the sums of a
    scope before its villages are added — a scope with no reporting village (a village
    merged before the term, a township whose villages all merged away) stays at zero."""
    sections = {name: zero(keys) for name, keys in SECTIONS}
    for body in TWO_COMMITTEES:
        sections["committees"][body] = zero(BODY_KEYS)
    return sections


class VillageFigures:
    """The figures of one village, built up by the queries of the forms' modules."""

    def __init__(self, village: Village):
        self.village = village
        self.sections = zero_sections()
        self.checks: list[dict] = []

    def check(self, code: str, level: str, message: str, confirmed: bool = False):
        self.checks.append(
            {
                "code": code,
                "level": level,
                "message": _("%(village)s：%(message)s")
                % {"village": self.village.name, "message": message},
                "village": self.village.code,
                "confirmable": code in CONFIRMABLE,
                "confirmed": confirmed,
            }
        )


def add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            add(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value


def finish(section_name: str, sec: dict) -> dict:
    """Shares computed once the counts are summed."""
    if section_name == "voting":
        sec["turnout_percent"] = percent(sec["voted"], sec["entitled"])
    if section_name == "groups_and_representatives":
        sec["representatives_percent"] = percent(sec["representatives"], sec["assembly"])
        sec["women_percent"] = percent(sec["representatives_women"], sec["assembly"])
    return sec
