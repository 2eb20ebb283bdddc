"""The forms of a county built here agree with the figures checked by hand (builders.py)."""

import pytest

from elections.choices import SeatEndReason, SeatSource
from reports import selectors

from .builders import build_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(township, other_township):
    return build_county(township, other_township)


def test_county_forms_agree_with_hand_checked_figures(built, county):
    data = selectors.report(selectors.Scope("county", county), built.t2021)
    reg, voting = data["registration"], data["voting"]
    # 南坪村 merged in 2020 reports nothing; 东关村, 西坪村, 北岭村 do
    assert reg["villages"] == 3
    assert (reg["registered"], reg["women"], reg["party_members"]) == (1500, 720, 90)
    assert (reg["second_round_added"], reg["second_round_removed"]) == (3, 5)
    assert (reg["election_committees"], reg["formed_by_representatives"]) == (1, 1)
    assert (reg["committee_members"], reg["committee_women"], reg["left_on_nomination"]) == (
        4,
        2,
        1,
    )
    assert (voting["elections"], voting["entitled"], voting["voted"]) == (2, 1500, 1100)
    assert voting["turnout_percent"] == 73.33
    assert (voting["second_rounds"], voting["second_round_voted"]) == (1, 280)
    assert (voting["booths"], voting["mobile_voters"], voting["proxy_voters"]) == (3, 12, 9)

    com = data["committees"]
    assert (com["members"], com["cross_serving"], com["one_shoulder"]) == (9, 1, 1)
    party, villagers = com["party"], com["villagers"]
    assert (party["seats"], party["re_elected"], party["new"]) == (4, 2, 2)
    # 赵五 of merged 南坪村 re-elected in 东关村; 西三 re-elected; 西四 recalled, 西六 by-elected
    assert (villagers["seats"], villagers["re_elected"], villagers["new"]) == (6, 3, 3)
    assert villagers["women"] == 2

    groups = data["groups_and_representatives"]
    assert (groups["groups"], groups["group_leaders"], groups["leaders_women"]) == (2, 2, 1)
    assert (groups["representatives"], groups["representatives_women"]) == (12, 4)
    assert (groups["assembly"], groups["representatives_percent"]) == (15, 80.0)
    sup = data["supervision"]
    assert (sup["committees"], sup["members"], sup["with_accounting_member"]) == (1, 2, 1)
    audits = data["leaving_audits"]
    assert (audits["outgoing"], audits["done"], audits["not_started"]) == (3, 1, 2)
    assert audits["recommended_stay"] == 1

    assert [(r["name"], r["passed"], r["valid"]) for r in data["recalls"]] == [("西4", True, True)]
    assert [(b["name"], b["reason"]) for b in data["by_elections"]] == [("西6", "recall")]
    assert len(data["elected"]) == 10
    zhao = next(row for row in data["elected"] if row["name"] == "赵五")
    assert zhao["re_elected"] and zhao["votes"] == 450 and zhao["ballots"] == 798
    codes = {(c["code"], c["village"]) for c in data["checks"]}
    assert ("certified_election", "141028101202") in codes  # 北岭村
    assert ("women_share", "141028100201") in codes  # 4 of 15
    assert ("proxy_limit", "141028101201") in codes  # four proxies in 西坪村
    # townships are the rows, and the rows add up to the total
    rows = {row["name"]: row for row in voting["rows"]}
    assert (rows["吉昌镇"]["voted"], rows["屯里镇"]["voted"]) == (800, 300)


def test_recall_and_by_election_go_through_the_seat_services(built):
    built.recalled.refresh_from_db()
    assert built.recalled.end_reason == SeatEndReason.RECALL
    assert built.by_election.seat.source == SeatSource.BY_ELECTION


def test_report_takes_a_fixed_number_of_queries(built, county, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        selectors.report(selectors.Scope("county", county), built.t2021)


def test_a_second_round_list_must_follow_the_four_changes(built, other_township):
    assert not [c for c in _checks(built, other_township) if c["code"] == "four_changes"]
    detail = built.second.report_detail
    detail.registered_resident += 7
    detail.save()
    found = [c for c in _checks(built, other_township) if c["code"] == "four_changes"]
    assert found and "505" in found[0]["message"] and "498" in found[0]["message"]


def _checks(built, township):
    return selectors.report(selectors.Scope("township", township), built.t2021)["checks"]
