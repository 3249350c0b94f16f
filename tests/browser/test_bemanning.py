"""The Bemanning page in a real browser: coverage gaps, both heatmaps, the editable staffing plan."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

YEAR_2025 = "from=2025-01-01&to=2025-12-31"


def test_bemanning_shows_gaps_heatmaps_and_the_plan(tab):
    page = tab.open(f"/bemanning?{YEAR_2025}")
    assert tab.exceptions() == []
    assert page.get_by_role("heading", name="Bemanning og dekning").is_visible()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=30_000)
    heatmaps = page.locator(".js-plotly-plot").filter(has=page.locator(".heatmaplayer"))
    assert heatmaps.count() == 2
    gaps = page.locator(".st-key-coverage_gaps")
    assert gaps.is_visible()
    first_gap = gaps.locator('[data-testid="stMarkdownContainer"]').first.inner_text()
    assert first_gap.startswith("1.") and ("fredag" in first_gap or "lørdag" in first_gap), first_gap
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]').count() >= 1
    assert page.get_by_role("button", name="Lagre bemanningsplanen").is_visible()
    assert tab.errors == [], tab.errors
    assert tab.foreign_requests == []
    tab.screenshot("bemanning")
