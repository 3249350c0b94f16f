"""The Data page under AppTest: its four tabs, the downloads, the place forms, the export switch and
undoing an import from the history. (AppTest cannot upload files: the upload path is tested in a
real browser, tests/browser/test_data_page.py.)"""

from __future__ import annotations

import csv
import io

import pytest
from pyproj import Geod, Transformer
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR
from dashboard.db import Database
from dashboard.import_store import commit_import
from dashboard.importer import PlaceIndex, parse_file

DATA_PAGE = "views/data.py"
TABS = ["Importer registreringer", "Importhistorikk", "Steder", "Eksport", "Logg"]
ONE_WEEK = {"from": "2023-03-06", "to": "2023-03-12"}  # small counts: some are hidden for partners
NEAR_STASJON = (59.9540, 11.0465)  # lat, lon in the area 'lillestrom-stasjon'
TO_UTM33 = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
GEOD = Geod(ellps="WGS84")






def data_page(**query_params) -> AppTest:
    at = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=120)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(DATA_PAGE).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def in_form(widgets, form_id: str, label: str):
    matches = [w for w in widgets if w.proto.form_id == form_id and w.label == label]
    assert len(matches) == 1, [(w.label, w.proto.form_id) for w in widgets]
    return matches[0]


def form_button(at: AppTest, form_id: str):
    matches = [b for b in at.button if b.proto.form_id == form_id]
    assert len(matches) == 1
    return matches[0]


def hotspot_row(db: Database, hotspot_id: str):
    with db.read() as con:
        rows = con.execute("SELECT name, kind, area_id, lon, lat, retired_at FROM hotspots WHERE id = $id",
                           {"id": hotspot_id}).fetchall()
    return rows[0] if rows else None


def test_data_page_renders_its_tabs(app_db):
    at = data_page()
    assert_clean(at)
    assert [t.value for t in at.title] == ["Data"]
    assert [t.label for t in at.tabs] == TABS
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 2  # registrations, and geodata files


def test_download_buttons_for_the_view_and_the_annual_report(app_db):
    at = data_page(**{"from": "2023-01-01", "to": "2023-12-31"})
    assert_clean(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("CSV") == 2 and labels.count("XLSX") == 2 and labels.count("GeoJSON") == 1, labels
    years = at.selectbox(key="export_year")
    assert str(years.value) == max(years.options, key=int)  # the latest year first
    assert "2023" in years.options


def test_export_table_hides_small_counts_unless_switched_off(app_db):
    at = data_page(**ONE_WEEK)
    assert_clean(at)
    assert at.toggle(key="export_partners").value is True

    def export_table_has_colon(at) -> bool:
        tables = [d.value for d in at.dataframe if "Treff" in d.value.columns and "Stedstype" in d.value.columns]
        assert len(tables) == 1
        return (tables[0][["Treff", "Treff før"]].astype(str) == ":").any().any()

    assert export_table_has_colon(at)
    at.toggle(key="export_partners").set_value(False).run()
    assert_clean(at)
    assert not export_table_has_colon(at)
    assert at.number_input(key="export_threshold").proto.disabled


def test_add_a_hotspot_in_the_form(app_db):
    at = data_page()
    in_form(at.text_input, "place_add", "Navn").input("AppTest møteplass")
    in_form(at.selectbox, "place_add", "Stedstype").set_value("park")
    in_form(at.number_input, "place_add", "Breddegrad eller nord").set_value(NEAR_STASJON[0])
    in_form(at.number_input, "place_add", "Lengdegrad eller øst").set_value(NEAR_STASJON[1])
    form_button(at, "place_add").click().run()
    assert_clean(at)
    assert any("apptest-moteplass" in s.value for s in at.success), [s.value for s in at.success]
    name, kind, area_id, lon, lat, _retired_at = hotspot_row(app_db, "apptest-moteplass")
    assert (name, kind, area_id) == ("AppTest møteplass", "park", "lillestrom-stasjon")
    assert (lat, lon) == pytest.approx(NEAR_STASJON, abs=1e-6)


def test_add_a_hotspot_in_utm33(app_db):
    east, north = TO_UTM33.transform(NEAR_STASJON[1], NEAR_STASJON[0])
    at = data_page()
    in_form(at.text_input, "place_add", "Navn").input("AppTest UTM")
    at.radio(key="place_system").set_value("utm33")
    in_form(at.number_input, "place_add", "Breddegrad eller nord").set_value(round(north, 2))
    in_form(at.number_input, "place_add", "Lengdegrad eller øst").set_value(round(east, 2))
    form_button(at, "place_add").click().run()
    assert_clean(at)
    _name, _kind, area_id, lon, lat, _ = hotspot_row(app_db, "apptest-utm")
    assert area_id == "lillestrom-stasjon"
    assert GEOD.inv(lon, lat, NEAR_STASJON[1], NEAR_STASJON[0])[2] < 1.0


def test_adding_outside_every_area_shows_an_error(app_db):
    at = data_page()
    in_form(at.text_input, "place_add", "Navn").input("AppTest i fjorden")
    in_form(at.number_input, "place_add", "Breddegrad eller nord").set_value(59.6)
    in_form(at.number_input, "place_add", "Lengdegrad eller øst").set_value(10.6)
    form_button(at, "place_add").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Punktet (59.6, 10.6) ligger ikke i noe område."]
    assert hotspot_row(app_db, "apptest-i-fjorden") is None


def test_rename_and_retire_a_hotspot(app_db):
    at = data_page()
    at.selectbox(key="place_edit_id").set_value("vigernes").run()
    assert_clean(at)
    form_id = "place_edit_vigernes"
    in_form(at.text_input, form_id, "Navn").input("Vigernes (AppTest)")
    form_button(at, form_id).click().run()
    assert_clean(at)
    assert any("vigernes" in s.value for s in at.success)
    assert hotspot_row(app_db, "vigernes")[0] == "Vigernes (AppTest)"
    assert hotspot_row(app_db, "vigernes")[2] == "lillestrom-sentrum-kjeller"  # not moved

    retire = at.button(key="place_retire_vigernes")
    assert retire.label.startswith("Pensjoner")
    retire.click().run()
    assert_clean(at)
    assert hotspot_row(app_db, "vigernes")[5] is not None
    restore = at.button(key="place_retire_vigernes")
    assert restore.label.startswith("Ta treffstedet i bruk igjen")
    restore.click().run()
    assert hotspot_row(app_db, "vigernes")[5] is None


def _import_a_file(db: Database) -> int:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([
        ["Dato", "Klokkeslett", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall"],
        ["10.02.2021", "18.00", "Volla", "gatefelt", "13-15", "gutt", "4"],
        ["11.02.2021", "19.00", "Volla", "gatefelt", "16-18", "jente", "3"]])
    parsed = parse_file(out.getvalue().encode("cp1252"), "apptest.csv", PlaceIndex.from_database(db))
    report = commit_import(db, parsed, source_name="apptest.csv")
    assert report.rows_imported == 2
    return report.batch_id


def test_undo_an_import_in_the_history(app_db):
    batch_id = _import_a_file(app_db)
    with app_db.read() as con:
        assert con.execute("SELECT count(*) FROM contacts WHERE batch_id = $b", {"b": batch_id}).fetchall()[0][0] == 2
    at = data_page()
    assert_clean(at)
    at.selectbox(key="history_batch").set_value(batch_id).run()
    assert at.button(key="history_undo").proto.disabled  # only after the confirmation
    at.checkbox(key="history_confirm").check().run()
    assert not at.button(key="history_undo").proto.disabled
    at.button(key="history_undo").click().run()
    assert_clean(at)
    assert any(f"Import nr. {batch_id} er angret. Antall rader fjernet: 2." in s.value for s in at.success), \
        [s.value for s in at.success]
    with app_db.read() as con:
        assert con.execute("SELECT count(*) FROM contacts WHERE batch_id = $b", {"b": batch_id}).fetchall()[0][0] == 0
        assert con.execute("SELECT undone_at FROM import_batches WHERE id = $b", {"b": batch_id}).fetchall()[0][0]
