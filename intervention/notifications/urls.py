"""A person's notifications: the list, opening one, marking all read, and how they are emailed."""

from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path(
        "notifications/mark-all-read/", views.notifications_mark_all_read, name="notifications_mark_all_read"
    ),
    path("notifications/emails/", views.notification_preferences, name="notification_preferences"),
]
