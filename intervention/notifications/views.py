"""A person's notifications: only their own (anyone else's answers 404), newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.web import paginate

from . import selectors, services
from .forms import EmailPreferenceForm


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notifications_for_user(request.user)
    # The unread count is the header's (config.context_processors), read once for both.
    return render(
        request, "intervention/notifications/notification_list.html", paginate(request, notifications)
    )


@login_required
@require_safe
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to the thing it is about."""
    notification = get_object_or_404(selectors.notifications_for_user(request.user), pk=pk)
    services.notification_open(notification=notification, by=request.user)
    if url_has_allowed_host_and_scheme(
        notification.path, allowed_hosts=None
    ) and notification.path.startswith("/"):
        return redirect(notification.path)
    return redirect("intervention:notification_list")


@login_required
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.", "%(count)s notifications marked as read.", count
            )
            % {"count": count},
        )
    return redirect("intervention:notification_list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    initial = {"email_frequency": selectors.email_frequency(request.user)}
    form = EmailPreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your choice of emails has been saved."))
        return redirect("intervention:notification_list")
    return render(request, "intervention/notifications/notification_preferences.html", {"form": form})
