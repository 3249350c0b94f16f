"""The Data page in a real browser: upload a tally file as a Norwegian office saves it, read the
preview and the error report, import it, see it on the overview, and undo it from the history.

The app's database is shared with the other browser tests, so this test only adds data, in a month
(March 2021) the demo has none, and takes it away again.
"""

from __future__ import annotations

import csv
import io
import re
import time

import pytest

pytestmark = pytest.mark.browser

MARCH_2021 = "from=2021-03-01&to=2021-03-31"
AREA = "skjetten-strommen"
FAKE_NAME = "Ola Nordmann"
FILE_NAME = "treff-mars-2021.csv"
ROWS = [  # as a team's tally sheet, saved by Excel: ';', Windows-1252, dd.mm.yyyy, a comment column
    ["Dato", "Klokkeslett", "Sted", "Kanal", "Aldersgruppe", "Kjønn", "Antall", "Kommentar"],
    ["03.03.2021", "18.30", "Strømmen Storsenter", "Gatefelt", "13–15 år", "Gutt", "4", f"Snakket med {FAKE_NAME}"],
    ["05.03.2021", "19.15", "Strømmen Storsenter", "Gatefelt", "16-18", "Jente", "3", ""],
    ["31.02.2021", "20.00", "Strømmen Storsenter", "Gatefelt", "13-15", "Gutt", "5", "feil dato"],  # line 4: no such day
    ["12.03.2021", "20.45", "Stav skole", "Skolefelt", "13-15", "Jente", "2", ""],
]
BAD_LINE = 4
IMPORTED = 4 + 3 + 2  # young people met, in 3 tallies
TALLIES = 3


def tally_file() -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(ROWS)
    data = out.getvalue().encode("cp1252")
    assert "ø".encode("cp1252") in data and "–".encode("cp1252") in data
    return data


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().replace("\u00a0", " ").strip()


def contact_hits(tab) -> int:
    page = tab.open(f"/oversikt?{MARCH_2021}&area={AREA}&basemap=none")
    assert tab.exceptions() == []
    return int(metric_value(page, "Kontakt-treff").replace(" ", "") or 0)


def grid_text(table, timeout_s: float = 15) -> str:
    """The cells of an st.dataframe (drawn on a canvas; its accessible table holds the text, filled a
    moment after the grid appears)."""
    deadline = time.monotonic() + timeout_s
    while True:
        text = " ".join(table.locator('[role="gridcell"], td, th').all_inner_texts()) or table.inner_text()
        if text.strip() or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


def test_upload_preview_import_and_undo(tab):
    assert contact_hits(tab) == 0  # the demo has no registrations in March 2021

    page = tab.open("/data?basemap=none")
    assert tab.exceptions() == []
    page.get_by_role("tab", name="Importer registreringer").click()
    upload = page.locator('[data-testid="stFileUploader"]').filter(has_text="Fil").first
    upload.locator('input[type="file"]').set_input_files(
        {"name": FILE_NAME, "mimeType": "text/csv", "buffer": tally_file()})
    page.get_by_text("Forhåndsvisning").wait_for(timeout=60_000)
    tab.wait_idle()
    assert tab.exceptions() == []

    # the counts, the error report and the notice about the comment column
    assert metric_value(page, "Rader lest") == "4"
    assert metric_value(page, "Gyldige tellinger") == "3"
    assert metric_value(page, "Avviste rader") == "1"
    assert page.get_by_text("Feil per rad").is_visible()
    errors = page.locator('[data-testid="stDataFrame"]').first
    errors.wait_for()
    text = grid_text(errors)
    assert re.search(rf"\b{BAD_LINE}\b", text) and "31.02.2021" in text, text
    notices = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "Kommentar" in notices and "Fritekst" in notices, notices
    assert FAKE_NAME not in page.locator('[data-testid="stMain"]').inner_text()
    tab.screenshot("data")

    page.get_by_role("button", name="Importer", exact=True).click()
    tab.wait_idle()
    success = page.locator('[data-testid="stAlert"]').filter(has_text="Importerte").first
    success.wait_for(timeout=30_000)
    message = success.inner_text()
    assert f"Importerte {TALLIES} tellinger" in message and "1 rader avvist" in message, message
    batch = int(re.search(r"import nr\. (\d+)", message).group(1))
    assert tab.exceptions() == []

    assert contact_hits(tab) == IMPORTED

    # undo it in the history
    page = tab.open("/data?basemap=none")
    page.get_by_role("tab", name="Importhistorikk").click()
    history = page.locator('[data-testid="stTabContent"], [role="tabpanel"]').filter(has_text="Angre importen").first
    chooser = history.locator('[data-testid="stSelectbox"]').first
    if not chooser.inner_text().strip().splitlines()[-1].startswith(f"{batch}:"):
        chooser.click()
        page.get_by_role("option", name=re.compile(rf"^{batch}: ")).click()
        tab.wait_idle()
    undo = page.get_by_role("button", name="Angre importen")
    assert undo.is_disabled()
    page.get_by_text(f"Ja, fjern alt som kom inn med import nr. {batch}").click()
    tab.wait_idle()
    assert undo.is_enabled()
    undo.click()
    tab.wait_idle()
    page.get_by_text(f"Import nr. {batch} er angret. Antall rader fjernet: {TALLIES}.").wait_for(timeout=30_000)
    assert tab.exceptions() == []

    assert contact_hits(tab) == 0
    assert tab.errors == [], tab.errors
    assert tab.foreign_requests == []


def test_the_place_picking_map_shows_the_municipality(tab):
    page = tab.open("/data?basemap=none")
    page.get_by_role("tab", name="Steder").click()
    page.get_by_text("Velg punktet i kartet").click()
    tab.wait_idle()
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    markers = frame.locator("path.feltkart-hotspot")
    markers.first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    boxes = [b for b in (m.bounding_box() for m in markers.all()) if b]
    assert len(boxes) == 43
    xs = [b["x"] + b["width"] / 2 for b in boxes]
    ys = [b["y"] + b["height"] / 2 for b in boxes]
    # on /kart the same 43 hotspots spread over about 370 x 320 px
    assert max(xs) - min(xs) > 150 and max(ys) - min(ys) > 100, (max(xs) - min(xs), max(ys) - min(ys))
