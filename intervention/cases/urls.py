"""The cases, and one case: its page, the case as it stood on a chosen day, and its chronology."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/as-at/", views.case_as_at, name="case_as_at"),
    path("cases/<int:pk>/chronology.csv", views.case_chronology, name="case_chronology"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/statements/new/", views.statement_record, name="statement_record"),
    path("cases/<int:pk>/boards/new/", views.board_establish, name="board_establish"),
    path("boards/<int:pk>/remit/", views.board_remit, name="board_remit"),
    path("boards/<int:pk>/stand-down/", views.board_stand_down, name="board_stand_down"),
    path("cases/<int:pk>/appointments/new/", views.appointment_record, name="appointment_record"),
    path("cases/<int:pk>/events/new/", views.event_record, name="event_record"),
    path("plans/<int:pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/progress/", views.milestone_report, name="milestone_report"),
]
