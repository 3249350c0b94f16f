"""Is a change real? Counts of youth met are Poisson-like; small counts swing wildly by chance.

A change gets a sign only when it is meaningful: the exact conditional Poisson test (given the
total of both periods, the count of the current period is binomial) says p < ``SIGNIFICANCE``.
The variance-stabilised z-score 2·(√now − √before) gives its direction and strength for ranking
and colour. Both account for periods of different length (exposure in days).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binom

SIGNIFICANCE = 0.05


def change_z(now: float, before: float, exposure_ratio: float = 1.0) -> float:
    """2·(√now − √(before·r)), r = current/comparison period length; ~N(0,1) when nothing changed."""
    return 2.0 * (math.sqrt(max(now, 0.0)) - math.sqrt(max(before, 0.0) * exposure_ratio))


def poisson_change_p(now: int, before: int, exposure_ratio: float = 1.0) -> float:
    """Two-sided p-value of the exact conditional test of equal rates (1.0 when both are zero)."""
    return float(poisson_change_ps([int(now)], [int(before)], exposure_ratio)[0])


def poisson_change_ps(now, before, exposure_ratio: float = 1.0) -> np.ndarray:
    """``poisson_change_p`` for arrays of counts at once.

    The same two-sided p-value as ``scipy.stats.binomtest(now, now + before, r / (1 + r))``
    (probabilities no larger than the observed one, with scipy's relative tolerance 1e-7), but
    vectorised: the point on the other side of the mode is found by one binary search over all
    pairs at once instead of one scipy call per place, which made the map page slow.
    """
    k = np.asarray(now, dtype=np.int64)
    n = k + np.asarray(before, dtype=np.int64)
    share = exposure_ratio / (1.0 + exposure_ratio)
    mean = share * n
    threshold = binom.pmf(k, n, share) * (1 + 1e-7)
    low = k < mean  # the observed count lies left of the mode: search the right-hand side
    # Find, per pair, the last index i in [lo, hi] with f(i) <= threshold on the monotone side,
    # f = -pmf on the right (decreasing pmf), pmf on the left (increasing), as scipy does.
    lo = np.where(low, np.ceil(mean), 0).astype(np.int64)
    hi = np.where(low, n, np.floor(mean)).astype(np.int64)
    sign = np.where(low, -1.0, 1.0)
    target = sign * threshold
    found = np.full(k.shape, -1, dtype=np.int64)
    active = (k != mean) & (n > 0)
    while True:
        searching = active & (found < 0) & (lo < hi)
        if not searching.any():
            break
        mid = lo + (hi - lo) // 2
        value = sign * binom.pmf(mid, n, share)
        below, above = searching & (value < target), searching & (value > target)
        lo = np.where(below, mid + 1, lo)
        hi = np.where(above, mid - 1, hi)
        found = np.where(searching & ~below & ~above, mid, found)
    ends = np.where(sign * binom.pmf(lo, n, share) <= target, lo, lo - 1)
    ix = np.where(found >= 0, found, ends)
    right_terms = n - ix + (threshold == binom.pmf(ix, n, share))
    p_low = binom.cdf(k, n, share) + binom.sf(n - right_terms, n, share)
    p_high = binom.cdf(ix, n, share) + binom.sf(k - 1, n, share)
    p = np.minimum(1.0, np.where(low, p_low, p_high))
    return np.where(active, p, 1.0)


def relative_change(now: float, before: float, exposure_ratio: float = 1.0) -> float:
    """(now − before·r) / (before·r); NaN when there was nothing before."""
    expected = before * exposure_ratio
    return (now - expected) / expected if expected > 0 else float("nan")


def compare_counts(current: pd.DataFrame, before: pd.DataFrame | None, key: str,
                   value: str = "hits", exposure_ratio: float = 1.0) -> pd.DataFrame:
    """Join current and comparison counts by ``key`` and judge each change.

    Returns ``current`` (plus rows only in ``before``) with ``{value}_before``, ``change``
    (relative), ``change_z``, ``p_value``, ``significant`` and ``direction`` (+1 rise, −1 fall,
    0 no meaningful change). Without a comparison the judgement columns are NaN / False / 0.
    """
    before_col = f"{value}_before"
    if before is None:
        result = current.copy()
        result[before_col] = np.nan
        result["change"] = result["change_z"] = result["p_value"] = np.nan
        result["significant"] = False
        result["direction"] = 0
        return result
    right = before[[key, value]].rename(columns={value: before_col})
    result = current.merge(right, on=key, how="outer")
    extra = [c for c in before.columns if c not in (key, value) and c in current.columns]
    if extra:  # describe rows that only exist in the comparison period
        fill = before.set_index(key)[extra]
        for column in extra:
            result[column] = result[column].fillna(result[key].map(fill[column]))
    result[value] = result[value].fillna(0).astype(int)
    result[before_col] = result[before_col].fillna(0).astype(int)
    now, prev = result[value].to_numpy(), result[before_col].to_numpy()
    expected = prev * exposure_ratio
    with np.errstate(divide="ignore", invalid="ignore"):  # nothing before: NaN, as relative_change
        result["change"] = np.where(expected > 0, (now - expected) / expected, np.nan)
    result["change_z"] = 2.0 * (np.sqrt(np.maximum(now, 0)) - np.sqrt(np.maximum(expected, 0)))
    result["p_value"] = poisson_change_ps(now, prev, exposure_ratio)
    result["significant"] = result["p_value"] < SIGNIFICANCE
    result["direction"] = np.where(result["significant"], np.sign(result["change_z"]), 0).astype(int)
    return result


def risers_and_fallers(compared: pd.DataFrame, limit: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The significant rises and falls, strongest evidence first (by |z|, not by raw percent)."""
    significant = compared[compared["significant"]]
    risers = significant[significant["direction"] > 0].sort_values("change_z", ascending=False)
    fallers = significant[significant["direction"] < 0].sort_values("change_z")
    return risers.head(limit), fallers.head(limit)


# --- Rate ratio with a confidence interval ------------------------------------------------------

RATE_RATIO_TEST = "exact-cond"  # statsmodels test_poisson_2indep method
RATE_RATIO_CI = "exact-cond"  # Clopper–Pearson on the conditional binomial; or "score" / "mover"


@dataclass(frozen=True)
class RateRatio:
    """After/before rate ratio with a 95 % confidence interval and a two-sided p-value.

    ``ratio`` is (count_after/exposure_after) / (count_before/exposure_before): 1 = same rate,
    0 when nothing happened after, inf when nothing happened before, NaN when both are zero.
    ``note`` is None, or ``{"nb": ..., "en": ...}`` when the numbers need a caveat.
    """

    ratio: float
    ci95: tuple[float, float]
    p_value: float
    method: str
    note: dict | None = None

    @property
    def significant(self) -> bool:
        """p < SIGNIFICANCE (False when the p-value cannot be computed)."""
        return bool(self.p_value < SIGNIFICANCE)


def _check_count(value, name: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number of youth met, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise ValueError(f"{name} must be a whole number ≥ 0, got {value!r}")
    return int(number)


def _check_exposure(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number (days or team-hours), got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(
            f"{name} must be positive (days or team-hours), got {value!r}: "
            "a rate cannot be computed for a period without exposure"
        )
    return number


def rate_ratio(count_after, exposure_after, count_before, exposure_before, *,
               ci_method: str = RATE_RATIO_CI) -> RateRatio:
    """Compare two Poisson rates: after vs. before, each count over its exposure.

    Exposure is what the count was gathered over: days, or team-hours when the effort differs
    (effort-adjusted rates). Exposure ≤ 0 raises ValueError; zero counts never raise.

    Test: statsmodels ``test_poisson_2indep(method="exact-cond")`` — given the total of both
    counts, the after count is binomial with share e_a·r/(e_a·r + e_b); two-sided, "minlike"
    like ``scipy.stats.binomtest``. It is exact for small counts and the same test as
    ``poisson_change_p``, so a change marked significant here is marked so everywhere.

    Confidence interval (default ``"exact-cond"``): the Clopper–Pearson interval of that
    conditional binomial share π, mapped to the ratio π/(1−π)·e_b/e_a (statsmodels
    ``proportion_confint(method="beta")``; ``confint_poisson_2indep`` has no exact conditional
    interval). Chosen because it agrees with the exact test: on all pairs of counts 1..59 with
    equal exposure it never excludes 1 when p ≥ 0.05 (nor includes 1 when p < 0.05), whereas the
    score interval excluded 1 for 88 and MOVER for 68 non-significant pairs — exactly the
    borderline small counts where a planner could be misled. It is slightly conservative (wider)
    and handles zero counts naturally (0 after → [0, finite]; 0 before → [finite, inf]).
    ``ci_method="score"`` or ``"mover"`` use ``confint_poisson_2indep`` instead (score falls back
    to MOVER when a count is zero, where its root search degenerates).
    """
    from statsmodels.stats.proportion import proportion_confint
    from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep

    after = _check_count(count_after, "count_after")
    before = _check_count(count_before, "count_before")
    e_after = _check_exposure(exposure_after, "exposure_after")
    e_before = _check_exposure(exposure_before, "exposure_before")
    if ci_method not in ("exact-cond", "score", "mover"):
        raise ValueError(f"ci_method must be 'exact-cond', 'score' or 'mover', got {ci_method!r}")
    method = f"test: {RATE_RATIO_TEST}; ci95: {ci_method}"
    nan = float("nan")
    if after + before == 0:
        note = {
            "nb": "Kan ikke beregnes: ingen registreringer i noen av periodene.",
            "en": "Cannot be computed: no registrations in either period.",
        }
        return RateRatio(nan, (nan, nan), nan, method, note)

    scale = e_before / e_after  # ratio = (after/before)·scale
    ratio = after / before * scale if before > 0 else math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = float(test_poisson_2indep(after, e_after, before, e_before,
                                            method=RATE_RATIO_TEST).pvalue)
        if ci_method == "exact-cond":
            lo_share, hi_share = proportion_confint(after, after + before, alpha=0.05, method="beta")
            lo = float(lo_share / (1 - lo_share) * scale) if lo_share < 1 else math.inf
            hi = float(hi_share / (1 - hi_share) * scale) if hi_share < 1 else math.inf
        else:
            use = "mover" if (ci_method == "score" and min(after, before) == 0) else ci_method
            lo, hi = (float(v) for v in confint_poisson_2indep(after, e_after, before, e_before,
                                                                method=use, compare="ratio"))
            method = f"test: {RATE_RATIO_TEST}; ci95: {use}"
    if after == 0:
        lo = 0.0
    if before == 0 or not math.isfinite(hi):
        hi = math.inf
    note = None
    if before == 0:
        note = {
            "nb": "Ingen før: forholdet er uendelig; se nedre grense i konfidensintervallet.",
            "en": "None before: the ratio is infinite; see the lower bound of the confidence interval.",
        }
    elif after == 0:
        note = {
            "nb": "Ingen etter: forholdet er 0; se øvre grense i konfidensintervallet.",
            "en": "None after: the ratio is 0; see the upper bound of the confidence interval.",
        }
    elif after + before < 10:
        note = {
            "nb": "Svært få registreringer: intervallet er vidt, og endringen kan lett være tilfeldig.",
            "en": "Very few registrations: the interval is wide and the change may easily be chance.",
        }
    return RateRatio(float(ratio), (float(lo), float(hi)), p_value, method, note)
