"""The power to intervene and the directions under it."""

from django.urls import path

from . import views

urlpatterns = [
    path("notices/<int:pk>/determine/", views.power_determine, name="power_determine"),
    path("powers/<int:pk>/", views.power_detail, name="power_detail"),
    path("powers/<int:pk>/end/", views.power_end, name="power_end"),
    path("powers/<int:pk>/directions/new/", views.direction_give, name="direction_give"),
    path("directions/<int:pk>/", views.direction_detail, name="direction_detail"),
    path("directions/<int:pk>/vary/", views.direction_vary, name="direction_vary"),
    path("directions/<int:pk>/revoke/", views.direction_revoke, name="direction_revoke"),
    path("directions/<int:pk>/end/", views.direction_end, name="direction_end"),
    path("directions/<int:pk>/require/", views.direction_require, name="direction_require"),
]
