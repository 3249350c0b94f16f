"""Creates or rebuilds a database with the bundled places and the demo data.

The data is generated before the database is opened, and written in one transaction, so a
dashboard reading the same file waits a moment and then sees either the old data or the new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard import access, audit, calendar_no, demo, followup, hkh, patrols
from dashboard.db import SCHEMA_VERSION, Database, bump_data_version, now_local
from dashboard.demo_notes import DEMO_NOTES
from dashboard.errors import FeltkartError
from dashboard.places import load_bundled, replace_places


CALENDAR_YEARS = (2015, 2040)


@dataclass(frozen=True)
class DemoSummary:
    registrations: int
    hits: int
    first_day: date
    last_day: date


def build_demo(db: Database, seed: int = demo.DEFAULT_SEED, until: datetime | None = None,
               force: bool = False, progress=None) -> DemoSummary:
    """Fill ``db`` with the bundled places and demo data, replacing what it holds.

    Refuses (unless ``force``) when the database holds registrations imported from files: the
    demo must never overwrite a team's real data by accident.
    """
    access.require("admin")
    until = until or now_local()
    areas, hotspots, report_rows = load_bundled()
    contacts = demo.generate_contacts(report_rows, demo.Places.from_geodata(hotspots, areas), seed=seed,
                                      until=until, progress=progress)
    if contacts.empty:
        raise FeltkartError("demo.no_data", until=until.isoformat(sep=" ", timespec="minutes"), first=demo.FIRST_YEAR)
    # --- demo patrols (dashboard/patrols.py): drawn before the database is opened, written below ---
    plan = demo.staffing_plan()
    patrol_log = patrols.generate_demo_patrols(contacts, plan, until, seed=seed)
    # --- end demo patrols ---
    followup_figures = followup.demo_figures(seed, until)  # follow-up figures (dashboard/followup.py)
    if progress:
        progress("database")
    db.migrate()
    with db.write() as con:
        real = con.execute("SELECT count(*) FROM import_batches WHERE kind = 'file' AND undone_at IS NULL").fetchall()[0][0]
        if real and not force:
            raise FeltkartError("demo.has_real_data", path=str(db.path), batches=real)
        for table in ("contacts", "trend_notes", "staffing_plan", "import_batches", "import_rejections",
                      "focus_decision_items", "focus_decisions", "hkh_actions", "hkh_mappings"):
            con.execute(f"DELETE FROM {table}")
        con.execute("DELETE FROM patrols")  # demo patrols (dashboard/patrols.py)
        con.execute("DELETE FROM followup_figures")  # follow-up figures (dashboard/followup.py)
        replace_places(con, areas, hotspots, report_rows)
        batch_id = con.execute(
            "INSERT INTO import_batches (kind, source_name, created_at, rows_read, rows_imported) "
            "VALUES ('demo', $name, $at, $n, $n) RETURNING id",
            {"name": f"demo seed {seed}", "at": now_local(), "n": len(contacts)},
        ).fetchall()[0][0]
        con.register("incoming", contacts.assign(batch_id=batch_id))
        con.execute("INSERT INTO contacts BY NAME SELECT * FROM incoming")
        con.unregister("incoming")
        # --- demo patrols: the same demo batch as the registrations ---
        con.register("incoming", patrol_log.assign(batch_id=batch_id))
        con.execute("INSERT INTO patrols BY NAME SELECT * FROM incoming")
        con.unregister("incoming")
        # --- end demo patrols ---
        # --- follow-up figures: the same demo batch ---
        followup.insert_figures(con, followup_figures, batch_id)
        # --- end follow-up figures ---
        _insert_notes(con, now_local())
        hkh.seed_demo(con, now_local())
        audit.record(con, "demo.build", str(db.path), after={"seed": seed, "registrations": len(contacts)})
        con.register("incoming", plan)
        con.execute("INSERT INTO staffing_plan BY NAME SELECT * FROM incoming")
        con.unregister("incoming")
        bump_data_version(con)
    return DemoSummary(len(contacts), int(contacts["youth_count"].sum()),
                       contacts["occurred_at"].min().date(), contacts["occurred_at"].max().date())


def _insert_notes(con, created_at: datetime) -> None:
    notes = pd.DataFrame(DEMO_NOTES, columns=["period_start", "period_end", "area_id", "hotspot_id", "tags",
                                              "body", "author", "shareable"])
    notes["tags"] = notes["tags"].map(list)
    notes["created_at"] = notes["updated_at"] = created_at
    con.register("incoming", notes)
    con.execute("INSERT INTO trend_notes BY NAME SELECT * FROM incoming")
    con.unregister("incoming")


def ensure_calendar(db: Database) -> None:
    """Fill the calendar of school days and holidays when it is empty (it covers 2015–2040)."""
    with db.read() as con:
        if con.execute("SELECT count(*) FROM calendar_days").fetchall()[0][0]:
            return
    with db.write() as con:
        if not con.execute("SELECT count(*) FROM calendar_days").fetchall()[0][0]:
            con.register("incoming", calendar_no.calendar_frame(*CALENDAR_YEARS))
            con.execute("INSERT INTO calendar_days BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
            audit.record(con, "calendar.fill", "calendar_days", after={"years": list(CALENDAR_YEARS)})


def ensure_database(db: Database, progress=None, demo_data: bool = True) -> bool:
    """Make ``db`` ready to use: when the file is missing, create it (with the demo data unless
    ``demo_data`` is False: an empty database for a team's own places and data); else migrate it.

    Returns True when the file was created.
    """
    created = not db.exists()
    if created and demo_data:
        build_demo(db, progress=progress)
    elif created:
        db.migrate()
    elif db.schema_version() != SCHEMA_VERSION:
        db.migrate()  # refuses a database made by a newer Feltkart
    ensure_calendar(db)
    return created
