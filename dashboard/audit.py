"""The audit log: every write records who, when, what, and the values before and after.

Called inside the writer's own transaction, so a write and its log entry are committed together
or not at all. Only admins read it (the Data page's log tab).
"""

from __future__ import annotations

import json

import pandas as pd

from dashboard import access
from dashboard.db import Database, now_local

MAX_VALUE_CHARS = 20_000  # a huge before/after (e.g. a whole import) is cut, not stored whole


def _json(value) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def record(con, action: str, target: str | None = None, before=None, after=None) -> None:
    """Log one write (inside the caller's transaction)."""
    con.execute("INSERT INTO audit_log (logged_at, actor, role, action, target, before_json, after_json) "
                "VALUES ($at, $actor, $role, $action, $target, $before, $after)",
                {"at": now_local(), "actor": access.current_actor(), "role": access.current_role(),
                 "action": action, "target": target, "before": _json(before), "after": _json(after)})


def entries(db: Database, limit: int = 500) -> pd.DataFrame:
    access.require("admin")
    with db.read() as con:
        return con.execute("SELECT logged_at, actor, role, action, target, before_json, after_json FROM audit_log "
                           "ORDER BY id DESC LIMIT $limit", {"limit": limit}).df()
