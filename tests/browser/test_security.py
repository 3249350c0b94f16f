"""Hostile text stored in the database, then every page in a real browser: nothing runs, nothing is
evaluated, nothing leaves the app, and the text is shown literally.

The module starts its own app on its own copy of the demo database (the session app's database is
shared with other tests, which count hotspots and notes), writes the payloads of
tests/security_payloads.py through the same functions the forms use, and only then opens pages.

After each page, in the page and in every iframe (the folium map runs in one): ``window.__xss`` is
unset, no dialog opened, no ``tpl49tpl`` (a Jinja evaluation) anywhere, no element carries a
payload as an attribute (``onerror``, ``href="javascript:..."``, a link to evil.example), no request
went to another host, and Streamlit showed no exception.
"""

from __future__ import annotations

import shutil
from datetime import date
from urllib.parse import quote

import pytest

from dashboard import focus, hkh, import_store, importer, notes, places
from dashboard.db import Database
from tests import security_payloads as P
from tests.browser.harness import Page, app_folder, running_app

pytestmark = pytest.mark.browser

PERIOD = "from=2026-01-01&to=2026-11-27&basemap=none"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

# hotspot id -> its new, hostile name (the first three are in the HKH mapping written below)
RENAMED = {
    "volla": P.SCRIPT_TAG,
    "lillestrom-stasjon": P.MARKDOWN_LINK,
    "strommen-storsenter": P.IMG_ONERROR,
    "kulturkvartalet": P.JINJA_MARKED,
    "lillestrom-skatepark": P.JINJA_RAW,
    "flomvollen": P.IFRAME_BREAKOUT,
    "lillestrom-gagata": P.SVG_ONLOAD,
    "stillverksveien": P.FORMULA,
    "vigernes": P.ENTITY,
    "skjetten-senter": P.MARKDOWN_PHISH,
}
# note body payload -> the hotspot it is about (one per hotspot, so every map tooltip shows its note)
NOTE_AT = {
    P.SCRIPT_TAG: "volla",
    P.IMG_ONERROR: "strommen-storsenter",
    P.SVG_ONLOAD: "lillestrom-gagata",
    P.IFRAME_BREAKOUT: "flomvollen",
    P.ENTITY: "vigernes",
    P.JINJA_MARKED: "kulturkvartalet",
    P.JINJA_RAW: "lillestrom-skatepark",
    P.MARKDOWN_LINK: "lillestrom-stasjon",
    P.MARKDOWN_PHISH: "skjetten-senter",
    P.FORMULA: "stillverksveien",
    P.SQL: "sten-taerud-skole",
    P.JS_URL: "skedsmokorset-senter",
    P.RTL_OVERRIDE: "fetsund-stasjon",
    P.NUL_BYTE: "frogner-stasjon",
}
HKH_TITLE = "HKH " + P.SCRIPT_TAG
HKH_MEASURE, HKH_OWNER, HKH_NOTES = P.IMG_ONERROR, P.MARKDOWN_LINK, P.JINJA_MARKED
DECISIONS = [(P.MARKDOWN_LINK, P.SCRIPT_TAG), (P.IMG_ONERROR, P.JINJA_MARKED), (P.MARKDOWN_PHISH, P.SQL)]
IMPORT_NAME = P.IMG_ONERROR + ".csv"


def write_payloads(db: Database) -> None:
    """Every kind of user-written text in the database gets a payload."""
    for hotspot_id, name in RENAMED.items():
        places.update_hotspot(db, hotspot_id, name=name)
    for number, (body, hotspot_id) in enumerate(NOTE_AT.items()):
        notes.add_note(db, notes.NoteDraft(body=body, period_start=date(2026, 11, 20), period_end=date(2026, 11, 27),
                                           hotspot_id=hotspot_id, tags=("drugs",) if number % 2 else (),
                                           author=body[:notes.MAX_AUTHOR_CHARS], shareable=bool(number % 2)))
    mapping_id = hkh.create_mapping(db, title=HKH_TITLE, mapped_on=date(2026, 11, 27),
                                    hotspot_ids=["volla", "lillestrom-stasjon", "strommen-storsenter"],
                                    baseline=(date(2026, 1, 1), date(2026, 6, 30)),
                                    followup=(date(2026, 7, 1), date(2026, 11, 27)))
    hkh.add_action(db, mapping_id, measure=HKH_MEASURE, owner=HKH_OWNER, status="planned", notes=HKH_NOTES)
    suggestions, _ = focus.suggest(db, date(2026, 11, 28))
    for decided_by, rationale in DECISIONS:
        focus.record_decision(db, period_start=date(2026, 11, 28), period_end=date(2026, 12, 25),
                              decided_by=decided_by, rationale=rationale, items=suggestions[:1])
    teams = [p for p in P.SHORT if p.strip() == p and len(p) <= importer.MAX_TEAM_CHARS]
    lines = ["dato;kl;sted;kanal;alder;kjønn;antall;team"]
    lines += [f'20.11.2026;18.{i:02d};Volla;gatefelt;13-15;gutt;3;"{t.replace(chr(34), chr(34) * 2)}"'
              for i, t in enumerate(teams)]
    lines.append("21.11.2026;18.00;" + P.SQL_QUOTES + ";gatefelt;13-15;gutt;3;A")  # an unknown place
    parsed = importer.parse_file("\n".join(lines).encode("utf-8"), IMPORT_NAME, importer.PlaceIndex.from_database(db),
                                 today=date(2026, 11, 27))
    report = import_store.commit_import(db, parsed, source_name=IMPORT_NAME)
    assert report.rows_imported == len(teams) and report.rows_rejected == 1


@pytest.fixture(scope="module")
def hostile_app(demo_db, tmp_path_factory):
    """The app on a copy of the demo database full of payloads; yields its URL."""
    folder = app_folder(tmp_path_factory.mktemp("hostile_app"), secrets=None)
    db = Database(folder / "feltkart.duckdb")
    shutil.copy(demo_db.path, db.path)
    write_payloads(db)
    with running_app(folder, db.path, extra_env={"FELTKART_LANG": "nb"}) as port:
        yield f"http://127.0.0.1:{port}"


class HostileTab(Page):
    """A tab that also records dialogs (and dismisses them)."""

    def __init__(self, browser, app_url: str):
        super().__init__(browser, app_url)
        self.dialogs: list[str] = []

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        self.page.on("dialog", on_dialog)


@pytest.fixture
def htab(browser, hostile_app):
    tab = HostileTab(browser, hostile_app)
    yield tab
    tab.close()


# Run in every frame: what a successful injection would leave behind.
_INSPECT = r"""() => {
    const attributes = [], links = [];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase(), value = attr.value || '';
            if (name.startsWith('on') && value.includes('__xss')) attributes.push(`${el.tagName} ${name}=${value}`);
            if (['src', 'action', 'formaction', 'data', 'xlink:href'].includes(name) && /^\s*javascript:/i.test(value))
                attributes.push(`${el.tagName} ${name}=${value}`);
        }
    }
    for (const a of document.querySelectorAll('a')) {
        const href = a.getAttribute('href') || '', text = (a.innerText || '').trim();
        if (/^\s*javascript:/i.test(href) || /evil/.test(href) || ['click', 'url-click', 'Logg inn'].includes(text))
            links.push({href, text});
    }
    const inputs = [...document.querySelectorAll('input, textarea')].map(e => e.value);
    return {xss: typeof window.__xss === 'undefined' ? null : String(window.__xss), attributes, links, inputs,
            text: document.body ? document.body.innerText : '',
            html: document.documentElement ? document.documentElement.outerHTML : ''};
}"""


def inspect_frames(page) -> list[dict]:
    found = []
    for frame in page.frames:
        try:
            result = frame.evaluate(_INSPECT)
        except Exception as exc:
            if "detached" in str(exc).lower() or "destroyed" in str(exc).lower():
                continue
            raise
        result["url"] = frame.url
        found.append(result)
    return found


def expand_all(tab: HostileTab) -> None:
    for summary in tab.page.locator('[data-testid="stExpander"] summary').all():
        if summary.is_visible():
            summary.click()
    tab.wait_idle()


def map_tooltips(page) -> list[str]:
    """Hover every hotspot marker of the (first) map and return the tooltips' texts."""
    frame_locator = page.frame_locator(MAP_FRAME).first
    frame_locator.locator("path.feltkart-hotspot").first.wait_for(timeout=30_000)
    frame_locator.locator("path.feltkart-hotspot").first.hover(force=True)  # one real hover
    frame = next(f for f in page.frames if f != page.main_frame and "leaflet" in f.content().lower())
    return frame.evaluate(r"""async () => {
        const texts = [];
        for (const path of document.querySelectorAll('path.feltkart-hotspot')) {
            const box = path.getBoundingClientRect();
            const at = {bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2};
            path.dispatchEvent(new MouseEvent('mouseover', at));
            path.dispatchEvent(new MouseEvent('mousemove', at));
            await new Promise(r => setTimeout(r, 5));
            const tip = document.querySelector('.leaflet-tooltip');
            texts.push(tip ? tip.innerText : '');
            path.dispatchEvent(new MouseEvent('mouseout', at));
        }
        return texts;
    }""")


def _norm(text: str) -> str:
    # The app puts an invisible word joiner into addresses so markdown cannot turn them into links.
    return " ".join(text.replace("\u00a0", " ").replace("\u2060", "").split())


# --- one visit per page, inspected by several tests -----------------------------------------------

URL_PHISH = "[Logg inn](https://evil.example/from-the-url)"
URL_JS_LINK = "[url-click](javascript:window.__xss=1)"
URL_PAYLOADS = {"area": URL_PHISH, "kind": URL_JS_LINK, "lang": P.IMG_ONERROR, "channel": P.JINJA_MARKED}

# page -> (path, expand expanders, hover the map's markers, tabs to click)
VISITS = {
    "oversikt": ("/oversikt?" + PERIOD + "".join(f"&{k}={quote(v)}" for k, v in URL_PAYLOADS.items()),
                 False, True, ()),
    "kart": (f"/kart?{PERIOD}&hotspot=lillestrom-stasjon", False, True, ()),
    "tid": (f"/tid?{PERIOD}", False, False, ()),
    "trender": (f"/trender?{PERIOD}", False, False, ()),
    "bemanning": (f"/bemanning?{PERIOD}", False, False, ()),
    "fokus": (f"/fokus?{PERIOD}", True, False, ()),
    "hkh": (f"/hkh?{PERIOD}", False, False, ()),
    "oppfolging": (f"/oppfolging?{PERIOD}", False, False, ()),
    "data": (f"/data?{PERIOD}", False, False, ()),  # hidden tabs are drawn too; inputs are read by value
}
# what each page must show as literal text (in the page, its frames, its inputs, or its map tooltips)
SHOWN = {
    "oversikt": [P.SCRIPT_TAG, P.IMG_ONERROR, P.SVG_ONLOAD, P.IFRAME_BREAKOUT, P.ENTITY, P.JINJA_MARKED,
                 P.JINJA_RAW],
    "kart": [*RENAMED.values(), *(b for b in NOTE_AT if b != P.NUL_BYTE)],
    "trender": [b for b in NOTE_AT if b != P.NUL_BYTE],
    "fokus": [text for decision in DECISIONS for text in decision],
    "hkh": [HKH_TITLE, HKH_MEASURE, HKH_OWNER, HKH_NOTES, P.SCRIPT_TAG, P.MARKDOWN_LINK, P.IMG_ONERROR],
    "data": [IMPORT_NAME],  # the places table is a canvas (st.dataframe): no text to read
}
_visits: dict[str, dict] = {}


@pytest.fixture
def visit(browser, hostile_app):
    """Open a page once per module run (the app is slow to draw on shared cores) and keep what was seen."""

    def get(name: str) -> dict:
        if name not in _visits:
            path, expand, hover, tabs = VISITS[name]
            tab = HostileTab(browser, hostile_app)
            try:
                page = tab.open(path)
                for label in tabs:
                    page.get_by_role("tab", name=label).first.click()
                    tab.wait_idle()
                if expand:
                    expand_all(tab)
                tooltips = map_tooltips(page) if hover else []
                frames = inspect_frames(page)
                _visits[name] = {
                    "frames": frames, "tooltips": tooltips, "dialogs": list(tab.dialogs),
                    "foreign": list(tab.foreign_requests), "exceptions": tab.exceptions(), "errors": list(tab.errors),
                    "text": _norm("\n".join([*(f["text"] for f in frames), *(v for f in frames for v in f["inputs"]),
                                             *tooltips])),
                }
            finally:
                tab.close()
        return _visits[name]

    return get


PAGES = list(VISITS)


@pytest.mark.parametrize("name", PAGES)
def test_no_payload_runs(visit, name):
    seen = visit(name)
    assert [f["url"] for f in seen["frames"] if f["xss"] is not None] == [], "a payload ran (window.__xss is set)"
    assert seen["dialogs"] == []
    assert [(f["url"], a) for f in seen["frames"] for a in f["attributes"]] == []


@pytest.mark.parametrize("name", PAGES)
def test_no_template_is_evaluated(visit, name):
    seen = visit(name)
    for f in seen["frames"]:
        assert P.JINJA_MARKED_EVALUATED not in f["text"] and P.JINJA_MARKED_EVALUATED not in f["html"], f["url"]
    assert P.JINJA_MARKED_EVALUATED not in seen["text"]


@pytest.mark.parametrize("name", PAGES)
def test_nothing_leaves_the_app_and_nothing_breaks(visit, name):
    seen = visit(name)
    assert seen["foreign"] == []
    assert seen["exceptions"] == []
    assert seen["errors"] == []




def _links(seen: dict, kind: str) -> list[dict]:
    """The suspicious links of a page by where they came from: 'url' (the link's query string),
    'autolink' (a bare URL in text turned into a link) or 'markdown' (a [text](target) in stored text)."""
    def origin(link):
        if "from-the-url" in link["href"] or link["text"] == "url-click":
            return "url"
        if link["text"].startswith(("http", "www")):
            return "autolink"
        return "markdown"
    return [link for f in seen["frames"] for link in f["links"] if origin(link) == kind]




@pytest.mark.parametrize("name", PAGES)
def test_urls_in_stored_text_are_not_links(visit, name):
    assert _links(visit(name), "autolink") == []


@pytest.mark.parametrize("name", PAGES)
def test_markdown_links_in_stored_text_are_not_rendered(visit, name):
    assert _links(visit(name), "markdown") == []


def test_values_in_the_url_are_shown_as_text_not_markup(visit):
    seen = visit("oversikt")
    assert _links(seen, "url") == []
    assert [p for p in URL_PAYLOADS.values() if _norm(p) not in seen["text"]] == []


@pytest.mark.parametrize("name", SHOWN)
def test_payloads_are_shown_as_literal_text(visit, name):
    text = visit(name)["text"]
    assert [p for p in SHOWN[name] if _norm(p) not in text] == []


def test_overview_note_cards_and_map_tooltips(visit):
    seen = visit("oversikt")
    assert sum(_norm(body) in seen["text"] for body in NOTE_AT) >= 5  # the five newest notes are payloads
    tooltips = _norm("\n".join(seen["tooltips"]))
    assert [n for n in (P.SCRIPT_TAG, P.IMG_ONERROR, P.JINJA_MARKED, P.JINJA_RAW) if _norm(n) not in tooltips] == []
