"""Lockout of repeated failed sign-ins, per account and per address, on top of django-axes.

Axes records each failure as an AccessAttempt row (username, address, browser) and refuses a
sign-in while the account or the address is locked, before the password is even checked. An
account locks after AXES_FAILURE_LIMIT recent failures from anywhere, so guessing one person's
password from many addresses fails; an address locks after SIGNIN_ADDRESS_FAILURE_LIMIT recent
failures on any accounts, so trying one password on many accounts fails. "Recent" means within
AXES_COOLOFF_TIME (None: until an administrator unlocks). The same rules guard the admin login.
"""

from __future__ import annotations

import ipaddress
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Lock an account after AXES_FAILURE_LIMIT failures, an address after SIGNIN_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        """Return the recent failures on the account being signed in to, from every address."""
        username = get_client_username(request, credentials)
        return _recent_failures(request, username=username) if username else 0

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or _address_is_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        # Axes records the failure and locks the account if it reached its limit; the address is ours.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if _address_is_locked(request):
            log.warning("Sign-in locked for address %s after repeated failures.", request.axes_ip_address)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def reset_user_attempts(self, request, credentials=None) -> int:
        """Forget the failures on an account once its person signs in (the address's others stand)."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def _recent_failures(request: HttpRequest, **lookup) -> int:
    attempts = AccessAttempt.objects.filter(**lookup)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _address_is_locked(request: HttpRequest) -> bool:
    if not settings.AXES_LOCK_OUT_AT_FAILURE:
        return False
    failures = _recent_failures(request, ip_address=request.axes_ip_address)
    return failures >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT


def client_address(request: HttpRequest) -> str | None:
    """Return the address a request came from, as the nearest trusted proxy saw it.

    Each proxy appends the address it was reached from to X-Forwarded-For, so with N trusted
    proxies the client is the Nth entry from the right; anything further left could be made up by
    the client. Without trusted proxies, or when the header is short or odd, the connection's own
    address is used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.SIGNIN_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_message(request: HttpRequest | None = None) -> str:
    """Say that sign-in is locked, and when it lifts; the same words whichever limit was reached."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return _("Sign-in is locked after too many failed attempts. Ask an administrator to unlock it.")
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return ngettext(
        "Sign-in is locked after too many failed attempts. Try again in %(minutes)d minute, "
        "or ask an administrator to unlock it.",
        "Sign-in is locked after too many failed attempts. Try again in %(minutes)d minutes, "
        "or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Show the sign-in page again with the lock as its error (AXES_LOCKOUT_CALLABLE); 429 Too Many Requests.

    The form is unbound, so showing it checks no password; the username typed stays filled in.
    """
    username = get_client_username(request, credentials) or ""
    redirect_to = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path_info == reverse("admin:login"):
        form = _form_with_error(AdminAuthenticationForm(request, initial={"username": username}), request)
        context = {
            **admin_site.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": username,
            "form": form,
            REDIRECT_FIELD_NAME: redirect_to,
        }
        return render(request, "admin/login.html", context, status=status)
    form = _form_with_error(AuthenticationForm(request, initial={"username": username}), request)
    context = {"form": form, REDIRECT_FIELD_NAME: redirect_to}
    return render(request, "registration/login.html", context, status=status)


def _form_with_error(form: AuthenticationForm, request: HttpRequest) -> AuthenticationForm:
    form.cleaned_data = {}  # add_error expects it; an unbound form never cleans
    form.add_error(None, lockout_message(request))
    return form


def sign_in_unlock(*, username: str) -> int:
    """Lift the lock on the account `username` at once; return how many failure records were cleared."""
    return AxesProxyHandler.reset_attempts(username=username)
