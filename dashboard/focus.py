"""Where and when to patrol next: ranked focus suggestions with their reasons, and the decisions a
planning meeting records and follows up.

A suggestion is an area × weekday × time window of street work. Its score adds up weighted parts,
each between 0 and 1, and each part that counts gives a reason in words:

* level — how many youth were met there then in the basis period (the weeks before the period
  being planned), relative to the busiest window;
* rise — a clear rise against the weeks before that (exact Poisson test, p < 0,05), by its z-score;
  only when those weeks have data throughout (:mod:`dashboard.comparison`), else no rise counts;
* risk — trend notes tagged rus, alkohol, vold or kriminalitet about the area in the basis period;
* coverage — hits per planned team-hour in that window (few teams planned where youth are);
* young late — the share of youth under 16 in the late window (22–01).

The weights are visible and adjustable; the same data, period and weights give the same ranking.
Pure (no Streamlit); the page, the CLI and the tests call :func:`rank`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard import access, audit, comparison, i18n, patrols, pii, stats, vocab
from dashboard.db import Database, now_local
from dashboard.errors import FeltkartError

BASIS_DAYS = 84  # the 12 weeks before the planned period are the basis of the suggestions
WINDOWS = {  # window id -> hours (Oslo clock); 'late' passes midnight
    "afternoon": (14, 15, 16, 17),
    "evening": (18, 19, 20, 21),
    "late": (22, 23, 0, 1),
}
WINDOW_LABELS = {
    "afternoon": {"nb": "ettermiddag (14–18)", "en": "afternoon (14–18)"},
    "evening": {"nb": "kveld (18–22)", "en": "evening (18–22)"},
    "late": {"nb": "sen kveld (22–02)", "en": "late evening (22–02)"},
}
DEFAULT_WEIGHTS = {"level": 0.35, "rise": 0.2, "risk": 0.15, "coverage": 0.2, "young_late": 0.1}
RISE_Z_FULL = 4.0  # a rise with this z-score (or more) gives the full rise part
RISK_NOTES_FULL = 2  # this many risk-tagged notes give the full risk part
MIN_HITS_FOR_SUGGESTION = 5  # windows with fewer hits in the basis period are not suggested
LEVEL_REASON_FROM = 0.3  # a part this large (of 1) is worth a reason in words
COVERAGE_REASON_FROM = 0.5


@dataclass(frozen=True)
class Suggestion:
    area_id: str
    area_name: str
    weekday: int
    window: str
    score: float
    hits: int
    hits_before: int | None  # None when the weeks before have no data to compare with
    parts: dict[str, float]
    reasons: list[str]
    top_hotspot: str | None

    def label(self, lang: str = "nb") -> str:
        day = vocab.WEEKDAYS[str(self.weekday)][lang]
        return f"{self.area_name}, {day} {WINDOW_LABELS[self.window][lang]}"

    def as_dict(self) -> dict:
        return asdict(self)


def basis_periods(start: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The basis period (the weeks just before ``start``) and the weeks before that, for change."""
    basis = (start - timedelta(days=BASIS_DAYS), start - timedelta(days=1))
    before = (basis[0] - timedelta(days=BASIS_DAYS), basis[0] - timedelta(days=1))
    return basis, before


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown or any(not 0 <= float(v) <= 10 for v in weights.values()):
        raise FeltkartError("focus.bad_weights", valid=", ".join(DEFAULT_WEIGHTS))
    return {key: float(weights.get(key, 0.0)) for key in DEFAULT_WEIGHTS}


def _windowed(cells: pd.DataFrame) -> pd.DataFrame:
    """Focus cells (area, hotspot, weekday, hour) summed into windows; a late window's hours after
    midnight belong to the evening before (Saturday 00:30 is Friday's late window)."""
    hour_window = {hour: window for window, hours in WINDOWS.items() for hour in hours}
    part = cells[cells["hour"].isin(list(hour_window))].copy()
    part["window"] = part["hour"].map(hour_window)
    after_midnight = part["hour"] < 12
    part.loc[after_midnight, "weekday"] = (part.loc[after_midnight, "weekday"] - 2) % 7 + 1
    return part


def _planned_by_window(planned: pd.DataFrame) -> pd.DataFrame:
    part = _windowed(planned.rename(columns={"teams": "hits"}).assign(area_id="", hotspot_id=None))
    return part.groupby(["weekday", "window"], as_index=False)["hits"].sum().rename(columns={"hits": "team_hours_per_week"})


def rank(cells: pd.DataFrame, cells_before: pd.DataFrame | None, notes: pd.DataFrame, planned: pd.DataFrame,
         area_names: dict[str, str], hotspot_names: dict[str, str], *, weeks: float,
         weights: dict[str, float] | None = None, lang: str = "nb", limit: int = 15) -> list[Suggestion]:
    """Rank area × weekday × window by weighted evidence (see the module docstring).

    ``cells``/``cells_before``: the ``focus_cells`` query for the basis period and the weeks
    before it (None when those weeks have no data: then nothing counts as a rise); ``notes``: the
    ``trend_notes`` query for the basis period; ``planned``: planned teams per weekday and hour (:func:`patrols.planned_teams_for_period`); ``weeks``: the basis period's
    length in weeks (for hits per planned team-hour).
    """
    weights = check_weights(weights or DEFAULT_WEIGHTS)
    now = _windowed(cells)
    if now.empty:
        return []
    keys = ["area_id", "weekday", "window"]
    table = now.groupby(keys, as_index=False)[["hits", "hits_under_16"]].sum()
    if cells_before is not None:
        before = _windowed(cells_before).groupby(keys, as_index=False)["hits"].sum().rename(columns={"hits": "hits_before"})
        table = table.merge(before, on=keys, how="left").fillna({"hits_before": 0})
    else:
        table["hits_before"] = np.nan
    table = table.merge(_planned_by_window(planned), on=["weekday", "window"], how="left").fillna({"team_hours_per_week": 0})
    top = (now.dropna(subset=["hotspot_id"]).groupby(keys + ["hotspot_id"], as_index=False)["hits"].sum()
           .sort_values(["hits", "hotspot_id"], ascending=[False, True]).drop_duplicates(keys))
    table = table.merge(top.rename(columns={"hits": "top_hits"}), on=keys, how="left")
    table = table[table["hits"] >= MIN_HITS_FOR_SUGGESTION].copy()
    if table.empty:
        return []

    risk_notes = notes[notes["tags"].map(lambda tags: bool(set(tags) & set(vocab.RISK_TAGS)))]
    risk_by_area = risk_notes.groupby("area_id").size().to_dict() if len(risk_notes) else {}

    compared = cells_before is not None
    table["z"] = [stats.change_z(n, b) for n, b in zip(table["hits"], table["hits_before"])] if compared else np.nan
    table["p"] = stats.poisson_change_ps(table["hits"], table["hits_before"]) if compared else np.nan
    team_hours = table["team_hours_per_week"] * weeks
    table["per_team_hour"] = np.where(team_hours > 0, table["hits"] / team_hours.where(team_hours > 0, 1), np.nan)
    max_rate = np.nanmax(table["per_team_hour"]) if table["per_team_hour"].notna().any() else 0.0
    parts = pd.DataFrame({
        "level": table["hits"] / table["hits"].max(),
        "rise": np.where((table["p"] < stats.SIGNIFICANCE) & (table["z"] > 0),
                         np.minimum(table["z"] / RISE_Z_FULL, 1.0), 0.0),
        "risk": [min(risk_by_area.get(a, 0) / RISK_NOTES_FULL, 1.0) for a in table["area_id"]],
        # With no team planned at all, the gap is as large as the demand there.
        "coverage": np.where(team_hours > 0, table["per_team_hour"].fillna(0) / (max_rate or 1),
                             table["hits"] / table["hits"].max()),
        "young_late": np.where(table["window"] == "late", table["hits_under_16"] / table["hits"], 0.0),
    }, index=table.index)
    table["score"] = sum(parts[key] * weight for key, weight in weights.items()).round(4)
    table = table.sort_values(["score", "hits", "area_id", "weekday", "window"],
                              ascending=[False, False, True, True, True]).head(limit)
    total = int(now["hits"].sum())
    return [
        Suggestion(
            area_id=row.area_id, area_name=area_names.get(row.area_id, row.area_id), weekday=int(row.weekday),
            window=row.window, score=float(row.score), hits=int(row.hits),
            hits_before=int(row.hits_before) if compared else None,
            parts={k: round(float(parts.at[index, k]), 3) for k in DEFAULT_WEIGHTS},
            reasons=_reasons(row, parts.loc[index], risk_by_area.get(row.area_id, 0), total, weights,
                             hotspot_names, lang),
            top_hotspot=row.hotspot_id if isinstance(row.hotspot_id, str) else None,
        )
        for index, row in zip(table.index, table.itertuples())
    ]


def _reasons(row, parts, risk_notes: int, total: int, weights, hotspot_names, lang: str) -> list[str]:
    """The parts that count, in words, strongest first."""
    n = lambda value: i18n.fmt_int(value, lang)  # noqa: E731
    texts = []
    if weights["level"] and parts["level"] >= LEVEL_REASON_FROM:
        where = ""
        if isinstance(row.hotspot_id, str):
            where = i18n.t("focus.reason.where", lang, place=hotspot_names.get(row.hotspot_id, row.hotspot_id),
                           hits=n(row.top_hits))
        texts.append((parts["level"] * weights["level"], i18n.t(
            "focus.reason.level", lang, hits=n(row.hits), share=i18n.fmt_pct(row.hits / max(total, 1), lang,
                                                                            signed=False), where=where)))
    if weights["rise"] and parts["rise"] > 0:
        change = stats.relative_change(row.hits, row.hits_before)
        texts.append((parts["rise"] * weights["rise"], i18n.t(
            "focus.reason.rise", lang, before=n(row.hits_before), now=n(row.hits),
            change=i18n.fmt_pct(change, lang) if np.isfinite(change) else i18n.t("change.new", lang),
            p=p_text(row.p, lang))))
    if weights["risk"] and risk_notes:
        texts.append((parts["risk"] * weights["risk"], i18n.t("focus.reason.risk", lang, n=risk_notes)))
    if weights["coverage"] and parts["coverage"] >= COVERAGE_REASON_FROM:
        if row.team_hours_per_week > 0:
            text = i18n.t("focus.reason.coverage", lang, teams=i18n.fmt_decimal(row.team_hours_per_week / len(
                WINDOWS[row.window]), lang), rate=i18n.fmt_decimal(row.per_team_hour, lang))
        else:
            text = i18n.t("focus.reason.no_teams", lang)
        texts.append((parts["coverage"] * weights["coverage"], text))
    if weights["young_late"] and parts["young_late"] >= 0.3:
        texts.append((parts["young_late"] * weights["young_late"], i18n.t(
            "focus.reason.young_late", lang, share=i18n.fmt_pct(parts["young_late"], lang, signed=False, decimals=0))))
    return [text for _, text in sorted(texts, key=lambda item: -item[0])]


def p_text(p: float, lang: str) -> str:
    """'= 0,012' or '< 0,001'."""
    if p < 0.001:
        return "< " + i18n.fmt_decimal(0.001, lang, decimals=3)
    return "= " + i18n.fmt_decimal(p, lang, decimals=3)


# --- decisions ----------------------------------------------------------------------------------

def record_decision(db: Database, *, period_start: date, period_end: date, decided_by: str, rationale: str,
                    items: list[Suggestion], decided_on: date | None = None, lang: str = "nb") -> int:
    """Store a planning meeting's chosen focus areas for a period; returns the decision id."""
    from dashboard.db import bump_data_version

    access.require("editor")
    if not (decided_by or "").strip():
        raise FeltkartError("focus.who_required")
    if not (rationale or "").strip():
        raise FeltkartError("focus.rationale_required")
    if not items:
        raise FeltkartError("focus.items_required")
    pii.check_all({"focus_decided_by": decided_by, "focus_rationale": rationale})
    if period_end < period_start:
        raise FeltkartError("filter.bad_period", start=period_start.isoformat(), end=period_end.isoformat())
    with db.write() as con:
        decision_id = con.execute(
            "INSERT INTO focus_decisions (decided_on, period_start, period_end, decided_by, rationale, created_at) "
            "VALUES ($on, $start, $end, $by, $why, $at) RETURNING id",
            {"on": decided_on or now_local().date(), "start": period_start, "end": period_end,
             "by": decided_by.strip(), "why": rationale.strip(), "at": now_local()}).fetchall()[0][0]
        for position, item in enumerate(items, 1):
            hours = WINDOWS[item.window]
            con.execute(
                "INSERT INTO focus_decision_items VALUES ($id, $pos, $area, $hotspot, $day, $h0, $h1, $score, $why)",
                {"id": decision_id, "pos": position, "area": item.area_id, "hotspot": item.top_hotspot,
                 "day": item.weekday, "h0": hours[0], "h1": hours[-1], "score": item.score,
                 "why": " ".join(item.reasons)})
        audit.record(con, "focus.decide", f"decision:{decision_id}",
                     after={"by": decided_by, "rationale": rationale, "items": [i.label() for i in items]})
        bump_data_version(con)
    return int(decision_id)


def decisions(db: Database) -> pd.DataFrame:
    """Every decision with its items (one row per item), newest first."""
    with db.read() as con:
        return con.execute(
            "SELECT d.id, d.decided_on, d.period_start, d.period_end, d.decided_by, d.rationale, i.position, "
            "i.area_id, i.hotspot_id, i.weekday, i.hour_from, i.hour_to, i.score, i.reasons "
            "FROM focus_decisions d JOIN focus_decision_items i ON i.decision_id = d.id "
            "ORDER BY d.decided_on DESC, d.id DESC, i.position").df()


def suggest(db: Database, period_start: date, *, areas: tuple[str, ...] = (), weights: dict | None = None,
            lang: str = "nb", limit: int = 15) -> tuple[list[Suggestion], comparison.Judgement]:
    """The ranked suggestions for a period starting ``period_start`` (street work; the given areas
    or all), from the basis period before it. Returns the suggestions and the basis: ``current``
    is the basis period (its days with data), ``comparison`` the weeks before it, and a rise is
    judged only when it is ``comparable`` (``note`` says why not)."""
    from dashboard import queries
    from dashboard.filters import Filter

    basis, _ = basis_periods(period_start)
    judged = comparison.for_filter(Filter(*basis, areas=areas, channels=("street",), compare="previous"),
                                   comparison.data_span(db))
    basis_filter = Filter(*judged.current, areas=areas, channels=("street",), compare="none")
    cells = queries.run_filtered(db, "focus_cells", basis_filter)
    before = judged.comparison_filter(basis_filter)
    cells_before = queries.run_filtered(db, "focus_cells", before) if before else None
    notes = queries.run(db, "trend_notes", start_date=basis[0], end_date=basis[1], area_ids=list(areas),
                        shareable_only=False, include_archived=False)
    planned = patrols.planned_teams_for_period(queries.run(db, "staffing_plan"), *judged.current)
    places = queries.run(db, "places")
    area_names = dict(queries.run(db, "areas")[["id", "name"]].itertuples(index=False))
    ranked = rank(cells, cells_before, notes, planned, area_names, dict(zip(places["id"], places["name"])),
                  weeks=patrols.period_weeks(*judged.current), weights=weights, lang=lang, limit=limit)
    return ranked, judged


def followup(db: Database, decision_id: int, today: date, lang: str = "nb") -> pd.DataFrame:
    """How each focus item of a decision went: hits in its area, weekday and window during the
    decision's period (up to today, and up to the last day with data) against the same number of
    days just before it, with the rate ratio, its 95 % confidence interval and p-value (per day;
    both periods equally long). When the days before have no data the ratio, interval and p are
    empty and ``attrs["note"]`` says why."""
    from dashboard import queries
    from dashboard.filters import Filter

    items = decisions(db)
    items = items[items["id"] == decision_id]
    if items.empty:
        raise FeltkartError("focus.decision_not_found", id=decision_id)
    first = items.iloc[0]
    start, end = pd.Timestamp(first["period_start"]).date(), min(pd.Timestamp(first["period_end"]).date(), today)
    if end < start:
        return pd.DataFrame()
    flt = Filter(start, end, areas=tuple(items["area_id"].unique()), channels=("street",), compare="previous")
    judged = comparison.for_filter(flt, comparison.data_span(db))
    (start, end), before = judged.current, judged.comparison
    days = (end - start).days + 1
    now = _windowed(queries.run_filtered(db, "focus_cells", flt.with_period(start, end)))
    then = _windowed(queries.run_filtered(db, "focus_cells", flt.with_period(*before))) if judged.comparable else None
    hour_window = {hours[0]: window for window, hours in WINDOWS.items()}
    rows = []
    for item in items.itertuples():
        window = hour_window.get(int(item.hour_from))
        pick = lambda frame: int(frame[(frame["area_id"] == item.area_id) & (frame["weekday"] == item.weekday)  # noqa: E731
                                       & (frame["window"] == window)]["hits"].sum())
        hits_after, hits_before = pick(now), pick(then) if then is not None else None
        rate = (stats.rate_ratio(hits_after, days, hits_before, days) if then is not None
                else stats.RateRatio.unavailable(judged.note_texts()))
        rows.append({"position": item.position, "area_id": item.area_id, "weekday": item.weekday, "window": window,
                     "hits_before": hits_before, "hits_after": hits_after, "rate_ratio": rate.ratio,
                     "ci_low": rate.ci95[0], "ci_high": rate.ci95[1], "p_value": rate.p_value,
                     "before": f"{before[0]:%d.%m.%Y}–{before[1]:%d.%m.%Y}", "after": f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"})
    result = pd.DataFrame(rows)
    result.attrs["note"] = judged.note(lang)
    return result
