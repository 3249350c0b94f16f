"""Times the queries each dashboard page runs, on the demo database or a scaled-up copy of it.

    python bench/bench.py                 # the demo database (about 80 000 registrations)
    python bench/bench.py --rows 1000000  # the demo's patterns repeated up to N registrations
    python bench/bench.py --db PATH       # an existing database
    python bench/bench.py --json

"cold" opens a new connection for every query, as a fresh dashboard process would; "warm" runs
the same set again on one open connection (a script run in the app). Times are medians of
``--repeat`` runs, in milliseconds, for a typical filter (a year, one area, street field).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import queries  # noqa: E402
from dashboard.db import Database  # noqa: E402
from dashboard.filters import Filter  # noqa: E402
from dashboard.seed import build_demo, ensure_calendar  # noqa: E402

DEMO_UNTIL = datetime(2026, 11, 27, 9, 0)


def page_queries(flt: Filter) -> dict[str, list[tuple[str, dict]]]:
    """The named queries (and parameters) each page runs for a filter, as the pages do."""
    comparison = flt.comparison()
    notes = {"start_date": flt.start, "end_date": flt.end, "area_ids": list(flt.areas),
             "shareable_only": False, "include_archived": False}
    hotspot_set = [("hits_by_hotspot", flt.params()), ("hits_by_hotspot", comparison.params()),
                   ("hotspot_profiles", flt.params()), ("trend_notes", notes)]
    area_set = [("hits_by_area", flt.params()), ("hits_by_area", comparison.params()), ("areas", {})]
    return {
        "oversikt": [("totals", flt.params()), ("totals", comparison.params()), *hotspot_set, *area_set],
        "kart": [*hotspot_set, *area_set, ("free_points", flt.params())],
        "tid": [("time_cube", {**flt.params(), "day_type": "all"}), ("staffing_plan", {}),
                ("hits_by_hotspot_in_slots", {**flt.params(), "slots": []})],
        "trender": [("places", {}), ("monthly_by_place", flt.params()), ("monthly_by_place", comparison.params()),
                    *hotspot_set, ("monthly_series", flt.with_period(date(2022, 1, 1), flt.end).params()),
                    ("trend_notes", {**notes, "include_archived": True})],
    }


def scale_up(db: Database, rows: int) -> None:
    """Repeat the demo's registrations (shifted by whole years back in time) up to ``rows``."""
    with db.write() as con:
        base = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
        copies = -(-rows // base) - 1
        for copy in range(1, copies + 1):
            con.execute(
                "INSERT INTO contacts (occurred_at, hotspot_id, lon, lat, area_id, channel, age_band, gender, "
                "youth_count, team, batch_id) SELECT occurred_at - INTERVAL (5 * $copy) YEAR, hotspot_id, lon, lat, "
                "area_id, channel, age_band, gender, youth_count, team, batch_id FROM contacts WHERE id <= $base",
                {"copy": copy, "base": base})
        con.execute("DELETE FROM contacts WHERE id > $rows", {"rows": rows})


def time_pages(db: Database, flt: Filter, repeat: int) -> dict:
    result = {}
    for page, runs in page_queries(flt).items():
        cold, warm = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            for name, params in runs:
                queries.run(db, name, **params)
            cold.append((time.perf_counter() - started) * 1000)
            with db.read_session():
                queries.run(db, "data_range")  # open the connection before timing
                started = time.perf_counter()
                for name, params in runs:
                    queries.run(db, name, **params)
                warm.append((time.perf_counter() - started) * 1000)
        result[page] = {"cold_ms": round(statistics.median(cold), 1), "warm_ms": round(statistics.median(warm), 1),
                        "queries": len(runs)}
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an existing Feltkart database (default: build the demo)")
    parser.add_argument("--rows", type=int, help="scale the demo up to this many registrations")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    workdir = tempfile.TemporaryDirectory(prefix="feltkart-bench-")
    if args.db:
        db = Database(args.db)
    else:
        db = Database(Path(workdir.name) / "bench.duckdb")
        build_demo(db, until=DEMO_UNTIL)
        ensure_calendar(db)
        if args.rows:
            scale_up(db, args.rows)
    with db.read() as con:
        rows = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
    flt = Filter.for_year(2025, areas=("lillestrom-stasjon",), channels=("street",))
    report = {"rows": rows, "filter": "2025, lillestrom-stasjon, street; compared with 2024",
              "pages": time_pages(db, flt, args.repeat)}
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{rows:,} registrations; filter: {report['filter']}")
        for page, figures in report["pages"].items():
            print(f"  {page:<8} {figures['queries']:>2} queries  cold {figures['cold_ms']:>7.1f} ms  "
                  f"warm {figures['warm_ms']:>7.1f} ms")
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
