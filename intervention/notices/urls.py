"""An issued notice: the list, its page and history, and the Ministers' decisions on it."""

from django.urls import path

from . import document_views, views

urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/history/", views.notice_history, name="notice_history"),
    path("notices/<int:pk>/document/", document_views.notice_document_page, name="notice_document"),
    path("notices/<int:pk>/document.pdf", document_views.notice_document_pdf, name="notice_document_pdf"),
    path("notices/<int:pk>/record-laying/", views.notice_record_laying, name="notice_record_laying"),
    path("notices/<int:pk>/record-report/", views.notice_record_report, name="notice_record_report"),
    path("notices/<int:pk>/extend/", views.notice_extend, name="notice_extend"),
    path(
        "notices/<int:pk>/board-report-schedule/", views.notice_board_schedule, name="notice_board_schedule"
    ),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
]
