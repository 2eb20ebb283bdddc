"""The funnel on a hand-built set, in a fixed number of queries."""

import pytest
from django.urls import reverse

from candidates import selectors, services
from candidates.choices import Stage
from candidates.models import Candidacy
from tests.factories import PersonFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_built(village, other_village, term, advance, official, organizer, items):
    """Seven names:
    A approved (reserve), B approved (recruited back, in the other township), C returned once
    at the organization department and now at township committee, D rejected at preliminary
    review citing items 2 and 5, E rejected at joint review with a reason only and replaced
    by F (nominated), G withdrawn at nomination.
    """

    def new(**kw):
        kw.setdefault("village", village)
        return CandidacyFactory(term=term, person=PersonFactory(village=kw["village"]), **kw)

    a = advance(new(source="reserve"), Stage.APPROVED)
    b = advance(new(village=other_village, source="recruited_back", post="member"), Stage.APPROVED)
    c = advance(new(post="deputy_secretary"), Stage.ORGANIZATION_DEPARTMENT)
    services.candidacy_decide(
        candidacy=c, outcome="return", expected_version=None, actor=organizer, reason="补充材料"
    )
    d = advance(new(body="villagers", post="director"), Stage.PRELIMINARY_REVIEW)
    services.candidacy_decide(
        candidacy=d,
        outcome="reject",
        expected_version=None,
        actor=official,
        negative_items=[items[1], items[4]],
    )
    e = advance(new(body="villagers", post="deputy_director"), Stage.JOINT_REVIEW)
    services.candidacy_decide(
        candidacy=e, outcome="reject", expected_version=None, actor=organizer, reason="群众反映强烈"
    )
    services.candidacy_replace(
        candidacy=e,
        person=PersonFactory(village=village),
        source="other",
        reason="原人选未通过",
        actor=official,
    )
    g = new(body="villagers", post="member")
    services.candidacy_withdraw(candidacy=g, expected_version=None, reason="外出", actor=official)
    return {"a": a, "b": b}


def test_funnel_figures(hand_built, organizer):
    data = selectors.funnel(Candidacy.objects.for_user(organizer))
    assert data["total"] == 7
    at = {s["stage"]: s["at"] for s in data["stages"]}
    assert at == {
        "nominated": 1,
        "preliminary_review": 0,
        "joint_review": 0,
        "township_committee": 1,
        "organization_department": 0,
        "standing_committee": 0,
        "approved": 2,
    }
    passed = {s["stage"]: s["passed"] for s in data["stages"]}
    assert passed["nominated"] == 5  # A B C D E
    assert passed["preliminary_review"] == 4  # A B C E
    assert passed["joint_review"] == 3  # A B C
    assert passed["township_committee"] == 3  # A B C (C passed once, then came back)
    assert passed["organization_department"] == 2
    assert passed["standing_committee"] == 2
    # One set of figures: 未通过 is the names rejected and not replaced (D); E, rejected in
    # the joint review and then replaced, counts under 已替换 only.
    rejected = {s["stage"]: s["rejected"] for s in data["stages"]}
    assert rejected["preliminary_review"] == 1 and rejected["joint_review"] == 0
    returned = {s["stage"]: s["returned"] for s in data["stages"]}
    assert returned["organization_department"] == 1
    assert data["rejected"] == 1 and data["returned"] == 1
    assert data["replaced"] == 1 and data["withdrawn"] == 1
    assert data["ended"] == {"approved": 2, "rejected": 1, "withdrawn": 1, "replaced": 1}
    assert [(r["number"], r["count"]) for r in data["rejected_by_item"]] == [(2, 1), (5, 1)]
    assert data["rejected_reason_only"] == 0
    sources = {s["source"]: s["count"] for s in data["approved_sources"]}
    assert sources == {"incumbent": 0, "reserve": 1, "recruited_back": 1, "sent_in": 0, "other": 0}
    townships = {t["name"]: t["total"] for t in data["townships"]}
    assert townships == {"吉昌镇": 6, "屯里镇": 1}


def test_funnel_scoped_to_township(hand_built, official):
    data = selectors.funnel(Candidacy.objects.for_user(official))
    assert data["total"] == 6
    assert {s["source"]: s["count"] for s in data["approved_sources"]}["recruited_back"] == 0


def test_funnel_query_count_does_not_grow(
    client, organizer, term, village, django_assert_num_queries
):
    for _ in range(20):
        CandidacyFactory(term=term, village=VillageFactory(township=village.township))
    client.force_login(organizer)
    client.get(reverse("candidates:funnel"))  # warm the session and the county lists
    # (the session is read from the cache, not written: accounts/sessions.py, accounts.middleware)
    with django_assert_num_queries(9) as captured:
        response = client.get(reverse("candidates:funnel"), {"term": 2021})
    assert response.context["funnel"]["total"] == 20
    assert len(captured) == 9


def test_funnel_page_shows_figures(client, hand_built, organizer):
    client.force_login(organizer)
    page = client.get(reverse("candidates:funnel"), {"term": 2021}).content.decode()
    assert 'data-testid="funnel-total">7<' in page
    assert "拉票贿选" in page
