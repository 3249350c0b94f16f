"""Where do registrations cluster more than chance would give? Grid hot spots and their trend.

Counts of youth met are small and noisy, so a busy cell on the map is not by itself a hot spot.
This module counts registrations on a square grid and asks, per cell, whether the cell *and its
neighbours* hold more (hot) or fewer (cold) than a random arrangement of the same counts would
(Getis–Ord Gi*), with permutation inference and a false discovery rate correction across cells.
Over time slices (quarters) it classifies each cell's history after ESRI's "emerging hot spot
analysis", simplified (see ``emerging_hot_spots``).

Everything is computed in EPSG:25833 (metres); cell polygons are returned in WGS84 for the map.
Pure: no Streamlit import. User-facing words come as ``{"nb": ..., "en": ...}`` dicts.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from dashboard.geo import PROJECTED_CRS

WGS84 = "EPSG:4326"
DEFAULT_CELL_M = 500
DEFAULT_PERMUTATIONS = 999
DEFAULT_SEED = 20240601  # fixed so the same data always gives the same map
MIN_NONEMPTY_CELLS = 10  # below these a hot-spot test has too little to compare with
MIN_TOTAL_HITS = 30
TREND_ALPHA = 0.05  # Mann–Kendall trend of a cell's z-scores over the slices
PERSISTENT_SHARE = 0.9  # "hot in ≥ 90 % of the slices"

_TO_UTM = Transformer.from_crs(WGS84, PROJECTED_CRS, always_xy=True)

HOT_SPOT_CLASSES = ("hot", "cold", "none")
HOT_SPOT_LABELS = {
    "hot": {"nb": "Varmt punkt", "en": "Hot spot"},
    "cold": {"nb": "Kaldt punkt", "en": "Cold spot"},
    "none": {"nb": "Ikke signifikant", "en": "Not significant"},
}
HOT_SPOT_EXPLANATIONS = {
    "hot": {"nb": "Ruten og nabo-rutene har til sammen flere registrerte ungdommer enn tilfeldig "
                  "fordeling ville gitt.",
            "en": "The cell and its neighbours together have more youth registered than a random "
                  "arrangement would give."},
    "cold": {"nb": "Ruten og nabo-rutene har færre registreringer enn tilfeldig. Det kan bety at "
                   "teamet sjelden er der, ikke nødvendigvis at ungdommene ikke er der.",
             "en": "The cell and its neighbours have fewer registrations than chance. This may mean "
                   "the team is rarely there, not necessarily that no youth are."},
    "none": {"nb": "Kan ikke skilles fra tilfeldig variasjon. Tallet i ruten vises likevel.",
             "en": "Cannot be told apart from chance variation. The cell's count is still shown."},
}
NOTE_TOO_LITTLE_DATA = {
    "nb": ("For lite data for en hot spot-analyse: testen trenger minst {cells} ruter med "
           "registreringer og minst {hits} registrerte ungdommer (her {have_cells} ruter og "
           "{have_hits}). Tallene per rute vises, men ingen rute merkes som varm eller kald."),
    "en": ("Too little data for a hot-spot analysis: the test needs at least {cells} cells with "
           "registrations and at least {hits} youth registered (here {have_cells} cells and "
           "{have_hits}). The counts per cell are shown, but no cell is marked hot or cold."),
}


# --- Periods ----------------------------------------------------------------------------------

def slices(start: date, end: date, freq: str = "quarter") -> list[tuple[str, date, date]]:
    """Calendar periods ``(label, first day, last day)`` covering ``start``..``end`` (inclusive).

    ``freq`` is "quarter" (labels like "1. kv. 2024"), "half" ("1. halvår 2024"), "month"
    ("jan. 2024") or "year" ("2024"). The first and last periods are whole calendar periods, so
    they may reach outside ``start``/``end``; the caller clips or notes partial periods.
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    months_per = {"month": 1, "quarter": 3, "half": 6, "year": 12}.get(freq)
    if months_per is None:
        raise ValueError(f"freq must be 'month', 'quarter', 'half' or 'year', got {freq!r}")
    month_names = ("jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.",
                   "nov.", "des.")
    first = (start.month - 1) // months_per * months_per  # zero-based month of the first period
    year, month0 = start.year, first
    periods = []
    while date(year, month0 + 1, 1) <= end:
        begin = date(year, month0 + 1, 1)
        next_year, next_month0 = (year + 1, 0) if month0 + months_per >= 12 else (year, month0 + months_per)
        last = date(next_year, next_month0 + 1, 1) - timedelta(days=1)
        number = month0 // months_per + 1
        label = {"month": f"{month_names[month0]} {year}", "quarter": f"{number}. kv. {year}",
                 "half": f"{number}. halvår {year}", "year": f"{year}"}[freq]
        periods.append((label, begin, last))
        year, month0 = next_year, next_month0
    return periods


# --- Grid -------------------------------------------------------------------------------------

def _project(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected x, y (metres) and hits of the rows with coordinates and hits > 0."""
    missing = {"lon", "lat", "hits"} - set(points.columns)
    if missing:
        raise ValueError(f"points need columns lon, lat, hits; missing {', '.join(sorted(missing))}")
    frame = points[["lon", "lat", "hits"]].dropna()
    frame = frame[frame["hits"] > 0]
    x, y = _TO_UTM.transform(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    return np.asarray(x), np.asarray(y), frame["hits"].to_numpy(float)


def _empty_grid() -> gpd.GeoDataFrame:
    columns = {"cell_id": pd.Series(dtype=str), "row": pd.Series(dtype=int), "col": pd.Series(dtype=int),
               "x": pd.Series(dtype=float), "y": pd.Series(dtype=float), "hits": pd.Series(dtype=int)}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


def _lattice(xs: np.ndarray, ys: np.ndarray, cell_m: float):
    """Cell index range (on a global lattice of ``cell_m``) covering the points plus one cell."""
    col0 = math.floor(xs.min() / cell_m) - 1
    row0 = math.floor(ys.min() / cell_m) - 1
    col1 = math.floor(xs.max() / cell_m) + 1
    row1 = math.floor(ys.max() / cell_m) + 1
    return col0, row0, col1, row1


def _build_grid(col0: int, row0: int, col1: int, row1: int, cell_m: float) -> gpd.GeoDataFrame:
    """All cells of the lattice window, row-major from the south-west, with WGS84 polygons."""
    cols = np.arange(col0, col1 + 1)
    rows = np.arange(row0, row1 + 1)
    cc, rr = np.meshgrid(cols, rows)
    cc, rr = cc.ravel(), rr.ravel()
    boxes = shapely.box(cc * cell_m, rr * cell_m, (cc + 1) * cell_m, (rr + 1) * cell_m)
    size = f"{cell_m:g}"
    grid = gpd.GeoDataFrame(
        {
            # Stable across filters and periods: the id names the cell of a global lattice.
            "cell_id": [f"{size}m-E{c}-N{r}" for c, r in zip(cc, rr)],
            "row": rr - row0,
            "col": cc - col0,
            "x": (cc + 0.5) * cell_m,  # cell centre, EPSG:25833
            "y": (rr + 0.5) * cell_m,
            "hits": np.zeros(len(cc), dtype=int),
        },
        geometry=gpd.GeoSeries(boxes, crs=PROJECTED_CRS),
        crs=PROJECTED_CRS,
    )
    grid = grid.to_crs(WGS84)
    grid.attrs.update(cell_m=float(cell_m), origin=(col0, row0), shape=(len(rows), len(cols)))
    return grid


def _fill(grid: gpd.GeoDataFrame, xs, ys, hits, cell_m: float) -> gpd.GeoDataFrame:
    col0, row0 = grid.attrs["origin"]
    nrows, ncols = grid.attrs["shape"]
    cols = np.floor(xs / cell_m).astype(int) - col0
    rows = np.floor(ys / cell_m).astype(int) - row0
    inside = (cols >= 0) & (cols < ncols) & (rows >= 0) & (rows < nrows)
    counts = np.bincount(rows[inside] * ncols + cols[inside], weights=hits[inside],
                         minlength=nrows * ncols)
    grid = grid.copy()
    grid["hits"] = np.rint(counts).astype(int)
    return grid


def grid_counts(points: pd.DataFrame, cell_m: float = DEFAULT_CELL_M) -> gpd.GeoDataFrame:
    """Count hits on a square grid of ``cell_m`` metres (EPSG:25833) around the points.

    ``points`` has columns lon, lat, hits: hotspots at their coordinates with their hits, plus
    free points. The grid covers the points' bounding box plus one cell on every side, and has a
    row for every cell, empty ones included, so the hot-spot statistic sees the quiet
    surroundings. Cells lie on a global lattice, so ``cell_id`` (e.g. "500m-E1234-N13301") names
    the same square in every filter and period. Columns: cell_id, row, col (position in this
    grid), x, y (centre in EPSG:25833), hits, geometry (the cell polygon in WGS84).
    """
    if cell_m <= 0:
        raise ValueError(f"cell_m must be positive, got {cell_m!r}")
    xs, ys, hits = _project(points)
    if len(xs) == 0:
        return _empty_grid()
    grid = _build_grid(*_lattice(xs, ys, cell_m), cell_m)
    return _fill(grid, xs, ys, hits, cell_m)


def _queen_weights(grid: pd.DataFrame):
    """Binary queen contiguity (the 8 touching cells) from the grid's row/col positions."""
    from libpysal.weights import W

    position = {(r, c): i for i, (r, c) in enumerate(zip(grid["row"], grid["col"]))}
    neighbours = {}
    for i, (r, c) in enumerate(zip(grid["row"], grid["col"])):
        neighbours[i] = [position[(r + dr, c + dc)] for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                         if (dr or dc) and (r + dr, c + dc) in position]
    with warnings.catch_warnings():  # islands are possible in a grid subset; they get no neighbours
        warnings.simplefilter("ignore")
        return W(neighbours, id_order=list(range(len(grid))), silence_warnings=True)


# --- Getis–Ord Gi* hot spots ------------------------------------------------------------------

TRANSFORMS = {"sqrt": np.sqrt, "log1p": np.log1p, "none": lambda values: values}
_CHUNK = 1000  # permutations per block; bounds memory to cells × 1000 floats


def _star_matrix(grid: pd.DataFrame):
    """Binary queen weights with the cell itself included (the Gi* neighbourhood), as CSR."""
    import scipy.sparse as sp

    w = _queen_weights(grid)
    return w, (w.sparse + sp.identity(len(grid), format="csr")).tocsr()


def _permutation_p(values: np.ndarray, star, permutations: int, seed) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided permutation p-values of each cell's Gi* neighbourhood sum, and the hot side.

    Total randomisation: every permutation shuffles all cell values (the cell's own included,
    as Gi* includes it) and recomputes every neighbourhood sum. Gi* of a cell is its
    neighbourhood sum over the (fixed) grand total, so comparing sums is comparing Gi*.
    p = min(1, 2·min(p_high, p_low)) with p_high = (#{sim ≥ obs} + 1)/(P + 1), and p_low likewise;
    ties count against significance on both sides.
    """
    rng = np.random.default_rng(seed)
    observed = star @ values
    tol = 1e-9 * max(1.0, float(np.abs(values).sum()))
    high = np.zeros(len(values))
    low = np.zeros(len(values))
    done = 0
    while done < permutations:
        block = min(_CHUNK, permutations - done)
        shuffled = rng.permuted(np.broadcast_to(values[:, None], (len(values), block)), axis=0)
        sums = star @ shuffled
        high += (sums >= observed[:, None] - tol).sum(axis=1)
        low += (sums <= observed[:, None] + tol).sum(axis=1)
        done += block
    p_high = (high + 1) / (permutations + 1)
    p_low = (low + 1) / (permutations + 1)
    return np.minimum(1.0, 2 * np.minimum(p_high, p_low)), p_high < p_low


def _confidence(p: np.ndarray, alpha: float) -> np.ndarray:
    """Highest of 99/95/90 % whose level p is below, and only if p < alpha; else 0."""
    level = np.select([p < 0.01, p < 0.05, p < 0.10], [99, 95, 90], default=0)
    return np.where(p < alpha, level, 0)


def _too_little(hits: np.ndarray) -> dict | None:
    nonempty, total = int((hits > 0).sum()), int(hits.sum())
    if nonempty >= MIN_NONEMPTY_CELLS and total >= MIN_TOTAL_HITS:
        return None
    values = {"cells": MIN_NONEMPTY_CELLS, "hits": MIN_TOTAL_HITS, "have_cells": nonempty, "have_hits": total}
    return {lang: text.format(**values) for lang, text in NOTE_TOO_LITTLE_DATA.items()}


def hot_spots(grid: gpd.GeoDataFrame, *, permutations: int = 9999, seed=DEFAULT_SEED,
              alpha: float = 0.05, fdr: bool = True, transform: str = "sqrt") -> gpd.GeoDataFrame:
    """Getis–Ord Gi* hot and cold spots on a ``grid_counts`` grid.

    Returns the grid with: ``n`` (the cell's own hits, always shown on the map), ``z`` (Gi*
    z-score, esda ``G_Local(star=True)``), ``p`` (two-sided permutation p-value), ``p_adjusted``
    (Benjamini–Hochberg, or = p when ``fdr`` is False), ``significant`` (p_adjusted < alpha),
    ``class`` ('hot'/'cold'/'none'), ``confidence`` (99/95/90 %, 0 when not significant) and
    ``gi_bin`` (ESRI-style −3..+3: sign × confidence level). ``attrs["note"]`` is None or a
    ``{"nb", "en"}`` explanation; ``attrs`` also record the settings.

    Design (see also the module docstring):

    * Weights: binary queen contiguity of the square grid — a cell's neighbourhood is itself
      and the 8 cells touching it (a 1.5 km square at 500 m cells), the same for every cell
      except at the grid's edge, which lies in the one-cell empty margin. Binary, not
      row-standardised, as Gi* is defined on the neighbourhood *sum*.
    * Variable: √hits by default (``transform``), the variance-stabilising transform of Poisson
      counts also behind ``stats.change_z``. Youth counts are extremely skewed (one station
      cell can hold a quarter of a year's hits); on raw counts a single busy cell dominates the
      statistic, and under the permutation null "one huge value lands somewhere" is not
      surprising, so nothing is ever significant. On √hits the test asks what planners mean:
      do busy cells *cluster*? ``transform="none"`` gives classic Gi* on counts.
    * Inference: total randomisation — all cell values, the cell's own included, are shuffled
      (esda's conditional randomisation keeps the cell's own value fixed, which for Gi* judges a
      cell only by its neighbours and counts ties on the cold side as extreme). Seeded, so the
      same data always give the same map.
    * Multiple testing: every cell of the grid is a test, so ~5 % of a large empty-ish grid
      would be "significant" at p < 0.05 by chance alone. Benjamini–Hochberg (statsmodels
      ``multipletests(method="fdr_bh")``) keeps the expected share of false hot/cold cells
      among those marked at ``alpha``; it is also what ESRI offers for Gi* (FDR correction).
      BH needs small p-values: the smallest permutation p is 2/(P+1), and to pass BH among m
      cells k cells need p ≤ alpha·k/m. With 999 permutations (floor 0.002) and ~1 000 cells
      at least 40 cells would have to sit at the floor, so the default is 9 999 permutations.
    * Small data: with fewer than ``MIN_NONEMPTY_CELLS`` non-empty cells or fewer than
      ``MIN_TOTAL_HITS`` hits, no cell is tested; all are 'none' and the note says why.
    """
    from esda import G_Local
    from statsmodels.stats.multitest import multipletests

    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}, got {transform!r}")
    if permutations < 99:
        raise ValueError(f"permutations must be at least 99, got {permutations}")
    if not 0 < alpha <= 0.10:
        raise ValueError(f"alpha must be in (0, 0.10] (the 90/95/99 % classes), got {alpha}")
    result = grid.copy()
    hits = result["hits"].to_numpy(float) if len(result) else np.zeros(0)
    result["n"] = hits.astype(int)
    result.attrs.update(grid.attrs)
    result.attrs.update(permutations=int(permutations), seed=seed, alpha=float(alpha), fdr=bool(fdr),
                        transform=transform, note=None)
    note = _too_little(hits)
    if note is not None:
        for column in ("z", "p", "p_adjusted"):
            result[column] = np.nan
        result["significant"] = False
        result["class"] = "none"
        result["confidence"] = 0
        result["gi_bin"] = 0
        result.attrs["note"] = note
        return result

    values = TRANSFORMS[transform](hits)
    w, star = _star_matrix(result)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        gi = G_Local(values, w, transform="B", star=True, permutations=0)
    z = np.nan_to_num(np.asarray(gi.Zs, dtype=float))
    p, hot_side = _permutation_p(values, star, int(permutations), seed)
    p_adjusted = multipletests(p, alpha=alpha, method="fdr_bh")[1] if fdr else p
    significant = p_adjusted < alpha
    result["z"] = z
    result["p"] = p
    result["p_adjusted"] = p_adjusted
    result["significant"] = significant
    result["class"] = np.where(significant, np.where(hot_side, "hot", "cold"), "none")
    result["confidence"] = _confidence(p_adjusted, alpha)
    result["gi_bin"] = (np.where(hot_side, 1, -1)
                        * np.select([result["confidence"] == 99, result["confidence"] == 95,
                                     result["confidence"] == 90], [3, 2, 1], default=0))
    return result


# --- Emerging hot spots -----------------------------------------------------------------------

PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
            "oscillating", "historical")
EMERGING_CLASSES = tuple(f"{p}_{d}" for d in ("hot", "cold") for p in PATTERNS) + ("no_pattern",)

_PATTERN_WORDS = {  # (nb adjective for "punkt", en adjective)
    "new": ("Nytt", "New"),
    "consecutive": ("Sammenhengende", "Consecutive"),
    "intensifying": ("Forsterket", "Intensifying"),
    "persistent": ("Vedvarende", "Persistent"),
    "diminishing": ("Avtagende", "Diminishing"),
    "sporadic": ("Sporadisk", "Sporadic"),
    "oscillating": ("Vekslende", "Oscillating"),
    "historical": ("Tidligere", "Historical"),
}
CLASS_LABELS = {
    f"{pattern}_{direction}": {
        "nb": f"{nb} {'varmt' if direction == 'hot' else 'kaldt'} punkt",
        "en": f"{en} {direction} spot",
    }
    for direction in ("hot", "cold") for pattern, (nb, en) in _PATTERN_WORDS.items()
}
CLASS_LABELS["no_pattern"] = {"nb": "Intet mønster", "en": "No pattern"}

_EXPLAIN = {  # {side}: "flere"/"more" for hot, "færre"/"fewer" for cold; (nb, en)
    "new": (
        "Området har {side} ungdommer enn tilfeldig bare i den siste perioden, aldri før.",
        "The area has {side} youth than chance only in the latest period, never before.",
    ),
    "consecutive": (
        "Området har hatt {side} ungdommer enn tilfeldig i de siste periodene på rad, men ikke før det.",
        "The area has had {side} youth than chance in the latest periods in a row, but not before that.",
    ),
    "intensifying": (
        "Området har {side} ungdommer enn tilfeldig i nesten alle periodene, og forskjellen blir tydelig større.",
        "The area has {side} youth than chance in nearly all periods, and the difference is clearly growing.",
    ),
    "persistent": (
        "Området har {side} ungdommer enn tilfeldig i nesten alle periodene, uten tydelig endring over tid.",
        "The area has {side} youth than chance in nearly all periods, with no clear change over time.",
    ),
    "diminishing": (
        "Området har {side} ungdommer enn tilfeldig i nesten alle periodene, men forskjellen blir tydelig mindre.",
        "The area has {side} youth than chance in nearly all periods, but the difference is clearly shrinking.",
    ),
    "sporadic": (
        "Området har {side} ungdommer enn tilfeldig nå, og av og til før, men ikke jevnt.",
        "The area has {side} youth than chance now, and on and off before, but not steadily.",
    ),
    "oscillating": (
        "Området har {side} ungdommer enn tilfeldig nå, men hadde det motsatte i en tidligere periode.",
        "The area has {side} youth than chance now, but had the opposite in an earlier period.",
    ),
    "historical": (
        "Området hadde {side} ungdommer enn tilfeldig i mange tidligere perioder, men ikke i den siste.",
        "The area had {side} youth than chance in many earlier periods, but not in the latest.",
    ),
}
CLASS_EXPLANATIONS = {
    f"{pattern}_{direction}": {
        "nb": nb.format(side="flere" if direction == "hot" else "færre"),
        "en": en.format(side="more" if direction == "hot" else "fewer"),
    }
    for direction in ("hot", "cold") for pattern, (nb, en) in _EXPLAIN.items()
}
CLASS_EXPLANATIONS["no_pattern"] = {
    "nb": "Ingen periode skiller seg ut fra tilfeldig variasjon på en måte som gir et mønster.",
    "en": "No period stands out from chance variation in a way that forms a pattern.",
}
NOTE_FEW_SLICES = {
    "nb": ("Bare {n} perioder: en trend kan ikke bli statistisk sikker med færre enn 5, så "
           "'forsterket' og 'avtagende' kan ikke forekomme."),
    "en": ("Only {n} periods: a trend cannot be statistically certain with fewer than 5, so "
           "'intensifying' and 'diminishing' cannot occur."),
}


def _trend(z: np.ndarray) -> tuple[float, float]:
    """Mann–Kendall trend of a cell's z-scores: Kendall's tau against the slice index.

    tau and its p-value depend only on the ranks of the z-scores, so results are cached by rank
    pattern (many quiet cells share one), which keeps this fast over a thousand cells.
    """
    from scipy.stats import rankdata

    if len(z) < 3 or np.ptp(z) == 0:
        return 0.0, 1.0
    return _trend_of_ranks(tuple(rankdata(z).tolist()))


@lru_cache(maxsize=4096)
def _trend_of_ranks(ranks: tuple[float, ...]) -> tuple[float, float]:
    from scipy.stats import kendalltau

    res = kendalltau(np.arange(len(ranks)), np.asarray(ranks))
    tau, p = float(res.statistic), float(res.pvalue)
    return (0.0, 1.0) if math.isnan(tau) or math.isnan(p) else (tau, p)


def _pattern(on: np.ndarray, opposite: np.ndarray, rising: bool, falling: bool) -> str | None:
    """The ESRI-style pattern of one side (hot or cold) of a cell's history, or None.

    ``on``: significant on this side per slice; ``opposite``: significant on the other side;
    ``rising``/``falling``: significant trend *towards*/*away from* this side.
    """
    n = len(on)
    share = on.sum() / n
    if on[-1]:
        if share >= PERSISTENT_SHARE:
            return "intensifying" if rising else "diminishing" if falling else "persistent"
        if opposite[:-1].any():
            return "oscillating"
        first = int(np.argmax(on))
        if on[first:].all():  # a single run that reaches the latest slice
            return "new" if first == n - 1 else "consecutive"
        return "sporadic"
    if n > 1 and on[:-1].sum() / (n - 1) >= 0.5:
        return "historical"
    return None


def emerging_hot_spots(points_by_slice: Mapping[str, pd.DataFrame], cell_m: float = DEFAULT_CELL_M, *,
                       permutations: int = 9999, seed=DEFAULT_SEED, alpha: float = 0.05,
                       fdr: bool = True, transform: str = "sqrt",
                       trend_alpha: float = TREND_ALPHA) -> gpd.GeoDataFrame:
    """Classify each grid cell by how its Gi* hot/cold status developed over time slices.

    ``points_by_slice`` maps period labels, in time order (e.g. from ``slices``), to frames of
    lon, lat, hits. All slices share one grid (the union of their bounding boxes, + 1 cell), and
    ``hot_spots`` is run per slice with the same settings (its own FDR correction within each
    slice; a slice with too little data marks nothing). Per cell the result has ``n_total``
    (hits over all slices), ``n_last`` (hits in the last slice), ``hot_slices``, ``cold_slices``,
    ``history`` (one character per slice: H hot, C cold, · none), ``z_last``,
    ``trend_tau``/``trend_p`` (Mann–Kendall trend of the cell's Gi* z-scores: Kendall's tau
    against the slice index, which is the Mann–Kendall test; scipy's exact p for small n without
    ties; ESRI likewise tests the trend of the z-scores), ``pattern``, ``direction``
    ('hot'/'cold'/'none') and ``class`` (a key of ``CLASS_LABELS`` / ``CLASS_EXPLANATIONS``, e.g.
    'new_hot' or 'no_pattern').

    Classification, after ESRI's emerging hot spot analysis, simplified ("hot" = significant hot
    spot in that slice; "90 %" = ``PERSISTENT_SHARE`` of the slices; "trend" = Mann–Kendall
    p < ``trend_alpha``):

    * intensifying: hot in ≥ 90 % of the slices incl. the last, z rising significantly;
    * persistent: hot in ≥ 90 % incl. the last, no significant trend;
    * diminishing: hot in ≥ 90 % incl. the last, z falling significantly;
    * oscillating: hot in the last slice, < 90 %, and cold in some earlier slice;
    * new: hot only in the last slice;
    * consecutive: hot in an unbroken run of ≥ 2 slices up to the last, never before it;
    * sporadic: hot in the last slice and on and off before (< 90 %), never cold;
    * historical: not hot in the last slice, but hot in at least half of the earlier ones
      (ESRI asks 90 %; with a handful of quarters one quiet quarter would hide a long history);
    * the same for cold spots (trend directions mirrored), checked when no hot pattern applies;
    * no_pattern: anything else (including a few scattered earlier hot slices).

    With fewer than 5 slices no trend can reach p < 0.05, which ``attrs["note"]`` says.
    """
    labels = list(points_by_slice)
    if len(labels) < 2:
        raise ValueError(f"emerging hot spots need at least two periods, got {len(labels)}; "
                         "use hot_spots for a single period")
    projected = [_project(points_by_slice[label]) for label in labels]
    xs = np.concatenate([p[0] for p in projected])
    ys = np.concatenate([p[1] for p in projected])
    if len(xs) == 0:
        grid = _empty_grid().drop(columns="hits")
        for column in ("n_total", "n_last", "hot_slices", "cold_slices"):
            grid[column] = pd.Series(dtype=int)
        for column in ("z_last", "trend_tau", "trend_p"):
            grid[column] = pd.Series(dtype=float)
        for column in ("history", "pattern", "direction", "class"):
            grid[column] = pd.Series(dtype=str)
        grid.attrs.update(slices=labels, note=_too_little(np.zeros(0)), slice_notes={})
        return grid
    base = _build_grid(*_lattice(xs, ys, cell_m), cell_m)
    zs, hot, cold = [], [], []
    slice_notes = {}
    total = np.zeros(len(base), dtype=int)
    last_hits = total
    base_seed = _seed_int(seed)
    for index, (label, (px, py, ph)) in enumerate(zip(labels, projected)):
        grid = _fill(base, px, py, ph, cell_m)
        last_hits = grid["hits"].to_numpy()
        total += last_hits
        result = hot_spots(grid, permutations=permutations, seed=[base_seed, index], alpha=alpha,
                           fdr=fdr, transform=transform)
        if result.attrs["note"] is not None:
            slice_notes[label] = result.attrs["note"]
        zs.append(np.nan_to_num(result["z"].to_numpy(float)))
        hot.append(result["class"].to_numpy() == "hot")
        cold.append(result["class"].to_numpy() == "cold")
    zs, hot, cold = np.array(zs).T, np.array(hot).T, np.array(cold).T  # cells × slices

    out = base[["cell_id", "row", "col", "x", "y", "geometry"]].copy()
    out["n_total"] = total
    out["n_last"] = last_hits
    out["hot_slices"] = hot.sum(axis=1)
    out["cold_slices"] = cold.sum(axis=1)
    out["history"] = ["".join("H" if h else "C" if c else "·" for h, c in zip(hr, cr))
                      for hr, cr in zip(hot, cold)]
    out["z_last"] = zs[:, -1]
    trends = [_trend(z) for z in zs]
    out["trend_tau"] = [t for t, _ in trends]
    out["trend_p"] = [p for _, p in trends]
    patterns, directions = [], []
    for h, c, (tau, p) in zip(hot, cold, trends):
        up, down = p < trend_alpha and tau > 0, p < trend_alpha and tau < 0
        pattern, direction = _pattern(h, c, rising=up, falling=down), "hot"
        if pattern is None:
            pattern, direction = _pattern(c, h, rising=down, falling=up), "cold"
        if pattern is None:
            pattern, direction = "no_pattern", "none"
        patterns.append(pattern)
        directions.append(direction)
    out["pattern"] = patterns
    out["direction"] = directions
    out["class"] = [p if d == "none" else f"{p}_{d}" for p, d in zip(patterns, directions)]
    note = _too_little(total)
    if note is None and len(labels) < 5:
        note = {lang: text.format(n=len(labels)) for lang, text in NOTE_FEW_SLICES.items()}
    out.attrs.update(base.attrs)
    out.attrs.update(slices=labels, note=note, slice_notes=slice_notes, permutations=int(permutations),
                     seed=seed, alpha=float(alpha), fdr=bool(fdr), transform=transform,
                     trend_alpha=float(trend_alpha))
    return out


def _seed_int(seed) -> int:
    """An int seed for spawning one stream per slice (None → fresh entropy)."""
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(seed, (list, tuple)):
        return int(np.random.SeedSequence(list(seed)).generate_state(1)[0])
    return int(seed)
