from django.db import models
from django.utils.translation import gettext_lazy as _

from . import deadlines
from .obligations import status


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
    SUPERSEDED = "superseded", _("Superseded")  # a follow-up notice given in its place
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # The Ministers closed the case while it was in force; no source says it was withdrawn.
    ENDED_WITH_CASE = "ended_with_case", _("Ended when the case closed")


# The states a notice given to the council ends in.
ENDED_STATES = (
    NoticeState.COMPLIED,
    NoticeState.ESCALATED,
    NoticeState.SUPERSEDED,
    NoticeState.WITHDRAWN,
    NoticeState.ENDED_WITH_CASE,
)

# States in which a notice has been given, so the Ministers' s151(3) duties apply.
GIVEN_STATES = (
    NoticeState.ISSUED,
    NoticeState.COMPLIED,
    NoticeState.ESCALATED,
    NoticeState.SUPERSEDED,
    NoticeState.WITHDRAWN,
    NoticeState.ENDED_WITH_CASE,
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


class RequirementAnswer(models.TextChoices):
    """What answers a requirement: the council's evidence, or a document the notice also asks for.

    A requirement answered by a document is the same obligation as that document, so the two
    can never disagree: (d) "draw up an improvement plan" is met when the plan is submitted.
    """

    EVIDENCE = "evidence", _("The council's evidence, reviewed by Welsh Government")
    IMPROVEMENT_PLAN = "improvement_plan", _("The improvement plan, submitted by its due date")
    PLAN_AGREEMENT = "plan_agreement", _("The improvement plan's agreement with the Improvement Board")
    BOARD_REPORTS = "board_reports", _("The monthly Improvement Board reports")


class VariationAction(models.TextChoices):
    AMEND = "amend", _("Amend the words")
    WITHDRAW = "withdraw", _("Withdraw the requirement")


class SubmissionDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class PowerState(models.TextChoices):
    """The Welsh Ministers' power to intervene (s152): from their determination to their written notice."""

    LIVE = "live", _("In effect")
    ENDED = "ended", _("Ended by written notice")


class DirectionKind(models.TextChoices):
    """The kinds of direction under ss153-161; their section numbers are reference data (Provision)."""

    ADVISORY_SERVICES = "advisory_services", _("Require the council to obtain advisory services")
    SPECIFIED_ACTION = "specified_action", _("Direct the council to take specified action")
    PERFORMED_BY_MINISTERS = (
        "performed_by_ministers",
        _("Direct that a function be performed by the Welsh Ministers or their nominee"),
    )
    FURTHER_PROVISION = (
        "further_provision",
        _("Further provision for a direction that a function be performed"),
    )


class DirectionState(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REVOKED = "revoked", _("Revoked")
    ENDED = "ended", _("Ended")


class PerformedBy(models.TextChoices):
    MINISTERS = "ministers", _("The Welsh Ministers")
    NOMINEE = "nominee", _("A nominee of the Welsh Ministers")


class StatementKind(models.TextChoices):
    WRITTEN = "written", _("Written statement")
    ORAL = "oral", _("Oral statement")


class StatementPurpose(models.TextChoices):
    NOTICE_GIVEN = "notice_given", _("A notice was given")
    LAYING = "laying", _("Laying a copy of a notice (s151(3)(a))")
    NINETY_DAY_REPORT = "ninety_day_report", _("Report on the council's action (s151(3)(b))")
    UPDATE = "update", _("Update")
    CLOSURE = "closure", _("Closure")


class BoardKind(models.TextChoices):
    IMPROVEMENT_BOARD = "improvement_board", _("Improvement Board")
    IMPROVEMENT_AND_ASSURANCE_BOARD = "improvement_assurance_board", _("Improvement and Assurance Board")
    INTERNAL_BOARD = "internal_board", _("The council's own board")


class BoardState(models.TextChoices):
    SITTING = "sitting", _("Sitting")
    STOOD_DOWN = "stood_down", _("Stood down")


class Post(models.TextChoices):
    # Section 144(1) of the 2014 Act: the council appoints a "director of social services".
    DIRECTOR_OF_SOCIAL_SERVICES = "director_of_social_services", _("Director of social services (s144)")
    HEAD_OF_CHILDRENS_SERVICES = "head_of_childrens_services", _("Head of children's services")
    HEAD_OF_ADULTS_SERVICES = "head_of_adults_services", _("Head of adults' services")
    OTHER = "other", _("Other post")


class DatePrecision(models.TextChoices):
    """How much of a date a source gives: the day, only the month, or none."""

    DAY = "day", _("The day")
    MONTH = "month", _("The month only")
    NOT_EVIDENCED = "none", _("Not evidenced")


class ObligationKind(models.TextChoices):
    """What is owed under a notice."""

    REQUIREMENT = "requirement", _("Requirement")  # answered by the council's evidence
    IMPROVEMENT_PLAN = "improvement_plan", _("Improvement plan")
    PLAN_AGREEMENT = "plan_agreement", _("Agreement of the improvement plan with the Improvement Board")
    BOARD_REPORT = "board_report", _("Improvement Board report")
    LAYING = "laying", _("Lay a copy of the notice before the legislature (s151(3)(a))")
    LEGISLATURE_REPORT = (
        "legislature_report",
        _("Report to the legislature on the council's action (s151(3)(b))"),
    )
    DIRECTION = "direction", _("What a direction requires of the council")
    REPORT_ACTION = "report_action", _("What an inspection report asks of the council by a date")


# What is owed under a notice's own terms (not a direction given later, nor an inspection report's
# new deadline, which live as long as their direction and their case).
NOTICE_KINDS = (
    ObligationKind.REQUIREMENT,
    ObligationKind.IMPROVEMENT_PLAN,
    ObligationKind.PLAN_AGREEMENT,
    ObligationKind.BOARD_REPORT,
    ObligationKind.LAYING,
    ObligationKind.LEGISLATURE_REPORT,
)

# The Welsh Ministers' own duties under s151(3); everything else is owed by the council.
MINISTERS_KINDS = (ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT)
# Obligations the council meets by sending a document (no review before they count as met).
DOCUMENT_KINDS = (ObligationKind.IMPROVEMENT_PLAN, ObligationKind.BOARD_REPORT)


class Owner(models.TextChoices):
    COUNCIL = "council", _("The council")
    MINISTERS = "ministers", _("The Welsh Ministers")


class ObligationState(models.TextChoices):
    """What is recorded about an obligation; its status (overdue, due soon...) also depends on the day."""

    OPEN = "open", _("Open")  # owed; nothing with the reviewer
    SUBMITTED = "submitted", _("Submitted")  # evidence with Welsh Government for review
    RETURNED = "returned", _("Returned")  # Welsh Government asked for more: owed again
    MET = "met", _("Met")  # done, on a recorded date
    NOT_EVIDENCED = "not_evidenced", _("Done, date not evidenced")  # done; the date is not on record
    NOT_REQUIRED = "not_required", _("Not required")  # withdrawn, varied out, superseded, notice ended
    BREACHED = "breached", _("Breached")  # a continuing condition was broken


# Obligations still owed, and those with nothing more to do.
OWED_STATES = (ObligationState.OPEN, ObligationState.RETURNED)
LIVE_STATES = (
    ObligationState.OPEN,
    ObligationState.SUBMITTED,
    ObligationState.RETURNED,
    ObligationState.BREACHED,
)
SETTLED_STATES = (ObligationState.MET, ObligationState.NOT_EVIDENCED, ObligationState.NOT_REQUIRED)


class ObligationStatus(models.TextChoices):
    """The one status every page, email, feed and export shows; derived by obligations.status."""

    NOT_DUE = status.NOT_DUE, _("Not due yet")
    DUE_SOON = status.DUE_SOON, _("Due soon")
    DUE_TODAY = status.DUE_TODAY, _("Due today")
    OVERDUE = status.OVERDUE, _("Overdue")
    SUBMITTED = status.SUBMITTED, _("Submitted")
    MET = status.MET, _("Met")
    MET_LATE = status.MET_LATE, _("Met late")
    NOT_REQUIRED = status.NOT_REQUIRED, _("Not required")
    NOT_EVIDENCED = status.NOT_EVIDENCED, _("Done, date not evidenced")


class NoDateReason(models.TextChoices):
    CONTINUING = "continuing", _("No date: a continuing condition")
    NOT_SET = "not_set", _("No date set in the notice")
    NOT_SET_BY_DIRECTION = "not_set_direction", _("No date set in the direction")


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
    OVERDUE_OBLIGATION = "overdue_obligation", _("Obligation overdue")


class RecipientKind(models.TextChoices):
    SENIOR_CONTACT = "senior_contact", _("Council senior contact")
    CASE_LEAD = "case_lead", _("Welsh Government lead for the case")
    GOVERNMENT_OFFICIAL = "government_official", _("Welsh Government official (no lead recorded)")


class AcknowledgementState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
