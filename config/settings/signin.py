"""Sign-in: lockout of repeated failures, the second factor and password rules (imported by base).

base.py adds SIGNIN_APPS and SIGNIN_MIDDLEWARE to its lists; every other name here is a setting.
"""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

# base is still being read when it imports this module; its env helpers are already defined.
from .base import env_bool, env_int, env_list

SIGNIN_APPS = [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts.signin",
]

# After AuthenticationMiddleware (base's list): OTPMiddleware marks a session verified by a second
# factor, then SecondFactorMiddleware refuses every page to a session that still owes one. Axes
# turns a locked-out sign-in into the sign-in page with its message.
SIGNIN_MIDDLEWARE = [
    "django_otp.middleware.OTPMiddleware",
    "accounts.signin.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Axes refuses a locked-out sign-in before the password is checked, so it comes first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout ---------------------------------------------------------------------------------------
# An account is locked after AXES_FAILURE_LIMIT failed sign-ins, from any address; an address (IP)
# after SIGNIN_ADDRESS_FAILURE_LIMIT failures, for any accounts. Failures older than the cool-off
# stop counting, so a lock lifts by itself after SIGNIN_LOCKOUT_MINUTES (0: only an administrator
# can lift it). A successful sign-in forgets that account's failures.
AXES_FAILURE_LIMIT = env_int("DJANGO_SIGNIN_ACCOUNT_FAILURE_LIMIT", 5)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_SIGNIN_ADDRESS_FAILURE_LIMIT", 30)
SIGNIN_LOCKOUT_MINUTES = env_int("DJANGO_SIGNIN_LOCKOUT_MINUTES", 30)
if AXES_FAILURE_LIMIT < 1 or SIGNIN_ADDRESS_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("Sign-in failure limits must be 1 or more.")
if SIGNIN_LOCKOUT_MINUTES < 0:
    raise ImproperlyConfigured("DJANGO_SIGNIN_LOCKOUT_MINUTES cannot be negative.")
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES) if SIGNIN_LOCKOUT_MINUTES else None
# The number of reverse proxies in front of the app that append to X-Forwarded-For. 0 trusts only
# the connection's own address; behind a proxy that address is the proxy's, shared by everyone.
SIGNIN_TRUSTED_PROXY_COUNT = env_int("DJANGO_SIGNIN_TRUSTED_PROXY_COUNT", 0)
if SIGNIN_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_SIGNIN_TRUSTED_PROXY_COUNT cannot be negative.")

AXES_HANDLER = "accounts.signin.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.signin.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused without being counted, so the lock lifts on time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# The second factor -----------------------------------------------------------------------------
# People who must use two-step verification (when SECOND_FACTOR_REQUIRED is on): these roles, and
# everyone who may use the Django admin. Everyone else may turn it on for themselves.
SECOND_FACTOR_REQUIRED = env_bool("DJANGO_SECOND_FACTOR_REQUIRED", True)
SECOND_FACTOR_REQUIRED_ROLES = env_list(
    "DJANGO_SECOND_FACTOR_REQUIRED_ROLES", ["wg_official", "administrator"]
)
SECOND_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Statutory intervention tracker"
# The admin pages of django-otp never show a device's secret key or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Passwords, as the NCSC advises: length over complexity, common passwords refused, no composition
# rules (so no NumericPasswordValidator) and no expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
