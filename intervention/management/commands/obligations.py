"""List every obligation of every notice given by a date, as it stood at the end of that day.

For the people who report on interventions: one row per thing owed, with who owes it, when it was
due, its status (the codes of obligations/status.py) and, if met, when and how late. The past is
rebuilt from each obligation's history (asat/), the same code as the case-as-it-stood page.
"""

from __future__ import annotations

import csv

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OrganisationKind
from accounts.models import Organisation
from intervention import asat
from intervention.calendars import UnknownCalendarYear
from intervention.management.cli import OneLineErrorCommand, first_line, parse_date
from intervention.models import WarningNotice
from intervention.obligations import status as rules

HEADER = ["council", "notice", "obligation", "owed_by", "due", "status", "met_on", "days_late"]
FORMATS = ("table", "csv")


class Command(OneLineErrorCommand):
    help = _(
        "List every obligation of every notice given by a date, as it stood at the end of that day: "
        "council, notice, obligation, owed by (council or ministers), due date, status, met on and "
        "working days late."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-at", dest="as_at", help=_("The day, YYYY-MM-DD (default: today's date in Wales).")
        )
        parser.add_argument("--council", help=_("Only this council: its name or its code, e.g. powys."))
        parser.add_argument("--format", default="table", help=_("table (the default) or csv."))

    def handle(self, *args, **options) -> None:
        day = (
            parse_date(options["as_at"], how=_("Give --as-at as YYYY-MM-DD, for example 2017-11-15."))
            if options["as_at"] is not None
            else timezone.localdate()
        )
        if day > timezone.localdate():
            raise CommandError(_("--as-at cannot be in the future: the record says nothing about it yet."))
        output = (options["format"] or "").strip().lower()
        if output not in FORMATS:
            raise CommandError(
                _("%(value)s is not a format. Give --format table or --format csv.") % {"value": repr(output)}
            )
        try:
            notices = WarningNotice.objects.all()
            if options["council"] is not None:
                notices = notices.filter(case__council=find_council(options["council"]))
            rows = [row_for(report) for report in asat.all_obligations_as_at(day, notices=notices)]
        except UnknownCalendarYear as error:
            raise CommandError(error.messages[0]) from error
        except DatabaseError as error:
            raise CommandError(
                _(
                    "Could not read the obligations from the database (%(error)s). "
                    "Has 'manage.py migrate' been run?"
                )
                % {"error": first_line(error)}
            ) from error
        if output == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
            return
        self.write_table(rows)

    def write_table(self, rows: list[list[str]]) -> None:
        if not rows:
            self.stdout.write(_("No notice had been given by that day."))
            return
        widths = [max(len(HEADER[i]), *(len(row[i]) for row in rows)) for i in range(len(HEADER))]
        widths[1] = min(widths[1], 40)
        widths[2] = min(widths[2], 60)
        for row in [HEADER, *rows]:
            cells = [
                cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…" for i, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip())


def find_council(value: str) -> Organisation:
    """Return the council named (its name or code, any case), or say which names there are."""
    value = value.strip()
    councils = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
    found = councils.filter(Q(name__iexact=value) | Q(code__iexact=value)).first()
    if found is None:
        raise CommandError(
            _("%(value)s is not a council the tracker knows. Give its name or code, for example powys.")
            % {"value": repr(value)}
        )
    return found


def row_for(report: asat.rebuild.ReportRow) -> list[str]:
    """Return the CSV cells of one obligation: dates ISO, empty where there is none."""
    item = report.item
    status = item.status
    met = status.since if status.code in (rules.MET, rules.MET_LATE) else None
    late = status.working_days if status.code in (rules.MET_LATE, rules.OVERDUE) else None
    return [
        report.notice.case.council.name,
        report.notice.title,
        item.label,
        item.owner,
        item.due_on.isoformat() if item.due_on else "",
        status.code,
        met.isoformat() if met else "",
        str(late) if late is not None else "",
    ]
