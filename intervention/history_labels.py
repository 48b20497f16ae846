"""What people call the actions intervention's services record in the history.

The services write each history row's reason as an English action code ("update draft",
"deadline set on issue"); accounts.history shows these labels instead. Transitions need no entry
here: their own custom["label"] names them. Registered from InterventionConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from accounts.history import register_action_labels

ACTION_LABELS = {
    # Drafting a notice (drafting/services.py)
    "update draft": _("Draft changed"),
    "set ground": _("Ground and reasons set"),
    "remove ground": _("Ground removed"),
    "set": _("Change to a requirement set"),
    "decided": _("Decided: carried over or closed"),
    # What issuing a notice sets up (drafting/services.py, obligations/services.py)
    "opened": _("Owed from the day the notice was given"),
    "opened on issue": _("Opened when the notice was issued"),
    "scheduled": _("Scheduled by the notice's terms"),
    "applied": _("Applied when the addendum was given"),
    "amended by addendum": _("Amended by an addendum"),
    # Changes to what is owed (obligations/services.py, notices/services.py)
    "date moved": _("Due date moved"),
    "compliance period worked out again": _("Compliance period worked out again"),
    "carried over to": _("Carried over to a follow-up notice"),
    "withdrawn": _("Requirement withdrawn"),
    # Evidence and documents (casework/services.py)
    "submitted": _("Submitted"),
    "uploaded": _("File uploaded"),
    "accepted": _("Accepted"),
    "returned": _("Returned to the council"),
    "determined": _("Power to intervene determined"),
    "given": _("Direction given"),
    "varied": _("Direction varied"),
    "recorded": _("Recorded"),
    "established": _("Board established"),
    "stood down": _("Board stood down"),
    "remit changed": _("Remit changed"),
    "failed functions": _("Failed functions set"),
    "added": _("Added"),
    "progress reported": _("Progress reported"),
    # Escalations and reminders (escalations/services.py, reminders/services.py)
    "raised": _("Escalation raised"),
    "addressed": _("Addressed to them"),
    "emailing": _("Email being sent"),
    "emailed": _("Emailed"),
    "email failed": _("Email failed"),
    "reminding": _("Reminder being sent"),
    "reminded": _("Reminded by email"),
    "reminder failed": _("Reminder failed"),
    "reminder sent": _("Reminder sent"),
    # The calendar (obligations/services.py, the admin)
    "admin add": _("Added in the administration pages"),
    "admin change": _("Changed in the administration pages"),
    "admin delete": _("Removed in the administration pages"),
    # Records converted from before obligations existed (migration 0007)
    "converted from the record kept before obligations": _("Converted from the earlier record"),
    # Demo data (demo/powys_2017.py)
    "reference data": _("Reference data loaded"),
    "demo user": _("Demonstration account created"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
