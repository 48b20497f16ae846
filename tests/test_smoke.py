import datetime

from intervention.choices import NoticeState, ObligationKind, ObligationState, Owner
from intervention.models import Obligation


def test_issuing_the_powys_notice_opens_what_is_owed_with_its_due_dates(issued_notice):
    assert issued_notice.state == NoticeState.ISSUED
    owed = Obligation.objects.filter(notice=issued_notice).select_related("requirement", "board_report")
    due = {o.label: (o.owner, o.due_on) for o in owed}
    assert due == {
        "Requirement (a)": (Owner.COUNCIL, None),
        "Improvement Board report for November 2017 (requirement (c))": (
            Owner.COUNCIL,
            datetime.date(2017, 11, 30),
        ),
        "Improvement Board report for December 2017 (requirement (c))": (
            Owner.COUNCIL,
            datetime.date(2017, 12, 29),
        ),
        "Improvement Board report for January 2018 (requirement (c))": (
            Owner.COUNCIL,
            datetime.date(2018, 1, 31),
        ),
        "Improvement plan (requirement (d))": (Owner.COUNCIL, datetime.date(2017, 11, 14)),
        "Agreement of the improvement plan with the Improvement Board (requirement (e))": (
            Owner.COUNCIL,
            None,
        ),
        "Requirement (f)": (Owner.COUNCIL, datetime.date(2017, 11, 14)),
        "Requirement (g)": (Owner.COUNCIL, None),
        "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))": (
            Owner.MINISTERS,
            datetime.date(2017, 11, 7),
        ),
        "Report to the National Assembly for Wales on the council's action (s151(3)(b))": (
            Owner.MINISTERS,
            datetime.date(2018, 1, 15),
        ),
    }
    assert {o.state for o in owed} == {ObligationState.OPEN}
    assert issued_notice.compliance_ends_on == datetime.date(2017, 11, 14)
    plan = owed.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    assert plan.basis == "20 working days after 17 October 2017"
    assert issued_notice.board_reports.count() == 3
    assert "Ground 1" in issued_notice.issued_text
