"""Correcting instead of re-doing: a nomination is edited (post, source, notes) until the
joint review starts, with history; after that the edit is refused with a message naming
the return path, and after a return to 预审 it can be corrected again."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates import services
from candidates.choices import Outcome, Source, Stage
from elections.choices import Body, Post

pytestmark = pytest.mark.django_db


def edit(client, candidacy, **changes):
    data = {
        "post": "villagers:director",
        "source": Source.RECRUITED_BACK,
        "note_political": "立场坚定",
        "version": candidacy.version,
        **changes,
    }
    return client.post(reverse("candidates:candidacy-edit", args=[candidacy.pk]), data)


def test_an_official_corrects_post_source_and_notes_before_the_joint_review(
    client, official, candidacy
):
    client.force_login(official)
    page = client.get(candidacy.get_absolute_url()).content.decode()
    assert 'data-testid="edit-nomination"' in page
    assert edit(client, candidacy).status_code == 302
    candidacy.refresh_from_db()
    assert (candidacy.body, candidacy.post, candidacy.source) == (
        Body.VILLAGERS_COMMITTEE,
        Post.DIRECTOR,
        Source.RECRUITED_BACK,
    )
    assert candidacy.note_political == "立场坚定"
    last = candidacy.history.order_by("-history_date").first()
    assert last.history_user == official and last.post == Post.DIRECTOR
    assert candidacy.history.count() >= 2


def test_after_the_joint_review_starts_the_edit_is_refused_naming_the_return_path(
    client, official, organizer, candidacy, advance
):
    advance(candidacy, Stage.JOINT_REVIEW)
    client.force_login(official)
    page = client.get(reverse("candidates:candidacy-edit", args=[candidacy.pk]))
    assert "退回到预审后再修改" in page.content.decode()
    response = edit(client, candidacy)
    assert response.status_code == 400 and "资格联审已开始" in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.post == Post.SECRETARY
    with pytest.raises(ValidationError, match="退回"):
        services.candidacy_update(
            candidacy=candidacy, expected_version=None, actor=organizer, source=Source.OTHER
        )

    # The documented path: the county returns it to 预审, then it is corrected.
    services.candidacy_decide(
        candidacy=candidacy,
        outcome=Outcome.RETURN,
        expected_version=candidacy.version,
        actor=organizer,
        reason="职务填写有误",
    )
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.PRELIMINARY_REVIEW
    assert edit(client, candidacy).status_code == 302


def test_a_viewer_cannot_edit(client, viewer, candidacy):
    client.force_login(viewer)
    assert edit(client, candidacy).status_code == 403
