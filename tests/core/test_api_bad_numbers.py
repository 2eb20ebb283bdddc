"""Numbers too large for the database are a 400 with a reason, never a 500."""

import pytest

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/people/?township={HUGE}",
        f"/api/v1/people/?village={HUGE}",
        f"/api/v1/villages/?township={HUGE}",
        "/api/v1/people/?township=-1",
    ],
)
def test_out_of_range_ids_in_filters_are_refused(api, organizer, url):
    response = api(organizer).get(url)
    assert response.status_code == 400


def test_out_of_range_id_in_a_page_filter_is_not_a_server_error(client, organizer):
    client.force_login(organizer)
    assert client.get(f"/registry/villages/?township={HUGE}").status_code == 200
