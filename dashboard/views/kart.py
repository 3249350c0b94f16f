"""Kart: hotspots sized by hits and coloured by change, areas as a choropleth; a click on a hotspot
shows its time profile, monthly series and notes under the map."""

import streamlit as st

from dashboard import charts, maps, summaries, ui

DENSITY_MAX_CELLS = 2000  # the most density cells sent to the browser

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang
comparison = ctx.comparison  # None when comparing is off or one side has no data

st.title(ctx.t("map.title"))
st.caption(ui.period_caption(ctx))
ui.comparison_notice(ctx)

basemap_col, metric_col, density_col = st.columns([2, 2, 3])
basemaps = list(maps.BASEMAPS)
basemap = basemap_col.selectbox(ctx.t("map.basemap"), basemaps, index=basemaps.index(ui.basemap_from_url()),
                                key="map_basemap", format_func=lambda key: ctx.t(f"map.basemap.{key}"))
if st.query_params.get("basemap", "kartverket") != basemap:
    st.query_params["basemap"] = basemap
area_metric = metric_col.segmented_control(ctx.t("map.area_metric"), list(maps.AREA_METRICS), default="hits",
                                           key="map_area_metric",
                                           format_func=lambda key: ctx.t(f"map.area_metric.{key}")) or "hits"
show_density = density_col.toggle(ctx.t("map.show_density"), key="map_density")

hotspots = ui.hotspot_table(ctx, flt, ctx.judged)
areas = ui.area_table(ctx, flt, ctx.judged)
density = (ui.query("density_cells", flt, cell_m=maps.DENSITY_CELL_M, max_cells=DENSITY_MAX_CELLS)
           if show_density else None)


@st.fragment
def map_and_details():
    selected = st.query_params.get("hotspot")
    event = ui.show_map(ctx, hotspots, areas, key="main_map", height_px=560, interactive=True, basemap=basemap,
                        area_metric=area_metric, selected_id=selected, density=density)
    click = (event or {}).get("last_object_clicked")
    if click and click != st.session_state.get("map_handled_click"):  # a new click, not the last one again
        st.session_state["map_handled_click"] = click
        hit = maps.hotspot_from_click(hotspots, event)  # the clicked marker itself, not the mouse position
        if hit and hit != selected:
            st.query_params["hotspot"] = hit
            st.rerun(scope="fragment")
    st.caption(ctx.t("map.click_help") + " " + ctx.t("map.approximate_note"))
    if not selected or selected not in set(hotspots["hotspot_id"]):
        return
    place = hotspots.set_index("hotspot_id").loc[selected]
    st.subheader(ctx.t("map.details", name=ui.escape_md(place["name"])))
    if st.button(ctx.t("map.clear"), key="map_clear"):
        del st.query_params["hotspot"]
        st.rerun(scope="fragment")
    one = flt.with_hotspots(selected)
    left, right = st.columns(2)
    with left:
        cube = ui.query("time_cube", one, day_type="all")
        ui.show_chart(charts.weekday_hour_heatmap(summaries.cube_view(cube, "weekday", "hour"), lang=lang),
                      key="map_detail_time")
    with right:
        monthly = summaries.monthly_totals(ui.query("monthly_series", one))
        before = summaries.monthly_totals(ui.query("monthly_series", ctx.judged.comparison_filter(one))) if comparison else None
        place_notes = ui.notes_for(ctx, flt)
        place_notes = place_notes[place_notes["hotspot_id"] == selected]
        ui.show_chart(charts.monthly_series(monthly, before, lang=lang, notes=place_notes, start=flt.start,
                                            comparison_start=comparison.start if comparison else None),
                      key="map_detail_series")
    for note in place_notes.itertuples():
        st.text(f"{note.period_start:%d.%m.%Y}–{note.period_end:%d.%m.%Y}: {note.body}")


map_and_details()

st.subheader(ctx.t("map.table"))
st.caption(summaries.map_summary(hotspots, lang))
# The table is asked for, not drawn by default: the grid costs the map's first paint ~0.4 s.
if st.toggle(ctx.t("map.show_table"), key="map_show_table"):
    st.dataframe(summaries.hotspot_rows(hotspots, lang), hide_index=True, width="stretch")
