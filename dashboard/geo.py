"""Bundled geodata for Feltkart: hotspot points and field-area polygons.

The map, the importers and the reports all depend on the same two files in ``geodata/``.
This module is the one place that reads them, so a broken, mis-projected or inconsistent
file fails at load time with a one-line message naming the file and the feature, instead of
showing up later as an empty or misplaced map. It also holds the reproducible derivation of
the field areas (no official polygons exist). Pure: no Streamlit import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from dashboard import vocab
from dashboard.filters import PLACE_ID

GEODATA_DIR = Path(__file__).resolve().parents[1] / "geodata"
HOTSPOTS_PATH = GEODATA_DIR / "hotspots.geojson"
AREAS_PATH = GEODATA_DIR / "areas.geojson"

AREA_NAMES = {
    "skedsmokorset": "Skedsmokorset",
    "skjetten-strommen": "Skjetten/Strømmen",
    "fetsund": "Fetsund",
    "frogner-leirsund": "Frogner og Leirsund",
    "sorumsand": "Sørumsand",
    "lillestrom-sentrum-kjeller": "Lillestrøm sentrum og Kjeller",
    "lillestrom-stasjon": "Lillestrøm stasjonsområde",
}
AREA_IDS = vocab.AREA_IDS
HOTSPOT_KINDS = tuple(vocab.HOTSPOT_KINDS)

WGS84 = CRS.from_epsg(4326)
PROJECTED_CRS = "EPSG:25833"  # ETRS89 / UTM 33N, metres; used for all distance work
AREA_BUFFER_M = 1500.0  # areas reach at most this far from their own hotspots
AREA_GRID_DEG = 1e-6  # area vertices are snapped to this lon/lat grid (6 decimals)


_FROM_UTM33 = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)


class GeodataError(ValueError):
    """A geodata file is missing, malformed or inconsistent."""


def _feature(gdf: gpd.GeoDataFrame, index) -> str:
    """Describe one feature for an error message, e.g. ``features[3] (id 'volla')``."""
    fid = gdf["id"].get(index) if "id" in gdf.columns else None
    return f"features[{index}]" + (f" (id {fid!r})" if isinstance(fid, str) and fid else "")


def _read_feature_collection(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection and check that it is in WGS84 lon/lat."""
    if not path.is_file():
        raise GeodataError(f"{path}: file not found")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeodataError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
        doc.get("features"), list
    ):
        raise GeodataError(f"{path}: not a GeoJSON FeatureCollection (expected a 'features' list)")
    if not doc["features"]:
        raise GeodataError(f"{path}: the FeatureCollection has no features")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio/GDAL raise several types
        raise GeodataError(f"{path}: could not be read as GeoJSON ({exc})") from exc
    if gdf.crs is not None and not (gdf.crs.equals(WGS84) or gdf.crs.equals(CRS("OGC:CRS84"))):
        raise GeodataError(
            f"{path}: CRS is {gdf.crs.to_string()}, expected WGS84 lon/lat (EPSG:4326 / OGC:CRS84, "
            "as RFC 7946 requires); reproject with .to_crs('EPSG:4326') and drop the 'crs' member"
        )
    return gdf.set_crs(WGS84, allow_override=True)


def read_geodata(path: Path | str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read GeoJSON or GeoPackage features in any CRS and reproject them to WGS84 lon/lat.

    A GeoPackage with several layers needs ``layer``; a file without a CRS is refused (except
    GeoJSON, which RFC 7946 defines as WGS84).
    """
    path = Path(path)
    if not path.is_file():
        raise GeodataError(f"{path}: file not found")
    try:
        layers = gpd.list_layers(path)
    except Exception as exc:  # pyogrio/GDAL raise several types
        raise GeodataError(f"{path}: not a GeoJSON or GeoPackage file GDAL can read ({exc})") from exc
    if layer is None and len(layers) > 1:
        raise GeodataError(f"{path}: has {len(layers)} layers ({', '.join(layers['name'])}); name one")
    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as exc:
        raise GeodataError(f"{path}: could not be read ({exc})") from exc
    if gdf.empty:
        raise GeodataError(f"{path}: has no features")
    if gdf.crs is None:
        if path.suffix.lower() not in (".geojson", ".json"):
            raise GeodataError(f"{path}: has no coordinate reference system; set one (e.g. EPSG:25833)")
        gdf = gdf.set_crs(WGS84)
    return gdf.to_crs(WGS84)


def _check_ids(gdf: gpd.GeoDataFrame, path: Path) -> None:
    if "id" not in gdf.columns:
        raise GeodataError(f"{path}: features have no 'id' property")
    seen: dict[str, int] = {}
    for index, fid in gdf["id"].items():
        if not isinstance(fid, str) or not fid.strip():
            raise GeodataError(f"{path}: features[{index}] has a missing or empty 'id'")
        if fid in seen:
            raise GeodataError(f"{path}: duplicate id {fid!r} (features[{seen[fid]}] and [{index}])")
        seen[fid] = index


def _check_geometries(gdf: gpd.GeoDataFrame, path: Path, allowed: tuple[str, ...]) -> None:
    for index, geom in gdf.geometry.items():
        where = f"{path}: {_feature(gdf, index)}"
        if geom is None or geom.is_empty:
            raise GeodataError(f"{where} has a missing or empty geometry")
        if geom.geom_type not in allowed:
            raise GeodataError(f"{where} is a {geom.geom_type}, expected {' or '.join(allowed)}")
        minx, miny, maxx, maxy = geom.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise GeodataError(
                f"{where} has coordinates outside the lon/lat range ({minx:g}, {miny:g}); "
                "is the file projected? Expected WGS84 lon/lat"
            )
        if not geom.is_valid:
            raise GeodataError(f"{where} has an invalid geometry ({shapely.is_valid_reason(geom)})")


def _check_allowed(gdf, path: Path, column: str, allowed: tuple[str, ...] | None) -> None:
    """Every value of ``column`` is one of ``allowed`` (None: a slug such as 'lillestrom-stasjon')."""
    if column not in gdf.columns:
        raise GeodataError(f"{path}: features have no {column!r} property")
    for index, value in gdf[column].items():
        if allowed is None:
            if not isinstance(value, str) or not PLACE_ID.match(value):
                raise GeodataError(f"{path}: {_feature(gdf, index)} has {column} {value!r}; expected a slug "
                                   "of a-z, 0-9 and '-', e.g. 'lillestrom-stasjon'")
        elif value not in allowed:
            raise GeodataError(
                f"{path}: {_feature(gdf, index)} has unknown {column} {value!r}; "
                f"expected one of {', '.join(allowed)}"
            )


def load_hotspots(path: Path | str | None = None, *, area_ids=AREA_IDS) -> gpd.GeoDataFrame:
    """Load and validate the hotspot points.

    Parameters
    ----------
    path : path-like, optional
        GeoJSON FeatureCollection of Points in WGS84; defaults to ``geodata/hotspots.geojson``.
    area_ids : tuple of str
        The allowed ``area_id`` values.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id, name, kind, area_id, approximate, source, geometry`` in EPSG:4326;
        ``source`` is None where absent.

    Raises
    ------
    GeodataError
        With a one-line message naming the file and the offending feature.

    Examples
    --------
    >>> hotspots = load_hotspots()
    >>> hotspots.set_index("id").loc["lillestrom-stasjon", "kind"]
    'station'
    """
    path = Path(path) if path is not None else HOTSPOTS_PATH
    return validate_hotspots(_read_feature_collection(path), path, area_ids=area_ids)


def validate_hotspots(gdf: gpd.GeoDataFrame, path, *, area_ids=None) -> gpd.GeoDataFrame:
    """Check hotspot features in WGS84 (``area_ids`` None: any slug-shaped area id); returns the
    columns ``id, name, kind, area_id, approximate, source, geometry``."""
    _check_ids(gdf, path)
    _check_geometries(gdf, path, ("Point",))
    if "name" not in gdf.columns:
        raise GeodataError(f"{path}: features have no 'name' property")
    _check_allowed(gdf, path, "kind", HOTSPOT_KINDS)
    _check_allowed(gdf, path, "area_id", None if area_ids is None else tuple(area_ids))
    gdf["approximate"] = gdf["approximate"].fillna(False).astype(bool) if "approximate" in gdf else False
    values = gdf["source"].astype(object) if "source" in gdf else pd.Series(None, index=gdf.index)
    gdf["source"] = values.where(values.notna(), None)
    columns = ["id", "name", "kind", "area_id", "approximate", "source"]
    return gdf[columns + ["geometry"]]


def load_areas(path: Path | str | None = None, *, area_ids=AREA_IDS) -> gpd.GeoDataFrame:
    """Load and validate the field-area polygons.

    Parameters
    ----------
    path : path-like, optional
        GeoJSON FeatureCollection of (Multi)Polygons in WGS84; defaults to
        ``geodata/areas.geojson``.
    area_ids : tuple of str
        The expected area ids; each must occur exactly once.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id, name, derivation, geometry`` in EPSG:4326.

    Raises
    ------
    GeodataError
        With a one-line message naming the file and the offending feature.
    """
    path = Path(path) if path is not None else AREAS_PATH
    return validate_areas(_read_feature_collection(path), path, area_ids=area_ids)


def validate_areas(gdf: gpd.GeoDataFrame, path, *, area_ids=None) -> gpd.GeoDataFrame:
    """Check area features in WGS84: with ``area_ids`` exactly those areas, else any slug ids;
    returns the columns ``id, name, derivation, geometry``."""
    _check_ids(gdf, path)
    _check_geometries(gdf, path, ("Polygon", "MultiPolygon"))
    _check_allowed(gdf, path, "id", None if area_ids is None else tuple(area_ids))
    missing = [area_id for area_id in (area_ids or ()) if area_id not in set(gdf["id"])]
    if missing:
        raise GeodataError(f"{path}: no polygon for area(s) {', '.join(missing)}")
    if "name" not in gdf.columns:
        raise GeodataError(f"{path}: features have no 'name' property")
    if "derivation" not in gdf.columns:
        gdf["derivation"] = None
    return gdf[["id", "name", "derivation", "geometry"]]


def validate_against_areas(hotspots: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> None:
    """Check that every hotspot lies inside the polygon of its own area.

    Parameters
    ----------
    hotspots, areas : geopandas.GeoDataFrame
        As returned by :func:`load_hotspots` and :func:`load_areas`.

    Raises
    ------
    GeodataError
        Naming the first hotspot whose area is unknown or does not contain it.
    """
    polygons = dict(zip(areas["id"], areas.geometry))
    for index, row in hotspots.iterrows():
        point, area_id = row.geometry, row["area_id"]
        if area_id not in polygons:
            raise GeodataError(f"hotspots: {_feature(hotspots, index)} has area_id {area_id!r} "
                               f"with no polygon in the areas file")
        if not polygons[area_id].covers(point):
            found = area_of_point(point.x, point.y, areas)
            raise GeodataError(
                f"hotspots: {_feature(hotspots, index)} at ({point.x:.6f}, {point.y:.6f}) lies "
                f"outside its area {area_id!r} (it is in {found or 'no area'})"
            )


def derive_areas(
    hotspots: gpd.GeoDataFrame,
    buffer_m: float = AREA_BUFFER_M,
    *,
    area_names: Mapping[str, str] = AREA_NAMES,
) -> gpd.GeoDataFrame:
    """Derive non-overlapping field areas from the hotspot points.

    Voronoi cells of the (deduplicated) hotspots in EPSG:25833 are dissolved by ``area_id``,
    clipped to the union of ``buffer_m`` buffers around each area's own hotspots, reprojected
    to WGS84 and snapped to a 1e-6 degree grid; each area then loses what earlier areas
    already cover, so rounding cannot create overlaps.

    Parameters
    ----------
    hotspots : geopandas.GeoDataFrame
        Points with an ``area_id`` column (e.g. from :func:`load_hotspots`).
    buffer_m : float
        Maximum reach of an area from its hotspots, in metres.
    area_names : mapping of str to str
        Area id to display name; also fixes the output order.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id, name, derivation, geometry`` (EPSG:4326), one row per area with hotspots.

    Examples
    --------
    >>> areas = derive_areas(load_hotspots(), buffer_m=1500)
    >>> list(areas["id"]) == list(AREA_IDS)
    True
    """
    if buffer_m <= 0:
        raise GeodataError(f"buffer_m must be positive, got {buffer_m!r}")
    unknown = sorted(set(hotspots["area_id"]) - set(area_names))
    if unknown:
        raise GeodataError(f"hotspots have area_id(s) {', '.join(unknown)} with no area name")
    crs = hotspots.crs or WGS84
    points = hotspots.set_crs(crs, allow_override=True).to_crs(PROJECTED_CRS)
    area_of: dict[tuple[float, float], str] = {}
    for (x, y), area_id in zip(shapely.get_coordinates(points.geometry.values), points["area_id"]):
        if area_of.setdefault((x, y), area_id) != area_id:
            raise GeodataError(f"two hotspots at the same point belong to different areas "
                               f"({area_of[(x, y)]}, {area_id})")
    coords = list(area_of)
    sites = shapely.multipoints(coords)
    extent = shapely.box(*sites.bounds).buffer(2 * buffer_m, join_style="mitre")
    cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=extent, ordered=True))
    projected = []
    ids = [area_id for area_id in area_names if area_id in set(area_of.values())]
    for area_id in ids:
        own = [i for i, xy in enumerate(coords) if area_of[xy] == area_id]
        reach = shapely.union_all(shapely.buffer(shapely.points([coords[i] for i in own]), buffer_m))
        projected.append(shapely.make_valid(shapely.intersection(shapely.union_all(cells[own]), reach)))
    lonlat = gpd.GeoSeries(projected, crs=PROJECTED_CRS).to_crs(WGS84)
    geoms, covered = [], None
    for geom in lonlat:
        geom = shapely.set_precision(geom, AREA_GRID_DEG)
        if covered is not None:
            geom = shapely.difference(geom, covered, grid_size=AREA_GRID_DEG)
        covered = geom if covered is None else shapely.union(covered, geom, grid_size=AREA_GRID_DEG)
        geoms.append(_polygonal(geom))
    # Put each neighbour's vertices into shared edges too: a vertex of one area lying on the
    # other's edge (a T-junction) would open slivers once the edge is reprojected or rounded.
    vertices = [shapely.multipoints(shapely.get_coordinates(geom)) for geom in geoms]
    geoms = [
        _polygonal(shapely.make_valid(shapely.snap(
            geom, shapely.union_all(vertices[:i] + vertices[i + 1:]), 0.75 * AREA_GRID_DEG)))
        for i, geom in enumerate(geoms)
    ]
    derivation = (
        f"Voronoi cells of the hotspots (EPSG:25833) dissolved by area, clipped to {buffer_m:g} m "
        "around the area's own hotspots, snapped to 1e-6 deg; geodata/build_areas.py"
    )
    return gpd.GeoDataFrame(
        {"id": ids, "name": [area_names[i] for i in ids], "derivation": derivation},
        geometry=geoms, crs=WGS84,
    )


def _polygonal(geom):
    """Keep only the polygonal parts of ``geom``, oriented as RFC 7946 asks."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    merged = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return shapely.orient_polygons(merged)


def utm33_to_wgs84(east: float, north: float) -> tuple[float, float]:
    """EUREF89 UTM zone 33 (EPSG:25833, what Norwegian municipalities use) to WGS84 (lon, lat)."""
    lon, lat = _FROM_UTM33.transform(east, north)
    return float(lon), float(lat)


def area_of_point(lon: float, lat: float, areas: gpd.GeoDataFrame) -> str | None:
    """Return the id of the area containing a WGS84 point, or None.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees (WGS84).
    areas : geopandas.GeoDataFrame
        As returned by :func:`load_areas`.

    Examples
    --------
    >>> area_of_point(11.04603, 59.95366, load_areas())
    'lillestrom-stasjon'
    """
    point = shapely.Point(lon, lat)
    for area_id, geom in zip(areas["id"], areas.geometry):
        if geom.covers(point):
            return area_id
    return None
