"""Imports in one pass, villages: "import now" after a dry run that passed."""

import pytest
from django.urls import reverse

from registry.models import Village
from tests.registry.test_import_villages import HEADER
from tests.spreadsheets import upload, xlsx

pytestmark = pytest.mark.django_db


def test_import_now_imports_the_checked_village_list(client, official, township):
    client.force_login(official)
    url = reverse("registry:village-import")
    content = xlsx([HEADER, ["吉县", "吉昌镇", "东关村", "141028100201", "村", ""]])
    checked = client.post(url, {"file": upload(content), "dry_run": "on"})
    assert checked.status_code == 200 and not Village.objects.exists()
    assert 'data-testid="import-now"' in checked.content.decode()
    response = client.post(url, {"kept": checked.context["kept"]})
    assert response.status_code == 302
    assert Village.objects.get().name == "东关村"
