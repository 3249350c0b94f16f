"""How long Feltkart keeps what it keeps: dated backups, trend notes and audit entries.

Backups (``feltkart backup --dir DIR --keep 7d,4w``)
    A rule ``Nu`` keeps the newest backup of each of the N most recent days (``d``), ISO weeks
    (``w``), months (``m``) or years (``y``) that have a backup; the rules add up, and the newest
    backup is always kept. Counting periods that *have* a backup (as restic and borg do), not
    calendar periods, means a nightly job that stopped for a month does not let the next run
    delete every backup older than a week. Only files named like this database's dated backups
    (``<name>-YYYYMMDD-HHMMSS.duckdb``) are ever deleted.

Notes and audit entries (``feltkart retention``)
    Trend notes whose period ended (and that were last edited) more than the notes' retention
    period ago, and audit entries older than the audit retention period, are deleted in one
    audited transaction; ``--archive-to FILE`` first writes them to a JSON-lines file for the
    municipality's archive. Defaults: ``FELTKART_KEEP_NOTES`` (5y) and ``FELTKART_KEEP_AUDIT``
    (2y). The audit log holds the text of notes as saved, so it needs a limit of its own.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

from dashboard import access, audit, logs
from dashboard.db import Database, bump_data_version, now_local
from dashboard.errors import FeltkartError

UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
DEFAULT_KEEP_NOTES = "5y"
DEFAULT_KEEP_AUDIT = "2y"
_PERIOD = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
_STAMP_FORMAT = "%Y%m%d-%H%M%S"


def parse_periods(text: str) -> list[tuple[int, str]]:
    """'7d,4w' -> [(7, 'd'), (4, 'w')]; every count at least 1."""
    rules = []
    for part in (text or "").split(","):
        match = _PERIOD.match(part.lower())
        if not match or int(match.group(1)) < 1:
            raise FeltkartError("retention.bad_periods", value=text)
        rules.append((int(match.group(1)), match.group(2)))
    return rules


def cutoff(text: str, now: datetime) -> datetime:
    """The moment before which something ``text`` old ('5y', '18m') is past its retention."""
    (count, unit), *rest = parse_periods(text)
    if rest:
        raise FeltkartError("retention.bad_periods", value=text)
    return now - relativedelta(**{UNITS[unit]: count})


# --- dated backups ------------------------------------------------------------------------------

def dated_backup_name(stem: str, moment: datetime) -> str:
    return f"{stem}-{moment.strftime(_STAMP_FORMAT)}.duckdb"


def dated_backups(folder: Path, stem: str) -> dict[Path, datetime]:
    """This database's dated backups in ``folder`` and when each was made (from its name)."""
    pattern = re.compile(rf"^{re.escape(stem)}-(\d{{8}}-\d{{6}})\.duckdb$")
    found = {}
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            try:
                found[path] = datetime.strptime(match.group(1), _STAMP_FORMAT)
            except ValueError:
                continue  # a name that only looks dated
    return found


def _period_key(moment: datetime, unit: str):
    if unit == "d":
        return moment.date()
    if unit == "w":
        return moment.isocalendar()[:2]
    if unit == "m":
        return moment.year, moment.month
    return moment.year


def backups_to_keep(made: dict[Path, datetime], rules: list[tuple[int, str]]) -> set[Path]:
    """Which backups the rules keep (see the module docstring); the newest always."""
    newest_first = sorted(made, key=lambda p: made[p], reverse=True)
    keep = set(newest_first[:1])
    for count, unit in rules:
        periods: set = set()
        for path in newest_first:
            key = _period_key(made[path], unit)
            if key not in periods:
                if len(periods) == count:
                    break
                periods.add(key)
                keep.add(path)
    return keep


def prune_backups(folder: Path, stem: str, keep: str) -> list[Path]:
    """Delete this database's dated backups in ``folder`` that the ``keep`` rules do not keep."""
    made = dated_backups(folder, stem)
    kept = backups_to_keep(made, parse_periods(keep))
    deleted = sorted(set(made) - kept)
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


# --- notes and audit entries --------------------------------------------------------------------

@dataclass(frozen=True)
class RetentionReport:
    notes_before: date
    audit_before: datetime
    notes_deleted: int
    audit_deleted: int
    archived_to: str | None
    dry_run: bool

    def as_json(self) -> dict:
        return {"notes_before": self.notes_before.isoformat(), "audit_before": self.audit_before.isoformat(),
                "notes_deleted": self.notes_deleted, "audit_deleted": self.audit_deleted,
                "archived_to": self.archived_to, "dry_run": self.dry_run}


def configured(keep_notes: str | None, keep_audit: str | None) -> tuple[str, str]:
    """The retention periods: the options, else ``FELTKART_KEEP_NOTES``/``FELTKART_KEEP_AUDIT``, else 5y/2y."""
    return (keep_notes or os.environ.get("FELTKART_KEEP_NOTES") or DEFAULT_KEEP_NOTES,
            keep_audit or os.environ.get("FELTKART_KEEP_AUDIT") or DEFAULT_KEEP_AUDIT)


def apply_retention(db: Database, *, keep_notes: str | None = None, keep_audit: str | None = None,
                    archive_to: str | os.PathLike | None = None, dry_run: bool = False,
                    now: datetime | None = None) -> RetentionReport:
    """Delete (after archiving, if asked) the notes and audit entries past their retention period."""
    access.require("admin")
    now = now or now_local()
    notes_text, audit_text = configured(keep_notes, keep_audit)
    notes_before, audit_before = cutoff(notes_text, now).date(), cutoff(audit_text, now)
    archive = Path(archive_to).expanduser() if archive_to else None
    if archive and archive.exists():
        raise FeltkartError("backup.exists", path=str(archive))
    notes_param, audit_param = {"before": notes_before}, {"before": audit_before}
    # A note is old when its period ended, and it was last edited, before the cut-off.
    if dry_run:
        with db.read() as con:
            notes_old = con.execute("SELECT count(*) FROM trend_notes "
                                    "WHERE greatest(period_end, CAST(updated_at AS DATE)) < $before",
                                    notes_param).fetchall()[0][0]
            audit_old = con.execute("SELECT count(*) FROM audit_log WHERE logged_at < $before",
                                    audit_param).fetchall()[0][0]
        return RetentionReport(notes_before, audit_before, notes_old, audit_old, None, True)
    with db.write() as con:
        old_notes = con.execute("SELECT * FROM trend_notes WHERE greatest(period_end, CAST(updated_at AS DATE)) "
                                "< $before ORDER BY id", notes_param).df()
        old_audit = con.execute("SELECT * FROM audit_log WHERE logged_at < $before ORDER BY id", audit_param).df()
        if archive and (len(old_notes) or len(old_audit)):
            _archive(archive, old_notes, old_audit)
        con.execute("DELETE FROM trend_notes WHERE greatest(period_end, CAST(updated_at AS DATE)) < $before",
                    notes_param)
        con.execute("DELETE FROM audit_log WHERE logged_at < $before", audit_param)
        report = RetentionReport(notes_before, audit_before, len(old_notes), len(old_audit),
                                 str(archive) if archive and (len(old_notes) or len(old_audit)) else None, False)
        audit.record(con, "retention", None, after=report.as_json() | {"note_ids": [int(i) for i in old_notes["id"]]})
        if len(old_notes):
            bump_data_version(con)
    logs.event("retention", notes_deleted=report.notes_deleted, audit_deleted=report.audit_deleted)
    return report


def _plain(value):
    """JSON for what a DataFrame row holds besides str and numbers: tag arrays, timestamps."""
    return value.tolist() if hasattr(value, "tolist") else str(value)


def _archive(path: Path, notes, entries) -> None:
    """The rows to delete as JSON lines ({"table": ..., "row": {...}}), written before the delete
    commits; a failed write refuses the whole retention run."""
    temp = path.with_name(f".{path.name}.tmp")
    try:
        with open(temp, "w", encoding="utf-8") as out:
            for table, frame in (("trend_notes", notes), ("audit_log", entries)):
                for row in frame.to_dict("records"):
                    out.write(json.dumps({"table": table, "row": row}, ensure_ascii=False, default=_plain) + "\n")
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise FeltkartError("retention.archive_failed", path=str(path), reason=exc.strerror or str(exc)) from exc
