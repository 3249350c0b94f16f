"""The places in the database: field areas, hotspots and the annual report's row layout.

The bundled files in ``geodata/`` describe one municipality; another team adopts Feltkart by
importing its own (``feltkart geodata import``). Files are validated (see :mod:`dashboard.geo`)
before anything is written. Hotspots are then managed here: added, renamed, moved, re-classified
and retired; registrations always keep the place they were registered at.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from dashboard import access, audit, geo, pii, vocab
from dashboard.db import Database, bump_data_version, now_local
from dashboard.errors import FeltkartError

REPORT_ROWS_PATH = geo.GEODATA_DIR / "report_rows.csv"


def load_report_rows(path: Path = REPORT_ROWS_PATH, hotspot_ids=(), area_ids=vocab.AREA_IDS) -> pd.DataFrame:
    """The annual report's rows: area_id, position, label, channel, hotspot_id (or None)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, 2):
        if row["area_id"] not in area_ids:
            raise FeltkartError("geodata.bad_report_row", path=str(path), line=number,
                                reason=f"area_id {row['area_id']!r}")
        if row["channel"] not in vocab.CHANNELS:
            raise FeltkartError("geodata.bad_report_row", path=str(path), line=number,
                                reason=f"channel {row['channel']!r}")
        if row["hotspot_id"] and hotspot_ids and row["hotspot_id"] not in hotspot_ids:
            raise FeltkartError("geodata.bad_report_row", path=str(path), line=number,
                                reason=f"hotspot_id {row['hotspot_id']!r}")
    for row in rows:
        row["position"] = int(row["position"])
        row["hotspot_id"] = row["hotspot_id"] or None
    return pd.DataFrame(rows, columns=["area_id", "position", "label", "channel", "hotspot_id"], dtype=object)


def load_bundled() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    """The bundled areas, hotspots and report rows, validated against each other."""
    try:
        areas = geo.load_areas()
        hotspots = geo.load_hotspots()
        geo.validate_against_areas(hotspots, areas)
    except geo.GeodataError as exc:
        raise FeltkartError("geodata.invalid", reason=str(exc)) from exc
    report_rows = load_report_rows(hotspot_ids=set(hotspots["id"]))
    return areas, hotspots, report_rows


def replace_places(con: duckdb.DuckDBPyConnection, areas: gpd.GeoDataFrame, hotspots: gpd.GeoDataFrame,
                   report_rows: pd.DataFrame) -> None:
    """Replace the areas, hotspots and report rows inside the caller's transaction."""
    area_rows = pd.DataFrame({
        "id": areas["id"],
        "name": areas["name"],
        "sort_order": range(1, len(areas) + 1),
        "geometry_geojson": [json.dumps(g.__geo_interface__, separators=(",", ":")) for g in areas.geometry],
        "min_lon": areas.bounds["minx"], "min_lat": areas.bounds["miny"],
        "max_lon": areas.bounds["maxx"], "max_lat": areas.bounds["maxy"],
    })
    hotspot_rows = pd.DataFrame({
        "id": hotspots["id"], "name": hotspots["name"], "kind": hotspots["kind"],
        "area_id": hotspots["area_id"], "lon": hotspots.geometry.x, "lat": hotspots.geometry.y,
        "approximate": hotspots["approximate"].astype(bool), "source": hotspots["source"],
    })
    for table, frame in (("areas", area_rows), ("hotspots", hotspot_rows), ("report_rows", report_rows)):
        con.execute(f"DELETE FROM {table}")
        con.register("incoming", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
        con.unregister("incoming")


# --- managing places: add, rename, move, change, retire ---------------------------------------

_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
MOVE_TOLERANCE_M = 1.0  # a point moved less than this counts as unchanged
MAX_ID_CHARS = 80  # as filters.PLACE_ID allows
ID_SUFFIX_ROOM = 4  # room for "-2" … "-999" when a name is taken


def slugify(name: str) -> str:
    """'Strømmen Storsenter' -> 'strommen-storsenter' (the form of every place id)."""
    text = unicodedata.normalize("NFKD", name.casefold().translate(_TRANSLITERATE))
    text = "".join(c for c in text if not unicodedata.combining(c))  # 'Café Noël' -> 'cafe noel'
    return "-".join(filter(None, re.split(r"[^a-z0-9]+", text)))[:MAX_ID_CHARS - ID_SUFFIX_ROOM].strip("-")


def areas_frame(con) -> gpd.GeoDataFrame:
    """The areas in the database as a GeoDataFrame (id, name, sort_order, geometry; WGS84)."""
    rows = con.execute("SELECT id, name, sort_order, geometry_geojson FROM areas ORDER BY sort_order").fetchall()
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "name": [r[1] for r in rows], "sort_order": [r[2] for r in rows]},
        geometry=[shapely.geometry.shape(json.loads(r[3])) for r in rows], crs="EPSG:4326")


def _place_area(con, lon: float, lat: float, area_id: str | None) -> str:
    """The area a point belongs to; a given area must contain it."""
    areas = areas_frame(con)
    found = geo.area_of_point(lon, lat, areas)
    if found is None:
        raise FeltkartError("place.outside_areas", lon=round(lon, 6), lat=round(lat, 6))
    if area_id and area_id != found:
        if area_id not in set(areas["id"]):
            raise FeltkartError("place.unknown_area", area=area_id)
        raise FeltkartError("place.not_in_area", area=area_id, found=found)
    return found


def _hotspot(con, hotspot_id: str) -> dict:
    rows = con.execute("SELECT id, name, kind, area_id, lon, lat, approximate, source, retired_at FROM hotspots "
                       "WHERE id = $id", {"id": hotspot_id}).fetchall()
    if not rows:
        raise FeltkartError("place.unknown_hotspot", hotspot=hotspot_id)
    return dict(zip(("id", "name", "kind", "area_id", "lon", "lat", "approximate", "source", "retired_at"), rows[0]))


def _check_kind(kind: str) -> None:
    if kind not in vocab.HOTSPOT_KINDS:
        raise FeltkartError("place.unknown_kind", kind=kind, valid=", ".join(vocab.HOTSPOT_KINDS))


def add_hotspot(db: Database, *, name: str, kind: str, lon: float, lat: float, area_id: str | None = None,
                approximate: bool = False, source: str | None = None) -> str:
    """Add a hotspot; its id is the slug of its name (made unique). Returns the id."""
    access.require("admin")
    name = (name or "").strip()
    if not name:
        raise FeltkartError("place.name_required")
    pii.check_all({"place_name": name, "place_source": source})
    _check_kind(kind)
    with db.write() as con:
        area_id = _place_area(con, lon, lat, area_id)
        taken = {row[0] for row in con.execute("SELECT id FROM hotspots").fetchall()}
        base = slugify(name) or "sted"
        hotspot_id = next(candidate for candidate in (base, *(f"{base}-{n}" for n in range(2, 1000)))
                          if candidate not in taken)
        con.execute("INSERT INTO hotspots (id, name, kind, area_id, lon, lat, approximate, source) "
                    "VALUES ($id, $name, $kind, $area, $lon, $lat, $approximate, $source)",
                    {"id": hotspot_id, "name": name, "kind": kind, "area": area_id, "lon": round(lon, 6),
                     "lat": round(lat, 6), "approximate": approximate, "source": source or "lagt til i Feltkart"})
        audit.record(con, "place.add", f"hotspot:{hotspot_id}", after=_hotspot(con, hotspot_id))
        bump_data_version(con)
    return hotspot_id


def update_hotspot(db: Database, hotspot_id: str, *, name: str | None = None, kind: str | None = None,
                   lon: float | None = None, lat: float | None = None, area_id: str | None = None) -> dict:
    """Rename, move or re-classify a hotspot; returns ``{"before": ..., "after": ...}``.

    Its registrations keep their place (and the area they were registered in)."""
    access.require("admin")
    with db.write() as con:
        before = _hotspot(con, hotspot_id)
        after = dict(before)
        if name is not None:
            if not name.strip():
                raise FeltkartError("place.name_required")
            pii.check("place_name", name)
            after["name"] = name.strip()
        if kind is not None:
            _check_kind(kind)
            after["kind"] = kind
        if lon is not None and lat is not None:
            after["lon"], after["lat"] = round(lon, 6), round(lat, 6)
        if (lon is not None and lat is not None) or area_id is not None:
            after["area_id"] = _place_area(con, after["lon"], after["lat"], area_id)
        con.execute("UPDATE hotspots SET name = $name, kind = $kind, area_id = $area, lon = $lon, lat = $lat "
                    "WHERE id = $id", {"name": after["name"], "kind": after["kind"], "area": after["area_id"],
                                       "lon": after["lon"], "lat": after["lat"], "id": hotspot_id})
        audit.record(con, "place.update", f"hotspot:{hotspot_id}", before=before, after=after)
        bump_data_version(con)
    return {"before": before, "after": after}


def retire_hotspot(db: Database, hotspot_id: str, retired: bool = True) -> None:
    """Retire a hotspot (it keeps its history but is no longer offered), or bring it back."""
    access.require("admin")
    with db.write() as con:
        _hotspot(con, hotspot_id)
        audit.record(con, "place.retire" if retired else "place.restore", f"hotspot:{hotspot_id}")
        con.execute("UPDATE hotspots SET retired_at = $at WHERE id = $id",
                    {"at": now_local() if retired else None, "id": hotspot_id})
        bump_data_version(con)
