"""Leaflet and jQuery served by the app itself, so no map ever loads a script from a CDN.

Offline (or behind a strict firewall) a folium map whose scripts come from a CDN never draws:
the streamlit-folium iframe stays at height 0. Streamlit serves the files in
``dashboard/static/`` at ``/app/static/...`` (``[server] enableStaticServing = true``), so the
assets are copied there from the installed ``xstatic-leaflet`` and ``xstatic-jquery`` packages
(package data, nothing to download) and folium's class attributes are pointed at them.
The copies live in ``dashboard/static/vendor/`` and are git-ignored. Pure: no Streamlit import.

Use once at start-up, before building any map::

    ensure_static_assets()
    use_local_assets()
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import folium
import folium.elements
import folium.plugins  # noqa: F401  loads the plugin classes, so their CDN links are dropped too

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
STATIC_URL = "/app/static/vendor"

LEAFLET_JS_URL = f"{STATIC_URL}/leaflet.js"
LEAFLET_CSS_URL = f"{STATIC_URL}/leaflet.css"
JQUERY_JS_URL = f"{STATIC_URL}/jquery.min.js"

# The only assets a Feltkart map needs: circle markers, GeoJson layers, tooltips, popups and
# the layer control are all plain Leaflet; folium's popups call jQuery's ``$()``.
LOCAL_JS = [("leaflet", LEAFLET_JS_URL), ("jquery", JQUERY_JS_URL)]
LOCAL_CSS = [("leaflet_css", LEAFLET_CSS_URL)]

_ASSET_URL_RE = re.compile(
    r"""<script[^>]*\bsrc\s*=\s*["']([^"']+)["']|<link[^>]*\bhref\s*=\s*["']([^"']+)["']""",
    re.IGNORECASE,
)


def _asset_sources() -> dict[str, Path]:
    """Relative target path -> source file in the installed XStatic packages."""
    import xstatic.pkg.jquery as xs_jquery
    import xstatic.pkg.leaflet as xs_leaflet

    leaflet_dir = Path(xs_leaflet.BASE_DIR)
    sources = {
        "leaflet.js": leaflet_dir / "leaflet.js",
        "leaflet.css": leaflet_dir / "leaflet.css",
        "jquery.min.js": Path(xs_jquery.BASE_DIR) / "jquery.min.js",
    }
    for image in sorted((leaflet_dir / "images").glob("*.png")):
        sources[f"images/{image.name}"] = image  # leaflet.css refers to images/layers.png etc.
    return sources


def _copy_atomically(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless an equally large file is there; True if copied.

    The copy goes to a temporary file in the target folder first and is then renamed with
    ``os.replace``, so a second process doing the same at the same time, or a browser
    requesting the file meanwhile, never sees a half-written file.
    """
    size = source.stat().st_size
    if target.is_file() and target.stat().st_size == size:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return True


def ensure_static_assets(target_dir: Path | str | None = None) -> Path:
    """Copy Leaflet (js, css, images) and jQuery into the static folder, if not there yet.

    Parameters
    ----------
    target_dir : path-like, optional
        Where to put the files; defaults to ``dashboard/static/vendor`` (served at
        :data:`STATIC_URL`).

    Returns
    -------
    pathlib.Path
        The target folder, holding ``leaflet.js``, ``leaflet.css``, ``images/`` and
        ``jquery.min.js``.

    Raises
    ------
    ModuleNotFoundError
        If ``xstatic-leaflet`` or ``xstatic-jquery`` is not installed.

    Examples
    --------
    >>> (ensure_static_assets() / "leaflet.js").is_file()
    True
    """
    target = Path(target_dir) if target_dir is not None else VENDOR_DIR
    for relative, source in _asset_sources().items():
        _copy_atomically(source, target / relative)
    return target


def _local_only(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, url) for name, url in links if not _is_remote(url)]


def _is_remote(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "//"))


def use_local_assets() -> None:
    """Point folium at the locally served Leaflet/jQuery and drop every other CDN asset.

    Overrides ``folium.Map.default_js``/``default_css`` (Bootstrap, Font Awesome and
    awesome-markers are not needed by circle markers, GeoJson layers, tooltips, popups and the
    layer control) and removes remote links from every other folium class that declares some
    (plugins included), so a map that accidentally uses one of them fails visibly instead of
    silently calling a CDN. Idempotent; call before building maps.
    """
    folium.Map.default_js = list(LOCAL_JS)
    folium.Map.default_css = list(LOCAL_CSS)
    for cls in _jscss_classes():
        if cls is folium.Map:
            continue
        if "default_js" in vars(cls):
            cls.default_js = _local_only(cls.default_js)
        if "default_css" in vars(cls):
            cls.default_css = _local_only(cls.default_css)


def _jscss_classes() -> list[type]:
    """All loaded subclasses of folium's JSCSSMixin (folium core and plugins)."""
    seen: list[type] = []
    stack = [folium.elements.JSCSSMixin]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def asset_urls(rendered_html: str) -> list[str]:
    """Every ``<script src>`` and ``<link href>`` URL in a rendered HTML page, in order."""
    return [js or css for js, css in _ASSET_URL_RE.findall(rendered_html)]


def remote_asset_urls(rendered_html: str) -> list[str]:
    """The script/stylesheet URLs of ``rendered_html`` that point at another host."""
    return [url for url in asset_urls(rendered_html) if _is_remote(url)]
