"""``feltkart export view`` and ``feltkart export annual``: the files read back as a partner would
open them (Excel-style CSV, XLSX, GeoJSON), small counts hidden, no cell a formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from dashboard import geo
from dashboard.cli import main
from dashboard.db import Database
from dashboard.places import update_hotspot

YEAR_2023 = ("--from", "2023-01-01", "--to", "2023-12-31")
ONE_WEEK = ("--from", "2023-03-06", "--to", "2023-03-12")  # small counts, some below 5 and below 10
ONE_DAY = ("--from", "2023-03-07", "--to", "2023-03-07")
COUNT_COLUMNS = ("Treff", "Treff før")
HOTSPOT_COLUMNS = ["Sted", "Stedstype", "Område", "Treff", "Treff før", "Endring (%)", "Vurdering"]
SUPPRESSED = ":"


pytestmark = pytest.mark.usefixtures("clean_env")


def export(db: Database, path: Path, *args) -> Path:
    code = main(["export", *map(str, args), "-o", str(path), "--db", str(db.path)])
    assert code == 0
    assert path.is_file() and path.stat().st_size > 0
    return path


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={c: str for c in COUNT_COLUMNS},
                       keep_default_na=False, na_values=[""])


def shown_counts(values) -> list:
    """Counts as shown: ':' stays text, numbers become ints."""
    result = []
    for value in values:
        if isinstance(value, str) and value.strip() == SUPPRESSED:
            result.append(SUPPRESSED)
        elif value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        else:
            result.append(int(value))
    return result


def assert_disclosure_safe(values, threshold: int) -> None:
    """Every count shown is 0, at least ``threshold``, or ':' (1 to threshold-1 never shows)."""
    for value in shown_counts(values):
        assert value == SUPPRESSED or value == 0 or value >= threshold, values


@pytest.fixture(scope="module")
def published(shared_dir) -> list[tuple[str, str, int]]:
    with open(shared_dir / "domain/hits_2023.csv", encoding="utf-8", newline="") as handle:
        return [(r["area"], r["report_row"], int(r["hits"])) for r in csv.DictReader(handle)]


# --- export view: CSV ---------------------------------------------------------------------------

def test_view_csv_for_2023(demo_db, tmp_path):
    table = read_csv(export(demo_db, tmp_path / "x.csv", "view", *YEAR_2023))
    assert list(table.columns) == HOTSPOT_COLUMNS
    assert len(table) == 43  # every hotspot had hits in 2023
    first = table.iloc[0]
    assert (first["Sted"], first["Område"], first["Treff"]) == ("Lillestrøm stasjon", "Lillestrøm stasjonsområde", "7359")
    assert pd.api.types.is_float_dtype(table["Endring (%)"])  # a number Excel can compute with
    assert first["Endring (%)"] == pytest.approx((7359 - int(first["Treff før"])) / int(first["Treff før"]) * 100, abs=0.05)
    assert_disclosure_safe(table["Treff"], 5)
    assert_disclosure_safe(table["Treff før"], 5)


def test_view_csv_is_excel_shaped(demo_db, tmp_path):
    raw = export(demo_db, tmp_path / "x.csv", "view", *ONE_WEEK).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert raw.decode("utf-8-sig").splitlines()[0] == ";".join(HOTSPOT_COLUMNS)


def test_view_csv_hides_small_counts_by_default(demo_db, tmp_path):
    hidden = read_csv(export(demo_db, tmp_path / "skjult.csv", "view", *ONE_WEEK))
    shown = read_csv(export(demo_db, tmp_path / "alt.csv", "view", *ONE_WEEK, "--no-suppress"))
    assert list(hidden["Sted"]) == list(shown["Sted"])
    for column in COUNT_COLUMNS:
        assert_disclosure_safe(hidden[column], 5)
    all_counts = [c for column in COUNT_COLUMNS for c in shown_counts(shown[column])]
    assert SUPPRESSED not in all_counts
    assert any(1 <= c < 5 for c in all_counts), "the week was chosen to have small counts"
    assert SUPPRESSED in [c for column in COUNT_COLUMNS for c in shown_counts(hidden[column])]
    # a change is left out wherever one of its counts is hidden
    for _, row in hidden.iterrows():
        if SUPPRESSED in (row["Treff"], row["Treff før"]):
            assert pd.isna(row["Endring (%)"]) and pd.isna(row["Vurdering"])
    # what is shown agrees with the unsuppressed file
    for column in COUNT_COLUMNS:
        for h, s in zip(shown_counts(hidden[column]), shown_counts(shown[column])):
            assert h == SUPPRESSED or h == s


def test_view_csv_threshold_10_hides_more(demo_db, tmp_path):
    five = read_csv(export(demo_db, tmp_path / "fem.csv", "view", *ONE_WEEK))
    ten = read_csv(export(demo_db, tmp_path / "ti.csv", "view", *ONE_WEEK, "--threshold", "10"))
    for column in COUNT_COLUMNS:
        assert_disclosure_safe(ten[column], 10)
    hidden = lambda t: sum(shown_counts(t[c]).count(SUPPRESSED) for c in COUNT_COLUMNS)
    assert hidden(ten) > hidden(five)


def test_view_csv_area_filter_narrows_the_rows(demo_db, tmp_path):
    everything = read_csv(export(demo_db, tmp_path / "alle.csv", "view", *YEAR_2023))
    fetsund = read_csv(export(demo_db, tmp_path / "fetsund.csv", "view", *YEAR_2023, "--area", "fetsund"))
    two = read_csv(export(demo_db, tmp_path / "to.csv", "view", *YEAR_2023, "--area", "fetsund", "sorumsand"))
    assert 0 < len(fetsund) < len(two) < len(everything)
    assert set(fetsund["Område"]) == {"Fetsund"}
    assert set(two["Område"]) == {"Fetsund", "Sørumsand"}
    expected = everything[everything["Område"] == "Fetsund"].set_index("Sted")["Treff"]
    assert fetsund.set_index("Sted")["Treff"].to_dict() == expected.to_dict()


def test_view_channel_filter(demo_db, tmp_path):
    school = read_csv(export(demo_db, tmp_path / "skole.csv", "view", *YEAR_2023, "--channel", "school"))
    street = read_csv(export(demo_db, tmp_path / "gate.csv", "view", *YEAR_2023, "--channel", "street"))
    both = read_csv(export(demo_db, tmp_path / "begge.csv", "view", *YEAR_2023, "--channel", "street", "school"))
    at = lambda t, name: int(t.set_index("Sted").at[name, "Treff"])
    assert at(school, "Stav skole") + at(street, "Stav skole") == at(both, "Stav skole")


# --- export view: XLSX and GeoJSON --------------------------------------------------------------

def test_view_xlsx(demo_db, tmp_path):
    book = openpyxl.load_workbook(export(demo_db, tmp_path / "x.xlsx", "view", *ONE_WEEK))
    assert book.sheetnames == ["Treffsteder", "Områder"]
    sheet = book["Treffsteder"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HOTSPOT_COLUMNS
    body = [r for r in rows[1:] if r[0] is not None and r[1] is not None]
    assert len(body) > 5
    for column in ("Treff", "Treff før"):
        j = HOTSPOT_COLUMNS.index(column)
        assert_disclosure_safe([r[j] for r in body], 5)
        assert all(isinstance(r[j], (int, str)) for r in body)
    j = HOTSPOT_COLUMNS.index("Endring (%)")
    changes = [r[j] for r in body if r[j] not in (None, "")]
    assert changes and all(isinstance(c, (int, float)) for c in changes)
    assert any(r[HOTSPOT_COLUMNS.index("Treff før")] == SUPPRESSED for r in body)
    notes = [r[0] for r in rows if r[0] and "skjult" in str(r[0])]
    assert notes, "a note under the table explains ':'"
    areas = list(book["Områder"].iter_rows(values_only=True))
    assert areas[0][0] == "Område"
    assert {r[0] for r in areas[1:8]} == set(geo.AREA_NAMES.values())
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_view_xlsx_without_suppression_has_small_numbers(demo_db, tmp_path):
    book = openpyxl.load_workbook(export(demo_db, tmp_path / "x.xlsx", "view", *ONE_WEEK, "--no-suppress"))
    rows = list(book["Treffsteder"].iter_rows(values_only=True))[1:]
    counts = [r[3] for r in rows if r[1] is not None] + [r[4] for r in rows if r[1] is not None]
    assert SUPPRESSED not in counts
    assert any(isinstance(c, int) and 1 <= c < 5 for c in counts)


@pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")  # counts mixed with ':'
def test_view_geojson(demo_db, tmp_path):
    path = export(demo_db, tmp_path / "x.geojson", "view", *ONE_DAY)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["features"]
    for feature in doc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 10.5 < lon < 11.6 and 59.5 < lat < 60.5
        props = feature["properties"]
        assert_disclosure_safe([props["hits"], props.get("hits_before")], 5)
        if SUPPRESSED in (props["hits"], props.get("hits_before")):
            assert props.get("change") in (None, SUPPRESSED)
    assert any(SUPPRESSED in (f["properties"]["hits"], f["properties"].get("hits_before")) for f in doc["features"])
    frame = gpd.read_file(path)
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == len(doc["features"])
    assert "Lillestrøm stasjon" in set(frame["name"])

    unsuppressed = json.loads(export(demo_db, tmp_path / "alt.geojson", "view", *ONE_DAY, "--no-suppress").read_text())
    hits = [f["properties"]["hits"] for f in unsuppressed["features"]]
    assert all(isinstance(h, int) for h in hits) and any(1 <= h < 5 for h in hits)


def test_view_geojson_2023_counts_are_numbers(demo_db, tmp_path):
    doc = json.loads(export(demo_db, tmp_path / "x.geojson", "view", *YEAR_2023).read_text(encoding="utf-8"))
    by_id = {f["id"]: f["properties"] for f in doc["features"]}
    assert len(by_id) == 43
    assert by_id["lillestrom-stasjon"]["hits"] == 7359
    assert isinstance(by_id["lillestrom-stasjon"]["change"], float)


@pytest.mark.parametrize("name", ["x.pdf", "x.txt", "x"])
def test_view_unknown_file_type_is_a_usage_error(demo_db, tmp_path, capsys, name):
    with pytest.raises(SystemExit) as caught:
        main(["export", "view", *YEAR_2023, "-o", str(tmp_path / name), "--db", str(demo_db.path)])
    assert caught.value.code == 2
    assert ".csv" in capsys.readouterr().err
    assert not (tmp_path / name).exists()


def test_annual_unknown_file_type_is_a_usage_error(demo_db, tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["export", "annual", "--year", "2023", "-o", str(tmp_path / "x.geojson"), "--db", str(demo_db.path)])
    assert caught.value.code == 2


def test_view_on_a_missing_database_is_a_one_line_error(tmp_path, capsys):
    code = main(["export", "view", *YEAR_2023, "-o", str(tmp_path / "x.csv"), "--db", str(tmp_path / "nei.duckdb")])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


# --- export annual ------------------------------------------------------------------------------

def test_annual_csv_is_the_published_table(demo_db, tmp_path, published):
    table = pd.read_csv(export(demo_db, tmp_path / "x.csv", "annual", "--year", "2023"), sep=";", decimal=",",
                        encoding="utf-8-sig")
    assert list(table.columns) == ["Område", "Sted", "Antall treff"]
    assert len(table) == 18
    assert list(table.itertuples(index=False, name=None)) == published


def test_annual_xlsx_is_the_published_table(demo_db, tmp_path, published):
    book = openpyxl.load_workbook(export(demo_db, tmp_path / "x.xlsx", "annual", "--year", "2023"))
    assert book.sheetnames == ["Treff per sted", "Sammendrag"]
    rows = list(book["Treff per sted"].iter_rows(values_only=True))
    assert list(rows[0]) == ["Område", "Sted", "Antall treff"]
    assert [tuple(r) for r in rows[1:19]] == published
    assert all(isinstance(r[2], int) for r in rows[1:19])
    summary = {r[0]: r[1] for r in list(book["Sammendrag"].iter_rows(values_only=True))[1:] if r[0]}
    assert 33636 in summary.values()  # street and school in all
    assert sum(h for _, _, h in published) == 29903
    assert 33636 - 29903 in summary.values()  # not broken down


# --- formula injection --------------------------------------------------------------------------

EVIL = '=HYPERLINK("http://evil")'


@pytest.fixture
def evil_db(demo_copy) -> Database:
    update_hotspot(demo_copy, "lillestrom-stasjon", name=EVIL)
    update_hotspot(demo_copy, "stav-skole", name="+cmd")
    update_hotspot(demo_copy, "kjeller-skole", name="@SUM(A1:A9)")
    update_hotspot(demo_copy, "frogner-skole", name="-2+3")
    return demo_copy


def test_csv_neutralises_formulas_in_place_names(evil_db, tmp_path):
    text = export(evil_db, tmp_path / "x.csv", "view", *YEAR_2023).read_bytes().decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    for evil in (EVIL, "+cmd", "@SUM(A1:A9)", "-2+3"):
        assert "'" + evil in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


def test_xlsx_never_holds_a_formula(evil_db, tmp_path):
    path = export(evil_db, tmp_path / "x.xlsx", "view", *YEAR_2023)
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = [cell.value for cell in next(iter(book)).iter_rows(min_col=1, max_col=1) for cell in [cell[0]]]
    assert "'" + EVIL in names and "'+cmd" in names
    for cell in (c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value):
        assert cell.data_type == "s" and cell.value.startswith("'")
    with open(path, "rb") as handle:  # nothing in the file's XML is a formula element
        import zipfile

        with zipfile.ZipFile(handle) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_geojson_keeps_the_name_as_it_is(evil_db, tmp_path):
    doc = json.loads(export(evil_db, tmp_path / "x.geojson", "view", *YEAR_2023).read_text(encoding="utf-8"))
    assert {f["id"]: f["properties"]["name"] for f in doc["features"]}["lillestrom-stasjon"] == EVIL


def test_area_names_are_neutralised_too(demo_copy, tmp_path):
    """An area renamed by a geodata import lands in the 'Område' column of every export."""
    from dashboard.geodata_import import import_geodata

    doc = json.loads(geo.AREAS_PATH.read_text(encoding="utf-8"))
    for feature in doc["features"]:
        if feature["properties"]["id"] == "fetsund":
            feature["properties"]["name"] = "=1+1"
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert import_geodata(demo_copy, path).renamed == ["fetsund"]
    text = export(demo_copy, tmp_path / "x.csv", "view", *YEAR_2023, "--area", "fetsund").read_bytes().decode("utf-8-sig")
    areas = {row[2] for row in csv.reader(io.StringIO(text), delimiter=";")}
    assert "'=1+1" in areas and "=1+1" not in areas
    book = openpyxl.load_workbook(export(demo_copy, tmp_path / "x.xlsx", "view", *YEAR_2023, "--area", "fetsund"))
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)
    annual = export(demo_copy, tmp_path / "a.csv", "annual", "--year", "2023").read_bytes().decode("utf-8-sig")
    assert "\r\n'=1+1;" in annual
