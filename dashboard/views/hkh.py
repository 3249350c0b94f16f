"""HKH-oppfølging: the places an HKH rapid mapping covered, its action plan, and baseline versus
follow-up figures (hits, age and gender mix, weekday × hour, rate ratio), with the notes of both
periods on one timeline; exportable."""

import pandas as pd
import streamlit as st

from dashboard import charts, exporters, hkh, i18n, ui, vocab
from dashboard.errors import FeltkartError

ctx = ui.context()
lang = ctx.lang
st.title(ctx.t("nav.hkh"))

all_mappings = hkh.mappings(ctx.db)
places = ui.query("places")
names = dict(zip(places["id"], places["name"]))

with st.expander(ctx.t("hkh.new"), expanded=all_mappings.empty):
    with st.form("hkh_new"):
        title = st.text_input(ctx.t("hkh.title"))
        mapped_on = st.date_input(ctx.t("hkh.mapped_on"), value=ctx.today, format="DD.MM.YYYY")
        chosen = st.multiselect(ctx.t("hkh.places"), list(names), default=[h for h in hkh.DEFAULT_HOTSPOTS if h in names],
                                format_func=names.get)
        first, second = st.columns(2)
        baseline = first.date_input(ctx.t("hkh.baseline"), value=(ctx.today.replace(month=1, day=1), ctx.today),
                                    format="DD.MM.YYYY")
        followup = second.date_input(ctx.t("hkh.followup"), value=(ctx.today, ctx.today), format="DD.MM.YYYY")
        if st.form_submit_button(ctx.t("hkh.create"), type="primary"):
            try:
                hkh.create_mapping(ctx.db, title=title, mapped_on=mapped_on, hotspot_ids=chosen,
                                   baseline=tuple(baseline), followup=tuple(followup))
                st.rerun()
            except (FeltkartError, ValueError, TypeError) as exc:
                st.error(exc.message(lang) if isinstance(exc, FeltkartError) else ctx.t("hkh.bad_periods"))

if all_mappings.empty:
    st.stop()

by_id = {int(row.id): row for row in all_mappings.itertuples()}
mapping_id = st.selectbox(ctx.t("hkh.mapping"), list(by_id), key="hkh_mapping",
                          format_func=lambda i: f"{by_id[i].title} ({pd.Timestamp(by_id[i].mapped_on):%d.%m.%Y})")
mapping = by_id[mapping_id]
day = lambda value: pd.Timestamp(value).date()  # noqa: E731
comparison = hkh.compare(ctx.db, list(mapping.hotspot_ids), (day(mapping.baseline_start), day(mapping.baseline_end)),
                         (day(mapping.followup_start), day(mapping.followup_end)))
st.caption(", ".join(names.get(h, h) for h in comparison.hotspot_ids))

columns = st.columns(4)
for column, label, figures in ((columns[0], "hkh.baseline", comparison.before), (columns[1], "hkh.followup", comparison.after)):
    column.metric(ctx.t(label), figures.hits_text(lang),
                  help=f"{figures.start:%d.%m.%Y}–{figures.end:%d.%m.%Y}; {ctx.t('hkh.col.team_hours')}: "
                       f"{i18n.fmt_decimal(figures.team_hours, lang)}")
rate = comparison.rate
columns[2].metric(ctx.t("hkh.col.ratio"), "–" if rate.ratio != rate.ratio else i18n.fmt_decimal(rate.ratio, lang, 2),
                  help=ctx.t("hkh.per_team_hour" if comparison.effort_adjusted else "hkh.per_day"))
columns[3].metric("95 % KI" if lang == "nb" else "95% CI",
                  "–" if rate.ci95[0] != rate.ci95[0] else
                  f"{i18n.fmt_decimal(rate.ci95[0], lang, 2)}–{i18n.fmt_decimal(rate.ci95[1], lang, 2)}")
st.info(hkh.summary_text(comparison, lang))

left, right = st.columns(2)
for column, label, figures, key in ((left, "hkh.baseline", comparison.before, "hkh_before"),
                                    (right, "hkh.followup", comparison.after, "hkh_after")):
    with column:
        st.markdown(f"**{ctx.t(label)}**")
        if figures.has_data:
            ui.show_chart(charts.weekday_hour_heatmap(figures.weekday_hour, lang=lang), key=key)
        else:  # an empty grid would read as "no youth at any hour"
            st.caption(figures.hits_text(lang).capitalize())



def mix_column(figures: hkh.PeriodFigures) -> list:
    values = [*figures.by_age.values(), *figures.by_gender.values()]
    return values if figures.has_data else [figures.hits_text(lang)] * len(values)  # "no data" is not 0


mix = pd.DataFrame({
    ctx.t("hkh.col.group"): [vocab.AGE_BANDS[k][lang] for k in vocab.AGE_BANDS] + [vocab.GENDERS[k][lang] for k in vocab.GENDERS],
    ctx.t("hkh.baseline"): mix_column(comparison.before),
    ctx.t("hkh.followup"): mix_column(comparison.after),
})
st.subheader(ctx.t("hkh.sheet.mix"))
st.dataframe(mix, hide_index=True, width="stretch")

st.subheader(ctx.t("hkh.timeline"))
notes = hkh.timeline(ctx.db, comparison)
for note in notes.itertuples():
    st.caption(ctx.t("hkh.baseline" if note.period == "before" else "hkh.followup"))
    ui.note_card(note, lang)

st.subheader(ctx.t("hkh.sheet.actions"))
plan = hkh.actions(ctx.db, mapping_id)
for action in plan.itertuples():
    with st.form(f"hkh_action_{action.id}"):
        first, second, third = st.columns([3, 2, 1])
        measure = first.text_input(ctx.t("hkh.col.measure"), value=action.measure)
        owner = second.text_input(ctx.t("hkh.col.owner"), value=action.owner)
        status = third.selectbox(ctx.t("hkh.col.status"), hkh.ACTION_STATUSES,
                                 index=hkh.ACTION_STATUSES.index(action.status),
                                 format_func=lambda s: hkh.STATUS_LABELS[s][lang])
        notes_text = st.text_input(ctx.t("hkh.col.notes"), value=action.notes or "")
        version_key = f"hkh_action_version_{action.id}"
        st.session_state.setdefault(version_key, int(action.version))
        if st.form_submit_button(ctx.t("data.places.save")):
            try:
                st.session_state[version_key] = hkh.update_action(ctx.db, int(action.id), st.session_state[version_key],
                                                                  measure=measure, owner=owner, status=status,
                                                                  notes=notes_text)
                st.success(ctx.t("hkh.saved"))
            except FeltkartError as exc:
                st.error(exc.message(lang))
# A refused action (say, a phone number in it) keeps what was typed; a saved one empties the form.
with st.form("hkh_action_new"):
    first, second, third = st.columns([3, 2, 1])
    measure = first.text_input(ctx.t("hkh.col.measure"), key="hkh_new_measure")
    owner = second.text_input(ctx.t("hkh.col.owner"), key="hkh_new_owner")
    status = third.selectbox(ctx.t("hkh.col.status"), hkh.ACTION_STATUSES, format_func=lambda s: hkh.STATUS_LABELS[s][lang])
    if st.form_submit_button(ctx.t("hkh.add_action")):
        try:
            hkh.add_action(ctx.db, mapping_id, measure=measure, owner=owner, status=status)
        except FeltkartError as exc:
            st.error(exc.message(lang))
        else:
            del st.session_state["hkh_new_measure"], st.session_state["hkh_new_owner"]
            st.rerun()

for_partners = st.toggle(ctx.t("data.export.partners"), value=True, key="hkh_partners")
frames = hkh.export_frames(comparison, plan, hkh.timeline(ctx.db, comparison, shareable_only=for_partners), lang,
                           suppress_below=exporters.SUPPRESS_BELOW_COUNT if for_partners else None)
st.download_button(ctx.t("hkh.export"), exporters.to_xlsx_bytes(frames, title=mapping.title, lang=lang),
                   file_name=exporters.safe_filename(f"hkh-{mapping_id}", ".xlsx"), key="hkh_export",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
