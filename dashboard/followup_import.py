"""Import of monthly follow-up figures (oppfølging og samarbeid) from CSV or XLSX.

The figures themselves, their vocabulary and charts live in :mod:`dashboard.followup`; this module
reads a team's file of monthly counts (never a person) with the registration importer's file
reading, checks every line, and stores the good ones in one transaction (:func:`commit_followup`);
:func:`dashboard.import_store.undo_batch` undoes it like any other import.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from babel.dates import get_month_names

from dashboard import i18n
from dashboard.db import OSLO, Database
from dashboard.followup import (
    FIGURE_COLUMNS,
    GROUP_TYPES,
    MEASURES,
    SERVICES,
    _row_sha256,
    _year_measure,
    insert_figures,
)
from dashboard.import_store import ImportReport, commit_checked_file
from dashboard.upload_table import (
    FIRST_YEAR,
    Columns,
    RejectedRow,
    RowError,
    fold,
    parse_count,
    parse_date,
    read_upload_table,
)

LAYOUT = "followup"  # import_batches.layout of a follow-up import (kind stays 'file')
MAX_SUGGESTIONS = 3
SUGGEST_CUTOFF = 0.7


def _key(text) -> str:
    """Folded, without punctuation: 'BUP/DPS' and 'bup-dps' are both 'bup dps'."""
    return re.sub(r"\s+", " ", re.sub(r"[/\\\-():.,;'’´`\"]", " ", fold(text))).strip()


def _alias_map(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(alias): value for value, aliases in groups.items() for alias in aliases}


COLUMN_ALIASES = _alias_map({
    "month": ("måned", "month", "mnd", "periode", "period", "dato", "date", "år og måned", "year month"),
    "measure": ("måltall", "measure", "mål", "indikator", "indicator", "tall", "figure", "type", "variabel"),
    "category": ("kategori", "category", "tjeneste", "service", "gruppe", "group", "gruppetype", "group type",
                 "instans"),
    "value": ("antall", "count", "value", "verdi", "number", "n"),
})
COLUMN_LABELS = {"month": "måned", "measure": "måltall", "category": "kategori", "value": "antall"}
COLUMNS = Columns(key=_key, aliases=COLUMN_ALIASES, labels=COLUMN_LABELS, required=("month", "measure", "value"),
                  missing_error="followup.missing_columns", header_only_error="followup.header_only")

MEASURE_ALIASES = _alias_map({
    "conversations": ("samtaler", "oppfølgingssamtaler", "individuelle oppfølgingssamtaler", "follow-up conversations",
                      "individuell oppfølging"),
    "anonymous_conversations": ("anonyme samtaler", "anonyme henvendelser", "anonymous conversations",
                                "anonymous contacts"),
    "youth_month": ("unike ungdommer", "unike ungdommer per måned", "unique youth", "unique youth per month",
                    "ungdommer i oppfølging"),
    "youth_year": ("unike ungdommer i året", "unike ungdommer per år", "unique youth per year", "unique youth year"),
    "group_participations": ("deltakelser", "deltagelser", "gruppedeltagelser", "gruppedeltakelse", "participations"),
    "group_youth_year": ("unike ungdommer i gruppe", "unike deltakere", "unique group youth", "unique participants"),
    "gaming_anonymous": ("anonyme på gaming", "anonyme ungdommer gaming", "anonymous gaming youth"),
    "referral_out": ("utgående", "utgående samarbeid", "videreformidling", "videreformidling og utgående samarbeid",
                     "henvisning ut", "outgoing", "referral out", "referrals out", "outgoing referral"),
    "collaboration_in": ("innkommende", "innkommende samarbeid fra andre tjenester", "incoming",
                         "collaboration in", "incoming collaboration"),
    "referrals": ("henvisning og samarbeid", "videreformidling og samarbeid", "henvisninger",
                  "referral and collaboration", "referral"),
    "referral_youth_year": ("unike ungdommer henvist", "unike henviste", "unique youth referred"),
    "anonymous_advice": ("råd til anonyme", "råd og veiledning til anonyme", "anonymous advice", "advice"),
    "general_inquiries": ("henvendelser", "generelle henvendelser", "inquiries", "general inquiries"),
    "concern_reports": ("bekymringsmeldinger", "bekymringsmelding", "bekymringsmeldinger til barnevernstjenesten",
                        "concern reports", "concern report"),
    "info_requests": ("anmodninger om opplysninger", "anmodninger", "opplysninger til barnevernet",
                      "information requests", "info requests"),
    "ung_i_jobb_youth": ("ung i jobb", "ungdommer i ung i jobb", "ung i jobb placements", "placements"),
})
for _id, _measure in MEASURES.items():
    MEASURE_ALIASES.update({_key(_id): _id, _key(_measure.nb): _id, _key(_measure.en): _id})

SERVICE_ALIASES = _alias_map({
    "barnevernstjenesten": ("barnevernet", "barnevern", "child welfare"),
    "foresatte": ("foreldre", "parents", "guardians"),
    "oppfolgingstjenesten": ("oppfølgingstjeneste", "ot"),
    "psykisk-helse-og-familiestotte": ("phfs",),
    "politi": ("politiet", "forebyggende politi", "police"),
    "skole": ("skolen", "school"),
    "helsestasjon-for-ungdom": ("hfu",),
    "rustjeneste": ("rustjenesten",),
})
GROUP_ALIASES = _alias_map({
    "jente-og-guttegrupper": ("jente og guttegrupper", "jente/guttegrupper", "jente- eller guttegruppe",
                              "jente- og guttegruppe", "girls and boys groups"),
    "livsmestring": ("livsmestringsgruppe", "livsmestringsgrupper", "life skills", "life-skills groups"),
    "gaming": ("mandagsgaming", "gaming", "monday gaming"),
})
for _aliases, _vocabulary in ((SERVICE_ALIASES, SERVICES), (GROUP_ALIASES, GROUP_TYPES)):
    for _id, _labels in _vocabulary.items():
        _aliases.update({_key(_id): _id, _key(_labels["nb"]): _id, _key(_labels["en"]): _id})

_MONTH_NAMES = {}
for _locale in ("nb_NO", "en_GB"):
    for _width in ("wide", "abbreviated"):
        _MONTH_NAMES.update({_key(name): number for number, name in get_month_names(_width, locale=_locale).items()})
_YEAR_MONTH = re.compile(r"^(\d{4})[-./](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-./](\d{4})$")
_NAMED_MONTH = re.compile(r"^([^\d]+?)\.?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass
class ParsedFollowup:
    """A follow-up file read and validated, ready for :func:`commit_followup`."""

    file_name: str
    file_sha256: str
    rows_read: int  # data lines below the header
    rows: pd.DataFrame  # month, measure, category, value, source_line, row_sha256
    rejected: list[RejectedRow]
    notices: list[str]
    columns: list[str] = field(default_factory=list)
    duplicates_in_file: int = 0
    layout: str = LAYOUT

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rejected for error in row.errors]


def _parse_month(text: str, this_month: date):
    """(first of month, or None for a bare year, year) or an error (key, params)."""
    text = text.strip()
    match = _YEAR_MONTH.match(text) or _MONTH_YEAR.match(text)
    if match:
        a, b = map(int, match.groups())
        year, month = (a, b) if match.re is _YEAR_MONTH else (b, a)
    elif _YEAR.match(text):
        year, month = int(text), None
    elif (named := _NAMED_MONTH.match(text)) and _key(named.group(1)) in _MONTH_NAMES:
        year, month = int(named.group(2)), _MONTH_NAMES[_key(named.group(1))]
    else:
        day, error = parse_date(text, date.max)
        if error:
            return None, ("followup.row.bad_month", {})
        year, month = day[0].year, day[0].month
    if month is not None and not 1 <= month <= 12:
        return None, ("followup.row.bad_month", {})
    if year < FIRST_YEAR:
        return None, ("import.row.date_too_old", {"year": FIRST_YEAR})
    first = date(year, month or 1, 1)
    if first > this_month:
        return None, ("followup.row.month_future", {"month": f"{this_month:%m.%Y}"})
    return (first if month else None, year), None


def _suggest(text: str, aliases: dict[str, str], labels: dict[str, str]) -> str:
    close = difflib.get_close_matches(_key(text), list(aliases), n=MAX_SUGGESTIONS * 3, cutoff=SUGGEST_CUTOFF)
    found = list(dict.fromkeys(labels[aliases[k]] for k in close))[:MAX_SUGGESTIONS]
    return ", ".join(f"«{name}»" for name in found)


def _check_category(measure: str, text: str):
    """(category, None) or (None, error) for a category cell given the row's measure."""
    kind = MEASURES[measure].category
    if kind is None:
        return ("", None) if not text else (None, ("followup.row.no_category", {}))
    if not text:
        if kind == "optional_service":
            return "", None
        return None, ("followup.row.category_missing_" + ("service" if kind == "service" else "group"), {})
    aliases, vocabulary = (GROUP_ALIASES, GROUP_TYPES) if kind == "group" else (SERVICE_ALIASES, SERVICES)
    found = aliases.get(_key(text))
    if found:
        return found, None
    labels = {k: v["nb"] for k, v in vocabulary.items()}
    suggestions = _suggest(text, aliases, labels)
    key = "followup.row.bad_group" if kind == "group" else "followup.row.bad_service"
    if suggestions:
        return None, (key + "_suggest", {"suggestions": suggestions})
    return None, (key, {"valid": ", ".join(v.casefold() for v in labels.values())})


def parse_followup_file(data: bytes, name: str, *, today: date | None = None) -> ParsedFollowup:
    """Read and validate a file of monthly follow-up figures (CSV or XLSX, long layout).

    One line per month, measure and (optional) category: ``måned`` (yyyy-mm, mm.yyyy, a date or
    "mars 2024"; a bare year only for the year's unique youth), ``måltall`` (a measure id or its
    Norwegian/English name), ``kategori``/``tjeneste`` (a service or group type where the measure
    has one) and ``antall`` (a whole number, 0 or more). English headers (month, measure,
    category/service, count) work too; headers and values are case- and accent-insensitive.

    Every line is either kept or rejected with reasons in Norwegian (line as Excel shows it). The
    file is refused as a whole (``FeltkartError``) when it cannot be read or lacks a column.

    >>> parsed = parse_followup_file("måned;måltall;kategori;antall\\n2024-03;samtaler;;41\\n".encode(), "mars.csv")
    >>> parsed.rows[["measure", "value"]].values.tolist()
    [['conversations', 41]]
    """
    today = today or datetime.now(OSLO).date()
    this_month = date(today.year, today.month, 1)
    table = read_upload_table(data, name, COLUMNS)
    headers, fields, body, notices = table.headers, table.fields, table.body, table.notices

    measure_labels = {k: m.nb for k, m in MEASURES.items()}
    kept, rejected, seen, duplicates = [], [], {}, 0
    for line, cells in body:
        cells = cells + [""] * (len(headers) - len(cells))
        values = {f: cells[i] for f, i in fields.items()}
        raw = {headers[i]: cells[i] for i in fields.values()}
        errors = []

        def error(column: str, problem, value=None, *, line=line, values=values, errors=errors):
            key, params = problem
            errors.append(RowError(line, headers[fields[column]] if column in fields else COLUMN_LABELS[column],
                                   values.get(column, "") if value is None else value, i18n.t(key, "nb", **params),
                                   key, params))

        month = measure = category = count = None
        month_text, measure_text = values["month"], values["measure"]
        parsed_month = None
        if not month_text:
            error("month", ("followup.row.month_missing", {}))
        else:
            parsed_month, problem = _parse_month(month_text, this_month)
            if problem:
                error("month", problem)
        if not measure_text:
            error("measure", ("followup.row.measure_missing", {}))
        else:
            measure = MEASURE_ALIASES.get(_key(measure_text))
            if measure is None:
                suggestions = _suggest(measure_text, MEASURE_ALIASES, measure_labels)
                error("measure", ("followup.row.bad_measure_suggest", {"suggestions": suggestions}) if suggestions
                      else ("followup.row.bad_measure", {}))
        if measure is not None:
            category, problem = _check_category(measure, values.get("category", ""))
            if problem:
                error("category", problem)
            if parsed_month is not None:
                first, year = parsed_month
                if _year_measure(measure):
                    month = date(year, 1, 1)  # a year's unique count is stored on January
                elif first is None:
                    error("month", ("followup.row.year_only", {}))
                else:
                    month = first
        count, problem = parse_count(values["value"], allow_zero=True) if values["value"] else \
            (None, ("import.row.count_missing", {}))
        if problem:
            error("value", problem)
        if not errors:
            key = (month, measure, category)
            if key in seen:
                first_line, first_value = seen[key]
                if first_value == count:
                    duplicates += 1
                    continue
                error("value", ("followup.row.conflict_in_file", {"line": first_line, "value": first_value}),
                      value=values["value"])
            else:
                seen[key] = (line, count)
        if errors:
            rejected.append(RejectedRow(line, raw, errors))
        else:
            kept.append((month, measure, category, count, line, _row_sha256(month, measure, category, count)))
    rows = pd.DataFrame(kept, columns=FIGURE_COLUMNS + ["source_line", "row_sha256"])
    rows["value"] = rows["value"].astype("int64")
    if duplicates:
        notices.append(i18n.t("followup.notice.in_file_duplicates", n=duplicates))
    return ParsedFollowup(name, hashlib.sha256(data).hexdigest(), len(body), rows, rejected, notices, list(headers),
                          duplicates)


# Figures of a batch undone before import_store.undo_batch removed them (an older Feltkart) are
# ignored everywhere and removed by the next follow-up import.
_LIVE = "f.batch_id NOT IN (SELECT id FROM import_batches WHERE undone_at IS NOT NULL)"


def _stored(con, rows: pd.DataFrame) -> dict:
    """Stored figures for the rows' keys: (month, measure, category) -> (value, batch_id)."""
    if rows.empty:
        return {}
    keys = rows[["month", "measure", "category"]].assign(month=pd.to_datetime(rows["month"]).dt.date)
    con.register("incoming_keys", keys)
    try:
        found = con.execute(
            "SELECT f.month, f.measure, f.category, f.value, f.batch_id FROM followup_figures f "
            "JOIN incoming_keys k ON f.month = k.month AND f.measure = k.measure AND f.category = k.category "
            f"WHERE {_LIVE}"
        ).fetchall()
    finally:
        con.unregister("incoming_keys")
    return {(m, measure, category): (value, batch) for m, measure, category, value, batch in found}


def _split(parsed: ParsedFollowup, stored: dict) -> tuple[pd.DataFrame, int, list[RejectedRow]]:
    """The rows to insert, how many are already stored, and the rows that conflict with a stored
    figure (another value for the same month, measure and category)."""
    new, duplicates, conflicts = [], 0, []
    for row in parsed.rows.itertuples(index=False):
        found = stored.get((row.month, row.measure, row.category))
        if found is None:
            new.append(row)
        elif found[0] == row.value:
            duplicates += 1
        else:
            params = {"value": found[0], "batch": found[1]}
            message = i18n.t("followup.row.conflict_stored", "nb", **params)
            column = next((c for c in parsed.columns if _key(c) in COLUMN_ALIASES and COLUMN_ALIASES[_key(c)] == "value"),
                          "antall")
            raw = {"måned": f"{row.month:%Y-%m}", "måltall": row.measure, "kategori": row.category, "antall": str(row.value)}
            conflicts.append(RejectedRow(row.source_line, raw, [RowError(row.source_line, column, str(row.value), message,
                                                                         "followup.row.conflict_stored", params)]))
    return pd.DataFrame(new, columns=parsed.rows.columns), duplicates, conflicts


def commit_followup(db: Database, parsed: ParsedFollowup, strict: bool = False, dry_run: bool = False,
                    source_name: str | None = None) -> ImportReport:
    """Store a parsed file in one transaction (:func:`dashboard.import_store.commit_checked_file`).

    A figure already stored with the same value is a duplicate; a line giving another value for a
    stored figure is rejected (undo the import that stored it first).
    """
    def insert(con, new: pd.DataFrame, batch_id: int) -> None:
        con.execute("DELETE FROM followup_figures f WHERE NOT (" + _LIVE + ")")
        insert_figures(con, new, batch_id)

    return commit_checked_file(db, parsed, layout=LAYOUT, split=lambda con, p: _split(p, _stored(con, p.rows)),
                               insert=insert, audit_action="followup.import",
                               nothing_new_key="followup.notice.nothing_new", strict=strict, dry_run=dry_run,
                               source_name=source_name)
