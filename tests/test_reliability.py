"""Faults: a process killed in the middle of a save, a full disk, a read-only database, and many
readers while another process writes.

A kill during an import is covered by tests/test_importer.py
(test_a_kill_inside_the_write_transaction_leaves_nothing); here the same for a note save, with a
WAL left behind by the killed process.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import duckdb
import pytest

import dashboard.db as dbmod
from dashboard import backup, notes, queries
from dashboard.db import Database, bump_data_version
from dashboard.errors import FeltkartError
from dashboard.filters import Filter

REPO_DIR = Path(__file__).resolve().parents[1]

# Commits one note and leaves it in the WAL (no checkpoint: the connection stays open), then saves
# a second note through notes.add_note and stops inside its write transaction, where it is killed.
KILL_NOTE_SCRIPT = """
    import sys, time
    from datetime import date
    import duckdb
    import dashboard.db as dbmod
    import dashboard.notes as notes
    from dashboard import access

    access.set_acting("kill-test", "editor")  # a process of its own has no role until one is set
    path = sys.argv[1]
    keep_open = duckdb.connect(path, config=dbmod._DUCKDB_CONFIG)
    keep_open.execute("SET checkpoint_threshold = '1GB'")
    db = dbmod.Database(path)
    notes.add_note(db, notes.NoteDraft("committed before the kill", date(2025, 3, 1), area_id="fetsund",
                                       author="kill test"))

    real_bump = notes.bump_data_version
    def bump_then_hang(con):
        real_bump(con)
        print("IN-TRANSACTION", flush=True)
        time.sleep(120)
    notes.bump_data_version = bump_then_hang
    notes.add_note(db, notes.NoteDraft("never committed", date(2025, 3, 2), area_id="fetsund", author="kill test"))
    print("COMMITTED", flush=True)
"""

# A CLI import and a few note saves: several write transactions in another process.
WRITER_SCRIPT = """
    import sys
    from datetime import date
    from dashboard.cli import main
    from dashboard import access, notes
    from dashboard.db import Database
    access.set_acting("writer", "editor")  # a process of its own has no role until one is set
    db = Database(sys.argv[1])
    for i in range(2):
        notes.add_note(db, notes.NoteDraft(f"concurrent note {i}", date(2025, 3, 1), area_id="fetsund", author="writer"))
        if i == 0:
            assert main(["--db", sys.argv[1], "import", sys.argv[2]]) == 0
    print("DONE", flush=True)
"""


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("FELTKART_DB", None)
    return env


@pytest.fixture
def db(demo_db, tmp_path) -> Database:
    """A writable copy of the demo database of the test's own."""
    return Database(backup.backup(demo_db, tmp_path / "feltkart.duckdb").path)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as con:
        return backup._table_counts(con, con.execute("SELECT current_database()").fetchall()[0][0])


def _bodies(db: Database) -> list[str]:
    with db.read() as con:
        return [row[0] for row in con.execute("SELECT body FROM trend_notes WHERE author IN ('kill test', 'after')"
                                              " ORDER BY id").fetchall()]


def test_a_kill_during_a_note_save_loses_only_that_note(db):
    before, version = _counts(db), db.data_version()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(KILL_NOTE_SCRIPT), str(db.path)], cwd=REPO_DIR,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(90, proc.kill)  # never hang the suite if the marker never comes
    watchdog.start()
    try:
        line = proc.stdout.readline()
        assert line.strip() == "IN-TRANSACTION", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert Path(str(db.path) + ".wal").exists(), "the killed process should have left its WAL"

    db.check_ready()  # opens: the WAL is replayed
    assert _bodies(db) == ["committed before the kill"]  # accepted: kept; in flight: gone
    assert db.data_version() == version + 1
    after = _counts(db)
    assert after["trend_notes"] == before["trend_notes"] + 1
    logs = {"trend_notes", "audit_log"}  # a save may also write an audit entry
    assert {k: v for k, v in after.items() if k not in logs} == {k: v for k, v in before.items() if k not in logs}
    notes.add_note(db, notes.NoteDraft("saved after the restart", date(2025, 3, 3), area_id="fetsund", author="after"))
    assert _bodies(db) == ["committed before the kill", "saved after the restart"]
    assert db.data_version() == version + 2


# --- disk full and read-only -------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs (needs root and mount permission; skipped otherwise)."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)], capture_output=True, check=False)
    if done.returncode:
        pytest.skip(f"mount not permitted: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


BIG_NOTES = (
    "INSERT INTO trend_notes (period_start, period_end, area_id, tags, body, author, created_at, updated_at) "
    "SELECT DATE '2025-01-01', DATE '2025-01-02', 'fetsund', [], md5(i::VARCHAR) || repeat('x', 60), 'filler', "
    "TIMESTAMP '2025-01-01 12:00', TIMESTAMP '2025-01-01 12:00' FROM range($n) r(i)"
)


def test_a_full_disk_gives_a_clear_message_and_keeps_the_data(small_disk):
    db = Database(small_disk / "feltkart.duckdb")
    db.migrate()
    with db.write() as con:
        con.execute(BIG_NOTES, {"n": 100})
        bump_data_version(con)
    with pytest.raises(FeltkartError) as exc, db.write() as con:
        con.execute(BIG_NOTES, {"n": 3_000_000})
        bump_data_version(con)
    assert exc.value.key == "db.disk_full"
    assert "Disken er full" in exc.value.message("nb") and "Nothing was saved" in exc.value.message("en")
    assert db.data_version() == 1  # nothing of the failed write, all of the earlier one
    with db.read() as con:
        assert con.execute("SELECT count(*) FROM trend_notes").fetchall()[0][0] == 100


def test_a_read_only_file_system_gives_a_clear_message_and_reads_still_work(small_disk):
    db = Database(small_disk / "feltkart.duckdb")
    db.migrate()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(FeltkartError) as exc, db.write() as con:
        bump_data_version(con)
    assert exc.value.key == "db.read_only"
    assert "skrivebeskyttet" in exc.value.message("nb")
    assert db.data_version() == 0  # reading a read-only database works


class _FailingConnection:
    """Stands in for a DuckDB connection whose COMMIT fails with ``error``."""

    def __init__(self, con, error):
        self._con, self._error = con, error

    def execute(self, sql, *args):
        if sql == "COMMIT":
            raise self._error
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.mark.parametrize("message, key", [
    ('IO Error: Could not write file "{path}": No space left on device', "db.disk_full"),
    ('IO Error: Could not write file "{path}": Permission denied', "db.read_only"),
])
def test_failed_commit_messages(db, monkeypatch, message, key):
    """DuckDB's exact texts (seen on a full tmpfs and a read-only mount) map to the clear messages."""
    real_connect = duckdb.connect
    error = duckdb.IOException(message.format(path=db.path))
    monkeypatch.setattr(dbmod.duckdb, "connect",
                        lambda *args, **kwargs: _FailingConnection(real_connect(*args, **kwargs), error)
                        if not kwargs.get("read_only") else real_connect(*args, **kwargs))
    version = db.data_version()
    with pytest.raises(FeltkartError) as exc, db.write() as con:
        bump_data_version(con)
    assert exc.value.key == key
    monkeypatch.undo()
    assert db.data_version() == version


@pytest.mark.parametrize("message, key", [
    ('IO Error: Cannot open file "{path}": Read-only file system', "db.read_only"),
    ('IO Error: Cannot open file "{path}": Permission denied', "db.read_only"),
    ('IO Error: Could not write file "{path}": No space left on device', "db.disk_full"),
    ('IO Error: Cannot open file "{path}": Permission denied', "db.unreadable"),  # on a read
])
def test_failed_open_messages(db, monkeypatch, message, key):
    def refuse(path, read_only=False, **kwargs):
        if read_only == (key == "db.unreadable"):
            raise duckdb.IOException(message.format(path=path))
        return duckdb.connect(path, read_only=read_only, **kwargs)

    monkeypatch.setattr(dbmod.duckdb, "connect", refuse)
    with pytest.raises(FeltkartError) as exc:
        if key == "db.unreadable":
            db.data_version()
        else:
            with db.write():
                pass
    assert exc.value.key == key


# --- many readers, one writer in another process -----------------------------------------------

def _csv(rows: int) -> bytes:
    lines = ["Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall;Team"]
    places = ["Strømmen Storsenter", "Lillestrøm stasjon", "Volla", "Fetsund stasjon"]
    for i in range(rows):
        lines.append(f"{1 + i % 28:02d}.03.2025;{14 + i % 9}.{'00' if i % 2 else '30'};{places[i % 4]};gatefelt;"
                     f"13-15;{'gutt' if i % 3 else 'jente'};{1 + i % 7};Team {1 + i % 5}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _read_in_threads(db: Database, flt: Filter, pause_s: float, threads: int = 10):
    """Start ``threads`` readers, each running script-run-like read sessions in a loop with
    ``pause_s`` between them; returns (stop, errors, versions seen per reader, threads)."""
    errors: list[BaseException] = []
    seen: dict[int, list[int]] = {}
    stop = threading.Event()

    def reader(index: int) -> None:
        versions = seen.setdefault(index, [])
        while not stop.is_set():
            try:
                with db.read_session():  # one connection per script run, as app.py does
                    versions.append(db.data_version())
                    queries.run_filtered(db, ("totals", "hits_by_hotspot", "weekday_hour")[index % 3], flt)
            except BaseException as exc:  # noqa: BLE001 - any error in a reader fails the test
                errors.append(exc)
                return
            time.sleep(pause_s * (0.5 + (index % 5) / 4))

    workers = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    return stop, errors, seen, workers


def _writer(db: Database, csv_path: Path, lock_timeout_s: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER_SCRIPT), str(db.path), str(csv_path)],
                            cwd=REPO_DIR, env={**_env(), "FELTKART_LOCK_TIMEOUT_S": str(lock_timeout_s)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_ten_readers_see_no_error_while_another_process_imports_and_writes(db, tmp_path):
    """Ten sessions re-running their pages (a script run every ~0.1–0.3 s each) while the CLI imports
    a file and saves notes in another process: no reader fails, none sees the data go back, the
    writer gets through and the readers see its commits.

    Readers that never pause are covered by tests/test_locks.py: a waiting writer goes first."""
    csv_path = tmp_path / f"import-{uuid.uuid4().hex[:6]}.csv"
    csv_path.write_bytes(_csv(500))
    flt = Filter(date(2025, 3, 1), date(2025, 3, 31), channels=("street",))
    start_version = db.data_version()
    stop, errors, seen, workers = _read_in_threads(db, flt, pause_s=0.2)
    started = time.monotonic()
    try:
        proc = _writer(db, csv_path, lock_timeout_s=60)
        try:
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        time.sleep(max(0.3, 1.0 - (time.monotonic() - started)))  # let the readers see the last commit
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)

    assert proc.returncode == 0, err
    assert out.split()[-1] == "DONE"
    assert errors == []
    final = db.data_version()
    assert final >= start_version + 3  # two notes and one import
    for versions in seen.values():
        assert versions, "a reader never completed a read"
        assert versions == sorted(versions), "a reader saw the data version go backwards"
    assert max(v for versions in seen.values() for v in versions) == final, "no reader saw the last write"
    with db.read() as con:
        assert con.execute("SELECT count(*) FROM trend_notes WHERE author = 'writer'").fetchall()[0][0] == 2
        assert con.execute("SELECT count(*) FROM import_batches WHERE kind = 'file'").fetchall()[0][0] == 1
