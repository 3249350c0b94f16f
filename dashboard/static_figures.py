"""Static images for presentations and reports, drawn offline with matplotlib (Agg): PNG bytes.

No tiles, no web fonts, no browser: a map of the field areas' own polygons with hit bubbles, a
weekday × hour heatmap and a month-by-month chart. Every builder takes figures that are already
suppressed (ints, or ``disclosure.SUPPRESSED`` for hidden counts) and never draws a hidden count's
size or value: a hidden hotspot is a small hollow marker, a hidden cell is hatched grey with ":".
"""

from __future__ import annotations

import io
import json
import math
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI toolkit

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from dashboard import i18n, vocab  # noqa: E402
from dashboard.disclosure import SUPPRESSED  # noqa: E402

IMAGE_DPI = 150
MAP_SIZE_IN = (8.0, 6.0)
HEATMAP_SIZE_IN = (11.0, 4.2)
TREND_SIZE_IN = (11.0, 4.6)
MAP_LABELS = 8  # the biggest bubbles get a name and a number
MAX_BUBBLE_AREA_PT2 = 1400.0  # marker area of the biggest bubble
HIDDEN_MARKER_AREA_PT2 = 22.0
COLOUR_MAIN = "#1f5f8b"
COLOUR_COMPARE = "#8c8c8c"
COLOUR_HIDDEN = "#d9d9d9"
COLOUR_AREA_SELECTED = "#e8f0f6"
COLOUR_AREA_OTHER = "#f4f4f4"


def _int_formatter(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: i18n.fmt_int(value, lang))


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=IMAGE_DPI, bbox_inches="tight", metadata={"Software": "Feltkart"})
    plt.close(fig)
    return out.getvalue()


def _is_shown(value) -> bool:
    return not (isinstance(value, str) and value == SUPPRESSED) and value is not None and not pd.isna(value)


# --- map ----------------------------------------------------------------------------------------

def _polygon_path(polygon) -> MplPath:
    rings = [polygon.exterior, *polygon.interiors]
    vertices, codes = [], []
    for ring in rings:
        coords = np.asarray(ring.coords)
        vertices.append(coords)
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY]
    return MplPath(np.concatenate(vertices), codes)


def _parts(geometry) -> list:
    return list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]


def area_shapes(areas: pd.DataFrame) -> dict[str, object]:
    """Area id -> shapely geometry from the ``areas`` query's ``geometry_geojson``."""
    result = {}
    for row in areas.itertuples():
        if isinstance(row.geometry_geojson, str) and row.geometry_geojson:
            result[row.id] = shape(json.loads(row.geometry_geojson))
    return result


_LABEL_OFFSETS_PT = ((6, 6, "left", "bottom"), (-6, 6, "right", "bottom"), (6, -6, "left", "top"),
                     (-6, -6, "right", "top"))


def _place_labels(fig, ax, labels: pd.DataFrame, lang: str) -> None:
    """Name and number beside the biggest bubbles, biggest first; a label that would overlap one
    already placed tries the other corners, and is left out if none is free."""
    renderer = fig.canvas.get_renderer()
    placed = []
    for row in labels.itertuples():
        for dx, dy, ha, va in _LABEL_OFFSETS_PT:
            label = ax.annotate(f"{row.name}\n{i18n.fmt_int(row.hits, lang)}", (row.lon, row.lat), xytext=(dx, dy),
                                textcoords="offset points", fontsize=7, zorder=5, ha=ha, va=va,
                                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8,
                                      "linewidth": 0})
            extent = label.get_window_extent(renderer)
            if not any(extent.overlaps(other) for other in placed):
                placed.append(extent)
                break
            label.remove()


def static_map(data) -> bytes:
    """The areas' polygons with one bubble per hotspot (or per area, when coarsened), PNG bytes.

    Bubble area is proportional to hits; hidden counts are small hollow markers without a number;
    the ``MAP_LABELS`` biggest get their name and number. No tiles: the caption names the base.
    """
    lang = data.lang
    fig, ax = plt.subplots(figsize=MAP_SIZE_IN)
    shapes = area_shapes(data.area_shapes)
    selected = set(data.area_shapes.loc[data.area_shapes["selected"], "id"])
    for area_id, geometry in shapes.items():
        face = COLOUR_AREA_SELECTED if area_id in selected else COLOUR_AREA_OTHER
        for polygon in _parts(geometry):
            if polygon.geom_type == "Polygon" and not polygon.is_empty:
                ax.add_patch(PathPatch(_polygon_path(polygon), facecolor=face, edgecolor="#5b7a91", linewidth=0.8))
    points = data.map_points.dropna(subset=["lon", "lat"])
    shown = points[points["hits"].map(_is_shown)]
    hidden = points[~points["hits"].map(_is_shown)]
    if len(hidden):
        ax.scatter(hidden["lon"], hidden["lat"], s=HIDDEN_MARKER_AREA_PT2, facecolors="none",
                   edgecolors="#555555", linewidths=0.8, zorder=3)
    if len(shown):
        hits = shown["hits"].astype(float)
        sizes = MAX_BUBBLE_AREA_PT2 * hits / max(hits.max(), 1.0)
        ax.scatter(shown["lon"], shown["lat"], s=np.maximum(sizes, HIDDEN_MARKER_AREA_PT2 * 1.5), color=COLOUR_MAIN,
                   alpha=0.6, edgecolors="white", linewidths=0.6, zorder=4)
        labels = shown.assign(_h=hits).nlargest(MAP_LABELS, "_h")
    bounds = [g.bounds for area_id, g in shapes.items() if area_id in selected] or [g.bounds for g in shapes.values()]
    if bounds:
        b = np.array(bounds)
        (x0, y0), (x1, y1) = b[:, :2].min(axis=0), b[:, 2:].max(axis=0)
        pad_x, pad_y = (x1 - x0) * 0.04 or 0.01, (y1 - y0) * 0.04 or 0.01
        ax.set_xlim(x0 - pad_x, x1 + pad_x)
        ax.set_ylim(y0 - pad_y, y1 + pad_y)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_axis_off()
    if len(shown):
        _place_labels(fig, ax, labels, lang)
    fig.text(0.01, 0.01, i18n.t("slides.map_caption", lang), fontsize=8, color="#444444")
    fig.text(0.99, 0.01, i18n.t("slides.map_legend", lang, threshold=data.threshold), fontsize=8,
             color="#444444", ha="right")
    return _png(fig)


# --- weekday x hour -------------------------------------------------------------------------------

def heatmap_png(data) -> bytes:
    """Hits by weekday (rows, Monday first) and hour (columns); hidden cells hatched grey with ':'."""
    lang = data.lang
    matrix = data.weekday_hour
    values = np.array([[float(v) if _is_shown(v) else np.nan for v in row] for row in matrix.to_numpy()])
    fig, ax = plt.subplots(figsize=HEATMAP_SIZE_IN)
    shown = np.ma.masked_invalid(np.where(values == 0, np.nan, values))
    finite = values[np.isfinite(values)]
    image = ax.imshow(shown, cmap="Blues", aspect="auto", vmin=0, vmax=max(finite.max(initial=0.0), 1.0))
    for i, j in zip(*np.nonzero(np.isnan(values))):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=COLOUR_HIDDEN, hatch="///", edgecolor="#9a9a9a",
                               linewidth=0))
        ax.text(j, i, SUPPRESSED, ha="center", va="center", fontsize=9, color="#333333", fontweight="bold")
    ax.set_yticks(range(7), [vocab.WEEKDAYS[str(d)][lang][:3] for d in range(1, 8)])
    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)], fontsize=8)
    ax.set_xlabel(i18n.t("slides.heatmap.hour", lang))
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01, format=_int_formatter(lang))
    bar.set_label(i18n.t("table.hits", lang))
    fig.text(0.01, 0.0, i18n.t("slides.heatmap.hidden", lang), fontsize=8, color="#444444")
    return _png(fig)


# --- month by month -----------------------------------------------------------------------------

def trend_png(data) -> bytes:
    """Hits per month of the period as bars (hidden months: a hatched stub with ':'), and the
    comparison period as a dashed line where it has shown values."""
    lang = data.lang
    monthly = data.monthly
    fig, ax = plt.subplots(figsize=TREND_SIZE_IN)
    x = np.arange(len(monthly))
    values = np.array([float(v) if _is_shown(v) else np.nan for v in monthly["hits"]])
    top = max(values[np.isfinite(values)].max(initial=0.0), 1.0)
    ax.bar(x[~np.isnan(values)], values[~np.isnan(values)], color=COLOUR_MAIN, width=0.7,
           label=i18n.t("slides.trend.now", lang))
    for position in x[np.isnan(values)]:
        ax.add_patch(Rectangle((position - 0.35, 0), 0.7, top * 0.04, facecolor=COLOUR_HIDDEN, hatch="///",
                               edgecolor="#9a9a9a", linewidth=0))
        ax.text(position, top * 0.06, SUPPRESSED, ha="center", va="bottom", fontsize=11, fontweight="bold")
    if "hits_before" in monthly.columns and monthly["hits_before"].map(_is_shown).any():
        before = np.array([float(v) if _is_shown(v) else np.nan for v in monthly["hits_before"]])
        ax.plot(x, before, linestyle="--", marker="o", markersize=3, color=COLOUR_COMPARE,
                label=i18n.t("slides.trend.before", lang))
        top = max(top, before[np.isfinite(before)].max(initial=0.0))
    ax.set_ylim(0, top * 1.12)
    ax.set_xticks(x, [_month_label(m, lang) for m in monthly["month"]], fontsize=8,
                  rotation=45 if len(x) > 14 else 0)
    ax.yaxis.set_major_formatter(_int_formatter(lang))
    ax.set_ylabel(i18n.t("table.hits", lang))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, loc="upper left")
    return _png(fig)


_MONTHS = {"nb": ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"],
           "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]}


def _month_label(month, lang: str) -> str:
    month = pd.Timestamp(month)
    return f"{_MONTHS[lang][month.month - 1]}\n{month.year}"


# --- pages: one layout for both PowerPoint and PDF ----------------------------------------------

SLIDE_SIZE_IN = (13.333, 7.5)  # 16:9
TEXT_STYLES = {  # style -> (size in points, bold)
    "big": (34, True),
    "label": (15, False),
    "body": (15, False),
    "bold": (15, True),
    "note": (13, False),
    "small": (10, False),
}
PARAGRAPH_SPACE_EM = 0.7
TABLE_ROW_HEIGHT_IN = 0.42
MAX_TABLE_FONT_PT = 12
MIN_TABLE_FONT_PT = 8


@dataclass(frozen=True)
class TextBlock:
    box: tuple[float, float, float, float]  # left, top, width, height in inches
    paragraphs: list  # str (body) or (text, style) with style from TEXT_STYLES

    @staticmethod
    def styled(paragraphs) -> list[tuple[str, str]]:
        return [(p, "body") if isinstance(p, str) else (str(p[0]), p[1]) for p in paragraphs]


@dataclass(frozen=True)
class ImageBlock:
    box: tuple[float, float, float, float]
    png: bytes


@dataclass(frozen=True)
class TableBlock:
    box: tuple[float, float, float, float]
    frame: pd.DataFrame  # all cells as display text


@dataclass(frozen=True)
class Page:
    title: str
    blocks: list
    footer: str | None = None
    is_title: bool = False


def table_column_is_numeric(values: pd.Series) -> bool:
    """A column of formatted counts ('7 359', ':'), right-aligned in tables."""
    texts = [str(v) for v in values if str(v)]
    return bool(texts) and all(t == SUPPRESSED or t.replace("\u00a0", "").replace(",", "").isdigit() for t in texts)


def column_weights(frame: pd.DataFrame) -> list[int]:
    """Relative column widths: the longest text in each column (at least 6 characters)."""
    return [max(frame.iloc[:, j].astype(str).str.len().max() if len(frame) else 0, len(str(c)), 6)
            for j, c in enumerate(frame.columns)]


def table_font_pt(frame: pd.DataFrame, width_in: float) -> int:
    """The largest font (up to 12 pt) at which the table's longest texts fit in ``width_in``."""
    chars = sum(column_weights(frame)) + 2 * frame.shape[1]  # and the cell padding
    return int(max(MIN_TABLE_FONT_PT, min(MAX_TABLE_FONT_PT, width_in * 72 / (chars * 0.6))))


def _fig_xy(x_in: float, y_in: float) -> tuple[float, float]:
    return x_in / SLIDE_SIZE_IN[0], 1 - y_in / SLIDE_SIZE_IN[1]


def _axes(fig, box):
    left, top, width, height = box
    x, y = _fig_xy(left, top + height)
    ax = fig.add_axes((x, y, width / SLIDE_SIZE_IN[0], height / SLIDE_SIZE_IN[1]))
    ax.set_axis_off()
    return ax


def _pdf_text(fig, box, paragraphs) -> None:
    left, top, width, _ = box
    y = top
    for text, style in TextBlock.styled(paragraphs):
        size, bold = TEXT_STYLES[style]
        chars = max(int(width * 72 / (size * 0.6)), 10)
        wrapped = "\n".join(textwrap.fill(line, chars) for line in text.splitlines() or [""])
        fig.text(*_fig_xy(left, y), wrapped, fontsize=size, fontweight="bold" if bold else "normal", va="top")
        y += (wrapped.count("\n") + 1) * size * 1.25 / 72 + size * PARAGRAPH_SPACE_EM / 72


def _pdf_table(fig, box, frame: pd.DataFrame) -> None:
    ax = _axes(fig, box)
    rows = len(frame) + 1
    height = min(1.0, rows * TABLE_ROW_HEIGHT_IN / box[3])
    weights = column_weights(frame)
    table = ax.table(cellText=frame.astype(str).values.tolist() or None, colLabels=list(frame.columns),
                     colWidths=[w / sum(weights) for w in weights], bbox=(0, 1 - height, 1, height), cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(table_font_pt(frame, box[2]))
    numeric = [table_column_is_numeric(frame.iloc[:, j]) for j in range(frame.shape[1])]
    for (i, j), cell in table.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if i == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#e8f0f6")
        if numeric[j]:
            cell.get_text().set_horizontalalignment("right")


def pages_pdf(pages: list[Page], title: str) -> bytes:
    """Pages as a PDF, one 16:9 page each; text is real text (matplotlib's Type 3 fonts: twice as fast
    to write as embedded TrueType, and still searchable), images are PNGs."""
    from matplotlib.backends.backend_pdf import PdfPages

    out = io.BytesIO()
    with PdfPages(out, metadata={"Title": title, "Creator": "Feltkart"}) as pdf:
        for page in pages:
            fig = plt.figure(figsize=SLIDE_SIZE_IN)
            top, size = (1.6, 36) if page.is_title else (0.35, 28)
            fig.text(*_fig_xy(0.5, top), page.title, fontsize=size, fontweight="bold", va="top")
            for block in page.blocks:
                if isinstance(block, TextBlock):
                    _pdf_text(fig, block.box, block.paragraphs)
                elif isinstance(block, TableBlock):
                    _pdf_table(fig, block.box, block.frame)
                else:
                    ax = _axes(fig, block.box)
                    ax.imshow(plt.imread(io.BytesIO(block.png), format="png"))
                    ax.set_anchor("N")
            if page.footer:
                fig.text(*_fig_xy(0.5, SLIDE_SIZE_IN[1] - 0.45), page.footer, fontsize=TEXT_STYLES["small"][0],
                         color="#444444", va="top")
            pdf.savefig(fig)
            plt.close(fig)
    return out.getvalue()
