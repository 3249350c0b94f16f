"""Who may write what: roles from the ``[feltkart]`` patterns, ``access.require`` inside every write
function (so a page that forgot to hide a button still cannot write), an audit-log row for each
write, the CLI acting as admin, and the audit log readable by admins only."""

from __future__ import annotations

import contextvars
import getpass
import json
import threading
from datetime import date

import pytest

from dashboard import access, audit, import_store, notes, places
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.importer import PlaceIndex, parse_file

CONFIG = {
    "admins": ["leder@kommune.no"],
    "editors": ["*@kommune.no", "Gjest.Redaktor@Partner.no"],
    "readers": ["*@samarbeidspartner.no", "*@kommune.no"],
}
NEAR_STASJON = (11.0465, 59.9540)  # inside the area 'lillestrom-stasjon', not at a hotspot
TINY_CSV = ("Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall\r\n"
            "03.03.2025;18.30;Lillestrøm stasjon;gatefelt;13-15;gutt;2\r\n"
            "04.03.2025;19.00;Volla;gatefelt;16-18;jente;1\r\n").encode("cp1252")


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


def draft(body: str = "Mer uro ved stasjonen etter kl. 22.", author: str = "Team Nord") -> notes.NoteDraft:
    return notes.NoteDraft(body=body, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                           hotspot_id="lillestrom-stasjon", tags=("rus",), author=author)


def audit_rows(db: Database) -> list[dict]:
    with db.read() as con:
        rows = con.execute("SELECT id, actor, role, action, target, before_json, after_json FROM audit_log "
                           "ORDER BY id").fetchall()
    keys = ("id", "actor", "role", "action", "target", "before_json", "after_json")
    return [dict(zip(keys, row)) for row in rows]


def counts(db: Database) -> dict[str, int]:
    with db.read() as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
                for table in ("trend_notes", "hotspots", "contacts", "import_batches", "audit_log")}


def import_tiny(db: Database, name: str = "liten.csv") -> import_store.ImportReport:
    parsed = parse_file(TINY_CSV, name, PlaceIndex.from_database(db), today=date(2026, 11, 27))
    return import_store.commit_import(db, parsed, source_name=name)


# --- roles from configuration -------------------------------------------------------------------

@pytest.mark.parametrize(("email", "role"), [
    ("leder@kommune.no", "admin"),  # matches all three lists: the highest wins
    ("LEDER@Kommune.NO ", "admin"),  # case and surrounding space do not matter
    ("ola@kommune.no", "editor"),  # editor and reader patterns: editor wins
    ("gjest.redaktor@partner.no", "editor"),  # a pattern with capitals still matches
    ("kari@samarbeidspartner.no", "reader"),
    ("ola@kommune.no.evil.example", None),  # patterns match the whole address
    ("ola@underkommune.no", None),
    ("someone@example.org", None),
    ("", None),
    (None, None),
])
def test_role_for_takes_the_highest_matching_pattern(email, role):
    assert access.role_for(email, CONFIG) == role


def test_role_for_without_configuration_gives_no_access():
    assert access.role_for("leder@kommune.no", {}) is None
    assert access.role_for("leder@kommune.no", {"admins": None, "editors": []}) is None


def test_role_order_and_allows():
    assert access.ROLES == ("reader", "editor", "admin")
    assert access.allows("admin", "editor") and access.allows("editor", "editor") and access.allows("reader", "reader")
    assert not access.allows("reader", "editor") and not access.allows("editor", "admin")


def test_acting_as_sets_and_restores_and_refuses_unknown_roles():
    outside = (access.current_actor(), access.current_role())
    with access.acting_as("kari@samarbeidspartner.no", "reader"):
        assert (access.current_actor(), access.current_role()) == ("kari@samarbeidspartner.no", "reader")
        with access.acting_as("leder@kommune.no", "admin"):
            assert access.current_role() == "admin"
        assert access.current_role() == "reader"
    assert (access.current_actor(), access.current_role()) == outside
    with pytest.raises(ValueError), access.acting_as("x", "superuser"):
        pass
    with pytest.raises(ValueError):
        access.set_acting("x", "owner")


def test_require_message_names_both_roles():
    with access.acting_as("kari@samarbeidspartner.no", "reader"):
        with pytest.raises(FeltkartError) as exc:
            access.require("editor")
    assert exc.value.key == "access.denied"
    assert exc.value.message("nb") == ("Du har ikke tilgang til dette: det krever rollen redaktør, "
                                       "og du har rollen leser.")


# --- require inside the write functions ---------------------------------------------------------

def _denied(db: Database, actor: str, role: str, write) -> None:
    before = counts(db)
    with access.acting_as(actor, role), pytest.raises(FeltkartError) as exc:
        write()
    assert exc.value.key == "access.denied"
    assert counts(db) == before, "a refused write changed the database (or logged something)"


def test_a_reader_cannot_add_a_note(db):
    _denied(db, "kari@samarbeidspartner.no", "reader", lambda: notes.add_note(db, draft()))


def test_a_reader_cannot_update_or_archive_a_note(db):
    note = notes.all_notes(db).iloc[0]
    _denied(db, "kari@samarbeidspartner.no", "reader",
            lambda: notes.update_note(db, int(note.id), draft(), int(note.version)))
    _denied(db, "kari@samarbeidspartner.no", "reader", lambda: notes.archive_note(db, int(note.id), int(note.version)))


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_an_admin_adds_a_hotspot(db, role):
    _denied(db, f"{role}@kommune.no", role,
            lambda: places.add_hotspot(db, name="Ny benk", kind="park", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1]))


def test_a_reader_cannot_import(db):
    _denied(db, "kari@samarbeidspartner.no", "reader", lambda: import_tiny(db))


@pytest.mark.parametrize("role", ["reader", "editor"])
def test_only_an_admin_undoes_an_import(db, role):
    with access.acting_as("ola@kommune.no", "editor"):
        report = import_tiny(db)
    assert report.batch_id is not None and report.rows_imported == 2
    _denied(db, f"{role}@kommune.no", role, lambda: import_store.undo_batch(db, report.batch_id))


def test_an_editor_writes_notes_and_imports_and_each_write_is_logged(db):
    start = len(audit_rows(db))
    with access.acting_as("ola@kommune.no", "editor"):
        note_id = notes.add_note(db, draft())
        version = notes.update_note(db, note_id, draft("Roligere etter nye lys på perrongen."), expected_version=1)
        notes.archive_note(db, note_id, version)
        report = import_tiny(db)
    assert report.rows_imported == 2
    rows = audit_rows(db)[start:]
    assert [r["action"] for r in rows] == ["note.add", "note.update", "note.archive", "import.commit"]
    assert {(r["actor"], r["role"]) for r in rows} == {("ola@kommune.no", "editor")}
    assert [r["target"] for r in rows[:3]] == [f"note:{note_id}"] * 3
    assert rows[3]["target"] == f"batch:{report.batch_id}"
    added = json.loads(rows[0]["after_json"])
    assert added["body"] == "Mer uro ved stasjonen etter kl. 22." and rows[0]["before_json"] is None
    update = rows[1]
    before, after = json.loads(update["before_json"]), json.loads(update["after_json"])
    assert before["body"] == "Mer uro ved stasjonen etter kl. 22." and before["version"] == 1
    assert after["body"] == "Roligere etter nye lys på perrongen."
    assert json.loads(rows[3]["after_json"])["rows_imported"] == 2


def test_an_admin_adds_a_hotspot_and_undoes_an_import_and_both_are_logged(db):
    with access.acting_as("ola@kommune.no", "editor"):
        report = import_tiny(db)
    start = len(audit_rows(db))
    with access.acting_as("leder@kommune.no", "admin"):
        hotspot_id = places.add_hotspot(db, name="Ny benk", kind="park", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
        removed = import_store.undo_batch(db, report.batch_id)
    assert hotspot_id == "ny-benk" and removed == 2
    rows = audit_rows(db)[start:]
    assert [(r["actor"], r["role"], r["action"], r["target"]) for r in rows] == [
        ("leder@kommune.no", "admin", "place.add", "hotspot:ny-benk"),
        ("leder@kommune.no", "admin", "import.undo", f"batch:{report.batch_id}"),
    ]
    assert json.loads(rows[0]["after_json"])["name"] == "Ny benk"
    assert json.loads(rows[1]["before_json"]) == {"registrations": 2}


def test_a_failed_write_logs_nothing(db):
    """The log row is written in the writer's transaction: a refused edit (stale version) leaves none."""
    note = notes.all_notes(db).iloc[0]
    before = counts(db)
    with access.acting_as("ola@kommune.no", "editor"):
        with pytest.raises(FeltkartError) as exc:
            notes.update_note(db, int(note.id), draft(), int(note.version) + 5)
    assert exc.value.key == "note.conflict"
    assert counts(db) == before


# --- the command line and the log itself --------------------------------------------------------

def test_nobody_has_a_role_until_one_is_set(db):
    """A fresh context is what a new process or a new thread (a Streamlit callback, a fragment
    rerun, a worker) starts with: no role, so no write, not even through a path without require."""
    fresh = contextvars.Context()
    assert fresh.run(access.current_role) is None and fresh.run(access.current_actor) is None
    assert not access.allows(None, "reader")
    before = counts(db)
    with pytest.raises(FeltkartError) as exc:
        fresh.run(notes.add_note, db, draft())
    assert exc.value.key == "access.denied"
    assert exc.value.message("nb").endswith("du har rollen ingen (ikke logget inn).")

    def audit_by_nobody():
        with db.write() as con:
            audit.record(con, "test.nobody", "x")
    with pytest.raises(FeltkartError):
        fresh.run(audit_by_nobody)
    in_thread: list = []
    worker = threading.Thread(target=lambda: in_thread.append((access.current_actor(), access.current_role())))
    worker.start()
    worker.join()
    assert in_thread == [(None, None)]
    assert counts(db) == before


def test_the_cli_acts_as_admin_under_the_os_user(db, capsys):
    """A fresh context is what a new ``feltkart`` process has: no acting user set; main() sets it."""
    fresh = contextvars.Context()
    assert fresh.run(access.current_role) is None
    code = fresh.run(main, ["--db", str(db.path), "places", "add", "--name", "Benk ved elva", "--kind", "park",
                            "--lon", str(NEAR_STASJON[0]), "--lat", str(NEAR_STASJON[1])])
    assert code == 0, capsys.readouterr().err
    code = fresh.run(main, ["--db", str(db.path), "notes", "add", "--text", "Stille uke.", "--area", "fetsund",
                            "--from", "2026-11-02"])
    assert code == 0, capsys.readouterr().err
    rows = audit_rows(db)[-2:]
    assert [r["action"] for r in rows] == ["place.add", "note.add"]
    assert {(r["actor"], r["role"]) for r in rows} == {(f"cli:{getpass.getuser()}", "admin")}


def test_only_an_admin_reads_the_audit_log(db):
    with access.acting_as("ola@kommune.no", "editor"):
        notes.add_note(db, draft())
        with pytest.raises(FeltkartError) as exc:
            audit.entries(db)
    assert exc.value.key == "access.denied"
    with access.acting_as("kari@samarbeidspartner.no", "reader"):
        with pytest.raises(FeltkartError):
            audit.entries(db)
    with access.acting_as("leder@kommune.no", "admin"):
        log = audit.entries(db)
    assert log.iloc[0]["action"] == "note.add" and log.iloc[0]["actor"] == "ola@kommune.no"
