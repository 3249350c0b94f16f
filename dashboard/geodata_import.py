"""Replace or update the places of a database from a GeoJSON or GeoPackage file in any CRS.

This is how another municipality adopts Feltkart: import its field areas (polygons with ``id`` and
``name``), then its hotspots (points with ``id``, ``name``, ``kind``, ``area_id``). A file is read
and reprojected to WGS84, validated like the bundled geodata, compared with the database, and the
differences are reported before (``dry_run``) or while they are written, in one transaction.

By default a file adds and updates places and removes nothing. With ``replace`` the file is the
complete set: places missing from it are removed — refused while registrations or notes still
refer to them, so history is never orphaned (retire such hotspots instead).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard import access, audit, geo, i18n
from dashboard.db import Database, bump_data_version
from dashboard.errors import FeltkartError
from dashboard.places import MOVE_TOLERANCE_M, areas_frame

MAX_GEODATA_BYTES = 50 * 1024 * 1024


@dataclass
class GeodataChanges:
    """What an import of a geodata file changes (ids per kind of change)."""

    layer: str  # 'areas' or 'hotspots'
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # hotspots moved, or areas whose outline changed
    reclassified: list[str] = field(default_factory=list)  # kind or area changed (hotspots)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # in the database, not in the file, kept (no replace)

    def text(self, lang: str = "nb") -> str:
        """One sentence: how many places of each kind of change."""
        layer = i18n.t(f"geodata.layer.{self.layer}", lang)
        return i18n.t("geodata.changes", lang, layer=layer, unchanged=self.unchanged,
                      **{key: len(getattr(self, key)) for key in ("added", "removed", "renamed", "moved",
                                                                 "reclassified", "kept")})

    def as_dict(self) -> dict:
        return {"layer": self.layer, "added": self.added, "removed": self.removed, "renamed": self.renamed,
                "moved": self.moved, "reclassified": self.reclassified, "unchanged": self.unchanged,
                "kept": self.kept}


def _layer_of(gdf: gpd.GeoDataFrame, path: Path) -> str:
    kinds = set(gdf.geometry.geom_type.dropna())
    if kinds <= {"Point"}:
        return "hotspots"
    if kinds <= {"Polygon", "MultiPolygon"}:
        return "areas"
    raise FeltkartError("geodata.mixed", path=path.name, kinds=", ".join(sorted(kinds)))


def read_file(path: str | Path, layer: str | None = None, id_field: str | None = None,
              name_field: str | None = None) -> tuple[str, gpd.GeoDataFrame]:
    """Read and validate a file of areas or hotspots; returns ('areas'|'hotspots', features).

    ``id_field``/``name_field`` name the properties holding the id and name when they are not
    called ``id`` and ``name`` (an official file may have ``kommunenummer`` and ``kommunenavn``)."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_GEODATA_BYTES:
        raise FeltkartError("geodata.too_large", path=path.name, mb=MAX_GEODATA_BYTES // (1024 * 1024))
    try:
        gdf = geo.read_geodata(path, layer)
        kind = _layer_of(gdf, path)
        for wanted, given in (("id", id_field), ("name", name_field)):
            if given and given != wanted:
                if given not in gdf.columns:
                    raise FeltkartError("geodata.no_field", path=path.name, field=given,
                                        fields=", ".join(c for c in gdf.columns if c != "geometry"))
                gdf = gdf.drop(columns=[wanted], errors="ignore").rename(columns={given: wanted})
            elif wanted not in gdf.columns:
                raise FeltkartError("geodata.no_field", path=path.name, field=wanted,
                                    fields=", ".join(c for c in gdf.columns if c != "geometry"))
        gdf["id"] = gdf["id"].astype(str)
        validated = (geo.validate_areas(gdf, path.name) if kind == "areas"
                     else geo.validate_hotspots(gdf, path.name))
    except geo.GeodataError as exc:
        raise FeltkartError("geodata.invalid", reason=str(exc)) from exc
    return kind, validated


def _references(con, column: str, ids: list[str]) -> int:
    if not ids:
        return 0
    tables = ("contacts", "trend_notes")
    return sum(con.execute(f"SELECT count(*) FROM {table} WHERE list_contains($ids, {column})",  # allow-listed names
                           {"ids": ids}).fetchall()[0][0] for table in tables)


def _area_changes(current: gpd.GeoDataFrame, incoming: gpd.GeoDataFrame, replace: bool) -> GeodataChanges:
    changes = GeodataChanges("areas")
    old = current.set_index("id")
    for row in incoming.itertuples():
        if row.id not in old.index:
            changes.added.append(row.id)
            continue
        same = True
        if row.name != old.at[row.id, "name"]:
            changes.renamed.append(row.id)
            same = False
        if not row.geometry.equals_exact(old.at[row.id, "geometry"], 1e-7):
            changes.moved.append(row.id)
            same = False
        changes.unchanged += same
    missing = [i for i in old.index if i not in set(incoming["id"])]
    (changes.removed if replace else changes.kept).extend(missing)
    return changes


def _hotspot_changes(current: pd.DataFrame, incoming: gpd.GeoDataFrame, replace: bool) -> GeodataChanges:
    changes = GeodataChanges("hotspots")
    old = current.set_index("id")
    projected = incoming.to_crs(geo.PROJECTED_CRS)
    old_points = gpd.GeoSeries(gpd.points_from_xy(old["lon"], old["lat"]), index=old.index,
                               crs="EPSG:4326").to_crs(geo.PROJECTED_CRS)
    for row, point in zip(incoming.itertuples(), projected.geometry):
        if row.id not in old.index:
            changes.added.append(row.id)
            continue
        same = True
        if row.name != old.at[row.id, "name"]:
            changes.renamed.append(row.id)
            same = False
        if point.distance(old_points[row.id]) > MOVE_TOLERANCE_M:
            changes.moved.append(row.id)
            same = False
        if row.kind != old.at[row.id, "kind"] or row.area_id != old.at[row.id, "area_id"]:
            changes.reclassified.append(row.id)
            same = False
        changes.unchanged += same
    missing = [i for i in old.index if i not in set(incoming["id"])]
    (changes.removed if replace else changes.kept).extend(missing)
    return changes


def import_geodata(db: Database, path: str | Path, *, replace: bool = False, dry_run: bool = False,
                   layer: str | None = None, id_field: str | None = None,
                   name_field: str | None = None) -> GeodataChanges:
    """Import areas or hotspots from ``path``; returns what changed (or would change, ``dry_run``)."""
    access.require("admin")
    kind, incoming = read_file(path, layer, id_field, name_field)
    name = Path(path).name
    db.migrate()
    with db.write() as con:
        areas = areas_frame(con)
        if kind == "areas":
            changes = _area_changes(areas, incoming, replace)
            hotspots = con.execute("SELECT id, area_id, lon, lat FROM hotspots").df()
            new_areas = pd.concat([incoming[["id", "name", "geometry"]],
                                   areas[~areas["id"].isin(incoming["id"])][["id", "name", "geometry"]]
                                   if not replace else areas.iloc[0:0][["id", "name", "geometry"]]])
            _check_hotspots_inside(hotspots, gpd.GeoDataFrame(new_areas, crs="EPSG:4326"), name)
            blocked = _references(con, "area_id", changes.removed)
            blocked += con.execute("SELECT count(*) FROM hotspots WHERE list_contains($ids, area_id)",
                                   {"ids": changes.removed}).fetchall()[0][0]
        else:
            current = con.execute("SELECT id, name, kind, area_id, lon, lat FROM hotspots").df()
            changes = _hotspot_changes(current, incoming, replace)
            try:
                geo.validate_against_areas(incoming, areas)
            except geo.GeodataError as exc:
                raise FeltkartError("geodata.invalid", reason=f"{name}: {exc}") from exc
            blocked = _references(con, "hotspot_id", changes.removed)
        if blocked:
            raise FeltkartError("geodata.in_use", path=name, ids=", ".join(changes.removed[:10]), count=blocked)
        if dry_run:
            return changes
        if kind == "areas":
            _write_areas(con, incoming, areas, replace)
        else:
            _write_hotspots(con, incoming, changes.removed)
        audit.record(con, f"geodata.import.{kind}", name, after=changes.as_dict())
        bump_data_version(con)
    return changes


def _check_hotspots_inside(hotspots: pd.DataFrame, areas: gpd.GeoDataFrame, name: str) -> None:
    outside = [row.id for row in hotspots.itertuples()
               if geo.area_of_point(row.lon, row.lat, areas[areas["id"] == row.area_id]) is None]
    if outside:
        raise FeltkartError("geodata.hotspots_outside", path=name, count=len(outside), ids=", ".join(outside[:10]))


def _write_areas(con, incoming: gpd.GeoDataFrame, current: gpd.GeoDataFrame, replace: bool) -> None:
    existing_order = dict(zip(current["id"], current["sort_order"]))
    next_order = max(existing_order.values(), default=0) + 1
    if replace:
        con.execute("DELETE FROM areas WHERE NOT list_contains($ids, id)", {"ids": list(incoming["id"])})
    for position, row in enumerate(incoming.itertuples(), 1):
        minx, miny, maxx, maxy = row.geometry.bounds
        order = position if replace else existing_order.get(row.id)
        if order is None:
            order, next_order = next_order, next_order + 1
        params = {"id": row.id, "name": row.name, "order": order, "lon0": minx, "lat0": miny, "lon1": maxx,
                  "lat1": maxy, "geojson": json.dumps(row.geometry.__geo_interface__, separators=(",", ":"))}
        con.execute("DELETE FROM areas WHERE id = $id", {"id": row.id})
        con.execute("INSERT INTO areas (id, name, sort_order, geometry_geojson, min_lon, min_lat, max_lon, max_lat) "
                    "VALUES ($id, $name, $order, $geojson, $lon0, $lat0, $lon1, $lat1)", params)


def _write_hotspots(con, incoming: gpd.GeoDataFrame, removed: list[str]) -> None:
    if removed:
        con.execute("DELETE FROM hotspots WHERE list_contains($ids, id)", {"ids": removed})
    for row in incoming.itertuples():
        con.execute("DELETE FROM hotspots WHERE id = $id", {"id": row.id})
        con.execute("INSERT INTO hotspots (id, name, kind, area_id, lon, lat, approximate, source) "
                    "VALUES ($id, $name, $kind, $area, $lon, $lat, $approximate, $source)",
                    {"id": row.id, "name": row.name, "kind": row.kind, "area": row.area_id,
                     "lon": round(row.geometry.x, 6), "lat": round(row.geometry.y, 6),
                     "approximate": bool(row.approximate), "source": row.source})
