"""Feltkart's Streamlit entry point: creates the demo database on first start and shows the pages."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n, queries
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.seed import ensure_database

st.set_page_config(page_title="Feltkart", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner="Gjør klar databasen (første gang lages demodata) …")
def database() -> Database:
    db = Database()
    ensure_database(db)
    return db


def placeholder() -> None:
    db = database()
    st.title("Feltkart")
    first, last, registrations = queries.run(db, "data_range").iloc[0]
    st.write(
        f"Databasen har {i18n.fmt_int(registrations)} registreringer fra "
        f"{i18n.fmt_date(first)} til {i18n.fmt_date(last)}."
    )


try:
    st.navigation([st.Page(placeholder, title="Oversikt", url_path="oversikt", default=True)]).run()
except FeltkartError as exc:
    st.error(exc.message("nb"))
