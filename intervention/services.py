"""Every user action of the intervention app, gathered from the package of each part of the work.

The rules live in each capability's own services module (cases, drafting, notices, casework);
this module lets callers name an action without knowing which part of the app holds it.
"""

from .cases.services import (
    case_close,
    case_open,
)
from .casework.services import (
    board_report_submit,
    intervention_bring_into_force,
    intervention_end,
    plan_agree,
    plan_return,
    plan_submit,
    requirement_accept,
    requirement_record_breach,
    requirement_return,
    requirement_submit,
    requirement_withdraw,
)
from .drafting.services import (
    LAYING_DAYS,
    NOTICE_DRAFT_FIELDS,
    REPORT_DAYS,
    REQUIREMENT_DRAFT_FIELDS,
    compute_compliance_deadline,
    notice_draft,
    notice_issue,
    notice_remove_ground,
    notice_set_failed_functions,
    notice_set_ground,
    notice_update_draft,
    render_notice_text,
    requirement_add,
    requirement_remove,
    requirement_update,
)
from .notices.services import (
    notice_close_as_complied,
    notice_escalate,
    notice_record_laying,
    notice_record_report,
    notice_withdraw,
)

__all__ = [
    "LAYING_DAYS",
    "NOTICE_DRAFT_FIELDS",
    "REPORT_DAYS",
    "REQUIREMENT_DRAFT_FIELDS",
    "board_report_submit",
    "case_close",
    "case_open",
    "compute_compliance_deadline",
    "intervention_bring_into_force",
    "intervention_end",
    "notice_close_as_complied",
    "notice_draft",
    "notice_escalate",
    "notice_issue",
    "notice_record_laying",
    "notice_record_report",
    "notice_remove_ground",
    "notice_set_failed_functions",
    "notice_set_ground",
    "notice_update_draft",
    "notice_withdraw",
    "plan_agree",
    "plan_return",
    "plan_submit",
    "render_notice_text",
    "requirement_accept",
    "requirement_add",
    "requirement_record_breach",
    "requirement_remove",
    "requirement_return",
    "requirement_submit",
    "requirement_update",
    "requirement_withdraw",
]
