"""Escalations of serious matters: the list, one escalation, and acknowledging it."""

from django.urls import path

from .views import escalations

urlpatterns = [
    path("escalations/", escalations.escalation_list, name="escalation_list"),
    path("escalations/<int:pk>/", escalations.escalation_detail, name="escalation_detail"),
    path(
        "escalations/<int:pk>/acknowledge/",
        escalations.escalation_acknowledge,
        name="escalation_acknowledge",
    ),
]
