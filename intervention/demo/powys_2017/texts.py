"""The words of the Powys notices and reports, as the sources give them.

The warning notice of 17 October 2017 is quoted from shared/reference/powys-2017-warning-notice.txt
(its own wording and slips kept; only the page breaks of the PDF are joined). The follow-up notice
of 15 January 2018 is not published in the sources consulted: what it required and said is taken
from the Minister's statements and, marked as reported, the press.
"""

from inspections.choices import FindingKind, FindingTheme
from intervention.choices import RequirementAnswer, RequirementDue, RequirementKind

# The warning notice of 17 October 2017 ---------------------------------------------------------

NOTICE_TITLE = "Warning notice issued following the inspection of children's services, Powys County Council"
MINISTER_2017 = "Rebecca Evans, Minister for Social Services and Public Health"

PURPOSE = "\n\n".join(
    [
        "This is a warning notice issued to Powys County Council under section 151 of the Social "
        'Services and Well-being (Wales) Act 2014 ("the 2014 Act").',
        "The Welsh Ministers' concerns around the ability of the authority to adequately carry out its "
        "duties emanate from the inspection undertaken in July 2017 by the Care and Social Services "
        "Inspectorate Wales' (CSSIW) Inspection of Children's Services, Powys County Council. CSSIW's "
        "report highlighted a significant number serious concerns with regard to the performance, "
        "quality and delivery children's services compounded by instability in management, poor and "
        "confused direction and weak governance.",
        "Part 8 of the 2014 Act sets out the grounds and the process through which Welsh Ministers can "
        "intervene to secure compliance of a local authority in the performance of its social services "
        "functions.",
        "The Welsh Ministers recognise that intervention is a serious step. However, the Welsh Ministers "
        "are satisfied that CSSIW's inspection report provides sufficient evidence to issue a warning "
        "notice to Powys County Council under Part 8 of the 2014 Act.",
    ]
)

# The five themed paragraphs of the notice's reasons, in its order: one set for both grounds.
ACCESS = (
    "The arrangements for people to access services and to access information about services are not "
    "working adequately. The role of the Powys People Direct service is not sufficiently clear and its "
    "links and communication with locality teams, with the Team around the Family and with the "
    "Emergency Duty Team are not adequate."
)
ASSESSMENT = (
    "Practice in the conduct of assessments of children's needs for care and support is poor and there "
    "is a lack of evidence of consistent use of assessment tools or application of thresholds. "
    "Assessments are not always carried out within reasonable timescales and there is significant "
    "evidence of delays in families or individuals receiving services. There is evidence of a lack of "
    "assessment in child protection cases. The lack of assessment, intervention and support together "
    "with poor follow up and oversight is placing children at considerable risk."
)
CARE_AND_SUPPORT = (
    "Care and support for children and families is insufficient. There is a lack of leadership, "
    "management oversight and direction in order to provide responsive and safe services. Care and "
    "support plans were often generic with an absence of focus on the child with significant evidence "
    "of delay and drift in supporting children and families. The July inspection report provides "
    "evidence of a substantial reduction in the number of foster parents and the subsequent "
    "difficulties in finding suitable placements for children needing foster care.\n\n"
    "Children and families have expressed dissatisfaction with inconsistency and changes in social "
    "workers assigned to cases, and not being fully informed about why decisions are being made. "
    "Engagement of families in planning meetings was inconsistent with examples where there was no "
    "evidence of care and support plan and lack of monitoring arrangements."
)
SAFEGUARDING = (
    "There is evidence of missed opportunities to safeguard children with a lack of effective systems to "
    "identify risks, nor are the risks being appropriately and robustly assessed. There was poor "
    "recording of section 47 Children Act 1989 reports and lack of evidence to support agreed actions. "
    "A lack of compliance with child protection processes, delays in section 47 reports and assessments "
    "being undertaken which lacked clarity and SMART objectives has put children at risk of harm. There "
    "is evidence that child protection procedures were not followed, for example, in one case, no record "
    "of children protection statutory visits for a period of 6 months."
)
LEADERSHIP = (
    "Performance of all social services functions is undermined by a leadership deficit. The People "
    "Directorate is represented on the corporate management team by the Interim Strategic Director of "
    "People and the Interim Chief Social Work Officer – Operations Director for Social Care. The Chief "
    "Executive of Powys Teaching Health Board has been covering the post of Interim Strategic Director "
    "of People. Whilst these arrangements are in place to cover functions, there is no officer appointed "
    "as Director of Social Services and known by that title as required by section 144(1) of the 2014 "
    "Act.\n\n"
    "Children's Services has been subject to frequent changes of management of the past 2 years which "
    "has meant that the local authority has lacked substantive management arrangements, presenting a "
    "fragile organisation without clear structures on which to base sound and safe practice. Quality "
    "assurance and performance monitoring is limited and in some instances non-existent. The numbers of "
    "complaints to the local authority have gradually increased. However, complaints in the main were not "
    "being investigated within the required timescales, recording was poor which meant that it was "
    "difficult to assess the robustness of the investigations and responses."
)

THEMED_REASONS = [
    ("Access arrangements: Information, Advice and Assistance", ACCESS),
    ("Assessment", ASSESSMENT),
    ("Care and support", CARE_AND_SUPPORT),
    ("Safeguarding", SAFEGUARDING),
    ("Leadership, management and governance", LEADERSHIP),
]

REASONS = "\n\n".join(
    [
        "CSSIW carried out an inspection of Children's Service, Powys County Council which included site "
        "visits during the weeks commencing 17 and 31 July 2017. A draft report of these visits was "
        "produced and issued to Powys County Council on 5 September and a final version published on "
        '17 October 2017. The report is referred to in this notice as "the July inspection report".',
        "The report identified the following failings:",
        *(f"{heading}\n\n{text}" for heading, text in THEMED_REASONS),
    ]
)

# The notice gives its reasons once, for both grounds; each ground points back to them.
GROUND_REASONS = "One set of reasons, given for grounds 1 and 3 together: see the reasons above."
GROUNDS = [1, 3]

FINDINGS = [
    # theme, kind, text (the notice's paragraph), evidence (shared/domain.md Part A), function codes
    (FindingTheme.ACCESS, FindingKind.SERIOUS_CONCERN, ACCESS, "", ["SSWBA-s17"]),
    (FindingTheme.ASSESSMENT, FindingKind.SERIOUS_CONCERN, ASSESSMENT, "", ["SSWBA-P3"]),
    (
        FindingTheme.CARE_AND_SUPPORT,
        FindingKind.SERIOUS_CONCERN,
        CARE_AND_SUPPORT,
        "",
        ["SSWBA-P4", "SSWBA-s75"],
    ),
    (
        FindingTheme.SAFEGUARDING,
        FindingKind.SERIOUS_CONCERN,
        SAFEGUARDING,
        "In one case, no record of child protection statutory visits for six months (November 2016 to "
        "June 2017).",
        ["CA1989-s47"],
    ),
    (
        FindingTheme.LEADERSHIP,
        FindingKind.SERIOUS_CONCERN,
        LEADERSHIP,
        "Four changes of head of service; police and health partners did not know whom to escalate "
        "concerns to.",
        ["SSWBA-s144", "SSWBA-s171"],
    ),
    (
        FindingTheme.LEADERSHIP,
        FindingKind.STRENGTH,
        "Staff showed commitment, resilience and professionalism through constant management change.",
        "",
        [],
    ),
]

# (i) to (vi), in the notice's order; (ii) names two functions.
FAILED_FUNCTIONS = [
    "SSWBA-s17",
    "SSWBA-P3",
    "SSWBA-P4",
    "SSWBA-s75",
    "SSWBA-s144",
    "SSWBA-s171",
    "CA1989-s47",
]

REQUIREMENTS = [
    (
        "a",
        "to end the current arrangements and to appoint an interim Director of Social Services to "
        "ensure compliance with section 144 of the 2014 Act",
        RequirementKind.ONE_OFF,
        RequirementAnswer.EVIDENCE,
        RequirementDue.NONE,
    ),
    (
        "b",
        "to appoint an Improvement Board to oversee the actions of the Director, to provide "
        "constructive challenge and strategic oversight of the Director's actions as regards all "
        "social services functions relating to children",
        RequirementKind.ONE_OFF,
        RequirementAnswer.EVIDENCE,
        RequirementDue.NONE,
    ),
    (
        "c",
        "to require the Improvement Board to provide monthly reports to the Leader of the Council "
        "with a copy to the Director of Social Services and Integration, Welsh Government",
        RequirementKind.RECURRING_REPORT,
        RequirementAnswer.BOARD_REPORTS,
        RequirementDue.NONE,
    ),
    (
        "d",
        "to require the interim Director of Social Services to draw up an improvement plan "
        "addressing the issues raised in the July inspection report",
        RequirementKind.ONE_OFF,
        RequirementAnswer.IMPROVEMENT_PLAN,
        RequirementDue.COMPLIANCE_PERIOD,
    ),
    (
        "e",
        "to agree the improvement plan with the Improvement Board including the timescales within "
        "which the actions and objectives should be achieved, and providing strong corporate and "
        "political oversight",
        RequirementKind.ONE_OFF,
        RequirementAnswer.PLAN_AGREEMENT,
        RequirementDue.NONE,
    ),
    (
        "f",
        "to require the interim Director of Social Services to implement the improvement plan",
        RequirementKind.ONE_OFF,
        RequirementAnswer.EVIDENCE,
        RequirementDue.NONE,
    ),
    (
        "g",
        "during the improvement plan period, no additional organisational structures should be introduced",
        RequirementKind.CONTINUING_CONDITION,
        RequirementAnswer.EVIDENCE,
        RequirementDue.NONE,
    ),
]

COMPLIANCE_DESCRIPTION = (
    "Produce an improvement plan in response to the recommendations contained within the July "
    "inspection report, with a timeframe for improvement for each recommendation"
)

# The notice names the sections in these words, so no separate "powers named" is added to them.
MINDED_TO = (
    "If Powys County Council does not carry out the actions specified within the specified period "
    "satisfactorily, Welsh Ministers are minded to more directly intervene under sections 152-161 of "
    "the Social Services and Well-being (Wales) 2014 Act."
)

# The follow-up warning notice of 15 January 2018 --------------------------------------------------

FOLLOW_UP_TITLE = "Follow-Up Warning Notice to Powys County Council: children's social services"
MINISTER_2018 = "Huw Irranca-Davies, Minister for Children and Social Care"

FOLLOW_UP_REASONS = (
    "The text of the follow-up notice is not in the sources consulted. The Minister's statement of "
    "15 January 2018 found that further work was required to clearly articulate the improvement plan's "
    "medium to long term approach. As reported in the press (County Times), according to the Welsh "
    "Government the authority is failing to provide adequate care in a number of areas including "
    "assessing the needs of individuals, the general duty to secure sufficient accommodation for looked "
    "after children and dealing with complaints."
)
# Which grounds it relied on is not in the sources: the reported words describe ground 3 only.
FOLLOW_UP_GROUND = 3
FOLLOW_UP_GROUND_REASONS = (
    "Reported, not the notice's own words: the authority is failing to provide adequate care in a "
    "number of areas (County Times, 15 January 2018). The grounds the notice relied on are not in the "
    "sources; recorded as ground 3, the ground those words describe."
)
# Reported as "including": the list may be longer.
FOLLOW_UP_FUNCTIONS = ["SSWBA-P3", "SSWBA-s75", "SSWBA-s171"]
FOLLOW_UP_COMPLIANCE = (
    "Submit a revised Improvement Plan to Care Inspectorate Wales, with a copy to the Welsh "
    "Government's Director of Social Services and Integration, no later than 7 February 2018 (reported)"
)
FOLLOW_UP_REQUIREMENTS = [
    (
        "a",
        "to submit a revised Improvement Plan to Care Inspectorate Wales, with a copy to the Welsh "
        "Government's Director of Social Services and Integration, no later than 7 February 2018, with "
        "actions for improvement to be achieved within six months of the date of the notice, a year "
        "later and up to January 2020 (reported)",
        RequirementKind.ONE_OFF,
        RequirementAnswer.IMPROVEMENT_PLAN,
        RequirementDue.NONE,
    ),
    (
        "b",
        "to introduce a quality assurance framework to improve consistency and standards of frontline "
        "practice (reported)",
        RequirementKind.ONE_OFF,
        RequirementAnswer.EVIDENCE,
        RequirementDue.NONE,
    ),
]
FOLLOW_UP_MINDED_TO = (
    "If Powys County Council does not carry out the actions set out within the specified period "
    "satisfactorily, Welsh Ministers are minded to more directly intervene in one or more of the methods "
    "of intervention provided for under sections 152-161 of the Social Services and Well-being (Wales) "
    "Act 2014. (A Welsh Government spokesman, as reported.)"
)

# The follow-up inspection of October 2018, published 9 January 2019 (the inspectorate's page) ------

OCTOBER_2018_FINDINGS = [
    (
        FindingTheme.GENERAL,
        FindingKind.STRENGTH,
        "Powys County Council's children's services has achieved significant improvements in certain "
        "areas, and some improvement in others.",
        [],
    ),
    (
        FindingTheme.GENERAL,
        FindingKind.SERIOUS_CONCERN,
        "There continue to be areas of practice where we have serious concerns.",
        [],
    ),
    (
        FindingTheme.LEADERSHIP,
        FindingKind.PRIORITY_AREA,
        "Ensure there is a clear strategic vision to deliver a seamless service and further develop "
        "collaborative working with health, education and the third sector to benefit children and "
        "families.",
        [],
    ),
    (
        FindingTheme.CARE_AND_SUPPORT,
        FindingKind.PRIORITY_AREA,
        "Develop commissioning and social work practice to reduce the numbers of emergency placements "
        "and enable PCC to better fulfil its duty to access a sufficient range of accommodation for "
        "looked after children close to home. To minimise the number of children placed without agreed "
        "educational provision.",
        ["SSWBA-s75"],
    ),
    (
        FindingTheme.SAFEGUARDING,
        FindingKind.PRIORITY_AREA,
        "Ensure early multi agency involvement in safeguarding and ensure an immediate response to "
        "children at risk of sexual exploitation.",
        [],
    ),
    (
        FindingTheme.LEADERSHIP,
        FindingKind.PRIORITY_AREA,
        "Ensure investigation of complaints are thorough and in accordance with Welsh Government guidelines.",
        ["SSWBA-s171"],
    ),
]
PLAN_REVIEW = "Review the existing improvement plan within 20 working days of the publication of the report"
