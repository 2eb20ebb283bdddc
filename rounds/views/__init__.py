"""The round's pages: the board, a village's round, my villages, the ledger, visits, talks,
liaison and the reports."""

from core.roles import EDITOR_ROLES, STAFF_ROLES, Role

BOARD_ROLES = STAFF_ROLES | {Role.LIAISON_LEADER}
LEDGER_ROLES = EDITOR_ROLES | {Role.LIAISON_LEADER}
