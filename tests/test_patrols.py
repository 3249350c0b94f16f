"""The demo patrol log agrees with the staffing plan and the registrations; the staffing plan is
validated and saved atomically."""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pytest

from dashboard import demo, patrols, queries
from dashboard.db import Database
from dashboard.seed import build_demo


def _df(db: Database, sql: str) -> pd.DataFrame:
    with db.read() as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def demo_patrols(demo_db) -> pd.DataFrame:
    return _df(demo_db, "SELECT * FROM patrols")


@pytest.fixture(scope="module")
def demo_plan(demo_db) -> pd.DataFrame:
    return queries.run(demo_db, "staffing_plan")


def _shift_day(patrol: pd.DataFrame) -> pd.Series:
    """The day a patrol's shift started: a late shift's part after midnight belongs to the day before."""
    return (patrol["started_at"] - pd.Timedelta(hours=6)).dt.floor("D")


# --- the demo patrol log ------------------------------------------------------------------------

def test_demo_has_patrols_in_every_year(demo_patrols):
    years = demo_patrols["started_at"].dt.year.value_counts()
    assert sorted(years.index) == [2022, 2023, 2024, 2025, 2026]
    assert (years > 3000).all(), years.to_dict()
    assert set(demo_patrols["shift"]) == {"day", "evening", "late"}
    assert (demo_patrols["ended_at"] > demo_patrols["started_at"]).all()


def test_no_patrol_outside_a_planned_shift_window(demo_patrols, demo_plan):
    windows = patrols.plan_windows(demo_plan)
    p = demo_patrols.assign(day=_shift_day(demo_patrols))
    p["weekday"] = p["day"].dt.isocalendar().day.astype(int).to_numpy()
    p["season"] = np.where(p["day"].dt.month.between(4, 9), "summer", "winter")
    joined = p.merge(windows, on=["season", "weekday", "shift"], how="left")
    assert joined["start_min"].notna().all(), joined[joined["start_min"].isna()].head()
    start = joined["day"] + pd.to_timedelta(joined["start_min"], unit="m")
    end = joined["day"] + pd.to_timedelta(joined["end_min"], unit="m")
    outside = joined[(joined["started_at"] < start) | (joined["ended_at"] > end)]
    assert outside.empty, outside.head()


def test_every_field_registration_has_a_patrol_of_its_team_shift_and_area(demo_db, demo_patrols):
    regs = _df(demo_db, "SELECT DISTINCT occurred_at, area_id, team, channel FROM contacts "
                        "WHERE channel IN ('street', 'school')")
    minute = regs["occurred_at"].dt.hour * 60 + regs["occurred_at"].dt.minute
    after_midnight = minute < 6 * 60  # the end of a late shift that started the day before
    regs["day"] = regs["occurred_at"].dt.floor("D") - pd.to_timedelta(after_midnight.astype(int), unit="D")
    weekday = regs["day"].dt.isocalendar().day.astype(int).to_numpy()
    regs["shift"] = np.where(regs["channel"] == "school", "day", np.where(np.isin(weekday, (5, 6)), "late", "evening"))
    logged = demo_patrols.assign(day=_shift_day(demo_patrols))[["day", "shift", "team", "area_id"]].drop_duplicates()
    joined = regs.merge(logged, on=["day", "shift", "team", "area_id"], how="left", indicator=True)
    missing = joined[joined["_merge"] == "left_only"]
    assert missing.empty, missing.head()


def test_registrations_mostly_fall_inside_their_areas_patrol(demo_db, demo_patrols):
    regs = _df(demo_db, "SELECT DISTINCT occurred_at, area_id, team FROM contacts "
                        "WHERE channel IN ('street', 'school') AND year(occurred_at) = 2024")
    p = demo_patrols[demo_patrols["started_at"].dt.year == 2024]
    joined = regs.merge(p, on=["team", "area_id"])
    inside = joined[(joined["occurred_at"] >= joined["started_at"]) & (joined["occurred_at"] <= joined["ended_at"])]
    share = inside[["occurred_at", "area_id", "team"]].drop_duplicates().shape[0] / len(regs)
    assert share > 0.8, share


def _planned_hours(plan: pd.DataFrame, first: date, last: date) -> float:
    shifts = patrols.planned_shifts(plan, first, last)
    return float(((shifts["teams_min"] + shifts["teams_max"]) / 2 * (shifts["end_min"] - shifts["start_min"]) / 60).sum())


def _logged_hours(log: pd.DataFrame) -> float:
    return float((log["ended_at"] - log["started_at"]).dt.total_seconds().sum() / 3600)


def test_logged_team_hours_are_close_to_planned_over_a_year(demo_patrols, demo_plan):
    for year in (2023, 2025):
        planned = _planned_hours(demo_plan, date(year, 1, 1), date(year, 12, 31))
        logged = _logged_hours(demo_patrols[demo_patrols["started_at"].dt.year == year])
        assert 0.85 <= logged / planned <= 1.15, (year, logged, planned)
        assert logged != pytest.approx(planned, rel=0.005), "planned and logged should differ (sick days, meetings)"


def test_summer_has_more_team_hours_per_week_than_winter(demo_patrols):
    p = demo_patrols[demo_patrols["started_at"].dt.year == 2025]
    summer = p["started_at"].dt.month.between(4, 9)
    weeks_summer = (date(2025, 10, 1) - date(2025, 4, 1)).days / 7
    weeks_winter = 365 / 7 - weeks_summer
    assert _logged_hours(p[summer]) / weeks_summer > 1.04 * _logged_hours(p[~summer]) / weeks_winter


def test_generator_is_deterministic_and_respects_until():
    contacts = pd.DataFrame({
        "occurred_at": pd.to_datetime(["2024-03-01 21:30", "2024-03-01 23:10", "2024-03-02 00:20",
                                       "2024-03-04 10:05", "2024-03-04 19:00"]),
        "area_id": ["lillestrom-stasjon", "skjetten-strommen", "lillestrom-stasjon", "fetsund", "fetsund"],
        "channel": ["street", "street", "street", "school", "street"],
        "team": ["T1", "T1", "T1", "T2", "T1"],
        "youth_count": [4, 3, 2, 6, 1],
    })
    until = datetime(2024, 3, 4, 18, 0)
    first = patrols.generate_demo_patrols(contacts, demo.staffing_plan(), until, seed=7)
    second = patrols.generate_demo_patrols(contacts, demo.staffing_plan(), until, seed=7)
    pd.testing.assert_frame_equal(first, second)
    assert (first["started_at"] < until).all() and (first["ended_at"] <= until).all()
    friday = first[(first["team"] == "T1") & (first["shift"] == "late")
                   & (first["started_at"].dt.date == date(2024, 3, 1))]
    # the Friday late shift visited the station, Strømmen, then the station again: three runs in order
    assert list(friday["area_id"]) == ["lillestrom-stasjon", "skjetten-strommen", "lillestrom-stasjon"]
    assert friday["started_at"].iloc[0] == pd.Timestamp("2024-03-01 16:30")  # after the briefing
    assert friday["ended_at"].iloc[-1] == pd.Timestamp("2024-03-02 00:45")  # before the write-up
    assert (friday["started_at"].iloc[1:].to_numpy() == friday["ended_at"].iloc[:-1].to_numpy()).all()
    # the Monday evening registration (19:00) lies after ``until``: only the day shift is there, cut at until
    assert first[first["started_at"].dt.date == date(2024, 3, 4)]["ended_at"].max() <= pd.Timestamp(until)


# --- the staffing plan ------------------------------------------------------------------------

@pytest.fixture
def plan_db(fresh_db) -> Database:
    fresh_db.migrate()
    with fresh_db.write() as con:
        con.register("incoming", demo.staffing_plan())
        con.execute("INSERT INTO staffing_plan BY NAME SELECT * FROM incoming")
        con.unregister("incoming")
    return fresh_db


def test_update_staffing_plan_replaces_the_plan_and_bumps_the_version(plan_db):
    plan = patrols.staffing_plan_frame(plan_db)
    before = plan_db.data_version()
    plan.loc[(plan["season"] == "summer") & (plan["weekday"] == 7), "teams_max"] = 4
    plan["shift_start"] = plan["shift_start"].map(lambda t: t.strftime("%H:%M"))  # text times are accepted too
    assert patrols.update_staffing_plan(plan_db, plan) == len(plan)
    saved = patrols.staffing_plan_frame(plan_db)
    assert int(saved.loc[(saved["season"] == "summer") & (saved["weekday"] == 7), "teams_max"].iloc[0]) == 4
    assert saved["shift_start"].iloc[0] == time(8, 30)
    assert plan_db.data_version() == before + 1


@pytest.mark.parametrize("column, value, key", [
    ("weekday", 8, "staffing.bad_weekday"),
    ("weekday", 0, "staffing.bad_weekday"),
    ("shift", "night", "staffing.bad_shift"),
    ("season", "spring", "staffing.bad_season"),
    ("shift_start", "25:00", "staffing.bad_time"),
    ("shift_end", None, "staffing.bad_time"),
    ("teams_min", -1, "staffing.bad_teams"),
    ("teams_max", 11, "staffing.bad_teams"),
    ("teams_max", 1.5, "staffing.bad_teams"),
    ("teams_min", 5, "staffing.min_above_max"),
])
def test_a_bad_row_is_refused_and_leaves_the_old_plan(plan_db, column, value, key):
    old = patrols.staffing_plan_frame(plan_db)
    version = plan_db.data_version()
    rows = old.astype(object).copy()
    rows.loc[2, column] = value
    with pytest.raises(patrols.StaffingPlanInvalid) as caught:
        patrols.update_staffing_plan(plan_db, rows)
    assert [(row, k) for row, k, _ in caught.value.problems] == [(3, key)]
    assert caught.value.lines("nb")[0].startswith("Rad 3:")
    assert "Row 3:" in caught.value.message("en")
    pd.testing.assert_frame_equal(patrols.staffing_plan_frame(plan_db), old)
    assert plan_db.data_version() == version


def test_plan_validation_catches_duplicates_missing_seasons_and_same_times(plan_db):
    plan = patrols.staffing_plan_frame(plan_db)
    with pytest.raises(patrols.StaffingPlanInvalid) as caught:
        patrols.validate_staffing_plan(pd.concat([plan, plan.iloc[[0]]], ignore_index=True))
    assert caught.value.problems[0][1] == "staffing.duplicate"
    with pytest.raises(patrols.StaffingPlanInvalid) as caught:
        patrols.validate_staffing_plan(plan[plan["season"] == "winter"])
    assert caught.value.problems == [(0, "staffing.no_season", {"season": "summer"})]
    same = plan.copy()
    same.loc[0, "shift_end"] = same.loc[0, "shift_start"]
    with pytest.raises(patrols.StaffingPlanInvalid) as caught:
        patrols.validate_staffing_plan(same)
    assert caught.value.problems[0][1] == "staffing.same_time"
    empty_row = pd.DataFrame([{c: None for c in patrols.PLAN_COLUMNS}])
    assert len(patrols.validate_staffing_plan(pd.concat([plan, empty_row], ignore_index=True))) == len(plan)


def test_a_failing_write_rolls_back_to_the_old_plan(plan_db, monkeypatch):
    old = patrols.staffing_plan_frame(plan_db)
    broken = old.copy()
    broken.loc[0, ["teams_min", "teams_max"]] = [3, 1]  # the table's CHECK refuses it after the DELETE
    monkeypatch.setattr(patrols, "validate_staffing_plan", lambda rows: rows)
    with pytest.raises(Exception):
        patrols.update_staffing_plan(plan_db, broken)
    pd.testing.assert_frame_equal(patrols.staffing_plan_frame(plan_db), old)


def test_build_demo_replaces_the_patrols(fresh_db):
    until = datetime(2022, 3, 1)
    build_demo(fresh_db, until=until)
    first = _df(fresh_db, "SELECT count(*) AS n, max(ended_at) AS last FROM patrols")
    build_demo(fresh_db, until=until)
    again = _df(fresh_db, "SELECT count(*) AS n, max(ended_at) AS last FROM patrols")
    assert int(first["n"].iloc[0]) == int(again["n"].iloc[0]) > 100
    assert again["last"].iloc[0] <= pd.Timestamp(until)


def test_only_an_admin_changes_the_plan_and_the_change_is_logged(plan_db):
    from dashboard import access
    from dashboard.errors import FeltkartError

    plan = patrols.staffing_plan_frame(plan_db)
    with access.acting_as("redaktør@kommune.no", "editor"):
        with pytest.raises(FeltkartError) as caught:
            patrols.update_staffing_plan(plan_db, plan)
    assert caught.value.key == "access.denied"
    with access.acting_as("leder@kommune.no", "admin"):
        patrols.update_staffing_plan(plan_db, plan.assign(teams_max=plan["teams_max"].clip(upper=3)))
    log = _df(plan_db, "SELECT actor, action, target, before_json, after_json FROM audit_log WHERE action <> 'db.migrate'")
    assert log[["actor", "action", "target"]].values.tolist() == [["leder@kommune.no", "staffing_plan.update",
                                                                  "staffing_plan"]]
    assert '"teams_max": 4' in log["before_json"].iloc[0] and '"teams_max": 4' not in log["after_json"].iloc[0]
