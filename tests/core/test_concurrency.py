"""One optimistic-concurrency helper and one API mapping for a lost lock."""

from types import SimpleNamespace

import pytest

from core.api import exception_handler
from core.concurrency import VersionConflict, bump_version
from elections.services import ElectionConflict


def test_bump_version_counts_one_more_version():
    row = SimpleNamespace(version=3)
    assert bump_version(row, 3) == 4 and row.version == 4
    assert bump_version(row) == 5  # no version read: no check


def test_a_stale_version_raises_the_callers_conflict_and_changes_nothing():
    row = SimpleNamespace(version=3)
    with pytest.raises(ElectionConflict, match="该选举"):
        bump_version(row, 2, conflict=lambda: ElectionConflict("该选举已被他人修改"))
    with pytest.raises(VersionConflict, match="已被他人修改"):
        bump_version(row, 2)
    assert row.version == 3


@pytest.mark.parametrize("if_match, status", [(False, 409), (True, 412)])
def test_the_api_answers_a_lost_lock_409_or_412_after_if_match(if_match, status):
    request = SimpleNamespace()
    if if_match:
        request.version_from_if_match = True
    response = exception_handler(ElectionConflict("该选举已被他人修改"), {"request": request})
    assert response.status_code == status
    assert response.data["detail"] == "该选举已被他人修改"
