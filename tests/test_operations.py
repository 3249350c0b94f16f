"""Nightly backups with retention and a restore drill, `feltkart status` for monitoring, and the
retention of trend notes and audit entries."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dashboard import access, backup, notes, reports, retention, status
from dashboard.cli import main
from dashboard.db import SCHEMA_VERSION, Database
from dashboard.errors import FeltkartError

pytestmark = pytest.mark.usefixtures("clean_env")
NIGHT = datetime(2026, 11, 27, 3, 0)


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


# --- which dated backups are kept ---------------------------------------------------------------

def _nightly(days: int, start: datetime = NIGHT) -> dict[Path, datetime]:
    return {Path(retention.dated_backup_name("feltkart", start - timedelta(days=n))): start - timedelta(days=n)
            for n in range(days)}


def test_keep_7d_4w_keeps_the_last_week_daily_and_four_weeks_weekly():
    made = _nightly(60)  # 27.11.2026 (a Friday) and the 59 nights before
    kept = sorted(made[p].date() for p in retention.backups_to_keep(made, retention.parse_periods("7d,4w")))
    daily = [date(2026, 11, d) for d in range(21, 28)]
    weekly_sundays = [date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)]  # newest of each earlier ISO week
    assert kept == sorted(set(daily) | set(weekly_sundays))  # the 4th week is this one (27.11)


def test_rules_count_periods_that_have_a_backup_so_a_stopped_job_deletes_nothing_it_needs():
    made = _nightly(10, start=NIGHT - timedelta(days=40))  # the job stopped 40 days ago
    made[Path(retention.dated_backup_name("feltkart", NIGHT))] = NIGHT  # and ran again tonight
    kept = retention.backups_to_keep(made, retention.parse_periods("7d"))
    assert len(kept) == 7 and max(made[p] for p in kept) == NIGHT


@pytest.mark.parametrize("text", ["", "7", "7x", "0d", "7d,", "d7", "7d;4w"])
def test_bad_keep_rules_are_refused(text):
    with pytest.raises(FeltkartError) as exc:
        retention.parse_periods(text)
    assert exc.value.key == "retention.bad_periods"


def test_dated_backups_are_pruned_by_the_rules_and_nothing_else_is_touched(db, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    stranger = [folder / "les-meg.txt", folder / "annen-20260101-030000.duckdb", folder / "feltkart-ikke-dato.duckdb"]
    for path in stranger:
        path.write_text("x")
    made = []
    for night in range(12):
        report, deleted = backup.make_backup(db, folder=folder, keep="3d", now=NIGHT + timedelta(days=night))
        made.append(report.path)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([p.name for p in stranger] + [p.name for p in made[-3:]])
    assert made[-1].name == "feltkart-20261208-030000.duckdb"
    assert deleted == [made[-4]]


def test_cli_backup_options_are_checked_before_anything_is_copied(db, tmp_path, capsys):
    assert main(["--db", str(db.path), "backup", "--dir", str(tmp_path), "--keep", "7x"]) == 1
    assert main(["--db", str(db.path), "backup", "-o", str(tmp_path / "a.duckdb"), "--keep", "7d"]) == 1
    assert main(["--db", str(db.path), "backup", "--dir", str(tmp_path / "finnes-ikke")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err
    assert not list(tmp_path.glob("feltkart-*.duckdb"))  # no dated backup was made
    with pytest.raises(SystemExit):
        main(["--db", str(db.path), "backup", "-o", "x.duckdb", "--dir", str(tmp_path)])  # one or the other


# --- the restore drill --------------------------------------------------------------------------

def test_restore_drill_nightly_backups_then_restore_the_newest(db, tmp_path, capsys):
    """What the municipality's IT rehearses: nightly backups by the command the timer runs, a bad
    day (a wrong note is saved), then the newest backup restored and checked."""
    folder = tmp_path / "backup"
    folder.mkdir()
    assert main(["--db", str(db.path), "backup", "--dir", str(folder), "--keep", "7d,4w"]) == 0
    summary = reports.year_summary(db, 2023)
    notes_before = list(notes.all_notes(db)["body"])
    with access.acting_as("ola@kommune.no", "editor"):
        notes.add_note(db, notes.NoteDraft("Skrevet etter siste sikkerhetskopi.", date(2026, 11, 27), area_id="fetsund",
                                           author="Team Øst"))
    [newest] = sorted(folder.glob("feltkart-*.duckdb"))
    assert main(["--db", str(db.path), "restore", str(newest)]) == 0
    out = capsys.readouterr().out
    assert "er gjenopprettet fra" in out and "tatt vare på som" in out

    assert list(notes.all_notes(db)["body"]) == notes_before  # as at the backup
    assert reports.year_summary(db, 2023) == summary
    assert main(["--db", str(db.path), "status", "--json"]) == 0  # the restore kept the record of the backup
    state = json.loads(capsys.readouterr().out)
    assert state["ok"] and state["last_backup"]["path"] == str(newest)
    kept = next(db.path.parent.glob("feltkart.duckdb.before-restore-*"))
    assert "Skrevet etter siste sikkerhetskopi." in list(notes.all_notes(Database(kept))["body"])


# --- status ----------------------------------------------------------------------------------------

def test_status_json_has_the_monitoring_keys_and_says_what_needs_attention(db, tmp_path, capsys):
    code = main(["--db", str(db.path), "status", "--json"])
    out, err = capsys.readouterr()
    state = json.loads(out)
    assert code == 1 and state["ok"] is False
    assert err.startswith("feltkart: Feltkart-status: TRENGER OPPFØLGING: Ingen sikkerhetskopi") and err.count("\n") == 1
    for key in ("ok", "schema_version", "registrations", "last_import_at", "last_backup_at", "db_mb"):
        assert key in state
    assert state["schema_version"] == SCHEMA_VERSION and state["registrations"] > 80_000 and state["db_mb"] > 1
    assert [p["key"] for p in state["problems"]] == ["status.no_backup"]

    backup.make_backup(db, folder=tmp_path, now=datetime.now().replace(microsecond=0) - timedelta(hours=1))
    assert main(["--db", str(db.path), "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Feltkart-status: OK" and lines[4].startswith("Siste sikkerhetskopi: ")


def test_status_problems(db, tmp_path):
    made, _ = backup.make_backup(db, folder=tmp_path, now=NIGHT)
    assert status.check(db, now=NIGHT + timedelta(hours=25)).ok
    late = status.check(db, now=NIGHT + timedelta(hours=27))
    assert [p["key"] for p in late.problems] == ["status.backup_old"] and late.last_backup_age_h == 27.0
    assert "27,0 timer gammel" in late.problems[0]["message"]
    made.path.unlink()
    assert [p["key"] for p in status.check(db, now=NIGHT).problems] == ["status.backup_gone"]
    gone = status.check(Database(tmp_path / "finnes-ikke.duckdb"))
    assert [p["key"] for p in gone.problems] == ["db.missing"] and gone.as_json()["ok"] is False


def test_status_reads_the_nightly_import(db, tmp_path):
    from dashboard import dropfolder

    backup.make_backup(db, folder=tmp_path, now=NIGHT)
    drop = tmp_path / "eksport"
    drop.mkdir()
    (drop / "feil.csv").write_bytes(b"hei;hopp\r\n1;2\r\n")
    dropfolder.import_folder(db, drop, settle_s=0, now=NIGHT)
    state = status.check(db, now=NIGHT + timedelta(hours=1))
    assert [p["key"] for p in state.problems] == ["status.import_refused"]
    assert state.last_import_at == NIGHT.isoformat() and state.last_import["files_refused"] == 1
    dropfolder.import_folder(db, drop, settle_s=0, now=NIGHT + timedelta(hours=1))  # fixed: nothing left
    assert status.check(db, now=NIGHT + timedelta(hours=2)).ok
    stale = status.check(db, now=NIGHT + timedelta(hours=28))
    assert [p["key"] for p in stale.problems] == ["status.backup_old", "status.import_old"]


def test_status_of_a_database_from_a_newer_feltkart(db, monkeypatch):
    monkeypatch.setattr(status, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
    assert "db.too_new" in [p["key"] for p in status.check(db).problems]


# --- retention of notes and audit entries ------------------------------------------------------

def _age_everything(db: Database) -> None:
    """Make the demo's notes and audit entries look written in 2019 (a test can write the file)."""
    with db.write() as con:
        con.execute("UPDATE trend_notes SET updated_at = TIMESTAMP '2019-06-01 12:00', created_at = TIMESTAMP '2019-06-01 12:00'")
        con.execute("UPDATE audit_log SET logged_at = TIMESTAMP '2019-06-01 12:00'")


def test_retention_deletes_old_notes_and_audit_entries_archives_them_and_is_audited(db, tmp_path, capsys):
    _age_everything(db)
    with access.acting_as("ola@kommune.no", "editor"):
        recent = notes.add_note(db, notes.NoteDraft("Ny observasjon.", date(2026, 11, 2), area_id="fetsund",
                                                    author="Team Øst"))
    archive = tmp_path / "arkiv.jsonl"
    assert main(["--db", str(db.path), "retention", "--notes", "3y", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] and dry["notes_deleted"] >= 1 and dry["audit_deleted"] >= 1
    before = len(notes.all_notes(db, include_archived=True))
    assert main(["--db", str(db.path), "retention", "--notes", "3y", "--audit", "2y",
                 "--archive-to", str(archive), "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert (done["notes_deleted"], done["audit_deleted"]) == (dry["notes_deleted"], dry["audit_deleted"])
    remaining = notes.all_notes(db, include_archived=True)
    assert len(remaining) == before - done["notes_deleted"] and recent in set(remaining["id"])
    cut = date.fromisoformat(done["notes_before"])
    assert all(d.date() >= cut for d in remaining["period_end"])  # aged notes stay only for their period
    archived = [json.loads(line) for line in archive.read_text().splitlines()]
    assert sum(a["table"] == "trend_notes" for a in archived) == done["notes_deleted"]
    assert sum(a["table"] == "audit_log" for a in archived) == done["audit_deleted"]
    with db.read() as con:
        entries = con.execute("SELECT action, after_json FROM audit_log ORDER BY id").fetchall()
        assert con.execute("SELECT min(logged_at) FROM audit_log").fetchall()[0][0] >= datetime(2024, 1, 1)
    assert entries[-1][0] == "retention" and json.loads(entries[-1][1])["notes_deleted"] == done["notes_deleted"]


def test_retention_periods_come_from_options_then_environment_then_defaults(monkeypatch):
    assert retention.configured(None, None) == ("5y", "2y")
    monkeypatch.setenv("FELTKART_KEEP_NOTES", "3y")
    monkeypatch.setenv("FELTKART_KEEP_AUDIT", "18m")
    assert retention.configured(None, None) == ("3y", "18m")
    assert retention.configured("1y", None) == ("1y", "18m")
    assert retention.cutoff("18m", NIGHT) == datetime(2025, 5, 27, 3, 0)
    with pytest.raises(FeltkartError):
        retention.cutoff("1y,2m", NIGHT)
