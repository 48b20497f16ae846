"""URLs of the intervention pages: drafting a notice (urls_drafting) and working it (urls_casework)."""

from . import urls_casework, urls_drafting

app_name = "intervention"

urlpatterns = [*urls_drafting.urlpatterns, *urls_casework.urlpatterns]
