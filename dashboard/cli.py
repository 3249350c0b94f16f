"""The ``feltkart`` command: the same modules as the pages, for scripts and nightly jobs.

Errors are one line on stderr and a non-zero exit (1 for bad input or data, 2 for usage).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date, datetime
from pathlib import Path

from dashboard import access, i18n, logs, queries, reports
from dashboard.db import Database
from dashboard.errors import FeltkartError


def _progress(step: str) -> None:
    print(i18n.t("demo.progress", step=step), file=sys.stderr, flush=True)


def cmd_demo(args) -> int:
    from dashboard.seed import build_demo

    db = Database(args.db)
    summary = build_demo(db, seed=args.seed, until=args.until, force=args.force, progress=_progress)
    print(i18n.t("demo.done", path=db.path, rows=i18n.fmt_int(summary.registrations),
                 hits=i18n.fmt_int(summary.hits), first=i18n.fmt_date(summary.first_day),
                 last=i18n.fmt_date(summary.last_day)))
    return 0


def cmd_init(args) -> int:
    from dashboard.seed import ensure_database

    db = Database(args.db)
    if ensure_database(db, progress=_progress, demo_data=not args.empty):
        print(i18n.t("init.created_empty" if args.empty else "init.created", path=db.path))
    else:
        print(i18n.t("init.ready", path=db.path))
    return 0


def _ready(args) -> Database:
    db = Database(args.db)
    db.check_ready()
    return db


def cmd_report_annual(args) -> int:
    report = reports.annual_report(_ready(args), args.year)
    sys.stdout.write(reports.annual_csv(report) if args.format == "csv" else reports.annual_markdown(report))
    return 0


def _print_summary(summary: dict, as_json: bool) -> int:
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 0


def cmd_report_summary(args) -> int:
    return _print_summary(reports.year_summary(_ready(args), args.year), args.json)


def cmd_places(args) -> int:
    places = queries.run(_ready(args), "places")
    if not args.all:
        places = places[places["retired_at"].isna()]
    records = [
        {"id": p.id, "name": p.name, "kind": p.kind, "area_id": p.area_id, "lat": float(p.lat),
         "lon": float(p.lon), "approximate": bool(p.approximate)}
        for p in places.itertuples()
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        for p in records:
            flag = " ~" if p["approximate"] else ""
            print(f"{p['id']:<28} {p['kind']:<12} {p['area_id']:<28} {p['lat']:.5f} {p['lon']:.5f}{flag}  {p['name']}")
    return 0


def _point(args) -> tuple[float | None, float | None]:
    """(lon, lat) from --lat/--lon (WGS84) or --north/--east (EUREF89 UTM 33), or (None, None)."""
    from dashboard import geo

    pairs = ((args.east, args.north), (args.lon, args.lat))
    if any((a is None) != (b is None) for a, b in pairs):
        raise FeltkartError("cli.point_required")
    if args.east is not None:
        return geo.utm33_to_wgs84(args.east, args.north)
    return args.lon, args.lat


def cmd_places_add(args) -> int:
    from dashboard.places import add_hotspot

    lon, lat = _point(args)
    if lon is None or lat is None:
        raise FeltkartError("cli.point_required")
    hotspot_id = add_hotspot(_ready(args), name=args.name, kind=args.kind, lon=lon, lat=lat, area_id=args.area,
                             approximate=args.approximate, source=args.source)
    print(i18n.t("place.added", id=hotspot_id))
    return 0


def cmd_places_change(args) -> int:
    from dashboard.places import update_hotspot

    lon, lat = _point(args)
    change = update_hotspot(_ready(args), args.id, name=args.name, kind=args.kind, lon=lon, lat=lat, area_id=args.area)
    print(json.dumps(change, ensure_ascii=False, default=str) if args.json else i18n.t("place.saved", id=args.id))
    return 0


def cmd_places_retire(args) -> int:
    from dashboard.places import retire_hotspot

    retire_hotspot(_ready(args), args.id, retired=not args.undo)
    print(i18n.t("place.saved", id=args.id))
    return 0


def cmd_geodata_import(args) -> int:
    from dashboard.geodata_import import import_geodata

    changes = import_geodata(Database(args.db), args.file, replace=args.replace, dry_run=args.dry_run,
                             layer=args.layer, id_field=args.id_field, name_field=args.name_field)
    print(json.dumps(changes.as_dict(), ensure_ascii=False) if args.json else changes.text())
    return 0


def cmd_export_view(args) -> int:
    from dashboard import exporters
    from dashboard.filters import Filter
    from dashboard.slides import view_tables

    flt = Filter(args.start, args.end, areas=tuple(args.area or ()), channels=tuple(args.channel or ()),
                 compare=args.compare)
    tables = view_tables(_ready(args), flt)
    hotspots, areas = tables.hotspots, tables.areas
    threshold = None if args.no_suppress else args.threshold
    suffix = args.output.suffix.lower()
    if suffix == ".geojson":
        data = exporters.to_geojson_bytes(hotspots, suppress_below=threshold)
    else:
        frames = exporters.view_frames(hotspots, areas, "nb", suppress_below=threshold)
        data = (exporters.to_xlsx_bytes(frames) if suffix == ".xlsx"
                else exporters.to_csv_bytes(next(iter(frames.values()))))
    args.output.write_bytes(data)
    print(i18n.t("cli.wrote", path=args.output, bytes=i18n.fmt_int(len(data))))
    return 0


# --- slides and documents (dashboard/slides.py, dashboard/report_docs.py) ---
def cmd_export_annual(args) -> int:
    from dashboard import exporters, report_docs

    db = _ready(args)
    report = reports.annual_report(db, args.year)
    suffix = args.output.suffix.lower()
    if suffix == ".docx":
        data = report_docs.annual_report_docx(report, summary=reports.year_summary(db, args.year))
    elif suffix == ".xlsx":
        data = report_docs.annual_report_xlsx(report)
    else:
        data = exporters.to_csv_bytes(next(iter(exporters.annual_report_frames(report).values())))
    args.output.write_bytes(data)
    print(i18n.t("cli.wrote", path=args.output, bytes=i18n.fmt_int(len(data))))
    return 0


def cmd_export_slides(args) -> int:
    from dashboard import slides
    from dashboard.filters import Filter

    flt = Filter(args.start, args.end, areas=tuple(args.area or ()), compare=args.compare)
    data = slides.presentation_data(_ready(args), flt, threshold=args.threshold, coarsen_to_areas=args.areas_only)
    render = slides.slides_pdf if args.output.suffix.lower() == ".pdf" else slides.slides_pptx
    content = render(data, args.title)
    args.output.write_bytes(content)
    print(i18n.t("cli.wrote", path=args.output, bytes=i18n.fmt_int(len(content))))
    return 0


def _threshold(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"the threshold must be a whole number of 1 or more, got {text!r}")
    return value
# --- end slides and documents ---


def cmd_focus(args) -> int:
    from dashboard import focus

    suggestions, basis = focus.suggest(_ready(args), args.start, areas=tuple(args.area or ()), weights=args.weights,
                                       limit=args.limit)
    if args.json:
        print(json.dumps({"period": [args.start.isoformat(), args.end.isoformat()],
                          "basis": [day.isoformat() for day in basis.current],
                          "rise_compared_with": [day.isoformat() for day in basis.comparison] if basis.comparable else None,
                          "note": basis.note(),
                          "weights": focus.check_weights(args.weights or focus.DEFAULT_WEIGHTS),
                          "suggestions": [{"rank": n, "label": s.label(), **s.as_dict()}
                                          for n, s in enumerate(suggestions, 1)]}, ensure_ascii=False))
        return 0
    print(i18n.t("focus.basis", start=i18n.fmt_date(basis.current[0]), end=i18n.fmt_date(basis.current[1])))
    if basis.note():
        print(basis.note())
    for number, item in enumerate(suggestions, 1):
        print(f"{number:>2}. {item.label()}  ({i18n.fmt_decimal(item.score, decimals=3)})")
        for reason in item.reasons:
            print(f"      - {reason}")
    return 0


def cmd_compare(args) -> int:
    from dashboard import hkh

    comparison = hkh.compare(_ready(args), args.hotspot, args.before, args.after)
    print(json.dumps(comparison.as_json(), ensure_ascii=False) if args.json else hkh.summary_text(comparison))
    return 0


def _period(text: str) -> tuple[date, date]:
    start, sep, end = text.partition("..")
    if not sep:
        raise argparse.ArgumentTypeError(i18n.t("cli.bad_period", value=text))
    return _date(start), _date(end)


def _weights(text: str) -> dict[str, float]:
    try:
        return {key.strip(): float(value) for key, value in (part.split("=") for part in text.split(",") if part)}
    except ValueError:
        raise argparse.ArgumentTypeError(i18n.t("cli.bad_weights", value=text)) from None


def _output(suffixes: tuple[str, ...]):
    def parse(text: str) -> Path:
        path = Path(text)
        if path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(i18n.t("cli.bad_suffix", path=text, valid=", ".join(suffixes)))
        return path
    return parse


def cmd_notes_add(args) -> int:
    from dashboard.notes import NoteDraft, add_note

    draft = NoteDraft(body=args.text, period_start=args.start, period_end=args.end, area_id=args.area,
                      hotspot_id=args.hotspot, tags=tuple(t for t in (args.tags or "").split(",") if t.strip()),
                      author=args.author, shareable=args.shareable)
    note_id = add_note(_ready(args), draft)
    print(i18n.t("note.added", id=note_id))
    return 0


def cmd_notes_list(args) -> int:
    from dashboard.notes import all_notes, note_records

    records = note_records(all_notes(_ready(args), include_archived=args.archived))
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        for n in records:
            place = n["hotspot_id"] or n["area_id"]
            print(f"{n['id']:>4}  {n['period_start']}..{n['period_end']}  {place:<28} {','.join(n['tags']):<22} {n['text'][:60]}")
    return 0


# --- import, batches, undo (dashboard.importer / dashboard.import_store) ---

def _read_upload(path: Path, max_bytes: int) -> bytes:
    """The bytes of a file to import; a missing or too large file is refused before it is read."""
    if not path.is_file():
        raise FeltkartError("import.file_missing", path=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise FeltkartError("import.too_large", file=path.name, size=round(size / (1024 * 1024), 1),
                            max=max_bytes // (1024 * 1024))
    return path.read_bytes()


def cmd_import(args) -> int:
    if args.from_dir:
        return cmd_import_folder(args)
    from dashboard.import_store import commit_import, print_report
    from dashboard.importer import PlaceIndex, parse_file
    from dashboard.upload_table import MAX_IMPORT_BYTES

    db = _ready(args)
    path = Path(args.file)
    parsed = parse_file(_read_upload(path, MAX_IMPORT_BYTES), path.name, PlaceIndex.from_database(db))
    report = commit_import(db, parsed, strict=args.strict, dry_run=args.dry_run, source_name=path.name)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print_report(report, path.name)
    if report.refused:
        if args.json:
            print(f"feltkart: {report.refused_reason}", file=sys.stderr)
        return 1
    return 0


def cmd_import_folder(args) -> int:
    from dashboard import dropfolder

    settle = dropfolder.DEFAULT_SETTLE_S if args.settle is None else args.settle
    run = dropfolder.import_folder(_ready(args), args.from_dir, settle_s=settle, strict=args.strict,
                                   dry_run=args.dry_run)
    print(json.dumps(run.as_json(), ensure_ascii=False) if args.json else "\n".join(dropfolder.summary_lines(run)))
    if run.needs_attention:  # one line on stderr too, for whatever watches the nightly job
        print(f"feltkart: {dropfolder.summary_line(run)}", file=sys.stderr)
        return 1
    return 0


def cmd_batches(args) -> int:
    from dashboard.import_store import batch_what, list_batches

    batches = list_batches(_ready(args))

    def stamp(value):
        import pandas as pd

        return None if pd.isna(value) else value.isoformat(sep=" ", timespec="minutes")

    lang = i18n.default_lang()
    records = [
        {"id": int(b.id), "kind": b.kind, "what": batch_what(b.kind, b.layout, lang), "source_name": b.source_name,
         "layout": b.layout if isinstance(b.layout, str) else None,
         "created_at": stamp(b.created_at), "rows_read": int(b.rows_read), "rows_imported": int(b.rows_imported),
         "rows_rejected": int(b.rows_rejected), "rows_duplicate": int(b.rows_duplicate), "undone_at": stamp(b.undone_at)}
        for b in batches.itertuples()
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
    elif not records:
        print(i18n.t("import.no_batches"))
    else:
        for b, row in zip(records, batches.itertuples()):
            undone = i18n.t("import.batch_undone", at=i18n.fmt_datetime(row.undone_at, lang)) if b["undone_at"] else ""
            print(i18n.t("import.batch_line", id=b["id"], at=i18n.fmt_datetime(row.created_at, lang),
                         kind=b["what"], source=b["source_name"],
                         read=b["rows_read"], imported=b["rows_imported"], rejected=b["rows_rejected"],
                         duplicate=b["rows_duplicate"], undone=undone))
    return 0


def cmd_undo(args) -> int:
    from dashboard.import_store import undo_batch

    removed = undo_batch(_ready(args), args.batch_id)
    print(i18n.t("import.undone", batch=args.batch_id, n=i18n.fmt_int(removed)))
    return 0


def _date(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(i18n.t("cli.bad_date", value=text)) from None


# --- backup and restore (dashboard/backup.py) ---
def cmd_backup(args) -> int:
    from dashboard import backup

    if args.keep and not args.dir:
        raise FeltkartError("backup.keep_needs_dir")
    report, deleted = backup.make_backup(Database(args.db), output=args.output, folder=args.dir, keep=args.keep,
                                         force=args.force)
    print(i18n.t("backup.done", path=report.path, rows=i18n.fmt_int(report.registrations), tables=len(report.tables),
                 size=i18n.fmt_decimal(report.size_bytes / 1e6), seconds=i18n.fmt_decimal(report.seconds)))
    if deleted:
        print(i18n.t("backup.pruned", n=len(deleted), names=", ".join(p.name for p in deleted)))
    return 0


def cmd_restore(args) -> int:
    from dashboard import backup

    db = Database(args.db)
    report, kept = backup.restore(db, args.file, force=args.force)
    print(i18n.t("backup.restored", path=db.path, source=Path(args.file).expanduser().resolve(),
                 rows=i18n.fmt_int(report.registrations), version=report.schema_version))
    if kept:
        print(i18n.t("backup.kept", path=kept))
    return 0
# --- end backup and restore ---


# --- operations: status and retention (dashboard/status.py, dashboard/retention.py) ---
def cmd_status(args) -> int:
    from dashboard import status

    result = status.check(Database(args.db), max_backup_age_h=args.max_backup_age, max_import_age_h=args.max_import_age)
    print(json.dumps(result.as_json(), ensure_ascii=False) if args.json else "\n".join(status.text_lines(result)))
    if not result.ok:  # one line on stderr too, for whatever watches the check
        print(f"feltkart: {i18n.t('status.attention')}: {result.problems[0]['message']}"
              + (f" (+{len(result.problems) - 1})" if len(result.problems) > 1 else ""), file=sys.stderr)
        return 1
    return 0


def cmd_retention(args) -> int:
    from dashboard import retention

    report = retention.apply_retention(_ready(args), keep_notes=args.notes, keep_audit=args.audit,
                                       archive_to=args.archive_to, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(i18n.t("retention.done_dry" if report.dry_run else "retention.done",
                     notes=i18n.fmt_int(report.notes_deleted), notes_before=i18n.fmt_date(report.notes_before),
                     audit=i18n.fmt_int(report.audit_deleted), audit_before=i18n.fmt_date(report.audit_before.date())))
        if report.archived_to:
            print(i18n.t("retention.archived", path=report.archived_to))
    return 0


def _number(message_key: str, *, minimum: float, above: bool = False):
    """An argparse type: a finite number of at least (or, ``above``, more than) ``minimum``."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < minimum or (above and value == minimum):
            raise argparse.ArgumentTypeError(i18n.t(message_key, value=text))
        return value
    return parse


_hours = _number("cli.bad_hours", minimum=0, above=True)
_seconds = _number("cli.bad_seconds", minimum=0)
# --- end operations ---


# --- follow-up figures and the patrol log (dashboard/followup_import.py, dashboard/patrol_import.py) ---
def _import_checked_file(args, parse, commit, summary_key: str) -> int:
    """Read FILE, check it with ``parse(data, name)``, store it with ``commit`` and print the report."""
    from dashboard.import_store import report_lines
    from dashboard.upload_table import MAX_IMPORT_BYTES

    db = _ready(args)
    path = Path(args.file)
    parsed = parse(db, _read_upload(path, MAX_IMPORT_BYTES), path.name)
    report = commit(db, parsed, strict=args.strict, dry_run=args.dry_run, source_name=path.name)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print("\n".join(report_lines(report, path.name, summary_key)))
    if report.refused:
        if args.json:
            print(f"feltkart: {report.refused_reason}", file=sys.stderr)
        return 1
    return 0


def cmd_followup_import(args) -> int:
    from dashboard import followup_import

    return _import_checked_file(args, lambda db, data, name: followup_import.parse_followup_file(data, name),
                                followup_import.commit_followup, "followup.import_summary")


def cmd_patrols_import(args) -> int:
    from dashboard import patrol_import

    def parse(db, data, name):
        return patrol_import.parse_patrol_file(data, name, patrol_import.PatrolReference.from_database(db))

    return _import_checked_file(args, parse, patrol_import.commit_patrols, "patrols.import_summary")


def cmd_followup_summary(args) -> int:
    from dashboard import followup

    return _print_summary(followup.year_summary(_ready(args), args.year), args.json)


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(i18n.t("cli.bad_datetime", value=text)) from None


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 1900 <= year <= 2999:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}")
    return year


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database file (default: $FELTKART_DB or data/feltkart.duckdb)")
    import_options = argparse.ArgumentParser(add_help=False)  # what every import command takes
    import_options.add_argument("--strict", action="store_true", help="refuse the whole file if any line has an error")
    import_options.add_argument("--dry-run", action="store_true", help="check and count, but store nothing")
    import_options.add_argument("--json", action="store_true", help="print the result as JSON")
    import_file = argparse.ArgumentParser(add_help=False, parents=[import_options])
    import_file.add_argument("file", metavar="FILE", help="CSV (; , or tab; UTF-8 or Windows-1252) or XLSX")
    parser = argparse.ArgumentParser(prog="feltkart", parents=[common],
                                     description="Feltkart: map dashboard for youth outreach teams.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", parents=[common], help="create or rebuild the demo database")
    demo.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    demo.add_argument("--until", metavar="YYYY-MM-DDTHH:MM", type=_datetime,
                      help="last moment of demo data (default: now, Oslo time)")
    demo.add_argument("--force", action="store_true", help="also replace a database holding imported data")
    demo.set_defaults(func=cmd_demo)

    init = commands.add_parser("init", parents=[common],
                               help="make the database ready: create the demo if missing, migrate if old")
    init.add_argument("--empty", action="store_true",
                      help="a new database without demo data or places (then: geodata import, import)")
    init.set_defaults(func=cmd_init)

    report = commands.add_parser("report", help="the annual report's tables and yearly summaries")
    kinds = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    annual = kinds.add_parser("annual", parents=[common], help="the per-area 'Sted / Antall treff' tables")
    annual.add_argument("--year", type=_year, required=True)
    annual.add_argument("--format", choices=("csv", "md"), default="csv")
    annual.set_defaults(func=cmd_report_annual)
    summary = kinds.add_parser("summary", parents=[common], help="hits of a year by channel, area, age and gender")
    summary.add_argument("--year", type=_year, required=True)
    summary.add_argument("--json", action="store_true", help="print JSON")
    summary.set_defaults(func=cmd_report_summary)

    notes = commands.add_parser("notes", help="trend notes: add and list")
    note_commands = notes.add_subparsers(dest="notes", required=True, metavar="ACTION")
    add = note_commands.add_parser("add", parents=[common], help="add a trend note")
    add.add_argument("--text", required=True, help="what was observed (never names of young people)")
    place = add.add_mutually_exclusive_group(required=True)
    place.add_argument("--area", metavar="ID", help="area id, e.g. fetsund")
    place.add_argument("--hotspot", metavar="ID", help="hotspot id, e.g. lillestrom-stasjon")
    add.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    add.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD", help="default: same as --from")
    add.add_argument("--tags", metavar="A,B", help="e.g. rus,vold (ids or Norwegian names)")
    add.add_argument("--shareable", action="store_true", help="may be shown to partners (kan deles)")
    add.add_argument("--author", default="feltkart-cli", help="who writes the note (staff, never a young person)")
    add.set_defaults(func=cmd_notes_add)
    listing = note_commands.add_parser("list", parents=[common], help="list the trend notes")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--archived", action="store_true", help="include archived notes")
    listing.set_defaults(func=cmd_notes_list)

    imports = commands.add_parser("import", parents=[common, import_options],
                                  help="import registrations from a CSV or XLSX file, or every new file in a folder")
    import_source = imports.add_mutually_exclusive_group(required=True)
    import_source.add_argument("file", metavar="FILE", nargs="?", help="CSV (; , or tab; UTF-8 or Windows-1252) or XLSX")
    import_source.add_argument("--from-dir", metavar="DIR",
                               help="the drop folder: import every new file, move it to DIR/importert/ or DIR/avvist/")
    imports.add_argument("--settle", metavar="SECONDS", type=_seconds,
                         help="with --from-dir: take a file only when it has not changed for this long (default 60)")
    imports.set_defaults(func=cmd_import)
    batches = commands.add_parser("batches", parents=[common], help="list the imports")
    batches.add_argument("--json", action="store_true", help="print JSON")
    batches.set_defaults(func=cmd_batches)
    undo = commands.add_parser("undo", parents=[common], help="undo an import: remove its registrations")
    undo.add_argument("batch_id", metavar="BATCH_ID", type=int, help="the import's number (see 'feltkart batches')")
    undo.set_defaults(func=cmd_undo)

    places = commands.add_parser("places", parents=[common], help="list and manage the hotspots")
    places.add_argument("--json", action="store_true", help="print JSON")
    places.add_argument("--all", action="store_true", help="include retired hotspots")
    places.set_defaults(func=cmd_places)
    place_commands = places.add_subparsers(dest="places_command", metavar="ACTION")
    point = argparse.ArgumentParser(add_help=False)
    point.add_argument("--lat", type=float, help="WGS84 latitude")
    point.add_argument("--lon", type=float, help="WGS84 longitude")
    point.add_argument("--north", type=float, help="EUREF89 UTM 33 (EPSG:25833) north")
    point.add_argument("--east", type=float, help="EUREF89 UTM 33 (EPSG:25833) east")
    point.add_argument("--area", metavar="ID", help="the area (default: the one the point lies in)")
    add_place = place_commands.add_parser("add", parents=[common, point], help="add a hotspot")
    add_place.add_argument("--name", required=True)
    add_place.add_argument("--kind", required=True, help="station, school, park, centre, sports, beach, ...")
    add_place.add_argument("--approximate", action="store_true", help="the position is an estimate")
    add_place.add_argument("--source", help="where the coordinate comes from")
    add_place.set_defaults(func=cmd_places_add)
    change = place_commands.add_parser("change", parents=[common, point],
                                       help="rename, move or re-classify a hotspot (registrations keep their place)")
    change.add_argument("id")
    change.add_argument("--name")
    change.add_argument("--kind")
    change.add_argument("--json", action="store_true", help="print before and after as JSON")
    change.set_defaults(func=cmd_places_change)
    retire = place_commands.add_parser("retire", parents=[common], help="retire a hotspot (history is kept)")
    retire.add_argument("id")
    retire.add_argument("--undo", action="store_true", help="bring it back")
    retire.set_defaults(func=cmd_places_retire)

    geodata = commands.add_parser("geodata", help="areas and hotspots from GeoJSON or GeoPackage files")
    geodata_commands = geodata.add_subparsers(dest="geodata_command", required=True, metavar="ACTION")
    geodata_import = geodata_commands.add_parser("import", parents=[common],
                                                 help="add/update areas (polygons) or hotspots (points), any CRS")
    geodata_import.add_argument("file", type=Path)
    geodata_import.add_argument("--replace", action="store_true", help="the file is the whole set: remove what is missing")
    geodata_import.add_argument("--dry-run", action="store_true", help="only report the changes")
    geodata_import.add_argument("--layer", help="the layer of a GeoPackage with several")
    geodata_import.add_argument("--id-field", help="the property holding the id (default: id)")
    geodata_import.add_argument("--name-field", help="the property holding the name (default: name)")
    geodata_import.add_argument("--json", action="store_true", help="print the changes as JSON")
    geodata_import.set_defaults(func=cmd_geodata_import)

    focus_parser = commands.add_parser("focus", parents=[common],
                                       help="ranked focus suggestions (area x weekday x time window) with reasons")
    focus_parser.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD",
                              help="first day of the period being planned")
    focus_parser.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    focus_parser.add_argument("--area", nargs="*", metavar="ID")
    focus_parser.add_argument("--weights", type=_weights, metavar="level=0.35,rise=0.2,...",
                              help="weights of level, rise, risk, coverage, young_late")
    focus_parser.add_argument("--limit", type=int, default=15)
    focus_parser.add_argument("--json", action="store_true")
    focus_parser.set_defaults(func=cmd_focus)

    compare = commands.add_parser("compare", parents=[common],
                                  help="hotspots before vs after (rate ratio, 95%% CI, p; effort-adjusted)")
    compare.add_argument("--hotspot", required=True, type=lambda text: text.split(","), metavar="ID[,ID]")
    compare.add_argument("--before", required=True, type=_period, metavar="YYYY-MM-DD..YYYY-MM-DD")
    compare.add_argument("--after", required=True, type=_period, metavar="YYYY-MM-DD..YYYY-MM-DD")
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(func=cmd_compare)

    export = commands.add_parser("export", help="files of the figures, safe to share")
    export_commands = export.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    view = export_commands.add_parser("view", parents=[common], help="hits per hotspot and area for a filter")
    view.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    view.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    view.add_argument("--area", nargs="*", metavar="ID")
    view.add_argument("--channel", nargs="*", metavar="ID")
    view.add_argument("--compare", choices=("previous", "last_year", "none"), default="last_year")
    view.add_argument("--threshold", type=int, default=5, help="hide counts below this (default 5)")
    view.add_argument("--no-suppress", action="store_true", help="show small counts (only for the team itself)")
    view.add_argument("-o", "--output", type=_output((".csv", ".xlsx", ".geojson")), required=True)
    view.set_defaults(func=cmd_export_view)
    # --- slides and documents ---
    annual_export = export_commands.add_parser("annual", parents=[common],
                                               help="the annual report's tables (CSV, XLSX, or a Word document)")
    annual_export.add_argument("--year", type=_year, required=True)
    annual_export.add_argument("-o", "--output", type=_output((".csv", ".xlsx", ".docx")), required=True)
    annual_export.set_defaults(func=cmd_export_annual)
    slides_export = export_commands.add_parser("slides", parents=[common],
                                               help="a presentation for partners (PowerPoint or PDF), small counts hidden")
    slides_export.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    slides_export.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    slides_export.add_argument("--area", nargs="*", metavar="ID")
    slides_export.add_argument("--compare", choices=("previous", "last_year", "none"), default="last_year")
    slides_export.add_argument("--threshold", type=_threshold, default=5, help="hide counts below this (default 5)")
    slides_export.add_argument("--areas-only", action="store_true", help="areas only: no single places named or drawn")
    slides_export.add_argument("--title", help="the title slide's heading")
    slides_export.add_argument("-o", "--output", type=_output((".pptx", ".pdf")), required=True)
    slides_export.set_defaults(func=cmd_export_slides)
    # --- end slides and documents ---

    # --- backup and restore (dashboard/backup.py) ---
    backup_parser = commands.add_parser("backup", parents=[common],
                                        help="write a consistent, verified copy of the database (safe while the app runs)")
    backup_target = backup_parser.add_mutually_exclusive_group(required=True)
    backup_target.add_argument("-o", "--output", metavar="FILE", help="the backup file (a Feltkart database)")
    backup_target.add_argument("--dir", metavar="DIR", help="a dated backup in DIR: <name>-YYYYMMDD-HHMMSS.duckdb")
    backup_parser.add_argument("--keep", metavar="7d,4w",
                               help="with --dir: keep the newest backup of each of the last 7 days, 4 weeks (d, w, m, y)"
                                    " and delete the other dated backups")
    backup_parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    backup_parser.set_defaults(func=cmd_backup)
    restore_parser = commands.add_parser("restore", parents=[common],
                                         help="replace the database with a backup (the previous file is kept)")
    restore_parser.add_argument("file", metavar="FILE", help="a backup made by 'feltkart backup'")
    restore_parser.add_argument("--force", action="store_true",
                                help="do not keep the previous database as <name>.before-restore-<time>")
    restore_parser.set_defaults(func=cmd_restore)
    # --- end backup and restore ---
    # --- operations: status and retention ---
    status_parser = commands.add_parser("status", parents=[common],
                                        help="health for monitoring: schema, rows, last import and backup; exit 1 if "
                                             "something needs attention")
    status_parser.add_argument("--json", action="store_true", help="print JSON (keys ok, schema_version, ...)")
    status_parser.add_argument("--max-backup-age", metavar="HOURS", type=_hours, default=26.0,
                               help="attention when the last backup is older (default 26)")
    status_parser.add_argument("--max-import-age", metavar="HOURS", type=_hours, default=26.0,
                               help="attention when the last drop-folder import ran longer ago (default 26)")
    status_parser.set_defaults(func=cmd_status)
    retention_parser = commands.add_parser("retention", parents=[common],
                                           help="delete trend notes and audit entries past their retention period")
    retention_parser.add_argument("--notes", metavar="PERIOD",
                                  help="keep notes this long after their period (default $FELTKART_KEEP_NOTES or 5y)")
    retention_parser.add_argument("--audit", metavar="PERIOD",
                                  help="keep audit entries this long (default $FELTKART_KEEP_AUDIT or 2y)")
    retention_parser.add_argument("--archive-to", metavar="FILE", help="first write what is deleted to FILE (JSON lines)")
    retention_parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    retention_parser.add_argument("--json", action="store_true", help="print JSON")
    retention_parser.set_defaults(func=cmd_retention)
    # --- end operations ---
    # --- follow-up and collaboration (dashboard/followup.py) ---
    followup_parser = commands.add_parser("followup", help="follow-up and collaboration: monthly figures, never a person")
    followup_commands = followup_parser.add_subparsers(dest="followup_command", required=True, metavar="ACTION")
    followup_import = followup_commands.add_parser(
        "import", parents=[common, import_file],
        help="import monthly figures (måned, måltall, kategori/tjeneste, antall) from CSV or XLSX")
    followup_import.set_defaults(func=cmd_followup_import)
    followup_summary = followup_commands.add_parser("summary", parents=[common], help="a year's follow-up figures")
    followup_summary.add_argument("--year", type=_year, required=True)
    followup_summary.add_argument("--json", action="store_true", help="print JSON")
    followup_summary.set_defaults(func=cmd_followup_summary)
    # --- end follow-up and collaboration ---
    # --- patrol log import (dashboard/patrol_import.py) ---
    patrols_parser = commands.add_parser("patrols", help="the patrol log: which team covered which area when")
    patrols_commands = patrols_parser.add_subparsers(dest="patrols_command", required=True, metavar="ACTION")
    patrols_import = patrols_commands.add_parser(
        "import", parents=[common, import_file],
        help="import a patrol log (dato, fra, til, område, team, optional vakt) from CSV or XLSX")
    patrols_import.set_defaults(func=cmd_patrols_import)
    # --- end patrol log import ---
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    with logs.default_destination("off"):  # stdout is the command's output: log only where FELTKART_LOG says
        try:
            with access.acting_as(access.cli_actor(), "admin"):  # by design: see dashboard/access.py
                return args.func(args)
        except FeltkartError as exc:
            logs.error(exc, command=args.command)
            print(f"feltkart: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("feltkart: avbrutt / interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0


if __name__ == "__main__":
    sys.exit(main())
