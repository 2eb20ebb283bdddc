"""In real Chromium: the funnel's donut and the political-status axis keep every label
inside the chart and clear of the others, in Chinese on a desktop and in English on a phone
(issue 13, point 14). The charts draw SVG, so each label is a text box to measure."""

import pytest

from candidates.choices import Source, Stage
from composition.services import composition_recompute
from core.access import Role
from elections.choices import Body, Post
from people.choices import PoliticalStatus
from tests.factories import PersonFactory, TermFactory, VillageFactory
from tests.factories.candidates import CandidacyFactory
from tests.factories.elections import SeatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Every label's box inside its chart, and no two boxes over each other (1 px of slack).
MEASURE = """(charts) => charts.map((chart) => {
  const frame = chart.getBoundingClientRect();
  const boxes = [...chart.querySelectorAll("text")]
    .filter((t) => t.textContent.trim())
    .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
  const out = boxes.filter(({ r }) => r.left < frame.left - 1 || r.right > frame.right + 1
    || r.top < frame.top - 1 || r.bottom > frame.bottom + 1).map((b) => b.text);
  const over = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (x > 1 && y > 1) over.push(a.text + " / " + b.text);
  }));
  return { chart: chart.dataset.testid || chart.dataset.chart, labels: boxes.length, out, over };
})"""


@pytest.fixture
def county_with_figures(township):
    term = TermFactory(year=2021)
    statuses = [PoliticalStatus.PARTY_MEMBER] * 5 + [
        PoliticalStatus.PROBATIONARY,
        PoliticalStatus.LEAGUE,
        PoliticalStatus.MASSES,
    ]
    for number, status in enumerate(statuses):
        village = VillageFactory(township=township, code=f"141028100{201 + number}")
        person = PersonFactory(village=village, political_status=status)
        SeatFactory(village=village, term=term, person=person, body=Body.VILLAGERS_COMMITTEE)
        SeatFactory(village=village, term=term, post=Post.SECRETARY)
        sources = list(Source)
        stages = [Stage.NOMINATED, Stage.JOINT_REVIEW, Stage.APPROVED, Stage.REJECTED]
        CandidacyFactory(
            village=village,
            term=term,
            source=sources[number % len(sources)],
            stage=stages[number % len(stages)],
        )
    composition_recompute(term_id=term.pk)


@pytest.mark.parametrize(
    ("language", "width"),
    [("zh-hans", 1366), ("en", 390)],
    ids=["chinese-desktop", "english-phone"],
)
def test_chart_labels_neither_clip_nor_overlap(
    browser, live_server, make_user, county_with_figures, language, width
):
    make_user(Role.COUNTY_ORGANIZER, username="zhang")
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", "zhang")
        page.fill("input[name=password]", "Test-password-2026")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        found = []
        for path, selector in (
            ("/candidates/funnel/?term=2021", "[data-testid=funnel-chart]"),
            ("/composition/?term=2021", "[data-chart=political_status]"),
        ):
            page.goto(live_server.url + path)
            page.wait_for_selector(f"{selector} svg text")
            page.wait_for_timeout(300)  # the charts' entry animation
            found += page.eval_on_selector_all(selector, MEASURE)
            page.screenshot(
                path=f"test-artifacts/charts/{language}-{width}{path[:12].replace('/', '-')}.png"
            )
        assert all(chart["labels"] >= 4 for chart in found), found
        assert [c for c in found if c["out"] or c["over"]] == [], found
    finally:
        context.close()
