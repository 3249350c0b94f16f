"""The operations log: one JSON line per import, write, error and sign-in, for the municipality's
log collection (journald keeps what a systemd service writes to stdout).

A line says what happened, when, in which process, by which staff account, and counts. It never
holds youth data or the text staff write: every field name must be one of ``FIELDS`` (there is no
field for a note, a decision or an action plan), and an error is logged by its message key, never
its sentence (which may quote the input).

Where lines go: ``FELTKART_LOG`` = ``stdout``, ``stderr``, ``off`` or a file path to append to.
Unset, the dashboard writes to stdout and the command line writes nothing (its stdout is its
output, and its stderr holds exactly one line on error); the systemd units set it.
"""

from __future__ import annotations

import contextvars
import json
import os
import sys
import threading
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

ENV = "FELTKART_LOG"
EVENTS = ("import", "write", "error", "signin", "backup", "restore", "retention", "status")
FIELDS = frozenset({
    "action", "target", "actor", "role", "key", "command", "page", "exception",
    "batch", "file", "result", "rows_read", "rows_imported", "rows_rejected", "rows_duplicate",
    "files", "files_imported", "files_refused", "files_waiting",
    "path", "mb", "seconds", "deleted", "kept", "notes_deleted", "audit_deleted",
})
_OSLO = ZoneInfo("Europe/Oslo")
_default = contextvars.ContextVar("feltkart_log_default", default="stdout")
_file_lock = threading.Lock()
_pending: dict[int, list[dict]] = {}
_pending_lock = threading.Lock()


@contextmanager
def default_destination(destination: str):
    """Where lines go in this context when ``FELTKART_LOG`` is unset (the command line: "off")."""
    token = _default.set(destination)
    try:
        yield
    finally:
        _default.reset(token)


def destination() -> str:
    return os.environ.get(ENV, "").strip() or _default.get()


def event(kind: str, **fields) -> None:
    """Write one line (unless logging is off). Unknown field names are a programming error."""
    if kind not in EVENTS:
        raise ValueError(f"unknown log event {kind!r}")
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"field(s) not allowed in the operations log: {sorted(unknown)}")
    where = destination()
    if where == "off":
        return
    line = json.dumps({"ts": datetime.now(_OSLO).isoformat(timespec="milliseconds"), "app": "feltkart",
                       "event": kind, "pid": os.getpid(), **fields}, ensure_ascii=False, default=str)
    try:
        if where in ("stdout", "stderr"):
            stream = sys.stdout if where == "stdout" else sys.stderr
            print(line, file=stream, flush=True)
        else:
            with _file_lock, open(where, "a", encoding="utf-8") as out:
                out.write(line + "\n")
    except (OSError, ValueError):  # a closed or full log never stops the work it describes
        pass


def error(exc: BaseException, **fields) -> None:
    """Log a failure once, by its message key (FeltkartError) or exception type, never its text."""
    if getattr(exc, "_feltkart_logged", False):
        return
    key = getattr(exc, "key", None)
    event("error", **({"key": key} if key else {"exception": type(exc).__name__}), **fields)
    try:
        exc._feltkart_logged = True
    except AttributeError:
        pass


# --- writes: logged when their transaction commits, not when they are recorded ----------------

def after_commit(con, kind: str, **fields) -> None:
    """Queue a line for when the transaction on ``con`` commits (see :func:`dashboard.audit.record`)."""
    with _pending_lock:
        _pending.setdefault(id(con), []).append((kind, fields))


def committed(con) -> None:
    """The transaction on ``con`` committed: write its queued lines."""
    with _pending_lock:
        lines = _pending.pop(id(con), [])
    for kind, fields in lines:
        event(kind, **fields)


def rolled_back(con) -> None:
    with _pending_lock:
        _pending.pop(id(con), None)
