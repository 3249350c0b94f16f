"""The real Streamlit app under AppTest: every page renders, the sidebar filter reads the URL,
numbers follow the language, the map loads nothing from a CDN, and the note form stores notes."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR, queries
from dashboard.db import Database

NBSP = "\u00a0"
PAGES = {"views/oversikt.py": "Oversikt", "views/kart.py": "Kart", "views/tid.py": "Tid",
         "views/trender.py": "Trender"}
SIDEBAR_SELECTBOXES = ["Periode", "Sammenlign med"]
SIDEBAR_MULTISELECTS = ["Område", "Stedstype", "Aldersgruppe", "Kjønn", "Kanal"]
YEAR_2023 = {"from": "2023-01-01", "to": "2023-12-31", "channel": "street,school"}






def _app(page: str | None = None, **query_params) -> AppTest:
    at = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=120)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _first_metric(at: AppTest):
    return at.metric[0]


def _as_int(text: str) -> int:
    return int(re.sub(r"[\s,\u00a0]", "", text))


def _folium_components(at: AppTest) -> list[dict]:
    found = []
    for element in at.get("component_instance"):
        if element.proto.component_name == "streamlit_folium.st_folium":
            found.append(json.loads(element.proto.json_args))
    return found


# --- every page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_with_the_sidebar_filter(app_db, page):
    at = _app(page)
    _assert_clean(at)
    assert [t.value for t in at.title] == [PAGES[page]]
    selectboxes = [w.label for w in at.sidebar.selectbox]
    assert all(label in selectboxes for label in SIDEBAR_SELECTBOXES), selectboxes
    assert [w.label for w in at.sidebar.multiselect] == SIDEBAR_MULTISELECTS
    assert not at.sidebar.warning


def test_first_run_forwards_to_the_overview(app_db):
    at = _app()
    _assert_clean(at)
    assert [t.value for t in at.title] == ["Oversikt"]
    assert at.selectbox(key="f_period").value == "this_year"
    assert at.selectbox(key="f_compare").value == "last_year"


# --- the URL drives the filter ------------------------------------------------------------------

def test_query_params_give_the_2023_figures(app_db):
    at = _app(**YEAR_2023)
    _assert_clean(at)
    hits = _first_metric(at)
    assert hits.label == "Kontakt-treff"
    assert hits.value == f"33{NBSP}636"
    assert "+41,9" in hits.delta
    assert at.selectbox(key="f_period").value == "custom"
    assert at.multiselect(key="f_channel").value == ["street", "school"]
    assert not at.sidebar.warning


def test_age_filter_lowers_the_hits(app_db):
    at = _app(**YEAR_2023)
    all_ages = _as_int(_first_metric(at).value)
    at.multiselect(key="f_age").set_value(["13-15"]).run()
    _assert_clean(at)
    young = _as_int(_first_metric(at).value)
    assert 0 < young < all_ages
    # the URL follows the widgets, so the view can be shared
    assert at.query_params["age"] == "13-15" or at.query_params["age"] == ["13-15"]


def test_english(app_db):
    at = _app(lang="en", **YEAR_2023)
    _assert_clean(at)
    assert [t.value for t in at.title] == ["Overview"]
    labels = [w.label for w in at.sidebar.selectbox]
    assert "Period" in labels and "Compare with" in labels
    assert [w.label for w in at.sidebar.multiselect] == ["Area", "Place type", "Age group", "Gender", "Channel"]
    hits = _first_metric(at)
    assert (hits.label, hits.value) == ("Contact hits", "33,636")
    assert "+41.9%" in hits.delta


@pytest.mark.parametrize("key, value", [("channel", "teleport"), ("area", "oslo"), ("compare", "tomorrow"),
                                        ("from", "2023-02-30"), ("lang", "klingon")])
def test_unknown_value_in_the_url_is_a_sidebar_warning(app_db, key, value):
    at = _app(**{key: value})
    _assert_clean(at)
    warnings = [w.value.replace("\\", "") for w in at.sidebar.warning]  # shown escaped: no markup from a URL
    assert any(f"{key}={value}" in w for w in warnings), warnings
    assert _first_metric(at).label == "Kontakt-treff"


def test_period_after_today_in_the_url_does_not_crash(app_db):
    at = _app(**{"from": "2099-01-01", "to": "2099-12-31"})
    _assert_clean(at)


def test_period_in_year_one_in_the_url_does_not_crash(app_db):
    at = _app(**{"from": "0001-01-01", "to": "0001-12-31"})
    _assert_clean(at)


# --- the map loads nothing from elsewhere ---------------------------------------------------------

def _assert_local_assets(args: dict) -> None:
    links = [*args["js_links"], *args["css_links"]]
    assert links and all(link.startswith("/app/static/") for link in links), links
    for field in ("header", "html", "script"):
        text = args.get(field) or ""
        assert not re.search(r"""<script[^>]+src=["']?(https?:)?//""", text), field
        assert not re.search(r"""<link[^>]+href=["']?(https?:)?//""", text), field


def test_map_page_has_one_offline_map(app_db):
    at = _app("views/kart.py")
    _assert_clean(at)
    maps = _folium_components(at)
    assert len(maps) == 1
    _assert_local_assets(maps[0])
    # the default base map is Kartverket's tiles, and no other host is named
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", json.dumps(maps[0])))
    assert hosts == {"cache.kartverket.no"}, hosts


def test_map_without_base_map_names_no_url_at_all(app_db):
    at = _app("views/kart.py", basemap="none")
    _assert_clean(at)
    maps = _folium_components(at)
    assert len(maps) == 1
    _assert_local_assets(maps[0])
    text = json.dumps(maps[0])
    assert "http://" not in text and "https://" not in text and "{z}" not in text
    assert at.selectbox(key="map_basemap").value == "none"


def test_map_page_shows_its_table_on_request(app_db):
    at = _app("views/kart.py", basemap="none", **{"from": "2023-01-01", "to": "2023-12-31"})
    _assert_clean(at)
    assert len(at.dataframe) == 0  # not drawn until asked for: it slows the map's first paint
    at.toggle(key="map_show_table").set_value(True).run()
    _assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == 43 and table.iloc[:, 0].is_unique  # every hotspot had hits in 2023, once each


def test_overview_map_is_offline_too(app_db):
    maps = _folium_components(_app(basemap="none"))
    assert len(maps) == 1
    _assert_local_assets(maps[0])


# --- the note form ------------------------------------------------------------------------------

def _in_form(widgets, form_id: str, label: str):
    matches = [w for w in widgets if w.proto.form_id == form_id and w.label == label]
    assert len(matches) == 1, [(w.label, w.proto.form_id) for w in widgets]
    return matches[0]


def _note_bodies(db: Database) -> list[str]:
    with db.read() as con:
        return [row[0] for row in con.execute("SELECT body FROM trend_notes ORDER BY id").fetchall()]


def _submit_note(at: AppTest, *, text: str, area: str, author: str) -> AppTest:
    _in_form(at.text_area, "note_add", "Hva har dere sett?").input(text)
    _in_form(at.selectbox, "note_add", "Område").set_value(area)
    _in_form(at.text_input, "note_add", "Skrevet av").input(author)
    return _in_form(at.button, "note_add", "Lagre notat").click().run()


def test_add_note_form_stores_the_note_and_another_session_sees_it(app_db):
    body = "AppTest: flere samles ved Fetsund brygge <script>x</script>"
    at = _app("views/trender.py")
    _assert_clean(at)
    before = _note_bodies(app_db)
    version = app_db.data_version()
    _submit_note(at, text=body, area="fetsund", author="Feltteam Test")
    _assert_clean(at)
    assert any("La til notat nr." in s.value for s in at.success), [s.value for s in at.success]
    assert _note_bodies(app_db) == [*before, body]
    assert app_db.data_version() == version + 1
    stored = queries.run(app_db, "trend_notes", start_date=date.min, end_date=date.max, area_ids=[],
                         shareable_only=False, include_archived=True)
    row = stored[stored["body"] == body].iloc[0]
    assert (row["area_id"], row["author"], bool(row["shareable"])) == ("fetsund", "Feltteam Test", False)

    other = _app("views/trender.py")
    _assert_clean(other)
    assert body in [t.value for t in other.text]  # shown as plain text, not markup


def test_add_note_form_without_text_shows_an_error_and_stores_nothing(app_db):
    at = _app("views/trender.py")
    before = _note_bodies(app_db)
    _submit_note(at, text="", area="fetsund", author="Feltteam Test")
    assert not at.exception
    assert [e.value for e in at.error] == ["Skriv en tekst i notatet."]
    assert _note_bodies(app_db) == before
