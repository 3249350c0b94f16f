"""The nightly drop folder: ``feltkart import --from-dir DIR``.

The case system exports registrations into a folder; a nightly job imports every file there and
moves it out of the way, to ``DIR/importert/`` or ``DIR/avvist/`` (refused), each with its row
report beside it (``<file>.rapport.txt``), so the folder itself only ever holds what is new.

* Each file is one import (:func:`dashboard.import_store.commit_import`): one write transaction,
  idempotent (the same file or rows again add nothing), waiting its turn while the dashboard reads.
* A file still being written is left for the next run: hidden files and temporary names
  (``.tmp``, ``.part``, ...) are skipped, and a file is taken only when it has not changed for
  ``settle_s`` seconds (its modification and status-change times; a rename into the folder counts
  as a change) and did not change while it was read.
* A refused file (not a registration file, or any wrong line with ``strict``) goes to ``avvist/``
  with the reason; a database that cannot be written (busy, full, read-only) leaves the file where
  it is for the next run and stops this one. Either makes the command exit 1, for monitoring.
* Two runs on the same folder at once are refused (a lock file in the folder); the run is
  recorded in the database (:mod:`dashboard.status`) and in the audit log.
"""

from __future__ import annotations

import fcntl
import io
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dashboard import audit, i18n, logs, status
from dashboard.db import Database, now_local
from dashboard.errors import FeltkartError
from dashboard.import_store import ImportReport, commit_import, print_report
from dashboard.importer import PlaceIndex, parse_file
from dashboard.upload_table import MAX_IMPORT_BYTES

IMPORTED_DIR = "importert"
REFUSED_DIR = "avvist"
REPORT_SUFFIX = ".rapport.txt"
LOCK_NAME = ".feltkart-import.lock"
DEFAULT_SETTLE_S = 60.0
TEMPORARY_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".filepart", ".download", "~")
OUTCOMES = ("imported", "refused", "waiting", "failed")


@dataclass
class FileResult:
    name: str
    outcome: str  # one of OUTCOMES
    moved_to: Path | None = None
    report: ImportReport | None = None
    reason: str | None = None  # the message, for a refused or failed file

    def as_json(self) -> dict:
        return {"file": self.name, "outcome": self.outcome, "moved_to": str(self.moved_to) if self.moved_to else None,
                "reason": self.reason, "import": self.report.as_json() if self.report else None}


@dataclass
class DropRun:
    folder: Path
    at: datetime
    dry_run: bool = False
    files: list[FileResult] = field(default_factory=list)
    record_error: str | None = None  # the run could not be recorded in the database

    def count(self, outcome: str) -> int:
        return sum(f.outcome == outcome for f in self.files)

    @property
    def needs_attention(self) -> bool:
        return bool(self.count("refused") or self.count("failed") or self.record_error)

    def record(self) -> dict:
        """What ``feltkart status`` reads: ``meta['ops.import']``."""
        reports = [f.report for f in self.files if f.report]
        return {"kind": "drop_folder", "at": self.at.isoformat(timespec="seconds"), "folder": str(self.folder),
                "files": len(self.files) - self.count("waiting"), "files_imported": self.count("imported"),
                "files_refused": self.count("refused"), "files_failed": self.count("failed"),
                "files_waiting": self.count("waiting"),
                "rows_imported": sum(r.rows_imported for r in reports), "rows_rejected": sum(r.rows_rejected for r in reports),
                "result": "failed" if self.count("failed") else "refused" if self.count("refused") else "ok"}

    def as_json(self) -> dict:
        return {**self.record(), "dry_run": self.dry_run, "record_error": self.record_error,
                "details": [f.as_json() for f in self.files]}


def candidates(folder: Path) -> list[Path]:
    """The files a run looks at: regular, not hidden, not named as a temporary file; oldest first."""
    found = [p for p in folder.iterdir()
             if p.is_file() and not p.name.startswith(".") and not p.name.lower().endswith(TEMPORARY_SUFFIXES)]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def import_folder(db: Database, folder: str | os.PathLike, *, settle_s: float = DEFAULT_SETTLE_S, strict: bool = False,
                  dry_run: bool = False, now: datetime | None = None, clock=time.time) -> DropRun:
    """Import every settled file in ``folder`` (see the module docstring); ``dry_run`` checks and
    counts without storing or moving anything. ``clock`` gives the current Unix time (tests)."""
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise FeltkartError("ops.no_folder", path=str(folder))
    run = DropRun(folder, now or now_local(), dry_run)
    with _only_run(folder):
        places = PlaceIndex.from_database(db)
        for path in candidates(folder):
            result = _import_one(db, path, places, settle_s, strict, dry_run, clock, run.at)
            if result is None:
                continue  # gone meanwhile (moved by hand)
            run.files.append(result)
            if result.outcome != "waiting" and not (result.report and result.report.batch_id):
                # a stored import has its line from the audit log; this is the one for a file that stored nothing
                logs.event("import", file=result.name, result=result.outcome,
                           **({"rows_read": result.report.rows_read, "rows_duplicate": result.report.rows_duplicate}
                              if result.report else {}))
            if result.outcome == "failed":
                break  # the database cannot take files now: leave the rest for the next run
    if not dry_run:
        _record(db, run)
    return run


class _only_run:
    """An exclusive lock on ``<folder>/.feltkart-import.lock`` for the run (refused if taken)."""

    def __init__(self, folder: Path):
        self.path = folder / LOCK_NAME

    def __enter__(self):
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise FeltkartError("dropfolder.not_writable", path=str(self.path.parent), reason=exc.strerror) from exc
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise FeltkartError("dropfolder.busy", path=str(self.path.parent)) from None
        return self

    def __exit__(self, *exc):
        os.close(self.fd)  # releases the lock


def _settled(path: Path, settle_s: float, clock) -> os.stat_result | None:
    """The file's status if it has not changed for ``settle_s`` seconds, else None."""
    info = path.stat()
    return info if clock() - max(info.st_mtime, info.st_ctime) >= settle_s else None


def _import_one(db: Database, path: Path, places: PlaceIndex, settle_s: float, strict: bool, dry_run: bool,
                clock, at: datetime) -> FileResult | None:
    try:
        info = _settled(path, settle_s, clock)
        if info is None:
            return FileResult(path.name, "waiting")
        if info.st_size > MAX_IMPORT_BYTES:
            return _refuse(path, FeltkartError("import.too_large", file=path.name, size=round(info.st_size / 2**20, 1),
                                               max=MAX_IMPORT_BYTES // 2**20), dry_run, at)
        data = path.read_bytes()
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (info.st_size, info.st_mtime_ns) or len(data) != info.st_size:
            return FileResult(path.name, "waiting")  # still being written
    except FileNotFoundError:
        return None
    try:
        parsed = parse_file(data, path.name, places)
    except FeltkartError as exc:
        return _refuse(path, exc, dry_run, at)
    try:
        report = commit_import(db, parsed, strict=strict, dry_run=dry_run, source_name=path.name)
    except FeltkartError as exc:
        if exc.key.startswith("db.") or exc.key == "access.denied":
            return FileResult(path.name, "failed", reason=exc.message())
        return _refuse(path, exc, dry_run, at)
    if report.refused:
        return _move(path, FileResult(path.name, "refused", report=report, reason=report.refused_reason), dry_run, at)
    return _move(path, FileResult(path.name, "imported", report=report), dry_run, at)


def _refuse(path: Path, exc: FeltkartError, dry_run: bool, at: datetime) -> FileResult:
    return _move(path, FileResult(path.name, "refused", reason=exc.message()), dry_run, at)


def _move(path: Path, result: FileResult, dry_run: bool, at: datetime) -> FileResult:
    """Move the file to importert/ or avvist/ under a dated name, its report beside it."""
    if dry_run:
        return result
    target_dir = path.parent / (IMPORTED_DIR if result.outcome == "imported" else REFUSED_DIR)
    try:
        target_dir.mkdir(exist_ok=True)
        target = target_dir / f"{at:%Y%m%d-%H%M%S}-{path.name}"
        for n in range(2, 1000):
            if not target.exists():
                break
            target = target_dir / f"{at:%Y%m%d-%H%M%S}-{n}-{path.name}"
        report_path = target.with_name(target.name + REPORT_SUFFIX)
        temp = report_path.with_name("." + report_path.name + ".tmp")
        temp.write_text(report_text(result, at), encoding="utf-8")
        os.replace(temp, report_path)
        os.replace(path, target)
    except OSError as exc:
        return FileResult(path.name, "failed", report=result.report,
                          reason=i18n.t("dropfolder.move_failed", path=str(path), reason=exc.strerror or str(exc)))
    result.moved_to = target
    return result


def report_text(result: FileResult, at: datetime) -> str:
    """The row report written beside a moved file: what happened, then every line's problem."""
    out = io.StringIO()
    print(i18n.t("dropfolder.report_heading", file=result.name, at=i18n.fmt_datetime(at, i18n.default_lang())), file=out)
    print(i18n.t(f"dropfolder.outcome.{result.outcome}") + (f": {result.reason}" if result.reason else ""), file=out)
    if result.report:
        print_report(result.report, result.name, max_errors=len(result.report.errors), stream=out)
    return out.getvalue()


def _record(db: Database, run: DropRun) -> None:
    """Keep the run for ``feltkart status`` and the audit log (if the database cannot be written, the
    status shows the previous run, and the exit code and the summary say why)."""
    record = run.record()
    try:
        with db.write() as con:
            status.remember(con, "import", record)
            audit.record(con, "import.drop_folder", str(run.folder), after=record)
    except FeltkartError as exc:
        run.record_error = exc.message()


def summary_line(run: DropRun, lang: str | None = None) -> str:
    """'DIR: 1 importert, 1 avvist, 0 ikke lagret, 0 venter.'"""
    return i18n.t("dropfolder.summary", lang, folder=str(run.folder), imported=run.count("imported"),
                  refused=run.count("refused"), failed=run.count("failed"), waiting=run.count("waiting"))


def summary_lines(run: DropRun, lang: str | None = None) -> list[str]:
    """One line per file and a closing count, for the command line."""
    lines = []
    for f in run.files:
        where = f" → {f.moved_to.parent.name}/{f.moved_to.name}" if f.moved_to else ""
        detail = (i18n.t("dropfolder.line_detail", lang, batch=f.report.batch_id or "–",
                         imported=i18n.fmt_int(f.report.rows_imported), rejected=i18n.fmt_int(f.report.rows_rejected),
                         duplicate=i18n.fmt_int(f.report.rows_duplicate))
                  if f.report and f.outcome == "imported" else f": {f.reason}" if f.reason else "")
        lines.append(i18n.t("dropfolder.line", lang, file=f.name, outcome=i18n.t(f"dropfolder.outcome.{f.outcome}", lang),
                            detail=detail, where=where))
    lines.append(summary_line(run, lang))
    if run.record_error:
        lines.append(i18n.t("dropfolder.not_recorded", lang, reason=run.record_error))
    if run.dry_run:
        lines.append(i18n.t("import.dry_run", lang))
    return lines
