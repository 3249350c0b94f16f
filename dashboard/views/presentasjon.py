"""Presentasjon: the current filter as a clean, large-type sequence of views for the SLT forum —
key figures, map, weekday × hour, trend, top places, focus areas and shareable notes only — with
small counts suppressed everywhere (threshold adjustable) and one switch to show areas only.
The same pages as the PowerPoint/PDF export, so the screen and the files always agree."""

import streamlit as st

from dashboard import exporters, slides, static_figures, ui

ctx = ui.context()
flt, lang = ctx.flt, ctx.lang

controls = st.columns([1, 1, 2])
threshold = controls[0].number_input(ctx.t("present.threshold"), min_value=2, max_value=50,
                                     value=exporters.SUPPRESS_BELOW_COUNT, key="present_threshold")
areas_only = controls[1].toggle(ctx.t("present.areas_only"), key="present_areas_only")
data, pages = ui.presentation(ctx, int(threshold), areas_only)

position = min(st.session_state.get("present_page", 0), len(pages) - 1)
back, where, forward = st.columns([1, 3, 1])
if back.button(ctx.t("present.previous"), shortcut="left", disabled=position == 0, key="present_back",
               width="stretch"):
    position -= 1
if forward.button(ctx.t("present.next"), shortcut="right", disabled=position == len(pages) - 1,
                  key="present_forward", width="stretch"):
    position += 1
st.session_state["present_page"] = position
where.caption(ctx.t("present.position", n=position + 1, total=len(pages)))

page = pages[position]
st.title(page.title)
for block in page.blocks:
    if isinstance(block, static_figures.ImageBlock):
        st.image(block.png, width="stretch")
    elif isinstance(block, static_figures.TableBlock):
        st.dataframe(block.frame, hide_index=True, width="stretch")
    else:
        for text, style in static_figures.TextBlock.styled(block.paragraphs):
            markdown = ui.escape_md(text)
            st.markdown(f"## {markdown}" if style == "big" else f"**{markdown}**" if style in ("bold", "label")
                        else markdown)
if page.footer:
    st.caption(page.footer)

st.divider()
first, second = st.columns(2)
stem = f"feltkart-presentasjon-{flt.start.isoformat()}-{flt.end.isoformat()}"
# The files are made only when asked for (a callable is run on click): they take a few seconds.
first.download_button(ctx.t("present.pptx"), lambda: slides.slides_pptx(data), file_name=exporters.safe_filename(stem, ".pptx"),
                      mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                      key="present_pptx")
second.download_button(ctx.t("present.pdf"), lambda: slides.slides_pdf(data), file_name=exporters.safe_filename(stem, ".pdf"),
                       mime="application/pdf", key="present_pdf")
