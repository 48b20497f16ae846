"""The case from February 2018 to its closure on 2 November 2020, step by step.

The Improvement and Assurance Board, the addendum, the inspectorate's follow-up inspection and
monitoring, and the Ministers' decision that the enhanced monitoring arrangements are removed.
"""

from __future__ import annotations

from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme, InspectionType, ServiceArea
from intervention import services
from intervention.choices import (
    BoardKind,
    DatePrecision,
    Regime,
    StatementKind,
    StatementPurpose,
)

from . import sources, texts
from .notices import REPORTED, VERIFIED, d, event, month, official, record_undated
from .sources import cite

SOURCE_16_APR_2018 = cite(sources.STATEMENT_16_APR_2018, "Written statement, 16 April 2018")


def assurance_board_announced(state: dict) -> None:
    services.statement_record(
        case=state["case"],
        by=official(state),
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.UPDATE,
        made_on=d("2018-02-14"),
        minister="Alun Davies, Cabinet Secretary for Local Government and Public Services, and "
        "Huw Irranca-Davies, Minister for Children and Social Care",
        title="Powys County Council update: a new Improvement and Assurance Board will replace the "
        "current Social Services Improvement Board",
        source=cite(sources.STATEMENT_14_FEB_2018, "Written statement, 14 February 2018"),
        url=sources.STATEMENT_14_FEB_2018,
    )


IAB_REMIT = (
    "A broader remit encompassing both corporate improvement and social services: to assist the Leader "
    "in driving forward the required change and improvement in the local authority, with the dual role "
    "of holding the Council accountable for improvement and offering advice to deliver it."
)


def assurance_board_established(state: dict) -> None:
    """March 2018: the Improvement and Assurance Board replaces the Improvement Board [R]."""
    state["assurance_board"] = services.board_establish(
        case=state["case"],
        by=official(state),
        kind=BoardKind.IMPROVEMENT_AND_ASSURANCE_BOARD,
        name="Improvement and Assurance Board",
        regime=Regime.LG_MEASURE_2009,
        remit=IAB_REMIT,
        chair="Jack Straw, former chief executive of Swansea Council",
        chair_independent=True,
        replaces=state["improvement_board"],
        established_on=month("2018-03"),
        established_precision=DatePrecision.MONTH,
        source=(
            f"Established in March 2018 ({sources.STATEMENT_EXTERNAL_REVIEW_2020}); chaired independently "
            f"by Jack Straw, former chief executive of Swansea Council (County Times, "
            f"{sources.COUNTY_TIMES_JUL_2020})"
        ),
        confidence=REPORTED,
    )
    event(
        state,
        "Care Inspectorate Wales made a three-day monitoring visit to children's services.",
        cite(sources.BBC_APR_2018, "BBC News, 16 April 2018, reporting the Minister's statement"),
        month("2018-03"),
        DatePrecision.MONTH,
        REPORTED,
    )


def follow_up_report_and_addendum(state: dict) -> None:
    """16 April 2018: the 90-day report on the follow-up notice, and an addendum to it.

    The addendum's terms are not in the sources, so the tracker holds no addendum notice (it would
    need requirements or variations, which would be invented): it is recorded as a sourced event.
    """
    follow_up = state["follow_up"]
    services.statement_record(
        case=state["case"],
        by=official(state),
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.NINETY_DAY_REPORT,
        made_on=d("2018-04-16"),
        minister=texts.MINISTER_2018,
        title="Update to the National Assembly for Wales on Powys County Council children's social services",
        source=SOURCE_16_APR_2018,
        url=sources.STATEMENT_16_APR_2018,
        notice=follow_up,
    )
    record_undated(
        state,
        follow_up.obligations.get(requirement__letter="b"),
        "Written statement, 16 April 2018: in compliance with the Follow-Up Warning Notice, the council "
        f"has introduced a quality assurance framework ({sources.STATEMENT_16_APR_2018})",
        d("2018-04-16"),
    )
    event(
        state,
        "The Minister issued an addendum to the Follow-Up Warning Notice, formalising the requirements "
        "needed to continue the council's improvement. Its terms are not in the sources consulted, so "
        "the tracker holds no addendum notice.",
        cite(sources.BBC_APR_2018, f"{SOURCE_16_APR_2018}; quoted by BBC News"),
        d("2018-04-16"),
        DatePrecision.DAY,
        VERIFIED,
    )


def adult_services_report(state: dict) -> None:
    """1 May 2018: the inspectorate's adult services report, and the statement on corporate support.

    The adult services inspection is recorded for the council, not linked to this children's
    services case.
    """
    inspector = state["people"]["inspector"]
    adults = inspection_services.inspection_create(
        by=inspector,
        council=state["powys"],
        title="Inspection of adult services, Powys County Council",
        service_area=ServiceArea.ADULTS,
        inspection_type=InspectionType.PLANNED,
        fieldwork_note="January 2018",
    )
    plenary = cite(sources.PLENARY_1_MAY_2018, "Statement in plenary, 1 May 2018")
    inspection_services.inspection_record_published(
        inspection=adults,
        by=inspector,
        on=d("2018-05-01"),
        source=f"Earlier today, Care Inspectorate Wales published their report: {plenary}",
    )
    services.statement_record(
        case=state["case"],
        by=official(state),
        kind=StatementKind.ORAL,
        purpose=StatementPurpose.UPDATE,
        made_on=d("2018-05-01"),
        minister="Alun Davies, Cabinet Secretary for Local Government and Public Services",
        title="Powys County Council: an update on support under the Local Government (Wales) Measure 2009",
        source=plenary,
        url=sources.PLENARY_1_MAY_2018,
    )


def follow_up_inspection_published(state: dict) -> None:
    """9 January 2019: the October 2018 follow-up inspection's report, and the plan review it asks for."""
    people, case, by = state["people"], state["case"], official(state)
    inspector, functions = people["inspector"], state["functions"]
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=state["powys"],
        title="Follow-up inspection of children's services, Powys County Council",
        service_area=ServiceArea.CHILDREN,
        inspection_type=InspectionType.FOLLOW_UP,
        report_url=sources.CIW_9_JAN_2019,
        fieldwork_note="October 2018",
    )
    for theme, kind, text, codes in texts.OCTOBER_2018_FINDINGS:
        inspection_services.finding_create(
            inspection=inspection,
            by=inspector,
            theme=theme,
            kind=kind,
            text=text,
            statutory_functions=[functions[c] for c in codes],
        )
    # Linked first, so the serious concern is escalated as part of this case.
    services.case_link_inspection(case=case, by=by, inspection=inspection)
    inspection_services.inspection_record_published(
        inspection=inspection,
        by=inspector,
        on=d("2019-01-09"),
        source=cite(sources.CIW_9_JAN_2019, "Care Inspectorate Wales, 9 January 2019"),
    )
    review = services.report_set_deadline(
        case=case, by=by, inspection=inspection, description=texts.PLAN_REVIEW, working_days=20
    )
    # A source shows the plan was reviewed; none says on what day.
    record_undated(
        state,
        review,
        "Reported: a revised children's services improvement plan had been developed and went to the "
        f"Health, Care and Housing Scrutiny Committee the month after the report (County Times, "
        f"{sources.COUNTY_TIMES_FEB_2019})",
    )
    state["follow_up_inspection"] = inspection


def education_added(state: dict) -> None:
    board = state["assurance_board"]
    services.board_change_remit(
        board=board,
        by=official(state),
        remit=f"{board.remit} From September 2019 also education, after an Estyn inspection.",
        summary="Education added to the remit, after an Estyn inspection",
        source=cite(sources.COUNTY_TIMES_SEP_2019, "County Times"),
        changed_on=month("2019-09"),
        precision=DatePrecision.MONTH,
        confidence=REPORTED,
    )


def reviews_of_march_2020(state: dict) -> None:
    event(
        state,
        "Care Inspectorate Wales carried out an interim assurance review of adult services.",
        cite(sources.CIW_29_OCT_2020, "Care Inspectorate Wales, 29 October 2020"),
        month("2020-03"),
        DatePrecision.MONTH,
        VERIFIED,
    )
    event(
        state,
        "Sean Harriss carried out an external review of the Improvement and Assurance Board and the "
        "support arrangements.",
        cite(sources.STATEMENT_EXTERNAL_REVIEW_2020, "Written statement, Julie James MS"),
        month("2020-03"),
        DatePrecision.MONTH,
        VERIFIED,
    )


def statutory_board_to_end(state: dict) -> None:
    event(
        state,
        "Julie James MS, Minister for Housing and Local Government, agreed to move from a statutory "
        "Improvement and Assurance Board to the council's own arrangements.",
        cite(sources.STATEMENT_EXTERNAL_REVIEW_2020, "Written statement, Julie James MS"),
        month("2020-07"),
        DatePrecision.MONTH,
        VERIFIED,
    )
    event(
        state,
        "The Leader said the Improvement and Assurance Board would be winding down shortly.",
        cite(sources.COUNTY_TIMES_JUL_2020, "County Times, July 2020"),
        month("2020-07"),
        DatePrecision.MONTH,
        REPORTED,
    )


def improvement_conference(state: dict) -> None:
    event(
        state,
        "Care Inspectorate Wales held an improvement conference, attended by the council's senior "
        "officers and elected members.",
        cite(sources.CIW_29_OCT_2020, "Care Inspectorate Wales, 29 October 2020"),
        d("2020-10-09"),
        DatePrecision.DAY,
        VERIFIED,
    )


def monitoring_no_longer_required(state: dict) -> None:
    """29 October 2020: the outcome of the September performance evaluation inspection."""
    inspector, by = state["people"]["inspector"], official(state)
    ciw = cite(sources.CIW_29_OCT_2020, "Care Inspectorate Wales, 29 October 2020")
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=state["powys"],
        title="Performance evaluation inspection of social services, Powys County Council",
        service_area=ServiceArea.ALL,
        inspection_type=InspectionType.PERFORMANCE_EVALUATION,
        report_url=sources.CIW_29_OCT_2020,
        fieldwork_note="September 2020",
    )
    inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.GENERAL,
        kind=FindingKind.STRENGTH,
        text="Overall, the local authority had made significant progress since our last inspections.",
    )
    services.case_link_inspection(case=state["case"], by=by, inspection=inspection)
    inspection_services.inspection_record_published(
        inspection=inspection, by=inspector, on=d("2020-10-29"), source=ciw
    )
    event(
        state,
        "Care Inspectorate Wales concluded that the council had made substantial progress and that the "
        "enhanced monitoring arrangements were no longer required, after nine pieces of monitoring "
        "activity.",
        ciw,
        d("2020-10-29"),
        DatePrecision.DAY,
        VERIFIED,
    )


CLOSURE_MINISTER = "Julie Morgan MS, Deputy Minister for Health and Social Services"
CLOSURE_DECISION = "the enhanced monitoring arrangements have been removed"


def case_closed(state: dict) -> None:
    """2 November 2020: the Ministers remove the enhanced monitoring; the case closes.

    The Improvement and Assurance Board was replaced by the council's own boards in the autumn
    of 2020 [R], on a day no source gives: recorded before the case closes, date not evidenced.
    """
    case, by = state["case"], official(state)
    autumn = cite(sources.SHROPSHIRE_STAR_2022, "Shropshire Star")
    services.board_stand_down(
        board=state["assurance_board"],
        by=by,
        on=None,
        precision=DatePrecision.NOT_EVIDENCED,
        source=f"Autumn 2020: replaced by the council's own boards (reported; {autumn})",
    )
    event(
        state,
        "The Improvement and Assurance Board was replaced by the council's own boards: a Corporate "
        "Improvement Board with service improvement boards (autumn 2020).",
        autumn,
        None,
        DatePrecision.NOT_EVIDENCED,
        REPORTED,
    )
    source = cite(sources.STATEMENT_2_NOV_2020, "Written statement, 2 November 2020")
    services.statement_record(
        case=case,
        by=by,
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.CLOSURE,
        made_on=d("2020-11-02"),
        minister=CLOSURE_MINISTER,
        title="Powys County Council: removal of enhanced monitoring arrangements in social services",
        source=source,
        url=sources.STATEMENT_2_NOV_2020,
    )
    services.case_close(
        case=case,
        by=by,
        on=d("2020-11-02"),
        minister=CLOSURE_MINISTER,
        decision=CLOSURE_DECISION,
        source=sources.STATEMENT_2_NOV_2020,
    )
