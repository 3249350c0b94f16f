"""Rate ratio after/before with exposure: exact conditional test and confidence interval."""

from __future__ import annotations

import math
import warnings

import pytest
from scipy.stats import beta, binomtest
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.rates import confint_poisson_2indep

from dashboard.stats import RateRatio, poisson_change_p, rate_ratio


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
    assert "exact-cond" in result.method


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
def test_p_value_is_the_binomial_test_of_the_conditional_share(after, e_after, before, e_before):
    share = e_after / (e_after + e_before)
    expected = binomtest(after, after + before, share).pvalue
    result = rate_ratio(after, e_after, before, e_before)
    assert result.p_value == pytest.approx(expected, rel=1e-9)
    assert result.p_value == pytest.approx(poisson_change_p(after, before, e_after / e_before), rel=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert result.p_value == pytest.approx(
            sm_rates.test_poisson_2indep(after, e_after, before, e_before, method="exact-cond").pvalue, rel=1e-9)


@pytest.mark.parametrize("after, e_after, before, e_before", [
    (12, 1.0, 7, 1.0), (3, 10, 11, 10), (40, 92, 25, 61), (200, 5, 260, 4), (1, 1, 1, 3),
])
def test_exact_interval_matches_clopper_pearson_by_hand(after, e_after, before, e_before):
    lo, hi = rate_ratio(after, e_after, before, e_before).ci95
    want_lo, want_hi = clopper_pearson_ratio(after, before, e_before / e_after)
    assert lo == pytest.approx(want_lo, rel=1e-7) and hi == pytest.approx(want_hi, rel=1e-7)


@pytest.mark.parametrize("after, e_after, before, e_before", [(12, 1, 7, 1), (40, 92, 25, 61), (1200, 1, 700, 1)])
@pytest.mark.parametrize("method", ["score", "mover"])
def test_statsmodels_intervals_are_passed_through(after, e_after, before, e_before, method):
    result = rate_ratio(after, e_after, before, e_before, ci_method=method)
    want = confint_poisson_2indep(after, e_after, before, e_before, method=method, compare="ratio")
    assert result.ci95 == pytest.approx(tuple(float(v) for v in want), rel=1e-9)
    assert method in result.method


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


def test_interval_agrees_with_the_test_on_small_counts():
    # The reason for the exact interval: it excludes 1 exactly when the exact test is significant.
    for after in range(31):
        for before in range(31):
            if after + before == 0:
                continue
            result = rate_ratio(after, 7, before, 7)
            excludes_one = result.ci95[0] > 1 or result.ci95[1] < 1
            assert excludes_one == result.significant, (after, before)


def test_nothing_after_gives_ratio_zero_and_a_finite_upper_bound():
    result = rate_ratio(0, 10, 10, 10)
    assert result.ratio == 0.0 and result.ci95[0] == 0.0
    assert math.isfinite(result.ci95[1]) and result.ci95[1] < 1
    assert result.ci95[1] == pytest.approx(clopper_pearson_ratio(0, 10, 1.0)[1])
    assert result.p_value == pytest.approx(2 * 0.5 ** 10) and result.significant
    assert "Ingen etter" in result.note["nb"] and "None after" in result.note["en"]
    mover = rate_ratio(0, 10, 10, 10, ci_method="score")  # score degenerates at 0: MOVER instead
    assert mover.ci95[0] == 0.0 and 0 < mover.ci95[1] < 1 and "mover" in mover.method


def test_nothing_before_gives_infinite_ratio_and_a_finite_lower_bound():
    result = rate_ratio(10, 10, 0, 10)
    assert math.isinf(result.ratio) and math.isinf(result.ci95[1])
    assert 1 < result.ci95[0] < 10
    assert "uendelig" in result.note["nb"]
    assert math.isinf(rate_ratio(10, 10, 0, 10, ci_method="mover").ci95[1])


def test_tiny_counts_are_not_significant_and_say_so():
    result = rate_ratio(3, 7, 1, 7)
    assert result.ratio == 3.0 and result.p_value == pytest.approx(binomtest(3, 4, 0.5).pvalue)
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
    with pytest.raises(ValueError, match="ci_method"):
        rate_ratio(1, 1, 1, 1, ci_method="wald")


def test_whole_float_counts_are_accepted():
    assert rate_ratio(12.0, 1, 7.0, 1).ratio == pytest.approx(12 / 7)
