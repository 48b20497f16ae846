from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("your-account/", views.account, name="account"),
    path("two-step/set-up/", views.setup, name="setup"),
    path("two-step/code/", views.verify, name="verify"),
    path("two-step/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-step/recovery-codes/new/", views.recovery_codes_replace, name="recovery_codes_replace"),
    path("two-step/turn-off/", views.turn_off, name="turn_off"),
]
