"""Small-count suppression (disclosure control) for figures about young people.

Counts of 1 to threshold−1 are shown as ":" (as Statistics Norway does), and further cells are
hidden where a published total would otherwise give a hidden count away (secondary suppression).
Used by every file and view meant for partners; pure (no Streamlit, no files).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

SUPPRESS_BELOW_COUNT = 5
SUPPRESSED = ":"
_TOTALS_ATTR = "feltkart_totals"  # DataFrame.attrs key set by with_totals, read by suppress


def _check_threshold(threshold) -> None:
    if not isinstance(threshold, numbers.Integral) or isinstance(threshold, bool) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of 1 or more, got {threshold!r}")


def _counts(frame: pd.DataFrame, columns: list, what: str) -> np.ndarray:
    """The columns as a float matrix (NaN = missing); refuses text such as ':' and negatives."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: no column(s) {missing}; the table has {list(frame.columns)}")
    try:
        values = frame[columns].apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what}: the columns {columns} must hold true counts (numbers), "
                         f"not already-suppressed text; got: {error}") from None
    if (values < 0).any():
        raise ValueError(f"{what}: counts cannot be negative; the columns {columns} have negative values")
    return values


def with_totals(table: pd.DataFrame, value_columns: list[str], label_column: str,
                total_label: str = "Sum") -> pd.DataFrame:
    """``table`` with a total column (named ``total_label``) and a total row (``label_column`` =
    ``total_label``), both summed from the true counts.

    Call it *before* :func:`suppress`: totals are computed from true values, then cells are
    hidden. The result remembers which row and column are totals (in ``DataFrame.attrs``), so
    that ``suppress`` treats them as published sums and hides a total only when it is small
    itself (or, as a last resort, to protect another hidden total).
    """
    columns = list(value_columns)
    values = _counts(table, columns, "with_totals")
    if label_column not in table.columns:
        raise ValueError(f"with_totals: no label column {label_column!r}; the table has {list(table.columns)}")
    if total_label in table.columns:
        raise ValueError(f"with_totals: the table already has a column {total_label!r}; pass another total_label")
    out = table.reset_index(drop=True).copy()
    out[total_label] = _as_counts(np.nansum(values, axis=1))
    total_row = {c: _as_counts(np.nansum(values[:, j])) for j, c in enumerate(columns)}
    total_row[total_label] = _as_counts(np.nansum(values))
    total_row[label_column] = total_label
    out = pd.concat([out, pd.DataFrame([total_row])], ignore_index=True)
    out.attrs = {**table.attrs, _TOTALS_ATTR: {"column": total_label, "label_column": label_column,
                                               "label": total_label}}
    return out


def _as_counts(values):
    """Whole floats back to ints (a scalar or an array)."""
    if np.ndim(values) == 0:
        return int(values) if float(values).is_integer() else float(values)
    values = np.asarray(values, dtype=float)
    return values.astype(np.int64) if np.all(np.mod(values, 1) == 0) else values


_Line = tuple[np.ndarray, np.ndarray]  # flat cell indices of a published sum, and their signs


def _primary(values: np.ndarray, threshold: int, suppress_zero: bool) -> np.ndarray:
    hidden = (values > 0) & (values < threshold)
    if suppress_zero:
        hidden |= values == 0
    return hidden


def _next_to_hide(shown: np.ndarray, values: np.ndarray, is_total: np.ndarray, hidden: np.ndarray,
                  lines_of: list[list[np.ndarray]]):
    """The cell to hide next among ``shown``: an inner non-zero cell before an inner zero before a
    total (the last resort); among those, one whose other sums already hide a cell (so that hiding
    it exposes no new sum, closing a rectangle), then the smallest. None if no cell has a value."""
    candidates = shown[~np.isnan(values[shown])]
    if not len(candidates):
        return None
    v = values[candidates]
    kind = np.where(is_total[candidates], 2, np.where(v > 0, 0, 1))
    opens = np.array([sum(not hidden[cells].any() for cells in lines_of[c]) for c in candidates])
    order = np.lexsort((np.arange(len(candidates)), v, opens, kind))  # the last key sorts first
    return candidates[order[0]]


def _secondary(values: np.ndarray, hidden: np.ndarray, is_total: np.ndarray, lines: list[_Line],
               threshold: int, suppress_zero: bool) -> np.ndarray:
    """Hide more cells until no published sum ("line": a row or column with its total) gives a
    hidden cell away.

    First the simple rules, line by line: a line must not hide exactly one cell, nor hide inner
    cells that together make a small count next to a shown total (two hidden 1s beside a published
    total are both 1). Then an exact check over all lines together: a hidden cell whose value
    follows from the published sums (e.g. a "bridge" between two protected groups) gets a
    neighbour hidden too.
    """
    hidden = hidden.copy()
    lines_of: list[list[np.ndarray]] = [[] for _ in range(len(values))]
    for cells, _ in lines:
        for cell in cells:
            lines_of[cell].append(cells)
    while True:
        changed = True
        while changed:
            changed = False
            for cells, signs in lines:
                mask = hidden[cells]
                hidden_cells, shown = cells[mask], cells[~mask]
                if not len(hidden_cells) or not len(shown):
                    continue
                group = np.nansum(values[hidden_cells])
                small_group = (signs[mask] > 0).all() and group < threshold and (group > 0 or suppress_zero)
                if len(hidden_cells) == 1 or small_group:
                    cell = _next_to_hide(shown, values, is_total, hidden, lines_of)
                    if cell is not None:
                        hidden[cell] = True
                        changed = True
        cell = _protect_exposed(values, hidden, is_total, lines, lines_of)
        if cell is None:
            return hidden
        hidden[cell] = True


def _exposed(hidden: np.ndarray, lines: list[_Line]) -> np.ndarray:
    """Hidden cells whose value the published sums determine: those on which every solution of
    the line equations agrees (a zero row in the null space of the equations)."""
    cells = np.flatnonzero(hidden)
    position = {cell: k for k, cell in enumerate(cells)}
    equations = []
    for line_cells, signs in lines:
        mask = hidden[line_cells]
        if mask.any():
            row = np.zeros(len(cells))
            row[[position[c] for c in line_cells[mask]]] = signs[mask]
            equations.append(row)
    if not equations:
        return np.array([], dtype=int)
    _, singular, vt = np.linalg.svd(np.array(equations))
    rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
    null_space = vt[rank:]
    free = (np.abs(null_space) > 1e-9).any(axis=0) if len(null_space) else np.zeros(len(cells), dtype=bool)
    return cells[~free]


def _protect_exposed(values, hidden, is_total, lines: list[_Line], lines_of):
    """The next cell to hide for the first exposed hidden cell that can be protected, or None."""
    for cell in _exposed(hidden, lines):
        shown = [cells[~hidden[cells]] for cells in lines_of[cell]]
        shown = np.unique(np.concatenate(shown)) if shown else np.array([], dtype=int)
        if len(shown):
            candidate = _next_to_hide(shown, values, is_total, hidden, lines_of)
            if candidate is not None:
                return candidate
    return None


def _shown(value: float, hidden: bool):
    if hidden:
        return SUPPRESSED
    if math.isnan(value):
        return np.nan
    return int(value) if value.is_integer() else value


def suppress(table: pd.DataFrame, value_columns: list[str], *, threshold: int = SUPPRESS_BELOW_COUNT,
             totals: bool = True, suppress_zero: bool = False) -> pd.DataFrame:
    """A copy of ``table`` where no count below ``threshold`` can be read or worked out.

    Rules, in this order:

    1. Primary: counts from 1 to ``threshold - 1`` become ``SUPPRESSED`` (":"). A 0 stays 0: that
       nobody was met at a place discloses no one (pass ``suppress_zero=True`` to hide zeros too).
    2. Secondary, when totals are published (``totals=True``): every row and every column of the
       value columns is a published sum. Where such a line hides exactly one cell, or hides cells
       that together make fewer than ``threshold``, its smallest remaining non-zero cell is hidden
       too; repeated until nothing changes. Then an exact check: any hidden cell whose value still
       follows from all the sums together gets its smallest shown neighbour hidden, and so on.
    3. Totals: in a table from :func:`with_totals` (computed from the true counts *before* this
       call) the total row and column are part of the lines above. A total is hidden when it is
       below the threshold itself, and otherwise only as a last resort: when the total row or the
       total column would give a hidden total away through the grand total.

    With ``totals=False`` only rule 1 applies: use it only where no sum of the cells is published
    anywhere. Value columns come back as object columns holding ints and ":".

    >>> t = pd.DataFrame({"area": ["A", "B"], "street": [20, 15], "school": [3, 12]})
    >>> suppress(t, ["street", "school"])["school"].tolist()
    [':', ':']
    """
    _check_threshold(threshold)
    spec = table.attrs.get(_TOTALS_ATTR)
    total_column = total_rows = None
    if spec:
        if not totals:
            raise ValueError("suppress: the table has published totals (from with_totals) but totals=False; "
                             "leave totals=True so the totals cannot give hidden cells away")
        if spec["column"] in table.columns:
            total_column = spec["column"]
        if spec["label_column"] in table.columns:
            total_rows = (table[spec["label_column"]] == spec["label"]).to_numpy()
    inner = [c for c in value_columns if c != total_column]
    columns = inner + ([total_column] if total_column else [])
    values = _counts(table, columns, "suppress")
    n_rows, n_cols = values.shape
    is_total = np.zeros(values.shape, dtype=bool)
    if total_column:
        is_total[:, -1] = True
    if total_rows is not None:
        is_total[total_rows, :] = True
    flat_values, flat_total = values.ravel(), is_total.ravel()
    index = np.arange(values.size).reshape(values.shape)

    # A line is a published sum: its inner cells add up to its total cell (sign -1) or, without
    # a total cell in the table, to a total published elsewhere.
    lines: list[_Line] = []
    if totals:
        explicit = spec is not None
        if total_column or not explicit:
            signs = np.r_[np.ones(n_cols - 1), -1.0] if total_column else np.ones(n_cols)
            lines += [(index[i, :], signs) for i in range(n_rows)]
        if (total_rows is not None and total_rows.any()) or not explicit:
            signs = np.where(total_rows, -1.0, 1.0) if total_rows is not None else np.ones(n_rows)
            lines += [(index[:, j], signs) for j in range(n_cols)]
        lines = [line for line in lines if len(line[0]) > 1]

    hidden = _primary(flat_values, threshold, suppress_zero)
    hidden = _secondary(flat_values, hidden, flat_total, lines, threshold, suppress_zero)
    hidden = hidden.reshape(values.shape)

    out = table.copy()
    for j, column in enumerate(columns):
        out[column] = pd.Series([_shown(v, h) for v, h in zip(values[:, j], hidden[:, j])],
                                index=out.index, dtype=object)
    out.attrs = {**table.attrs, "suppressed_below": threshold}
    return out


def suppress_series(values: Iterable, threshold: int = SUPPRESS_BELOW_COUNT, *, total: bool = True,
                    suppress_zero: bool = False):
    """Suppress one column of counts (e.g. hits per hotspot); a list back, or a Series for a Series.

    Counts from 1 to ``threshold - 1`` become ":". When a total of the column is published
    (``total=True``; the dashboard always shows one) and exactly one cell is hidden, or the hidden
    cells together make fewer than ``threshold``, the next smallest non-zero cell is hidden too.

    >>> suppress_series([120, 40, 3, 12, 7])
    [120, 40, ':', 12, ':']
    """
    _check_threshold(threshold)
    series = values if isinstance(values, pd.Series) else None
    frame = pd.DataFrame({"count": list(values)})
    counts = _counts(frame, ["count"], "suppress_series")[:, 0]
    hidden = _primary(counts, threshold, suppress_zero)
    if total and len(counts) > 1:
        line = (np.arange(len(counts)), np.ones(len(counts)))
        hidden = _secondary(counts, hidden, np.zeros(len(counts), dtype=bool), [line], threshold, suppress_zero)
    result = [_shown(v, h) for v, h in zip(counts, hidden)]
    if series is not None:
        return pd.Series(result, index=series.index, name=series.name, dtype=object)
    return result
