"""Browser tests: Playwright driving Debian's Chromium against the live server.

Without Chromium these tests are skipped, unless E2E_REQUIRED=1 (set by .ci/run), which turns a
missing browser into a failure.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "static" / "axe" / "axe.min.js"
# Served by the live server like any script of the site's own, so the Content-Security-Policy allows it.
AXE_URL = "/static/axe/axe.min.js"
PASSWORD = "demo-password-2017"

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config, items):
    e2e_items = [item for item in items if "tests/e2e/" in str(item.fspath)]
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    if chromium_available():
        return
    if os.environ.get("E2E_REQUIRED") == "1":
        raise pytest.UsageError(f"E2E_REQUIRED=1 but Chromium was not found at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (set E2E_REQUIRED=1 to fail instead)")
    for item in e2e_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# What Chromium prints when a page breaks its Content-Security-Policy or Permissions-Policy.
POLICY_ERRORS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture(autouse=True)
def no_policy_violations(request):
    """Fail a browser test whose pages broke the Content-Security-Policy (the console says so)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}"))
    yield
    violations = [text for text in violations if any(error in text for error in POLICY_ERRORS)]
    assert violations == [], "\n".join(violations)


@pytest.fixture
def demo(transactional_db):
    """The Powys 2017 demo with its users, loaded as `make demo` loads it (the case closed in 2020)."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)


def replay_demo(*, until) -> dict:
    """Record the Powys demo's events up to the end of day `until`, as they happened; return its state."""
    from django.core.management import call_command

    from accounts.models import Organisation
    from intervention.demo import powys_2017

    for fixture in ("organisations", "grounds", "statutory_functions"):
        call_command("loaddata", fixture, verbosity=0)
    people = powys_2017.ensure_users()
    powys_2017.ensure_reference_history(people["admin"])
    state = {"people": people, "powys": Organisation.objects.get(code="powys")}
    for step in powys_2017.steps():
        if step.on > until:
            break
        step.record(state)
    return state


@pytest.fixture
def demo_in_november_2017(transactional_db):
    """The Powys demo as it stood on 21 November 2017: the notice in force, (f) and (g) still owed."""
    import datetime

    return replay_demo(until=datetime.date(2017, 11, 21))["notice"]


def is_govuk_conditional_reveal(violation: dict, node: dict) -> bool:
    """Return True for axe's one finding on GOV.UK Frontend's conditional reveal, and no other.

    GOV.UK Frontend's JavaScript puts aria-expanded on a radio or checkbox that reveals more
    questions: outside the ARIA spec, on purpose, after research with screen reader users, and a
    documented known issue (alphagov/govuk-frontend#979). Any other finding on the input counts.
    """
    if violation["id"] != "aria-allowed-attr":
        return False
    if not re.match(r'<input class="govuk-(radios|checkboxes)__input"', node["html"]):
        return False
    values = []
    for check in node["all"] + node["any"]:
        if isinstance(check.get("data"), dict):
            values += check["data"].get("values", [])
    return bool(values) and all(value.startswith("aria-expanded=") for value in values)


class Browser:
    """A person at a browser: signs in, follows links, fills in forms, and checks each page with axe."""

    def __init__(self, page, live_server):
        self.page = page
        self.base = live_server.url
        self.checked = set()

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        self.check_accessibility()
        return response

    def sign_in(self, username: str):
        self.page.context.clear_cookies()
        self.go("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, self.page.inner_text("main")
        self.check_accessibility()

    def click(self, name: str, role: str = "link", *, exact: bool = False):
        """Follow the link (or press the button) called `name` and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=exact).first.click()
        self.page.wait_for_load_state()
        self.check_accessibility()

    def submit(self, name: str, *, exact: bool = False):
        self.click(name, role="button", exact=exact)

    def follow_href(self, path: str):
        """Follow the link on this page that points at `path` (it must be there)."""
        link = self.page.locator(f'main a[href="{path}"]')
        assert link.count() >= 1, f"no link to {path} on {self.page.url}"
        with self.page.expect_navigation():
            link.first.click()
        self.page.wait_for_load_state()
        self.check_accessibility()

    def fill_date(self, legend: str, day):
        """Type a date into the GOV.UK date input whose fieldset legend is `legend`."""
        group = self.page.get_by_role("group", name=legend, exact=True)
        group.get_by_label("Day", exact=True).fill(str(day.day))
        group.get_by_label("Month", exact=True).fill(str(day.month))
        group.get_by_label("Year", exact=True).fill(str(day.year))

    def path(self) -> str:
        """Return the path of the current page, without the server or the query string."""
        return self.page.url.removeprefix(self.base).split("?")[0].split("#")[0]

    def links(self) -> set[str]:
        """Return every link target in the page's main content."""
        hrefs = self.page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
        return set(hrefs)

    def check_accessibility(self):
        """Run axe-core on the page: zero violations (each distinct page checked once per test)."""
        key = self.page.url.split("?")[0] + "|" + self.page.title()
        if key in self.checked:
            return
        self.checked.add(key)
        self.page.add_script_tag(url=self.base + AXE_URL)
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in nodes][:5]}
            for v in result["violations"]
            if (nodes := [n for n in v["nodes"] if not is_govuk_conditional_reveal(v, n)])
        ]
        assert violations == [], f"axe violations on {self.page.url}: {json.dumps(violations, indent=1)}"

    def main_text(self) -> str:
        return self.page.inner_text("main")


@pytest.fixture
def browser_user(page, live_server):
    page.set_default_timeout(10_000)
    return Browser(page, live_server)
