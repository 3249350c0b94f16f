"""Importing a team's patrol log (dashboard/patrol_import.py): layouts and headers, encodings and
XLSX, midnight crossing, derived shifts, every row error, files refused whole, strict mode,
idempotency, conflicts, undo, roles, the CLI and the upload on /bemanning."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime, time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR, access, demo, i18n, import_store
from dashboard import patrol_import as pi
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.places import load_bundled, replace_places
from dashboard.upload_table import MAX_IMPORT_BYTES
from tests.spreadsheets import xlsx_bytes

TODAY = date(2026, 11, 27)
STAFF_NAME = "Kari Nordmann"
# March 2024 is winter in the plan: Mon–Thu day 08:30–15:30 and evening 14:30–22:15, Fri–Sat late
# 16:00–01:00, Sunday evening 14:30–22:15 (dashboard/demo.py STAFFING_PLAN).
GOOD_LINES = [  # dato, fra, til, område, lag
    ("04.03.2024", "08.45", "15.15", "Sørumsand", "Team 1"),  # Monday: day shift
    ("04.03.2024", "15:00", "21:30", "skjetten-strommen", "Team 2"),  # Monday: the evening shift overlaps most
    ("01.03.2024", "16.00", "00.30", "Lillestrøm stasjonsområde", "Team 3"),  # Friday, past midnight: late
    ("02.03.24", "00:15", "01:00", "Fetsund", "Team 3"),  # Saturday after midnight: Friday's late shift
    ("2024-03-03", "10:00", "13:00", "fetsund", "Team 1"),  # Sunday morning: no planned shift, the clock says day
]


def _csv(lines, header=("Dato", "Fra", "Til", "Område", "Lag", "Kommentar", "Ansatte"), title=True,
         encoding="cp1252", sep=";") -> bytes:
    text = ("Vaktlogg mars 2024\r\n\r\n" if title else "") + sep.join(header) + "\r\n"
    extra = len(header) - 5
    text += "".join(sep.join(line + ("fritekst", STAFF_NAME)[:extra]) + "\r\n" for line in lines)
    return text.encode(encoding)


def _xlsx(rows, header=("Date", "From", "To", "Area", "Team", "Shift")) -> bytes:
    return xlsx_bytes(rows, header=header, title_line="Patrol log")


@pytest.fixture
def areas_db(fresh_db) -> Database:
    """A new database with the bundled areas and hotspots and the demo's staffing plan, no patrols."""
    fresh_db.migrate()
    with fresh_db.write() as con:
        replace_places(con, *load_bundled())
        con.register("incoming", demo.staffing_plan())
        con.execute("INSERT INTO staffing_plan BY NAME SELECT * FROM incoming")
        con.unregister("incoming")
    return fresh_db


def _parse(db: Database, data: bytes, name: str = "vaktlogg.csv") -> pi.ParsedPatrols:
    return pi.parse_patrol_file(data, name, pi.PatrolReference.from_database(db), today=TODAY)


def _patrols(db: Database) -> pd.DataFrame:
    with db.read() as con:
        return con.execute("SELECT team, area_id, shift, started_at, ended_at, batch_id, row_sha256 FROM patrols "
                           "ORDER BY started_at, team").df()


def _tuples(rows: pd.DataFrame) -> list[tuple]:
    return [(r.team, r.area_id, r.shift, r.started_at.to_pydatetime(), r.ended_at.to_pydatetime())
            for r in rows.sort_values(["started_at", "team"]).itertuples(index=False)]


# --- parsing --------------------------------------------------------------------------------------

def test_norwegian_csv_in_windows_1252_below_a_title(areas_db):
    parsed = _parse(areas_db, _csv(GOOD_LINES))
    assert parsed.errors == [] and parsed.rows_read == 5 and parsed.layout == "patrols"
    assert _tuples(parsed.rows) == [
        ("Team 3", "lillestrom-stasjon", "late", datetime(2024, 3, 1, 16), datetime(2024, 3, 2, 0, 30)),
        ("Team 3", "fetsund", "late", datetime(2024, 3, 2, 0, 15), datetime(2024, 3, 2, 1)),
        ("Team 1", "fetsund", "day", datetime(2024, 3, 3, 10), datetime(2024, 3, 3, 13)),
        ("Team 1", "sorumsand", "day", datetime(2024, 3, 4, 8, 45), datetime(2024, 3, 4, 15, 15)),
        ("Team 2", "skjetten-strommen", "evening", datetime(2024, 3, 4, 15), datetime(2024, 3, 4, 21, 30)),
    ]
    assert list(parsed.rows.sort_values("started_at")["source_line"]) == [6, 7, 8, 4, 5]  # lines as Excel shows them
    notices = " ".join(parsed.notices)
    assert "Overskriftsraden er linje 3" in notices
    assert "«Kommentar»" in notices and "«Ansatte»" in notices  # never read
    assert "for 4 vakter er hentet fra bemanningsplanen" in notices and "1 vakter uten vakttype" in notices
    assert STAFF_NAME not in json.dumps(parsed.raw, ensure_ascii=False)


def test_english_headers_comma_separated_with_a_shift_column(areas_db):
    data = (b"date,from,to,area,team,shift,notes\n"
            b"2024-03-04,18:00,24:00,Fetsund,T1,sen,x\n"  # the file's shift wins over the plan's (evening)
            b"05.03.2024,1800,2200,Fetsund,T2,Evening,\n"
            b"05.03.2024,kl. 09.00,kl. 12.00,Sorumsand,T3,dagvakt,\n"
            b"06.03.2024,19:00,23:00,FETSUND,T4,,\n")  # an empty shift cell: from the plan
    parsed = _parse(areas_db, data, "log.csv")
    assert parsed.errors == []
    assert _tuples(parsed.rows) == [
        ("T1", "fetsund", "late", datetime(2024, 3, 4, 18), datetime(2024, 3, 5, 0)),
        ("T3", "sorumsand", "day", datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 12)),
        ("T2", "fetsund", "evening", datetime(2024, 3, 5, 18), datetime(2024, 3, 5, 22)),
        ("T4", "fetsund", "evening", datetime(2024, 3, 6, 19), datetime(2024, 3, 6, 23)),
    ]
    assert any("«notes»" in n for n in parsed.notices)


def test_xlsx_with_date_and_time_cells(areas_db):
    data = _xlsx([(datetime(2024, 3, 1), time(16, 0), time(1, 0), "Skedsmokorset", "Team 1", "late"),
                  ("04.03.2024", "14:30", "22:15", "Skjetten/Strømmen", "Team 2", None),
                  (datetime(2024, 3, 5), time(9, 0), time(15, 0), "Frogner og Leirsund", "Team 3", "day")])
    parsed = _parse(areas_db, data, "vaktlogg.xlsx")
    assert parsed.errors == []
    assert _tuples(parsed.rows) == [
        ("Team 1", "skedsmokorset", "late", datetime(2024, 3, 1, 16), datetime(2024, 3, 2, 1)),
        ("Team 2", "skjetten-strommen", "evening", datetime(2024, 3, 4, 14, 30), datetime(2024, 3, 4, 22, 15)),
        ("Team 3", "frogner-leirsund", "day", datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 15)),
    ]
    assert list(parsed.rows.sort_values("started_at")["source_line"]) == [3, 4, 5]


def test_derived_shift_from_the_plan_and_else_the_clock(areas_db):
    ref = pi.PatrolReference.from_database(areas_db)
    monday, friday, sunday = date(2024, 3, 4), date(2024, 3, 1), date(2024, 3, 3)

    def at(day, hh, mm=0, next_day=False):
        return datetime.combine(day, time(hh, mm)) + (pd.Timedelta(days=1) if next_day else pd.Timedelta(0))

    assert pi.derive_shift(at(monday, 9), at(monday, 15), ref) == ("day", True)
    assert pi.derive_shift(at(monday, 14, 45), at(monday, 16), ref) == ("evening", True)  # 75 min vs 45 min
    assert pi.derive_shift(at(monday, 13), at(monday, 15), ref) == ("day", True)
    assert pi.derive_shift(at(friday, 16), at(friday, 1, next_day=True), ref) == ("late", True)
    assert pi.derive_shift(at(sunday, 15), at(sunday, 22), ref) == ("evening", True)
    assert pi.derive_shift(at(sunday, 9), at(sunday, 12), ref) == ("day", False)  # no plan on Sunday mornings
    empty = pi.PatrolReference({}, demo.staffing_plan().head(0))
    assert pi.derive_shift(at(monday, 13, 59), at(monday, 18), empty) == ("day", False)
    assert pi.derive_shift(at(monday, 14), at(monday, 18), empty) == ("evening", False)
    assert pi.derive_shift(at(monday, 19), at(monday, 23, 59), empty) == ("evening", False)
    assert pi.derive_shift(at(monday, 19), at(monday, 0, 30, next_day=True), empty) == ("late", False)
    assert pi.derive_shift(at(monday, 20), at(monday, 23), empty) == ("late", False)
    assert pi.derive_shift(at(monday, 2), at(monday, 4), empty) == ("late", False)


def test_every_row_error_names_line_column_value_and_reason(areas_db):
    lines = [
        ("", "18:00", "20:00", "Fetsund", "T1"),  # 4
        ("1.3.2024x", "18:00", "20:00", "Fetsund", "T1"),  # 5
        ("31.02.2024", "18:00", "20:00", "Fetsund", "T1"),  # 6
        ("01.12.2026", "18:00", "20:00", "Fetsund", "T1"),  # 7: after TODAY
        ("01.03.1999", "18:00", "20:00", "Fetsund", "T1"),  # 8
        ("01.03.2024", "", "20:00", "Fetsund", "T1"),  # 9
        ("01.03.2024", "25:00", "20:00", "Fetsund", "T1"),  # 10
        ("01.03.2024", "18:00", "", "Fetsund", "T1"),  # 11
        ("01.03.2024", "18:00", "8 pm", "Fetsund", "T1"),  # 12
        ("01.03.2024", "18:00", "18:00", "Fetsund", "T1"),  # 13
        ("01.03.2024", "08:00", "01:00", "Fetsund", "T1"),  # 14: 17 hours
        ("01.03.2024", "18:00", "20:00", "", "T1"),  # 15
        ("01.03.2024", "18:00", "20:00", "Fetsnd", "T1"),  # 16
        ("01.03.2024", "18:00", "20:00", "Oslo", "T1"),  # 17
        ("01.03.2024", "18:00", "20:00", "Strømmen Storsenter", "T1"),  # 18: a hotspot, not an area
        ("01.03.2024", "18:00", "20:00", "Fetsund", ""),  # 19
        ("01.03.2024", "18:00", "20:00", "Fetsund", "T" * 61),  # 20
        ("01.03.2024", "18:00", "20:00", "Fetsund", "kari@lillestrom.kommune.no"),  # 21
        ("02.03.2024", "18:00", "22:00", "Sørumsand", "T1"),  # 22: good
        ("02.03.2024", "21:00", "23:00", "sorumsand", "t1"),  # 23: the same team and area at the same time
    ]
    parsed = _parse(areas_db, _csv(lines, header=("Dato", "Fra", "Til", "Område", "Lag")))
    errors = {(e.line, e.column): (e.value, e.message) for e in parsed.errors}
    assert errors == {
        (4, "Dato"): ("", "dato mangler"),
        (5, "Dato"): ("1.3.2024x", "ugyldig dato; bruk dd.mm.åååå, dd.mm.åå eller åååå-mm-dd"),
        (6, "Dato"): ("31.02.2024", "datoen finnes ikke"),
        (7, "Dato"): ("01.12.2026", "datoen er fram i tid (etter 27.11.2026)"),
        (8, "Dato"): ("01.03.1999", "datoer før år 2000 godtas ikke"),
        (9, "Fra"): ("", "starttid (fra) mangler"),
        (10, "Fra"): ("25:00", "ugyldig klokkeslett; bruk TT:MM eller TT.MM"),
        (11, "Til"): ("", "sluttid (til) mangler"),
        (12, "Til"): ("8 pm", "ugyldig klokkeslett; bruk TT:MM eller TT.MM"),
        (13, "Til"): ("18:00", "fra og til er like; oppgi når vakta sluttet"),
        (14, "Til"): ("01:00", "vakta blir 17,0 timer lang (til før fra regnes som etter midnatt); høyst 16 timer godtas"),
        (15, "Område"): ("", "område mangler"),
        (16, "Område"): ("Fetsnd", "ukjent område; mente du «Fetsund»?"),
        (17, "Område"): ("Oslo", ("ukjent område; bruk id eller navn på et område: «Skedsmokorset», "
                                  "«Skjetten/Strømmen», «Fetsund», «Frogner og Leirsund», «Sørumsand», "
                                  "«Lillestrøm sentrum og Kjeller», «Lillestrøm stasjonsområde»")),
        (18, "Område"): ("Strømmen Storsenter",
                         "«Strømmen Storsenter» er et treffsted; oppgi området det ligger i, «Skjetten/Strømmen»"),
        (19, "Lag"): ("", "team mangler"),
        (20, "Lag"): ("T" * 61, "teamnavnet er for langt (høyst 60 tegn)"),
        (21, "Lag"): ("kari@lillestrom.kommune.no",
                      "ser ut som en e-postadresse; oppgi teamets navn (f.eks. «Team 1»), ikke en person"),
        (23, "Fra"): ("21:00", "overlapper med linje 22 (02.03.2024 18:00–22:00): samme team i samme område til samme tid"),
    }
    assert [r.line for r in parsed.rejected] == list(range(4, 22)) + [23]
    assert _tuples(parsed.rows) == [("T1", "sorumsand", "late", datetime(2024, 3, 2, 18), datetime(2024, 3, 2, 22))]
    bad_shift = _parse(areas_db, "dato;fra;til;område;team;vakt\n01.03.2024;18:00;20:00;Fetsund;T1;natt\n".encode())
    assert [(e.line, e.column, e.value, e.message) for e in bad_shift.errors] == [
        (2, "vakt", "natt", "ukjent vakt; bruk dag, kveld eller sen")]


def test_same_line_twice_in_a_file_counts_once(areas_db):
    parsed = _parse(areas_db, _csv(GOOD_LINES[:2] + [("04.03.2024", "8:45", "15:15", "sorumsand", "TEAM 1")]))
    assert len(parsed.rows) == 2 and parsed.duplicates_in_file == 1 and parsed.errors == []
    assert any("1 rader var helt like" in n for n in parsed.notices)


def test_files_refused_as_a_whole(areas_db):
    ref = pi.PatrolReference.from_database(areas_db)
    with pytest.raises(FeltkartError, match=r"mangler kolonnene område, team\. Fant kolonnene: «dato», «fra», «til»"):
        pi.parse_patrol_file(b"dato;fra;til\n01.03.2024;18:00;20:00\n", "x.csv", ref, today=TODAY)
    with pytest.raises(FeltkartError, match="er tom"):
        pi.parse_patrol_file(b"\xef\xbb\xbf;;\r\n", "x.csv", ref, today=TODAY)
    with pytest.raises(FeltkartError, match="bare en overskriftsrad"):
        pi.parse_patrol_file("dato;fra;til;område;team\n".encode(), "x.csv", ref, today=TODAY)
    with pytest.raises(FeltkartError, match="«Fra», «Start» betyr det samme"):
        pi.parse_patrol_file("dato;Fra;Start;til;område;team\n1.3.2024;1;2;3;4;5\n".encode(), "x.csv", ref, today=TODAY)
    with pytest.raises(FeltkartError, match="for stor"):
        pi.parse_patrol_file(b"x" * (MAX_IMPORT_BYTES + 1), "x.csv", ref, today=TODAY)
    with pytest.raises(FeltkartError, match="UTF-16"):
        pi.parse_patrol_file("dato;fra;til;område;team\n".encode("utf-16"), "x.csv", ref, today=TODAY)
    with pytest.raises(FeltkartError, match="x.xlsx"):
        pi.parse_patrol_file(b"PK\x03\x04 not really a zip", "x.xlsx", ref, today=TODAY)


# --- storing ---------------------------------------------------------------------------------------

def test_commit_stores_rejections_and_is_idempotent(areas_db):
    bad = [("31.02.2024", "18:00", "20:00", "Fetsund", "T9")]
    version = areas_db.data_version()
    report = pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES + bad)), source_name="mars.csv")
    assert (report.rows_read, report.rows_imported, report.rows_rejected, report.rows_duplicate) == (6, 5, 1, 0)
    stored = _patrols(areas_db)
    assert _tuples(stored) == _tuples(_parse(areas_db, _csv(GOOD_LINES)).rows)
    assert set(stored["batch_id"]) == {report.batch_id} and stored["row_sha256"].str.len().eq(64).all()
    with areas_db.read() as con:
        batch = con.execute("SELECT kind, layout, source_name, rows_imported, rows_rejected FROM import_batches "
                            "WHERE id = $id", {"id": report.batch_id}).fetchall()[0]
        action = con.execute("SELECT action, target FROM audit_log ORDER BY id DESC LIMIT 1").fetchall()[0]
    assert batch == ("file", "patrols", "mars.csv", 5, 1)
    assert action == ("patrols.import", f"batch:{report.batch_id}")
    assert areas_db.data_version() == version + 1
    rejected = import_store.rejected_rows_csv(areas_db, report.batch_id).decode("utf-8-sig")
    assert rejected.splitlines()[0] == "Dato;Fra;Til;Område;Lag;feil"
    assert "31.02.2024;18:00;20:00;Fetsund;T9;Dato: datoen finnes ikke" in rejected and STAFF_NAME not in rejected

    again = pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES + bad)))  # the same file
    assert again.batch_id is None and (again.rows_imported, again.rows_rejected, again.rows_duplicate) == (0, 0, 5)
    assert any("allerede importert (import nr." in n for n in again.notices)
    other_file = pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES[::-1], title=False)))
    assert other_file.batch_id is None and other_file.rows_duplicate == 5
    assert any("Alle vaktene fantes fra før" in n for n in other_file.notices)
    assert len(_patrols(areas_db)) == 5 and areas_db.data_version() == version + 1


def test_overlap_with_a_stored_patrol_is_a_conflict(areas_db):
    first = pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES[:2])))
    later = [
        ("04.03.2024", "20:00", "21:00", "Skjetten/Strømmen", "team 2"),  # line 4: overlaps Team 2's 15:00–21:30
        ("04.03.2024", "21:30", "23:00", "Skjetten/Strømmen", "Team 2"),  # line 5: starts as the other ends: fine
        ("04.03.2024", "16:00", "20:00", "Skjetten/Strømmen", "Team 4"),  # line 6: another team: fine
        ("04.03.2024", "16:00", "20:00", "Fetsund", "Team 2"),  # line 7: the same team elsewhere is not checked
    ]
    report = pi.commit_patrols(areas_db, _parse(areas_db, _csv(later)))
    assert (report.rows_imported, report.rows_rejected) == (3, 1)
    assert [(e.line, e.column, e.value) for e in report.errors] == [(4, "Fra", "20:00")]
    assert report.errors[0].message == ("overlapper med en lagret vakt for samme team i samme område (04.03.2024 "
                                        f"15:00–21:30, import nr. {first.batch_id}); angre den importen først for å "
                                        "rette den")
    with areas_db.read() as con:
        raw = con.execute("SELECT raw FROM import_rejections WHERE batch_id = $id", {"id": report.batch_id}).fetchall()
    assert json.loads(raw[0][0]) == {"Dato": "04.03.2024", "Fra": "20:00", "Til": "21:00", "Område": "Skjetten/Strømmen",
                                     "Lag": "team 2"}
    assert len(_patrols(areas_db)) == 5


def test_strict_refuses_and_dry_run_stores_nothing(areas_db):
    with_error = _csv(GOOD_LINES + [("01.03.2024", "18:00", "", "Fetsund", "T1")])
    strict = pi.commit_patrols(areas_db, _parse(areas_db, with_error), strict=True)
    assert strict.refused and strict.batch_id is None and "1 feil" in strict.refused_reason
    dry = pi.commit_patrols(areas_db, _parse(areas_db, with_error), dry_run=True)
    assert (dry.rows_imported, dry.rows_rejected, dry.batch_id) == (5, 1, None)
    assert _patrols(areas_db).empty
    pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES[:1])))
    conflict = _csv([("04.03.2024", "12:00", "16:00", "Sørumsand", "Team 1")])
    assert pi.commit_patrols(areas_db, _parse(areas_db, conflict), strict=True).refused  # a conflict is an error too
    assert len(_patrols(areas_db)) == 1


def test_undo_removes_the_patrols_and_the_file_can_come_back(areas_db):
    report = pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES + [("", "1", "2", "Fetsund", "T")])))
    assert import_store.undo_batch(areas_db, report.batch_id) == 5
    assert _patrols(areas_db).empty
    with areas_db.read() as con:
        assert con.execute("SELECT count(*) FROM import_rejections").fetchall()[0][0] == 0
        assert con.execute("SELECT undone_at FROM import_batches WHERE id = $id",
                           {"id": report.batch_id}).fetchall()[0][0] is not None
    with pytest.raises(FeltkartError, match="allerede angret"):
        import_store.undo_batch(areas_db, report.batch_id)
    again = pi.commit_patrols(areas_db, _parse(areas_db, _csv(GOOD_LINES)))
    assert again.batch_id not in (None, report.batch_id) and again.rows_imported == 5


def test_writes_need_an_editor_and_undo_an_admin(areas_db):
    parsed = _parse(areas_db, _csv(GOOD_LINES))
    with access.acting_as("partner@example.no", "reader"):
        with pytest.raises(FeltkartError, match="redaktør"):
            pi.commit_patrols(areas_db, parsed)
        assert pi.commit_patrols(areas_db, parsed, dry_run=True).rows_imported == 5  # a preview writes nothing
    assert _patrols(areas_db).empty
    with access.acting_as("leder@example.no", "editor"):
        report = pi.commit_patrols(areas_db, parsed)
        with pytest.raises(FeltkartError, match="admin"):
            import_store.undo_batch(areas_db, report.batch_id)
    with areas_db.read() as con:
        logged = con.execute("SELECT actor, role, action FROM audit_log WHERE action <> 'db.migrate' ORDER BY id").fetchall()
    assert logged == [("leder@example.no", "editor", "patrols.import")]


def test_demo_patrols_count_as_stored(demo_db, tmp_path):
    shutil.copyfile(demo_db.path, tmp_path / "copy.duckdb")
    db = Database(tmp_path / "copy.duckdb")
    with db.read() as con:
        demo_patrol = con.execute("SELECT team, area_id, started_at, ended_at FROM patrols "
                                  "WHERE started_at >= '2024-03-01' ORDER BY started_at LIMIT 1").fetchall()[0]
    team, area_id, started_at, ended_at = demo_patrol
    same = (f"{started_at:%d.%m.%Y}", f"{started_at:%H:%M}", f"{ended_at:%H:%M}", area_id, team)
    inside = (f"{started_at:%d.%m.%Y}", f"{started_at:%H:%M}", f"{started_at + pd.Timedelta(minutes=10):%H:%M}",
              area_id, team.lower())
    header = ("Dato", "Fra", "Til", "Område", "Lag")
    copy = pi.commit_patrols(db, _parse(db, _csv([same], header=header)))
    assert (copy.batch_id, copy.rows_imported, copy.rows_duplicate) == (None, 0, 1)
    overlap = pi.commit_patrols(db, _parse(db, _csv([inside], header=header)))
    assert (overlap.rows_imported, overlap.rows_rejected) == (0, 1)
    assert "import nr. 1)" in overlap.errors[0].message  # the demo batch


# --- the command line -------------------------------------------------------------------------------

def test_cli_import_dry_run_strict_batches_and_undo(areas_db, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("FELTKART_LANG", raising=False)
    path = tmp_path / "vaktlogg.csv"
    path.write_bytes(_csv(GOOD_LINES + [("01.03.2024", "18:00", "20:00", "Fetsnd", "T1")]))
    db = ["--db", str(areas_db.path)]
    assert main([*db, "patrols", "import", str(path), "--strict"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Ikke importert: Streng import: fila har 1 feil")
    assert main([*db, "patrols", "import", str(path), "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert (dry["batch_id"], dry["rows_imported"], dry["rows_rejected"]) == (None, 5, 1)
    assert _patrols(areas_db).empty
    assert main([*db, "patrols", "import", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "vaktlogg.csv: 6 rader lest, 5 vakter importert, 1 rader avvist, 0 duplikater."
    batch = int(re.match(r"Lagret som import nr\. (\d+)\.", lines[1]).group(1))
    assert "linje 9, kolonne Område («Fetsnd»): ukjent område; mente du «Fetsund»?" in lines
    assert main([*db, "batches", "--json"]) == 0
    assert [(b["id"], b["layout"], b["rows_imported"]) for b in json.loads(capsys.readouterr().out)] == [
        (batch, "patrols", 5)]
    assert main([*db, "undo", str(batch)]) == 0
    capsys.readouterr()
    assert _patrols(areas_db).empty


def test_cli_refuses_a_file_without_the_columns_in_one_line(areas_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FELTKART_LANG", "en")
    path = tmp_path / "log.csv"
    path.write_bytes(b"date,team\n2024-03-01,T1\n")
    assert main(["--db", str(areas_db.path), "patrols", "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("feltkart: The file log.csv lacks the columns fra, til, område.")


def test_every_text_key_exists_in_both_languages():
    used = set()
    for path in (REPO_DIR / "dashboard" / "patrol_import.py", REPO_DIR / "dashboard" / "views" / "bemanning.py"):
        used |= set(re.findall(r'"((?:patrols|import|data|followup|staffing)\.[a-z_.]+[a-z_])"',
                               path.read_text(encoding="utf-8")))
    used -= {"patrols.import", "staffing.shift"}  # an audit action; a prefix
    missing = sorted(k for k in used if set(i18n.MESSAGES.get(k, {})) != {"nb", "en"})
    assert len([k for k in used if k.startswith("patrols.")]) >= 25 and missing == []


# --- the page ---------------------------------------------------------------------------------------

def _table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def test_upload_preview_and_import_on_the_staffing_page(app_db):
    lines = [("03.03.2021", "18:00", "22:00", "Fetsund", "Testlag"), ("05.03.2021", "16:00", "01:00", "Sørumsand", "Testlag"),
             ("06.03.2021", "16:00", "01:00", "Sørrumsand", "Testlag")]
    at = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=120)
    at.query_params["from"], at.query_params["to"] = "2021-03-01", "2021-03-31"
    at.run()
    at.switch_page("views/bemanning.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader][-1] == "Importer vaktlogg"
    at.file_uploader[0].set_value(("vaktlogg-mars-2021.csv", _csv(lines), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Rader lest"], metrics["Gyldige vakter"], metrics["Avviste rader"]) == ("3", "2", "1")
    errors = _table_with(at, "Årsak")
    assert errors.to_dict("records") == [{"Linje": 6, "Kolonne": "Område", "Verdi": "Sørrumsand",
                                          "Årsak": "ukjent område; mente du «Sørumsand»?"}]
    preview = _table_with(at, "Skift")
    assert list(preview["Til"]) == ["22:00", "01:00 (+1)"] and list(preview["Skift"]) == ["kveld", "sen"]
    assert any("«Ansatte»" in i.value for i in at.info)
    assert not any(STAFF_NAME in str(d.value.to_dict()) for d in at.dataframe)
    at.button(key="patrol_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    done = [s.value for s in at.success]
    assert len(done) == 1 and done[0].startswith("Importerte 2 vakter (import nr. ")
    batch = int(re.search(r"import nr\. (\d+)", done[0]).group(1))
    assert "Gyldige vakter" not in [m.label for m in at.metric]  # a fresh, empty uploader: no preview
    with app_db.read() as con:
        stored = con.execute("SELECT team, area_id, shift, started_at FROM patrols WHERE batch_id = $b ORDER BY 4",
                             {"b": batch}).fetchall()
        layout = con.execute("SELECT layout FROM import_batches WHERE id = $b", {"b": batch}).fetchall()[0][0]
    assert stored == [("Testlag", "fetsund", "evening", datetime(2021, 3, 3, 18)),
                      ("Testlag", "sorumsand", "late", datetime(2021, 3, 5, 16))]
    assert layout == "patrols"
