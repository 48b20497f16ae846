"""An official takes a case past its warning notice to closure in the browser, axe-checking each page.

The determination that the power to intervene has arisen, a direction under it with what it
requires of the council, the written notice that the power has ended, and the Ministers' closing
decision, all through the pages.
"""

import datetime

import pytest

from intervention import services
from intervention.choices import CaseState, NoticeState, Owner

from .conftest import PASSWORD


@pytest.fixture
def signed_up_official(official):
    official.set_password(PASSWORD)
    official.save()
    return official


def test_official_determines_directs_and_closes(
    transactional_db, browser_user, signed_up_official, issued_notice, requirement_a
):
    b = browser_user
    official = signed_up_official
    case = issued_notice.case
    for duty in issued_notice.obligations.filter(owner=Owner.MINISTERS):
        services.obligation_record_done(
            obligation=duty, by=official, on=datetime.date(2017, 11, 1), source="Laid paper"
        )
    b.sign_in(official.username)
    b.go(f"/notices/{issued_notice.pk}/")
    b.click("Determine that the power to intervene has arisen", role="button")
    assert "Unverified" in b.main_text()
    b.fill_date("Date of the determination", datetime.date(2018, 3, 1))
    b.page.get_by_label(f"({requirement_a.letter})", exact=False).first.check()
    b.page.get_by_label("Reasons for the determination").fill("Action (a) was not taken.")
    b.submit("Record the determination")
    assert "has been recorded" in b.main_text()

    b.click("Power to intervene from", exact=False)
    b.click("Record a direction")
    b.page.get_by_label("Direct the council to take specified action").check()
    b.page.get_by_label("Terms of the direction").fill("Appoint a permanent director of social services.")
    b.fill_date("Date the direction was given", datetime.date(2018, 3, 5))
    b.submit("Record the direction")
    assert "The direction has been recorded." in b.main_text()
    b.click("Record what the direction requires of the council")
    b.page.get_by_label("What the direction requires of the council").fill("Appoint the director.")
    b.fill_date("Date it became required", datetime.date(2018, 3, 5))
    b.fill_date("Date it is due by (optional)", datetime.date(2018, 6, 1))
    b.submit("Record it")
    assert "Appoint the director." in b.main_text()

    b.click("Power to intervene from", exact=False)
    b.click("Record the written notice that the power has ended", role="link")
    b.fill_date("Date of the written notice", datetime.date(2020, 10, 30))
    b.page.get_by_label("Reference of the written notice").fill("WG-2020-1")
    b.page.get_by_label("Why the power has ended").fill("The council has improved.")
    b.submit("Record the end of the power")

    b.go(f"/cases/{case.pk}/")
    b.click("Record an event of the case")
    b.fill_date("Date it happened", datetime.date(2020, 10, 9))
    b.page.get_by_label("What happened").fill("Care Inspectorate Wales held an improvement conference.")
    b.page.get_by_label("Source", exact=True).fill("https://careinspectorate.wales/201029")
    b.submit("Record it")
    assert "The event has been recorded." in b.main_text()
    assert "Care Inspectorate Wales held an improvement conference." in b.main_text()
    b.click("Record a board")  # the form is checked with axe as it opens
    b.go(f"/cases/{case.pk}/")
    b.click("Close case", role="link")
    b.fill_date("Date of the decision", datetime.date(2020, 11, 2))
    b.page.get_by_label("Minister who decided").fill("Julie Morgan MS")
    b.page.get_by_label("The decision", exact=True).fill(
        "The enhanced monitoring arrangements have been removed."
    )
    b.page.get_by_label("Where the decision is recorded").fill("https://www.gov.wales/written-statement")
    b.submit("Close the case")
    assert "The case has been closed." in b.main_text()
    assert "Julie Morgan MS" in b.main_text()
    case.refresh_from_db()
    issued_notice.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert issued_notice.state == NoticeState.ESCALATED
