"""The case from the July 2017 inspection to the follow-up notice of January 2018, step by step.

Each function records one day's events through the services, as the person who acted would
have; `steps.py` puts them in the order of their days.
"""

from __future__ import annotations

import datetime

from inspections import services as inspection_services
from inspections.choices import Confidence, FindingKind, InspectionType, ServiceArea
from inspections.models import StatutoryFunction
from intervention import services
from intervention.choices import (
    BoardKind,
    ComplianceRule,
    DatePrecision,
    NoticeKind,
    ObligationKind,
    Post,
    Regime,
    StatementKind,
    StatementPurpose,
)
from intervention.models import Ground

from . import sources, texts
from .sources import cite

VERIFIED, REPORTED = Confidence.VERIFIED, Confidence.REPORTED
CASE_TITLE = "Powys County Council children's services"


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def month(text: str) -> datetime.date:
    """A date the source gives only to the month, held as the month's first day."""
    return datetime.date.fromisoformat(f"{text}-01")


def official(state: dict):
    return state["people"]["wg-official"]


def event(
    state: dict, description: str, source: str, on: datetime.date | None, precision: str, confidence: str
) -> None:
    services.event_record(
        case=state["case"],
        by=official(state),
        description=description,
        source=source,
        happened_on=on,
        precision=precision,
        confidence=confidence,
    )


def record_undated(state: dict, obligation, source: str, done_by: datetime.date | None = None) -> None:
    """Record a duty done whose date no source gives: not evidenced, known done by `done_by` if shown."""
    services.obligation_record_done(
        obligation=obligation, by=official(state), not_evidenced=True, done_by=done_by, source=source
    )


# July to October 2017: the inspection, its report and the warning notice --------------------------


def inspect(state: dict) -> None:
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
        # The notice gives the weeks of the site visits, not their days.
        fieldwork_weeks=[d("2017-07-17"), d("2017-07-31")],
    )
    inspection_services.inspection_start_fieldwork(
        inspection=inspection,
        by=inspector,
        on=d("2017-07-17"),
        reason="Site visits in the weeks commencing 17 and 31 July 2017 (the notice of 17 October 2017)",
    )
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
        for theme, kind, text, evidence, codes in texts.FINDINGS
    ]
    state["inspection"], state["functions"] = inspection, functions


def draft_report(state: dict) -> None:
    inspection_services.inspection_issue_draft(
        inspection=state["inspection"],
        by=state["people"]["inspector"],
        on=d("2017-09-05"),
        reason="Draft report sent to the council",
    )


def publish_and_open_case(state: dict) -> None:
    """The report is published (its serious concerns are escalated at once) and the case opened."""
    inspection_services.inspection_publish(
        inspection=state["inspection"],
        by=state["people"]["inspector"],
        on=d("2017-10-17"),
        reason="Final report published",
    )
    state["case"] = services.case_open(
        by=official(state),
        council=state["powys"],
        title=CASE_TITLE,
        service_area=ServiceArea.CHILDREN,
        opened_on=d("2017-10-17"),
        inspections=[state["inspection"]],
    )
    # Before the case: the departures the press reported with the report.
    departures = cite(sources.COUNTY_TIMES_OCT_2017, "County Times, October 2017")
    event(
        state,
        "The council's Director of Social Services left; interim cover followed.",
        departures,
        month("2016-12"),
        DatePrecision.MONTH,
        REPORTED,
    )
    event(
        state,
        "The Head of Children's Services left; interim cover followed.",
        departures,
        month("2017-07"),
        DatePrecision.MONTH,
        REPORTED,
    )


def give_notice(state: dict) -> None:
    by, functions = official(state), state["functions"]
    notice = services.notice_draft(
        case=state["case"],
        by=by,
        title=texts.NOTICE_TITLE,
        inspection=state["inspection"],
        minister=texts.MINISTER_2017,
        purpose=texts.PURPOSE,
        reasons_summary=texts.REASONS,
        compliance_rule=ComplianceRule.WORKING_DAYS,
        compliance_days=20,
        compliance_start_on=d("2017-10-17"),
        compliance_description=texts.COMPLIANCE_DESCRIPTION,
        requires_improvement_plan=True,
        minded_to=texts.MINDED_TO,
        announced_on=d("2017-10-17"),
    )
    grounds = {g.number: g for g in Ground.objects.all()}
    concerns = [f for f in state["findings"] if f.kind == FindingKind.SERIOUS_CONCERN]
    for number in texts.GROUNDS:
        services.notice_set_ground(
            notice=notice, by=by, ground=grounds[number], reasons=texts.GROUND_REASONS, findings=concerns
        )
    services.notice_set_failed_functions(
        notice=notice, by=by, functions=[functions[c] for c in texts.FAILED_FUNCTIONS]
    )
    for letter, text, kind, answered_by, due in texts.REQUIREMENTS:
        services.requirement_add(
            notice=notice, by=by, letter=letter, text=text, kind=kind, answered_by=answered_by, due=due
        )
    services.notice_issue(notice=notice, by=by, on=d("2017-10-17"), reason="Notice given to the council")
    services.statement_record(
        case=state["case"],
        by=by,
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.NOTICE_GIVEN,
        made_on=d("2017-10-17"),
        minister=texts.MINISTER_2017,
        title="Powys County Council children's social services: publication of the inspection report; "
        "warning notice issued",
        source=cite(sources.STATEMENT_17_OCT_2017, "Written statement, 17 October 2017"),
        url=sources.STATEMENT_17_OCT_2017,
        notice=notice,
    )
    state["notice"] = notice


def record_laying(state: dict) -> None:
    """No source dates the laying of the notice: done, date not evidenced (never an invented date)."""
    record_undated(
        state,
        state["notice"].obligations.get(kind=ObligationKind.LAYING),
        "The sources consulted do not give the date the notice was laid before the National Assembly "
        "(shared/domain.md, Part A and section 4); the Minister reported to the Assembly on it on "
        f"15 January 2018 ({sources.STATEMENT_15_JAN_2018})",
    )


def report_to_council(state: dict) -> None:
    event(
        state,
        "The inspection report was reported to the full County Council.",
        cite(sources.POWYS_19_OCT_2017, "Powys County Council"),
        d("2017-10-19"),
        DatePrecision.DAY,
        VERIFIED,
    )


# November 2017 to January 2018: the plan, the Minister's update and the follow-up notice -----------


def submit_plan(state: dict) -> None:
    services.plan_submit(
        plan=state["notice"].improvement_plan,
        by=state["people"]["powys-officer"],
        on=d("2017-11-13"),
        summary="Improvement plan drawn up by the interim Director of Social Services in response to "
        "the July inspection report, with a timeframe for each recommendation.",
        document_reference=cite(
            sources.STATEMENT_15_JAN_2018,
            "Written statement, 15 January 2018: submitted an Improvement Plan on 13 November",
        ),
    )


def leader_asks_for_support(state: dict) -> None:
    event(
        state,
        "The Leader, Cllr Rosemarie Harris, wrote to request that the Welsh Ministers exercise their "
        "powers to provide statutory support to the council under the Local Government (Wales) "
        "Measure 2009.",
        cite(sources.STATEMENT_21_NOV_2017, "Written statement, 21 November 2017"),
        d("2017-11-14"),
        DatePrecision.DAY,
        VERIFIED,
    )


SOURCE_21_NOV_2017 = (
    "Written statement, 21 November 2017: the council has confirmed an interim Director of Social "
    "Services and put in place an Improvement Board (" + sources.STATEMENT_21_NOV_2017 + ")"
)


def ministers_update(state: dict) -> None:
    """The update of 21 November 2017: (a) and (b) done by then, on days no source gives."""
    by, notice, case = official(state), state["notice"], state["case"]
    services.statement_record(
        case=case,
        by=by,
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.UPDATE,
        made_on=d("2017-11-21"),
        minister="Alun Davies, Cabinet Secretary for Local Government and Public Services, and "
        "Huw Irranca-Davies, Minister for Children and Social Care",
        title="Update on Powys County Council",
        source=cite(sources.STATEMENT_21_NOV_2017, "Written statement, 21 November 2017"),
        url=sources.STATEMENT_21_NOV_2017,
        notice=notice,
    )
    for letter in ("a", "b"):
        record_undated(
            state, notice.obligations.get(requirement__letter=letter), SOURCE_21_NOV_2017, d("2017-11-21")
        )
    state["improvement_board"] = services.board_establish(
        case=case,
        by=by,
        kind=BoardKind.IMPROVEMENT_BOARD,
        name="Improvement Board",
        regime=Regime.SSWBA_PART_8,
        remit=texts.REQUIREMENTS[1][1],
        source=SOURCE_21_NOV_2017,
        established_on=None,
        established_precision=DatePrecision.NOT_EVIDENCED,
    )
    services.appointment_record(
        case=case,
        by=by,
        post=Post.DIRECTOR_OF_SOCIAL_SERVICES,
        title="Interim director of social services",
        source=SOURCE_21_NOV_2017,
        starts_on=None,
        starts_precision=DatePrecision.NOT_EVIDENCED,
        interim=True,
    )


def harriss_appointed(state: dict) -> None:
    event(
        state,
        "The Cabinet Secretary for Local Government and Public Services appointed Sean Harriss to carry "
        "out a rapid review of the council (leadership, governance, strategy and capacity).",
        cite(sources.PLENARY_1_MAY_2018, "Statement in plenary, 1 May 2018"),
        month("2017-12"),
        DatePrecision.MONTH,
        VERIFIED,
    )


def monitoring_visit_letter(state: dict) -> None:
    """CSSIW's monitoring visit of December 2017, known by its findings letter of 4 January 2018."""
    inspector = state["people"]["inspector"]
    visit = inspection_services.inspection_create(
        by=inspector,
        council=state["powys"],
        title="Monitoring visit to children's services, Powys County Council",
        service_area=ServiceArea.CHILDREN,
        inspection_type=InspectionType.MONITORING_VISIT,
        inspectorate_name="Care and Social Services Inspectorate Wales (CSSIW)",
        report_reference="Findings letter of 4 January 2018",
        fieldwork_note="December 2017",
    )
    services.case_link_inspection(case=state["case"], by=official(state), inspection=visit)
    inspection_services.inspection_record_published(
        inspection=visit,
        by=inspector,
        on=d("2018-01-04"),
        source=cite(
            sources.STATEMENT_16_APR_2018,
            "Written statement, 16 April 2018: the findings of the December 2017 monitoring visit, "
            "set out in the letter of 4 January",
        ),
    )


SOURCE_15_JAN_2018 = cite(sources.STATEMENT_15_JAN_2018, "Written statement, 15 January 2018")


def ninety_day_report(state: dict) -> None:
    """The Minister's 90-day report (s151(3)(b)) of 15 January 2018, and what it says was done."""
    by, notice, case = official(state), state["notice"], state["case"]
    services.statement_record(
        case=case,
        by=by,
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.NINETY_DAY_REPORT,
        made_on=d("2018-01-15"),
        minister=texts.MINISTER_2018,
        title="Update to the National Assembly for Wales on Powys County Council children's social services",
        source=SOURCE_15_JAN_2018,
        url=sources.STATEMENT_15_JAN_2018,
        notice=notice,
    )
    # "The Improvement Plan has been approved by the Council's Cabinet and Improvement Board": (e).
    record_undated(
        state,
        notice.obligations.get(kind=ObligationKind.PLAN_AGREEMENT),
        "Written statement, 15 January 2018: the Improvement Plan has been approved by the Council's "
        f"Cabinet and Improvement Board ({sources.STATEMENT_15_JAN_2018})",
        d("2018-01-15"),
    )
    services.appointment_record(
        case=case,
        by=by,
        post=Post.HEAD_OF_CHILDRENS_SERVICES,
        title="Interim head of children's services",
        source=SOURCE_15_JAN_2018,
        starts_on=None,
        starts_precision=DatePrecision.NOT_EVIDENCED,
        interim=True,
    )


def give_follow_up(state: dict) -> None:
    """The follow-up notice of 15 January 2018: a revised plan by 7 February 2018 [R].

    What the original notice still asked of the council ((c) the Board reports, (f) and (g)) is
    carried over: no source says the follow-up notice released it.
    """
    by, notice, functions = official(state), state["notice"], state["functions"]
    follow_up = services.notice_draft(
        case=state["case"],
        by=by,
        title=texts.FOLLOW_UP_TITLE,
        kind=NoticeKind.FOLLOW_UP,
        parent=notice,
        minister=texts.MINISTER_2018,
        reasons_summary=texts.FOLLOW_UP_REASONS,
        compliance_rule=ComplianceRule.FIXED_DATE,
        compliance_fixed_on=d("2018-02-07"),
        compliance_description=texts.FOLLOW_UP_COMPLIANCE,
        requires_improvement_plan=True,
        minded_to=texts.FOLLOW_UP_MINDED_TO,
        announced_on=d("2018-01-15"),
    )
    services.notice_set_ground(
        notice=follow_up,
        by=by,
        ground=Ground.objects.get(number=texts.FOLLOW_UP_GROUND),
        reasons=texts.FOLLOW_UP_GROUND_REASONS,
    )
    services.notice_set_failed_functions(
        notice=follow_up, by=by, functions=[functions[c] for c in texts.FOLLOW_UP_FUNCTIONS]
    )
    for letter, text, kind, answered_by, due in texts.FOLLOW_UP_REQUIREMENTS:
        services.requirement_add(
            notice=follow_up, by=by, letter=letter, text=text, kind=kind, answered_by=answered_by, due=due
        )
    for obligation in services.parent_obligations_to_decide(follow_up):
        services.carry_over_decide(follow_up=follow_up, by=by, obligation=obligation, carry_over=True)
    services.notice_issue(
        notice=follow_up,
        by=by,
        on=d("2018-01-15"),
        reason=cite(
            sources.STATEMENT_16_APR_2018,
            "On 15 January the Minister issued a Follow-Up Warning Notice (written statement, 16 April 2018)",
        ),
    )
    state["follow_up"] = follow_up


def record_follow_up_laying(state: dict) -> None:
    record_undated(
        state,
        state["follow_up"].obligations.get(kind=ObligationKind.LAYING),
        "The sources consulted do not give the date the follow-up notice was laid before the National "
        "Assembly; the Minister reported to the Assembly on it on 16 April 2018 "
        f"({sources.STATEMENT_16_APR_2018})",
    )


def submit_revised_plan(state: dict) -> None:
    services.plan_submit(
        plan=state["follow_up"].improvement_plan,
        by=state["people"]["powys-officer"],
        on=d("2018-01-23"),
        summary="Revised improvement plan setting out the actions to be achieved over the next "
        "6 months, 12 months and beyond.",
        document_reference=cite(sources.STATEMENT_16_APR_2018, "Written statement, 16 April 2018"),
    )
