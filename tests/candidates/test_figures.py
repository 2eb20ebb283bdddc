"""One set of figures: the funnel's totals, its per-township columns, the list's tabs and the
API read one selector (candidates.selectors.stage_counts), so they agree on a county with
returns, rejections, withdrawals and replacements — and on an earlier term's names too."""

import re

import pytest
from django.urls import reverse

from candidates import services
from candidates.choices import Outcome, Source, Stage
from tests.factories import PersonFactory, TermFactory
from tests.factories.candidates import CandidacyFactory

pytestmark = pytest.mark.django_db


def _decide(candidacy, outcome, actor, **extra):
    services.candidacy_decide(
        candidacy=candidacy,
        outcome=outcome,
        expected_version=candidacy.version,
        actor=actor,
        reason=extra.pop("reason", "理由"),
        **extra,
    )
    candidacy.refresh_from_db()


@pytest.fixture
def county_round(village, other_village, term, official, organizer, make_user, advance):
    """Two townships: approved, returned and passed again, rejected, rejected and replaced,
    withdrawn, withdrawn and replaced, names still in review — and an older term's names."""
    from core.access import Role

    other_official = make_user(Role.TOWNSHIP_OFFICIAL, township=other_village.township)

    def nominee(village, **extra):
        return CandidacyFactory(
            village=village, term=term, person=PersonFactory(village=village), **extra
        )

    advance(nominee(village), Stage.APPROVED)
    returned = advance(nominee(village), Stage.PRELIMINARY_REVIEW)
    _decide(returned, Outcome.RETURN, official)
    _decide(returned, Outcome.PASS, official)
    _decide(nominee(village), Outcome.REJECT, official)
    for actor, where in ((official, village), (other_official, other_village)):
        rejected = nominee(where)
        _decide(rejected, Outcome.REJECT, actor)
        services.candidacy_replace(
            candidacy=rejected,
            person=PersonFactory(village=where),
            source=Source.RESERVE,
            reason="替换",
            actor=actor,
        )
    withdrawn = nominee(other_village)
    services.candidacy_withdraw(
        candidacy=withdrawn, expected_version=withdrawn.version, reason="外出", actor=other_official
    )
    services.candidacy_replace(
        candidacy=withdrawn,
        person=PersonFactory(village=other_village),
        source=Source.RESERVE,
        reason="替换",
        actor=other_official,
    )
    gone = nominee(other_village)
    services.candidacy_withdraw(
        candidacy=gone, expected_version=gone.version, reason="身体原因", actor=other_official
    )
    nominee(other_village)
    old = TermFactory(year=2018)
    for _ in range(3):
        CandidacyFactory(village=village, term=old, stage=Stage.REJECTED)


def _number(html: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}"[^>]*>\s*(\d+)', html).group(1))


def test_funnel_townships_tabs_and_api_agree(client, api, organizer, county_round, term):
    client.force_login(organizer)
    funnel = client.get(reverse("candidates:funnel"), {"term": term.year}).content.decode()
    listing = client.get(reverse("candidates:candidacy-list"), {"term": term.year})
    tabs = {stage: count for stage, _label, count in listing.context["tabs"]}
    data = api(organizer).get("/api/v1/candidacy-funnel/", {"term": term.year}).json()

    expected = {
        Stage.APPROVED: 1,
        Stage.REJECTED: 1,
        Stage.WITHDRAWN: 1,
        Stage.REPLACED: 3,
        Stage.NOMINATED: 4,  # the three replacements and one new name
        Stage.PRELIMINARY_REVIEW: 1,
    }
    for stage in Stage.values:
        want = expected.get(stage, 0)
        assert tabs[stage] == want, stage
        assert data["ended"].get(stage, want) == want, stage
        township_sum = sum(row["stages"][stage] for row in data["townships"])
        assert township_sum == want, stage
    assert data["rejected"] == tabs[Stage.REJECTED]
    assert data["withdrawn"] == tabs[Stage.WITHDRAWN]
    assert data["replaced"] == tabs[Stage.REPLACED]
    assert data["total"] == sum(tabs.values()) == 11
    # the per-stage rejections add up to the 未通过 total; the reasons cover every one
    assert sum(s["rejected"] or 0 for s in data["stages"]) == data["rejected"]
    assert data["rejected_reason_only"] == data["rejected"]
    # the page shows the same numbers
    assert _number(funnel, "funnel-total") == data["total"]
    ends = funnel.split('data-testid="funnel-ends"', 1)[1].split("</dl>", 1)[0]
    assert [int(n) for n in re.findall(r"<dd>(\d+)</dd>", ends)] == [
        data["ended"]["approved"],
        data["rejected"],
        data["returned"],
        data["replaced"],
        data["withdrawn"],
    ]
