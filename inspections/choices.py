from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("Planned")  # scheduled, no fieldwork yet
    FIELDWORK = "fieldwork", _("Fieldwork")  # inspectors on site; findings being written
    DRAFT_ISSUED = "draft_issued", _("Draft issued")  # draft with the council for factual accuracy
    PUBLISHED = "published", _("Published")  # the report is public and part of the record
    WITHDRAWN = "withdrawn", _("Withdrawn")  # stopped before publication


# Findings and recommendations may change only while the report is still being written.
EDITABLE_STATES = (InspectionState.PLANNED, InspectionState.FIELDWORK, InspectionState.DRAFT_ISSUED)
# The council sees the findings and recommendations from the draft report on (its factual accuracy
# check), not while the inspectors are still writing them; a withdrawn inspection keeps what it had.
FINDINGS_SHOWN_TO_COUNCIL_STATES = (InspectionState.DRAFT_ISSUED, InspectionState.PUBLISHED)


class ServiceArea(models.TextChoices):
    CHILDREN = "children", _("Children's services")
    ADULTS = "adults", _("Adults' services")
    ALL = "all", _("Children's and adults' services")


class InspectionType(models.TextChoices):
    PLANNED = "planned", _("Planned inspection")
    FOLLOW_UP = "follow_up", _("Follow-up inspection")
    MONITORING_VISIT = "monitoring_visit", _("Monitoring visit")
    PERFORMANCE_EVALUATION = "performance_evaluation", _("Performance evaluation inspection")
    INTERIM_ASSURANCE = "interim_assurance", _("Interim assurance review")
    IMPROVEMENT_CONFERENCE = "improvement_conference", _("Improvement conference")
    ASSURANCE_CHECK = "assurance_check", _("Assurance check")
    IMPROVEMENT_CHECK = "improvement_check", _("Improvement check")
    JOINT = "joint", _("Joint inspection")
    ANNUAL_REVIEW = "annual_review", _("Annual performance review letter")


class FindingTheme(models.TextChoices):
    # The 2016 CSSIW framework's themes.
    ACCESS = "access", _("Access arrangements: information, advice and assistance")
    ASSESSMENT = "assessment", _("Assessment")
    CARE_AND_SUPPORT = "care_and_support", _("Care and support")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    LEADERSHIP = "leadership", _("Leadership, management and governance")
    # The four principles of the 2014 Act, used by CIW from 2019.
    WELL_BEING = "well_being", _("Well-being")
    PEOPLE = "people", _("People: voice and choice")
    PREVENTION = "prevention", _("Prevention")
    PARTNERSHIPS = "partnerships", _("Partnerships and integration")
    GENERAL = "general", _("General")


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    AREA_FOR_IMPROVEMENT = "area_for_improvement", _("Area for improvement")
    PRIORITY_AREA = "priority_area", _("Priority area for development")
    SERIOUS_CONCERN = "serious_concern", _("Serious concern")


class Confidence(models.TextChoices):
    VERIFIED = "V", _("Verified: read in a public source")
    REPORTED = "R", _("Reported by a secondary source")
    UNVERIFIED = "U", _("Unverified")
