"""Hostile strings shared by the security tests (tests/test_injection.py, tests/browser/test_security.py).

Every script payload sets ``window.__xss`` (never ``alert``), so a test can look for it in the page
and in every iframe. The template payloads carry markers (``tpl``) so that an evaluation (``tpl49tpl``)
is found without mistaking an ordinary 49 in a figure for one.
"""

from __future__ import annotations

SCRIPT_TAG = "<script>window.__xss=1</script>"
IMG_ONERROR = '<img src=x onerror="window.__xss=1">'
SVG_ONLOAD = "<svg onload=window.__xss=1>"
JS_URL = "javascript:window.__xss=1"
IFRAME_BREAKOUT = '"><iframe src=javascript:window.__xss=1>'
ENTITY = "&lt;b&gt;entity&lt;/b&gt;"
JINJA_EXPR = "{{ 7*7 }}"
JINJA_MARKED = "tpl{{ 7*7 }}tpl"  # evaluated it would read "tpl49tpl"
JINJA_MARKED_EVALUATED = "tpl49tpl"
JINJA_RAW = "{% raw %}"
MARKDOWN_LINK = "[click](javascript:window.__xss=1)"
MARKDOWN_PHISH = "[Logg inn](https://evil.example/login)"  # a link that is not JavaScript but still must not render
FORMULA = '=HYPERLINK("http://evil")'
SQL = "'; DROP TABLE contacts; --"
SQL_QUOTES = "x' OR '1'='1"
LONG = "A" * 5000
RTL_OVERRIDE = "abc\u202edef.exe"
NUL_BYTE = "nul\x00byte"

# The short ones fit every text field (note author ≤ 80, import team ≤ 60).
SHORT = [SCRIPT_TAG, IMG_ONERROR, SVG_ONLOAD, JS_URL, IFRAME_BREAKOUT, ENTITY, JINJA_EXPR, JINJA_MARKED,
         JINJA_RAW, MARKDOWN_LINK, MARKDOWN_PHISH, FORMULA, SQL, SQL_QUOTES, RTL_OVERRIDE]

# Everything, including the ones some fields refuse (too long) or cannot store (NUL).
ALL = [*SHORT, LONG, NUL_BYTE]

# Payloads that are plain text to a browser: they must be shown literally wherever they are shown.
VISIBLE = [SCRIPT_TAG, IMG_ONERROR, SVG_ONLOAD, IFRAME_BREAKOUT, ENTITY, JINJA_MARKED, JINJA_RAW,
           MARKDOWN_LINK, FORMULA, SQL]


def ids(payloads) -> list[str]:
    """Short readable pytest ids for a list of payloads."""
    names = {SCRIPT_TAG: "script", IMG_ONERROR: "img", SVG_ONLOAD: "svg", JS_URL: "js-url",
             IFRAME_BREAKOUT: "iframe", ENTITY: "entity", JINJA_EXPR: "jinja", JINJA_MARKED: "jinja-marked",
             JINJA_RAW: "jinja-raw", MARKDOWN_LINK: "md-link", MARKDOWN_PHISH: "md-phish", FORMULA: "formula",
             SQL: "sql", SQL_QUOTES: "sql-quotes", LONG: "long", RTL_OVERRIDE: "rtl", NUL_BYTE: "nul"}
    return [names.get(p, f"p{i}") for i, p in enumerate(payloads)]
