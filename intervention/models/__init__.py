"""The intervention app's models, one module per part of the work; imported from here everywhere."""

from .arc import (
    S144_TITLE,
    Appointment,
    Board,
    BoardRemitChange,
    CaseEvent,
    PlanMilestone,
    Statement,
    dated,
)
from .calendar import ConfirmedCalendarYear, NonWorkingDay
from .cases import InterventionCase
from .common import SENEDD_RENAMED_ON, condition, legislature_name
from .documents import (
    EVIDENCE_TYPES,
    BoardReport,
    EvidenceFile,
    ImprovementPlan,
    Submission,
    evidence_upload_to,
)
from .escalations import Escalation, EscalationRecipient, SeniorContact
from .notices import CarryOverDecision, Ground, NoticeGround, Requirement, RequirementVariation, WarningNotice
from .obligations import Obligation, facts_of
from .powers import Direction, DirectionVariation, PowerRoute, PowerToIntervene, Provision
from .reminders import Reminder

__all__ = [
    "S144_TITLE",
    "Appointment",
    "Board",
    "BoardRemitChange",
    "CaseEvent",
    "Direction",
    "DirectionVariation",
    "PlanMilestone",
    "PowerRoute",
    "PowerToIntervene",
    "Provision",
    "Statement",
    "dated",
    "EVIDENCE_TYPES",
    "SENEDD_RENAMED_ON",
    "BoardReport",
    "CarryOverDecision",
    "ConfirmedCalendarYear",
    "Escalation",
    "EscalationRecipient",
    "EvidenceFile",
    "Ground",
    "ImprovementPlan",
    "InterventionCase",
    "NonWorkingDay",
    "NoticeGround",
    "Obligation",
    "Reminder",
    "Requirement",
    "RequirementVariation",
    "SeniorContact",
    "Submission",
    "WarningNotice",
    "condition",
    "evidence_upload_to",
    "facts_of",
    "legislature_name",
]
