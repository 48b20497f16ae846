"""The whole Powys journey in a real browser, through the pages only.

An inspector plans and publishes a fresh inspection of Powys; a Welsh Government official drafts,
previews and issues a warning notice resting on it; the Powys officer works through requirements
(a) to (g), the improvement plan and a Board report; the official returns, accepts and finally
closes the notice as complied. After each step the test looks at what the other people now see,
and every page visited is checked with axe (Browser.check_accessibility).
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from tests.evidence_files import pdf_bytes

from .test_access import assert_cardiff_sees_nothing_of

# The server's own date, which the date checks of most forms use; never later than the date in
# Europe/London, so every date typed below passes both kinds of check.
TODAY = datetime.date.today()
FIELDWORK_FROM = TODAY - datetime.timedelta(days=40)
FIELDWORK_TO = TODAY - datetime.timedelta(days=36)
DRAFT_ISSUED_ON = TODAY - datetime.timedelta(days=20)
PUBLISHED_ON = TODAY - datetime.timedelta(days=10)

INSPECTION_TITLE = "E2E inspection of children's services, Powys County Council"
NOTICE_TITLE = "E2E warning notice: children's services, Powys County Council"
CONCERN_TEXT = "E2E: no record of child protection statutory visits for six months."
IMPROVEMENT_TEXT = "E2E: police and health partners did not know whom to escalate concerns to."
RECOMMENDATION_TEXT = "E2E: the council must make sure every child protection visit is recorded."
RETURN_REASON = "E2E: send the signed appointment letter of the interim Director, not the advert."
# The requirements the council answers with evidence; (c) is met by the Board reports, (d) by
# the improvement plan and (e) by its agreement with the Board.
EVIDENCE_LETTERS = ["a", "b", "f", "g"]


def pdf(name: str) -> dict:
    """A small PDF file as the browser's file chooser would hand it over."""
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


@dataclass
class Journey:
    """What the steps learn along the way: the objects' pages, as the browser found them."""

    inspection_url: str = ""
    notice_url: str = ""
    requirement_urls: dict[str, str] = field(default_factory=dict)
    evidence_urls: list[str] = field(default_factory=list)
    plan_submit_url: str = ""
    board_report_submit_url: str = ""

    def requirement_id(self, letter: str) -> int:
        return int(self.requirement_urls[letter].rstrip("/").rsplit("/", 1)[1])

    def powys_urls(self) -> list[str]:
        """Every page of this journey's Powys objects that a Cardiff officer must not open."""
        urls = [
            self.inspection_url,
            self.inspection_url + "history/",
            self.notice_url,
            self.notice_url + "history/",
            self.plan_submit_url,
            self.board_report_submit_url,
            *self.evidence_urls,
        ]
        for url in self.requirement_urls.values():
            urls += [url, url + "history/", url + "submit/"]
        return urls


# The inspector ---------------------------------------------------------------------------------


def inspector_creates_the_inspection(b, journey: Journey):
    b.sign_in("inspector")
    b.click("Inspections")
    b.click("Create an inspection", role="button")
    page = b.page
    page.get_by_label("Council", exact=True).select_option(label="Powys County Council")
    page.get_by_label("Title", exact=True).fill(INSPECTION_TITLE)
    page.get_by_label("Service area", exact=True).select_option(label="Children's services")
    page.get_by_label("Inspection type", exact=True).select_option(label="Planned inspection")
    b.fill_date("First fieldwork period: first day (optional)", FIELDWORK_FROM)
    b.fill_date("First fieldwork period: last day (optional)", FIELDWORK_TO)
    b.submit("Create inspection")
    assert "The inspection has been created." in b.main_text()
    assert INSPECTION_TITLE in b.main_text()
    journey.inspection_url = b.path()
    assert journey.inspection_url.startswith("/inspections/")


def inspector_records_findings(b, journey: Journey):
    b.submit("Start fieldwork")  # the button-styled link on the inspection
    assert "Start fieldwork" in b.page.title()
    b.submit("Start fieldwork")  # the confirmation page's button
    assert "Fieldwork has started." in b.main_text()

    page = b.page
    b.submit("Add a finding")
    page.get_by_label("Theme", exact=True).select_option(label="Safeguarding")
    page.get_by_label("Serious concern", exact=True).check()
    page.get_by_label("Finding", exact=True).fill(CONCERN_TEXT)
    page.get_by_label("Evidence summary (optional)").fill("E2E: case files read during fieldwork.")
    page.get_by_label("Children Act 1989 s47 (Local authority's duty to investigate)").check()
    page.get_by_label("SSWBA 2014 s144 (Directors of social services)").check()
    b.submit("Add finding")
    assert "The finding has been added." in b.main_text()

    b.submit("Add a finding")
    page.get_by_label("Theme", exact=True).select_option(label="Leadership, management and governance")
    page.get_by_label("Area for improvement", exact=True).check()
    page.get_by_label("Finding", exact=True).fill(IMPROVEMENT_TEXT)
    b.submit("Add finding")

    b.submit("Add a recommendation")
    page.get_by_label("Recommendation", exact=True).fill(RECOMMENDATION_TEXT)
    page.get_by_label(f"Serious concern: {CONCERN_TEXT}").check()
    b.submit("Add recommendation")
    assert "The recommendation has been added." in b.main_text()

    text = b.main_text()
    assert "Serious concern" in text and CONCERN_TEXT in text
    assert "Children Act 1989 s47: Local authority's duty to investigate" in text
    assert "SSWBA 2014 s144: Directors of social services" in text
    assert RECOMMENDATION_TEXT in text and "Rests on: finding 1" in text


def inspector_publishes_the_report(b, journey: Journey):
    b.submit("Issue draft report")
    b.fill_date("Date the draft report was issued", DRAFT_ISSUED_ON)
    b.page.get_by_label("Note (optional)").fill("E2E: draft sent for the factual accuracy check.")
    b.submit("Issue draft report")
    assert "The draft report has been issued." in b.main_text()

    b.submit("Publish report")
    assert "Publish the report" in b.main_text()
    b.fill_date("Date the report was published", PUBLISHED_ON)
    b.submit("Publish report")
    assert "Check your answers" in b.main_text()  # a permanent record: the answers are checked first
    b.submit("Confirm and publish the report")
    text = b.main_text()
    assert "The report has been published." in text
    assert "Its contents are part of the record and cannot be changed." in text
    # Once published nothing can be added, and the inspector is not offered a warning notice.
    assert b.page.get_by_role("button", name="Add a finding").count() == 0
    assert b.page.get_by_role("button", name="Draft a warning notice").count() == 0

    b.click("History: every change to this inspection, its findings and its recommendations")
    history = b.main_text()
    assert "Published" in history and CONCERN_TEXT[:40] in history


def others_see_the_published_inspection(b, journey: Journey):
    b.sign_in("powys-officer")
    b.click("Inspections")
    b.follow_href(journey.inspection_url)
    assert CONCERN_TEXT in b.main_text()
    assert b.page.get_by_role("button", name="Draft a warning notice").count() == 0


# The official drafts and issues the notice --------------------------------------------------------


def official_drafts_the_notice(b, journey: Journey):
    page = b.page
    b.sign_in("wg-official")
    b.click("Inspections")
    b.follow_href(journey.inspection_url)
    b.submit("Draft a warning notice")
    page.get_by_label("Title of the notice").fill(NOTICE_TITLE)
    page.get_by_label("Open a new case", exact=True).check()
    page.get_by_label("Title of the new case").fill("E2E Powys County Council children's services")
    b.submit("Create the draft")
    assert "The draft notice has been created." in b.main_text()
    journey.notice_url = b.path()
    assert "You have completed 0 of 6 sections." in b.main_text()

    b.click("Title, Minister and purpose")
    page.get_by_label("Minister (optional)").fill("Minister for Social Services and Public Health")
    page.get_by_label("Purpose", exact=True).fill(
        "This is a warning notice given to Powys County Council under section 151 of the 2014 Act."
    )
    b.submit("Save and return")
    assert "The notice's details have been saved." in b.main_text()

    b.click("Grounds for intervention and the reasons for each")
    page.get_by_label("Introduction to the reasons (optional)").fill(
        "The inspection of children's services found serious failings."
    )
    for number, reasons, finding in [
        (1, "E2E: the council failed in its duty to investigate.", CONCERN_TEXT),
        (3, "E2E: leadership is not of an adequate standard.", IMPROVEMENT_TEXT),
    ]:
        page.get_by_label(f"Rely on ground {number}:").check()
        page.get_by_label(f"Reasons the Ministers are satisfied ground {number} exists").fill(reasons)
        findings = page.get_by_role(
            "group", name=f"Findings the reasons for ground {number} rest on (optional)"
        )
        findings.get_by_label(finding[:60]).check()
    b.submit("Save and return")
    assert "The grounds and reasons have been saved." in b.main_text()

    b.click("Social services functions not performed to an adequate standard")
    page.get_by_label("SSWBA 2014 s144 (Directors of social services)").check()
    page.get_by_label("Children Act 1989 s47 (Local authority's duty to investigate)").check()
    b.submit("Save and return")
    assert "The functions have been saved." in b.main_text()

    b.click("Action required of the council")
    # The Powys requirements are a template an administrator keeps (load_demo records it).
    page.get_by_label("Powys 2017 warning notice: requirements (a) to (g)").check()
    b.submit("Add the template's requirements")
    text = b.main_text()
    assert "The requirements of “Powys 2017 warning notice: requirements (a) to (g)” have been added." in text
    assert "to appoint an Improvement Board" in text
    b.click("Return to the task list")

    b.click("Compliance period")
    page.get_by_label("Working days from a start date").check()
    page.get_by_label("Number of days", exact=True).fill("20")
    b.fill_date("Counted from (optional)", PUBLISHED_ON)
    page.get_by_label("What must be done in the period (optional)").fill(
        "Produce an improvement plan in response to the inspection report."
    )
    assert page.get_by_label("An improvement plan is due by the end of the compliance period").is_checked()
    page.get_by_label("A number of monthly reports from a first month").check()
    b.fill_date("Month of the first monthly Improvement Board report", TODAY)
    page.get_by_label("Number of monthly Improvement Board reports").fill("1")
    b.submit("Save and return")
    assert "The compliance period has been saved." in b.main_text()

    b.click("Action the Ministers are minded to take")
    page.get_by_label("Action the Ministers are minded to take if the council fails").fill(
        "Welsh Ministers are minded to intervene more directly under sections 152-161."
    )
    page.get_by_label("Powers named (optional)").fill("ss152-161")
    b.submit("Save and return")
    text = b.main_text()
    assert "You have completed 6 of 6 sections." in text
    assert "Every content the Act requires is in place." in text


def nobody_else_sees_the_draft(b, journey: Journey):
    for username in ("powys-officer", "inspector"):
        b.sign_in(username)
        b.click("Warning notices")
        assert NOTICE_TITLE not in b.main_text()
        assert b.go(journey.notice_url).status == 404


def official_previews_and_issues(b, journey: Journey):
    b.sign_in("wg-official")
    b.go(journey.notice_url)
    b.submit("Preview the notice")
    preview = b.page.inner_text("#notice-text")
    assert "Powys County Council" in preview
    assert "E2E: the council failed in its duty to investigate." in preview
    assert "to appoint an Improvement Board" in preview
    assert "152-161" in preview
    deadlines = b.main_text()
    assert "20 working days after" in deadlines
    given_on = b.page.get_by_role("group", name="Date the notice is given")
    assert given_on.get_by_label("Day").input_value() == str(timezone.localdate().day)
    b.submit("Issue the notice")
    assert "Check your answers" in b.main_text()
    b.submit("Issue the notice")
    text = b.main_text()
    assert "The warning notice has been issued and its deadlines have been set." in text
    assert "Issued" in text
    assert b.path() == journey.notice_url
    for letter in EVIDENCE_LETTERS:  # the others are answered by documents, on this page
        link = b.page.get_by_role("link", name=f"({letter})", exact=True)
        journey.requirement_urls[letter] = link.get_attribute("href")
    # What is owed is set from the law on issue: the plan by the end of the compliance period.
    plan = b.page.locator("#improvement-plan").locator("xpath=..").inner_text()
    assert "20 working days after" in plan and "Not due yet" in plan

    b.click("See every change to this notice")
    assert "Issued" in b.main_text()


def others_see_the_issued_notice(b, journey: Journey):
    b.sign_in("inspector")
    b.click("Warning notices")
    b.follow_href(journey.notice_url)
    assert "Issued" in b.main_text()
    assert b.page.get_by_role("button", name="Close as complied").count() == 0

    b.sign_in("powys-officer")
    assert "Powys County Council: what needs attention" in b.main_text()
    b.click("Warning notices")
    b.follow_href(journey.notice_url)
    text = b.main_text()
    assert NOTICE_TITLE in text and "Requirements: what the council owes" in text
    assert b.page.get_by_role("link", name="Record as done").count() == 0  # an official's move
    plan_link = b.page.get_by_role("link", name="Submit the improvement plan")
    journey.plan_submit_url = plan_link.get_attribute("href")
    journey.board_report_submit_url = b.page.get_by_role(
        "link", name="Submit the Board report"
    ).first.get_attribute("href")

    b.sign_in("cardiff-officer")
    b.click("Warning notices")
    assert NOTICE_TITLE not in b.main_text() and journey.notice_url not in b.links()
    assert b.page.request.get(b.base + journey.notice_url).status == 404


# The council's evidence and Welsh Government's decisions --------------------------------------------


def officer_submits(b, journey: Journey, letter: str, statement: str, *, resubmit: bool = False):
    b.go(journey.requirement_urls[letter])
    b.submit("Resubmit evidence" if resubmit else "Submit evidence")
    b.page.get_by_label("How the council has met this requirement").fill(statement)
    b.page.get_by_label("Upload evidence files").set_input_files(pdf(f"evidence-{letter}.pdf"))
    b.submit("Send evidence")
    text = b.main_text()
    assert f"Your evidence for requirement ({letter}) has been sent to Welsh Government." in text
    assert "Submitted" in text and statement in text


def official_decides(b, journey: Journey, letter: str, *, accept: bool, reason: str = ""):
    b.go("/")
    assert "Submissions awaiting your review" in b.main_text()
    b.follow_href(journey.requirement_urls[letter])
    if accept:
        b.submit("Accept")
        b.page.get_by_label("Note (optional)").fill(f"E2E: requirement ({letter}) is met.")
        b.submit("Accept")
        b.submit("Confirm and accept")
        assert f"Requirement ({letter}) has been accepted." in b.main_text()
    else:
        b.submit("Return to the council")
        b.page.get_by_label("Why the submission is being returned").fill(reason)
        b.submit("Return to the council")
        assert f"Requirement ({letter}) has been returned to the council." in b.main_text()


def requirement_a_is_returned_then_accepted(b, journey: Journey):
    url_a = journey.requirement_urls["a"]
    b.sign_in("powys-officer")
    officer_submits(b, journey, "a", "E2E: the interim Director was appointed; the advert is attached.")
    link = b.page.get_by_role("link", name="evidence-a.pdf")
    journey.evidence_urls.append(link.get_attribute("href"))
    with b.page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    b.sign_in("wg-official")
    assert b.page.locator(f'main a[href="{url_a}"]').count() == 1  # awaiting review on the home page
    b.follow_href(url_a)
    with b.page.expect_download() as download:
        b.page.get_by_role("link", name="evidence-a.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    official_decides(b, journey, "a", accept=False, reason=RETURN_REASON)
    b.go("/")
    assert b.page.locator(f'main a[href="{url_a}"]').count() == 0  # no longer awaiting review

    b.sign_in("powys-officer")
    assert "Returned to you by Welsh Government" in b.main_text()
    b.follow_href(url_a)
    text = b.main_text()
    assert "Returned by Welsh Government" in text and RETURN_REASON in text
    assert "Returned" in text
    b.click("See every change to this requirement")
    assert "Returned" in b.main_text()
    b.go(url_a)
    b.submit("Resubmit evidence")
    assert RETURN_REASON in b.main_text()  # the reason is repeated where the officer answers it
    b.go(url_a)
    officer_submits(b, journey, "a", "E2E: the signed appointment letter is attached.", resubmit=True)
    journey.evidence_urls.append(
        b.page.get_by_role("link", name="evidence-a.pdf").first.get_attribute("href")
    )
    b.go("/")
    assert "Returned to you by Welsh Government" not in b.main_text()

    b.sign_in("wg-official")
    official_decides(b, journey, "a", accept=True)
    text = b.main_text()
    assert "Accepted" in text and RETURN_REASON in text  # the returned submission stays on record

    b.sign_in("powys-officer")
    b.go(url_a)
    text = b.main_text()
    assert "Accepted" in text and "Returned by Welsh Government" not in text
    assert b.page.get_by_role("button", name="Resubmit evidence").count() == 0


def the_other_requirements_are_met(b, journey: Journey):
    rest = [letter for letter in EVIDENCE_LETTERS if letter != "a"]
    b.sign_in("powys-officer")
    for letter in rest:
        officer_submits(b, journey, letter, f"E2E: requirement ({letter}) has been met; see the file.")
    b.sign_in("wg-official")
    home_links = b.links()
    for letter in rest:
        assert journey.requirement_urls[letter] in home_links
    b.go(journey.notice_url)
    assert "The notice cannot be closed as complied yet" in b.main_text()
    for letter in rest:
        official_decides(b, journey, letter, accept=True)
    b.go(journey.notice_url)
    text = b.main_text()
    assert (
        "The notice cannot be closed as complied yet: Every obligation of the council must be met or no "
        "longer required first" in text
    )
    assert b.page.get_by_role("button", name="Close as complied").count() == 0


def the_plan_is_agreed_and_the_board_reports(b, journey: Journey):
    b.sign_in("powys-officer")
    b.go(journey.notice_url)
    b.click("Submit the improvement plan")
    b.fill_date("Date it was sent", TODAY)
    b.page.get_by_label("Summary", exact=True).fill("E2E: the interim Director's improvement plan.")
    b.page.get_by_label("Document reference (optional)").fill("E2E/PLAN/1")
    b.submit("Submit plan")
    assert "Your improvement plan has been sent to Welsh Government." in b.main_text()

    b.click("Submit the Board report")
    b.fill_date("Date it was sent", TODAY)
    b.page.get_by_label("Summary", exact=True).fill("E2E: the Board's first monthly report.")
    b.submit("Submit Board report")
    assert "Your Board report has been sent to Welsh Government." in b.main_text()
    assert "E2E: the Board's first monthly report." in b.main_text()

    b.sign_in("wg-official")
    assert "Improvement plans submitted" in b.main_text()
    b.go(journey.notice_url)
    b.click("Record agreement with the Board")
    b.fill_date("Date the plan was agreed with the Improvement Board", TODAY)
    b.submit("Record agreement")
    assert "Check your answers" in b.main_text()
    b.submit("Confirm and record")
    text = b.main_text()
    assert "The improvement plan has been recorded as agreed." in text
    rows = b.page.locator(".govuk-summary-list__row")
    assert "Met" in rows.filter(has_text="Agreement of the improvement plan").inner_text()


def official_closes_as_complied(b, journey: Journey):
    b.go(journey.notice_url)
    assert "The notice cannot be closed as complied yet" not in b.main_text()
    b.submit("Close as complied")
    b.submit("Close as complied")  # without a reason: a clear error, nothing changes
    assert "There is a problem" in b.main_text()
    assert b.page.title().startswith("Error:")
    b.page.get_by_label("Why Welsh Government is satisfied the council has complied").fill(
        "E2E: every requirement is accepted and the improvement plan is agreed."
    )
    b.submit("Close as complied")
    assert "Check your answers" in b.main_text()  # a permanent record: checked before it is made
    b.submit("Confirm and close the notice")
    text = b.main_text()
    assert "The notice has been closed as complied." in text
    assert "Complied" in text and "E2E: every requirement is accepted" in text

    for username in ("powys-officer", "inspector"):
        b.sign_in(username)
        b.click("Warning notices")
        row = b.page.get_by_role("row").filter(has_text=NOTICE_TITLE)
        assert "Complied" in row.inner_text()
    b.sign_in("powys-officer")
    b.go(journey.requirement_urls["b"])
    assert b.page.get_by_role("button", name="Submit evidence").count() == 0


def test_the_powys_journey(demo, browser_user):
    b, journey = browser_user, Journey()
    inspector_creates_the_inspection(b, journey)
    inspector_records_findings(b, journey)
    inspector_publishes_the_report(b, journey)
    others_see_the_published_inspection(b, journey)
    official_drafts_the_notice(b, journey)
    nobody_else_sees_the_draft(b, journey)
    official_previews_and_issues(b, journey)
    others_see_the_issued_notice(b, journey)
    requirement_a_is_returned_then_accepted(b, journey)
    the_other_requirements_are_met(b, journey)
    the_plan_is_agreed_and_the_board_reports(b, journey)
    official_closes_as_complied(b, journey)

    assert journey.requirement_urls["a"] == reverse(
        "intervention:requirement_detail", args=[journey.requirement_id("a")]
    )
    assert_cardiff_sees_nothing_of(b, journey.powys_urls(), forbidden_text=[INSPECTION_TITLE, NOTICE_TITLE])
