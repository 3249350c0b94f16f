"""Bemanning: demand against supply — coverage gaps, hits against planned teams and per logged
team-hour, effort per area, planned against logged team-hours, the staffing plan to edit, and the
import of a team's patrol log (upload, preview with the row report, confirm)."""

import streamlit as st

from dashboard import access, charts, coverage, i18n, patrol_import, patrols, ui, vocab
from dashboard.errors import FeltkartError

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang
params = flt.params()
period = {"start_ts": params["start_ts"], "end_ts": params["end_ts"]}

st.title(ctx.t("staffing.title"))
st.caption(ui.period_caption(ctx))
st.markdown(ctx.t("staffing.intro"))
if flt.areas:
    st.caption(ctx.t("staffing.all_areas_note"))

hits = ui.query("coverage_hits", flt)
logged = ui.query("patrol_hours", **period, area_ids=list(flt.areas))
plan = ui.query("staffing_plan")
planned = coverage.planned_hours(plan, flt.start, flt.end)
cells = coverage.coverage_cells(hits, logged, planned)
gaps = coverage.coverage_gaps(hits, logged, planned, area_names=ctx.area_names, lang=lang)
if logged.empty:
    st.info(ctx.t("staffing.no_patrols"))

st.subheader(ctx.t("coverage.gaps_heading"))
st.caption(ctx.t("coverage.gaps_help"))
with st.container(key="coverage_gaps"):
    if gaps.empty:
        st.info(ctx.t("coverage.no_gaps"))
    for gap in gaps.itertuples(index=False):
        st.markdown(f"**{gap.rank}\\.** {ui.escape_md(gap.reason)}")
    if not gaps.empty:
        with st.expander(ctx.t("common.show_table")):
            table = coverage.gaps_table(gaps, lang)
            st.dataframe(table, hide_index=True, width="stretch",
                         column_config={c: st.column_config.NumberColumn(format="localized") for c in table.columns[3:8]})

st.subheader(ctx.t("coverage.demand_heading"))
ui.show_chart(charts.weekday_hour_heatmap(cells[["weekday", "hour", "hits"]],
                                          staffing=patrols.planned_teams_for_period(plan, flt.start, flt.end),
                                          weeks=patrols.period_weeks(flt.start, flt.end), lang=lang),
              key="staffing_demand")
st.caption(ctx.t("coverage.demand_help"))

st.subheader(ctx.t("coverage.rate_heading"))
ui.show_chart(coverage.hits_per_team_hour_heatmap(cells, gaps=gaps, lang=lang), key="staffing_rate")
st.caption(ctx.t("coverage.rate_help"))

st.subheader(ctx.t("coverage.areas_heading"))
st.caption(ctx.t("coverage.areas_help"))
areas = coverage.area_table(coverage.area_summary(hits, logged, ctx.area_names), lang)
st.dataframe(areas, hide_index=True, width="stretch", key="staffing_areas",
             column_config={c: st.column_config.NumberColumn(format="localized") for c in areas.columns[1:]})

st.subheader(ctx.t("coverage.effort_heading"))
logged_days = ui.query("patrol_days", **period, area_ids=[])
ui.show_chart(coverage.planned_vs_logged_chart(coverage.planned_vs_logged(plan, logged_days, flt.start, flt.end),
                                               lang=lang),
              key="staffing_effort")
st.caption(ctx.t("coverage.effort_help"))

# --- the staffing plan, editable -----------------------------------------------------------------
st.subheader(ctx.t("staffing.plan_heading"))
st.caption(ctx.t("staffing.plan_help"))
if "staffing_saved" in st.session_state:
    st.success(ctx.t("staffing.saved", rows=st.session_state.pop("staffing_saved")))
may_edit = access.allows(access.current_role(), "admin")  # update_staffing_plan checks it again
with st.form("staffing_plan_form", border=False):
    edited = st.data_editor(
        plan, num_rows="dynamic", hide_index=True, width="stretch", disabled=not may_edit,
        key=f"staffing_plan_editor_{st.session_state.get('staffing_saves', 0)}",
        column_config={
            "season": st.column_config.SelectboxColumn(ctx.t("staffing.col.season"), options=list(patrols.SEASONS),
                                                       format_func=lambda v: ctx.t(f"staffing.season.{v}"), required=True),
            "weekday": st.column_config.SelectboxColumn(ctx.t("staffing.col.weekday"), options=list(range(1, 8)),
                                                        format_func=lambda d: vocab.WEEKDAYS[str(d)][lang], required=True),
            "shift": st.column_config.SelectboxColumn(ctx.t("staffing.col.shift"), options=list(patrols.SHIFTS),
                                                      format_func=lambda v: ctx.t(f"staffing.shift.{v}"), required=True),
            "shift_start": st.column_config.TimeColumn(ctx.t("staffing.col.start"), format="HH:mm", step=300, required=True),
            "shift_end": st.column_config.TimeColumn(ctx.t("staffing.col.end"), format="HH:mm", step=300, required=True),
            "teams_min": st.column_config.NumberColumn(ctx.t("staffing.col.min"), min_value=0,
                                                       max_value=patrols.MAX_TEAMS_PER_SHIFT, step=1, required=True),
            "teams_max": st.column_config.NumberColumn(ctx.t("staffing.col.max"), min_value=0,
                                                       max_value=patrols.MAX_TEAMS_PER_SHIFT, step=1, required=True),
        })
    save = st.form_submit_button(ctx.t("staffing.save"), type="primary", disabled=not may_edit)
if save:
    try:
        rows = patrols.update_staffing_plan(ctx.db, edited)
    except patrols.StaffingPlanInvalid as exc:
        st.error("\n".join([ctx.t("staffing.invalid", count=len(exc.problems))]
                           + [f"- {ui.escape_md(line)}" for line in exc.lines(lang)]))
    except FeltkartError as exc:
        st.error(exc.message(lang))
    else:
        st.session_state["staffing_saved"] = rows
        st.session_state["staffing_saves"] = st.session_state.get("staffing_saves", 0) + 1
        st.rerun()

# --- importing the patrol log (editors and admins; commit_patrols checks the role again) -----------
if access.allows(access.current_role(), "editor"):
    st.subheader(ctx.t("patrols.upload_heading"))
    st.caption(ctx.t("patrols.upload_help"))
    if "patrols_done" in st.session_state:
        st.success(st.session_state.pop("patrols_done"))
    upload = st.file_uploader(ctx.t("patrols.upload_file"), type=["csv", "txt", "xlsx"],
                              key=f"patrol_file_{st.session_state.get('patrol_imports', 0)}")
    if upload is not None:
        data = upload.getvalue()
        cache_key = f"patrols_parsed:{hash(data)}"
        if cache_key not in st.session_state:
            try:
                st.session_state[cache_key] = patrol_import.parse_patrol_file(
                    data, upload.name, patrol_import.PatrolReference.from_database(ctx.db), today=ctx.today)
            except FeltkartError as exc:
                st.session_state[cache_key] = exc
        parsed = st.session_state[cache_key]
        if isinstance(parsed, FeltkartError):
            st.error(parsed.message(lang))
        else:
            preview = patrol_import.commit_patrols(ctx.db, parsed, dry_run=True, source_name=upload.name)
            for column, label, value in zip(st.columns(4), ("data.import.read", "patrols.valid", "data.import.rejected",
                                                            "data.import.duplicate"),
                                            (preview.rows_read, preview.rows_imported, preview.rows_rejected,
                                             preview.rows_duplicate)):
                column.metric(ctx.t(label), i18n.fmt_int(value, lang))
            for notice in preview.notices:
                st.info(notice)
            if preview.errors:
                st.markdown(f"**{ctx.t('data.import.errors')}**")
                st.dataframe(patrol_import.error_table(preview.errors, lang), hide_index=True, width="stretch",
                             key="patrol_errors")
            st.markdown(f"**{ctx.t('data.import.preview')}**")
            st.dataframe(patrol_import.preview_table(parsed.rows, ctx.area_names, lang), hide_index=True,
                         width="stretch", key="patrol_preview")
            strict = st.checkbox(ctx.t("data.import.strict"), key="patrol_strict")
            if st.button(ctx.t("data.import.confirm"), type="primary", key="patrol_confirm",
                         disabled=preview.rows_imported == 0 and not preview.errors):
                try:
                    report = patrol_import.commit_patrols(ctx.db, parsed, strict=strict, source_name=upload.name)
                except FeltkartError as exc:
                    st.error(exc.message(lang))
                else:
                    if report.refused:
                        st.error(report.refused_reason)
                    else:
                        del st.session_state[cache_key]
                        done = ctx.t("patrols.done", batch=report.batch_id,
                                     imported=i18n.fmt_int(report.rows_imported, lang),
                                     rejected=i18n.fmt_int(report.rows_rejected, lang),
                                     duplicate=i18n.fmt_int(report.rows_duplicate, lang))
                        st.session_state["patrols_done"] = done if report.batch_id else " ".join(report.notices)
                        st.session_state["patrol_imports"] = st.session_state.get("patrol_imports", 0) + 1
                        st.rerun()  # the charts above show the new patrols; the uploader starts empty
