"""The round's pages: the board, a village's round, my villages, the ledger, visits, talks,
liaison and the reports."""

from core.roles import EDITOR_ROLES, STAFF_ROLES, Role

BOARD_ROLES = STAFF_ROLES | {Role.LIAISON_LEADER}
LEDGER_ROLES = EDITOR_ROLES | {Role.LIAISON_LEADER}


def posted_id(request, name: str) -> int:
    """A row id from a form (`remove`, `step`, `reason`): digits only, else a 404, never a
    500 from the database."""
    from django.http import Http404

    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)
