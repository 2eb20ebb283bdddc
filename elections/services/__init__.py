"""Every write to elections and seats, one module per job:

- `results`: creating an election, entering its counts and votes, confirmations, and the
  legal checks read from them (`election_findings`);
- `workflow`: the state machine (`TRANSITIONS`): submit, return, certify, unlock;
- `seats`: post holders entered by hand, and the seat rules against the seats held now;
- `roster_jobs`: roster uploads imported in the background.

The names below are the package's interface (`from elections import services;
services.election_create(...)`); a test that patches a name patches it in the module that
looks it up.
"""

from .results import (
    COUNT_FIELDS,
    EDITABLE_FIELDS,
    CandidateInput,
    ElectionConflict,
    election_confirm,
    election_create,
    election_data,
    election_findings,
    election_results_set,
    election_update,
)
from .roster_jobs import (
    MAX_JOB_ATTEMPTS,
    QUEUED_STALE_AFTER,
    RUNNING_STALE_AFTER,
    JobCancelled,
    roster_job_cancel,
    roster_job_create,
    roster_job_run,
    roster_jobs_requeue_stale,
)
from .seats import body_label, seat_create, seat_end, seat_update
from .workflow import (
    REASON_REQUIRED,
    TRANSITIONS,
    allowed_steps,
    election_certify,
    election_return,
    election_submit,
    election_unlock,
)

__all__ = [
    "COUNT_FIELDS",
    "EDITABLE_FIELDS",
    "MAX_JOB_ATTEMPTS",
    "QUEUED_STALE_AFTER",
    "REASON_REQUIRED",
    "RUNNING_STALE_AFTER",
    "TRANSITIONS",
    "CandidateInput",
    "ElectionConflict",
    "JobCancelled",
    "allowed_steps",
    "body_label",
    "election_certify",
    "election_confirm",
    "election_create",
    "election_data",
    "election_findings",
    "election_results_set",
    "election_return",
    "election_submit",
    "election_unlock",
    "election_update",
    "roster_job_cancel",
    "roster_job_create",
    "roster_job_run",
    "roster_jobs_requeue_stale",
    "seat_create",
    "seat_end",
    "seat_update",
]
