"""The state machine: every legal step, every illegal one, and who may take it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import services
from candidates.choices import STAGE_PATH, Outcome, Source, Stage
from candidates.models import Candidacy, Decision
from core.access import Role
from tests.factories import PersonFactory
from tests.factories.candidates import CandidacyFactory

from .conftest import MEETING

pytestmark = pytest.mark.django_db


def decide(candidacy, outcome, actor, **kwargs):
    return services.candidacy_decide(
        candidacy=candidacy,
        outcome=outcome,
        expected_version=candidacy.version,
        actor=actor,
        **kwargs,
    )


def test_pass_walks_every_stage_in_order_to_approved(candidacy, advance):
    advance(candidacy, Stage.APPROVED)
    steps = list(candidacy.decisions.values_list("stage", "to_stage"))
    assert steps == list(zip(STAGE_PATH[:-1], STAGE_PATH[1:], strict=True))
    assert candidacy.stage == Stage.APPROVED


def test_transition_table_never_skips_a_stage():
    for (stage, outcome), to_stage in services.TRANSITIONS.items():
        if outcome == Outcome.PASS:
            assert STAGE_PATH.index(to_stage) == STAGE_PATH.index(stage) + 1
        if outcome == Outcome.RETURN:
            assert STAGE_PATH.index(to_stage) == STAGE_PATH.index(stage) - 1


@pytest.mark.parametrize("ended", [Stage.APPROVED, Stage.REJECTED, Stage.WITHDRAWN, Stage.REPLACED])
@pytest.mark.parametrize("outcome", [Outcome.PASS, Outcome.REJECT, Outcome.RETURN])
def test_decision_on_ended_candidacy_is_refused(village, term, organizer, ended, outcome):
    candidacy = CandidacyFactory(village=village, term=term, stage=ended)
    with pytest.raises(ValidationError, match="不能再作决定"):
        decide(candidacy, outcome, organizer, reason="x", **MEETING)
    assert not Decision.objects.exists()


def test_return_from_nomination_is_illegal(candidacy, official):
    with pytest.raises(ValidationError, match="不能"):
        decide(candidacy, Outcome.RETURN, official, reason="再核实")


def test_return_goes_back_exactly_one_stage_and_needs_a_note(candidacy, advance, organizer):
    advance(candidacy, Stage.ORGANIZATION_DEPARTMENT)
    with pytest.raises(ValidationError, match="退回须写明说明"):
        decide(candidacy, Outcome.RETURN, organizer)
    decide(candidacy, Outcome.RETURN, organizer, reason="补充村民评议材料")
    assert candidacy.stage == Stage.TOWNSHIP_COMMITTEE


def test_reject_needs_items_or_reason(candidacy, official, items):
    with pytest.raises(ValidationError, match="负面清单情形或写明理由"):
        decide(candidacy, Outcome.REJECT, official)
    decide(candidacy, Outcome.REJECT, official, negative_items=[items[1]])
    assert candidacy.stage == Stage.REJECTED
    assert list(candidacy.decisions.get().negative_items.all()) == [items[1]]


def test_reject_with_written_reason_only(candidacy, official):
    decide(candidacy, Outcome.REJECT, official, reason="群众基础差")
    assert candidacy.stage == Stage.REJECTED


def test_pass_cannot_cite_negative_items(candidacy, official, items):
    with pytest.raises(ValidationError, match="通过时不能"):
        decide(candidacy, Outcome.PASS, official, negative_items=[items[0]])


def test_meeting_stages_need_date_and_minute_number(candidacy, advance, official):
    advance(candidacy, Stage.TOWNSHIP_COMMITTEE)
    with pytest.raises(ValidationError) as info:
        decide(candidacy, Outcome.PASS, official)
    assert set(info.value.message_dict) == {"meeting_date", "minute_number"}
    decision = decide(candidacy, Outcome.PASS, official, **MEETING)
    assert decision.minute_number == "2021-05" and decision.meeting_date == dt.date(2021, 3, 1)


def test_unknown_outcome_refused(candidacy, official):
    with pytest.raises(ValidationError):
        decide(candidacy, "approve", official)


# --- who decides which stage ---------------------------------------------------------


def test_official_decides_preliminary_and_township_committee_only(candidacy, advance, official):
    advance(candidacy, Stage.JOINT_REVIEW)
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.REJECT, official, reason="x")
    advance(candidacy, Stage.ORGANIZATION_DEPARTMENT)
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.PASS, official, **MEETING)


def test_official_of_another_township_cannot_decide(candidacy, make_user, other_township):
    stranger = make_user(Role.TOWNSHIP_OFFICIAL, township=other_township)
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.PASS, stranger)


def test_organizer_cannot_decide_township_stages(candidacy, advance, organizer):
    advance(candidacy, Stage.PRELIMINARY_REVIEW)
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.PASS, organizer)
    advance(candidacy, Stage.TOWNSHIP_COMMITTEE)
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.PASS, organizer, **MEETING)


@pytest.mark.parametrize("role", [Role.COUNTY_VIEWER, Role.API_CLIENT, Role.DEPARTMENT_REVIEWER])
def test_other_roles_never_decide(candidacy, advance, make_user, role):
    advance(candidacy, Stage.JOINT_REVIEW)
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.REJECT, user, reason="x")


def test_organizer_of_another_county_cannot_decide(candidacy, advance, make_user):
    from tests.factories import CountyFactory

    advance(candidacy, Stage.JOINT_REVIEW)
    outsider = make_user(Role.COUNTY_ORGANIZER, county=CountyFactory(code="141029"))
    with pytest.raises(PermissionDenied):
        decide(candidacy, Outcome.REJECT, outsider, reason="x")


# --- optimistic locking ----------------------------------------------------------------


def test_stale_version_is_a_conflict_and_records_nothing(candidacy, official):
    seen = candidacy.version
    decide(candidacy, Outcome.PASS, official)
    stale = Candidacy.objects.get(pk=candidacy.pk)
    with pytest.raises(services.CandidacyConflict, match="已被他人更新"):
        services.candidacy_decide(
            candidacy=stale,
            outcome=Outcome.REJECT,
            expected_version=seen,
            actor=official,
            reason="x",
        )
    assert Decision.objects.count() == 1
    stale.refresh_from_db()
    assert stale.stage == Stage.PRELIMINARY_REVIEW


def test_two_deciders_on_the_same_version_exactly_one_lands(candidacy, official, make_user):
    colleague = make_user(Role.TOWNSHIP_OFFICIAL, username="colleague")
    first = Candidacy.objects.get(pk=candidacy.pk)
    second = Candidacy.objects.get(pk=candidacy.pk)
    services.candidacy_decide(
        candidacy=first, outcome=Outcome.PASS, expected_version=first.version, actor=official
    )
    with pytest.raises(services.CandidacyConflict):
        services.candidacy_decide(
            candidacy=second,
            outcome=Outcome.REJECT,
            expected_version=second.version,
            actor=colleague,
            reason="不合适",
        )
    assert list(Decision.objects.values_list("outcome", flat=True)) == [Outcome.PASS]


def test_edit_bumps_version_and_stale_edit_conflicts(candidacy, official):
    version = candidacy.version
    updated = services.candidacy_update(
        candidacy=candidacy,
        expected_version=version,
        actor=official,
        assessment={"rating_political": "excellent", "note_political": "立场坚定"},
    )
    assert updated.version == version + 1
    with pytest.raises(services.CandidacyConflict):
        services.candidacy_update(
            candidacy=candidacy, expected_version=version, actor=official, source=Source.OTHER
        )


# --- withdraw and replace ------------------------------------------------------------


def test_withdraw_needs_reason_and_ends(candidacy, official):
    with pytest.raises(ValidationError):
        services.candidacy_withdraw(
            candidacy=candidacy, expected_version=None, reason=" ", actor=official
        )
    services.candidacy_withdraw(
        candidacy=candidacy, expected_version=None, reason="外出务工", actor=official
    )
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.WITHDRAWN


def test_replacement_links_both_ways(candidacy, official, items):
    decide(candidacy, Outcome.REJECT, official, negative_items=[items[4]])
    newcomer = PersonFactory(village=candidacy.village, name="李新")
    new = services.candidacy_replace(
        candidacy=candidacy,
        person=newcomer,
        source=Source.RECRUITED_BACK,
        reason="原人选涉嫌拉票",
        actor=official,
    )
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.REPLACED
    assert candidacy.replaced_by == new and new.replaces == candidacy
    assert (new.post, new.body, new.village, new.term) == (
        candidacy.post,
        candidacy.body,
        candidacy.village,
        candidacy.term,
    )
    assert new.stage == Stage.NOMINATED


def test_only_rejected_or_withdrawn_can_be_replaced(candidacy, official):
    with pytest.raises(ValidationError, match="只有未通过或已退出"):
        services.candidacy_replace(
            candidacy=candidacy,
            person=PersonFactory(village=candidacy.village),
            source=Source.RESERVE,
            reason="x",
            actor=official,
        )


def test_decisions_cannot_be_changed_or_deleted(candidacy, official):
    decision = decide(candidacy, Outcome.PASS, official)
    decision.reason = "事后修改"
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()


def test_same_person_cannot_hold_two_open_candidacies_on_one_body(candidacy, official):
    from elections.choices import Post

    with pytest.raises(ValidationError, match="已是该组织的人选"):
        services.candidacy_create(
            person=candidacy.person,
            village=candidacy.village,
            term=candidacy.term,
            body=candidacy.body,
            post=Post.MEMBER,
            source=Source.RESERVE,
            actor=official,
        )


def test_post_must_belong_to_body(village, term, official):
    from elections.choices import Body, Post

    with pytest.raises(ValidationError) as info:
        services.candidacy_create(
            person=PersonFactory(village=village),
            village=village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            post=Post.DIRECTOR,
            source=Source.RESERVE,
            actor=official,
        )
    assert "post" in info.value.message_dict


def test_audit_recommendation_only_for_incumbents(village, term, official):
    from elections.choices import Body, Post

    with pytest.raises(ValidationError, match="只有留任人选"):
        services.candidacy_create(
            person=PersonFactory(village=village),
            village=village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            post=Post.MEMBER,
            source=Source.RESERVE,
            audit_recommendation="stay",
            actor=official,
        )


def test_official_cannot_nominate_in_other_township(other_village, term, official):
    from elections.choices import Body, Post

    with pytest.raises(PermissionDenied):
        services.candidacy_create(
            person=PersonFactory(village=other_village),
            village=other_village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            post=Post.MEMBER,
            source=Source.RESERVE,
            actor=official,
        )


def test_negative_list_defaults_loaded_once_and_editable_by_organizer(county, organizer, viewer):
    first = services.negative_list_ensure(county=county)
    assert len(first) == 12 and first[11].text.startswith("其他不宜")
    assert len(services.negative_list_ensure(county=county)) == 12
    item = services.negative_item_save(county=county, text="新增：长期不在村居住", actor=organizer)
    assert item.number == 13
    with pytest.raises(PermissionDenied):
        services.negative_item_save(county=county, text="x", actor=viewer)
    services.negative_item_save(
        county=county,
        item=first[9],
        text=first[9].text,
        number=10,
        active=False,
        actor=organizer,
    )
    first[9].refresh_from_db()
    assert not first[9].active


def test_failed_nomination_registers_nobody(candidacy, official):
    """A nomination refused (here: already a candidate for the body) leaves no new person."""
    from people.models import Person
    from tests.factories import make_id_number

    before = Person.objects.count()
    services.candidacy_decide(
        candidacy=candidacy, outcome="reject", expected_version=None, actor=official, reason="x"
    )
    with pytest.raises(ValidationError):
        services.candidacy_replace(
            candidacy=candidacy,
            source=Source.RESERVE,
            reason="替换",
            actor=official,
            person_data={
                "id_number": make_id_number(dt.date(1992, 3, 3)),
                "name": "新人",
                "phone": "not-a-phone",
            },
        )
    assert Person.objects.count() == before
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.REJECTED
