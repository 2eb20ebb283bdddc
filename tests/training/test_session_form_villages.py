"""The session form's audience villages at a province's size (issue 17 §4): a province's
administrator got all 20,328 villages as options on the new and the edit form (1 MB,
250-300 ms). A session invites its own county's villages only (the service refuses
others), so the edit form offers those; a new session of someone who sees every county
offers the villages of the county of the township chosen, none before."""

import re

import pytest

from tests.factories import CountyFactory, TownshipFactory, VillageFactory
from tests.factories.training import TrainingSessionFactory
from tests.training.test_pages import session_form
from training.models import TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties(township):
    """Two villages in the fixtures' county, one in 乡宁县."""
    ours = [VillageFactory(township=township) for _ in range(2)]
    theirs = VillageFactory(township=TownshipFactory(county=CountyFactory(code="141029")))
    return ours, theirs


def offered(html: str) -> set[str]:
    select = re.search(r'<select name="audience_villages"[^>]*>.*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_the_edit_form_offers_the_sessions_county(client, admin_user_, county, two_counties):
    ours, _theirs = two_counties
    session = TrainingSessionFactory(county=county)
    client.force_login(admin_user_)
    html = client.get(f"/training/sessions/{session.pk}/edit/").content.decode()
    assert offered(html) == {str(v.pk) for v in ours}


def test_a_new_session_offers_the_villages_once_its_township_is_chosen(
    client, admin_user_, term, township, two_counties
):
    ours, theirs = two_counties
    client.force_login(admin_user_)
    html = client.get("/training/sessions/new/").content.decode()
    assert offered(html) == set()
    assert "先选主办乡镇并保存，再选村" in html
    refused = client.post(
        "/training/sessions/new/",
        session_form(term, township=township.pk, audience_villages=[theirs.pk]),
    )
    assert refused.status_code == 400
    assert offered(refused.content.decode()) == {str(v.pk) for v in ours}
    response = client.post(
        "/training/sessions/new/",
        session_form(term, township=township.pk, audience_villages=[ours[0].pk]),
    )
    assert response.status_code == 302
    assert list(TrainingSession.objects.get().audience_villages.all()) == [ours[0]]


def test_a_county_organizer_is_offered_every_village_of_the_county(client, organizer, two_counties):
    ours, _theirs = two_counties
    client.force_login(organizer)
    html = client.get("/training/sessions/new/").content.decode()
    assert offered(html) == {str(v.pk) for v in ours}
