"""What people call the actions intervention's services record in the history.

The services write each history row's reason as an English action code ("update draft",
"deadline set on issue"); accounts.history shows these labels instead. Transitions need no entry
here: their own custom["label"] names them. Registered from InterventionConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from accounts.history import register_action_labels

ACTION_LABELS = {
    # Drafting a notice (services.py)
    "update draft": _("Draft changed"),
    "set ground": _("Ground and reasons set"),
    "remove ground": _("Ground removed"),
    # What issuing a notice sets up (services.py)
    "computed on issue": _("Deadline worked out when the notice was issued"),
    "opened on issue": _("Opened when the notice was issued"),
    "deadline set on issue": _("Deadline set when the notice was issued"),
    "slot opened on issue": _("Board report expected, set when the notice was issued"),
    # Deadlines met (services.py)
    "laying recorded": _("Met: the notice was laid"),
    "report recorded": _("Met: the report was made"),
    "requirement accepted": _("Met: the requirement was accepted"),
    "compliance requirements settled": _("Met: every requirement due by the end of the period was settled"),
    "improvement plan submitted": _("Met: the improvement plan was submitted"),
    "improvement plan returned": _("Reopened: the improvement plan was returned"),
    "Board report submitted": _("Met: the Board report was submitted"),
    # Evidence and decisions (services.py)
    "submitted": _("Evidence submitted"),
    "uploaded": _("File uploaded"),
    "accepted": _("Accepted"),
    "returned": _("Returned to the council"),
    "proposed": _("Intervention proposed"),
    # Escalations and reminders (escalation_services.py, reminders.py)
    "raised": _("Escalation raised"),
    "addressed": _("Addressed to them"),
    "emailed": _("Emailed"),
    "reminded": _("Reminded by email"),
    "reminder sent": _("Reminder sent"),
    # Demo data (demo/powys_2017.py)
    "reference data": _("Reference data loaded"),
    "demo user": _("Demonstration account created"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
