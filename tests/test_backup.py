"""Backup and restore (dashboard/backup.py, `feltkart backup/restore`), and opening databases made by
older or newer Feltkart versions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from dashboard import backup, queries
from dashboard.cli import main
from dashboard.db import (
    SCHEMA_VERSION,
    Database,
    bump_data_version,
    migrations,
    now_local,
)
from dashboard.errors import FeltkartError
from dashboard.seed import build_demo, ensure_database

REPO_DIR = Path(__file__).resolve().parents[1]
SMALL_DEMO_UNTIL = datetime(2022, 3, 1, 9, 0)  # two months of demo data: quick to build

NOTE_LOOP_SCRIPT = """
    import sys, time
    from datetime import date
    from dashboard.db import Database, bump_data_version, now_local
    db = Database(sys.argv[1])
    print("started", flush=True)
    deadline = time.monotonic() + float(sys.argv[2])
    n = 0
    while time.monotonic() < deadline:
        with db.write() as con:
            con.execute(
                "INSERT INTO trend_notes (period_start, period_end, area_id, tags, body, author, shareable, "
                "created_at, updated_at) VALUES ($d, $d, 'fetsund', [], $body, 'loop', false, $t, $t)",
                {"d": date(2022, 2, 1), "body": f"loop note {n}", "t": now_local()})
            time.sleep(0.005)  # a transaction that takes a moment: a copy must see all of it or none
            bump_data_version(con)
        n += 1
    print(n, flush=True)
"""


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("FELTKART_DB", None)
    return env


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Database:
    db = Database(tmp_path_factory.mktemp("backup") / "source.duckdb")
    build_demo(db, until=SMALL_DEMO_UNTIL)
    return db


@pytest.fixture
def live(small_demo, tmp_path) -> Database:
    """A writable copy of the small demo of the test's own."""
    db = Database(tmp_path / "live" / "feltkart.duckdb")
    db.path.parent.mkdir()
    backup.backup(small_demo, db.path)
    return db


def _counts(db: Database) -> dict[str, int]:
    with db.read() as con:
        return backup._table_counts(con, con.execute("SELECT current_database()").fetchall()[0][0])


def _loop_notes(db: Database) -> int:
    with db.read() as con:
        return con.execute("SELECT count(*) FROM trend_notes WHERE author = 'loop'").fetchall()[0][0]


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# --- backup ------------------------------------------------------------------------------------

def test_backup_is_a_verified_feltkart_database(small_demo, tmp_path):
    report = backup.backup(small_demo, tmp_path / "copy.duckdb")
    copy = Database(report.path)
    copy.check_ready()  # current schema, usable with --db
    assert report.tables == _counts(small_demo) == _counts(copy)
    assert report.registrations > 1000 and report.schema_version == SCHEMA_VERSION
    assert not Path(str(report.path) + ".wal").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["copy.duckdb"]  # no temporary file left
    # the sequences continue where the source's are: a new registration gets a new id
    with copy.write() as con:
        new_id = con.execute(
            "INSERT INTO contacts (occurred_at, area_id, channel, age_band, gender, youth_count, batch_id) "
            "VALUES (TIMESTAMP '2022-02-02 20:00', 'fetsund', 'street', 'u13', 'boy', 1, 1) RETURNING id"
        ).fetchall()[0][0]
        assert con.execute("SELECT count(*) FROM contacts WHERE id = $id", {"id": new_id}).fetchall()[0][0] == 1
    # the shared filter macro came along
    assert len(queries.run(copy, "totals", start_ts=datetime(2022, 1, 1), end_ts=datetime(2023, 1, 1), area_ids=[],
                           hotspot_ids=[], hotspot_kinds=[], age_bands=[], genders=[], channels=[])) == 1


def test_backup_refusals(small_demo, tmp_path):
    target = tmp_path / "copy.duckdb"
    target.write_bytes(b"keep me")
    with pytest.raises(FeltkartError) as exc:
        backup.backup(small_demo, target)
    assert exc.value.key == "backup.exists" and target.read_bytes() == b"keep me"
    assert backup.backup(small_demo, target, force=True).registrations > 0
    with pytest.raises(FeltkartError) as exc:
        backup.backup(small_demo, small_demo.path, force=True)
    assert exc.value.key == "backup.same_file"
    with pytest.raises(FeltkartError) as exc:
        backup.backup(small_demo, tmp_path / "no" / "such" / "folder.duckdb")
    assert exc.value.key == "backup.no_folder"
    with pytest.raises(FeltkartError) as exc:
        backup.backup(Database(tmp_path / "missing.duckdb"), tmp_path / "x.duckdb")
    assert exc.value.key == "db.missing"


def test_backup_while_another_process_writes_is_consistent(live, tmp_path):
    """A writer commits notes (each with a data version bump) in a loop; every backup taken
    meanwhile holds whole transactions only: as many loop notes as data version steps."""
    start_version = live.data_version()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(NOTE_LOOP_SCRIPT), str(live.path), "2.5"],
                            cwd=REPO_DIR, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "started"
        seen = []
        for i in range(2):
            time.sleep(0.4)
            copy = Database(backup.backup(live, tmp_path / f"during-{i}.duckdb").path)
            notes, version = _loop_notes(copy), copy.data_version()
            assert version - start_version == notes, f"backup {i}: {notes} notes but data version +{version - start_version}"
            seen.append(notes)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    written = int(out.split()[-1])
    assert seen == sorted(seen) and seen[-1] > 0, f"the writer made no progress between backups: {seen}"
    assert _loop_notes(live) == written  # nothing the writer committed was lost


# --- restore -----------------------------------------------------------------------------------

def test_restore_round_trip_keeps_the_previous_file(live, tmp_path, capsys):
    saved = tmp_path / "saved.duckdb"
    code, out, err = run_cli(capsys, "--db", live.path, "backup", "-o", saved)
    assert code == 0 and err == "" and str(saved) in out
    before = _counts(live)
    version = live.data_version()
    with live.write() as con:  # changes after the backup ...
        con.execute("DELETE FROM contacts WHERE id % 2 = 0")
        bump_data_version(con)
    assert _counts(live)["contacts"] < before["contacts"]
    code, out, err = run_cli(capsys, "--db", live.path, "restore", saved)
    assert code == 0 and err == "", err
    assert {k: v for k, v in _counts(live).items()} == before  # ... are undone
    assert live.data_version() > version + 1  # past the replaced database's: no stale cached figures
    kept = [p for p in live.path.parent.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and str(kept[0]) in out
    assert _counts(Database(kept[0]))["contacts"] < before["contacts"]  # the replaced data, kept
    assert not [p for p in live.path.parent.iterdir() if p.name.endswith(".tmp")]
    code, out, err = run_cli(capsys, "--db", live.path, "restore", saved, "--force")
    assert code == 0
    assert len([p for p in live.path.parent.iterdir() if ".before-restore-" in p.name]) == 1  # --force keeps none


def test_restore_into_a_missing_database(small_demo, tmp_path):
    target = Database(tmp_path / "new" / "feltkart.duckdb")
    report, kept = backup.restore(target, small_demo.path)
    assert kept is None and report.tables["contacts"] == _counts(small_demo)["contacts"]
    target.check_ready()


def test_restore_refuses_a_newer_database(live, small_demo, tmp_path, capsys):
    newer = Database(backup.backup(small_demo, tmp_path / "newer.duckdb").path)
    with newer.write() as con:
        con.execute("INSERT INTO schema_migrations VALUES ($v, 'from_the_future', $t)",
                    {"v": SCHEMA_VERSION + 1, "t": now_local()})
    before = live.path.read_bytes()
    code, out, err = run_cli(capsys, "--db", live.path, "restore", newer.path)
    assert code == 1 and out == ""
    assert err.startswith("feltkart: ") and err.count("\n") == 1 and str(SCHEMA_VERSION + 1) in err
    assert live.path.read_bytes() == before
    assert sorted(p.name for p in live.path.parent.iterdir()) == [live.path.name]


@pytest.mark.parametrize("content", [b"not a database at all" * 100, None])
def test_restore_refuses_files_that_are_no_feltkart_database(live, tmp_path, content):
    other = tmp_path / "other.duckdb"
    if content is None:
        con = duckdb.connect(str(other))
        con.execute("CREATE TABLE something_else (x INTEGER)")
        con.close()
    else:
        other.write_bytes(content)
    with pytest.raises(FeltkartError) as exc:
        backup.restore(live, other)
    assert exc.value.key == ("db.not_feltkart" if content is None else "db.unreadable")
    with pytest.raises(FeltkartError) as exc:
        backup.restore(live, tmp_path / "nothing.duckdb")
    assert exc.value.key == "backup.missing"


def test_restore_waits_for_a_reader_in_another_process(live, small_demo):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, time, duckdb
            con = duckdb.connect(sys.argv[1], read_only=True)
            print("ready", flush=True)
            time.sleep(1.0)
            con.close()
        """), str(live.path)], cwd=REPO_DIR, env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        backup.restore(live, small_demo.path, force=True)
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert waited >= 0.4, f"the restore did not wait for the reader ({waited:.2f} s)"
    live.check_ready()


# --- older and newer databases -----------------------------------------------------------------

def _database_at_version(path: Path, version: int) -> None:
    """A database as an older Feltkart made it: only migrations 1..version applied."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL)")
    for number, name, sql in migrations()[:version]:
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES ($v, $n, $t)", {"v": number, "n": name, "t": now_local()})
    con.execute("INSERT INTO areas VALUES ('fetsund', 'Fetsund', 1, '{}', 11.0, 59.9, 11.2, 60.0)")
    con.execute("INSERT INTO import_batches (kind, source_name, created_at) VALUES ('file', 'old.csv', $t)",
                {"t": now_local()})
    con.execute("INSERT INTO contacts (occurred_at, area_id, channel, age_band, gender, youth_count, batch_id) "
                "VALUES (TIMESTAMP '2021-06-04 21:00', 'fetsund', 'street', '13-15', 'girl', 4, 1)")
    con.execute("INSERT INTO trend_notes (period_start, period_end, area_id, body, author, created_at, updated_at) "
                "VALUES (DATE '2021-06-01', DATE '2021-06-30', 'fetsund', 'an old note', 'team', $t, $t)",
                {"t": now_local()})
    con.close()


def test_an_older_database_is_migrated_forward_and_keeps_its_data(tmp_path):
    db = Database(tmp_path / "old.duckdb")
    _database_at_version(db.path, 3)
    assert db.schema_version() == 3
    with pytest.raises(FeltkartError) as exc:
        db.check_ready()
    assert exc.value.key == "db.needs_migration"
    assert ensure_database(db) is False  # not created: migrated
    db.check_ready()
    assert db.schema_version() == SCHEMA_VERSION
    with db.read() as con:
        assert con.execute("SELECT area_id, youth_count FROM contacts").fetchall() == [("fetsund", 4)]
        assert con.execute("SELECT body, version, archived_at FROM trend_notes").fetchall() == [("an old note", 1, None)]
        assert con.execute("SELECT count(*) FROM calendar_days").fetchall()[0][0] > 0
        applied = [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert applied == list(range(1, SCHEMA_VERSION + 1))


def test_an_older_backup_is_migrated_when_restored(live, tmp_path):
    old = tmp_path / "old.duckdb"
    _database_at_version(old, 3)
    assert backup.inspect(old)[0] == 3
    backup.restore(live, old)
    live.check_ready()
    with live.read() as con:
        assert con.execute("SELECT count(*), sum(youth_count) FROM contacts").fetchall() == [(1, 4)]


def test_an_older_database_can_be_backed_up_before_an_upgrade(tmp_path):
    old = Database(tmp_path / "old.duckdb")
    _database_at_version(old.path, 3)
    report = backup.backup(old, tmp_path / "before-upgrade.duckdb")
    assert report.schema_version == 3 and report.registrations == 1


def test_a_newer_database_is_refused_on_open(tmp_path):
    db = Database(tmp_path / "newer.duckdb")
    db.migrate()
    with db.write() as con:
        con.execute("INSERT INTO schema_migrations VALUES ($v, 'from_the_future', $t)",
                    {"v": SCHEMA_VERSION + 1, "t": now_local()})
    with pytest.raises(FeltkartError) as exc:
        ensure_database(db)
    assert exc.value.key == "db.too_new"
    assert "Oppgrader Feltkart" in exc.value.message("nb") or "Upgrade" in exc.value.message("en")
    assert db.schema_version() == SCHEMA_VERSION + 1


def test_cli_backup_and_restore_errors_are_one_line(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--db", tmp_path / "missing.duckdb", "backup", "-o", tmp_path / "b.duckdb")
    assert code == 1 and out == "" and err.startswith("feltkart: ") and err.count("\n") == 1
    code, out, err = run_cli(capsys, "--db", tmp_path / "x.duckdb", "restore", tmp_path / "missing.duckdb")
    assert code == 1 and err.startswith("feltkart: ") and err.count("\n") == 1
    code, out, err = run_cli(capsys, "backup")
    assert code == 2  # -o is required

