"""The Powys County Council children's services case of 2017, as the demo data.

Sources: shared/domain.md Part A and section 4, and the warning notice of 17 October 2017
(shared/reference/powys-2017-warning-notice.txt). Every step goes through the services, so the
history and transition log read as if people had done it; events carry their real dates.

Nothing here is invented beyond what those sources say:
- the improvement plan, submitted on 13 November 2017, is requirement (d); its agreement with the
  Board is (e), and no source dates it; the monthly Board reports are (c), and the notice sets no
  schedule for them, so none is expected on any date;
- the interim Director (a) and the Improvement Board (b) were in place by the Minister's update of
  21 November 2017: done, the date not evidenced, known done by that day;
- the notice's laying before the Assembly is not dated in any source: done, date not evidenced;
- the 90-day report was made on 15 January 2018.

`steps()` gives each recorded event with the day it belongs to, so a test can replay the case day
by day; `load()` records them all at once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from accounts.choices import Role
from accounts.models import Organisation
from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme, InspectionType, ServiceArea
from inspections.models import StatutoryFunction
from intervention import services
from intervention.choices import (
    ComplianceRule,
    ObligationKind,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
)
from intervention.models import Ground, InterventionCase

DEMO_PASSWORD = "demo-password-2017"
CASE_TITLE = "Powys County Council children's services"

DEMO_USERS = [
    # username, first name, last name, role, organisation code, job title
    ("inspector", "Demo", "Inspector", Role.INSPECTOR, "ciw", "Inspector"),
    ("wg-official", "Demo", "Official", Role.OFFICIAL, "welsh-government", "Social services policy official"),
    ("powys-officer", "Demo", "Powys Officer", Role.COUNCIL_OFFICER, "powys", "Children's services officer"),
    (
        "cardiff-officer",
        "Demo",
        "Cardiff Officer",
        Role.COUNCIL_OFFICER,
        "cardiff",
        "Children's services officer",
    ),
    ("admin", "Demo", "Administrator", Role.ADMINISTRATOR, None, "System administrator"),
]

FINDINGS = [
    # theme, kind, text, evidence, function codes
    (
        FindingTheme.ACCESS,
        FindingKind.AREA_FOR_IMPROVEMENT,
        "The arrangements for people to access services and information about services are not "
        "working adequately. The role of the Powys People Direct service is not sufficiently clear "
        "and its links with locality teams, the Team around the Family and the Emergency Duty Team "
        "are not adequate.",
        "",
        ["SSWBA-s17"],
    ),
    (
        FindingTheme.ASSESSMENT,
        FindingKind.SERIOUS_CONCERN,
        "Practice in assessing children's needs for care and support is poor; assessment tools and "
        "thresholds are not used consistently, assessments are not always timely, and there is a "
        "lack of assessment in child protection cases, placing children at considerable risk.",
        "Significant evidence of delays in families receiving services.",
        ["SSWBA-P3"],
    ),
    (
        FindingTheme.CARE_AND_SUPPORT,
        FindingKind.SERIOUS_CONCERN,
        "Care and support for children and families is insufficient: care and support plans were "
        "often generic, with delay and drift, and the number of foster parents has fallen "
        "substantially, making suitable placements hard to find.",
        "Families reported frequent changes of social worker and not being told why decisions were made.",
        ["SSWBA-P4", "SSWBA-s75"],
    ),
    (
        FindingTheme.SAFEGUARDING,
        FindingKind.SERIOUS_CONCERN,
        "There were missed opportunities to safeguard children: risks are not identified or "
        "assessed robustly, section 47 enquiries were poorly recorded and delayed, and child "
        "protection procedures were not followed.",
        "In one case there was no record of child protection statutory visits for six months "
        "(November 2016 to June 2017).",
        ["CA1989-s47"],
    ),
    (
        FindingTheme.LEADERSHIP,
        FindingKind.SERIOUS_CONCERN,
        "Performance of all social services functions is undermined by a leadership deficit: no "
        "officer is appointed as Director of Social Services as section 144(1) requires, management "
        "has changed frequently, quality assurance is limited, and complaints are not investigated "
        "within the required timescales.",
        "Four heads of service in two years; police and health partners did not know whom to "
        "escalate concerns to.",
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

REASONS_SUMMARY = (
    "CSSIW carried out an inspection of Children's Services, Powys County Council, which included "
    "site visits during the weeks commencing 17 and 31 July 2017. A draft report was issued to "
    'Powys County Council on 5 September and a final version published on 17 October 2017 ("the '
    'July inspection report"). The report identified failings in access arrangements, assessment, '
    "care and support, safeguarding, and leadership, management and governance."
)

GROUND_REASONS = {
    1: (
        "There is no officer appointed as Director of Social Services and known by that title as "
        "required by section 144(1) of the 2014 Act, and child protection procedures under section 47 "
        "of the Children Act 1989 were not followed.",
        [FindingTheme.SAFEGUARDING, FindingTheme.LEADERSHIP],
    ),
    3: (
        "The July inspection report shows the council is failing to perform its social services "
        "functions for children to an adequate standard: access to information, advice and assistance, "
        "assessment, care and support, safeguarding, and leadership, management and governance.",
        [
            FindingTheme.ACCESS,
            FindingTheme.ASSESSMENT,
            FindingTheme.CARE_AND_SUPPORT,
            FindingTheme.SAFEGUARDING,
            FindingTheme.LEADERSHIP,
        ],
    ),
}

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

MINDED_TO = (
    "If Powys County Council does not carry out the actions specified within the specified period "
    "satisfactorily, Welsh Ministers are minded to more directly intervene under sections 152-161 of "
    "the Social Services and Well-being (Wales) Act 2014."
)

COMPLIANCE_DESCRIPTION = (
    "Produce an improvement plan in response to the recommendations contained within the July "
    "inspection report, with a timeframe for improvement for each recommendation"
)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def ensure_users() -> dict[str, object]:
    """Create the demo users if missing; never reset an existing person's password."""
    User = get_user_model()
    people = {}
    for username, first, last, role, org_code, job_title in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                organisation=Organisation.objects.get(code=org_code) if org_code else None,
                job_title=job_title,
                # example.org is reserved for examples (RFC 2606): demo mail can reach nobody.
                email=f"{username}@example.org",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user._change_reason = "demo user"
            user.save()
        people[username] = user
    return people


def ensure_reference_history(by) -> None:
    """Give reference rows loaded from fixtures (which write no history) their first history row."""
    for model in (Organisation, Ground, StatutoryFunction):
        recorded = set(model.history.values_list("id", flat=True))
        missing = [obj for obj in model.objects.all() if obj.pk not in recorded]
        if missing:
            model.history.bulk_history_create(
                missing, default_user=by, default_change_reason="reference data"
            )


SOURCE_21_NOV_2017 = (
    "Written statement by the Minister, 21 November 2017: the interim Director of Social Services "
    "is confirmed and the Improvement Board is in place "
    "(https://gov.wales/written-statement-update-powys-county-council)"
)
SOURCE_LAYING = (
    "The sources consulted do not give the date the notice was laid before the National Assembly "
    "(shared/domain.md, Part A and section 4); the Minister reported to the Assembly on it on "
    "15 January 2018 (https://gov.wales/node/6296)"
)
SOURCE_90_DAY_REPORT = "Written statement by the Minister, 15 January 2018 (https://gov.wales/node/6296)"


@dataclass
class Step:
    """One event of the case: the day it belongs to, and the services call that records it."""

    on: datetime.date
    what: str
    record: Callable[[dict], None]


def steps() -> list[Step]:
    """Return the case's events in the order of the days they belong to.

    A fact recorded as done with the date not evidenced belongs to no day; it is recorded with
    the obligation it settles, on the day that became owed (the case as it stood then shows it
    the same way, never as overdue).
    """
    return [
        Step(d("2017-07-17"), "inspection and fieldwork", _inspect),
        Step(d("2017-09-05"), "draft report", _draft_report),
        Step(d("2017-10-17"), "report published, warning notice given", _give_notice),
        Step(d("2017-10-17"), "(a) and (b) done, dates not evidenced", _record_a_and_b),
        Step(d("2017-10-17"), "laying done, date not evidenced", _record_laying),
        Step(d("2017-11-13"), "improvement plan submitted", _submit_plan),
        Step(d("2018-01-15"), "90-day report made", _record_report),
    ]


def load() -> bool:
    """Load the case; return False (and change nothing) if it is already there."""
    powys = Organisation.objects.get(code="powys")
    if InterventionCase.objects.filter(council=powys, title=CASE_TITLE).exists():
        return False
    people = ensure_users()
    ensure_reference_history(people["admin"])
    state = {"people": people, "powys": powys}
    for step in steps():
        step.record(state)
    return True


def _inspect(state: dict) -> None:
    people, powys = state["people"], state["powys"]
    inspector = people["inspector"]
    functions = {f.code: f for f in StatutoryFunction.objects.all()}
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=powys,
        title="Inspection of Children's Services, Powys County Council",
        service_area=ServiceArea.CHILDREN,
        inspection_type=InspectionType.PLANNED,
        inspectorate_name="Care and Social Services Inspectorate Wales (CSSIW)",
        lead_inspector=inspector,
        report_reference="CSSIW inspection of children's services, Powys County Council (29 pages)",
        fieldwork=[(d("2017-07-17"), d("2017-07-21")), (d("2017-07-31"), d("2017-08-04"))],
    )
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector, on=d("2017-07-17"))
    state["findings"] = [
        inspection_services.finding_create(
            inspection=inspection,
            by=inspector,
            theme=theme,
            kind=kind,
            text=text,
            evidence_summary=evidence,
            statutory_functions=[functions[c] for c in codes],
        )
        for theme, kind, text, evidence, codes in FINDINGS
    ]
    state["inspection"], state["functions"] = inspection, functions


def _draft_report(state: dict) -> None:
    inspection_services.inspection_issue_draft(
        inspection=state["inspection"],
        by=state["people"]["inspector"],
        on=d("2017-09-05"),
        reason="Draft report sent to the council",
    )


def _give_notice(state: dict) -> None:
    people, inspection, functions = state["people"], state["inspection"], state["functions"]
    official = people["wg-official"]
    inspection_services.inspection_publish(
        inspection=inspection, by=people["inspector"], on=d("2017-10-17"), reason="Final report published"
    )
    case = services.case_open(
        by=official,
        council=state["powys"],
        title=CASE_TITLE,
        service_area=ServiceArea.CHILDREN,
        opened_on=d("2017-10-17"),
        inspections=[inspection],
    )
    notice = services.notice_draft(
        case=case,
        by=official,
        title="Warning notice issued following the inspection of children's services, Powys County Council",
        inspection=inspection,
        purpose=(
            "This is a warning notice issued to Powys County Council under section 151 of the Social "
            'Services and Well-being (Wales) Act 2014 ("the 2014 Act").'
        ),
        reasons_summary=REASONS_SUMMARY,
        compliance_rule=ComplianceRule.WORKING_DAYS,
        compliance_days=20,
        compliance_start_on=d("2017-10-17"),
        compliance_description=COMPLIANCE_DESCRIPTION,
        requires_improvement_plan=True,
        minded_to=MINDED_TO,
        minded_to_powers="ss152-161",
        announced_on=d("2017-10-17"),
    )
    grounds = {g.number: g for g in Ground.objects.all()}
    for number, (reasons, themes) in GROUND_REASONS.items():
        services.notice_set_ground(
            notice=notice,
            by=official,
            ground=grounds[number],
            reasons=reasons,
            findings=[f for f in state["findings"] if f.theme in themes and f.kind != FindingKind.STRENGTH],
        )
    services.notice_set_failed_functions(
        notice=notice, by=official, functions=[functions[c] for c in FAILED_FUNCTIONS]
    )
    for letter, text, kind, answered_by, due in REQUIREMENTS:
        services.requirement_add(
            notice=notice, by=official, letter=letter, text=text, kind=kind, answered_by=answered_by, due=due
        )
    services.notice_issue(
        notice=notice, by=official, on=d("2017-10-17"), reason="Notice given to the council"
    )
    state["notice"] = notice


def _record_a_and_b(state: dict) -> None:
    notice, official = state["notice"], state["people"]["wg-official"]
    for letter in ("a", "b"):
        obligation = notice.obligations.get(requirement__letter=letter)
        services.obligation_record_done(
            obligation=obligation,
            by=official,
            not_evidenced=True,
            done_by=d("2017-11-21"),
            source=SOURCE_21_NOV_2017,
        )


def _record_laying(state: dict) -> None:
    notice, official = state["notice"], state["people"]["wg-official"]
    services.obligation_record_done(
        obligation=notice.obligations.get(kind=ObligationKind.LAYING),
        by=official,
        not_evidenced=True,
        source=SOURCE_LAYING,
    )


def _submit_plan(state: dict) -> None:
    services.plan_submit(
        plan=state["notice"].improvement_plan,
        by=state["people"]["powys-officer"],
        on=d("2017-11-13"),
        summary="Improvement plan drawn up by the interim Director of Social Services in response to "
        "the July inspection report, with a timeframe for each recommendation.",
    )


def _record_report(state: dict) -> None:
    services.notice_record_report(
        notice=state["notice"],
        by=state["people"]["wg-official"],
        on=d("2018-01-15"),
        reference=SOURCE_90_DAY_REPORT,
    )
