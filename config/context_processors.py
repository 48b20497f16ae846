"""The service navigation, by role."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.feeds import can_have_calendar_feed
from accounts.permissions import has_casework_role
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
    if can_view_escalations(user):
        items.append(("escalations", _("Escalations"), reverse("intervention:escalation_list")))
    if can_have_calendar_feed(user):
        items.append(("calendar_feed", _("Calendar feed"), reverse("intervention:calendar_feed_settings")))
    if user.is_staff:
        items.append(("admin", _("Administration"), reverse("admin:index")))
    items.append(("account", _("Your account"), reverse("signin:account")))
    path = request.path
    result = []
    for key, label, url in items:
        active = path == url if key == "home" else path.startswith(url)
        result.append({"key": key, "label": label, "url": url, "active": active})
    return {"navigation": result}
