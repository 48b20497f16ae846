"""Every page of the project against every role and object state: an access test that grows by itself.

`url_patterns()` walks config.urls; `test_every_page_has_a_row` fails for any pattern that has no row
in tests/access_matrix.py MATRIX (and is not in EXCLUDED), so a new page fails until someone says who
may open it. Each row is then checked for each role on GET, and pages that change something are
POSTed as every role they refuse, proving the refusal and that nothing was written.

The matrix is also checked against the access rules (design.md, "Users"): a council officer never
gets 200 on another council's object (out-of-scope objects answer 404), council officers never see a
draft notice, and anonymous visitors get 200 only from the sign-in page and a calendar feed's secret
address. A row where the app breaks a rule says what the rule demands and is marked xfail(strict). Pages
answered with 200 are read too: they must not show a draft notice to anyone but an official, nor
anything of Powys to the Cardiff officer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_matrix import DRAFT_MARK, MATRIX, ROLES, Row, build_world
from .workflow import changed_tables, snapshot

# URL patterns left out of the matrix as a group, by the start of their route, each with the reason.
EXCLUDED = {
    "admin/": "the Django admin: every page checks is_staff itself; admin:index has a row",
}
# config.urls has no static or media patterns: whitenoise serves static files outside the URLconf,
# and evidence files are served only through intervention:evidence_download. Add them here if ever.

# Pages that answer anonymous visitors, and why.
PUBLIC = {
    "login": "the sign-in page",
    "intervention:calendar_feed": "its secret address is the credential (calendar apps cannot sign in)",
}
# Objects never given to the council: only officials may see them.
DRAFTS = {"notice.draft", "notice.withdrawn_draft", "addendum.draft", "follow_up.draft", "requirement.draft"}
# Objects that are not a council's: the council-scope rule does not apply.
NOT_A_COUNCILS = {"feed.valid", "feed.unknown"}


# Enumerating the URLconf ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    key: str  # the URL name with its namespaces, or the route for a pattern without a name
    route: str
    params: tuple[str, ...]  # the keyword arguments the route takes


def url_patterns(patterns=None, prefix: str = "", namespace: str = "", params: tuple[str, ...] = ()):
    """Yield every URL pattern of config.urls, with its full route, namespaced name and parameters."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        taken = params + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_patterns(pattern.url_patterns, route, inner, taken)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Page(key=name or route, route=route, params=taken)


def excluded(page: Page) -> bool:
    return any(page.route.startswith(prefix) for prefix in EXCLUDED)


def pages_to_check() -> dict[str, Page]:
    return {page.key: page for page in url_patterns() if not excluded(page)}


ALL_PAGES = {page.key: page for page in url_patterns()}


# The meta-tests and the rules need no database: run alone, they answer in a second.


def test_every_page_has_a_row():
    """A page with no row fails here: add one to tests/access_matrix.py MATRIX."""
    rows = {row.name for row in MATRIX}
    missing = sorted(
        f"{page.key} ({page.route})" for key, page in pages_to_check().items() if key not in rows
    )
    assert missing == [], "pages with no row in the access matrix:\n" + "\n".join(missing)


def test_every_row_names_a_page_that_exists():
    names = {page.key for page in url_patterns()}
    assert sorted({row.name for row in MATRIX} - names) == []


def test_each_exclusion_still_matches_a_page_and_names_stay_unique():
    pages = list(url_patterns())
    assert [prefix for prefix in EXCLUDED if not any(p.route.startswith(prefix) for p in pages)] == []
    keys = [page.key for page in pages]
    assert sorted({k for k in keys if keys.count(k) > 1}) == [], "one name, two pages: a row checks only one"


def test_each_row_is_one_page_and_state():
    seen = [(row.name, row.obj) for row in MATRIX]
    assert sorted({s for s in seen if seen.count(s) > 1}, key=str) == []


# The rules the matrix must follow ------------------------------------------------------------------


def rule_breaches(row: Row) -> list[str]:
    """Return the access rules `row`'s expected answers break."""
    codes = row.expected()
    breaches = []
    if codes["anonymous"] == 200 and row.name not in PUBLIC:
        breaches.append("anonymous visitors get 200 only from the sign-in page and a feed's address")
    if row.obj and row.obj not in NOT_A_COUNCILS and codes["other"] not in (404, 405):
        breaches.append("another council's officer must get 404 for a Powys object")
    if row.obj and row.obj not in NOT_A_COUNCILS and row.expected_post().get("other", 404) != 404:
        breaches.append("another council's officer must get 404 for a POST about a Powys object")
    if row.expected_post().get("anonymous", 302) != 302:
        breaches.append("anonymous visitors are sent to sign in before anything is done")
    if row.obj in DRAFTS and (codes["own"], codes["other"]) != (404, 404):
        breaches.append("council officers never see a draft notice (404)")
    if row.obj in DRAFTS and 200 in (codes["inspector"], codes["administrator"], codes["anonymous"]):
        breaches.append("only officials see a draft notice")
    return breaches


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.name}[{row.obj or '-'}]")
def test_the_row_follows_the_access_rules(row):
    assert rule_breaches(row) == []


# Checking each row ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every object state, made once for the module and rolled back after it; each test rolls back its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        for role, person in world.people.items():
            if person is not None:
                signed_in = Client()
                signed_in.force_login(person)
                world.sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


def url_of(row: Row, world) -> str:
    """Build the row's URL from its object's ids: those its pattern takes."""
    if row.obj is None:
        return reverse(row.name)
    given = world.objects[row.obj]
    params = ALL_PAGES[row.name].params
    missing = [param for param in params if param not in given]
    assert missing == [], f"{row.obj} gives no {missing} for {row.name}"
    return reverse(row.name, kwargs={param: given[param] for param in params})


def sign_in(client, world, role: str) -> None:
    """Use the person's session: signed in once for the module, as a sign-in costs as much as a page."""
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]


def check_answer(response, row: Row, role: str, expected: int) -> None:
    """Check the answer; a redirect goes to sign in for anonymous visitors (and on admin pages for
    everyone: the admin sends non-staff to its own sign-in), anywhere else for people signed in."""
    assert response.status_code == expected, (
        f"{row.name}[{row.obj}] answered {response.status_code} to {role}, not {expected}"
    )
    if expected == 302:
        location = response["Location"]
        if row.login == "login":
            login, to_login = resolve_url(settings.LOGIN_URL), role == "anonymous"
        else:
            login, to_login = reverse(row.login), True
        assert location.startswith(login + "?") if to_login else not location.startswith(login), location


def _marks(row: Row, role: str):
    reason = row.xfail.get(role)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


GET_CASES = [
    pytest.param(row, role, id=f"{row.name}[{row.obj or '-'}]-{role}", marks=_marks(row, role))
    for row in MATRIX
    for role in ROLES
]
POST_CASES = [
    pytest.param(row, role, code, id=f"{row.name}[{row.obj or '-'}]-{role}", marks=_marks(row, role))
    for row in MATRIX
    for role, code in row.expected_post().items()
]


@pytest.mark.django_db
@pytest.mark.parametrize("row, role", GET_CASES)
def test_get(row, role, world, client):
    sign_in(client, world, role)

    response = client.get(url_of(row, world))

    check_answer(response, row, role, row.expected()[role])
    check_nothing_shown_out_of_scope(response, row, role, world)


def check_nothing_shown_out_of_scope(response, row: Row, role: str, world) -> None:
    """A page shown is checked too: no draft notice but to officials, nothing of Powys to Cardiff."""
    if response.status_code != 200 or response.streaming:
        return
    text = response.content.decode(errors="replace")
    if role != "official":
        assert DRAFT_MARK not in text, f"{row.name}[{row.obj}] shows {role} a notice never given"
    if role == "other" and row.obj not in NOT_A_COUNCILS:
        assert [title for title in world.titles if title in text] == []


@pytest.mark.django_db
@pytest.mark.parametrize("row, role, code", POST_CASES)
def test_post_is_refused_and_writes_nothing(row, role, code, world, client):
    sign_in(client, world, role)
    url = url_of(row, world)
    before = snapshot()

    response = client.post(url)

    check_answer(response, row, role, code)
    assert changed_tables(before) == []
