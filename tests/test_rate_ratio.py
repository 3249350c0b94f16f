"""Rate ratio after/before with exposure: exact conditional test and confidence interval, one
method, so that a verdict, its p-value and its interval never disagree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import beta, binomtest
from statsmodels.stats.rates import confint_poisson_2indep

from dashboard.stats import SIGNIFICANCE, RateRatio, poisson_change_p, poisson_change_ps, rate_ratio, rate_ratio_ci95


def clopper_pearson_ratio(a: int, b: int, scale: float) -> tuple[float, float]:
    """By hand: the Clopper–Pearson interval of a/(a+b), mapped to the rate ratio."""
    n = a + b
    lo = beta.ppf(0.025, a, n - a + 1) if a > 0 else 0.0
    hi = beta.ppf(0.975, a + 1, n - a) if a < n else 1.0
    return lo / (1 - lo) * scale, (hi / (1 - hi) * scale if hi < 1 else math.inf)


def test_equal_counts_and_exposure_give_ratio_one_and_p_one():
    result = rate_ratio(20, 30, 20, 30)
    assert isinstance(result, RateRatio)
    assert result.ratio == 1.0 and result.p_value == pytest.approx(1.0)
    lo, hi = result.ci95
    assert lo < 1 < hi
    assert not result.significant and result.note is None
    assert "Clopper–Pearson" in result.method and "central" in result.method


def test_ratio_is_of_rates_and_doubling_exposure_halves_it():
    assert rate_ratio(30, 10, 10, 10).ratio == pytest.approx(3.0)
    assert rate_ratio(30, 20, 10, 10).ratio == pytest.approx(1.5)
    base, doubled = rate_ratio(14, 7, 9, 7), rate_ratio(14, 14, 9, 7)
    assert doubled.ratio == pytest.approx(base.ratio / 2)
    assert doubled.ci95[0] == pytest.approx(base.ci95[0] / 2) and doubled.ci95[1] == pytest.approx(base.ci95[1] / 2)
    # Same counts at twice the effort is a *lower* rate; at equal rates (20 over 2x) p is 1.
    assert rate_ratio(20, 20, 10, 10).p_value == pytest.approx(1.0)


@pytest.mark.parametrize("after, e_after, before, e_before", [
    (12, 1.0, 7, 1.0), (3, 10, 11, 10), (40, 92, 25, 61), (5, 30.5, 0, 12), (0, 8, 6, 8), (1, 1, 1, 3),
])
def test_p_value_is_the_central_binomial_test_of_the_conditional_share(after, e_after, before, e_before):
    share = e_after / (e_after + e_before)
    tails = [binomtest(after, after + before, share, alternative=side).pvalue for side in ("less", "greater")]
    result = rate_ratio(after, e_after, before, e_before)
    assert result.p_value == pytest.approx(min(1.0, 2 * min(tails)), rel=1e-9)
    assert result.p_value == pytest.approx(poisson_change_p(after, before, e_after / e_before), rel=1e-9)


@pytest.mark.parametrize("after, e_after, before, e_before", [
    (12, 1.0, 7, 1.0), (3, 10, 11, 10), (40, 92, 25, 61), (200, 5, 260, 4), (1, 1, 1, 3),
])
def test_exact_interval_matches_clopper_pearson_by_hand(after, e_after, before, e_before):
    lo, hi = rate_ratio(after, e_after, before, e_before).ci95
    want_lo, want_hi = clopper_pearson_ratio(after, before, e_before / e_after)
    assert lo == pytest.approx(want_lo, rel=1e-7) and hi == pytest.approx(want_hi, rel=1e-7)


def test_exact_interval_is_close_to_score_interval_for_large_counts():
    exact = rate_ratio(1200, 1, 700, 1).ci95
    score = confint_poisson_2indep(1200, 1, 700, 1, method="score")
    assert exact == pytest.approx(tuple(float(v) for v in score), rel=0.01)


def test_same_ratio_is_noise_in_small_counts_and_real_in_large_ones():
    small, large = rate_ratio(12, 1, 7, 1), rate_ratio(1200, 1, 700, 1)
    assert small.ratio == pytest.approx(large.ratio) == pytest.approx(12 / 7)
    assert small.p_value > 0.3 and not small.significant
    assert small.ci95[0] < 1 < small.ci95[1]
    assert large.p_value < 1e-20 and large.significant
    assert 1 < large.ci95[0] < large.ratio < large.ci95[1] < 2


def test_issue_example_interval_and_p_now_agree():
    # 3 after over 8 team-hours vs 11 before over 159: the minimum-likelihood p was 0,027 ("clear")
    # while the Clopper–Pearson interval 0,97–20,52 held 1. Now both say "not clear".
    result = rate_ratio(3, 8, 11, 159)
    assert result.ci95[0] == pytest.approx(0.971, abs=1e-3) and result.ci95[1] == pytest.approx(20.52, abs=1e-2)
    assert result.ci95[0] < 1 and not result.significant and result.p_value > SIGNIFICANCE


@pytest.mark.parametrize("exposure_ratio", [1.0, 0.25, 0.5, 2.0, 4.0, 365 / 366, 7 / 3, 8 / 159, 159 / 8])
def test_verdict_p_and_interval_agree_on_every_pair_of_counts_0_to_100(exposure_ratio):
    """No pair of counts may be "clear" with 1 inside the interval, or "not clear" with 1 outside."""
    after, before = (grid.ravel() for grid in np.meshgrid(np.arange(101), np.arange(101)))
    some = after + before > 0
    p = poisson_change_ps(after, before, exposure_ratio)[some]
    lo, hi = (bound[some] for bound in rate_ratio_ci95(after, before, exposure_ratio))
    clear, one_outside = p < SIGNIFICANCE, (lo > 1) | (hi < 1)
    disagree = np.flatnonzero(clear != one_outside)
    assert disagree.size == 0, [(after[some][i], before[some][i], p[i], lo[i], hi[i]) for i in disagree[:5]]
    assert 0.2 < clear.mean() < 0.95  # the grid has plenty of clear and unclear pairs on each side


def test_rate_ratio_reports_what_the_vectorised_functions_give():
    rng = np.random.default_rng(11)
    for after, before, e_after, e_before in zip(rng.integers(0, 101, 60), rng.integers(0, 101, 60),
                                                rng.uniform(1, 200, 60), rng.uniform(1, 200, 60)):
        if after + before == 0:
            continue
        result = rate_ratio(int(after), e_after, int(before), e_before)
        (lo,), (hi,) = rate_ratio_ci95([after], [before], e_after / e_before)
        assert result.ci95 == pytest.approx((lo, hi), rel=1e-12)
        assert result.p_value == poisson_change_p(int(after), int(before), e_after / e_before)
        assert result.significant == (lo > 1 or hi < 1)


def test_nothing_after_gives_ratio_zero_and_a_finite_upper_bound():
    result = rate_ratio(0, 10, 10, 10)
    assert result.ratio == 0.0 and result.ci95[0] == 0.0
    assert math.isfinite(result.ci95[1]) and result.ci95[1] < 1
    assert result.ci95[1] == pytest.approx(clopper_pearson_ratio(0, 10, 1.0)[1])
    assert result.p_value == pytest.approx(2 * 0.5 ** 10) and result.significant
    assert "Ingen etter" in result.note["nb"] and "None after" in result.note["en"]


def test_nothing_before_gives_infinite_ratio_and_a_finite_lower_bound():
    result = rate_ratio(10, 10, 0, 10)
    assert math.isinf(result.ratio) and math.isinf(result.ci95[1])
    assert 1 < result.ci95[0] < 10
    assert "uendelig" in result.note["nb"]


def test_tiny_counts_are_not_significant_and_say_so():
    result = rate_ratio(3, 7, 1, 7)
    assert result.ratio == 3.0 and result.p_value == pytest.approx(binomtest(3, 4, 0.5).pvalue)  # symmetric: minlike = central
    assert not result.significant and result.ci95[0] < 1 < result.ci95[1]
    assert "få registreringer" in result.note["nb"] and "few registrations" in result.note["en"]
    one = rate_ratio(1, 1, 0, 1)
    assert one.p_value == pytest.approx(1.0) and not one.significant and one.ci95[0] < 1


def test_both_zero_cannot_be_computed_and_does_not_raise():
    result = rate_ratio(0, 10, 0, 10)
    assert math.isnan(result.ratio) and math.isnan(result.p_value)
    assert all(math.isnan(v) for v in result.ci95)
    assert not result.significant
    assert "Kan ikke beregnes" in result.note["nb"] and "Cannot be computed" in result.note["en"]


@pytest.mark.parametrize("args, match", [
    ((5, 0, 3, 10), "exposure_after must be positive"),
    ((5, 10, 3, 0), "exposure_before must be positive"),
    ((5, -1, 3, 10), "exposure_after"),
    ((5, float("nan"), 3, 10), "exposure_after"),
    ((-1, 10, 3, 10), "count_after must be a whole number"),
    ((2.5, 10, 3, 10), "count_after"),
    ((5, 10, "x", 10), "count_before"),
])
def test_bad_input_raises_a_clear_value_error(args, match):
    with pytest.raises(ValueError, match=match):
        rate_ratio(*args)


def test_whole_float_counts_are_accepted():
    assert rate_ratio(12.0, 1, 7.0, 1).ratio == pytest.approx(12 / 7)


def test_unavailable_has_no_numbers_and_says_why():
    result = RateRatio.unavailable({"nb": "ingen data", "en": "no data"})
    assert math.isnan(result.ratio) and math.isnan(result.p_value) and all(math.isnan(v) for v in result.ci95)
    assert not result.significant and result.note == {"nb": "ingen data", "en": "no data"}
