"""Private calendar feeds: the settings page (signed in) and the feed itself (secret address, no session)."""

from django.urls import path, register_converter

from accounts.feeds import TOKEN_PATTERN

from . import views


class FeedTokenConverter:
    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedTokenConverter, "feedtoken")

urlpatterns = [
    path("calendar-feed/", views.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/<feedtoken:token>.ics", views.calendar_feed, name="calendar_feed"),
]
