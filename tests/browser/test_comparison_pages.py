"""In a real browser: a comparison period without data shows no change, colours nothing and ranks
nothing, and a period that reaches past the last data is compared over its days with data. The
demo's registrations run from 01.01.2022 to 26.11.2026."""

from __future__ import annotations

import pytest

from dashboard import maps

pytestmark = pytest.mark.browser

YEAR_2022 = "from=2022-01-01&to=2022-12-31&basemap=none"
NOTE_2022 = "Ingen endring vises: ingen data i sammenligningsperioden 01.01.2021–31.12.2021"


def _hex(css_colour: str) -> str:
    return css_colour.lower()


def test_overview_without_data_in_the_comparison_period(tab):
    page = tab.open(f"/oversikt?{YEAR_2022}")
    assert tab.exceptions() == [] and tab.errors == []
    assert page.get_by_text(NOTE_2022).is_visible()
    assert page.locator('[data-testid="stMetricDelta"]').count() == 0  # no "+24 372" from nothing
    tab.screenshot("comparison-no-data-oversikt")


def test_map_colours_no_place_without_data_to_compare_with(tab):
    page = tab.open(f"/kart?{YEAR_2022}")
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    frame.locator("path.feltkart-hotspot").first.wait_for(timeout=30_000)
    fills = {_hex(frame.locator("path.feltkart-hotspot").nth(i).get_attribute("fill"))
             for i in range(frame.locator("path.feltkart-hotspot").count())}
    assert fills == {maps.MARKER_COLOURS["none"]}
    assert page.get_by_text(NOTE_2022).is_visible()
    assert page.get_by_text("ingen endring er vurdert (ingen data i sammenligningsperioden)").is_visible()
    assert tab.foreign_requests == []
    tab.screenshot("comparison-no-data-kart")


def test_trends_rank_no_riser_without_data_to_compare_with(tab):
    page = tab.open(f"/trender?{YEAR_2022}")
    assert tab.exceptions() == []
    assert page.get_by_text("Ingen endringer er vurdert: ingen data i sammenligningsperioden.").is_visible()
    tab.screenshot("comparison-no-data-trender")


def test_a_year_past_the_last_data_is_compared_over_its_days_with_data(tab):
    page = tab.open("/oversikt?from=2026-01-01&to=2026-12-31&basemap=none")
    assert tab.exceptions() == []
    assert page.get_by_text("sammenlignet med 01.01.2025–26.11.2025 (registreringene går til 26.11.2026: "
                            "endringen gjelder 01.01.2026–26.11.2026)").is_visible()
    assert page.locator('[data-testid="stMetricDelta"]').count() >= 1
    tab.screenshot("comparison-clipped-oversikt")
