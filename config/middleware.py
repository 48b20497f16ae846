"""Limits on what a request may send, and the security headers of every response.

Settings in config/settings/limits.py, which also places these in MIDDLEWARE: the headers just
inside SecurityMiddleware (so that every page, error pages included, carries them), the request
limits last (once the person is known, and before anything reads the body).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

logger = logging.getLogger(__name__)


class RequestLimitsMiddleware:
    """Refuse a body too big for the person sending it (413), or not in UTF-8 (400), unread.

    A person who has not signed in (or not yet given their second factor) may send only
    MAX_ANONYMOUS_REQUEST_BYTES: signing in takes a few hundred bytes. Everyone else may send up
    to MAX_REQUEST_BYTES, the most that evidence (ten files of 20MB) takes. The check is on the
    declared Content-Length, so nothing of a refused body is read or parsed.

    Django refuses a form declaring another charset, but its 400 page reads the form again and
    fails, so the person got a 500 page: the charset is checked here instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        charset = request.content_params.get("charset")
        if charset is not None and not is_utf8(charset):
            logger.warning("Request refused: body declared in charset %r, not UTF-8", charset[:40])
            return render(request, "400.html", status=400)
        length = content_length(request)
        if length is None:
            logger.warning("Request refused: Content-Length is not a length")
            return render(request, "400.html", status=400)
        limit = self.limit_for(request)
        if length > limit:
            logger.warning("Request refused: body of %s bytes, over the limit of %s", length, limit)
            return render(request, "413.html", {"limit": size_label(limit)}, status=413)
        return self.get_response(request)

    @staticmethod
    def limit_for(request: HttpRequest) -> int:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and not getattr(request, "second_factor_pending", False):
            return settings.MAX_REQUEST_BYTES
        return settings.MAX_ANONYMOUS_REQUEST_BYTES


def is_utf8(charset: str) -> bool:
    """Return True if `charset` is "utf-8", in any case: the one spelling Django reads a form in."""
    return charset.strip().lower() == "utf-8"


def size_label(size: int) -> str:
    """Return a size as people read it: 210MB, 64KB."""
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)}MB"
    return f"{max(size // 1024, 1)}KB"


def content_length(request: HttpRequest) -> int | None:
    """Return the body's declared length (0 if none), or None if the header is not a length."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    if not value.isdigit():
        return None
    return int(value)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with CONTENT_SECURITY_POLICY_PATH_UPDATES added under their paths.

    The one relaxation is for the admin: django-simple-history's history page has a style
    attribute, allowed by its hash there and nowhere else.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.update is not None:
            return parts
        for prefix, update in getattr(settings, "CONTENT_SECURITY_POLICY_PATH_UPDATES", {}).items():
            if request.path_info.startswith(prefix):
                parts.update = update
                break
        return parts


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header: the browser features no page here may use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """Return the header value for {feature: allowed origins}, e.g. {"camera": []} -> "camera=()"."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())
