"""The nightly drop folder (`feltkart import --from-dir DIR`): every new file imported and moved
with its row report, idempotent, a file still being written left alone, safe while the dashboard
reads, and a non-zero exit when a file was refused."""

from __future__ import annotations

import fcntl
import json
import pathlib
import threading
import time

import pytest

import dashboard.db as dbmod
from dashboard import dropfolder, import_store, queries
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError

pytestmark = pytest.mark.usefixtures("clean_env")

GOOD = ("Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall\r\n"
        "03.03.2025;18.30;Lillestrøm stasjon;gatefelt;13-15;gutt;2\r\n"
        "04.03.2025;19.00;Volla;gatefelt;16-18;jente;1\r\n").encode("cp1252")
ONE_BAD_LINE = ("Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall\r\n"
                "10.03.2025;18.30;Lillestrøm stasjon;gatefelt;13-15;gutt;4\r\n"
                "11.03.2025;19.00;Ukjent sted;gatefelt;16-18;jente;1\r\n").encode("cp1252")
LATER = time.time() + 3600  # a clock an hour ahead: every file has settled


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


@pytest.fixture
def drop(tmp_path) -> pathlib.Path:
    folder = tmp_path / "eksport"
    folder.mkdir()
    return folder


def _file_batches(db: Database) -> list[tuple]:
    batches = import_store.list_batches(db)
    return [(b.source_name, b.rows_imported) for b in batches.itertuples() if b.kind == "file"]


def _registrations(db: Database) -> int:
    with db.read() as con:
        return con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]


def _run(db, drop, **options) -> dropfolder.DropRun:
    return dropfolder.import_folder(db, drop, clock=lambda: LATER, **options)


def test_new_files_are_imported_and_moved_with_their_row_reports(db, drop):
    (drop / "registreringer.csv").write_bytes(GOOD)
    (drop / "med-feil.csv").write_bytes(ONE_BAD_LINE)
    before = _registrations(db)
    run = _run(db, drop)
    assert [(f.name, f.outcome) for f in run.files] == [("registreringer.csv", "imported"), ("med-feil.csv", "imported")]
    assert not run.needs_attention
    assert _registrations(db) == before + 3
    assert sorted(p.name for p in drop.iterdir() if not p.name.startswith(".")) == ["importert"]
    moved = sorted(p.name for p in (drop / "importert").iterdir())
    assert len(moved) == 4 and all(name.endswith(("registreringer.csv", "med-feil.csv", ".rapport.txt")) for name in moved)
    report = next((drop / "importert").glob("*med-feil.csv.rapport.txt")).read_text()
    assert "importert" in report and "1 rader avvist" in report
    assert "linje 3, kolonne Sted («Ukjent sted»): ukjent sted" in report  # the row report: every bad line


def test_running_again_changes_nothing_and_the_same_export_again_adds_nothing(db, drop):
    (drop / "registreringer.csv").write_bytes(GOOD)
    _run(db, drop)
    batches, registrations = _file_batches(db), _registrations(db)
    assert _run(db, drop).files == []  # nothing new: idempotent
    (drop / "registreringer.csv").write_bytes(GOOD)  # tonight's export is yesterday's again
    run = _run(db, drop)
    assert [(f.outcome, f.report.rows_imported, f.report.batch_id) for f in run.files] == [("imported", 0, None)]
    assert _file_batches(db) == batches and _registrations(db) == registrations
    assert len(list((drop / "importert").glob("*registreringer.csv"))) == 2  # both kept, with dated names


def test_a_refused_file_goes_to_avvist_with_its_reason_and_the_exit_code_says_so(db, drop, capsys):
    (drop / "notat.docx").write_bytes(b"PK\x03\x04 not really a workbook")
    (drop / "registreringer.csv").write_bytes(GOOD)
    code = main(["--db", str(db.path), "import", "--from-dir", str(drop), "--settle", "0"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err == f"feltkart: {drop.resolve()}: 1 importert, 1 avvist, 0 ikke lagret, 0 venter.\n"  # for cron/monitoring
    assert "notat.docx: avvist: " in out and "registreringer.csv: importert (import nr. " in out
    assert out.rstrip().endswith("1 importert, 1 avvist, 0 ikke lagret, 0 venter.")
    refused = list((drop / "avvist").iterdir())
    assert sorted(p.name.split("-", 2)[-1] for p in refused) == ["notat.docx", "notat.docx.rapport.txt"]
    assert "avvist: " in next(p for p in refused if p.name.endswith(".rapport.txt")).read_text()


def test_strict_refuses_a_file_with_any_bad_line_whole(db, drop, capsys):
    (drop / "med-feil.csv").write_bytes(ONE_BAD_LINE)
    before = _registrations(db)
    code = main(["--db", str(db.path), "import", "--from-dir", str(drop), "--settle", "0", "--strict", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 1 and result["files_refused"] == 1 and result["result"] == "refused"
    assert result["details"][0]["outcome"] == "refused"
    assert _registrations(db) == before
    assert len(list((drop / "avvist").glob("*med-feil.csv"))) == 1


def test_a_file_still_being_written_is_left_for_the_next_run(db, drop, monkeypatch):
    (drop / ".skjult.csv").write_bytes(GOOD)  # hidden, e.g. rsync's temporary name
    (drop / "eksport.csv.part").write_bytes(GOOD)  # a download still running
    fresh = drop / "nettopp.csv"
    fresh.write_bytes(GOOD)  # changed just now
    run = dropfolder.import_folder(db, drop, settle_s=60)  # the real clock
    assert [(f.name, f.outcome) for f in run.files] == [("nettopp.csv", "waiting")]
    assert fresh.exists() and not run.needs_attention

    growing = drop / "skrives.csv"
    growing.write_bytes(GOOD[:60])
    real_read = pathlib.Path.read_bytes

    def read_while_the_copy_goes_on(path):
        data = real_read(path)
        if path.name == "skrives.csv":
            with open(path, "ab") as out:
                out.write(GOOD[60:])
        return data

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_while_the_copy_goes_on)
    run = _run(db, drop)
    assert {f.name: f.outcome for f in run.files} == {"nettopp.csv": "imported", "skrives.csv": "waiting"}
    monkeypatch.undo()
    run = _run(db, drop)  # the copy has finished: now it is taken whole
    assert [(f.name, f.outcome, f.report.rows_read) for f in run.files] == [("skrives.csv", "imported", 2)]
    assert sorted(p.name for p in drop.iterdir()) == [".feltkart-import.lock", ".skjult.csv", "eksport.csv.part",
                                                      "importert"]


def test_two_runs_at_once_are_refused(db, drop):
    (drop / "registreringer.csv").write_bytes(GOOD)
    with open(drop / dropfolder.LOCK_NAME, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(FeltkartError) as exc:
            _run(db, drop)
    assert exc.value.key == "dropfolder.busy"
    assert (drop / "registreringer.csv").exists()


def test_a_database_that_cannot_be_written_leaves_the_files_for_the_next_run(db, drop, monkeypatch):
    (drop / "a.csv").write_bytes(GOOD)
    (drop / "b.csv").write_bytes(ONE_BAD_LINE)
    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 0.5)
    holding, release = threading.Event(), threading.Event()

    def reader_that_stays():
        with db.read():
            holding.set()
            release.wait(60)

    reader = threading.Thread(target=reader_that_stays, daemon=True)
    reader.start()
    assert holding.wait(60)
    try:
        run = _run(db, drop)
    finally:
        release.set()
        reader.join(60)
    assert [(f.name, f.outcome) for f in run.files] == [("a.csv", "failed")]  # and b.csv not tried
    assert "opptatt" in run.files[0].reason and run.needs_attention and run.record_error
    assert (drop / "a.csv").exists() and (drop / "b.csv").exists()
    run = _run(db, drop)  # the next night
    assert [f.outcome for f in run.files] == ["imported", "imported"]


def test_safe_while_the_dashboard_reads(db, drop):
    """Sessions keep running their pages (one read session per run) during the import: none fails,
    and the import gets through."""
    for n in range(3):
        (drop / f"fil-{n}.csv").write_bytes(GOOD.replace(b"03.03.2025", f"0{n + 3}.04.2025".encode()))
    stop, errors = threading.Event(), []

    def session():
        while not stop.is_set():
            try:
                with db.read_session():
                    db.data_version()
                    queries.run(db, "places")
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
                return

    sessions = [threading.Thread(target=session, daemon=True) for _ in range(4)]
    for s in sessions:
        s.start()
    try:
        run = _run(db, drop)
    finally:
        stop.set()
        for s in sessions:
            s.join(60)
    assert errors == []
    assert [f.outcome for f in run.files] == ["imported"] * 3


def test_dry_run_moves_and_stores_nothing(db, drop, capsys):
    (drop / "registreringer.csv").write_bytes(GOOD)
    before = _registrations(db)
    assert main(["--db", str(db.path), "import", "--from-dir", str(drop), "--settle", "0", "--dry-run"]) == 0
    assert "Prøvekjøring" in capsys.readouterr().out
    assert _registrations(db) == before and (drop / "registreringer.csv").exists()
    assert not (drop / "importert").exists()


def test_cli_refuses_a_missing_folder_and_file_with_folder_in_one_line(db, drop, capsys):
    assert main(["--db", str(db.path), "import", "--from-dir", str(drop / "finnes-ikke")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Fant ingen mappe" in err
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db.path), "import", "x.csv", "--from-dir", str(drop)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["--db", str(db.path), "import", "--from-dir", str(drop), "--settle", "-1"])
    assert "Traceback" not in capsys.readouterr().err


def test_the_run_is_recorded_and_audited(db, drop):
    (drop / "registreringer.csv").write_bytes(GOOD)
    (drop / "tom.csv").write_bytes(b"")
    _run(db, drop)
    with db.read() as con:
        action, target, after = con.execute("SELECT action, target, after_json FROM audit_log ORDER BY id DESC "
                                            "LIMIT 1").fetchall()[0]
        stored = json.loads(con.execute("SELECT value FROM meta WHERE key = 'ops.import'").fetchall()[0][0])
    assert (action, target) == ("import.drop_folder", str(drop.resolve()))
    assert stored == json.loads(after)
    assert (stored["files"], stored["files_imported"], stored["files_refused"], stored["rows_imported"]) == (2, 1, 1, 2)
    assert stored["kind"] == "drop_folder" and stored["result"] == "refused"
