"""Sign-in and the modes without it, in a real browser.

With ``[auth]`` in the secrets, a real OpenID Connect round trip against ``oidc-provider-mock``
(run in a thread of this test process, on localhost): the first page asks to sign in and shows
no data; an editor signs in at the provider, sees the figures and adds a note; a reader is
refused the write by the server; an unknown address gets "har ikke tilgang". Every request the
browser makes stays on this machine (the mock's own page links a CDN stylesheet: that request
is aborted and allowed only from the mock's page, never from the app).

Without ``[auth]``: on a loopback address the app is a local admin tool; on an open address it
shows the demo only, and refuses a database with a real import.

Streamlit reads ``.streamlit/secrets.toml`` from its working directory, so each app here runs in
a folder of its own with its own secrets and a copy of the repository's config.toml, and is
given the absolute path of dashboard/app.py (static files are still served from
dashboard/static, next to the script).
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
import warnings
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dashboard import access, import_store
from dashboard.db import Database
from dashboard.importer import PlaceIndex, parse_file
from tests.browser.harness import Page, _free_port, app_folder, running_app

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore:get_jwt_config")]  # the mock provider's use of Authlib

EDITOR = "redaktor@kommune.no"
READER = "leser@kommune.no"
ADMIN = "leder@kommune.no"
STRANGER = "ukjent@example.org"
# The mock provider's own HTML page links its stylesheet from a CDN (the test tool, not the app).
MOCK_STYLESHEET_HOST = "cdn.jsdelivr.net"
# The overview's map has Kartverket's tile base map on by default (after sign-in the app lands on
# /oversikt without ?basemap=none): its tiles are the one foreign request the app itself may make.
TILE_HOST = "cache.kartverket.no"
TINY_CSV = ("Dato;Klokkeslett;Sted;Kanal;Aldersgruppe;Kjønn;Antall\r\n"
            "03.03.2025;18.30;Lillestrøm stasjon;gatefelt;13-15;gutt;2\r\n").encode("cp1252")
NOTE_TEXT = "Innloggingstest: flere ungdommer ved perrongen etter kl. 22"
READER_NOTE_TEXT = "Lesertest: dette skal ikke lagres"


class Tab(Page):
    """A browser tab that records each request to another host with the page that made it."""

    def __init__(self, browser, app_url: str):
        super().__init__(browser, app_url)
        self.context.unroute("**/*")
        self.foreign: list[tuple[str, str]] = []  # (request url, url of the page that asked)
        local = {"localhost", "127.0.0.1", urlparse(app_url).hostname}

        def route(route, request):
            if urlparse(request.url).hostname in local:
                route.continue_()
            else:
                try:
                    origin = request.frame.url
                except Exception:  # noqa: BLE001 - a request without a frame (service worker)
                    origin = "?"
                self.foreign.append((request.url, origin))
                route.abort()

        self.context.route("**/*", route)

    def foreign_from_app(self, provider_url: str) -> list[tuple[str, str]]:
        """Foreign requests except the mock provider page's own stylesheet and the base-map tiles."""
        return [(url, origin) for url, origin in self.foreign
                if not (urlparse(url).hostname == MOCK_STYLESHEET_HOST and origin.startswith(provider_url))
                and not (urlparse(url).hostname == TILE_HOST and url.endswith(".png"))]


def note_count(db_path: Path, text: str) -> int:
    with Database(db_path).read() as con:
        return con.execute("SELECT count(*) FROM trend_notes WHERE body = $text", {"text": text}).fetchall()[0][0]


# --- sign-in with a mock OpenID Connect provider ------------------------------------------------

@pytest.fixture(scope="module")
def provider():
    """``oidc-provider-mock`` on a free localhost port, in a thread of this process."""
    with warnings.catch_warnings():  # it imports Authlib modules that Authlib itself calls deprecated
        warnings.simplefilter("ignore")
        mock = pytest.importorskip("oidc_provider_mock", reason="needs oidc-provider-mock<0.4 (test extra)")
        pytest.importorskip("authlib", reason="needs streamlit[auth] (Authlib) for st.login")
    old = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on localhost
    try:
        with mock.run_server_in_thread(port=0) as server:
            yield f"http://localhost:{server.server_port}"
    finally:
        if old is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = old


@pytest.fixture(scope="module")
def signin_app(provider, demo_db, tmp_path_factory):
    """The app with ``[auth]`` pointing at the mock provider; yields (url, db path)."""
    folder = tmp_path_factory.mktemp("signin-app")
    db_path = folder / "feltkart.duckdb"
    shutil.copy(demo_db.path, db_path)
    port = _free_port()
    app_folder(folder, f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "feltkart-test-cookie-secret-0123456789abcdef"
client_id = "feltkart-test"
client_secret = "feltkart-test-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[feltkart]
admins = ["{ADMIN}"]
editors = ["{EDITOR}"]
readers = ["{READER}", "*@samarbeidspartner.no"]
""")
    with running_app(folder, db_path, port=port, extra_env={"AUTHLIB_INSECURE_TRANSPORT": "1"}):
        yield f"http://localhost:{port}", db_path  # localhost: the host of redirect_uri, where the cookie is set


@pytest.fixture
def signin_tab(browser, signin_app):
    tab = Tab(browser, signin_app[0])
    yield tab
    tab.close()


def sign_in(tab: Tab, provider: str, email: str) -> None:
    """From the app's sign-in page: "Logg inn", authorise ``email`` at the mock provider, come back.

    The mock's form takes the subject in ``input[name=sub]``; a subject it has not seen becomes a
    user whose ``email`` claim is the subject (oidc_provider_mock._app.authorize)."""
    page = tab.page
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**", timeout=30_000)
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{tab.app_url}/**", timeout=30_000)
    tab.wait_idle()


def sign_out(tab: Tab, provider: str) -> None:
    """"Logg ut" in the sidebar: Streamlit clears its cookie and sends us to the provider's
    end-session page, which sends us back to the app after "End session"."""
    page = tab.page
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Logg ut").click()
    page.wait_for_url(f"{provider}/oauth2/end_session**", timeout=30_000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{tab.app_url}/**", timeout=30_000)
    tab.wait_idle()


def add_note_in_form(tab: Tab, text: str) -> None:
    page = tab.open("/trender?basemap=none")
    form = page.locator('[data-testid="stForm"]').first
    form.locator("textarea").fill(text)
    form.get_by_label("Skrevet av").fill("Feltteam test")
    form.locator('[data-testid="stSelectbox"]').filter(has_text="Område").click()
    page.get_by_role("option", name="Lillestrøm stasjonsområde").click()
    form.get_by_role("button", name="Lagre notat").click()
    tab.wait_idle()


def assert_sign_in_page(tab: Tab) -> None:
    page = tab.page
    assert page.get_by_text("Logg inn med kommunens brukerkonto").is_visible()
    assert page.get_by_role("button", name="Logg inn").is_visible()
    # no data: no figures, no map, no chart, no navigation, nobody signed in
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 0
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.locator('[data-testid="stPageLink"]').count() == 0
    assert page.get_by_text("Innlogget som").count() == 0
    assert tab.exceptions() == []


def test_the_first_page_asks_to_sign_in_and_shows_no_data(signin_tab, provider):
    signin_tab.open("/")
    assert_sign_in_page(signin_tab)
    signin_tab.open("/kart")  # a deep link does not get past it either
    assert_sign_in_page(signin_tab)
    assert signin_tab.foreign_from_app(provider) == []


def test_an_editor_signs_in_adds_a_note_and_signs_out_then_a_reader_is_refused(signin_tab, provider, signin_app):
    tab, (_, db_path) = signin_tab, signin_app
    page = tab.open("/")
    sign_in(tab, provider, EDITOR)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text(f"Innlogget som {EDITOR} (redaktør)").is_visible()
    assert urlparse(page.url).path == "/oversikt"
    assert page.get_by_role("heading", name="Oversikt").is_visible()
    assert page.locator('[data-testid="stMetric"]').count() >= 3
    assert page.locator('[data-testid="stMetric"]').first.get_by_text("Kontakt-treff").is_visible()
    assert tab.exceptions() == []
    tab.screenshot("signin-editor")

    add_note_in_form(tab, NOTE_TEXT)
    assert page.get_by_text("La til notat nr.").is_visible()
    assert note_count(db_path, NOTE_TEXT) == 1
    with Database(db_path).read() as con:
        actor, role = con.execute("SELECT actor, role FROM audit_log WHERE action = 'note.add' "
                                  "ORDER BY id DESC LIMIT 1").fetchall()[0]
    assert (actor, role) == (EDITOR, "editor")

    sign_out(tab, provider)
    assert_sign_in_page(tab)

    sign_in(tab, provider, READER)
    assert sidebar.get_by_text(f"Innlogget som {READER} (leser)").is_visible()
    add_note_in_form(tab, READER_NOTE_TEXT)
    assert page.get_by_text("Du har ikke tilgang til dette: det krever rollen redaktør, "
                            "og du har rollen leser.").is_visible()
    assert page.get_by_text("La til notat nr.").count() == 0
    assert note_count(db_path, READER_NOTE_TEXT) == 0
    assert tab.exceptions() == []
    assert tab.foreign_from_app(provider) == []
    assert tab.errors == []


def test_an_unknown_address_has_no_access(signin_tab, provider):
    tab = signin_tab
    page = tab.open("/")
    sign_in(tab, provider, STRANGER)
    assert page.get_by_text(f"{STRANGER} har ikke tilgang til Feltkart").is_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stPageLink"]').count() == 0
    assert page.get_by_role("button", name="Logg ut").is_visible()
    tab.open("/data")  # no page opens for it
    assert page.get_by_text(f"{STRANGER} har ikke tilgang til Feltkart").is_visible()
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert tab.exceptions() == []
    assert tab.foreign_from_app(provider) == []


def set_mock_user(provider: str, sub: str, claims: dict) -> None:
    """Give the mock provider's user ``sub`` these claims (its ``PUT /users/<sub>`` endpoint)."""
    request = urllib.request.Request(f"{provider}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    assert urllib.request.urlopen(request, timeout=10).status == 204


def test_a_verified_admin_gets_admin_and_an_unverified_address_gets_nothing(browser, signin_app, provider):
    """Roles go by e-mail address: an address the provider marks unverified must not get the role
    that address is configured for (anyone may put someone else's address on an account)."""
    set_mock_user(provider, "ekte-leder", {"email": ADMIN, "email_verified": True})
    set_mock_user(provider, "falsk-leder", {"email": ADMIN, "email_verified": False})
    for sub, expected in (("ekte-leder", f"Innlogget som {ADMIN} (admin)"),
                          ("falsk-leder", f"{ADMIN} har ikke tilgang til Feltkart")):
        tab = Tab(browser, signin_app[0])
        try:
            page = tab.open("/?basemap=none")
            sign_in(tab, provider, sub)
            assert page.get_by_text(expected).is_visible(), sub
            assert (page.locator('[data-testid="stMetric"]').count() > 0) == (sub == "ekte-leder")
            assert tab.exceptions() == [] and tab.foreign_from_app(provider) == []
        finally:
            tab.close()


# --- without sign-in: local mode and demo mode --------------------------------------------------

@pytest.fixture(scope="module")
def plain_folder(tmp_path_factory):
    """A working folder with the repository's config.toml and no secrets at all."""
    return app_folder(tmp_path_factory.mktemp("plain-app"), secrets=None)


@pytest.fixture(scope="module")
def real_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo database with one real file import (made as an admin)."""
    path = tmp_path_factory.mktemp("real") / "feltkart.duckdb"
    shutil.copy(demo_db.path, path)
    db = Database(path)
    parsed = parse_file(TINY_CSV, "registreringer.csv", PlaceIndex.from_database(db), today=date(2026, 11, 27))
    with access.acting_as("test-admin", "admin"):
        report = import_store.commit_import(db, parsed, source_name="registreringer.csv")
    assert report.batch_id is not None and report.rows_imported == 1
    return path


@pytest.fixture(scope="module")
def demo_copy(demo_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo-copy") / "feltkart.duckdb"
    shutil.copy(demo_db.path, path)
    return path


def test_on_an_open_address_the_demo_shows_with_a_banner(browser, plain_folder, demo_copy):
    with running_app(plain_folder, demo_copy, address="0.0.0.0") as port:
        tab = Tab(browser, f"http://127.0.0.1:{port}")
        try:
            page = tab.open("/?basemap=none")
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert sidebar.get_by_text("Demo uten innlogging: bare demodata kan vises på en åpen adresse.").is_visible()
            assert page.locator('[data-testid="stMetric"]').count() >= 3
            # static files are served from dashboard/static although the app runs in another folder
            leaflet = page.request.get(f"{tab.app_url}/app/static/vendor/leaflet.js")
            assert leaflet.ok and b"Leaflet" in leaflet.body()[:2000]
            assert tab.exceptions() == [] and tab.foreign == []
        finally:
            tab.close()


def test_on_an_open_address_a_database_with_real_imports_is_refused(browser, plain_folder, real_db):
    with running_app(plain_folder, real_db, address="0.0.0.0") as port:
        tab = Tab(browser, f"http://127.0.0.1:{port}")
        try:
            page = tab.open("/?basemap=none")
            assert page.get_by_text("Denne databasen har ekte registreringer, og innlogging er ikke satt opp.").is_visible()
            assert page.locator('[data-testid="stMetric"]').count() == 0
            assert page.locator('[data-testid="stPageLink"]').count() == 0
            tab.open("/data")
            assert page.get_by_text("Denne databasen har ekte registreringer").is_visible()
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert tab.exceptions() == [] and tab.foreign == []
        finally:
            tab.close()


def test_on_loopback_the_real_database_shows_with_the_local_banner(browser, plain_folder, real_db):
    with running_app(plain_folder, real_db, address="127.0.0.1") as port:
        tab = Tab(browser, f"http://127.0.0.1:{port}")
        try:
            page = tab.open("/?basemap=none")
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert sidebar.get_by_text("Uten innlogging: appen er bare tilgjengelig på denne maskinen.").is_visible()
            assert page.locator('[data-testid="stMetric"]').count() >= 3
            assert tab.exceptions() == [] and tab.foreign == []
        finally:
            tab.close()
