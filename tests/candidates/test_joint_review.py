"""The joint review gate: every required department must pass; a flag blocks until the
organization department clears it with a reason (or rejects the name)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import Department
from candidates import services
from candidates.choices import Outcome, SignOffOutcome, Stage
from candidates.models import FlagClearance
from core.access import Role
from core.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(candidacy, advance):
    return advance(candidacy, Stage.JOINT_REVIEW)


def pass_review(candidacy, organizer):
    return services.candidacy_decide(
        candidacy=candidacy,
        outcome=Outcome.PASS,
        expected_version=candidacy.version,
        actor=organizer,
    )


def test_missing_department_blocks(in_review, reviewer, organizer):
    services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=reviewer)
    with pytest.raises(ValidationError, match="尚未出具意见的部门：组织"):
        pass_review(in_review, organizer)


def test_a_sign_off_needs_a_signer(in_review):
    with pytest.raises(ValidationError) as caught:
        services.sign_off_record(
            candidacy=in_review, outcome=SignOffOutcome.PASS, actor=SYSTEM, department="police"
        )
    assert "signed_by" in caught.value.message_dict
    assert not in_review.sign_offs.exists()


def test_all_required_pass_lets_it_through(in_review, reviewer, org_reviewer, organizer):
    for user in (reviewer, org_reviewer):
        services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=user)
    pass_review(in_review, organizer)
    assert in_review.stage == Stage.TOWNSHIP_COMMITTEE


def test_flag_blocks_until_organization_clears_it(
    in_review, reviewer, org_reviewer, organizer, items
):
    flag = services.sign_off_record(
        candidacy=in_review,
        outcome=SignOffOutcome.FLAG,
        actor=reviewer,
        negative_items=[items[1]],
        note="2015 年因赌博被行政拘留",
    )
    services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=org_reviewer)
    with pytest.raises(ValidationError, match="公安提出问题"):
        pass_review(in_review, organizer)
    with pytest.raises(PermissionDenied):
        services.flag_clear(sign_off=flag, reason="已过 5 年", actor=reviewer)
    with pytest.raises(ValidationError, match="核销须写明理由"):
        services.flag_clear(sign_off=flag, reason="", actor=organizer)
    clearance = services.flag_clear(
        sign_off=flag, reason="行政拘留，非刑事，已过 5 年", actor=organizer
    )
    assert FlagClearance.objects.get().cleared_by == organizer == clearance.cleared_by
    in_review.refresh_from_db()
    pass_review(in_review, organizer)
    assert in_review.stage == Stage.TOWNSHIP_COMMITTEE


def test_organization_reviewer_may_clear_and_reject(in_review, reviewer, org_reviewer, items):
    flag = services.sign_off_record(
        candidacy=in_review, outcome=SignOffOutcome.FLAG, actor=reviewer, note="涉赌"
    )
    services.flag_clear(sign_off=flag, reason="核实为误报", actor=org_reviewer)
    in_review.refresh_from_db()
    services.candidacy_decide(
        candidacy=in_review,
        outcome=Outcome.REJECT,
        expected_version=in_review.version,
        actor=org_reviewer,
        negative_items=[items[3]],
    )
    assert in_review.stage == Stage.REJECTED


def test_flag_needs_items_or_note(in_review, reviewer):
    with pytest.raises(ValidationError, match="提出问题须"):
        services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.FLAG, actor=reviewer)


def test_a_department_signs_once(in_review, reviewer, make_user):
    services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=reviewer)
    colleague = make_user(Role.DEPARTMENT_REVIEWER, department=Department.POLICE)
    with pytest.raises(services.CandidacyConflict, match="已对"):
        services.sign_off_record(
            candidacy=in_review, outcome=SignOffOutcome.FLAG, actor=colleague, note="x"
        )


def test_reviewer_signs_only_for_own_department(in_review, reviewer):
    with pytest.raises(PermissionDenied):
        services.sign_off_record(
            candidacy=in_review,
            outcome=SignOffOutcome.PASS,
            actor=reviewer,
            department=Department.COURT,
        )


def test_department_not_taking_part_cannot_sign(in_review, make_user):
    court = make_user(Role.DEPARTMENT_REVIEWER, department=Department.COURT)
    with pytest.raises(ValidationError, match="不参加"):
        services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=court)


@pytest.mark.parametrize(
    "role", [Role.COUNTY_ORGANIZER, Role.TOWNSHIP_OFFICIAL, Role.COUNTY_VIEWER]
)
def test_only_reviewers_sign(in_review, make_user, role):
    with pytest.raises(PermissionDenied):
        services.sign_off_record(
            candidacy=in_review,
            outcome=SignOffOutcome.PASS,
            actor=make_user(role),
            department=Department.POLICE,
        )


def test_sign_off_outside_joint_review_refused(candidacy, reviewer, departments):
    with pytest.raises(ValidationError, match="不在资格联审阶段"):
        services.sign_off_record(candidacy=candidacy, outcome=SignOffOutcome.PASS, actor=reviewer)


def test_default_departments_are_the_usual_set(county):
    rows = services.review_departments_ensure(county=county)
    assert {r.department for r in rows} == set(Department) - {Department.OTHER}
    assert all(r.required for r in rows)


def test_bulk_pass_signs_each_and_reports_failures(village, term, advance, reviewer):
    from tests.factories.candidates import CandidacyFactory

    names = [
        advance(CandidacyFactory(village=village, term=term), Stage.JOINT_REVIEW) for _ in range(3)
    ]
    services.sign_off_record(candidacy=names[0], outcome=SignOffOutcome.PASS, actor=reviewer)
    result = services.sign_offs_pass_bulk(candidacies=names, actor=reviewer)
    assert len(result.done) == 2 and len(result.failed) == 1


def test_a_department_that_flagged_has_answered(client, in_review, reviewer, organizer, items):
    """The box separates "not yet answered" from "answered with an open flag": 公安 flagged,
    组织 has not answered."""
    services.sign_off_record(
        candidacy=in_review,
        outcome=SignOffOutcome.FLAG,
        actor=reviewer,
        negative_items=[items[1]],
        note="有治安处罚记录",
    )
    client.force_login(organizer)
    page = client.get(in_review.get_absolute_url()).content.decode()
    box = page.split('data-testid="blockers"', 1)[1].split("</div>", 1)[0]
    assert "尚未出具意见的部门：组织<" in box  # 公安 is not listed as not answered
    assert "公安提出问题，尚未由组织部门核销" in box
