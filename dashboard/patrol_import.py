"""Importing a team's own patrol log (vaktlogg) from CSV or XLSX into the ``patrols`` table.

Why this exists: hits per team-hour (Bemanning, HKH, before/after comparisons) divide the
registrations by the hours teams were out, and until now those hours came only from the demo
generator (:mod:`dashboard.patrols`). A team that adopts Feltkart keeps its patrol log in a
spreadsheet — which team covered which area when — and imports it here. Files are read like the
follow-up figures (:mod:`dashboard.upload_table`, the registration importer's date and time parsers
and row errors), stored the same way (:func:`dashboard.import_store.commit_checked_file`: one
transaction, rejected lines kept in ``import_rejections``) and undone by
:func:`dashboard.import_store.undo_batch`.

Columns (the header may sit below a title; Norwegian or English names, case- and
accent-insensitive): ``dato`` (dd.mm.åååå, dd.mm.åå or åååå-mm-dd), ``fra`` and ``til`` (TT:MM or
TT.MM; a ``til`` at or before ``fra`` is after midnight, the next day), ``område`` (an area's id or
name), ``team``/``lag`` and, optional, ``vakt`` (dag, kveld, sen / day, evening, late). ``team`` is
the label of a team ("Team 1", "T2"), never who was on it: columns of staff names and free-text
columns are never read (they are reported as dropped), and a team that is an e-mail address is
refused. Without ``vakt`` the shift is the staffing plan's shift the patrol overlaps most
(:func:`derive_shift`).

One line is one patrol. The same patrol twice (same team, area, start and end; in the file or
already stored) is a duplicate; a line overlapping another patrol of the same team in the same
area is rejected as a conflict, so no team-hour is counted twice.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard import calendar_no, i18n, queries
from dashboard.db import OSLO, Database
from dashboard.import_store import ImportReport, commit_checked_file
from dashboard.importer import MAX_TEAM_CHARS, SUGGEST_CUTOFF, _place_key
from dashboard.patrols import SHIFTS, plan_windows
from dashboard.upload_table import (
    Cached,
    Columns,
    RejectedRow,
    RowError,
    fold,
    parse_date,
    parse_time,
    quote_names,
    read_upload_table,
)

LAYOUT = "patrols"  # import_batches.layout of a patrol log import (kind stays 'file')
MAX_PATROL_HOURS = 16  # a longer "patrol" is a typing error (or two shifts in one line)
MAX_SUGGESTIONS = 3
MAX_LISTED_AREAS = 10  # in "unknown area; use ..." when there is no close name
# Without a planned shift around it, a patrol's shift is read off the clock: a start from 06:00 and
# before 14:00 is a day shift; one that passes midnight, or starts from 20:00 or before 06:00, late.
CLOCK_DAY_FROM_HOUR, CLOCK_EVENING_FROM_HOUR, CLOCK_LATE_FROM_HOUR = 6, 14, 20


def _key(text) -> str:
    """A header as compared: folded, without the trailing '.' or ':' of 'Fra kl.'."""
    return fold(text).strip(" .:")


def _aliases(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(alias): name for name, aliases in groups.items() for alias in aliases}


COLUMN_ALIASES = _aliases({
    "date": ("dato", "date", "vaktdato", "patruljedato", "day of patrol"),
    "start": ("fra", "from", "fra kl", "start", "starttid", "start time", "starts", "tid fra", "kl fra", "ut"),
    "end": ("til", "to", "til kl", "slutt", "sluttid", "end", "end time", "ends", "tid til", "kl til", "inn"),
    "area": ("område", "omrade id", "område id", "area", "area id", "feltområde", "field area", "sone", "zone"),
    "team": ("team", "lag", "feltteam", "field team", "teamnavn", "team name", "team/lag"),
    "shift": ("vakt", "shift", "skift", "vakttype", "shift type", "type vakt"),
})
COLUMN_LABELS = {"date": "dato", "start": "fra", "end": "til", "area": "område", "team": "team", "shift": "vakt"}
REQUIRED_COLUMNS = ("date", "start", "end", "area", "team")
# Columns naming who was out: never read, whatever they hold (a patrol log stores teams, not staff).
STAFF_COLUMNS = frozenset(_key(c) for c in (
    "ansatt", "ansatte", "medarbeider", "medarbeidere", "feltarbeider", "feltarbeidere", "deltakere", "deltagere",
    "personale", "personer", "person", "bemanning", "vaktleder", "initialer", "hvem", "staff", "employee",
    "employees", "worker", "workers", "people", "members", "initials", "who", "navn", "name", "names", "ansattnavn"))
COLUMNS = Columns(key=_key, aliases=COLUMN_ALIASES, labels=COLUMN_LABELS, required=REQUIRED_COLUMNS,
                  missing_error="patrols.missing_columns", header_only_error="patrols.header_only",
                  staff=STAFF_COLUMNS, staff_notice="patrols.notice.staff_dropped")

SHIFT_ALIASES = _aliases({
    "day": ("dag", "dagvakt", "dagskift", "skolefelt", "day", "day shift"),
    "evening": ("kveld", "kveldsvakt", "kveldsskift", "evening", "evening shift"),
    "late": ("sen", "senvakt", "seinvakt", "sein", "senskift", "late", "late shift"),
})
for _shift in SHIFTS:
    SHIFT_ALIASES.update({_key(_shift): _shift, _key(i18n.t(f"staffing.shift.{_shift}", "nb")): _shift})
MIDNIGHT_AS_END = frozenset({"24", "24:00", "24.00"})  # as an end time: midnight

PATROL_COLUMNS = ["team", "area_id", "shift", "started_at", "ended_at", "source_line", "row_sha256"]


# --- what a file is checked against --------------------------------------------------------------

class PatrolReference:
    """The areas (to resolve ``område``), the hotspots (to explain a place given as an area) and the
    staffing plan (to derive a missing shift).

    Parameters
    ----------
    areas : dict
        Area id -> name.
    plan : pandas.DataFrame
        The staffing plan (:data:`dashboard.patrols.PLAN_COLUMNS`); may be empty.
    hotspots : dict, optional
        Hotspot id or name -> (hotspot name, area id).
    """

    def __init__(self, areas: dict[str, str], plan: pd.DataFrame, hotspots: dict[str, tuple[str, str]] | None = None):
        self.areas = dict(areas)
        self._area_keys: dict[str, str] = {}
        for area_id, name in self.areas.items():
            for text in (area_id, name):
                self._area_keys.setdefault(_place_key(text), area_id)
        self._hotspot_keys = {_place_key(text): found for text, found in (hotspots or {}).items()}
        self._windows: dict[tuple[str, int], list[tuple[str, int, int]]] = {}  # (season, weekday) -> shifts
        for w in plan_windows(plan).itertuples(index=False):
            self._windows.setdefault((w.season, int(w.weekday)), []).append((w.shift, int(w.start_min), int(w.end_min)))

    @classmethod
    def from_database(cls, db: Database) -> PatrolReference:
        """The areas, hotspots and staffing plan stored in ``db``."""
        with db.read() as con:
            areas = con.execute("SELECT id, name FROM areas ORDER BY sort_order").fetchall()
            hotspots = con.execute("SELECT id, name, area_id FROM hotspots").fetchall()
        plan = queries.run(db, "staffing_plan")
        found = {text: (name, area_id) for hotspot_id, name, area_id in hotspots for text in (hotspot_id, name)}
        return cls(dict(areas), plan, found)

    def resolve_area(self, text: str):
        """(area id, None), or (None, error) with a suggestion when the name is close to a known one."""
        key = _place_key(text)
        if key in self._area_keys:
            return self._area_keys[key], None
        if key in self._hotspot_keys:
            name, area_id = self._hotspot_keys[key]
            return None, ("patrols.row.hotspot_not_area", {"hotspot": name, "area": self.areas.get(area_id, area_id)})
        close = difflib.get_close_matches(key, list(self._area_keys), n=MAX_SUGGESTIONS * 2, cutoff=SUGGEST_CUTOFF)
        names = list(dict.fromkeys(self.areas[self._area_keys[k]] for k in close))[:MAX_SUGGESTIONS]
        if names:
            return None, ("patrols.row.unknown_area_suggest", {"suggestions": quote_names(names)})
        listed = list(self.areas.values())
        valid = quote_names(listed[:MAX_LISTED_AREAS]) + (" …" if len(listed) > MAX_LISTED_AREAS else "")
        return None, ("patrols.row.unknown_area", {"valid": valid or "–"})

    def planned_shift(self, started_at: datetime, ended_at: datetime) -> str | None:
        """The planned shift the patrol overlaps most (a late shift of the day before included), or None."""
        best = None
        for offset in (0, 1):
            day = started_at.date() - timedelta(days=offset)
            midnight = datetime.combine(day, time(0))
            start = (started_at - midnight).total_seconds() / 60
            end = (ended_at - midnight).total_seconds() / 60
            for shift, lo, hi in self._windows.get((calendar_no.season(day), day.isoweekday()), []):
                overlap = min(end, hi) - max(start, lo)
                rank = (overlap, -offset, lo)  # ties: the shift of the patrol's own day, then the later one
                if overlap > 0 and (best is None or rank > best[0]):
                    best = (rank, shift)
        return best[1] if best else None


def derive_shift(started_at: datetime, ended_at: datetime, reference: PatrolReference) -> tuple[str, bool]:
    """The shift of a patrol whose file gives none, and whether it came from the plan.

    As the demo log (:mod:`dashboard.patrols`) places a registration in the planned shift window
    around it, a patrol gets the staffing plan's shift (for the season and weekday of the day it
    started, or of the day before for a late shift running past midnight) that it overlaps most.
    Outside every planned window the clock decides: a start from 06:00 and before 14:00 is a day
    shift; a patrol that passes midnight, or starts from 20:00 or before 06:00, is a late shift;
    any other an evening shift.

    >>> ref = PatrolReference({}, pd.DataFrame({"season": ["winter"], "weekday": [5], "shift": ["late"],
    ...     "shift_start": ["16:00"], "shift_end": ["01:00"], "teams_min": [1], "teams_max": [2]}))
    >>> derive_shift(datetime(2024, 3, 1, 18), datetime(2024, 3, 1, 23), ref)  # a Friday in the plan
    ('late', True)
    >>> derive_shift(datetime(2024, 3, 4, 18), datetime(2024, 3, 4, 21, 30), ref)  # a Monday: no plan
    ('evening', False)
    """
    planned = reference.planned_shift(started_at, ended_at)
    if planned:
        return planned, True
    hour = started_at.hour
    if ended_at.date() > started_at.date() or hour >= CLOCK_LATE_FROM_HOUR or hour < CLOCK_DAY_FROM_HOUR:
        return "late", False
    return ("day" if hour < CLOCK_EVENING_FROM_HOUR else "evening"), False


# --- reading a file ------------------------------------------------------------------------------

@dataclass
class ParsedPatrols:
    """A patrol log read and validated, ready for :func:`commit_patrols`."""

    file_name: str
    file_sha256: str
    rows_read: int  # data lines below the header
    rows: pd.DataFrame  # PATROL_COLUMNS, one per patrol
    rejected: list[RejectedRow]
    notices: list[str]
    columns: list[str] = field(default_factory=list)  # the header as found
    duplicates_in_file: int = 0
    raw: dict[int, dict] = field(default_factory=dict, repr=False)  # line -> the kept cells, for conflicts
    layout: str = LAYOUT

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rejected for error in row.errors]


def _row_sha256(team: str, area_id: str, started_at: datetime, ended_at: datetime) -> str:
    """The identity of a patrol: the team (folded), area, start and end. The shift is left out, so a
    patrol whose shift was derived from an older plan is still the same patrol."""
    text = "|".join((fold(team), area_id, started_at.isoformat(timespec="minutes"),
                     ended_at.isoformat(timespec="minutes")))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse_end(text: str):
    """An end time; '24:00' is the midnight that ends a day."""
    return (time(0), None) if re.sub(r"^kl\.?\s*", "", fold(text)) in MIDNIGHT_AS_END else parse_time(text)


def _clock_span(started_at: datetime, ended_at: datetime) -> str:
    return f"{started_at:%d.%m.%Y %H:%M}–{ended_at:%H:%M}"


def parse_patrol_file(data: bytes, name: str, reference: PatrolReference, *,
                      today: date | None = None) -> ParsedPatrols:
    """Read and validate a patrol log (CSV or XLSX): one line per patrol (see the module docstring).

    Every line is kept or rejected with reasons in Norwegian (line as Excel shows it, column, value).
    The file is refused as a whole (``FeltkartError``) when it is too large, empty, unreadable or
    lacks a required column.

    >>> ref = PatrolReference({"fetsund": "Fetsund"}, pd.DataFrame(columns=["season", "weekday", "shift",
    ...     "shift_start", "shift_end", "teams_min", "teams_max"]))
    >>> parsed = parse_patrol_file("Dato;Fra;Til;Område;Lag\\n01.03.2024;18.00;00.30;Fetsund;Team 1\\n".encode(),
    ...                            "vaktlogg.csv", ref, today=date(2024, 6, 1))
    >>> parsed.rows[["team", "area_id", "shift", "started_at", "ended_at"]].astype(str).values.tolist()
    [['Team 1', 'fetsund', 'late', '2024-03-01 18:00:00', '2024-03-02 00:30:00']]
    """
    today = today or datetime.now(OSLO).date()
    table = read_upload_table(data, name, COLUMNS)
    headers, fields, body, notices = table.headers, table.fields, table.body, table.notices

    date_of = Cached(lambda text: parse_date(text, today))
    start_of, end_of = Cached(parse_time), Cached(_parse_end)
    area_of = Cached(reference.resolve_area)
    kept_rows, rejected, raw_by_line = [], [], {}
    seen: dict[str, int] = {}
    by_team_area: dict[tuple[str, str], list[tuple[datetime, datetime, int]]] = {}
    duplicates = from_plan = from_clock = 0
    for line, cells in body:
        cells = cells + [""] * (len(headers) - len(cells))
        values = {f: cells[i].strip() for f, i in fields.items()}
        raw = {headers[i]: cells[i] for i in fields.values()}
        errors: list[RowError] = []

        def error(column: str, problem, value=None, *, line=line, values=values, errors=errors):
            key, params = problem
            errors.append(RowError(line, headers[fields[column]] if column in fields else COLUMN_LABELS[column],
                                   values.get(column, "") if value is None else value, i18n.t(key, "nb", **params),
                                   key, params))

        day = start = end = None
        if not values["date"]:
            error("date", ("import.row.date_missing", {}))
        else:
            parsed_day, problem = date_of[values["date"]]
            if problem:
                error("date", problem)
            else:
                day, start = parsed_day  # a date cell may carry the start time ('01.03.2024 18:00')
        if values["start"]:
            start, problem = start_of[values["start"]]
            if problem:
                error("start", problem)
        elif start is None:
            error("start", ("patrols.row.start_missing", {}))
        if values["end"]:
            end, problem = end_of[values["end"]]
            if problem:
                error("end", problem)
        else:
            error("end", ("patrols.row.end_missing", {}))
        area_id = None
        if not values["area"]:
            error("area", ("patrols.row.area_missing", {}))
        else:
            area_id, problem = area_of[values["area"]]
            if problem:
                error("area", problem)
        team = re.sub(r"\s+", " ", values["team"])
        if not team:
            error("team", ("patrols.row.team_missing", {}))
        elif len(team) > MAX_TEAM_CHARS:
            error("team", ("import.row.team_too_long", {"max": MAX_TEAM_CHARS}))
        elif "@" in team:
            error("team", ("patrols.row.team_email", {}))
        shift = None
        if values.get("shift"):
            shift = SHIFT_ALIASES.get(_key(values["shift"]))
            if shift is None:
                error("shift", ("patrols.row.bad_shift", {}))
        started_at = ended_at = None
        if day and start is not None and end is not None:
            started_at = datetime.combine(day, start)
            ended_at = datetime.combine(day + timedelta(days=1) if end <= start else day, end)
            hours = (ended_at - started_at).total_seconds() / 3600
            if end == start:
                error("end", ("patrols.row.same_time", {}))
            elif hours > MAX_PATROL_HOURS:
                error("end", ("patrols.row.too_long", {"hours": i18n.fmt_decimal(hours, "nb"),
                                                       "max": MAX_PATROL_HOURS}))
        if not errors:
            digest = _row_sha256(team, area_id, started_at, ended_at)
            if digest in seen:
                duplicates += 1
                continue
            same = by_team_area.setdefault((fold(team), area_id), [])
            overlap = next((o for o in same if o[0] < ended_at and started_at < o[1]), None)
            if overlap:
                error("start", ("patrols.row.overlap_in_file", {"line": overlap[2], "span": _clock_span(*overlap[:2])}))
            else:
                seen[digest] = line
                same.append((started_at, ended_at, line))
                if shift is None:
                    shift, planned = derive_shift(started_at, ended_at, reference)
                    from_plan, from_clock = from_plan + planned, from_clock + (not planned)
                kept_rows.append((team, area_id, shift, started_at, ended_at, line, digest))
                raw_by_line[line] = raw
        if errors:
            rejected.append(RejectedRow(line, raw, errors))
    rows = pd.DataFrame(kept_rows, columns=PATROL_COLUMNS)
    rows = rows.astype({"started_at": "datetime64[us]", "ended_at": "datetime64[us]", "source_line": "int64"})
    if from_plan:
        notices.append(i18n.t("patrols.notice.shift_from_plan", n=from_plan))
    if from_clock:
        notices.append(i18n.t("patrols.notice.shift_from_clock", n=from_clock))
    if duplicates:
        notices.append(i18n.t("followup.notice.in_file_duplicates", n=duplicates))
    return ParsedPatrols(name, hashlib.sha256(data).hexdigest(), len(body), rows, rejected, notices, list(headers),
                         duplicates, raw_by_line)


# --- storing it ----------------------------------------------------------------------------------

def _stored(con, rows: pd.DataFrame) -> dict[tuple[str, str], list[tuple[datetime, datetime, str, int]]]:
    """Stored patrols in the rows' areas and time span: (folded team, area) -> [(start, end, hash, batch)].
    The hash is computed here, so demo patrols (stored without one) compare too."""
    if rows.empty:
        return {}
    found = con.execute(
        "SELECT team, area_id, started_at, ended_at, batch_id FROM patrols "
        "WHERE list_contains($areas, area_id) AND started_at < $last AND ended_at > $first",
        {"areas": sorted(set(rows["area_id"])), "first": rows["started_at"].min().to_pydatetime(),
         "last": rows["ended_at"].max().to_pydatetime()}).fetchall()
    stored: dict = {}
    for team, area_id, started_at, ended_at, batch in found:
        stored.setdefault((fold(team), area_id), []).append(
            (started_at, ended_at, _row_sha256(team, area_id, started_at, ended_at), batch))
    return stored


def _split(parsed: ParsedPatrols, stored: dict) -> tuple[pd.DataFrame, int, list[RejectedRow]]:
    """The patrols to insert, how many are stored already, and those overlapping a stored patrol of the
    same team in the same area."""
    keep, duplicates, conflicts = [], 0, []
    start_column = next((c for c in parsed.columns if COLUMN_ALIASES.get(_key(c)) == "start"), COLUMN_LABELS["start"])
    for index, row in enumerate(parsed.rows.itertuples(index=False)):
        same = stored.get((fold(row.team), row.area_id), [])
        if any(digest == row.row_sha256 for *_, digest, _ in same):
            duplicates += 1
            continue
        start, end = row.started_at.to_pydatetime(), row.ended_at.to_pydatetime()
        overlap = next((s for s in same if s[0] < end and start < s[1]), None)
        if overlap is None:
            keep.append(index)
            continue
        raw = parsed.raw.get(row.source_line, {})
        params = {"span": _clock_span(overlap[0], overlap[1]), "batch": overlap[3]}
        conflicts.append(RejectedRow(row.source_line, raw, [RowError(
            row.source_line, start_column, raw.get(start_column, f"{start:%H:%M}"),
            i18n.t("patrols.row.overlap_stored", "nb", **params), "patrols.row.overlap_stored", params)]))
    return parsed.rows.iloc[keep], duplicates, conflicts


def commit_patrols(db: Database, parsed: ParsedPatrols, strict: bool = False, dry_run: bool = False,
                   source_name: str | None = None) -> ImportReport:
    """Store a parsed patrol log in one transaction (:func:`dashboard.import_store.commit_checked_file`).

    A patrol already stored is a duplicate; a line overlapping a stored patrol of the same team in
    the same area is rejected (undo the import that stored it first). Needs an editor.
    """
    def insert(con, new: pd.DataFrame, batch_id: int) -> None:
        con.register("incoming_patrols", new[PATROL_COLUMNS].drop(columns="source_line").assign(batch_id=batch_id))
        try:
            con.execute("INSERT INTO patrols BY NAME SELECT * FROM incoming_patrols")
        finally:
            con.unregister("incoming_patrols")

    return commit_checked_file(db, parsed, layout=LAYOUT, split=lambda con, p: _split(p, _stored(con, p.rows)),
                               insert=insert, audit_action="patrols.import",
                               nothing_new_key="patrols.notice.nothing_new", strict=strict, dry_run=dry_run,
                               source_name=source_name)


# --- showing it ----------------------------------------------------------------------------------

def preview_table(rows: pd.DataFrame, area_names: dict[str, str], lang: str = "nb", limit: int = 200) -> pd.DataFrame:
    """Parsed patrols for the upload preview, with the page's column names and labels."""
    part = rows.head(limit)
    hours = (part["ended_at"] - part["started_at"]).dt.total_seconds() / 3600
    return pd.DataFrame({
        i18n.t("data.col.line", lang): part["source_line"].to_numpy(),
        i18n.t("patrols.col.date", lang): [i18n.fmt_date(t.date(), lang) for t in part["started_at"]],
        i18n.t("staffing.col.start", lang): [f"{t:%H:%M}" for t in part["started_at"]],
        i18n.t("staffing.col.end", lang): [f"{t:%H:%M}" + (" (+1)" if t.date() > s.date() else "")
                                           for s, t in zip(part["started_at"], part["ended_at"])],
        i18n.t("table.area", lang): [area_names.get(a, a) for a in part["area_id"]],
        i18n.t("patrols.col.team", lang): part["team"].to_numpy(),
        i18n.t("staffing.col.shift", lang): [i18n.t(f"staffing.shift.{s}", lang) for s in part["shift"]],
        i18n.t("patrols.col.hours", lang): [round(h, 2) for h in hours],
    })


def error_table(errors: list[RowError], lang: str = "nb") -> pd.DataFrame:
    """The row report for the upload preview: line, column, value, reason."""
    return pd.DataFrame([{i18n.t("data.col.line", lang): e.line, i18n.t("data.col.column", lang): e.column,
                          i18n.t("data.col.value", lang): e.value, i18n.t("data.col.reason", lang): e.message}
                         for e in errors])
