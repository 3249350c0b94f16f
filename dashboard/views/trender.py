"""Trender: monthly series by area or hotspot against the comparison period, risers and fallers
ranked by evidence, year over year, and the team's trend notes (list, add, edit, archive)."""

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import charts, hotspot_stats, maps, notes, stats, summaries, ui, vocab
from dashboard.errors import FeltkartError

NOTES_LISTED_MAX = 30
EMERGING_QUARTERS = 8

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang
comparison = ctx.comparison  # None when comparing is off or one side has no data

st.title(ctx.t("trends.title"))
st.caption(ui.period_caption(ctx))
ui.comparison_notice(ctx)

# --- monthly series -----------------------------------------------------------------------------
places = ui.query("places")
hotspot_names = dict(zip(places["id"], places["name"]))
monthly = ui.query("monthly_by_place", flt)
monthly_before = ui.query("monthly_by_place", comparison) if comparison else None
level = st.radio(ctx.t("trends.by"), ["area_id", "hotspot_id"], horizontal=True, key="trend_level",
                 format_func=lambda key: ctx.t(f"trends.by.{key}"))
names = ctx.area_names if level == "area_id" else hotspot_names
chosen = st.multiselect(ctx.t("trends.places"), list(names), default=summaries.top_places(monthly, level),
                        format_func=names.get, key=f"trend_places_{level}")
series = summaries.monthly_by_place(monthly, level, chosen, names)
series_before = summaries.monthly_by_place(monthly_before, level, chosen, names) if comparison else None
visible_notes = ui.notes_for(ctx, flt)
ui.show_chart(charts.monthly_series(series, series_before, lang=lang, by="place", notes=visible_notes,
                                    start=flt.start, comparison_start=comparison.start if comparison else None),
              key="trend_series")

# --- risers and fallers -------------------------------------------------------------------------
st.subheader(ctx.t("trends.changes"))
if ctx.judged.comparison is None:
    st.info(ctx.t("trends.no_comparison"))
elif comparison is None:  # one side has no data: the notice at the top says which
    st.caption(ctx.t("trends.none_compared", reason=ctx.judged.change_label(lang)))
else:
    risers, fallers = stats.risers_and_fallers(ui.hotspot_table(ctx, flt, ctx.judged))
    rise_col, fall_col = st.columns(2)
    for column, table, key in ((rise_col, risers, "risers"), (fall_col, fallers, "fallers")):
        column.markdown(f"**{ctx.t(f'trends.{key}')}**")
        if table.empty:
            column.caption(ctx.t("trends.none_significant"))
        else:
            column.dataframe(summaries.change_rows(table, lang), hide_index=True, width="stretch")
    st.caption(ctx.t("trends.changes_help"))

# --- statistical hot spots and emerging patterns ------------------------------------------------
st.subheader(ctx.t("trends.hotspots"))
st.caption(ctx.t("trends.hotspots_help"))
mode = st.segmented_control(ctx.t("trends.hotspots_mode"), ["off", "period", "emerging"], default="off",
                            key="trend_hotspots", format_func=lambda key: ctx.t(f"trends.hotspots_mode.{key}"))
quarters = summaries.last_quarters(flt.end, EMERGING_QUARTERS, ctx.judged.span) if mode == "emerging" else []
if mode == "emerging" and len(quarters) < 2:
    st.info(ctx.t("trends.emerging_too_short"))
elif mode in ("period", "emerging"):
    emerging = mode == "emerging"
    with st.spinner(ctx.t("trends.computing")):
        grid = ui.emerging_grid(ctx, flt, quarters) if emerging else ui.hot_spot_grid(ctx, flt)
    m = maps.build_hotspot_map(ui.hotspot_table(ctx, flt, None).head(0), ui.area_table(ctx, flt, None),
                               basemap=ui.basemap_from_url(), lang=lang, height_px=460)
    maps.add_grid_layer(m, grid, class_column="class",
                        labels=hotspot_stats.CLASS_LABELS if emerging else hotspot_stats.HOT_SPOT_LABELS,
                        count_column="n_total" if emerging else "n", layer_name=ctx.t("trends.hotspots"), lang=lang)
    st_folium(m, key="trend_grid_map", height=460, use_container_width=True, returned_objects=[])
    note = grid.attrs.get("note")
    if note:
        st.info(note[lang] if isinstance(note, dict) else str(note))
    st.dataframe(summaries.grid_rows(grid, lang, emerging), hide_index=True, width="stretch")

# --- year over year -----------------------------------------------------------------------------
st.subheader(ctx.t("trends.yoy"))
first_day = date(ui.query("data_range").iloc[0]["first_day"].year, 1, 1)
whole = ui.query("monthly_series", flt.with_period(first_day, ctx.today))
ui.show_chart(charts.year_over_year(summaries.monthly_totals(whole), lang=lang, span=ctx.judged.span),
              key="trend_yoy")

# --- trend notes --------------------------------------------------------------------------------
st.subheader(ctx.t("trends.notes"))
tag_col, archived_col = st.columns([3, 1])
tag_filter = tag_col.multiselect(ctx.t("table.tags"), list(vocab.NOTE_TAGS), key="note_tags",
                                 format_func=lambda key: vocab.NOTE_TAGS[key][lang], placeholder=ctx.t("filter.all"))
show_archived = archived_col.toggle(ctx.t("trends.show_archived"), key="note_archived")
listed = ui.notes_for(ctx, flt, include_archived=show_archived)
if tag_filter:
    listed = listed[listed["tags"].map(lambda tags: bool(set(tags) & set(tag_filter)))]
if listed.empty:
    st.info(ctx.t("overview.no_notes"))
for note in listed.head(NOTES_LISTED_MAX).itertuples():
    ui.note_card(note, lang)
if len(listed) > NOTES_LISTED_MAX:
    st.caption(ctx.t("trends.more_notes", n=len(listed) - NOTES_LISTED_MAX))



def note_form(form_key: str, note=None) -> notes.NoteDraft | None:
    """The note form (empty, or filled from ``note``); returns the draft when submitted.

    The widgets have keys, so when a save is refused (someone else saved first, or the text holds
    a phone number) the form keeps what this user wrote; a new note's text is cleared only once it
    is saved."""
    with st.form(form_key):
        body = st.text_area(ctx.t("note.form.text"), value=note.body if note is not None else "",
                            max_chars=notes.MAX_TEXT_CHARS, help=ctx.t("note.form.no_names"), key=f"{form_key}_body")
        start_col, end_col = st.columns(2)
        start = start_col.date_input(ctx.t("filter.from"), format="DD.MM.YYYY", key=f"{form_key}_start",
                                     value=note.period_start if note is not None else min(flt.end, ctx.today))
        end = end_col.date_input(ctx.t("filter.to"), format="DD.MM.YYYY", key=f"{form_key}_end",
                                 value=note.period_end if note is not None else min(flt.end, ctx.today))
        area_col, hotspot_col = st.columns(2)
        area_options = [""] + list(ctx.area_names)
        area = area_col.selectbox(ctx.t("filter.area"), area_options,
                                  index=area_options.index(note.area_id) if note is not None and note.area_id in area_options else 0,
                                  format_func=lambda key: ctx.area_names.get(key, "—"))
        hotspot_options = [""] + list(hotspot_names)
        current_hotspot = note.hotspot_id if note is not None and isinstance(note.hotspot_id, str) else ""
        hotspot = hotspot_col.selectbox(ctx.t("note.form.hotspot"), hotspot_options,
                                        index=hotspot_options.index(current_hotspot),
                                        format_func=lambda key: hotspot_names.get(key, "—"))
        tags = st.multiselect(ctx.t("table.tags"), list(vocab.NOTE_TAGS), default=list(note.tags) if note is not None else [],
                              format_func=lambda key: vocab.NOTE_TAGS[key][lang])
        author_col, share_col = st.columns([2, 1])
        author = author_col.text_input(ctx.t("table.author"), value=note.author if note is not None else "",
                                       key=f"{form_key}_author")
        shareable = share_col.checkbox(ctx.t("note.form.shareable"), value=bool(note.shareable) if note is not None else False,
                                       help=ctx.t("note.form.shareable_help"))
        submitted = st.form_submit_button(ctx.t("note.form.save"), type="primary")
    if not submitted:
        return None
    # A hotspot decides the area; the area box is only used without one.
    return notes.NoteDraft(body, start, end, None if hotspot else (area or None), hotspot or None, tuple(tags),
                           author, shareable)


add_tab, edit_tab = st.tabs([ctx.t("note.add"), ctx.t("note.edit")])
with add_tab:
    draft = note_form("note_add")
    if draft is not None:
        try:
            note_id = notes.add_note(ctx.db, draft)
        except FeltkartError as exc:
            st.error(exc.message(lang))
        else:
            for key in ("note_add_body", "note_add_author"):  # saved: an empty form for the next note
                del st.session_state[key]
            st.session_state["note_added"] = note_id
            st.rerun()
    if "note_added" in st.session_state:
        st.success(ctx.t("note.added", id=st.session_state.pop("note_added")))

with edit_tab:
    editable = ui.notes_for(ctx, flt, include_archived=True)
    if editable.empty:
        st.info(ctx.t("overview.no_notes"))
    else:
        by_id = {int(row.id): row for row in editable.itertuples()}
        note_id = st.selectbox(ctx.t("note.choose"), list(by_id), key="note_edit_id",
                               format_func=lambda i: f"{i}: {by_id[i].body[:70]}")
        note = by_id[note_id]
        # Remember the version the user started from, so a save on top of someone else's is refused.
        version_key = f"note_version_{note_id}"
        st.session_state.setdefault(version_key, int(note.version))
        draft = note_form(f"note_edit_{note_id}", note)
        if draft is not None:
            try:
                st.session_state[version_key] = notes.update_note(ctx.db, note_id, draft, st.session_state[version_key])
                st.success(ctx.t("note.saved", id=note_id))
            except FeltkartError as exc:
                st.error(exc.message(lang))
        archived = bool(pd.notna(note.archived_at))
        if st.button(ctx.t("note.restore" if archived else "note.archive"), key=f"note_archive_{note_id}"):
            try:
                st.session_state[version_key] = notes.archive_note(ctx.db, note_id, st.session_state[version_key],
                                                                   archived=not archived)
                st.rerun()
            except FeltkartError as exc:
                st.error(exc.message(lang))
        if st.button(ctx.t("note.reload"), key=f"note_reload_{note_id}"):
            del st.session_state[version_key]
            st.rerun()
