"""Recording what happened to something owed under a notice."""

from django.urls import path

from . import views

urlpatterns = [
    path("obligations/<int:pk>/record-done/", views.obligation_record_done, name="obligation_record_done"),
]
