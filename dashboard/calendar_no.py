"""Norwegian calendar facts: public holidays, school holidays, school days, ISO weeks, seasons.

School holidays follow the common pattern in Akershus (dates vary a little by year and
municipality): summer from 21 June to 17 August, autumn holiday in ISO week 40, Christmas from
21 December to 2 January, winter holiday in ISO week 9, and Easter from the Monday of Holy Week to
Easter Monday.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

SUMMER_HOLIDAY = ((6, 21), (8, 17))
CHRISTMAS_HOLIDAY = ((12, 21), (1, 2))
AUTUMN_HOLIDAY_WEEK = 40
WINTER_HOLIDAY_WEEK = 9
SUMMER_HALF_YEAR_MONTHS = range(4, 10)  # April–September: the staffing plan's summer half-year


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Norway(years=year, include_sundays=False).keys())


def is_school_holiday(day: date) -> bool:
    week = day.isocalendar().week
    if week in (AUTUMN_HOLIDAY_WEEK, WINTER_HOLIDAY_WEEK):
        return True
    if date(day.year, *SUMMER_HOLIDAY[0]) <= day <= date(day.year, *SUMMER_HOLIDAY[1]):
        return True
    if day >= date(day.year, *CHRISTMAS_HOLIDAY[0]) or day <= date(day.year, *CHRISTMAS_HOLIDAY[1]):
        return True
    easter_sunday = easter(day.year)
    return easter_sunday - timedelta(days=6) <= day <= easter_sunday + timedelta(days=1)


def is_school_day(day: date) -> bool:
    """A weekday that is neither a public holiday nor in a school holiday."""
    return day.isoweekday() <= 5 and day not in public_holidays(day.year) and not is_school_holiday(day)


def season(day: date) -> str:
    """'summer' in the summer half-year (April–September), else 'winter'."""
    return "summer" if day.month in SUMMER_HALF_YEAR_MONTHS else "winter"


def iso_week(day: date) -> int:
    return day.isocalendar().week


def calendar_frame(first_year: int, last_year: int):
    """One row per day: day, school_day, public_holiday, school_holiday (for the calendar_days table)."""
    import pandas as pd

    days = pd.date_range(date(first_year, 1, 1), date(last_year, 12, 31), freq="D").date
    return pd.DataFrame({
        "day": days,
        "school_day": [is_school_day(d) for d in days],
        "public_holiday": [d in public_holidays(d.year) for d in days],
        "school_holiday": [is_school_holiday(d) for d in days],
    })
