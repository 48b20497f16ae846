"""Working-day arithmetic against every worked example in domain.md 5.4; pure, no database."""

import datetime

import holidays
import pytest

from intervention import deadlines

date = datetime.date

# The package's calendar, as calendars.py builds it (holiday name by date, weekend holidays included).
BANK_HOLIDAYS = dict(holidays.country_holidays("GB", subdiv="WLS", years=range(2017, 2029)).items())

# domain.md 5.2, by hand: the weekday bank holidays of England and Wales, one-offs included.
HAND_LISTED_BY_YEAR = {
    2017: [(1, 2), (4, 14), (4, 17), (5, 1), (5, 29), (8, 28), (12, 25), (12, 26)],
    2018: [(1, 1), (3, 30), (4, 2), (5, 7), (5, 28), (8, 27), (12, 25), (12, 26)],
    2019: [(1, 1), (4, 19), (4, 22), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)],
    2020: [(1, 1), (4, 10), (4, 13), (5, 8), (5, 25), (8, 31), (12, 25), (12, 28)],
    2021: [(1, 1), (4, 2), (4, 5), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)],
    2022: [(1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19), (12, 26), (12, 27)],
    2023: [(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)],
    2024: [(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)],
    2025: [(1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)],
    2026: [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)],
    2027: [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)],
}
HAND_LISTED = frozenset(
    date(year, month, day) for year, days in HAND_LISTED_BY_YEAR.items() for month, day in days
)

CALENDARS = [pytest.param(BANK_HOLIDAYS, id="holidays-package"), pytest.param(HAND_LISTED, id="hand-listed")]

# (start, working days, due): domain.md 5.4 examples A to H.
WORKED_EXAMPLES = [
    pytest.param(date(2017, 10, 17), 20, date(2017, 11, 14), id="A-powys-improvement-plan"),
    pytest.param(date(2021, 12, 20), 5, date(2021, 12, 29), id="B-christmas-2021-substitutes"),
    pytest.param(date(2017, 12, 18), 10, date(2018, 1, 4), id="B-christmas-2017-new-year"),
    pytest.param(date(2018, 3, 15), 20, date(2018, 4, 16), id="C-easter-2018"),
    pytest.param(date(2022, 4, 13), 5, date(2022, 4, 22), id="C-easter-2022"),
    pytest.param(date(2020, 5, 5), 5, date(2020, 5, 13), id="D-ve-day-moved-holiday"),
    pytest.param(date(2020, 4, 30), 5, date(2020, 5, 7), id="D-4-may-2020-counts"),
    pytest.param(date(2022, 5, 27), 5, date(2022, 6, 7), id="E-platinum-jubilee"),
    pytest.param(date(2023, 4, 28), 10, date(2023, 5, 16), id="F-coronation"),
    pytest.param(date(2022, 9, 15), 5, date(2022, 9, 23), id="G-state-funeral"),
    pytest.param(date(2019, 1, 9), 20, date(2019, 2, 6), id="H-ciw-january-2019"),
    pytest.param(date(2026, 12, 21), 5, date(2026, 12, 30), id="H-christmas-2026"),
    pytest.param(date(2027, 12, 22), 5, date(2027, 12, 31), id="H-christmas-2027"),
]


def test_package_weekday_holidays_match_the_hand_listed_ones():
    in_range = {d for d in BANK_HOLIDAYS if d.year <= 2027 and not deadlines.is_weekend(d)}
    assert in_range == HAND_LISTED


@pytest.mark.parametrize("non_working", CALENDARS)
@pytest.mark.parametrize("start, days, due", WORKED_EXAMPLES)
def test_add_working_days_gives_the_worked_example(start, days, due, non_working):
    assert deadlines.add_working_days(start, days, non_working=non_working) == due


@pytest.mark.parametrize("non_working", CALENDARS)
@pytest.mark.parametrize("start, days, due", WORKED_EXAMPLES)
def test_working_days_between_counts_the_example_back(start, days, due, non_working):
    assert deadlines.working_days_between(start, due, non_working=non_working) == days


@pytest.mark.parametrize(
    "day, working",
    [
        # Naive "first Monday in May" and "last Monday in May" rules get these wrong.
        (date(2020, 5, 4), True),
        (date(2022, 5, 30), True),
        (date(2020, 5, 8), False),
        (date(2022, 6, 2), False),
        (date(2022, 6, 3), False),
        (date(2022, 9, 19), False),
        (date(2023, 5, 8), False),
        # Christmas Eve is a working day under the usual statutory definition.
        (date(2021, 12, 24), True),
        (date(2021, 12, 25), False),
        (date(2017, 10, 18), True),
    ],
)
def test_naive_rule_traps(day, working):
    assert deadlines.is_working_day(day, non_working=BANK_HOLIDAYS) is working


@pytest.mark.parametrize(
    "start, days, due",
    [
        pytest.param(date(2017, 10, 17), 21, date(2017, 11, 7), id="s151-21-days"),
        pytest.param(date(2017, 10, 17), 90, date(2018, 1, 15), id="s151-90-days"),
        pytest.param(date(2018, 1, 15), 90, date(2018, 4, 15), id="follow-up-ends-on-a-sunday"),
        pytest.param(date(2018, 1, 16), 90, date(2018, 4, 16), id="follow-up-given-at-the-meeting"),
        pytest.param(date(2017, 10, 17), 0, date(2017, 10, 17), id="zero"),
    ],
)
def test_add_calendar_days_gives_the_anchor(start, days, due):
    assert deadlines.add_calendar_days(start, days) == due


def test_calendar_days_are_not_rolled_forward_off_a_sunday():
    due = deadlines.add_calendar_days(date(2018, 1, 15), 90)
    assert (due, due.weekday()) == (date(2018, 4, 15), 6)


def test_the_minister_s_20_calendar_days_would_have_made_13_november_late():
    calendar_due = deadlines.add_calendar_days(date(2017, 10, 17), 20)
    working_due = deadlines.add_working_days(date(2017, 10, 17), 20, non_working=BANK_HOLIDAYS)
    assert calendar_due == date(2017, 11, 6)
    assert deadlines.working_days_late(calendar_due, date(2017, 11, 13), non_working=BANK_HOLIDAYS) == 5
    assert deadlines.working_days_late(working_due, date(2017, 11, 13), non_working=BANK_HOLIDAYS) == 0


def test_submission_on_13_november_2017_was_day_19():
    assert (
        deadlines.working_days_between(date(2017, 10, 17), date(2017, 11, 13), non_working=BANK_HOLIDAYS)
        == 19
    )


def test_add_working_days_with_zero_is_the_start_even_on_a_weekend():
    assert deadlines.add_working_days(date(2017, 10, 21), 0, non_working=BANK_HOLIDAYS) == date(2017, 10, 21)


def test_add_working_days_from_a_weekend_counts_from_the_monday():
    assert deadlines.add_working_days(date(2017, 10, 21), 1, non_working=()) == date(2017, 10, 23)


def test_extra_non_working_day_moves_the_deadline_by_one():
    extra = set(BANK_HOLIDAYS) | {date(2017, 10, 25)}
    assert deadlines.add_working_days(date(2017, 10, 17), 20, non_working=extra) == date(2017, 11, 15)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2017, 10, 17), date(2017, 10, 17), 0),
        (date(2017, 10, 17), date(2017, 10, 1), 0),
        (date(2017, 10, 20), date(2017, 10, 22), 0),
        (date(2017, 10, 20), date(2017, 10, 23), 1),
        (date(2017, 12, 22), date(2017, 12, 27), 1),
        (date(2022, 5, 27), date(2022, 6, 6), 4),
    ],
)
def test_working_days_between(start, end, expected):
    assert deadlines.working_days_between(start, end, non_working=BANK_HOLIDAYS) == expected


def test_skipped_days_for_the_powys_window_are_only_weekends():
    skipped = deadlines.skipped_days(date(2017, 10, 17), date(2017, 11, 14), non_working=BANK_HOLIDAYS)
    assert [(s.day, s.reason) for s in skipped] == [
        (date(2017, 10, 21), "Saturday"),
        (date(2017, 10, 22), "Sunday"),
        (date(2017, 10, 28), "Saturday"),
        (date(2017, 10, 29), "Sunday"),
        (date(2017, 11, 4), "Saturday"),
        (date(2017, 11, 5), "Sunday"),
        (date(2017, 11, 11), "Saturday"),
        (date(2017, 11, 12), "Sunday"),
    ]


def test_skipped_days_name_the_holidays_and_call_a_weekend_holiday_a_weekend():
    skipped = deadlines.skipped_days(date(2021, 12, 20), date(2021, 12, 29), non_working=BANK_HOLIDAYS)
    assert [(s.day, s.reason) for s in skipped] == [
        (date(2021, 12, 25), "Saturday"),
        (date(2021, 12, 26), "Sunday"),
        (date(2021, 12, 27), "Christmas Day (observed)"),
        (date(2021, 12, 28), "Boxing Day (observed)"),
    ]


def test_skipped_days_for_the_jubilee():
    skipped = deadlines.skipped_days(date(2022, 5, 27), date(2022, 6, 7), non_working=BANK_HOLIDAYS)
    assert [(s.day, s.reason) for s in skipped if not deadlines.is_weekend(s.day)] == [
        (date(2022, 6, 2), "Spring Bank Holiday"),
        (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
    ]


def test_skipped_days_exclude_the_start_and_include_the_end():
    skipped = deadlines.skipped_days(date(2017, 10, 21), date(2017, 10, 28), non_working={})
    assert [s.day for s in skipped] == [date(2017, 10, 22), date(2017, 10, 28)]


@pytest.mark.parametrize(
    "year, month, expected",
    [
        (2017, 10, date(2017, 10, 31)),  # a Tuesday
        (2017, 12, date(2017, 12, 29)),  # Sunday 31, Saturday 30
        (2018, 3, date(2018, 3, 29)),  # Saturday 31, Good Friday 30
        (2020, 8, date(2020, 8, 28)),  # Monday 31 is the late summer bank holiday
        (2026, 8, date(2026, 8, 28)),  # likewise Monday 31 August 2026
        (2020, 2, date(2020, 2, 28)),  # leap year: Saturday 29
        (2021, 2, date(2021, 2, 26)),  # Sunday 28
    ],
)
def test_last_working_day_of_month(year, month, expected):
    assert deadlines.last_working_day_of_month(year, month, non_working=BANK_HOLIDAYS) == expected


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2017, 11, 1), 0, date(2017, 11, 1)),
        (date(2017, 11, 15), 1, date(2017, 12, 1)),
        (date(2017, 11, 30), 2, date(2018, 1, 1)),
        (date(2018, 1, 31), 1, date(2018, 2, 1)),
        (date(2017, 12, 1), 12, date(2018, 12, 1)),
        (date(2018, 1, 15), -1, date(2017, 12, 1)),
        (date(2017, 11, 1), 26, date(2020, 1, 1)),
    ],
)
def test_add_months_gives_the_first_of_the_month(day, months, expected):
    assert deadlines.add_months(day, months) == expected


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: deadlines.add_working_days(date(2017, 10, 17), -1, non_working=()), id="working"
        ),
        pytest.param(lambda: deadlines.add_calendar_days(date(2017, 10, 17), -1), id="calendar"),
    ],
)
def test_negative_counts_raise_value_error(call):
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value) == "The number of days cannot be negative."


@pytest.mark.parametrize("days", [2.0, "20", True, None])
def test_counts_that_are_not_whole_numbers_raise_type_error(days):
    with pytest.raises(TypeError) as raised:
        deadlines.add_working_days(date(2017, 10, 17), days, non_working=())
    assert str(raised.value) == "The number of days must be a whole number."


@pytest.mark.parametrize("days", [0, 1, 5])
def test_zero_and_small_counts_are_whole_numbers(days):
    assert deadlines.add_calendar_days(date(2017, 10, 17), days) == date(2017, 10, 17 + days)


# Lateness, counted in working days ------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, late",
    [
        pytest.param(date(2017, 11, 13), 0, id="before"),
        pytest.param(date(2017, 11, 14), 0, id="on-the-day"),
        pytest.param(date(2017, 11, 15), 1, id="the-next-working-day"),
        pytest.param(date(2017, 11, 17), 3, id="friday"),
        pytest.param(date(2017, 11, 18), 4, id="saturday-counts-as-monday"),
        pytest.param(date(2017, 11, 19), 4, id="sunday-counts-as-monday"),
        pytest.param(date(2017, 11, 20), 4, id="monday"),
    ],
)
def test_working_days_late(day, late):
    assert deadlines.working_days_late(date(2017, 11, 14), day, non_working=()) == late


def test_a_due_date_on_a_weekend_is_not_late_on_the_day():
    saturday = date(2017, 11, 18)

    assert deadlines.working_days_late(saturday, saturday, non_working=()) == 0
    assert deadlines.working_days_late(saturday, date(2017, 11, 20), non_working=()) == 1


def test_lateness_skips_bank_holidays():
    # Due Fri 22 Dec 2017: Mon 25 and Tue 26 Dec are holidays, so Wed 27 Dec is 1 working day late.
    assert deadlines.working_days_late(date(2017, 12, 22), date(2017, 12, 27), non_working=BANK_HOLIDAYS) == 1
    assert deadlines.working_days_late(date(2017, 12, 22), date(2017, 12, 25), non_working=BANK_HOLIDAYS) == 1


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2017, 11, 17), date(2017, 11, 17)),
        (date(2017, 11, 18), date(2017, 11, 20)),
        (date(2017, 12, 23), date(2017, 12, 27)),
    ],
)
def test_next_working_day(day, expected):
    assert deadlines.next_working_day(day, non_working=BANK_HOLIDAYS) == expected


# Reminders: which one an item calls for on a day ----------------------------------------------------------

DUE = date(2017, 11, 14)  # a Tuesday


@pytest.mark.parametrize(
    "today, stage",
    [
        pytest.param(date(2017, 11, 6), None, id="6-working-days-ahead-nothing"),
        pytest.param(date(2017, 11, 7), deadlines.ReminderStage("five_days"), id="5-working-days-ahead"),
        pytest.param(date(2017, 11, 13), deadlines.ReminderStage("five_days"), id="the-day-before"),
        pytest.param(DUE, deadlines.ReminderStage("due_today"), id="on-the-day"),
        pytest.param(date(2017, 11, 15), deadlines.ReminderStage("overdue"), id="the-day-after"),
        pytest.param(
            date(2017, 11, 21), deadlines.ReminderStage("overdue"), id="a-week-after-still-the-first"
        ),
        pytest.param(date(2017, 11, 22), deadlines.ReminderStage("overdue_weekly", 1), id="week-1"),
        pytest.param(date(2017, 11, 28), deadlines.ReminderStage("overdue_weekly", 1), id="still-week-1"),
        pytest.param(date(2017, 11, 29), deadlines.ReminderStage("overdue_weekly", 2), id="week-2"),
    ],
)
def test_reminder_stage(today, stage):
    assert deadlines.reminder_stage(DUE, today=today, non_working=()) == stage


def test_reminder_stage_counts_the_lead_in_working_days():
    # Fri 22 Dec 2017 with the Christmas holidays: 5 working days ahead is Wed 3 Jan 2018.
    friday = date(2017, 12, 22)

    assert deadlines.reminder_stage(date(2018, 1, 3), today=friday, non_working=BANK_HOLIDAYS) == (
        deadlines.ReminderStage("five_days")
    )
    assert deadlines.reminder_stage(date(2018, 1, 4), today=friday, non_working=BANK_HOLIDAYS) is None


def test_reminder_stages_have_the_kinds_the_records_use():
    assert (
        deadlines.REMINDER_FIVE_DAYS,
        deadlines.REMINDER_DUE_TODAY,
        deadlines.REMINDER_OVERDUE,
        deadlines.REMINDER_OVERDUE_WEEKLY,
    ) == ("five_days", "due_today", "overdue", "overdue_weekly")
    assert deadlines.ReminderStage("overdue").week == 0


def test_reminder_lookahead_reaches_past_any_due_date_that_calls_for_a_reminder():
    today = date(2017, 12, 22)

    assert deadlines.reminder_lookahead(today) == date(2018, 1, 19)
    assert deadlines.add_working_days(today, 5, non_working=BANK_HOLIDAYS) <= deadlines.reminder_lookahead(
        today
    )


# Escalation reminders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, due",
    [
        pytest.param(date(2017, 11, 13), False, id="raised-today"),
        pytest.param(date(2017, 11, 14), False, id="one-working-day"),
        pytest.param(date(2017, 11, 15), True, id="two-working-days"),
        pytest.param(date(2017, 11, 16), True, id="three"),
    ],
)
def test_first_escalation_reminder_after_two_working_days(today, due):
    assert (
        deadlines.escalation_reminder_due(
            date(2017, 11, 13), last_reminded_on=None, today=today, non_working=()
        )
        is due
    )


def test_an_escalation_raised_on_a_friday_is_first_reminded_on_the_tuesday():
    friday = date(2017, 11, 17)

    assert not deadlines.escalation_reminder_due(
        friday, last_reminded_on=None, today=date(2017, 11, 20), non_working=()
    )
    assert deadlines.escalation_reminder_due(
        friday, last_reminded_on=None, today=date(2017, 11, 21), non_working=()
    )


@pytest.mark.parametrize("days_since, due", [(6, False), (7, True), (8, True)])
def test_later_escalation_reminders_are_weekly(days_since, due):
    last = date(2017, 11, 15)
    today = last + datetime.timedelta(days=days_since)

    assert (
        deadlines.escalation_reminder_due(
            date(2017, 11, 13), last_reminded_on=last, today=today, non_working=()
        )
        is due
    )


def test_escalation_reminder_constants():
    assert (
        deadlines.ESCALATION_FIRST_REMINDER_WORKING_DAYS,
        deadlines.ESCALATION_REMINDER_INTERVAL_DAYS,
    ) == (2, 7)
