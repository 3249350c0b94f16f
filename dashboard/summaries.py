"""From query results to what the pages show: key figures with their change, hotspot and area
tables with judged changes, busiest times, age mixes and the latest notes, in words.

Pure (no Streamlit): the pages call these between the queries and the chart/map builders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard import comparison, i18n, stats, vocab
from dashboard.comparison import Judgement

MAX_NOTES_PER_PLACE = 3


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float | None  # None when it cannot be known (e.g. a share of ages before ages were registered)
    before: float | None  # None without comparison, or unknown
    is_share: bool = False

    def value_text(self, lang: str) -> str:
        if self.value is None:
            return "–"
        return i18n.fmt_pct(self.value, lang, signed=False) if self.is_share else i18n.fmt_int(self.value, lang)

    def delta_text(self, lang: str) -> str | None:
        """Change against the comparison ('+1 234 (+5,2 %)'; shares in percentage points)."""
        if self.before is None or self.value is None:
            return None
        diff = self.value - self.before
        if self.is_share and round(diff * 1000) == 0:
            return f"±{i18n.fmt_decimal(0, lang)} {'p.p.' if lang == 'en' else 'pp.'}"
        if self.is_share:
            points = i18n.fmt_decimal(abs(diff) * 100, lang)
            return f"{'-' if diff < 0 else '+'}{points} {'p.p.' if lang == 'en' else 'pp.'}"
        if diff == 0:
            return "±0"
        text = f"{'-' if diff < 0 else '+'}{i18n.fmt_int(abs(diff), lang)}"
        if self.before:
            text += f" ({i18n.fmt_pct(diff / self.before, lang)})"
        return text


def kpis(now: pd.DataFrame, before: pd.DataFrame | None) -> list[Kpi]:
    """The overview's key figures from the ``totals`` query (one row each)."""
    def share(row) -> float | None:
        return row["hits_13_15"] / row["hits_known_age"] if row["hits_known_age"] else None

    n = now.iloc[0]
    b = before.iloc[0] if before is not None else None
    return [
        Kpi("hits", int(n["hits"]), None if b is None else int(b["hits"])),
        Kpi("active_hotspots", int(n["active_hotspots"]), None if b is None else int(b["active_hotspots"])),
        Kpi("share_13_15", share(n), None if b is None else share(b), is_share=True),
        Kpi("hits_online", int(n["hits_online"]), None if b is None else int(b["hits_online"])),
    ]


def change_label(hits: int, hits_before: float, change: float, significant: bool, direction: int,
                 lang: str, compared: bool = True) -> str:
    """'+38 % (tydelig økning)', 'ingen tydelig endring', 'nytt i perioden' — a sign only when meaningful."""
    if not compared:
        return ""
    if not significant:
        return i18n.t("change.none", lang)
    if not hits_before:
        return i18n.t("change.new", lang)
    word = i18n.t("change.rise" if direction > 0 else "change.fall", lang)
    return f"{i18n.fmt_pct(change, lang)} ({word})" if np.isfinite(change) else word


def _label_changes(table: pd.DataFrame, lang: str, judged: Judgement | None) -> pd.DataFrame:
    """Words for each row's change; where no change can be shown, why not (the same for every row)."""
    table["comparison_status"] = judged.status if judged is not None else comparison.OFF
    table["change_significant"] = table["significant"]
    if judged is not None and not judged.comparable:
        table["change_label"] = judged.change_label(lang)
    else:
        table["change_label"] = [
            change_label(r.hits, r.hits_before, r.change, r.significant, r.direction, lang, judged is not None)
            for r in table.itertuples()
        ]
    # Short form for chart labels: the percent only where the change is clear.
    table["change_short"] = [i18n.fmt_pct(r.change, lang) if r.significant and np.isfinite(r.change) else ""
                             for r in table.itertuples()]
    return table


def busiest_times(profiles: pd.DataFrame, lang: str) -> dict[str, str]:
    """Per hotspot, its busiest weekday and hour in words ('fredag kl. 21–22')."""
    time_rows = profiles[profiles["profile"] == "time"]
    if time_rows.empty:
        return {}
    top = time_rows.sort_values(["hits", "weekday", "hour"], ascending=[False, True, True]).drop_duplicates("hotspot_id")
    return {r.hotspot_id: weekday_hour_text(int(r.weekday), int(r.hour), lang) for r in top.itertuples()}


def weekday_hour_text(weekday: int, hour: int, lang: str) -> str:
    day = vocab.WEEKDAYS[str(weekday)][lang]
    return f"{day} kl. {hour:02d}–{(hour + 1) % 24:02d}" if lang == "nb" else f"{day} {hour:02d}–{(hour + 1) % 24:02d}"


def age_mixes(profiles: pd.DataFrame, lang: str, top: int = 3) -> dict[str, str]:
    """Per hotspot, its largest age bands with their shares ('13–15 år 62 %, 16–18 år 30 %')."""
    ages = profiles[profiles["profile"] == "age"]
    if ages.empty:
        return {}
    totals = ages.groupby("hotspot_id")["hits"].transform("sum")
    largest = (ages.assign(share=ages["hits"] / totals)
               .sort_values(["hotspot_id", "hits"], ascending=[True, False], kind="stable")
               .groupby("hotspot_id").head(top))
    parts = [f"{vocab.AGE_BANDS[band][lang]} {i18n.fmt_pct(share, lang, signed=False, decimals=0)}"
             for band, share in zip(largest["age_band"], largest["share"])]
    return largest.assign(part=parts).groupby("hotspot_id", sort=False)["part"].agg(", ".join).to_dict()


def latest_notes(notes: pd.DataFrame, column: str) -> dict[str, list[str]]:
    """The newest notes' texts per hotspot (column='hotspot_id') or area (column='area_id')."""
    result: dict[str, list[str]] = {}
    for row in notes.dropna(subset=[column]).itertuples():  # the query returns newest first
        texts = result.setdefault(getattr(row, column), [])
        if len(texts) < MAX_NOTES_PER_PLACE:
            texts.append(row.body)
    return result


def _compared(now: pd.DataFrame, before: pd.DataFrame | None, judged: Judgement | None, key: str,
              columns: list[str], lang: str) -> pd.DataFrame:
    """``now`` joined with ``before`` and each change judged and labelled — only when ``judged``
    (:mod:`dashboard.comparison`) says both periods have data; otherwise ``before`` is not used."""
    if judged is not None and judged.comparable and before is None:
        raise ValueError("a comparable judgement needs the comparison period's counts (before), got None")
    use = before if judged is not None and judged.comparable else None
    table = stats.compare_counts(now[columns + ["hits"]], None if use is None else use[columns + ["hits"]], key,
                                 exposure_ratio=judged.exposure_ratio if use is not None else 1.0)
    return _label_changes(table, lang, judged)


def hotspot_table(now: pd.DataFrame, before: pd.DataFrame | None, judged: Judgement | None,
                  profiles: pd.DataFrame, notes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per hotspot with hits now or before: the figures, the judged change and the facts
    the map and the top list show. ``now``/``before`` are ``hits_by_hotspot`` results; ``judged``
    says whether the periods can be compared (None: comparing is off)."""
    columns = ["hotspot_id", "name", "kind", "area_id", "area_name", "lon", "lat", "approximate"]
    table = _compared(now, before, judged, "hotspot_id", columns, lang)
    table["kind_label"] = [vocab.HOTSPOT_KINDS[k][lang] for k in table["kind"]]
    busiest, ages, texts = busiest_times(profiles, lang), age_mixes(profiles, lang), latest_notes(notes, "hotspot_id")
    table["busiest"] = table["hotspot_id"].map(busiest).fillna("")
    table["age_mix"] = table["hotspot_id"].map(ages).fillna("")
    table["notes"] = [texts.get(h, []) for h in table["hotspot_id"]]
    table["approximate"] = table["approximate"].astype(bool)
    return table.sort_values(["hits", "hits_before"], ascending=False).reset_index(drop=True)


def area_table(now: pd.DataFrame, before: pd.DataFrame | None, judged: Judgement | None,
               areas: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per area: hits now and before, judged change, and its geometry for the map."""
    table = _compared(now, before, judged, "area_id", ["area_id", "area_name"], lang)
    geometry = areas.set_index("id")["geometry_geojson"]
    table["geometry_geojson"] = table["area_id"].map(geometry)
    return table


def monthly_by_place(monthly: pd.DataFrame, level: str, chosen: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Monthly hits per chosen area (level='area_id') or hotspot (level='hotspot_id'), labelled."""
    part = monthly[monthly[level].isin(chosen)]
    grouped = part.groupby(["month", level], as_index=False)["hits"].sum()
    grouped["place"] = grouped[level].map(names)
    return grouped[["month", "place", "hits"]]


def top_places(monthly: pd.DataFrame, level: str, limit: int = 5) -> list[str]:
    """The ``limit`` places with most hits in a ``monthly_by_place`` result."""
    return monthly.dropna(subset=[level]).groupby(level)["hits"].sum().nlargest(limit).index.tolist()


def monthly_totals(monthly: pd.DataFrame) -> pd.DataFrame:
    """Sum a ``monthly_series`` result (month, channel, hits) over channels."""
    return monthly.groupby("month", as_index=False)["hits"].sum()


def change_rows(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A judged-change table for display: place, area, hits, before, change, p-value, ranked by evidence."""
    return pd.DataFrame({
        i18n.t("table.place", lang): table["name"],
        i18n.t("table.area", lang): table["area_name"],
        i18n.t("table.hits", lang): table["hits"].astype(int),
        i18n.t("table.hits_before", lang): table["hits_before"].astype(int),
        i18n.t("table.change", lang): table["change_label"],
        "p": table["p_value"].map(lambda p: "< 0,001" if p < 0.001 else i18n.fmt_decimal(p, lang, decimals=3)),
    })


def time_slots(weekdays: list[int], from_hour: int, to_hour: int) -> list[int]:
    """Weekly slots (weekday·100 + hour) for the chosen weekdays and hours; ``to_hour`` is included
    and may be before ``from_hour`` (over midnight: 20–01 means 20, 21, 22, 23, 00, 01)."""
    hours = list(range(from_hour, to_hour + 1)) if from_hour <= to_hour else [*range(from_hour, 24), *range(0, to_hour + 1)]
    return [day * 100 + hour for day in (weekdays or range(1, 8)) for hour in hours]


def narrow_cube(cube: pd.DataFrame, slots: list[int]) -> pd.DataFrame:
    """The ``time_cube`` rows that fall in the chosen weekly slots."""
    return cube[(cube["weekday"] * 100 + cube["hour"]).isin(slots)]


def cube_view(cube: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Sum a ``time_cube`` result over everything but ``rows`` and ``columns`` (e.g. month × hour)."""
    return cube.groupby([rows, columns], as_index=False)["hits"].sum()


def hotspot_rows(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The map's hotspots as a table for display (the map's numbers without the map)."""
    return pd.DataFrame({
        i18n.t("table.place", lang): table["name"] + np.where(table["approximate"], " (~)", ""),
        i18n.t("table.kind", lang): table["kind_label"],
        i18n.t("table.area", lang): table["area_name"],
        i18n.t("table.hits", lang): table["hits"].astype(int),
        i18n.t("table.hits_before", lang): table["hits_before"],
        i18n.t("table.change", lang): table["change_label"],
        i18n.t("table.busiest", lang): table["busiest"],
        i18n.t("table.age_mix", lang): table["age_mix"],
    })


def map_summary(table: pd.DataFrame, lang: str) -> str:
    """How many places had hits, and how many rose or fell clearly — or why no change is judged."""
    n = int((table["hits"] > 0).sum())
    status = table["comparison_status"].iloc[0] if len(table) else comparison.OFF
    if status != comparison.OK:
        reason = i18n.t("period.no_compare", lang) if status == comparison.OFF else i18n.t(f"change.{status}", lang)
        return i18n.t("map.summary_uncompared", lang, n=n, reason=reason)
    return i18n.t("map.summary", lang, n=n, rises=int((table["direction"] > 0).sum()),
                  falls=int((table["direction"] < 0).sum()))


def located_hits(hotspots: pd.DataFrame, free_points: pd.DataFrame) -> pd.DataFrame:
    """Registrations with a place as (lon, lat, hits): hotspots at their point plus free points."""
    return pd.concat([hotspots[["lon", "lat", "hits"]], free_points[["lon", "lat", "hits"]]], ignore_index=True)


def last_quarters(end: date, count: int, span: comparison.DataSpan | None = None) -> list[tuple[str, date, date]]:
    """The last ``count`` whole calendar quarters that end on or before ``end`` — with ``span``, only
    quarters with data throughout (a quarter before the first registration would look like a
    quiet one and make every later hot spot look new)."""
    from dashboard import hotspot_stats

    periods = hotspot_stats.slices(date(end.year - count // 4 - 1, 1, 1), end)
    periods = [p for p in periods if p[2] <= end and (span is None or comparison.covered((p[1], p[2]), span))]
    return periods[-count:]


def grid_rows(grid: pd.DataFrame, lang: str, emerging: bool) -> pd.DataFrame:
    """The significant (or patterned) cells of a hot-spot grid as a table, with n always shown."""
    from dashboard import hotspot_stats

    labels = hotspot_stats.CLASS_LABELS if emerging else hotspot_stats.HOT_SPOT_LABELS
    cells = grid[~grid["class"].isin(("none", "no_pattern"))].copy()
    centres = cells.geometry.representative_point()  # a cell's middle; no CRS warning for a square
    table = pd.DataFrame({
        i18n.t("grid.class", lang): [labels[c][lang] for c in cells["class"]],
        "n": cells["n_total" if emerging else "n"].astype(int).to_numpy(),
        i18n.t("grid.centre", lang): [f"{p.y:.4f}, {p.x:.4f}" for p in centres],
    })
    if emerging:
        table[i18n.t("grid.history", lang)] = cells["history"].to_numpy()
        table["tau"] = cells["trend_tau"].round(2).to_numpy()
    else:
        table["z"] = cells["z"].round(2).to_numpy()
        table[i18n.t("grid.p_adjusted", lang)] = cells["p_adjusted"].round(4).to_numpy()
    return table.sort_values("n", ascending=False)
