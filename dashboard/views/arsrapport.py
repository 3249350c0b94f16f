"""Årsrapport: for any year, the report's per-area "Sted / Antall treff" tables with totals and the
change from the year before, hits online, the age and gender breakdown, and the follow-up and
collaboration tables — downloadable as .docx and .xlsx, ready to paste into the report."""

import streamlit as st

from dashboard import exporters, i18n, report_docs, reports, ui, vocab

ctx = ui.context()
lang = ctx.lang
st.title(ctx.t("annual.title"))

first_year, last_year = reports.data_years(ctx.db)
year = st.selectbox(ctx.t("data.export.year"), list(range(last_year, first_year - 1, -1)), key="annual_year",
                    index=1 if last_year > first_year else 0)
report = reports.annual_report(ctx.db, year)
summary = reports.year_summary(ctx.db, year)
extras = reports.followup_tables(ctx.db, year, lang)

columns = st.columns(3)
columns[0].metric(ctx.t("report.street_school_total"), i18n.fmt_int(report.total, lang),
                  None if not report.previous_total else i18n.fmt_pct((report.total - report.previous_total)
                                                                      / report.previous_total, lang))
if report.change_note(lang):
    columns[0].caption(report.change_note(lang))
columns[1].metric(vocab.CHANNELS["internet"][lang], i18n.fmt_int(summary["by_channel"]["internet"], lang))
columns[2].metric(vocab.CHANNELS["social"][lang], i18n.fmt_int(summary["by_channel"]["social"], lang))

for area, rows in report.rows.groupby("area", sort=False):
    st.subheader(area)
    table = rows[["row", "hits"]].rename(columns={"row": ctx.t("report.place"), "hits": ctx.t("report.hits")})
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(f"{ctx.t('report.total')}: {i18n.fmt_int(rows['hits'].sum(), lang)}")
st.caption(f"{ctx.t('report.not_broken_down')}: {i18n.fmt_int(report.not_broken_down, lang)}")

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("filter.age"))
    st.dataframe(ui.breakdown_frame(summary["by_age_band"], vocab.AGE_BANDS, lang), hide_index=True, width="stretch")
with right:
    st.subheader(ctx.t("filter.gender"))
    st.dataframe(ui.breakdown_frame(summary["by_gender"], vocab.GENDERS, lang), hide_index=True, width="stretch")

for title, table in extras.items():
    st.subheader(title)
    st.dataframe(table, hide_index=True, width="stretch")

first, second = st.columns(2)
# Made on click (a callable): the documents take a moment to write.
first.download_button(ctx.t("annual.docx"), lambda: report_docs.annual_report_docx(report, extras, lang, summary=summary),
                      file_name=exporters.safe_filename(f"arsrapport-{year}", ".docx"), key="annual_docx",
                      mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
second.download_button(ctx.t("annual.xlsx"), lambda: report_docs.annual_report_xlsx(report, extras, lang, summary=summary),
                       file_name=exporters.safe_filename(f"arsrapport-{year}", ".xlsx"), key="annual_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
