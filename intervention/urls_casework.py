"""Working an issued notice: Welsh Government's decisions and the council's submissions."""

from django.urls import path

from .views import casework, notices

urlpatterns = [
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/history/", notices.notice_history, name="notice_history"),
    path("notices/<int:pk>/record-laying/", casework.notice_record_laying, name="notice_record_laying"),
    path("notices/<int:pk>/record-report/", casework.notice_record_report, name="notice_record_report"),
    path("notices/<int:pk>/close/", casework.notice_close, name="notice_close"),
    path("notices/<int:pk>/withdraw/", casework.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/escalate/", casework.notice_escalate, name="notice_escalate"),
    path("requirements/<int:pk>/", casework.requirement_detail, name="requirement_detail"),
    path("requirements/<int:pk>/history/", casework.requirement_history, name="requirement_history"),
    path("requirements/<int:pk>/submit/", casework.requirement_submit, name="requirement_submit"),
    path("requirements/<int:pk>/accept/", casework.requirement_accept, name="requirement_accept"),
    path("requirements/<int:pk>/return/", casework.requirement_return, name="requirement_return"),
    path("requirements/<int:pk>/withdraw/", casework.requirement_withdraw, name="requirement_withdraw"),
    path("requirements/<int:pk>/breach/", casework.requirement_breach, name="requirement_breach"),
    path("plans/<int:pk>/submit/", casework.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/return/", casework.plan_return, name="plan_return"),
    path("plans/<int:pk>/agree/", casework.plan_agree, name="plan_agree"),
    path("board-reports/<int:pk>/submit/", casework.board_report_submit, name="board_report_submit"),
    path("interventions/<int:pk>/in-force/", casework.intervention_in_force, name="intervention_in_force"),
    path("interventions/<int:pk>/end/", casework.intervention_end, name="intervention_end"),
    path("evidence/<int:pk>/", casework.evidence_download, name="evidence_download"),
]
