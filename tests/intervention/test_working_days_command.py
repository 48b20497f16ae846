"""`manage.py working_days`: the date first, then the skipped days and the basis; bad input is one line."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from intervention.models import ConfirmedCalendarYear, NonWorkingDay

PROJECT_ROOT = Path(__file__).resolve().parents[2]

POWYS_OUTPUT = [
    "2017-11-14",
    "2017-10-21 Saturday",
    "2017-10-22 Sunday",
    "2017-10-28 Saturday",
    "2017-10-29 Sunday",
    "2017-11-04 Saturday",
    "2017-11-05 Sunday",
    "2017-11-11 Saturday",
    "2017-11-12 Sunday",
    "Basis: 20 working days after 17 October 2017",
]

BAD_INPUTS = [
    pytest.param(["2017-13-01", "20"], "'2017-13-01' is not a real date", id="no-such-month"),
    pytest.param(["2017-02-30", "20"], "'2017-02-30' is not a real date", id="no-such-day"),
    pytest.param(["yesterday", "20"], "'yesterday' is not a real date", id="a-word-for-a-date"),
    pytest.param(["17/10/2017", "20"], "'17/10/2017' is not a real date", id="british-order"),
    pytest.param(["20171017", "20"], "'20171017' is not a real date", id="no-dashes"),
    pytest.param(["2017-10-17", "-5"], "cannot be negative", id="negative"),
    pytest.param(["2017-10-17", "ten"], "'ten' is not a number of days", id="a-word-for-a-number"),
    pytest.param(["2017-10-17", "2.5"], "'2.5' is not a number of days", id="a-fraction"),
    pytest.param(["2017-10-17", "1e3"], "'1e3' is not a number of days", id="scientific"),
    pytest.param(["2017-10-17", "3651"], "at most 3650", id="absurdly-large"),
    pytest.param(["2017-10-17", "2\n0"], "'2\\n0' is not a number of days", id="a-newline"),
    pytest.param(["2017-10-17", "99999999999999999999"], "at most 3650", id="astronomical"),
    pytest.param(
        ["2017-10-17", "20", "--calendar", "--exclude-christmas-eve"],
        "applies only to working days",
        id="christmas-eve-with-calendar",
    ),
]

# Years the bank-holiday calendar does not know (the package covers 1872-2100; an administrator can
# confirm others): refused in one line, never counted as if they had no bank holidays. Whether a year
# is confirmed is in the database, so these are read from it.
UNKNOWN_YEARS = [
    pytest.param(["2101-12-23", "1"], 2101, id="start-after-the-data"),
    pytest.param(["2100-12-30", "5"], 2101, id="counting-runs-past-the-data"),
    pytest.param(["2100-12-20", "30", "--calendar"], 2101, id="calendar-days-end-past-the-data"),
    pytest.param(["1871-12-29", "1"], 1871, id="before-the-data"),
    pytest.param(["9999-12-30", "5"], 9999, id="year-9999"),
]

# Mistakes argparse itself catches: one line through the command's own parser error.
ARGPARSE_MISTAKES = [
    pytest.param([], "the following arguments are required: start, days", id="nothing"),
    pytest.param(["2017-10-17"], "the following arguments are required: days", id="no-count"),
    pytest.param(["2017-10-17", "20", "--bogus"], "unrecognized arguments: --bogus", id="unknown-option"),
    pytest.param(["2017-10-17", "20", "30"], "unrecognized arguments: 30", id="extra-argument"),
]


def run_command(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("working_days", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # migrate in a subprocess takes about a minute, more on a busy machine
        check=False,
    )


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """A throwaway SQLite database with the schema, for runs that read the recorded days."""
    url = f"sqlite:///{tmp_path_factory.mktemp('working_days') / 'db.sqlite3'}"
    result = manage("migrate", "--verbosity", "0", database_url=url)
    assert result.returncode == 0, result.stderr
    return url


@pytest.fixture
def no_database(tmp_path):
    """A database with no tables: bad input must be refused before the database is read."""
    return f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.mark.django_db
def test_powys_deadline_prints_the_date_then_the_weekends_then_the_basis():
    assert run_command("2017-10-17", "20") == POWYS_OUTPUT


@pytest.mark.django_db
def test_first_line_is_the_date_alone():
    assert run_command("2017-10-17", "20")[0] == "2017-11-14"


@pytest.mark.django_db
def test_count_may_be_passed_as_an_int():
    out = io.StringIO()
    call_command("working_days", "2017-10-17", 20, stdout=out)
    assert out.getvalue().splitlines()[0] == "2017-11-14"


@pytest.mark.django_db
def test_bank_holidays_are_named():
    assert run_command("2017-12-18", "10") == [
        "2018-01-04",
        "2017-12-23 Saturday",
        "2017-12-24 Sunday",
        "2017-12-25 Christmas Day",
        "2017-12-26 Boxing Day",
        "2017-12-30 Saturday",
        "2017-12-31 Sunday",
        "2018-01-01 New Year's Day",
        "Basis: 10 working days after 18 December 2017",
    ]


@pytest.mark.django_db
def test_recorded_non_working_day_shows_up_and_moves_the_deadline():
    NonWorkingDay.objects.create(
        day=datetime.date(2017, 10, 25), description="Council offices closed (flood)", source="Notice 12/2017"
    )
    lines = run_command("2017-10-17", "20")
    assert lines[0] == "2017-11-15"
    assert "2017-10-25 Council offices closed (flood)" in lines


@pytest.mark.django_db
def test_exclude_christmas_eve():
    lines = run_command("2021-12-20", "5", "--exclude-christmas-eve")
    assert lines[0] == "2021-12-30"
    assert "2021-12-24 Christmas Eve (excluded by this deadline's rule)" in lines
    assert lines[-1] == "Basis: 5 working days after 20 December 2021 (Christmas Eve excluded)"


@pytest.mark.django_db
def test_christmas_eve_counts_without_the_option():
    assert run_command("2021-12-20", "5")[0] == "2021-12-29"


@pytest.mark.django_db
def test_zero_days_is_the_start_date():
    assert run_command("2017-10-17", "0") == ["2017-10-17", "Basis: 0 working days after 17 October 2017"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, expected",
    [
        (["2017-10-17", "90", "--calendar"], ["2018-01-15", "Basis: 90 calendar days after 17 October 2017"]),
        (["2017-10-17", "21", "--calendar"], ["2017-11-07", "Basis: 21 calendar days after 17 October 2017"]),
        (
            ["2018-01-15", "90", "--calendar"],
            [
                "2018-04-15",
                "2018-04-15 is not a working day (Sunday); a calendar-day deadline is not moved.",
                "Basis: 90 calendar days after 15 January 2018",
            ],
        ),
    ],
)
def test_calendar_days(args, expected):
    assert run_command(*args) == expected


@pytest.mark.django_db
def test_calendar_days_ending_on_a_recorded_day_say_so():
    NonWorkingDay.objects.create(day=datetime.date(2018, 1, 15), description="Office move", source="Memo")
    assert run_command("2017-10-17", "90", "--calendar")[:2] == [
        "2018-01-15",
        "2018-01-15 is not a working day (Office move); a calendar-day deadline is not moved.",
    ]


@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_bad_input_raises_command_error(args, message):
    with pytest.raises(CommandError) as raised:
        call_command("working_days", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.django_db
@pytest.mark.parametrize("args, year", UNKNOWN_YEARS)
def test_a_year_the_calendar_does_not_know_is_refused_in_one_line(args, year):
    with pytest.raises(CommandError) as raised:
        call_command("working_days", *args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(raised.value)
    assert message.startswith(
        f"The calendar does not know the bank holidays of {year}: it covers 1872 to 2100"
    )
    assert "\n" not in message


@pytest.mark.django_db
def test_a_year_an_administrator_confirmed_is_counted_with_the_days_they_recorded():
    ConfirmedCalendarYear.objects.create(year=2101, source="Bank holidays for 2101, gov.uk")
    NonWorkingDay.objects.create(
        day=datetime.date(2101, 12, 26), description="Christmas Day (substitute day)", source="gov.uk"
    )
    NonWorkingDay.objects.create(day=datetime.date(2101, 12, 27), description="Boxing Day", source="gov.uk")

    assert run_command("2101-12-23", "1") == [
        "2101-12-28",
        "2101-12-24 Saturday",
        "2101-12-25 Sunday",
        "2101-12-26 Christmas Day (substitute day)",
        "2101-12-27 Boxing Day",
        "Basis: 1 working day after 23 December 2101",
    ]


@pytest.mark.django_db
def test_a_confirmed_year_at_the_end_of_the_calendar_is_still_refused_in_one_line():
    ConfirmedCalendarYear.objects.create(year=9999, source="A slip")
    with pytest.raises(CommandError) as raised:
        call_command("working_days", "9999-12-30", "5", stdout=io.StringIO(), stderr=io.StringIO())
    assert "too close to the limits of the calendar" in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("args, message", ARGPARSE_MISTAKES)
def test_argparse_mistakes_raise_command_error(args, message):
    with pytest.raises(CommandError) as raised:
        call_command("working_days", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert message in str(raised.value)


@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_bad_input_from_the_shell_is_one_line_without_a_traceback(args, message, no_database):
    result = manage("working_days", *args, database_url=no_database)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("CommandError: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, message", ARGPARSE_MISTAKES)
def test_argparse_mistakes_from_the_shell_are_one_line_without_usage(args, message, no_database):
    result = manage("working_days", *args, database_url=no_database)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert "usage:" not in result.stderr


@pytest.mark.parametrize("args, year", UNKNOWN_YEARS[:2])
def test_a_year_the_calendar_does_not_know_from_the_shell_is_one_line(args, year, migrated_sqlite):
    result = manage("working_days", *args, database_url=migrated_sqlite)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"CommandError: The calendar does not know the bank holidays of {year}")
    assert "Traceback" not in result.stderr


def test_unmigrated_database_is_one_line_without_a_traceback(no_database):
    result = manage("working_days", "2017-10-17", "20", database_url=no_database)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "Has 'manage.py migrate' been run?" in result.stderr
    assert "Traceback" not in result.stderr


def test_valid_run_from_the_shell(migrated_sqlite):
    result = manage("working_days", "2017-10-17", "20", database_url=migrated_sqlite)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == POWYS_OUTPUT


def test_calendar_run_from_the_shell(migrated_sqlite):
    result = manage("working_days", "2017-10-17", "90", "--calendar", database_url=migrated_sqlite)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == "2018-01-15"


def test_help_from_the_shell(no_database):
    result = manage("working_days", "--help", database_url=no_database)
    assert result.returncode == 0
    assert "--exclude-christmas-eve" in result.stdout
    assert "--calendar" in result.stdout
