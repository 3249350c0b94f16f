"""Browser tests: the real app on a free port, driven by Playwright in Debian's chromium.

The app runs against its own copy of the demo database (built once per session with a fixed
"now"), so the tests may write notes. Every request to a host other than the app's is recorded;
tests decide whether any is allowed.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.browser.harness import (
    ARTIFACTS_DIR,
    CHROMIUM_ARGS,
    Page,
    app_folder,
    chromium_executable,
    running_app,
)


@pytest.fixture(scope="session")
def app_url(demo_db, tmp_path_factory):
    """Start the app on a copy of the demo database (on 127.0.0.1: local mode); yield its URL."""
    folder = app_folder(tmp_path_factory.mktemp("app"), secrets=None)
    db_path = folder / "feltkart.duckdb"
    shutil.copy(demo_db.path, db_path)
    with running_app(folder, db_path) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_executable()
    if executable is None:
        pytest.fail("Debian's chromium is not installed (scripts/test.sh installs it as root)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(browser, app_url):
    page = Page(browser, app_url)
    yield page
    page.close()


def record_timing(name: str, seconds: float) -> None:
    """Keep measured timings (first paint, filter change) as a test artifact."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / "timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    timings[name] = round(seconds, 3)
    path.write_text(json.dumps(timings, indent=1, sort_keys=True))
