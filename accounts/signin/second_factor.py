"""Two-step verification: a code from an authenticator app (TOTP), or a one-time recovery code.

django-otp keeps one TOTP device (the app's secret key) and one static device (the recovery
codes) per person. A session is verified once a code has been checked in it (django_otp.login);
OTPMiddleware then finds `request.user.is_verified()` true. At sign-in the session notes what the
person still owes (SESSION_NEED): nothing, a code, or setting the app up, and the middleware
holds every other page until it is done. Wrong codes slow down: django-otp doubles the wait after
each one (1, 2, 4... seconds) until a right code is entered.
"""

from __future__ import annotations

import math
import re
from base64 import b32encode
from typing import TYPE_CHECKING

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User

# What a signed-in session still owes, noted at sign-in.
SESSION_NEED = "signin_second_factor"
NOTHING = "nothing"
CODE = "code"
SET_UP = "set_up"

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

TOTP_PATTERN = re.compile(r"\d{6}")
# StaticToken.random_token(): 8 characters of base32 (40 random bits), lower case.
RECOVERY_CODE_PATTERN = re.compile(r"[a-z2-7]{8}")

CODE_FORMAT = _("Enter the 6-digit code from your authenticator app, or one of your recovery codes")
CODE_WRONG = _(
    "The code is not right. Enter the newest code from your authenticator app, "
    "or a recovery code you have not used before"
)
APP_CODE_FORMAT = _("Enter the 6-digit code from your authenticator app")
APP_CODE_WRONG = _(
    "The code is not right. Check the app shows this service and enter its newest 6-digit code"
)
TOO_MANY_WRONG = ngettext_lazy(
    "You have entered too many wrong codes. Wait %(seconds)d second, then try again",
    "You have entered too many wrong codes. Wait %(seconds)d seconds, then try again",
    "seconds",
)


# Who needs what --------------------------------------------------------------------------------


def is_required(user: User) -> bool:
    """Return True if `user` must use two-step verification (their role, or access to the admin)."""
    if not settings.SECOND_FACTOR_REQUIRED:
        return False
    return user.is_staff or user.is_superuser or user.role in settings.SECOND_FACTOR_REQUIRED_ROLES


def app_device(user: User) -> TOTPDevice | None:
    """Return `user`'s confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def need_at_sign_in(user: User) -> str:
    """Return what `user` owes after their password: a code if they have an app, else set-up if required."""
    if has_second_factor(user):
        return CODE
    if is_required(user):
        return SET_UP
    return NOTHING


def pending_step(request: HttpRequest) -> str | None:
    """Return CODE or SET_UP while the signed-in session still owes its second factor, else None."""
    user = request.user
    if not user.is_authenticated:
        return None
    need = request.session.get(SESSION_NEED)
    if need is None:
        # A session from before two-step verification existed, or changed by hand: ask again.
        need = request.session[SESSION_NEED] = need_at_sign_in(user)
    if need == NOTHING or user.is_verified():
        return None
    return need


def recheck_need(request: HttpRequest) -> str:
    """Work out again what the session owes (its app may have been removed or set up elsewhere)."""
    need = request.session[SESSION_NEED] = need_at_sign_in(request.user)
    return need


def is_verified(request: HttpRequest) -> bool:
    """Return True if a code has been checked in this session (so it may change the second factor)."""
    return request.user.is_authenticated and request.user.is_verified()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Setting the app up ----------------------------------------------------------------------------


def second_factor_start(*, user: User) -> TOTPDevice:
    """Return the app `user` is setting up: a new secret key, or the one shown to them before."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def second_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Turn on the app once it shows the right code; return new recovery codes (shown once)."""
    token = _normalise(code)
    if not TOTP_PATTERN.fullmatch(token):
        raise ValidationError({"code": APP_CODE_FORMAT}, code="format")
    _refuse_while_throttled(device)
    # Checked in its own transaction, so that a wrong code's slow-down is kept.
    if django_otp.verify_token(user, device.persistent_id, token) is None:
        raise ValidationError({"code": APP_CODE_WRONG}, code="wrong")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Make a fresh set of recovery codes for `user` (any earlier ones stop working); return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < settings.SECOND_FACTOR_RECOVERY_CODES:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


# Checking a code -------------------------------------------------------------------------------


def second_factor_verify(*, user: User, code: str) -> Device:
    """Return the device that accepts `code` (the app, or a recovery code, used up); else raise."""
    token = _normalise(code)
    if TOTP_PATTERN.fullmatch(token):
        device = app_device(user)
    elif RECOVERY_CODE_PATTERN.fullmatch(token):
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    else:
        raise ValidationError({"code": CODE_FORMAT}, code="format")
    if device is None:
        raise ValidationError({"code": CODE_WRONG}, code="wrong")
    _refuse_while_throttled(device)
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        raise ValidationError({"code": CODE_WRONG}, code="wrong")
    return verified


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Note in the session that its person has given their second factor (a new session key)."""
    request.session.cycle_key()
    django_otp.login(request, device)


def second_factor_turn_off(*, user: User, code: str) -> None:
    """Remove `user`'s app and recovery codes, once they prove they have one of them."""
    second_factor_verify(user=user, code=code)
    second_factor_reset(user=user)


@transaction.atomic
def second_factor_reset(*, user: User) -> None:
    """Remove `user`'s app and recovery codes (also an administrator's, for someone who lost their phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def forget_verification(request: HttpRequest, *, now_owes: str | None) -> None:
    """After the app is removed: the session is no longer verified, and owes `now_owes` or nothing."""
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.user.otp_device = None
    request.session[SESSION_NEED] = now_owes or NOTHING


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _refuse_while_throttled(device: Device) -> None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (details or {}).get("locked_until")
    seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
    raise ValidationError({"code": TOO_MANY_WRONG % {"seconds": max(seconds, 1)}}, code="throttled")


# Showing the secret key ------------------------------------------------------------------------


def secret_key_text(device: TOTPDevice) -> str:
    """Return the secret key as people type it into an app: base32 in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, *, label: str) -> SafeString:
    """Return the app's set-up address as an inline SVG QR code (drawn here: no request leaves)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=15)
    svg = image.get_image()
    svg.set("role", "img")
    svg.set("aria-label", str(label))
    svg.set("focusable", "false")
    # qrcode builds the SVG element by element from the address; no text in it is the visitor's.
    return mark_safe(image.to_string(encoding="unicode"))
