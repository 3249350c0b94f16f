"""Grid hot spots (Getis–Ord Gi*) and emerging hot spots, on synthetic grids and the demo data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from dashboard import hotspot_stats as hs
from dashboard import queries
from dashboard.filters import Filter

CELL = 500
X0, Y0 = 280_000, 6_650_000  # EPSG:25833, near Lillestrøm; a multiple of the cell size
SIDE = 15
_TO_LONLAT = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)
CLUSTER = {(r, c) for r in (6, 7, 8) for c in (6, 7, 8)}  # the 3×3 block in the middle
CLUSTER_AND_RING = {(r, c) for r in range(5, 10) for c in range(5, 10)}


def points_from_counts(counts: np.ndarray) -> pd.DataFrame:
    """One point at the centre of each synthetic cell (row 0 = south) with that cell's count."""
    rows, cols = np.indices(counts.shape)
    x = X0 + (cols.ravel() + 0.5) * CELL
    y = Y0 + (rows.ravel() + 0.5) * CELL
    lon, lat = _TO_LONLAT.transform(x, y)
    return pd.DataFrame({"lon": lon, "lat": lat, "hits": counts.ravel()})


def field(rng: np.random.Generator, background: float = 3.0, cluster: float | None = None) -> np.ndarray:
    counts = rng.poisson(background, (SIDE, SIDE))
    if cluster is not None:
        for r, c in CLUSTER:
            counts[r, c] = rng.poisson(cluster)
    return counts


def interior(grid):
    """The synthetic field without the grid's empty one-cell margin (a truly uniform field stays so)."""
    rows, cols = grid["row"], grid["col"]
    return grid[(rows > 0) & (rows < rows.max()) & (cols > 0) & (cols < cols.max())]


def cells(result, mask) -> set[tuple[int, int]]:
    """(row, col) of the synthetic field for the selected rows (the grid adds a 1-cell margin)."""
    picked = result[mask]
    return set(zip(picked["row"] - 1, picked["col"] - 1))


# --- grid ----------------------------------------------------------------------------------------

def test_grid_counts_covers_points_with_margin_and_keeps_zeros():
    counts = np.zeros((4, 5), dtype=int)
    counts[1, 2] = 7
    counts[3, 4] = 2
    counts[0, 0] = 1  # the corners set the bounding box; cells without hits inside it stay
    points = points_from_counts(counts)
    points = pd.concat([points, points.iloc[[7]].assign(hits=5), pd.DataFrame(
        {"lon": [np.nan], "lat": [59.9], "hits": [3]})])  # a second point in cell (1, 2); a bad row
    grid = hs.grid_counts(points, cell_m=CELL)
    assert len(grid) == (4 + 2) * (5 + 2)  # bounding box + one empty cell on every side
    assert grid["hits"].sum() == 1 + 7 + 2 + 5
    assert (grid["hits"] == 0).sum() == len(grid) - 3
    assert grid.crs.to_epsg() == 4326
    assert grid["cell_id"].is_unique
    cell = grid[(grid["row"] == 2) & (grid["col"] == 3)].iloc[0]
    assert cell["hits"] == 12 and cell["cell_id"] == f"500m-E{X0 // CELL + 2}-N{Y0 // CELL + 1}"
    # The cell polygon contains its point and is ~500 m wide.
    assert cell.geometry.contains(__import__("shapely").Point(points.iloc[7]["lon"], points.iloc[7]["lat"]))
    area = grid.to_crs("EPSG:25833").geometry.area
    assert np.allclose(area, CELL * CELL, rtol=1e-6)


def test_grid_ids_are_stable_across_extents():
    counts = np.ones((6, 6), dtype=int)
    whole = hs.grid_counts(points_from_counts(counts))
    part = hs.grid_counts(points_from_counts(counts).iloc[:6])
    assert set(part["cell_id"]) <= set(whole["cell_id"])


def test_grid_counts_of_no_points_is_empty():
    grid = hs.grid_counts(pd.DataFrame({"lon": [], "lat": [], "hits": []}))
    assert len(grid) == 0 and "cell_id" in grid.columns
    with pytest.raises(ValueError, match="missing"):
        hs.grid_counts(pd.DataFrame({"lon": [11.0], "lat": [60.0]}))


def test_queen_weights_equal_libpysal_lat2w_on_a_full_grid():
    from libpysal.weights import lat2W

    grid = hs.grid_counts(points_from_counts(np.ones((4, 6), dtype=int)))
    nrows, ncols = grid.attrs["shape"]
    ours, theirs = hs._queen_weights(grid), lat2W(nrows, ncols, rook=False)
    assert {k: sorted(v) for k, v in ours.neighbors.items()} == {k: sorted(v) for k, v in theirs.neighbors.items()}


# --- hot spots -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster_grid():
    return interior(hs.grid_counts(points_from_counts(field(np.random.default_rng(7), 3.0, 40.0))))


def test_clear_cluster_is_hot_and_surroundings_are_not(cluster_grid):
    result = hs.hot_spots(cluster_grid, seed=1)
    hot = cells(result, result["class"] == "hot")
    assert CLUSTER <= hot  # every cell of the cluster
    assert hot <= CLUSTER_AND_RING  # Gi* neighbourhoods reach one cell out, no further
    assert not (result["class"] == "cold").any()
    assert (result.loc[result["significant"], "confidence"] >= 95).all()
    assert set(result.loc[result["class"] == "hot", "gi_bin"]) <= {2, 3}
    assert (result["n"] == result["hits"]).all()  # the own count is always there for the map


def test_fdr_marks_no_more_cells_than_raw_p_values(cluster_grid):
    with_fdr = hs.hot_spots(cluster_grid, seed=1)
    without = hs.hot_spots(cluster_grid, seed=1, fdr=False)
    assert with_fdr["significant"].sum() <= without["significant"].sum()
    assert (with_fdr["p_adjusted"] >= with_fdr["p"] - 1e-12).all()
    assert (without["p_adjusted"] == without["p"]).all()


def test_uniform_random_field_has_almost_no_significant_cells():
    grid = interior(hs.grid_counts(points_from_counts(np.random.default_rng(3).poisson(20, (20, 20)))))
    with_fdr = hs.hot_spots(grid, seed=2)
    assert with_fdr["significant"].sum() <= 2
    without = hs.hot_spots(grid, seed=2, fdr=False)
    assert without["significant"].sum() <= 0.1 * len(grid)  # ~5 % by chance without correction


def test_empty_margin_next_to_a_busy_field_is_the_only_cold_place():
    grid = hs.grid_counts(points_from_counts(field(np.random.default_rng(7), 3.0, 40.0)))
    result = hs.hot_spots(grid, seed=1)
    cold = result[result["class"] == "cold"]
    assert ((cold["row"] == 0) | (cold["row"] == SIDE + 1) | (cold["col"] == 0) | (cold["col"] == SIDE + 1)).all()


def test_results_are_reproducible_with_the_seed(cluster_grid):
    a = hs.hot_spots(cluster_grid, permutations=999, seed=11)
    b = hs.hot_spots(cluster_grid, permutations=999, seed=11)
    c = hs.hot_spots(cluster_grid, permutations=999, seed=12)
    assert np.array_equal(a["p"], b["p"]) and a["class"].equals(b["class"])
    assert not np.array_equal(a["p"], c["p"])
    assert np.allclose(a["z"], c["z"])  # z is analytic, only p is simulated


def test_single_busy_cell_in_raw_counts_alone_is_not_a_cluster():
    counts = np.random.default_rng(5).poisson(2, (SIDE, SIDE))
    counts[7, 7] = 500
    grid = hs.grid_counts(points_from_counts(counts))
    raw = hs.hot_spots(grid, seed=1, transform="none")
    assert not raw["significant"].any()
    with pytest.raises(ValueError, match="transform"):
        hs.hot_spots(grid, transform="cube")
    with pytest.raises(ValueError, match="alpha"):
        hs.hot_spots(grid, alpha=0.2)


def test_too_little_data_gives_a_note_and_no_classes():
    counts = np.zeros((6, 6), dtype=int)
    counts[2, 2], counts[2, 3], counts[3, 3] = 40, 30, 20  # many hits, but in 3 cells only
    result = hs.hot_spots(hs.grid_counts(points_from_counts(counts)))
    assert (result["class"] == "none").all() and not result["significant"].any()
    note = result.attrs["note"]
    assert "For lite data" in note["nb"] and "Too little data" in note["en"] and "3" in note["en"]
    assert result["n"].sum() == 90  # the counts are still shown
    few = np.ones((5, 5), dtype=int)  # 25 non-empty cells but only 25 hits
    assert hs.hot_spots(hs.grid_counts(points_from_counts(few))).attrs["note"] is not None
    empty = hs.hot_spots(hs.grid_counts(pd.DataFrame({"lon": [], "lat": [], "hits": []})))
    assert len(empty) == 0 and empty.attrs["note"] is not None


# --- slices --------------------------------------------------------------------------------------

def test_slices_are_norwegian_calendar_periods():
    quarters = hs.slices(date(2024, 2, 10), date(2025, 1, 5))
    assert [q[0] for q in quarters] == ["1. kv. 2024", "2. kv. 2024", "3. kv. 2024", "4. kv. 2024", "1. kv. 2025"]
    assert quarters[0][1:] == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarters[3][1:] == (date(2024, 10, 1), date(2024, 12, 31))
    assert hs.slices(date(2024, 1, 1), date(2024, 12, 31), "half")[1] == ("2. halvår 2024", date(2024, 7, 1),
                                                                         date(2024, 12, 31))
    assert hs.slices(date(2024, 2, 1), date(2024, 2, 29), "month") == [("feb. 2024", date(2024, 2, 1),
                                                                         date(2024, 2, 29))]
    assert [s[0] for s in hs.slices(date(2023, 5, 1), date(2024, 1, 1), "year")] == ["2023", "2024"]
    with pytest.raises(ValueError):
        hs.slices(date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(ValueError):
        hs.slices(date(2024, 1, 1), date(2024, 2, 1), "week")


# --- emerging hot spots --------------------------------------------------------------------------

def emerging(cluster_levels, seed=0, background=3.0, steady=False):
    """Eight (or len(levels)) quarterly slices; the cluster's mean count per slice, None = absent.

    ``steady``: the same background in every slice and exactly ``level`` in each cluster cell, so
    only the cluster changes and its Gi* z-scores follow the levels (for the trend cases).
    """
    rng = np.random.default_rng(seed)
    fixed = rng.poisson(background, (SIDE, SIDE))
    by_slice = {}
    for i, level in enumerate(cluster_levels):
        if steady:
            counts = fixed.copy()
            for r, c in CLUSTER:
                counts[r, c] = level or counts[r, c]
        else:
            counts = field(rng, background, level)
        by_slice[f"{i % 4 + 1}. kv. {2023 + i // 4}"] = points_from_counts(counts)
    return hs.emerging_hot_spots(by_slice, permutations=2999, seed=1)  # floor 0.00067: enough for BH here


def cluster_classes(result) -> set[str]:
    inner = result[[(r - 1, c - 1) in CLUSTER for r, c in zip(result["row"], result["col"])]]
    return set(inner["class"])


def test_cluster_only_in_last_slice_is_new():
    result = emerging([None] * 7 + [60])
    assert cluster_classes(result) == {"new_hot"}
    centre = result[(result["row"] == 8) & (result["col"] == 8)].iloc[0]
    assert centre["history"] == "·······H" and centre["hot_slices"] == 1
    outside = result[[(r - 1, c - 1) not in CLUSTER_AND_RING for r, c in zip(result["row"], result["col"])]]
    assert (outside["class"] == "no_pattern").mean() > 0.95


def test_growing_cluster_is_intensifying():
    result = emerging([15, 20, 26, 33, 42, 54, 70, 90], steady=True)
    assert cluster_classes(result) == {"intensifying_hot"}
    assert (result.loc[result["class"] == "intensifying_hot", "trend_tau"] > 0.5).all()


def test_constant_cluster_is_persistent():
    result = emerging([60] * 8)
    assert cluster_classes(result) == {"persistent_hot"}
    assert (result.loc[result["class"] == "persistent_hot", "trend_p"] >= hs.TREND_ALPHA).all()


def test_shrinking_cluster_is_diminishing():
    result = emerging([90, 70, 54, 42, 33, 26, 20, 15], steady=True)
    assert cluster_classes(result) == {"diminishing_hot"}
    assert (result.loc[result["class"] == "diminishing_hot", "trend_tau"] < -0.5).all()


def test_cluster_gone_in_last_slice_is_historical_and_run_at_end_is_consecutive():
    assert cluster_classes(emerging([60] * 7 + [None])) == {"historical_hot"}
    assert cluster_classes(emerging([None] * 5 + [60] * 3)) == {"consecutive_hot"}
    assert cluster_classes(emerging([60, None, None, 60, None, 60, None, 60])) == {"sporadic_hot"}


def test_pattern_rules():
    yes, no = np.ones(8, bool), np.zeros(8, bool)
    last = no.copy()
    last[-1] = True
    assert hs._pattern(yes, no, rising=True, falling=False) == "intensifying"
    assert hs._pattern(last, no, False, False) == "new"
    cold_before = no.copy()
    cold_before[2] = True
    assert hs._pattern(last, cold_before, False, False) == "oscillating"
    assert hs._pattern(no, no, False, False) is None
    some_earlier = no.copy()
    some_earlier[1] = True  # once, two years ago: not enough for "historical"
    assert hs._pattern(some_earlier, no, False, False) is None


def test_labels_and_explanations_cover_every_class():
    for key in hs.EMERGING_CLASSES:
        assert set(hs.CLASS_LABELS[key]) == {"nb", "en"}
        assert set(hs.CLASS_EXPLANATIONS[key]) == {"nb", "en"}
    for key in hs.HOT_SPOT_CLASSES:
        assert set(hs.HOT_SPOT_LABELS[key]) == set(hs.HOT_SPOT_EXPLANATIONS[key]) == {"nb", "en"}
    assert hs.CLASS_LABELS["new_hot"] == {"nb": "Nytt varmt punkt", "en": "New hot spot"}
    assert "færre" in hs.CLASS_EXPLANATIONS["persistent_cold"]["nb"]


def test_emerging_with_few_slices_notes_that_trends_cannot_be_significant():
    result = emerging([60, 60, 60])
    assert "5" in result.attrs["note"]["en"]
    assert result.attrs["slices"] == ["1. kv. 2023", "2. kv. 2023", "3. kv. 2023"]
    with pytest.raises(ValueError, match="two periods"):
        hs.emerging_hot_spots({"1. kv. 2024": points_from_counts(np.ones((3, 3), dtype=int))})
    nothing = pd.DataFrame({"lon": [], "lat": [], "hits": []})
    empty = hs.emerging_hot_spots({"a": nothing, "b": nothing})
    assert len(empty) == 0 and {"class", "trend_p", "n_total"} <= set(empty.columns)
    assert "Too little data" in empty.attrs["note"]["en"]


# --- demo data -----------------------------------------------------------------------------------

STATION = (11.04603, 59.95366)  # Lillestrøm tog- og busstasjon


def demo_points(demo_db, start: date, end: date) -> pd.DataFrame:
    flt = Filter(start, end)
    places = queries.run_filtered(demo_db, "hits_by_hotspot", flt)[["lon", "lat", "hits"]]
    free = queries.run_filtered(demo_db, "free_points", flt)[["lon", "lat", "hits"]]
    return pd.concat([places, free], ignore_index=True)


def station_row(result):
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(*STATION)
    hit = result[((result["x"] - x).abs() <= CELL / 2) & ((result["y"] - y).abs() <= CELL / 2)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_demo_2023_station_cell_is_hot(demo_db):
    grid = hs.grid_counts(demo_points(demo_db, date(2023, 1, 1), date(2023, 12, 31)))
    result = hs.hot_spots(grid)
    station = station_row(result)
    assert station["class"] == "hot" and station["n"] > 1000
    assert result.attrs["note"] is None
    assert (result["class"] != "cold").all()


def test_demo_emerging_over_eight_quarters(demo_db):
    periods = hs.slices(date(2024, 1, 1), date(2025, 12, 31))
    assert len(periods) == 8
    by_slice = {label: demo_points(demo_db, start, end) for label, start, end in periods}
    result = hs.emerging_hot_spots(by_slice)  # the default 9 999: fewer leave the BH floor too close
    assert set(result["class"]) <= set(hs.EMERGING_CLASSES)
    station = station_row(result)
    assert station["hot_slices"] >= 6 and station["class"].endswith("_hot")
    assert result["n_total"].sum() == sum(frame["hits"].sum() for frame in by_slice.values())
