"""Demand against supply: hits per team-hour, coverage gaps, planned against logged team-hours,
the patrol_hours query, and the coverage gap the demo is made to show."""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pytest

from dashboard import coverage, queries
from dashboard.filters import Filter

WEEK = (date(2025, 1, 6), date(2025, 1, 12))  # Monday..Sunday, winter


def _plan(rows) -> pd.DataFrame:
    """Plan rows (weekday, shift, start, end, min, max), the same in both seasons."""
    frame = pd.DataFrame([(season, *row) for season in ("winter", "summer") for row in rows],
                         columns=["season", "weekday", "shift", "shift_start", "shift_end", "teams_min", "teams_max"])
    for column in ("shift_start", "shift_end"):
        frame[column] = frame[column].map(time.fromisoformat)
    return frame


EVENINGS_AND_FRIDAY = _plan([*[(d, "evening", "16:00", "22:00", 3, 3) for d in (1, 2, 3, 4)],
                             (5, "late", "16:00", "01:00", 1, 1)])


def _hits(cells: dict[tuple[int, int], int], area: str = "a") -> pd.DataFrame:
    return pd.DataFrame([(area, d, h, n) for (d, h), n in cells.items()], columns=["area_id", "weekday", "hour", "hits"])


def _busy_friday_night() -> dict[tuple[int, int], int]:
    cells = {(d, h): 28 + (d + h) % 5 for d in (1, 2, 3, 4) for h in range(16, 22)}  # 28..32 hits, three teams
    cells |= {(5, h): 10 for h in range(16, 21)}
    cells |= {(5, 21): 60, (5, 22): 60, (5, 23): 60, (6, 0): 60}  # one team: the gap
    cells |= {(6, 2): 45}  # after the late shift: nobody planned
    return cells


def _logged_like_plan(planned: pd.DataFrame, area: str = "a") -> pd.DataFrame:
    rows = planned[planned["team_hours"] > 0]
    return pd.DataFrame({"area_id": area, "weekday": rows["weekday"], "hour": rows["hour"],
                         "team_hours": rows["team_hours"] * 0.9})


# --- demand against supply ----------------------------------------------------------------------

def test_planned_hours_are_teams_times_the_weekdays_in_the_period():
    planned = coverage.planned_hours(EVENINGS_AND_FRIDAY, date(2025, 1, 6), date(2025, 1, 19))  # two weeks
    cell = planned.set_index(["weekday", "hour"])
    assert cell.loc[(1, 18), "teams"] == 3 and cell.loc[(1, 18), "team_hours"] == 6
    assert cell.loc[(6, 0), "teams"] == 1 and cell.loc[(6, 0), "team_hours"] == 2  # Friday's late shift after midnight
    assert cell.loc[(7, 18), "team_hours"] == 0
    assert list(coverage.weekday_counts(date(2025, 1, 6), date(2025, 1, 15))) == [2, 2, 2, 1, 1, 1, 1]


def test_hits_per_team_hour_planned_and_logged():
    planned = coverage.planned_hours(EVENINGS_AND_FRIDAY, *WEEK)
    hits = _hits({(1, 18): 30, (5, 22): 60, (7, 12): 5})
    logged = pd.DataFrame({"area_id": ["a", "b"], "weekday": [1, 1], "hour": [18, 18], "team_hours": [1.5, 0.5]})
    cells = coverage.coverage_cells(hits, logged, planned).set_index(["weekday", "hour"])
    assert len(cells) == 168
    monday = cells.loc[(1, 18)]
    assert monday["hits"] == 30 and monday["planned_team_hours"] == 3 and monday["logged_team_hours"] == 2
    assert monday["hits_per_planned_team_hour"] == 10 and monday["hits_per_logged_team_hour"] == 15
    assert cells.loc[(5, 22), "hits_per_planned_team_hour"] == 60
    assert np.isnan(cells.loc[(5, 22), "hits_per_logged_team_hour"])  # no patrol logged: no rate, no error
    assert np.isnan(cells.loc[(7, 12), "hits_per_planned_team_hour"])


def test_area_summary_puts_rates_beside_hits():
    hits = pd.concat([_hits({(1, 18): 30}, "a"), _hits({(1, 18): 10, (2, 18): 10}, "b")])
    logged = pd.DataFrame({"area_id": ["a", "b", "c"], "weekday": [1, 1, 3], "hour": [18, 19, 18],
                           "team_hours": [3.0, 4.0, 2.0]})
    table = coverage.area_summary(hits, logged, {"a": "Alfa", "b": "Beta"}).set_index("area_id")
    assert list(table.index) == ["a", "b", "c"]
    assert table.loc["a", "hits_per_logged_team_hour"] == 10 and table.loc["b", "hits_per_logged_team_hour"] == 5
    assert table.loc["c", "hits"] == 0 and table.loc["c", "area_name"] == "c"
    assert table["hits_share"].sum() == pytest.approx(1)
    shown = coverage.area_table(table.reset_index(), "en")
    assert list(shown.columns[:4]) == ["Area", "Hits", "Logged team-hours", "Hits per logged team-hour"]


# --- coverage gaps --------------------------------------------------------------------------------

def test_gaps_rank_the_thinly_staffed_busy_window_first():
    planned = coverage.planned_hours(EVENINGS_AND_FRIDAY, *WEEK)
    hits = _hits(_busy_friday_night())
    gaps = coverage.coverage_gaps(hits, _logged_like_plan(planned), planned, area_names={"a": "Alfa"}, limit=None)
    overall = gaps[gaps["scope"] == "all"].reset_index(drop=True)
    top = overall.iloc[0]
    assert (top["weekday"], top["hour_from"], top["hour_to"]) == (5, 21, 0)  # runs on past midnight
    assert top["window"] == "Fredag 21–01" and top["hits"] == 240
    assert top["planned_teams"] == 1 and top["hits_per_planned_team_hour"] == 60
    assert top["rank"] == 1 and top["excess_hits"] > 150
    assert "bare 1 team planlagt" in top["reason"] and "60 treff per planlagt teamtime" in top["reason"]
    nobody = overall[overall["hour_from"] == 2].iloc[0]
    assert nobody["weekday"] == 6 and np.isnan(nobody["score"]) and nobody["excess_hits"] == 45
    assert "ingen team planlagt" in nobody["reason"]
    assert list(gaps["rank"]) == list(range(1, len(gaps) + 1))
    assert gaps["excess_hits"].is_monotonic_decreasing
    # busy evenings with three teams are no gap
    assert not ((overall["weekday"] <= 4) & (overall["hits_per_planned_team_hour"] < 11)).any()


def test_gaps_per_area_use_logged_team_hours_and_speak_english():
    planned = coverage.planned_hours(EVENINGS_AND_FRIDAY, *WEEK)
    hits = _hits(_busy_friday_night())
    logged = _logged_like_plan(planned)
    gaps = coverage.coverage_gaps(hits, logged, planned, area_names={"a": "Alfa"}, lang="en", limit=3)
    assert len(gaps) == 3
    area = gaps[gaps["scope"] == "area"].iloc[0]
    assert area["area_name"] == "Alfa" and area["window"] == "Friday 21–01"
    assert area["hits_per_logged_team_hour"] == pytest.approx(60 / 0.9)
    assert area["reason"].startswith("Alfa, Friday 21–01: 240 hits on 4 logged team-hours")
    table = coverage.gaps_table(gaps, "en")
    assert list(table.columns) == ["#", "Time window", "Area", "Hits", "Planned teams", "Hits per planned team-hour",
                                   "Logged team-hours", "Hits per logged team-hour", "Reason"]


def test_no_hits_no_gaps():
    planned = coverage.planned_hours(EVENINGS_AND_FRIDAY, *WEEK)
    empty = pd.DataFrame(columns=["area_id", "weekday", "hour", "hits"])
    gaps = coverage.coverage_gaps(empty, pd.DataFrame(columns=["area_id", "weekday", "hour", "team_hours"]), planned)
    assert gaps.empty and "reason" in gaps.columns


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="coverage_hits"):
        coverage.coverage_cells(pd.DataFrame({"weekday": [1]}), pd.DataFrame(), pd.DataFrame())
    with pytest.raises(ValueError, match="lang"):
        coverage.coverage_gaps(_hits({}), pd.DataFrame(columns=["area_id", "weekday", "hour", "team_hours"]),
                               coverage.planned_hours(EVENINGS_AND_FRIDAY, *WEEK), lang="de")


# --- planned against logged ---------------------------------------------------------------------

MONDAY_EVENING = _plan([(1, "evening", "18:00", "20:00", 1, 3)])  # two teams on average, two hours


def _patrols(*spans) -> pd.DataFrame:
    """Logged team-hours per start day, as the ``patrol_days`` query gives them."""
    started, ended = pd.to_datetime([s for s, _ in spans]), pd.to_datetime([e for _, e in spans])
    hours = pd.Series((ended - started).total_seconds() / 3600, index=started.normalize())
    return hours.groupby(level=0).sum().rename_axis("day").reset_index(name="team_hours")


def test_planned_vs_logged_per_week_and_month():
    log = _patrols(("2025-01-06 18:00", "2025-01-06 20:00"), ("2025-01-13 18:00", "2025-01-13 20:00"),
                   ("2025-01-19 23:00", "2025-01-20 00:30"),  # started in the period: counts whole
                   ("2025-01-20 18:00", "2025-01-20 20:00"))  # after the period
    weekly = coverage.planned_vs_logged(MONDAY_EVENING, log, date(2025, 1, 6), date(2025, 1, 19))
    assert weekly.attrs["freq"] == "week"
    assert list(weekly["period_start"]) == [pd.Timestamp("2025-01-06"), pd.Timestamp("2025-01-13")]
    assert list(weekly["planned_team_hours"]) == [4, 4]
    assert list(weekly["logged_team_hours"]) == [2, 3.5]
    assert list(weekly["difference"]) == [-0.5, -0.125]
    monthly = coverage.planned_vs_logged(MONDAY_EVENING, log, date(2025, 1, 6), date(2025, 1, 19), freq="month")
    assert monthly[["planned_team_hours", "logged_team_hours"]].values.tolist() == [[8, 5.5]]
    long = coverage.planned_vs_logged(MONDAY_EVENING, log, date(2025, 1, 1), date(2025, 12, 31))
    assert long.attrs["freq"] == "month" and len(long) == 12
    assert long["planned_team_hours"].iloc[0] == 4 * 4  # four Mondays in January 2025, four team-hours each


def test_planned_vs_logged_chart():
    log = _patrols(("2025-01-06 18:00", "2025-01-06 20:00"))
    frame = coverage.planned_vs_logged(MONDAY_EVENING, log, date(2025, 1, 6), date(2025, 1, 19))
    chart = coverage.planned_vs_logged_chart(frame, lang="nb")
    assert [trace.type for trace in chart.figure.data] == ["bar", "scatter"]
    assert chart.summary == "2 loggførte mot 8 planlagte teamtimer (−75,0\u00a0%)."
    assert len(chart.table) == 2
    english = coverage.planned_vs_logged_chart(frame, lang="en")
    assert english.summary.startswith("2 logged against 8 planned team-hours")


def test_rate_heatmap_outlines_the_gaps():
    planned = coverage.planned_hours(EVENINGS_AND_FRIDAY, *WEEK)
    hits = _hits(_busy_friday_night())
    logged = _logged_like_plan(planned)
    cells = coverage.coverage_cells(hits, logged, planned)
    gaps = coverage.coverage_gaps(hits, logged, planned)
    chart = coverage.hits_per_team_hour_heatmap(cells, gaps=gaps, lang="nb")
    assert chart.figure.data[0].type == "heatmap"
    outlined = {(s.y0 + 0.5, s.x0 + 0.5, s.x1 - 0.5) for s in chart.figure.layout.shapes}
    assert {(5, 21, 23), (6, 0, 0)} <= outlined  # the window is split at midnight
    assert len(chart.table) == 168 and "treff per loggført teamtime" in chart.summary


# --- the queries ----------------------------------------------------------------------------------

def test_patrol_hours_cuts_patrols_at_hours_and_period(fresh_db):
    fresh_db.migrate()
    with fresh_db.write() as con:
        con.execute("INSERT INTO patrols (team, area_id, shift, started_at, ended_at, batch_id) VALUES "
                    "('T1', 'a', 'late', '2025-01-10 21:30', '2025-01-11 01:00', 1), "
                    "('T2', 'b', 'late', '2025-01-10 20:00', '2025-01-10 20:45', 1)")
    hours = queries.run(fresh_db, "patrol_hours", start_ts=datetime(2025, 1, 10), end_ts=datetime(2025, 1, 11),
                        area_ids=["a"])
    assert hours[["area_id", "weekday", "hour", "team_hours"]].values.tolist() == [
        ["a", 5, 21, 0.5], ["a", 5, 22, 1.0], ["a", 5, 23, 1.0]]  # Saturday 00–01 lies after the period
    both = queries.run(fresh_db, "patrol_hours", start_ts=datetime(2025, 1, 1), end_ts=datetime(2025, 2, 1), area_ids=[])
    assert both["team_hours"].sum() == pytest.approx(3.5 + 0.75)
    days = queries.run(fresh_db, "patrol_days", start_ts=datetime(2025, 1, 10), end_ts=datetime(2025, 1, 12), area_ids=[])
    assert days["team_hours"].tolist() == [0.75 + 3.5]  # both started on the 10th; a late shift stays whole
    assert days["day"].dt.date.tolist() == [date(2025, 1, 10)]
    assert queries.run(fresh_db, "patrol_days", start_ts=datetime(2025, 1, 10), end_ts=datetime(2025, 1, 11),
                       area_ids=["a"])["team_hours"].tolist() == [3.5]


# --- the demo's coverage gap ------------------------------------------------------------------------

def test_demo_shows_the_friday_and_saturday_night_gap(demo_db):
    flt = Filter.for_year(2025)
    params = flt.params()
    hits = queries.run_filtered(demo_db, "coverage_hits", flt)
    logged = queries.run(demo_db, "patrol_hours", start_ts=params["start_ts"], end_ts=params["end_ts"], area_ids=[])
    planned = coverage.planned_hours(queries.run(demo_db, "staffing_plan"), flt.start, flt.end)
    gaps = coverage.coverage_gaps(hits, logged, planned, limit=None)
    overall = gaps[gaps["scope"] == "all"]
    top = overall.iloc[0]
    assert top["rank"] == 1
    assert top["weekday"] in (5, 6) and top["hour_from"] >= 19, top.to_dict()
    assert top["planned_teams"] <= 2.5
    assert top["score"] > 2  # more than twice the hits per planned team-hour of the median hour
    weekend_nights = overall[overall["weekday"].isin([5, 6]) & (overall["hour_from"] >= 19)]
    assert set(weekend_nights["weekday"]) == {5, 6}
    hotspots = gaps[(gaps["scope"] == "area") & gaps["area_id"].isin(["lillestrom-stasjon", "skjetten-strommen"])
                    & gaps["weekday"].isin([5, 6])]
    assert not hotspots.empty
    cells = coverage.coverage_cells(hits, logged, planned)
    friday_night = cells[(cells["weekday"] == 5) & cells["hour"].between(21, 23)]
    monday_evening = cells[(cells["weekday"] == 1) & cells["hour"].between(18, 20)]
    assert (friday_night["hits_per_planned_team_hour"].mean()
            > 2 * monday_evening["hits_per_planned_team_hour"].mean())


# --- the page ------------------------------------------------------------------------------------

def test_bemanning_page_renders(demo_db, tmp_path, monkeypatch):
    """The page under AppTest (English is covered by the builders' tests: AppTest's page switch keeps
    the Norwegian labels of the sidebar's select boxes)."""
    import shutil

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import REPO_DIR

    path = tmp_path / "feltkart.duckdb"
    shutil.copyfile(demo_db.path, path)
    monkeypatch.setenv("FELTKART_DB", str(path))
    monkeypatch.delenv("FELTKART_LANG", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=120)
        at.query_params.update({"from": "2025-01-01", "to": "2025-12-31"})
        at.run()
        at.switch_page("views/bemanning.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        assert [t.value for t in at.title] == ["Bemanning og dekning"]
        gaps = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**1\\.**")]
        assert gaps and "Hele kommunen, fredag kl. 20–01" in gaps[0], gaps
        assert len(at.get("plotly_chart")) == 3
        assert [b.label for b in at.button if "Lagre" in b.label] == ["Lagre bemanningsplanen"]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
