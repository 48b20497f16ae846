"""What the tracker's management commands share: mistakes reported on one line, and typed dates."""

from __future__ import annotations

import datetime
import re
from functools import partial

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class OneLineErrorCommand(BaseCommand):
    """A command whose command-line mistakes are one line, without argparse's usage block."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = partial(one_line_error, parser)
        return parser


def one_line_error(parser: CommandParser, message: str) -> None:
    """Report a command-line mistake on one line (argparse would add a usage block)."""
    if not parser.called_from_command_line:
        raise CommandError(_("Error: %(message)s") % {"message": message})
    parser.exit(2, _("CommandError: %(message)s (see --help)\n") % {"message": message})


def parse_date(value: str, *, how: str) -> datetime.date:
    """Return the date written as YYYY-MM-DD, or a CommandError saying what is wrong and `how` to write it."""
    value = str(value).strip()
    if DATE_PATTERN.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise CommandError(_("%(value)s is not a real date. %(how)s") % {"value": repr(value), "how": how})


def first_line(error: Exception) -> str:
    """Return the first line of an error's message, so the command's error stays on one line."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__
