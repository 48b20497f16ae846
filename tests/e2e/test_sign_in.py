"""Signing in and out in a real browser, and the home page each person sees."""


def test_sign_in_shows_the_official_home_page(demo, browser_user):
    browser_user.sign_in("wg-official")
    assert "Warning notices across Wales" in browser_user.main_text()
    browser_user.submit("Sign out")
    assert "/accounts/login/" in browser_user.page.url


def test_wrong_password_is_a_clear_error(demo, browser_user):
    browser_user.go("/accounts/login/")
    browser_user.page.get_by_label("Username").fill("wg-official")
    browser_user.page.get_by_label("Password").fill("not-the-password")
    browser_user.submit("Sign in")
    assert "There is a problem" in browser_user.main_text()
