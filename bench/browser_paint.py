"""First paint of the map page in a real browser (Debian chromium), on a benchmark database.

The app runs on a copy of the database (it may migrate or stamp it) with the base map "none", so
no tile server is involved: the time is from ``page.goto`` of ``/kart`` in a new browser context
(a new Streamlit session) until the first hotspot marker is drawn in the map's iframe.

* ``first_visit_s``: the first session after the app started (Python imports, cold DuckDB, empty
  ``st.cache_data``) — what the first user of the morning sees.
* ``new_browser_s``: a new browser profile (empty HTTP cache) with a filter no one has asked for
  yet (one year each, all areas, street field) — nothing is cached anywhere for it.
* ``returning_browser_s``: a new tab in a browser that has opened the app before (Streamlit's
  hashed scripts come from the HTTP cache), again with a filter not asked for before.
* ``cached_s``: a new tab with a filter another session has already seen (``st.cache_data`` hit).
* ``app_peak_rss_mb``: the Streamlit process's peak memory after all those page loads.

Medians of ``repeat`` runs for the last three. For scale: a bare page with only an ``st_folium``
map of one marker paints in about 2 s on the 2-core test machine (Streamlit's own scripts, the
component's iframe and Leaflet); the rest is Feltkart's page.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.browser.harness import (
    CHROMIUM_ARGS,
    Page,
    app_folder,
    chromium_executable,
    running_app,
)

MARKER = "path.feltkart-hotspot"


def _kart_url(year: int, channel: str) -> str:
    return f"/kart?from={year}-01-01&to={year}-12-31&channel={channel}&compare=last_year&basemap=none"


def _paint_seconds(tab: Page, path: str) -> float:
    page = tab.context.new_page()
    try:
        started = time.perf_counter()
        page.goto(tab.app_url + path)
        frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
        frame.locator(MARKER).first.wait_for(timeout=120_000)
        seconds = time.perf_counter() - started
        if tab.foreign_requests:
            raise RuntimeError(f"the map page asked other hosts: {tab.foreign_requests[:3]}")
        return seconds
    finally:
        page.close()


def _in_new_browser(browser, app_url: str, path: str) -> float:
    tab = Page(browser, app_url)  # a browser context of its own: empty cache, new session
    try:
        return _paint_seconds(tab, path)
    finally:
        tab.close()


def map_first_paint(db_path: Path, years: list[int], repeat: int = 5, browser=None) -> dict:
    """Seconds to the first drawn marker of ``/kart`` (see the module docstring). ``browser``: a
    running Playwright chromium to use (the tests have one); else Debian's chromium is started."""
    if browser is not None:
        return _measure(browser, db_path, years[:repeat + 1])
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed (scripts/test.sh installs it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            return _measure(browser, db_path, years[:repeat + 1])
        finally:
            browser.close()


def _measure(browser, db_path: Path, years: list[int]) -> dict:
    with tempfile.TemporaryDirectory(prefix="feltkart-paint-") as tmp:
        folder = app_folder(Path(tmp), secrets=None)
        db_copy = folder / "feltkart.duckdb"
        shutil.copy(db_path, db_copy)
        with running_app(folder, db_copy) as port:
            app_url = f"http://127.0.0.1:{port}"
            returning = Page(browser, app_url)
            try:
                first = _in_new_browser(browser, app_url, _kart_url(years[0], "street"))
                new_browser = [_in_new_browser(browser, app_url, _kart_url(year, "street")) for year in years[1:]]
                _paint_seconds(returning, _kart_url(years[0], "street"))  # fills this browser's cache
                returning_browser = [_paint_seconds(returning, _kart_url(year, "school")) for year in years[1:]]
                cached = [_paint_seconds(returning, _kart_url(years[0], "street")) for _ in years[1:]]
                app_peak_rss_mb = _peak_rss_mb(int((folder / f"streamlit-{port}.pid").read_text()))
            finally:
                returning.close()
    return {"first_visit_s": round(first, 2), "new_browser_s": _median(new_browser),
            "returning_browser_s": _median(returning_browser), "cached_s": _median(cached),
            "repeat": len(years) - 1, "app_peak_rss_mb": app_peak_rss_mb}


def _peak_rss_mb(pid: int) -> float | None:
    """The Streamlit process's peak resident memory (Linux: VmHWM), after all the page loads."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kilobytes = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return None if kilobytes is None else round(kilobytes / 1024, 1)


def _median(seconds: list[float]) -> float:
    return round(statistics.median(seconds), 2)
