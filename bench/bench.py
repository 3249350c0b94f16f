"""Times what each dashboard page runs, on the demo database or a scaled-up copy of it, against the
way a typical Streamlit app does it (a pandas DataFrame in memory, filtered on every rerun).

    python bench/bench.py                  # the demo database (about 80 000 registrations)
    python bench/bench.py --rows 1000000   # the demo's patterns scaled up to N registrations
    python bench/bench.py --db PATH        # an existing database
    python bench/bench.py --rows N --json  # one JSON object (see below)
    python bench/bench.py --rows N --browser  # also the map's first paint in chromium

Scaling up (``--rows N``): the demo (2022–2026) is generated once, then copied in SQL: every other
copy is moved five years back (so the data covers a decade, 2017–2026) and every copy after the
first two is jittered (times ±30 min, counts ±1, free points ±50 m) and gets its own teams, as in a
large city with many teams. Patrols are copied the same way. Rows are inserted in time order, as
imports arrive. Built databases are cached in ``bench/.cache/`` by N and recipe; a second run only
opens the file.

What is timed, per page, for a typical filter (one year, all areas or one area, street field,
compared with the year before): the named queries and module functions the page runs on one
script run (read ``dashboard/views/*.py``), including the per-run data version and area list.

* cold: a new connection (a fresh DuckDB instance with an empty buffer pool, as after a restart or
  when no session holds the file). The operating system's page cache is warm: the file was read
  before, so "cold" does not include disk reads.
* warm: the same set again inside the same read session (one connection per script run, as
  ``app.py`` does). The app also caches each result by data version (``st.cache_data``): a rerun
  with an unchanged filter costs nothing; "warm" is the cost of a filter not seen before.

Times are medians of ``--repeat`` runs, in milliseconds. The page timings run in a subprocess, so
its peak memory (``peak_rss_mb``) is that of an app-like process and not inflated by the pandas
baseline, which runs in this process.

Baseline: the whole contacts table (with the hotspot kind) loaded once into a pandas DataFrame
(``st.cache_data`` style; the load is reported separately), then per rerun: boolean masks and
groupbys for the same figures Feltkart's SQL gives — totals, hits by hotspot, by area, weekday ×
hour and by month, for the filter and its comparison period. ``feltkart_ms`` is the warm time of
exactly those queries, so the ratio compares like with like (the results are checked to agree).

``--json`` prints ``{"rows", "pages": {page: {"cold_ms", "warm_ms"}}, "baseline_pandas_ms",
"feltkart_ms", "ratio", "peak_rss_mb"}`` and some extra keys.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR))

import duckdb  # noqa: E402

from dashboard import access, queries  # noqa: E402
from dashboard.db import SCHEMA_VERSION, Database  # noqa: E402
from dashboard.filters import Filter  # noqa: E402
from dashboard.seed import build_demo, ensure_calendar  # noqa: E402

DEMO_UNTIL = datetime(2026, 11, 27, 9, 0)
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
RECIPE = 2  # bump when the scaled-up data changes, so cached databases are rebuilt
YEAR = 2025  # the filter's year; the comparison is the year before
FOCUS_START = date(2025, 10, 1)


# --- building --------------------------------------------------------------------------------

SCALE_CONTACTS = """
INSERT INTO contacts (occurred_at, hotspot_id, lon, lat, area_id, channel, age_band, gender, youth_count, team, batch_id)
SELECT occurred_at, hotspot_id, lon, lat, area_id, channel, age_band, gender, youth_count, team, batch_id
FROM (
    SELECT
        b.occurred_at - to_years(5 * CAST(k % 2 AS INTEGER))
            + CASE WHEN k >= 2 THEN to_minutes(CAST(hash(b.rn, k, 1) % 61 AS INTEGER) - 30) ELSE INTERVAL 0 MINUTE END
            AS occurred_at,
        b.hotspot_id,
        CASE WHEN k >= 2 AND b.hotspot_id IS NULL AND b.lon IS NOT NULL
             THEN b.lon + (CAST(hash(b.rn, k, 2) % 1001 AS DOUBLE) - 500) * 1.6e-6 ELSE b.lon END AS lon,
        CASE WHEN k >= 2 AND b.hotspot_id IS NULL AND b.lat IS NOT NULL
             THEN b.lat + (CAST(hash(b.rn, k, 3) % 1001 AS DOUBLE) - 500) * 0.9e-6 ELSE b.lat END AS lat,
        b.area_id, b.channel, b.age_band, b.gender,
        CASE WHEN k >= 2 THEN greatest(1, b.youth_count + CAST(hash(b.rn, k, 4) % 3 AS INTEGER) - 1)
             ELSE b.youth_count END AS youth_count,
        CASE WHEN k >= 2 THEN coalesce(b.team, 'T') || '-' || CAST(k // 2 AS VARCHAR) ELSE b.team END AS team,
        b.batch_id
    FROM bench_base b CROSS JOIN range($copies) AS r(k)
    WHERE k * $base + b.rn < $rows
)
{order}
"""

SCALE_PATROLS = """
INSERT INTO patrols (team, area_id, shift, started_at, ended_at, batch_id)
SELECT team, area_id, shift, started_at, ended_at, batch_id
FROM (
    SELECT
        CASE WHEN k >= 2 THEN p.team || '-' || CAST(k // 2 AS VARCHAR) ELSE p.team END AS team,
        p.area_id, p.shift,
        p.started_at - to_years(5 * CAST(k % 2 AS INTEGER)) AS started_at,
        p.ended_at - to_years(5 * CAST(k % 2 AS INTEGER)) AS ended_at,
        p.batch_id
    FROM bench_patrols p CROSS JOIN range($copies) AS r(k)
)
{order}
"""


BENCH_ACTOR = "bench"


def cache_path(rows: int, ordered: bool) -> Path:
    return CACHE_DIR / f"contacts-{rows}-r{RECIPE}{'' if ordered else '-unordered'}.duckdb"


def scale_up(db: Database, rows: int, ordered: bool = True) -> dict:
    """Replace the demo's registrations and patrols by ``rows`` registrations of the same patterns."""
    with db.write() as con:
        con.execute("CREATE TEMP TABLE bench_base AS SELECT row_number() OVER (ORDER BY hash(id), id) - 1 AS rn, * FROM contacts")
        con.execute("CREATE TEMP TABLE bench_patrols AS SELECT * FROM patrols")
        base = con.execute("SELECT count(*) FROM bench_base").fetchall()[0][0]
        copies = -(-rows // base)
        con.execute("DELETE FROM contacts")
        con.execute("DELETE FROM patrols")
        con.execute(SCALE_CONTACTS.format(order="ORDER BY occurred_at" if ordered else ""),
                    {"copies": copies, "base": base, "rows": rows})
        con.execute(SCALE_PATROLS.format(order="ORDER BY started_at" if ordered else ""), {"copies": copies})
        con.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")
        con.execute("DROP TABLE bench_base")
        con.execute("DROP TABLE bench_patrols")
    return {"base_rows": base, "copies": copies}


def build(rows: int | None, ordered: bool = True, use_cache: bool = True, log=print) -> tuple[Database, dict]:
    """The demo database, scaled to ``rows`` if given; from the cache when it is there."""
    if rows and use_cache:
        path = cache_path(rows, ordered)
        meta_path = path.with_suffix(".json")
        if path.exists() and meta_path.exists():
            db = Database(path)
            if db.schema_version() < SCHEMA_VERSION:
                with access.acting_as(BENCH_ACTOR, "admin"):
                    db.migrate()
            return db, {**json.loads(meta_path.read_text()), "cached": True}
        CACHE_DIR.mkdir(exist_ok=True)
        for stale in (path, Path(str(path) + ".wal")):
            stale.unlink(missing_ok=True)
    else:
        path = Path(tempfile.mkdtemp(prefix="feltkart-bench-")) / "bench.duckdb"
    started = time.perf_counter()
    db = Database(path)
    log(f"building the demo in {path} ...")
    with access.acting_as(BENCH_ACTOR, "admin"):  # the bench writes a database of its own, as the command line would
        build_demo(db, until=DEMO_UNTIL)
        ensure_calendar(db)
    info = {"build_demo_s": round(time.perf_counter() - started, 1)}
    if rows:
        log(f"scaling up to {rows:,} registrations ...")
        scaled = time.perf_counter()
        info.update(scale_up(db, rows, ordered))
        info["scale_s"] = round(time.perf_counter() - scaled, 1)
    info["build_s"] = round(time.perf_counter() - started, 1)
    info["file_mb"] = round(path.stat().st_size / 1e6, 1)
    if rows and use_cache:
        path.with_suffix(".json").write_text(json.dumps(info))
    return db, {**info, "cached": False}


# --- what the pages run ------------------------------------------------------------------------

def _q(name: str, **params):
    return lambda db: queries.run(db, name, **params)


def _mixed(fn):
    """A module function that runs queries and then works on the results in Python."""
    fn.mixed = True
    return fn


def page_sets(db: Database, flt: Filter) -> dict[str, list]:
    """What each page runs on one script run for ``flt`` (see dashboard/views/*.py), as callables."""
    from dashboard import focus, hkh, import_store, reports

    comparison = flt.comparison()
    p, c = flt.params(), comparison.params()
    notes = {"start_date": flt.start, "end_date": flt.end, "area_ids": list(flt.areas), "shareable_only": False,
             "include_archived": False}
    context = [lambda db: db.data_version(), _q("areas"), lambda db: db.data_version()]  # app.py, every run
    hotspot_table = [_q("hits_by_hotspot", **c), _q("hits_by_hotspot", **p), _q("hotspot_profiles", **p),
                     _q("trend_notes", **notes)]
    area_table = [_q("hits_by_area", **c), _q("hits_by_area", **p), _q("areas")]
    with db.read() as con:
        busiest = con.execute(
            "SELECT hotspot_id FROM contacts WHERE hotspot_id IS NOT NULL AND occurred_at >= $s AND occurred_at < $e "
            "GROUP BY 1 ORDER BY sum(youth_count) DESC LIMIT 1", {"s": p["start_ts"], "e": p["end_ts"]}).fetchall()
    one = flt.with_hotspots(busiest[0][0]) if busiest else flt
    sets = {
        "oversikt": [*context, _q("totals", **p), _q("totals", **c), *hotspot_table, *area_table],
        "kart": [*context, *hotspot_table, *area_table, _q("density_cells", **p, cell_m=250.0, max_cells=2000),  # with the density layer on
                 # a clicked hotspot's details
                 _q("time_cube", **one.params(), day_type="all"), _q("monthly_series", **one.params()),
                 _q("monthly_series", **one.comparison().params())],
        "tid": [*context, _q("time_cube", **p, day_type="all"), _q("staffing_plan"),
                _q("hits_by_hotspot_in_slots", **p, slots=[])],
        "trender": [*context, _q("places"), _q("monthly_by_place", **p), _q("monthly_by_place", **c),
                    _q("trend_notes", **notes), *hotspot_table, _q("data_range"),
                    _q("monthly_series", **flt.with_period(date(2017, 1, 1), flt.end).params()),
                    _q("trend_notes", **{**notes, "include_archived": False}),
                    _q("trend_notes", **{**notes, "include_archived": True})],
        "bemanning": [*context, _q("coverage_hits", **p),
                      _q("patrol_hours", start_ts=p["start_ts"], end_ts=p["end_ts"], area_ids=p["area_ids"]),
                      _q("staffing_plan"), _q("patrol_days", start_ts=p["start_ts"], end_ts=p["end_ts"], area_ids=[])],
        "fokus": [*context, _mixed(lambda db: focus.suggest(db, FOCUS_START, areas=flt.areas)), focus.decisions],
        "data": [*context, import_store.list_batches, _q("places"), reports.data_years,
                 _mixed(lambda db: reports.annual_report(db, flt.start.year))],
    }
    mappings = hkh.mappings(db)
    if len(mappings):
        m = mappings.iloc[0]
        day = lambda value: value.date() if hasattr(value, "date") else value  # noqa: E731

        @_mixed
        def hkh_page(db):
            cmp = hkh.compare(db, list(m["hotspot_ids"]), (day(m["baseline_start"]), day(m["baseline_end"])),
                              (day(m["followup_start"]), day(m["followup_end"])))
            hkh.timeline(db, cmp)
            hkh.actions(db, int(m["id"]))
            hkh.timeline(db, cmp, shareable_only=True)

        sets["hkh"] = [*context, hkh.mappings, _q("places"), hkh_page]
    return sets


def figure_set(flt: Filter) -> list:
    """The figures the pandas baseline also computes: for the filter and its comparison period."""
    result = []
    for f in (flt, flt.comparison()):
        result += [(name, f.params()) for name in ("totals", "hits_by_hotspot", "hits_by_area", "weekday_hour",
                                                   "monthly_series")]
    return result


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


class _QueryClock:
    """Adds up the time spent in ``queries.run`` (SQL and the fetch into a DataFrame), so that a
    page calling module functions (focus.suggest, hkh.compare) is timed for its queries apart from
    the Python work the function does with the results."""

    def __init__(self):
        self.ms = 0.0
        self._run = queries.run

    def __enter__(self):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self._run(*args, **kwargs)
            finally:
                self.ms += (time.perf_counter() - started) * 1000

        queries.run = timed
        return self

    def __exit__(self, *exc):
        queries.run = self._run


def _time_set(db: Database, runs: list) -> tuple[float, float, float]:
    """(query ms, total ms, CPU ms) of one run of a page's set: a plain query counts whole; a
    module function counts its queries as query time (its Python work only in the total). CPU ms
    is this process's CPU time over all threads: unlike wall time it hardly grows when other work
    competes for the cores; on an idle machine the wall time is about CPU ms / 1.5 with 2 cores."""
    query_ms = total_ms = 0.0
    cpu_started = time.process_time()
    for run in runs:
        with _QueryClock() as clock:
            elapsed = _ms(lambda run=run: run(db))
        total_ms += elapsed
        query_ms += clock.ms if getattr(run, "mixed", False) else elapsed
    return query_ms, total_ms, (time.process_time() - cpu_started) * 1000


def time_pages(db: Database, flt: Filter, repeat: int) -> dict:
    result = {}
    for page, runs in page_sets(db, flt).items():
        cold, warm, warm_total, warm_cpu = [], [], [], []
        for _ in range(repeat):
            with db.read_session():  # a new connection: a fresh DuckDB instance for this file
                first = _time_set(db, runs)  # cold: the instance's buffer pool is empty
                again = _time_set(db, runs)  # warm: the same set again in the same session
            cold.append(first[0])
            warm.append(again[0])
            warm_total.append(again[1])
            warm_cpu.append(again[2])
        result[page] = {"cold_ms": round(statistics.median(cold), 1), "warm_ms": round(statistics.median(warm), 1),
                        "warm_total_ms": round(statistics.median(warm_total), 1),
                        "warm_cpu_ms": round(statistics.median(warm_cpu), 1), "calls": len(runs)}
    return result


def time_figures(db: Database, flt: Filter, repeat: int) -> tuple[float, dict]:
    figures = figure_set(flt)
    times = []
    with db.read_session():
        results = {(name, i): queries.run(db, name, **params) for i, (name, params) in enumerate(figures)}
        for _ in range(repeat):
            times.append(_ms(lambda: [queries.run(db, name, **params) for name, params in figures]))
    return statistics.median(times), results


def worker(args) -> dict:
    """The app-like part, run in its own process: page timings and the figure set."""
    db = Database(args.db)
    with db.read() as con:
        rows = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
    flt_all = Filter.for_year(YEAR, channels=("street",), compare="last_year")
    flt_one = Filter.for_year(YEAR, areas=("lillestrom-stasjon",), channels=("street",), compare="last_year")
    pages = time_pages(db, flt_all, args.repeat)
    pages_one = {} if args.smoke else time_pages(db, flt_one, args.repeat)
    feltkart_ms, results = time_figures(db, flt_all, args.repeat)
    with db.read() as con:
        free_points = len(con.execute(queries.QUERIES["free_points"].sql, flt_all.params()).fetchall())
    summary = {name: _summarise(frame) for (name, _), frame in results.items()}
    return {"rows": rows, "pages": pages, "pages_one_area": pages_one, "feltkart_ms": round(feltkart_ms, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "free_points_rows": free_points, "check": summary}


def _summarise(frame) -> list:
    """A small fingerprint of a result (for checking that the baseline computes the same)."""
    numeric = [c for c in frame.columns if c in ("hits", "registrations")]
    return [len(frame), *[int(frame[c].sum()) for c in numeric]]


# --- the pandas baseline -----------------------------------------------------------------------

def load_frame(db: Database):
    """What a typical Streamlit app caches with st.cache_data: the whole table as a DataFrame."""
    with db.read() as con:
        return con.execute(
            "SELECT c.occurred_at, c.hotspot_id, c.area_id, c.channel, c.age_band, c.gender, c.youth_count, "
            "h.kind AS hotspot_kind, h.name AS hotspot_name, h.area_id AS hotspot_area_id "
            "FROM contacts c LEFT JOIN hotspots h ON h.id = c.hotspot_id").df()


def pandas_figures(df, areas, flt: Filter) -> dict:
    """The figure set, computed per rerun the pandas way (boolean masks, then groupby)."""
    import pandas as pd

    out = {}
    for i, f in enumerate((flt, flt.comparison())):
        p = f.params()
        mask = (df["occurred_at"] >= p["start_ts"]) & (df["occurred_at"] < p["end_ts"])
        for column, key in (("area_id", "area_ids"), ("hotspot_id", "hotspot_ids"), ("hotspot_kind", "hotspot_kinds"),
                            ("age_band", "age_bands"), ("gender", "genders"), ("channel", "channels")):
            if p[key]:
                mask &= df[column].isin(p[key])
        sub = df[mask]
        base = 5 * i
        out[("totals", base)] = pd.DataFrame([{
            "hits": int(sub["youth_count"].sum()), "registrations": len(sub),
            "active_hotspots": sub["hotspot_id"].nunique(),
            "hits_13_15": int(sub.loc[sub["age_band"] == "13-15", "youth_count"].sum()),
            "hits_online": int(sub.loc[sub["channel"].isin(["internet", "social"]), "youth_count"].sum()),
            "active_days": sub["occurred_at"].dt.normalize().nunique()}])
        by_hotspot = (sub.dropna(subset=["hotspot_id"])
                      .groupby(["hotspot_id", "hotspot_name", "hotspot_kind", "hotspot_area_id"])["youth_count"]
                      .agg(hits="sum", registrations="size").reset_index().sort_values("hits", ascending=False))
        out[("hits_by_hotspot", base + 1)] = by_hotspot
        by_area = sub.groupby("area_id")["youth_count"].sum()
        street = sub[sub["channel"] == "street"].groupby("area_id")["youth_count"].sum()
        school = sub[sub["channel"] == "school"].groupby("area_id")["youth_count"].sum()
        chosen = areas if not p["area_ids"] else areas[areas["id"].isin(p["area_ids"])]
        out[("hits_by_area", base + 2)] = pd.DataFrame({
            "area_id": chosen["id"].to_numpy(),
            "hits": by_area.reindex(chosen["id"]).fillna(0).astype(int).to_numpy(),
            "hits_street": street.reindex(chosen["id"]).fillna(0).astype(int).to_numpy(),
            "hits_school": school.reindex(chosen["id"]).fillna(0).astype(int).to_numpy()})
        out[("weekday_hour", base + 3)] = (sub.groupby([sub["occurred_at"].dt.day_of_week + 1, sub["occurred_at"].dt.hour])
                                           ["youth_count"].sum().rename("hits").reset_index(drop=True).to_frame())
        out[("monthly_series", base + 4)] = (sub.groupby([sub["occurred_at"].dt.to_period("M"), "channel"])["youth_count"]
                                             .sum().rename("hits").reset_index(drop=True).to_frame())
    return out


def baseline(db: Database, repeat: int) -> dict:
    flt = Filter.for_year(YEAR, channels=("street",), compare="last_year")
    started = time.perf_counter()
    df = load_frame(db)
    load_ms = (time.perf_counter() - started) * 1000
    areas = queries.run(db, "areas")
    results = pandas_figures(df, areas, flt)
    times = [_ms(lambda: pandas_figures(df, areas, flt)) for _ in range(repeat)]
    return {"baseline_pandas_ms": round(statistics.median(times), 1), "baseline_load_ms": round(load_ms, 1),
            "baseline_frame_mb": round(df.memory_usage(deep=True).sum() / 1e6, 1),
            "check": {name: _summarise(frame) for (name, _), frame in results.items()}}


# --- the command -------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an existing Feltkart database (default: build the demo)")
    parser.add_argument("--rows", type=int, help="scale the demo up to this many registrations (cached)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="build in a temporary folder, not bench/.cache")
    parser.add_argument("--unordered", action="store_true", help="insert the scaled rows in no particular order")
    parser.add_argument("--smoke", action="store_true", help="time only the all-areas filter (for the test)")
    parser.add_argument("--browser", action="store_true",
                        help="also time the map's first paint in Debian chromium (bench/browser_paint.py)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args), default=str))
        return 0
    log = (lambda text: print(text, file=sys.stderr, flush=True)) if args.json else print
    if args.db:
        db, info = Database(args.db), {}
        db.check_ready()
    else:
        db, info = build(args.rows, ordered=not args.unordered, use_cache=not args.no_cache, log=log)
    log("timing the pages (subprocess) ...")
    proc = subprocess.run([sys.executable, __file__, "--worker", "--db", str(db.path), "--repeat", str(args.repeat),
                           *(["--smoke"] if args.smoke else [])],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO_DIR)}, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        return 1
    app = json.loads(proc.stdout)
    log("timing the pandas baseline ...")
    base = baseline(db, args.repeat)
    if base.pop("check") != app.pop("check"):
        log("warning: the pandas baseline's figures differ from Feltkart's")
        app["baseline_agrees"] = False
    else:
        app["baseline_agrees"] = True
    report = {
        "rows": app["rows"], "pages": app["pages"], "baseline_pandas_ms": base["baseline_pandas_ms"],
        "feltkart_ms": app["feltkart_ms"],
        "ratio": round(base["baseline_pandas_ms"] / max(app["feltkart_ms"], 0.001), 1),
        "peak_rss_mb": app["peak_rss_mb"],
        "pages_one_area": app["pages_one_area"], "baseline_load_ms": base["baseline_load_ms"],
        "baseline_frame_mb": base["baseline_frame_mb"], "baseline_agrees": app["baseline_agrees"],
        "baseline_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "free_points_rows": app["free_points_rows"], "build": info,
        "filter": f"{YEAR}, street field, all areas (pages_one_area: lillestrom-stasjon), compared with {YEAR - 1}",
        "duckdb": duckdb.__version__, "cpus": os.cpu_count(), "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    if args.browser:
        from browser_paint import (
            map_first_paint,  # bench/ is on sys.path when run as a script
        )

        log("timing the map's first paint in the browser ...")
        report["map_first_paint"] = map_first_paint(db.path, years=list(range(YEAR, YEAR - 10, -1)),
                                                    repeat=args.repeat)
    if args.json:
        print(json.dumps(report))
    else:
        print_table(report)
    if not args.db and db.path.parent.name.startswith("feltkart-bench-"):  # built in a temporary folder
        shutil.rmtree(db.path.parent, ignore_errors=True)
    return 0


def print_table(report: dict) -> None:
    print(f"{report['rows']:,} registrations; filter: {report['filter']}")
    build = report["build"]
    if build:
        print(f"build: {build.get('build_s')} s{' (cached)' if build.get('cached') else ''}, file {build.get('file_mb')} MB")
    print("queries per page (ms); 'with Python' adds the work module functions do with the results")
    print(f"  {'page':<10} {'calls':>5} {'cold':>8} {'warm':>8} {'with Python':>12} {'CPU':>8}   {'one area: cold':>14} {'warm':>7}")
    for page, figures in report["pages"].items():
        one = report["pages_one_area"].get(page, {"cold_ms": float("nan"), "warm_ms": float("nan")})
        print(f"  {page:<10} {figures['calls']:>5} {figures['cold_ms']:>8.1f} {figures['warm_ms']:>8.1f} "
              f"{figures['warm_total_ms']:>12.1f} {figures['warm_cpu_ms']:>8.1f}   {one['cold_ms']:>14.1f} {one['warm_ms']:>7.1f}")
    print(f"same figures: Feltkart {report['feltkart_ms']:.1f} ms, pandas {report['baseline_pandas_ms']:.1f} ms per rerun "
          f"(+ {report['baseline_load_ms']:.0f} ms load, {report['baseline_frame_mb']:.0f} MB frame) "
          f"-> {report['ratio']:.1f}x{'' if report['baseline_agrees'] else ' (results differ!)'}")
    print(f"load average {report['load_average']} on {report['cpus']} CPUs (other work slows every figure)")
    print(f"peak RSS: app-like process {report['peak_rss_mb']:.0f} MB; this process (pandas) "
          f"{report['baseline_peak_rss_mb']:.0f} MB; free points returned for the density layer: "
          f"{report['free_points_rows']:,}")
    if "map_first_paint" in report:
        paint = report["map_first_paint"]
        print(f"map first paint in chromium (s, median of {paint['repeat']}): first visit after start "
              f"{paint['first_visit_s']}, new browser {paint['new_browser_s']}, returning browser "
              f"{paint['returning_browser_s']}, filter seen before {paint['cached_s']}; "
              f"the app process peaked at {paint['app_peak_rss_mb']} MB")


if __name__ == "__main__":
    sys.exit(main())
