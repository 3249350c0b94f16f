"""Streamlit glue shared by every page: the page context, the sidebar filter synced with the URL,
cached queries keyed by the data version, texts in the chosen language, and charts with tables.

Pages stay thin: ``ctx = ui.context()``, then ``ui.query(...)`` and the builders, then layout.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import access, comparison, i18n, maps, queries, static_assets, summaries, vocab
from dashboard.comparison import Judgement
from dashboard.db import Database, now_local
from dashboard.filters import (
    EARLIEST_DATE,
    LATEST_DATE,
    LIST_KEYS,
    Filter,
    default_filter,
    from_query_params,
    period_presets,
    preset_of,
    to_query_params,
)
from dashboard.seed import ensure_database

URL_KEYS = {"from", "to", "compare", "lang", *LIST_KEYS}
LANG_NAMES = {"nb": "Norsk (bokmål)", "en": "English"}
_WIDGET_FOR = {"area": "f_area", "kind": "f_kind", "age": "f_age", "gender": "f_gender", "channel": "f_channel"}
_VOCAB_FOR = {"area": None, "kind": vocab.HOTSPOT_KINDS, "age": vocab.AGE_BANDS, "gender": vocab.GENDERS,
              "channel": vocab.CHANNELS}


@dataclass(frozen=True)
class PageContext:
    """What every page needs for one run: where the data is, which version, the filter, the language,
    and whether the filter's period can be compared with its comparison period (``judged``)."""

    db: Database
    data_version: int
    flt: Filter
    lang: str
    today: date
    area_names: dict[str, str]
    judged: Judgement

    @property
    def comparison(self) -> Filter | None:
        """The filter over its comparison period when a change can be shown (data on both sides), else None."""
        return self.judged.comparison_filter(self.flt)

    def t(self, key: str, **params) -> str:
        return i18n.t(key, self.lang, **params)


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """The app's database, created with demo data on the very first start."""
    db = Database()
    with access.acting_as(access.APP_ACTOR, "admin"):  # before any visitor: the app prepares its own database
        ensure_database(db)
    static_assets.ensure_static_assets()
    static_assets.use_local_assets()  # no map may load Leaflet or anything else from a CDN
    return db


def context() -> PageContext:
    return st.session_state["page_context"]


def t(key: str, **params) -> str:
    return i18n.t(key, st.session_state.get("lang", "nb"), **params)


@st.cache_data(ttl=3600, max_entries=2000, show_spinner=False)
def _run_cached(db_path: str, data_version: int, name: str, frozen_params: tuple) -> pd.DataFrame:
    params = {key: list(value) if isinstance(value, tuple) else value for key, value in frozen_params}
    return queries.run(Database(db_path), name, **params)


def query(name: str, flt: Filter | None = None, **extra) -> pd.DataFrame:
    """Run a named query, cached until the data changes (the data version is part of the key)."""
    ctx = context()
    params = {**(flt.params() if flt is not None else {}), **extra}
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _run_cached(str(ctx.db.path), ctx.data_version, name, frozen)


# --- the sidebar filter and the URL ------------------------------------------------------------

def _apply_filter_to_widgets(flt: Filter, today: date) -> None:
    state = st.session_state
    state["f_period"] = preset_of(flt, today)
    state["f_range"] = (flt.start, flt.end)
    state["f_compare"] = flt.compare
    for key, (name, _) in LIST_KEYS.items():
        state[_WIDGET_FOR[key]] = list(getattr(flt, name))


def _init_from_url(today: date, area_names: dict[str, str]) -> None:
    """On a session's first run, the URL decides the filter (invalid values are reported)."""
    if st.session_state.get("filter_ready"):
        return
    params = st.query_params.to_dict()
    flt, warnings = from_query_params(params, today)
    unknown_areas = [a for a in flt.areas if a not in area_names]
    warnings += [{"key": "area", "value": a, "reason": "unknown"} for a in unknown_areas]
    flt = replace(flt, areas=tuple(a for a in flt.areas if a in area_names))
    lang = params.get("lang", "nb")
    if lang not in i18n.LANGS:
        warnings.append({"key": "lang", "value": lang, "reason": "unknown"})
        lang = "nb"
    _apply_filter_to_widgets(flt, today)
    st.session_state["lang"] = lang
    st.session_state["url_warnings"] = warnings
    st.session_state["filter_ready"] = True


def _reset(today: date) -> None:
    _apply_filter_to_widgets(default_filter(today), today)
    st.session_state["url_warnings"] = []


def sidebar_filter(today: date, area_names: dict[str, str]) -> Filter:
    """Draw the shared filter widgets and return the Filter they describe."""
    _init_from_url(today, area_names)
    state = st.session_state
    lang = state["lang"]
    sidebar = st.sidebar
    sidebar.header(t("filter.heading"))
    presets = period_presets(today)
    sidebar.selectbox(t("filter.period"), [*presets, "custom"], key="f_period",
                      format_func=lambda key: t(f"preset.{key}"))
    if state["f_period"] == "custom":
        chosen = sidebar.date_input(f"{t('filter.from')}–{t('filter.to')}", key="f_range", format="DD.MM.YYYY",
                                    min_value=EARLIEST_DATE, max_value=LATEST_DATE)
        start, end = (tuple(chosen) * 2)[:2] if isinstance(chosen, (list, tuple)) else (chosen, chosen)
        start, end = start or today, end or start or today
    else:
        start, end = presets[state["f_period"]]
        state["f_range"] = (start, end)
    sidebar.selectbox(t("filter.compare"), list(vocab.COMPARISONS), key="f_compare",
                      format_func=lambda key: vocab.COMPARISONS[key][lang])
    labels = {key: (area_names if v is None else {k: v[k][lang] for k in v}) for key, v in _VOCAB_FOR.items()}
    for key in LIST_KEYS:
        sidebar.multiselect(t(f"filter.{key}"), list(labels[key]), key=_WIDGET_FOR[key],
                            format_func=labels[key].get, placeholder=t("filter.all"))
    sidebar.button(t("filter.reset"), on_click=_reset, args=(today,), width="stretch")
    sidebar.selectbox(t("filter.language"), list(LANG_NAMES), key="lang", format_func=LANG_NAMES.get)
    sidebar.caption(t("filter.share"))
    for warning in state.get("url_warnings", []):
        sidebar.warning(t("url.ignored", param=escape_md(warning["key"]), value=escape_md(warning["value"])), icon="⚠️")
    return Filter(start, end, compare=state["f_compare"],
                  **{name: tuple(state[_WIDGET_FOR[key]]) for key, (name, _) in LIST_KEYS.items()})


def sync_url(flt: Filter, today: date, lang: str) -> None:
    """Write the filter into the URL (keeping page keys such as ``basemap``) when it changed."""
    desired = to_query_params(flt, today)
    if lang != "nb":
        desired["lang"] = lang
    current = st.query_params.to_dict()
    desired = {**{k: v for k, v in current.items() if k not in URL_KEYS}, **desired}
    if desired != current:
        st.query_params.from_dict(desired)


def prepare_page_context(db: Database) -> PageContext:
    """Run once per script run by the app, before the page: sidebar, URL, data version."""
    today = now_local().date()
    area_names = dict(_run_cached(str(db.path), db.data_version(), "areas", ())[["id", "name"]].itertuples(index=False))
    flt = sidebar_filter(today, area_names)
    lang = st.session_state["lang"]
    sync_url(flt, today, lang)
    span = comparison.DataSpan.from_data_range(_run_cached(str(db.path), db.data_version(), "data_range", ()))
    ctx = PageContext(db, db.data_version(), flt, lang, today, area_names, comparison.for_filter(flt, span))
    st.session_state["page_context"] = ctx
    return ctx


# --- layout helpers ---------------------------------------------------------------------------

def period_caption(ctx: PageContext, with_notice: bool = False) -> str:
    """The period and what it is compared with ('01.01.2026–27.11.2026, sammenlignet med …'), with
    the days a change covers when data ends inside the period; ``with_notice`` adds why no change
    is shown (for a file's title; pages show that with :func:`comparison_notice`)."""
    flt, lang, judged = ctx.flt, ctx.lang, ctx.judged
    text = ctx.t("period.label", start=i18n.fmt_date(flt.start, lang), end=i18n.fmt_date(flt.end, lang))
    if judged.comparison is None:
        return f"{text}, {ctx.t('period.no_compare')}"
    start, end = judged.comparison
    text += ", " + ctx.t("period.compare_label", start=i18n.fmt_date(start, lang), end=i18n.fmt_date(end, lang))
    if judged.comparable and judged.clipped:  # the period reaches past the last data (a filter's end only)
        return text + " " + ctx.t("period.clipped", last=i18n.fmt_date(judged.span.last, lang),
                                  start=i18n.fmt_date(judged.current[0], lang), end=i18n.fmt_date(judged.current[1], lang))
    return f"{text}. {judged.note(lang)}" if with_notice and judged.note(lang) else text


def comparison_notice(ctx: PageContext) -> None:
    """On a page that shows changes: say plainly why none is shown when one side has no data."""
    if ctx.judged.status not in (comparison.OK, comparison.OFF):
        st.info(ctx.judged.note(ctx.lang), icon=":material/info:")


def show_chart(chart, key: str, *, on_select: str = "ignore", selection_mode=None):
    """A chart with its one-sentence summary and its numbers as a table (accessibility)."""
    kwargs = {"on_select": on_select}
    if selection_mode:
        kwargs["selection_mode"] = selection_mode
    event = st.plotly_chart(chart.figure, key=key, config={"displaylogo": False}, **kwargs)
    st.caption(escape_md(chart.summary))
    with st.expander(t("common.show_table")):
        st.dataframe(chart.table, hide_index=True, width="stretch")
    return event


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$"
WORD_JOINER = "\u2060"  # invisible; breaks the patterns GFM turns into links without changing what is read
_AUTOLINK_STARTS = ("://", "www.", "@")


def escape_md(text: str) -> str:
    """Text from the database or a URL, safe inside st.markdown (no markup, no HTML, no links).

    Backslash escapes stop markup, but not GFM's autolinks of bare addresses (http://…, www.…,
    name@host), so a word joiner is put inside those patterns."""
    text = str(text)
    for pattern in _AUTOLINK_STARTS:
        text = text.replace(pattern, pattern[0] + WORD_JOINER + pattern[1:])
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in text)


def tag_text(tags, lang: str) -> str:
    return ", ".join(vocab.NOTE_TAGS[tag][lang] if tag in vocab.NOTE_TAGS else str(tag) for tag in (list(tags) if tags is not None else []))


def note_card(note, lang: str) -> None:
    """One trend note as a card; the text is shown as plain text, never as markup."""
    with st.container(border=True):
        place = note.hotspot_name if isinstance(note.hotspot_name, str) else (note.area_name or "")
        shared = " · " + i18n.t("table.shareable", lang) if note.shareable else ""
        archived = " · " + i18n.t("note.archived", lang) if pd.notna(getattr(note, "archived_at", None)) else ""
        st.markdown(f"**{escape_md(place)}** · {i18n.fmt_date(pd.Timestamp(note.period_start).date(), lang)}–"
                    f"{i18n.fmt_date(pd.Timestamp(note.period_end).date(), lang)} · {escape_md(tag_text(note.tags, lang))}"
                    f"{shared}{archived}")
        st.text(note.body)
        st.caption(f"{i18n.t('table.author', lang)}: {escape_md(note.author)} · nr. {int(note.id)}")


def notes_for(ctx: PageContext, flt: Filter, shareable_only: bool = False, include_archived: bool = False) -> pd.DataFrame:
    return query("trend_notes", start_date=flt.start, end_date=flt.end, area_ids=list(flt.areas),
                 shareable_only=shareable_only, include_archived=include_archived)


def hotspot_table(ctx: PageContext, flt: Filter, judged: Judgement | None) -> pd.DataFrame:
    """Hotspots with hits now and before, judged change (None: no comparison), busiest time, age
    mix and notes."""
    return _hotspot_table(str(ctx.db.path), ctx.data_version, flt, judged, ctx.lang)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _hotspot_table(db_path: str, data_version: int, flt: Filter, judged: Judgement | None, lang: str) -> pd.DataFrame:
    # Cached whole (not only its queries): the tests and texts per hotspot cost more than the SQL.
    before = judged.comparison_filter(flt) if judged else None
    return summaries.hotspot_table(query("hits_by_hotspot", flt), query("hits_by_hotspot", before) if before else None,
                                   judged, query("hotspot_profiles", flt), notes_for(context(), flt), lang)


def area_table(ctx: PageContext, flt: Filter, judged: Judgement | None) -> pd.DataFrame:
    return _area_table(str(ctx.db.path), ctx.data_version, flt, judged, ctx.lang)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _area_table(db_path: str, data_version: int, flt: Filter, judged: Judgement | None, lang: str) -> pd.DataFrame:
    before = judged.comparison_filter(flt) if judged else None
    return summaries.area_table(query("hits_by_area", flt), query("hits_by_area", before) if before else None,
                                judged, query("areas"), lang)


def basemap_from_url(default: str = "kartverket") -> str:
    value = st.query_params.get("basemap", default)
    return value if value in maps.BASEMAPS else default


def show_map(ctx: PageContext, hotspots: pd.DataFrame, areas: pd.DataFrame, *, key: str, height_px: int,
             interactive: bool, basemap: str | None = None, area_metric: str = "hits",
             selected_id: str | None = None, density: pd.DataFrame | None = None) -> dict | None:
    """Draw the hotspot map; with ``interactive`` the click (only) comes back, never pans or zooms."""
    from streamlit_folium import st_folium

    m = maps.build_hotspot_map(hotspots, areas, basemap=basemap or basemap_from_url(), area_metric=area_metric,
                               selected_id=selected_id, lang=ctx.lang, height_px=height_px)
    if density is not None and not density.empty:
        maps.add_density_layer(m, density, ctx.t("map.density"), lang=ctx.lang)
    return st_folium(m, key=key, height=height_px, use_container_width=True,
                     returned_objects=["last_object_clicked", "last_active_drawing", "last_clicked"] if interactive
                     else [])


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _hot_spot_grid(db_path: str, data_version: int, flt: Filter):
    from dashboard import hotspot_stats

    db = Database(db_path)
    points = summaries.located_hits(queries.run_filtered(db, "hits_by_hotspot", flt),
                                     queries.run_filtered(db, "free_points", flt))
    return hotspot_stats.hot_spots(hotspot_stats.grid_counts(points))


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _emerging_grid(db_path: str, data_version: int, flt: Filter, periods: tuple):
    from dashboard import hotspot_stats

    db = Database(db_path)
    by_slice = {label: summaries.located_hits(queries.run_filtered(db, "hits_by_hotspot", flt.with_period(a, b)),
                                              queries.run_filtered(db, "free_points", flt.with_period(a, b)))
                for label, a, b in periods}
    return hotspot_stats.emerging_hot_spots(by_slice)


def hot_spot_grid(ctx: PageContext, flt: Filter):
    """Gi* hot and cold spots of the filter's registrations (cached until the data changes)."""
    return _hot_spot_grid(str(ctx.db.path), ctx.data_version, replace(flt, compare="none"))


def emerging_grid(ctx: PageContext, flt: Filter, periods: list[tuple]):
    return _emerging_grid(str(ctx.db.path), ctx.data_version, replace(flt, compare="none"), tuple(periods))


def import_preview(rows: pd.DataFrame, lang: str, limit: int = 200) -> pd.DataFrame:
    """Parsed registrations for the import preview, with Norwegian (or English) headers and labels."""
    part = rows.head(limit)
    return pd.DataFrame({
        i18n.t("data.col.line", lang): part.get("source_line"),
        i18n.t("data.col.when", lang): [f"{pd.Timestamp(t):%d.%m.%Y %H:%M}" for t in part["occurred_at"]],
        i18n.t("table.place", lang): part["hotspot_id"].fillna(""),
        i18n.t("table.area", lang): part["area_id"].fillna(""),
        i18n.t("filter.channel", lang): [vocab.CHANNELS[c][lang] for c in part["channel"]],
        i18n.t("filter.age", lang): [vocab.AGE_BANDS[a][lang] for a in part["age_band"]],
        i18n.t("filter.gender", lang): [vocab.GENDERS[g][lang] for g in part["gender"]],
        i18n.t("table.hits", lang): part["youth_count"],
    })


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _presentation(db_path: str, data_version: int, flt: Filter, lang: str, threshold: int, areas_only: bool):
    from dashboard import slides

    data = slides.presentation_data(Database(db_path), flt, lang, threshold=threshold, coarsen_to_areas=areas_only)
    return data, slides.slide_pages(data)


def presentation(ctx: PageContext, threshold: int, areas_only: bool):
    """The suppressed presentation data and its pages for the current filter (cached: the images
    take a second or two to draw)."""
    return _presentation(str(ctx.db.path), ctx.data_version, ctx.flt, ctx.lang, threshold, areas_only)


def breakdown_frame(counts: dict[str, int], labels, lang: str) -> pd.DataFrame:
    """A {id: count} breakdown as a two-column table with the vocabulary's labels."""
    return pd.DataFrame({i18n.t("table.group", lang): [labels[k][lang] for k in counts],
                         i18n.t("table.hits", lang): list(counts.values())})


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _focus_suggestions(db_path: str, data_version: int, start: date, areas: tuple, weights: tuple, lang: str):
    from dashboard import focus

    return focus.suggest(Database(db_path), start, areas=areas, weights=dict(weights), lang=lang)


def focus_suggestions(ctx: PageContext, start: date, weights: dict):
    """Ranked focus suggestions (cached until the data changes; the tests behind them take a moment)."""
    return _focus_suggestions(str(ctx.db.path), ctx.data_version, start, ctx.flt.areas, tuple(sorted(weights.items())),
                              ctx.lang)
