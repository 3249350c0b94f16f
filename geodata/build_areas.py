"""Rebuild geodata/areas.geojson from geodata/hotspots.geojson.

Run from anywhere: ``python geodata/build_areas.py [--buffer-m 1500]``. The derivation itself
lives in ``dashboard.geo.derive_areas``; this script only loads, derives and writes. The output
is deterministic (fixed feature order, coordinates rounded to 6 decimals).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from shapely.geometry import mapping  # noqa: E402

from dashboard.geo import AREA_BUFFER_M, AREAS_PATH, derive_areas, load_hotspots  # noqa: E402

COORD_DECIMALS = 6


def _rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(float(c), COORD_DECIMALS) for c in coords]
    return [_rounded(c) for c in coords]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buffer-m", type=float, default=AREA_BUFFER_M,
                        help=f"area reach around its hotspots in metres (default {AREA_BUFFER_M:g})")
    parser.add_argument("--out", type=Path, default=AREAS_PATH, help="output GeoJSON path")
    args = parser.parse_args(argv)

    areas = derive_areas(load_hotspots(), buffer_m=args.buffer_m)
    features = []
    for row in areas.itertuples():
        geometry = mapping(row.geometry)
        features.append({
            "type": "Feature",
            "properties": {"id": row.id, "name": row.name, "derivation": row.derivation},
            "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])},
        })
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    args.out.write_text(
        '{"type":"FeatureCollection","name":"areas","features":[\n' + lines + "\n]}\n",
        encoding="utf-8",
    )
    print(f"wrote {len(features)} areas to {args.out}")


if __name__ == "__main__":
    main()
