"""Search across inspections, findings, notices and requirements."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search, name="search"),
]
