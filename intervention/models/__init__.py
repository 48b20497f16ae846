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
from .corrections import Correction
from .documents import (
    EVIDENCE_TYPES,
    BoardReport,
    DocumentFile,
    EvidenceFile,
    ImprovementPlan,
    Submission,
    document_upload_to,
    evidence_upload_to,
)
from .escalations import Escalation, EscalationRecipient, SeniorContact
from .notices import CarryOverDecision, Ground, NoticeGround, Requirement, RequirementVariation, WarningNotice
from .notifications import EmailFrequency, Notification, NotificationKind, NotificationPreference
from .obligations import Obligation, facts_of
from .powers import Direction, DirectionVariation, PowerRoute, PowerToIntervene, Provision
from .reminders import Reminder
from .templates import RequirementTemplate, RequirementTemplateItem

__all__ = [
    "S144_TITLE",
    "Appointment",
    "Board",
    "BoardRemitChange",
    "CaseEvent",
    "Correction",
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
    "DocumentFile",
    "EvidenceFile",
    "Ground",
    "ImprovementPlan",
    "InterventionCase",
    "NonWorkingDay",
    "NoticeGround",
    "EmailFrequency",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Obligation",
    "Reminder",
    "Requirement",
    "RequirementTemplate",
    "RequirementTemplateItem",
    "RequirementVariation",
    "SeniorContact",
    "Submission",
    "WarningNotice",
    "condition",
    "document_upload_to",
    "evidence_upload_to",
    "facts_of",
    "legislature_name",
]
