"""``feltkart geodata import``: how another municipality brings its own areas and hotspots, from
GeoJSON or GeoPackage in any CRS, with a report of the changes and no orphaned history.

The official boundary files under ``../shared/geo/`` are test fixtures only (never copied into the
repository); the tests that need them skip when they are absent.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

from dashboard import geo
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.geodata_import import import_geodata

GEOD = Geod(ellps="WGS84")
FORMER = "geo/former_municipalities_2019.geojson"
MUNICIPALITY = "geo/lillestrom_kommune.geojson"
FORMER_IDS = {"0231": "Skedsmo", "0227": "Fet", "0226": "Sørum"}
# Bundled hotspots and the former municipality (2019) each lies in.
POINTS = {
    "lillestrom-stasjon": ("Lillestrøm stasjon", "station", "0231", (11.04603, 59.95366)),
    "fetsund-stasjon": ("Fetsund stasjon", "station", "0227", (11.16244, 59.92692)),
    "sorumsand-stasjon": ("Sørumsand stasjon", "station", "0226", (11.24023, 59.98576)),
    "frogner-stasjon": ("Frogner stasjon", "station", "0226", (11.1016, 60.0216)),
}


pytestmark = pytest.mark.usefixtures("clean_env")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str) -> None:
    assert code == 1, (out, err)
    assert "Traceback" not in err + out
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("feltkart:")


def areas_in(db: Database) -> dict[str, tuple[str, shapely.Geometry]]:
    with db.read() as con:
        rows = con.execute("SELECT id, name, geometry_geojson FROM areas ORDER BY sort_order").fetchall()
    return {r[0]: (r[1], shapely.from_geojson(r[2])) for r in rows}


def hotspots_in(db: Database) -> dict[str, dict]:
    with db.read() as con:
        rows = con.execute("SELECT id, name, kind, area_id, lon, lat FROM hotspots").fetchall()
    return {r[0]: dict(zip(("id", "name", "kind", "area_id", "lon", "lat"), r)) for r in rows}


def points_file(path: Path, ids, *, moved: dict | None = None, area_of: dict | None = None) -> Path:
    """A GeoJSON FeatureCollection of the ``POINTS`` named by ``ids``."""
    features = []
    for hotspot_id in ids:
        name, kind, area_id, (lon, lat) = POINTS[hotspot_id]
        lon, lat = (moved or {}).get(hotspot_id, (lon, lat))
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": {"id": hotspot_id, "name": name, "kind": kind,
                                        "area_id": (area_of or {}).get(hotspot_id, area_id)}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.fixture
def empty_db(tmp_path, capsys) -> Database:
    path = tmp_path / "tom.duckdb"
    code, _out, err = run(capsys, "init", "--empty", "--db", path)
    assert code == 0, err
    assert path.is_file()
    return Database(path)


@pytest.fixture
def former_db(empty_db, shared_dir, capsys) -> Database:
    """An empty database with the three former municipalities as its areas."""
    code, _out, err = run(capsys, "geodata", "import", shared_dir / FORMER, "--id-field", "kommunenummer_str",
                         "--name-field", "kommunenavn", "--json", "--db", empty_db.path)
    assert code == 0, err
    return empty_db


@pytest.fixture
def with_hotspots(former_db, tmp_path, capsys) -> Database:
    """Four hotspots in the former municipalities; registrations at 'lillestrom-stasjon' only."""
    code, out, err = run(capsys, "geodata", "import", points_file(tmp_path / "steder.geojson", POINTS), "--json",
                         "--db", former_db.path)
    assert code == 0, err
    csv_path = tmp_path / "treff.csv"
    out_text = io.StringIO()
    writer = csv.writer(out_text, delimiter=";", lineterminator="\r\n")
    writer.writerows([["Dato", "Klokkeslett", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall"],
                      ["04.03.2024", "18.30", "Lillestrøm stasjon", "gatefelt", "13-15", "gutt", "3"],
                      ["04.03.2024", "19.30", "lillestrom-stasjon", "gatefelt", "16-18", "jente", "2"]])
    csv_path.write_bytes(out_text.getvalue().encode("cp1252"))
    code, out, err = run(capsys, "import", csv_path, "--db", former_db.path)
    assert code == 0, (out, err)
    with former_db.read() as con:
        assert con.execute("SELECT count(*), sum(youth_count) FROM contacts WHERE hotspot_id = 'lillestrom-stasjon'"
                           ).fetchall()[0] == (2, 5)
    return former_db


# --- areas on an empty database -----------------------------------------------------------------

def test_empty_database_has_no_places(empty_db, capsys):
    assert areas_in(empty_db) == {}
    code, out, err = run(capsys, "places", "--json", "--db", empty_db.path)
    assert code == 0, err
    assert json.loads(out) == []


def test_official_former_municipalities_with_field_options(former_db, shared_dir):
    areas = areas_in(former_db)
    assert {k: v[0] for k, v in areas.items()} == FORMER_IDS
    official = gpd.read_file(shared_dir / FORMER).set_index("kommunenummer_str")
    for area_id, (_, geom) in areas.items():
        assert geom.equals_exact(official.at[area_id, "geometry"], 1e-9)
    # every point lies in the former municipality it belonged to
    for _, _, area_id, (lon, lat) in POINTS.values():
        assert areas[area_id][1].covers(shapely.Point(lon, lat))


def test_official_file_without_field_options_lists_its_properties(empty_db, shared_dir, capsys):
    version = empty_db.data_version()
    code, out, err = run(capsys, "geodata", "import", shared_dir / FORMER, "--db", empty_db.path)
    assert_one_line_error(code, out, err)
    for prop in ("kommunenummer", "kommunenavn", "kommunenummer_str"):
        assert prop in err
    assert "--id-field" in err
    assert areas_in(empty_db) == {}
    assert empty_db.data_version() == version


def test_unknown_field_option_is_refused(empty_db, shared_dir, capsys):
    code, out, err = run(capsys, "geodata", "import", shared_dir / FORMER, "--id-field", "knr",
                         "--name-field", "kommunenavn", "--db", empty_db.path)
    assert_one_line_error(code, out, err)
    assert "knr" in err and "kommunenummer_str" in err


def test_municipality_as_projected_geopackage_replaces_the_areas(former_db, shared_dir, tmp_path, capsys):
    """EPSG:25833 GeoPackage in, WGS84 stored: the round trip keeps the outline within 1e-5 degrees."""
    original = gpd.read_file(shared_dir / MUNICIPALITY)
    gpkg = tmp_path / "kommune.gpkg"
    original[["id", "name", "geometry"]].to_crs("EPSG:25833").to_file(gpkg, driver="GPKG")
    assert gpd.read_file(gpkg).crs.to_epsg() == 25833

    version = former_db.data_version()
    code, out, err = run(capsys, "geodata", "import", gpkg, "--replace", "--dry-run", "--json", "--db", former_db.path)
    assert code == 0, err
    planned = json.loads(out)
    assert planned["layer"] == "areas"
    assert planned["added"] == ["3205"] and sorted(planned["removed"]) == sorted(FORMER_IDS)
    assert set(areas_in(former_db)) == set(FORMER_IDS)  # a dry run writes nothing
    assert former_db.data_version() == version

    code, out, err = run(capsys, "geodata", "import", gpkg, "--replace", "--json", "--db", former_db.path)
    assert code == 0, err
    assert json.loads(out) == planned
    areas = areas_in(former_db)
    assert list(areas) == ["3205"]
    name, stored = areas["3205"]
    assert name == "Lillestrøm"
    source = original.geometry.iloc[0]
    assert stored.geom_type == source.geom_type
    assert len(shapely.get_coordinates(stored)) == len(shapely.get_coordinates(source))
    assert shapely.hausdorff_distance(stored, source) < 1e-5
    assert stored.equals_exact(source, 1e-5)
    assert former_db.data_version() > version


def test_dry_run_text_reports_in_norwegian(former_db, shared_dir, capsys):
    code, out, err = run(capsys, "geodata", "import", shared_dir / MUNICIPALITY, "--dry-run", "--db", former_db.path)
    assert code == 0, err
    assert out.startswith("Områder: 1 nye, 0 fjernet")
    assert "3 beholdt" in out
    assert "3205" not in areas_in(former_db)


def test_merge_keeps_areas_missing_from_the_file(former_db, shared_dir):
    changes = import_geodata(former_db, shared_dir / MUNICIPALITY)
    assert changes.added == ["3205"] and sorted(changes.kept) == sorted(FORMER_IDS) and changes.removed == []
    assert set(areas_in(former_db)) == {*FORMER_IDS, "3205"}


# --- hotspots -----------------------------------------------------------------------------------

def test_hotspots_import_into_the_imported_areas(former_db, tmp_path, capsys):
    version = former_db.data_version()
    path = points_file(tmp_path / "steder.geojson", POINTS)
    code, out, err = run(capsys, "geodata", "import", path, "--json", "--db", former_db.path)
    assert code == 0, err
    changes = json.loads(out)
    assert changes["layer"] == "hotspots"
    assert sorted(changes["added"]) == sorted(POINTS)
    stored = hotspots_in(former_db)
    assert set(stored) == set(POINTS)
    for hotspot_id, (name, kind, area_id, (lon, lat)) in POINTS.items():
        row = stored[hotspot_id]
        assert (row["name"], row["kind"], row["area_id"]) == (name, kind, area_id)
        assert (row["lon"], row["lat"]) == pytest.approx((lon, lat), abs=1e-6)
    assert former_db.data_version() > version
    code, out, _ = run(capsys, "places", "--json", "--db", former_db.path)
    assert {p["id"] for p in json.loads(out)} == set(POINTS)


def test_a_hotspot_outside_its_area_is_refused(former_db, tmp_path, capsys):
    path = points_file(tmp_path / "feil.geojson", POINTS, area_of={"fetsund-stasjon": "0231"})
    code, out, err = run(capsys, "geodata", "import", path, "--db", former_db.path)
    assert_one_line_error(code, out, err)
    assert "fetsund-stasjon" in err and "0227" in err  # names the place and the area it is really in
    assert hotspots_in(former_db) == {}  # nothing of the file is written


def test_a_hotspot_in_an_unknown_area_is_refused(former_db, tmp_path, capsys):
    path = points_file(tmp_path / "feil.geojson", ["lillestrom-stasjon"], area_of={"lillestrom-stasjon": "atlantis"})
    code, out, err = run(capsys, "geodata", "import", path, "--db", former_db.path)
    assert_one_line_error(code, out, err)
    assert "atlantis" in err
    assert hotspots_in(former_db) == {}


def test_replace_refuses_to_remove_a_hotspot_with_registrations(with_hotspots, tmp_path, capsys):
    version = with_hotspots.data_version()
    path = points_file(tmp_path / "uten-stasjonen.geojson", ["fetsund-stasjon", "sorumsand-stasjon", "frogner-stasjon"])
    code, out, err = run(capsys, "geodata", "import", path, "--replace", "--db", with_hotspots.path)
    assert_one_line_error(code, out, err)
    assert "lillestrom-stasjon" in err
    with pytest.raises(FeltkartError) as caught:
        import_geodata(with_hotspots, path, replace=True, dry_run=True)
    assert caught.value.key == "geodata.in_use"
    assert set(hotspots_in(with_hotspots)) == set(POINTS)
    assert with_hotspots.data_version() == version


def test_replace_removes_a_hotspot_without_registrations(with_hotspots, tmp_path, capsys):
    path = points_file(tmp_path / "uten-frogner.geojson", ["lillestrom-stasjon", "fetsund-stasjon", "sorumsand-stasjon"])
    code, out, err = run(capsys, "geodata", "import", path, "--replace", "--json", "--db", with_hotspots.path)
    assert code == 0, err
    changes = json.loads(out)
    assert changes["removed"] == ["frogner-stasjon"]
    assert changes["unchanged"] == 3 and changes["kept"] == []
    assert set(hotspots_in(with_hotspots)) == set(POINTS) - {"frogner-stasjon"}
    with with_hotspots.read() as con:  # the registrations are still there, at their place
        assert con.execute("SELECT count(*) FROM contacts WHERE hotspot_id = 'lillestrom-stasjon'").fetchall()[0][0] == 2


def test_replace_refuses_to_remove_an_area_holding_hotspots(with_hotspots, shared_dir, capsys):
    code, _out, _err = run(capsys, "geodata", "import", shared_dir / MUNICIPALITY, "--replace", "--db",
                         with_hotspots.path)
    assert code == 1
    assert set(areas_in(with_hotspots)) == set(FORMER_IDS)


def test_merge_keeps_hotspots_missing_from_the_file(with_hotspots, tmp_path, capsys):
    moved = {"fetsund-stasjon": (11.16300, 59.92700)}
    path = points_file(tmp_path / "en.geojson", ["fetsund-stasjon"], moved=moved)
    code, out, err = run(capsys, "geodata", "import", path, "--json", "--db", with_hotspots.path)
    assert code == 0, err
    changes = json.loads(out)
    assert changes["moved"] == ["fetsund-stasjon"]
    assert sorted(changes["kept"]) == sorted(set(POINTS) - {"fetsund-stasjon"})
    assert changes["removed"] == []
    stored = hotspots_in(with_hotspots)
    assert set(stored) == set(POINTS)
    assert (stored["fetsund-stasjon"]["lon"], stored["fetsund-stasjon"]["lat"]) == pytest.approx(moved["fetsund-stasjon"])
    code, out, err = run(capsys, "geodata", "import", path, "--db", with_hotspots.path)
    assert code == 0, err
    assert "3 beholdt (ikke i fila)" in out and "1 uendret" in out


def test_mixed_points_and_polygons_are_refused(former_db, shared_dir, tmp_path, capsys):
    municipality = json.loads((shared_dir / MUNICIPALITY).read_text(encoding="utf-8"))
    points = json.loads(points_file(tmp_path / "p.geojson", ["lillestrom-stasjon"]).read_text(encoding="utf-8"))
    mixed = {"type": "FeatureCollection", "features": municipality["features"] + points["features"]}
    path = tmp_path / "blandet.geojson"
    path.write_text(json.dumps(mixed), encoding="utf-8")
    code, out, err = run(capsys, "geodata", "import", path, "--db", former_db.path)
    assert_one_line_error(code, out, err)
    assert "Point" in err and "Polygon" in err
    assert set(areas_in(former_db)) == set(FORMER_IDS) and hotspots_in(former_db) == {}


def _points_frame(ids, crs="EPSG:4326") -> gpd.GeoDataFrame:
    rows = [POINTS[i] for i in ids]
    frame = gpd.GeoDataFrame({"id": list(ids), "name": [r[0] for r in rows], "kind": [r[1] for r in rows],
                              "area_id": [r[2] for r in rows]},
                             geometry=[shapely.Point(*r[3]) for r in rows], crs="EPSG:4326")
    return frame.to_crs(crs)


def test_a_geopackage_with_two_layers_needs_a_layer(former_db, tmp_path, capsys):
    path = tmp_path / "to-lag.gpkg"
    _points_frame(["lillestrom-stasjon"], "EPSG:25833").to_file(path, layer="treffsteder", driver="GPKG")
    _points_frame(["fetsund-stasjon"], "EPSG:25833").to_file(path, layer="utkast", driver="GPKG")
    code, out, err = run(capsys, "geodata", "import", path, "--db", former_db.path)
    assert_one_line_error(code, out, err)
    assert "treffsteder" in err and "utkast" in err
    assert hotspots_in(former_db) == {}

    code, out, err = run(capsys, "geodata", "import", path, "--layer", "treffsteder", "--json", "--db", former_db.path)
    assert code == 0, err
    stored = hotspots_in(former_db)
    assert list(stored) == ["lillestrom-stasjon"]
    lon, lat = POINTS["lillestrom-stasjon"][3]
    assert GEOD.inv(stored["lillestrom-stasjon"]["lon"], stored["lillestrom-stasjon"]["lat"], lon, lat)[2] < 0.2


def test_a_geopackage_without_a_crs_is_refused(former_db, tmp_path, capsys):
    path = tmp_path / "uten-crs.gpkg"
    frame = _points_frame(["lillestrom-stasjon"], "EPSG:25833").set_crs(None, allow_override=True)
    with pytest.warns(UserWarning):
        frame.to_file(path, driver="GPKG")
    assert gpd.read_file(path).crs is None
    code, out, err = run(capsys, "geodata", "import", path, "--db", former_db.path)
    assert_one_line_error(code, out, err)
    assert "EPSG:25833" in err or "coordinate reference system" in err
    assert hotspots_in(former_db) == {}


def test_hotspots_before_any_area_are_refused(empty_db, tmp_path, capsys):
    code, out, err = run(capsys, "geodata", "import", points_file(tmp_path / "p.geojson", ["lillestrom-stasjon"]),
                         "--db", empty_db.path)
    assert_one_line_error(code, out, err)
    assert hotspots_in(empty_db) == {}


def test_a_missing_file_is_a_one_line_error(empty_db, tmp_path, capsys):
    code, out, err = run(capsys, "geodata", "import", tmp_path / "finnes-ikke.geojson", "--db", empty_db.path)
    assert_one_line_error(code, out, err)


# --- the bundled geodata against the demo database ----------------------------------------------

def test_reimporting_the_bundled_files_changes_nothing(demo_copy, capsys):
    before = (areas_in(demo_copy), hotspots_in(demo_copy))
    for path, layer, count in ((geo.AREAS_PATH, "areas", 7), (geo.HOTSPOTS_PATH, "hotspots", 43)):
        code, out, err = run(capsys, "geodata", "import", path, "--json", "--db", demo_copy.path)
        assert code == 0, err
        changes = json.loads(out)
        assert changes == {"layer": layer, "added": [], "removed": [], "renamed": [], "moved": [],
                           "reclassified": [], "unchanged": count, "kept": []}
    after = (areas_in(demo_copy), hotspots_in(demo_copy))
    assert after[1] == before[1]
    assert {k: v[0] for k, v in after[0].items()} == {k: v[0] for k, v in before[0].items()}


def test_moving_a_bundled_hotspot_50_m_is_reported_and_stored(demo_copy, tmp_path, capsys):
    doc = json.loads(geo.HOTSPOTS_PATH.read_text(encoding="utf-8"))
    feature = next(f for f in doc["features"] if f["properties"]["id"] == "lillestrom-stasjon")
    lon, lat = feature["geometry"]["coordinates"]
    new_lon, new_lat, _ = GEOD.fwd(lon, lat, 0, 50)  # 50 m due north
    feature["geometry"]["coordinates"] = [round(new_lon, 6), round(new_lat, 6)]
    path = tmp_path / "hotspots.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    code, out, err = run(capsys, "geodata", "import", path, "--dry-run", "--json", "--db", demo_copy.path)
    assert code == 0, err
    assert json.loads(out)["moved"] == ["lillestrom-stasjon"]
    assert hotspots_in(demo_copy)["lillestrom-stasjon"]["lat"] == pytest.approx(lat, abs=1e-7)

    with demo_copy.read() as con:
        registrations = con.execute("SELECT count(*), sum(youth_count) FROM contacts "
                                    "WHERE hotspot_id = 'lillestrom-stasjon'").fetchall()[0]
    code, out, err = run(capsys, "geodata", "import", path, "--json", "--db", demo_copy.path)
    assert code == 0, err
    changes = json.loads(out)
    assert changes["moved"] == ["lillestrom-stasjon"]
    assert changes["unchanged"] == 42 and changes["added"] == changes["removed"] == []
    stored = hotspots_in(demo_copy)["lillestrom-stasjon"]
    assert GEOD.inv(stored["lon"], stored["lat"], new_lon, new_lat)[2] < 0.2
    assert 49 < GEOD.inv(stored["lon"], stored["lat"], lon, lat)[2] < 51
    assert stored["area_id"] == "lillestrom-stasjon"
    with demo_copy.read() as con:
        assert con.execute("SELECT count(*), sum(youth_count) FROM contacts "
                           "WHERE hotspot_id = 'lillestrom-stasjon'").fetchall()[0] == registrations

# Whether every bundled hotspot lies inside the official municipality boundary is checked in
# tests/test_geo.py (test_hotspots_inside_municipality).
