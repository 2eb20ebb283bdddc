"""The home page is a work list: for each role, what waits for them now, with counts and
links, counted in a fixed number of queries (core.ui.register_work)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.choices import Outcome, SignOffOutcome, Stage
from candidates.models import Decision, SignOff
from core import ui
from core.access import Role
from elections.choices import ElectionState, ImportStatus
from elections.models import ElectionTransition, ImportJob
from tests.factories import TermFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import ElectionFactory

pytestmark = pytest.mark.django_db


def work(client, user) -> dict[str, tuple[int, str]]:
    """{key: (count, link)} of the work list as the page shows it."""
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    found = re.findall(
        r'data-testid="work-([\w-]+)"><a href="([^"]+)"><strong class="work-count">(\d+)', html
    )
    return {key: (int(count), url.replace("&amp;", "&")) for key, url, count in found}


@pytest.fixture
def county_work(village, other_village, official, organizer):
    """A county with names at several stages, a return, a flag, results in every state and
    a failed roster import, in both townships."""
    term = TermFactory(year=2021)
    for stage, n in ((Stage.NOMINATED, 2), (Stage.PRELIMINARY_REVIEW, 1)):
        for _ in range(n):
            CandidacyFactory(village=village, term=term, stage=stage)
    CandidacyFactory(village=other_village, term=term, stage=Stage.NOMINATED)
    returned = CandidacyFactory(village=village, term=term, stage=Stage.PRELIMINARY_REVIEW)
    Decision.objects.create(
        candidacy=returned,
        stage=Stage.JOINT_REVIEW,
        outcome=Outcome.RETURN,
        to_stage=Stage.PRELIMINARY_REVIEW,
        decided_at=timezone.now(),
    )
    flagged = CandidacyFactory(village=other_village, term=term, stage=Stage.JOINT_REVIEW)
    CandidacyFactory(village=village, term=term, stage=Stage.JOINT_REVIEW)
    SignOff.objects.create(
        candidacy=flagged,
        department="police",
        outcome=SignOffOutcome.FLAG,
        signed_by=organizer,
        signed_at=timezone.now(),
    )
    ElectionFactory(village=village, term=term)  # a draft
    sent_back = ElectionFactory(
        village=VillageFactory(township=village.township), term=term, state=ElectionState.DRAFT
    )
    ElectionTransition.objects.create(
        election=sent_back,
        from_state=ElectionState.SUBMITTED,
        to_state=ElectionState.DRAFT,
        actor=organizer,
        reason="票数不符",
    )
    ElectionFactory(village=other_village, term=term, state=ElectionState.SUBMITTED)
    ImportJob.objects.create(
        created_by=official, filename="花名册.xlsx", content=b"", status=ImportStatus.FAILED
    )
    return term


def test_an_official_sees_the_work_of_their_township(client, official, county_work):
    items = work(client, official)
    assert items["stage-nominated"][0] == 2  # the other township's nominee is not theirs
    assert items["stage-preliminary_review"][0] == 2
    assert items["returned"] == (1, "/candidates/?returned=true")
    assert items["elections-returned"][0] == 1
    assert items["elections-draft"][0] == 1
    assert items["imports-failed"] == (1, reverse("elections:roster-import"))
    assert "stage-joint_review" not in items  # the county decides there
    assert "/candidates/?stage=nominated" in items["stage-nominated"][1]


def test_the_returned_link_lists_exactly_the_returned_names(client, official, county_work):
    client.force_login(official)
    page = client.get("/candidates/?returned=true")
    assert page.context["total"] == 1


def test_an_organizer_sees_the_county_decisions_flags_and_results_to_certify(
    client, organizer, county_work
):
    items = work(client, organizer)
    assert items["stage-joint_review"][0] == 2
    assert items["flags-open"] == (1, "/candidates/?stage=joint_review&flagged=true")
    assert items["elections-submitted"][0] == 1
    assert items["imports-failed"][0] == 1  # the county follows every job of its scope
    assert "stage-nominated" not in items and "returned" not in items


def test_a_reviewer_sees_the_sign_offs_due_in_their_queue(client, reviewer, county_work):
    # Police already flagged one of the two names in joint review.
    assert work(client, reviewer) == {"sign-offs-due": (1, reverse("candidates:review-queue"))}


def test_a_viewer_has_nothing_to_do_and_reads_the_figures(client, viewer, county_work):
    items = work(client, viewer)
    assert {key for key, _ in items.items()} == {"candidacies-open"}
    assert items["candidacies-open"][0] == 7
    client.force_login(viewer)
    assert "work-figure" in client.get(reverse("home")).content.decode()


def test_nothing_waiting_says_so(client, official):
    client.force_login(official)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-none"' in page and "目前没有等您办理的事项" in page


def test_an_admin_sees_failed_jobs_and_the_queue(client, admin_user_, county_work):
    ImportJob.objects.create(created_by=admin_user_, filename="a.xlsx", content=b"")
    items = work(client, admin_user_)
    assert items["imports-failed"][0] == 1
    assert items["queued-work"] == (1, reverse("health"))


def test_the_home_page_counts_in_a_fixed_number_of_queries(
    client, official, organizer, village, county_work, django_assert_num_queries
):
    def queries(user):
        client.force_login(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("home"))
        return len(captured)

    before = {user.role: queries(user) for user in (official, organizer)}
    for _ in range(5):
        CandidacyFactory(village=village, term=county_work, stage=Stage.TOWNSHIP_COMMITTEE)
        CandidacyFactory(village=village, term=county_work, stage=Stage.JOINT_REVIEW)
        ElectionFactory(village=VillageFactory(township=village.township), term=county_work)
    assert {user.role: queries(user) for user in (official, organizer)} == before
    assert before[Role.TOWNSHIP_OFFICIAL] <= 12


def test_another_app_adds_work_by_registering_it(client, official):
    item = ui.WorkItem("reports-overdue", "报表逾期", 3, "/reports/")
    ui.register_work("test.reports", lambda user: [item], roles={Role.TOWNSHIP_OFFICIAL})
    try:
        assert work(client, official)["reports-overdue"] == (3, "/reports/")
    finally:
        ui._WORK[:] = [source for source in ui._WORK if source.name != "test.reports"]


def test_the_work_list_reads_in_english(client, official, organizer, county_work):
    from tests.english import chinese_chrome, in_english

    for user in (official, organizer):
        html = in_english(client, user).get(reverse("home")).content.decode()
        assert "Waiting for you" in html
        assert chinese_chrome(html) == []
