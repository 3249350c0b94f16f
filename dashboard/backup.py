"""Backup and restore of a Feltkart database, safe while the dashboard runs.

Backup
    The database is opened read-only through :meth:`Database.read` (so it waits for a writer like
    any reader does, and no writer can start while the copy runs), and DuckDB copies it into a new
    file: ``ATTACH`` the new file, ``COPY FROM DATABASE``, ``DETACH``. A raw file copy would not do:
    the last commits may still be in the ``.wal`` file next to the database, and a writer may be
    halfway through a checkpoint. The copy is written to a temporary file in the target folder,
    checked (schema version and the row count of every table equal the source's, seen in the same
    read-only session), and then renamed into place, so a failed backup never leaves a half file
    under the backup's name. The backup is itself a Feltkart database: it opens with ``--db``.

Restore
    The file is checked first: a DuckDB file with Feltkart's tables whose schema version is not
    newer than this Feltkart's (a newer one is refused). It is copied the same way into a
    temporary file next to the live database, migrated forward when it is older, and its data
    version is set past the live database's (the pages cache results by data version, so they
    must not serve figures of the replaced data). Then, holding this process's writer lock and an
    exclusive lock on the live file (other processes wait, as they wait for any writer), the
    previous file is kept as ``<name>.before-restore-<timestamp>`` (unless ``force``) and the new
    file is renamed over it in one step (``os.replace``): a reader sees the old database or the
    new one, never a mix, and the live path never disappears. Only an admin restores; the restore
    is an audit entry in the restored database (where the log goes on), which also keeps the live
    database's record of backups and nightly imports (:mod:`dashboard.status`).

Dated backups and the record of them
    :func:`make_backup` is what ``feltkart backup`` does: a backup to a named file or a dated one
    in a folder (old ones pruned by :mod:`dashboard.retention`), then an audited entry in the
    database saying when, where and how big, which ``feltkart status`` reads.
"""

from __future__ import annotations

import fcntl
import os
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard import access, audit, logs, retention, status
from dashboard import db as dbmod
from dashboard.db import SCHEMA_VERSION, Database, now_local
from dashboard.errors import FeltkartError

# The tables every Feltkart database has had since migration 1.
CORE_TABLES = ("meta", "areas", "hotspots", "report_rows", "import_batches", "contacts", "trend_notes",
               "staffing_plan", "schema_migrations")
_TARGET_ALIAS = "feltkart_backup_target"


@dataclass(frozen=True)
class CopyReport:
    path: Path
    schema_version: int
    tables: dict[str, int]  # table -> rows
    seconds: float
    size_bytes: int

    @property
    def registrations(self) -> int:
        return self.tables.get("contacts", 0)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_counts(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, int]:
    names = [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db AND schema_name = 'main' "
        "ORDER BY table_name", {"db": database}).fetchall()]
    return {name: con.execute(f"SELECT count(*) FROM {_quote(database)}.main.{_quote(name)}").fetchall()[0][0]
            for name in names}


def _temp_path(target: Path, purpose: str) -> Path:
    return target.with_name(f".{target.name}.{purpose}-{os.getpid()}-{random.randrange(1 << 30):08x}.tmp")


def _remove(path: Path) -> None:
    for candidate in (path, Path(str(path) + ".wal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def _copy_into(source: Database, target: Path) -> dict[str, int]:
    """Copy ``source`` (opened read-only, waiting for writers) into the new file ``target``;
    returns the row count of every table as seen by the copy."""
    with source.read() as con:
        src = con.execute("SELECT current_database()").fetchall()[0][0]
        counts = _table_counts(con, src)
        try:
            con.execute(f"ATTACH {_literal(str(target))} AS {_TARGET_ALIAS} (READ_WRITE)")
            try:
                con.execute(f"COPY FROM DATABASE {_quote(src)} TO {_TARGET_ALIAS}")
            finally:
                con.execute(f"DETACH {_TARGET_ALIAS}")  # checkpoints: one self-contained file
        except duckdb.Error as exc:
            raise dbmod._write_error(target, exc) from exc
    return counts


def _verify(path: Path, expected: dict[str, int]) -> int:
    """Open the copy on its own and compare every table's row count; returns its schema version."""
    try:
        con = duckdb.connect(str(path), read_only=True, config=dbmod._DUCKDB_CONFIG)
    except duckdb.Error as exc:
        raise FeltkartError("backup.verify_failed", path=str(path), reason=dbmod._first_line(exc)) from exc
    try:
        found = _table_counts(con, con.execute("SELECT current_database()").fetchall()[0][0])
        version = dbmod._schema_version(con, path)
    finally:
        con.close()
    if found != expected:
        differs = sorted(t for t in set(found) | set(expected) if found.get(t) != expected.get(t))
        raise FeltkartError("backup.verify_failed", path=str(path), reason="row counts differ: " + ", ".join(differs))
    return version


def backup(db: Database, output: str | os.PathLike, force: bool = False) -> CopyReport:
    """Write a consistent, verified copy of ``db`` to ``output`` (refused if it exists unless ``force``)."""
    started = time.monotonic()
    output = Path(output).expanduser().resolve()
    if not db.exists():
        raise FeltkartError("db.missing", path=str(db.path))
    if output == db.path:
        raise FeltkartError("backup.same_file", path=str(output))
    if output.exists() and not force:
        raise FeltkartError("backup.exists", path=str(output))
    if not output.parent.is_dir():
        raise FeltkartError("backup.no_folder", path=str(output.parent))
    if db.schema_version() == 0:  # any Feltkart version may be backed up (e.g. before an upgrade)
        raise FeltkartError("db.not_feltkart", path=str(db.path))
    temp = _temp_path(output, "backup")
    try:
        counts = _copy_into(db, temp)
        version = _verify(temp, counts)
        os.replace(temp, output)
    finally:
        _remove(temp)
    return CopyReport(output, version, counts, time.monotonic() - started, output.stat().st_size)


def make_backup(db: Database, *, output: str | os.PathLike | None = None, folder: str | os.PathLike | None = None,
                keep: str | None = None, force: bool = False, now=None) -> tuple[CopyReport, list[Path]]:
    """A backup to ``output``, or a dated one in ``folder`` with the older dated ones pruned by the
    ``keep`` rules ('7d,4w'); then recorded (audited) in the database. Returns the report and the
    backups deleted."""
    now = now or now_local()
    if folder is not None:
        folder = Path(folder).expanduser().resolve()
        if not folder.is_dir():
            raise FeltkartError("ops.no_folder", path=str(folder))
        rules = retention.parse_periods(keep) if keep else None  # a bad rule is refused before the copy
        report = backup(db, folder / retention.dated_backup_name(db.path.stem, now), force=force)
        deleted = retention.prune_backups(folder, db.path.stem, keep) if rules else []
    else:
        report, deleted = backup(db, output, force=force), []
    facts = {"at": now.isoformat(timespec="seconds"), "path": str(report.path), "mb": round(report.size_bytes / 1e6, 1),
             "registrations": report.registrations, "seconds": round(report.seconds, 1),
             "deleted": [p.name for p in deleted]}
    with db.write() as con:
        status.remember(con, "backup", facts)
        audit.record(con, "backup", str(report.path), after=facts)
    logs.event("backup", path=str(report.path), mb=facts["mb"], seconds=facts["seconds"], deleted=len(deleted))
    return report, deleted


def inspect(path: str | os.PathLike) -> tuple[int, dict[str, int]]:
    """Check that ``path`` is a Feltkart database this version can use: its schema version and
    row counts. Refuses other files and databases from a newer Feltkart."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise FeltkartError("backup.missing", path=str(path))
    try:
        con = duckdb.connect(str(path), read_only=True, config=dbmod._DUCKDB_CONFIG)
    except duckdb.Error as exc:
        raise FeltkartError("db.unreadable", path=str(path), reason=dbmod._first_line(exc)) from exc
    try:
        version = dbmod._schema_version(con, path)
        counts = _table_counts(con, con.execute("SELECT current_database()").fetchall()[0][0])
    except duckdb.Error as exc:
        raise FeltkartError("db.unreadable", path=str(path), reason=dbmod._first_line(exc)) from exc
    finally:
        con.close()
    if version == 0:
        raise FeltkartError("db.not_feltkart", path=str(path))
    if version > SCHEMA_VERSION:
        raise FeltkartError("db.too_new", path=str(path), found=version, supported=SCHEMA_VERSION)
    missing = [t for t in CORE_TABLES if t not in counts]
    if missing:
        raise FeltkartError("backup.incomplete", path=str(path), tables=", ".join(missing))
    return version, counts


@contextmanager
def _exclusive_file_lock(db: Database):
    """No thread of this process and no other process has ``db`` open while the block runs.

    DuckDB locks its file with fcntl record locks: readers share one, a writer holds it alone. An
    exclusive lock of our own therefore makes other processes' opens fail with DuckDB's lock error,
    which :class:`Database` retries until ``LOCK_TIMEOUT_S`` like any wait for a writer.
    """
    deadline = dbmod._deadline()
    with db._waiting(db._lock.writing(deadline)):  # this process: no session holds the file
        if not db.path.exists():
            yield
            return
        fd = os.open(db.path, os.O_RDWR)
        try:
            delay = 0.02
            while True:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        raise FeltkartError("db.busy", path=str(db.path), seconds=dbmod._timeout_text()) from None
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 1.5, 0.5)
            yield
        finally:
            os.close(fd)  # releases the lock


def _live_meta(target: Database) -> tuple[int, dict[str, str]]:
    """The live database's data version and operations record, after replaying its WAL
    ((0, {}) if it cannot be read: a broken database is a reason to restore)."""
    try:
        with target.write() as con:  # a read-write open replays a left-over WAL; closing checkpoints
            rows = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
            record = status.operations_record(con)
        return (int(rows[0][0]) if rows else 0), record
    except (FeltkartError, ValueError):
        return 0, {}


def restore(target: Database, source: str | os.PathLike, force: bool = False) -> tuple[CopyReport, Path | None]:
    """Replace ``target`` with the Feltkart database ``source`` (see the module docstring).

    Returns the restored copy's report and where the previous file was kept (None with ``force``
    or when there was none). An older backup is migrated forward; a newer one is refused.
    """
    access.require("admin")
    started = time.monotonic()
    source = Path(source).expanduser().resolve()
    if source == target.path:
        raise FeltkartError("backup.same_file", path=str(source))
    version, _ = inspect(source)
    target.path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_path(target.path, "restore")
    kept: Path | None = None
    try:
        counts = _copy_into(Database(source), temp)
        _verify(temp, counts)
        staged = Database(temp)
        if version < SCHEMA_VERSION:
            staged.migrate()
        live_version, live_record = _live_meta(target) if target.exists() else (0, {})
        with staged.write() as con:
            con.execute("UPDATE meta SET value = CAST(greatest(CAST(value AS BIGINT), $v) + 1 AS VARCHAR) "
                        "WHERE key = 'data_version'", {"v": live_version})
            status.carry_over(con, live_record)
            audit.record(con, "db.restore", str(target.path), before={"data_version": live_version},
                         after={"source": str(source), "schema_version": version, "registrations": counts.get("contacts", 0),
                                "kept_previous": not force})
        final_counts = _table_counts_of(temp)
        with _exclusive_file_lock(target):
            wal = Path(str(target.path) + ".wal")
            if target.exists() and not force:
                stamp = f"{now_local():%Y%m%d-%H%M%S}"
                kept = target.path.with_name(f"{target.path.name}.before-restore-{stamp}")
                for n in range(2, 100):  # two restores within a second
                    if not kept.exists():
                        break
                    kept = target.path.with_name(f"{target.path.name}.before-restore-{stamp}-{n}")
                os.link(target.path, kept)  # the live path keeps existing until the replace below
                if wal.exists():
                    os.replace(wal, Path(str(kept) + ".wal"))
            elif wal.exists():
                wal.unlink()  # it belongs to the replaced file
            os.replace(temp, target.path)
    finally:
        _remove(temp)
    report = CopyReport(target.path, SCHEMA_VERSION, final_counts, time.monotonic() - started,
                        target.path.stat().st_size)
    logs.event("restore", path=str(target.path), file=source.name, seconds=round(report.seconds, 1))
    return report, kept


def _table_counts_of(path: Path) -> dict[str, int]:
    """Row counts of a staged file, after a checkpoint so that the file holds everything (no WAL)."""
    con = duckdb.connect(str(path), config=dbmod._DUCKDB_CONFIG)
    try:
        con.execute("CHECKPOINT")
        return _table_counts(con, con.execute("SELECT current_database()").fetchall()[0][0])
    finally:
        con.close()
