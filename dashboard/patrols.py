"""Patrols and the staffing plan: the demo patrol log and editing the plan (a team's own log is
imported by :mod:`dashboard.patrol_import`).

A patrol row says which team covered which field area from when to when, within one shift of the
staffing plan (Europe/Oslo wall clock; a late shift ends after midnight and belongs to the day it
started). Hits per team-hour (:mod:`dashboard.coverage`) divide registrations by these hours.

The demo log is drawn to agree with the demo registrations and the staffing plan:

* Every (day, shift, team) with field registrations (street or school, with an area) is a patrol
  of the planned shift window less ``BRIEFING_MINUTES`` at the start and ``WRITE_UP_MINUTES`` at the
  end (time at the office), though out at least ``ARRIVAL_MINUTES`` before its first and after its
  last registration (within the window). That time is split over the areas the team registered in,
  in the order it met youth there: each run of registrations in one area gets the time from the
  midpoint before its first registration to the midpoint after its last (plus a small minimum),
  so the split follows the time spent, and every registration lies in or near its area's patrol.
* On each planned shift a number of teams is drawn between ``teams_min`` and ``teams_max`` of the
  season's plan row (the 'summer' rows carry the summer half-year's extra team), and about
  ``DROPPED_SHIFT_SHARE`` of those team-shifts are dropped (sick days, meetings). Teams planned
  beyond those with registrations patrol areas drawn by recent demand (the area's hits in the
  ``DEMAND_WINDOW_DAYS`` days before, school hits for day shifts and street hits otherwise): one
  area for a day shift; two for the other shifts, half the time each (one if both draws agree).
* Everything is drawn from generators seeded per year, so a year's patrols do not depend on how
  far the demo runs.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, time

import numpy as np
import pandas as pd

from dashboard import access, audit, calendar_no, demo, i18n, queries
from dashboard.calendar_no import SUMMER_HALF_YEAR_MONTHS
from dashboard.db import Database, bump_data_version
from dashboard.errors import FeltkartError

SHIFTS = ("day", "evening", "late")
SEASONS = ("winter", "summer")
MAX_TEAMS_PER_SHIFT = 10
MINUTES_PER_DAY = 24 * 60
DROPPED_SHIFT_SHARE = 0.05  # planned team-shifts that do not happen (sick days, meetings)
DEMAND_WINDOW_DAYS = 28  # "recent demand" for teams without registrations
DEMAND_PRIOR_HITS = 1.0  # per area and day, so that quiet areas are visited now and then
SEGMENT_PAD_MINUTES = 10.0  # every run of registrations gets at least a share of the shift
BRIEFING_MINUTES = 30  # a shift starts at the office: the patrol starts this much later ...
WRITE_UP_MINUTES = 15  # ... and ends this much before the shift, to write up (unless youth were met then)
ARRIVAL_MINUTES = 15  # a team is out at least this long before its first and after its last registration
SLOT_MINUTES = 5  # a registration stands for a five-minute slot
MIN_COVERED_MINUTES = 30  # an hour counts as staffed when a shift covers at least half of it
FIELD_CHANNELS = ("street", "school")
PATROL_COLUMNS = ["team", "area_id", "shift", "started_at", "ended_at"]
PLAN_COLUMNS = ["season", "weekday", "shift", "shift_start", "shift_end", "teams_min", "teams_max"]


def _rng(seed: int, *parts) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, ("patrols", *parts))).encode())])


def _minutes(value) -> int:
    if isinstance(value, str):
        value = time.fromisoformat(value)
    if isinstance(value, pd.Timedelta):
        return int(value.total_seconds() // 60)
    return value.hour * 60 + value.minute


def plan_windows(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan's shifts with ``start_min``/``end_min``: minutes after midnight of the shift's own
    day, ``end_min`` past 1 440 when the shift ends after midnight."""
    windows = plan[PLAN_COLUMNS].copy()
    windows["weekday"] = windows["weekday"].astype(int)
    windows["start_min"] = [_minutes(v) for v in windows["shift_start"]]
    end = np.array([_minutes(v) for v in windows["shift_end"]])
    windows["end_min"] = np.where(end <= windows["start_min"], end + MINUTES_PER_DAY, end)
    return windows.drop(columns=["shift_start", "shift_end"])


def planned_shifts(plan: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """One row per day in first..last and planned shift: day, shift, start_min, end_min, teams_min,
    teams_max (from the season of the day the shift starts)."""
    days = pd.DataFrame({"day": pd.date_range(first, last, freq="D")})
    days["weekday"] = days["day"].dt.isocalendar().day.astype(int).to_numpy()
    days["season"] = np.where(days["day"].dt.month.isin(list(SUMMER_HALF_YEAR_MONTHS)), "summer", "winter")
    shifts = days.merge(plan_windows(plan), on=["season", "weekday"])
    return shifts.sort_values(["day", "start_min"], kind="stable").reset_index(drop=True)


# --- planned teams per hour of the week --------------------------------------------------------

def _season_windows(plan: pd.DataFrame, season: str) -> pd.DataFrame:
    windows = plan_windows(plan)
    windows = windows[windows["season"] == season]
    if windows.empty:
        raise ValueError(f"the staffing plan has no season {season!r}; it has {sorted(plan['season'].unique())}")
    return windows.assign(teams=(windows["teams_min"] + windows["teams_max"]) / 2)


def planned_teams_by_hour(plan: pd.DataFrame, season: str) -> pd.DataFrame:
    """Planned field teams out in each hour of the week, for one season of the staffing plan.

    Parameters
    ----------
    plan : rows of the ``staffing_plan`` query (``PLAN_COLUMNS``); a shift whose end is not after its
        start ends after midnight, and its hours after midnight belong to the next weekday
        (Sunday -> Monday).
    season : "winter" or "summer" (see ``calendar_no.season``).

    Returns
    -------
    All 168 cells (weekday 1..7, hour 0..23) with ``teams``: per shift the mean of teams_min and
    teams_max, summed over the shifts that cover at least half of the hour.

    Example: the winter plan's Friday late shift 16:00–01:00 (1–2 teams) gives Friday 16..23 and
    Saturday 00 1.5 teams each.
    """
    grid = np.zeros((7, 24))
    for shift in _season_windows(plan, season).itertuples(index=False):
        for hour in range(shift.start_min // 60, -(-shift.end_min // 60)):
            covered = min(shift.end_min, (hour + 1) * 60) - max(shift.start_min, hour * 60)
            if covered >= MIN_COVERED_MINUTES:
                grid[(shift.weekday - 1 + hour // 24) % 7, hour % 24] += shift.teams
    index = pd.MultiIndex.from_product([range(1, 8), range(24)], names=["weekday", "hour"])
    return pd.DataFrame({"teams": grid.ravel()}, index=index).reset_index()


def team_hours(plan: pd.DataFrame, season: str) -> float:
    """Planned team-hours per week in ``season``: the sum over shifts of mean teams × shift length.

    Exact clock time (a 08:30–15:30 shift is 7 hours), not the whole-hour grid of
    :func:`planned_teams_by_hour`.
    """
    shifts = _season_windows(plan, season)
    return float((shifts["teams"] * (shifts["end_min"] - shifts["start_min"]) / 60).sum())


def period_weeks(start: date, end: date) -> float:
    """The number of weeks from ``start`` to ``end``, both included (for hits per team-hour)."""
    if end < start:
        raise ValueError(f"end must be on or after start, got {start}..{end}")
    return ((end - start).days + 1) / 7


def planned_teams_for_period(plan: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Planned teams per weekday and hour, averaged over the seasons' shares of the days in start..end."""
    days = pd.date_range(start, end, freq="D")
    if days.empty:
        raise ValueError(f"end must be on or after start, got {start}..{end}")
    summer = float(np.mean([calendar_no.season(d) == "summer" for d in days.date]))
    result = planned_teams_by_hour(plan, "winter" if summer < 1 else "summer")
    if 0 < summer < 1:
        result["teams"] = result["teams"] * (1 - summer) + planned_teams_by_hour(plan, "summer")["teams"] * summer
    return result


# --- demo patrols -----------------------------------------------------------------------------

def _field_visits(contacts: pd.DataFrame) -> pd.DataFrame:
    field = contacts[contacts["channel"].isin(FIELD_CHANNELS) & contacts["area_id"].notna() & contacts["team"].notna()]
    visits = field.groupby(["occurred_at", "area_id", "team", "channel"], as_index=False, sort=False)["youth_count"].sum()
    visits["visit"] = np.arange(len(visits))
    return visits


def _visits_in_shifts(visits: pd.DataFrame, shifts: pd.DataFrame) -> pd.DataFrame:
    """Each visit with the planned shift it belongs to (school field prefers the day shift, street
    field the others); visits outside every planned window are left out."""
    candidates = []
    midnight = visits["occurred_at"].dt.floor("D")
    for offset in (0, 1):  # the shift may have started the day before (a late shift)
        day = midnight - pd.Timedelta(days=offset)
        minute = (visits["occurred_at"] - day).dt.total_seconds() // 60
        candidates.append(visits.assign(day=day, minute=minute))
    joined = pd.concat(candidates).merge(shifts[["day", "shift", "start_min", "end_min"]], on="day")
    joined = joined[(joined["minute"] >= joined["start_min"]) & (joined["minute"] <= joined["end_min"])]
    joined = joined.assign(rank=(joined["shift"] == "day") != (joined["channel"] == "school"))
    joined = joined.sort_values(["visit", "rank", "start_min"], kind="stable").drop_duplicates("visit")
    return joined.drop(columns=["rank"])


def _registered_patrols(visits: pd.DataFrame) -> pd.DataFrame:
    """Split each registered team-shift over its runs of registrations in one area (see module doc)."""
    key = ["day", "shift", "team"]
    v = visits.sort_values(key + ["minute", "area_id"], kind="stable").reset_index(drop=True)
    new_group = (v[key] != v[key].shift()).any(axis=1)
    new_run = new_group | (v["area_id"] != v["area_id"].shift())
    runs = v.groupby(new_run.cumsum().to_numpy(), sort=False).agg(
        day=("day", "first"), shift=("shift", "first"), team=("team", "first"), area_id=("area_id", "first"),
        first=("minute", "min"), last=("minute", "max"), start_min=("start_min", "first"), end_min=("end_min", "first"))
    group = runs.groupby(key, sort=False)
    # Out after the briefing and back for the write-up, but out a while before the first and after the
    # last registration (within the planned window).
    first_out = group["first"].transform("min") - ARRIVAL_MINUTES
    last_out = group["last"].transform("max") + SLOT_MINUTES + ARRIVAL_MINUTES
    runs["start_min"] = np.maximum(runs["start_min"], np.minimum(runs["start_min"] + BRIEFING_MINUTES, first_out))
    runs["end_min"] = np.minimum(runs["end_min"], np.maximum(runs["end_min"] - WRITE_UP_MINUTES, last_out))
    boundary = ((group["last"].shift() + runs["first"]) / 2).fillna(runs["start_min"])
    next_boundary = boundary.groupby([runs[k] for k in key], sort=False).shift(-1).fillna(runs["end_min"])
    width = next_boundary - boundary + SEGMENT_PAD_MINUTES
    share = width / width.groupby([runs[k] for k in key], sort=False).transform("sum")
    cumulative = share.groupby([runs[k] for k in key], sort=False).cumsum()
    length = runs["end_min"] - runs["start_min"]
    end = np.round(runs["start_min"] + cumulative * length).astype(int)
    start = end.groupby([runs[k] for k in key], sort=False).shift().fillna(runs["start_min"]).astype(int)
    return runs.assign(start=start, end=end)[["day", "shift", "team", "area_id", "start", "end"]]


def _demand(visits: pd.DataFrame, areas: list[str], first: date, last: date) -> dict[str, pd.DataFrame]:
    """Per kind of shift ('school' for day shifts, 'street' otherwise): a days × areas frame of the
    areas' hits in the DEMAND_WINDOW_DAYS days before each day, plus a small prior."""
    days = pd.date_range(first, last, freq="D")
    result = {}
    for kind in FIELD_CHANNELS:
        part = visits[visits["channel"] == kind]
        daily = (part.groupby([part["occurred_at"].dt.floor("D"), "area_id"])["youth_count"].sum()
                 .unstack(fill_value=0).reindex(index=days, columns=areas, fill_value=0))
        recent = daily.rolling(DEMAND_WINDOW_DAYS, min_periods=1).sum().shift(1).fillna(0)
        result[kind] = recent + DEMAND_PRIOR_HITS * DEMAND_WINDOW_DAYS / len(areas)
    return result


def _draw_rows(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One column index per row of a row-stochastic matrix."""
    cumulative = probabilities.cumsum(axis=1)
    u = rng.random(len(probabilities))[:, None] * cumulative[:, -1:]
    return np.minimum((cumulative < u).sum(axis=1), probabilities.shape[1] - 1)


def _extra_patrols(shifts: pd.DataFrame, registered: pd.DataFrame, demand: dict[str, pd.DataFrame],
                   rng: np.random.Generator) -> pd.DataFrame:
    """Planned teams beyond those with registrations, in areas drawn by recent demand."""
    shifts = shifts.copy()
    planned = rng.integers(shifts["teams_min"].to_numpy(), shifts["teams_max"].to_numpy() + 1)
    shifts["kept"] = rng.binomial(planned, 1 - DROPPED_SHIFT_SHARE)
    teams_out = registered.groupby(["day", "shift"])["team"].agg(set)
    shifts = shifts.join(teams_out.rename("teams_out"), on=["day", "shift"])
    shifts["extra"] = np.maximum(0, shifts["kept"] - shifts["teams_out"].map(lambda s: len(s) if isinstance(s, set) else 0))
    rows = []
    for row in shifts[shifts["extra"] > 0].itertuples(index=False):
        out = row.teams_out if isinstance(row.teams_out, set) else set()
        free = [team for team in demo.TEAMS if team not in out] + [f"T{i}" for i in range(len(demo.TEAMS) + 1, 2 * MAX_TEAMS_PER_SHIFT)]
        rows += [(row.day, row.shift, team, row.start_min, row.end_min) for team in free[:row.extra]]
    extra = pd.DataFrame(rows, columns=["day", "shift", "team", "start_min", "end_min"])
    extra["start_min"] += BRIEFING_MINUTES
    extra["end_min"] -= WRITE_UP_MINUTES
    if extra.empty:
        return pd.DataFrame(columns=["day", "shift", "team", "area_id", "start", "end"])
    areas = np.array(demand["street"].columns)
    picks = []
    for kind, mask in (("school", extra["shift"] == "day"), ("street", extra["shift"] != "day")):
        part = extra[mask]
        weights = demand[kind].loc[part["day"]].to_numpy()
        picks.append(pd.DataFrame({"a1": areas[_draw_rows(weights, rng)], "a2": areas[_draw_rows(weights, rng)],
                                   "one_area": kind == "school"}, index=part.index))
    picks = pd.concat(picks).reindex(extra.index)
    single = picks["one_area"] | (picks["a1"] == picks["a2"])
    middle = ((extra["start_min"] + extra["end_min"]) // 2).astype(int)
    whole = extra[single].assign(area_id=picks["a1"], start=extra["start_min"], end=extra["end_min"])
    halves = extra[~single]
    first = halves.assign(area_id=picks["a1"], start=halves["start_min"], end=middle)
    second = halves.assign(area_id=picks["a2"], start=middle, end=halves["end_min"])
    return pd.concat([whole, first, second])[["day", "shift", "team", "area_id", "start", "end"]]


def generate_demo_patrols(contacts: pd.DataFrame, plan: pd.DataFrame, until: datetime,
                          seed: int = demo.DEFAULT_SEED) -> pd.DataFrame:
    """The demo patrol log agreeing with ``contacts`` and ``plan`` (see the module doc), up to ``until``.

    Parameters
    ----------
    contacts : demo registrations (occurred_at, area_id, channel, team, youth_count), as from
        :func:`dashboard.demo.generate_contacts`.
    plan : the staffing plan (season, weekday, shift, shift_start, shift_end, teams_min, teams_max).
    until : no patrol starts at or after this moment; one in progress ends at it.

    Returns
    -------
    team, area_id, shift, started_at, ended_at (Europe/Oslo wall clock), sorted by start.

    Example: ``generate_demo_patrols(contacts, demo.staffing_plan(), datetime(2026, 11, 27))``.
    """
    if contacts.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c.endswith("_at") else object) for c in PATROL_COLUMNS})
    first_year = int(contacts["occurred_at"].min().year)
    visits = _field_visits(contacts)
    areas = sorted(visits["area_id"].unique())
    first, last = date(first_year, 1, 1), date(until.year, 12, 31)
    demand = _demand(visits, areas, first, last)
    all_shifts = planned_shifts(plan, first, last)
    registered = _registered_patrols(_visits_in_shifts(visits, all_shifts))
    frames = [registered]
    for year in range(first_year, until.year + 1):
        in_year = all_shifts[all_shifts["day"].dt.year == year].reset_index(drop=True)
        frames.append(_extra_patrols(in_year, registered[registered["day"].dt.year == year], demand, _rng(seed, year)))
    rows = pd.concat(frames, ignore_index=True)
    started = rows["day"] + pd.to_timedelta(rows["start"].astype(int), unit="m")
    ended = rows["day"] + pd.to_timedelta(rows["end"].astype(int), unit="m")
    limit = pd.Timestamp(until)
    patrols = pd.DataFrame({"team": rows["team"].to_numpy(), "area_id": rows["area_id"].to_numpy(),
                            "shift": rows["shift"].to_numpy(), "started_at": started.to_numpy(),
                            "ended_at": ended.clip(upper=limit).to_numpy()})
    patrols = patrols[patrols["started_at"] < limit]
    patrols = patrols.astype({"started_at": "datetime64[us]", "ended_at": "datetime64[us]"})
    return patrols.sort_values(["started_at", "team", "area_id"], kind="stable").reset_index(drop=True)


# --- the staffing plan ------------------------------------------------------------------------

class StaffingPlanInvalid(FeltkartError):
    """A staffing plan that cannot be saved; ``problems`` are (row number or 0, message key, params)."""

    def __init__(self, problems: list[tuple[int, str, dict]]):
        super().__init__("staffing.invalid", count=len(problems))
        self.problems = problems

    def lines(self, lang: str | None = None) -> list[str]:
        """One sentence per problem, 'Rad 3: ...' (rows numbered from 1 as in the table)."""
        return [(i18n.t("staffing.row", lang, row=row) + " " if row else "") + i18n.t(key, lang, **params)
                for row, key, params in self.problems]

    def message(self, lang: str | None = None) -> str:
        return " ".join([i18n.t(self.key, lang, **self.params), *self.lines(lang)])


def staffing_plan_frame(db: Database) -> pd.DataFrame:
    """The staffing plan as stored: season, weekday, shift, shift_start, shift_end, teams_min, teams_max."""
    return queries.run(db, "staffing_plan")


def _clock(value) -> time | None:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, pd.Timedelta) and pd.Timedelta(0) <= value < pd.Timedelta(days=1):
        minutes = int(value.total_seconds() // 60)
        return time(minutes // 60, minutes % 60)
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip().replace(".", ":")).replace(second=0, microsecond=0)
        except ValueError:
            return None
    return None


def _teams_value(value) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not number.is_integer() or not 0 <= number <= MAX_TEAMS_PER_SHIFT:
        return None
    return int(number)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT or \
        (isinstance(value, str) and not value.strip()) or (not isinstance(value, str) and pd.isna(value))


def validate_staffing_plan(rows: pd.DataFrame) -> pd.DataFrame:
    """The plan ``rows`` checked and normalised, or :class:`StaffingPlanInvalid` naming every problem.

    Each row: season 'winter' or 'summer' (the summer half-year's reinforcement is its own rows),
    weekday 1..7 (1 = Monday), shift 'day', 'evening' or 'late', shift_start and shift_end (times
    or 'HH:MM'; an end earlier than the start means after midnight, equal is refused), teams_min and
    teams_max whole numbers with 0 <= min <= max <= MAX_TEAMS_PER_SHIFT. A (season, weekday, shift)
    may occur once, and both seasons need rows. Rows left completely empty are ignored.
    """
    if not isinstance(rows, pd.DataFrame):
        raise TypeError(f"rows must be a pandas DataFrame, got {type(rows).__name__}")
    missing = [c for c in PLAN_COLUMNS if c not in rows.columns]
    if missing:
        raise StaffingPlanInvalid([(0, "staffing.missing_columns", {"columns": ", ".join(missing)})])
    problems, clean, seen = [], [], {}
    for number, row in enumerate(rows[PLAN_COLUMNS].itertuples(index=False), 1):
        values = row._asdict()
        if all(_blank(v) for v in values.values()):
            continue
        before = len(problems)
        season = str(values["season"]).strip() if not _blank(values["season"]) else ""
        if season not in SEASONS:
            problems.append((number, "staffing.bad_season", {"value": season}))
        try:
            weekday = int(values["weekday"])
            if float(values["weekday"]) != weekday or not 1 <= weekday <= 7:
                raise ValueError
        except (TypeError, ValueError):
            weekday = None
            problems.append((number, "staffing.bad_weekday", {"value": "" if _blank(values["weekday"]) else values["weekday"]}))
        shift = str(values["shift"]).strip() if not _blank(values["shift"]) else ""
        if shift not in SHIFTS:
            problems.append((number, "staffing.bad_shift", {"value": shift}))
        clocks = {}
        for column in ("shift_start", "shift_end"):
            clocks[column] = None if _blank(values[column]) else _clock(values[column])
            if clocks[column] is None:
                problems.append((number, "staffing.bad_time", {"column": column,
                                                               "value": "" if _blank(values[column]) else values[column]}))
        if clocks["shift_start"] is not None and clocks["shift_start"] == clocks["shift_end"]:
            problems.append((number, "staffing.same_time", {}))
        teams = {}
        for column in ("teams_min", "teams_max"):
            teams[column] = _teams_value(values[column])
            if teams[column] is None:
                problems.append((number, "staffing.bad_teams", {"column": column, "max": MAX_TEAMS_PER_SHIFT,
                                                                "value": "" if _blank(values[column]) else values[column]}))
        if None not in teams.values() and teams["teams_min"] > teams["teams_max"]:
            problems.append((number, "staffing.min_above_max", {"min": teams["teams_min"], "max": teams["teams_max"]}))
        if len(problems) > before:
            continue
        key = (season, weekday, shift)
        if key in seen:
            problems.append((number, "staffing.duplicate", {"season": season, "weekday": weekday, "shift": shift,
                                                            "first": seen[key]}))
            continue
        seen[key] = number
        clean.append((season, weekday, shift, clocks["shift_start"], clocks["shift_end"], teams["teams_min"],
                      teams["teams_max"]))
    if not problems:
        for season in SEASONS:
            if not any(row[0] == season for row in clean):
                problems.append((0, "staffing.no_season", {"season": season}))
    if problems:
        raise StaffingPlanInvalid(problems)
    plan = pd.DataFrame(clean, columns=PLAN_COLUMNS)
    return plan.astype({"weekday": "int64", "teams_min": "int64", "teams_max": "int64"})


def update_staffing_plan(db: Database, rows: pd.DataFrame) -> int:
    """Replace the staffing plan by ``rows`` (validated first) in one transaction; returns the row count.

    Only an admin may change the plan (:mod:`dashboard.access`); the change is audit-logged with the
    plan before and after. Raises :class:`StaffingPlanInvalid` (nothing is written) when a row is
    wrong; if the write itself fails, the transaction is rolled back and the old plan stays.
    """
    access.require("admin")
    plan = validate_staffing_plan(rows)
    with db.write() as con:
        before = con.execute("SELECT * FROM staffing_plan ORDER BY season DESC, weekday, shift_start").df()
        con.execute("DELETE FROM staffing_plan")
        con.register("incoming_plan", plan)
        try:
            con.execute("INSERT INTO staffing_plan BY NAME SELECT * FROM incoming_plan")
        finally:
            con.unregister("incoming_plan")
        audit.record(con, "staffing_plan.update", "staffing_plan", before=before.to_dict("records"),
                     after=plan.to_dict("records"))
        bump_data_version(con)
    return len(plan)
