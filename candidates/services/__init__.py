"""Every write of candidate vetting, one module per job:

- `reference`: the county's negative list and joint-review departments;
- `nomination`: nominating, changing, withdrawing and replacing a nominee;
- `workflow`: the state machine (`TRANSITIONS`) and `candidacy_decide`, the only door that
  decides at a stage;
- `joint_review`: the departments' sign-offs and the clearing of a flag.

Who may decide is a policy rule (candidates/policies.py); the reads the workflow checks
(`joint_review_blockers`, `required_departments`) are selectors. The names below are the
package's interface (`from candidates import services; services.candidacy_decide(...)`).
"""

from ..policies import TOWNSHIP_STAGES
from ..selectors import required_departments
from .joint_review import flag_clear, sign_off_record, sign_offs_pass_bulk
from .nomination import (
    EDIT_CLOSED,
    candidacy_create,
    candidacy_nominate,
    candidacy_replace,
    candidacy_update,
    candidacy_withdraw,
    person_for_nomination,
)
from .reference import (
    county_reference_data_create,
    negative_item_save,
    negative_list_ensure,
    review_department_set,
    review_departments_ensure,
)
from .workflow import (
    TRANSITIONS,
    BulkResult,
    CandidacyConflict,
    candidacies_decide_bulk,
    candidacy_decide,
)

__all__ = [
    "EDIT_CLOSED",
    "TRANSITIONS",
    "BulkResult",
    "CandidacyConflict",
    "candidacies_decide_bulk",
    "candidacy_create",
    "candidacy_decide",
    "candidacy_nominate",
    "candidacy_replace",
    "candidacy_update",
    "candidacy_withdraw",
    "county_reference_data_create",
    "flag_clear",
    "negative_item_save",
    "negative_list_ensure",
    "person_for_nomination",
    "review_department_set",
    "review_departments_ensure",
    "sign_off_record",
    "sign_offs_pass_bulk",
    # Kept for candidates/demo.py until it reads them where they live (policies, selectors).
    "TOWNSHIP_STAGES",
    "required_departments",
]
