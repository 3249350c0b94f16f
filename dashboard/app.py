"""Feltkart's Streamlit entry point: the shared sidebar filter, then the chosen page.

Run with ``scripts/run.sh`` (or ``streamlit run dashboard/app.py``). The first start creates the
demo database when there is none.

Streamlit serves the default page at "/" only, so the default is a hidden page that forwards to
/oversikt with the query string kept; every page then has its own path (oversikt, kart, tid, ...).
"""

from __future__ import annotations

import streamlit as st

from dashboard import logs, signin, ui
from dashboard.errors import FeltkartError

st.set_page_config(page_title="Feltkart", page_icon="🗺️", layout="wide")  # an emoji icon needs no font download

PAGES = (("oversikt", "views/oversikt.py", ":material/dashboard:"), ("kart", "views/kart.py", ":material/map:"),
         ("tid", "views/tid.py", ":material/schedule:"), ("trender", "views/trender.py", ":material/trending_up:"),
         ("bemanning", "views/bemanning.py", ":material/groups:"),
         ("fokus", "views/fokus.py", ":material/flag:"), ("hkh", "views/hkh.py", ":material/fact_check:"),
         ("presentasjon", "views/presentasjon.py", ":material/slideshow:"),
         ("arsrapport", "views/arsrapport.py", ":material/description:"),
         ("oppfolging", "views/oppfolging.py", ":material/handshake:"),
         ("data", "views/data.py", ":material/database:"))


def forward_to_overview() -> None:
    st.switch_page(PAGES[0][1], query_params=st.query_params.to_dict())


navigation_box = st.sidebar.container()  # first in the sidebar, filled once the language is known
try:
    with st.spinner(ui.t("app.preparing")):
        db = ui.database()
    with db.read_session():  # one connection for all the reads of this run
        signin.establish(db, ui.t)
        ctx = ui.prepare_page_context(db)
        pages = [st.Page(path, title=ctx.t(f"nav.{slug}"), url_path=slug, icon=icon) for slug, path, icon in PAGES]
        navigation = st.navigation([st.Page(forward_to_overview, title="Feltkart", url_path="start", default=True),
                                    *pages], position="hidden")
        with navigation_box:
            st.markdown(f"### {ctx.t('app.title')}")
            for page in pages:
                st.page_link(page, query_params=st.query_params.to_dict())
        navigation.run()
except FeltkartError as exc:
    logs.error(exc, page="app")  # once: a failed save was logged where it failed
    st.error(exc.message(st.session_state.get("lang")))
