"""URLs of the pages where a Welsh Government official drafts and issues a warning notice."""

from django.urls import path

from .views import drafting

DRAFT = "notices/<int:pk>/draft/"

urlpatterns = [
    path("inspections/<int:inspection_pk>/notices/new/", drafting.notice_start, name="notice_start"),
    path(DRAFT, drafting.notice_draft_overview, name="draft_overview"),
    path(f"{DRAFT}details/", drafting.notice_edit_details, name="notice_edit_details"),
    path(f"{DRAFT}grounds/", drafting.notice_grounds, name="notice_grounds"),
    path(f"{DRAFT}functions/", drafting.notice_functions, name="notice_functions"),
    path(f"{DRAFT}requirements/", drafting.notice_requirements, name="notice_requirements"),
    path(f"{DRAFT}requirements/add/", drafting.requirement_add, name="requirement_add"),
    path(
        f"{DRAFT}requirements/powys-template/",
        drafting.requirements_from_template,
        name="requirements_from_template",
    ),
    path(f"{DRAFT}requirements/<int:requirement_pk>/", drafting.requirement_edit, name="requirement_edit"),
    path(
        f"{DRAFT}requirements/<int:requirement_pk>/remove/",
        drafting.requirement_remove,
        name="requirement_remove",
    ),
    path(f"{DRAFT}compliance/", drafting.notice_compliance, name="notice_compliance"),
    path(f"{DRAFT}minded-to/", drafting.notice_minded_to, name="notice_minded_to"),
    path(f"{DRAFT}preview/", drafting.notice_preview, name="notice_preview"),
    path(f"{DRAFT}issue/", drafting.notice_issue, name="notice_issue"),
]
