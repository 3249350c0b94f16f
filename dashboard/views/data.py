"""Data: import registrations (preview, report, confirm), import history with undo, places
(add, rename, move, retire; geodata files), and exports of the current view and the annual report."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import access, audit, exporters, geo, geodata_import, i18n, import_store, importer, places, reports, ui, vocab
from dashboard.errors import FeltkartError

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang

st.title(ctx.t("data.title"))
import_tab, history_tab, places_tab, export_tab, log_tab = st.tabs(
    [ctx.t("data.tab.import"), ctx.t("data.tab.history"), ctx.t("data.tab.places"), ctx.t("data.tab.export"),
     ctx.t("data.tab.log")])


def show_error(exc: FeltkartError) -> None:
    st.error(exc.message(lang))


# --- import -------------------------------------------------------------------------------------
with import_tab:
    st.caption(ctx.t("data.import.help"))
    upload = st.file_uploader(ctx.t("data.import.file"), type=["csv", "txt", "xlsx"], key="import_file")
    if upload is not None:
        data = upload.getvalue()
        cache_key = f"parsed:{hash(data)}"
        if cache_key not in st.session_state:
            bar = st.progress(0.0, text=ctx.t("data.import.reading"))
            try:
                parsed = importer.parse_file(data, upload.name, importer.PlaceIndex.from_database(ctx.db),
                                             today=ctx.today, progress=lambda share: bar.progress(min(share, 1.0)))
                st.session_state[cache_key] = parsed
            except FeltkartError as exc:
                st.session_state[cache_key] = exc
            bar.empty()
        parsed = st.session_state[cache_key]
        if isinstance(parsed, FeltkartError):
            show_error(parsed)
        else:
            preview = import_store.commit_import(ctx.db, parsed, dry_run=True, source_name=upload.name)
            columns = st.columns(4)
            for column, key, value in zip(columns, ("read", "valid", "rejected", "duplicate"),
                                          (preview.rows_read, len(parsed.rows), preview.rows_rejected,
                                           preview.rows_duplicate)):
                column.metric(ctx.t(f"data.import.{key}"), i18n.fmt_int(value, lang))
            for notice in preview.notices:
                st.info(notice)
            if parsed.errors:
                st.subheader(ctx.t("data.import.errors"))
                st.dataframe(pd.DataFrame([{ctx.t("data.col.line"): e.line, ctx.t("data.col.column"): e.column,
                                            ctx.t("data.col.value"): e.value, ctx.t("data.col.reason"): e.message}
                                           for e in parsed.errors]), hide_index=True, width="stretch")
            st.subheader(ctx.t("data.import.preview"))
            st.dataframe(ui.import_preview(parsed.rows, lang), hide_index=True, width="stretch")
            strict = st.checkbox(ctx.t("data.import.strict"), key="import_strict")
            if st.button(ctx.t("data.import.confirm"), type="primary", key="import_confirm",
                         disabled=preview.rows_imported == 0 and not parsed.errors):
                report = import_store.commit_import(ctx.db, parsed, strict=strict, source_name=upload.name)
                if report.refused:
                    st.error(report.refused_reason)
                else:
                    del st.session_state[cache_key]
                    st.success(ctx.t("data.import.done", batch=report.batch_id,
                                     imported=i18n.fmt_int(report.rows_imported, lang),
                                     rejected=i18n.fmt_int(report.rows_rejected, lang),
                                     duplicate=i18n.fmt_int(report.rows_duplicate, lang)))

# --- history ------------------------------------------------------------------------------------
with history_tab:
    batches = import_store.list_batches(ctx.db)
    st.dataframe(import_store.history_table(batches, lang), hide_index=True, width="stretch")
    file_batches = batches[(batches["kind"] == "file") & batches["undone_at"].isna()] if len(batches) else batches
    if len(file_batches):
        batch_id = st.selectbox(ctx.t("data.history.batch"), list(file_batches["id"]), key="history_batch",
                                format_func=lambda i: f"{i}: {file_batches.set_index('id').at[i, 'source_name']} "
                                                      f"({import_store.batch_what('file', file_batches.set_index('id').at[i, 'layout'], lang)})")
        st.download_button(ctx.t("data.history.rejected"), import_store.rejected_rows_csv(ctx.db, batch_id),
                           file_name=exporters.safe_filename(f"avviste-rader-{batch_id}", ".csv"),
                           mime="text/csv", key="history_download")
        confirm = st.checkbox(ctx.t("data.history.confirm_undo", batch=batch_id), key="history_confirm")
        if st.button(ctx.t("data.history.undo"), disabled=not confirm, key="history_undo"):
            try:
                removed = import_store.undo_batch(ctx.db, batch_id)
                st.success(ctx.t("data.history.undone", batch=batch_id, rows=i18n.fmt_int(removed, lang)))
            except FeltkartError as exc:
                show_error(exc)

# --- places -------------------------------------------------------------------------------------
with places_tab:
    all_places = ui.query("places")
    st.dataframe(all_places.drop(columns=["source"]), hide_index=True, width="stretch")
    kinds = list(vocab.HOTSPOT_KINDS)
    kind_label = lambda key: vocab.HOTSPOT_KINDS[key][lang]  # noqa: E731

    st.subheader(ctx.t("data.places.add"))
    # The map is drawn only on request: inside a hidden tab Leaflet cannot size itself (it would open
    # at world zoom), and it spares the page the base map's tiles until someone wants them.
    clicked = None
    if st.toggle(ctx.t("data.places.pick_on_map"), key="place_pick_on_map", help=ctx.t("data.places.click_help")):
        clicked = (ui.show_map(ctx, ui.hotspot_table(ctx, flt, None), ui.area_table(ctx, flt, None), key="place_map",
                               height_px=380, interactive=True) or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get("place_map_click"):
        st.session_state["place_map_click"] = clicked
        st.session_state["place_system"] = "wgs84"
        st.session_state["place_a"], st.session_state["place_b"] = round(clicked["lat"], 6), round(clicked["lng"], 6)
    st.session_state.setdefault("place_a", 59.95366)
    st.session_state.setdefault("place_b", 11.04603)
    with st.form("place_add"):
        name = st.text_input(ctx.t("data.places.name"))
        kind = st.selectbox(ctx.t("filter.kind"), kinds, format_func=kind_label)
        system = st.radio(ctx.t("data.places.coordinates"), ["wgs84", "utm33"], horizontal=True, key="place_system",
                          format_func=lambda key: ctx.t(f"data.places.{key}"))
        first, second = st.columns(2)
        a = first.number_input(ctx.t("data.places.lat_or_north"), format="%.6f", step=0.0001, key="place_a")
        b = second.number_input(ctx.t("data.places.lon_or_east"), format="%.6f", step=0.0001, key="place_b")
        if st.form_submit_button(ctx.t("data.places.save"), type="primary"):
            lon, lat = (b, a) if system == "wgs84" else geo.utm33_to_wgs84(b, a)
            try:
                st.success(ctx.t("place.added", id=places.add_hotspot(ctx.db, name=name, kind=kind, lon=lon, lat=lat)))
            except FeltkartError as exc:
                show_error(exc)

    st.subheader(ctx.t("data.places.edit"))
    names = dict(zip(all_places["id"], all_places["name"]))
    chosen = st.selectbox(ctx.t("data.places.choose"), list(names), format_func=names.get, key="place_edit_id")
    if chosen:
        place = all_places.set_index("id").loc[chosen]
        with st.form(f"place_edit_{chosen}"):
            new_name = st.text_input(ctx.t("data.places.name"), value=place["name"])
            new_kind = st.selectbox(ctx.t("filter.kind"), kinds, index=kinds.index(place["kind"]), format_func=kind_label)
            first, second = st.columns(2)
            new_lat = first.number_input(ctx.t("data.places.lat"), value=float(place["lat"]), format="%.6f", step=0.0001)
            new_lon = second.number_input(ctx.t("data.places.lon"), value=float(place["lon"]), format="%.6f", step=0.0001)
            if st.form_submit_button(ctx.t("data.places.save")):
                try:
                    places.update_hotspot(ctx.db, chosen, name=new_name, kind=new_kind, lon=new_lon, lat=new_lat)
                    st.success(ctx.t("place.saved", id=chosen))
                except FeltkartError as exc:
                    show_error(exc)
        retired = pd.notna(place["retired_at"])
        if st.button(ctx.t("data.places.restore" if retired else "data.places.retire"), key=f"place_retire_{chosen}"):
            places.retire_hotspot(ctx.db, chosen, retired=not retired)
            st.rerun()

    st.subheader(ctx.t("data.geodata.title"))
    st.caption(ctx.t("data.geodata.help"))
    geo_file = st.file_uploader(ctx.t("data.geodata.file"), type=["geojson", "json", "gpkg"], key="geodata_file")
    id_col, name_col, replace_col = st.columns(3)
    id_field = id_col.text_input(ctx.t("data.geodata.id_field"), value="id")
    name_field = name_col.text_input(ctx.t("data.geodata.name_field"), value="name")
    replace = replace_col.checkbox(ctx.t("data.geodata.replace"))
    if geo_file is not None:
        # The upload is written under a fixed name chosen here: a file name from the user is never a path.
        suffix = ".gpkg" if geo_file.name.lower().endswith(".gpkg") else ".geojson"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(geo_file.getvalue())
            try:
                options = dict(replace=replace, id_field=id_field or None, name_field=name_field or None)
                changes = geodata_import.import_geodata(ctx.db, path, dry_run=True, **options)
                st.info(changes.text(lang))
                if st.button(ctx.t("data.geodata.apply"), type="primary", key="geodata_apply"):
                    geodata_import.import_geodata(ctx.db, path, **options)
                    st.success(ctx.t("data.geodata.applied"))
            except FeltkartError as exc:
                show_error(exc)

# --- export -------------------------------------------------------------------------------------
with export_tab:
    st.caption(ui.period_caption(ctx))
    ui.comparison_notice(ctx)
    for_partners = st.toggle(ctx.t("data.export.partners"), value=True, key="export_partners",
                             help=ctx.t("data.export.partners_help"))
    threshold = st.number_input(ctx.t("data.export.threshold"), min_value=2, max_value=50,
                                value=exporters.SUPPRESS_BELOW_COUNT, key="export_threshold", disabled=not for_partners)
    hotspots = ui.hotspot_table(ctx, flt, ctx.judged)
    frames = exporters.view_frames(hotspots, ui.area_table(ctx, flt, ctx.judged), lang,
                                   suppress_below=threshold if for_partners else None)
    stem = f"feltkart-{flt.start.isoformat()}-{flt.end.isoformat()}"
    first_sheet = next(iter(frames.values()))
    csv_col, xlsx_col, geojson_col = st.columns(3)
    csv_col.download_button("CSV", exporters.to_csv_bytes(first_sheet, lang=lang),
                            file_name=exporters.safe_filename(stem, ".csv"), mime="text/csv", key="export_csv")
    xlsx_col.download_button("XLSX", exporters.to_xlsx_bytes(frames, title=ui.period_caption(ctx, with_notice=True), lang=lang),
                             file_name=exporters.safe_filename(stem, ".xlsx"), key="export_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    geojson_col.download_button("GeoJSON", exporters.to_geojson_bytes(hotspots, suppress_below=threshold if for_partners else None),
                                file_name=exporters.safe_filename(stem, ".geojson"), mime="application/geo+json",
                                key="export_geojson")
    # Columns mixing counts and ":" are shown as text (Arrow wants one type per column).
    st.dataframe(first_sheet.astype({c: "string" for c in first_sheet.columns if first_sheet[c].dtype == object}),
                 hide_index=True, width="stretch")

    st.subheader(ctx.t("data.export.annual"))
    first_year, last_year = reports.data_years(ctx.db)
    year = st.selectbox(ctx.t("data.export.year"), list(range(last_year, first_year - 1, -1)), key="export_year")
    report = reports.annual_report(ctx.db, year)
    annual = exporters.annual_report_frames(report, lang)
    first, second = st.columns(2)
    first.download_button("CSV", exporters.to_csv_bytes(next(iter(annual.values())), lang=lang),
                          file_name=exporters.safe_filename(f"arsrapport-{year}", ".csv"), mime="text/csv",
                          key="annual_csv")
    second.download_button("XLSX", exporters.to_xlsx_bytes(annual, lang=lang),
                           file_name=exporters.safe_filename(f"arsrapport-{year}", ".xlsx"), key="annual_xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# --- audit log (admins) -------------------------------------------------------------------------
with log_tab:
    if not access.allows(access.current_role(), "admin"):
        st.info(ctx.t("access.denied", needed=access.ROLE_LABELS["admin"][lang],
                      have=access.role_label(access.current_role(), lang)))
    else:
        st.dataframe(audit.entries(ctx.db), hide_index=True, width="stretch")
