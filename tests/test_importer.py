"""Tests for the registration import: reading files as Norwegian offices save them, validation,
storing in one transaction, idempotency, undo, the rejected-rows file and the CLI.

Every fixture file is made in code here, so no binary test files are committed: CSV bytes in the
encodings and separators Excel writes, XLSX workbooks written with openpyxl, and broken files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

import openpyxl
import pytest
import shapely
from pyproj import Transformer

from dashboard import import_store, importer, reports, upload_table
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.import_store import (
    commit_import,
    list_batches,
    rejected_rows_csv,
    undo_batch,
)
from dashboard.importer import PlaceIndex, parse_file
from tests import spreadsheets

TODAY = date(2026, 11, 27)
REPO = Path(__file__).resolve().parents[1]
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
TO_WGS84 = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)
STASJON = (11.04603, 59.95366)  # lillestrom-stasjon, lon/lat
LONG_HEADER = ["Dato", "Klokkeslett", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall"]


@pytest.fixture(autouse=True)
def _norwegian(monkeypatch):
    monkeypatch.delenv("FELTKART_LANG", raising=False)
    monkeypatch.delenv("FELTKART_DB", raising=False)
    monkeypatch.delenv(import_store.PAUSE_BEFORE_COMMIT_ENV, raising=False)


@pytest.fixture(scope="module")
def places(demo_db) -> PlaceIndex:
    return PlaceIndex.from_database(demo_db)


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


# --- making files the way Excel saves them ----------------------------------------------------

def csv_bytes(rows, sep=";", encoding="cp1252", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def xlsx_bytes(rows, extra_sheet: bool = False) -> bytes:
    return spreadsheets.xlsx_bytes(rows, sheet_title="Registreringer", extra_sheet=extra_sheet)


def parse(data: bytes, name: str, places: PlaceIndex, **kwargs):
    return parse_file(data, name, places, today=TODAY, **kwargs)


def utm_near_stasjon(dx_m: float, dy_m: float) -> tuple[float, float]:
    east, north = TO_UTM.transform(*STASJON)
    return east + dx_m, north + dy_m


def free_point_in(area_id: str, places: PlaceIndex, demo_db) -> tuple[float, float]:
    """A lon/lat inside ``area_id`` more than 600 m from every hotspot (found on a grid)."""
    with demo_db.read() as con:
        geojson, = con.execute("SELECT geometry_geojson FROM areas WHERE id = $id", {"id": area_id}).fetchall()[0]
        hotspots = con.execute("SELECT lon, lat FROM hotspots").fetchall()
    area = shapely.from_geojson(geojson)
    hx, hy = TO_UTM.transform([h[0] for h in hotspots], [h[1] for h in hotspots])
    minx, miny, maxx, maxy = area.bounds
    for i in range(1, 40):
        for j in range(1, 40):
            lon, lat = minx + (maxx - minx) * i / 40, miny + (maxy - miny) * j / 40
            if not area.contains(shapely.Point(lon, lat)):
                continue
            x, y = TO_UTM.transform(lon, lat)
            if min(((x - a) ** 2 + (y - b) ** 2) ** 0.5 for a, b in zip(hx, hy)) > 600:
                return round(lon, 5), round(lat, 5)
    raise AssertionError(f"no free point found in {area_id}")


def varchar_text(db: Database) -> str:
    """Every VARCHAR value of contacts, import_rejections and import_batches, joined."""
    parts = []
    with db.read() as con:
        for table in ("contacts", "import_rejections", "import_batches"):
            columns = [name for name, kind in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t",
                {"t": table}).fetchall() if kind == "VARCHAR"]
            for column in columns:
                parts += [str(v[0]) for v in con.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()]
    return "\n".join(parts)


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as con:
        return tuple(con.execute(
            "SELECT (SELECT count(*) FROM contacts), (SELECT coalesce(sum(youth_count), 0) FROM contacts), "
            "(SELECT count(*) FROM import_batches), (SELECT count(*) FROM import_rejections)").fetchall()[0])


# --- layouts, encodings, separators ---------------------------------------------------------

def test_long_layout_windows_1252_semicolons_and_decimal_commas(places):
    east, north = utm_near_stasjon(0, 0)
    lon, lat = TO_WGS84.transform(east, north)
    rows = [LONG_HEADER + ["Breddegrad", "Lengdegrad", "Team"],
            ["04.03.2024", "18.30", "Strømmen Storsenter", "Gatefelt", "13–15 år", "Gutt", "3", "", "", "Team 2"],
            ["04.03.2024", "19.05", "Bråtejordet skole", "skolefelt", "16 - 18", "jente", "2", "", "", ""],
            ["05.03.2024", "20.00", "", "gatefelt", "unge voksne", "annet", "1",
             f"{lat:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ","), "Team 2"]]
    data = csv_bytes(rows, encoding="cp1252")
    assert "ø".encode("cp1252") in data and b"\xc3" not in data  # really Windows-1252
    parsed = parse(data, "uke10.csv", places)
    assert parsed.layout == "long" and parsed.rows_read == 3 and parsed.errors == []
    got = parsed.rows[["occurred_at", "hotspot_id", "area_id", "channel", "age_band", "gender", "youth_count", "team",
                       "source_line"]].values.tolist()
    assert got[0] == [datetime(2024, 3, 4, 18, 30), "strommen-storsenter", "skjetten-strommen", "street", "13-15", "boy",
                      3, "Team 2", 2]
    assert got[1][:7] == [datetime(2024, 3, 4, 19, 5), "bratejordet-skole", "skjetten-strommen", "school", "16-18",
                          "girl", 2]
    assert got[1][7] is None
    assert got[2][:7] == [datetime(2024, 3, 5, 20), "lillestrom-stasjon", "lillestrom-stasjon", "street", "19-24",
                          "other", 1]
    assert parsed.rows["row_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert parsed.file_sha256 == __import__("hashlib").sha256(data).hexdigest()


def test_utf8_bom_commas_iso_dates_and_english_headers(places):
    rows = [["date", "time", "place", "channel", "age_band", "gender", "count", "team"],
            ["2024-03-04", "18:30", "lillestrom-stasjon", "street", "13-15", "boy", "4", "A"],
            ["2024-03-04", "18:45", "Volla", "school", "under 13", "girl", "1", "A"],
            ["2024-03-05", "21:00", "", "social", "unknown", "unknown", "2", "A"]]
    parsed = parse(csv_bytes(rows, sep=",", encoding="utf-8", bom=True), "week10.csv", places)
    assert parsed.errors == [] and len(parsed.rows) == 3
    assert list(parsed.rows["hotspot_id"].fillna("-")) == ["lillestrom-stasjon", "volla", "-"]
    online = parsed.rows.iloc[2]
    assert online["channel"] == "social" and online["area_id"] is None and online["lon"] != online["lon"]  # NaN
    assert list(parsed.rows["age_band"]) == ["13-15", "u13", "unknown"]


def test_tab_separated_with_two_digit_years(places):
    rows = [["Dato", "Kl", "Sted", "Kanal", "Alder", "Kjønn", "Antall"],
            ["04.03.24", "18:30", "VOLLA", "Gatefelt", "U13", "G", "2"],
            ["4.3.24", "kl. 9.05", "kjeller skole", "Skolefelt", "ukjent", "ukjent", "1"]]
    parsed = parse(csv_bytes(rows, sep="\t", encoding="utf-8"), "tab.txt", places)
    assert parsed.errors == []
    assert list(parsed.rows["occurred_at"]) == [datetime(2024, 3, 4, 18, 30), datetime(2024, 3, 4, 9, 5)]
    assert list(parsed.rows["hotspot_id"]) == ["volla", "kjeller-skole"]


def test_xlsx_wide_layout_with_date_and_text_cells(places):
    rows = [["Registrering av treff, uke 10"],  # a title line above the header
            ["Dato", "Fra", "Til", "Sted", "Team", "Gutter 13-15", "Jenter 13-15", "Jenter 16-18", "Gutter u13",
             "Ukjent", "Kommentar"],
            [datetime(2024, 3, 4), clock(18, 30), clock(20, 0), "Lillestrøm stasjon", "Team 1", 5, 0, 2, None, 1,
             "Ola og Kari var der"],
            ["05.03.2024", "19.15", "20.00", "Strømmen Storsenter", "Team 1", "3", "", "", 1, 0, ""],
            [datetime(2024, 3, 6), None, None, "Volla", "Team 3", -1, 2.5, 0, 0, 0, ""]]
    parsed = parse(xlsx_bytes(rows, extra_sheet=True), "uke10.xlsx", places)
    assert parsed.layout == "wide" and parsed.rows_read == 3
    tallies = parsed.rows[["source_line", "occurred_at", "hotspot_id", "channel", "gender", "age_band", "youth_count"]]
    assert sorted(map(tuple, tallies.values.tolist())) == sorted([
        (3, datetime(2024, 3, 4, 18, 30), "lillestrom-stasjon", "street", "boy", "13-15", 5),
        (3, datetime(2024, 3, 4, 18, 30), "lillestrom-stasjon", "street", "girl", "16-18", 2),
        (3, datetime(2024, 3, 4, 18, 30), "lillestrom-stasjon", "street", "unknown", "unknown", 1),
        (4, datetime(2024, 3, 5, 19, 15), "strommen-storsenter", "street", "boy", "13-15", 3),
        (4, datetime(2024, 3, 5, 19, 15), "strommen-storsenter", "street", "boy", "u13", 1),
    ])
    # the last visit: the time is missing (the file has a time column) and two counts are bad
    assert [(e.line, e.column) for e in parsed.errors] == [(5, "Fra"), (5, "Gutter 13-15"), (5, "Jenter 13-15")]
    assert "negativt" in parsed.errors[1].message and "helt tall" in parsed.errors[2].message
    text = " ".join(parsed.notices)
    assert "gatefelt" in text  # no channel column: street, said in the notices
    assert "«Kommentar»" in text and "Ola" not in text
    assert "Registreringer" in text  # only the first sheet was read
    assert "linje 2" in text  # the header line below the title
    assert "Kommentar" not in parsed.rejected[0].raw


def test_xlsx_long_layout_with_a_datetime_cell(places):
    rows = [["Dato", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall"],
            [datetime(2024, 5, 2, 16, 10), "Fetsund stasjon", "gatefelt", "13-15", "jente", 4],
            [date(2024, 5, 3), "Fetsund stasjon", "gatefelt", "13-15", "jente", 4.0]]
    parsed = parse(xlsx_bytes(rows), "mai.xlsx", places)
    assert parsed.errors == []
    assert list(parsed.rows["occurred_at"]) == [datetime(2024, 5, 2, 16, 10), datetime(2024, 5, 3, 12, 0)]
    assert any("kl. 12" in n for n in parsed.notices)


def test_no_time_column_means_noon_with_a_notice(places):
    rows = [["Dato", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall"],
            ["04.03.2024", "Volla", "gatefelt", "13-15", "gutt", "2"]]
    parsed = parse(csv_bytes(rows), "a.csv", places)
    assert parsed.rows["occurred_at"].tolist() == [datetime(2024, 3, 4, 12)]
    assert "Tidspunkt mangler i fila; satt til kl. 12." in parsed.notices


# --- places and points ----------------------------------------------------------------------

def test_utm33_point_snaps_to_lillestrom_stasjon(places):
    east, north = utm_near_stasjon(120, -80)  # about 144 m away
    rows = [LONG_HEADER[:2] + ["Øst", "Nord"] + LONG_HEADER[3:],
            ["04.03.2024", "18.30", f"{east:.1f}".replace(".", ","), f"{north:.1f}".replace(".", ","),
             "gatefelt", "13-15", "gutt", "2"]]
    parsed = parse(csv_bytes(rows), "utm.csv", places)
    assert parsed.errors == []
    row = parsed.rows.iloc[0]
    assert row["hotspot_id"] == "lillestrom-stasjon" and row["area_id"] == "lillestrom-stasjon"
    assert row["lon"] != row["lon"]  # stored at the hotspot, not as a point


def test_a_point_beyond_the_snap_radius_is_kept_as_a_free_point(places, demo_db):
    lon, lat = free_point_in("fetsund", places, demo_db)
    rows = [["dato", "kl", "lat", "lon", "kanal", "alder", "kjønn", "antall"],
            ["04.03.2024", "18:30", str(lat).replace(".", ","), str(lon).replace(".", ","), "gatefelt", "13-15", "gutt", "1"]]
    parsed = parse(csv_bytes(rows), "punkt.csv", places)
    assert parsed.errors == []
    row = parsed.rows.iloc[0]
    assert row["hotspot_id"] is None and row["area_id"] == "fetsund"
    assert (row["lon"], row["lat"]) == pytest.approx((lon, lat))
    assert importer.SNAP_RADIUS_M == 250


def test_a_point_outside_every_area_is_rejected(places):
    rows = [["dato", "kl", "breddegrad", "lengdegrad", "kanal", "alder", "kjønn", "antall"],
            ["04.03.2024", "18:30", "59,0", "10,0", "gatefelt", "13-15", "gutt", "1"]]
    parsed = parse(csv_bytes(rows), "utenfor.csv", places)
    assert len(parsed.rows) == 0
    (error,) = parsed.errors
    assert error.line == 2 and error.column == "breddegrad/lengdegrad" and "utenfor alle feltområdene" in error.message


def test_unknown_place_gets_a_suggestion(places):
    rows = [LONG_HEADER, ["04.03.2024", "18.30", "Strømmen storsentr", "gatefelt", "13-15", "gutt", "3"],
            ["04.03.2024", "18.30", "Nowhere at all", "gatefelt", "13-15", "gutt", "3"]]
    parsed = parse(csv_bytes(rows), "a.csv", places)
    first, second = parsed.errors
    assert (first.line, first.column, first.value) == (2, "Sted", "Strømmen storsentr")
    assert "mente du «Strømmen Storsenter»" in first.message
    assert second.message == "ukjent sted"


def test_place_ids_names_and_areas_resolve(places):
    assert places.resolve("lillestrom-stasjon").hotspot_id == "lillestrom-stasjon"
    assert places.resolve("  LILLESTRØM   stasjon ").hotspot_id == "lillestrom-stasjon"
    assert places.resolve("Lillestrom stasjon").hotspot_id == "lillestrom-stasjon"
    area = places.resolve("Fetsund")
    assert area.hotspot_id is None and area.area_id == "fetsund"
    assert places.resolve("Oslo S") is None


def test_place_index_from_the_bundled_geodata():
    from dashboard import geo

    index = PlaceIndex(geo.load_hotspots(), geo.load_areas())
    east, north = utm_near_stasjon(10, 10)
    (found,) = index.locate(*TO_WGS84.transform([east], [north]))
    assert found.hotspot_id == "lillestrom-stasjon"


def test_online_channels_need_no_place_but_keep_one_given(places):
    rows = [LONG_HEADER, ["04.03.2024", "20.00", "", "internett", "16-18", "jente", "1"],
            ["04.03.2024", "20.00", "Volla", "gaming", "16-18", "jente", "1"],
            ["04.03.2024", "20.00", "", "gatefelt", "16-18", "jente", "1"]]
    parsed = parse(csv_bytes(rows), "a.csv", places)
    assert parsed.rows[["channel", "hotspot_id", "area_id"]].fillna("-").values.tolist() == [
        ["internet", "-", "-"], ["gaming", "volla", "lillestrom-sentrum-kjeller"]]
    (error,) = parsed.errors
    assert error.line == 4 and error.column == "Sted" and "sted mangler" in error.message


# --- row errors -----------------------------------------------------------------------------

def test_bad_values_are_reported_per_line_and_column(places):
    rows = [LONG_HEADER,
            ["31.02.2024", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["2024-13-01", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["28.11.2026", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["31.12.1999", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["04.03.2024", "25.00", "Volla", "gatefelt", "13-15", "gutt", "-2"],
            ["04.03.2024", "", "Volla", "bil", "30-40", "mann", "2,5"],
            ["04.03.2024", "18.30", "Volla", "gatefelt", "13-15", "gutt", "0"],
            ["27.11.2026", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"]]  # today is fine
    parsed = parse(csv_bytes(rows), "feil.csv", places)
    got = [(e.line, e.column, e.value, e.message) for e in parsed.errors]
    assert got[0] == (2, "Dato", "31.02.2024", "datoen finnes ikke")
    assert got[1] == (3, "Dato", "2024-13-01", "datoen finnes ikke")
    assert got[2][:3] == (4, "Dato", "28.11.2026") and "fram i tid" in got[2][3]
    assert got[3][:3] == (5, "Dato", "31.12.1999") and "2000" in got[3][3]
    assert [(g[0], g[1]) for g in got[4:]] == [(6, "Klokkeslett"), (6, "Antall"), (7, "Klokkeslett"), (7, "Kanal"),
                                               (7, "Aldersgruppe"), (7, "Kjønn"), (7, "Antall"), (8, "Antall")]
    assert "negativt" in got[5][3] and "helt tall" in got[10][3] and "minst 1" in got[11][3]
    assert "gatefelt" in got[7][3]  # lists the valid channels
    assert parsed.rows["source_line"].tolist() == [9]
    assert [r.line for r in parsed.rejected] == [2, 3, 4, 5, 6, 7, 8]


def test_an_identical_line_twice_in_one_file_counts_once(places):
    line = ["04.03.2024", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"]
    parsed = parse(csv_bytes([LONG_HEADER, line, line, line[:6] + ["3"]]), "a.csv", places)
    assert len(parsed.rows) == 2 and parsed.duplicates_in_file == 1
    assert any("samme fil" in n for n in parsed.notices)


def test_progress_is_reported(places):
    rows = [LONG_HEADER] + [["04.03.2024", "18.30", "Volla", "gatefelt", "13-15", "gutt", str(n)] for n in range(1, 12001)]
    seen = []
    parse(csv_bytes(rows), "a.csv", places, progress=seen.append)
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 1.0


# --- broken files ---------------------------------------------------------------------------

def refusal(data: bytes, name: str, places) -> FeltkartError:
    with pytest.raises(FeltkartError) as caught:
        parse(data, name, places)
    return caught.value


def test_utf16_and_binary_garbage_are_refused_clearly(places):
    text = "Dato;Sted;Kanal;Aldersgruppe;Kjønn;Antall\r\n04.03.2024;Volla;gatefelt;13-15;gutt;2\r\n"
    assert refusal(text.encode("utf-16"), "a.csv", places).key == "import.utf16"
    assert refusal(text.encode("utf-16-le"), "a.csv", places).key == "import.utf16"
    garbage = random.Random(7).randbytes(20000)
    error = refusal(garbage, "a.csv", places)
    assert error.key == "import.not_text" and "verken en CSV" in str(error)
    assert refusal(bytes(range(1, 9)) * 500, "a.csv", places).key == "import.not_text"


def test_missing_columns_are_named_with_the_columns_found(places):
    data = csv_bytes([["Dato", "Sted", "Antall", "Kommentar"], ["04.03.2024", "Volla", "2", "x"]])
    error = refusal(data, "a.csv", places)
    assert error.key == "import.missing_columns"
    assert "kanal, aldersgruppe, kjønn" in str(error) and "«Dato», «Sted», «Antall», «Kommentar»" in str(error)


@pytest.mark.parametrize("data, key", [
    (b"", "import.empty"),
    (b"\xef\xbb\xbf\r\n\r\n", "import.empty"),
    ("Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall\r\n;;;;;;\r\n".encode("cp1252"), "import.header_only"),
], ids=["empty", "bom-only", "header-only"])
def test_empty_and_header_only_files(places, data, key):
    assert refusal(data, "a.csv", places).key == key


def test_a_file_over_the_limit_is_refused_before_parsing(places):
    data = b"a" * (upload_table.MAX_IMPORT_BYTES + 1)
    started = time.perf_counter()
    error = refusal(data, "stor.csv", places)
    assert error.key == "import.too_large" and "25 MB" in str(error)
    assert time.perf_counter() - started < 0.5


def test_an_xlsx_that_is_not_a_zip(places):
    error = refusal(b"Dato;Sted\r\n04.03.2024;Volla\r\n", "uke.xlsx", places)
    assert error.key == "import.not_zip" and "ikke en Excel-fil" in str(error)
    assert refusal(b"PK\x03\x04 truncated", "uke.xlsx", places).key == "import.not_zip"
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "gammel.xls", places).key == "import.old_xls"


def _zip_with(member_bytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * member_bytes)
    return out.getvalue()


def test_zip_bombs_are_refused_before_openpyxl(places, monkeypatch):
    monkeypatch.setattr(upload_table, "MAX_XLSX_UNCOMPRESSED_BYTES", 1024 * 1024)
    monkeypatch.setattr(upload_table, "XLSX_RATIO_CHECK_FROM_BYTES", 10 ** 9)  # only the total size counts here
    bomb = _zip_with(5 * 1024 * 1024)
    assert len(bomb) < 64 * 1024
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    assert refusal(bomb, "bombe.xlsx", places).key == "import.zip_bomb"
    monkeypatch.undo()
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    assert refusal(_zip_with(2 * 1024 * 1024), "ratio.xlsx", places).key == "import.zip_bomb"  # > 100:1
    assert opened == []


def test_a_zip_that_is_no_workbook(places):
    error = refusal(_zip_with(100), "tom.xlsx", places)
    assert error.key == "import.xlsx_unreadable"


def test_duplicate_and_half_coordinate_columns_are_refused(places):
    assert refusal(csv_bytes([["Dato", "date", "Sted"], ["1", "2", "3"]]), "a.csv", places).key == "import.duplicate_column"
    error = refusal(csv_bytes([LONG_HEADER + ["lat"], ["04.03.2024"] * 8]), "a.csv", places)
    assert error.key == "import.coordinate_pair" and "lon" in str(error)


# --- storing, duplicates, undo ----------------------------------------------------------------

def week_file(days=range(1, 5), comment: str = "") -> bytes:
    rows = [LONG_HEADER + ["Team", "Kommentar"]]
    for day in days:
        rows.append([f"{day:02d}.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", str(day), "Team 1", comment])
        rows.append([f"{day:02d}.03.2025", "19.30", "Strømmen Storsenter", "gatefelt", "16-18", "jente", "2", "Team 1", ""])
    return csv_bytes(rows)


def test_importing_the_same_file_twice_adds_nothing(db, places):
    before = counts(db)
    data = week_file()
    first = commit_import(db, parse(data, "uke.csv", places))
    assert (first.rows_read, first.rows_imported, first.rows_rejected, first.rows_duplicate) == (8, 8, 0, 0)
    assert first.batch_id is not None
    after_first = counts(db)
    assert after_first[0] == before[0] + 8 and after_first[2] == before[2] + 1
    second = commit_import(db, parse(data, "uke.csv", places))
    assert (second.batch_id, second.rows_imported, second.rows_duplicate) == (None, 0, 8)
    assert any(f"import nr. {first.batch_id}" in n for n in second.notices)
    assert counts(db) == after_first


def test_an_overlapping_file_adds_only_the_new_half(db, places):
    commit_import(db, parse(week_file(range(1, 5)), "a.csv", places))
    before = counts(db)
    report = commit_import(db, parse(week_file(range(3, 7)), "b.csv", places))
    assert (report.rows_imported, report.rows_duplicate) == (4, 4)
    assert counts(db)[0] == before[0] + 4
    with db.read() as con:
        days = con.execute("SELECT DISTINCT day(occurred_at) FROM contacts WHERE batch_id = $b ORDER BY 1",
                           {"b": report.batch_id}).fetchall()
    assert days == [(5,), (6,)]


def test_undo_removes_exactly_the_batch_and_twice_is_an_error(db, places):
    before = counts(db)
    rows = [LONG_HEADER, ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["04.03.2025", "18.30", "Nowhere", "gatefelt", "13-15", "gutt", "2"]]
    report = commit_import(db, parse(csv_bytes(rows), "a.csv", places))
    assert counts(db)[0] == before[0] + 1 and counts(db)[3] == before[3] + 1
    assert undo_batch(db, report.batch_id) == 1
    after = counts(db)
    assert (after[0], after[1], after[3]) == (before[0], before[1], before[3])
    batches = list_batches(db).set_index("id")
    assert batches.loc[report.batch_id, "undone_at"] is not None and batches.loc[report.batch_id, "kind"] == "file"
    with pytest.raises(FeltkartError) as again:
        undo_batch(db, report.batch_id)
    assert again.value.key == "import.already_undone" and "allerede angret" in str(again.value)
    demo_id = int(batches.index[batches["kind"] == "demo"][0])
    with pytest.raises(FeltkartError) as demo:
        undo_batch(db, demo_id)
    assert demo.value.key == "import.undo_demo" and "feltkart demo" in str(demo.value)
    with pytest.raises(FeltkartError) as missing:
        undo_batch(db, 9999)
    assert missing.value.key == "import.batch_not_found"
    # after undo, the same file imports again
    assert commit_import(db, parse(csv_bytes(rows), "a.csv", places)).rows_imported == 1


def test_dry_run_counts_without_writing(db, places):
    commit_import(db, parse(week_file(range(1, 3)), "a.csv", places))
    before, version = counts(db), db.data_version()
    report = commit_import(db, parse(week_file(range(1, 5)), "b.csv", places), dry_run=True)
    assert (report.batch_id, report.rows_imported, report.rows_duplicate) == (None, 4, 4)
    assert counts(db) == before and db.data_version() == version
    assert any("Prøvekjøring" in n for n in report.notices)


def test_strict_refuses_a_file_with_one_bad_line(db, places):
    rows = [LONG_HEADER, ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "-1"]]
    before = counts(db)
    report = commit_import(db, parse(csv_bytes(rows), "a.csv", places), strict=True)
    assert report.refused and report.batch_id is None and report.rows_imported == 0
    assert "1 feil" in report.refused_reason
    assert counts(db) == before


def test_comment_text_is_stored_nowhere(db, places):
    secret = "Kari Nordmann (14) og broren hennes"
    rows = [["Dato", "Klokkeslett", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall", "Merknad", "Ukedag", "Notat"],
            ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "jente", "2", secret, "tirsdag", secret],
            ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "jente", "-2", secret, "tirsdag", secret]]
    parsed = parse(csv_bytes(rows), "a.csv", places)
    report = commit_import(db, parsed)
    assert report.rows_imported == 1 and report.rows_rejected == 1
    notices = " ".join(report.notices)
    assert "«Merknad», «Notat»" in notices and "«Ukedag»" in notices
    stored = varchar_text(db)
    assert "Kari" not in stored and "broren" not in stored and "tirsdag" not in stored
    assert "Volla" in stored  # the rejected line's own columns are kept
    assert b"Kari" not in rejected_rows_csv(db, report.batch_id)


def test_rejected_rows_download_can_be_fixed_and_imported_again(db, places):
    rows = [LONG_HEADER + ["Kommentar"],
            ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2", "ok"],
            ["04.03.2025", "18.30", "Strømmen storsentr", "gatefelt", "13-15", "gutt", "3", "hemmelig"],
            ["05.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "=1+1", ""]]
    report = commit_import(db, parse(csv_bytes(rows), "a.csv", places))
    assert report.rows_rejected == 2
    data = rejected_rows_csv(db, report.batch_id)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))
    assert table[0] == LONG_HEADER + ["feil"]
    assert table[1][:7] == ["04.03.2025", "18.30", "Strømmen storsentr", "gatefelt", "13-15", "gutt", "3"]
    assert "Sted: ukjent sted; mente du «Strømmen Storsenter»" in table[1][7]
    assert table[2][6] == "'=1+1"  # not a formula in Excel
    table[1][2], table[2][6] = "Strømmen Storsenter", "1"
    fixed = csv_bytes(table, encoding="utf-8", bom=True)
    again = commit_import(db, parse(fixed, "a-rettet.csv", places))
    assert (again.rows_imported, again.rows_rejected) == (2, 0)
    assert not any("«feil»" in n for n in again.notices)


def test_demo_figures_for_2023_are_untouched_by_an_import(db, places):
    before = reports.year_summary(db, 2023)
    commit_import(db, parse(week_file(range(1, 20)), "a.csv", places))
    assert reports.year_summary(db, 2023) == before
    assert before["by_channel"]["street"] + before["by_channel"]["school"] == 33636


# --- atomicity ------------------------------------------------------------------------------

def test_an_exception_inside_the_transaction_leaves_nothing(db, places, monkeypatch):
    before, version = counts(db), db.data_version()
    rows = [LONG_HEADER, ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2"],
            ["04.03.2025", "18.30", "Nowhere", "gatefelt", "13-15", "gutt", "2"]]
    inserted = []
    real_insert = import_store._insert_contacts

    def insert_then_count(*args):
        inserted.append(real_insert(*args))
        return inserted[-1]

    def fail(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_store, "_insert_contacts", insert_then_count)
    monkeypatch.setattr(import_store, "_insert_rejections", fail)
    with pytest.raises(RuntimeError):
        commit_import(db, parse(csv_bytes(rows), "a.csv", places))
    assert inserted == [1]  # the contacts were inserted before the failure
    assert counts(db) == before and db.data_version() == version


KILL_SCRIPT = """
import sys
from dashboard import access
from dashboard.db import Database
from dashboard.importer import PlaceIndex, parse_file
from dashboard.import_store import commit_import
access.set_acting("kill-test", "editor")  # a process of its own has no role until one is set
db = Database(sys.argv[1])
data = open(sys.argv[2], 'rb').read()
commit_import(db, parse_file(data, 'stor.csv', PlaceIndex.from_database(db)))
print('COMMITTED', flush=True)
"""


def big_file(rows: int) -> bytes:
    rng = random.Random(3)
    names = ["Strømmen Storsenter", "Bråtejordet skole", "Lillestrøm stasjon", "Volla", "Fetsund stasjon"]
    lines = ["Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall;Team"]
    for _ in range(rows):
        lines.append(f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025;{rng.randint(14, 22)}.{rng.choice(('00', '30'))};"
                     f"{rng.choice(names)};gatefelt;{rng.choice(('13-15', '16-18', 'u13'))};{rng.choice(('gutt', 'jente'))};"
                     f"{rng.randint(1, 40)};Team {rng.randint(1, 6)}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def test_a_kill_inside_the_write_transaction_leaves_nothing(db, places, tmp_path):
    before, version = counts(db), db.data_version()
    path = tmp_path / "stor.csv"
    path.write_bytes(big_file(200_000))
    env = {**os.environ, import_store.PAUSE_BEFORE_COMMIT_ENV: "60", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db.path), str(path)], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, process.kill)  # never hang the suite if the marker never comes
    watchdog.start()
    try:
        line = process.stdout.readline()  # blocks until the marker (or the process dies)
        assert line.strip() == import_store.BEFORE_COMMIT_MARKER, process.stderr.read()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert counts(db) == before and db.data_version() == version
    report = commit_import(db, parse(week_file(), "uke.csv", places))
    assert report.rows_imported == 8 and counts(db)[0] == before[0] + 8


# --- command line ---------------------------------------------------------------------------

def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_json_and_text(db, tmp_path, capsys):
    rows = [LONG_HEADER + ["Kommentar"], ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2", "x"],
            ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "-2", ""]]
    path = tmp_path / "uke.csv"
    path.write_bytes(csv_bytes(rows))
    code, out, err = run(capsys, "import", path, "--json", "--db", db.path)
    assert code == 0, err
    result = json.loads(out)
    assert list(result) == ["batch_id", "rows_read", "rows_imported", "rows_rejected", "rows_duplicate", "errors"]
    assert result["rows_read"] == 2 and result["rows_imported"] == 1 and result["rows_rejected"] == 1
    assert result["rows_duplicate"] == 0 and isinstance(result["batch_id"], int)
    assert result["errors"] == [{"line": 3, "column": "Antall", "value": "-2", "message": "antall kan ikke være negativt"}]
    code, out, err = run(capsys, "import", path, "--db", db.path)
    assert code == 0
    assert "2 rader lest, 0 registreringer importert, 0 rader avvist, 1 duplikater" in out
    assert "allerede importert" in out and "«Kommentar»" in out

    path2 = tmp_path / "uke2.csv"
    path2.write_bytes(csv_bytes(rows[:1] + [["05.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "0", ""]]))
    code, out, err = run(capsys, "import", path2, "--db", db.path)
    assert code == 0
    assert "linje 2, kolonne Antall («0»): antall må være minst 1" in out

    code, out, err = run(capsys, "import", path2, "--strict", "--json", "--db", db.path)
    assert code == 1 and json.loads(out)["batch_id"] is None and "Streng import" in err

    code, out, err = run(capsys, "batches", "--json", "--db", db.path)
    assert code == 0
    batches = json.loads(out)
    assert [b["kind"] for b in batches] == ["demo", "file", "file"]
    assert [b["what"] for b in batches] == ["Demodata", "Registreringer", "Registreringer"]
    assert batches[1]["id"] == result["batch_id"] and batches[1]["source_name"] == "uke.csv"
    code, out, _ = run(capsys, "batches", "--db", db.path)
    assert code == 0 and "uke.csv" in out and "uke2.csv" in out
    assert "Demodata" in out and "Registreringer" in out and re.search(r"\b\d\d\.\d\d\.\d{4} \d\d:\d\d\b", out)
    history = import_store.history_table(import_store.list_batches(db), "nb")
    assert list(history.columns) == ["Nr.", "Hva", "Fil", "Importert", "Rader lest", "Lagret", "Avvist",
                                     "Duplikater", "Angret"]
    assert history["Nr."].tolist() == [b["id"] for b in reversed(batches)]  # newest first
    assert history["Hva"].tolist() == ["Registreringer", "Registreringer", "Demodata"]

    code, out, err = run(capsys, "undo", result["batch_id"], "--db", db.path)
    assert code == 0 and f"Angret import nr. {result['batch_id']}. Antall rader fjernet: 1." in out
    code, out, err = run(capsys, "undo", result["batch_id"], "--db", db.path)
    assert code == 1 and "allerede angret" in err and len(err.strip().splitlines()) == 1


def test_cli_refusals_and_usage_errors(db, tmp_path, capsys):
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    code, out, err = run(capsys, "import", empty, "--json", "--db", db.path)
    assert code == 1 and out == "" and err.strip() == "feltkart: Fila tom.csv er tom."
    code, out, err = run(capsys, "import", tmp_path / "finnes-ikke.csv", "--db", db.path)
    assert code == 1 and "Fant ikke fila" in err
    big = tmp_path / "stor.csv"
    with open(big, "wb") as handle:
        handle.truncate(upload_table.MAX_IMPORT_BYTES + 1)
    code, out, err = run(capsys, "import", big, "--db", db.path)
    assert code == 1 and "for stor" in err
    for argv in (["import"], ["undo"], ["undo", "abc"], ["import", empty, "--bogus"], ["batches", "extra"]):
        code, out, err = run(capsys, *argv, "--db", db.path)
        assert code == 2 and "usage:" in err, argv


def test_row_hash_is_the_documented_normalised_tally(places):
    rows = [LONG_HEADER + ["Team"], ["04.03.2024", "18.30", "Volla", "gatefelt", "13-15", "gutt", "2", " Team A "]]
    row = parse(csv_bytes(rows), "a.csv", places).rows.iloc[0]
    expected = importer._row_sha256(datetime(2024, 3, 4, 18, 30), importer.Place("volla", "lillestrom-sentrum-kjeller"),
                                    "street", "13-15", "boy", 2, "team a")
    assert row["row_sha256"] == expected and row["team"] == "Team A"


def test_messages_follow_the_language_but_stored_reasons_are_norwegian(db, places, monkeypatch):
    monkeypatch.setenv("FELTKART_LANG", "en")
    rows = [LONG_HEADER, ["04.03.2025", "18.30", "Volla", "gatefelt", "13-15", "gutt", "-2"]]
    report = commit_import(db, parse(csv_bytes(rows), "a.csv", places))
    assert report.errors[0].message == "the count cannot be negative"
    assert "antall kan ikke være negativt" in rejected_rows_csv(db, report.batch_id).decode("utf-8")


def test_retired_hotspots_resolve_by_name_but_points_do_not_snap_to_them():
    from dashboard import geo

    hotspots = geo.load_hotspots()
    hotspots["retired_at"] = [datetime(2025, 1, 1) if h == "lillestrom-stasjon" else None for h in hotspots["id"]]
    index = PlaceIndex(hotspots, geo.load_areas())
    assert index.resolve("Lillestrøm stasjon").hotspot_id == "lillestrom-stasjon"
    east, north = utm_near_stasjon(5, 5)
    (found,) = index.locate(*TO_WGS84.transform([east], [north]))
    assert found.hotspot_id != "lillestrom-stasjon"
