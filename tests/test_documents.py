"""Presentations (PowerPoint, PDF) and annual report documents (Word, Excel), read back as a
partner would open them: slide sequence and titles, no small count anywhere in the text, only
shareable notes, and the 2023 tables equal to the published ones."""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from dashboard import focus, queries, reports, slides
from dashboard.cli import main
from dashboard.db import Database
from dashboard.disclosure import SUPPRESSED
from dashboard.filters import Filter
from dashboard.report_docs import annual_report_docx, annual_report_xlsx

try:
    import pypdf
except ImportError:  # a test dependency; without it the PDF is checked by its page objects only
    pypdf = None

YEAR = Filter(date(2023, 1, 1), date(2023, 12, 31))
WEEK = Filter(date(2023, 3, 6), date(2023, 3, 12))  # small counts: many below 5
MADE_ON = date(2026, 11, 27)
THRESHOLD = 5
NBSP = "\u00a0"

# What the number check leaves out: dates, clock times, percentages and percentage points.
_NOT_COUNTS = re.compile(r"\d{2}\.\d{2}\.\d{4}|\b\d{2}:\d{2}\b|[+−\-±]?\d[\d\u00a0]*(?:,\d+)?\u00a0?%"
                         r"|[+−\-±]?\d+(?:,\d+)? pp\.")
_NUMBER = re.compile(r"\d{1,3}(?:\u00a0\d{3})+(?!\d)|\d+(?:,\d+)?")


pytestmark = pytest.mark.usefixtures("clean_env")


# --- reading the files back ---------------------------------------------------------------------

def pptx_texts(content: bytes) -> list[tuple[str, str]]:
    """(where, text) for every text frame and every table cell, slide by slide."""
    texts = []
    for number, slide in enumerate(Presentation(io.BytesIO(content)).slides, 1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append((f"slide {number} text", shape.text_frame.text))
            if shape.has_table:
                texts += [(f"slide {number} table", cell.text) for row in shape.table.rows for cell in row.cells]
    return texts


def pptx_titles(content: bytes) -> list[str]:
    return [slide.shapes.title.text for slide in Presentation(io.BytesIO(content)).slides]


def pdf_pages(content: bytes) -> list[str]:
    if pypdf is None:
        return [""] * len(re.findall(rb"/Type\s*/Page\b", content))
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def small_numbers(texts: list[tuple[str, str]], threshold: int, ignore: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Every number shown that is neither 0 nor at least ``threshold`` (and every decimal outside a
    percentage): the findings of the disclosure check. ':' is not a number, so hidden cells pass."""
    found = []
    for where, text in texts:
        for phrase in ignore:
            text = text.replace(phrase, " ")
        for token in _NUMBER.findall(_NOT_COUNTS.sub(" ", text)):
            if "," in token or 0 < int(token.replace(NBSP, "")) < threshold:
                found.append((where, token))
    return found


def flat(texts) -> str:
    return re.sub(r"\s+", " ", " ".join(text for _, text in texts) if not isinstance(texts, str) else texts)


def test_the_number_check_can_fail():
    note = slides.suppression_note(1)  # the threshold itself is the one number the note shows
    assert small_numbers([("t", "Treff: 3")], THRESHOLD) == [("t", "3")]
    assert small_numbers([("t", "1,5 treff per time")], THRESHOLD) == [("t", "1,5")]
    assert small_numbers([("t", f"Treff: 7{NBSP}359, før 0, {SUPPRESSED}")], THRESHOLD) == []
    assert small_numbers([("t", f"01.03.2023–31.03.2023 kl. 22:00–02:00 +3,4{NBSP}% −1,0 pp.")], THRESHOLD) == []
    assert small_numbers([("t", note)], THRESHOLD) == [("t", "1")]
    assert small_numbers([("t", note)], THRESHOLD, ignore=(note,)) == []


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def focus_db(demo_db, tmp_path_factory) -> Database:
    """The demo database with a focus decision for March 2023 (its reasons hold a small count)."""
    path = tmp_path_factory.mktemp("documents") / "feltkart.duckdb"
    shutil.copyfile(demo_db.path, path)
    db = Database(path)
    item = focus.Suggestion(area_id="fetsund", area_name="Fetsund", weekday=5, window="evening", score=0.5, hits=9,
                            hits_before=2, parts={}, reasons=["Bare 2 treff i fjor"], top_hotspot="hovinhogda-skole")
    focus.record_decision(db, period_start=date(2023, 3, 1), period_end=date(2023, 3, 31), decided_by="Fagmøtet",
                          rationale="Uro etter 3 hendelser", items=[item], decided_on=date(2023, 2, 27))
    return db


@pytest.fixture(scope="module")
def year_data(focus_db):
    return slides.presentation_data(focus_db, YEAR, made_on=MADE_ON)


@pytest.fixture(scope="module")
def year_pptx(year_data) -> bytes:
    return slides.slides_pptx(year_data, "Status 2023")


@pytest.fixture(scope="module")
def week_data(focus_db):
    return slides.presentation_data(focus_db, WEEK, made_on=MADE_ON)


@pytest.fixture(scope="module")
def week_pptx(week_data) -> bytes:
    return slides.slides_pptx(week_data)


@pytest.fixture(scope="module")
def notes_2023(focus_db) -> pd.DataFrame:
    return queries.run(focus_db, "trend_notes", start_date=YEAR.start, end_date=YEAR.end, area_ids=[],
                       shareable_only=False, include_archived=False)


def expected_titles(data, title: str) -> list[str]:
    notes_slides = max(1, math.ceil(len(data.notes) / slides.NOTES_PER_SLIDE))
    content = [slides.slide_title(key, data.lang, data.coarsened) for key in slides.SLIDE_KEYS[1:]]
    return [title, *content, *[content[-1]] * (notes_slides - 1)]


# --- presentation data --------------------------------------------------------------------------

def test_presentation_data_hides_small_counts_everywhere(week_data):
    def counts(values):
        return [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]

    every = [*counts(week_data.top["hits"]), *counts(week_data.top["hits_before"]), *counts(week_data.areas["hits"]),
             *counts(week_data.map_points["hits"]), *week_data.weekday_hour.to_numpy().ravel(),
             *counts(week_data.monthly["hits"])]
    assert SUPPRESSED in every  # the week has small counts, so something is hidden
    assert not [v for v in every if v != SUPPRESSED and 0 < v < THRESHOLD]
    hidden = (week_data.top["hits"] == SUPPRESSED) | (week_data.top["hits_before"] == SUPPRESSED)
    assert (week_data.top.loc[hidden, "change"] == SUPPRESSED).all()  # no change where a count is hidden
    assert week_data.weekday_hour.shape == (7, 24)


def test_suppression_is_not_needed_for_a_year_of_large_counts(year_data):
    assert all(SUPPRESSED not in figure.value for figure in year_data.key_figures)
    assert SUPPRESSED not in year_data.top["hits"].tolist()
    assert len(year_data.top) == slides.TOP_PLACES


def test_coarsened_data_names_no_hotspot(focus_db):
    data = slides.presentation_data(focus_db, YEAR, coarsen_to_areas=True, made_on=MADE_ON)
    area_names = set(data.areas["area_name"])
    assert set(data.top["name"]) <= area_names and set(data.map_points["name"]) <= area_names
    assert len(data.map_points) == len(area_names)


def test_focus_areas_are_the_latest_overlapping_decision(week_data, focus_db):
    assert week_data.focus is not None
    assert week_data.focus.items == ("Fetsund: fredag 18:00–22:00 (Hovinhøgda skole)",)

    elsewhere = slides.presentation_data(focus_db, Filter(date(2023, 6, 1), date(2023, 6, 30)), made_on=MADE_ON)
    assert elsewhere.focus is None  # the decision's period is March


# --- PowerPoint ---------------------------------------------------------------------------------

def test_pptx_slides_and_titles(year_pptx, year_data):
    assert pptx_titles(year_pptx) == expected_titles(year_data, "Status 2023")
    assert len(expected_titles(year_data, "x")) >= len(slides.SLIDE_KEYS)
    title_slide = flat(pptx_texts(year_pptx)[:3])
    assert "01.01.2023–31.12.2023" in title_slide and "27.11.2026" in title_slide and "Feltkart" in title_slide
    deck = Presentation(io.BytesIO(year_pptx))
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 3  # map, heatmap, trend


@pytest.mark.parametrize("which", ["year", "week"])
def test_pptx_shows_no_small_count(which, year_pptx, week_pptx):
    content = year_pptx if which == "year" else week_pptx
    texts = pptx_texts(content)
    assert small_numbers(texts, THRESHOLD, ignore=(slides.suppression_note(THRESHOLD),)) == []
    assert any(text == SUPPRESSED for where, text in texts if "table" in where) or which == "year"
    assert re.search(r"\d", flat(texts))  # the check has numbers to look at


def test_an_unsuppressed_presentation_fails_the_check(focus_db):
    careless = slides.presentation_data(focus_db, WEEK, threshold=1, made_on=MADE_ON)
    found = small_numbers(pptx_texts(slides.slides_pptx(careless)), THRESHOLD,
                          ignore=(slides.suppression_note(1),))
    assert any("table" in where for where, _ in found), found


def test_pptx_has_only_shareable_notes(year_pptx, notes_2023):
    text = flat(pptx_texts(year_pptx))
    secret = notes_2023[~notes_2023["shareable"]]
    shared = notes_2023[notes_2023["shareable"]]
    assert len(secret) and len(shared)
    for body in secret["body"]:
        assert flat(body)[:60] not in text
    assert flat(shared["body"].iloc[0])[:60] in text


def test_pptx_focus_slide_without_free_text(week_pptx):
    texts = [text for where, text in pptx_texts(week_pptx)]
    assert any("Fetsund: fredag 18:00–22:00" in text for text in texts)
    assert not any("Bare 2 treff" in text or "3 hendelser" in text for text in texts)


def test_a_period_without_hits_still_makes_every_slide(focus_db):
    data = slides.presentation_data(focus_db, Filter(date(2019, 1, 1), date(2019, 1, 31)), made_on=MADE_ON)
    content = slides.slides_pptx(data)
    assert pptx_titles(content) == expected_titles(data, slides.i18n.t("slides.default_title"))
    assert slides.i18n.t("slides.no_hits") in flat(pptx_texts(content))


# --- CLI and PDF --------------------------------------------------------------------------------

def _export(db: Database, path: Path, *args) -> Path:
    code = main(["export", *map(str, args), "-o", str(path), "--db", str(db.path)])
    assert code == 0
    assert path.is_file() and path.stat().st_size > 0
    return path


def test_cli_slides_pdf(focus_db, tmp_path, week_data, notes_2023):
    path = _export(focus_db, tmp_path / "uke.pdf", "slides", "--from", "2023-03-06", "--to", "2023-03-12")
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    pages = pdf_pages(content)
    titles = expected_titles(week_data, slides.i18n.t("slides.default_title"))
    assert len(pages) == len(titles)
    if pypdf is None:
        return
    for page, title in zip(pages, titles):
        assert flat(title) in flat(page)
    texts = [(f"page {n}", page) for n, page in enumerate(pages, 1)]
    assert small_numbers(texts, THRESHOLD, ignore=(slides.suppression_note(THRESHOLD),)) == []
    text = flat(texts)
    assert SUPPRESSED in text
    for body in notes_2023.loc[~notes_2023["shareable"], "body"]:
        assert flat(body)[:40] not in text


def test_cli_slides_areas_only_pptx(focus_db, tmp_path):
    path = _export(focus_db, tmp_path / "områder.pptx", "slides", "--from", "2023-01-01", "--to", "2023-12-31",
                   "--area", "fetsund", "sorumsand", "--areas-only", "--threshold", "10")
    texts = pptx_texts(path.read_bytes())
    assert pptx_titles(path.read_bytes())[5] == slides.slide_title("top", "nb", coarsened=True)
    text = flat(texts)
    assert "Fetsund" in text and "Sørumsand" in text and "Stav skole" not in text
    # No hotspot is named by the presentation itself; a note's own free text may still mention one.
    before_notes = flat([(where, t) for where, t in texts if int(where.split()[1]) < len(slides.SLIDE_KEYS)])
    assert "Hovinhøgda skole" not in before_notes and "Bingsfoss-stranda" not in before_notes
    assert small_numbers(texts, 10, ignore=(slides.suppression_note(10),)) == []


@pytest.mark.parametrize("argv", [
    ["export", "slides", "--from", "2023-01-01", "--to", "2023-12-31", "-o", "x.txt"],
    ["export", "slides", "--from", "2023-01-01", "--to", "2023-12-31", "--threshold", "0", "-o", "x.pptx"],
    ["export", "slides", "--to", "2023-12-31", "-o", "x.pptx"],
], ids=["bad-suffix", "threshold-0", "no-from"])
def test_cli_slides_usage_errors(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2


def test_cli_slides_missing_database_is_one_line(tmp_path, capsys):
    code = main(["export", "slides", "--from", "2023-01-01", "--to", "2023-01-31", "-o", str(tmp_path / "x.pptx"),
                 "--db", str(tmp_path / "nei.duckdb")])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and not (tmp_path / "x.pptx").exists()


# --- the annual report --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def published(shared_dir) -> list[tuple[str, str, int]]:
    with open(shared_dir / "domain/hits_2023.csv", encoding="utf-8", newline="") as handle:
        return [(r["area"], r["report_row"], int(r["hits"])) for r in csv.DictReader(handle)]


def _int(text: str) -> int:
    return int(text.replace(NBSP, "").replace(" ", ""))


def docx_area_rows(document) -> list[tuple[str, str, int]]:
    """The per-area tables (heading 1 followed by a table) as (area, place, hits), sums checked."""
    rows, heading = [], None
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(block, document)
            if paragraph.style.name == "Heading 1":
                heading = paragraph.text
        elif tag == "tbl" and heading is not None:
            cells = [[cell.text for cell in row.cells] for row in docx.table.Table(block, document).rows]
            if cells[0] != ["Sted", "Antall treff"]:
                continue
            body = [(heading, place, _int(hits)) for place, hits in cells[1:-1]]
            assert cells[-1][0] == "Sum" and _int(cells[-1][1]) == sum(h for _, _, h in body)
            rows += body
            heading = None
    return rows


def test_annual_docx_is_the_published_table(demo_db, published):
    report = reports.annual_report(demo_db, 2023)
    extra = {"Oppfølging": pd.DataFrame({"Tiltak": ["Samtaler", "Unike ungdommer"], "Antall": [445, 93]})}
    content = annual_report_docx(report, extra, summary=reports.year_summary(demo_db, 2023))
    document = docx.Document(io.BytesIO(content))
    assert docx_area_rows(document) == published
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"3{NBSP}733" in text and f"33{NBSP}636" in text  # not broken down; street and school in all
    assert "Endring fra 2022" in text and "Treff etter alder" in text and "Treff etter kjønn" in text
    assert "På nett:" in text and "Oppfølging" in text
    last = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert last == [["Tiltak", "Antall"], ["Samtaler", "445"], ["Unike ungdommer", "93"]]
    assert document.core_properties.title == "Kontakt-treff i det oppsøkende arbeidet 2023"


def test_annual_xlsx_with_extras(demo_db, published):
    report = reports.annual_report(demo_db, 2023)
    extra = {"Samarbeid inn": pd.DataFrame({"Tjeneste": ["Foresatte", "Politi"], "Antall": [20, SUPPRESSED]})}
    book = openpyxl.load_workbook(io.BytesIO(annual_report_xlsx(report, extra,
                                                                summary=reports.year_summary(demo_db, 2023))))
    assert book.sheetnames == ["Treff per sted", "Sammendrag", "Kanal, alder og kjønn", "Samarbeid inn"]
    rows = list(book["Treff per sted"].iter_rows(values_only=True))
    assert [tuple(r) for r in rows[1:19]] == published
    extra_rows = list(book["Samarbeid inn"].iter_rows(values_only=True))
    assert extra_rows[:3] == [("Tjeneste", "Antall"), ("Foresatte", 20), ("Politi", SUPPRESSED)]


def test_annual_extra_tables_must_be_frames(demo_db):
    report = reports.annual_report(demo_db, 2023)
    with pytest.raises(TypeError, match="title"):
        annual_report_docx(report, {"Oppfølging": [1, 2]})


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".csv"])
def test_cli_export_annual(demo_db, tmp_path, published, suffix):
    path = _export(demo_db, tmp_path / f"arsrapport{suffix}", "annual", "--year", "2023")
    if suffix == ".docx":
        assert docx_area_rows(docx.Document(str(path))) == published
    elif suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == ["Treff per sted", "Sammendrag"]
        assert [tuple(r) for r in list(book["Treff per sted"].iter_rows(values_only=True))[1:19]] == published
    else:
        table = pd.read_csv(path, sep=";", encoding="utf-8-sig")
        assert list(table.itertuples(index=False, name=None)) == published
