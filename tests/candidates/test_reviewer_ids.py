"""A department reviewer sees the whole ID number of the people in their own queue — on the
queue page, on the candidacy in their queue and in the queue's export — and only there;
every showing is recorded in the audit log (who, which person, from where)."""

import io
import logging

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from candidates import services
from candidates.choices import SignOffOutcome, Stage
from people import idnumbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(candidacy, advance):
    return advance(candidacy, Stage.JOINT_REVIEW)


def disclosures(caplog):
    return [r for r in caplog.records if r.name == "audit.id_number"]


def test_the_queue_shows_the_whole_number_and_records_each_showing(
    client, reviewer, in_review, caplog
):
    number = in_review.person.id_number
    client.force_login(reviewer)
    with caplog.at_level(logging.INFO, logger="audit.id_number"):
        page = client.get(reverse("candidates:review-queue"), REMOTE_ADDR="10.1.2.3")
    assert number in page.content.decode()
    [record] = disclosures(caplog)
    assert (record.user_id, record.person_id, record.where) == (
        reviewer.pk,
        in_review.person_id,
        "review-queue",
    )
    assert record.client_ip == "10.1.2.3"
    assert reviewer.username in record.getMessage()
    assert number not in record.getMessage() + repr(record.__dict__)


def test_the_candidacy_in_the_queue_shows_it_until_the_department_has_signed(
    client, reviewer, in_review, caplog
):
    number = in_review.person.id_number
    client.force_login(reviewer)
    url = in_review.get_absolute_url()
    with caplog.at_level(logging.INFO, logger="audit.id_number"):
        assert number in client.get(url).content.decode()
    assert [r.where for r in disclosures(caplog)] == ["candidacy"]

    services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=reviewer)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="audit.id_number"):
        page = client.get(url).content.decode()
    assert number not in page and idnumbers.mask(number) in page
    assert disclosures(caplog) == []


def test_a_reviewer_of_another_department_that_has_signed_sees_the_mask(
    client, org_reviewer, reviewer, in_review
):
    services.sign_off_record(candidacy=in_review, outcome=SignOffOutcome.PASS, actor=org_reviewer)
    client.force_login(org_reviewer)
    page = client.get(reverse("candidates:review-queue")).content.decode()
    assert in_review.person.id_number not in page  # out of their queue: signed
    client.force_login(reviewer)
    assert (
        in_review.person.id_number
        in client.get(reverse("candidates:review-queue")).content.decode()
    )


def test_the_queue_exports_as_xlsx_with_the_whole_numbers_recorded(
    client, reviewer, in_review, caplog
):
    client.force_login(reviewer)
    with caplog.at_level(logging.INFO, logger="audit.id_number"):
        response = client.get(reverse("candidates:review-export"))
    assert response.status_code == 200
    assert "%E5%85%AC%E5%AE%89" in response["Content-Disposition"]  # 公安-…
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][5] == "公民身份号码"
    assert rows[1][3] == in_review.person.name and rows[1][5] == in_review.person.id_number
    assert [r.where for r in disclosures(caplog)] == ["review-export"]


def test_the_export_is_the_reviewers_only(client, organizer, viewer):
    for user in (organizer, viewer):
        client.force_login(user)
        assert client.get(reverse("candidates:review-export")).status_code == 403
