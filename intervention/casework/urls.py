"""The council's work on a notice (requirements, the plan, Board reports) and the decisions on it."""

from django.urls import path

from . import views

urlpatterns = [
    path("requirements/<int:pk>/", views.requirement_detail, name="requirement_detail"),
    path("requirements/<int:pk>/history/", views.requirement_history, name="requirement_history"),
    path("requirements/<int:pk>/submit/", views.requirement_submit, name="requirement_submit"),
    path("requirements/<int:pk>/accept/", views.requirement_accept, name="requirement_accept"),
    path("requirements/<int:pk>/return/", views.requirement_return, name="requirement_return"),
    path("requirements/<int:pk>/withdraw/", views.requirement_withdraw, name="requirement_withdraw"),
    path("requirements/<int:pk>/breach/", views.requirement_breach, name="requirement_breach"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("plans/<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("board-reports/<int:pk>/submit/", views.board_report_submit, name="board_report_submit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
