"""Signing in: lockout after repeated failures, the second factor, password rules, and no history noise."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.signin import lockout, second_factor
from intervention.demo.powys_2017.people import DEMO_PASSWORD

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Sign-in is locked after too many failed attempts"
ACCOUNT_LIMIT = 5  # the default of AXES_FAILURE_LIMIT (DJANGO_SIGNIN_ACCOUNT_FAILURE_LIMIT)


def sign_in(client, username: str, password: str, *, path: str = LOGIN, address: str = "192.0.2.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, **kwargs):
    response = None
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", **kwargs)
    return response


def assert_locked(response):
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED in content
    assert "Try again in 30 minutes, or ask an administrator to unlock it." in content


# Lockout ------------------------------------------------------------------------------------


def test_an_account_locks_at_the_limit_and_then_refuses_the_right_password(client, official):
    for _ in range(ACCOUNT_LIMIT - 1):
        response = sign_in(client, official.username, "not-the-password")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()

    locking = sign_in(client, official.username, "not-the-password")
    right = sign_in(client, official.username, PASSWORD)

    assert_locked(locking)
    assert_locked(right)
    assert not is_signed_in(client)
    # The GOV.UK error summary, linked to the message, with the username kept.
    content = right.content.decode()
    assert 'class="govuk-error-summary"' in content
    assert 'href="#form-errors"' in content and 'id="form-errors"' in content
    assert f'value="{official.username}"' in content


def test_an_account_lock_holds_from_every_address(client, official):
    for n in range(ACCOUNT_LIMIT):
        sign_in(client, official.username, "not-the-password", address=f"198.51.100.{n + 1}")

    response = sign_in(client, official.username, PASSWORD, address="203.0.113.7")

    assert_locked(response)
    assert not is_signed_in(client)


def test_an_address_locks_after_failures_on_many_accounts(client, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    people = [UserFactory() for _ in range(4)]
    for person in people[:3]:
        fail(client, person.username, 2, address="198.51.100.9")  # each account well under its limit

    from_there = sign_in(client, people[3].username, PASSWORD, address="198.51.100.9")
    from_elsewhere = sign_in(Client(), people[3].username, PASSWORD, address="203.0.113.7")

    assert_locked(from_there)
    assert from_elsewhere.status_code == 302


def test_the_admin_login_is_locked_too(client, administrator):
    fail(client, administrator.username, ACCOUNT_LIMIT, path=ADMIN_LOGIN)

    admin_page = sign_in(client, administrator.username, PASSWORD, path=ADMIN_LOGIN)
    service_page = sign_in(client, administrator.username, PASSWORD)

    assert admin_page.status_code == 429
    assert LOCKED in admin_page.content.decode()
    assert_locked(service_page)
    assert not is_signed_in(client)


def test_a_successful_sign_in_forgets_that_accounts_failures(client, official):
    fail(client, official.username, ACCOUNT_LIMIT - 1)
    assert sign_in(client, official.username, PASSWORD).status_code == 302
    client.logout()

    assert fail(client, official.username, ACCOUNT_LIMIT - 1).status_code == 200
    assert_locked(fail(client, official.username, 1))  # the count started again at the sign-in


def test_an_administrator_unlocks_an_account(client, official, administrator):
    fail(client, official.username, ACCOUNT_LIMIT)
    assert_locked(sign_in(client, official.username, PASSWORD))
    admin = Client()
    admin.force_login(administrator)

    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [official.pk]},
    )

    assert response.status_code == 302
    assert sign_in(client, official.username, PASSWORD).status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no trusted proxy: the header is anyone's to write
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "10.9.9.9, 203.0.113.9", "203.0.113.9"),  # what the client made up, on the left, is ignored
        (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
    ],
)
def test_the_address_is_the_one_the_nearest_trusted_proxy_saw(proxies, forwarded, expected, rf, settings):
    settings.SIGNIN_TRUSTED_PROXY_COUNT = proxies
    request = rf.post(LOGIN, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert lockout.client_address(request) == expected


def test_administrators_can_see_the_failed_attempts(client, official, administrator):
    fail(client, official.username, 2)
    admin = Client()
    admin.force_login(administrator)

    response = admin.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert official.username in response.content.decode()


# The second factor ----------------------------------------------------------------------------


@pytest.fixture
def second_factor_required(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """Return the code the app shows now (or `steps_ahead` periods of 30 seconds from now)."""
    if steps_ahead == 0:
        return f"{totp(device.bin_key):06d}"
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    """Return a 6-digit code the app would not show in the periods accepted now."""
    accepted = {app_code(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(1000, 1010)) if code not in accepted)


def with_app(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, second_factor.recovery_codes_replace(user=user)


@pytest.mark.parametrize(
    "path", ["/", "/notices/", "/inspections/", "/accounts/your-account/", "/admin/", "/does-not-exist/"]
)
def test_an_official_without_an_app_is_sent_to_set_one_up_from_every_page(
    client, official, second_factor_required, path
):
    client.force_login(official)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/two-step/set-up/?next={path}"


def test_an_administrator_without_an_app_cannot_use_the_admin(client, administrator, second_factor_required):
    client.force_login(administrator)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-step/set-up/")


def test_an_official_sets_up_the_app_then_sees_recovery_codes_once_then_every_page(
    client, official, second_factor_required
):
    client.force_login(official)
    page = client.get("/accounts/two-step/set-up/?next=/notices/")
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    content = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in content and 'role="img"' in content
    assert second_factor.secret_key_text(device) in content
    assert 'class="govuk-service-navigation"' not in content  # no navigation until it is done

    response = client.post("/accounts/two-step/set-up/", {"code": app_code(device), "next": "/notices/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-step/recovery-codes/?next=/notices/"
    codes_page = client.get(response["Location"])
    codes = set(StaticToken.objects.filter(device__user=official).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in codes_page.content.decode() for code in codes)
    assert 'href="/notices/"' in codes_page.content.decode()
    assert client.get("/accounts/two-step/recovery-codes/")["Location"] == "/accounts/your-account/"
    assert client.get("/notices/").status_code == 200
    assert client.get("/").status_code == 200


def test_an_official_with_an_app_must_enter_a_code_and_a_wrong_one_is_a_clear_error(
    client, official, second_factor_required
):
    device, _ = with_app(official)
    client.force_login(official)
    assert client.get("/")["Location"] == "/accounts/two-step/code/?next=/"

    wrong = client.post("/accounts/two-step/code/", {"code": wrong_code(device), "next": "/"})

    assert wrong.status_code == 400
    content = wrong.content.decode()
    assert "There is a problem" in content
    assert '<a href="#id_code">The code is not right.' in content
    assert 'id="id_code-error"' in content
    assert client.get("/").status_code == 302

    device.throttle_reset()  # a wrong code makes the next try wait a second
    right = client.post("/accounts/two-step/code/", {"code": app_code(device), "next": "/"})

    assert right.status_code == 302
    assert right["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_second_wrong_code_straight_away_is_told_to_wait(client, official, second_factor_required):
    device, _ = with_app(official)
    client.force_login(official)
    client.post("/accounts/two-step/code/", {"code": wrong_code(device)})

    response = client.post("/accounts/two-step/code/", {"code": app_code(device)})

    assert response.status_code == 400
    assert "You have entered too many wrong codes. Wait 1 second, then try again" in response.content.decode()


def test_a_code_in_the_wrong_shape_is_a_clear_error(client, official, second_factor_required):
    with_app(official)
    client.force_login(official)

    response = client.post("/accounts/two-step/code/", {"code": "12345"})

    assert response.status_code == 400
    assert "Enter the 6-digit code from your authenticator app, or one of your recovery codes" in (
        response.content.decode()
    )


def test_a_recovery_code_works_once_only(official, second_factor_required):
    _, codes = with_app(official)
    first = Client()
    first.force_login(official)

    used = first.post("/accounts/two-step/code/", {"code": codes[0].upper()})

    assert used.status_code == 302
    assert first.get("/").status_code == 200
    assert second_factor.recovery_codes_left(official) == 9
    again = Client()
    again.force_login(official)
    refused = again.post("/accounts/two-step/code/", {"code": codes[0]})
    assert refused.status_code == 400
    assert again.get("/").status_code == 302


def test_an_inspector_is_not_asked_but_can_set_up_two_step_and_is_then_asked(
    client, inspector, second_factor_required
):
    client.force_login(inspector)
    assert client.get("/").status_code == 200
    account = client.get("/accounts/your-account/")
    assert 'href="/accounts/two-step/set-up/"' in account.content.decode()
    assert 'href="/accounts/your-account/"' in client.get("/").content.decode()  # in the header

    client.get("/accounts/two-step/set-up/")
    device = TOTPDevice.objects.get(user=inspector)
    client.post("/accounts/two-step/set-up/", {"code": app_code(device)})
    client.logout()
    client.force_login(inspector)

    assert client.get("/")["Location"] == "/accounts/two-step/code/?next=/"


def test_a_wrong_code_at_set_up_is_a_clear_error(client, inspector):
    client.force_login(inspector)
    client.get("/accounts/two-step/set-up/")
    device = TOTPDevice.objects.get(user=inspector)

    response = client.post("/accounts/two-step/set-up/", {"code": wrong_code(device)})

    assert response.status_code == 400
    assert '<a href="#id_code">The code is not right. Check the app shows this service' in (
        response.content.decode()
    )
    assert not second_factor.has_second_factor(inspector)


def test_an_official_changing_app_must_give_a_code_and_is_sent_to_set_up_again(
    client, official, second_factor_required
):
    device, _ = with_app(official)
    client.force_login(official)
    client.post("/accounts/two-step/code/", {"code": app_code(device)})

    refused = client.post("/accounts/two-step/turn-off/", {"code": wrong_code(device)})
    assert refused.status_code == 400
    assert second_factor.has_second_factor(official)
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/accounts/two-step/turn-off/", {"code": app_code(device, steps_ahead=1)})

    assert response["Location"] == "/accounts/two-step/set-up/"
    assert not TOTPDevice.objects.filter(user=official).exists()
    assert second_factor.recovery_codes_left(official) == 0
    assert client.get("/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, inspector):
    device, old_codes = with_app(inspector)
    client.force_login(inspector)
    client.post("/accounts/two-step/code/", {"code": app_code(device)})

    response = client.post("/accounts/two-step/recovery-codes/new/")

    assert response["Location"] == "/accounts/two-step/recovery-codes/"
    new_codes = set(StaticToken.objects.filter(device__user=inspector).values_list("token", flat=True))
    assert len(new_codes) == 10 and not new_codes & set(old_codes)
    page = client.get("/accounts/two-step/recovery-codes/").content.decode()
    assert all(code in page for code in new_codes)


def test_an_administrator_resets_a_lost_second_factor(official, administrator):
    with_app(official)
    admin = Client()
    admin.force_login(administrator)

    admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [official.pk]},
    )

    assert not second_factor.has_second_factor(official)
    assert second_factor.recovery_codes_left(official) == 0


# Passwords, and what a sign-in writes ------------------------------------------------------------


@pytest.mark.parametrize(
    "password, allowed",
    [
        ("purple tractor lemon", True),  # three random words
        ("839201746385", True),  # no composition rules
        (DEMO_PASSWORD, True),
        ("short words", False),  # under 12 characters
        ("password1234", False),  # a common password
    ],
)
def test_passwords_follow_the_ncsc_advice(password, allowed, official):
    try:
        validate_password(password, official)
    except ValidationError:
        accepted = False
    else:
        accepted = True
    assert accepted is allowed


def test_signing_in_and_failing_to_write_no_history_row(client, official):
    rows = official.history.count()

    fail(client, official.username, 2)
    response = sign_in(client, official.username, PASSWORD)

    assert response.status_code == 302
    official.refresh_from_db()
    assert official.last_login is not None
    assert official.history.count() == rows


@pytest.mark.parametrize("others", [5, 500])
@pytest.mark.parametrize("name", ["signin:account", "signin:setup"])
def test_the_two_step_pages_keep_to_a_query_budget(
    client, inspector, name, others, django_assert_max_num_queries
):
    """Your account and the set-up page read a fixed few rows, however many people have an app."""
    people = User.objects.bulk_create(
        User(username=f"person-{i}", role=inspector.role, organisation=inspector.organisation)
        for i in range(others)
    )
    TOTPDevice.objects.bulk_create(TOTPDevice(user=p, name="app", confirmed=True) for p in people)
    client.force_login(inspector)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name))
    assert response.status_code == 200
