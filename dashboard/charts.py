"""Chart builders: a DataFrame in, a plotly figure with its numbers as a table and a one-sentence summary out.

Every builder is pure (no Streamlit), takes ``lang`` ("nb", the default, or "en"), formats numbers the
Norwegian way in nb (33 636 with a no-break space, 12,5 %) and returns a :class:`Chart`. Colour is never
the only cue: staffed hours are outlined and numbered, lines differ by marker and dash, bars carry their
value as text. Everything works offline (no geo/map traces, no web fonts).

Text that comes from users or the database (note bodies, place names) is HTML-escaped before it reaches
the figure, because plotly renders hover texts, annotations and tick labels as a subset of HTML.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel.dates import get_month_names
from babel.numbers import format_decimal

from dashboard import vocab
from dashboard.comparison import DataSpan, covered
from dashboard.i18n import LANGS, fmt_date, fmt_int, fmt_pct, t

HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
MINUTES_PER_HOUR = 60
EVENING_START_HOUR = 18  # "evening and night" = 18:00–05:59 in the summaries
NIGHT_END_HOUR = 6
MAX_X_TICKS = 12
NOTE_LABEL_MAX_CHARS = 28
NOTE_HOVER_WRAP_CHARS = 60
HEATMAP_SCALE = "Blues"
LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f")
MARKER_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon")
OUTLINE_COLOUR = "#222222"
SELECTION_COLOUR = "#e6550d"
SEPARATORS = {"nb": ",\u00a0", "en": ".,"}  # plotly: decimal mark, then thousands separator

_TEXTS = {
    "hits": ("treff", "hits"),
    "Hits": ("Treff", "Hits"),
    "weekday": ("Ukedag", "Weekday"),
    "hour": ("Time", "Hour"),
    "hour_axis": ("Klokkeslett", "Hour of day"),
    "month": ("Måned", "Month"),
    "year": ("År", "Year"),
    "teams": ("Planlagte team", "Planned teams"),
    "per_team_hour": ("Treff per planlagt teamtime", "Hits per planned team-hour"),
    "teams_in_cell": ("Tall i ruta: planlagte team", "Number in cell: planned teams"),
    "staffed_hours": ("Timer med planlagt team", "Hours with a planned team"),
    "selected": ("Valgt", "Selected"),
    "no_team": ("ingen team planlagt", "no team planned"),
    "no_hits": ("Ingen treff i utvalget.", "No hits in the selection."),
    "comparison": ("sammenligning", "comparison"),
    "comparison_period": ("Sammenligningsperiode", "Comparison period"),
    "comparison_month": ("Sammenligningsmåned", "Comparison month"),
    "comparison_hits": ("Treff i sammenligningen", "Hits in the comparison"),
    "notes": ("Notater", "Notes"),
    "change": ("Endring", "Change"),
}


def _tx(key: str, lang: str) -> str:
    return _TEXTS[key][LANGS.index(lang)]


BAR_LABEL_HEADROOM = 1.2  # x-axis length as a multiple of the longest bar
BAR_LABEL_HEADROOM_WITH_CHANGE = 1.9


@dataclass(frozen=True)
class Chart:
    """A figure, the numbers it shows as a tidy table (headers in the chart's language), and a summary."""

    figure: go.Figure
    table: pd.DataFrame
    summary: str


# ---------------------------------------------------------------------------------------------- helpers


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")


def _require_columns(frame: pd.DataFrame, columns: Collection[str], name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {missing}: got {list(frame.columns)}, expected {list(columns)}")


def _num(value: float, lang: str, decimals: int = 1) -> str:
    """A number with up to ``decimals`` decimals, whole numbers without: 1,5 / 2 / 1 234,5."""
    if float(value).is_integer():
        return fmt_int(value, lang)
    return format_decimal(value, format="#,##0." + "#" * decimals, locale={"nb": "nb_NO", "en": "en_GB"}[lang])


def _pct_whole(share: float, lang: str) -> str:
    """A whole percentage, rounded half up: 0.125 -> '13 %' / '13%'."""
    text = fmt_int(math.floor(share * 100 + 0.5), lang)
    return f"{text}\u00a0%" if lang == "nb" else f"{text}%"


def _esc(text) -> str:
    return html.escape(str(text), quote=False)


def _weekday(day: int, lang: str, capital: bool = False) -> str:
    name = vocab.WEEKDAYS[str(int(day))][lang]
    return name[:1].upper() + name[1:] if capital else name


def _hour_span(hour: int) -> str:
    return f"{hour:02d}–{hour + 1:02d}"


def _month_name(month: int, lang: str, abbreviated: bool = False) -> str:
    locale = {"nb": "nb_NO", "en": "en_GB"}[lang]
    return get_month_names("abbreviated" if abbreviated else "wide", locale=locale)[int(month)]


def _month_label(month: pd.Timestamp, lang: str, abbreviated: bool = False) -> str:
    """'mars 2024' / 'March 2024'; abbreviated 'jan. 2024' / 'Jan 2024'."""
    return f"{_month_name(month.month, lang, abbreviated)} {month.year}"


def _style(fig: go.Figure, lang: str, **layout) -> go.Figure:
    fig.update_layout(separators=SEPARATORS[lang], template="plotly_white",
                      margin=dict(l=10, r=10, t=40, b=10), **layout)
    return fig


def _grid(frame: pd.DataFrame, row: str, rows: range, col: str, cols: range, value: str, name: str) -> np.ndarray:
    """The values summed into a full rows × cols matrix; missing cells are zero."""
    for column, allowed in ((row, rows), (col, cols)):
        keys = pd.to_numeric(frame[column], errors="coerce")
        bad = frame[column][~keys.isin(list(allowed))]
        if len(bad):
            raise ValueError(f"{name}.{column} must be in {allowed.start}..{allowed.stop - 1}, got {sorted(set(bad))[:5]}")
    sums = frame.groupby([frame[row].astype(int), frame[col].astype(int)])[value].sum()
    full = pd.MultiIndex.from_product([rows, cols])
    return sums.reindex(full, fill_value=0).to_numpy(dtype=float).reshape(len(rows), len(cols))


def _heatmap(z, *, x_keys, x_text, y_keys, y_text, hover, lang, x_title, y_title, text=None) -> go.Figure:
    heat = go.Heatmap(
        z=z, x=list(x_keys), y=list(y_keys), colorscale=HEATMAP_SCALE, xgap=1, ygap=1,
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorbar=dict(title=dict(text=_tx("Hits", lang)), tickformat=",d"),
    )
    if text is not None:
        heat.update(text=text, texttemplate="%{text}", textfont=dict(size=11))
    fig = go.Figure(heat)
    fig.update_xaxes(tickmode="array", tickvals=list(x_keys), ticktext=x_text, title=x_title, showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(y_keys), ticktext=y_text, title=y_title,
                     autorange="reversed", showgrid=False)
    return _style(fig, lang, legend=dict(orientation="h", y=-0.2))


def _cell_rect(fig: go.Figure, x0: float, x1: float, y: float, *, colour: str, width: float, dash: str,
               name: str, first: bool) -> None:
    fig.add_shape(type="rect", x0=x0 - 0.5, x1=x1 + 0.5, y0=y - 0.5, y1=y + 0.5,
                  line=dict(color=colour, width=width, dash=dash), fillcolor="rgba(0,0,0,0)",
                  name=name, legendgroup=name, showlegend=first)


def _busiest(z: np.ndarray) -> tuple[int, int]:
    """Row and column of the largest cell (the first in reading order on ties)."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(z)), z.shape))


# ------------------------------------------------------------------------------------ heatmaps


def weekday_hour_heatmap(cells: pd.DataFrame, *, staffing: pd.DataFrame | None = None, weeks: float | None = None,
                         lang: str = "nb", selection: Collection[tuple[int, int]] | None = None) -> Chart:
    """Hits by weekday (rows, Monday on top) and hour (columns 00..23), optionally against the staffing plan.

    Parameters
    ----------
    cells : weekday (1 = Monday..7), hour (0..23), hits — the ``weekday_hour`` query; missing cells are 0.
    staffing : weekday, hour, teams (e.g. :func:`planned_teams_by_hour` or :func:`planned_teams_for_period`).
        Each staffed cell shows its number of teams, and runs of staffed hours are outlined.
    weeks : required with ``staffing``: how many weeks ``cells`` cover (:func:`period_weeks`), so that the
        hover can show hits per planned team-hour = hits / (teams × weeks).
    selection : (weekday, hour) pairs to outline as selected.

    The heatmap's x values are hours and y values ISO weekdays, so a plotly selection's points give
    (hour, weekday) directly.
    """
    _check_lang(lang)
    _require_columns(cells, ("weekday", "hour", "hits"), "cells")
    z = _grid(cells, "weekday", range(1, 8), "hour", range(HOURS_PER_DAY), "hits", "cells")
    teams = None
    if staffing is not None:
        _require_columns(staffing, ("weekday", "hour", "teams"), "staffing")
        if weeks is None or weeks <= 0:
            raise ValueError(f"staffing needs weeks > 0 (the weeks the cells cover; see period_weeks), got {weeks!r}")
        teams = _grid(staffing, "weekday", range(1, 8), "hour", range(HOURS_PER_DAY), "teams", "staffing")

    hover, rows = [], []
    for r in range(DAYS_PER_WEEK):
        hover_row = []
        for h in range(HOURS_PER_DAY):
            hits = z[r, h]
            text = f"{_weekday(r + 1, lang)} {_hour_span(h)}: {fmt_int(hits, lang)} {_tx('hits', lang)}"
            row = {_tx("weekday", lang): _weekday(r + 1, lang, capital=True), _tx("hour", lang): _hour_span(h),
                   _tx("Hits", lang): int(hits)}
            if teams is not None:
                n = teams[r, h]
                ratio = hits / (n * weeks) if n > 0 else None
                text += "<br>" + (_teams_text(n, lang) if n > 0 else _tx("no_team", lang))
                if ratio is not None:
                    text += f"<br>{_num(round(ratio, 1), lang)} {_tx('per_team_hour', lang).lower()}"
                row |= {_tx("teams", lang): n, _tx("per_team_hour", lang): None if ratio is None else round(ratio, 2)}
            hover_row.append(text)
            rows.append(row)
        hover.append(hover_row)

    cell_text = None if teams is None else [[_num(n, lang) if n > 0 else "" for n in row] for row in teams]
    fig = _heatmap(z, x_keys=range(HOURS_PER_DAY), x_text=[f"{h:02d}" for h in range(HOURS_PER_DAY)],
                   y_keys=range(1, 8), y_text=[_weekday(d, lang, capital=True) for d in range(1, 8)],
                   hover=hover, lang=lang, x_title=_tx("hour_axis", lang), y_title=None, text=cell_text)
    if teams is not None:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=_tx("teams_in_cell", lang),
                                 marker=dict(symbol="square-open", color=OUTLINE_COLOUR), hoverinfo="skip"))
        first = True
        for r in range(DAYS_PER_WEEK):
            for h0, h1 in _runs(teams[r] > 0):
                _cell_rect(fig, h0, h1, r + 1, colour=OUTLINE_COLOUR, width=1.5, dash="solid",
                           name=_tx("staffed_hours", lang), first=first)
                first = False
    for i, (day, hour) in enumerate(sorted(selection or ())):
        _cell_rect(fig, hour, hour, day, colour=SELECTION_COLOUR, width=3, dash="dot",
                   name=_tx("selected", lang), first=i == 0)
    return Chart(fig, pd.DataFrame(rows), _weekday_hour_summary(z, teams, lang))


def _teams_text(n: float, lang: str) -> str:
    if lang == "nb":
        return f"{_num(n, lang)} team planlagt"
    return f"{_num(n, lang)} {'team' if n == 1 else 'teams'} planned"


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True values."""
    runs, start = [], None
    for i, flag in enumerate(list(mask) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _weekday_hour_summary(z: np.ndarray, teams: np.ndarray | None, lang: str) -> str:
    total = z.sum()
    if total <= 0:
        return _tx("no_hits", lang)
    r, h = _busiest(z)
    late = (z[:, EVENING_START_HOUR:].sum() + z[:, :NIGHT_END_HOUR].sum()) / total
    day, span, peak, share = _weekday(r + 1, lang), _hour_span(h), fmt_int(z[r, h], lang), _pct_whole(late, lang)
    if lang == "nb":
        text = f"Flest treff {day} kl. {span} ({peak}); {share} av treffene var mellom kl. 18 og 06"
    else:
        text = f"Most hits on {day} {span} ({peak}); {share} of hits were between 18:00 and 06:00"
    if teams is not None:
        unstaffed = _pct_whole(z[teams <= 0].sum() / total, lang)
        text += (f", og {unstaffed} i timer uten planlagt team" if lang == "nb"
                 else f", and {unstaffed} in hours without a planned team")
    return text + "."


def month_hour_heatmap(cells: pd.DataFrame, *, lang: str = "nb") -> Chart:
    """Hits by month (rows, January on top) and hour (columns 00..23); ``cells``: month 1..12, hour, hits."""
    _check_lang(lang)
    _require_columns(cells, ("month", "hour", "hits"), "cells")
    z = _grid(cells, "month", range(1, 13), "hour", range(HOURS_PER_DAY), "hits", "cells")
    hover = [[f"{_month_name(m + 1, lang)} {_hour_span(h)}: {fmt_int(z[m, h], lang)} {_tx('hits', lang)}"
              for h in range(HOURS_PER_DAY)] for m in range(12)]
    fig = _heatmap(z, x_keys=range(HOURS_PER_DAY), x_text=[f"{h:02d}" for h in range(HOURS_PER_DAY)],
                   y_keys=range(1, 13), y_text=[_month_name(m, lang).capitalize() for m in range(1, 13)],
                   hover=hover, lang=lang, x_title=_tx("hour_axis", lang), y_title=None)
    table = pd.DataFrame([{_tx("month", lang): _month_name(m + 1, lang), _tx("hour", lang): _hour_span(h),
                           _tx("Hits", lang): int(z[m, h])} for m in range(12) for h in range(HOURS_PER_DAY)])
    if z.sum() <= 0:
        return Chart(fig, table, _tx("no_hits", lang))
    m, h = _busiest(z)
    top = int(np.argmax(z.sum(axis=1)))
    peak, month, busiest = fmt_int(z[m, h], lang), _month_name(m + 1, lang), _month_name(top + 1, lang)
    month_total = fmt_int(z[top].sum(), lang)
    summary = (f"Flest treff i {month} kl. {_hour_span(h)} ({peak}); {busiest} er måneden med flest treff ({month_total})."
               if lang == "nb" else
               f"Most hits in {month} at {_hour_span(h)} ({peak}); {busiest} is the month with most hits ({month_total}).")
    return Chart(fig, table, summary)


def month_weekday_heatmap(cells: pd.DataFrame, *, lang: str = "nb") -> Chart:
    """Hits by weekday (rows, Monday on top) and month (columns); ``cells``: month 1..12, weekday 1..7, hits."""
    _check_lang(lang)
    _require_columns(cells, ("month", "weekday", "hits"), "cells")
    z = _grid(cells, "weekday", range(1, 8), "month", range(1, 13), "hits", "cells")
    plural = (lambda d: _weekday(d, lang) + "er") if lang == "nb" else (lambda d: _weekday(d, lang) + "s")
    hover = [[f"{plural(d + 1)} i {_month_name(m + 1, lang)}: {fmt_int(z[d, m], lang)} {_tx('hits', lang)}"
              if lang == "nb" else
              f"{plural(d + 1)} in {_month_name(m + 1, lang)}: {fmt_int(z[d, m], lang)} {_tx('hits', lang)}"
              for m in range(12)] for d in range(DAYS_PER_WEEK)]
    fig = _heatmap(z, x_keys=range(1, 13), x_text=[_month_name(m, lang, abbreviated=True) for m in range(1, 13)],
                   y_keys=range(1, 8), y_text=[_weekday(d, lang, capital=True) for d in range(1, 8)],
                   hover=hover, lang=lang, x_title=None, y_title=None)
    table = pd.DataFrame([{_tx("weekday", lang): _weekday(d + 1, lang, capital=True),
                           _tx("month", lang): _month_name(m + 1, lang), _tx("Hits", lang): int(z[d, m])}
                          for d in range(DAYS_PER_WEEK) for m in range(12)])
    if z.sum() <= 0:
        return Chart(fig, table, _tx("no_hits", lang))
    d, m = _busiest(z)
    top = int(np.argmax(z.sum(axis=1)))
    peak, month, day_total = fmt_int(z[d, m], lang), _month_name(m + 1, lang), fmt_int(z[top].sum(), lang)
    summary = (f"Flest treff på {plural(d + 1)} i {month} ({peak}); {_weekday(top + 1, lang)} er ukedagen med flest "
               f"treff ({day_total})." if lang == "nb" else
               f"Most hits on {plural(d + 1)} in {month} ({peak}); {_weekday(top + 1, lang)} is the weekday with most "
               f"hits ({day_total}).")
    return Chart(fig, table, summary)


# ---------------------------------------------------------------------------------- time series


def _months(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.to_period("M").dt.to_timestamp()


def _month_axis(fig: go.Figure, months: pd.DatetimeIndex, lang: str) -> None:
    step = max(1, math.ceil(len(months) / MAX_X_TICKS))
    ticks = months[::step]
    fig.update_xaxes(tickmode="array", tickvals=list(ticks),
                     ticktext=[_month_label(m, lang, abbreviated=True) for m in ticks], title=None)


def _filled(frame: pd.DataFrame, by: str | None, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Hits per (group,) month, with zeros for months without hits between the first and the last month."""
    frame = frame.assign(month=_months(frame["month"].to_numpy()))
    keys = [by, "month"] if by else ["month"]
    sums = frame.groupby(keys, sort=True)["hits"].sum()
    if sums.empty:
        return sums.reset_index()
    months = pd.date_range(min(start or sums.index.get_level_values("month").min(),
                               sums.index.get_level_values("month").min()),
                           sums.index.get_level_values("month").max(), freq="MS")
    full = pd.MultiIndex.from_product([sorted(frame[by].unique()), months], names=keys) if by else \
        pd.Index(months, name="month")
    return sums.reindex(full, fill_value=0).reset_index()


def monthly_series(current: pd.DataFrame, comparison: pd.DataFrame | None = None, *, lang: str = "nb",
                   by: str | None = None, notes: pd.DataFrame | None = None, start: date | None = None,
                   comparison_start: date | None = None) -> Chart:
    """Hits per month as lines, one per group of ``by``, with an optional comparison period and notes.

    Parameters
    ----------
    current : month (any date in the month), hits, and the column ``by`` if given (e.g. a channel label).
    comparison : the same for the comparison period, drawn dashed and aligned by position: its month
        ``comparison_start`` (default: its first month) is drawn under ``start`` (default: the current
        period's first month). Pass both starts when the periods may begin with months without hits.
    notes : period_start, period_end, text (or body), optional tags (list of NOTE_TAGS ids): shaded bands
        numbered at the top, with the full (escaped) text in the hover of the numbered markers.
    """
    _check_lang(lang)
    _require_columns(current, ("month", "hits") + ((by,) if by else ()), "current")
    cur = _filled(current, by, pd.Timestamp(start) if start else None)
    if cur.empty:
        fig = _style(go.Figure(), lang)
        return Chart(fig, pd.DataFrame(columns=[_tx("month", lang), _tx("Hits", lang)]), _tx("no_hits", lang))
    first, last = cur["month"].min(), cur["month"].max()
    groups = (cur.groupby(by)["hits"].sum().sort_values(ascending=False, kind="stable").index.tolist()
              if by else [None])

    cmp = None
    if comparison is not None:
        _require_columns(comparison, ("month", "hits") + ((by,) if by else ()), "comparison")
        cmp = _filled(comparison, by, pd.Timestamp(comparison_start) if comparison_start else None)
        if not cmp.empty:
            offset = _month_offset(pd.Timestamp(comparison_start) if comparison_start else cmp["month"].min(), first)
            cmp["aligned"] = cmp["month"] + pd.DateOffset(months=offset)
            cmp = cmp[(cmp["aligned"] >= first) & (cmp["aligned"] <= last)]

    fig = go.Figure()
    hits_word = _tx("hits", lang)
    for i, group in enumerate(groups):
        colour, symbol = LINE_COLOURS[i % len(LINE_COLOURS)], MARKER_SYMBOLS[i % len(MARKER_SYMBOLS)]
        prefix = f"{_esc(group)} – " if by else ""
        part = cur[cur[by] == group] if by else cur
        fig.add_trace(go.Scatter(
            x=part["month"], y=part["hits"], mode="lines+markers", name=_esc(group) if by else _tx("Hits", lang),
            legendgroup=str(i), line=dict(color=colour, width=2.5), marker=dict(symbol=symbol, size=7),
            customdata=[f"{prefix}{_month_label(m, lang)}: {fmt_int(v, lang)} {hits_word}"
                        for m, v in zip(part["month"], part["hits"])],
            hovertemplate="%{customdata}<extra></extra>"))
        if cmp is not None and not cmp.empty:
            cpart = cmp[cmp[by] == group] if by else cmp
            with_word = "sammenlignes med" if lang == "nb" else "compared with"
            fig.add_trace(go.Scatter(
                x=cpart["aligned"], y=cpart["hits"], mode="lines+markers",
                name=f"{_esc(group)} ({_tx('comparison', lang)})" if by else _tx("comparison_period", lang),
                legendgroup=str(i), line=dict(color=colour, width=1.5, dash="dash"),
                marker=dict(symbol=symbol + "-open", size=7),
                customdata=[f"{prefix}{_month_label(m, lang)} ({with_word} {_month_label(a, lang)}): "
                            f"{fmt_int(v, lang)} {hits_word}"
                            for m, a, v in zip(cpart["month"], cpart["aligned"], cpart["hits"])],
                hovertemplate="%{customdata}<extra></extra>"))
    months = pd.date_range(first, last, freq="MS")
    _month_axis(fig, months, lang)
    fig.update_yaxes(title=_tx("Hits", lang), tickformat=",d", rangemode="tozero")
    if notes is not None and len(notes):
        _add_notes(fig, notes, first, last, float(cur.groupby("month")["hits"].max().max()), lang)
    _style(fig, lang, hovermode="closest", legend=dict(orientation="h", y=-0.15))
    return Chart(fig, _series_table(cur, cmp, by, lang), _series_summary(cur, cmp, by, lang))


def _month_offset(source: pd.Timestamp, target: pd.Timestamp) -> int:
    return (target.year - source.year) * 12 + target.month - source.month


def _add_notes(fig: go.Figure, notes: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, top: float,
               lang: str) -> None:
    _require_columns(notes, ("period_start", "period_end"), "notes")
    text_column = "text" if "text" in notes.columns else "body"
    _require_columns(notes, (text_column,), "notes")
    end_of_range = last + pd.offsets.MonthEnd(0)
    xs, labels, hovers = [], [], []
    for row in notes.itertuples(index=False):
        x0, x1 = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
        if x1 < first or x0 > end_of_range:
            continue
        x0, x1 = max(x0, first), min(x1, end_of_range)
        number = len(xs) + 1
        body = str(getattr(row, text_column) or "")
        short = body if len(body) <= NOTE_LABEL_MAX_CHARS else body[:NOTE_LABEL_MAX_CHARS - 1].rstrip() + "…"
        fig.add_vrect(x0=x0, x1=x1, fillcolor="#888888", opacity=0.15, line_width=0, layer="below")
        fig.add_annotation(x=x0, y=1 - 0.07 * ((number - 1) % 3), xref="x", yref="paper", showarrow=False,
                           xanchor="left", yanchor="top", text=f"<b>{number}</b> {_esc(short)}", font=dict(size=11))
        tags = [vocab.NOTE_TAGS[tag][lang] if tag in vocab.NOTE_TAGS else str(tag)
                for tag in _tag_list(getattr(row, "tags", None))]
        period = f"{fmt_date(pd.Timestamp(row.period_start).date(), lang)}–{fmt_date(pd.Timestamp(row.period_end).date(), lang)}"
        lines = [f"<b>{number}. {period}</b>"] + ([_esc(", ".join(tags))] if tags else [])
        lines += [_esc(line) for line in textwrap.wrap(body, NOTE_HOVER_WRAP_CHARS)]
        xs.append(x0 + (x1 - x0) / 2)
        labels.append(str(number))
        hovers.append("<br>".join(lines))
    if xs:
        fig.add_trace(go.Scatter(x=xs, y=[top * 1.08] * len(xs), mode="markers", text=labels, name=_tx("notes", lang),
                                 marker=dict(symbol="diamond", size=11, color=OUTLINE_COLOUR),
                                 customdata=hovers, hovertemplate="%{customdata}<extra></extra>"))


def _tag_list(value) -> list:
    """Note tags as a list, whether they come as a list, a numpy array (DuckDB), a string, or missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _series_table(cur: pd.DataFrame, cmp: pd.DataFrame | None, by: str | None, lang: str) -> pd.DataFrame:
    keys = [by, "month"] if by else ["month"]
    table = cur.sort_values(["month"] + ([by] if by else []), kind="stable")[keys + ["hits"]]
    if cmp is not None and not cmp.empty:
        right = cmp.rename(columns={"month": "comparison_month", "hits": "comparison_hits", "aligned": "month"})
        table = table.merge(right, on=keys, how="left")
        table["comparison_month"] = [_month_label(m, lang) if pd.notna(m) else None for m in table["comparison_month"]]
        table["comparison_hits"] = table["comparison_hits"].astype("Int64")
    table["month"] = [_month_label(m, lang) for m in table["month"]]
    names = {"month": _tx("month", lang), "hits": _tx("Hits", lang),
             "comparison_month": _tx("comparison_month", lang), "comparison_hits": _tx("comparison_hits", lang)}
    return table.rename(columns=names).reset_index(drop=True)


def _series_summary(cur: pd.DataFrame, cmp: pd.DataFrame | None, by: str | None, lang: str) -> str:
    total = cur["hits"].sum()
    per_month = cur.groupby("month")["hits"].sum()
    first, last = _month_label(per_month.index.min(), lang), _month_label(per_month.index.max(), lang)
    peak_month = per_month.idxmax()
    text = (f"{fmt_int(total, lang)} treff fra {first} til {last}" if lang == "nb"
            else f"{fmt_int(total, lang)} hits from {first} to {last}")
    if cmp is not None and not cmp.empty and cmp["hits"].sum() > 0:
        before = cmp["hits"].sum()
        change = fmt_pct((total - before) / before, lang)
        text += (f" ({change} mot {fmt_int(before, lang)} i sammenligningsperioden)" if lang == "nb"
                 else f" ({change} against {fmt_int(before, lang)} in the comparison period)")
    peak = f"{_month_label(peak_month, lang)} ({fmt_int(per_month.max(), lang)})"
    text += f"; flest i {peak}" if lang == "nb" else f"; most in {peak}"
    if by and cur[by].nunique() > 1:
        sums = cur.groupby(by)["hits"].sum()
        text += (f", og {sums.idxmax()} har flest ({fmt_int(sums.max(), lang)})" if lang == "nb"
                 else f", and {sums.idxmax()} has most ({fmt_int(sums.max(), lang)})")
    return text + "."


def year_over_year(monthly: pd.DataFrame, *, lang: str = "nb", span: DataSpan | None = None) -> Chart:
    """Hits per calendar month, one line per year (x = month name); ``monthly``: month (date), hits.

    The summary gives the latest year's change against the year before over the months both years
    have data for throughout (``span``, the team's registration coverage: an unfinished month, or
    months before the first registration, are left out of the change); without ``span`` over all
    the latest year's months."""
    _check_lang(lang)
    _require_columns(monthly, ("month", "hits"), "monthly")
    filled = _filled(monthly, None)
    names = [_month_name(m, lang, abbreviated=True) for m in range(1, 13)]
    fig = go.Figure()
    if filled.empty:
        return Chart(_style(fig, lang), pd.DataFrame(columns=[_tx("year", lang), _tx("month", lang), _tx("Hits", lang)]),
                     _tx("no_hits", lang))
    filled["year"] = filled["month"].dt.year
    years = sorted(filled["year"].unique())
    for i, year in enumerate(years):
        part = filled[filled["year"] == year]
        latest = year == years[-1]
        fig.add_trace(go.Scatter(
            x=[names[m.month - 1] for m in part["month"]], y=part["hits"], name=str(year),
            mode="lines+markers+text", text=[""] * (len(part) - 1) + [str(year)], textposition="middle right",
            line=dict(color=LINE_COLOURS[(len(years) - 1 - i) % len(LINE_COLOURS)], width=3 if latest else 1.5,
                      dash="solid" if latest else ("dot", "dash", "dashdot", "longdash")[i % 4]),
            marker=dict(symbol=MARKER_SYMBOLS[i % len(MARKER_SYMBOLS)], size=7),
            customdata=[f"{_month_label(m, lang)}: {fmt_int(v, lang)} {_tx('hits', lang)}"
                        for m, v in zip(part["month"], part["hits"])],
            hovertemplate="%{customdata}<extra></extra>"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=names, title=None)
    fig.update_yaxes(title=_tx("Hits", lang), tickformat=",d", rangemode="tozero")
    _style(fig, lang, legend=dict(orientation="h", y=-0.15))
    table = pd.DataFrame({_tx("year", lang): filled["year"].astype(int),
                          _tx("month", lang): [_month_name(m.month, lang) for m in filled["month"]],
                          _tx("Hits", lang): filled["hits"].astype(int)})
    return Chart(fig, table, _year_summary(filled, lang, span))


def _comparable_months(year: int, months: list[int], span: DataSpan | None) -> list[int]:
    """The latest year's months whose change against the year before can be shown (see year_over_year)."""
    if span is None:
        return months
    if span.empty:
        return []
    month_end = lambda y, m: (pd.Timestamp(y, m, 1) + pd.offsets.MonthEnd(0)).date()  # noqa: E731
    finished = [m for m in months if month_end(year, m) <= span.last]
    if not finished or not covered((date(year - 1, finished[0], 1), month_end(year - 1, finished[-1])), span):
        return []
    return finished


def _year_summary(filled: pd.DataFrame, lang: str, span: DataSpan | None = None) -> str:
    year = int(filled["year"].max())
    this = filled[filled["year"] == year]
    months = sorted(this["month"].dt.month)
    shown = (str(year) if len(months) == 12 else
             f"{_month_name(months[0], lang)}–{_month_name(months[-1], lang)} {year}" if len(months) > 1 else
             f"{_month_name(months[0], lang)} {year}")
    total = this["hits"].sum()
    peak = _month_name(this.loc[this["hits"].idxmax(), "month"].month, lang)
    text = f"{shown}: {fmt_int(total, lang)} {_tx('hits', lang)}"
    compared = _comparable_months(year, months, span)
    before = filled[(filled["year"] == year - 1) & filled["month"].dt.month.isin(compared)]
    if compared and len(before) == len(compared) and before["hits"].sum() > 0:
        now = this[this["month"].dt.month.isin(compared)]["hits"].sum()
        change = fmt_pct((now - before["hits"].sum()) / before["hits"].sum(), lang)
        same = "" if len(compared) == 12 else ("samme måneder i " if lang == "nb" else "the same months of ")
        against = f"{change} mot {same}{year - 1}" if lang == "nb" else f"{change} against {same}{year - 1}"
        if compared == months:
            text += f", {against}"
        else:  # say which months the change is of
            which = "–".join(dict.fromkeys(_month_name(m, lang) for m in (compared[0], compared[-1])))
            text += f"; {which} {against}"
    return text + (f"; flest i {peak}." if lang == "nb" else f"; most in {peak}.")


# ------------------------------------------------------------------------------------------- bars


def breakdown_bars(rows: pd.DataFrame, *, label_column: str, value_column: str = "hits", lang: str = "nb",
                   title_key: str | None = None, limit: int | None = None) -> Chart:
    """Horizontal bars, largest on top, each labelled with its value (and ``change_label`` if the frame has it).

    Parameters
    ----------
    rows : one row per category, with ``label_column`` (display labels, e.g. vocabulary labels or area
        names; escaped here) and ``value_column``; an optional ``change_label`` column (e.g. "+12,0 %")
        is shown next to the value.
    title_key : an ``i18n.MESSAGES`` key for the figure title (no title when None).
    limit : keep only the largest ``limit`` rows (e.g. 10 for the top hotspots).
    """
    _check_lang(lang)
    _require_columns(rows, (label_column, value_column), "rows")
    data = rows.sort_values([value_column, label_column], ascending=[False, True], kind="stable")
    if limit is not None:
        data = data.head(limit)
    has_change = "change_label" in data.columns
    unit = f" {_tx('hits', lang)}" if value_column == "hits" else ""
    values = data[value_column].tolist()
    labels = [_esc(label) for label in data[label_column]]
    changes = [_esc(c) if has_change and pd.notna(c) and str(c) else "" for c in
               (data["change_label"] if has_change else [None] * len(data))]
    text = [_num(v, lang) + (f" ({c})" if c else "") for v, c in zip(values, changes)]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", text=text, textposition="outside", cliponaxis=False,
        marker=dict(color=LINE_COLOURS[0]),
        customdata=[f"{lab}: {_num(v, lang)}{unit}" + (f" ({c})" if c else "") for lab, v, c in zip(labels, values, changes)],
        hovertemplate="%{customdata}<extra></extra>"))
    value_title = _tx("Hits", lang) if value_column == "hits" else None
    # Leave room right of the longest bar for its value (and change) label.
    headroom = BAR_LABEL_HEADROOM_WITH_CHANGE if any(changes) else BAR_LABEL_HEADROOM
    fig.update_xaxes(title=value_title, tickformat=",d", range=[0, max(values, default=1) * headroom])
    fig.update_yaxes(autorange="reversed", title=None, type="category")
    _style(fig, lang, height=80 + 28 * max(len(data), 1), showlegend=False,
           title=t(title_key, lang) if title_key else None)
    table = data[[label_column, value_column] + (["change_label"] if has_change else [])].rename(
        columns={value_column: _tx("Hits", lang) if value_column == "hits" else value_column,
                 "change_label": _tx("change", lang)}).reset_index(drop=True)
    return Chart(fig, table, _bars_summary(data, label_column, value_column, rows[value_column].sum(), lang))


def _bars_summary(data: pd.DataFrame, label_column: str, value_column: str, total: float, lang: str) -> str:
    if data.empty or total <= 0:
        return _tx("no_hits", lang)
    top = data.iloc[0]
    label, value = top[label_column], _num(top[value_column], lang)
    share = _pct_whole(top[value_column] / total, lang)
    if lang == "nb":
        return f"{label} har mest med {value} av {_num(total, lang)} ({share})."
    return f"{label} has the most with {value} of {_num(total, lang)} ({share})."
