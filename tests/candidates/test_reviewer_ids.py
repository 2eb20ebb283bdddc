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
from core.access import Role
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


# -- the audit trail's rows (audit.IdNumberView), browsed at /audit/id-numbers/ -----------


def _row_values(row) -> str:
    return " ".join(str(getattr(row, f.attname)) for f in row._meta.concrete_fields)


def test_the_queue_records_a_row_for_exactly_the_people_shown(
    client, reviewer, in_review, candidacy, advance, village, term
):
    from audit.models import IdNumberView
    from tests.factories.candidates import CandidacyFactory

    second = advance(CandidacyFactory(village=village, term=term), Stage.JOINT_REVIEW)
    not_yet = CandidacyFactory(village=village, term=term)  # nominated: not in any queue
    client.force_login(reviewer)
    response = client.get(reverse("candidates:review-queue"), REMOTE_ADDR="10.1.2.3")
    page = response.content.decode()
    assert in_review.person.id_number in page and second.person.id_number in page
    rows = list(IdNumberView.objects.order_by("person_id"))
    assert sorted(r.person_id for r in rows) == sorted([in_review.person_id, second.person_id])
    assert not_yet.person_id not in {r.person_id for r in rows}
    for row in rows:
        assert (row.user_id, row.where, row.client_ip) == (reviewer.pk, "review-queue", "10.1.2.3")
        assert row.request_id and row.request_id == response["X-Request-ID"]
        assert row.county_id == village.township.county_id
        assert row.township_id == village.township_id
        values = _row_values(row)
        assert in_review.person.id_number not in values
        assert second.person.id_number not in values


def test_the_rows_are_written_in_one_insert_whatever_the_page_size(
    client, reviewer, in_review, advance, village, term
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.candidates import CandidacyFactory

    client.force_login(reviewer)
    client.get(reverse("candidates:review-queue"))  # the first request warms what is cached
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("candidates:review-queue"))
    for _ in range(3):
        advance(CandidacyFactory(village=village, term=term), Stage.JOINT_REVIEW)
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("candidates:review-queue"))
    inserts = [q for q in four if "audit_idnumberview" in q["sql"] and "INSERT" in q["sql"]]
    assert len(inserts) == 1
    assert len(four) == len(one)


def test_the_candidacy_page_and_the_export_are_recorded_too(client, reviewer, in_review):
    from audit.models import IdNumberView

    client.force_login(reviewer)
    client.get(in_review.get_absolute_url())
    response = client.get(reverse("candidates:review-export"))
    b"".join(response.streaming_content)
    assert sorted(IdNumberView.objects.values_list("where", "person_id")) == [
        ("candidacy", in_review.person_id),
        ("review-export", in_review.person_id),
    ]


def test_the_organizer_sees_the_showings_and_others_do_not(
    client, reviewer, in_review, organizer, make_user, other_township
):
    from registry.models import County
    from tests.factories import CountyFactory

    client.force_login(reviewer)
    client.get(reverse("candidates:review-queue"), REMOTE_ADDR="10.1.2.3")
    number = in_review.person.id_number
    url = reverse("audit:id-numbers")

    client.force_login(organizer)
    page = client.get(url).content.decode()
    assert in_review.person.name in page and str(reviewer) in page and "10.1.2.3" in page
    assert "资格联审待审人选" in page
    assert number not in page
    assert in_review.person.name in client.get(url, {"user": reviewer.pk}).content.decode()
    assert in_review.person.name not in client.get(url, {"user": organizer.pk}).content.decode()
    assert (
        in_review.person.name not in client.get(url, {"date_from": "2999-01-01"}).content.decode()
    )
    mistyped = client.get(url, {"user": "张三", "date_from": "昨天"})
    assert mistyped.status_code == 200 and in_review.person.name not in mistyped.content.decode()
    export = client.get(reverse("audit:id-numbers-export"))
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == str(reviewer) and rows[1][6] == in_review.person.name
    assert number not in repr(rows)

    client.force_login(make_user(Role.TOWNSHIP_OFFICIAL, township=other_township))
    assert client.get(url).status_code == 403
    assert client.get(reverse("audit:id-numbers-export")).status_code == 403

    elsewhere = County.objects.exclude(pk=organizer.county_id).first() or CountyFactory(
        code="141029", name="乡宁县"
    )
    client.force_login(make_user(Role.COUNTY_ORGANIZER, county=elsewhere))
    page = client.get(url).content.decode()
    assert in_review.person.name not in page
