"""A unit's villages changing shows on the audit page as what changed (not an empty 修改)."""

import pytest

from rounds import services

pytestmark = pytest.mark.django_db


def test_the_audit_page_shows_a_units_villages_changing(
    client, organizer, round_, village, other_village, django_assert_max_num_queries
):
    unit = services.unit_save(round_=round_, name="县审计局", villages=[village], actor=organizer)
    services.unit_save(
        round_=round_,
        name="县审计局",
        villages=[village, other_village],
        unit=unit,
        expected_version=unit.version,
        actor=organizer,
    )
    client.force_login(organizer)
    html = client.get("/audit/rounds.attachedunit/").content.decode()
    assert "包联村：东关村 → 东关村、西坪村" in html
    assert "包联村：— → 东关村" in html
    for n in range(3):
        unit.villages.set([village] if n % 2 else [village, other_village])
    with django_assert_max_num_queries(12):
        assert client.get("/audit/rounds.attachedunit/").status_code == 200
