"""The hotspot map: built from small hand-made frames, checked on the map object and its HTML."""

from __future__ import annotations

import json
import math
import re

import folium
import numpy as np
import pandas as pd
import pytest

from dashboard import geo, maps, static_assets
from dashboard.static_assets import STATIC_URL

NBSP = "\u00a0"


def hotspot_rows(**overrides) -> dict:
    row = {
        "hotspot_id": "stasjon", "name": "Lillestrøm stasjon", "kind": "station",
        "kind_label": "Stasjon", "area_id": "lillestrom-stasjon",
        "area_name": "Lillestrøm stasjonsområde", "lon": 11.0497, "lat": 59.9532,
        "approximate": False, "hits": 100, "hits_before": np.nan, "change_z": np.nan,
        "change_significant": False, "busiest": "fredag kl. 21–22",
        "age_mix": "13–15 år 62 %, 16–18 år 30 %", "notes": [],
    }
    row.update(overrides)
    return row


@pytest.fixture
def hotspots() -> pd.DataFrame:
    def z(now, before):
        return 2 * (math.sqrt(now) - math.sqrt(before))

    return pd.DataFrame([
        hotspot_rows(hotspot_id="stasjon", hits=7359, hits_before=5333,
                     change_z=z(7359, 5333), change_significant=True,
                     notes=["Mange samlet ved perrongen", "Rolig kveld"]),
        hotspot_rows(hotspot_id="gagata", name="Gågata", lon=11.0560, lat=59.9560,
                     approximate=True, hits=138, hits_before=100, change_z=z(138, 100),
                     change_significant=True),
        hotspot_rows(hotspot_id="torget", name="Torget", lon=11.0600, lat=59.9580,
                     hits=40, hits_before=50, change_z=z(40, 50), change_significant=False),
        hotspot_rows(hotspot_id="skolen", name="Skolen", lon=11.0700, lat=59.9600,
                     hits=10, hits_before=60, change_z=z(10, 60), change_significant=True),
        hotspot_rows(hotspot_id="parken", name="Parken", lon=11.0400, lat=59.9500, hits=5,
                     busiest="", age_mix="", notes=None),
    ])


@pytest.fixture
def areas() -> pd.DataFrame:
    def square(x, y, d=0.02):
        return json.dumps({"type": "Polygon", "coordinates": [
            [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})

    return pd.DataFrame({
        "area_id": ["lillestrom-stasjon", "fetsund"],
        "area_name": ["Lillestrøm stasjonsområde", "Fetsund"],
        "geometry_geojson": [square(11.03, 59.94), square(11.10, 59.92)],
        "hits": [7552, 120],
        "hits_before": [5500, np.nan],
        "change_z": [2 * (math.sqrt(7552) - math.sqrt(5500)), np.nan],
        "change_significant": [True, False],
    })


def geojson_layers(m: folium.Map) -> dict[str, folium.GeoJson]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, folium.GeoJson)}


def hotspot_features(m: folium.Map) -> dict[str, dict]:
    layer = geojson_layers(m)["Treffsteder"]
    return {f["properties"]["hotspot_id"]: f for f in layer.data["features"]}


def hotspot_styles(m: folium.Map) -> dict[str, dict]:
    layer = geojson_layers(m)["Treffsteder"]
    return {hid: layer.style_function(f) for hid, f in hotspot_features(m).items()}


def js_unescaped(text: str) -> str:
    """The page as the browser's JS engine sees the strings (tojson escapes <, >, &, ')."""
    for code, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ("\\u0027", "'")):
        text = text.replace(code, char)
    return text


# --- offline: no CDN --------------------------------------------------------------------------

@pytest.mark.parametrize("basemap", sorted(maps.BASEMAPS))
def test_no_cdn_asset_for_any_basemap(hotspots, areas, basemap):
    m = maps.build_hotspot_map(hotspots, areas, basemap=basemap)
    maps.add_density_layer(m, hotspots[["lon", "lat", "hits"]], "Tetthet")
    urls = maps.map_asset_urls(m)
    assert f"{STATIC_URL}/leaflet.js" in urls
    assert f"{STATIC_URL}/leaflet.css" in urls
    assert f"{STATIC_URL}/jquery.min.js" in urls
    assert all(url.startswith(STATIC_URL + "/") for url in urls), urls
    assert static_assets.remote_asset_urls(m.get_root().render()) == []


def test_use_local_assets_overrides_folium_defaults():
    static_assets.use_local_assets()
    for cls in (folium.Map, folium.GeoJson, folium.GeoJsonTooltip, folium.LayerControl):
        for _, url in getattr(cls, "default_js", []) + getattr(cls, "default_css", []):
            assert not url.startswith(("http:", "https:", "//")), (cls, url)
    assert dict(folium.Map.default_js)["jquery"] == f"{STATIC_URL}/jquery.min.js"


def test_basemap_none_has_no_tiles_and_no_other_host(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas, basemap="none")
    assert not [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    page = m.get_root().render()
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+", page) == []
    assert m.options["maxZoom"] == 18 and m.options["minZoom"] == 3


def test_kartverket_is_the_default_basemap(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas)
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1
    assert tiles[0].tiles == (
        "https://cache.kartverket.no/v1/wmts/1.0.0/topograatone/default/webmercator/{z}/{y}/{x}.png")
    assert tiles[0].options["attribution"] == "© Kartverket"
    page = m.get_root().render()
    assert "cache.kartverket.no" in page and '"attribution": "\\u00a9 Kartverket"' in page


def test_osm_basemap_attribution(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas, basemap="osm")
    (tiles,) = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert "tile.openstreetmap.org" in tiles.tiles
    assert "OpenStreetMap</a>-bidragsytere" in tiles.options["attribution"]


def test_unknown_basemap_and_missing_column_are_named(hotspots, areas):
    with pytest.raises(ValueError, match="basemap: got 'google'"):
        maps.build_hotspot_map(hotspots, areas, basemap="google")
    with pytest.raises(ValueError, match="missing column.*change_z"):
        maps.build_hotspot_map(hotspots.drop(columns="change_z"), areas)
    with pytest.raises(ValueError, match="duplicate hotspot_id"):
        maps.build_hotspot_map(pd.concat([hotspots, hotspots.head(1)]), areas)


# --- markers -----------------------------------------------------------------------------------

def test_one_marker_feature_per_hotspot_in_one_layer(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas)
    layer = geojson_layers(m)["Treffsteder"]
    assert isinstance(layer.marker, folium.CircleMarker)
    assert sorted(hotspot_features(m)) == sorted(hotspots["hotspot_id"])
    assert not [c for c in m._children.values() if isinstance(c, folium.CircleMarker)]


def test_radius_grows_with_hits(hotspots, areas):
    styles = hotspot_styles(maps.build_hotspot_map(hotspots, areas))
    by_hits = hotspots.sort_values("hits")["hotspot_id"]
    radii = [styles[h]["radius"] for h in by_hits]
    assert radii == sorted(radii) and len(set(radii)) == len(radii)
    assert radii[-1] == maps.MARKER_RADIUS_MIN_PX + maps.MARKER_RADIUS_RANGE_PX
    # area-proportional: a quarter of the hits gives half the extra radius
    assert maps.marker_radius_px(25, 100) == maps.MARKER_RADIUS_MIN_PX + maps.MARKER_RADIUS_RANGE_PX / 2


def test_colours_follow_the_change_rules(hotspots, areas):
    styles = hotspot_styles(maps.build_hotspot_map(hotspots, areas))
    colours = maps.MARKER_COLOURS
    assert styles["stasjon"]["fillColor"] == colours["rise"]
    assert styles["skolen"]["fillColor"] == colours["fall"]
    assert styles["torget"]["fillColor"] == colours["stable"]  # z < 2: not significant
    assert styles["parken"]["fillColor"] == colours["none"]  # no comparison period
    assert len(set(colours.values())) == 4
    # The exact test's verdict decides, never the z-score alone (it only gives the direction).
    assert maps.change_class(2.5, 10, True) == "rise" and maps.change_class(2.5, 10, False) == "stable"
    assert maps.change_class(1.5, 10, True) == "rise" and maps.change_class(9.0, 10, float("nan")) == "stable"
    assert maps.change_class(-2.0, 10, True) == "fall" and maps.change_class(float("nan"), 10, False) == "none"
    assert maps.change_class(3.0, float("nan"), True) == "none"  # nothing to compare with: never coloured


def test_no_data_in_the_comparison_period_colours_nothing_and_says_why(hotspots, areas):
    reason = "ingen data i sammenligningsperioden"
    no_data = hotspots.assign(hits_before=np.nan, change_z=np.nan, change_significant=False, change_label=reason)
    areas = areas.assign(hits_before=np.nan, change_z=np.nan, change_significant=False, change_label=reason)
    m = maps.build_hotspot_map(no_data, areas, area_metric="change")
    assert {style["fillColor"] for style in hotspot_styles(m).values()} == {maps.MARKER_COLOURS["none"]}
    assert all(f"Endring: {reason}" in f["properties"]["tooltip"] for f in hotspot_features(m).values())
    layer = geojson_layers(m)["Områder"]
    assert {f["properties"]["fill"] for f in layer.data["features"]} == {maps.NO_DATA_FILL}
    assert all(reason in f["properties"]["tooltip"] for f in layer.data["features"])
    assert "Ingen sammenligning eller ingen data" in m._children["legend"].body


def test_area_change_colours_follow_the_exact_test_not_the_z_score(hotspots, areas):
    # z = 3 but not significant: at most a "weak" rise; z = 1.5 and significant: a clear one.
    areas = areas.assign(hits_before=[5500, 100], change_z=[3.0, 1.5], change_significant=[False, True])
    layer = geojson_layers(maps.build_hotspot_map(hotspots, areas, area_metric="change"))["Områder"]
    fills = {f["id"]: f["properties"]["fill"] for f in layer.data["features"]}
    assert fills == {"lillestrom-stasjon": maps.CHANGE_PALETTE[3], "fetsund": maps.CHANGE_PALETTE[4]}


def test_tooltips_say_it_in_words(hotspots, areas):
    features = hotspot_features(maps.build_hotspot_map(hotspots, areas))
    station = features["stasjon"]["properties"]["tooltip"]
    for text in ("Lillestrøm stasjon", "Stasjon", "Lillestrøm stasjonsområde", f"Treff: 7{NBSP}359",
                 f"+38,0{NBSP}% (tydelig økning)", "fredag kl. 21–22", "13–15 år 62 %",
                 "Mange samlet ved perrongen"):
        assert text in station, text
    assert "omtrentlig plassering" not in station
    gagata = features["gagata"]["properties"]["tooltip"]
    assert "(omtrentlig plassering)" in gagata and f"+38,0{NBSP}%" in gagata
    assert "Endring: ingen tydelig endring" in features["torget"]["properties"]["tooltip"]
    assert "−" not in features["torget"]["properties"]["tooltip"]  # no sign when not significant
    assert f"−83,3{NBSP}% (tydelig nedgang)" in features["skolen"]["properties"]["tooltip"]
    parken = features["parken"]["properties"]["tooltip"]
    assert "ingen sammenligning" in parken and "Travlest" not in parken and "notater" not in parken


def test_tooltips_in_english(hotspots, areas):
    features = hotspot_features(maps.build_hotspot_map(hotspots, areas, lang="en",
                                                       labels={"layer_hotspots": "Treffsteder"}))
    assert "Hits: 7,359" in features["stasjon"]["properties"]["tooltip"]
    assert "(approximate location)" in features["gagata"]["properties"]["tooltip"]


def test_notes_are_limited_and_shortened(hotspots, areas):
    hotspots.at[0, "notes"] = ["a" * 500, "two", "three", "four"]
    tooltip = hotspot_features(maps.build_hotspot_map(hotspots, areas))["stasjon"]["properties"]["tooltip"]
    assert tooltip.count("<li>") == maps.NOTES_SHOWN_MAX and "four" not in tooltip
    assert "a" * maps.NOTE_SHOWN_MAX_CHARS not in tooltip and "…" in tooltip


def test_user_strings_are_escaped(hotspots, areas):
    hotspots.at[0, "name"] = "<script>alert(1)</script>"
    hotspots.at[1, "notes"] = ["<img src=x onerror=alert(1)>"]
    hotspots.at[2, "busiest"] = '"><svg onload=alert(2)>'
    areas.at[1, "area_name"] = "<b onmouseover=alert(3)>Fetsund</b>"
    page = js_unescaped(maps.build_hotspot_map(hotspots, areas).get_root().render())
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<svg onload" not in page and "&lt;svg onload=alert(2)&gt;" in page
    assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(3)&gt;" in page


def test_template_syntax_in_data_is_not_evaluated(hotspots, areas):
    # branca compiles rendered scripts again as Jinja templates
    hotspots.at[0, "name"] = "Sted {{ 7*7 }}"
    hotspots.at[1, "notes"] = ["{% raw %} and {# comment"]
    page = js_unescaped(maps.build_hotspot_map(hotspots, areas).get_root().render())
    assert "Sted &#123;&#123; 7*7 &#125;&#125;" in page and "Sted 49" not in page
    assert "&#123;% raw %&#125; and &#123;# comment" in page
    with pytest.raises(ValueError, match="must not contain"):
        maps.build_hotspot_map(hotspots.assign(hotspot_id=["{{x}}", "b", "c", "d", "e"]), areas)


def test_selected_hotspot_is_outlined(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas, selected_id="torget")
    styles = hotspot_styles(m)
    assert styles["torget"]["color"] == maps.SELECTED_OUTLINE
    assert styles["torget"]["weight"] > styles["stasjon"]["weight"]
    assert geojson_layers(m)["Treffsteder"].data["features"][-1]["id"] == "torget"  # drawn on top
    assert styles["gagata"]["dashArray"]  # approximate: dashed outline


# --- areas, legend, layer control ---------------------------------------------------------------

def test_area_choropleth_by_hits_and_change(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas, area_metric="hits")
    layer = geojson_layers(m)["Områder"]
    fills = {f["id"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}
    # 7 552 hits: classes of 2 000, so the fourth class (6 000–7 999)
    assert fills == {"lillestrom-stasjon": maps.HITS_PALETTE[3], "fetsund": maps.HITS_PALETTE[0]}
    style = layer.style_function(layer.data["features"][0])
    assert style["weight"] <= 1 and 0 < style["fillOpacity"] < 1
    tooltip = layer.data["features"][0]["properties"]["tooltip"]
    assert f"Treff: 7{NBSP}552" in tooltip and "(tydelig økning)" in tooltip

    m = maps.build_hotspot_map(hotspots, areas, area_metric="change")
    layer = geojson_layers(m)["Områder"]
    fills = {f["id"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}
    assert fills == {"lillestrom-stasjon": maps.CHANGE_PALETTE[4], "fetsund": maps.NO_DATA_FILL}
    with pytest.raises(ValueError, match="area_metric"):
        maps.build_hotspot_map(hotspots, areas, area_metric="density")


@pytest.mark.parametrize("top, step", [(0, 1), (4, 1), (5, 2), (12, 3), (7552, 2000),
                                       (10_000, 2500), (999, 200)])
def test_hits_classes_are_round_and_cover_the_maximum(top, step):
    assert maps._nice_step(top) == step
    assert top < maps.AREA_CLASSES * step


def test_legend_lists_colours_and_classes(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas)
    (legend,) = [c for c in m._children.values() if isinstance(c, maps.MapLegend)]
    for colour in maps.MARKER_COLOURS.values():
        assert colour in legend.body
    for text in ("Tydelig økning", "Ingen sammenligning", "Områder: treff",
                 f"0–1{NBSP}999", f"2{NBSP}000–3{NBSP}999", f"8{NBSP}000–9{NBSP}999"):
        assert text in legend.body, text
    page = m.get_root().render()
    assert "feltkart-legend" in page and "L.control(" in page
    body = maps.build_hotspot_map(hotspots, areas, area_metric="change")._children["legend"].body
    assert "Områder: endring" in body and "Svak nedgang" in body


def test_layer_control_names_the_layers(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas, labels={"layer_areas": "Soner"})
    controls = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1
    m.get_root().render()
    assert set(controls[0].overlays) == {"Treffsteder", "Soner"}
    assert controls[0].base_layers == {}  # the tile layer is not a choice


def test_fits_bounds_to_the_data(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas)
    (fit,) = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    (south, west), (north, east) = fit.bounds
    assert (south, west) == (59.92, 11.03) and north == pytest.approx(59.96) and east == 11.12


def test_empty_hotspots_still_draw_the_areas(hotspots, areas):
    m = maps.build_hotspot_map(hotspots.iloc[0:0], areas)
    assert set(geojson_layers(m)) == {"Områder"}
    assert maps.map_asset_urls(m)


# --- bundled geodata ------------------------------------------------------------------------------

def test_map_from_the_bundled_geodata():
    points, polygons = geo.load_hotspots(), geo.load_areas()
    rng = np.random.default_rng(7)
    hits = rng.integers(1, 3000, len(points))
    before = hits * rng.uniform(0.5, 1.5, len(points))
    hotspots = pd.DataFrame({
        "hotspot_id": points["id"], "name": points["name"], "kind": points["kind"],
        "kind_label": points["kind"].map(lambda k: geo.vocab.HOTSPOT_KINDS[k]["nb"]),
        "area_id": points["area_id"], "area_name": points["area_id"].map(geo.AREA_NAMES),
        "lon": points.geometry.x, "lat": points.geometry.y, "approximate": points["approximate"],
        "hits": hits, "hits_before": before, "change_z": 2 * (np.sqrt(hits) - np.sqrt(before)),
        "busiest": "lørdag kl. 22–23", "age_mix": "16–18 år 55 %", "notes": [[]] * len(points),
    })
    hotspots["change_significant"] = hotspots["change_z"].abs() >= 2
    area_hits = hotspots.groupby("area_id")["hits"].sum()
    areas = pd.DataFrame({
        "area_id": polygons["id"], "area_name": polygons["name"],
        "geometry_geojson": [json.dumps(g.__geo_interface__) for g in polygons.geometry],
        "hits": polygons["id"].map(area_hits).fillna(0), "hits_before": np.nan, "change_z": np.nan,
        "change_significant": False,
    })
    m = maps.build_hotspot_map(hotspots, areas, selected_id="lillestrom-stasjon")
    assert len(hotspot_features(m)) == 43
    assert len(geojson_layers(m)["Områder"].data["features"]) == 7
    approximate = [f for f in hotspot_features(m).values() if f["properties"]["approximate"]]
    assert len(approximate) == int(points["approximate"].sum())
    assert all("(omtrentlig plassering)" in f["properties"]["tooltip"] for f in approximate)
    assert all(u.startswith(STATIC_URL) for u in maps.map_asset_urls(m))
    # a shapely geometry column works as well as geometry_geojson
    m2 = maps.build_hotspot_map(hotspots, areas.drop(columns="geometry_geojson")
                                .assign(geometry=list(polygons.geometry)))
    assert len(geojson_layers(m2)["Områder"].data["features"]) == 7


# --- density layer -----------------------------------------------------------------------------------

def test_density_layer_is_a_hidden_grid_before_the_layer_control(hotspots, areas):
    m = maps.build_hotspot_map(hotspots, areas)
    points = pd.DataFrame({"lon": [11.0500, 11.0501, 11.0800, None],
                           "lat": [59.9530, 59.9531, 59.9700, 59.95],
                           "hits": [3, 4, 10, 99]})
    layer = maps.add_density_layer(m, points, "Tetthet")
    assert layer.show is False and layer.layer_name == "Tetthet"
    features = layer.data["features"]
    assert len(features) == 2  # the first two points share a 250 m cell
    assert sorted(f["properties"]["tooltip"] for f in features) == ["Treff: 10", "Treff: 7"]
    children = list(m._children.values())
    assert isinstance(children[-1], folium.LayerControl)
    assert children.index(layer) < len(children) - 1
    m.get_root().render()
    assert "Tetthet" in children[-1].overlays
    assert maps.add_density_layer(m, points, "Tetthet", min_count=1000) is None


# --- clicks -------------------------------------------------------------------------------------------------

def test_hotspot_at_finds_the_nearest_within_tolerance(hotspots):
    assert maps.hotspot_at(hotspots, 59.9532, 11.0497) == "stasjon"
    assert maps.hotspot_at(hotspots, 59.9533, 11.0498) == "stasjon"  # ~13 m away
    assert maps.hotspot_at(hotspots, 59.9559, 11.0561) == "gagata"
    assert maps.hotspot_at(hotspots, 59.99, 11.20) is None
    assert maps.hotspot_at(hotspots, None, 11.0) is None
    assert maps.hotspot_at(hotspots.iloc[0:0], 59.95, 11.05) is None


def test_hotspot_from_click(hotspots):
    feature = {"type": "Feature", "properties": {"hotspot_id": "torget"},
               "geometry": {"type": "Point", "coordinates": [11.06, 59.958]}}
    assert maps.hotspot_from_click(hotspots, {"last_active_drawing": feature,
                                              "last_object_clicked": {"lat": 0, "lng": 0}}) == "torget"
    area = {"type": "Feature", "properties": {"area_id": "fetsund"}, "geometry": None}
    assert maps.hotspot_from_click(hotspots, {"last_active_drawing": area,
                                              "last_object_clicked": {"lat": 59.9532, "lng": 11.0497}}) is None
    assert maps.hotspot_from_click(hotspots, {"last_object_clicked": {"lat": 59.9532, "lng": 11.0497}}) == "stasjon"
    assert maps.hotspot_from_click(hotspots, None) is None


# --- static assets -------------------------------------------------------------------------------------------

def test_ensure_static_assets_copies_once(tmp_path):
    target = static_assets.ensure_static_assets(tmp_path / "vendor")
    for name in ("leaflet.js", "leaflet.css", "jquery.min.js", "images/layers.png"):
        assert (target / name).stat().st_size > 0, name
    assert "Leaflet" in (target / "leaflet.js").read_text(encoding="utf-8")[:2000]
    before = {p: p.stat().st_mtime_ns for p in target.rglob("*")}
    assert static_assets.ensure_static_assets(target) == target
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*")} == before
    assert not list(target.rglob("*.tmp"))


def test_ensure_static_assets_replaces_a_truncated_file(tmp_path):
    target = static_assets.ensure_static_assets(tmp_path)
    (target / "leaflet.js").write_text("broken")
    static_assets.ensure_static_assets(target)
    assert (target / "leaflet.js").stat().st_size > 100_000


def test_ensure_static_assets_from_two_threads(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(static_assets.ensure_static_assets, [tmp_path] * 8))
    assert (tmp_path / "jquery.min.js").stat().st_size > 50_000
    assert not list(tmp_path.rglob("*.tmp"))
