"""URLs of the intervention pages, one module per area of work."""

from . import urls_cases, urls_casework, urls_drafting, urls_escalations, urls_feeds

app_name = "intervention"

urlpatterns = [
    *urls_drafting.urlpatterns,  # drafting and issuing a notice
    *urls_casework.urlpatterns,  # working an issued notice
    *urls_cases.urlpatterns,  # a case, as it stood on a date, and its chronology
    *urls_escalations.urlpatterns,  # serious matters and their acknowledgement
    *urls_feeds.urlpatterns,  # private calendar feeds
]
