"""Oversikt: key figures with their change, a small map, the ten busiest places, the latest notes."""

import streamlit as st

from dashboard import charts, summaries, ui

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang
comparison = ctx.comparison  # None when comparing is off or one side has no data

st.title(ctx.t("overview.title"))
st.caption(ui.period_caption(ctx))
ui.comparison_notice(ctx)

totals = ui.query("totals", flt)
totals_before = ui.query("totals", comparison) if comparison else None
figures = summaries.kpis(totals, totals_before)
for column, kpi in zip(st.columns(len(figures)), figures):
    column.metric(ctx.t(f"overview.kpi.{kpi.key}"), kpi.value_text(lang), kpi.delta_text(lang),
                  help=ctx.t(f"overview.kpi.help.{kpi.key}"))
hits_kpi = figures[0]
st.caption(ctx.t("overview.kpi_summary", hits=hits_kpi.value_text(lang), places=figures[1].value_text(lang),
                 change=ctx.t("overview.kpi_change", delta=hits_kpi.delta_text(lang)) if comparison else ""))

places = ui.hotspot_table(ctx, flt, ctx.judged)
left, right = st.columns([3, 2])
with left:
    st.subheader(ctx.t("overview.map"))
    ui.show_map(ctx, places, ui.area_table(ctx, flt, ctx.judged), key="overview_map", height_px=420,
                interactive=False)
    st.page_link("views/kart.py", label=ctx.t("overview.more_on_map"), icon=":material/map:",
                 query_params=st.query_params.to_dict())
with right:
    st.subheader(ctx.t("overview.top"))
    top = places.head(10)
    ui.show_chart(charts.breakdown_bars(top[["name", "hits"]].assign(change_label=top["change_short"]),
                                        label_column="name", lang=lang),
                  key="overview_top")

st.subheader(ctx.t("overview.notes"))
notes = ui.notes_for(ctx, flt).head(5)
if notes.empty:
    st.info(ctx.t("overview.no_notes"))
for note in notes.itertuples():
    ui.note_card(note, lang)
