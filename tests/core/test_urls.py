"""core.urls.reverse_pk: the detail address of every model that links to itself, as
reverse() writes it."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.urls import reverse_pk

NAMES = [
    "people:person-detail",
    "registry:village-detail",
    "elections:election-detail",
    "elections:import-job",
    "candidates:candidacy-detail",
    "training:session-detail",
    "training:mentorship-detail",
    "rounds:problem-detail",
    "rounds:report-detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 42, 9_000_000_000])
def test_reverse_pk_writes_what_reverse_writes(name, pk):
    assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_a_script_prefix_is_kept():
    """Behind a proxy that mounts the portal under a path, the prefix is part of the address."""
    set_script_prefix("/lty/")
    try:
        assert reverse_pk("people:person-detail", 7) == reverse("people:person-detail", args=[7])
        assert reverse_pk("people:person-detail", 7).startswith("/lty/")
    finally:
        set_script_prefix("/")


def test_a_view_without_one_key_is_refused():
    with pytest.raises(NoReverseMatch):
        reverse_pk("home", 1)
