from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="edit"),
    path("<int:pk>/history/", views.inspection_history, name="history"),
    path("<int:pk>/findings/add/", views.finding_add, name="finding_add"),
    path("<int:pk>/findings/<int:finding_pk>/edit/", views.finding_edit, name="finding_edit"),
    path("<int:pk>/findings/<int:finding_pk>/delete/", views.finding_delete, name="finding_delete"),
    path("<int:pk>/recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path(
        "<int:pk>/recommendations/<int:recommendation_pk>/edit/",
        views.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "<int:pk>/recommendations/<int:recommendation_pk>/delete/",
        views.recommendation_delete,
        name="recommendation_delete",
    ),
    # One confirmation page per transition, named after it (inspections:publish ...).
    *[
        path(
            f"<int:pk>/{action.replace('_', '-')}/",
            views.inspection_transition,
            {"action": action},
            name=action,
        )
        for action in views.STEPS
    ],
]
