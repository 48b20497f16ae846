"""Administrator's actions on people: lift a sign-in lock, and remove a lost second factor."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import lockout, second_factor


@admin.action(description=_("Unlock sign-in for the selected people"), permissions=["change"])
def unlock_sign_in(modeladmin, request, queryset) -> None:
    for user in queryset:
        lockout.sign_in_unlock(username=user.get_username())
        modeladmin.log_change(request, user, "Unlocked sign-in")
    count = len(queryset)
    modeladmin.message_user(
        request,
        ngettext("Sign-in unlocked for %(count)d person.", "Sign-in unlocked for %(count)d people.", count)
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(
    description=_("Reset two-step verification for the selected people (lost phone)"), permissions=["change"]
)
def reset_second_factor(modeladmin, request, queryset) -> None:
    for user in queryset:
        second_factor.second_factor_reset(user=user)
        modeladmin.log_change(request, user, "Reset two-step verification")
    count = len(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "Two-step verification reset for %(count)d person. If their role needs it, they are asked "
            "to set it up again when they next sign in.",
            "Two-step verification reset for %(count)d people. If their role needs it, they are asked "
            "to set it up again when they next sign in.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )
