"""URLs of the intervention pages, one module per part of the work."""

from .cases import urls as cases
from .casework import urls as casework
from .corrections import urls as corrections
from .drafting import urls as drafting
from .escalations import urls as escalations
from .feeds import urls as feeds
from .notices import urls as notices
from .notifications import urls as notifications
from .obligations import urls as obligations
from .powers import urls as powers
from .search import urls as search

app_name = "intervention"

urlpatterns = [
    *drafting.urlpatterns,  # drafting and issuing a notice
    *notices.urlpatterns,  # an issued notice and the Ministers' decisions on it
    *casework.urlpatterns,  # the council's work on a notice and the decisions on it
    *obligations.urlpatterns,  # recording what happened to something owed
    *powers.urlpatterns,  # the power to intervene and directions under it
    *cases.urlpatterns,  # the cases, a case on one page, as it stood on a date, and its chronology
    *search.urlpatterns,  # search across inspections, findings, notices and requirements
    *escalations.urlpatterns,  # serious matters and their acknowledgement
    *feeds.urlpatterns,  # private calendar feeds
    *corrections.urlpatterns,  # correcting a recorded fact, with a reason
    *notifications.urlpatterns,  # a person's notifications of hand-offs, and how they are emailed
]
