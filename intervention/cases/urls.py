"""An intervention case: its page, the case as it stood on a chosen day, and its chronology."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/as-at/", views.case_as_at, name="case_as_at"),
    path("cases/<int:pk>/chronology.csv", views.case_chronology, name="case_chronology"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/statements/new/", views.statement_record, name="statement_record"),
]
