"""The hotspot map: hotspots as circle markers over a choropleth of the field areas.

Pure: data in, ``folium.Map`` out; no Streamlit import. Every text the user sees comes from
``labels`` (defaults in :data:`DEFAULT_LABELS`, Norwegian bokmål first) or from the data, and
every string from the data is ``html.escape``-d (and its ``{``/``}`` made entities, see
:func:`_esc`) before it reaches the map, because folium puts tooltips into the page as raw
HTML and branca compiles the rendered scripts as Jinja templates. Call
:func:`dashboard.static_assets.use_local_assets` once before building maps, so that no map
loads Leaflet or jQuery from a CDN (:func:`build_hotspot_map` does it too, it is idempotent).

All markers are one ``folium.GeoJson`` layer whose per-feature style sets radius and colour
(measured here: 2 000 markers build and render in ~0.2-0.3 s, against ~1.2-1.8 s as separate
``CircleMarker`` elements).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import folium
import numpy as np
import pandas as pd
import shapely.geometry
from branca.element import MacroElement
from folium.template import Template
from pyproj import Transformer

from dashboard import i18n, static_assets

CHANGE_Z_WEAK = 1.0  # area choropleth only: a change that is not clear but has |z| from here is "weak"
MARKER_RADIUS_MIN_PX = 4.0
MARKER_RADIUS_RANGE_PX = 26.0  # the busiest hotspot gets MIN + RANGE
HOTSPOT_CLICK_TOLERANCE_M = 150.0
DENSITY_CELL_M = 250.0
NOTES_SHOWN_MAX = 3
NOTE_SHOWN_MAX_CHARS = 120
DEFAULT_HEIGHT_PX = 560
AREA_CLASSES = 5
FALLBACK_CENTRE = (59.955, 11.05)  # Lillestrøm, when there is nothing to fit the map to
PROJECTED_CRS = "EPSG:25833"

# Orange/purple diverging (ColorBrewer PuOr), safe for red-green colour blindness.
MARKER_COLOURS = {"rise": "#e66101", "fall": "#5e3c99", "stable": "#8c8c8c", "none": "#3a7dbf"}
HITS_PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")  # ColorBrewer Greens
CHANGE_PALETTE = ("#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101")  # PuOr, fall -> rise
NO_DATA_FILL = "#d9d9d9"
DENSITY_FILL = "#67000d"
SELECTED_OUTLINE = "#000000"

BASEMAPS: Mapping[str, Mapping] = {
    "kartverket": {
        # WMTS cache: row ({y}) before column ({x}); never bundle or cache these tiles.
        "tiles": "https://cache.kartverket.no/v1/wmts/1.0.0/topograatone/default/webmercator/{z}/{y}/{x}.png",
        "max_zoom": 18,
    },
    "osm": {"tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "max_zoom": 19},
    "none": {"tiles": None, "max_zoom": 18},
}
AREA_METRICS = ("hits", "change")

DEFAULT_LABELS: Mapping[str, Mapping[str, str]] = {
    "nb": {
        "layer_hotspots": "Treffsteder",
        "layer_areas": "Områder",
        "layer_density": "Tetthet",
        "hits": "Treff",
        "change": "Endring",
        "busiest": "Travlest",
        "age_mix": "Alder",
        "notes": "Siste notater",
        "approximate": "(omtrentlig plassering)",
        "rise": "tydelig økning",
        "fall": "tydelig nedgang",
        "stable": "ingen tydelig endring",
        "no_comparison": "ingen sammenligning",
        "from_zero": "fra 0",
        "legend_markers": "Treffsteder (størrelse = treff)",
        "legend_rise": "Tydelig økning",
        "legend_fall": "Tydelig nedgang",
        "legend_stable": "Ingen tydelig endring",
        "legend_none": "Ingen sammenligning eller ingen data",
        "legend_approximate": "Stiplet kant: omtrentlig plassering",
        "legend_areas_hits": "Områder: treff",
        "legend_areas_change": "Områder: endring",
        "legend_weak_rise": "Svak økning",
        "legend_weak_fall": "Svak nedgang",
        "attribution_kartverket": "© Kartverket",
        "attribution_osm": '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bidragsytere',
    },
    "en": {
        "layer_hotspots": "Hotspots",
        "layer_areas": "Areas",
        "layer_density": "Density",
        "hits": "Hits",
        "change": "Change",
        "busiest": "Busiest",
        "age_mix": "Age",
        "notes": "Latest notes",
        "approximate": "(approximate location)",
        "rise": "clear rise",
        "fall": "clear fall",
        "stable": "no clear change",
        "no_comparison": "no comparison",
        "from_zero": "from 0",
        "legend_markers": "Hotspots (size = hits)",
        "legend_rise": "Clear rise",
        "legend_fall": "Clear fall",
        "legend_stable": "No clear change",
        "legend_none": "No comparison or no data",
        "legend_approximate": "Dashed outline: approximate location",
        "legend_areas_hits": "Areas: hits",
        "legend_areas_change": "Areas: change",
        "legend_weak_rise": "Slight rise",
        "legend_weak_fall": "Slight fall",
        "attribution_kartverket": "© Kartverket",
        "attribution_osm": '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    },
}

HOTSPOT_COLUMNS = ("hotspot_id", "name", "kind_label", "area_name", "lon", "lat", "approximate",
                   "hits", "hits_before", "change_z", "change_significant", "busiest", "age_mix",
                   "notes")
AREA_COLUMNS = ("area_id", "area_name", "hits", "hits_before", "change_z", "change_significant")

_CSS = """<style>
.leaflet-tooltip.feltkart-tooltip {white-space: normal; min-width: 180px; max-width: 320px;}
.feltkart-tooltip ul {margin: 2px 0 0 0; padding-left: 16px;}
.feltkart-legend {background: #fff; padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 12px/1.35 sans-serif; color: #222;
  max-width: 240px; max-height: 60vh; overflow-y: auto;}
.feltkart-legend .title {font-weight: bold; margin-top: 4px;}
.feltkart-legend i {display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #666;}
.feltkart-legend i.dot {border-radius: 50%;}
.feltkart-cell-n {font: bold 11px sans-serif; color: #111; text-align: center; text-shadow: 0 0 2px #fff;}
</style>"""


class MapLegend(MacroElement):
    """An HTML legend as a Leaflet control in a corner of the map, plus the map's own CSS.

    The markup travels inside the script (JSON-encoded), so it works the same in a saved HTML
    page and in streamlit-folium, which runs the script in its own iframe.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "feltkart-legend");
            div.innerHTML = {{ this.body|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, body: str, position: str = "bottomleft", css: str = _CSS):
        super().__init__()
        self._name = "MapLegend"
        self.body = body
        self.position = position
        self.css = css


@lru_cache(maxsize=8192)
def fmt_int(value: float, lang: str = "nb") -> str:
    """:func:`dashboard.i18n.fmt_int`, cached (babel takes ~50 µs a number; maps format thousands)."""
    return i18n.fmt_int(value, lang)


@lru_cache(maxsize=8192)
def fmt_pct(share: float, lang: str = "nb") -> str:
    """:func:`dashboard.i18n.fmt_pct` (signed), cached; ``share`` rounded to 0.1 percentage points."""
    return i18n.fmt_pct(round(share, 3), lang)


def resolve_labels(labels: Mapping[str, str] | None = None, lang: str = "nb") -> dict[str, str]:
    """The default labels of ``lang`` (nb if unknown), overridden by ``labels``."""
    merged = dict(DEFAULT_LABELS.get(lang, DEFAULT_LABELS["nb"]))
    merged.update(labels or {})
    return merged


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}; "
                         f"got {', '.join(map(str, frame.columns))}")


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _number(value) -> float | None:
    if _is_missing(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _esc(text: str) -> str:
    """Escape ``text`` for HTML, and neutralise Jinja delimiters.

    branca compiles every rendered script/HTML fragment again as a Jinja template, so a
    ``{{ ... }}`` in the data would be evaluated on the server (template injection) and a
    stray ``{%`` would break the page. ``{`` as an HTML entity shows the same in the browser.
    """
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _no_braces(markup: str) -> str:
    """Trusted HTML (e.g. an attribution link) with its Jinja delimiters neutralised."""
    return str(markup).replace("{", "&#123;").replace("}", "&#125;")


def _text(value) -> str:
    """A data string, escaped for HTML; missing values become ''."""
    return "" if _is_missing(value) else _esc(value)


def _safe_id(value, what: str) -> str:
    """An id that goes into the map's script unescaped: it must not contain braces."""
    text = str(value)
    if "{" in text or "}" in text:
        raise ValueError(f"{what}: got id {text!r}; ids must not contain '{{' or '}}'")
    return text


def _flag(value) -> bool:
    return False if _is_missing(value) else bool(value)


def _notes_list(value) -> list[str]:
    if _is_missing(value):
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in list(value) if not _is_missing(v) and str(v).strip()]


def _shorten(text: str, max_chars: int = NOTE_SHOWN_MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def change_class(change_z, hits_before, significant) -> str:
    """``"rise"``, ``"fall"``, ``"stable"`` (no clear change) or ``"none"`` (no comparison, or no
    data to compare with: ``hits_before`` is missing then, never 0).

    ``significant`` is the verdict of the exact test (the ``change_significant`` column); the
    z-score only gives the direction, so the map never calls a change clear that the tables do not.
    """
    z = _number(change_z)
    if z is None or _number(hits_before) is None:
        return "none"
    if _is_missing(significant) or not bool(significant) or z == 0:
        return "stable"
    return "rise" if z > 0 else "fall"


def change_text(hits, hits_before, kind: str, labels: Mapping[str, str], lang: str = "nb",
                reason: str = "") -> str:
    """The change in words, with a signed percentage only when the change is clear; for no
    comparison, ``reason`` (e.g. "ingen data i sammenligningsperioden") when given."""
    if kind == "none":
        return reason if isinstance(reason, str) and reason else labels["no_comparison"]
    if kind == "stable":
        return labels["stable"]
    before, now = _number(hits_before) or 0.0, _number(hits) or 0.0
    amount = labels["from_zero"] if before == 0 else fmt_pct(now / before - 1, lang)
    return f"{amount} ({labels[kind]})"


def marker_radius_px(hits, max_hits) -> float:
    """Area-proportional circle radius: MIN + RANGE * sqrt(hits / max_hits), in pixels."""
    hits, max_hits = _number(hits) or 0.0, _number(max_hits) or 0.0
    share = math.sqrt(max(hits, 0.0) / max_hits) if max_hits > 0 else 0.0
    return round(MARKER_RADIUS_MIN_PX + MARKER_RADIUS_RANGE_PX * min(share, 1.0), 1)


def _hotspot_tooltip(row, kind: str, labels: Mapping[str, str], lang: str) -> str:
    parts = [f"<b>{_text(row.name)}</b>"]
    place = " · ".join(p for p in (_text(row.kind_label), _text(row.area_name)) if p)
    if place:
        parts.append(place)
    parts.append(f"{_esc(labels['hits'])}: {fmt_int(_number(row.hits) or 0, lang)}")
    change = change_text(row.hits, row.hits_before, kind, labels, lang, getattr(row, "change_label", ""))
    parts.append(f"{_esc(labels['change'])}: {_esc(change)}")
    for key, value in (("busiest", row.busiest), ("age_mix", row.age_mix)):
        if _text(value):
            parts.append(f"{_esc(labels[key])}: {_text(value)}")
    if _flag(row.approximate):
        parts.append(f"<i>{_esc(labels['approximate'])}</i>")
    notes = _notes_list(row.notes)[:NOTES_SHOWN_MAX]
    text = "<br>".join(parts)
    if notes:
        items = "".join(f"<li>{_esc(_shorten(n))}</li>" for n in notes)
        text += f"<br>{_esc(labels['notes'])}:<ul>{items}</ul>"
    return text


def _hotspot_features(hotspots: pd.DataFrame, selected_id, labels, lang) -> list[dict]:
    max_hits = pd.to_numeric(hotspots["hits"], errors="coerce").max() if len(hotspots) else 0
    features = []
    for row in hotspots.itertuples(index=False):
        lon, lat = _number(row.lon), _number(row.lat)
        if lon is None or lat is None:
            continue
        kind = change_class(row.change_z, row.hits_before, row.change_significant)
        hotspot_id = _safe_id(row.hotspot_id, "hotspots")
        features.append({
            "type": "Feature",
            "id": hotspot_id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "hotspot_id": hotspot_id,
                "radius": marker_radius_px(row.hits, max_hits),
                "change": kind,
                "approximate": _flag(row.approximate),
                "selected": hotspot_id == selected_id,
                "tooltip": _hotspot_tooltip(row, kind, labels, lang),
            },
        })
    # Big circles first, so the small ones stay on top and clickable.
    features.sort(key=lambda f: (f["properties"]["selected"], -f["properties"]["radius"]))
    return features


def _hotspot_style(feature: dict) -> dict:
    p = feature["properties"]
    style = {
        "radius": p["radius"],
        "fill": True,
        "fillColor": MARKER_COLOURS[p["change"]],
        "fillOpacity": 0.8,
        "color": "#ffffff",
        "weight": 1,
        "opacity": 1,
        "dashArray": "3 3" if p["approximate"] else None,
    }
    if p["approximate"]:
        style.update(color="#333333", weight=1.5)
    if p["selected"]:
        style.update(color=SELECTED_OUTLINE, weight=3.5)
    return style


def _nice_step(max_value: float, classes: int = AREA_CLASSES) -> int:
    """The smallest round class width (1, 2, 2.5, 5 x 10^n, whole) with max_value < classes * width."""
    raw = max(max_value, 0.0) / classes
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = math.ceil(factor * magnitude)
        if step > raw:
            return step
    raise AssertionError("unreachable")  # pragma: no cover


def _area_classes(areas: pd.DataFrame, metric: str, labels, lang) -> tuple[list, list]:
    """Per area a class index (or None for no data), and the legend rows (colour, text)."""
    if metric == "hits":
        hits = pd.to_numeric(areas["hits"], errors="coerce").fillna(0)
        step = _nice_step(float(hits.max()) if len(hits) else 0.0)
        index = [min(int(h // step), AREA_CLASSES - 1) for h in hits]
        legend = [(colour, f"{fmt_int(i * step, lang)}–{fmt_int((i + 1) * step - 1, lang)}")
                  for i, colour in enumerate(HITS_PALETTE)]
        return index, legend
    index = []
    for z, before, significant in zip(areas["change_z"], areas["hits_before"], areas["change_significant"]):
        kind = change_class(z, before, significant)
        if kind == "none":
            index.append(None)
        elif kind != "stable":  # clear, by the exact test: the outer classes
            index.append(AREA_CLASSES - 1 if kind == "rise" else 0)
        else:  # not clear: a weak rise or fall by the z-score, or stable
            z = _number(z)
            index.append(2 if abs(z) < CHANGE_Z_WEAK else 3 if z > 0 else 1)
    names = ("legend_fall", "legend_weak_fall", "legend_stable", "legend_weak_rise", "legend_rise")
    legend = [(c, labels[n]) for c, n in zip(CHANGE_PALETTE, names)]
    legend.append((NO_DATA_FILL, labels["legend_none"]))
    return index, legend


def _area_geometry(row) -> dict | None:
    raw = getattr(row, "geometry_geojson", None)
    if isinstance(raw, str) and raw.strip():
        return json.loads(raw)
    geom = getattr(row, "geometry", None)
    if geom is not None and not _is_missing(geom) and hasattr(geom, "__geo_interface__"):
        return shapely.geometry.mapping(geom)
    return None


def _area_features(areas: pd.DataFrame, metric: str, labels, lang) -> tuple[list, list]:
    classes, legend = _area_classes(areas, metric, labels, lang)
    palette = HITS_PALETTE if metric == "hits" else CHANGE_PALETTE
    features = []
    for row, cls in zip(areas.itertuples(index=False), classes):
        geometry = _area_geometry(row)
        if geometry is None:
            continue
        kind = change_class(row.change_z, row.hits_before, row.change_significant)
        tooltip = "<br>".join([
            f"<b>{_text(row.area_name)}</b>",
            f"{_esc(labels['hits'])}: {fmt_int(_number(row.hits) or 0, lang)}",
            f"{_esc(labels['change'])}: "
            + _esc(change_text(row.hits, row.hits_before, kind, labels, lang, getattr(row, "change_label", ""))),
        ])
        features.append({
            "type": "Feature",
            "id": _safe_id(row.area_id, "areas"),
            "geometry": geometry,
            "properties": {"area_id": str(row.area_id),
                           "fill": NO_DATA_FILL if cls is None else palette[cls],
                           "tooltip": tooltip},
        })
    return features, legend


def _area_style(feature: dict) -> dict:
    return {"fillColor": feature["properties"]["fill"], "fillOpacity": 0.45,
            "color": "#555555", "weight": 1, "opacity": 0.8}


def _legend_html(area_legend: list, area_metric: str, labels) -> str:
    esc = _esc
    rows = [f'<div class="title">{esc(labels["legend_markers"])}</div>']
    for key in ("rise", "fall", "stable", "none"):
        rows.append(f'<div><i class="dot" style="background:{MARKER_COLOURS[key]}"></i>'
                    f"{esc(labels['legend_' + key])}</div>")
    rows.append('<div><i class="dot" style="background:#fff;border:1.5px dashed #333"></i>'
                f"{esc(labels['legend_approximate'])}</div>")
    if area_legend:
        rows.append(f'<div class="title">{esc(labels["legend_areas_" + area_metric])}</div>')
        rows += [f'<div><i style="background:{colour}"></i>{esc(text)}</div>'
                 for colour, text in area_legend]
    return "".join(rows)


def _bounds(hotspots: pd.DataFrame, area_features: list) -> list | None:
    lons: list[float] = [float(x) for x in pd.to_numeric(hotspots["lon"], errors="coerce").dropna()]
    lats: list[float] = [float(y) for y in pd.to_numeric(hotspots["lat"], errors="coerce").dropna()]
    for feature in area_features:
        minx, miny, maxx, maxy = shapely.geometry.shape(feature["geometry"]).bounds
        lons += [minx, maxx]
        lats += [miny, maxy]
    if not lons:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _tooltip() -> folium.GeoJsonTooltip:
    """Each feature's pre-escaped ``tooltip`` property, opaque, wrapping long lines."""
    return folium.GeoJsonTooltip(fields=["tooltip"], labels=False, class_name="feltkart-tooltip",
                                 opacity=1)


def _empty_areas() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in (*AREA_COLUMNS, "geometry_geojson")})


def build_hotspot_map(
    hotspots: pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    basemap: str = "kartverket",
    area_metric: str = "hits",
    selected_id: str | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
    height_px: int = DEFAULT_HEIGHT_PX,
) -> folium.Map:
    """Build the hotspot map: circle markers by hits and change over area polygons.

    Parameters
    ----------
    hotspots : pandas.DataFrame
        One row per hotspot with columns ``hotspot_id, name, kind_label, area_name, lon, lat,
        approximate, hits, hits_before, change_z, change_significant, busiest, age_mix, notes``
        (``hits_before``/``change_z`` NaN when there is no comparison period).
    areas : pandas.DataFrame, optional
        ``area_id, area_name, geometry_geojson`` (GeoJSON geometry string, WGS84; a shapely
        ``geometry`` column also works), ``hits, hits_before, change_z, change_significant``.
    basemap : {"kartverket", "osm", "none"}
        Background tiles; ``"none"`` draws only the bundled polygons (no request leaves the app).
    area_metric : {"hits", "change"}
        What the area colours show: hits (sequential, 5 classes) or change (diverging: clear by the
        exact test at the ends, a weaker z-score in between).
    selected_id : str, optional
        Hotspot to outline.
    labels : mapping, optional
        Overrides of :data:`DEFAULT_LABELS` for ``lang``.
    lang : {"nb", "en"}
        Language of the default labels and of number formatting.
    height_px : int
        Height of the map; pass the same to ``st_folium(..., height=height_px)``.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> m = build_hotspot_map(hotspots, areas, basemap="none")
    >>> map_asset_urls(m)
    ['/app/static/vendor/leaflet.js', '/app/static/vendor/jquery.min.js', ...]
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap: got {basemap!r}, expected one of {', '.join(BASEMAPS)}")
    if area_metric not in AREA_METRICS:
        raise ValueError(f"area_metric: got {area_metric!r}, expected one of {', '.join(AREA_METRICS)}")
    _require_columns(hotspots, HOTSPOT_COLUMNS, "hotspots")
    areas = _empty_areas() if areas is None else areas
    _require_columns(areas, AREA_COLUMNS, "areas")
    if hotspots["hotspot_id"].duplicated().any():
        dupes = hotspots.loc[hotspots["hotspot_id"].duplicated(), "hotspot_id"].unique()
        raise ValueError(f"hotspots: duplicate hotspot_id(s) {', '.join(map(str, dupes))}; "
                         "expected one row per hotspot")
    static_assets.use_local_assets()
    labels = resolve_labels(labels, lang)
    base = BASEMAPS[basemap]

    m = folium.Map(location=FALLBACK_CENTRE, zoom_start=11, tiles=None, control_scale=True,
                   height=f"{int(height_px)}px", maxZoom=base["max_zoom"], minZoom=3)
    if base["tiles"]:
        folium.TileLayer(tiles=base["tiles"], attr=_no_braces(labels[f"attribution_{basemap}"]),
                         name=basemap, max_zoom=base["max_zoom"], control=False).add_to(m)

    area_features, area_legend = _area_features(areas, area_metric, labels, lang)
    if area_features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": area_features},
            name=_esc(labels["layer_areas"]), style_function=_area_style,
            highlight_function=lambda f: {"weight": 2.5, "fillOpacity": 0.6},
            tooltip=_tooltip(), class_name="feltkart-area",
        ).add_to(m)

    features = _hotspot_features(hotspots, selected_id, labels, lang)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=_esc(labels["layer_hotspots"]), style_function=_hotspot_style,
            marker=folium.CircleMarker(radius=MARKER_RADIUS_MIN_PX, fill=True, class_name="feltkart-hotspot"),
            tooltip=_tooltip(),
        ).add_to(m)

    bounds = _bounds(hotspots, area_features)
    if bounds is not None:
        m.fit_bounds(bounds)
    m.add_child(MapLegend(_legend_html(area_legend, area_metric, labels)), name="legend")
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _move_layer_control_last(m: folium.Map) -> None:
    """Keep the LayerControl after every layer: its script names the layers' variables."""
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(key)


def add_density_layer(
    m: folium.Map,
    points: pd.DataFrame,
    label: str,
    *,
    cell_m: float = DENSITY_CELL_M,
    min_count: int = 1,
    labels: Mapping[str, str] | None = None,
    lang: str = "nb",
) -> folium.GeoJson | None:
    """Add free-point registrations as a square grid of ``cell_m`` cells, hidden by default.

    Parameters
    ----------
    m : folium.Map
        E.g. from :func:`build_hotspot_map`.
    points : pandas.DataFrame
        Columns ``lon, lat, hits`` (WGS84); rows without coordinates are skipped.
    label : str
        Layer name in the layer control (e.g. "Tetthet").
    cell_m : float
        Cell size in metres, in EPSG:25833 (ETRS89 / UTM 33N).
    min_count : int
        Cells with fewer hits are left out (e.g. to suppress small counts).

    Returns
    -------
    folium.GeoJson or None
        The layer, or None when no cell is left.
    """
    _require_columns(points, ("lon", "lat", "hits"), "points")
    if cell_m <= 0:
        raise ValueError(f"cell_m must be positive, got {cell_m!r}")
    labels = resolve_labels(labels, lang)
    data = points[["lon", "lat", "hits"]].apply(pd.to_numeric, errors="coerce").dropna()
    if data.empty:
        return None
    to_utm = Transformer.from_crs("EPSG:4326", PROJECTED_CRS, always_xy=True)
    to_wgs = Transformer.from_crs(PROJECTED_CRS, "EPSG:4326", always_xy=True)
    x, y = to_utm.transform(data["lon"].to_numpy(), data["lat"].to_numpy())
    cells = pd.DataFrame({"i": np.floor(x / cell_m).astype(np.int64),
                          "j": np.floor(y / cell_m).astype(np.int64),
                          "hits": data["hits"].to_numpy()})
    counts = cells.groupby(["i", "j"], as_index=False)["hits"].sum()
    counts = counts[counts["hits"] >= max(min_count, 1)]
    if counts.empty:
        return None
    top = float(counts["hits"].max())
    features = []
    for i, j, hits in counts.itertuples(index=False):
        xs = np.array([i, i + 1, i + 1, i, i], dtype=float) * cell_m
        ys = np.array([j, j, j + 1, j + 1, j], dtype=float) * cell_m
        lons, lats = to_wgs.transform(xs, ys)
        features.append({
            "type": "Feature",
            "id": f"{i}_{j}",
            "geometry": {"type": "Polygon",
                         "coordinates": [[[round(a, 6), round(b, 6)] for a, b in zip(lons, lats)]]},
            "properties": {"opacity": round(0.1 + 0.7 * float(hits) / top, 2),
                           "tooltip": f"{_esc(labels['hits'])}: {fmt_int(hits, lang)}"},
        })
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_esc(label), show=False,
        style_function=lambda f: {"fillColor": DENSITY_FILL, "color": DENSITY_FILL, "weight": 0,
                                  "fillOpacity": f["properties"]["opacity"]},
        tooltip=_tooltip(),
    )
    layer.add_to(m)
    _move_layer_control_last(m)
    return layer


def hotspot_at(hotspots: pd.DataFrame, lat, lng, *,
               tolerance_m: float = HOTSPOT_CLICK_TOLERANCE_M) -> str | None:
    """The id of the hotspot nearest to (lat, lng), if within ``tolerance_m`` metres.

    Use with streamlit-folium's ``last_object_clicked`` (``{"lat": ..., "lng": ...}``): the
    click point can lie anywhere inside the circle, so the tolerance should cover the radius
    of a big marker at the zoom in use (or use :func:`hotspot_from_click`).
    """
    lat, lng = _number(lat), _number(lng)
    if lat is None or lng is None or hotspots is None or len(hotspots) == 0:
        return None
    lats = pd.to_numeric(hotspots["lat"], errors="coerce").to_numpy(dtype=float)
    lons = pd.to_numeric(hotspots["lon"], errors="coerce").to_numpy(dtype=float)
    dy = (lats - lat) * 110_540.0
    dx = (lons - lng) * 111_320.0 * math.cos(math.radians(lat))
    distance = np.hypot(dx, dy)
    if np.all(np.isnan(distance)):
        return None
    best = int(np.nanargmin(distance))
    return str(hotspots["hotspot_id"].iloc[best]) if distance[best] <= tolerance_m else None


def hotspot_from_click(hotspots: pd.DataFrame, clicked: Mapping | None, *,
                       tolerance_m: float = HOTSPOT_CLICK_TOLERANCE_M) -> str | None:
    """The hotspot a streamlit-folium click result points at, or None.

    Prefers ``last_active_drawing`` (the clicked GeoJson feature, with its ``hotspot_id``
    property; an area feature there means an area was clicked), then falls back to
    ``last_object_clicked`` and :func:`hotspot_at`.
    """
    if not clicked:
        return None
    feature = clicked.get("last_active_drawing")
    if isinstance(feature, Mapping):
        props = feature.get("properties") or {}
        known = set(map(str, hotspots["hotspot_id"]))
        if str(props.get("hotspot_id")) in known:
            return str(props["hotspot_id"])
        if "area_id" in props:
            return None
    point = clicked.get("last_object_clicked")
    if isinstance(point, Mapping):
        return hotspot_at(hotspots, point.get("lat"), point.get("lng"), tolerance_m=tolerance_m)
    return None


def map_asset_urls(m: folium.Map) -> list[str]:
    """Every script/stylesheet URL the map references, rendered or passed on by st_folium."""
    urls = static_assets.asset_urls(m.get_root().render())
    stack = [m]
    while stack:  # st_folium sends each JSCSSMixin's default_js/default_css as links
        element = stack.pop()
        if isinstance(element, folium.elements.JSCSSMixin):
            urls += [url for _, url in element.default_js] + [url for _, url in element.default_css]
        stack.extend(getattr(element, "_children", {}).values())
    return list(dict.fromkeys(urls))


# --- statistical hot spots on a grid ---------------------------------------------------------------

GRID_COLOURS = {"hot": "#d7301f", "cold": "#2b6cb0"}


def add_grid_layer(m: folium.Map, grid, *, class_column: str, labels: Mapping[str, Mapping[str, str]],
                   count_column: str, layer_name: str, lang: str = "nb") -> None:
    """Draw the grid cells whose class is not 'none'/'no_pattern' (hot red, cold blue, by the class
    name's last part), each with its count always written on it: a significant cell next to busy
    neighbours may itself hold few registrations, and the planner must see that."""
    cells = grid[~grid[class_column].isin(("none", "no_pattern"))]
    layer = folium.FeatureGroup(name=_esc(layer_name), show=True)
    for cls, n, geometry in zip(cells[class_column], cells[count_column], cells.geometry):
        colour = GRID_COLOURS["cold" if str(cls).endswith("cold") else "hot"]
        label = _esc(labels.get(cls, {}).get(lang, str(cls)))
        count = fmt_int(n, lang)
        folium.GeoJson(geometry.__geo_interface__, style_function=lambda _, c=colour: {
            "color": c, "weight": 1.5, "fillColor": c, "fillOpacity": 0.35},
            tooltip=f"{label}: n = {count}").add_to(layer)
        centre = geometry.centroid
        folium.Marker([centre.y, centre.x], icon=folium.DivIcon(
            html=f'<div class="feltkart-cell-n">{count}</div>', icon_size=(40, 14), icon_anchor=(20, 7))).add_to(layer)
    layer.add_to(m)
