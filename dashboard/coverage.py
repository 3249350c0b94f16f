"""Effort and coverage: demand (hits) against supply (planned and logged team-hours).

Pure functions on DataFrames, no Streamlit and no database. The inputs are the named queries
``coverage_hits`` (hits per area, weekday and hour), ``patrol_hours`` (logged team-hours per area,
weekday and hour), ``patrol_days`` (logged team-hours per day) and ``staffing_plan``.

Planned team-hours per weekday × hour over a period are the plan's mean teams in that hour
(:func:`dashboard.patrols.planned_teams_for_period`: whole hours, a shift counting in an hour it
covers at least half of) times the number of that weekday in the period, so they match the numbers
drawn on the weekday × hour heatmap. Planned team-hours per week or month
(:func:`planned_vs_logged`) use each shift's exact clock length instead (08:30–15:30 is 7 hours).

Wherever rates are compared, the raw hits are shown beside the hits per team-hour.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, patrols, vocab
from dashboard.charts import Chart
from dashboard.i18n import LANGS, fmt_int, fmt_pct
from dashboard.patrols import planned_shifts

HOURS_PER_DAY = 24
HIGH_DEMAND_QUANTILE = 0.75  # a cell's hits in the top quartile of cells with hits
HIGH_RATE_QUANTILE = 0.90  # hits per team-hour in the top decile
FEW_PLANNED_TEAMS = 1.0  # at most this many teams planned (on average over the period)
WEEKLY_UP_TO_DAYS = 120  # planned vs logged per week up to this period length, else per month
GAP_COLOUR = "#e6550d"
RATE_COLOUR_CAP_QUANTILE = 0.95  # the rate heatmap's colours stop here (a few thin edge hours would swamp them)

_TEXTS = {
    "weekday": ("Ukedag", "Weekday"),
    "hour": ("Time", "Hour"),
    "area": ("Område", "Area"),
    "hits": ("Treff", "Hits"),
    "planned_teams": ("Planlagte team", "Planned teams"),
    "planned_hours": ("Planlagte teamtimer", "Planned team-hours"),
    "logged_hours": ("Loggførte teamtimer", "Logged team-hours"),
    "per_planned": ("Treff per planlagt teamtime", "Hits per planned team-hour"),
    "per_logged": ("Treff per loggført teamtime", "Hits per logged team-hour"),
    "hits_share": ("Andel av treffene", "Share of hits"),
    "hours_share": ("Andel av teamtimene", "Share of team-hours"),
    "period": ("Periode", "Period"),
    "week": ("Uke fra", "Week from"),
    "month": ("Måned", "Month"),
    "difference": ("Forskjell", "Difference"),
    "gap": ("Dekningshull", "Coverage gap"),
    "window": ("Tidsrom", "Time window"),
    "reason": ("Begrunnelse", "Reason"),
    "all": ("Hele kommunen", "Whole municipality"),
    "hour_axis": ("Klokkeslett", "Hour of day"),
    "no_patrols": ("Ingen loggførte patruljer i utvalget.", "No logged patrols in the selection."),
}


def _tx(key: str, lang: str) -> str:
    return _TEXTS[key][LANGS.index(lang)]


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")


def _require(frame: pd.DataFrame, columns, name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {missing}: got {list(frame.columns)}; "
                         f"pass the {name} query's result")


def _rate(hits, hours):
    """Hits per team-hour; NaN where no hours (never a division by zero)."""
    hits, hours = np.asarray(hits, dtype=float), np.asarray(hours, dtype=float)
    return np.divide(hits, hours, out=np.full(hits.shape, np.nan), where=hours > 0)


def _num(value: float, lang: str, decimals: int = 1) -> str:
    return charts._num(round(float(value), decimals), lang, decimals)


def _weekday(day: int, lang: str, capital: bool = False) -> str:
    name = vocab.WEEKDAYS[str(int(day))][lang]
    return name[:1].upper() + name[1:] if capital else name


def _span(hour_from: int, hour_to: int) -> str:
    """Hours hour_from..hour_to (both included) on the clock: 21, 23 -> '21–00'."""
    return f"{hour_from:02d}–{(hour_to + 1) % HOURS_PER_DAY:02d}"


# --- demand and supply per weekday × hour ------------------------------------------------------

def weekday_counts(start: date, end: date) -> pd.Series:
    """How many Mondays..Sundays (index 1..7) the period start..end (both included) has."""
    if end < start:
        raise ValueError(f"end must be on or after start, got {start}..{end}")
    days = pd.date_range(start, end, freq="D")
    return pd.Series(days.isocalendar().day.to_numpy()).value_counts().reindex(range(1, 8), fill_value=0)


def planned_hours(plan: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Planned teams and team-hours per weekday and hour over start..end.

    Returns all 168 cells: weekday, hour, ``teams`` (mean planned teams in that hour, the seasons
    weighted by their share of the period) and ``team_hours`` = teams × the number of that weekday
    in the period.
    """
    cells = patrols.planned_teams_for_period(plan, start, end)
    counts = weekday_counts(start, end)
    return cells.assign(team_hours=cells["teams"] * cells["weekday"].map(counts).to_numpy())


def coverage_cells(hits: pd.DataFrame, logged: pd.DataFrame, planned: pd.DataFrame) -> pd.DataFrame:
    """Demand against supply per weekday × hour, summed over the areas.

    Parameters
    ----------
    hits : area_id, weekday, hour, hits (the ``coverage_hits`` query).
    logged : area_id, weekday, hour, team_hours (the ``patrol_hours`` query).
    planned : weekday, hour, teams, team_hours (:func:`planned_hours`).

    Returns
    -------
    All 168 cells: weekday, hour, hits, planned_teams, planned_team_hours, logged_team_hours,
    hits_per_planned_team_hour, hits_per_logged_team_hour (NaN without hours).
    """
    _require(hits, ("weekday", "hour", "hits"), "coverage_hits")
    _require(logged, ("weekday", "hour", "team_hours"), "patrol_hours")
    _require(planned, ("weekday", "hour", "teams", "team_hours"), "planned_hours")
    index = pd.MultiIndex.from_product([range(1, 8), range(HOURS_PER_DAY)], names=["weekday", "hour"])
    cells = pd.DataFrame(index=index)
    cells["hits"] = hits.groupby(["weekday", "hour"])["hits"].sum().reindex(index, fill_value=0).astype("int64")
    plan = planned.set_index(["weekday", "hour"])
    cells["planned_teams"] = plan["teams"].reindex(index, fill_value=0.0)
    cells["planned_team_hours"] = plan["team_hours"].reindex(index, fill_value=0.0)
    cells["logged_team_hours"] = logged.groupby(["weekday", "hour"])["team_hours"].sum().reindex(index, fill_value=0.0)
    cells["hits_per_planned_team_hour"] = _rate(cells["hits"], cells["planned_team_hours"])
    cells["hits_per_logged_team_hour"] = _rate(cells["hits"], cells["logged_team_hours"])
    return cells.reset_index()


def area_cells(hits: pd.DataFrame, logged: pd.DataFrame) -> pd.DataFrame:
    """Demand against logged supply per area, weekday and hour (cells with hits or hours only):
    area_id, weekday, hour, hits, logged_team_hours, hits_per_logged_team_hour."""
    _require(hits, ("area_id", "weekday", "hour", "hits"), "coverage_hits")
    _require(logged, ("area_id", "weekday", "hour", "team_hours"), "patrol_hours")
    key = ["area_id", "weekday", "hour"]
    cells = (hits.groupby(key)["hits"].sum().to_frame()
             .join(logged.groupby(key)["team_hours"].sum().rename("logged_team_hours"), how="outer")
             .fillna(0.0).reset_index())
    cells["hits"] = cells["hits"].astype("int64")
    cells["hits_per_logged_team_hour"] = _rate(cells["hits"], cells["logged_team_hours"])
    return cells


def area_summary(hits: pd.DataFrame, logged: pd.DataFrame, area_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Per area: hits, logged team-hours, hits per team-hour, and the area's share of each; busiest first."""
    cells = area_cells(hits, logged)
    table = cells.groupby("area_id", as_index=False)[["hits", "logged_team_hours"]].sum()
    table["hits_per_logged_team_hour"] = _rate(table["hits"], table["logged_team_hours"])
    table["hits_share"] = table["hits"] / max(table["hits"].sum(), 1)
    table["hours_share"] = table["logged_team_hours"] / max(table["logged_team_hours"].sum(), 1e-9)
    table.insert(1, "area_name", table["area_id"].map(lambda a: (area_names or {}).get(a, a)))
    return table.sort_values(["hits", "area_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def area_table(summary: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """:func:`area_summary` with headers in ``lang`` and rounded numbers, for display."""
    _check_lang(lang)
    return pd.DataFrame({
        _tx("area", lang): summary["area_name"],
        _tx("hits", lang): summary["hits"].astype(int),
        _tx("logged_hours", lang): summary["logged_team_hours"].round(0).astype(int),
        _tx("per_logged", lang): summary["hits_per_logged_team_hour"].round(2),
        _tx("hits_share", lang): (summary["hits_share"] * 100).round(1),
        _tx("hours_share", lang): (summary["hours_share"] * 100).round(1),
    })


# --- coverage gaps ------------------------------------------------------------------------------

def _flag(cells: pd.DataFrame, rate: str, hours: str, few_teams: pd.Series | None) -> pd.Series:
    """High demand (top quartile of cells with hits) and few teams or a top-decile rate."""
    with_hits = cells[cells["hits"] > 0]
    if with_hits.empty:
        return pd.Series(False, index=cells.index)
    high = cells["hits"] >= with_hits["hits"].quantile(HIGH_DEMAND_QUANTILE)
    rates = with_hits[rate].dropna()
    busy = cells[rate] >= rates.quantile(HIGH_RATE_QUANTILE) if len(rates) else pd.Series(False, index=cells.index)
    thin = cells[hours] <= 0
    if few_teams is not None:
        thin = thin | few_teams
    return (cells["hits"] > 0) & high & (busy.fillna(False) | thin)


def _windows(flagged: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Runs of consecutive flagged hours (Friday 23 runs on into Saturday 00) summed per run."""
    f = flagged.assign(slot=(flagged["weekday"] - 1) * HOURS_PER_DAY + flagged["hour"])
    f = f.sort_values(keys + ["slot"], kind="stable")
    new = (f["slot"].diff() != 1)
    for key in keys:
        new = new | (f[key] != f[key].shift())
    f["run"] = new.cumsum()
    sums = {c: (c, "sum") for c in ("hits", "planned_team_hours", "logged_team_hours") if c in f.columns}
    agg = dict(weekday=("weekday", "first"), hour_from=("hour", "first"), hour_to=("hour", "last"), **sums)
    if "planned_teams" in f.columns:
        agg["planned_teams"] = ("planned_teams", "mean")
    for key in keys:
        agg[key] = (key, "first")
    return f.groupby("run").agg(**agg).reset_index(drop=True)


def coverage_gaps(hits: pd.DataFrame, logged: pd.DataFrame, planned: pd.DataFrame, *,
                  area_names: dict[str, str] | None = None, lang: str = "nb", limit: int | None = 10) -> pd.DataFrame:
    """Weekday × hour windows where demand is high but the teams are few, ranked, with a reason.

    A cell is a gap when its hits are in the top quartile of cells with hits (``HIGH_DEMAND_QUANTILE``)
    and either its hits per team-hour are in the top decile (``HIGH_RATE_QUANTILE``) or it has few
    teams: for the whole municipality (scope 'all') at most ``FEW_PLANNED_TEAMS`` planned, per area
    (scope 'area') no logged patrol. Consecutive gap hours are joined into one window.

    Windows are ranked by ``excess_hits``: the hits beyond what the window's team-hours would give
    at the median rate of its scope's cells with hits (planned team-hours for 'all', logged for
    'area'), i.e. how many youth the thin staffing leaves to few teams. ``score`` is the window's
    hits per team-hour divided by that median (NaN without team-hours; then all hits are excess).

    Parameters
    ----------
    hits, logged, planned : as for :func:`coverage_cells`.
    area_names : area id -> name, for the reasons.
    lang : language of the reasons ("nb" or "en").
    limit : keep the best ``limit`` windows (None: all).

    Returns
    -------
    rank, scope, area_id (None for 'all'), area_name, weekday, hour_from, hour_to (last hour
    included; smaller than hour_from past midnight), window, hits, planned_teams, planned_team_hours,
    logged_team_hours, hits_per_planned_team_hour, hits_per_logged_team_hour, score, excess_hits,
    reason.

    Example: a Friday 21–01 window with 1 200 hits on 156 planned team-hours (7.7 per team-hour)
    where the median hour has 2.5 scores 3.1 and has 1 200 − 2.5 × 156 = 810 excess hits.
    """
    _check_lang(lang)
    names = area_names or {}
    overall = coverage_cells(hits, logged, planned)
    windows = []
    flag = _flag(overall, "hits_per_planned_team_hour", "planned_team_hours",
                 overall["planned_teams"] <= FEW_PLANNED_TEAMS)
    if flag.any():
        median = overall.loc[overall["hits"] > 0, "hits_per_planned_team_hour"].median()
        w = _windows(overall[flag], [])
        w["scope"], w["area_id"] = "all", None
        w["rate"] = _rate(w["hits"], w["planned_team_hours"])
        w["median"] = median
        windows.append(w)
    per_area = area_cells(hits, logged)
    flag = _flag(per_area, "hits_per_logged_team_hour", "logged_team_hours", None)
    if flag.any():
        median = per_area.loc[per_area["hits"] > 0, "hits_per_logged_team_hour"].median()
        w = _windows(per_area[flag], ["area_id"])
        w["scope"] = "area"
        w["rate"] = _rate(w["hits"], w["logged_team_hours"])
        w["median"] = median
        windows.append(w)
    columns = ["rank", "scope", "area_id", "area_name", "weekday", "hour_from", "hour_to", "window", "hits",
               "planned_teams", "planned_team_hours", "logged_team_hours", "hits_per_planned_team_hour",
               "hits_per_logged_team_hour", "score", "excess_hits", "reason"]
    if not windows:
        return pd.DataFrame(columns=columns)
    gaps = pd.concat(windows, ignore_index=True)
    gaps["score"] = gaps["rate"] / gaps["median"]
    hours = np.where(gaps["scope"] == "all", gaps["planned_team_hours"], gaps["logged_team_hours"])
    gaps["excess_hits"] = gaps["hits"] - gaps["median"] * np.nan_to_num(hours.astype(float))
    gaps["area_name"] = [names.get(a, a) if a else _tx("all", lang) for a in gaps["area_id"]]
    gaps["window"] = [f"{_weekday(d, lang, capital=True)} {_span(h0, h1)}"
                      for d, h0, h1 in zip(gaps["weekday"], gaps["hour_from"], gaps["hour_to"])]
    gaps["hits_per_planned_team_hour"] = _rate(gaps["hits"], gaps.get("planned_team_hours", np.nan))
    gaps["hits_per_logged_team_hour"] = _rate(gaps["hits"], gaps["logged_team_hours"])
    gaps["reason"] = [_reason(row, lang) for row in gaps.itertuples(index=False)]
    gaps = gaps.sort_values(["excess_hits", "hits"], ascending=[False, False], kind="stable").reset_index(drop=True)
    gaps["rank"] = np.arange(1, len(gaps) + 1)
    for column in ("planned_teams", "planned_team_hours"):
        if column not in gaps:
            gaps[column] = np.nan
    gaps = gaps[columns]
    return gaps.head(limit).reset_index(drop=True) if limit else gaps


def _reason(row, lang: str) -> str:
    when = f"{_weekday(row.weekday, lang)}{' kl.' if lang == 'nb' else ''} {_span(row.hour_from, row.hour_to)}"
    hits = fmt_int(row.hits, lang)
    if row.scope == "all":
        teams = _num(row.planned_teams, lang)
        if np.isnan(row.rate):
            return (f"Hele kommunen, {when}: {hits} treff, men ingen team planlagt." if lang == "nb" else
                    f"Whole municipality, {when}: {hits} hits, but no team planned.")
        rate, times, median = _num(row.rate, lang), _num(row.rate / row.median, lang), _num(row.median, lang)
        few = row.planned_teams <= FEW_PLANNED_TEAMS
        if lang == "nb":
            lead = f"bare {teams} team planlagt i snitt" if few else f"{teams} team planlagt i snitt"
            return (f"Hele kommunen, {when}: {hits} treff med {lead} – {rate} treff per planlagt teamtime, "
                    f"{times} ganger medianen for timer med treff ({median}).")
        lead = f"only {teams} teams planned on average" if few else f"{teams} teams planned on average"
        return (f"Whole municipality, {when}: {hits} hits with {lead} – {rate} hits per planned team-hour, "
                f"{times} times the median hour with hits ({median}).")
    area = row.area_name
    hours = _num(row.logged_team_hours, lang, 0)
    if np.isnan(row.rate):
        return (f"{area}, {when}: {hits} treff, men ingen loggførte patruljer." if lang == "nb" else
                f"{area}, {when}: {hits} hits, but no logged patrols.")
    rate, times, median = _num(row.rate, lang), _num(row.rate / row.median, lang), _num(row.median, lang)
    if lang == "nb":
        return (f"{area}, {when}: {hits} treff på {hours} loggførte teamtimer – {rate} treff per teamtime, "
                f"{times} ganger medianen for områdenes timer med treff ({median}).")
    return (f"{area}, {when}: {hits} hits on {hours} logged team-hours – {rate} hits per team-hour, "
            f"{times} times the median area hour with hits ({median}).")


def gaps_table(gaps: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """:func:`coverage_gaps` for display: window, area, hits, team-hours, rates and the reason."""
    _check_lang(lang)
    return pd.DataFrame({
        "#": gaps["rank"],
        _tx("window", lang): gaps["window"],
        _tx("area", lang): gaps["area_name"],
        _tx("hits", lang): gaps["hits"].astype(int),
        _tx("planned_teams", lang): gaps["planned_teams"].astype(float).round(1),
        _tx("per_planned", lang): gaps["hits_per_planned_team_hour"].astype(float).round(2),
        _tx("logged_hours", lang): gaps["logged_team_hours"].astype(float).round(0),
        _tx("per_logged", lang): gaps["hits_per_logged_team_hour"].astype(float).round(2),
        _tx("reason", lang): gaps["reason"],
    })


# --- planned against logged per week or month --------------------------------------------------

def planned_vs_logged(plan: pd.DataFrame, logged_days: pd.DataFrame, start: date, end: date,
                      freq: str | None = None) -> pd.DataFrame:
    """Planned and logged team-hours per week (from Monday) or month over start..end.

    Planned: for each day and shift of the plan (its season by the day the shift starts), the mean
    of teams_min and teams_max times the shift's clock length. Logged: the patrols' lengths, counted
    on the day they started (so a late shift stays whole, like the planned one).

    Parameters
    ----------
    plan : the ``staffing_plan`` query.
    logged_days : day, team_hours (the ``patrol_days`` query for the same period).
    freq : "week" or "month"; default week up to ``WEEKLY_UP_TO_DAYS`` days, else month.

    Returns
    -------
    period_start, planned_team_hours, logged_team_hours, difference (logged / planned - 1; NaN
    when nothing is planned).
    """
    _require(logged_days, ("day", "team_hours"), "patrol_days")
    if end < start:
        raise ValueError(f"end must be on or after start, got {start}..{end}")
    freq = freq or ("week" if (end - start).days + 1 <= WEEKLY_UP_TO_DAYS else "month")
    if freq not in ("week", "month"):
        raise ValueError(f"freq must be 'week' or 'month', got {freq!r}")

    def bucket(days: pd.Series) -> pd.Series:
        days = pd.to_datetime(days).dt.floor("D")
        if freq == "week":
            return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
        return days.dt.to_period("M").dt.to_timestamp()

    shifts = planned_shifts(plan, start, end)
    shifts["hours"] = (shifts["teams_min"] + shifts["teams_max"]) / 2 * (shifts["end_min"] - shifts["start_min"]) / 60
    planned = shifts.groupby(bucket(shifts["day"]))["hours"].sum()
    lo, hi = pd.Timestamp(start), pd.Timestamp(end) + timedelta(days=1)
    days = pd.to_datetime(logged_days["day"])
    log = logged_days[(days >= lo) & (days < hi)]
    logged = log["team_hours"].groupby(bucket(log["day"])).sum()
    periods = pd.Series(pd.date_range(start, end, freq="D"))
    index = pd.DatetimeIndex(sorted(set(bucket(periods))), name="period_start")
    result = pd.DataFrame({"planned_team_hours": planned.reindex(index, fill_value=0.0),
                           "logged_team_hours": logged.reindex(index, fill_value=0.0)}, index=index).reset_index()
    result["difference"] = _rate(result["logged_team_hours"], result["planned_team_hours"]) - 1
    result.attrs["freq"] = freq
    return result


def planned_vs_logged_chart(frame: pd.DataFrame, *, lang: str = "nb") -> Chart:
    """Logged team-hours as bars against planned team-hours as a line, per week or month."""
    _check_lang(lang)
    _require(frame, ("period_start", "planned_team_hours", "logged_team_hours"), "planned_vs_logged")
    freq = frame.attrs.get("freq", "month")
    labels = [charts._month_label(p, lang, abbreviated=True) if freq == "month" else charts.fmt_date(p.date(), lang)
              for p in frame["period_start"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame["period_start"], y=frame["logged_team_hours"], name=_tx("logged_hours", lang),
                         marker=dict(color=charts.LINE_COLOURS[0]),
                         customdata=[f"{lab}: {fmt_int(v, lang)} {_tx('logged_hours', lang).lower()}"
                                     for lab, v in zip(labels, frame["logged_team_hours"])],
                         hovertemplate="%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=frame["period_start"], y=frame["planned_team_hours"], name=_tx("planned_hours", lang),
                             mode="lines+markers", line=dict(color=charts.LINE_COLOURS[1], width=2.5, dash="dash"),
                             marker=dict(symbol="diamond", size=7),
                             customdata=[f"{lab}: {fmt_int(v, lang)} {_tx('planned_hours', lang).lower()}"
                                         for lab, v in zip(labels, frame["planned_team_hours"])],
                             hovertemplate="%{customdata}<extra></extra>"))
    fig.update_yaxes(title=_tx("logged_hours", lang).split()[-1].capitalize() if lang == "en" else "Teamtimer",
                     tickformat=",d", rangemode="tozero")
    charts._style(fig, lang, legend=dict(orientation="h", y=-0.15), bargap=0.15)
    table = pd.DataFrame({
        _tx("week" if freq == "week" else "month", lang): labels,
        _tx("planned_hours", lang): frame["planned_team_hours"].round(1),
        _tx("logged_hours", lang): frame["logged_team_hours"].round(1),
        _tx("difference", lang): [fmt_pct(d, lang) if pd.notna(d) else "" for d in frame["difference"]],
    })
    planned, logged = frame["planned_team_hours"].sum(), frame["logged_team_hours"].sum()
    if planned <= 0 and logged <= 0:
        return Chart(fig, table, _tx("no_patrols", lang))
    if planned <= 0:
        summary = (f"{fmt_int(logged, lang)} loggførte teamtimer, men ingen planlagt." if lang == "nb" else
                   f"{fmt_int(logged, lang)} logged team-hours, but none planned.")
    else:
        change = fmt_pct(logged / planned - 1, lang)
        summary = (f"{fmt_int(logged, lang)} loggførte mot {fmt_int(planned, lang)} planlagte teamtimer ({change})."
                   if lang == "nb" else
                   f"{fmt_int(logged, lang)} logged against {fmt_int(planned, lang)} planned team-hours ({change}).")
    return Chart(fig, table, summary)


# --- hits per logged team-hour, weekday × hour -------------------------------------------------

def hits_per_team_hour_heatmap(cells: pd.DataFrame, *, gaps: pd.DataFrame | None = None, lang: str = "nb") -> Chart:
    """Hits per logged team-hour by weekday (rows) and hour (columns), gap windows outlined.

    ``cells`` is :func:`coverage_cells`; ``gaps`` (optional) :func:`coverage_gaps` rows of scope 'all'.
    Hours without logged patrols are blank; the hover shows the hits and team-hours beside the rate.
    Colours stop at the ``RATE_COLOUR_CAP_QUANTILE`` of the rates (hours at a shift's edge with few
    team-hours can have extreme rates); the numbers in the cells are never capped.
    """
    _check_lang(lang)
    _require(cells, ("weekday", "hour", "hits", "logged_team_hours", "hits_per_logged_team_hour"), "cells")
    grid = cells.set_index(["weekday", "hour"]).reindex(
        pd.MultiIndex.from_product([range(1, 8), range(HOURS_PER_DAY)]))
    rate = grid["hits_per_logged_team_hour"].to_numpy(dtype=float).reshape(7, HOURS_PER_DAY)
    hits = grid["hits"].fillna(0).to_numpy().reshape(7, HOURS_PER_DAY)
    hours = grid["logged_team_hours"].fillna(0).to_numpy().reshape(7, HOURS_PER_DAY)
    hover = [[f"{_weekday(d + 1, lang)} {_span(h, h)}: {fmt_int(hits[d, h], lang)} "
              f"{_tx('hits', lang).lower()}, {_num(hours[d, h], lang)} {_tx('logged_hours', lang).lower()}"
              + (f"<br>{_num(rate[d, h], lang)} {_tx('per_logged', lang).lower()}" if not np.isnan(rate[d, h]) else "")
              for h in range(HOURS_PER_DAY)] for d in range(7)]
    finite = rate[~np.isnan(rate)]
    cap = float(np.quantile(finite, RATE_COLOUR_CAP_QUANTILE)) if finite.size else None
    fig = go.Figure(go.Heatmap(
        z=rate, x=list(range(HOURS_PER_DAY)), y=list(range(1, 8)), colorscale="Oranges", xgap=1, ygap=1,
        zmin=0, zmax=cap,
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorbar=dict(title=dict(text=_tx("per_logged", lang).replace(" per ", "<br>per "))),
        text=[["" if np.isnan(v) else _num(v, lang) for v in row] for row in rate],
        texttemplate="%{text}", textfont=dict(size=10)))
    fig.update_xaxes(tickmode="array", tickvals=list(range(HOURS_PER_DAY)),
                     ticktext=[f"{h:02d}" for h in range(HOURS_PER_DAY)], title=_tx("hour_axis", lang), showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(1, 8)),
                     ticktext=[_weekday(d, lang, capital=True) for d in range(1, 8)], autorange="reversed",
                     showgrid=False)
    first = True
    for row in (gaps[gaps["scope"] == "all"].itertuples(index=False) if gaps is not None and len(gaps) else []):
        slot = (row.weekday - 1) * HOURS_PER_DAY + row.hour_from
        length = (row.hour_to - row.hour_from) % HOURS_PER_DAY + 1
        for part in _day_parts(slot, length):
            day, h0, h1 = part
            fig.add_shape(type="rect", x0=h0 - 0.5, x1=h1 + 0.5, y0=day - 0.5, y1=day + 0.5,
                          line=dict(color=GAP_COLOUR, width=3, dash="dot"), fillcolor="rgba(0,0,0,0)",
                          name=_tx("gap", lang), legendgroup="gap", showlegend=first)
            first = False
    charts._style(fig, lang, legend=dict(orientation="h", y=-0.2))
    table = cells[["weekday", "hour", "hits", "logged_team_hours", "hits_per_logged_team_hour"]].copy()
    table["weekday"] = [_weekday(d, lang, capital=True) for d in table["weekday"]]
    table["hour"] = [_span(h, h) for h in table["hour"]]
    table = table.round({"logged_team_hours": 1, "hits_per_logged_team_hour": 2}).rename(columns={
        "weekday": _tx("weekday", lang), "hour": _tx("hour", lang), "hits": _tx("hits", lang),
        "logged_team_hours": _tx("logged_hours", lang), "hits_per_logged_team_hour": _tx("per_logged", lang)})
    return Chart(fig, table, _rate_summary(cells, lang))


def _day_parts(slot: int, length: int):
    """Split a run of ``length`` hours from week slot ``slot`` at midnight: (weekday, first, last)."""
    parts, position = [], slot
    while length > 0:
        day, hour = divmod(position % (7 * HOURS_PER_DAY), HOURS_PER_DAY)
        take = min(length, HOURS_PER_DAY - hour)
        parts.append((day + 1, hour, hour + take - 1))
        position, length = position + take, length - take
    return parts


def _rate_summary(cells: pd.DataFrame, lang: str) -> str:
    with_hours = cells[cells["logged_team_hours"] > 0]
    if with_hours.empty or cells["hits"].sum() <= 0:
        return _tx("no_patrols", lang)
    total = _num(cells["hits"].sum() / with_hours["logged_team_hours"].sum(), lang)
    busy = with_hours[with_hours["hits"] >= with_hours["hits"].quantile(HIGH_DEMAND_QUANTILE)]
    top = busy.loc[busy["hits_per_logged_team_hour"].idxmax()]
    when = f"{_weekday(top['weekday'], lang)} {_span(int(top['hour']), int(top['hour']))}"
    rate, hits = _num(top["hits_per_logged_team_hour"], lang), fmt_int(top["hits"], lang)
    if lang == "nb":
        return (f"{total} treff per loggført teamtime i alt; blant de travleste timene er {when} høyest med {rate} "
                f"({hits} treff).")
    return f"{total} hits per logged team-hour overall; among the busiest hours {when} is highest with {rate} ({hits} hits)."
