"""Every page each demo user can reach, on a 375 px wide phone: no sideways page scroll, axe-clean.

The test does not list pages: it signs in and follows every same-origin link (GET only, so nothing
is changed) from the home page, breadth first. A page added to the service is covered as soon as
something links to it. Pages of one kind (the same path with other ids) are visited once each, so
the crawl stays short however much data the demo holds.
"""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import is_govuk_conditional_reveal

PHONE = {"width": 375, "height": 812}
# More than the demo has kinds of page for any one person; a crawl that reaches it has run away.
MAX_PAGES = 120
# Not pages: signing out, downloads (evidence, CSV, PDF, calendar feeds) and the Django admin.
SKIPPED = re.compile(r"^/(admin|accounts/logout)/|\.(csv|pdf|ics)$|^/evidence/\d+/$")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def kind_of_page(path: str) -> str:
    """Return the path with its ids (and feed tokens) blanked: one visit per kind of page."""
    return re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/#", path)


def same_site_links(b) -> list[str]:
    """Return the paths of the same-site links on the current page, in page order."""
    hrefs = b.page.eval_on_selector_all(
        "a[href]:not([download])",
        "els => els.map(e => e.href)",
    )
    paths = []
    for href in hrefs:
        url = urlsplit(href)
        if f"{url.scheme}://{url.netloc}" != b.base or not url.path:
            continue
        paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


WIDER_THAN_THE_SCREEN = """() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    // Name the innermost elements that stick out, to say what to fix.
    const culprits = [];
    const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5;
    for (const el of document.querySelectorAll('body *')) {
        if (!sticksOut(el) || [...el.children].some(sticksOut)) continue;
        let scrolls = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (getComputedStyle(up).overflowX !== 'visible') { scrolls = true; break; }
        }
        // An absolutely placed element escapes a scrolling box that is not its containing block.
        if (scrolls && getComputedStyle(el).position !== 'absolute') continue;
        const classes = [...el.classList].map((name) => '.' + name).join('');
        const text = (el.innerText || '').trim().slice(0, 40);
        culprits.push(el.tagName.toLowerCase() + classes + ' "' + text + '"');
        if (culprits.length === 5) break;
    }
    return {scrollWidth: document.documentElement.scrollWidth, culprits};
}"""


def crawl(b, username: str) -> tuple[list[str], list[str]]:
    """Visit each kind of page `username` can reach by links from home; return (visited, problems)."""
    b.checked.clear()  # the same address shows each person other things: check it again with axe
    b.sign_in(username)
    queue, seen_kinds, visited, problems = deque(["/"]), set(), [], []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        kind = kind_of_page(urlsplit(path).path)
        if kind in seen_kinds or SKIPPED.search(urlsplit(path).path):
            continue
        seen_kinds.add(kind)
        try:
            response = b.page.goto(b.base + path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # a file, not a page
                continue
            raise
        visited.append(path)
        if response is None or response.status != 200:
            problems.append(f"{path}: answered {response.status if response else 'nothing'}")
            continue
        wide = b.page.evaluate(WIDER_THAN_THE_SCREEN)
        if wide:
            problems.append(f"{path}: {wide['scrollWidth']} px wide; sticking out: {wide['culprits']}")
        try:
            b.check_accessibility()
        except AssertionError as failure:
            problems.append(str(failure))
        queue.extend(same_site_links(b))
    assert len(visited) < MAX_PAGES, f"the crawl as {username} did not end within {MAX_PAGES} pages"
    return visited, problems


def test_every_page_fits_a_phone_and_is_accessible(demo, browser_user):
    # One test for the three people, so the demo is loaded once; every failing page is listed.
    problems = []
    for username in ("inspector", "wg-official", "powys-officer"):
        visited, found = crawl(browser_user, username)
        # Enough of the service to be a real crawl: home, the lists, and the Powys case's pages.
        assert len(visited) >= 8, f"as {username}: {visited}"
        problems += [f"as {username}: {problem}" for problem in found]
    assert problems == [], "\n".join(problems)

    # Long words and references wrap: in a heading, a summary list and a table.
    inspection = inspection_with_long_words()
    b = browser_user
    b.sign_in("inspector")
    for path in (f"/inspections/{inspection.pk}/", "/inspections/"):
        b.go(path)
        assert LONG_WORD in b.main_text()
        assert b.page.evaluate(WIDER_THAN_THE_SCREEN) is None, path


LONG_WORD = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"


def inspection_with_long_words():
    from accounts.models import Organisation, User
    from inspections import services
    from inspections.choices import InspectionType, ServiceArea

    inspector = User.objects.get(username="inspector")
    return services.inspection_create(
        by=inspector,
        council=Organisation.objects.get(code="powys"),
        title=f"Inspection of {LONG_WORD}-and-{LONG_WORD} services",
        service_area=ServiceArea.ADULTS,
        inspection_type=InspectionType.PLANNED,
        lead_inspector=inspector,
        report_reference="CIW/" + "INSPECTION-REFERENCE-WITHOUT-SPACES-" * 3 + "2017",
    )


def reveal_finding(html: str, *values: str) -> tuple[dict, dict]:
    check = {"id": "aria-allowed-attr", "data": {"messageKey": "singular", "values": list(values)}}
    return {"id": "aria-allowed-attr"}, {"html": html, "all": [check], "any": [], "none": []}


def test_only_govuk_frontends_known_conditional_reveal_finding_is_let_through():
    radio = '<input class="govuk-radios__input" id="id_case_0" type="radio" aria-expanded="true">'
    assert is_govuk_conditional_reveal(*reveal_finding(radio, 'aria-expanded="true"'))
    # Anything else on the same radio, or aria-expanded on anything else, still fails the page.
    assert not is_govuk_conditional_reveal(
        *reveal_finding(radio, 'aria-expanded="true"', 'aria-pressed="true"')
    )
    assert not is_govuk_conditional_reveal(
        *reveal_finding('<input type="radio" aria-expanded="true">', 'aria-expanded="true"')
    )
    assert not is_govuk_conditional_reveal({"id": "label"}, reveal_finding(radio, 'aria-expanded="true"')[1])
