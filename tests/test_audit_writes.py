"""Every write is audited, restore included.

A write is a ``Database.write()`` transaction. The guard below finds every function in the
package that opens one and requires that the same function records an audit entry (inside the
transaction, so the write and its entry commit together) — a new write path without one fails
here. The behaviour of each path that had none before (restore, schema migration, the calendar,
the record of a backup) is tested below; the others are tested where their feature is:
tests/test_access.py (notes, places, imports, undo), test_focus.py, test_hkh.py, test_patrols.py,
test_followup.py, test_patrol_import.py, test_geodata_import.py, test_dropfolder.py,
test_operations.py (retention).
"""

from __future__ import annotations

import ast
import getpass
import json
from pathlib import Path

import pytest

from dashboard import access, backup, notes
from dashboard.cli import main
from dashboard.db import SCHEMA_VERSION, Database
from dashboard.errors import FeltkartError
from dashboard.seed import ensure_calendar

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"
# Functions that open a write transaction without writing data, and why that needs no entry.
NOT_A_DATA_WRITE = {
    ("backup.py", "_live_meta"): "opens the live file read-write only to replay its WAL before reading",
}


def _opens_a_write(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "write"
               and not n.args and not n.keywords for n in ast.walk(node))


def _records_audit(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "record"
               and isinstance(n.func.value, ast.Name) and n.func.value.id == "audit" for n in ast.walk(node))


def test_every_function_that_writes_records_an_audit_entry():
    writers, unaudited = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and _opens_a_write(node) and node.name not in ("write",):
                key = (str(path.relative_to(PACKAGE)), node.name)
                writers.append(key)
                if not _records_audit(node) and key not in NOT_A_DATA_WRITE:
                    unaudited.append(key)
    assert len(writers) > 20, writers  # the guard sees the write paths at all
    assert unaudited == [], f"write transactions without audit.record: {unaudited}"
    assert set(NOT_A_DATA_WRITE) <= set(writers), "an exception names a function that no longer writes"


def _log(db: Database) -> list[dict]:
    with db.read() as con:
        rows = con.execute("SELECT actor, role, action, target, before_json, after_json FROM audit_log ORDER BY id").fetchall()
    return [dict(zip(("actor", "role", "action", "target", "before", "after"), r)) for r in rows]


def test_a_migration_is_audited_once(fresh_db):
    with access.acting_as("cli:drift", "admin"):
        assert fresh_db.migrate() == list(range(1, SCHEMA_VERSION + 1))
        assert fresh_db.migrate() == []  # nothing to do: nothing written, nothing logged
    [entry] = _log(fresh_db)
    assert (entry["actor"], entry["action"], entry["target"]) == ("cli:drift", "db.migrate", str(fresh_db.path))
    assert json.loads(entry["after"])["applied"] == list(range(1, SCHEMA_VERSION + 1))


def test_filling_the_calendar_is_audited(fresh_db):
    fresh_db.migrate()
    ensure_calendar(fresh_db)
    ensure_calendar(fresh_db)
    assert [e["action"] for e in _log(fresh_db)] == ["db.migrate", "calendar.fill"]


def test_a_restore_is_audited_in_the_restored_database_and_needs_an_admin(demo_copy, tmp_path, capsys):
    copy = tmp_path / "kopi.duckdb"
    backup.backup(demo_copy, copy)
    with access.acting_as("ola@kommune.no", "editor"), pytest.raises(FeltkartError) as exc:
        backup.restore(demo_copy, copy)
    assert exc.value.key == "access.denied"
    assert main(["--db", str(demo_copy.path), "restore", str(copy)]) == 0, capsys.readouterr().err
    last = _log(demo_copy)[-1]
    assert (last["actor"], last["role"], last["action"]) == (f"cli:{getpass.getuser()}", "admin", "db.restore")
    assert json.loads(last["after"])["source"] == str(copy)


def test_a_backup_is_recorded_and_audited(demo_copy, tmp_path, capsys):
    assert main(["--db", str(demo_copy.path), "backup", "-o", str(tmp_path / "kopi.duckdb")]) == 0
    last = _log(demo_copy)[-1]
    assert (last["action"], last["target"]) == ("backup", str(tmp_path / "kopi.duckdb"))
    assert json.loads(last["after"])["registrations"] > 0


def test_a_write_by_nobody_is_refused_even_on_a_path_that_checks_no_role(demo_copy):
    import contextvars

    with pytest.raises(FeltkartError):
        contextvars.Context().run(ensure_calendar, demo_copy)  # the demo has no calendar yet: it would write
    with pytest.raises(FeltkartError):
        contextvars.Context().run(notes.archive_note, demo_copy, 1, 1)
