"""The pages in a real browser: figures, filters from the URL, the offline map, notes."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import record_timing

pytestmark = pytest.mark.browser

YEAR_2023 = "from=2023-01-01&to=2023-12-31"


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().replace("\u00a0", " ").strip()


@pytest.mark.parametrize("path", ["/oversikt", "/kart", "/tid", "/trender", "/"])
def test_every_page_opens_without_error(tab, path):
    page = tab.open(path + "?" + YEAR_2023 + "&basemap=none")
    assert tab.exceptions() == []
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Periode", exact=True).is_visible()
    assert tab.errors == [], tab.errors
    assert tab.foreign_requests == []


def test_overview_reproduces_the_report_and_filters_narrow_it(tab):
    started = time.perf_counter()
    page = tab.open(f"/oversikt?{YEAR_2023}&channel=street,school&basemap=none")
    record_timing("overview_first_paint_s", time.perf_counter() - started)
    assert metric_value(page, "Kontakt-treff") == "33 636"
    tab.screenshot("oversikt")

    started = time.perf_counter()
    tab.open(f"/oversikt?{YEAR_2023}&channel=street,school&age=13-15&basemap=none")
    record_timing("overview_filter_change_s", time.perf_counter() - started)
    narrowed = int(metric_value(page, "Kontakt-treff").replace(" ", ""))
    assert 0 < narrowed < 33636


def test_filter_change_in_the_sidebar_updates_the_url_and_the_figure(tab):
    page = tab.open(f"/oversikt?{YEAR_2023}&channel=street,school&basemap=none")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Område").locator("input").click()
    page.keyboard.press("ArrowDown")  # opens the list even when the click only focused the field
    started = time.perf_counter()
    page.get_by_role("option", name="Fetsund").click()
    page.wait_for_function(  # the figure itself has changed: Fetsund's two report rows, 797 + 689
        r"""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                 .some(e => e.innerText.replace(/\s/g, ' ') === '1 486')""", timeout=30_000)
    record_timing("sidebar_filter_change_s", time.perf_counter() - started)
    page.keyboard.press("Escape")
    tab.wait_idle()
    assert "area=fetsund" in page.url
    assert metric_value(page, "Kontakt-treff") == "1 486"  # Fetsund's two report rows, 797 + 689


def test_invalid_url_values_are_ignored_with_a_warning(tab):
    page = tab.open(f"/oversikt?{YEAR_2023}&channel=street,school,teleport&age=999&from2=x&basemap=none")
    assert tab.exceptions() == []
    warnings = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]').all_inner_texts()
    assert any("teleport" in w for w in warnings) and any("999" in w for w in warnings)
    assert metric_value(page, "Kontakt-treff") == "33 636"


def test_map_renders_offline_with_one_marker_per_hotspot(tab):
    started = time.perf_counter()
    page = tab.open(f"/kart?{YEAR_2023}&channel=street,school&basemap=none")
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame.locator("path.feltkart-hotspot").first.wait_for(timeout=30_000)
    record_timing("map_first_paint_s", time.perf_counter() - started)
    assert frame.locator("path.feltkart-hotspot").count() == 43  # every hotspot had hits in 2023
    assert frame.locator("path.feltkart-area").count() == 7
    assert frame.locator(".leaflet-tile").count() == 0
    assert tab.foreign_requests == []
    tab.screenshot("kart")


def test_clicking_a_hotspot_shows_its_details(tab):
    page = tab.open(f"/kart?{YEAR_2023}&basemap=none&area=lillestrom-stasjon")
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    frame.locator("path.feltkart-hotspot").first.wait_for(timeout=30_000)
    markers = frame.locator("path.feltkart-hotspot")
    biggest = max(range(markers.count()), key=lambda i: markers.nth(i).bounding_box()["width"])
    markers.nth(biggest).dispatch_event("click")
    page.get_by_text("Detaljer: Lillestrøm stasjon").wait_for(timeout=30_000)
    assert "hotspot=lillestrom-stasjon" in page.url
    assert tab.exceptions() == []


def test_time_page_shows_the_heatmap(tab):
    page = tab.open(f"/tid?{YEAR_2023}")
    assert page.get_by_text("Ukedag og klokkeslett").is_visible()
    assert page.locator(".js-plotly-plot").count() >= 3
    tab.screenshot("tid")


def test_a_note_added_in_the_form_shows_on_the_trends_page_after_reload(tab):
    page = tab.open(f"/trender?{YEAR_2023}")
    form = page.locator('[data-testid="stForm"]').first
    form.locator("textarea").fill("Nettlesertest: flere ungdommer ved skateparken etter stengetid")
    form.get_by_label("Skrevet av").fill("Feltteam test")
    form.locator('[data-testid="stSelectbox"]').filter(has_text="Område").click()
    page.get_by_role("option", name="Lillestrøm stasjonsområde").click()
    form.get_by_role("button", name="Lagre notat").click()
    tab.wait_idle()
    assert page.get_by_text("La til notat nr.").is_visible()
    page.reload()
    tab.wait_idle()
    assert page.get_by_text("Nettlesertest: flere ungdommer ved skateparken").first.is_visible()
