from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Statutory intervention tracker")
admin.site.site_title = _("Statutory intervention tracker")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.signin.urls")),
    path("inspections/", include("inspections.urls")),
    path("", include("intervention.urls")),
    path("admin/", admin.site.urls),
]
