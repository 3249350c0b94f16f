"""The Oppfølging og samarbeid page in a real browser: choose 2023, see the report's key figures,
the charts and the tables, small counts hidden by default."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_oppfolging_shows_the_2023_key_figures(tab):
    page = tab.open("/oppfolging")
    assert tab.exceptions() == []
    assert page.get_by_role("heading", name="Oppfølging og samarbeid").is_visible()
    page.locator('[data-testid="stSelectbox"]').filter(has_text="År").click()
    page.get_by_role("option", name="2023", exact=True).click()
    tab.wait_idle()
    assert tab.exceptions() == []
    figures = page.locator(".st-key-followup_key_figures [data-testid='stMetric']")
    texts = {f.locator('[data-testid="stMetricLabel"]').inner_text().strip():
             f.locator('[data-testid="stMetricValue"]').inner_text().strip() for f in figures.all()}
    assert texts["Oppfølgingssamtaler"] == "445", texts
    assert texts["Unike ungdommer i oppfølging"] == "93", texts
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=30_000)
    assert page.locator(".js-plotly-plot .funnellayer").count() == 1
    assert "year=2023" in page.url
    assert page.get_by_text("Til deling: tall under 5 vises som «:».").is_visible()
    assert tab.errors == [], tab.errors
    assert tab.foreign_requests == []
    tab.screenshot("oppfolging")
