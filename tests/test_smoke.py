import datetime

from intervention.choices import DeadlineKind, NoticeState


def test_issuing_the_powys_notice_computes_its_deadlines(issued_notice):
    assert issued_notice.state == NoticeState.ISSUED
    due = {d.kind: d.due_on for d in issued_notice.deadlines.exclude(kind=DeadlineKind.BOARD_REPORT)}
    assert due == {
        DeadlineKind.COMPLIANCE: datetime.date(2017, 11, 14),
        DeadlineKind.LAYING: datetime.date(2017, 11, 7),
        DeadlineKind.REPORT: datetime.date(2018, 1, 15),
    }
    assert issued_notice.board_reports.count() == 3
    assert "Ground 1" in issued_notice.issued_text
