"""The benchmark's browser part (map first paint) runs end to end on the demo database."""

from __future__ import annotations

import sys

import pytest

from dashboard import REPO_DIR

pytestmark = pytest.mark.browser


def test_map_first_paint_reports_every_figure(demo_db, browser, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_DIR / "bench"))
    sys.modules.pop("browser_paint", None)
    from browser_paint import map_first_paint

    paint = map_first_paint(demo_db.path, years=[2025, 2024], repeat=1, browser=browser)
    assert paint["repeat"] == 1
    for key in ("first_visit_s", "new_browser_s", "returning_browser_s", "cached_s"):
        assert 0 < paint[key] < 120, key
    assert 100 < paint["app_peak_rss_mb"] < 4000  # the Streamlit process, read from /proc
