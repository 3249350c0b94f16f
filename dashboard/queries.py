"""Named SQL queries kept in ``queries/*.sql``, loaded and checked once, run with named parameters.

Each file holds one query. Its header comment names it, says what it returns, and lists its
parameters::

    -- name: hits_by_area
    -- Hits per field area for the filter.
    -- params: start_ts, end_ts, area_ids, hotspot_kinds, age_bands, genders, channels

Loading fails with ``file:line`` when a header is missing, a name is duplicated or does not match
the file name, or the body uses a parameter the header does not declare (or the reverse). Values
are always bound as parameters, never formatted into the SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import REPO_DIR
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.filters import Filter

QUERY_DIR = REPO_DIR / "queries"
_PARAM = re.compile(r"(?<![\w$:])\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


class QueryFileError(Exception):
    """A malformed query file (a programming error, reported as file:line)."""


@dataclass(frozen=True)
class Query:
    name: str
    doc: str
    params: tuple[str, ...]
    sql: str
    path: Path


def _parse(path: Path) -> Query:
    lines = path.read_text(encoding="utf-8").splitlines()
    name, params, doc = None, None, []
    for number, line in enumerate(lines, 1):
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        if text.startswith("name:"):
            name = text[5:].strip()
            if name != path.stem:
                raise QueryFileError(f"{path}:{number}: query name {name!r} must equal the file name {path.stem!r}")
        elif text.startswith("params:"):
            declared = text[7:].strip()
            params = tuple(p.strip() for p in declared.split(",") if p.strip()) if declared != "none" else ()
        elif text:
            doc.append(text)
    if name is None:
        raise QueryFileError(f"{path}:1: missing '-- name: {path.stem}' header")
    if params is None:
        raise QueryFileError(f"{path}:1: missing '-- params: ...' header (write 'params: none' if it has none)")
    sql = "\n".join(lines).strip()
    body = _STRING.sub("''", _COMMENT.sub("", sql))
    if not body.strip():
        raise QueryFileError(f"{path}:1: empty query")
    if ";" in body.rstrip().rstrip(";"):
        raise QueryFileError(f"{path}:1: one statement per file")
    used = set(_PARAM.findall(body))
    for param in used - set(params):
        number = next(i for i, line in enumerate(lines, 1) if f"${param}" in line)
        raise QueryFileError(f"{path}:{number}: parameter ${param} is used but not declared in '-- params:'")
    for param in set(params) - used:
        raise QueryFileError(f"{path}:1: parameter {param!r} is declared but not used")
    return Query(name, " ".join(doc), params, sql, path)


def load_queries(folder: Path = QUERY_DIR) -> dict[str, Query]:
    """Every query in ``folder``, checked; raises QueryFileError on the first bad file."""
    return {query.name: query for query in (_parse(p) for p in sorted(folder.glob("*.sql")))}


QUERIES = load_queries()


def run(db: Database, name: str, **params) -> pd.DataFrame:
    """Run the named query with exactly its declared parameters; returns a DataFrame."""
    query = QUERIES.get(name)
    if query is None:
        raise FeltkartError("query.unknown", name=name)
    if set(params) != set(query.params):
        raise FeltkartError("query.params", name=name, expected=", ".join(query.params) or "-",
                            got=", ".join(sorted(params)) or "-")
    with db.read() as con:
        return con.execute(query.sql, params).df()


def run_filtered(db: Database, name: str, flt: Filter, **extra) -> pd.DataFrame:
    """Run a query that takes the filter parameters (and perhaps ``extra`` ones)."""
    return run(db, name, **flt.params(), **extra)
