"""The audit log: every write records who, when, what, and the values before and after.

Called inside the writer's own transaction, so a write and its log entry are committed together
or not at all. Only admins read it (the Data page's log tab).
"""

from __future__ import annotations

import json

import pandas as pd

from dashboard import access, logs
from dashboard.db import Database, now_local
from dashboard.errors import FeltkartError

MAX_VALUE_CHARS = 20_000  # a huge before/after (e.g. a whole import) is cut, not stored whole
# What an import's log line tells besides who and what: counts and the file's name, never rows.
LOGGED_COUNTS = ("file", "rows_read", "rows_imported", "rows_rejected", "rows_duplicate")


def _json(value) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def record(con, action: str, target: str | None = None, before=None, after=None) -> None:
    """Log one write (inside the caller's transaction), and queue its line for the operations log
    (:mod:`dashboard.logs`: an "import" line for imports, else a "write" line, with action, target
    and who, never the values). A write by nobody (no role set: see :mod:`dashboard.access`) is
    refused, and with it the whole transaction."""
    actor, role = access.current_actor(), access.current_role()
    if not actor or role not in access.ROLES:
        raise FeltkartError("access.denied", needed=access.ROLE_LABELS["reader"]["nb"], have=access.role_label(role))
    con.execute("INSERT INTO audit_log (logged_at, actor, role, action, target, before_json, after_json) "
                "VALUES ($at, $actor, $role, $action, $target, $before, $after)",
                {"at": now_local(), "actor": actor, "role": role,
                 "action": action, "target": target, "before": _json(before), "after": _json(after)})
    counts = {key: after[key] for key in LOGGED_COUNTS if isinstance(after, dict) and key in after}
    logs.after_commit(con, "import" if "import" in action.split(".") else "write",
                      action=action, target=target, actor=actor, role=role, **counts)


def entries(db: Database, limit: int = 500) -> pd.DataFrame:
    access.require("admin")
    with db.read() as con:
        return con.execute("SELECT logged_at, actor, role, action, target, before_json, after_json FROM audit_log "
                           "ORDER BY id DESC LIMIT $limit", {"limit": limit}).df()
