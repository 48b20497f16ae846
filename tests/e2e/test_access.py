"""A Cardiff officer, in a real browser, can open none of Powys's pages and is shown no link to them.

`assert_cardiff_sees_nothing_of` is also run at the end of the Powys journey
(test_powys_journey.py) on the pages that journey created.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.evidence_files import pdf_bytes

CARDIFF_LISTS = ["/", "/inspections/", "/notices/"]


def assert_cardiff_sees_nothing_of(b, powys_urls: list[str], *, forbidden_text: list[str]):
    """Sign in as the Cardiff officer: each Powys URL answers 404, and no Cardiff list links to one."""
    assert all(powys_urls), powys_urls
    b.sign_in("cardiff-officer")
    b.go(powys_urls[0])  # the "Page not found" page itself, checked with axe once
    assert b.page.title().startswith("Page not found")
    for url in powys_urls:
        # Asked for by URL with the officer's session (no rendering, so no axe run per 404).
        response = b.page.request.get(b.base + url, max_redirects=0)
        assert response.status == 404, f"{url} answered {response.status} to the Cardiff officer"
        assert "Page not found" in response.text()
    for page in CARDIFF_LISTS:
        assert b.go(page).status == 200
        shown = b.links()
        assert not shown & set(powys_urls), f"{page} links to {shown & set(powys_urls)}"
        # The filter's list of every council names Powys; what is listed must not.
        text = b.page.evaluate(
            "() => { const main = document.querySelector('main').cloneNode(true);"
            " main.querySelectorAll('form').forEach(f => f.remove()); return main.innerText; }"
        )
        assert "Powys" not in text, f"{page} mentions Powys"
        for forbidden in forbidden_text:
            assert forbidden not in text


def demo_powys_urls(notice) -> list[str]:
    """The pages of the demo's Powys notice in force, with one submission and its file made for the test."""
    from accounts.models import User
    from intervention import services
    from intervention.choices import ObligationState, RequirementAnswer

    # The first requirement still owed that evidence answers ((a) and (b) were done long ago).
    requirement = notice.requirements.filter(
        answered_by=RequirementAnswer.EVIDENCE, obligations__state=ObligationState.OPEN
    ).order_by("letter")[0]
    submission = services.requirement_submit(
        requirement=requirement,
        by=User.objects.get(username="powys-officer"),
        statement="Evidence for the access test.",
        files=[SimpleUploadedFile("access.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    urls = [
        reverse("inspections:detail", args=[notice.inspection_id]),
        reverse("inspections:history", args=[notice.inspection_id]),
        reverse("intervention:notice_detail", args=[notice.pk]),
        reverse("intervention:notice_history", args=[notice.pk]),
        reverse("intervention:plan_submit", args=[notice.improvement_plan.pk]),
        reverse("intervention:evidence_download", args=[submission.files.get().pk]),
    ]
    for report in notice.board_reports.all():
        urls.append(reverse("intervention:board_report_submit", args=[report.pk]))
    for requirement in notice.requirements.all():
        for name in ("requirement_detail", "requirement_history"):
            urls.append(reverse(f"intervention:{name}", args=[requirement.pk]))
    for requirement in notice.requirements.filter(obligations__state=ObligationState.OPEN).distinct():
        if requirement.answered_by == RequirementAnswer.EVIDENCE:
            urls.append(reverse("intervention:requirement_submit", args=[requirement.pk]))
    return urls


def test_the_cardiff_officer_cannot_open_the_demo_powys_pages(demo_in_november_2017, browser_user):
    urls = demo_powys_urls(demo_in_november_2017)
    # The same pages open for the Powys officer, so the 404s are about scope, not broken pages.
    browser_user.sign_in("powys-officer")
    for url in urls:
        response = browser_user.page.request.get(browser_user.base + url)
        assert response.status == 200, url
    assert_cardiff_sees_nothing_of(browser_user, urls, forbidden_text=["children's services, Powys"])


def test_the_cardiff_officer_cannot_open_the_closed_case_or_its_notices(demo, browser_user):
    """The demo as `make demo` loads it: the case closed in 2020, with its two notices and inspections."""
    from intervention.models import InterventionCase

    case = InterventionCase.objects.get(council__code="powys")
    urls = [reverse("intervention:case_detail", args=[case.pk])]
    for notice in case.notices.order_by("given_on"):
        urls += [
            reverse("intervention:notice_detail", args=[notice.pk]),
            reverse("intervention:notice_history", args=[notice.pk]),
        ]
        for requirement in notice.requirements.all():
            urls.append(reverse("intervention:requirement_detail", args=[requirement.pk]))
    for inspection in case.inspections.all():
        urls.append(reverse("inspections:detail", args=[inspection.pk]))
    browser_user.sign_in("powys-officer")
    for url in urls:
        response = browser_user.page.request.get(browser_user.base + url)
        assert response.status == 200, url
    assert_cardiff_sees_nothing_of(browser_user, urls, forbidden_text=["children's services, Powys"])
