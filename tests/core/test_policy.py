"""The policy fails closed: every door that writes must be told who acts, and nobody
(`None`, signed out, deactivated) may do anything; templates ask the policy, not role strings."""

import ast
import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from core import policy
from core.access import Role
from people.models import Person
from tests.factories import PersonFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "registry",
    "accounts",
    "people",
    "elections",
    "candidates",
    "training",
    "rounds",
    "composition",
    "reports",
]


def _service_modules(app):
    """(module name, path) of an app's services and importers, each a module or a package."""
    for name in ("services", "importers"):
        path = ROOT / app / f"{name}.py"
        if path.exists():
            yield f"{app}.{name}", path
        for path in sorted((ROOT / app / name).glob("*.py")):
            if path.stem != "__init__":
                yield f"{app}.{name}.{path.stem}", path


def _services():
    """Every public function of the apps' services and importers that takes an `actor`."""
    found = []
    for app in APPS:
        for module_name, path in _service_modules(app):
            module = importlib.import_module(module_name)
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                    if "actor" in [a.arg for a in node.args.kwonlyargs]:
                        found.append(
                            pytest.param(getattr(module, node.name), id=f"{app}.{node.name}")
                        )
    return found


SERVICES = _services()


def test_the_services_are_found():
    assert len(SERVICES) > 40


@pytest.mark.django_db
@pytest.mark.parametrize("service", SERVICES)
def test_every_service_refuses_a_call_that_does_not_say_who_acts(
    service, django_assert_num_queries
):
    inactive = UserFactory.build(role=Role.ADMIN, is_active=False)
    for kwargs in ({}, {"actor": None}, {"actor": AnonymousUser()}, {"actor": inactive}):
        with django_assert_num_queries(0), pytest.raises(PermissionDenied):
            service(**kwargs)


@pytest.mark.django_db
def test_nobody_sees_no_row_and_the_system_sees_every_row():
    PersonFactory.create_batch(2)
    assert Person.objects.for_user(None).count() == 0
    assert Person.objects.for_user(AnonymousUser()).count() == 0
    assert Person.objects.for_user(policy.SYSTEM).count() == 2


def test_can_refuses_nobody_and_an_unknown_action():
    assert policy.can(policy.SYSTEM, "admin")
    assert not policy.can(None, "admin")
    assert not policy.can(AnonymousUser(), "admin")
    organizer = UserFactory.build(role=Role.COUNTY_ORGANIZER)
    with pytest.raises(LookupError):
        policy.can(organizer, "no.such.action")


def test_the_system_is_no_user_in_the_history():
    assert policy.history_user(policy.SYSTEM) is None
    assert not policy.is_admin(policy.SYSTEM)
    assert not policy.has_role(policy.SYSTEM, {Role.ADMIN})


def test_templates_ask_the_policy_not_role_strings():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "user.role" in path.read_text() or "role ==" in path.read_text()
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_reviewers_card_and_link_are_for_reviewers_only(client, admin_user_, make_user):
    client.force_login(admin_user_)
    home = client.get("/").content.decode()
    assert 'data-testid="card-review"' not in home and 'data-testid="nav-review"' not in home
    client.force_login(make_user(Role.DEPARTMENT_REVIEWER))
    home = client.get("/").content.decode()
    assert 'data-testid="card-review"' in home and 'data-testid="nav-review"' in home


@pytest.mark.django_db
def test_a_refused_or_missing_page_says_so_in_chinese_with_a_way_home(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_REVIEWER))
    refused = client.get("/people/")
    assert refused.status_code == 403 and "无权访问" in refused.content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "返回首页" in missing.content.decode()
