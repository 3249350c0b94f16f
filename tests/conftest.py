"""Fixtures as code: the demo database is built once per test session by the real generator."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from dashboard.db import Database
from dashboard.seed import build_demo

# A fixed "now" so the demo data, and the tests about it, do not depend on the day they run.
DEMO_UNTIL = datetime(2026, 11, 27, 9, 0)
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"


TEST_ACTOR = "pytest"


@pytest.fixture(autouse=True, scope="session")
def _tests_act_as_admin():
    """Tests call the write functions directly, as the command line does: explicitly as an admin.

    Nobody has a role by default (dashboard/access.py): without this, every write would be refused.
    Tests of that default run in a fresh ``contextvars.Context()`` or a new thread, which start
    without it; AppTest runs the app in a thread of its own, where dashboard/signin.py sets the role.
    """
    from dashboard import access

    with access.acting_as(TEST_ACTOR, "admin"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _operations_log_off():
    """No JSON log lines in the tests' output (tests of dashboard/logs.py turn it on)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FELTKART_LOG", "off")
        yield


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Database:
    """A read-only-by-convention demo database; tests that write must use ``fresh_db``."""
    db = Database(tmp_path_factory.mktemp("demo") / "feltkart.duckdb")
    build_demo(db, until=DEMO_UNTIL)
    return db


@pytest.fixture
def clean_env(monkeypatch):
    """Norwegian messages, and no database chosen by the shell's environment (modules that need
    this say ``pytestmark = pytest.mark.usefixtures("clean_env")``)."""
    monkeypatch.delenv("FELTKART_LANG", raising=False)
    monkeypatch.delenv("FELTKART_DB", raising=False)


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Database:
    """A copy of the demo database that the test may write to."""
    import shutil

    path = tmp_path / "feltkart.duckdb"
    shutil.copyfile(demo_db.path, path)
    return Database(path)


@pytest.fixture
def fresh_db(tmp_path) -> Database:
    """An empty database path of the test's own (no file yet)."""
    return Database(tmp_path / "feltkart.duckdb")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is not present")
    return SHARED_DIR


@pytest.fixture(autouse=True, scope="session")
def _apptest_serves_on_loopback():
    """AppTest runs the app in this process: like scripts/run.sh, on a loopback address, where the
    app may show a database with real imports without sign-in (see dashboard/signin.py)."""
    from streamlit import config

    config.set_option("server.address", "127.0.0.1")


def _clear_streamlit_caches() -> None:
    import streamlit as st

    st.cache_resource.clear()  # ui.database() would otherwise keep another module's database path
    st.cache_data.clear()


@pytest.fixture(scope="module")
def app_db(demo_db, tmp_path_factory):
    """A copy of the demo database an AppTest of the app may write to, selected through
    FELTKART_DB (module-wide; tests only add, each its own things)."""
    import shutil

    path = tmp_path_factory.mktemp("app") / "feltkart.duckdb"
    shutil.copyfile(demo_db.path, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FELTKART_DB", str(path))
        mp.delenv("FELTKART_LANG", raising=False)
        _clear_streamlit_caches()
        yield Database(path)
        _clear_streamlit_caches()
