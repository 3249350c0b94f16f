"""Fokusområder: ranked suggestions of area × weekday × time window for the next period, with their
reasons and adjustable weights; the meeting records its decision, and earlier decisions show
their follow-up."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import focus, i18n, ui, vocab
from dashboard.errors import FeltkartError

PLANNED_PERIOD_DAYS = 28

ctx = ui.context()
lang = ctx.lang

st.title(ctx.t("focus.title"))
period = st.date_input(ctx.t("focus.period"), value=(ctx.today + timedelta(days=1),
                                                      ctx.today + timedelta(days=PLANNED_PERIOD_DAYS)),
                       format="DD.MM.YYYY", key="focus_period")
start, end = (tuple(period) * 2)[:2] if isinstance(period, (list, tuple)) and period else (ctx.today, ctx.today)

with st.expander(ctx.t("focus.weights"), expanded=False):
    columns = st.columns(len(focus.DEFAULT_WEIGHTS))
    weights = {key: column.slider(ctx.t(f"focus.weight.{key}"), 0.0, 1.0, value, 0.05, key=f"focus_w_{key}")
               for column, (key, value) in zip(columns, focus.DEFAULT_WEIGHTS.items())}

suggestions, basis = ui.focus_suggestions(ctx, start, weights)
st.caption(ctx.t("focus.basis", start=i18n.fmt_date(basis.current[0], lang), end=i18n.fmt_date(basis.current[1], lang)))
if basis.note(lang):  # a rise is judged only against weeks with data
    st.info(basis.note(lang), icon=":material/info:")

st.subheader(ctx.t("focus.suggestions"))
if not suggestions:
    st.info(ctx.t("focus.no_suggestions"))
for number, item in enumerate(suggestions, 1):
    with st.container(border=True):
        st.markdown(f"**{number}. {ui.escape_md(item.label(lang))}** · {i18n.fmt_decimal(item.score, lang, 2)} "
                    f"{ctx.t('focus.score')}")
        st.markdown("\n".join(f"- {ui.escape_md(reason)}" for reason in item.reasons))

st.subheader(ctx.t("focus.decide"))
labels = {index: f"{index + 1}. {item.label(lang)}" for index, item in enumerate(suggestions)}
with st.form("focus_decision"):
    chosen = st.multiselect(ctx.t("focus.choose"), list(labels), format_func=labels.get,
                            placeholder=ctx.t("common.choose"))
    decided_by = st.text_input(ctx.t("focus.decided_by"))
    rationale = st.text_area(ctx.t("focus.rationale"))
    if st.form_submit_button(ctx.t("focus.save"), type="primary"):
        try:
            decision_id = focus.record_decision(ctx.db, period_start=start, period_end=end, decided_by=decided_by,
                                                rationale=rationale, items=[suggestions[i] for i in chosen])
            st.success(ctx.t("focus.saved", id=decision_id))
        except FeltkartError as exc:
            st.error(exc.message(lang))

st.subheader(ctx.t("focus.decisions"))
earlier = focus.decisions(ctx.db)
if earlier.empty:
    st.info(ctx.t("focus.no_decisions"))
for decision_id, items in earlier.groupby("id", sort=False):
    first = items.iloc[0]
    title = (f"{decision_id}: {pd.Timestamp(first['period_start']):%d.%m.%Y}–{pd.Timestamp(first['period_end']):%d.%m.%Y}"
             f" · {ui.escape_md(first['decided_by'])}")
    with st.expander(title):
        st.text(first["rationale"])
        result = focus.followup(ctx.db, int(decision_id), ctx.today, lang)
        if result.empty:
            continue
        if result.attrs.get("note"):
            st.info(result.attrs["note"], icon=":material/info:")
        result["area_id"] = result["area_id"].map(ctx.area_names)
        result["weekday"] = [vocab.WEEKDAYS[str(d)][lang] for d in result["weekday"]]
        result["window"] = [focus.WINDOW_LABELS[w][lang] for w in result["window"]]
        st.dataframe(result.drop(columns=["position"]), hide_index=True, width="stretch")
        st.caption(ctx.t("focus.followup_help"))
