"""The villagers' committee election's forms: the election committee and the voter
registration (选民登记), the voting (投票) and their checks, and the elections each village
must have certified."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.text import join_words
from elections.choices import Body, ElectionRound, ElectionState
from elections.models import Election
from people.choices import Gender, PoliticalStatus
from registry.models import Term

from ..choices import FormedBy
from ..models import POSTING_DAYS, PROXY_LIMIT, VillageDetail
from .figures import TWO_COMMITTEES, VillageFigures


def committee_detail(figures: dict[int, VillageFigures], term: Term) -> dict[int, VillageDetail]:
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


def village_elections(figures: dict[int, VillageFigures], term: Term) -> dict[int, list[Election]]:
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


def _villagers_election(fig: VillageFigures, election: Election) -> None:
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


def _second_round_check(fig: VillageFigures, detail) -> None:
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


def _election_checks(fig: VillageFigures, election: Election, detail) -> None:
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


def expected_elections(figures, elections, term) -> None:
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
