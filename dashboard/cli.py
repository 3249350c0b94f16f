"""The ``feltkart`` command: the same modules as the pages, for scripts and nightly jobs.

Errors are one line on stderr and a non-zero exit (1 for bad input or data, 2 for usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime

from dashboard import i18n, queries, reports
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
    if ensure_database(db, progress=_progress):
        print(i18n.t("init.created", path=db.path))
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


def cmd_report_summary(args) -> int:
    summary = reports.year_summary(_ready(args), args.year)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 0


def cmd_places(args) -> int:
    places = queries.run(_ready(args), "places")
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


def _date(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(i18n.t("cli.bad_date", value=text)) from None


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

    places = commands.add_parser("places", parents=[common], help="list the hotspots")
    places.add_argument("--json", action="store_true", help="print JSON")
    places.set_defaults(func=cmd_places)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None)
    try:
        return args.func(args)
    except FeltkartError as exc:
        print(f"feltkart: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("feltkart: avbrutt / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
