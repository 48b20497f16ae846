from django.db import models
from django.utils.translation import gettext_lazy as _

from . import deadlines


class CaseState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")  # by an explicit, dated ministerial decision


class Regime(models.TextChoices):
    SSWBA_PART_8 = "sswba_part8", _("Social Services and Well-being (Wales) Act 2014, Part 8")
    LG_MEASURE_2009 = "lg_measure_2009", _("Local Government (Wales) Measure 2009")
    LGEWA_2021 = "lgewa_2021", _("Local Government and Elections (Wales) Act 2021, Part 6")


class NoticeKind(models.TextChoices):
    ORIGINAL = "original", _("Original notice")
    FOLLOW_UP = "follow_up", _("Follow-up notice")
    ADDENDUM = "addendum", _("Addendum")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written by Welsh Government; not visible to the council
    ISSUED = "issued", _("Issued")  # given to the council; text fixed, deadlines running
    COMPLIED = "complied", _("Complied")  # every requirement accepted
    ESCALATED = "escalated", _("Escalated")  # Ministers moved to intervene under ss152-161
    WITHDRAWN = "withdrawn", _("Withdrawn")


# States in which a notice has been given, so the Ministers' s151(3) duties apply.
GIVEN_STATES = (
    NoticeState.ISSUED,
    NoticeState.COMPLIED,
    NoticeState.ESCALATED,
    NoticeState.WITHDRAWN,
)


class ComplianceRule(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days from a start date")
    CALENDAR_DAYS = "calendar_days", _("Calendar days from a start date")
    FIXED_DATE = "fixed_date", _("A fixed date")


class RequirementKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off action")
    RECURRING_REPORT = "recurring_report", _("Recurring report")
    CONTINUING_CONDITION = "continuing_condition", _("Continuing condition")


class RequirementDue(models.TextChoices):
    NONE = "none", _("No date of its own")
    COMPLIANCE_PERIOD = "compliance", _("By the end of the compliance period")
    FIXED_DATE = "fixed", _("By a fixed date")


class RequirementState(models.TextChoices):
    OPEN = "open", _("Open")  # the council has not submitted evidence yet
    SUBMITTED = "submitted", _("Submitted")  # evidence with Welsh Government for review
    RETURNED = "returned", _("Returned")  # Welsh Government asked for more; the council resubmits
    ACCEPTED = "accepted", _("Accepted")  # Welsh Government is satisfied
    WITHDRAWN = "withdrawn", _("Withdrawn")  # Welsh Government no longer requires it
    BREACHED = "breached", _("Breached")  # a continuing condition was broken


# Requirements that no longer stand in the way of compliance, and those still being worked on.
SETTLED_REQUIREMENT_STATES = (RequirementState.ACCEPTED, RequirementState.WITHDRAWN)
ACTIVE_REQUIREMENT_STATES = (
    RequirementState.OPEN,
    RequirementState.SUBMITTED,
    RequirementState.RETURNED,
)


class SubmissionDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class PlanState(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    SUBMITTED = "submitted", _("Submitted")
    AGREED = "agreed", _("Agreed with the Improvement Board")


class BoardReportState(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")


class InterventionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    IN_FORCE = "in_force", _("In force")
    ENDED = "ended", _("Ended")


class InterventionPower(models.TextChoices):
    # Section numbers after s152 are unverified; see shared/domain.md section 1.4.
    ADVISORY_SERVICES = "s153", _("Require the council to obtain advisory services (s153)")
    SPECIFIED_ACTION = "s154", _("Direct specified action (s154)")
    NOMINEE_PERFORMANCE = "s155", _("Direct that a function be performed by a nominee (s155)")
    OTHER = "s156_161", _("Other powers under ss156-161")


class DeadlineKind(models.TextChoices):
    COMPLIANCE = "compliance", _("Compliance period")
    LAYING = "laying", _("Lay the notice before the legislature (s151(3)(a))")
    REPORT = "report", _("Report to the legislature on the council's action (s151(3)(b))")
    BOARD_REPORT = "board_report", _("Monthly Improvement Board report")
    REQUIREMENT = "requirement", _("Requirement due date")


# Deadlines that fall on the Welsh Ministers rather than the council.
MINISTERS_DEADLINE_KINDS = (DeadlineKind.LAYING, DeadlineKind.REPORT)


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    CALENDAR_DAYS = "calendar_days", _("Calendar days")
    FIXED_DATE = "fixed_date", _("Fixed date")
    MONTH_END = "month_end", _("Last working day of the month")


class ReminderKind(models.TextChoices):
    """Which reminder was sent; the values come from the rules in deadlines.reminder_stage."""

    FIVE_DAYS = deadlines.REMINDER_FIVE_DAYS, _("Due in 5 working days")
    DUE_TODAY = deadlines.REMINDER_DUE_TODAY, _("Due today")
    OVERDUE = deadlines.REMINDER_OVERDUE, _("Overdue")
    OVERDUE_WEEKLY = deadlines.REMINDER_OVERDUE_WEEKLY, _("Still overdue (weekly)")


class SeniorPosition(models.TextChoices):
    """The council posts that serious matters are escalated to (the Powys review's lesson)."""

    LEADER = "leader", _("Leader of the council")
    CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
    DIRECTOR_OF_SOCIAL_SERVICES = "director_social_services", _("Director of social services")
    OTHER = "other", _("Other (give the title)")


class EscalationSource(models.TextChoices):
    SERIOUS_FINDING = "serious_finding", _("Serious concern in a published inspection report")
    OVERDUE_REQUIREMENT = "overdue_requirement", _("Requirement overdue")


class RecipientKind(models.TextChoices):
    SENIOR_CONTACT = "senior_contact", _("Council senior contact")
    CASE_LEAD = "case_lead", _("Welsh Government lead for the case")
    GOVERNMENT_OFFICIAL = "government_official", _("Welsh Government official (no lead recorded)")


class AcknowledgementState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
