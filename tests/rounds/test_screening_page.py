"""The screening page names the version it read: a save on a stale copy (someone saved the
screening since, on the page or through the API) is refused and changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.policy import SYSTEM
from rounds import services
from rounds.models import Screening

pytestmark = pytest.mark.django_db


def test_a_stale_screening_is_refused(client, official, round_, village):
    services.screening_save(
        round_=round_, village=village, screened_on=timezone.localdate(), actor=SYSTEM
    )
    client.force_login(official)
    url = reverse("rounds:screening", args=[village.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    form = {"screened_on": timezone.localdate().isoformat(), "note": "第一次", "version": 1}
    assert client.post(url, form).status_code == 302
    stale = client.post(url, {**form, "note": "第二次"}).content.decode()
    assert "数据已被他人修改，请刷新后重试。" in stale
    assert (Screening.objects.get().note, Screening.objects.get().version) == ("第一次", 2)
