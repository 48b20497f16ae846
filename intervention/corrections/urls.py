"""Correcting a recorded fact."""

from django.urls import path

from . import views

urlpatterns = [
    path("corrections/<slug:fact>/<int:pk>/", views.fact_correct, name="fact_correct"),
]
