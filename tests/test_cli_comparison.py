"""The command line when one side of a comparison has no data (the demo's registrations run from
01.01.2022 to 26.11.2026): ``feltkart compare``, ``focus``, ``export view|slides|annual`` and
``report annual`` say so instead of computing a change from nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from dashboard.cli import main

NO_DATA = "ingen data i sammenligningsperioden"
NOTE_2021 = ("Ingen endring vises: ingen data i sammenligningsperioden 01.01.2021–31.12.2021 "
             "(registreringene går fra 01.01.2022 til 26.11.2026).")

pytestmark = pytest.mark.usefixtures("clean_env")


def run(capsys, db, *args) -> str:
    assert main([*map(str, args), "--db", str(db.path)]) == 0
    return capsys.readouterr().out


def test_compare_without_baseline_data(demo_db, capsys):
    args = ("compare", "--hotspot", "lillestrom-stasjon", "--before", "2021-01-01..2021-12-31",
            "--after", "2023-01-01..2023-12-31")
    data = json.loads(run(capsys, demo_db, *args, "--json"))
    assert (data["rate_ratio"], data["ci95"], data["p_value"]) == (None, [None, None], None)
    assert data["comparison"] == "no_data" and data["note"] == NOTE_2021
    assert data["before"]["has_data"] is False and data["after"]["hits"] > 0
    assert run(capsys, demo_db, *args).strip() == NOTE_2021


def test_compare_names_its_one_method(demo_db, capsys):
    data = json.loads(run(capsys, demo_db, "compare", "--hotspot", "lillestrom-stasjon", "--before",
                          "2023-01-01..2023-12-31", "--after", "2025-01-01..2025-12-31", "--json"))
    assert data["comparison"] == "ok" and data["note"] is None
    assert data["method"] == "exact conditional test (central p) with its Clopper–Pearson 95 % interval"
    lo, hi = data["ci95"]
    assert (data["p_value"] < 0.05) == (lo > 1 or hi < 1)


def test_focus_without_weeks_with_data_before_the_basis(demo_db, capsys):
    data = json.loads(run(capsys, demo_db, "focus", "--from", "2022-03-01", "--to", "2022-03-28", "--json"))
    assert data["basis"] == ["2022-01-01", "2022-02-28"] and data["rise_compared_with"] is None
    assert NO_DATA in data["note"]
    assert data["suggestions"] and all(s["parts"]["rise"] == 0 and s["hits_before"] is None
                                       for s in data["suggestions"])
    text = run(capsys, demo_db, "focus", "--from", "2022-03-01", "--to", "2022-03-28")
    assert NO_DATA in text and "Tydelig økning" not in text


def test_export_view_says_no_data_instead_of_a_change(demo_db, tmp_path, capsys):
    path = tmp_path / "2022.csv"
    run(capsys, demo_db, "export", "view", "--from", "2022-01-01", "--to", "2022-12-31", "--no-suppress", "-o", path)
    sheet = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert sheet["Treff"].sum() > 0 and sheet["Treff før"].isna().all() and sheet["Endring (%)"].isna().all()
    assert set(sheet["Vurdering"]) == {NO_DATA}


def test_export_slides_say_no_data(demo_db, tmp_path, capsys):
    path = tmp_path / "2022.pptx"
    run(capsys, demo_db, "export", "slides", "--from", "2022-01-01", "--to", "2022-12-31", "-o", path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as pptx:
        slides = [pptx.read(n).decode("utf-8") for n in sorted(pptx.namelist())
                  if n.startswith("ppt/slides/slide") and n.endswith(".xml")]
    assert "ingen data i sammenligningsperioden 01.01.2021–31.12.2021" in slides[0]  # the title slide
    assert "ingen data i sammenligningsperioden" in slides[1] and "Endring:" not in slides[1]  # key figures


@pytest.mark.parametrize("year, expected", [
    (2022, "- " + NOTE_2021),
    (2026, "- Endringen fra 2025 vises når året er over (registreringene går til 26.11.2026)."),
])
def test_report_annual_gives_a_change_only_between_whole_years_with_data(demo_db, capsys, year, expected):
    text = run(capsys, demo_db, "report", "annual", "--year", year, "--format", "md")
    assert text.rstrip().splitlines()[-1] == expected and "Endring fra" not in text
    assert "Endring fra 2022" in run(capsys, demo_db, "report", "annual", "--year", 2023, "--format", "md")
