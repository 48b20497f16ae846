"""The calendar the tracker counts with: Welsh bank holidays, recorded days and the Christmas Eve rule."""

import datetime

import pytest

from intervention import calendars
from intervention.choices import DeadlineUnit
from intervention.models import NonWorkingDay

pytestmark = pytest.mark.django_db

date = datetime.date

POWYS_WEEKENDS = [
    (date(2017, 10, 21), "Saturday"),
    (date(2017, 10, 22), "Sunday"),
    (date(2017, 10, 28), "Saturday"),
    (date(2017, 10, 29), "Sunday"),
    (date(2017, 11, 4), "Saturday"),
    (date(2017, 11, 5), "Sunday"),
    (date(2017, 11, 11), "Saturday"),
    (date(2017, 11, 12), "Sunday"),
]


def record_day(day: datetime.date, description: str = "Council offices closed (flood)") -> NonWorkingDay:
    return NonWorkingDay.objects.create(day=day, description=description, source="https://example.org/notice")


def skipped(computed: calendars.ComputedDeadline) -> list[tuple[datetime.date, str]]:
    return [(s.day, s.reason) for s in computed.skipped]


def test_powys_compliance_deadline_is_14_november_2017():
    computed = calendars.working_day_deadline(date(2017, 10, 17), 20)
    assert computed.due_on == date(2017, 11, 14)
    assert computed.basis == "20 working days after 17 October 2017"
    assert (computed.start_on, computed.count, computed.unit) == (
        date(2017, 10, 17),
        20,
        DeadlineUnit.WORKING_DAYS,
    )
    assert skipped(computed) == POWYS_WEEKENDS


def test_skipped_as_data_is_plain_strings():
    computed = calendars.working_day_deadline(date(2017, 10, 17), 20)
    assert computed.skipped_as_data()[:2] == [
        {"date": "2017-10-21", "reason": "Saturday"},
        {"date": "2017-10-22", "reason": "Sunday"},
    ]


def test_recorded_day_inside_the_window_moves_the_deadline_by_one_working_day():
    record_day(date(2017, 10, 25))
    computed = calendars.working_day_deadline(date(2017, 10, 17), 20)
    assert computed.due_on == date(2017, 11, 15)
    assert (date(2017, 10, 25), "Council offices closed (flood)") in skipped(computed)
    assert [d for d, _ in skipped(computed) if d.weekday() < 5] == [date(2017, 10, 25)]


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2017, 10, 21), id="on-a-saturday"),
        pytest.param(date(2017, 11, 15), id="after-the-deadline"),
        pytest.param(date(2017, 10, 17), id="on-the-start-day"),
    ],
)
def test_recorded_day_that_was_not_going_to_count_changes_nothing(day):
    record_day(day)
    assert calendars.working_day_deadline(date(2017, 10, 17), 20).due_on == date(2017, 11, 14)


def test_recorded_day_takes_the_place_of_the_package_s_name():
    record_day(date(2022, 9, 19), "National day of mourning (Welsh Government announcement)")
    computed = calendars.working_day_deadline(date(2022, 9, 15), 5)
    assert computed.due_on == date(2022, 9, 23)
    assert (date(2022, 9, 19), "National day of mourning (Welsh Government announcement)") in skipped(
        computed
    )


def test_christmas_eve_counts_by_default():
    computed = calendars.working_day_deadline(date(2021, 12, 20), 5)
    assert computed.due_on == date(2021, 12, 29)
    assert computed.basis == "5 working days after 20 December 2021"
    assert skipped(computed) == [
        (date(2021, 12, 25), "Saturday"),
        (date(2021, 12, 26), "Sunday"),
        (date(2021, 12, 27), "Christmas Day (observed)"),
        (date(2021, 12, 28), "Boxing Day (observed)"),
    ]


def test_christmas_eve_rule_moves_the_deadline_one_working_day_later():
    computed = calendars.working_day_deadline(date(2021, 12, 20), 5, excludes_christmas_eve=True)
    assert computed.due_on == date(2021, 12, 30)
    assert computed.basis == "5 working days after 20 December 2021 (Christmas Eve excluded)"
    assert skipped(computed)[0] == (date(2021, 12, 24), "Christmas Eve (excluded by this deadline's rule)")


def test_christmas_eve_rule_on_a_weekend_changes_nothing():
    # 24 December 2022 was a Saturday.
    plain = calendars.working_day_deadline(date(2022, 12, 20), 5)
    ruled = calendars.working_day_deadline(date(2022, 12, 20), 5, excludes_christmas_eve=True)
    assert plain.due_on == ruled.due_on == date(2022, 12, 29)


def test_one_working_day_is_singular_in_the_basis():
    computed = calendars.working_day_deadline(date(2017, 10, 20), 1)
    assert (computed.due_on, computed.basis) == (date(2017, 10, 23), "1 working day after 20 October 2017")


def test_long_windows_load_every_year_of_holidays():
    # About 14 years: far past the first estimate of how much calendar to load.
    computed = calendars.working_day_deadline(date(2017, 10, 17), 3650)
    assert computed.due_on == date(2032, 3, 30)
    assert (date(2032, 3, 29), "Easter Monday") in skipped(computed)


def test_non_working_days_lists_holidays_and_recorded_days_in_range():
    record_day(date(2017, 12, 27), "Office closure")
    days = calendars.non_working_days(date(2017, 12, 24), date(2018, 1, 1))
    assert {d: r for d, r in days.items() if d.weekday() < 5} == {
        date(2017, 12, 25): "Christmas Day",
        date(2017, 12, 26): "Boxing Day",
        date(2017, 12, 27): "Office closure",
        date(2018, 1, 1): "New Year's Day",
    }


@pytest.mark.parametrize(
    "start, days, due",
    [
        (date(2017, 10, 17), 21, date(2017, 11, 7)),
        (date(2017, 10, 17), 90, date(2018, 1, 15)),
        (date(2018, 1, 15), 90, date(2018, 4, 15)),
    ],
)
def test_calendar_day_deadline_is_not_rolled_forward(start, days, due):
    computed = calendars.calendar_day_deadline(start, days)
    assert (computed.due_on, computed.unit, computed.skipped) == (due, DeadlineUnit.CALENDAR_DAYS, ())
    assert computed.basis == f"{days} calendar days after {calendars.format_date(start)}"


def test_fixed_date_deadline():
    computed = calendars.fixed_date_deadline(date(2018, 1, 16), date(2018, 2, 7))
    assert (computed.due_on, computed.count, computed.unit) == (
        date(2018, 2, 7),
        None,
        DeadlineUnit.FIXED_DATE,
    )
    assert computed.basis == "Fixed date set in the notice: 7 February 2018"


@pytest.mark.parametrize(
    "month, due, skipped_reasons",
    [
        pytest.param(
            date(2026, 8, 10),
            date(2026, 8, 28),
            [
                (date(2026, 8, 29), "Saturday"),
                (date(2026, 8, 30), "Sunday"),
                (date(2026, 8, 31), "Late Summer Bank Holiday"),
            ],
            id="august-2026-ends-on-a-bank-holiday",
        ),
        pytest.param(
            date(2017, 12, 1),
            date(2017, 12, 29),
            [(date(2017, 12, 30), "Saturday"), (date(2017, 12, 31), "Sunday")],
            id="december-2017-ends-on-a-weekend",
        ),
        pytest.param(date(2017, 11, 1), date(2017, 11, 30), [], id="november-2017-ends-on-a-thursday"),
    ],
)
def test_month_end_deadline(month, due, skipped_reasons):
    computed = calendars.month_end_deadline(month)
    assert computed.due_on == due
    assert computed.start_on == month.replace(day=1)
    assert computed.unit == DeadlineUnit.MONTH_END
    assert skipped(computed) == skipped_reasons


def test_month_end_deadline_basis_names_the_month():
    assert calendars.month_end_deadline(date(2026, 8, 1)).basis == "Last working day of August 2026"


def test_month_end_deadline_respects_a_recorded_day():
    record_day(date(2017, 11, 30), "St Andrew's Day closure")
    computed = calendars.month_end_deadline(date(2017, 11, 1))
    assert computed.due_on == date(2017, 11, 29)
    assert skipped(computed) == [(date(2017, 11, 30), "St Andrew's Day closure")]
