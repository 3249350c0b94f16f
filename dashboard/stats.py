"""Is a change real? Counts of youth met are Poisson-like; small counts swing wildly by chance.

A change gets a sign only when it is meaningful: the exact conditional Poisson test (given the
total of both periods, the count of the current period is binomial) says p < ``SIGNIFICANCE``.
Its p-value is the central one (twice the smaller tail), whose inversion is the Clopper–Pearson
interval of the rate ratio, so a verdict, its p-value and its interval never disagree. The
variance-stabilised z-score 2·(√now − √before) gives the direction and strength for ranking and
colour. All account for periods of different length (exposure in days or team-hours).

Whether two periods can be compared at all (data on both sides) is :mod:`dashboard.comparison`'s
question; these functions assume they can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import beta, binom

SIGNIFICANCE = 0.05


def change_z(now: float, before: float, exposure_ratio: float = 1.0) -> float:
    """2·(√now − √(before·r)), r = current/comparison period length; ~N(0,1) when nothing changed."""
    return 2.0 * (math.sqrt(max(now, 0.0)) - math.sqrt(max(before, 0.0) * exposure_ratio))


def poisson_change_p(now: int, before: int, exposure_ratio: float = 1.0) -> float:
    """Two-sided p-value of the exact conditional test of equal rates (1.0 when both are zero)."""
    return float(poisson_change_ps([int(now)], [int(before)], exposure_ratio)[0])


def poisson_change_ps(now, before, exposure_ratio=1.0) -> np.ndarray:
    """``poisson_change_p`` for arrays of counts at once (the map page tests every place at once).

    Given the total n = now + before, ``now`` is binomial with share s = r / (1 + r) when the rates
    are equal (r = current/comparison exposure). The p-value is the central one: twice the smaller
    tail, P(X ≤ now) or P(X ≥ now), at most 1. It is the test the Clopper–Pearson interval of
    :func:`rate_ratio_ci95` inverts, so p < 0,05 exactly when that interval leaves out 1.
    """
    k = np.asarray(now, dtype=np.int64)
    n = k + np.asarray(before, dtype=np.int64)
    share = np.asarray(exposure_ratio, dtype=float) / (1.0 + np.asarray(exposure_ratio, dtype=float))
    tails = np.minimum(binom.cdf(k, n, share), binom.sf(k - 1, n, share))
    return np.where(n > 0, np.minimum(1.0, 2.0 * tails), 1.0)


def rate_ratio_ci95(now, before, exposure_ratio=1.0) -> tuple[np.ndarray, np.ndarray]:
    """The 95 % Clopper–Pearson interval of the rate ratio (now/r) / before for arrays of counts.

    The interval of the conditional share π = now / n (the central exact binomial interval),
    mapped to the ratio π / (1 − π) / r. It holds exactly the ratios the central test of
    :func:`poisson_change_ps` does not reject, so the interval and the p-value always agree.
    0 now gives a lower bound of 0, 0 before an upper bound of infinity; NaN when n = 0.
    """
    k = np.asarray(now, dtype=np.int64)
    n = k + np.asarray(before, dtype=np.int64)
    ratio = np.asarray(exposure_ratio, dtype=float)
    alpha = SIGNIFICANCE
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_share = np.where(k > 0, beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        hi_share = np.where(k < n, beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
        lo = lo_share / (1 - lo_share) / ratio
        hi = np.where(hi_share < 1, hi_share / (1 - hi_share) / ratio, np.inf)
    empty = n <= 0
    return np.where(empty, np.nan, lo), np.where(empty, np.nan, hi)


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

RATE_RATIO_METHOD = "exact conditional test (central p) with its Clopper–Pearson 95 % interval"


@dataclass(frozen=True)
class RateRatio:
    """After/before rate ratio with a 95 % confidence interval and a two-sided p-value.

    ``ratio`` is (count_after/exposure_after) / (count_before/exposure_before): 1 = same rate,
    0 when nothing happened after, inf when nothing happened before, NaN when both are zero or
    when there is nothing to compare (see :meth:`unavailable`).
    ``note`` is None, or ``{"nb": ..., "en": ...}`` when the numbers need a caveat.
    """

    ratio: float
    ci95: tuple[float, float]
    p_value: float
    method: str
    note: dict | None = None

    @property
    def significant(self) -> bool:
        """p < SIGNIFICANCE, which is the same as the interval leaving out 1 (False without a p-value)."""
        return bool(self.p_value < SIGNIFICANCE)

    @classmethod
    def unavailable(cls, note: dict) -> "RateRatio":
        """No ratio, interval or p-value: one side has no data (``note`` says why, in nb and en)."""
        nan = float("nan")
        return cls(nan, (nan, nan), nan, RATE_RATIO_METHOD, note)


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


def rate_ratio(count_after, exposure_after, count_before, exposure_before) -> RateRatio:
    """Compare two Poisson rates: after vs. before, each count over its exposure.

    Exposure is what the count was gathered over: days, or team-hours when the effort differs
    (effort-adjusted rates). Exposure ≤ 0 raises ValueError; zero counts never raise.

    One method gives the p-value, the interval and so the verdict: given the total of both counts,
    the after count is binomial with share e_a/(e_a + e_b) when the rates are equal. The p-value
    is the central exact one (:func:`poisson_change_ps`, twice the smaller tail) and the interval
    its inversion, Clopper–Pearson (:func:`rate_ratio_ci95`): "clear" (p < 0,05) exactly when the
    interval leaves out 1. (The "minimum likelihood" p of ``scipy.stats.binomtest`` is a little
    smaller, but it disagreed with this interval for about 1 % of count pairs with unequal
    exposures, e.g. 3 after over 8 team-hours vs. 11 before over 159: p = 0,027 yet 1 in the
    interval.) The price: slightly conservative (the real level is below 5 %), most for small
    counts. Zero counts work naturally (0 after → [0, finite]; 0 before → [finite, inf]).
    """
    after = _check_count(count_after, "count_after")
    before = _check_count(count_before, "count_before")
    e_after = _check_exposure(exposure_after, "exposure_after")
    e_before = _check_exposure(exposure_before, "exposure_before")
    if after + before == 0:
        return RateRatio.unavailable({
            "nb": "Kan ikke beregnes: ingen registreringer i noen av periodene.",
            "en": "Cannot be computed: no registrations in either period.",
        })
    exposure_ratio = e_after / e_before
    ratio = after / before / exposure_ratio if before > 0 else math.inf
    p_value = poisson_change_p(after, before, exposure_ratio)
    (lo,), (hi,) = rate_ratio_ci95([after], [before], exposure_ratio)
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
    return RateRatio(float(ratio), (float(lo), float(hi)), p_value, RATE_RATIO_METHOD, note)
