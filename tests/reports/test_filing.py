"""Filing up the chain: township submits, county returns or accepts, detail locked once filed,
an audited unlock, the county's aggregate only when every township is accepted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.policy import SYSTEM
from reports import selectors, services
from reports.choices import FilingState
from reports.models import FilingStep

from .builders import build_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(township, other_township):
    return build_county(township, other_township)


def test_a_township_files_after_its_warnings_are_confirmed_and_the_detail_locks(
    built, township, official, organizer
):
    with pytest.raises(ValidationError) as refused:
        services.filing_submit(township=township, term=built.t2021, actor=official)
    assert any("三分之一" in m for m in refused.value.messages)  # women representatives
    services.village_detail_confirm(
        village=built.dongguan,
        term=built.t2021,
        code="women_share",
        note="妇女代表推选不足，已补充妇联主席列席",
        actor=official,
    )
    filing = services.filing_submit(township=township, term=built.t2021, actor=official)
    assert filing.state == FilingState.SUBMITTED and filing.filed_by == official
    assert filing.data["registration"]["registered"] == 1000
    with pytest.raises(ValidationError, match="已锁定"):
        services.group_save(village=built.dongguan, term=built.t2021, actor=official, name="北组")
    with pytest.raises(PermissionDenied):
        services.filing_accept(filing=filing, actor=official)

    filing = services.filing_return(filing=filing, reason="代表人数有误", actor=organizer)
    assert filing.state == FilingState.RETURNED and filing.return_reason == "代表人数有误"
    services.group_save(village=built.dongguan, term=built.t2021, actor=official, name="北组")
    filing = services.filing_submit(township=township, term=built.t2021, actor=official)
    filing = services.filing_accept(filing=filing, actor=organizer)
    assert filing.state == FilingState.ACCEPTED
    assert [s.step for s in FilingStep.objects.filter(filing=filing)] == [
        "submit",
        "return",
        "submit",
        "accept",
    ]


def test_an_unlocked_report_shows_its_detail_changed_until_filed_again(
    built, township, official, organizer
):
    services.village_detail_confirm(
        village=built.dongguan, term=built.t2021, code="women_share", note="说明", actor=SYSTEM
    )
    filing = services.filing_submit(township=township, term=built.t2021, actor=official)
    filing = services.filing_accept(filing=filing, actor=organizer)
    with pytest.raises(ValidationError):
        services.filing_unlock(filing=filing, reason=" ", actor=organizer)
    filing = services.filing_unlock(filing=filing, reason="更正代表名单", actor=organizer)
    services.group_save(village=built.dongguan, term=built.t2021, actor=official, name="北组")
    current = selectors.frozen_report(selectors.Scope("township", township), built.t2021)
    assert selectors.fingerprint(current) != filing.fingerprint
    assert filing.data["groups_and_representatives"]["groups"] == 2  # as filed
    filing = services.filing_submit(township=township, term=built.t2021, actor=official)
    assert filing.data["groups_and_representatives"]["groups"] == 3
    assert filing.locks_detail


def test_the_county_files_only_when_every_township_is_accepted(
    built, county, township, official, organizer
):
    services.village_detail_confirm(
        village=built.dongguan, term=built.t2021, code="women_share", note="说明", actor=SYSTEM
    )
    filing = services.filing_submit(township=township, term=built.t2021, actor=official)
    services.filing_accept(filing=filing, actor=organizer)
    with pytest.raises(ValidationError, match="屯里镇"):
        services.county_file(county=county, term=built.t2021, actor=organizer)
    with pytest.raises(PermissionDenied):
        services.county_file(county=county, term=built.t2021, actor=official)


def test_a_sitting_election_committee_member_cannot_be_nominated(built, official):
    from candidates.services import candidacy_create
    from elections.choices import Body, Post
    from reports.models import CommitteeMember

    member = CommitteeMember.objects.filter(left_on__isnull=True).select_related("person").first()
    kwargs = dict(
        person=member.person,
        village=built.dongguan,
        term=built.t2021,
        body=Body.VILLAGERS_COMMITTEE,
        post=Post.MEMBER,
        source="other",
        actor=official,
    )
    with pytest.raises(ValidationError, match="退出选举委员会"):
        candidacy_create(**kwargs)
    import datetime as dt

    services.committee_member_leave(
        member=member, left_on=dt.date(2021, 3, 2), reason="nominated", actor=official
    )
    assert candidacy_create(**kwargs).pk


def test_the_board_shows_the_states_and_a_report_changed_since_filing(
    client, built, township, official, organizer, django_assert_max_num_queries
):
    services.village_detail_confirm(
        village=built.dongguan, term=built.t2021, code="women_share", note="说明", actor=SYSTEM
    )
    filing = services.filing_submit(township=township, term=built.t2021, actor=official)
    services.filing_unlock(filing=filing, reason="更正", actor=organizer)
    services.group_save(village=built.dongguan, term=built.t2021, actor=official, name="北组")
    client.force_login(organizer)
    with django_assert_max_num_queries(60):
        html = client.get("/reports/?term=2021").content.decode()
    assert "已上报" in html and "未填报" in html  # 吉昌镇 filed, 屯里镇 not
    assert "明细在上报后有变动" in html and "已解锁修改" in html
