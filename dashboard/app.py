"""Feltkart's Streamlit entry point: the shared sidebar filter, then the chosen page.

Run with ``scripts/run.sh`` (or ``streamlit run dashboard/app.py``). The first start creates the
demo database when there is none.
"""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.errors import FeltkartError

st.set_page_config(page_title="Feltkart", page_icon="🗺️", layout="wide")

PAGES = (("oversikt", "views/oversikt.py", "📊"), ("kart", "views/kart.py", "🗺️"),
         ("tid", "views/tid.py", "🕒"), ("trender", "views/trender.py", "📈"))

try:
    with st.spinner(ui.t("app.preparing")):
        ctx = ui.prepare_page_context()
    navigation = st.navigation([
        st.Page(path, title=ctx.t(f"nav.{slug}"), url_path=slug, icon=icon, default=(slug == "oversikt"))
        for slug, path, icon in PAGES
    ])
    navigation.run()
except FeltkartError as exc:
    st.error(exc.message(st.session_state.get("lang")))
