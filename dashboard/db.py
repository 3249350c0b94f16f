"""The DuckDB file: where it lives, how it is opened, its schema migrations and data version.

DuckDB lets one process hold a database file read-write and locks every other process out, even
readers. So Feltkart never keeps the file open: every unit of work opens it, does its work and
closes it. Readers open read-only (many at once are fine); a writer waits for readers to finish
and keeps its transaction short, and readers in turn wait for it. A waiting writer goes before new
readers, in this process and in others (:mod:`dashboard.locks`), and every wait gives up with a
"busy" message after ``LOCK_TIMEOUT_S``. That lets the dashboard stay open while
``feltkart import`` runs, and an editor's save finish while other sessions keep reading.

Inside one process DuckDB refuses a read-write and a read-only connection to the same file at
the same time, so threads (one per Streamlit session) share a readers-writer lock per file.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import duckdb

from dashboard import REPO_DIR, logs
from dashboard.errors import FeltkartError
from dashboard.locks import LockTimeout, ReadWriteLock, WriterWaitingFlag

OSLO = ZoneInfo("Europe/Oslo")
DEFAULT_DB_PATH = REPO_DIR / "data" / "feltkart.duckdb"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
LOCK_TIMEOUT_S = float(os.environ.get("FELTKART_LOCK_TIMEOUT_S", "60"))
_DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_LOCK_ERROR = re.compile(r"Could not set lock|Conflicting lock", re.IGNORECASE)
_NOT_WRITABLE = re.compile(r"read-only file system|permission denied|no space left|disk is full", re.IGNORECASE)


def now_local() -> datetime:
    """The current Europe/Oslo wall-clock time, as stored in the database (no time zone)."""
    return datetime.now(OSLO).replace(tzinfo=None, microsecond=0)


def default_db_path() -> Path:
    """``FELTKART_DB`` if set, else ``data/feltkart.duckdb`` in the repository."""
    env = os.environ.get("FELTKART_DB")
    return Path(env).expanduser() if env else DEFAULT_DB_PATH


def migrations() -> list[tuple[int, str, str]]:
    """The schema migrations as ``(version, name, sql)``, in order."""
    found = []
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        version = int(path.name.split("_", 1)[0])
        found.append((version, path.stem, path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    assert versions == list(range(1, len(found) + 1)), f"migrations must be numbered 1..n: {versions}"
    return found


SCHEMA_VERSION = len(migrations())


_process_locks: dict[Path, ReadWriteLock] = {}
_process_locks_guard = threading.Lock()
_thread_state = threading.local()


class _ReadSession:
    """One read-only connection shared by the reads of a block in one thread, opened on first use."""

    def __init__(self):
        self.con: duckdb.DuckDBPyConnection | None = None
        self._lock_context = None

    def connection(self, db: "Database") -> duckdb.DuckDBPyConnection:
        if self.con is None:
            deadline = _deadline()
            self._lock_context = db._waiting(db._lock.reading(deadline))
            self._lock_context.__enter__()
            try:
                self.con = db._connect(read_only=True, deadline=deadline)
            except BaseException:
                self._lock_context.__exit__(None, None, None)
                self._lock_context = None
                raise
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
            self._lock_context.__exit__(None, None, None)
            self._lock_context = None


def _sessions() -> dict[Path, _ReadSession]:
    if not hasattr(_thread_state, "sessions"):
        _thread_state.sessions = {}
    return _thread_state.sessions


def _deadline() -> float:
    """When a wait that starts now gives up (``LOCK_TIMEOUT_S`` is read each time: tests change it)."""
    return time.monotonic() + LOCK_TIMEOUT_S


def _timeout_text() -> str:
    return f"{LOCK_TIMEOUT_S:g}"  # whole seconds in practice: "60"


def _process_lock(path: Path) -> ReadWriteLock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, ReadWriteLock())


class Database:
    """A Feltkart database file. Cheap to create; holds no open connection."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path).expanduser().resolve() if path else default_db_path().resolve()
        self._lock = _process_lock(self.path)
        self._writer_flag = WriterWaitingFlag(self.path)

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def _waiting(self, lock_context):
        """Hold this process's lock for the file; a wait that reaches its deadline is "busy"."""
        try:
            with lock_context:
                yield
        except LockTimeout:
            raise FeltkartError("db.busy", path=str(self.path), seconds=_timeout_text()) from None

    def _connect(self, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
        if read_only:
            self._writer_flag.wait_while_raised(deadline)  # a writer of another process waits: let it in first
            return self._connect_retrying(read_only=True, deadline=deadline)
        try:
            return self._connect_retrying(read_only=False, deadline=deadline, on_busy=self._writer_flag.raise_flag)
        finally:
            self._writer_flag.lower_flag()

    def _connect_retrying(self, read_only: bool, deadline: float, on_busy=None) -> duckdb.DuckDBPyConnection:
        delay = 0.02
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only, config=_DUCKDB_CONFIG)
            except duckdb.IOException as exc:
                if _LOCK_ERROR.search(str(exc)):
                    if on_busy:
                        with suppress(OSError):  # a read-only folder: the write fails anyway, with its own message
                            on_busy()
                    if time.monotonic() < deadline:
                        time.sleep(delay * (0.5 + random.random()))
                        delay = min(delay * 1.5, 0.5)
                        continue
                    raise FeltkartError("db.busy", path=str(self.path), seconds=_timeout_text()) from exc
                if not read_only and _NOT_WRITABLE.search(str(exc)):  # read-only file system, no permission, disk full
                    raise _write_error(self.path, exc) from exc
                raise FeltkartError("db.unreadable", path=str(self.path), reason=_first_line(exc)) from exc
            except duckdb.Error as exc:
                raise FeltkartError("db.unreadable", path=str(self.path), reason=_first_line(exc)) from exc

    @contextmanager
    def read_session(self) -> Iterator[None]:
        """Let every read in this block (in this thread) share one connection, opened when first
        needed and closed at the end. A write inside the block closes it first (and the next read
        opens it again), so the block never holds the file against its own writes."""
        sessions = _sessions()
        if self.path in sessions:  # nested: the outer block owns the connection
            yield
            return
        sessions[self.path] = session = _ReadSession()
        try:
            yield
        finally:
            del sessions[self.path]
            session.close()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for one unit of work (the read session's, inside one)."""
        if not self.exists():
            raise FeltkartError("db.missing", path=str(self.path))
        session = _sessions().get(self.path)
        if session is not None:
            yield session.connection(self)
            return
        deadline = _deadline()
        with self._waiting(self._lock.reading(deadline)):
            con = self._connect(read_only=True, deadline=deadline)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside one transaction: all of it is committed, or none."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        session = _sessions().get(self.path)
        if session is not None:
            session.close()  # a reader of our own would block this writer
        deadline = _deadline()
        try:
            with self._waiting(self._lock.writing(deadline)):
                con = self._connect(read_only=False, deadline=deadline)
                try:
                    con.execute("BEGIN TRANSACTION")
                    try:
                        yield con
                    except BaseException:
                        con.execute("ROLLBACK")
                        raise
                    con.execute("COMMIT")
                    logs.committed(con)
                except duckdb.Error as exc:
                    raise _write_error(self.path, exc) from exc
                finally:
                    logs.rolled_back(con)  # nothing left after a commit
                    con.close()
        except Exception as exc:  # a refused or failed save (not Streamlit's rerun/stop, which are BaseException)
            logs.error(exc, action="write")
            raise

    def schema_version(self) -> int:
        with self.read() as con:
            return _schema_version(con, self.path)

    def migrate(self) -> list[int]:
        """Bring the schema up to date (audited); returns the versions applied. Refuses newer databases."""
        from dashboard import audit  # audit needs this module

        with self.write() as con:
            current = _schema_version(con, self.path)
            if current > SCHEMA_VERSION:
                raise FeltkartError("db.too_new", path=str(self.path), found=current, supported=SCHEMA_VERSION)
            applied = []
            if current == 0:
                con.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
                )
            for version, name, sql in migrations():
                if version > current:
                    con.execute(sql)
                    con.execute("INSERT INTO schema_migrations VALUES ($v, $n, $t)",
                                {"v": version, "n": name, "t": now_local()})
                    applied.append(version)
            if applied:
                audit.record(con, "db.migrate", str(self.path), before={"schema_version": current},
                             after={"schema_version": applied[-1], "applied": applied})
            return applied

    def data_version(self) -> int:
        """A counter bumped by every write of data, for cache keys."""
        with self.read() as con:
            return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])

    def check_ready(self) -> None:
        """Fail clearly unless the file exists and has this version's schema."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise FeltkartError("db.too_new", path=str(self.path), found=version, supported=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            raise FeltkartError("db.needs_migration", path=str(self.path), found=version, supported=SCHEMA_VERSION)


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Call inside every write transaction that changes data shown on the pages."""
    con.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")


def _schema_version(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_migrations" not in tables:
        if tables:
            raise FeltkartError("db.not_feltkart", path=str(path))
        return 0
    return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0])


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _write_error(path: Path, exc: duckdb.Error) -> FeltkartError:
    text = str(exc)
    if "No space left" in text or "disk is full" in text.lower():
        return FeltkartError("db.disk_full", path=str(path))
    if "read-only" in text.lower() or "permission denied" in text.lower():
        return FeltkartError("db.read_only", path=str(path))
    return FeltkartError("db.write_failed", path=str(path), reason=_first_line(exc))
