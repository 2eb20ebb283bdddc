"""The round's pages read in English: no Chinese around the data (step labels are the
county's data, stored as it named them)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.policy import SYSTEM
from rounds import services
from rounds.reports import report_build
from tests.english import chinese_chrome, in_english
from tests.factories.elections import SeatFactory

pytestmark = pytest.mark.django_db


def test_round_pages_in_english(client, organizer, round_, village, other_village):
    services.problem_create(
        village=village,
        source="supervision",
        category="procedure",
        description="公示不足",
        deadline=timezone.localdate(),
        actor=SYSTEM,
    )
    report = report_build(round_=round_, actor=SYSTEM)[0]
    member = SeatFactory(village=village, term=round_.term).person  # to be talked to
    services.key_person_save(round_=round_, person=member, reason="有拉票苗头", actor=SYSTEM)
    in_english(client, organizer)
    data = [village.name, other_village.name, "吉昌镇", "屯里镇", "吉县", "公示不足"]
    data += [member.name, "有拉票苗头"]
    data += [step.label for step in round_.steps.all()]
    data += list(round_.county.risk_reasons.values_list("text", flat=True))  # the county's list
    for url in (
        reverse("rounds:board"),
        reverse("rounds:village", args=[village.pk]),
        reverse("rounds:problem-list"),
        reverse("rounds:visit-list"),
        reverse("rounds:talk-list"),
        reverse("rounds:liaison"),
        reverse("rounds:plan"),
        reverse("rounds:report-list"),
        report.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        html = html[html.index('<main class="content">') :]  # the page's own part
        left = [text for text in chinese_chrome(html) if not any(d in text for d in data)]
        assert left == [], url
    board = client.get(reverse("rounds:board")).content.decode()
    assert "Round progress board" in board and "Overdue" in board
