"""The operations log: one JSON line per import, write, error and sign-in, on stdout (or where
FELTKART_LOG says), and never youth data or the text staff write."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard import access, logs, notes
from dashboard.cli import main
from dashboard.db import Database

SECRET_NOTE = "Hemmelig notattekst om Kari ved bussen"
SECRET_PLACE_TEAM = "Team Hemmeligsted"
CSV = ("Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall;Team\r\n"
       f"03.03.2025;18.30;Lillestrøm stasjon;gatefelt;13-15;gutt;2;{SECRET_PLACE_TEAM}\r\n"
       f"04.03.2025;19.00;Volla;gatefelt;16-18;jente;1;{SECRET_PLACE_TEAM}\r\n"
       f"05.03.2025;19.00;Ukjent sted;gatefelt;16-18;jente;1;{SECRET_PLACE_TEAM}\r\n").encode("cp1252")


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


@pytest.fixture
def log_to_stdout(monkeypatch):
    monkeypatch.setenv("FELTKART_LOG", "stdout")
    monkeypatch.delenv("FELTKART_LANG", raising=False)


def _lines(text: str) -> list[dict]:
    """The JSON log lines among the output (other lines are the command's own output)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"ts": ')]


def test_cli_writes_imports_and_errors_each_give_one_line_without_the_text(db, tmp_path, capsys, log_to_stdout):
    export = tmp_path / "eksport.csv"
    export.write_bytes(CSV)
    assert main(["--db", str(db.path), "import", str(export)]) == 0
    assert main(["--db", str(db.path), "notes", "add", "--text", SECRET_NOTE, "--area", "fetsund",
                 "--from", "2026-11-02", "--author", "Feltteam Øst"]) == 0
    assert main(["--db", str(db.path), "notes", "add", "--text", SECRET_NOTE, "--area", "ukjent-omrade",
                 "--from", "2026-11-02"]) == 1
    out, err = capsys.readouterr()
    lines = _lines(out)
    assert [(line["event"], line.get("key") or line.get("action")) for line in lines] == [
        ("import", "import.commit"), ("write", "note.add"), ("error", "note.unknown_area")]
    imported, written, failed = lines
    assert imported["file"] == "eksport.csv" and imported["rows_imported"] == 2 and imported["rows_rejected"] == 1
    assert imported["actor"].startswith("cli:") and imported["role"] == "admin"
    assert written["target"].startswith("note:") and failed["action"] == "write"  # refused inside the save
    for line in lines:
        assert {"ts", "app", "event", "pid"} <= set(line) and line["app"] == "feltkart"
    logged = "\n".join(line for line in out.splitlines() if line.startswith('{"ts": '))
    for secret in (SECRET_NOTE, "Kari", SECRET_PLACE_TEAM, "Feltteam Øst", "Ukjent sted"):
        assert secret not in logged


def test_a_refused_save_logs_an_error_and_no_write(db, capsys, log_to_stdout):
    note = notes.all_notes(db).iloc[0]
    with access.acting_as("ola@kommune.no", "editor"), pytest.raises(Exception):
        notes.update_note(db, int(note.id), notes.NoteDraft(SECRET_NOTE, date(2026, 11, 2), area_id="fetsund",
                                                            author="x"), int(note.version) + 1)
    lines = _lines(capsys.readouterr().out)
    assert [(line["event"], line.get("key"), line.get("action")) for line in lines] == [("error", "note.conflict", "write")]


def test_the_command_line_logs_nothing_unless_asked(db, capsys, monkeypatch):
    monkeypatch.delenv("FELTKART_LOG")
    assert main(["--db", str(db.path), "notes", "add", "--text", "Rolig.", "--area", "fetsund",
                 "--from", "2026-11-02"]) == 0
    assert _lines(capsys.readouterr().out) == []


def test_a_log_file_gets_the_lines_appended(db, tmp_path, monkeypatch):
    log_file = tmp_path / "feltkart.log"
    monkeypatch.setenv("FELTKART_LOG", str(log_file))
    for text in ("Første.", "Andre."):
        assert main(["--db", str(db.path), "notes", "add", "--text", text, "--area", "fetsund", "--from", "2026-11-02"]) == 0
    assert [line["action"] for line in _lines(log_file.read_text())] == ["note.add", "note.add"]


def test_no_field_can_carry_free_text():
    for forbidden in ("body", "text", "note", "rationale", "measure", "message", "value"):
        with pytest.raises(ValueError):
            logs.event("write", **{forbidden: "x"})
    with pytest.raises(ValueError):
        logs.event("gossip")


# --- the dashboard: sign-in and saves ----------------------------------------------------------

def _signed_in_app(email: str, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    from tests.test_app import REPO_DIR

    at = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "feltkart", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
    at.secrets["feltkart"] = {"editors": ["*@kommune.no"]}
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def test_the_dashboard_logs_each_sign_in_once_per_session_and_saves_without_their_text(app_db, capsys, log_to_stdout):
    from tests.test_app import _note_bodies, _submit_note

    at = _signed_in_app("ola@kommune.no", "views/trender.py")
    assert not at.exception
    _submit_note(at, text=SECRET_NOTE, area="fetsund", author="Feltteam Øst")
    assert SECRET_NOTE in _note_bodies(app_db)
    refused = _signed_in_app("kari@example.org")
    assert [e.value for e in refused.error] == ["kari@example.org har ikke tilgang til Feltkart. Be en administrator om tilgang."]
    lines = _lines(capsys.readouterr().out)
    logged = json.dumps(lines, ensure_ascii=False)
    signins = [(line["actor"], line["role"], line["result"]) for line in lines if line["event"] == "signin"]
    assert signins == [("ola@kommune.no", "editor", "signed_in"), ("kari@example.org", None, "no_access")]
    writes = [(w["action"], w["actor"], w["role"]) for w in lines if w["event"] == "write"]
    assert ("note.add", "ola@kommune.no", "editor") in writes
    assert {actor for _, actor, _ in writes} <= {"ola@kommune.no", access.APP_ACTOR}  # the app's start: calendar
    assert SECRET_NOTE not in logged and "Feltteam Øst" not in logged
