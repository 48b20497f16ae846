"""What several intervention models share: the legislature's name on a date, and condition messages."""

import datetime

from django.utils.translation import gettext_lazy as _

# The Senedd and Elections (Wales) Act 2020 renamed the legislature with effect from this date.
SENEDD_RENAMED_ON = datetime.date(2020, 5, 6)


def legislature_name(on: datetime.date) -> str:
    """Return the name of the Welsh legislature as it was on `on`."""
    if on < SENEDD_RENAMED_ON:
        return str(_("the National Assembly for Wales"))
    return str(_("Senedd Cymru"))


def condition(message):
    """Attach the sentence a person sees when this transition condition is not met."""

    def decorate(func):
        func.message = message
        return func

    return decorate
