"""Is a change real? Counts of youth met are Poisson-like; small counts swing wildly by chance.

A change gets a sign only when it is meaningful: the exact conditional Poisson test (given the
total of both periods, the count of the current period is binomial) says p < ``SIGNIFICANCE``.
The variance-stabilised z-score 2·(√now − √before) gives its direction and strength for ranking
and colour. Both account for periods of different length (exposure in days).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import binomtest

SIGNIFICANCE = 0.05


def change_z(now: float, before: float, exposure_ratio: float = 1.0) -> float:
    """2·(√now − √(before·r)), r = current/comparison period length; ~N(0,1) when nothing changed."""
    return 2.0 * (math.sqrt(max(now, 0.0)) - math.sqrt(max(before, 0.0) * exposure_ratio))


def poisson_change_p(now: int, before: int, exposure_ratio: float = 1.0) -> float:
    """Two-sided p-value of the exact conditional test of equal rates (1.0 when both are zero)."""
    now, before = int(now), int(before)
    if now + before == 0:
        return 1.0
    share = exposure_ratio / (1.0 + exposure_ratio)
    return float(binomtest(now, now + before, share).pvalue)


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
    result["change"] = [relative_change(n, b, exposure_ratio) for n, b in zip(now, prev)]
    result["change_z"] = [change_z(n, b, exposure_ratio) for n, b in zip(now, prev)]
    result["p_value"] = [poisson_change_p(n, b, exposure_ratio) for n, b in zip(now, prev)]
    result["significant"] = result["p_value"] < SIGNIFICANCE
    result["direction"] = np.where(result["significant"], np.sign(result["change_z"]), 0).astype(int)
    return result


def risers_and_fallers(compared: pd.DataFrame, limit: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The significant rises and falls, strongest evidence first (by |z|, not by raw percent)."""
    significant = compared[compared["significant"]]
    risers = significant[significant["direction"] > 0].sort_values("change_z", ascending=False)
    fallers = significant[significant["direction"] < 0].sort_values("change_z")
    return risers.head(limit), fallers.head(limit)
