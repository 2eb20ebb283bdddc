"""The reports read in English: the board, the forms and the village detail have no Chinese
around their data."""

import pytest
from django.urls import reverse

from reports.models import Representative, VillagerGroup
from tests.english import chinese_chrome, in_english

from .builders import build_county

pytestmark = pytest.mark.django_db


def test_forms_board_and_detail_in_english(client, organizer, township, other_township):
    built = build_county(township, other_township)
    in_english(client, organizer)
    names = [*Representative.objects.values_list("name", flat=True)]
    names += [v for g in VillagerGroup.objects.values_list("name", "leader_name") for v in g]
    for url in (
        reverse("reports:board"),
        reverse("reports:report", args=["141028", 2021]),
        reverse("reports:village", args=[built.dongguan.pk, 2021]),
        reverse("reports:village", args=[built.xiping.pk, 2021]),
    ):
        html = client.get(url).content.decode()
        assert chinese_chrome(html, *names) == [], url
    report = client.get(reverse("reports:report", args=["141028", 2021])).content.decode()
    assert "Form 2 Voting" in report and "Voted (persons)" in report
