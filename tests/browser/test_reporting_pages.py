"""The presenting and reporting pages in the browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_presentation_pages_turn_with_the_arrow_keys_and_hide_small_counts(tab):
    page = tab.open("/presentasjon?from=2023-01-01&to=2023-12-31&basemap=none")
    assert tab.exceptions() == []
    assert page.get_by_text("Side 1 av").is_visible()
    page.keyboard.press("ArrowRight")
    tab.wait_idle()
    assert page.get_by_text("Side 2 av").is_visible()
    assert page.get_by_role("heading", name="Nøkkeltall").is_visible()
    page.get_by_role("button", name="Neste →").click()
    tab.wait_idle()
    assert page.get_by_text("Side 3 av").is_visible()
    assert page.locator('[data-testid="stImage"] img').count() >= 1  # the static map, drawn without tiles
    assert tab.foreign_requests == []
    tab.screenshot("presentasjon")


def test_annual_report_page_shows_the_2023_report(tab):
    page = tab.open("/arsrapport")
    assert tab.exceptions() == []
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="År")
    box.click()
    page.get_by_role("option", name="2023", exact=True).click()
    tab.wait_idle()
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Treff på gata og på skolene i alt")
    assert metric.locator('[data-testid="stMetricValue"]').inner_text().replace("\u00a0", " ") == "33 636"
    assert page.get_by_role("button", name="Last ned som Word (.docx)").is_visible()
    tab.screenshot("arsrapport")
