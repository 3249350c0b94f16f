"""Waiting for the database file fairly: within this process and across processes.

Within one process (one Streamlit server, many sessions in threads) a readers-writer lock per
file lets many readers in at once, or one writer. A writer that waits goes first: new readers
queue behind it, so readers that overlap without a gap cannot keep it out forever. Every wait
ends at a deadline (``FELTKART_LOCK_TIMEOUT_S``), after which the caller says "busy".

Across processes DuckDB's own file lock decides, and it gives a writer no priority either. So a
writer that finds the file busy leaves a flag file (``<db>.writer-waiting``) naming its process,
and new readers of every process hold off while it is there. A writer killed while it waits
(SIGKILL leaves no chance to clean up) would leave its flag behind; a reader therefore checks
that the process named in the flag still lives and clears the flag of a dead one.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

FLAG_STALE_S = 5.0  # a waiting writer renews its flag at every retry (< 1 s apart); older is abandoned
FLAG_POLL_S = 0.02


class LockTimeout(Exception):
    """A wait for the database reached its deadline."""


class ReadWriteLock:
    """Many readers or one writer, within this process; a waiting writer goes before new readers.

    A thread that already reads may read again without queueing (it would otherwise wait for a
    writer that waits for it). A thread may not write while it reads or writes: that can never be
    granted, so it is refused at once instead of hanging until the deadline.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None
        self._writers_waiting = 0
        self._readers_waiting = 0
        self._own = threading.local()  # this thread's read depth

    @property
    def writers_waiting(self) -> int:
        with self._cond:
            return self._writers_waiting

    @property
    def readers(self) -> int:
        with self._cond:
            return self._readers

    @property
    def readers_waiting(self) -> int:
        with self._cond:
            return self._readers_waiting

    def _depth(self) -> int:
        return getattr(self._own, "depth", 0)

    @contextmanager
    def reading(self, deadline: float):
        """Hold a shared lock; raises :class:`LockTimeout` at ``deadline`` (``time.monotonic()``)."""
        with self._cond:
            if self._writer == threading.get_ident():
                raise RuntimeError("a thread cannot read the database while it writes it (use the write connection)")
            if not self._depth():
                self._readers_waiting += 1
                try:
                    granted = self._cond.wait_for(lambda: self._writer is None and not self._writers_waiting,
                                                  timeout=max(0.0, deadline - time.monotonic()))
                finally:
                    self._readers_waiting -= 1
                if not granted:
                    raise LockTimeout()
            self._readers += 1
            self._own.depth = self._depth() + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._own.depth -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self, deadline: float):
        """Hold the lock alone; raises :class:`LockTimeout` at ``deadline`` (``time.monotonic()``)."""
        me = threading.get_ident()
        with self._cond:
            if self._writer == me or self._depth():
                raise RuntimeError("a thread cannot write the database while it reads or writes it: it would wait for itself")
            self._writers_waiting += 1
            granted = False
            try:
                granted = self._cond.wait_for(lambda: self._writer is None and not self._readers,
                                              timeout=max(0.0, deadline - time.monotonic()))
            finally:
                self._writers_waiting -= 1
                if not granted:
                    self._cond.notify_all()  # the readers queued behind this writer may go on
            if not granted:
                raise LockTimeout()
            self._writer = me
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()


def _process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, from /proc), or None when it is
    gone or a zombie. Compared with the flag's, it tells a reused pid from the flag's owner."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name in brackets may hold spaces
    return None if fields[0] in ("Z", "X") else fields[19]


def _alive(pid: int, start: str) -> bool:
    if Path("/proc/self/stat").exists():
        return _process_start(pid) == start
    try:  # no /proc (macOS): the pid alone
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class WriterWaitingFlag:
    """``<db>.writer-waiting``: "host pid start" of a writer process waiting for the file."""

    def __init__(self, db_path: Path):
        self.path = db_path.with_name(db_path.name + ".writer-waiting")
        self._me = f"{socket.gethostname()} {os.getpid()} {_process_start(os.getpid()) or '-'}"

    def raise_flag(self) -> None:
        """Say (again) that this process waits to write; renewing it keeps it from looking abandoned."""
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temp.write_text(self._me)
        os.replace(temp, self.path)

    def lower_flag(self) -> None:
        """Remove the flag if it is this process's (a writer of another process may have replaced it)."""
        with suppress(OSError):
            if self.path.read_text() == self._me:
                self.path.unlink()

    def _read(self) -> tuple[str, float] | None:
        try:
            return self.path.read_text(), self.path.stat().st_mtime
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        except OSError:
            return None

    def abandoned(self, content: str, mtime: float) -> bool:
        """True when the flag's writer is known dead (same host) or has not renewed it lately."""
        parts = content.split()
        if len(parts) == 3 and parts[0] == socket.gethostname() and parts[1].isdigit():
            if not _alive(int(parts[1]), parts[2]):
                return True
        return time.time() - mtime > FLAG_STALE_S

    def wait_while_raised(self, deadline: float) -> None:
        """Hold a new reader back while a live writer of another process waits (until ``deadline``);
        a flag left by a dead writer is removed at once."""
        while time.monotonic() < deadline:
            found = self._read()
            if found is None:
                return
            content, mtime = found
            if content == self._me:
                return  # our own writer waits: the in-process lock already orders us
            if self.abandoned(content, mtime):
                with suppress(OSError):
                    if self.path.read_text() == content:  # not replaced by a live writer meanwhile
                        self.path.unlink()
                return
            time.sleep(FLAG_POLL_S)
