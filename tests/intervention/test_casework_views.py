"""Working an issued notice through its pages: who may see and do what, and what each step records."""

import datetime

import django_fsm as fsm
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accounts.audit import CONCURRENT_CHANGE_MESSAGE
from accounts.history import HISTORY_PER_PAGE, action_label
from accounts.models import TransitionLog
from intervention import services
from intervention.choices import (
    BoardReportState,
    DeadlineKind,
    DeadlineUnit,
    InterventionPower,
    InterventionState,
    NoticeState,
    PlanState,
    RequirementState,
    SubmissionDecision,
)
from intervention.deadlines import add_months
from intervention.models import (
    BoardReport,
    Deadline,
    EvidenceFile,
    ImprovementPlan,
    Intervention,
    InterventionCase,
    Requirement,
    Submission,
    WarningNotice,
)
from tests.conftest import GIVEN_ON
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
AUDITED = [WarningNotice, Requirement, Submission, ImprovementPlan, BoardReport, Intervention, EvidenceFile]
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
    "power": InterventionPower.ADVISORY_SERVICES,
    "terms": "Obtain advisory services.",
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


@pytest.fixture
def intervention(issued_notice):
    return Intervention.objects.create(
        notice=issued_notice,
        power=InterventionPower.SPECIFIED_ACTION,
        terms="Appoint an interim director.",
        proposed_on=datetime.date(2018, 1, 19),
    )


def _submit(requirement, officer, statement="Done.", files=()):
    return services.requirement_submit(
        requirement=requirement, by=officer, statement=statement, files=list(files)
    )


def _settle_everything(notice, officer, official):
    """Accept every requirement and agree the plan, through the services."""
    for requirement in notice.requirements.all():
        _submit(requirement, officer)
        services.requirement_accept(requirement=requirement, by=official)
    plan = notice.improvement_plan
    services.plan_submit(plan=plan, by=officer, on=datetime.date(2017, 11, 13), summary="Plan")
    services.plan_agree(
        plan=ImprovementPlan.objects.get(pk=plan.pk), by=official, on=datetime.date(2017, 12, 1)
    )


# Who may see and do what ------------------------------------------------------------------


def _target(name, notice, people):
    """Return the id each page is about, after putting it in a state where the page can be used."""
    officer, official = people["powys_officer"], people["official"]
    a = notice.requirements.get(letter="a")
    if name in {"notice_detail", "notice_history", "notice_record_laying", "notice_record_report"}:
        return notice.pk
    if name in {"notice_withdraw", "notice_escalate"}:
        return notice.pk
    if name == "notice_close":
        _settle_everything(notice, officer, official)
        return notice.pk
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
        plan = notice.improvement_plan
        services.plan_submit(plan=plan, by=officer, on=datetime.date(2017, 11, 13), summary="Plan")
        return plan.pk
    if name == "board_report_submit":
        return notice.board_reports.order_by("month").first().pk
    if name in {"intervention_in_force", "intervention_end"}:
        return notice.interventions.get().pk
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
    ("notice_close", OFFICIALS_ONLY),
    ("notice_withdraw", OFFICIALS_ONLY),
    ("notice_escalate", OFFICIALS_ONLY),
    ("requirement_accept", OFFICIALS_ONLY),
    ("requirement_return", OFFICIALS_ONLY),
    ("requirement_withdraw", OFFICIALS_ONLY),
    ("requirement_breach", OFFICIALS_ONLY),
    ("plan_return", OFFICIALS_ONLY),
    ("plan_agree", OFFICIALS_ONLY),
    ("intervention_in_force", OFFICIALS_ONLY),
    ("intervention_end", OFFICIALS_ONLY),
    ("requirement_submit", COUNCIL_ONLY),
    ("plan_submit", COUNCIL_ONLY),
    ("board_report_submit", COUNCIL_ONLY),
]


def test_each_role_gets_each_page_or_is_refused(client, issued_notice, intervention, people):
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
                response = client.post(url, {**VALID_POST, "files": pdf()})
                assert response.status_code == (405 if name in READ_ONLY else status), (name, role, "POST")
            login(client, None)
            response = client.get(url)
            assert response.status_code == 302, (name, "anonymous")
            assert response.url.startswith(reverse("login"))
            assert client.post(url, VALID_POST).status_code == 302, (name, "anonymous POST")
            assert audit_rows() == before, name
            transaction.set_rollback(True)


def test_cardiff_officer_cannot_reach_powys_pages_by_any_id(client, cardiff_officer, issued_notice):
    client.force_login(cardiff_officer)
    listing = client.get(reverse("intervention:notice_list"))
    assert issued_notice.title not in listing.content.decode()
    assert client.get(reverse("intervention:notice_detail", args=[issued_notice.pk + 999])).status_code == 404


def test_nobody_but_officials_sees_a_draft(client, draft_notice, people):
    url = reverse("intervention:notice_detail", args=[draft_notice.pk])
    for role in ["inspector", "powys_officer", "cardiff_officer", "administrator"]:
        login(client, people[role])
        assert client.get(url).status_code == 404, role


def test_official_sees_a_draft_through_the_drafting_pages(client, official, draft_notice):
    drafting = pytest.importorskip("intervention.drafting.views")
    if not hasattr(drafting, "draft_overview"):
        pytest.skip("the drafting pages do not provide draft_overview yet")
    client.force_login(official)
    assert client.get(reverse("intervention:notice_detail", args=[draft_notice.pk])).status_code == 200


# The notice page ---------------------------------------------------------------------------


def test_notice_page_shows_deadlines_with_weekday_basis_and_skipped_days(client, official, issued_notice):
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Tuesday 14 November 2017" in page
    assert "20 working days after 17 October 2017" in page
    assert '<details class="govuk-details app-deadline-skipped">' in page
    assert "Days not counted:" in page
    assert "Saturday 21 October 2017" in page
    assert "Lay a copy of the notice before the National Assembly for Wales" in page
    assert "Tuesday 7 November 2017" in page
    assert "Overdue" in page
    assert (
        "(a)" in page
        and reverse("intervention:requirement_detail", args=[issued_notice.requirements.get(letter="a").pk])
        in page
    )
    assert "WARNING NOTICE" in page  # the text as issued
    assert reverse("intervention:notice_history", args=[issued_notice.pk]) in page


def test_notice_page_buttons_follow_the_person(client, people, issued_notice):
    url = reverse("intervention:notice_detail", args=[issued_notice.pk])
    plan = issued_notice.improvement_plan
    report = issued_notice.board_reports.order_by("month").first()

    client.force_login(people["official"])
    page = client.get(url).content.decode()
    for name in ["notice_record_laying", "notice_record_report", "notice_escalate", "notice_withdraw"]:
        assert reverse(f"intervention:{name}", args=[issued_notice.pk]) in page
    assert reverse("intervention:notice_close", args=[issued_notice.pk]) not in page
    assert "The notice cannot be closed as complied yet" in page
    assert reverse("intervention:plan_submit", args=[plan.pk]) not in page

    client.force_login(people["powys_officer"])
    page = client.get(url).content.decode()
    assert reverse("intervention:plan_submit", args=[plan.pk]) in page
    assert reverse("intervention:board_report_submit", args=[report.pk]) in page
    assert reverse("intervention:notice_withdraw", args=[issued_notice.pk]) not in page

    client.force_login(people["inspector"])
    page = client.get(url).content.decode()
    assert 'class="govuk-button' not in page.split('id="main-content"')[1].split("</main>")[0]


def test_legislature_is_named_as_it_was_on_the_day(client, official, draft_notice):
    # Given 20 April 2020: laid on 1 May, before the Senedd was renamed on 6 May; report due in July.
    notice = services.notice_issue(notice=draft_notice, by=official, on=datetime.date(2020, 4, 20))
    services.notice_record_laying(notice=notice, by=official, on=datetime.date(2020, 5, 1), reference="NDM1")
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[notice.pk])).content.decode()
    assert "Lay a copy of the notice before the National Assembly for Wales" in page
    assert "Laid on 1 May 2020" in page
    assert "Report to Senedd Cymru on what the council has done" in page


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


def test_requirement_loop_submit_return_resubmit_accept(client, official, powys_officer, requirement_a):
    detail = reverse("intervention:requirement_detail", args=[requirement_a.pk])
    submit = reverse("intervention:requirement_submit", args=[requirement_a.pk])

    client.force_login(powys_officer)
    assert "Submit evidence" in client.get(detail).content.decode()
    response = client.post(
        submit, {"statement": "Interim director appointed.", "files": pdf("appointment.pdf")}
    )
    assert response.status_code == 302 and response.url == detail
    assert "has been sent to Welsh Government" in messages_of(response)[-1]
    requirement_a.refresh_from_db()
    assert requirement_a.state == RequirementState.SUBMITTED

    client.force_login(official)
    page = client.get(detail).content.decode()
    assert "appointment.pdf" in page and "Interim director appointed." in page
    response = client.post(
        reverse("intervention:requirement_return", args=[requirement_a.pk]),
        {"reason": "Send the signed appointment letter."},
    )
    assert response.url == detail
    requirement_a.refresh_from_db()
    assert requirement_a.state == RequirementState.RETURNED
    row = requirement_a.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        official,
        "return_to_council: Send the signed appointment letter.",
    )

    client.force_login(powys_officer)
    page = client.get(detail).content.decode()
    assert "Returned by Welsh Government" in page
    assert "Send the signed appointment letter." in page
    assert "Resubmit evidence" in page
    assert "Send the signed appointment letter." in client.get(submit).content.decode()
    response = client.post(
        submit, {"statement": "Letter attached.", "files": [pdf("letter.pdf"), pdf("minutes.pdf")]}
    )
    assert response.url == detail

    client.force_login(official)
    response = client.post(
        reverse("intervention:requirement_accept", args=[requirement_a.pk]),
        {"reason": "Evidence is sufficient"},
    )
    assert response.url == detail
    assert messages_of(response)[-1] == "Requirement (a) has been accepted."
    requirement_a.refresh_from_db()
    assert requirement_a.state == RequirementState.ACCEPTED
    row = requirement_a.history.latest()
    assert (row.history_user, row.state) == (official, RequirementState.ACCEPTED)
    submissions = list(requirement_a.submissions.order_by("submitted_at", "id"))
    assert [s.decision for s in submissions] == [SubmissionDecision.RETURNED, SubmissionDecision.ACCEPTED]
    assert [s.submitted_by for s in submissions] == [powys_officer, powys_officer]
    assert submissions[1].decided_by == official
    assert sorted(f.original_name for f in submissions[1].files.all()) == ["letter.pdf", "minutes.pdf"]

    history = client.get(
        reverse("intervention:requirement_history", args=[requirement_a.pk])
    ).content.decode()
    assert "Send the signed appointment letter." in history and "Evidence is sufficient" in history
    assert str(official) in history and str(powys_officer) in history


def test_return_without_a_reason_is_refused_and_nothing_is_written(
    client, official, powys_officer, requirement_a
):
    _submit(requirement_a, powys_officer)
    before = audit_rows()
    client.force_login(official)
    response = client.post(
        reverse("intervention:requirement_return", args=[requirement_a.pk]), {"reason": " "}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter the reason" in page
    assert "<title>Error:" in page
    assert audit_rows() == before


def test_accept_after_someone_returned_it_says_so(client, official, powys_officer, requirement_a):
    _submit(requirement_a, powys_officer)
    url = reverse("intervention:requirement_accept", args=[requirement_a.pk])
    client.force_login(official)
    assert client.get(url).status_code == 200  # the first tab shows the accept page
    colleague = UserFactory(username="second-official", official=True)
    services.requirement_return(requirement=requirement_a, by=colleague, reason="Not enough")
    before = audit_rows()

    response = client.post(url, {"reason": "Looks fine"})

    assert response.status_code == 302
    assert messages_of(response)[-1] == "This cannot be done while it is returned."
    requirement_a.refresh_from_db()
    assert requirement_a.state == RequirementState.RETURNED
    assert audit_rows() == before


def test_a_race_lost_at_the_database_says_someone_else_acted(
    client, official, powys_officer, requirement_a, monkeypatch
):
    _submit(requirement_a, powys_officer)

    def lose_race(**kwargs):
        raise fsm.ConcurrentTransition(CONCURRENT_CHANGE_MESSAGE)

    monkeypatch.setattr(services, "requirement_accept", lose_race)
    client.force_login(official)
    response = client.post(reverse("intervention:requirement_accept", args=[requirement_a.pk]), {})
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
    g.refresh_from_db()
    assert g.state == RequirementState.BREACHED
    assert g.history.latest().history_user == official


def test_official_withdraws_a_requirement(client, official, requirement_a):
    client.force_login(official)
    response = client.post(
        reverse("intervention:requirement_withdraw", args=[requirement_a.pk]), {"reason": "Superseded."}
    )
    assert messages_of(response)[-1] == "Requirement (a) has been withdrawn."
    requirement_a.refresh_from_db()
    assert requirement_a.state == RequirementState.WITHDRAWN


# The Ministers' decisions on the notice ----------------------------------------------------


def test_close_as_complied_before_everything_is_settled_says_why(client, official, issued_notice):
    client.force_login(official)
    url = reverse("intervention:notice_close", args=[issued_notice.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Every requirement must be accepted (or withdrawn) first."
    before = audit_rows()
    response = client.post(url, {"reason": "All done"})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Every requirement must be accepted (or withdrawn) first."
    issued_notice.refresh_from_db()
    assert issued_notice.state == NoticeState.ISSUED
    assert audit_rows() == before


def test_close_as_complied_waits_for_the_plan(client, official, powys_officer, issued_notice):
    for requirement in issued_notice.requirements.all():
        _submit(requirement, powys_officer)
        services.requirement_accept(requirement=requirement, by=official)
    client.force_login(official)
    response = client.post(reverse("intervention:notice_close", args=[issued_notice.pk]), {"reason": "Done"})
    assert messages_of(response)[-1] == "The improvement plan must be agreed first."


def test_close_as_complied_once_everything_is_accepted_and_the_plan_agreed(
    client, official, powys_officer, issued_notice
):
    _settle_everything(issued_notice, powys_officer, official)
    client.force_login(official)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert reverse("intervention:notice_close", args=[issued_notice.pk]) in page

    response = client.post(
        reverse("intervention:notice_close", args=[issued_notice.pk]), {"reason": "Every action taken."}
    )
    assert messages_of(response)[-1] == "The notice has been closed as complied."
    issued_notice.refresh_from_db()
    assert issued_notice.state == NoticeState.COMPLIED
    row = issued_notice.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        official,
        "close_as_complied: Every action taken.",
    )


def test_record_laying_and_report(client, official, issued_notice):
    client.force_login(official)
    laying = reverse("intervention:notice_record_laying", args=[issued_notice.pk])
    response = client.post(
        laying, {"on_0": "30", "on_1": "10", "on_2": "2017", "reference": "Laid paper 123"}
    )
    assert response.status_code == 302
    issued_notice.refresh_from_db()
    assert issued_notice.laid_on == datetime.date(2017, 10, 30)
    assert issued_notice.deadlines.get(kind=DeadlineKind.LAYING).met_on == datetime.date(2017, 10, 30)
    assert issued_notice.history.latest().history_user == official
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Laid on 30 October 2017" in page and "Laid paper 123" in page
    # Once recorded, the page is not offered again.
    again = client.get(laying)
    assert again.status_code == 302 and messages_of(again)[-1] == "This has already been recorded."

    response = client.post(
        reverse("intervention:notice_record_report", args=[issued_notice.pk]),
        {"on_0": "15", "on_1": "1", "on_2": "2018", "reference": "Written statement"},
    )
    issued_notice.refresh_from_db()
    assert issued_notice.reported_on == datetime.date(2018, 1, 15)


@pytest.mark.parametrize(
    "data, error",
    [
        (
            {"on_0": "1", "on_1": "10", "on_2": "2017", "reference": "x"},
            "The date cannot be before the notice was given.",
        ),
        (
            {"on_0": "1", "on_1": "1", "on_2": str(datetime.date.today().year + 1), "reference": "x"},
            "The date must be today or in the past",
        ),
        ({"on_0": "31", "on_1": "2", "on_2": "2018", "reference": "x"}, "The date must be a real date"),
        ({"on_0": "30", "on_1": "10", "on_2": "2017", "reference": ""}, "Enter the reference"),
    ],
)
def test_record_laying_with_bad_input_shows_the_error(client, official, issued_notice, data, error):
    before = audit_rows()
    client.force_login(official)
    response = client.post(reverse("intervention:notice_record_laying", args=[issued_notice.pk]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert audit_rows() == before


def test_withdraw_needs_a_reason_then_withdraws(client, official, issued_notice):
    client.force_login(official)
    url = reverse("intervention:notice_withdraw", args=[issued_notice.pk])
    assert "Enter the reason" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "Superseded by a follow-up notice."})
    assert messages_of(response)[-1] == "The notice has been withdrawn."
    issued_notice.refresh_from_db()
    assert issued_notice.state == NoticeState.WITHDRAWN
    assert issued_notice.closed_reason == "Superseded by a follow-up notice."


def test_escalate_then_bring_into_force_and_end(client, official, issued_notice):
    client.force_login(official)
    url = reverse("intervention:notice_escalate", args=[issued_notice.pk])
    page = client.post(url, {"reason": ""}).content.decode()
    for error in [
        "Select the power the Ministers propose to use",
        "Enter the terms of the proposed direction",
        "Enter the date the Ministers decided to intervene",
        "Enter why the notice is being escalated",
    ]:
        assert error in page
    response = client.post(
        url,
        {
            "power": InterventionPower.NOMINEE_PERFORMANCE,
            "terms": "A nominee runs children's services.",
            "nominee": "Another council",
            "on_0": "19",
            "on_1": "1",
            "on_2": "2018",
            "reason": "No improvement plan.",
        },
    )
    assert response.status_code == 302
    issued_notice.refresh_from_db()
    assert issued_notice.state == NoticeState.ESCALATED
    intervention = issued_notice.interventions.get()
    assert (intervention.power, intervention.nominee) == (
        InterventionPower.NOMINEE_PERFORMANCE,
        "Another council",
    )

    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert reverse("intervention:intervention_in_force", args=[intervention.pk]) in page
    client.post(
        reverse("intervention:intervention_in_force", args=[intervention.pk]),
        {"on_0": "1", "on_1": "2", "on_2": "2018"},
    )
    intervention.refresh_from_db()
    assert intervention.state == InterventionState.IN_FORCE
    end = reverse("intervention:intervention_end", args=[intervention.pk])
    assert "Enter the reason" in client.post(end, {"on_0": "1", "on_1": "3", "on_2": "2019"}).content.decode()
    client.post(end, {"on_0": "1", "on_1": "3", "on_2": "2019", "reason": "Improved."})
    intervention.refresh_from_db()
    assert intervention.state == InterventionState.ENDED
    assert intervention.history.latest().history_user == official


# The improvement plan and Board reports ----------------------------------------------------


def test_plan_submit_return_resubmit_agree(client, official, powys_officer, issued_notice):
    plan = issued_notice.improvement_plan
    submit = reverse("intervention:plan_submit", args=[plan.pk])
    client.force_login(powys_officer)
    assert (
        "Enter a summary"
        in client.post(submit, {"on_0": "13", "on_1": "11", "on_2": "2017"}).content.decode()
    )
    response = client.post(
        submit, {"on_0": "13", "on_1": "11", "on_2": "2017", "summary": "Plan v1", "document_reference": "P1"}
    )
    assert response.url.endswith("#improvement-plan")
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED

    client.force_login(official)
    client.post(reverse("intervention:plan_return", args=[plan.pk]), {"reason": "Add timescales."})
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFTING

    client.force_login(powys_officer)
    client.post(submit, {"on_0": "20", "on_1": "11", "on_2": "2017", "summary": "Plan v2"})
    client.force_login(official)
    agree = reverse("intervention:plan_agree", args=[plan.pk])
    assert (
        "The plan cannot be agreed before it was submitted."
        in client.post(agree, {"on_0": "1", "on_1": "11", "on_2": "2017"}).content.decode()
    )
    client.post(agree, {"on_0": "1", "on_1": "12", "on_2": "2017"})
    plan.refresh_from_db()
    assert (plan.state, plan.agreed_on, plan.summary) == (
        PlanState.AGREED,
        datetime.date(2017, 12, 1),
        "Plan v2",
    )
    assert plan.history.latest().history_user == official


def test_board_report_submit(client, powys_officer, issued_notice):
    report = issued_notice.board_reports.order_by("month").first()
    client.force_login(powys_officer)
    response = client.post(
        reverse("intervention:board_report_submit", args=[report.pk]),
        {"on_0": "29", "on_1": "11", "on_2": "2017", "summary": "Board met on 28 November."},
    )
    assert messages_of(response)[-1] == "Your Board report has been sent to Welsh Government."
    report.refresh_from_db()
    assert report.state == BoardReportState.SUBMITTED
    assert report.deadline.met_on == datetime.date(2017, 11, 29)
    assert report.history.latest().history_user == powys_officer
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
    assert str(action_label("withdraw", Requirement)) == "Withdraw requirement"
    assert str(action_label("deadline set on issue")) == "Deadline set when the notice was issued"
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
    with django_assert_max_num_queries(6):
        response = client.get(
            reverse("intervention:notice_list"), {"state": NoticeState.ISSUED, "page": 2 if count > 25 else 1}
        )
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count


def _add_rows(notice, count):
    first = datetime.date(2030, 1, 1)
    skipped = [
        {"date": "2017-10-21", "reason": "Saturday"},
        {"date": "2017-12-25", "reason": "Christmas Day"},
    ]
    deadlines = Deadline.objects.bulk_create(
        [
            Deadline(
                notice=notice,
                kind=DeadlineKind.BOARD_REPORT,
                label=f"Report {i}",
                start_on=GIVEN_ON,
                unit=DeadlineUnit.MONTH_END,
                due_on=add_months(first, i),
                basis="Last working day",
                skipped=skipped,
            )
            for i in range(count)
        ]
    )
    BoardReport.objects.bulk_create(
        [BoardReport(notice=notice, month=add_months(first, i), deadline=d) for i, d in enumerate(deadlines)]
    )
    Requirement.objects.bulk_create(
        [
            Requirement(notice=notice, letter=f"z{i}", text="More", position=100 + i, deadline=deadlines[i])
            for i in range(count)
        ]
    )


@pytest.mark.parametrize("role", ["official", "powys_officer"])
@pytest.mark.parametrize("count", [5, 500])
def test_notice_detail_query_budget(
    client, people, issued_notice, intervention, role, count, django_assert_max_num_queries
):
    _add_rows(issued_notice, count)
    client.force_login(people[role])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk]))
    assert response.status_code == 200
    assert len(response.context["board_reports"]) == count + 3


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
    with django_assert_max_num_queries(6):
        response = client.get(reverse("intervention:requirement_detail", args=[requirement_a.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("/evidence/") == count
    with django_assert_max_num_queries(9):  # the history is paginated: a count, then one page
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
    with django_assert_max_num_queries(7):
        response = client.get(reverse("intervention:requirement_submit", args=[requirement_a.pk]))
    assert response.status_code == 200
    assert response.context["latest_return"].decision_reason == "Send the minutes"
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
    with django_assert_max_num_queries(8):
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
    with django_assert_max_num_queries(8):
        response = client.get(url, {"page": last})
    page = response.content.decode()
    assert response.context["entries"][-1].action == "Created"  # the oldest change, last
    assert f"WG-{count - 1}" not in page or last == 1
    if last > 1:
        assert f"Page {last} of {last}" in page and 'rel="prev"' in page
