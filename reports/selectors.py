"""The statutory forms, computed from the detail in the database for a village, a township or
a county, in a fixed number of queries whatever the number of villages.

`report(scope, term)` returns the figures as plain data (the keys of
`manage.py election_report --json`, docs/reports.md): one dict per form with the scope's
totals and a `rows` list (the townships of a county, the villages of a township), the lists of
the elected, recalls and by-elections, and the cross-checks, each naming its rule.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from candidates.choices import AuditRecommendation
from candidates.choices import Source as CandidacySource
from candidates.models import Candidacy
from core import policy
from core.text import join_words
from elections.choices import POST_TITLES, Body, ElectionRound, ElectionState, Post
from elections.models import Election, ElectionCandidate, Seat
from people.choices import Education, Gender, PoliticalStatus
from registry.models import County, Term, Township, Village

from .choices import AuditStatus, ChosenBy, FormedBy, Origin
from .models import (
    POSTING_DAYS,
    PROXY_LIMIT,
    ByElection,
    LeavingAudit,
    Recall,
    Representative,
    VillageDetail,
    VillagerGroup,
)

TWO_COMMITTEES = (Body.PARTY_COMMITTEE, Body.VILLAGERS_COMMITTEE)
# A candidacy's source that says the elected person's origin (the others do not).
ORIGIN_FROM_SOURCE = {CandidacySource.SENT_IN: Origin.SENT_DOWN}
AGE_BANDS = (("age_35_under", 0, 35), ("age_36_45", 36, 45), ("age_46_55", 46, 55))
COLLEGE = Education.rank(Education.COLLEGE)
HIGH = Education.rank(Education.VOCATIONAL)

# Warnings that a township confirms in writing before it files (code -> where it is kept).
CONFIRMABLE = {
    "proxy_limit": "election",
    "representatives_share": "village",
    "women_share": "village",
}


@dataclass(frozen=True)
class Scope:
    """What a report covers: a county, a township or a village."""

    kind: str  # "county" | "township" | "village"
    obj: County | Township | Village

    @property
    def code(self) -> str:
        return self.obj.code

    @property
    def name(self) -> str:
        return self.obj.name

    def villages(self):
        if self.kind == "county":
            return Village.objects.filter(township__county=self.obj)
        if self.kind == "township":
            return Village.objects.filter(township=self.obj)
        return Village.objects.filter(pk=self.obj.pk)


def scope_for_code(code: str, user=None) -> Scope | None:
    """The county, township or village with division code `code`, if `user` may see it."""
    kinds = {6: ("county", County), 9: ("township", Township), 12: ("village", Village)}
    if len(code or "") not in kinds:
        return None
    kind, model = kinds[len(code)]
    if kind == "county" and user is not None and not policy.can(user, "report.read_county"):
        return None
    rows = model.objects.all() if user is None else model.objects.for_user(user)
    obj = rows.filter(code=code).first()
    return Scope(kind, obj) if obj else None


def percent(count: int, population: int):
    if not population:
        return None
    value = Decimal(100 * count) / Decimal(population)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _reporting_villages(scope: Scope, term: Term) -> list[Village]:
    """The villages that report in `term`: those not merged away before it began."""
    before = term.starts_on or term.reference_date
    return list(
        scope.villages()
        .filter(Q(merged_into__isnull=True) | Q(merged_on__gte=before) | Q(merged_on__isnull=True))
        .select_related("township")
        .order_by("code")
    )


def _zero(keys) -> dict:
    return dict.fromkeys(keys, 0)


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


class _Village:
    """The figures of one village, built up from the queries below."""

    def __init__(self, village: Village):
        self.village = village
        self.sections = {name: _zero(keys) for name, keys in SECTIONS}
        for body in TWO_COMMITTEES:
            self.sections["committees"][body] = _zero(BODY_KEYS)
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


def _education_band(person) -> str:
    rank = max(
        Education.rank(person.education_fulltime), Education.rank(person.education_inservice)
    )
    if rank >= COLLEGE:
        return "college_plus"
    if rank >= HIGH - 1:  # 中专 and 高中
        return "high_school"
    return "junior_high_under"


def _age_band(age: int) -> str:
    for key, low, high in AGE_BANDS:
        if low <= age <= high:
            return key
    return "age_56_over"


def _previous_members(villages: list[Village], term: Term) -> set[tuple[int, int]]:
    """(village, person) of the previous term's two-committee members, the seats of a village
    merged into another counted as the other's (the team it went into)."""
    previous = term.previous
    if previous is None:
        return set()
    ids = [v.pk for v in villages]
    rows = (
        Seat.objects.filter(term=previous, body__in=TWO_COMMITTEES)
        .filter(Q(village__in=ids) | Q(village__merged_into__in=ids))
        .values_list("village_id", "village__merged_into_id", "person_id")
    )
    found = set()
    for village_id, merged_into_id, person_id in rows:
        found.add((village_id, person_id))
        if merged_into_id:
            found.add((merged_into_id, person_id))
    return found


def _committee_detail(figures: dict[int, _Village], term: Term) -> dict[int, VillageDetail]:
    details = {
        d.village_id: d
        for d in VillageDetail.objects.filter(term=term, village__in=figures).annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True)),
            n_party=Count(
                "members",
                filter=Q(members__left_on__isnull=True)
                & Q(members__person__political_status=PoliticalStatus.PARTY_MEMBER),
            ),
            n_women=Count(
                "members",
                filter=Q(members__left_on__isnull=True) & Q(members__person__gender=Gender.FEMALE),
            ),
            n_nominated=Count("members", filter=Q(members__left_reason="nominated")),
            n_all=Count("members"),
        )
    }
    for village_id, detail in details.items():
        if not detail.committee_formed_by:
            continue
        fig = figures[village_id]
        reg = fig.sections["registration"]
        reg["election_committees"] += 1
        reg[f"formed_by_{_formed_key(detail.committee_formed_by)}"] += 1
        reg["committee_members"] += detail.n_members
        reg["committee_party_members"] += detail.n_party
        reg["committee_women"] += detail.n_women
        reg["left_on_nomination"] += detail.n_nominated
        if detail.committee_size and detail.n_all < detail.committee_size:
            fig.check(
                "committee_size",
                "warning",
                _("选举委员会应有 %(size)s 名成员，只登记了 %(n)s 名")
                % {"size": detail.committee_size, "n": detail.n_all},
            )
        sup = fig.sections["supervision"]
        if detail.supervision_formed_by:
            sup[f"formed_by_{_formed_key(detail.supervision_formed_by)}"] += 1
    return details


def _formed_key(value: str) -> str:
    return {
        FormedBy.VILLAGERS_ASSEMBLY: "assembly",
        FormedBy.REPRESENTATIVES_ASSEMBLY: "representatives",
        FormedBy.GROUP_MEETINGS: "groups",
    }[value]


def _elections(figures: dict[int, _Village], term: Term) -> dict[int, list[Election]]:
    by_village = defaultdict(list)
    for election in (
        Election.objects.filter(term=term, village__in=figures)
        .select_related("report_detail")
        .order_by("village", "body", "round", "held_on")
    ):
        by_village[election.village_id].append(election)
    for village_id, elections in by_village.items():
        for election in elections:
            if election.body == Body.VILLAGERS_COMMITTEE:
                _villagers_election(figures[village_id], election)
    return by_village


def _villagers_election(fig: _Village, election: Election) -> None:
    voting, reg = fig.sections["voting"], fig.sections["registration"]
    detail = getattr(election, "report_detail", None)
    if election.round == ElectionRound.SECOND:
        voting["second_rounds"] += 1
        voting["second_round_voted"] += election.present
        if detail is not None:
            reg["second_round_added"] += detail.added
            reg["second_round_removed"] += detail.removed
            _second_round_check(fig, detail)
        return
    voting["elections"] += 1
    for key, field in (
        ("entitled", "entitled"),
        ("voted", "present"),
        ("ballots_issued", "ballots_issued"),
        ("ballots_returned", "ballots_returned"),
        ("ballots_valid", "ballots_valid"),
        ("ballots_invalid", "ballots_invalid"),
    ):
        voting[key] += getattr(election, field)
    if election.present < election.ballots_returned:
        fig.check("voted_ge_returned", "error", _("收回选票多于参加投票人数"))
    if detail is None:
        fig.check("detail_missing", "warning", _("未填写选民登记与投票情况"))
        return
    fig.first_registered = detail.registered
    for key in (
        "registered_resident",
        "registered_away",
        "registered_admitted",
    ):
        reg[key] += getattr(detail, key)
    reg["registered"] += detail.registered
    reg["women"] += detail.registered_women
    reg["party_members"] += detail.registered_party
    reg["minorities"] += detail.registered_minorities
    voting["single_sitting" if detail.sittings == 1 else "several_sittings"] += 1
    for key in (
        "sub_venues",
        "ballot_boxes",
        "mobile_boxes",
        "mobile_voters",
        "booths",
        "proxy_voters",
        "proxy_carriers",
        "written_for_others",
    ):
        voting[key] += getattr(detail, key)
    voting["counted_in_public"] += int(detail.counted_in_public)
    voting["announced_on_spot"] += int(detail.announced_on_spot)
    _election_checks(fig, election, detail)


def _second_round_check(fig: _Village, detail) -> None:
    """A second round's list is the first round's with the 四增四减 applied."""
    first = getattr(fig, "first_registered", None)
    if first is None:
        return
    expected = first + detail.added - detail.removed
    if detail.registered != expected:
        fig.check(
            "four_changes",
            "warning",
            _(
                "另行选举登记选民 %(n)s 人，与第一轮 %(first)s 人按“四增四减”推算的 %(expected)s 人不符"
            )
            % {"n": detail.registered, "first": first, "expected": expected},
        )


def _election_checks(fig: _Village, election: Election, detail) -> None:
    if detail.registered < election.present:
        fig.check(
            "registered_ge_voted",
            "error",
            _("参加投票人数（%(voted)s）多于登记选民数（%(registered)s）")
            % {"voted": election.present, "registered": detail.registered},
        )
    if detail.max_proxies_per_carrier > PROXY_LIMIT:
        fig.check(
            "proxy_limit",
            "warning",
            _("一名选民接受委托 %(n)s 张，超过省里规定的 %(limit)s 张（须书面说明）")
            % {"n": detail.max_proxies_per_carrier, "limit": PROXY_LIMIT},
            confirmed="proxy_limit" in (detail.confirmations or {}),
        )
    if not detail.list_posted_on:
        fig.check("posting_date", "warning", _("未填写选民名单公布日期"))
    elif (election.held_on - detail.list_posted_on).days < POSTING_DAYS:
        fig.check(
            "posting_date",
            "error",
            _("选民名单应在选举日 20 日前公布（村民委员会组织法第十四条）"),
        )
    if detail.booths < 1:
        fig.check("secret_booth", "error", _("未设秘密写票处（村民委员会组织法第十五条）"))


def _seats(figures, term, previous, elections) -> None:
    seats = (
        Seat.objects.current()
        .filter(term=term, village__in=figures)
        .select_related("person")
        .order_by("village", "body", "post", "pk")
    )
    people = defaultdict(lambda: defaultdict(set))  # village -> body -> persons
    chairs = defaultdict(dict)  # village -> body -> person of the chair post
    reference = term.reference_date
    for seat in seats:
        fig = figures[seat.village_id]
        person = seat.person
        people[seat.village_id][seat.body].add(person.pk)
        if seat.post in (Post.SECRETARY, Post.DIRECTOR):
            chairs[seat.village_id][seat.body] = person.pk
        if seat.body == Body.SUPERVISION_COMMITTEE:
            sup = fig.sections["supervision"]
            sup["members"] += 1
            sup["women"] += person.gender == Gender.FEMALE
            sup["party_members"] += person.political_status == PoliticalStatus.PARTY_MEMBER
            continue
        body = fig.sections["committees"][seat.body]
        body["seats"] += 1
        body["women"] += person.gender == Gender.FEMALE
        body["party_members"] += person.political_status == PoliticalStatus.PARTY_MEMBER
        body["re_elected" if (seat.village_id, person.pk) in previous else "new"] += 1
        body[_age_band(person.age_on(reference))] += 1
        body[_education_band(person)] += 1
    for village_id, fig in figures.items():
        bodies = people[village_id]
        party, villagers = bodies[Body.PARTY_COMMITTEE], bodies[Body.VILLAGERS_COMMITTEE]
        com = fig.sections["committees"]
        com["members"] += len(party | villagers)
        com["cross_serving"] += len(party & villagers)
        secretary = chairs[village_id].get(Body.PARTY_COMMITTEE)
        com["one_shoulder"] += bool(
            secretary and secretary == chairs[village_id].get(Body.VILLAGERS_COMMITTEE)
        )
        women = fig.sections["committees"][Body.VILLAGERS_COMMITTEE]["women"]
        com["villages_with_woman"] += bool(women)
        if bodies[Body.SUPERVISION_COMMITTEE]:
            fig.sections["supervision"]["committees"] += 1
        if villagers and not women:
            confirmed = any(
                "villagers_no_woman" in (e.confirmations or {})
                for e in elections.get(village_id, [])
            )
            fig.check(
                "woman_on_committee",
                "warning",
                _("村(居)民委员会成员中没有妇女（村民委员会组织法第六条）"),
                confirmed=confirmed,
            )
    return people


def _supervision_checks(figures, details, people) -> None:
    for village_id, fig in figures.items():
        members = people[village_id][Body.SUPERVISION_COMMITTEE]
        if not members:
            continue
        detail = details.get(village_id)
        sup = fig.sections["supervision"]
        if detail is not None and detail.accounting_member_id in members:
            sup["with_accounting_member"] += 1
        else:
            sup["without_accounting_member"] += 1
            fig.check(
                "accounting_member",
                "warning",
                _("村务监督委员会中没有具备财会知识的成员（村民委员会组织法第三十二条）"),
            )


def _groups(figures, term, details) -> None:
    for row in (
        VillagerGroup.objects.filter(term=term, village__in=figures)
        .values("village")
        .annotate(
            groups=Count("pk"),
            leaders=Count("pk", filter=~Q(leader_name="")),
            women=Count("pk", filter=~Q(leader_name="") & Q(leader_gender=Gender.FEMALE)),
            party=Count("pk", filter=~Q(leader_name="") & Q(leader_party_member=True)),
        )
    ):
        sec = figures[row["village"]].sections["groups_and_representatives"]
        sec["groups"] += row["groups"]
        sec["group_leaders"] += row["leaders"]
        sec["leaders_women"] += row["women"]
        sec["leaders_party_members"] += row["party"]
    for row in (
        Representative.objects.filter(term=term, village__in=figures)
        .values("village")
        .annotate(
            n=Count("pk"),
            women=Count("pk", filter=Q(gender=Gender.FEMALE)),
            party=Count("pk", filter=Q(party_member=True)),
            households=Count("pk", filter=Q(chosen_by=ChosenBy.HOUSEHOLDS)),
        )
    ):
        sec = figures[row["village"]].sections["groups_and_representatives"]
        sec["representatives"] += row["n"]
        sec["representatives_women"] += row["women"]
        sec["representatives_party_members"] += row["party"]
        sec["by_households"] += row["households"]
        sec["by_group"] += row["n"] - row["households"]
    for village_id, fig in figures.items():
        sec = fig.sections["groups_and_representatives"]
        if not sec["representatives"]:
            continue
        # the representatives' assembly: the representatives and the villagers' committee
        villagers = fig.sections["committees"][Body.VILLAGERS_COMMITTEE]["seats"]
        sec["assembly"] += sec["representatives"] + villagers
        confirmations = getattr(details.get(village_id), "confirmations", None) or {}
        if sec["representatives"] * 5 < sec["assembly"] * 4:
            fig.check(
                "representatives_share",
                "warning",
                _("村民代表应占村民代表会议组成人员的五分之四以上（村民委员会组织法第二十五条）"),
                confirmed="representatives_share" in confirmations,
            )
        if sec["representatives_women"] * 3 < sec["assembly"]:
            fig.check(
                "women_share",
                "warning",
                _(
                    "妇女村民代表应占村民代表会议组成人员的三分之一以上（村民委员会组织法第二十五条）"
                ),
                confirmed="women_share" in confirmations,
            )


def _candidacies(figures, term) -> dict:
    """(village, person, body) -> (source, audit recommendation) of the term's candidacies."""
    found = {}
    for village_id, person_id, body, source, recommendation in (
        Candidacy.objects.filter(term=term, village__in=figures)
        .order_by("pk")
        .values_list("village_id", "person_id", "body", "source", "audit_recommendation")
    ):
        found[(village_id, person_id, body)] = (source, recommendation)
    return found


def _audits(figures, term, candidacies) -> None:
    previous = term.previous
    outgoing = defaultdict(set)
    if previous is not None:
        for village_id, merged_into_id, person_id in (
            Seat.objects.filter(term=previous, body=Body.VILLAGERS_COMMITTEE)
            .filter(Q(village__in=figures) | Q(village__merged_into__in=figures))
            .values_list("village_id", "village__merged_into_id", "person_id")
        ):
            outgoing[merged_into_id if merged_into_id in figures else village_id].add(person_id)
    status = defaultdict(dict)
    for village_id, person_id, value in LeavingAudit.objects.filter(
        term=term, village__in=figures
    ).values_list("village_id", "person_id", "status"):
        status[village_id][person_id] = value
        outgoing[village_id].add(person_id)
    recommendations = defaultdict(dict)
    for (village_id, person_id, _body), (_source, value) in candidacies.items():
        if value:
            recommendations[village_id][person_id] = value
    for village_id, fig in figures.items():
        sec = fig.sections["leaving_audits"]
        people = outgoing.get(village_id, set())
        sec["outgoing"] += len(people)
        for person_id in people:
            sec[status[village_id].get(person_id, AuditStatus.NOT_STARTED)] += 1
            value = recommendations[village_id].get(person_id)
            if value == AuditRecommendation.STAY:
                sec["recommended_stay"] += 1
            elif value == AuditRecommendation.GO:
                sec["recommended_go"] += 1


def _elected(figures, term, previous, candidacies) -> list[dict]:
    rows = []
    reference = term.reference_date
    for candidate in (
        ElectionCandidate.objects.filter(
            election__term=term,
            election__village__in=figures,
            election__state=ElectionState.CERTIFIED,
            election__body__in=TWO_COMMITTEES,
        )
        .exclude(post="")
        .select_related("person", "election", "report_origin")
        .order_by("election__village__code", "election__body", "election__round", "-votes", "pk")
    ):
        election, person = candidate.election, candidate.person
        village = figures[election.village_id].village
        source = candidacies.get((village.pk, person.pk, election.body), ("", ""))[0]
        origin = ORIGIN_FROM_SOURCE.get(source)
        if origin is None:
            typed = getattr(candidate, "report_origin", None)
            origin = typed.origin if typed is not None else Origin.OTHER
        rows.append(
            {
                "township": village.township.name,
                "village": village.name,
                "village_code": village.code,
                "name": person.name,
                "gender": str(person.get_gender_display()),
                "age": person.age_on(reference),
                "ethnicity": person.ethnicity,
                "political_status": str(person.get_political_status_display()),
                "education": str(Education(person.highest_education).label)
                if person.highest_education
                else "",
                "body": election.body,
                "post": str(POST_TITLES[(election.body, candidate.post)]),
                "round": election.round,
                "votes": candidate.votes,
                "ballots": election.ballots_returned,
                "re_elected": (village.pk, person.pk) in previous,
                "origin": origin,
                "candidate_id": candidate.pk,
                "origin_from_candidacy": source in ORIGIN_FROM_SOURCE,
            }
        )
    return rows


def _recalls(figures, term) -> list[dict]:
    return [
        {
            "township": figures[r.village_id].village.township.name,
            "village": figures[r.village_id].village.name,
            "village_code": figures[r.village_id].village.code,
            "name": r.seat.person.name,
            "post": str(POST_TITLES[(r.seat.body, r.seat.post)]),
            "requested_by": r.requested_by,
            "requesters": r.requesters,
            "eligible": r.eligible,
            "requested_on": r.requested_on.isoformat(),
            "voted_on": r.voted_on.isoformat(),
            "registered": r.registered,
            "voted": r.voted,
            "agreed": r.agreed,
            "valid": r.valid,
            "passed": r.passed,
        }
        for r in Recall.objects.filter(term=term, village__in=figures)
        .select_related("seat__person")
        .order_by("village__code", "voted_on", "pk")
    ]


def _by_elections(figures, term) -> list[dict]:
    return [
        {
            "township": figures[b.village_id].village.township.name,
            "village": figures[b.village_id].village.name,
            "village_code": figures[b.village_id].village.code,
            "post": str(POST_TITLES[(Body.VILLAGERS_COMMITTEE, b.post)]),
            "reason": b.reason,
            "held_on": b.held_on.isoformat(),
            "name": b.person.name,
            "registered": b.registered,
            "voted": b.voted,
            "votes": b.votes,
        }
        for b in ByElection.objects.filter(term=term, village__in=figures)
        .select_related("person")
        .order_by("village__code", "held_on", "pk")
    ]


def _expected_elections(figures, elections, term) -> None:
    for village_id, fig in figures.items():
        village = fig.village
        if (
            village.merged_into_id
            and village.merged_on
            and village.merged_on < (term.starts_on or term.reference_date)
        ):
            continue
        certified = {
            e.body
            for e in elections.get(village_id, [])
            if e.round == ElectionRound.FIRST and e.state == ElectionState.CERTIFIED
        }
        missing = [str(Body(b).label) for b in TWO_COMMITTEES if b not in certified]
        if missing:
            fig.check(
                "certified_election",
                "error",
                _("没有经审核确认的%(bodies)s选举") % {"bodies": join_words(missing)},
            )


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value


def _finish(section_name: str, sec: dict) -> dict:
    """Shares computed once the counts are summed."""
    if section_name == "voting":
        sec["turnout_percent"] = percent(sec["voted"], sec["entitled"])
    if section_name == "groups_and_representatives":
        sec["representatives_percent"] = percent(sec["representatives"], sec["assembly"])
        sec["women_percent"] = percent(sec["representatives_women"], sec["assembly"])
    return sec


def _unit_of(scope: Scope, village: Village) -> tuple[str, str]:
    if scope.kind == "county":
        return village.township.code, village.township.name
    return village.code, village.name


def report(scope: Scope, term: Term) -> dict:
    """Every form of `scope` for `term`, computed from the detail (docs/reports.md)."""
    villages = _reporting_villages(scope, term)
    figures = {v.pk: _Village(v) for v in villages}
    previous = _previous_members(villages, term)
    details = _committee_detail(figures, term)
    elections = _elections(figures, term)
    people = _seats(figures, term, previous, elections)
    _supervision_checks(figures, details, people)
    _groups(figures, term, details)
    candidacies = _candidacies(figures, term)
    _audits(figures, term, candidacies)
    _expected_elections(figures, elections, term)

    result = {"scope": scope.code, "name": scope.name, "kind": scope.kind, "term": term.year}
    units: dict[str, dict] = {}
    for fig in figures.values():
        code, name = _unit_of(scope, fig.village)
        unit = units.setdefault(code, {"code": code, "name": name, "villages": 0, "sections": {}})
        unit["villages"] += 1
        _add(unit["sections"], fig.sections)
    for name, _keys in SECTIONS:
        total = {}
        for fig in figures.values():
            _add(total, fig.sections[name])
        if name == "committees":
            total = _zero_committees(total)
        section = _finish(name, total)
        section["rows"] = [
            {"code": u["code"], "name": u["name"], "villages": u["villages"]}
            | _finish(name, dict(u["sections"].get(name, {})))
            for u in units.values()
        ]
        result[name] = section
    result["registration"]["villages"] = len(figures)
    result["elected"] = _elected(figures, term, previous, candidacies)
    result["recalls"] = _recalls(figures, term)
    result["by_elections"] = _by_elections(figures, term)
    result["checks"] = [check for fig in figures.values() for check in fig.checks]
    return result


def _zero_committees(total: dict) -> dict:
    if not total:
        total = _zero(COMMITTEE_KEYS)
    for body in TWO_COMMITTEES:
        total.setdefault(body, _zero(BODY_KEYS))
    return total


JSON_KEYS = (
    "scope",
    "registration",
    "voting",
    "elected",
    "committees",
    "groups_and_representatives",
    "supervision",
    "leaving_audits",
    "recalls",
    "by_elections",
    "checks",
)


def contract(data: dict) -> dict:
    """The report with exactly the keys of `election_report --json` (docs/reports.md)."""
    out = {key: data[key] for key in JSON_KEYS}
    out["elected"] = [
        {k: v for k, v in row.items() if k not in ("candidate_id", "origin_from_candidacy")}
        for row in data["elected"]
    ]
    out["checks"] = [
        {"code": c["code"], "level": c["level"], "message": c["message"]} for c in data["checks"]
    ]
    return out


def blocking_checks(data: dict) -> list[dict]:
    """Checks that stop a filing: every error, and a warning awaiting its written note."""
    return [
        c
        for c in data["checks"]
        if c["level"] == "error" or (c["confirmable"] and not c["confirmed"])
    ]


def fingerprint(data: dict) -> str:
    """A digest of the figures (not the wording of the checks), to see a change since filing."""
    figures = {k: v for k, v in data.items() if k != "checks"}
    figures["checks"] = sorted((c["code"], c["village"], c["confirmed"]) for c in data["checks"])
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def frozen_report(scope: Scope, term: Term) -> dict:
    """The report as it is filed: in the source language, whoever files it."""
    with translation.override("zh-hans"):
        return report(scope, term)
