"""The statutory forms, computed from the detail in the database for a village, a township or
a county, in a fixed number of queries whatever the number of villages.

`report(scope, term)` returns the figures as plain data (the keys of
`manage.py election_report --json`, docs/reports.md): one dict per form with the scope's
totals and a `rows` list (the townships of a county, the villages of a township), the lists of
the elected, recalls and by-elections, and the cross-checks, each naming its rule.

One module per concern: `scope` (what a report covers), `figures` (the sections' keys and
sums), `voting` (the election committee, voter registration and voting forms), `committees`
(the two committees' and the supervision committee's composition), `groups` (group leaders
and representatives), `audits` (leaving audits), `lists` (the elected, recalls,
by-elections) and `compute` (the whole set, its contract and fingerprint).
"""

from .compute import JSON_KEYS, blocking_checks, contract, fingerprint, frozen_report, report
from .figures import percent
from .lists import ORIGIN_FROM_SOURCE
from .scope import Scope, scope_for_code

__all__ = [
    "JSON_KEYS",
    "ORIGIN_FROM_SOURCE",
    "Scope",
    "blocking_checks",
    "contract",
    "fingerprint",
    "frozen_report",
    "percent",
    "report",
    "scope_for_code",
]
