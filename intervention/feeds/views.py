"""Private calendar feeds of deadlines: the page to manage one, and the feed calendar apps read.

The feed is read by calendar apps, which cannot sign in: its secret address is the credential.
An unknown, turned-off or stale address answers 404 like any other missing page, so the answer
says nothing about whether the address ever existed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import feeds
from intervention.feeds import ics
from intervention.feeds.forms import CalendarFeedAction
from intervention.obligations import selectors as obligation_selectors

SERVICES = {
    CalendarFeedAction.TURN_ON: feeds.calendar_feed_turn_on,
    CalendarFeedAction.RENEW: feeds.calendar_feed_renew,
    CalendarFeedAction.TURN_OFF: feeds.calendar_feed_turn_off,
}


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_feed_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not feeds.can_have_calendar_feed(user):
        raise PermissionDenied(feeds.NOT_ALLOWED)
    if request.method != "POST":
        return _settings_page(request, CalendarFeedAction())
    form = CalendarFeedAction(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    action = form.cleaned_data["action"]
    try:
        token = SERVICES[action](user=user)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _settings_page(request, form, status=409)
    if action == CalendarFeedAction.TURN_OFF:
        messages.success(request, _("Your calendar feed is off. Its address no longer works."))
        return redirect("intervention:calendar_feed_settings")
    if action == CalendarFeedAction.RENEW:
        messages.success(request, _("Your calendar feed has a new address. The old address no longer works."))
    else:
        messages.success(request, _("Your calendar feed is on."))
    # The address is shown only in this response: its secret is not stored, only its hash.
    feed_url = request.build_absolute_uri(reverse("intervention:calendar_feed", args=[token]))
    return _settings_page(request, CalendarFeedAction(), feed_url=feed_url)


def _settings_page(
    request: HttpRequest, form: CalendarFeedAction, *, feed_url: str | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "feed": feeds.feed_for_user(request.user),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        "actions": CalendarFeedAction,
    }
    return render(request, "intervention/calendar_feed.html", context, status=status)


@never_cache
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = feeds.live_feed_for_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    owed = obligation_selectors.owed_to_user(user).filter(due_on__isnull=False).order_by("due_on", "id")
    obligations = obligation_selectors.with_status(owed, today=timezone.localdate())
    organisation = user.organisation.name if user.organisation else ""
    body = ics.obligations_calendar(
        obligations,
        name=_("Statutory intervention deadlines: %(organisation)s") % {"organisation": organisation},
        host=split_domain_port(request.get_host())[0] or "localhost",
        notice_url=lambda pk: request.build_absolute_uri(reverse("intervention:notice_detail", args=[pk])),
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
