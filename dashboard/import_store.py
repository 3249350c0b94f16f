"""Storing, listing and undoing imports: the database side of :mod:`dashboard.importer`.

An import is one write transaction: the batch row, the new registrations, the rejected lines and
the data-version bump are committed together or not at all (a crash or a kill in the middle
leaves nothing of it). Re-importing adds nothing twice:

* per registration, by ``contacts.row_sha256`` (a hash of the normalised tally): rows already in
  the database are counted as duplicates and skipped;
* per file, by ``import_batches.file_sha256``: the same file again (while its import is not
  undone) is reported as all duplicates and creates no batch, its rejected lines included
  (they are kept with the first import). Only if some of its registrations are missing (an
  overlapping import was undone since) are they imported again, in a new batch.

A batch is created only when the import stores something (a new registration or a rejected
line). Undo deletes the batch's registrations and rejected lines and stamps ``undone_at``; the
batch row stays, as a record. Demo batches are replaced only by ``feltkart demo``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from dataclasses import dataclass, field

import pandas as pd

from dashboard import access, audit, exporters, i18n
from dashboard.db import Database, bump_data_version, now_local
from dashboard.errors import FeltkartError
from dashboard.importer import CONTACT_COLUMNS, ParsedImport
from dashboard.upload_table import ERRORS_COLUMN, RejectedRow, RowError

# Every table whose rows an import brings in (registrations, follow-up figures, patrols): undo empties them all.
BATCH_TABLES = ("contacts", "followup_figures", "patrols")
PAUSE_BEFORE_COMMIT_ENV = "FELTKART_TEST_PAUSE_BEFORE_COMMIT_S"  # test hook: see _pause_before_commit
BEFORE_COMMIT_MARKER = "FELTKART-IMPORT-BEFORE-COMMIT"


@dataclass
class ImportReport:
    batch_id: int | None
    rows_read: int
    rows_imported: int  # registrations added
    rows_rejected: int  # lines rejected
    rows_duplicate: int  # registrations already present (in the database or earlier in the file)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    refused: bool = False
    refused_reason: str | None = None

    def as_json(self) -> dict:
        return {"batch_id": self.batch_id, "rows_read": self.rows_read, "rows_imported": self.rows_imported,
                "rows_rejected": self.rows_rejected, "rows_duplicate": self.rows_duplicate,
                "errors": [error.as_json() for error in self.errors]}


def _pause_before_commit() -> None:
    """For the crash test: announce the moment just before COMMIT and wait there."""
    seconds = os.environ.get(PAUSE_BEFORE_COMMIT_ENV)
    if seconds:
        print(BEFORE_COMMIT_MARKER, flush=True)
        time.sleep(float(seconds))


def _live_batch_of_file(con, file_sha256: str, layout: str | None = None):
    """(id, created_at) of an import of this file that is not undone, or None."""
    rows = con.execute(
        "SELECT id, created_at FROM import_batches WHERE kind = 'file' AND file_sha256 = $sha AND undone_at IS NULL "
        "AND ($layout IS NULL OR layout = $layout) ORDER BY id LIMIT 1", {"sha": file_sha256, "layout": layout}).fetchall()
    return rows[0] if rows else None


def _count_new(con, rows: pd.DataFrame) -> int:
    con.register("incoming_hashes", rows[["row_sha256"]])
    try:
        return int(con.execute(
            "SELECT count(*) FROM incoming_hashes i WHERE NOT EXISTS "
            "(SELECT 1 FROM contacts c WHERE c.row_sha256 = i.row_sha256)").fetchall()[0][0])
    finally:
        con.unregister("incoming_hashes")


def _insert_contacts(con, rows: pd.DataFrame, batch_id: int) -> int:
    con.register("incoming", rows[CONTACT_COLUMNS + ["row_sha256"]].assign(batch_id=batch_id))
    try:
        return int(con.execute(
            "INSERT INTO contacts BY NAME SELECT * FROM incoming i WHERE NOT EXISTS "
            "(SELECT 1 FROM contacts c WHERE c.row_sha256 = i.row_sha256)").fetchall()[0][0])
    finally:
        con.unregister("incoming")


def _rejection_frame(parsed: ParsedImport, batch_id: int) -> pd.DataFrame:
    return pd.DataFrame({
        "batch_id": [batch_id] * len(parsed.rejected),
        "line": [row.line for row in parsed.rejected],
        "raw": [json.dumps(row.raw, ensure_ascii=False) for row in parsed.rejected],
        "errors": [json.dumps([{"column": e.column, "value": e.value,
                                "message": i18n.t(e.key, "nb", **e.params) if e.key else e.message}
                               for e in row.errors], ensure_ascii=False) for row in parsed.rejected],
    }, columns=["batch_id", "line", "raw", "errors"])


def _insert_rejections(con, parsed: ParsedImport, batch_id: int) -> None:
    if not parsed.rejected:
        return
    con.register("incoming_rejections", _rejection_frame(parsed, batch_id))
    try:
        con.execute("INSERT INTO import_rejections BY NAME SELECT * FROM incoming_rejections")
    finally:
        con.unregister("incoming_rejections")


def commit_import(db: Database, parsed: ParsedImport, *, strict: bool = False, dry_run: bool = False,
                  source_name: str | None = None) -> ImportReport:
    """Store a parsed file in one transaction; see the module docstring for the rules.

    ``strict``: any rejected line refuses the whole file (nothing written). ``dry_run``: count
    what would happen (duplicates included) without writing.
    """
    errors = parsed.errors
    report = ImportReport(None, parsed.rows_read, 0, len(parsed.rejected), parsed.duplicates_in_file, errors,
                          list(parsed.notices))
    if strict and errors:
        report.refused, report.refused_reason = True, i18n.t("import.strict_refused", n=len(errors))
        return report
    if dry_run:
        with db.read() as con:
            earlier = _live_batch_of_file(con, parsed.file_sha256)
            new = _count_new(con, parsed.rows)
        _count(report, parsed, earlier, new)
        report.notices.append(i18n.t("import.dry_run"))
        return report
    access.require("editor")
    with db.write() as con:
        earlier = _live_batch_of_file(con, parsed.file_sha256)
        new = _count_new(con, parsed.rows)
        _count(report, parsed, earlier, new)
        if new == 0 and (earlier or not parsed.rejected):
            return report  # nothing to store: no batch
        batch_id = int(con.execute(
            "INSERT INTO import_batches (kind, source_name, file_sha256, created_at, layout, notices) "
            "VALUES ('file', $name, $sha, $at, $layout, $notices) RETURNING id",
            {"name": source_name or parsed.file_name, "sha": parsed.file_sha256, "at": now_local(),
             "layout": parsed.layout, "notices": json.dumps(parsed.notices, ensure_ascii=False)},
        ).fetchall()[0][0])
        inserted = _insert_contacts(con, parsed.rows, batch_id)
        _insert_rejections(con, parsed, batch_id)
        report.rows_imported, report.rows_duplicate = inserted, len(parsed.rows) - inserted + parsed.duplicates_in_file
        con.execute(
            "UPDATE import_batches SET rows_read = $read, rows_imported = $imported, rows_rejected = $rejected, "
            "rows_duplicate = $duplicate WHERE id = $id",
            {"read": report.rows_read, "imported": report.rows_imported, "rejected": report.rows_rejected,
             "duplicate": report.rows_duplicate, "id": batch_id})
        audit.record(con, "import.commit", f"batch:{batch_id}", after=report.as_json() | {"file": parsed.file_name})
        bump_data_version(con)
        _pause_before_commit()
        report.batch_id = batch_id
    return report


def _count(report: ImportReport, parsed: ParsedImport, earlier, new: int) -> None:
    if earlier and new == 0:
        report.rows_imported, report.rows_rejected, report.errors = 0, 0, []
        report.rows_duplicate = len(parsed.rows) + parsed.duplicates_in_file
        report.notices.append(i18n.t("import.notice.same_file", batch=earlier[0],
                                     at=earlier[1].strftime("%d.%m.%Y %H:%M")))
        return
    report.rows_imported = new
    report.rows_duplicate = len(parsed.rows) - new + parsed.duplicates_in_file
    if new == 0 and not parsed.rejected and len(parsed.rows):
        report.notices.append(i18n.t("import.notice.nothing_new"))


BATCH_COLUMNS = ["id", "kind", "source_name", "file_sha256", "layout", "created_at", "rows_read", "rows_imported",
                 "rows_rejected", "rows_duplicate", "undone_at", "notices"]


def list_batches(db: Database) -> pd.DataFrame:
    """Every import, oldest first: ``BATCH_COLUMNS`` (notices as a list of strings)."""
    with db.read() as con:
        batches = con.execute(f"SELECT {', '.join(BATCH_COLUMNS)} FROM import_batches ORDER BY id").df()
    batches["notices"] = [json.loads(n) if isinstance(n, str) else [] for n in batches["notices"]]
    return batches


def batch_what(kind: str, layout, lang: str = "nb") -> str:
    """What an import brought in: demo data, registrations, follow-up figures or a patrol log."""
    if kind == "demo":
        return i18n.t("import.what.demo", lang)
    return i18n.t(f"import.what.{layout if layout in ('followup', 'patrols') else 'registrations'}", lang)


def history_table(batches: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """``list_batches`` for people: what each import was, Norwegian headings and dates, newest first."""
    def stamp(value) -> str:
        return "" if pd.isna(value) else i18n.fmt_datetime(value, lang)

    columns = ["rows_read", "rows_imported", "rows_rejected", "rows_duplicate"]
    table = pd.DataFrame({
        "id": batches["id"],
        "what": [batch_what(k, layout, lang) for k, layout in zip(batches["kind"], batches["layout"])],
        "source": batches["source_name"],
        "created_at": [stamp(v) for v in batches["created_at"]],
        **{c: batches[c] for c in columns},
        "undone_at": [stamp(v) for v in batches["undone_at"]],
    })
    table = table.iloc[::-1].reset_index(drop=True)
    return table.rename(columns={c: i18n.t(f"import.col.{c}", lang) for c in table.columns})


def commit_checked_file(db: Database, parsed, *, layout: str, split, insert, audit_action: str,
                        nothing_new_key: str, strict: bool = False, dry_run: bool = False,
                        source_name: str | None = None) -> ImportReport:
    """Store a checked file of aggregated rows (follow-up figures, patrols) in one transaction:
    batch, rows, rejected lines, audit row and data version — the rules both imports share.

    ``parsed`` has the parsed file's ``file_name``, ``file_sha256``, ``rows_read``, ``rows``,
    ``rejected``, ``errors``, ``notices`` and ``duplicates_in_file``. ``split(con, parsed)`` returns
    the rows to insert, how many are stored already and the lines that conflict with stored rows;
    ``insert(con, rows, batch_id)`` writes the rows.

    Re-importing adds nothing: stored rows are duplicates, and the same file again (import not
    undone) creates no batch. ``strict``: any rejected line refuses the whole file; ``dry_run``:
    count what would happen without writing. Writing needs an editor.
    """
    report = ImportReport(None, parsed.rows_read, 0, len(parsed.rejected), parsed.duplicates_in_file,
                          parsed.errors, list(parsed.notices))
    if strict and parsed.errors:
        report.refused, report.refused_reason = True, i18n.t("import.strict_refused", n=len(parsed.errors))
        return report
    if not dry_run:
        access.require("editor")  # as for registration imports
    opened = db.read() if dry_run else db.write()
    with opened as con:
        earlier = _live_batch_of_file(con, parsed.file_sha256, layout)
        new, duplicates, conflicts = split(con, parsed)
        report.rows_duplicate = duplicates + parsed.duplicates_in_file
        if earlier and new.empty:
            report.rows_rejected, report.errors = 0, []
            report.rows_duplicate = len(parsed.rows) + parsed.duplicates_in_file
            report.notices.append(i18n.t("import.notice.same_file", batch=earlier[0],
                                         at=earlier[1].strftime("%d.%m.%Y %H:%M")))
            return report
        rejected = parsed.rejected + conflicts
        report.rows_rejected = len(rejected)
        report.errors = [e for row in rejected for e in row.errors]
        if strict and conflicts:
            report.refused, report.refused_reason = True, i18n.t("import.strict_refused", n=len(report.errors))
            return report
        report.rows_imported = len(new)
        if dry_run:
            report.notices.append(i18n.t("import.dry_run"))
            return report
        if new.empty and not rejected:
            if len(parsed.rows):
                report.notices.append(i18n.t(nothing_new_key))
            return report
        batch_id = int(con.execute(
            "INSERT INTO import_batches (kind, source_name, file_sha256, created_at, layout, notices, rows_read, "
            "rows_imported, rows_rejected, rows_duplicate) VALUES ('file', $name, $sha, $at, $layout, $notices, $read, "
            "$imported, $rejected, $duplicate) RETURNING id",
            {"name": source_name or parsed.file_name, "sha": parsed.file_sha256, "at": now_local(), "layout": layout,
             "notices": json.dumps(report.notices, ensure_ascii=False), "read": report.rows_read,
             "imported": report.rows_imported, "rejected": report.rows_rejected, "duplicate": report.rows_duplicate},
        ).fetchall()[0][0])
        if not new.empty:
            insert(con, new, batch_id)
        _insert_rejections(con, _Rejected(rejected), batch_id)
        audit.record(con, audit_action, f"batch:{batch_id}", after=report.as_json() | {"file": parsed.file_name})
        bump_data_version(con)
        report.batch_id = batch_id
    return report


@dataclass
class _Rejected:
    """What the rejection writer reads: the rejected lines."""

    rejected: list[RejectedRow]


def report_lines(report: ImportReport, file_name: str, summary_key: str, max_errors: int = 20) -> list[str]:
    """The human summary the command line prints for a follow-up or patrol import
    (``summary_key`` names the first line's text: read, imported, rejected, duplicate)."""
    fmt = i18n.fmt_int
    lines = [i18n.t("import.refused", reason=report.refused_reason)] if report.refused else []
    lines.append(i18n.t(summary_key, file=file_name, read=fmt(report.rows_read), imported=fmt(report.rows_imported),
                        rejected=fmt(report.rows_rejected), duplicate=fmt(report.rows_duplicate)))
    if report.batch_id is not None:
        lines.append(i18n.t("import.saved_as", batch=report.batch_id))
        if report.rows_rejected:
            lines.append(i18n.t("import.rejected_kept", batch=report.batch_id))
    lines += [f"• {notice}" for notice in report.notices]
    lines += [i18n.t("import.error_line", line=e.line, column=e.column, value=e.value, message=e.message)
              for e in report.errors[:max_errors]]
    if len(report.errors) > max_errors:
        lines.append(i18n.t("import.more_errors", n=len(report.errors) - max_errors))
    return lines


def undo_batch(db: Database, batch_id: int) -> int:
    """Remove an import's registrations (or follow-up figures, or patrols) and rejected lines; returns the rows removed."""
    access.require("admin")
    with db.write() as con:
        found = con.execute("SELECT kind, undone_at FROM import_batches WHERE id = $id", {"id": batch_id}).fetchall()
        if not found:
            raise FeltkartError("import.batch_not_found", batch=batch_id)
        kind, undone_at = found[0]
        if kind == "demo":
            raise FeltkartError("import.undo_demo", batch=batch_id)
        if undone_at is not None:
            raise FeltkartError("import.already_undone", batch=batch_id, at=undone_at.strftime("%d.%m.%Y %H:%M"))
        removed = sum(int(con.execute(f"DELETE FROM {table} WHERE batch_id = $id", {"id": batch_id}).fetchall()[0][0])
                      for table in BATCH_TABLES)
        con.execute("DELETE FROM import_rejections WHERE batch_id = $id", {"id": batch_id})
        con.execute("UPDATE import_batches SET undone_at = $at WHERE id = $id", {"at": now_local(), "id": batch_id})
        audit.record(con, "import.undo", f"batch:{batch_id}", before={"registrations": removed})
        bump_data_version(con)
    return removed


def rejected_rows_csv(db: Database, batch_id: int) -> bytes:
    """An import's rejected lines, to fix in Excel and import again: the original columns (free-text
    columns never stored) plus ``feil`` with the reasons; ``;``-separated UTF-8 with BOM."""
    with db.read() as con:
        if not con.execute("SELECT 1 FROM import_batches WHERE id = $id", {"id": batch_id}).fetchall():
            raise FeltkartError("import.batch_not_found", batch=batch_id)
        rejections = con.execute("SELECT line, raw, errors FROM import_rejections WHERE batch_id = $id ORDER BY line",
                                 {"id": batch_id}).fetchall()
    rows = [(json.loads(raw), json.loads(errors)) for _, raw, errors in rejections]
    columns = list(dict.fromkeys(column for raw, _ in rows for column in raw))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns + [ERRORS_COLUMN])
    for raw, errors in rows:
        reasons = "; ".join(f"{e['column']}: {e['message']}" for e in errors)
        writer.writerow([exporters.neutralise(str(raw.get(c, ""))) for c in columns] + [reasons])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def print_report(report: ImportReport, file_name: str, *, max_errors: int = 20, stream=None) -> None:
    """The human summary the CLI prints: summary line, notices, then up to ``max_errors`` errors."""
    stream = stream or sys.stdout
    fmt = i18n.fmt_int
    if report.refused:
        print(i18n.t("import.refused", reason=report.refused_reason), file=stream)
    print(i18n.t("import.summary", file=file_name, read=fmt(report.rows_read), imported=fmt(report.rows_imported),
                 rejected=fmt(report.rows_rejected), duplicate=fmt(report.rows_duplicate)), file=stream)
    if report.batch_id is not None:
        print(i18n.t("import.saved_as", batch=report.batch_id), file=stream)
        if report.rows_rejected:
            print(i18n.t("import.rejected_kept", batch=report.batch_id), file=stream)
    for notice in report.notices:
        print(f"• {notice}", file=stream)
    for error in report.errors[:max_errors]:
        print(i18n.t("import.error_line", line=error.line, column=error.column, value=error.value,
                     message=error.message), file=stream)
    if len(report.errors) > max_errors:
        print(i18n.t("import.more_errors", n=len(report.errors) - max_errors), file=stream)
