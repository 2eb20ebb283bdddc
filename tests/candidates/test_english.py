"""Candidate vetting read in English: the timeline, the sign-offs and the lists say every
step in English; only the data (names, places, what reviewers wrote) stays as written."""

import re

import pytest
from django.urls import reverse

from candidates import services
from candidates.choices import Stage
from tests.english import chinese_chrome, in_english

pytestmark = pytest.mark.django_db


def test_timeline_reads_in_english(
    client, organizer, official, reviewer, advance, candidacy, items
):
    services.candidacy_update(  # corrected before the joint review (after it: refused)
        candidacy=candidacy,
        expected_version=None,
        actor=official,
        assessment={"rating_conduct": "good"},
    )
    candidacy.refresh_from_db()
    advance(candidacy, Stage.JOINT_REVIEW)
    flag = services.sign_off_record(
        candidacy=candidacy,
        outcome="flag",
        actor=reviewer,
        negative_items=[items[2]],
        note="党纪处分影响期内",
    )
    services.flag_clear(sign_off=flag, reason="影响期已满", actor=organizer)
    html = in_english(client, organizer).get(candidacy.get_absolute_url()).content.decode()
    timeline = re.search(r'<ol class="timeline".*?</ol>', html, re.S).group(0)
    for text in (
        "Nominated",
        "Survey and nomination: Passed → Preliminary review",
        "Changed: Conduct and integrity",
        "Joint qualification review · Public security: Issue raised",
        "Cleared the issue raised by Public security",
        "党纪处分影响期内",  # what the reviewer wrote stays as written
    ):
        assert text in timeline, text
    for text in ("提名", "修改：", "资格联审", "核销", "：", "系统"):
        assert text not in timeline, text
    assert "Party secretary" in html and "Departments that must pass: 2" in html
    assert chinese_chrome(html) == []


def test_queue_and_nomination_form_read_in_english(client, official, candidacy):
    in_english(client, official)
    queue = client.get(reverse("candidates:candidacy-list")).content.decode()
    assert "1 person" in queue and "Party secretary" in queue
    assert '<option value="true">Yes</option>' in queue
    assert chinese_chrome(queue) == []
    form = client.get(reverse("candidates:candidacy-create")).content.decode()
    assert "Villagers&#x27; committee deputy director" in form
    assert chinese_chrome(form) == []
