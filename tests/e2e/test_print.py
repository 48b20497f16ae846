"""On paper: every page prints its content only, full width; the notice prints as its document.

Chromium is told to lay pages out for print (page.emulate_media(media="print")), as it does when
someone prints. What is for moving about or acting in the service must not be on paper.
"""

import pytest
from django.urls import reverse

# What has no use on paper: menus, the skip link, the phase banner, buttons, back links,
# breadcrumbs and the footer (with its sign-out button).
OFF_PAPER = [
    ".govuk-service-navigation",
    ".govuk-skip-link",
    ".govuk-phase-banner",
    ".govuk-button",
    ".govuk-back-link",
    ".govuk-breadcrumbs",
    ".govuk-footer",
]

VISIBLE = "els => els.filter(el => el.getClientRects().length > 0).length"


def shown(page, selector: str) -> int:
    """Return how many elements matching `selector` take up room on the page as laid out now."""
    return page.eval_on_selector_all(selector, VISIBLE)


def main_width(page) -> float:
    return page.eval_on_selector("main", "el => el.getBoundingClientRect().width")


def on_screen_then_on_paper(page) -> tuple[dict[str, int], dict[str, int], float]:
    page.emulate_media(media="screen")
    screen = {selector: shown(page, selector) for selector in OFF_PAPER}
    page.emulate_media(media="print")
    paper = {selector: shown(page, selector) for selector in OFF_PAPER}
    return screen, paper, main_width(page)


@pytest.mark.django_db(transaction=True)
def test_pages_print_without_navigation_buttons_or_footer(demo, browser_user):
    from intervention.choices import NoticeKind
    from intervention.models import WarningNotice

    notice = WarningNotice.objects.get(case__council__code="powys", kind=NoticeKind.ORIGINAL)
    b = browser_user
    b.sign_in("wg-official")
    viewport = b.page.viewport_size["width"]

    for path in ["/", reverse("intervention:notice_detail", args=[notice.pk])]:
        b.go(path)
        screen, paper, width = on_screen_then_on_paper(b.page)

        # On screen the page has them (so the check below can fail); on paper none is left.
        assert screen[".govuk-service-navigation"] and screen[".govuk-footer"], path
        assert screen[".govuk-phase-banner"] and screen[".govuk-button"], path
        assert paper == dict.fromkeys(OFF_PAPER, 0), path
        # The content uses the whole width, not the 960 px column of the screen.
        assert width > min(960, viewport - 100), (path, width, viewport)
        assert shown(b.page, "main h1") == 1, path


@pytest.mark.django_db(transaction=True)
def test_the_notice_prints_as_its_document(demo, browser_user):
    from intervention.choices import NoticeKind
    from intervention.models import WarningNotice

    notice = WarningNotice.objects.get(case__council__code="powys", kind=NoticeKind.ORIGINAL)
    b = browser_user
    b.sign_in("powys-officer")
    b.go(reverse("intervention:notice_detail", args=[notice.pk]))
    b.click("Print view")
    assert b.path() == reverse("intervention:notice_document", args=[notice.pk])
    assert b.page.get_by_role("button", name="Download the notice (PDF)").is_visible()

    b.page.emulate_media(media="print")

    assert not b.page.get_by_role("button", name="Download the notice (PDF)").is_visible()
    assert not b.page.get_by_text("Back to the notice").is_visible()
    assert shown(b.page, ".govuk-breadcrumbs") == shown(b.page, ".govuk-footer") == 0
    document = b.page.locator("article.app-notice-document")
    assert document.is_visible()
    text = " ".join(document.inner_text().split())
    assert "WARNING NOTICE ISSUED FOLLOWING THE INSPECTION OF CHILDREN'S SERVICES" in text
    assert "(g) during the improvement plan period" in text
    assert "The compliance period ends on Tuesday 14 November 2017." in text
