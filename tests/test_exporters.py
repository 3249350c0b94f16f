"""Export files read back as a partner would open them: CSV and XLSX numbers, dates and separators;
no cell a formula; no small count readable or recoverable; GeoJSON; the annual report; file names."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from datetime import date, datetime
from decimal import Decimal

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import disclosure, exporters, reports
from dashboard.exporters import SUPPRESSED
from dashboard.filters import Filter

BOM = b"\xef\xbb\xbf"
INJECTIONS = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']


def read_csv_nb(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_rows(ws) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in ws.iter_rows()]


@pytest.fixture
def mixed() -> pd.DataFrame:
    return pd.DataFrame({
        "Sted": ["Lillestrøm stasjon", "Åsen skole", "Fetsund"],
        "Treff": [7359, 1189, -5],
        "Andel": [0.25, 1234.5, 0.1],
        "Dato": [date(2023, 1, 2), date(2023, 12, 31), None],
        "Tidspunkt": pd.to_datetime(["2023-05-17 21:30", "2023-05-18 00:00", None]),
    })


# --- neutralise -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", INJECTIONS)
def test_neutralise_prefixes_formula_starts(text):
    assert exporters.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 3, 2.5, -0.5, Decimal("-1.5"), np.int64(-7), np.float64(-2.0), 0])
def test_neutralise_leaves_numbers(value):
    result = exporters.neutralise(value)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_neutralise_missing_is_empty(value):
    assert exporters.neutralise(value) == ""


def test_neutralise_changes_nothing_else():
    for text in ["Strømmen", "a=b", "1+1", " =1", "", "'=x", "50 %", ":"]:
        assert exporters.neutralise(text) == text


def test_neutralise_frame_text_columns_and_headers_only():
    df = pd.DataFrame({"=navn": ["=1+1", "ok", None], "n": [-5, 2, 3], "x": [1.5, np.nan, -2.0]})
    out = exporters.neutralise_frame(df)
    assert list(out.columns) == ["'=navn", "n", "x"]
    assert out["'=navn"].tolist() == ["'=1+1", "ok", ""]
    assert out["n"].tolist() == [-5, 2, 3] and out["n"].dtype == df["n"].dtype
    assert out["x"].iloc[2] == -2.0 and np.isnan(out["x"].iloc[1])
    assert df.columns[0] == "=navn"  # the input is untouched


# --- CSV ------------------------------------------------------------------------------------------

def test_csv_nb_bom_separator_decimal_comma_dates_crlf(mixed):
    data = exporters.to_csv_bytes(mixed)
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Sted;Treff;Andel;Dato;Tidspunkt"
    assert lines[1] == "Lillestrøm stasjon;7359;0,25;02.01.2023;17.05.2023 21:30"
    assert lines[2] == "Åsen skole;1189;1234,5;31.12.2023;18.05.2023"
    assert lines[3] == "Fetsund;-5;0,1;;"
    assert "\n" not in text.replace("\r\n", "")
    back = read_csv_nb(data)
    assert back["Treff"].tolist() == [7359, 1189, -5]
    assert back["Andel"].tolist() == [0.25, 1234.5, 0.1]
    assert back["Sted"].tolist() == mixed["Sted"].tolist()


def test_csv_en_comma_and_point_still_bom(mixed):
    data = exporters.to_csv_bytes(mixed, lang="en")
    assert data.startswith(BOM)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["Andel"].tolist() == [0.25, 1234.5, 0.1]
    assert back["Dato"].tolist()[:2] == ["2023-01-02", "2023-12-31"]


def test_csv_quotes_separators_and_newlines_in_text():
    df = pd.DataFrame({"Sted": ["a;b", 'sa "hei"', "linje\nto"], "n": [1, 2, 3]})
    back = read_csv_nb(exporters.to_csv_bytes(df))
    assert back["Sted"].tolist() == df["Sted"].tolist()


def test_csv_injection_gets_apostrophe_numbers_stay():
    df = pd.DataFrame({"Navn": INJECTIONS, "Treff": [-5] * len(INJECTIONS)})
    data = exporters.to_csv_bytes(df)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'" + text for text in INJECTIONS]
    assert [r[1] for r in rows[1:]] == ["-5"] * len(INJECTIONS)
    back = read_csv_nb(data)
    assert back["Navn"].tolist() == ["'" + text for text in INJECTIONS]
    assert back["Treff"].tolist() == [-5] * len(INJECTIONS)


def test_csv_injection_in_header_and_lists():
    df = pd.DataFrame({"=cmd": [["=a", "b"]]})
    text = exporters.to_csv_bytes(df).decode("utf-8-sig")
    assert text == "'=cmd\r\n\"'=a; b\"\r\n"  # quoted: the list's "; " holds the separator


def test_csv_rejects_unknown_language(mixed):
    with pytest.raises(ValueError, match="lang"):
        exporters.to_csv_bytes(mixed, lang="sv")


# --- XLSX -----------------------------------------------------------------------------------------

def test_xlsx_numbers_dates_header_and_widths(mixed):
    wb = read_xlsx(exporters.to_xlsx_bytes({"Treff": mixed}))
    ws = wb["Treff"]
    assert [c.value for c in ws[1]] == list(mixed.columns)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert [ws.cell(r, 2).value for r in (2, 3, 4)] == [7359, 1189, -5]
    assert ws.cell(2, 2).data_type == "n" and ws.cell(2, 2).number_format == "#,##0"
    assert ws.cell(3, 3).value == 1234.5 and ws.cell(3, 3).number_format.startswith("#,##0.")
    assert ws.cell(2, 4).value == datetime(2023, 1, 2) and ws.cell(2, 4).number_format == "dd.mm.yyyy"
    assert ws.cell(2, 5).value == datetime(2023, 5, 17, 21, 30)
    assert ws.cell(4, 4).value is None
    widths = [ws.column_dimensions[letter].width for letter in "ABCDE"]
    assert all(8 <= w <= 60 for w in widths) and widths[0] >= len("Lillestrøm stasjon")


def test_xlsx_injection_is_text_never_formula():
    df = pd.DataFrame({"=Navn": INJECTIONS, "Treff": [-5] * len(INJECTIONS)})
    data = exporters.to_xlsx_bytes({"Ark": df}, title="=HYPERLINK(\"http://x\")")
    ws = read_xlsx(data)["Ark"]
    assert ws.cell(1, 1).value == "'=HYPERLINK(\"http://x\")"  # the title
    assert ws.cell(3, 1).value == "'=Navn"
    for row, text in enumerate(INJECTIONS, start=4):
        cell = ws.cell(row, 1)
        assert cell.data_type == "s"
        # XML turns a raw carriage return into a line feed on reading; the text stays inert
        assert cell.value in ("'" + text, "'" + text.replace("\r", "\n"))
        assert ws.cell(row, 2).value == -5 and ws.cell(row, 2).data_type == "n"
    for cell in ws._cells.values():
        assert cell.data_type != "f"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_openpyxl_writes_formulas_by_default():
    """The risk the XLSX writer guards against: openpyxl turns '=...' text into a formula."""
    from openpyxl import Workbook
    ws = Workbook().active
    assert ws.cell(1, 1, "=SUM(A1)").data_type == "f"


def test_xlsx_control_characters_cannot_reveal_a_formula():
    df = pd.DataFrame({"Navn": ["\x01=1+1", "ok\x02"]})
    ws = read_xlsx(exporters.to_xlsx_bytes({"Ark": df}))["Ark"]
    assert [ws.cell(2, 1).value, ws.cell(3, 1).value] == ["'=1+1", "ok"]


def test_xlsx_suppressed_cells_right_aligned_with_note():
    table = exporters.suppress(pd.DataFrame({"Sted": ["A", "B", "C"], "Treff": [3, 40, 50]}), ["Treff"])
    ws = read_xlsx(exporters.to_xlsx_bytes({"Ark": table}))["Ark"]
    assert ws.cell(2, 2).value == SUPPRESSED and ws.cell(2, 2).alignment.horizontal == "right"
    assert ws.cell(2, 2).data_type == "s"
    assert ws.cell(4, 2).value == 50
    assert "færre enn 5" in ws.cell(6, 1).value


def test_xlsx_sheet_names_sanitised_and_unique():
    frame = pd.DataFrame({"a": [1]})
    names = ["Skjetten/Strømmen [2023]: *?", "x" * 40, "x" * 31 + "y", "X" * 32, "History", "", "'quoted'"]
    wb = read_xlsx(exporters.to_xlsx_bytes({name: frame for name in names}))
    assert len(wb.sheetnames) == len(names) == len({n.lower() for n in wb.sheetnames})
    assert wb.sheetnames[1:4] == ["x" * 31, "x" * 27 + " (2)", "X" * 27 + " (3)"]
    assert wb.sheetnames[4:] == ["History-", "Ark", "quoted"]
    for name in wb.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert wb.sheetnames[0] == "Skjetten-Strømmen -2023-- --"


def test_xlsx_needs_a_sheet():
    with pytest.raises(ValueError, match="no sheets"):
        exporters.to_xlsx_bytes({})


# --- suppression ----------------------------------------------------------------------------------

VALUES = ["street", "school", "gaming"]


def hidden_mask(table: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return (table[columns] == SUPPRESSED).to_numpy()


def recoverable(true: np.ndarray, hidden: np.ndarray, row_sums: bool, col_sums: bool,
                total_row: bool, total_col: bool) -> list[tuple[int, int]]:
    """Hidden cells whose value the published sums determine (independent check by matrix rank).

    Equations: each row's inner cells add up to its total (the last column if ``total_col``, else
    a total published elsewhere); each column likewise with the last row."""
    n, m = true.shape
    cells = [tuple(c) for c in np.argwhere(hidden)]
    pos = {c: k for k, c in enumerate(cells)}
    equations = []
    lines = []
    if row_sums:
        lines += [[((i, j), -1 if total_col and j == m - 1 else 1) for j in range(m)] for i in range(n)]
    if col_sums:
        lines += [[((i, j), -1 if total_row and i == n - 1 else 1) for i in range(n)] for j in range(m)]
    for line in lines:
        eq = np.zeros(len(cells))
        for cell, sign in line:
            if cell in pos:
                eq[pos[cell]] = sign
        if eq.any():
            equations.append(eq)
    if not equations:
        return cells
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    found = []
    for cell, k in pos.items():
        unit = np.zeros(len(cells))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(cell)
    return found


def assert_protected(shown: pd.DataFrame, columns: list[str], true: np.ndarray, threshold: int,
                     *, total_row: bool, total_col: bool, row_sums: bool = True, col_sums: bool = True):
    hidden = hidden_mask(shown, columns)
    values = shown[columns].to_numpy()
    for v, h, t in zip(values.ravel(), hidden.ravel(), true.ravel()):
        if h:
            continue
        assert v == t and (v == 0 or v >= threshold), (v, t)
    for t, h in zip(true.ravel(), hidden.ravel()):
        if 0 < t < threshold:
            assert h
    if row_sums:
        assert all(row.sum() != 1 for row in hidden), hidden
    if col_sums:
        assert all(col.sum() != 1 for col in hidden.T), hidden
    assert recoverable(true, hidden, row_sums, col_sums, total_row, total_col) == []


@pytest.fixture
def channels() -> pd.DataFrame:
    # A school count of 3 hides alone on primary suppression: recoverable from A's total (33) and
    # from the school column's total.
    return pd.DataFrame({"area": ["A", "B", "C"], "street": [20, 15, 30], "school": [3, 12, 25],
                         "gaming": [10, 8, 40]})


def test_primary_suppression_alone_leaves_a_recoverable_cell(channels):
    primary = exporters.suppress(channels, VALUES, totals=False)
    hidden = hidden_mask(primary, VALUES)
    assert hidden.sum() == 1 and hidden[0].sum() == 1
    totals = exporters.with_totals(channels, VALUES, "area")
    # the hidden cell = row total - the cells shown beside it
    assert totals.loc[0, "Sum"] - primary.loc[0, "street"] - primary.loc[0, "gaming"] == 3


def test_secondary_suppression_with_published_totals(channels):
    table = exporters.with_totals(channels, VALUES, "area")
    true = table[VALUES + ["Sum"]].to_numpy()
    shown = exporters.suppress(table, VALUES)
    assert_protected(shown, VALUES + ["Sum"], true, 5, total_row=True, total_col=True)
    assert shown["school"].tolist()[:2] == [SUPPRESSED, SUPPRESSED]  # a rectangle: 3, 12, 10, 8
    assert shown["gaming"].tolist()[:2] == [SUPPRESSED, SUPPRESSED]
    assert shown["Sum"].tolist() == [33, 35, 95, 163]  # the totals are large: shown, and true
    assert shown["area"].tolist() == ["A", "B", "C", "Sum"]


def test_secondary_suppression_without_total_columns_in_the_table(channels):
    shown = exporters.suppress(channels, VALUES)
    assert_protected(shown, VALUES, channels[VALUES].to_numpy(), 5, total_row=False, total_col=False)


def test_a_small_total_is_hidden_and_protected():
    table = pd.DataFrame({"area": ["A", "B", "C"], "street": [20, 15, 30], "school": [30, 12, 25],
                          "gaming": [2, 0, 0]})
    with_sums = exporters.with_totals(table, VALUES, "area")
    true = with_sums[VALUES + ["Sum"]].to_numpy()
    shown = exporters.suppress(with_sums, VALUES)
    assert shown.loc[3, "gaming"] == SUPPRESSED  # the gaming total (2) is itself small
    assert shown.loc[1, "gaming"] == 0 and shown.loc[2, "gaming"] == 0
    assert_protected(shown, VALUES + ["Sum"], true, 5, total_row=True, total_col=True)


def test_totals_come_from_true_values(channels):
    table = exporters.with_totals(channels, VALUES, "area", total_label="I alt")
    assert table["I alt"].tolist() == [33, 35, 95, 163]
    assert table.iloc[-1][VALUES].tolist() == [65, 40, 58]
    with pytest.raises(ValueError, match="true counts"):
        exporters.with_totals(exporters.suppress(channels, VALUES), VALUES, "area")
    with pytest.raises(ValueError, match="totals=False"):
        exporters.suppress(table, VALUES, totals=False)


@pytest.mark.parametrize("threshold", [3, 10])
def test_threshold_is_configurable(channels, threshold):
    table = exporters.with_totals(channels, VALUES, "area")
    true = table[VALUES + ["Sum"]].to_numpy()
    shown = exporters.suppress(table, VALUES, threshold=threshold)
    assert_protected(shown, VALUES + ["Sum"], true, threshold, total_row=True, total_col=True)
    if threshold == 3:
        assert shown.loc[0, "school"] == 3  # 3 is not below 3
    else:
        assert shown.loc[1, "gaming"] == SUPPRESSED  # 8 is below 10


def test_zero_stays_zero_unless_asked():
    table = pd.DataFrame({"area": ["A", "B"], "street": [0, 40], "school": [50, 60]})
    assert exporters.suppress(table, ["street", "school"]).loc[0, "street"] == 0
    hidden = exporters.suppress(table, ["street", "school"], suppress_zero=True)
    assert hidden_mask(hidden, ["street", "school"]).sum() == 4  # the 0, and a rectangle round it


def test_hidden_group_may_not_be_a_small_count():
    # Two hidden 1s next to a published total: both are known to be 1 (":" is never 0).
    table = pd.DataFrame({"area": ["A"], "a": [1], "b": [1], "c": [50], "d": [60]})
    shown = exporters.suppress(table, ["a", "b", "c", "d"])
    assert shown.loc[0, ["a", "b", "c"]].tolist() == [SUPPRESSED] * 3 and shown.loc[0, "d"] == 60


def test_random_tables_are_protected():
    rng = random.Random(20231231)
    pool = [0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40, 120]
    for _ in range(60):
        rows, cols = rng.randint(2, 5), rng.randint(2, 4)
        columns = [f"c{j}" for j in range(cols)]
        table = pd.DataFrame({c: [rng.choice(pool) for _ in range(rows)] for c in columns})
        table.insert(0, "label", [f"r{i}" for i in range(rows)])
        with_sums = exporters.with_totals(table, columns, "label")
        true = with_sums[columns + ["Sum"]].to_numpy()
        assert_protected(exporters.suppress(with_sums, columns), columns + ["Sum"], true, 5,
                         total_row=True, total_col=True)
        assert_protected(exporters.suppress(table, columns), columns, table[columns].to_numpy(), 5,
                         total_row=False, total_col=False)


def test_suppress_validates_its_input(channels):
    with pytest.raises(ValueError, match="no column"):
        exporters.suppress(channels, ["nope"])
    with pytest.raises(ValueError, match="threshold"):
        exporters.suppress(channels, VALUES, threshold=0)
    with pytest.raises(ValueError, match="negative"):
        exporters.suppress(channels.assign(street=-1), VALUES)


def test_suppress_series():
    assert exporters.suppress_series([120, 40, 3, 12, 7]) == [120, 40, SUPPRESSED, 12, SUPPRESSED]
    assert exporters.suppress_series([120, 40, 3, 12, 7], total=False) == [120, 40, SUPPRESSED, 12, 7]
    assert exporters.suppress_series([120, 0, 2, 3]) == [120, 0, SUPPRESSED, SUPPRESSED]  # hidden 2 + 3 = 5
    assert exporters.suppress_series([120, 0, 1, 2, 30]) == [120, 0, SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert exporters.suppress_series([10, 20, 0]) == [10, 20, 0]
    assert exporters.suppress_series([4, 9], threshold=10) == [SUPPRESSED, SUPPRESSED]
    series = pd.Series([50, 2, 30], index=["x", "y", "z"], name="hits")
    out = exporters.suppress_series(series)
    assert out.tolist() == [50, SUPPRESSED, SUPPRESSED] and list(out.index) == ["x", "y", "z"]


# --- GeoJSON --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hotspots_2023(demo_db) -> pd.DataFrame:
    from dashboard.slides import view_tables

    return view_tables(demo_db, Filter.for_year(2023)).hotspots  # the path of the pages and the CLI


def small_hotspots() -> pd.DataFrame:
    return pd.DataFrame({
        "hotspot_id": ["a", "b", "c", "d"], "name": ["Stasjonen", "Parken", "Stranda", "Klubben"],
        "kind": ["station", "park", "beach", "youth_club"], "area_id": ["fetsund"] * 4,
        "lon": [11.0481234567, 11.1, 11.2, 11.3], "lat": [59.95554449, 59.9, 59.8, 59.7],
        "hits": [120, 3, 12, 40], "hits_before": [100, 50, 2, 40], "change": [0.2, -0.94, 5.0, 0.0],
    })


def test_geojson_points_rounded_with_counts():
    collection = exporters.hotspots_geojson(small_hotspots())
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 4
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [11.048123, 59.955544]}
    assert first["properties"] == {"id": "a", "name": "Stasjonen", "kind": "station", "area_id": "fetsund",
                                   "hits": 120, "hits_before": 100, "change": 0.2}


def test_geojson_suppression_hides_counts_and_their_change():
    features = exporters.hotspots_geojson(small_hotspots(), suppress_below=5)["features"]
    hits = [f["properties"]["hits"] for f in features]
    before = [f["properties"]["hits_before"] for f in features]
    change = [f["properties"]["change"] for f in features]
    assert hits == [120, SUPPRESSED, SUPPRESSED, 40]  # 3 and, against the total, 12
    assert before == [100, 50, SUPPRESSED, SUPPRESSED]
    assert change == [0.2, SUPPRESSED, SUPPRESSED, SUPPRESSED]


def test_geojson_rejects_projected_coordinates():
    with pytest.raises(ValueError, match="to_crs"):
        exporters.hotspots_geojson(small_hotspots().assign(lon=600000.0, lat=6650000.0))


# GDAL reads a property holding both numbers and ":" as text, and says so.
@pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")
def test_geojson_round_trip_on_demo(hotspots_2023):
    data = exporters.to_geojson_bytes(hotspots_2023, suppress_below=5)
    parsed = json.loads(data.decode("utf-8"))
    assert len(parsed["features"]) == len(hotspots_2023)
    frame = gpd.read_file(io.BytesIO(data))
    assert len(frame) == len(hotspots_2023) and frame.crs.to_epsg() == 4326
    assert set(frame.geom_type) == {"Point"}
    assert "Lillestrøm" in " ".join(frame["name"])
    shown = [h for h in parsed["features"] if h["properties"]["hits"] != SUPPRESSED]
    assert all(f["properties"]["hits"] >= 5 or f["properties"]["hits"] == 0 for f in shown)


# --- the annual report ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report_2023(demo_db):
    return reports.annual_report(demo_db, 2023)


def test_annual_report_frames_match_the_reference(report_2023, shared_dir):
    frames = exporters.annual_report_frames(report_2023)
    assert list(frames) == ["Treff per sted", "Sammendrag"]
    places = frames["Treff per sted"]
    assert list(places.columns) == ["Område", "Sted", "Antall treff"] and len(places) == 18
    expected = pd.read_csv(shared_dir / "domain" / "hits_2023.csv")
    assert places["Område"].tolist() == expected["area"].tolist()
    assert places["Sted"].tolist() == expected["report_row"].tolist()
    assert places["Antall treff"].tolist() == expected["hits"].tolist()
    summary = dict(zip(*frames["Sammendrag"].T.values))
    assert summary["Treff på gata og på skolene i alt"] == 33636
    assert summary["Skedsmokorset"] == 517 + 811 + 614
    assert sum(summary[a] for a in expected["area"].unique()) + summary["Ikke fordelt på sted"] == 33636


def test_annual_report_as_files(report_2023):
    frames = exporters.annual_report_frames(report_2023)
    wb = read_xlsx(exporters.to_xlsx_bytes(frames, title="Kontakt-treff 2023"))
    rows = sheet_rows(wb["Treff per sted"])
    assert rows[2] == ("Område", "Sted", "Antall treff")
    assert sum(r[2] for r in rows[3:]) == 33636 - report_2023.not_broken_down
    summary = {r[0]: r[1] for r in sheet_rows(wb["Sammendrag"])[3:]}
    assert summary["Treff på gata og på skolene i alt"] == 33636
    back = read_csv_nb(exporters.to_csv_bytes(frames["Sammendrag"]))
    assert back.iloc[:, 1].iloc[-1] == pytest.approx(summary[back.iloc[-1, 0]])
    english = exporters.annual_report_frames(report_2023, lang="en")
    assert list(english) == ["Hits by place", "Summary"]
    assert list(english["Hits by place"].columns) == ["Area", "Place", "Hits"]


# --- file names -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("stem", "suffix", "expected"), [
    ("feltkart-2023-01-01-2023-12-31", "csv", "feltkart-2023-01-01-2023-12-31.csv"),
    ("Feltkart 01.01.2023–31.12.2023", ".xlsx", "feltkart-01-01-2023-31-12-2023.xlsx"),
    ("Skjetten/Strømmen, Sørumsand og Lærdal Å", "csv", "skjetten-strommen-sorumsand-og-laerdal-a.csv"),
    ("../../etc/passwd", "csv", "etc-passwd.csv"),
    ("..\\..\\windows\\system32", "../csv", "windows-system32.csv"),
    ("", "geojson", "feltkart.geojson"),
    ("../", "csv", "feltkart.csv"),
    ("CON", "csv", "feltkart-con.csv"),
    ("Café «Ørn» <x>|?*:\"\x00\n", "csv", "cafe-orn-x.csv"),
])
def test_safe_filename(stem, suffix, expected):
    assert exporters.safe_filename(stem, suffix) == expected


def test_safe_filename_is_short_and_plain():
    name = exporters.safe_filename("Område " * 40, "xlsx")
    assert len(name) <= 80 and name.endswith(".xlsx") and not name[:-5].endswith("-")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    with pytest.raises(ValueError, match="suffix"):
        exporters.safe_filename("x", "../")


def test_docstring_examples():
    import doctest
    results = [doctest.testmod(module, extraglobs={"pd": pd}) for module in (exporters, disclosure)]
    assert sum(r.attempted for r in results) >= 3 and sum(r.failed for r in results) == 0


def test_neutralise_frame_string_and_category_columns():
    df = pd.DataFrame({"s": pd.Series(["=a", "b"], dtype="string"), "c": pd.Categorical(["+x", "y"])})
    out = exporters.neutralise_frame(df)
    assert out["s"].tolist() == ["'=a", "b"] and out["c"].tolist() == ["'+x", "y"]


def test_geojson_without_comparison_and_without_position():
    table = small_hotspots().drop(columns=["hits_before", "change"])
    table.loc[1, ["lon", "lat"]] = np.nan
    features = exporters.hotspots_geojson(table)["features"]
    assert features[1]["geometry"] is None
    assert set(features[0]["properties"]) == {"id", "name", "kind", "area_id", "hits"}
