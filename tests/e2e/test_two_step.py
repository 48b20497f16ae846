"""Two-step verification in a real browser: an official sets up an app, then signs in with a recovery code."""

from base64 import b32decode

from django_otp.oath import totp

from .conftest import PASSWORD


def test_an_official_sets_up_two_step_then_signs_in_with_a_recovery_code(
    transactional_db, settings, browser_user
):
    from tests.factories import UserFactory

    settings.SECOND_FACTOR_REQUIRED = True
    official = UserFactory(username="wg-official", official=True)
    official.set_password(PASSWORD)
    official.save(update_fields=["password"])
    b = browser_user

    b.sign_in("wg-official")
    assert b.path() == "/accounts/two-step/set-up/"
    assert b.page.title().startswith("Set up two-step verification")
    secret = b.page.inner_text("#secret-key").replace(" ", "")
    b.page.get_by_label("Code from the app").fill(f"{totp(b32decode(secret)):06d}")
    b.submit("Turn on two-step verification")
    assert b.path() == "/accounts/two-step/recovery-codes/"
    codes = b.page.inner_text("#recovery-codes").split()
    assert len(codes) == 10
    b.click("I have saved my recovery codes")
    assert b.path() == "/"

    b.submit("Sign out")
    b.sign_in("wg-official")
    assert b.path() == "/accounts/two-step/code/"
    b.page.get_by_label("Code", exact=True).fill(codes[0])
    b.submit("Continue")
    assert b.path() == "/"
    assert "You used a recovery code. You have 9 recovery codes left" in b.main_text()
    b.click("Your account")
    assert "Recovery codes left" in b.main_text()
