"""A change needs data on both sides (dashboard/comparison.py): which periods can be compared,
over which days, and what is said when they cannot."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import comparison
from dashboard.comparison import DataSpan, for_filter, for_periods
from dashboard.filters import Filter

NEW_TEAM = DataSpan(date(2025, 3, 15), date(2026, 10, 31))  # began mid-March 2025, imported to October 2026
DEMO = DataSpan(date(2022, 1, 1), date(2026, 11, 26))


def test_span_from_the_data_range_query():
    frame = pd.DataFrame({"first_day": [pd.Timestamp("2022-01-01")], "last_day": [pd.Timestamp("2026-11-26")],
                          "registrations": [81578]})
    assert DataSpan.from_data_range(frame) == DEMO
    empty = pd.DataFrame({"first_day": [pd.NaT], "last_day": [pd.NaT], "registrations": [0]})
    assert DataSpan.from_data_range(empty) == DataSpan(None, None) and DataSpan(None, None).empty


def test_span_of_the_demo_database(demo_db):
    assert comparison.data_span(demo_db) == DEMO


def test_a_whole_year_against_a_whole_year_with_data():
    judged = for_filter(Filter.for_year(2023), DEMO)
    assert (judged.status, judged.comparable, judged.clipped) == ("ok", True, False)
    assert judged.current == (date(2023, 1, 1), date(2023, 12, 31))
    assert judged.comparison == (date(2022, 1, 1), date(2022, 12, 31)) and judged.exposure_ratio == 1.0
    assert judged.comparison_filter(Filter.for_year(2023, areas=("fetsund",))) == \
        Filter.for_year(2022, areas=("fetsund",))
    assert judged.note() is None and judged.change_label() == ""


def test_a_new_teams_first_year_against_the_year_before_has_no_data():
    # The case: the first year against the year before showed "+735" and a clear rise.
    judged = for_filter(Filter.for_year(2025), NEW_TEAM)
    assert judged.status == "no_data" and not judged.comparable
    assert judged.comparison_filter(Filter.for_year(2025)) is None
    assert judged.comparison == (date(2024, 1, 1), date(2024, 12, 31))  # as chosen, for the message
    assert judged.change_label("nb") == "ingen data i sammenligningsperioden"
    assert judged.change_label("en") == "no data in the comparison period"
    assert judged.note("nb") == ("Ingen endring vises: ingen data i sammenligningsperioden 01.01.2024–31.12.2024 "
                                 "(registreringene går fra 15.03.2025 til 31.10.2026).")
    assert judged.note("en").startswith("No change is shown: no data in the comparison period 01/01/2024 to 31/12/2024")


def test_a_partly_covered_comparison_period_is_not_compared():
    # 2026 to its last data (31.10) against 01.01–31.10.2025: data only from 15.03.2025.
    judged = for_filter(Filter(date(2026, 1, 1), date(2026, 11, 27)), NEW_TEAM)
    assert judged.status == "partial" and judged.comparison_filter(Filter.for_year(2026)) is None
    assert judged.change_label() == "data bare i deler av sammenligningsperioden"
    assert "Velg perioder med data på begge sider" in judged.note()
    # ... while 01.04–31.10.2026 against the same days of 2025 lies wholly in the data.
    assert for_filter(Filter(date(2026, 4, 1), date(2026, 10, 31)), NEW_TEAM).comparable


def test_the_current_period_counts_only_its_days_with_data():
    # "This year" to 27.11 with data to 31.10: compared over 01.01–31.10 with the same days of last year,
    # so days not imported yet never look like a fall.
    judged = for_filter(Filter(date(2026, 1, 1), date(2026, 11, 27)), DataSpan(date(2022, 1, 1), date(2026, 10, 31)))
    assert judged.comparable and judged.clipped
    assert judged.current == (date(2026, 1, 1), date(2026, 10, 31))
    assert judged.comparison == (date(2025, 1, 1), date(2025, 10, 31)) and judged.exposure_ratio == 1.0
    assert judged.note() == ("Endringen gjelder dagene med data, 01.01.2026–31.10.2026, mot 01.01.2025–31.10.2025 "
                             "(registreringene går fra 01.01.2022 til 31.10.2026).")


def test_previous_period_is_as_many_days_just_before_the_days_with_data():
    judged = for_filter(Filter(date(2026, 11, 1), date(2026, 11, 30), compare="previous"), DEMO)
    assert judged.current == (date(2026, 11, 1), date(2026, 11, 26))
    assert judged.comparison == (date(2026, 10, 6), date(2026, 10, 31)) and judged.exposure_ratio == 1.0


def test_a_current_period_without_data():
    judged = for_filter(Filter(date(2026, 11, 1), date(2026, 11, 27)), NEW_TEAM)
    assert judged.status == "no_current_data" and judged.current == (date(2026, 11, 1), date(2026, 11, 27))
    assert judged.change_label() == "ingen data i perioden"
    assert judged.note() == ("Ingen endring vises: ingen data i perioden 01.11.2026–27.11.2026 "
                             "(registreringene går fra 15.03.2025 til 31.10.2026).")
    empty = for_filter(Filter.for_year(2026), DataSpan(None, None))
    assert empty.status == "no_current_data" and "databasen har ingen registreringer" in empty.note()


def test_comparing_switched_off():
    judged = for_filter(Filter.for_year(2023, compare="none"), DEMO)
    assert judged.status == "off" and judged.comparison is None and not judged.comparable
    assert judged.note() is None and judged.change_label() == "" and judged.exposure_ratio == 1.0


@pytest.mark.parametrize("first, period, expected", [
    (date(2022, 1, 3), (date(2022, 1, 1), date(2022, 12, 31)), True),    # New Year's days: a year still counts
    (date(2022, 1, 8), (date(2022, 1, 1), date(2022, 12, 31)), True),    # a week (7 days) is the most
    (date(2022, 1, 9), (date(2022, 1, 1), date(2022, 12, 31)), False),
    (date(2022, 1, 2), (date(2022, 1, 1), date(2022, 3, 31)), True),     # 2 % of 90 days: one day
    (date(2022, 1, 3), (date(2022, 1, 1), date(2022, 3, 31)), False),
    (date(2022, 1, 2), (date(2022, 1, 1), date(2022, 1, 31)), False),    # a month allows none
    (date(2022, 1, 1), (date(2021, 12, 1), date(2021, 12, 31)), False),  # wholly before
])
def test_start_allowance(first, period, expected):
    span = DataSpan(first, date(2026, 11, 26))
    assert comparison.covered(period, span) is expected
    assert comparison.has_data(period, span) is (period[1] >= first)


def test_a_comparison_period_past_the_last_data_is_partly_covered():
    assert not comparison.covered((date(2026, 10, 1), date(2026, 12, 31)), DEMO)
    assert comparison.has_data((date(2026, 10, 1), date(2026, 12, 31)), DEMO)
    assert not comparison.has_data((date(2027, 1, 1), date(2027, 1, 31)), DEMO)


def test_given_periods_baseline_and_follow_up():
    # The follow-up reaches past the last data: only its days with data count as exposure.
    judged = for_periods((date(2023, 1, 1), date(2023, 12, 31)), (date(2026, 1, 1), date(2026, 12, 31)), DEMO)
    assert judged.comparable and judged.clipped and judged.current == (date(2026, 1, 1), date(2026, 11, 26))
    assert judged.exposure_ratio == pytest.approx(330 / 365)
    assert for_periods((date(2021, 1, 1), date(2021, 12, 31)), (date(2023, 1, 1), date(2023, 12, 31)),
                       DEMO).status == "no_data"
    assert for_periods((date(2021, 7, 1), date(2022, 6, 30)), (date(2023, 1, 1), date(2023, 12, 31)),
                       DEMO).status == "partial"
    assert for_periods((date(2023, 1, 1), date(2023, 12, 31)), (date(2027, 1, 1), date(2027, 6, 30)),
                       DEMO).status == "no_current_data"
    texts = for_periods((date(2021, 1, 1), date(2021, 12, 31)), (date(2023, 1, 1), date(2023, 12, 31)),
                        DEMO).note_texts()
    assert set(texts) == {"nb", "en"} and texts["en"].startswith("No change is shown")


def test_command_line_language(monkeypatch):
    judged = for_filter(Filter.for_year(2025), NEW_TEAM)
    monkeypatch.setenv("FELTKART_LANG", "en")
    assert judged.note().startswith("No change is shown") and judged.change_label() == "no data in the comparison period"
