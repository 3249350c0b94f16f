"""Is a change real? The z-score, the exact conditional Poisson test, the outer join of two
periods' counts and the ranking of risers and fallers by evidence."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from dashboard import stats


# --- change_z -----------------------------------------------------------------------------------

@pytest.mark.parametrize("now, before, ratio, expected", [
    (16, 9, 1.0, 2.0),             # 2·(4 − 3)
    (9, 16, 1.0, -2.0),
    (16, 4, 2.25, 2.0),            # 2·(4 − √9)
    (100, 100, 1.0, 0.0),
    (20, 10, 2.0, 0.0),            # the same rate over twice the days
    (0, 0, 1.0, 0.0),
    (25, 0, 1.0, 10.0),
    (0, 25, 1.0, -10.0),
    (7359, 5405, 1.0, 2 * (math.sqrt(7359) - math.sqrt(5405))),
])
def test_change_z_by_hand(now, before, ratio, expected):
    assert stats.change_z(now, before, ratio) == pytest.approx(expected)


def test_change_z_clamps_negative_counts():
    assert stats.change_z(-4, 9) == pytest.approx(-6.0)
    assert stats.change_z(9, -4) == pytest.approx(6.0)


# --- poisson_change_p ---------------------------------------------------------------------------

def test_p_by_hand():
    assert stats.poisson_change_p(4, 0) == pytest.approx(0.125)    # 2 · (1/2)^4
    assert stats.poisson_change_p(0, 4) == pytest.approx(0.125)
    assert stats.poisson_change_p(5, 0) == pytest.approx(0.0625)   # first count to be significant alone
    assert stats.poisson_change_p(0, 0) == 1.0
    assert stats.poisson_change_p(20, 10, exposure_ratio=2.0) == pytest.approx(1.0)  # equal rates
    assert stats.poisson_change_p(5, 5) == pytest.approx(1.0)
    # 8 vs 2: P(X ≥ 8 | n=10, ½) = (45 + 10 + 1)/1024, doubled
    assert stats.poisson_change_p(8, 2) == pytest.approx(2 * 56 / 1024)


def central_p(now: int, before: int, ratio: float) -> float:
    """The central two-sided p by scipy: twice the smaller one-sided binomtest p-value, at most 1."""
    if now + before == 0:
        return 1.0
    share = ratio / (1 + ratio)
    tails = [binomtest(int(now), int(now + before), share, alternative=side).pvalue for side in ("less", "greater")]
    return min(1.0, 2 * min(tails))


def test_p_matches_scipy_binomtest():
    for now, before in itertools.product([0, 1, 2, 3, 7, 15, 40, 120, 1000], repeat=2):
        for ratio in (0.5, 1.0, 1.5, 2.0, 365 / 366):
            if now + before == 0:
                continue
            assert stats.poisson_change_p(now, before, ratio) == pytest.approx(central_p(now, before, ratio),
                                                                               rel=1e-12), (now, before, ratio)


def test_vectorised_p_matches_scipy_for_many_pairs_at_once():
    rng = np.random.default_rng(7)  # small counts (near the mode) and city-sized ones, with zeros
    now = np.concatenate([rng.integers(0, 30, 400), rng.integers(0, 60_000, 400), [0, 0, 9, 0]])
    before = np.concatenate([rng.integers(0, 30, 400), rng.integers(0, 60_000, 400), [0, 9, 0, 1]])
    for ratio in (1.0, 2.0, 0.37, 365 / 366):
        expected = [central_p(a, b, ratio) for a, b in zip(now, before)]
        np.testing.assert_allclose(stats.poisson_change_ps(now, before, ratio), expected, rtol=1e-10, atol=1e-300)


def test_p_is_the_central_not_the_minimum_likelihood_one():
    # With unequal exposure the two differ: scipy's default (minlike) p is smaller here, and it
    # disagreed with the Clopper–Pearson interval; the central p is the one the interval inverts.
    ratio = 8 / 159
    assert stats.poisson_change_p(3, 11, ratio) == pytest.approx(central_p(3, 11, ratio))
    assert binomtest(3, 14, ratio / (1 + ratio)).pvalue < stats.SIGNIFICANCE < stats.poisson_change_p(3, 11, ratio)


def test_p_is_symmetric_and_a_probability():
    for now, before in itertools.product(range(0, 30, 3), repeat=2):
        p = stats.poisson_change_p(now, before)
        assert 0.0 <= p <= 1.0
        assert p == pytest.approx(stats.poisson_change_p(before, now))


def test_p_accepts_numpy_and_float_counts():
    assert stats.poisson_change_p(np.int64(4), np.int64(0)) == pytest.approx(0.125)
    assert stats.poisson_change_p(4.0, 0.0) == pytest.approx(0.125)
    assert isinstance(stats.poisson_change_p(np.int64(4), np.int64(1)), float)


# --- relative_change ----------------------------------------------------------------------------

def test_relative_change():
    assert stats.relative_change(15, 10) == pytest.approx(0.5)
    assert stats.relative_change(5, 10) == pytest.approx(-0.5)
    assert stats.relative_change(15, 10, exposure_ratio=1.5) == pytest.approx(0.0)
    assert stats.relative_change(30, 10, exposure_ratio=2.0) == pytest.approx(0.5)
    assert math.isnan(stats.relative_change(10, 0))
    assert math.isnan(stats.relative_change(0, 0))


# --- compare_counts -----------------------------------------------------------------------------

@pytest.fixture
def now_and_before() -> tuple[pd.DataFrame, pd.DataFrame]:
    now = pd.DataFrame({"place": ["A", "B", "D"], "name": ["Alfa", "Bravo", "Delta"], "area": ["x", "y", "x"],
                        "hits": [100, 12, 30]})
    before = pd.DataFrame({"place": ["B", "C", "D"], "name": ["Bravo", "Charlie", "Delta"], "area": ["y", "z", "x"],
                           "hits": [10, 50, 30]})
    return now, before


def test_compare_counts_is_an_outer_join(now_and_before):
    now, before = now_and_before
    result = stats.compare_counts(now, before, "place").set_index("place")
    assert set(result.index) == {"A", "B", "C", "D"}
    assert result.loc["A", ["hits", "hits_before"]].tolist() == [100, 0]
    assert result.loc["C", ["hits", "hits_before"]].tolist() == [0, 50]
    # a row only in the comparison period keeps its descriptive columns
    assert result.loc["C", "name"] == "Charlie" and result.loc["C", "area"] == "z"
    assert result["hits"].dtype.kind == "i" and result["hits_before"].dtype.kind == "i"
    assert result["hits"].sum() == now["hits"].sum() and result["hits_before"].sum() == before["hits"].sum()


def test_compare_counts_judges_each_change(now_and_before):
    now, before = now_and_before
    result = stats.compare_counts(now, before, "place").set_index("place")
    for place, row in result.iterrows():
        assert row["change_z"] == pytest.approx(stats.change_z(row["hits"], row["hits_before"]))
        assert row["p_value"] == pytest.approx(stats.poisson_change_p(row["hits"], row["hits_before"]))
        assert row["significant"] == (row["p_value"] < stats.SIGNIFICANCE)
    assert (bool(result.loc["A", "significant"]), result.loc["A", "direction"]) == (True, 1)    # new: 100 vs 0
    assert math.isnan(result.loc["A", "change"])
    assert (bool(result.loc["B", "significant"]), result.loc["B", "direction"]) == (False, 0)   # 12 vs 10
    assert result.loc["B", "change"] == pytest.approx(0.2)
    assert (bool(result.loc["C", "significant"]), result.loc["C", "direction"]) == (True, -1)   # gone: 0 vs 50
    assert result.loc["C", "change"] == pytest.approx(-1.0)
    assert (bool(result.loc["D", "significant"]), result.loc["D", "direction"]) == (False, 0)   # 30 vs 30
    assert result.loc["D", "change"] == pytest.approx(0.0)


def test_compare_counts_with_exposure_ratio():
    now = pd.DataFrame({"place": ["A", "B"], "hits": [200, 260]})
    before = pd.DataFrame({"place": ["A", "B"], "hits": [100, 100]})
    result = stats.compare_counts(now, before, "place", exposure_ratio=2.0).set_index("place")
    assert result.loc["A", "change"] == pytest.approx(0.0)
    assert result.loc["A", "change_z"] == pytest.approx(0.0)
    assert result.loc["A", "direction"] == 0
    assert result.loc["B", "change"] == pytest.approx(0.3)
    assert result.loc["B", "p_value"] == pytest.approx(central_p(260, 100, 2.0))


def test_compare_counts_on_another_value_column():
    now = pd.DataFrame({"area_id": ["a"], "regs": [9]})
    before = pd.DataFrame({"area_id": ["a"], "regs": [4]})
    result = stats.compare_counts(now, before, "area_id", value="regs")
    assert result.loc[0, "regs_before"] == 4
    assert result.loc[0, "change_z"] == pytest.approx(2.0)


def test_compare_counts_without_comparison(now_and_before):
    now, _ = now_and_before
    result = stats.compare_counts(now, None, "place")
    assert result["place"].tolist() == ["A", "B", "D"]
    assert result["hits"].tolist() == [100, 12, 30]
    assert result[["hits_before", "change", "change_z", "p_value"]].isna().all().all()
    assert not result["significant"].any()
    assert (result["direction"] == 0).all()
    assert "hits_before" not in now.columns  # the input is not changed


def test_compare_counts_empty_inputs():
    empty = pd.DataFrame({"place": pd.Series([], dtype=str), "hits": pd.Series([], dtype="int64")})
    before = pd.DataFrame({"place": ["A"], "hits": [7]})
    result = stats.compare_counts(empty, before, "place")
    assert result["place"].tolist() == ["A"] and result["hits"].tolist() == [0]
    assert stats.compare_counts(empty, empty, "place").empty


# --- risers and fallers -------------------------------------------------------------------------

def test_risers_and_fallers_are_ranked_by_evidence_not_percent():
    now = pd.DataFrame({"place": ["small", "medium", "big", "steady", "fall-big", "fall-small", "fall-tiny"],
                        "hits": [8, 45, 1200, 500, 800, 10, 0]})
    before = pd.DataFrame({"place": ["small", "medium", "big", "steady", "fall-big", "fall-small", "fall-tiny"],
                           "hits": [2, 20, 1000, 500, 1000, 40, 3]})
    compared = stats.compare_counts(now, before, "place").set_index("place")
    # the small place has by far the largest percent, but 2 -> 8 can be chance
    assert compared.loc["small", "change"] == pytest.approx(3.0)
    assert compared.loc["small", "change"] > compared.loc["medium", "change"] > compared.loc["big", "change"]
    assert not compared.loc["small", "significant"]
    assert compared.loc["big", "change_z"] > compared.loc["medium", "change_z"]
    risers, fallers = stats.risers_and_fallers(compared.reset_index())
    assert risers["place"].tolist() == ["big", "medium"]
    # 40 -> 10 is −75 %, 1000 -> 800 only −20 %, yet the big fall is the stronger evidence
    assert compared.loc["fall-small", "change"] < compared.loc["fall-big", "change"]
    assert compared.loc["fall-big", "change_z"] < compared.loc["fall-small", "change_z"]
    assert fallers["place"].tolist() == ["fall-big", "fall-small"]  # 3 -> 0 is not significant
    assert (risers["direction"] == 1).all() and (fallers["direction"] == -1).all()


def test_risers_and_fallers_limit_and_empty():
    now = pd.DataFrame({"place": [f"p{i}" for i in range(15)], "hits": [100 + 10 * i for i in range(15)]})
    before = pd.DataFrame({"place": [f"p{i}" for i in range(15)], "hits": [10] * 15})
    risers, fallers = stats.risers_and_fallers(stats.compare_counts(now, before, "place"), limit=4)
    assert risers["place"].tolist() == ["p14", "p13", "p12", "p11"]
    assert fallers.empty
    risers, fallers = stats.risers_and_fallers(stats.compare_counts(now, None, "place"))
    assert risers.empty and fallers.empty
