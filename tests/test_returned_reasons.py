"""Why Welsh Government returned the council's work, shown wherever the council acts on it.

The reason, who returned it and when are on the notice page, the page that sends the work again,
the council officer's home page and the history pages; never to another council.
"""

import datetime
import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import TransitionLog
from intervention import services
from intervention.casework import returns
from intervention.choices import ObligationKind, ObligationState
from intervention.models import DocumentFile, Obligation
from tests import evidence_files
from tests.factories import add_owed
from tests.workflow import PLAN_SUBMITTED, Casework

pytestmark = pytest.mark.django_db

PLAN_REASON = "The plan has no timescales for the actions in section 3."
EVIDENCE_REASON = "Send the minutes of the meeting that approved the new structure."


def text(response) -> str:
    """The words of the page's main content, tags dropped and spaces collapsed."""
    page = response.content.decode()
    main = page.split('id="main-content"')[1].split("</main>")[0] if 'id="main-content"' in page else page
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))).strip()


def today_long() -> str:
    return f"{timezone.localdate():%-d %B %Y}"


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


@pytest.fixture
def returned_plan(casework, issued_notice, official):
    plan = casework.plan(issued_notice, PLAN_SUBMITTED)
    services.plan_return(plan=plan, by=official, reason=PLAN_REASON)
    return plan


def returned_by(official) -> str:
    """How the pages name who returned it: the person, and their organisation, as they were then."""
    return f"Returned on {today_long()} by {official}, {official.organisation.name}."


# The improvement plan ----------------------------------------------------------------------------


def test_the_plan_s_return_is_recorded_where_the_pages_read_it(returned_plan, official):
    """The return is a move in the transition log; the status stays derived by obligations/status.py."""
    obligation = returned_plan.notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    assert obligation.state == ObligationState.OPEN
    found = returns.latest_return_of(obligation)
    assert found == returns.Returned(
        reason=PLAN_REASON, by=f"{official}, {official.organisation.name}", on=timezone.localdate()
    )


def test_the_notice_page_shows_why_the_plan_was_returned(client, powys_officer, official, returned_plan):
    client.force_login(powys_officer)
    page = text(client.get(reverse("intervention:notice_detail", args=[returned_plan.notice_id])))
    section = page.split("Improvement plan", 1)[1].split("Improvement Board reports")[0]
    assert "Returned by Welsh Government" in section
    assert returned_by(official) in section
    assert PLAN_REASON in section


def test_the_plan_submit_page_says_why_and_asks_for_the_revised_plan(
    client, powys_officer, official, returned_plan
):
    client.force_login(powys_officer)
    response = client.get(reverse("intervention:plan_submit", args=[returned_plan.pk]))
    page = text(response)
    assert "Send the revised improvement plan" in page
    assert "Returned by Welsh Government" in page
    assert returned_by(official) in page and PLAN_REASON in page


def test_the_home_page_lists_the_returned_plan_with_its_reason(
    client, powys_officer, official, returned_plan
):
    client.force_login(powys_officer)
    response = client.get(reverse("home"))
    page = text(response)
    returned_section = page.split("Returned to you by Welsh Government")[1]
    assert "Improvement plan (requirement (d))" in returned_section
    assert returned_by(official) in returned_section and PLAN_REASON in returned_section
    # It links to the page that sends the plan again.
    assert reverse("intervention:plan_submit", args=[returned_plan.pk]) in response.content.decode()


def test_the_notice_history_shows_the_reason(client, powys_officer, returned_plan):
    client.force_login(powys_officer)
    page = text(client.get(reverse("intervention:notice_history", args=[returned_plan.notice_id])))
    assert "Return plan to the council" in page and PLAN_REASON in page


def test_once_sent_again_the_plan_no_longer_stands_returned(client, powys_officer, returned_plan):
    services.plan_submit(
        plan=returned_plan,
        by=powys_officer,
        on=timezone.localdate(),
        summary="Revised, with timescales",
        files=[SimpleUploadedFile("plan v2.pdf", evidence_files.pdf_bytes(), content_type="application/pdf")],
    )
    client.force_login(powys_officer)
    notice_page = text(client.get(reverse("intervention:notice_detail", args=[returned_plan.notice_id])))
    assert "Returned by Welsh Government" not in notice_page
    assert "plan v2.pdf" in notice_page
    home = text(client.get(reverse("home")))
    assert "Returned to you by Welsh Government" not in home and PLAN_REASON not in home
    # The history keeps it.
    history = text(client.get(reverse("intervention:notice_history", args=[returned_plan.notice_id])))
    assert PLAN_REASON in history


def test_another_council_never_sees_the_reason(client, cardiff_officer, returned_plan):
    client.force_login(cardiff_officer)
    for url in (
        reverse("intervention:notice_detail", args=[returned_plan.notice_id]),
        reverse("intervention:notice_history", args=[returned_plan.notice_id]),
        reverse("intervention:plan_submit", args=[returned_plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert PLAN_REASON not in response.content.decode()
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert PLAN_REASON not in home.content.decode()
    assert "Returned to you by Welsh Government" not in home.content.decode()


def test_officials_do_not_get_the_council_s_returned_list(client, official, returned_plan):
    client.force_login(official)
    assert "Returned to you by Welsh Government" not in text(client.get(reverse("home")))


# Evidence for a requirement ----------------------------------------------------------------------


@pytest.fixture
def returned_requirement(requirement_a, powys_officer, official):
    services.requirement_submit(
        requirement=requirement_a, by=powys_officer, statement="New structure agreed."
    )
    services.requirement_return(requirement=requirement_a, by=official, reason=EVIDENCE_REASON)
    return requirement_a


def test_the_home_page_shows_why_evidence_was_returned(client, powys_officer, official, returned_requirement):
    client.force_login(powys_officer)
    response = client.get(reverse("home"))
    section = text(response).split("Returned to you by Welsh Government")[1]
    assert "Requirement (a)" in section
    assert returned_by(official) in section and EVIDENCE_REASON in section
    url = reverse("intervention:requirement_detail", args=[returned_requirement.pk])
    assert url in response.content.decode()


def test_the_notice_page_shows_why_evidence_was_returned(
    client, powys_officer, official, returned_requirement
):
    client.force_login(powys_officer)
    page = text(client.get(reverse("intervention:notice_detail", args=[returned_requirement.notice_id])))
    row = page.split("(a) Requirement a", 1)[1].split("(c)")[0]
    assert returned_by(official) in row and EVIDENCE_REASON in row


@pytest.mark.parametrize("name", ["requirement_detail", "requirement_submit"])
def test_the_requirement_pages_show_who_returned_it_and_why(
    client, powys_officer, official, returned_requirement, name
):
    client.force_login(powys_officer)
    page = text(client.get(reverse(f"intervention:{name}", args=[returned_requirement.pk])))
    assert "Returned by Welsh Government" in page
    assert f"Returned on {today_long()} by {official}." in page and EVIDENCE_REASON in page


def test_the_requirement_history_shows_the_reason(client, powys_officer, returned_requirement):
    client.force_login(powys_officer)
    page = text(client.get(reverse("intervention:requirement_history", args=[returned_requirement.pk])))
    assert page.count(EVIDENCE_REASON) >= 2  # the decision on the submission, and the change to what is owed


def test_the_other_council_does_not_see_returned_evidence(client, cardiff_officer, returned_requirement):
    client.force_login(cardiff_officer)
    for name in ("requirement_detail", "requirement_history", "requirement_submit"):
        response = client.get(reverse(f"intervention:{name}", args=[returned_requirement.pk]))
        assert response.status_code == 404
    assert EVIDENCE_REASON not in client.get(reverse("home")).content.decode()


# Query budgets: the same queries at 5 and at 500 rows --------------------------------------------


def _return_in_bulk(notice, official, rows: int) -> list[Obligation]:
    """`rows` requirements returned to the council, each with its own reason in the transition log."""
    owed = add_owed(
        notice,
        rows,
        due_on=lambda i: notice.given_on + datetime.timedelta(days=30 + i),
        state=ObligationState.RETURNED,
    )
    content_type = ContentType.objects.get_for_model(Obligation)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=content_type,
            object_id=o.pk,
            object_repr=f"Requirement (z{i})",
            transition="return_to_owner",
            source_state=ObligationState.SUBMITTED,
            target_state=ObligationState.RETURNED,
            by=official,
            occurred_on=notice.given_on,
            reason=f"Reason number {i}.",
        )
        for i, o in enumerate(owed)
    )
    return owed


@pytest.mark.parametrize("rows", [5, 500])
def test_home_page_query_budget_with_returned_work(
    client, powys_officer, official, returned_plan, rows, django_assert_max_num_queries
):
    _return_in_bulk(returned_plan.notice, official, rows)
    client.force_login(powys_officer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    shown = response.context["returned"]
    assert len(shown) == min(rows + 1, 50)
    assert response.context["returned_total"] == rows + 1
    assert all(o.latest_return is not None for o in shown)
    assert "Reason number 0." in response.content.decode()


def _files_in_bulk(powys_officer, rows: int, **owner) -> None:
    DocumentFile.objects.bulk_create(
        DocumentFile(
            file=f"documents/2017/11/{i}.pdf",
            original_name=f"part {i}.pdf",
            content_type="application/pdf",
            size=100,
            uploaded_by=powys_officer,
            **owner,
        )
        for i in range(rows)
    )


@pytest.mark.parametrize("rows", [5, 500])
def test_notice_page_query_budget_with_files_and_returns(
    client, powys_officer, official, returned_plan, rows, django_assert_max_num_queries
):
    notice = returned_plan.notice
    _return_in_bulk(notice, official, rows)
    _files_in_bulk(powys_officer, rows, plan=returned_plan)
    for report in notice.board_reports.all():
        _files_in_bulk(powys_officer, rows, board_report=report)
    client.force_login(powys_officer)
    # The notice page's budget (tests/intervention/test_casework_views.py) includes one query for the
    # returns and one for the files of the plan and reports, however many; 24 leaves room for the
    # header's counts and other parts of the page.
    with django_assert_max_num_queries(24):
        response = client.get(reverse("intervention:notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    assert len(response.context["plan_files"]) == rows
    assert all(len(o.document_files) == rows for o in response.context["board_reports"])
    assert PLAN_REASON in response.content.decode()


@pytest.mark.parametrize("rows", [5, 500])
@pytest.mark.parametrize("name", ["plan_submit", "plan_return", "plan_agree"])
def test_plan_pages_query_budget_with_files(
    client, people, casework, issued_notice, official, rows, name, django_assert_max_num_queries
):
    plan = casework.plan(issued_notice, PLAN_SUBMITTED)
    if name == "plan_submit":
        services.plan_return(plan=plan, by=official, reason=PLAN_REASON)
    _files_in_bulk(people["powys_officer"], rows, plan=plan)
    client.force_login(people["powys_officer" if name == "plan_submit" else "official"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"intervention:{name}", args=[plan.pk]))
    assert response.status_code == 200
    assert len(response.context["files"]) == rows
    assert f"part {rows - 1}.pdf" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 500])
def test_board_report_submit_page_query_budget_with_files(
    client, powys_officer, issued_notice, rows, django_assert_max_num_queries
):
    report = issued_notice.board_reports.order_by("month").first()
    _files_in_bulk(powys_officer, rows, board_report=report)
    client.force_login(powys_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("intervention:board_report_submit", args=[report.pk]))
    assert response.status_code == 200
    assert len(response.context["files"]) == rows


@pytest.mark.parametrize("rows", [5, 500])
def test_document_download_query_budget(
    client, powys_officer, returned_plan, rows, django_assert_max_num_queries
):
    _files_in_bulk(powys_officer, rows, plan=returned_plan)
    last = DocumentFile.objects.order_by("pk").last()
    last.file.storage.save(last.file.name, SimpleUploadedFile("x.pdf", evidence_files.pdf_bytes()))
    client.force_login(powys_officer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("intervention:document_download", args=[last.pk]))
    assert response.status_code == 200
