"""``feltkart status``: is this Feltkart installation healthy? For the municipality's monitoring.

It reads (never writes) the database: schema and data version, registrations, the last import
and its result, the last backup and its age, the file's size. Something needs attention (and the
command exits 1) when the database cannot be read or has the wrong schema, when there is no
backup younger than ``max_backup_age_h`` (default 26 h: a nightly backup plus slack) or its file is
gone, or when the nightly drop-folder import refused a file or has not run for
``max_import_age_h`` (checked only once such a run has been recorded: teams that import by hand
have none).

Where the last backup and the last drop-folder run are known: in the database itself, in
``meta`` rows named ``ops.backup`` and ``ops.import`` (JSON), written in an audited transaction by
``feltkart backup`` and ``feltkart import --from-dir``. So they travel with the data and need no
extra file; a restore keeps the live database's record (it describes the server, not the data).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from dashboard import i18n
from dashboard.db import SCHEMA_VERSION, Database, now_local
from dashboard.errors import FeltkartError

OPS_PREFIX = "ops."
MAX_BACKUP_AGE_H = 26.0
MAX_IMPORT_AGE_H = 26.0


# --- the operations record in meta ----------------------------------------------------------------

def remember(con, name: str, value: dict) -> None:
    """Store ``value`` as ``meta['ops.<name>']`` (inside the caller's audited write)."""
    key = OPS_PREFIX + name
    con.execute("DELETE FROM meta WHERE key = $key", {"key": key})
    con.execute("INSERT INTO meta VALUES ($key, $value)",
                {"key": key, "value": json.dumps(value, ensure_ascii=False, default=str)})


def recall(con, name: str) -> dict | None:
    rows = con.execute("SELECT value FROM meta WHERE key = $key", {"key": OPS_PREFIX + name}).fetchall()
    return json.loads(rows[0][0]) if rows else None


def operations_record(con) -> dict[str, str]:
    """Every ``ops.*`` meta row as stored (for a restore to carry over)."""
    return dict(con.execute("SELECT key, value FROM meta WHERE starts_with(key, $p)", {"p": OPS_PREFIX}).fetchall())


def carry_over(con, record: dict[str, str]) -> None:
    """Put a live database's ``ops.*`` rows into the database that replaces it."""
    for key, value in record.items():
        con.execute("DELETE FROM meta WHERE key = $key", {"key": key})
        con.execute("INSERT INTO meta VALUES ($key, $value)", {"key": key, "value": value})


# --- the status ---------------------------------------------------------------------------------

@dataclass
class Status:
    path: str
    checked_at: str
    schema_version: int | None = None
    schema_supported: int = SCHEMA_VERSION
    data_version: int | None = None
    registrations: int | None = None
    last_registration_at: str | None = None
    last_import_at: str | None = None
    last_import: dict | None = None
    last_backup_at: str | None = None
    last_backup_age_h: float | None = None
    last_backup: dict | None = None
    db_mb: float | None = None
    problems: list[dict] = field(default_factory=list)  # {"key": ..., "message": ...}: needs attention
    notices: list[dict] = field(default_factory=list)  # worth knowing, not a failure

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"ok": self.ok, **asdict(self)}

    def _add(self, into: list, key: str, **params) -> None:
        into.append({"key": key, "message": i18n.t(key, **params)})


def _iso(value) -> str | None:
    return None if value is None else value.isoformat(sep="T", timespec="seconds")


def _hours_since(moment: str, now: datetime) -> float:
    return (now - datetime.fromisoformat(moment)).total_seconds() / 3600


def check(db: Database, *, max_backup_age_h: float = MAX_BACKUP_AGE_H, max_import_age_h: float = MAX_IMPORT_AGE_H,
          now: datetime | None = None) -> Status:
    """The installation's status (never raises for a database problem: that is a problem listed)."""
    now = now or now_local()
    status = Status(str(db.path), _iso(now))
    if not db.exists():
        status._add(status.problems, "db.missing", path=str(db.path))
        return status
    status.db_mb = round(sum(p.stat().st_size for p in (db.path, Path(str(db.path) + ".wal")) if p.exists()) / 1e6, 1)
    try:
        _read_into(status, db)
    except FeltkartError as exc:
        status.problems.append({"key": exc.key, "message": exc.message()})
        return status
    if status.schema_version != SCHEMA_VERSION:
        key = "db.too_new" if status.schema_version > SCHEMA_VERSION else "db.needs_migration"
        status._add(status.problems, key, path=str(db.path), found=status.schema_version, supported=SCHEMA_VERSION)
    _judge_backup(status, now, max_backup_age_h)
    _judge_import(status, now, max_import_age_h)
    return status


def _read_into(status: Status, db: Database) -> None:
    from dashboard.db import _schema_version

    with db.read() as con:
        status.schema_version = _schema_version(con, db.path)
        if status.schema_version == 0:
            raise FeltkartError("db.not_feltkart", path=str(db.path))
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        status.data_version = int(meta.get("data_version", 0))
        registrations, last = con.execute("SELECT count(*), max(occurred_at) FROM contacts").fetchall()[0]
        status.registrations, status.last_registration_at = int(registrations), _iso(last)
        batch = con.execute(
            "SELECT id, source_name, created_at, rows_imported, rows_rejected FROM import_batches "
            "WHERE kind = 'file' ORDER BY created_at DESC, id DESC LIMIT 1").fetchall()
        status.last_backup = recall(con, "backup")
        run = recall(con, "import")
    last_file = dict(zip(("batch", "file", "at", "rows_imported", "rows_rejected"), batch[0])) if batch else None
    if last_file:
        last_file["at"] = _iso(last_file["at"])
    # The nightly drop-folder run says what was refused too; the last file imported is kept beside it.
    status.last_import = {**run, "last_batch": last_file} if run else last_file
    status.last_import_at = max((c["at"] for c in (run, last_file) if c), default=None)


def _judge_backup(status: Status, now: datetime, max_age_h: float) -> None:
    backup = status.last_backup
    if not backup:
        status._add(status.problems, "status.no_backup")
        return
    status.last_backup_at = backup["at"]
    status.last_backup_age_h = round(_hours_since(backup["at"], now), 1)
    if status.last_backup_age_h > max_age_h:
        status._add(status.problems, "status.backup_old", hours=i18n.fmt_decimal(status.last_backup_age_h),
                    max=i18n.fmt_decimal(max_age_h, decimals=0))
    if not Path(backup["path"]).is_file():
        status._add(status.problems, "status.backup_gone", path=backup["path"])


def _judge_import(status: Status, now: datetime, max_age_h: float) -> None:
    last = status.last_import or {}
    if last.get("kind") == "drop_folder":
        if last.get("files_refused") or last.get("files_failed"):
            status._add(status.problems, "status.import_refused", refused=last.get("files_refused", 0),
                        failed=last.get("files_failed", 0), folder=last.get("folder", "?"))
        age_h = _hours_since(last["at"], now)
        if age_h > max_age_h:
            status._add(status.problems, "status.import_old", hours=i18n.fmt_decimal(age_h),
                        max=i18n.fmt_decimal(max_age_h, decimals=0))
    if last.get("rows_rejected"):
        status._add(status.notices, "status.rows_rejected", n=i18n.fmt_int(last["rows_rejected"]))


def text_lines(status: Status, lang: str | None = None) -> list[str]:
    """The status for people, one fact a line."""
    lang = lang or i18n.default_lang()
    t = lambda key, **p: i18n.t(key, lang, **p)  # noqa: E731
    def when(moment: str | None) -> str:
        return i18n.fmt_datetime(datetime.fromisoformat(moment), lang) if moment else t("status.never")

    lines = [t("status.ok" if status.ok else "status.attention")]
    if status.schema_version is not None:
        lines.append(t("status.database", path=status.path, mb=i18n.fmt_decimal(status.db_mb or 0, lang),
                       schema=status.schema_version, supported=status.schema_supported, data=status.data_version))
        lines.append(t("status.registrations", n=i18n.fmt_int(status.registrations or 0, lang),
                       last=when(status.last_registration_at)))
        imp = status.last_import or {}
        lines.append(t("status.last_import", at=when(status.last_import_at),
                       what=imp.get("folder") or imp.get("file") or "–",
                       imported=i18n.fmt_int(imp.get("rows_imported") or 0, lang),
                       rejected=i18n.fmt_int(imp.get("rows_rejected") or 0, lang)))
        backup = status.last_backup or {}
        age = (t("status.hours_ago", hours=i18n.fmt_decimal(status.last_backup_age_h, lang))
               if status.last_backup_age_h is not None else "")
        lines.append(t("status.last_backup", at=when(status.last_backup_at), age=age, path=backup.get("path", "–")))
    lines += [t("status.problem", message=p["message"]) for p in status.problems]
    lines += [t("status.notice", message=n["message"]) for n in status.notices]
    return lines
