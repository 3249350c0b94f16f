"""Running the real app and a browser tab on it: shared by the browser tests and the benchmark.

``running_app`` starts ``streamlit run dashboard/app.py`` in a folder of its own on a free port;
``Page`` is a Playwright tab that records (and blocks) every request to a host other than the app's.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from dashboard import REPO_DIR

APP_SCRIPT = REPO_DIR / "dashboard" / "app.py"
ARTIFACTS_DIR = REPO_DIR / "tests" / "artifacts"
DOCS_SCREENSHOTS_DIR = REPO_DIR / "docs" / "screenshots"
SCREENSHOT_WIDTH_PX = 900
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
APP_START_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- starting the app in a folder of its own ----------------------------------------------------

def app_folder(folder: Path, secrets: str | None) -> Path:
    """``folder`` with ``.streamlit/config.toml`` (the repository's) and, if given, secrets.toml."""
    streamlit_dir = folder / ".streamlit"
    streamlit_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_DIR / ".streamlit" / "config.toml", streamlit_dir / "config.toml")
    if secrets is not None:
        (streamlit_dir / "secrets.toml").write_text(secrets, encoding="utf-8")
    return folder


@contextmanager
def running_app(folder: Path, db_path: Path, *, address: str = "127.0.0.1", port: int | None = None,
                extra_env: dict | None = None):
    """Run ``streamlit run <abs>/dashboard/app.py`` with ``cwd=folder``; yield its port.

    The app's output goes to ``folder/streamlit-<port>.log`` and its process id to
    ``folder/streamlit-<port>.pid`` (the benchmark reads the app's memory through it)."""
    port = port or _free_port()
    log_path = folder / f"streamlit-{port}.log"
    env = {**os.environ, "FELTKART_DB": str(db_path), **(extra_env or {})}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), "--server.headless", "true",
             "--server.port", str(port), "--server.address", address, "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        (folder / f"streamlit-{port}.pid").write_text(str(process.pid))
        try:
            deadline = time.monotonic() + APP_START_TIMEOUT_S
            while True:
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.3)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def chromium_executable() -> str | None:
    """Debian's chromium (Playwright's own browser download is not possible here)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """A browser tab on the app that records requests to other hosts."""

    def __init__(self, browser, app_url: str, allow_tiles: bool = False):
        self.app_url = app_url
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO",
                                           timezone_id="Europe/Oslo")
        self.foreign_requests: list[str] = []
        app_host = urlparse(app_url).hostname

        def route(route, request):
            if urlparse(request.url).hostname in (app_host, "localhost", "127.0.0.1"):
                route.continue_()
            else:  # never let the test reach the internet; remember that the app tried
                self.foreign_requests.append(request.url)
                route.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self, path: str):
        self.page.goto(self.app_url + path)
        self.wait_idle()
        return self.page

    def wait_idle(self):
        """Wait until Streamlit has finished running the script and drawing."""
        page = self.page
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RUN_TIMEOUT_MS)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=RUN_TIMEOUT_MS)
        page.wait_for_timeout(300)  # let a rerun triggered by the URL sync start, then wait for it too
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RUN_TIMEOUT_MS)

    def exceptions(self) -> list[str]:
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def screenshot(self, name: str) -> Path:
        """Save a screenshot as a test artifact; with FELTKART_UPDATE_SCREENSHOTS=1 also a small
        copy for the README in docs/screenshots/."""
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        if os.environ.get("FELTKART_UPDATE_SCREENSHOTS") == "1":
            from PIL import Image

            DOCS_SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
            image = Image.open(path)
            image.thumbnail((SCREENSHOT_WIDTH_PX, SCREENSHOT_WIDTH_PX))
            image.convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(
                DOCS_SCREENSHOTS_DIR / f"{name}.png", optimize=True)
        return path

    def close(self):
        self.context.close()
