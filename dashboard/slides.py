"""Presentations of a filtered view for partners (SLT, police, schools): data, PowerPoint and PDF.

``presentation_data`` gathers everything a presentation shows for a filter, with small-count
suppression already applied, so that no renderer can leak a small count:

* key figures: a count from 1 to threshold−1 is ":"; the share of 13–15 year olds is hidden when
  it, or its complement, rests on such a count; online hits are hidden when they or the offline
  rest are small; a change is shown in percent only, and hidden where either count is hidden;
* areas: :func:`disclosure.suppress_series` over all areas (their sum is published);
* hotspots: the same per area (the area's total is published beside them); when an area's total
  is hidden, at least one of its hotspots is hidden too, so the area cannot be summed back;
* weekday × hour: :func:`disclosure.suppress` with every weekday and hour a published sum;
* months: :func:`disclosure.suppress_series` per period;
* notes: only shareable ones; focus areas: area, weekday and time window (no free text).

``slides_pptx`` and ``slides_pdf`` render the same sequence of slides (see :data:`SLIDE_KEYS`).
Pure apart from the database reads; images come from :mod:`dashboard.static_figures` (offline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from shapely.geometry import shape

from dashboard import comparison, focus, i18n, queries, summaries, vocab
from dashboard.db import Database, now_local
from dashboard.disclosure import (
    SUPPRESS_BELOW_COUNT,
    SUPPRESSED,
    suppress,
    suppress_series,
)
from dashboard.filters import Filter
from dashboard.static_figures import (
    PARAGRAPH_SPACE_EM,
    SLIDE_SIZE_IN,
    TEXT_STYLES,
    ImageBlock,
    Page,
    TableBlock,
    TextBlock,
    column_weights,
    heatmap_png,
    pages_pdf,
    static_map,
    table_column_is_numeric,
    table_font_pt,
    trend_png,
)

SLIDE_KEYS = ("title", "key_figures", "map", "heatmap", "trend", "top", "focus", "notes")
TOP_PLACES = 10
MAX_NOTES = 9
NOTES_PER_SLIDE = 3
MAX_NOTE_CHARS = 420
HOURS = [f"{h:02d}" for h in range(24)]


def slide_title(key: str, lang: str = "nb", coarsened: bool = False) -> str:
    """The fixed title of a content slide (``key`` from :data:`SLIDE_KEYS`, not 'title')."""
    return i18n.t(f"slides.title.{'top_areas' if key == 'top' and coarsened else key}", lang)


def suppression_note(threshold: int, lang: str = "nb") -> str:
    """The footnote under every slide with figures (and the only place the threshold is shown)."""
    return i18n.t("slides.suppressed_note", lang, threshold=threshold)


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    value: str  # formatted, or ":" when hidden
    before: str | None = None  # formatted comparison value, ":" or None without comparison
    change: str | None = None  # '+41,7 %', ':' or None


@dataclass(frozen=True)
class FocusAreas:
    decided_on: date
    period_start: date
    period_end: date
    items: tuple[str, ...]  # 'Skedsmokorset: fredag 18:00–22:00 (Skedsmo stadion)'


@dataclass(frozen=True)
class ViewTables:
    """The filtered view as the pages and ``feltkart export view`` see it (unsuppressed)."""
    hotspots: pd.DataFrame  # summaries.hotspot_table
    areas: pd.DataFrame  # summaries.area_table
    notes: pd.DataFrame  # shareable trend notes overlapping the period
    judged: comparison.Judgement  # whether the period can be compared (data on both sides)


@dataclass(frozen=True)
class PresentationData:
    """What a presentation shows, suppressed. Counts are ints or ``SUPPRESSED``."""
    lang: str
    threshold: int
    start: date
    end: date
    comparison: tuple[date, date] | None
    area_names: tuple[str, ...]  # the selected areas; empty = all
    coarsened: bool  # areas only, no hotspot detail
    key_figures: tuple[KeyFigure, ...]
    top: pd.DataFrame  # name, area_name, hits, hits_before, change (hotspots, or areas when coarsened)
    areas: pd.DataFrame  # area_id, area_name, hits, hits_before, change
    map_points: pd.DataFrame  # name, lon, lat, hits
    area_shapes: pd.DataFrame  # id, name, geometry_geojson, selected
    weekday_hour: pd.DataFrame  # index weekday 1..7, columns '00'..'23'
    monthly: pd.DataFrame  # month, hits, hits_before
    focus: FocusAreas | None
    notes: pd.DataFrame  # place, period_start, period_end, body (shareable only)
    made_on: date = field(default_factory=lambda: now_local().date())
    comparison_note: str | None = None  # why no change is shown, or the days a change covers


def view_tables(db: Database, flt: Filter, lang: str = "nb") -> ViewTables:
    """Hotspot and area tables with their comparison, and the shareable notes, for ``flt``: the
    same path as the overview page and ``feltkart export view``."""
    judged = comparison.for_filter(flt, comparison.data_span(db))
    before = judged.comparison_filter(flt)
    run = lambda name, f: queries.run_filtered(db, name, f)  # noqa: E731
    notes = queries.run(db, "trend_notes", start_date=flt.start, end_date=flt.end, area_ids=list(flt.areas),
                        shareable_only=True, include_archived=False)
    hotspots = summaries.hotspot_table(run("hits_by_hotspot", flt), run("hits_by_hotspot", before) if before else None,
                                       judged, run("hotspot_profiles", flt), notes, lang)
    areas = summaries.area_table(run("hits_by_area", flt), run("hits_by_area", before) if before else None,
                                 judged, queries.run(db, "areas"), lang)
    return ViewTables(hotspots, areas, notes, judged)


# --- suppression --------------------------------------------------------------------------------

def _small(value, threshold: int) -> bool:
    return 0 < value < threshold


def _shown(value, threshold: int):
    return SUPPRESSED if _small(value, threshold) else int(value)


def _text(value, lang: str) -> str:
    return value if value == SUPPRESSED else i18n.fmt_int(value, lang)


def _counts(values, threshold: int) -> list:
    return suppress_series(pd.Series(values).fillna(0).astype("int64").tolist(), threshold)


def _per_area(table: pd.DataFrame, column: str, area_hidden: dict[str, bool], threshold: int) -> pd.Series:
    """Hotspot counts suppressed within each area (the area total is a published sum)."""
    result = pd.Series(index=table.index, dtype=object)
    for area_id, group in table.groupby("area_id", sort=False):
        shown = _counts(group[column], threshold)
        if area_hidden.get(area_id) and SUPPRESSED not in shown:
            positive = [(v, i) for i, v in enumerate(group[column].fillna(0)) if v > 0]
            if positive:
                shown[min(positive)[1]] = SUPPRESSED
        result.loc[group.index] = shown
    return result


def _changes(table: pd.DataFrame, hits: list, before: list | None) -> list[str]:
    if before is None:
        return [""] * len(table)
    return [SUPPRESSED if SUPPRESSED in (h, b) else label for h, b, label in zip(hits, before, table["change_label"])]


def _key_figures(now: pd.Series, before: pd.Series | None, threshold: int, lang: str) -> tuple[KeyFigure, ...]:
    def share(row):
        part, known = int(row["hits_13_15"]), int(row["hits_known_age"])
        if not known or _small(part, threshold) or _small(known - part, threshold) or _small(row["hits"], threshold):
            return SUPPRESSED if known else None
        return part / known

    def online(row):
        value, rest = int(row["hits_online"]), int(row["hits"] - row["hits_online"])
        return SUPPRESSED if _small(value, threshold) or _small(rest, threshold) else value

    values = {
        "hits": lambda r: _shown(r["hits"], threshold),
        "active_hotspots": lambda r: _shown(r["active_hotspots"], threshold),
        "share_13_15": share,
        "hits_online": online,
    }
    figures = []
    for key, get in values.items():
        value, then = get(now), get(before) if before is not None else None
        is_share = key == "share_13_15"
        change = None
        if before is not None:
            if SUPPRESSED in (value, then) or value is None or then is None:
                change = SUPPRESSED if SUPPRESSED in (value, then) else None
            elif is_share:
                change = f"{'+' if value >= then else '−'}{i18n.fmt_decimal(abs(value - then) * 100, lang)} pp."
            elif then:
                change = i18n.fmt_pct((value - then) / then, lang)
        figures.append(KeyFigure(key, i18n.t(f"overview.kpi.{key}", lang), _figure_text(value, is_share, lang),
                                 None if before is None else _figure_text(then, is_share, lang), change))
    return tuple(figures)


def _figure_text(value, is_share: bool, lang: str) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return value
    return i18n.fmt_pct(value, lang, signed=False) if is_share else i18n.fmt_int(value, lang)


def _weekday_hour(cells: pd.DataFrame, threshold: int) -> pd.DataFrame:
    matrix = (cells.assign(hour=cells["hour"].map(lambda h: f"{int(h):02d}"))
              .pivot_table(index="weekday", columns="hour", values="hits", aggfunc="sum", fill_value=0)
              .reindex(index=range(1, 8), columns=HOURS, fill_value=0).astype("int64"))
    # The total of the filter is published, so every weekday and every hour counts as a sum.
    return suppress(matrix, HOURS, threshold=threshold)


def _months(start: date, end: date) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(end), freq="MS")


def _monthly(db: Database, flt: Filter, comparison: Filter | None, threshold: int) -> pd.DataFrame:
    def series(f: Filter) -> list:
        hits = summaries.monthly_totals(queries.run_filtered(db, "monthly_series", f))
        by_month = dict(zip(pd.to_datetime(hits["month"]), hits["hits"]))
        return _counts([by_month.get(m, 0) for m in _months(f.start, f.end)], threshold)

    months = _months(flt.start, flt.end)
    table = pd.DataFrame({"month": months, "hits": pd.Series(series(flt), dtype=object)})
    if comparison is not None:
        before = series(comparison)[:len(months)]
        table["hits_before"] = pd.Series(before + [None] * (len(months) - len(before)), dtype=object)
    return table


def _focus(db: Database, flt: Filter, area_names: dict, hotspot_names: dict, lang: str) -> FocusAreas | None:
    """The newest focus decision overlapping the period (its items in the chosen areas), or None.
    Only area, weekday, time window and place are shown: reasons and rationale are free text."""
    table = focus.decisions(db)
    if table.empty:
        return None
    starts, ends = pd.to_datetime(table["period_start"]).dt.date, pd.to_datetime(table["period_end"]).dt.date
    table = table[(starts <= flt.end) & (ends >= flt.start)]
    if flt.areas:
        table = table[table["area_id"].isin(flt.areas)]
    if table.empty:
        return None
    items = table[table["id"] == table["id"].iloc[0]]  # newest first
    texts = []
    for item in items.itertuples():
        where = f" ({hotspot_names[item.hotspot_id]})" if isinstance(item.hotspot_id, str) and \
            item.hotspot_id in hotspot_names else ""
        texts.append(i18n.t("slides.focus.item", lang, area=area_names.get(item.area_id, item.area_id),
                            weekday=vocab.WEEKDAYS[str(int(item.weekday))][lang],
                            hours=f"{int(item.hour_from):02d}:00–{(int(item.hour_to) + 1) % 24:02d}:00", where=where))
    first = items.iloc[0]
    return FocusAreas(pd.Timestamp(first["decided_on"]).date(), pd.Timestamp(first["period_start"]).date(),
                      pd.Timestamp(first["period_end"]).date(), tuple(texts))


def _notes(notes: pd.DataFrame, lang: str, coarsened: bool) -> pd.DataFrame:
    notes = notes.head(MAX_NOTES)
    whole = i18n.t("slides.notes.municipality", lang)
    hotspots = [None] * len(notes) if coarsened else notes["hotspot_name"]
    place = [h if isinstance(h, str) else a if isinstance(a, str) else whole
             for h, a in zip(hotspots, notes["area_name"])]
    body = [b if len(b) <= MAX_NOTE_CHARS else b[:MAX_NOTE_CHARS - 1].rsplit(" ", 1)[0] + " …" for b in notes["body"]]
    return pd.DataFrame({"place": place, "period_start": pd.to_datetime(notes["period_start"]).dt.date,
                         "period_end": pd.to_datetime(notes["period_end"]).dt.date, "body": body})


def presentation_data(db: Database, flt: Filter, lang: str = "nb", threshold: int = SUPPRESS_BELOW_COUNT, *,
                      coarsen_to_areas: bool = False, made_on: date | None = None) -> PresentationData:
    """Everything a presentation of ``flt`` shows, with counts below ``threshold`` hidden (":").

    With ``coarsen_to_areas`` no hotspot is named or drawn: the map has one bubble per area and
    the top list lists areas. See the module docstring for the suppression rules.
    """
    if lang not in i18n.LANGS:
        raise ValueError(f"lang must be one of {i18n.LANGS}, got {lang!r}")
    with db.read_session():  # one connection for all the reads
        return _presentation_data(db, flt, lang, threshold, coarsen_to_areas, made_on)


def _presentation_data(db, flt, lang, threshold, coarsen_to_areas, made_on) -> PresentationData:
    view = view_tables(db, flt, lang)
    comparison = view.judged.comparison_filter(flt)  # None when one side has no data
    areas_all = queries.run(db, "areas")
    area_names = dict(zip(areas_all["id"], areas_all["name"]))
    places = queries.run(db, "places")

    compared = comparison is not None
    a = view.areas
    area_hits = _counts(a["hits"], threshold)
    area_before = _counts(a["hits_before"], threshold) if compared else None
    areas = pd.DataFrame({"area_id": a["area_id"], "area_name": a["area_name"],
                          "hits": pd.Series(area_hits, dtype=object),
                          "hits_before": pd.Series(area_before if compared else [None] * len(a), dtype=object),
                          "change": _changes(a, area_hits, area_before)})

    if coarsen_to_areas:
        shapes = {row.id: shape(json.loads(row.geometry_geojson)) for row in areas_all.itertuples()}
        points = [shapes[i].representative_point() for i in areas["area_id"]]
        map_points = pd.DataFrame({"name": areas["area_name"], "lon": [p.x for p in points],
                                   "lat": [p.y for p in points], "hits": areas["hits"]})
        ranked = areas.assign(_h=a["hits"].to_numpy()).sort_values("_h", ascending=False, kind="stable")
        top = ranked[ranked["_h"] > 0].head(TOP_PLACES).assign(name=lambda t: t["area_name"])
    else:
        h = view.hotspots
        hidden_now = dict(zip(areas["area_id"], areas["hits"] == SUPPRESSED))
        hits = _per_area(h, "hits", hidden_now, threshold).tolist()
        before = None
        if compared:
            hidden_before = dict(zip(areas["area_id"], areas["hits_before"] == SUPPRESSED))
            before = _per_area(h, "hits_before", hidden_before, threshold).tolist()
        hotspots = pd.DataFrame({"name": h["name"], "area_name": h["area_name"], "lon": h["lon"], "lat": h["lat"],
                                 "hits": pd.Series(hits, dtype=object),
                                 "hits_before": pd.Series(before if compared else [None] * len(h), dtype=object),
                                 "change": _changes(h, hits, before), "_h": h["hits"].to_numpy()})
        map_points = hotspots.loc[hotspots["_h"] > 0, ["name", "lon", "lat", "hits"]].reset_index(drop=True)
        top = hotspots[hotspots["_h"] > 0].head(TOP_PLACES)  # hotspot_table is sorted by hits
    top = top[["name", "area_name", "hits", "hits_before", "change"]].reset_index(drop=True)

    totals = queries.run_filtered(db, "totals", flt).iloc[0]
    totals_before = queries.run_filtered(db, "totals", comparison).iloc[0] if compared else None
    selected = set(flt.areas) or set(areas_all["id"])
    return PresentationData(
        lang=lang, threshold=threshold, start=flt.start, end=flt.end,
        comparison=(comparison.start, comparison.end) if compared else None,
        area_names=tuple(area_names.get(i, i) for i in flt.areas), coarsened=coarsen_to_areas,
        key_figures=_key_figures(totals, totals_before, threshold, lang),
        top=top, areas=areas, map_points=map_points,
        area_shapes=areas_all[["id", "name", "geometry_geojson"]].assign(selected=areas_all["id"].isin(selected)),
        weekday_hour=_weekday_hour(queries.run_filtered(db, "weekday_hour", flt), threshold),
        monthly=_monthly(db, flt, comparison, threshold),
        focus=_focus(db, flt, area_names, {} if coarsen_to_areas else dict(zip(places["id"], places["name"])), lang),
        notes=_notes(view.notes, lang, coarsen_to_areas),
        made_on=made_on or now_local().date(),
        comparison_note=view.judged.note(lang),
    )


def count_text(value, lang: str = "nb") -> str:
    """A suppressed count as shown: '7 359', ':' or '' (no value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _text(value, lang)


# --- the slide sequence -------------------------------------------------------------------------

def _period(start: date, end: date, lang: str) -> str:
    return f"{i18n.fmt_date(start, lang)}–{i18n.fmt_date(end, lang)}"


def _table_frame(table: pd.DataFrame, data: PresentationData, with_place: bool) -> pd.DataFrame:
    lang = data.lang
    columns = {}
    if with_place:
        columns[i18n.t("table.place", lang)] = table["name"]
    columns[i18n.t("table.area", lang)] = table["area_name"]
    columns[i18n.t("table.hits", lang)] = [count_text(v, lang) for v in table["hits"]]
    if data.comparison:
        columns[i18n.t("table.hits_before", lang)] = [count_text(v, lang) for v in table["hits_before"]]
        columns[i18n.t("table.change", lang)] = table["change"]
    return pd.DataFrame(columns)


def _table_or_text(box, frame: pd.DataFrame, lang: str):
    return TableBlock(box, frame) if len(frame) else TextBlock(box, [i18n.t("slides.no_hits", lang)])


def slide_pages(data: PresentationData, title: str | None = None) -> list[Page]:
    """The presentation as layout-neutral pages, rendered by :func:`slides_pptx` and :func:`slides_pdf`."""
    lang = data.lang
    note = suppression_note(data.threshold, lang)
    t = lambda key: slide_title(key, lang, data.coarsened)  # noqa: E731
    areas = ", ".join(data.area_names) if data.area_names else i18n.t("slides.all_areas", lang)
    lines = [i18n.t("slides.period", lang, period=_period(data.start, data.end, lang))]
    if data.comparison:
        lines.append(i18n.t("slides.compared", lang, period=_period(*data.comparison, lang)))
    if data.comparison_note:
        lines.append(data.comparison_note)
    lines.append(i18n.t("slides.areas", lang, areas=areas))
    if data.coarsened:
        lines.append(i18n.t("slides.areas_only", lang))
    lines.append(i18n.t("slides.made", lang, date=i18n.fmt_date(data.made_on, lang)))
    pages = [Page(title or i18n.t("slides.default_title", lang), [TextBlock((0.5, 3.4, 12.3, 3.0), lines)],
                  is_title=True)]

    blocks = []
    width = 12.3 / len(data.key_figures)
    for n, figure in enumerate(data.key_figures):
        text = [(figure.label, "label"), (figure.value, "big")]
        if data.comparison:
            text.append((i18n.t("slides.kpi.before", lang, period=_period(*data.comparison, lang),
                                value=figure.before), "note"))
            if figure.change:
                text.append((i18n.t("slides.kpi.change", lang, change=figure.change), "note"))
        blocks.append(TextBlock((0.5 + n * width, 1.8, width - 0.2, 3.5), text))
    if data.comparison_note and not data.comparison:  # say why the figures have no change
        blocks.append(TextBlock((0.5, 5.5, 12.3, 1.0), [(data.comparison_note, "note")]))
    pages.append(Page(t("key_figures"), blocks, footer=note))

    area_table = _table_frame(data.areas, data, with_place=False).drop(
        columns=[i18n.t("table.hits_before", lang)], errors="ignore")
    pages.append(Page(t("map"), [ImageBlock((0.3, 1.2, 7.0, 5.7), static_map(data)),
                                 _table_or_text((7.4, 1.4, 5.6, 5.3), area_table, lang)], footer=note))
    pages.append(Page(t("heatmap"), [ImageBlock((0.4, 1.4, 12.5, 5.3), heatmap_png(data))], footer=note))
    pages.append(Page(t("trend"), [ImageBlock((0.4, 1.3, 12.5, 5.5), trend_png(data))], footer=note))
    top = _table_frame(data.top, data, with_place=not data.coarsened)
    pages.append(Page(t("top"), [_table_or_text((0.5, 1.4, 12.3, 5.4), top, lang)], footer=note))

    if data.focus is None:
        focus_lines = [i18n.t("slides.focus.none", lang)]
    else:
        f = data.focus
        focus_lines = [(i18n.t("slides.focus.decided", lang, date=i18n.fmt_date(f.decided_on, lang),
                                period=_period(f.period_start, f.period_end, lang)), "bold")]
        focus_lines += [("• " + item, "body") for item in f.items]
    pages.append(Page(t("focus"), [TextBlock((0.5, 1.5, 12.3, 5.4), focus_lines)]))

    notes = data.notes
    chunks = [notes.iloc[i:i + NOTES_PER_SLIDE] for i in range(0, len(notes), NOTES_PER_SLIDE)] or [notes]
    for chunk in chunks:
        text = [] if len(chunk) else [i18n.t("slides.notes.none", lang)]
        for row in chunk.itertuples():
            text.append((f"{row.place} · {_period(row.period_start, row.period_end, lang)}", "bold"))
            text.append((row.body, "body"))
        pages.append(Page(t("notes"), [TextBlock((0.5, 1.4, 12.3, 5.6), text)],
                          footer=i18n.t("slides.notes.shareable", lang)))
    return pages


# --- PowerPoint ---------------------------------------------------------------------------------

def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _add_text(slide, box, paragraphs, Inches, Pt) -> None:
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    for n, (text, style) in enumerate(TextBlock.styled(paragraphs)):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.font.size = Pt(TEXT_STYLES[style][0])
        paragraph.font.bold = TEXT_STYLES[style][1]
        paragraph.space_after = Pt(TEXT_STYLES[style][0] * PARAGRAPH_SPACE_EM)


def _add_table(slide, box, frame: pd.DataFrame, Inches, Pt) -> None:
    from pptx.enum.text import PP_ALIGN

    rows, cols = len(frame) + 1, frame.shape[1]
    left, top, width, _ = box
    row_height = 0.42
    shape = slide.shapes.add_table(rows, cols, Inches(left), Inches(top), Inches(width), Inches(row_height * rows))
    table = shape.table
    weights = column_weights(frame)
    for j, w in enumerate(weights):
        table.columns[j].width = Inches(width * w / sum(weights))
    numeric = [table_column_is_numeric(frame.iloc[:, j]) for j in range(cols)]
    for j, column in enumerate(frame.columns):
        for i, value in enumerate([column, *frame.iloc[:, j].tolist()]):
            cell = table.cell(i, j)
            cell.text = str(value)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.font.size = Pt(table_font_pt(frame, width))
            paragraph.font.bold = i == 0
            if numeric[j]:
                paragraph.alignment = PP_ALIGN.RIGHT


def slides_pptx(data: PresentationData, title: str | None = None) -> bytes:
    """The presentation as a 16:9 PowerPoint file (python-pptx): see :func:`slide_pages`."""
    import io

    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_SIZE_IN[0]), Inches(SLIDE_SIZE_IN[1])
    deck.core_properties.title = title or i18n.t("slides.default_title", data.lang)
    deck.core_properties.author = "Feltkart"
    for page in slide_pages(data, title):
        slide = deck.slides.add_slide(deck.slide_layouts[0 if page.is_title else 5])
        heading = slide.shapes.title
        heading.left, heading.width = Inches(0.5), Inches(SLIDE_SIZE_IN[0] - 1.0)
        heading.top, heading.height = (Inches(1.6), Inches(1.6)) if page.is_title else (Inches(0.3), Inches(0.9))
        heading.text = page.title
        heading.text_frame.paragraphs[0].font.size = Pt(36 if page.is_title else 28)
        if page.is_title:  # the layout's subtitle placeholder is replaced by a text box
            for placeholder in list(slide.placeholders):
                if placeholder.placeholder_format.idx != 0:
                    placeholder._element.getparent().remove(placeholder._element)
        for block in page.blocks:
            if isinstance(block, TextBlock):
                _add_text(slide, block.box, block.paragraphs, Inches, Pt)
            elif isinstance(block, TableBlock):
                _add_table(slide, block.box, block.frame, Inches, Pt)
            else:
                left, top, width, height = block.box
                w, h = _png_size(block.png)
                scale = min(width / w, height / h)
                slide.shapes.add_picture(io.BytesIO(block.png), Inches(left + (width - w * scale) / 2), Inches(top),
                                         Inches(w * scale), Inches(h * scale))
        if page.footer:
            _add_text(slide, (0.5, SLIDE_SIZE_IN[1] - 0.55, SLIDE_SIZE_IN[0] - 1.0, 0.4), [(page.footer, "small")],
                      Inches, Pt)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def slides_pdf(data: PresentationData, title: str | None = None) -> bytes:
    """The same slides as a PDF, one page per slide (matplotlib, offline)."""
    return pages_pdf(slide_pages(data, title), title=title or i18n.t("slides.default_title", data.lang))
