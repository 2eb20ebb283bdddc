"""Registry services: the village code rule has one home, `village_update`, so the API and
the page get it alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.policy import SYSTEM
from registry import services

pytestmark = pytest.mark.django_db


def test_a_village_keeps_its_division_code(village):
    with pytest.raises(ValidationError) as changed:
        services.village_update(village=village, code="141028100299", actor=SYSTEM)
    assert changed.value.message_dict == {"code": ["区划代码不可修改"]}
    renamed = services.village_update(
        village=village, code=village.code, name="东关社区", actor=SYSTEM
    )
    assert (renamed.code, renamed.name) == ("141028100201", "东关社区")


def test_the_api_gets_the_rule_from_the_service(api, organizer, village):
    response = api(organizer).patch(
        reverse("village-detail", args=[village.pk]), {"code": "141028100299"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "code", "code": "invalid", "message": "区划代码不可修改"}
    ]
    village.refresh_from_db()
    assert village.code == "141028100201"
