"""Tests for dashboard.db: the schema, its migrations, storage rules and concurrent access."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

import dashboard.db as dbmod
from dashboard import queries
from dashboard.db import SCHEMA_VERSION, Database, now_local
from dashboard.errors import FeltkartError
from dashboard.seed import build_demo

REPO_DIR = Path(__file__).resolve().parents[1]
EXPECTED_TABLES = {
    "areas", "hotspots", "report_rows", "contacts", "trend_notes", "staffing_plan",
    "import_batches", "meta", "schema_migrations",
}
PERSON_COLUMNS = {
    "first_name", "last_name", "full_name", "surname", "person", "person_name", "youth_name",
    "fornavn", "etternavn", "navn", "birth_date", "date_of_birth", "fodselsnummer", "ssn",
}
GOOD_CONTACT = {
    "occurred_at": datetime(2023, 5, 5, 20, 0), "hotspot_id": None, "lon": None, "lat": None,
    "area_id": "fetsund", "channel": "street", "age_band": "13-15", "gender": "girl",
    "youth_count": 3, "team": "T1", "batch_id": 1,
}
INSERT_CONTACT = (
    "INSERT INTO contacts (occurred_at, hotspot_id, lon, lat, area_id, channel, age_band, gender, "
    "youth_count, team, batch_id) VALUES ($occurred_at, $hotspot_id, $lon, $lat, $area_id, $channel, "
    "$age_band, $gender, $youth_count, $team, $batch_id)"
)


@pytest.fixture
def migrated(fresh_db) -> Database:
    fresh_db.migrate()
    return fresh_db


def _count(db: Database, table: str) -> int:
    with db.read() as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _columns(db: Database) -> list[tuple[str, str, str, str | None]]:
    """(table, column, data type, comment) of every column of the database's own tables."""
    with db.read() as con:
        return con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE NOT internal AND database_name = current_database()"
        ).fetchall()


def _subprocess_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("FELTKART_DB", None)
    return env


def _start(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        cwd=REPO_DIR, env=_subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_line(proc: subprocess.Popen, expected: str, timeout: float = 30.0) -> None:
    """Block until the subprocess prints ``expected`` on a line of its own (or fail)."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(proc.stdout.readline().strip()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not result or result[0] != expected:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"subprocess did not print {expected!r} (got {result!r}); stderr:\n{err}")


def _all_2023_notes() -> dict:
    params = {"start_date": date(2023, 1, 1), "end_date": date(2023, 12, 31), "area_ids": [],
              "shareable_only": False}
    if "include_archived" in queries.QUERIES["trend_notes"].params:  # added with migration 2
        params["include_archived"] = True
    return params


# A writer as the CLI would be: opens the database, inserts a trend note and bumps the data version
# inside one transaction, and holds that transaction open for argv[2] seconds.
WRITER_SCRIPT = """
    import sys, time
    from datetime import date
    from dashboard.db import Database, bump_data_version, now_local
    db = Database(sys.argv[1])
    with db.write() as con:
        con.execute(
            "INSERT INTO trend_notes (period_start, period_end, area_id, tags, body, author, shareable, "
            "created_at, updated_at) VALUES ($s, $e, 'fetsund', ['gathering'], 'written by the writer', "
            "'Feltteam test', true, $t, $t)",
            {"s": date(2023, 1, 1), "e": date(2023, 12, 31), "t": now_local()},
        )
        bump_data_version(con)
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    print("committed", flush=True)
"""

READ_ONLY_HOLDER_SCRIPT = """
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    con.execute("SELECT count(*) FROM trend_notes").fetchall()
    print("ready", flush=True)
    time.sleep(float(sys.argv[2]))
    con.close()
    print("closed", flush=True)
"""


# --- schema and migrations ---------------------------------------------------------------------

def test_fresh_database_gets_current_schema_and_all_tables(fresh_db):
    assert not fresh_db.exists()
    applied = fresh_db.migrate()
    assert applied == list(range(1, SCHEMA_VERSION + 1))
    assert fresh_db.schema_version() == SCHEMA_VERSION
    fresh_db.check_ready()  # does not raise
    with fresh_db.read() as con:
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert EXPECTED_TABLES <= tables, f"missing tables: {EXPECTED_TABLES - tables}"
    assert fresh_db.data_version() == 0


def test_migrate_is_idempotent(migrated):
    with migrated.write() as con:
        con.execute(INSERT_CONTACT, GOOD_CONTACT)
    assert migrated.migrate() == []
    assert migrated.migrate() == []
    assert migrated.schema_version() == SCHEMA_VERSION
    assert _count(migrated, "schema_migrations") == SCHEMA_VERSION
    assert _count(migrated, "contacts") == 1  # data survives a second migrate
    with migrated.read() as con:
        assert con.execute("SELECT count(*) FROM meta WHERE key = 'data_version'").fetchall()[0][0] == 1


def test_foreign_duckdb_file_is_refused(fresh_db):
    """An existing DuckDB file that is not a Feltkart database is refused, not taken over."""
    con = duckdb.connect(str(fresh_db.path))
    con.execute("CREATE TABLE something_else (x INTEGER)")
    con.close()
    with pytest.raises(FeltkartError) as exc:
        fresh_db.check_ready()
    assert exc.value.key == "db.not_feltkart"


@pytest.mark.parametrize("bad", [
    {"channel": "foo"},
    {"age_band": "x"},
    {"gender": "both"},
    {"youth_count": 0},
    {"youth_count": -2},
    {"area_id": None},  # a street registration must have an area
    {"lon": 10.9, "lat": None},  # a point needs both coordinates
], ids=lambda bad: ",".join(f"{k}={v}" for k, v in bad.items()))
def test_check_constraints_refuse_bad_values_and_roll_back(migrated, bad):
    before = _count(migrated, "contacts")
    with pytest.raises(FeltkartError) as exc:
        with migrated.write() as con:
            con.execute(INSERT_CONTACT, GOOD_CONTACT)  # a good row first: it must not survive either
            con.execute(INSERT_CONTACT, {**GOOD_CONTACT, **bad})
    assert exc.value.key.startswith("db.")
    assert not isinstance(exc.value, duckdb.Error)
    assert _count(migrated, "contacts") == before == 0


def test_online_contact_without_area_is_accepted(migrated):
    with migrated.write() as con:
        con.execute(INSERT_CONTACT, {**GOOD_CONTACT, "channel": "internet", "area_id": None})
    assert _count(migrated, "contacts") == 1


def test_error_in_python_inside_write_rolls_back(migrated):
    with pytest.raises(RuntimeError):
        with migrated.write() as con:
            con.execute(INSERT_CONTACT, GOOD_CONTACT)
            raise RuntimeError("boom")
    assert _count(migrated, "contacts") == 0


def test_no_column_holds_a_persons_name(migrated):
    columns = _columns(migrated)
    contact_columns = [c for t, c, _, _ in columns if t == "contacts"]
    assert contact_columns, "contacts has no columns?"
    assert not [c for c in contact_columns if "name" in c.lower()]
    person_like = [(t, c) for t, c, _, _ in columns
                   if c.lower() in PERSON_COLUMNS or "person" in c.lower() or "youth_name" in c.lower()]
    assert person_like == []


def test_occurred_at_is_local_time_without_time_zone(migrated):
    found = {(t, c): (dtype, comment) for t, c, dtype, comment in _columns(migrated)}
    dtype, comment = found[("contacts", "occurred_at")]
    assert dtype == "TIMESTAMP"  # not TIMESTAMP WITH TIME ZONE
    assert comment and "Europe/Oslo" in comment


def test_database_from_newer_version_is_refused(migrated):
    with migrated.write() as con:
        con.execute("INSERT INTO schema_migrations VALUES ($v, 'from_the_future', $t)",
                    {"v": SCHEMA_VERSION + 1, "t": now_local()})
    with pytest.raises(FeltkartError) as exc:
        migrated.check_ready()
    assert exc.value.key == "db.too_new"
    with pytest.raises(FeltkartError) as exc:
        migrated.migrate()
    assert exc.value.key == "db.too_new"
    assert migrated.schema_version() == SCHEMA_VERSION + 1  # nothing was changed


def test_non_duckdb_file_is_unreadable_and_left_alone(fresh_db):
    garbage = b"this is a spreadsheet, not a database\x00\x01\x02" * 200
    fresh_db.path.write_bytes(garbage)
    with pytest.raises(FeltkartError) as exc:
        fresh_db.check_ready()
    assert exc.value.key == "db.unreadable"
    with pytest.raises(FeltkartError) as exc:
        fresh_db.migrate()
    assert exc.value.key == "db.unreadable"
    assert fresh_db.path.read_bytes() == garbage


def test_missing_file_on_read(fresh_db):
    with pytest.raises(FeltkartError) as exc:
        with fresh_db.read():
            pass
    assert exc.value.key == "db.missing"
    with pytest.raises(FeltkartError) as exc:
        fresh_db.data_version()
    assert exc.value.key == "db.missing"
    assert not fresh_db.path.exists()  # reading does not create the file


def test_data_version_increases_with_build_demo(fresh_db):
    fresh_db.migrate()
    start = fresh_db.data_version()
    build_demo(fresh_db, until=datetime(2022, 2, 1))
    first = fresh_db.data_version()
    build_demo(fresh_db, until=datetime(2022, 2, 1))
    second = fresh_db.data_version()
    assert start < first < second


def test_default_path_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FELTKART_DB", str(tmp_path / "elsewhere.duckdb"))
    assert Database().path == (tmp_path / "elsewhere.duckdb").resolve()


# --- concurrency: the design goal --------------------------------------------------------------

def test_write_waits_for_reader_in_other_process(migrated):
    hold = 1.0
    proc = _start(READ_ONLY_HOLDER_SCRIPT, migrated.path, hold)
    try:
        _wait_for_line(proc, "ready")
        started = time.monotonic()
        with migrated.write() as con:
            con.execute(INSERT_CONTACT, GOOD_CONTACT)
        waited = time.monotonic() - started
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "closed" in out
    assert waited >= hold * 0.5, f"the write did not wait for the reader ({waited:.2f} s)"
    assert _count(migrated, "contacts") == 1


def test_readers_keep_working_while_cli_writer_runs(migrated):
    """A writer in another process holds its transaction ~1 s; readers here wait, never fail."""
    errors: list[BaseException] = []
    seen: dict[int, list[int]] = {}
    stop = threading.Event()

    def reader(index: int) -> None:
        versions = seen.setdefault(index, [])
        while not stop.is_set():
            try:
                versions.append(migrated.data_version())
                queries.run(migrated, "trend_notes", **_all_2023_notes())
            except BaseException as exc:  # noqa: BLE001 - any error in a reader fails the test
                errors.append(exc)
                return
            time.sleep(0.02)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    proc = _start(WRITER_SCRIPT, migrated.path, 1.0)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    # Keep reading until every reader has read after the commit (a reader may be in a back-off sleep
    # when it lands; on a busy machine a fixed time is not enough), but at least ~2 s in all.
    time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not errors and not all(v and v[-1] == 1 for v in seen.values()):
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert proc.returncode == 0, err
    assert out.split() == ["locked", "committed"]
    assert errors == []
    assert any(0 in versions for versions in seen.values()), "no read happened before the write"
    for versions in seen.values():
        assert versions, "a reader never completed a read"
        assert versions == sorted(versions), "a reader saw the data version go backwards"
        assert versions[-1] == 1, "a reader did not see the writer's commit"
    notes = queries.run(migrated, "trend_notes", **_all_2023_notes())
    assert list(notes["body"]) == ["written by the writer"]
    assert migrated.data_version() == 1


def test_reader_gives_up_with_busy_error(migrated, monkeypatch):
    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 0.3)
    proc = _start(WRITER_SCRIPT, migrated.path, 2.0)
    try:
        _wait_for_line(proc, "locked")
        started = time.monotonic()
        with pytest.raises(FeltkartError) as exc:
            migrated.data_version()
        gave_up_after = time.monotonic() - started
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert exc.value.key == "db.busy"
    assert 0.25 <= gave_up_after < 1.8
    assert proc.returncode == 0, err
    assert migrated.data_version() == 1  # once the writer is done, reading works again
