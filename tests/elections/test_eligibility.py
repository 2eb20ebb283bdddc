"""Eligibility on the ballot and in the seats, and the ballot read against the vetting.

18 on election day and a full party member for the party committee (elections.eligibility);
on a party ballot only approved candidates; on a villagers' committee ballot a candidate who
is not approved needs a written explanation, and a rejected one is named with the rejection.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates import services as vetting_services
from candidates.choices import Outcome, Stage
from core.policy import SYSTEM
from core.spreadsheets import read_bytes
from elections import eligibility, importers, services
from elections.choices import Body, Post
from elections.models import Seat
from elections.services import CandidateInput
from people.choices import PoliticalStatus
from tests.factories import PersonFactory, TermFactory, make_id_number
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory
from tests.spreadsheets import xlsx

pytestmark = pytest.mark.django_db

AGE_RULE = "被选举人须年满 18 周岁"
PARTY_RULE = "党组织委员会成员须为中共正式党员"


@pytest.fixture
def term():
    return TermFactory(year=2021)


def _party_election(village, term, people, posts=(Post.SECRETARY, Post.MEMBER, Post.MEMBER)):
    """Three seats; four candidates or more (seats × 1.2), the first three elected."""
    election = ElectionFactory(
        village=village,
        term=term,
        body=Body.PARTY_COMMITTEE,
        held_on=dt.date(2021, 3, 10),
        entitled=40,
        present=38,
        ballots_issued=38,
        ballots_returned=38,
        ballots_valid=38,
        ballots_invalid=0,
        seats_member=2,
    )
    services.election_results_set(
        election=election,
        candidates=[
            CandidateInput(person, 30 - i, posts[i] if i < len(posts) else "")
            for i, person in enumerate(people)
        ],
        actor=SYSTEM,
    )
    return election


def _messages(election):
    return [f.message for f in services.election_findings(election)]


def test_the_rule_itself():
    on = dt.date(2021, 4, 30)
    assert eligibility.age_problem(dt.date(2003, 4, 30), on) is None  # 18 that very day
    assert "17 周岁" in eligibility.age_problem(dt.date(2003, 5, 1), on)
    assert eligibility.party_problem(Body.PARTY_COMMITTEE, PoliticalStatus.PARTY_MEMBER) is None
    assert "预备党员" in eligibility.party_problem(
        Body.PARTY_COMMITTEE, PoliticalStatus.PROBATIONARY
    )
    assert "未登记" in eligibility.party_problem(Body.PARTY_COMMITTEE, "")
    assert eligibility.party_problem(Body.VILLAGERS_COMMITTEE, PoliticalStatus.MASSES) is None


def test_a_minor_and_a_probationary_member_cannot_stand_on_a_party_ballot(
    api, official, village, term
):
    minor = PersonFactory(village=village, name="小明", birth_date=dt.date(2007, 1, 1))
    probationary = PersonFactory(
        village=village, name="预备", political_status=PoliticalStatus.PROBATIONARY
    )
    members = [PersonFactory(village=village) for _ in range(2)]
    election = _party_election(village, term, [members[0], minor, members[1], probationary])
    response = api(official).post(f"/api/v1/elections/{election.pk}/submit/")
    assert response.status_code == 400
    text = str(response.data)
    assert "小明" in text and AGE_RULE in text and "14 周岁" in text
    assert "预备" in text and "预备党员没有被选举权" in text
    election.refresh_from_db()
    assert election.state == "draft"


def test_a_seat_by_hand_needs_an_eligible_holder(official, village, term):
    minor = PersonFactory(village=village, birth_date=dt.date(2005, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.seat_create(
            person=minor,
            village=village,
            term=term,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.MEMBER,
            actor=official,
        )
    assert AGE_RULE in str(refused.value.message_dict["person"])
    masses = PersonFactory(village=village, political_status=PoliticalStatus.MASSES)
    with pytest.raises(ValidationError) as refused:
        services.seat_create(
            person=masses,
            village=village,
            term=term,
            body=Body.PARTY_COMMITTEE,
            post=Post.MEMBER,
            actor=official,
        )
    assert PARTY_RULE in str(refused.value) and "群众" in str(refused.value)
    assert not Seat.objects.exists()
    services.seat_create(
        person=masses,
        village=village,
        term=term,
        body=Body.VILLAGERS_COMMITTEE,
        post=Post.MEMBER,
        actor=official,
    )


def test_the_roster_refuses_minors_and_non_members_on_the_party_committee(village, term):
    header = ["乡镇", "村(社区)", "届次", "组织", "职务", "姓名", "公民身份号码", "政治面貌"]
    known = PersonFactory(village=village, name="老王", political_status=PoliticalStatus.MASSES)
    rows = [
        [
            "吉昌镇",
            "东关村",
            2021,
            "党支部",
            "委员",
            "甲",
            make_id_number(dt.date(2006, 1, 1)),
            "中共党员",
        ],
        [
            "吉昌镇",
            "东关村",
            2021,
            "党支部",
            "委员",
            "乙",
            make_id_number(dt.date(1980, 1, 1)),
            "中共预备党员",
        ],
        ["吉昌镇", "东关村", 2021, "党支部", "委员", "老王", known.id_number, ""],
        [
            "吉昌镇",
            "东关村",
            2021,
            "村委会",
            "委员",
            "丁",
            make_id_number(dt.date(1981, 1, 1)),
            "群众",
        ],
    ]

    def errors(rows):
        sheet = read_bytes(xlsx([header, *rows]), "roster.xlsx", importers.COLUMNS)
        return [str(error) for error in importers.import_roster(sheet, actor=SYSTEM).errors]

    found = errors(rows)
    assert any("第 2 行" in e and "公民身份号码" in e and AGE_RULE in e for e in found), found
    assert any("第 3 行" in e and "政治面貌" in e and "预备党员" in e for e in found), found
    assert not any("第 5 行" in e for e in found), found
    # A row that leaves the status to the saved person is checked against it.
    found = errors(rows[2:])
    assert any("第 2 行" in e and "政治面貌" in e and "群众" in e for e in found), found
    assert not any("第 3 行" in e for e in found), found
    assert not Seat.objects.exists()


# -- the ballot and the vetting -------------------------------------------------------------


def test_a_rejected_nominee_on_a_party_ballot_is_an_error_naming_the_rejection(
    village, term, official
):
    people = [PersonFactory(village=village, name=name) for name in ("甲", "乙", "丁", "丙")]
    for person in people[:3]:
        CandidacyFactory(
            village=village, term=term, person=person, post=Post.MEMBER, stage=Stage.APPROVED
        )
    rejected = CandidacyFactory(village=village, term=term, person=people[3], post=Post.MEMBER)
    vetting_services.candidacy_decide(
        candidacy=rejected,
        outcome=Outcome.REJECT,
        expected_version=rejected.version,
        actor=official,
        reason="长期不在村",
    )
    election = _party_election(village, term, people)
    findings = services.election_findings(election)
    errors = [f for f in findings if f.level == "error"]
    assert [f.candidate for f in errors] == [str(people[3].pk)], [f.message for f in findings]
    assert "丙" in errors[0].message and "资格审查未通过" in errors[0].message
    assert "摸排提名" in errors[0].message and "长期不在村" in errors[0].message
    with pytest.raises(ValidationError):
        services.election_submit(election=election, actor=official)


def test_an_unvetted_villagers_candidate_needs_a_written_explanation(api, village, term, official):
    people = [PersonFactory(village=village) for _ in range(4)]
    for person in people[:3]:
        CandidacyFactory(
            village=village,
            term=term,
            person=person,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.MEMBER,
            stage=Stage.APPROVED,
        )
    walk_in = PersonFactory(village=village, name="海选人", gender="F")
    election = ElectionFactory(village=village, term=term)
    posts = [Post.DIRECTOR, Post.MEMBER, "", ""]
    services.election_results_set(
        election=election,
        candidates=[
            CandidateInput(p, votes, post)
            for p, votes, post in zip(
                [people[0], walk_in, people[1], people[2]], [700, 650, 600, 100], posts, strict=True
            )
        ],
        actor=SYSTEM,
    )
    client = api(official)
    body = client.get(f"/api/v1/elections/{election.pk}/").data
    warning = [f for f in body["findings"] if f["code"] == "villagers_not_approved"]
    assert len(warning) == 1 and warning[0]["needs_confirmation"], body["findings"]
    assert "海选人" in warning[0]["message"] and "未经人选审查" in warning[0]["message"]
    assert client.post(f"/api/v1/elections/{election.pk}/submit/").status_code == 400
    key = f"villagers_not_approved:{walk_in.pk}"
    response = client.post(
        f"/api/v1/elections/{election.pk}/confirm/",
        {"code": key, "note": "村民联名提名，乡镇党委已考察"},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert client.post(f"/api/v1/elections/{election.pk}/submit/").status_code == 200


def test_a_round_not_vetted_in_the_portal_is_not_held_to_it(village, term, official):
    people = [PersonFactory(village=village) for _ in range(4)]
    election = _party_election(village, term, people)
    assert services.election_findings(election) == []
    services.election_submit(election=election, actor=official)


def test_the_page_asks_a_written_explanation_for_each_unvetted_candidate(
    client, village, term, official
):
    vetted = [PersonFactory(village=village) for _ in range(2)]
    for person in vetted:
        CandidacyFactory(
            village=village,
            term=term,
            person=person,
            body=Body.VILLAGERS_COMMITTEE,
            post=Post.MEMBER,
            stage=Stage.APPROVED,
        )
    walk_ins = [PersonFactory(village=village, name=n, gender="F") for n in ("海甲", "海乙")]
    election = ElectionFactory(village=village, term=term)
    services.election_results_set(
        election=election,
        candidates=[
            CandidateInput(p, votes, post)
            for p, votes, post in zip(
                [*vetted, *walk_ins],
                [700, 650, 600, 100],
                [Post.DIRECTOR, Post.MEMBER, Post.MEMBER, ""],
                strict=True,
            )
        ],
        actor=SYSTEM,
    )
    client.force_login(official)
    page = client.get(election.get_absolute_url()).content.decode()
    assert "各项检查均已通过" not in page
    for person in walk_ins:
        assert f'value="villagers_not_approved:{person.pk}"' in page
    assert "villagers_not_approved" not in page.replace('value="villagers_not_approved:', "")
    url = reverse("elections:election-confirm", args=[election.pk])
    client.post(url, {"code": f"villagers_not_approved:{walk_ins[0].pk}", "note": "村民联名提名"})
    page = client.get(election.get_absolute_url()).content.decode()
    assert f'value="villagers_not_approved:{walk_ins[0].pk}"' not in page
    assert f'value="villagers_not_approved:{walk_ins[1].pk}"' in page
