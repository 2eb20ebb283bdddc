"""A village's changes are in its history (the round's board reads the risk class of a past
day from it), and the audit pages list them like every audited model's, by county."""

import pytest
from django.urls import reverse

from core.access import Role
from registry.choices import RiskClass
from registry.models import Village
from tests.factories import CountyFactory

pytestmark = pytest.mark.django_db

HISTORY = "/audit/registry.village/"


def test_a_risk_class_changed_on_the_page_is_in_the_audit_history(
    client, official, organizer, make_user, village
):
    client.force_login(official)
    response = client.post(
        reverse("registry:village-update", args=[village.pk]),
        {
            "township": village.township_id,
            "code": village.code,
            "name": village.name,
            "kind": village.kind,
            "risk_class": RiskClass.DIFFICULT,
            "risk_reason": "宗族派性",
        },
    )
    assert response.status_code == 302
    assert [h.risk_class for h in Village.history.filter(id=village.pk)] == [
        RiskClass.DIFFICULT,
        RiskClass.GENERAL,
    ]

    client.force_login(organizer)
    html = client.get(HISTORY, {"object_id": village.pk}).content.decode()
    assert "分类：一般村 → 重难点村" in html and str(official) in html
    # An organizer of another county sees none of it.
    elsewhere = make_user(Role.COUNTY_ORGANIZER, county=CountyFactory(code="141029"))
    client.force_login(elsewhere)
    html = client.get(HISTORY, {"object_id": village.pk}).content.decode()
    assert "重难点村" not in html
