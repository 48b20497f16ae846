"""Escalate requirements overdue beyond the threshold; run it once a day (cron or a systemd timer)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intervention import escalation_services
from intervention.management.cli import OneLineErrorCommand, parse_date


class Command(OneLineErrorCommand):
    help = _(
        "Escalate each requirement overdue by more than ESCALATION_AFTER_WORKING_DAYS working days "
        "(default 10) to the council's senior contacts and the Welsh Government lead for the case, "
        "and email them. Each requirement is escalated once per due date, however often this runs."
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
        escalations = escalation_services.escalate_overdue_requirements(today=today)
        for escalation in escalations:
            self.stdout.write(
                _("Escalated: %(reason)s (%(count)s people addressed)")
                % {"reason": escalation.reason, "count": escalation.recipients.count()}
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
