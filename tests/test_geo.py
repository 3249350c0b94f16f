"""Tests for dashboard.geo and the bundled geodata files."""

import itertools
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from dashboard.places import load_report_rows
from dashboard.geo import (
    AREA_IDS,
    AREA_NAMES,
    HOTSPOT_KINDS,
    GeodataError,
    area_of_point,
    derive_areas,
    load_areas,
    load_hotspots,
    validate_against_areas,
)

MUNICIPALITY_PATH = Path(__file__).resolve().parents[2] / "shared/geo/lillestrom_kommune.geojson"
OVERLAP_TOLERANCE_M2 = 1.0
INSIDE_MUNICIPALITY_MIN_SHARE = 0.90


@pytest.fixture(scope="module")
def hotspots():
    return load_hotspots()


@pytest.fixture(scope="module")
def areas():
    return load_areas()


@pytest.fixture(scope="module")
def municipality():
    if not MUNICIPALITY_PATH.is_file():
        pytest.skip(f"official boundary fixture not available at {MUNICIPALITY_PATH}")
    return gpd.read_file(MUNICIPALITY_PATH).to_crs(4326).union_all()


def _hotspot(fid="a", kind="school", area_id="fetsund", lon=11.1625, lat=59.92889):
    return {
        "type": "Feature",
        "properties": {"id": fid, "name": fid.title(), "kind": kind, "area_id": area_id,
                       "approximate": False, "source": "test"},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _write(tmp_path, features, name="test.geojson", **extra):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}))
    return path


# --- bundled files ---------------------------------------------------------------------------

def test_bundled_files_load_and_validate(hotspots, areas):
    validate_against_areas(hotspots, areas)
    assert list(areas["id"]) == list(AREA_IDS)
    assert list(areas["name"]) == [AREA_NAMES[i] for i in AREA_IDS]
    assert hotspots.crs.to_epsg() == 4326 and areas.crs.to_epsg() == 4326


def test_hotspots_content(hotspots):
    assert len(hotspots) == 43
    assert hotspots["id"].is_unique
    assert set(hotspots["kind"]) <= set(HOTSPOT_KINDS)
    report_rows = load_report_rows(hotspot_ids=set(hotspots["id"]))
    school_rows = report_rows[report_rows["channel"] == "school"]
    assert (hotspots.set_index("id").loc[school_rows["hotspot_id"], "kind"] == "school").all()
    assert hotspots["approximate"].dtype == bool
    assert hotspots["source"].notna().all()
    assert not hotspots.geometry.duplicated().any()
    estimates = hotspots[hotspots["source"].str.startswith("estimate")]
    assert estimates["approximate"].all()


def test_each_hotspot_in_its_own_area_only(hotspots, areas):
    for row in hotspots.itertuples():
        containing = [aid for aid, geom in zip(areas["id"], areas.geometry) if geom.covers(row.geometry)]
        assert containing == [row.area_id], row.id
        assert area_of_point(row.geometry.x, row.geometry.y, areas) == row.area_id


def test_areas_do_not_overlap(areas):
    projected = areas.to_crs("EPSG:25833")
    for (id_a, a), (id_b, b) in itertools.combinations(zip(projected["id"], projected.geometry), 2):
        assert a.intersection(b).area < OVERLAP_TOLERANCE_M2, (id_a, id_b)


def test_derive_areas_reproduces_bundled_file(hotspots, areas):
    derived = derive_areas(hotspots)
    assert list(derived["id"]) == list(areas["id"])
    for area_id, got, expected in zip(derived["id"], derived.geometry, areas.geometry):
        assert shapely.equals_exact(got.normalize(), expected.normalize(), tolerance=1e-6), area_id


def test_area_of_point_outside_everything(areas):
    assert area_of_point(10.75, 59.91, areas) is None  # Oslo sentrum


def test_hotspots_inside_municipality(hotspots, municipality):
    outside = hotspots.loc[~hotspots.within(municipality), "id"].tolist()
    assert outside == []


def test_areas_mostly_inside_municipality(areas, municipality):
    projected = areas.to_crs("EPSG:25833")
    boundary = gpd.GeoSeries([municipality], crs=4326).to_crs("EPSG:25833").iloc[0]
    union = projected.union_all()
    assert union.intersection(boundary).area / union.area > INSIDE_MUNICIPALITY_MIN_SHARE


# --- validation errors -----------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(GeodataError, match="not found"):
        load_hotspots(tmp_path / "nope.geojson")


def test_broken_json(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(GeodataError, match=r"broken\.geojson: not valid JSON"):
        load_hotspots(path)


def test_not_a_feature_collection(tmp_path):
    path = tmp_path / "point.geojson"
    path.write_text(json.dumps({"type": "Point", "coordinates": [11, 60]}))
    with pytest.raises(GeodataError, match="not a GeoJSON FeatureCollection"):
        load_hotspots(path)


def test_wrong_crs_names_both(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}
    path = _write(tmp_path, [_hotspot(lon=615000, lat=6650000)], crs=crs)
    with pytest.raises(GeodataError, match=r"CRS is EPSG:25833, expected WGS84.*EPSG:4326"):
        load_hotspots(path)


def test_projected_coordinates_without_crs_member(tmp_path):
    path = _write(tmp_path, [_hotspot(lon=615000, lat=6650000)])
    with pytest.raises(GeodataError, match=r"id 'a'.*outside the lon/lat range"):
        load_hotspots(path)


def test_duplicate_id(tmp_path):
    path = _write(tmp_path, [_hotspot("a"), _hotspot("b", lat=59.93), _hotspot("a", lat=59.94)])
    with pytest.raises(GeodataError, match=r"duplicate id 'a' \(features\[0\] and \[2\]\)"):
        load_hotspots(path)


def test_missing_id(tmp_path):
    feature = _hotspot("a")
    feature["properties"]["id"] = None
    path = _write(tmp_path, [_hotspot("b"), feature])
    with pytest.raises(GeodataError, match=r"features\[1\] has a missing or empty 'id'"):
        load_hotspots(path)


def test_unknown_kind(tmp_path):
    path = _write(tmp_path, [_hotspot("a"), _hotspot("b", kind="pub")])
    with pytest.raises(GeodataError, match=r"features\[1\] \(id 'b'\) has unknown kind 'pub'"):
        load_hotspots(path)


def test_unknown_area_id(tmp_path):
    path = _write(tmp_path, [_hotspot("a", area_id="oslo")])
    with pytest.raises(GeodataError, match=r"unknown area_id 'oslo'; expected one of skedsmokorset"):
        load_hotspots(path)


def test_wrong_geometry_type(tmp_path):
    feature = _hotspot("a")
    feature["geometry"] = {"type": "LineString", "coordinates": [[11.1, 59.9], [11.2, 59.9]]}
    path = _write(tmp_path, [feature])
    with pytest.raises(GeodataError, match="is a LineString, expected Point"):
        load_hotspots(path)


def test_invalid_self_intersecting_polygon(tmp_path):
    bowtie = [[[11.10, 59.90], [11.20, 60.00], [11.20, 59.90], [11.10, 60.00], [11.10, 59.90]]]
    feature = {"type": "Feature", "properties": {"id": "fetsund", "name": "Fetsund"},
               "geometry": {"type": "Polygon", "coordinates": bowtie}}
    path = _write(tmp_path, [feature], name="areas.geojson")
    with pytest.raises(GeodataError, match=r"areas\.geojson: features\[0\] \(id 'fetsund'\) has an invalid geometry"):
        load_areas(path)


def test_missing_area(tmp_path, areas):
    features = json.loads(areas.iloc[:-1].to_json(drop_id=True))["features"]
    path = _write(tmp_path, features, name="areas.geojson")
    with pytest.raises(GeodataError, match="no polygon for area.*lillestrom-stasjon"):
        load_areas(path)


def test_hotspot_outside_its_area(tmp_path, areas):
    # Lillestrøm stasjon's coordinates, but claimed for Skedsmokorset.
    path = _write(tmp_path, [_hotspot("misplaced", area_id="skedsmokorset", lon=11.04603, lat=59.95366)])
    hotspots = load_hotspots(path)
    with pytest.raises(GeodataError, match="'misplaced'.*outside its area 'skedsmokorset'.*lillestrom-stasjon"):
        validate_against_areas(hotspots, areas)
