"""Tests for the ``feltkart`` command line: output formats, database selection and error handling."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from dashboard import vocab
from dashboard.cli import main
from dashboard.db import SCHEMA_VERSION, Database, now_local

NBSP = "\u00a0"
PLACE_KEYS = {"id", "name", "kind", "area_id", "lat", "lon", "approximate"}


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture(scope="module")
def published(shared_dir) -> list[tuple[str, str, int]]:
    with open(shared_dir / "domain/hits_2023.csv", encoding="utf-8", newline="") as handle:
        return [(r["area"], r["report_row"], int(r["hits"])) for r in csv.DictReader(handle)]


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _parse_annual_csv(text: str) -> tuple[list[str], list[tuple[str, str, int]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], [(area, row, int(hits)) for area, row, hits in rows[1:]]


def _assert_one_line_error(code: int, out: str, err: str) -> None:
    assert code == 1
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("feltkart:")


def _feltkart_script() -> str:
    beside = Path(sys.executable).parent / "feltkart"
    if beside.is_file():
        return str(beside)
    found = shutil.which("feltkart")
    if not found:
        pytest.fail("the feltkart console script is not installed")
    return found


# --- report annual ------------------------------------------------------------------------------

def test_annual_csv_is_the_published_table(demo_db, published, capsys):
    code, out, err = _run(capsys, "report", "annual", "--year", "2023", "--format", "csv", "--db", demo_db.path)
    assert code == 0, err
    header, rows = _parse_annual_csv(out)
    assert header == ["area", "row", "hits"]
    assert rows == published
    assert len(out.strip().splitlines()) == 19


def test_annual_csv_through_the_installed_console_script(demo_db, published):
    env = {k: v for k, v in os.environ.items() if k not in ("FELTKART_DB", "FELTKART_LANG")}
    result = subprocess.run(
        [_feltkart_script(), "report", "annual", "--year", "2023", "--format", "csv", "--db", str(demo_db.path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    header, rows = _parse_annual_csv(result.stdout)
    assert header == ["area", "row", "hits"]
    assert rows == published


def test_annual_markdown(demo_db, published, capsys):
    code, out, err = _run(capsys, "report", "annual", "--year", "2023", "--format", "md", "--db", demo_db.path)
    assert code == 0, err
    assert f"33{NBSP}636" in out
    assert f"3{NBSP}733" in out  # not broken down
    assert f"7{NBSP}359" in out  # Lillestrøm tog- og busstasjon
    for area in {area for area, _, _ in published}:
        assert f"## {area}" in out
    for _, row, _ in published:
        assert row in out
    assert "33636" not in out and "33 636" not in out  # thousands separated by a no-break space only


def test_annual_default_format_is_csv(demo_db, capsys):
    code, out, _ = _run(capsys, "report", "annual", "--year", "2023", "--db", demo_db.path)
    assert code == 0
    assert out.splitlines()[0] == "area,row,hits"


# --- report summary and places -----------------------------------------------------------------

def test_summary_json(demo_db, capsys):
    code, out, err = _run(capsys, "report", "summary", "--year", "2023", "--json", "--db", demo_db.path)
    assert code == 0, err
    summary = json.loads(out)
    assert list(summary) == ["year", "hits_total", "by_channel", "by_area", "by_age_band", "by_gender"]
    assert summary["year"] == 2023
    assert set(summary["by_channel"]) == set(vocab.CHANNELS)
    assert set(summary["by_area"]) == set(vocab.AREA_IDS)
    assert set(summary["by_age_band"]) == set(vocab.AGE_BANDS)
    assert set(summary["by_gender"]) == set(vocab.GENDERS)
    by_channel = summary["by_channel"]
    assert by_channel["street"] + by_channel["school"] == 33636
    assert by_channel["internet"] == 463
    assert summary["hits_total"] == sum(by_channel.values())
    assert sum(summary["by_age_band"].values()) == summary["hits_total"]
    assert sum(summary["by_gender"].values()) == summary["hits_total"]
    online = sum(by_channel[c] for c in ("internet", "social", "gaming"))
    assert sum(summary["by_area"].values()) == summary["hits_total"] - online


def test_places_json(demo_db, capsys):
    code, out, err = _run(capsys, "places", "--json", "--db", demo_db.path)
    assert code == 0, err
    places = json.loads(out)
    assert len(places) == 43
    assert all(set(p) == PLACE_KEYS for p in places)
    ids = {p["id"] for p in places}
    assert {"lillestrom-stasjon", "strommen-storsenter", "stav-skole"} <= ids
    assert all(59.5 < p["lat"] < 60.5 and 10.5 < p["lon"] < 11.6 for p in places)
    assert all(isinstance(p["approximate"], bool) for p in places)


def test_places_text(demo_db, capsys):
    code, out, _ = _run(capsys, "places", "--db", demo_db.path)
    assert code == 0
    assert len(out.strip().splitlines()) == 43
    assert "lillestrom-stasjon" in out


# --- choosing the database ----------------------------------------------------------------------

def test_db_option_before_or_after_the_subcommand(demo_db, capsys):
    after = _run(capsys, "places", "--json", "--db", demo_db.path)
    before = _run(capsys, "--db", demo_db.path, "places", "--json")
    assert after[0] == before[0] == 0
    assert json.loads(after[1]) == json.loads(before[1])
    assert len(json.loads(before[1])) == 43


def test_feltkart_db_environment_selects_the_database(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("FELTKART_DB", str(demo_db.path))
    code, out, err = _run(capsys, "report", "summary", "--year", "2023", "--json")
    assert code == 0, err
    assert json.loads(out)["by_channel"]["internet"] == 463


def test_db_option_wins_over_environment(demo_db, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("FELTKART_DB", str(tmp_path / "missing.duckdb"))
    code, out, err = _run(capsys, "places", "--json", "--db", demo_db.path)
    assert code == 0, err
    assert len(json.loads(out)) == 43
    code, out, err = _run(capsys, "places", "--json")  # now the environment's (missing) file
    _assert_one_line_error(code, out, err)
    assert "missing.duckdb" in err


# --- errors -------------------------------------------------------------------------------------

def test_unknown_year(demo_db, capsys):
    code, out, err = _run(capsys, "report", "annual", "--year", "1999", "--db", demo_db.path)
    _assert_one_line_error(code, out, err)
    assert "1999" in err
    assert out == ""


def test_missing_database_file(tmp_path, capsys):
    path = tmp_path / "nowhere.duckdb"
    code, out, err = _run(capsys, "report", "annual", "--year", "2023", "--db", path)
    _assert_one_line_error(code, out, err)
    assert str(path) in err
    assert not path.exists()


def test_corrupt_database_file(tmp_path, capsys):
    path = tmp_path / "corrupt.duckdb"
    path.write_bytes(bytes(range(256)) * 64)
    code, out, err = _run(capsys, "places", "--db", path)
    _assert_one_line_error(code, out, err)
    assert path.read_bytes() == bytes(range(256)) * 64


def test_database_from_a_newer_version(fresh_db, capsys):
    fresh_db.migrate()
    with fresh_db.write() as con:
        con.execute("INSERT INTO schema_migrations VALUES ($v, 'future', $t)",
                    {"v": SCHEMA_VERSION + 1, "t": now_local()})
    code, out, err = _run(capsys, "report", "summary", "--year", "2023", "--db", fresh_db.path)
    _assert_one_line_error(code, out, err)
    assert str(SCHEMA_VERSION + 1) in err


def test_empty_database(fresh_db, capsys):
    fresh_db.migrate()
    code, out, err = _run(capsys, "report", "annual", "--year", "2023", "--db", fresh_db.path)
    _assert_one_line_error(code, out, err)


@pytest.mark.parametrize("argv", [
    ["report", "annual", "--year", "abc"],
    ["report", "annual"],
    ["report", "summary", "--json"],
    ["report", "annual", "--year", "2023", "--format", "pdf"],
    ["export"],
    ["report", "monthly", "--year", "2023"],
    [],
], ids=["year-abc", "annual-no-year", "summary-no-year", "format-pdf", "unknown-command",
        "unknown-report", "no-command"])
def test_usage_errors_exit_2(argv, demo_db, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--db", str(demo_db.path)] if argv else argv)
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "usage:" in err
    assert out == ""


# --- demo ---------------------------------------------------------------------------------------

def test_demo_command_builds_a_database(tmp_path, capsys):
    path = tmp_path / "demo.duckdb"
    code, out, err = _run(capsys, "demo", "--db", path, "--until", "2023-03-01T00:00", "--seed", "7")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Demodatabasen") and "er klar" in lines[0]
    assert "01.01.2022" in lines[0]
    assert "Lager demodata" in err and "Lager demodata" not in out
    assert len(err.strip().splitlines()) >= 2
    db = Database(path)
    db.check_ready()
    with db.read() as con:
        latest, batches = con.execute(
            "SELECT max(occurred_at), (SELECT list(source_name) FROM import_batches) FROM contacts").fetchall()[0]
    assert datetime(2023, 2, 25) <= latest <= datetime(2023, 3, 1)
    assert batches == ["demo seed 7"]
    # its data range matches the summary line
    code, out, err = _run(capsys, "report", "summary", "--year", "2023", "--json", "--db", path)
    assert code == 0, err
    assert 0 < json.loads(out)["hits_total"] < 10000  # two months of 2023 only


def _run_catching_usage(capsys, *argv) -> tuple[int, str, str]:
    """Like _run, but an argparse usage error counts as exit code 2."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("until", ["notadate", "2021-06-01T00:00", "2022-01-01T00:00"])
def test_demo_with_unusable_until_fails_cleanly(tmp_path, capsys, until):
    code, out, err = _run_catching_usage(capsys, "demo", "--db", tmp_path / "demo.duckdb", "--until", until)
    assert code in (1, 2)
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert lines[-1].startswith("feltkart"), err  # "feltkart: ..." or argparse's "feltkart demo: error: ..."
    assert not (tmp_path / "demo.duckdb").exists()  # refused before anything was written
