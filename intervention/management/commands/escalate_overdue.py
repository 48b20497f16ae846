"""Escalate what councils owe that is overdue beyond the threshold; run it daily (cron or a systemd timer)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intervention.calendars import UnknownCalendarYear
from intervention.escalations import selectors as escalation_selectors
from intervention.escalations import services as escalation_services
from intervention.management.cli import OneLineErrorCommand, parse_date
from intervention.models import Escalation


class Command(OneLineErrorCommand):
    help = _(
        "Escalate each thing a council owes under a notice that is overdue by more than "
        "ESCALATION_AFTER_WORKING_DAYS working days (default 10) to the council's senior contacts and "
        "the Welsh Government lead for the case, and email them. Each is escalated once per due "
        "date, however often this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help=_("Run as of this date, YYYY-MM-DD (default: today's date in Wales).")
        )

    def handle(self, *args, **options) -> None:
        today = (
            parse_date(options["today"], how=_("Give --today as YYYY-MM-DD, for example 2017-11-29."))
            if options["today"] is not None
            else timezone.localdate()
        )
        try:
            escalations = escalation_services.escalate_overdue_obligations(today=today)
        except OverflowError as error:
            raise CommandError(
                _("That date is too close to the limits of the calendar (years 1 to 9999).")
            ) from error
        except UnknownCalendarYear as error:
            raise CommandError(error.messages[0]) from error
        # One query for how many people each was addressed to, however many were raised.
        counts = {}
        if escalations:
            counted = escalation_selectors.with_acknowledgement_counts(
                Escalation.objects.filter(pk__in=[e.pk for e in escalations])
            )
            counts = dict(counted.values_list("pk", "recipient_count"))
        for escalation in escalations:
            self.stdout.write(
                _("Escalated: %(reason)s (%(count)s people addressed)")
                % {"reason": escalation.reason, "count": counts[escalation.pk]}
            )
        self.stdout.write(
            ngettext(
                "%(count)s escalation raised as of %(date)s (threshold: more than %(days)s working days).",
                "%(count)s escalations raised as of %(date)s (threshold: more than %(days)s working days).",
                len(escalations),
            )
            % {
                "count": len(escalations),
                "date": today.isoformat(),
                "days": settings.ESCALATION_AFTER_WORKING_DAYS,
            }
        )
