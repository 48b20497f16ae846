"""Working an issued notice through its pages: who may see and do what, and what each step records.

What the council owes, and the Welsh Ministers' own duties, are obligations; the pages show each
with its status (obligations/status.py, through the `status_tag` template tag).
"""

import datetime
import re

import django_fsm as fsm
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import CONCURRENT_CHANGE_MESSAGE
from accounts.history import HISTORY_PER_PAGE, action_label
from accounts.models import TransitionLog
from intervention import services
from intervention.calendars import format_month
from intervention.choices import (
    DeadlineUnit,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementAnswer,
    SubmissionDecision,
    VariationAction,
)
from intervention.deadlines import add_months
from intervention.models import (
    BoardReport,
    EvidenceFile,
    ImprovementPlan,
    InterventionCase,
    Obligation,
    Requirement,
    Submission,
    WarningNotice,
)
from tests.conftest import GIVEN_ON
from tests.evidence_files import pdf_bytes
from tests.factories import CaseFactory, UserFactory
from tests.workflow import PLAN_SUBMITTED, Casework, changed_tables, reread, snapshot

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()  # a real PDF: uploads are parsed
AUDITED = [
    WarningNotice,
    Requirement,
    Obligation,
    Submission,
    ImprovementPlan,
    BoardReport,
    EvidenceFile,
]
# One payload that every casework form accepts, so a refusal is never just a form error.
VALID_POST = {
    "on_0": "13",
    "on_1": "11",
    "on_2": "2017",
    "reason": "Because.",
    "reference": "NDM6543",
    "statement": "Done.",
    "summary": "Summary.",
    "document_reference": "doc-1",
    # Recording a duty as done
    "when": "date",
    "source": "Laid paper NDM6543",
    # Extending the compliance period
    "ends_on_0": "30",
    "ends_on_1": "11",
    "ends_on_2": "2017",
    "decided_by": "The Minister",
    "decided_on_0": "10",
    "decided_on_1": "11",
    "decided_on_2": "2017",
    # Changing the Board report schedule
    "schedule": "count",
    "first_month_0": "1",
    "first_month_1": "11",
    "first_month_2": "2017",
    "count": "2",
}
SEES_EVERYTHING = {
    "official": 200,
    "inspector": 200,
    "powys_officer": 200,
    "cardiff_officer": 404,
    "administrator": 404,
}
OFFICIALS_ONLY = {
    "official": 200,
    "inspector": 403,
    "powys_officer": 403,
    "cardiff_officer": 404,
    "administrator": 404,
}
READ_ONLY = {
    "notice_detail",
    "notice_history",
    "requirement_detail",
    "requirement_history",
    "evidence_download",
}
COUNCIL_ONLY = {
    "official": 403,
    "inspector": 403,
    "powys_officer": 200,
    "cardiff_officer": 404,
    "administrator": 404,
}


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def date_data(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def audit_rows():
    """Everything an action writes: history rows of every audited model and the transition log."""
    return [model.history.count() for model in AUDITED] + [TransitionLog.objects.count()]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, user):
    if user is None:
        client.logout()
    else:
        client.force_login(user)


def main_of(page: str) -> str:
    return page.split('id="main-content"')[1].split("</main>")[0]


def words(html: str) -> str:
    """The text a person reads, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").strip()


def row_of(page: str, marker: str) -> str:
    """The words of the one table row of `page` that contains `marker`."""
    rows = [
        row for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S) if marker in row
    ]
    assert len(rows) == 1, (marker, len(rows))
    return words(rows[0])


def error_summary(response) -> dict[str, str]:
    """The error summary: each error message, with the id of the field its link leads to."""
    page = response.content.decode()
    assert "<title>Error:" in page
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    return {
        words(message): anchor for anchor, message in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary)
    }


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


def _submit(requirement, officer, statement="Done.", files=()):
    return services.requirement_submit(
        requirement=requirement, by=officer, statement=statement, files=list(files)
    )


def duty(notice, kind):
    """One of the Welsh Ministers' duties under s151(3) on the notice."""
    return notice.obligations.get(kind=kind, owner=Owner.MINISTERS)


def first_board_report(notice):
    return notice.obligations.select_related("board_report").get(
        kind=ObligationKind.BOARD_REPORT, board_report__month=datetime.date(2017, 11, 1)
    )


# Who may see and do what ------------------------------------------------------------------


def _target(name, notice, people):
    """Return the id each page is about, after putting it in a state where the page can be used."""
    casework = Casework(official=people["official"], officer=people["powys_officer"])
    officer = people["powys_officer"]
    a = notice.requirements.get(letter="a")
    if name in {"notice_detail", "notice_history", "notice_record_laying", "notice_record_report"}:
        return notice.pk
    if name in {"notice_withdraw", "notice_extend", "notice_board_schedule"}:
        return notice.pk
    if name == "notice_close":
        casework.settle_everything(notice)
        return notice.pk
    if name == "obligation_record_done":
        # Something the council owes: its officers see it, but only officials record it as done.
        return first_board_report(notice).pk
    if name in {"requirement_detail", "requirement_history", "requirement_submit", "requirement_withdraw"}:
        return a.pk
    if name in {"requirement_accept", "requirement_return"}:
        _submit(a, officer)
        return a.pk
    if name == "requirement_breach":
        return notice.requirements.get(letter="g").pk
    if name == "plan_submit":
        return notice.improvement_plan.pk
    if name in {"plan_return", "plan_agree"}:
        return casework.plan(notice, PLAN_SUBMITTED).pk
    if name == "board_report_submit":
        return notice.board_reports.order_by("month").first().pk
    if name == "evidence_download":
        submission = _submit(a, officer, files=[pdf()])
        return submission.files.get().pk
    raise AssertionError(name)


ROLE_TABLE = [
    ("notice_detail", SEES_EVERYTHING),
    ("notice_history", SEES_EVERYTHING),
    ("requirement_detail", SEES_EVERYTHING),
    ("requirement_history", SEES_EVERYTHING),
    ("evidence_download", SEES_EVERYTHING),
    ("notice_record_laying", OFFICIALS_ONLY),
    ("notice_record_report", OFFICIALS_ONLY),
    ("obligation_record_done", OFFICIALS_ONLY),
    ("notice_extend", OFFICIALS_ONLY),
    ("notice_board_schedule", OFFICIALS_ONLY),
    ("notice_close", OFFICIALS_ONLY),
    ("notice_withdraw", OFFICIALS_ONLY),
    ("requirement_accept", OFFICIALS_ONLY),
    ("requirement_return", OFFICIALS_ONLY),
    ("requirement_withdraw", OFFICIALS_ONLY),
    ("requirement_breach", OFFICIALS_ONLY),
    ("plan_return", OFFICIALS_ONLY),
    ("plan_agree", OFFICIALS_ONLY),
    ("requirement_submit", COUNCIL_ONLY),
    ("plan_submit", COUNCIL_ONLY),
    ("board_report_submit", COUNCIL_ONLY),
]


def test_each_role_gets_each_page_or_is_refused(client, issued_notice, people):
    """Every casework page, for every role: GET and POST, and nothing written by a refused POST."""
    for name, expected in ROLE_TABLE:
        with transaction.atomic():  # each page starts from the same issued notice
            notice = WarningNotice.objects.get(pk=issued_notice.pk)
            url = reverse(f"intervention:{name}", args=[_target(name, notice, people)])
            for role, status in expected.items():
                login(client, people[role])
                assert client.get(url).status_code == status, (name, role, "GET")

            # Nobody outside the role changes anything by POSTing, however complete the form.
            before = audit_rows()
            for role, status in expected.items():
                if status == 200:
                    continue
                login(client, people[role])
                response = client.post(url, {"check_answers": "confirmed", **VALID_POST, "files": pdf()})
                assert response.status_code == (405 if name in READ_ONLY else status), (name, role, "POST")
            login(client, None)
            response = client.get(url)
            assert response.status_code == 302, (name, "anonymous")
            assert response.url.startswith(reverse("login"))
            assert client.post(url, {"check_answers": "confirmed", **VALID_POST}).status_code == 302, (
                name,
                "anonymous POST",
            )
            assert audit_rows() == before, name
            transaction.set_rollback(True)


NEW_PAGES = ["obligation_record_done", "notice_record_laying", "notice_extend", "notice_board_schedule"]


def _new_page_url(name, notice):
    if name == "obligation_record_done":
        return reverse(f"intervention:{name}", args=[duty(notice, ObligationKind.LAYING).pk])
    return reverse(f"intervention:{name}", args=[notice.pk])


@pytest.mark.parametrize("name", NEW_PAGES)
@pytest.mark.parametrize("role, status", [("inspector", 403), ("powys_officer", 403)])
def test_the_officials_pages_refuse_people_who_see_the_notice(
    client, people, issued_notice, name, role, status
):
    """The inspector and the council see the notice, so they are told they may not act (403)."""
    client.force_login(people[role])
    url = _new_page_url(name, issued_notice)
    before = snapshot()
    assert client.get(url).status_code == status
    assert client.post(url, VALID_POST).status_code == status
    assert changed_tables(before) == []


@pytest.mark.parametrize("name", NEW_PAGES)
def test_the_officials_pages_do_not_exist_for_another_council(client, cardiff_officer, issued_notice, name):
    """A Powys notice, and what it makes owed, do not exist for a Cardiff officer (404), GET or POST."""
    client.force_login(cardiff_officer)
    url = _new_page_url(name, issued_notice)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, VALID_POST).status_code == 404
    assert changed_tables(before) == []


def test_cardiff_officer_cannot_reach_powys_pages_by_any_id(client, cardiff_officer, issued_notice):
    client.force_login(cardiff_officer)
    listing = client.get(reverse("intervention:notice_list"))
    assert issued_notice.title not in listing.content.decode()
    assert client.get(reverse("intervention:notice_detail", args=[issued_notice.pk + 999])).status_code == 404
    missing = Obligation.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("intervention:obligation_record_done", args=[missing])).status_code == 404


@pytest.mark.parametrize("letter", ["c", "d", "e"])
@pytest.mark.parametrize(
    "name",
    [
        "requirement_submit",
        "requirement_accept",
        "requirement_return",
        "requirement_withdraw",
        "requirement_breach",
    ],
)
@pytest.mark.parametrize("role", ["official", "powys_officer"])
def test_a_requirement_met_by_a_document_has_no_evidence_pages(
    client, people, issued_notice, letter, name, role
):
    """(c), (d) and (e) are met by the Board reports, the plan and its agreement: no evidence to decide."""
    requirement = issued_notice.requirements.get(letter=letter)
    client.force_login(people[role])
    url = reverse(f"intervention:{name}", args=[requirement.pk])
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, VALID_POST).status_code == 404
    assert changed_tables(before) == []


def test_a_requirement_met_by_a_document_shows_what_answers_it(client, powys_officer, issued_notice):
    client.force_login(powys_officer)
    c = issued_notice.requirements.get(letter="c")
    response = client.get(reverse("intervention:requirement_detail", args=[c.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The monthly Improvement Board reports" in page
    for month in ["November 2017", "December 2017", "January 2018"]:
        assert f"Improvement Board report for {month} (requirement (c))" in page
    assert reverse("intervention:requirement_submit", args=[c.pk]) not in page
    assert "Submit evidence" not in page


def test_nobody_but_officials_sees_a_draft(client, draft_notice, people):
    url = reverse("intervention:notice_detail", args=[draft_notice.pk])
    for role in ["inspector", "powys_officer", "cardiff_officer", "administrator"]:
        login(client, people[role])
        assert client.get(url).status_code == 404, role


def test_official_sees_a_draft_through_the_drafting_pages(client, official, draft_notice):
    client.force_login(official)
    response = client.get(reverse("intervention:notice_detail", args=[draft_notice.pk]))
    assert response.status_code == 200
    assert "tasks" in response.context  # the draft's task list, not the page of a given notice


# The notice page ---------------------------------------------------------------------------


def test_notice_page_shows_due_dates_with_weekday_basis_and_skipped_days(client, official, issued_notice):
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    f = row_of(page, "(f)</a> Requirement f")
    assert "Tuesday 14 November 2017" in f and "20 working days after 17 October 2017" in f
    assert '<details class="govuk-details app-deadline-skipped">' in page
    assert "Days not counted:" in page
    assert "Saturday 21 October 2017" in f
    laying = row_of(page, "Lay a copy of the notice before the National Assembly for Wales")
    assert "Tuesday 7 November 2017" in laying and "21 calendar days after 17 October 2017" in laying
    december = row_of(page, "Improvement Board report for December 2017")
    assert "Friday 29 December 2017" in december and "Last working day of December 2017" in december
    assert (
        reverse("intervention:requirement_detail", args=[issued_notice.requirements.get(letter="a").pk])
        in page
    )
    assert "WARNING NOTICE" in page  # the text as issued
    assert reverse("intervention:notice_history", args=[issued_notice.pk]) in page


def test_notice_page_shows_each_requirement_with_its_status(client, powys_officer, issued_notice):
    """Every requirement has one status, from what answers it; late is never shown as met."""
    client.force_login(powys_officer)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    a = row_of(page, "(a)</a> Requirement a")
    assert "No date set in the notice" in a and "Not due yet" in a
    f = row_of(page, "(f)</a> Requirement f")
    assert "Overdue" in f and "working days late" in f
    g = row_of(page, "(g)</a> Requirement g")
    assert "No date: a continuing condition" in g and "Not due yet" in g
    # (c), (d) and (e) are met by documents, so they take the status of what answers them.
    c = row_of(page, "(c) Requirement c")
    assert "Answered by: The monthly Improvement Board reports. See below." in c and "Overdue" in c
    d = row_of(page, "(d) Requirement d")
    assert "Answered by: The improvement plan, submitted by its due date. See below." in d and "Overdue" in d
    e = row_of(page, "(e) Requirement e")
    assert "Not due yet" in e
    # Only a requirement the council answers with evidence has a page to send it from.
    for letter in "cde":
        requirement = issued_notice.requirements.get(letter=letter)
        assert reverse("intervention:requirement_detail", args=[requirement.pk]) not in page


def test_the_plan_and_the_requirement_asking_for_it_cannot_disagree(
    client, official, powys_officer, issued_notice
):
    """(d) is the plan's obligation: sent 4 working days after its due date, both show met late."""
    services.plan_submit(
        plan=issued_notice.improvement_plan,
        by=powys_officer,
        on=datetime.date(2017, 11, 20),
        summary="Our plan",
    )
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    expected = "Met late on 20 November 2017, 4 working days late"
    assert expected in row_of(page, "(d) Requirement d")
    plan_section = words(page.split('id="improvement-plan"')[1].split('id="board-reports"')[0])
    assert expected in plan_section
    assert "Met on" not in plan_section
    assert "Our plan" in plan_section


def test_notice_page_buttons_follow_the_person(client, people, issued_notice):
    url = reverse("intervention:notice_detail", args=[issued_notice.pk])
    plan = issued_notice.improvement_plan
    report = issued_notice.board_reports.order_by("month").first()
    laying = duty(issued_notice, ObligationKind.LAYING)
    report_duty = duty(issued_notice, ObligationKind.LEGISLATURE_REPORT)
    record = [reverse("intervention:obligation_record_done", args=[o.pk]) for o in (laying, report_duty)]

    client.force_login(people["official"])
    page = client.get(url).content.decode()
    for name in ["notice_extend", "notice_board_schedule", "power_determine", "notice_withdraw"]:
        assert reverse(f"intervention:{name}", args=[issued_notice.pk]) in page, name
    assert reverse("intervention:notice_close", args=[issued_notice.pk]) not in page
    assert "The notice cannot be closed as complied yet" in page
    assert reverse("intervention:plan_submit", args=[plan.pk]) not in page
    assert reverse("intervention:board_report_submit", args=[report.pk]) not in page
    duties = page.split('id="ministers-duties"')[1].split("</table>")[0]
    assert all(link in duties for link in record)
    assert words(duties).count("Record as done") == 2

    client.force_login(people["powys_officer"])
    page = client.get(url).content.decode()
    assert reverse("intervention:plan_submit", args=[plan.pk]) in page
    assert reverse("intervention:board_report_submit", args=[report.pk]) in page
    assert reverse("intervention:notice_withdraw", args=[issued_notice.pk]) not in page
    assert reverse("intervention:notice_extend", args=[issued_notice.pk]) not in page
    assert "Record as done" not in page
    assert "/record-done/" not in page
    # The council sees the Ministers' duties and their status, but has nothing to do about them.
    assert "Overdue" in row_of(page, "Lay a copy of the notice before the National Assembly for Wales")

    client.force_login(people["inspector"])
    page = client.get(url).content.decode()
    assert 'class="govuk-button' not in main_of(page)
    assert "/record-done/" not in page and "/submit/" not in page


def test_legislature_is_named_as_it_was_on_the_day(client, official, draft_notice):
    # Given 20 April 2020: laid on 1 May, before the Senedd was renamed on 6 May; report due in July.
    notice = services.notice_issue(notice=draft_notice, by=official, on=datetime.date(2020, 4, 20))
    services.notice_record_laying(notice=notice, by=official, on=datetime.date(2020, 5, 1), reference="NDM1")
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[notice.pk])).content.decode()
    laying = row_of(page, "Source: NDM1")
    assert "Met on 1 May 2020" in laying
    # Laid on 1 May 2020, so before the National Assembly, although it was due after the rename.
    assert "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))" in laying
    assert "Report to Senedd Cymru on the council's action (s151(3)(b))" in words(page)


def test_a_notice_withdrawn_before_it_was_given_shows_to_officials_only(
    client, official, powys_officer, draft_notice
):
    services.notice_withdraw(notice=draft_notice, by=official, reason="Not needed after all.")
    url = reverse("intervention:notice_detail", args=[draft_notice.pk])
    client.force_login(powys_officer)
    assert client.get(url).status_code == 404  # never given, so the council never had it
    client.force_login(official)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "the Ministers have no duties under section 151(3)" in page
    assert "Not needed after all." in page
    assert not Obligation.objects.filter(notice=draft_notice).exists()


# Notice list -------------------------------------------------------------------------------


def test_notice_list_links_filters_and_paginates(client, official, powys_officer, issued_notice, cardiff):
    other_case = CaseFactory(council=cardiff)
    WarningNotice.objects.bulk_create(
        [WarningNotice(case=other_case, kind="original", title=f"Cardiff notice {i}") for i in range(30)]
    )
    client.force_login(official)
    url = reverse("intervention:notice_list")
    first = client.get(url)
    assert first.context["page_obj"].paginator.count == 31
    assert len(first.context["page_obj"].object_list) == 25
    assert client.get(url, {"page": 2}).context["page_obj"].object_list.__len__() == 6

    issued = client.get(url, {"state": NoticeState.ISSUED}).content.decode()
    assert reverse("intervention:notice_detail", args=[issued_notice.pk]) in issued
    assert "Cardiff notice" not in issued
    by_council = client.get(url, {"council": cardiff.pk})
    assert by_council.context["page_obj"].paginator.count == 30

    client.force_login(powys_officer)
    mine = client.get(url)
    assert "council" not in mine.context["filter_form"].fields
    assert [n.pk for n in mine.context["page_obj"]] == [issued_notice.pk]


def test_notice_list_refuses_a_role_without_casework(client, administrator, issued_notice):
    client.force_login(administrator)
    assert client.get(reverse("intervention:notice_list")).status_code == 403


def test_notice_list_bad_filter_is_summarised_and_named_in_the_title(client, official, issued_notice):
    client.force_login(official)
    response = client.get(reverse("intervention:notice_list"), {"council": 99999})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["filter_form"].errors["council"]
    assert "<title>Error:" in page
    assert 'class="govuk-error-summary"' in page and 'href="#id_council"' in page


# The requirement loop ----------------------------------------------------------------------


def test_requirement_loop_submit_return_resubmit_accept(
    client, official, powys_officer, requirement_a, obligation_a
):
    detail = reverse("intervention:requirement_detail", args=[requirement_a.pk])
    submit = reverse("intervention:requirement_submit", args=[requirement_a.pk])
    today = timezone.localdate()

    client.force_login(powys_officer)
    assert "Submit evidence" in client.get(detail).content.decode()
    response = client.post(
        submit,
        {
            "check_answers": "confirmed",
            "statement": "Interim director appointed.",
            "files": pdf("appointment.pdf"),
        },
    )
    assert response.status_code == 302 and response.url == detail
    assert "has been sent to Welsh Government" in messages_of(response)[-1]
    obligation = reread(obligation_a)
    assert (obligation.state, obligation.submitted_on) == (ObligationState.SUBMITTED, today)
    assert "Submitted" in words(client.get(detail).content.decode())

    client.force_login(official)
    page = client.get(detail).content.decode()
    assert "appointment.pdf" in page and "Interim director appointed." in page
    for name in ["requirement_accept", "requirement_return", "requirement_withdraw"]:
        assert reverse(f"intervention:{name}", args=[requirement_a.pk]) in page, name
    assert "Withdraw requirement" in page
    assert reverse("intervention:requirement_breach", args=[requirement_a.pk]) not in page  # not a condition
    response = client.post(
        reverse("intervention:requirement_return", args=[requirement_a.pk]),
        {"check_answers": "confirmed", "reason": "Send the signed appointment letter."},
    )
    assert response.url == detail
    obligation = reread(obligation_a)
    assert obligation.state == ObligationState.RETURNED
    row = obligation.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        official,
        "return_to_owner: Send the signed appointment letter.",
    )

    client.force_login(powys_officer)
    page = client.get(detail).content.decode()
    assert "Returned by Welsh Government" in page
    assert "Send the signed appointment letter." in page
    assert "Resubmit evidence" in page
    assert "Send the signed appointment letter." in client.get(submit).content.decode()
    response = client.post(
        submit,
        {
            "check_answers": "confirmed",
            "statement": "Letter attached.",
            "files": [pdf("letter.pdf"), pdf("minutes.pdf")],
        },
    )
    assert response.url == detail

    client.force_login(official)
    response = client.post(
        reverse("intervention:requirement_accept", args=[requirement_a.pk]),
        {"check_answers": "confirmed", "reason": "Evidence is sufficient"},
    )
    assert response.url == detail
    assert messages_of(response)[-1] == "Requirement (a) has been accepted."
    obligation = reread(obligation_a)
    assert (obligation.state, obligation.met_on) == (ObligationState.MET, today)
    row = obligation.history.latest()
    assert (row.history_user, row.state) == (official, ObligationState.MET)
    log = TransitionLog.objects.order_by("-pk").first()
    assert (log.transition, log.object_id, log.by) == ("accept", obligation.pk, official)
    submissions = list(requirement_a.submissions.order_by("submitted_at", "id"))
    assert [s.decision for s in submissions] == [SubmissionDecision.RETURNED, SubmissionDecision.ACCEPTED]
    assert [s.submitted_by for s in submissions] == [powys_officer, powys_officer]
    assert submissions[1].decided_by == official
    assert sorted(f.original_name for f in submissions[1].files.all()) == ["letter.pdf", "minutes.pdf"]
    page = client.get(detail).content.decode()
    assert f"Met on {today.day} {today:%B %Y}" in words(page)
    assert "Submit evidence" not in page and "Resubmit evidence" not in page

    history = client.get(
        reverse("intervention:requirement_history", args=[requirement_a.pk])
    ).content.decode()
    assert "Send the signed appointment letter." in history and "Evidence is sufficient" in history
    assert str(official) in history and str(powys_officer) in history


def test_return_without_a_reason_is_refused_and_nothing_is_written(
    client, official, powys_officer, requirement_a, obligation_a
):
    _submit(requirement_a, powys_officer)
    client.force_login(official)
    before = snapshot()
    response = client.post(
        reverse("intervention:requirement_return", args=[requirement_a.pk]), {"reason": " "}
    )
    assert response.status_code == 200
    assert error_summary(response) == {"Enter the reason": "id_reason"}
    assert changed_tables(before) == []
    assert reread(obligation_a).state == ObligationState.SUBMITTED


def test_accept_after_someone_returned_it_says_so(
    client, official, powys_officer, requirement_a, obligation_a
):
    _submit(requirement_a, powys_officer)
    url = reverse("intervention:requirement_accept", args=[requirement_a.pk])
    client.force_login(official)
    assert client.get(url).status_code == 200  # the first tab shows the accept page
    colleague = UserFactory(username="second-official", official=True)
    services.requirement_return(requirement=requirement_a, by=colleague, reason="Not enough")
    before = audit_rows()

    response = client.post(url, {"check_answers": "confirmed", "reason": "Looks fine"})

    assert response.status_code == 302
    assert messages_of(response)[-1] == "This cannot be done while it is returned."
    assert reread(obligation_a).state == ObligationState.RETURNED
    assert audit_rows() == before


def test_a_race_lost_at_the_database_says_someone_else_acted(
    client, official, powys_officer, requirement_a, monkeypatch
):
    _submit(requirement_a, powys_officer)

    def lose_race(**kwargs):
        raise fsm.ConcurrentTransition(CONCURRENT_CHANGE_MESSAGE)

    monkeypatch.setattr(services, "requirement_accept", lose_race)
    client.force_login(official)
    response = client.post(
        reverse("intervention:requirement_accept", args=[requirement_a.pk]),
        {
            "check_answers": "confirmed",
        },
    )
    assert response.status_code == 302
    assert messages_of(response)[-1].startswith("Someone else changed this at the same time")


def test_breach_only_for_a_continuing_condition(client, official, issued_notice):
    client.force_login(official)
    a = issued_notice.requirements.get(letter="a")
    response = client.get(reverse("intervention:requirement_breach", args=[a.pk]))
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Only a continuing condition can be breached."

    g = issued_notice.requirements.get(letter="g")
    response = client.post(
        reverse("intervention:requirement_breach", args=[g.pk]), {"reason": "A new directorate was created."}
    )
    assert response.status_code == 302
    obligation = g.obligations.get()
    assert (obligation.state, obligation.breached_on) == (ObligationState.BREACHED, timezone.localdate())
    assert obligation.settled_reason == "A new directorate was created."
    assert obligation.history.latest().history_user == official
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Overdue" in row_of(page, "(g)</a> Requirement g")  # a breach is shown as overdue


def test_official_withdraws_a_requirement(client, official, issued_notice, requirement_a, obligation_a):
    client.force_login(official)
    detail = client.get(reverse("intervention:requirement_detail", args=[requirement_a.pk])).content.decode()
    assert "Withdraw requirement" in detail
    response = client.post(
        reverse("intervention:requirement_withdraw", args=[requirement_a.pk]), {"reason": "Superseded."}
    )
    assert messages_of(response)[-1] == "Requirement (a) has been withdrawn."
    obligation = reread(obligation_a)
    assert (obligation.state, obligation.not_required_on) == (
        ObligationState.NOT_REQUIRED,
        timezone.localdate(),
    )
    assert obligation.history.latest().history_user == official
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Not required" in row_of(page, "(a)</a> Requirement a")


def test_the_requirement_history_shows_who_settled_it_and_why(client, official, issued_notice):
    """A withdrawal or a breach is a change to the requirement: its history page names who and why."""
    g = issued_notice.requirements.get(letter="g")
    services.requirement_record_breach(requirement=g, by=official, reason="A new directorate was created.")
    client.force_login(official)
    page = client.get(reverse("intervention:requirement_history", args=[g.pk])).content.decode()
    assert "A new directorate was created." in page
    assert "Record a breach" in page


# The Ministers' decisions on the notice ----------------------------------------------------

NOT_SETTLED = (
    "Every obligation of the council must be met or no longer required first, and at least one "
    "met (Board reports not yet due are released when the notice closes)."
)


def test_close_as_complied_before_everything_is_settled_says_why(client, official, issued_notice):
    client.force_login(official)
    url = reverse("intervention:notice_close", args=[issued_notice.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert messages_of(response)[-1] == NOT_SETTLED
    before = audit_rows()
    response = client.post(url, {"check_answers": "confirmed", "reason": "All done"})
    assert response.status_code == 302
    assert messages_of(response)[-1] == NOT_SETTLED
    assert reread(issued_notice).state == NoticeState.ISSUED
    assert audit_rows() == before


def test_close_as_complied_waits_for_the_plans_agreement(client, official, casework, issued_notice):
    """Evidence accepted, the plan sent and every report in: the agreement with the Board is still owed."""
    for letter in "afg":
        casework.requirement(issued_notice, ObligationState.MET, letter=letter)
    casework.plan(issued_notice, PLAN_SUBMITTED)
    for report in issued_notice.board_reports.all():
        services.board_report_submit(
            report=report, by=casework.officer, on=datetime.date(2018, 2, 1), summary="Report"
        )
    client.force_login(official)
    response = client.post(
        reverse("intervention:notice_close", args=[issued_notice.pk]),
        {"check_answers": "confirmed", "reason": "Done"},
    )
    assert messages_of(response)[-1] == NOT_SETTLED
    assert reread(issued_notice).state == NoticeState.ISSUED


def test_close_as_complied_once_everything_the_council_owes_is_settled(
    client, official, casework, issued_notice
):
    """Board reports not yet due do not hold the closure up: they are released; the Ministers' duties stay."""
    casework.settle_everything(issued_notice)
    next_month = add_months(timezone.localdate().replace(day=1), 1)
    services.notice_change_board_report_schedule(
        notice=issued_notice, by=official, first_month=next_month, count=1, reason="One more report."
    )
    not_due = issued_notice.obligations.get(board_report__month=next_month)
    assert not_due.state == ObligationState.OPEN
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert reverse("intervention:notice_close", args=[issued_notice.pk]) in page

    response = client.post(
        reverse("intervention:notice_close", args=[issued_notice.pk]),
        {"check_answers": "confirmed", "reason": "Every action taken."},
    )
    assert messages_of(response)[-1] == "The notice has been closed as complied."
    notice = reread(issued_notice)
    assert (notice.state, notice.ended_on) == (NoticeState.COMPLIED, timezone.localdate())
    row = notice.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        official,
        "close_as_complied: Every action taken.",
    )
    not_due = reread(not_due)
    assert not_due.state == ObligationState.NOT_REQUIRED
    assert not_due.settled_reason.startswith("The notice was closed as complied on")
    assert {o.state for o in issued_notice.obligations.filter(owner=Owner.MINISTERS)} == {
        ObligationState.OPEN
    }
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert (
        reverse("intervention:obligation_record_done", args=[duty(notice, ObligationKind.LAYING).pk]) in page
    )


def test_withdrawing_the_notice_releases_what_the_council_owes_but_not_the_ministers_duties(
    client, official, issued_notice
):
    client.force_login(official)
    data = {"reason": "The council did not act.", **date_data("on", datetime.date(2018, 1, 19))}
    response = client.post(reverse("intervention:notice_withdraw", args=[issued_notice.pk]), data)
    assert response.status_code == 302
    council = issued_notice.obligations.filter(owner=Owner.COUNCIL)
    assert {o.state for o in council} == {ObligationState.NOT_REQUIRED}
    assert {o.state for o in issued_notice.obligations.filter(owner=Owner.MINISTERS)} == {
        ObligationState.OPEN
    }
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Not required" in row_of(page, "(f)</a> Requirement f")
    assert "Overdue" in row_of(page, "Lay a copy of the notice before the National Assembly for Wales")


def test_withdraw_needs_a_reason_then_withdraws(client, official, issued_notice):
    client.force_login(official)
    url = reverse("intervention:notice_withdraw", args=[issued_notice.pk])
    before = snapshot()
    assert error_summary(client.post(url, {"reason": ""})) == {"Enter the reason": "id_reason"}
    assert changed_tables(before) == []
    response = client.post(url, {"reason": "Superseded by a follow-up notice."})
    assert messages_of(response)[-1] == "The notice has been withdrawn."
    notice = reread(issued_notice)
    assert notice.state == NoticeState.WITHDRAWN
    assert notice.closed_reason == "Superseded by a follow-up notice."


# Recording that something owed was done ----------------------------------------------------


def test_record_laying_with_a_date(client, official, issued_notice):
    laying = duty(issued_notice, ObligationKind.LAYING)
    url = reverse("intervention:notice_record_laying", args=[issued_notice.pk])
    client.force_login(official)
    form = client.get(url).content.decode()
    assert "Record the laying of the notice" in form
    assert "due by Tuesday 7 November 2017 (21 calendar days after 17 October 2017)" in form

    response = client.post(
        url,
        {
            "check_answers": "confirmed",
            "when": "date",
            **date_data("on", datetime.date(2017, 10, 30)),
            "source": "Laid paper 123",
        },
    )
    assert response.status_code == 302
    # The top of the notice page, where the banner saying what happened takes focus.
    assert response.url == reverse("intervention:notice_detail", args=[issued_notice.pk])
    assert messages_of(response)[-1] == f"Recorded as done: {laying.label}."
    laying = reread(laying)
    assert (laying.state, laying.met_on, laying.source) == (
        ObligationState.MET,
        datetime.date(2017, 10, 30),
        "Laid paper 123",
    )
    row = laying.history.latest()
    assert (row.history_user, row.history_change_reason) == (official, "meet: Laid paper 123")
    log = TransitionLog.objects.order_by("-pk").first()
    assert (log.transition, log.object_id, log.occurred_on) == (
        "meet",
        laying.pk,
        datetime.date(2017, 10, 30),
    )
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    shown = row_of(page, "Lay a copy of the notice before the National Assembly for Wales")
    assert "Met on 30 October 2017" in shown and "Source: Laid paper 123" in shown
    assert "Record as done" not in shown
    # Once recorded, the page is not offered again.
    again = client.get(url)
    assert again.status_code == 302 and messages_of(again)[-1] == "This cannot be done while it is met."


def test_record_the_report_after_its_due_date_is_met_late(client, official, issued_notice):
    client.force_login(official)
    url = reverse("intervention:notice_record_report", args=[issued_notice.pk])
    form = words(client.get(url).content.decode())
    assert "Record the report to the legislature" in form
    assert "due by Monday 15 January 2018 (90 calendar days after 17 October 2017)" in form
    response = client.post(
        url,
        {
            "check_answers": "confirmed",
            "when": "date",
            **date_data("on", datetime.date(2018, 1, 17)),
            "source": "Written statement",
        },
    )
    assert response.status_code == 302
    report = duty(issued_notice, ObligationKind.LEGISLATURE_REPORT)
    assert (report.state, report.met_on) == (ObligationState.MET, datetime.date(2018, 1, 17))
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    shown = row_of(page, "Report to the National Assembly for Wales on the council")
    assert "Met late on 17 January 2018, 2 working days late" in shown


def test_record_done_with_the_date_not_evidenced_needs_a_source_and_is_never_overdue(
    client, official, issued_notice
):
    report = duty(issued_notice, ObligationKind.LEGISLATURE_REPORT)
    client.force_login(official)
    response = client.post(
        reverse("intervention:obligation_record_done", args=[report.pk]),
        {
            "check_answers": "confirmed",
            "when": "not_evidenced",
            **date_data("done_by", datetime.date(2018, 1, 31)),
            "source": "Cabinet statement, 31 January 2018",
        },
    )
    assert response.status_code == 302
    report = reread(report)
    assert (report.state, report.met_on, report.done_by, report.source) == (
        ObligationState.NOT_EVIDENCED,
        None,
        datetime.date(2018, 1, 31),
        "Cabinet statement, 31 January 2018",
    )
    assert report.history.latest().history_user == official
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    shown = row_of(page, "Report to the National Assembly for Wales on the council")
    assert (
        "Done, date not evidenced the date is not on record; done by 31 January 2018 at the latest" in shown
    )
    assert "Source: Cabinet statement, 31 January 2018" in shown
    assert "Overdue" not in shown and "Met" not in shown.replace("Met late", "")


def test_not_evidenced_past_its_due_date_claims_no_day_it_was_done_by(client, official, issued_notice):
    laying = duty(issued_notice, ObligationKind.LAYING)  # due 7 November 2017
    client.force_login(official)
    client.post(
        reverse("intervention:obligation_record_done", args=[laying.pk]),
        {"check_answers": "confirmed", "when": "not_evidenced", "source": "Taken over from the paper file"},
    )
    laying = reread(laying)
    assert (laying.state, laying.done_by) == (ObligationState.NOT_EVIDENCED, None)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    row = row_of(page, "Lay a copy of the notice")
    assert "Done, date not evidenced" in row and "the date is not on record" in row
    assert "at the latest" not in row


def test_not_evidenced_with_no_due_date_is_done_by_the_day_it_was_recorded(client, official, obligation_a):
    client.force_login(official)
    client.post(
        reverse("intervention:obligation_record_done", args=[obligation_a.pk]),
        {"check_answers": "confirmed", "when": "not_evidenced", "source": "Taken over from the paper file"},
    )
    obligation_a = reread(obligation_a)
    # Known done by today, so it is never chased again.
    assert (obligation_a.state, obligation_a.done_by) == (ObligationState.NOT_EVIDENCED, timezone.localdate())


def test_an_official_records_a_council_document_as_done(client, official, issued_notice):
    """For a case taken over from before the tracker: the November Board report, from the paper file."""
    report = first_board_report(issued_notice)
    client.force_login(official)
    response = client.post(
        reverse("intervention:obligation_record_done", args=[report.pk]),
        {
            "check_answers": "confirmed",
            "when": "date",
            **date_data("on", datetime.date(2017, 11, 29)),
            "source": "Board minutes",
        },
    )
    assert response.url == reverse("intervention:notice_detail", args=[issued_notice.pk])
    report = reread(report)
    assert (report.state, report.met_on) == (ObligationState.MET, datetime.date(2017, 11, 29))
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Met on 29 November 2017" in row_of(page, "Improvement Board report for November 2017")


NEXT_YEAR = str(datetime.date.today().year + 1)
OWED_FROM = "The date cannot be before 17 October 2017, when it became owed."


@pytest.mark.parametrize(
    "data, errors",
    [
        ({"source": "x"}, {"Select whether you can give the date it was done": "id_when_0"}),
        ({"when": "date", "source": "x"}, {"Enter the date it was done": "id_on_0"}),
        (
            {"when": "date", "on_0": "30", "on_1": "10", "on_2": "2017"},
            {"Enter where this is recorded": "id_source"},
        ),
        (
            {"when": "date", "on_0": "30", "on_1": "10", "on_2": "2017", "source": "   "},
            {"Enter where this is recorded": "id_source"},
        ),
        (
            {"when": "date", "on_0": "1", "on_1": "1", "on_2": NEXT_YEAR, "source": "x"},
            {"Date it was done must be today or in the past": "id_on_0"},
        ),
        (
            {"when": "date", "on_0": "31", "on_1": "2", "on_2": "2018", "source": "x"},
            {"Date it was done must be a real date": "id_on_0"},
        ),
        (
            {"when": "date", "on_0": "1", "on_1": "10", "on_2": "2017", "source": "x"},
            {OWED_FROM: "id_on_0"},
        ),
        ({"when": "not_evidenced"}, {"Enter where this is recorded": "id_source"}),
        (
            {
                "when": "not_evidenced",
                "done_by_0": "1",
                "done_by_1": "1",
                "done_by_2": NEXT_YEAR,
                "source": "x",
            },
            {"Known to have been done by must be today or in the past": "id_done_by_0"},
        ),
        (
            {
                "when": "not_evidenced",
                "done_by_0": "1",
                "done_by_1": "10",
                "done_by_2": "2017",
                "source": "x",
            },
            {OWED_FROM: "id_done_by_0"},
        ),
    ],
    ids=[
        "no-when",
        "no-date",
        "no-source",
        "blank-source",
        "future-date",
        "unreal-date",
        "before-owed",
        "not-evidenced-no-source",
        "done-by-future",
        "done-by-before-owed",
    ],
)
def test_record_done_with_bad_input_links_each_error_to_its_field(
    client, official, issued_notice, data, errors
):
    laying = duty(issued_notice, ObligationKind.LAYING)
    client.force_login(official)
    before = snapshot()
    response = client.post(
        reverse("intervention:obligation_record_done", args=[laying.pk]),
        {"check_answers": "confirmed", **data},
    )
    assert response.status_code == 200
    assert error_summary(response) == errors
    assert changed_tables(before) == []
    assert reread(laying).state == ObligationState.OPEN


def test_the_ministers_duties_do_not_apply_to_an_addendum_unless_recorded(client, official, issued_notice):
    addendum = _issued_addendum(issued_notice, official)
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[addendum.pk])).content.decode()
    assert "The Ministers' duties under section 151(3) do not apply to this addendum" in page
    assert not addendum.obligations.filter(owner=Owner.MINISTERS).exists()
    for name in ["notice_record_laying", "notice_record_report"]:
        assert client.get(reverse(f"intervention:{name}", args=[addendum.pk])).status_code == 404, name


def _issued_addendum(notice, official):
    """An addendum that only rewords requirement (f) of `notice`, given on 1 November 2017."""
    addendum = services.notice_draft(
        case=notice.case,
        by=official,
        title="Addendum to the warning notice",
        kind=NoticeKind.ADDENDUM,
        parent=notice,
        minded_to="Intervene more directly.",
    )
    services.variation_set(
        addendum=addendum,
        by=official,
        requirement=notice.requirements.get(letter="f"),
        action=VariationAction.AMEND,
        new_text="Requirement f, reworded",
        reason="Clearer.",
    )
    return services.notice_issue(notice=addendum, by=official, on=datetime.date(2017, 11, 1))


# Extending the compliance period -------------------------------------------------------------

EXTEND = {
    **date_data("ends_on", datetime.date(2017, 11, 30)),
    "decided_by": "Minister for Social Services and Public Health",
    **date_data("decided_on", datetime.date(2017, 11, 10)),
    "reason": "The council asked for more time to consult the Board.",
}


def test_extend_the_compliance_period_moves_what_is_still_owed(client, official, casework, issued_notice):
    casework.plan(issued_notice, PLAN_SUBMITTED)  # sent on 13 November: met against the old date
    f = issued_notice.requirements.get(letter="f").obligations.get()
    url = reverse("intervention:notice_extend", args=[issued_notice.pk])
    client.force_login(official)
    form = client.get(url).content.decode()
    assert (
        "The compliance period ends on Tuesday 14 November 2017 (20 working days after 17 October 2017)"
        in form
    )

    response = client.post(url, EXTEND)
    assert response.status_code == 302
    assert response.url == reverse("intervention:notice_detail", args=[issued_notice.pk])
    assert messages_of(response)[-1] == (
        "The compliance period has been extended, and what is still owed by its end moved."
    )
    notice = reread(issued_notice)
    assert (notice.compliance_ends_on, notice.compliance_extended) == (datetime.date(2017, 11, 30), True)
    assert "Minister for Social Services and Public Health" in notice.compliance_basis
    assert notice.history.latest().history_user == official
    f = reread(f)
    assert (f.due_on, f.previous_due_on) == (datetime.date(2017, 11, 30), datetime.date(2017, 11, 14))
    assert "The council asked for more time to consult the Board." in f.due_change_reason
    assert f.history.latest().history_user == official
    plan = issued_notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    assert (plan.state, plan.due_on, plan.previous_due_on) == (
        ObligationState.MET,
        datetime.date(2017, 11, 14),
        None,
    )

    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    shown = row_of(page, "(f)</a> Requirement f")
    assert "Thursday 30 November 2017" in shown
    assert "Moved from Tuesday 14 November 2017 to Thursday 30 November 2017 because" in shown
    assert "Met on 13 November 2017" in words(page.split('id="improvement-plan"')[1].split("</dl>")[0])


@pytest.mark.parametrize(
    "changes, errors",
    [
        (
            dict.fromkeys(EXTEND, ""),
            {
                "Enter the new end of the compliance period": "id_ends_on_0",
                "Enter who decided to extend the compliance period": "id_decided_by",
                "Enter the date of the decision": "id_decided_on_0",
                "Enter why the compliance period is being extended": "id_reason",
            },
        ),
        (
            date_data("ends_on", datetime.date(2017, 11, 14)),
            {"The new end must be after the present end, 14 November 2017.": "id_ends_on_0"},
        ),
        (
            date_data("decided_on", datetime.date(datetime.date.today().year + 1, 1, 1)),
            {"Date of the decision must be today or in the past": "id_decided_on_0"},
        ),
        (
            date_data("decided_on", datetime.date(2017, 10, 1)),
            {"The date cannot be before the notice was given.": "id_decided_on_0"},
        ),
        (
            date_data("ends_on", datetime.date(2150, 1, 1)),
            {
                "The calendar does not know the bank holidays of 2150: it covers 1872 to 2100 and any "
                "year an administrator has confirmed, so a date that needs 2150 cannot be worked out.": (
                    "id_ends_on_0"
                )
            },
        ),
    ],
    ids=["nothing", "not-after-present-end", "decided-in-future", "decided-before-given", "unknown-year"],
)
def test_extend_with_bad_input_links_each_error_to_its_field(
    client, official, issued_notice, changes, errors
):
    client.force_login(official)
    before = snapshot()
    response = client.post(reverse("intervention:notice_extend", args=[issued_notice.pk]), EXTEND | changes)
    assert response.status_code == 200
    assert error_summary(response) == errors
    assert changed_tables(before) == []


def test_a_notice_with_no_compliance_period_cannot_be_extended(client, official, issued_notice):
    addendum = _issued_addendum(issued_notice, official)
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[addendum.pk])).content.decode()
    assert reverse("intervention:notice_extend", args=[addendum.pk]) not in page
    before = snapshot()
    response = client.get(reverse("intervention:notice_extend", args=[addendum.pk]))
    assert response.status_code == 302
    assert messages_of(response)[-1] == "The notice sets no compliance period, so there is none to extend."
    response = client.post(reverse("intervention:notice_extend", args=[addendum.pk]), EXTEND)
    assert messages_of(response)[-1] == "The notice sets no compliance period, so there is none to extend."
    assert changed_tables(before) == []


# Changing the Board report schedule -----------------------------------------------------------


def _schedule(client, notice, data):
    return client.post(
        reverse("intervention:notice_board_schedule", args=[notice.pk]),
        {"reason": "The Board changed how often it meets.", **data},
    )


def test_a_new_schedule_adds_months_and_keeps_what_was_sent(client, official, casework, issued_notice):
    casework.board_report(issued_notice, submitted=True)  # November 2017, sent on 30 November
    this_month = timezone.localdate().replace(day=1)
    client.force_login(official)
    response = _schedule(
        client, issued_notice, {"schedule": "count", **date_data("first_month", this_month), "count": "3"}
    )
    assert response.status_code == 302
    assert messages_of(response)[-1] == "The Board report schedule has been changed."
    notice = reread(issued_notice)
    assert (notice.board_reports_from, notice.board_reports_count, notice.board_reports_until_end) == (
        this_month,
        3,
        False,
    )
    reports = {
        o.board_report.month: o
        for o in issued_notice.obligations.filter(kind=ObligationKind.BOARD_REPORT).select_related(
            "board_report"
        )
    }
    new_months = [add_months(this_month, n) for n in range(3)]
    first_schedule = [datetime.date(2017, 11, 1), datetime.date(2017, 12, 1), datetime.date(2018, 1, 1)]
    assert sorted(reports) == first_schedule + new_months
    assert reports[datetime.date(2017, 11, 1)].state == ObligationState.MET  # what was sent stays
    assert reports[datetime.date(2017, 12, 1)].state == ObligationState.NOT_REQUIRED  # no longer named
    last = reports[new_months[-1]]
    assert (last.state, last.opened_on) == (ObligationState.OPEN, timezone.localdate())
    assert last.due_on.month == new_months[-1].month and last.due_on > new_months[-1]
    assert last.history.latest().history_user == official
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert f"3 monthly reports from {format_month(this_month)}, as the notice sets." in page
    assert "Met on 30 November 2017" in row_of(page, "Improvement Board report for November 2017")


def test_a_schedule_naming_months_already_over_is_refused(client, official, issued_notice):
    client.force_login(official)
    before = snapshot()
    response = _schedule(
        client,
        issued_notice,
        {"schedule": "count", **date_data("first_month", datetime.date(2017, 12, 1)), "count": "3"},
    )
    assert response.status_code == 200
    assert error_summary(response) == {
        "The report for February 2018 would be owed only after its month had ended: start the schedule "
        "from a month that has not ended.": "id_first_month_0"
    }
    assert changed_tables(before) == []


def test_a_shorter_schedule_releases_the_months_it_no_longer_names(client, official, issued_notice):
    client.force_login(official)
    _schedule(
        client,
        issued_notice,
        {"schedule": "count", **date_data("first_month", datetime.date(2017, 11, 1)), "count": "1"},
    )
    states = dict(
        issued_notice.obligations.filter(kind=ObligationKind.BOARD_REPORT).values_list(
            "board_report__month", "state"
        )
    )
    assert states == {
        datetime.date(2017, 11, 1): ObligationState.OPEN,
        datetime.date(2017, 12, 1): ObligationState.NOT_REQUIRED,
        datetime.date(2018, 1, 1): ObligationState.NOT_REQUIRED,
    }
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    december = row_of(page, "Improvement Board report for December 2017")
    assert "Not required" in december and "The Board changed how often it meets." in december


def test_a_schedule_until_the_notice_ends_owes_each_month_as_it_begins(client, official, issued_notice):
    this_month = timezone.localdate().replace(day=1)
    client.force_login(official)
    _schedule(client, issued_notice, {"schedule": "until_end", **date_data("first_month", this_month)})
    notice = reread(issued_notice)
    assert (notice.board_reports_from, notice.board_reports_count, notice.board_reports_until_end) == (
        this_month,
        0,
        True,
    )
    open_months = issued_notice.obligations.filter(
        kind=ObligationKind.BOARD_REPORT, state=ObligationState.OPEN
    ).values_list("board_report__month", flat=True)
    assert list(open_months) == [this_month]
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert f"Monthly from {this_month:%B %Y} until the notice ends, as the notice sets." in page


def test_no_schedule_leaves_the_reports_owed_with_no_date(client, official, issued_notice):
    client.force_login(official)
    _schedule(client, issued_notice, {"schedule": "none"})
    notice = reread(issued_notice)
    assert (notice.board_reports_from, notice.board_reports_count) == (None, 0)
    reports = issued_notice.obligations.filter(kind=ObligationKind.BOARD_REPORT)
    assert {o.state for o in reports.filter(board_report__isnull=False)} == {ObligationState.NOT_REQUIRED}
    placeholder = reports.get(board_report__isnull=True)
    assert (placeholder.state, placeholder.due_on) == (ObligationState.OPEN, None)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "The notice sets no schedule for Improvement Board reports, so none is expected on a date." in page
    assert "No date set in the notice" in row_of(page, "Monthly Improvement Board reports: no schedule set")


@pytest.mark.parametrize(
    "data, errors",
    [
        (
            {"reason": ""},
            {
                "Select the Board report schedule": "id_schedule_0",
                "Enter why the Board report schedule is changing": "id_reason",
            },
        ),
        ({"schedule": "count", "count": "2"}, {"Enter the month of the first report": "id_first_month_0"}),
        ({"schedule": "until_end"}, {"Enter the month of the first report": "id_first_month_0"}),
        (
            {"schedule": "count", **date_data("first_month", datetime.date(2017, 12, 1))},
            {"Enter the number of monthly reports": "id_count"},
        ),
        (
            {"schedule": "count", **date_data("first_month", datetime.date(2017, 12, 1)), "count": "0"},
            {"The number of reports must be 1 or more": "id_count"},
        ),
        (
            {"schedule": "count", **date_data("first_month", datetime.date(2017, 12, 1)), "count": "two"},
            {"Enter the number of reports as a whole number, for example 6": "id_count"},
        ),
        (
            {
                "schedule": "count",
                "first_month_0": "1",
                "first_month_1": "13",
                "first_month_2": "2017",
                "count": "2",
            },
            {"Month of the first report must be a real date": "id_first_month_0"},
        ),
        (
            {"schedule": "count", **date_data("first_month", datetime.date(2150, 1, 1)), "count": "2"},
            {
                "The calendar does not know the bank holidays of 2150: it covers 1872 to 2100 and any "
                "year an administrator has confirmed, so a date that needs 2150 cannot be worked out.": (
                    "id_first_month_0"
                )
            },
        ),
        (
            # As many as a draft may name, no more.
            {"schedule": "count", **date_data("first_month", datetime.date(2017, 12, 1)), "count": "37"},
            {"The number of reports must be 36 or fewer": "id_count"},
        ),
    ],
    ids=[
        "nothing",
        "count-no-month",
        "until-end-no-month",
        "count-no-number",
        "count-zero",
        "count-not-a-number",
        "unreal-month",
        "unknown-year",
        "too-many",
    ],
)
def test_board_schedule_with_bad_input_links_each_error_to_its_field(
    client, official, issued_notice, data, errors
):
    client.force_login(official)
    before = snapshot()
    response = _schedule(client, issued_notice, data)
    assert response.status_code == 200
    assert error_summary(response) == errors
    assert changed_tables(before) == []


# The improvement plan and Board reports ----------------------------------------------------


def test_plan_submit_return_resubmit_agree(client, official, powys_officer, issued_notice):
    plan = issued_notice.improvement_plan
    owed = issued_notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    agreement = issued_notice.obligations.get(kind=ObligationKind.PLAN_AGREEMENT)
    submit = reverse("intervention:plan_submit", args=[plan.pk])
    client.force_login(powys_officer)
    before = snapshot()
    response = client.post(submit, {"check_answers": "confirmed", "on_0": "13", "on_1": "11", "on_2": "2017"})
    assert error_summary(response) == {"Enter a summary": "id_summary"}
    assert changed_tables(before) == []
    response = client.post(
        submit,
        {
            "check_answers": "confirmed",
            "on_0": "13",
            "on_1": "11",
            "on_2": "2017",
            "summary": "Plan v1",
            "document_reference": "P1",
        },
    )
    assert response.url == reverse("intervention:notice_detail", args=[plan.notice_id])
    owed = reread(owed)
    assert (owed.state, owed.met_on, owed.source) == (ObligationState.MET, datetime.date(2017, 11, 13), "P1")
    assert reread(plan).summary == "Plan v1"

    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert reverse("intervention:plan_agree", args=[plan.pk]) in page
    client.post(
        reverse("intervention:plan_return", args=[plan.pk]),
        {"check_answers": "confirmed", "reason": "Add timescales."},
    )
    owed = reread(owed)
    assert (owed.state, owed.met_on) == (ObligationState.OPEN, None)
    assert owed.history.latest().history_user == official
    # Returned after its due date, the plan is overdue again; its agreement cannot be recorded.
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Overdue" in row_of(page, "(d) Requirement d")
    assert reverse("intervention:plan_agree", args=[plan.pk]) not in page

    client.force_login(powys_officer)
    client.post(
        submit,
        {"check_answers": "confirmed", "on_0": "20", "on_1": "11", "on_2": "2017", "summary": "Plan v2"},
    )
    client.force_login(official)
    agree = reverse("intervention:plan_agree", args=[plan.pk])
    before = snapshot()
    response = client.post(agree, {"check_answers": "confirmed", "on_0": "15", "on_1": "11", "on_2": "2017"})
    assert error_summary(response) == {"The plan cannot be agreed before it was submitted.": "id_on_0"}
    assert changed_tables(before) == []
    client.post(agree, {"check_answers": "confirmed", "on_0": "1", "on_1": "12", "on_2": "2017"})
    agreement = reread(agreement)
    assert (agreement.state, agreement.met_on) == (ObligationState.MET, datetime.date(2017, 12, 1))
    assert agreement.history.latest().history_user == official
    assert reread(plan).summary == "Plan v2"
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Met late on 20 November 2017, 4 working days late" in row_of(page, "(d) Requirement d")
    assert "Met on 1 December 2017" in row_of(page, "(e) Requirement e")


def test_board_report_submit(client, powys_officer, issued_notice):
    report = issued_notice.board_reports.order_by("month").first()
    client.force_login(powys_officer)
    response = client.post(
        reverse("intervention:board_report_submit", args=[report.pk]),
        {"on_0": "29", "on_1": "11", "on_2": "2017", "summary": "Board met on 28 November."},
    )
    assert messages_of(response)[-1] == "Your Board report has been sent to Welsh Government."
    assert response.url == reverse("intervention:notice_detail", args=[issued_notice.pk])
    owed = first_board_report(issued_notice)
    assert (owed.state, owed.met_on) == (ObligationState.MET, datetime.date(2017, 11, 29))
    assert owed.history.latest().history_user == powys_officer
    report.refresh_from_db()
    assert report.summary == "Board met on 28 November."
    assert report.history.latest().history_user == powys_officer
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    shown = row_of(page, "Improvement Board report for November 2017")
    assert "Met on 29 November 2017" in shown and "Board met on 28 November." in shown
    again = client.get(reverse("intervention:board_report_submit", args=[report.pk]))
    assert again.status_code == 302


# History -----------------------------------------------------------------------------------


def test_notice_history_credits_each_change(client, official, issued_notice):
    client.force_login(official)
    response = client.get(reverse("intervention:notice_history", args=[issued_notice.pk]))
    entries = response.context["entries"]
    assert entries[0].action == "Issue notice" and entries[0].who == official
    assert "History of" in response.content.decode()


def test_notice_history_names_actions_in_words_not_codes(client, official, draft_notice):
    """The history shows each action's translated label, never the code the services stored."""
    services.notice_update_draft(notice=draft_notice, by=official, reference="WG-1")
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    client.force_login(official)
    response = client.get(reverse("intervention:notice_history", args=[draft_notice.pk]))
    page = response.content.decode()
    actions = [str(e.action) for e in response.context["entries"]]
    assert (actions[:2], actions[-1]) == (["Issue notice", "Draft changed"], "Created")
    assert "Issue notice" in page and "Draft changed" in page
    assert ">Issue<" not in page and "update draft" not in page.lower()


def test_action_labels_prefer_the_transition_then_the_registry_then_the_code():
    assert str(action_label("issue", WarningNotice)) == "Issue notice"
    assert str(action_label("release", Obligation)) == "No longer required"
    assert str(action_label("meet", Obligation)) == "Record as done"
    assert str(action_label("opened")) == "Owed from the day the notice was given"
    assert str(action_label("date moved")) == "Due date moved"
    assert str(action_label("update", Requirement)) == "Changed"
    assert str(action_label("no_such_code")) == "No such code"


# Query budgets -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["official", "powys_officer"])
@pytest.mark.parametrize("count", [5, 500])
def test_notice_list_query_budget(client, people, powys_case, role, count, django_assert_max_num_queries):
    WarningNotice.objects.bulk_create(
        [
            WarningNotice(
                case=powys_case,
                kind="original",
                title=f"Notice {i}",
                state=NoticeState.ISSUED,
                given_on=GIVEN_ON,
            )
            for i in range(count)
        ]
    )
    client.force_login(people[role])
    with django_assert_max_num_queries(7):  # +1: the unread notifications count in the header
        response = client.get(
            reverse("intervention:notice_list"), {"state": NoticeState.ISSUED, "page": 2 if count > 25 else 1}
        )
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count


SKIPPED = [{"date": "2017-10-21", "reason": "Saturday"}, {"date": "2017-12-25", "reason": "Christmas Day"}]


def _add_rows(notice, count):
    """Give the notice `count` more monthly Board reports for (c) and `count` more evidence requirements.

    Every other one is met, so the page shows both owed and settled statuses.
    """
    first = datetime.date(2030, 1, 1)
    c = notice.requirements.get(letter="c")
    reports = BoardReport.objects.bulk_create(
        [BoardReport(notice=notice, month=add_months(first, i)) for i in range(count)]
    )
    requirements = Requirement.objects.bulk_create(
        [
            Requirement(
                notice=notice,
                letter=f"z{i}",
                text="More",
                position=100 + i,
                answered_by=RequirementAnswer.EVIDENCE,
            )
            for i in range(count)
        ]
    )

    def owed(i, **fields):
        met = {"state": ObligationState.MET, "met_on": add_months(first, i)} if i % 2 else {}
        return Obligation(
            notice=notice,
            owner=Owner.COUNCIL,
            opened_on=GIVEN_ON,
            changed_on=GIVEN_ON,
            start_on=GIVEN_ON,
            due_on=add_months(first, i) + datetime.timedelta(days=27),
            basis="Last working day",
            skipped=SKIPPED,
            **met,
            **fields,
        )

    Obligation.objects.bulk_create(
        [
            owed(
                i,
                kind=ObligationKind.BOARD_REPORT,
                requirement=c,
                board_report=report,
                unit=DeadlineUnit.MONTH_END,
            )
            for i, report in enumerate(reports)
        ]
        + [
            owed(
                i,
                kind=ObligationKind.REQUIREMENT,
                requirement=r,
                position=10_000 + i,
                unit=DeadlineUnit.FIXED_DATE,
            )
            for i, r in enumerate(requirements)
        ]
    )


@pytest.mark.parametrize("role", ["official", "powys_officer"])
@pytest.mark.parametrize("count", [5, 500])
def test_notice_detail_query_budget(
    client, people, issued_notice, role, count, django_assert_max_num_queries
):
    _add_rows(issued_notice, count)
    client.force_login(people[role])
    # 17 whatever the rows: was 10 before obligations; the statuses need the calendar (2 queries),
    # and the actions ask the state machines' conditions (some twice: see the report); 18 with the
    # improvement plan's milestones; 20 with why the plan or a report stands returned and the files of
    # the plan and reports (one query each, however many); 21 with the unread notifications count
    # in the header; 22 with the corrections of its recorded facts (one query).
    with django_assert_max_num_queries(22):
        response = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk]))
    assert response.status_code == 200
    assert len(response.context["board_reports"]) == count + 3
    assert len(response.context["requirements"]) == count + 6
    page = response.content.decode()
    assert f"(z{count - 1})" in page and "Met on" in words(page)


@pytest.mark.parametrize("count", [5, 500])
def test_requirement_detail_of_the_board_reports_query_budget(
    client, powys_officer, issued_notice, count, django_assert_max_num_queries
):
    """(c) lists every monthly report that answers it: as many as there are, in the same queries."""
    _add_rows(issued_notice, count)
    c = issued_notice.requirements.get(letter="c")
    client.force_login(powys_officer)
    with django_assert_max_num_queries(9):  # +1: the unread notifications count in the header
        response = client.get(reverse("intervention:requirement_detail", args=[c.pk]))
    assert response.status_code == 200
    assert len(response.context["owed"]) == count + 3


@pytest.mark.parametrize("count", [5, 500])
def test_requirement_detail_query_budget(
    client, official, powys_officer, requirement_a, count, django_assert_max_num_queries
):
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                requirement=requirement_a,
                statement=f"Attempt {i}",
                submitted_by=powys_officer,
                decision=SubmissionDecision.RETURNED,
                decided_by=official,
                decision_reason="More please",
            )
            for i in range(count)
        ]
    )
    EvidenceFile.objects.bulk_create(
        [
            EvidenceFile(
                submission=s,
                file=f"evidence/2017/10/{i}.pdf",
                original_name=f"file {i}.pdf",
                content_type="application/pdf",
                size=100,
                uploaded_by=powys_officer,
            )
            for i, s in enumerate(submissions)
        ]
    )
    client.force_login(official)
    # Was 6; 7 with the obligation it answers, with its status; 8 with the header's unread count.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("intervention:requirement_detail", args=[requirement_a.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("/evidence/") == count
    # Two histories, each paginated (a count, then one page, then the names of what its rows point
    # to): the requirement's, and that of what is owed for it; +1, the header's unread count.
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("intervention:requirement_history", args=[requirement_a.pk])).status_code
            == 200
        )


@pytest.mark.parametrize("count", [5, 500])
def test_requirement_submit_when_returned_query_budget(
    client, official, powys_officer, requirement_a, count, django_assert_max_num_queries
):
    submissions = Submission.objects.bulk_create(
        Submission(
            requirement=requirement_a,
            statement=f"Attempt {i}",
            submitted_by=powys_officer,
            decision=SubmissionDecision.RETURNED,
            decided_by=official,
            decision_reason="More please",
        )
        for i in range(count)
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            submission=s,
            file=f"evidence/2017/10/{i}.pdf",
            original_name=f"file {i}.pdf",
            content_type="application/pdf",
            size=100,
            uploaded_by=powys_officer,
        )
        for i, s in enumerate(submissions)
    )
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Latest go")
    services.requirement_return(requirement=requirement_a, by=official, reason="Send the minutes")
    client.force_login(powys_officer)
    # Was 7; 8 as the obligation is read twice (see the report); 9 with the header's unread count.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("intervention:requirement_submit", args=[requirement_a.pk]))
    assert response.status_code == 200
    assert response.context["latest_return"].reason == "Send the minutes"
    assert "Send the minutes" in response.content.decode()


@pytest.mark.parametrize("count", [5, 500])
def test_notice_start_query_budget(
    client, official, powys, published_inspection, issued_notice, count, django_assert_max_num_queries
):
    """The start page offers the council's open cases and its given notices: as many as there are."""
    cases = [
        CaseFactory(council=powys, service_area=published_inspection.service_area, title=f"Case {i}")
        for i in range(3)
    ]
    cases += list(
        InterventionCase.objects.bulk_create(
            InterventionCase(
                council=powys,
                service_area=published_inspection.service_area,
                title=f"Case {i}",
                opened_on=GIVEN_ON,
            )
            for i in range(3, count)
        )
    )
    WarningNotice.objects.bulk_create(
        WarningNotice(
            case=cases[i % len(cases)],
            kind="original",
            title=f"Given notice {i}",
            state=NoticeState.ISSUED,
            given_on=GIVEN_ON,
        )
        for i in range(count)
    )
    client.force_login(official)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("intervention:notice_start", args=[published_inspection.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Case {count - 1}" in page and f"Given notice {count - 1}" in page


@pytest.mark.parametrize("role", ["official", "powys_officer"])
@pytest.mark.parametrize("count", [5, 500])
def test_escalation_list_query_budget_by_role(
    client, people, powys, role, count, django_assert_max_num_queries
):
    from tests.intervention.test_escalations import build_escalations

    build_escalations(powys, count, [people["official"], people["powys_officer"]])
    client.force_login(people[role])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("intervention:escalation_list"), {"page": 2 if count > 25 else 1})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count


@pytest.mark.parametrize("count", [5, 500])
def test_notice_history_query_budget(client, official, issued_notice, count, django_assert_max_num_queries):
    latest = issued_notice.history.latest()
    History = type(latest)
    fields = {f.attname: getattr(latest, f.attname) for f in History._meta.concrete_fields}
    del fields["history_id"]
    History.objects.bulk_create([History(**{**fields, "reference": f"WG-{i}"}) for i in range(count)])
    client.force_login(official)
    url = reverse("intervention:notice_history", args=[issued_notice.pk])
    # Two histories, each paginated: the notice's, and that of what is owed under it.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    first_page = response.context["entries"]
    assert first_page[0].changes[0].new == f"WG-{count - 1}"
    # Each change is compared with the one before it, even when that one is on the next page.
    oldest_shown = first_page[-1]
    if count > HISTORY_PER_PAGE:
        shown = count - HISTORY_PER_PAGE
        assert [(c.label, c.old, c.new) for c in oldest_shown.changes] == [
            ("Reference", f"WG-{shown - 1}", f"WG-{shown}")
        ]
    last = response.context["page_obj"].paginator.num_pages
    assert last == (issued_notice.history.count() + HISTORY_PER_PAGE - 1) // HISTORY_PER_PAGE
    with django_assert_max_num_queries(14):
        response = client.get(url, {"page": last})
    page = response.content.decode()
    assert response.context["entries"][-1].action == "Created"  # the oldest change, last
    assert f"WG-{count - 1}" not in page or last == 1
    if last > 1:
        assert f"Page {last} of {last}" in page and 'rel="prev"' in page
