"""URLs of the pages where a Welsh Government official drafts and issues a warning notice."""

from django.urls import path

from . import views

DRAFT = "notices/<int:pk>/draft/"

urlpatterns = [
    path("inspections/<int:inspection_pk>/notices/new/", views.notice_start, name="notice_start"),
    path(DRAFT, views.notice_draft_overview, name="draft_overview"),
    path(f"{DRAFT}details/", views.notice_edit_details, name="notice_edit_details"),
    path(f"{DRAFT}grounds/", views.notice_grounds, name="notice_grounds"),
    path(f"{DRAFT}functions/", views.notice_functions, name="notice_functions"),
    path(f"{DRAFT}requirements/", views.notice_requirements, name="notice_requirements"),
    path(f"{DRAFT}requirements/add/", views.requirement_add, name="requirement_add"),
    path(
        f"{DRAFT}requirements/from-template/",
        views.requirements_from_template,
        name="requirements_from_template",
    ),
    path(f"{DRAFT}requirements/<int:requirement_pk>/", views.requirement_edit, name="requirement_edit"),
    path(
        f"{DRAFT}requirements/<int:requirement_pk>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path(f"{DRAFT}compliance/", views.notice_compliance, name="notice_compliance"),
    path(f"{DRAFT}ministers-duties/", views.notice_ministers_duties, name="notice_ministers_duties"),
    path(f"{DRAFT}variations/", views.notice_variations, name="notice_variations"),
    path(f"{DRAFT}variations/<int:requirement_pk>/", views.variation_edit, name="variation_edit"),
    path(f"{DRAFT}carry-over/", views.notice_carry_over, name="notice_carry_over"),
    path(f"{DRAFT}minded-to/", views.notice_minded_to, name="notice_minded_to"),
    path(f"{DRAFT}preview/", views.notice_preview, name="notice_preview"),
    path(f"{DRAFT}issue/", views.notice_issue, name="notice_issue"),
]
