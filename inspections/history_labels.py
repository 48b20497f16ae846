"""What people call the actions inspections' services record in the history.

Transitions need no entry: their own custom["label"] names them; "create", "update" and "delete"
are named in accounts.history. Registered from InspectionsConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from accounts.history import register_action_labels

ACTION_LABELS = {
    "add fieldwork period": _("Fieldwork period added"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
