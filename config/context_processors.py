"""The service navigation, by role."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.feeds import can_have_calendar_feed
from accounts.permissions import has_casework_role
from intervention.notifications import selectors as notification_selectors
from intervention.permissions import can_view_escalations


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "second_factor_pending", False):
        return {}  # between the password and the second factor, no page but those is open
    items = [("home", _("Home"), reverse("home"))]
    if has_casework_role(user):
        items.append(("inspections", _("Inspections"), reverse("inspections:list")))
        items.append(("notices", _("Warning notices"), reverse("intervention:notice_list")))
        items.append(("cases", _("Cases"), reverse("intervention:case_list")))
        items.append(("search", _("Search"), reverse("intervention:search")))
    if can_view_escalations(user):
        items.append(("escalations", _("Escalations"), reverse("intervention:escalation_list")))
    if can_have_calendar_feed(user):
        items.append(("calendar_feed", _("Calendar feed"), reverse("intervention:calendar_feed_settings")))
    if user.is_staff:
        items.append(("admin", _("Administration"), reverse("admin:index")))
    items.append(("notifications", _("Notifications"), reverse("intervention:notification_list")))
    items.append(("account", _("Your account"), reverse("signin:account")))
    path = request.path
    result = []
    for key, label, url in items:
        active = path == url if key == "home" else path.startswith(url)
        result.append({"key": key, "label": label, "url": url, "active": active})
    unread = UnreadNotifications(user)
    for item in result:
        if item["key"] == "notifications":
            item["unread"] = unread
    return {"navigation": result, "unread_notifications": unread}


class UnreadNotifications:
    """The unread count beside "Notifications": one query, made only by a page that shows it."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        return notification_selectors.unread_count(self.user)

    @property
    def text(self) -> str:
        return ngettext("%(count)s unread", "%(count)s unread", self.count) % {"count": self.count}
