"""Hold every page, the admin included, until a signed-in person has given their second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from . import second_factor

# Where a session that still owes its second factor may go: signing in and out, and the two steps.
OPEN_URL_NAMES = ("login", "logout", "admin:login", "admin:logout", "signin:verify", "signin:setup")
STEP_URL_NAMES = {second_factor.CODE: "signin:verify", second_factor.SET_UP: "signin:setup"}


class SecondFactorMiddleware:
    """Send a session that owes a code to the code page, and one that owes an app to its set-up.

    Goes after AuthenticationMiddleware and django-otp's OTPMiddleware. Sets
    `request.second_factor_pending`, so pages can leave out the navigation meanwhile.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = second_factor.pending_step(request)
        request.second_factor_pending = step is not None
        if step is not None and not is_open(request.path):
            return redirect_to_login(request.get_full_path(), reverse(STEP_URL_NAMES[step]))
        return self.get_response(request)


def is_open(path: str) -> bool:
    """Return True for the pages a person may reach between their password and their second factor."""
    if settings.STATIC_URL and path.startswith(settings.STATIC_URL):
        return True
    return path in {reverse(name) for name in OPEN_URL_NAMES}
