"""Oppfølging og samarbeid: a year's follow-up conversations, groups, referrals and collaboration,
from the case system's monthly figures (never a person). Small counts are hidden when the page is
meant for sharing ("Til deling", on by default)."""

from datetime import date, datetime

import streamlit as st

from dashboard import followup, ui

ctx = ui.context()
lang = ctx.lang

st.title(ctx.t("followup.title"))
st.caption(ctx.t("followup.intro"))

years = ui.query("followup_years")
if years.empty:
    st.info(ctx.t("followup.no_data_page"))
    st.stop()
options = [int(y) for y in years["year"]]
from_url = st.query_params.get("year", "")
chosen = int(from_url) if from_url.isdigit() and int(from_url) in options else followup.default_year(years, ctx.today)

year_col, share_col = st.columns([1, 2], vertical_alignment="bottom")
year = year_col.selectbox(ctx.t("followup.year"), options, index=options.index(chosen), key="fu_year")
share = share_col.toggle(ctx.t("followup.share"), value=True, key="fu_share", help=ctx.t("followup.share_help"))
if st.query_params.get("year") != str(year):
    st.query_params["year"] = str(year)

figures = ui.query("followup_figures", month_start=date(year, 1, 1), month_end=date(year + 1, 1, 1))
hits = ui.query("followup_street_school_hits", start_ts=datetime(year, 1, 1), end_ts=datetime(year + 1, 1, 1))
summary = followup.summarise(figures, year, street_school_hits=int(hits["hits"].iloc[0]))
if summary["months"] < 12:
    st.info(ctx.t("followup.partial_year", months=summary["months"], last=summary["last_month"]))
if share:
    st.caption(ctx.t("followup.suppressed_note"))

st.subheader(ctx.t("followup.key_heading"))
with st.container(key="followup_key_figures"):
    figures_shown = followup.key_figures(summary, lang, share=share)
    for row_start in range(0, len(figures_shown), 4):
        for column, (_, label, value) in zip(st.columns(4), figures_shown[row_start:row_start + 4]):
            column.metric(label, value)
st.caption(ctx.t("followup.unique_help"))

st.subheader(ctx.t("followup.services_heading"))
st.caption(ctx.t("followup.services_help"))
services = followup.service_table(summary, lang, share=share)
ui.show_chart(followup.service_bars(services, lang), key="followup_services")

st.subheader(ctx.t("followup.monthly_heading"))
ui.show_chart(followup.monthly_lines(followup.monthly_frame(figures, year, lang, share=share), lang),
              key="followup_monthly")

st.subheader(ctx.t("followup.funnel_heading"))
ui.show_chart(followup.funnel_chart(followup.funnel_table(summary, lang, share=share), lang), key="followup_funnel")
st.caption(ctx.t("followup.funnel_help"))

st.subheader(ctx.t("followup.tables_heading"))
left, right = st.columns(2)
left.dataframe(followup.figures_table(summary, lang, share=share), hide_index=True, width="stretch",
               key="followup_figures_table")
right.dataframe(followup.service_text(services, lang), hide_index=True, width="stretch", key="followup_services_table")
st.caption(ctx.t("followup.inquiries_note"))
