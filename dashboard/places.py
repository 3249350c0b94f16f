"""Puts the field areas, hotspots and the annual report's row layout into the database.

The bundled files in ``geodata/`` describe one municipality; another team adopts Feltkart by
replacing them. They are validated (see :mod:`dashboard.geo`) before anything is written.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd

from dashboard import geo, vocab
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
