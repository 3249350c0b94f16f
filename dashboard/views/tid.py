"""Tid: when the team meets youth — weekday × hour against the staffing plan, month × hour and
month × weekday, for all days, school days or days off; a weekday/hour window narrows the rest."""

import streamlit as st

from dashboard import charts, patrols, summaries, ui, vocab

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang

st.title(ctx.t("time.title"))
st.caption(ui.period_caption(ctx))

day_type = st.segmented_control(ctx.t("time.day_type"), ["all", "school", "free"], default="all", key="time_day_type",
                                format_func=lambda key: ctx.t(f"time.day_type.{key}")) or "all"
cube = ui.query("time_cube", flt, day_type=day_type)
plan = ui.query("staffing_plan")
staffing = patrols.planned_teams_for_period(plan, flt.start, flt.end)

days_col, from_col, to_col = st.columns([3, 1, 1])
weekdays = days_col.multiselect(ctx.t("time.weekdays"), list(range(1, 8)), key="time_weekdays",
                                format_func=lambda d: vocab.WEEKDAYS[str(d)][lang].capitalize(),
                                placeholder=ctx.t("filter.all"))
from_hour = from_col.selectbox(ctx.t("time.from_hour"), list(range(24)), index=0, key="time_from",
                               format_func=lambda h: f"{h:02d}:00")
to_hour = to_col.selectbox(ctx.t("time.to_hour"), list(range(24)), index=23, key="time_to",
                           format_func=lambda h: f"{h:02d}:59")
slots = summaries.time_slots(weekdays, from_hour, to_hour)
narrowed = summaries.narrow_cube(cube, slots)
window_chosen = len(slots) < 7 * 24
selection = {(s // 100, s % 100) for s in slots} if window_chosen else None

st.subheader(ctx.t("time.weekday_hour"))
ui.show_chart(charts.weekday_hour_heatmap(summaries.cube_view(cube, "weekday", "hour"), staffing=staffing,
                                          weeks=patrols.period_weeks(flt.start, flt.end), lang=lang,
                                          selection=selection),
              key="time_weekday_hour")
st.caption(ctx.t("time.plan_help"))

if window_chosen:
    st.info(ctx.t("time.narrowed"))
left, right = st.columns(2)
with left:
    st.subheader(ctx.t("time.month_hour"))
    ui.show_chart(charts.month_hour_heatmap(summaries.cube_view(narrowed, "month", "hour"), lang=lang), key="time_month_hour")
with right:
    st.subheader(ctx.t("time.month_weekday"))
    ui.show_chart(charts.month_weekday_heatmap(summaries.cube_view(narrowed, "month", "weekday"), lang=lang),
                  key="time_month_weekday")

st.subheader(ctx.t("time.places_in_window"))
in_window = ui.query("hits_by_hotspot_in_slots", flt, slots=slots if window_chosen else [])
ui.show_chart(charts.breakdown_bars(in_window.assign(label=in_window["name"]), label_column="label", lang=lang, limit=10),
              key="time_places")
