"""The navigation is rendered once per role and language and kept (core.ui.static_key): the
second page a user opens renders no navigation template, and each role still gets its links."""

import pytest
from django.test.signals import template_rendered

from core import ui

pytestmark = pytest.mark.django_db


def nav_templates_rendered(client, url) -> list[str]:
    names = []

    def record(sender, template, **kwargs):
        if template.name and template.name.endswith("_nav.html"):
            names.append(template.name)

    template_rendered.connect(record)
    try:
        response = client.get(url)
    finally:
        template_rendered.disconnect(record)
    assert response.status_code == 200
    return names


def test_navigation_is_rendered_once_per_role_and_language(client, official, organizer):
    client.force_login(official)
    nav_templates_rendered(client, "/")
    assert nav_templates_rendered(client, "/people/") == []
    html = client.get("/").content.decode()
    assert "/people/" in html and "/registry/terms/" not in html  # terms: county roles only

    client.force_login(organizer)
    html = client.get("/").content.decode()
    assert "/registry/terms/" in html  # another role: its own links, not the official's

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert ">People<" in html


def test_navigation_slots_take_no_context():
    with pytest.raises(ValueError):
        ui.register("nav", "people/_nav.html", roles={"x"}, context=lambda user, obj: {})
