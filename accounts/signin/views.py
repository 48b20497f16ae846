"""The two-step verification pages: your account, setting the app up, the code at sign-in,
recovery codes, and turning it off.

A person with an app must have given a code in this session before they may change anything here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.web import add_validation_error

from . import second_factor
from .forms import AppCodeForm, CodeForm

# New recovery codes wait here between the page that makes them and the one page that shows them.
NEW_CODES = "signin_new_recovery_codes"


def next_url(request: HttpRequest) -> str:
    """Return where to go after this step: the `next` asked for if it is on this site, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_second_factor": second_factor.has_second_factor(user),
        "is_required": second_factor.is_required(user),
        "codes_left": second_factor.recovery_codes_left(user),
    }
    return render(request, "signin/account.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if second_factor.recheck_need(request) == second_factor.CODE:
        if second_factor.is_verified(request):
            return redirect("signin:account")
        return redirect_to_login(next_url(request), reverse("signin:verify"))
    device = second_factor.second_factor_start(user=user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.second_factor_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            second_factor.mark_verified(request, device)
            request.session[NEW_CODES] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(
                f"{reverse('signin:recovery_codes')}?{urlencode({'next': next_url(request)}, safe='/')}"
            )
    context = {
        "form": form,
        "qr_code": second_factor.qr_code_svg(device, label=_("QR code to scan with your authenticator app")),
        "secret_key": second_factor.secret_key_text(device),
        "is_required": second_factor.is_required(user),
        "next": next_url(request),
    }
    return render(request, "signin/setup.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if second_factor.is_verified(request):
        return redirect(next_url(request))
    need = second_factor.recheck_need(request)
    if need == second_factor.SET_UP:
        return redirect_to_login(next_url(request), reverse("signin:setup"))
    if need == second_factor.NOTHING:
        return redirect(next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            second_factor.mark_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.info(request, recovery_code_used_message(second_factor.recovery_codes_left(user)))
            return redirect(next_url(request))
    context = {"form": form, "next": next_url(request)}
    return render(request, "signin/verify.html", context, status=400 if form.errors else 200)


def recovery_code_used_message(left: int) -> str:
    return ngettext(
        "You used a recovery code. You have %(count)d recovery code left: you can make new ones "
        "from Your account.",
        "You used a recovery code. You have %(count)d recovery codes left: you can make new ones "
        "from Your account.",
        left,
    ) % {"count": left}


@login_required
@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes, once: they leave the session as the page is made."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("signin:account")
    return render(request, "signin/recovery_codes.html", {"codes": codes, "next": next_url(request)})


@login_required
@never_cache
@require_POST
def recovery_codes_replace(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not second_factor.has_second_factor(user):
        return redirect("signin:account")
    if not second_factor.is_verified(request):
        return redirect_to_login(reverse("signin:account"), reverse("signin:verify"))
    request.session[NEW_CODES] = second_factor.recovery_codes_replace(user=user)
    messages.success(request, _("You have new recovery codes. The old ones no longer work."))
    return redirect("signin:recovery_codes")


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not second_factor.has_second_factor(user):
        return redirect("signin:account")
    if not second_factor.is_verified(request):
        return redirect_to_login(request.get_full_path(), reverse("signin:verify"))
    is_required = second_factor.is_required(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.second_factor_turn_off(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            second_factor.forget_verification(request, now_owes=second_factor.SET_UP if is_required else None)
            if is_required:
                messages.info(request, _("Now set up two-step verification with your new app."))
                return redirect("signin:setup")
            messages.success(request, _("Two-step verification is off."))
            return redirect("signin:account")
    context = {"form": form, "is_required": is_required}
    return render(request, "signin/turn_off.html", context, status=400 if form.errors else 200)
