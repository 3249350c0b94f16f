"""Reading registration files (CSV and XLSX, as Norwegian offices save them) into team tallies.

Pure: parses and validates, never writes (see :mod:`dashboard.import_store` for the database
side) and never imports Streamlit. A file is refused as a whole (``FeltkartError``) when it cannot
be read at all: too large, empty, not text, not a real xlsx, a zip bomb, required columns missing.
Otherwise every data line is either turned into registrations or rejected with row-level reasons
(line as Excel shows it, column, value, reason in Norwegian).

Two layouts are detected from the header: *long* (one line per tally: dato, klokkeslett, sted,
kanal, aldersgruppe, kjønn, antall) and *wide* (one line per visit, one count column per gender
and age band, e.g. "gutter 13-15", as tally sheets are kept). Free-text and unknown columns are
never read into a registration or stored: they may name young people.

Times in files are Europe/Oslo wall-clock times and are kept as they are (naive timestamps).
Reading the bytes (encodings, separators, XLSX cells, the zip-bomb guard) and the value parsers are
shared with the other imports: :mod:`dashboard.upload_table`.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from dashboard import geo, i18n, vocab
from dashboard.db import OSLO, Database
from dashboard.errors import FeltkartError
from dashboard.upload_table import (
    COMMENT_COLUMNS,
    SILENT_COLUMNS,
    Cached,
    RejectedRow,
    RowError,
    fold,
    parse_count,
    parse_date,
    parse_number,
    parse_time,
    quote_names,
    read_records,
)

SNAP_RADIUS_M = 250  # a point this close to a hotspot (EPSG:25833) counts at the hotspot
DEFAULT_TIME = time(12, 0)  # used only when the file has no time column at all
DEFAULT_CHANNEL = "street"  # wide layout without a channel column
MAX_TEAM_CHARS = 60
POINT_HASH_DECIMALS = 5  # about 1 m: the same point, written twice, hashes the same
POINT_STORE_DECIMALS = 6
PROGRESS_EVERY_ROWS = 5000
SUGGEST_CUTOFF = 0.75  # difflib similarity for "did you mean"

_TO_WGS84 = Transformer.from_crs(geo.PROJECTED_CRS, "EPSG:4326", always_xy=True)
_TO_PROJECTED = Transformer.from_crs("EPSG:4326", geo.PROJECTED_CRS, always_xy=True)


# --- vocabularies ---------------------------------------------------------------------------------

def _aliases(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(alias): key for key, names in groups.items() for alias in names}


COLUMN_ALIASES = _aliases({
    "date": ("dato", "date"),
    "time": ("klokkeslett", "kl", "kl.", "klokka", "tid", "tidspunkt", "time", "fra", "fra kl", "from", "start"),
    "time_end": ("til", "til kl", "to", "end", "slutt"),
    "place": ("sted", "place", "treffsted", "hotspot", "hotspot id", "lokasjon", "location"),
    "channel": ("kanal", "channel", "arena"),
    "age_band": ("aldersgruppe", "alder", "age band", "age", "age group"),
    "gender": ("kjonn", "gender", "sex"),
    "youth_count": ("antall", "count", "antall ungdom", "youth count", "treff", "antall treff", "hits"),
    "team": ("team", "feltteam", "field team"),
    "lat": ("lat", "latitude", "breddegrad"),
    "lon": ("lon", "lng", "long", "longitude", "lengdegrad"),
    "east": ("ost", "oest", "utm ost", "east", "easting", "utm east", "utm33 ost"),
    "north": ("nord", "utm nord", "north", "northing", "utm north", "utm33 nord"),
})
FIELD_LABELS = {"date": "dato", "time": "klokkeslett", "place": "sted", "channel": "kanal",
                "age_band": "aldersgruppe", "gender": "kjønn", "youth_count": "antall", "team": "team",
                "lat": "lat", "lon": "lon", "east": "ost", "north": "nord", "time_end": "til"}
LONG_REQUIRED = ("date", "channel", "age_band", "gender", "youth_count")
WIDE_REQUIRED = ("date",)

CHANNEL_ALIASES = _aliases({
    "street": ("gatefelt", "gate", "street", "gata", "street outreach"),
    "school": ("skolefelt", "skole", "school"),
    "internet": ("internett", "internet", "nett"),
    "social": ("sosiale medier", "sosiale", "some", "social", "social media"),
    "gaming": ("gaming", "spill", "game"),
})
GENDER_ALIASES = _aliases({
    "boy": ("gutt", "gutter", "g", "boy", "boys"),
    "girl": ("jente", "jenter", "j", "girl", "girls"),
    "other": ("annet", "andre", "other", "annet kjonn"),
    "unknown": ("ukjent", "unknown", "ukjent kjonn", "gender unknown"),
})
AGE_ALIASES = {
    "13-15": "13-15", "16-18": "16-18", "19-24": "19-24", "u13": "u13", "under 13": "u13", "<13": "u13",
    "0-12": "u13", "barneskole": "u13", "ungdomsskole": "13-15", "videregaende": "16-18", "vgs": "16-18",
    "unge voksne": "19-24", "young adults": "19-24", "ukjent": "unknown", "unknown": "unknown",
    "ukjent alder": "unknown", "age unknown": "unknown", "alder ukjent": "unknown",
}
for _vocab_map, _aliases_map in ((vocab.CHANNELS, CHANNEL_ALIASES), (vocab.GENDERS, GENDER_ALIASES)):
    for _key, _labels in _vocab_map.items():
        _aliases_map.update({fold(_key): _key, **{fold(label): _key for label in _labels.values()}})


def _age_key(text: str) -> str:
    key = re.sub(r"\b(ar|aar|years?|yrs)\b\.?", " ", fold(text))
    key = re.sub(r"\s*-\s*", "-", key)
    return re.sub(r"\s+", " ", key).strip()


AGE_ALIASES = {_age_key(k): v for k, v in AGE_ALIASES.items()}
for _key, _labels in vocab.AGE_BANDS.items():
    AGE_ALIASES.update({_age_key(_key): _key, **{_age_key(label): _key for label in _labels.values()}})


def _wide_cell(header: str) -> tuple[str, str] | None:
    """(gender, age band) for a wide-layout count column header, e.g. 'Gutter 13–15 år'."""
    text = re.sub(r"[/(),:]", " ", fold(header))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    gender = GENDER_ALIASES.get(text)
    age = AGE_ALIASES.get(_age_key(text))
    if text in ("ukjent", "unknown"):
        return "unknown", "unknown"
    if gender and len(text) > 1:  # not single letters such as 'g' as a whole column
        return gender, "unknown"
    if age:
        return "unknown", age
    tokens = text.split(" ")
    for cut in range(1, len(tokens)):
        left, right = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        for first, second in ((left, right), (right, left)):
            g, a = GENDER_ALIASES.get(first), AGE_ALIASES.get(_age_key(second))
            if g and a:
                return g, a
    return None


# --- results ---------------------------------------------------------------------------------

CONTACT_COLUMNS = ["occurred_at", "hotspot_id", "lon", "lat", "area_id", "channel", "age_band", "gender",
                   "youth_count", "team"]


@dataclass
class ParsedImport:
    """A file read and validated, ready for :func:`dashboard.import_store.commit_import`."""

    file_name: str
    file_sha256: str
    layout: str  # 'long' or 'wide'
    rows_read: int  # data lines (non-empty lines below the header)
    rows: pd.DataFrame  # CONTACT_COLUMNS + source_line + row_sha256, one per registration
    rejected: list[RejectedRow]
    notices: list[str]
    columns: list[str] = field(default_factory=list)  # the header as found
    duplicates_in_file: int = 0  # registrations equal to an earlier one in the same file

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rejected for error in row.errors]


# --- places ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """Where a registration counts: a hotspot, a free point in an area, an area, or nowhere (online)."""

    hotspot_id: str | None = None
    area_id: str | None = None
    lon: float | None = None
    lat: float | None = None

    def hash_key(self) -> str:
        if self.hotspot_id:
            return self.hotspot_id
        if self.lon is not None:
            return f"{self.lon:.{POINT_HASH_DECIMALS}f},{self.lat:.{POINT_HASH_DECIMALS}f}"
        return f"area:{self.area_id}" if self.area_id else ""


def _place_key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text).replace("-", " ")).strip()


class PlaceIndex:
    """Hotspots and field areas, to resolve place names/ids and to locate points.

    Parameters
    ----------
    hotspots : pandas.DataFrame
        ``id, name, area_id`` and ``lon, lat`` (or a point ``geometry`` in WGS84); an optional
        ``retired_at`` column: retired hotspots still resolve by name, but points never snap to them.
    areas : geopandas.GeoDataFrame
        ``id, name, geometry`` in WGS84, as from :func:`dashboard.geo.load_areas`.
    """

    def __init__(self, hotspots: pd.DataFrame, areas, *, snap_radius_m: float = SNAP_RADIUS_M):
        if "lon" not in hotspots.columns:
            hotspots = pd.DataFrame({"id": hotspots["id"], "name": hotspots["name"], "area_id": hotspots["area_id"],
                                     "lon": hotspots.geometry.x, "lat": hotspots.geometry.y,
                                     "retired_at": hotspots.get("retired_at")})
        self.snap_radius_m = float(snap_radius_m)
        self._names: dict[str, str] = {}  # key -> display name, for suggestions
        keys: dict[str, set] = {}
        for h in hotspots.itertuples(index=False):
            place = Place(h.id, h.area_id)
            for key in (_place_key(h.id), _place_key(h.name)):
                keys.setdefault(key, set()).add(place)
                self._names.setdefault(key, h.name)
        for area_id, name in zip(areas["id"], areas["name"]):
            for key in (_place_key(area_id), _place_key(name)):
                if key not in keys:  # a hotspot of the same name wins
                    keys[key] = {Place(None, area_id)}
                    self._names.setdefault(key, name)
        self._by_key = {key: next(iter(found)) if len(found) == 1 else None for key, found in keys.items()}
        self._ambiguous = {key: sorted(p.hotspot_id for p in found) for key, found in keys.items() if len(found) > 1}
        self._area_ids = list(areas["id"])
        self._area_tree = shapely.STRtree(list(areas.geometry))
        retired = hotspots["retired_at"].notna() if "retired_at" in hotspots.columns else pd.Series(False, hotspots.index)
        active = hotspots[~retired.to_numpy()]
        self._snap_ids = list(active["id"])
        self._snap_areas = list(active["area_id"])
        x, y = _TO_PROJECTED.transform(active["lon"].to_numpy(float), active["lat"].to_numpy(float))
        self._snap_tree = shapely.STRtree(shapely.points(x, y))

    @classmethod
    def from_database(cls, db: Database) -> PlaceIndex:
        """The hotspots (retired ones too) and areas stored in ``db``."""
        with db.read() as con:
            hotspots = con.execute("SELECT id, name, area_id, lon, lat, retired_at FROM hotspots ORDER BY id").df()
            areas = con.execute("SELECT id, name, geometry_geojson FROM areas ORDER BY sort_order").df()
        geoms = shapely.from_geojson(areas["geometry_geojson"].to_numpy())
        return cls(hotspots, pd.DataFrame({"id": areas["id"], "name": areas["name"], "geometry": geoms}))

    def resolve(self, text: str) -> Place | None:
        """The place named by a hotspot id or name (or an area's), else None."""
        return self._by_key.get(_place_key(text))

    def ambiguous(self, text: str) -> list[str]:
        """Hotspot ids sharing this name (empty unless the name is ambiguous)."""
        return self._ambiguous.get(_place_key(text), [])

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Names of up to ``n`` known places close to ``text`` (difflib)."""
        close = difflib.get_close_matches(_place_key(text), list(self._names), n=n * 2, cutoff=SUGGEST_CUTOFF)
        return list(dict.fromkeys(self._names[key] for key in close))[:n]

    def locate(self, lons, lats) -> list[Place | None]:
        """Place each WGS84 point: the nearest active hotspot within ``snap_radius_m``, else a free
        point in its area; None for a point outside every area."""
        lons, lats = np.asarray(lons, float), np.asarray(lats, float)
        if not len(lons):
            return []
        points = shapely.points(lons, lats)
        area_of = np.full(len(points), -1)
        found_points, found_areas = self._area_tree.query(points, predicate="covered_by")
        area_of[found_points[::-1]] = found_areas[::-1]  # the first area wins on a shared edge
        x, y = _TO_PROJECTED.transform(lons, lats)
        snap_to = np.full(len(points), -1)
        if len(self._snap_ids):
            near_points, near_hotspots = self._snap_tree.query_nearest(
                shapely.points(x, y), max_distance=self.snap_radius_m, all_matches=False)
            snap_to[near_points] = near_hotspots
        located = []
        for i in range(len(points)):
            if area_of[i] < 0:
                located.append(None)
            elif snap_to[i] >= 0:
                located.append(Place(self._snap_ids[snap_to[i]], self._snap_areas[snap_to[i]]))
            else:
                located.append(Place(None, self._area_ids[area_of[i]], round(float(lons[i]), POINT_STORE_DECIMALS),
                                     round(float(lats[i]), POINT_STORE_DECIMALS)))
        return located


# --- the header ------------------------------------------------------------------------------

def _column_kind(header: str):
    """'field:<name>', ('wide', gender, age), 'comment', 'silent', or None for unknown."""
    key = fold(header)
    if not key:
        return None
    if key in COLUMN_ALIASES:
        return "field:" + COLUMN_ALIASES[key]
    if key in COMMENT_COLUMNS:
        return "comment"
    if key in SILENT_COLUMNS:
        return "silent"
    wide = _wide_cell(header)
    return ("wide", *wide) if wide else None


def _is_header_cell(text: str) -> bool:
    """A column name this importer reads (not a comment or an ignored column)."""
    return _column_kind(text) not in (None, "comment", "silent")


@dataclass
class _Columns:
    headers: list[str]
    fields: dict[str, int]
    wide: list[tuple[int, str, str]]
    comments: list[str]
    unknown: list[str]
    unnamed: list[int]


def _classify(headers: list[str], file_name: str) -> _Columns:
    fields: dict[str, list[int]] = {}
    wide: dict[tuple[str, str], list[int]] = {}
    comments, unknown, unnamed = [], [], []
    for index, header in enumerate(headers):
        kind = _column_kind(header)
        if not header:
            unnamed.append(index)
        elif kind is None:
            unknown.append(header)
        elif kind == "comment":
            comments.append(header)
        elif kind == "silent":
            pass
        elif isinstance(kind, tuple):
            wide.setdefault(kind[1:], []).append(index)
        else:
            fields.setdefault(kind[6:], []).append(index)
    for name, indexes in fields.items():
        if len(indexes) > 1:
            raise FeltkartError("import.duplicate_column", columns=quote_names(headers[i] for i in indexes), field=FIELD_LABELS[name])
    for (gender, age), indexes in wide.items():
        if len(indexes) > 1:
            raise FeltkartError("import.duplicate_column", columns=quote_names(headers[i] for i in indexes),
                    field=f"{vocab.GENDERS[gender]['nb']} {vocab.AGE_BANDS[age]['nb']}")
    single = {name: indexes[0] for name, indexes in fields.items()}
    for a, b in (("lat", "lon"), ("east", "north")):
        if (a in single) != (b in single):
            present, missing = (a, b) if a in single else (b, a)
            raise FeltkartError("import.coordinate_pair", present=headers[single[present]], missing=FIELD_LABELS[missing])
    wide_cols = [(indexes[0], g, a) for (g, a), indexes in wide.items()]
    return _Columns(headers, single, wide_cols, comments, unknown, unnamed)


def _valid_list(mapping) -> str:
    return ", ".join(labels["nb"].casefold() for labels in mapping.values())


def _vocab_value(text: str, aliases: dict, missing_key: str, bad_key: str, valid: str, key_fn=fold):
    if not text:
        return None, (missing_key, {})
    value = aliases.get(key_fn(text))
    return (value, None) if value else (None, (bad_key, {"valid": valid}))


# --- the rows --------------------------------------------------------------------------------

@dataclass
class _Row:
    line: int
    raw: dict
    errors: list
    occurred_at: datetime | None = None
    place: Place | None = None
    point: tuple[float, float] | None = None  # WGS84, still to be located
    point_column: str = ""
    point_text: str = ""
    used_default_time: bool = False
    channel: str | None = None
    team: str | None = None
    tallies: list = field(default_factory=list)  # (age_band, gender, count)


def parse_file(data: bytes, file_name: str, places: PlaceIndex, *, today: date | None = None,
               progress=None) -> ParsedImport:
    """Read and validate a registration file (CSV or XLSX).

    Parameters
    ----------
    data : bytes
        The file's content.
    file_name : str
        Its name, for messages and to tell .xlsx from .csv.
    places : PlaceIndex
        Hotspots and areas to resolve places against.
    today : date, optional
        Later dates are refused; default today in Europe/Oslo.
    progress : callable, optional
        Called with a fraction 0..1 while the lines are checked.

    Raises
    ------
    FeltkartError
        When the file cannot be used at all (see the module docstring).

    Examples
    --------
    >>> parsed = parse_file(b"dato;kl;sted;kanal;alder;kjonn;antall\\n01.03.2024;18.30;Volla;gatefelt;13-15;gutt;3\\n",
    ...                     "uke9.csv", PlaceIndex.from_database(Database()))  # doctest: +SKIP
    >>> parsed.rows[["hotspot_id", "youth_count"]].values.tolist()  # doctest: +SKIP
    [['volla', 3]]
    """
    today = today or datetime.now(OSLO).date()
    records, header_at, notices = read_records(data, file_name, _is_header_cell)
    header_line, headers = records[header_at]
    columns = _classify(headers, file_name)
    if "youth_count" in columns.fields:
        layout, required = "long", LONG_REQUIRED
    elif columns.wide:
        layout, required = "wide", WIDE_REQUIRED
    else:
        layout, required = "long", LONG_REQUIRED
    missing = [FIELD_LABELS[name] for name in required if name not in columns.fields]
    if missing:
        raise FeltkartError("import.missing_columns", file=file_name, missing=", ".join(missing),
                found=quote_names(h for h in headers if h) or "–")
    body = [(n, cells) for n, cells in records[header_at + 1:] if any(cells)]
    if not body:
        raise FeltkartError("import.header_only", file=file_name)

    if header_line > 1 and any(any(c) for _, c in records[:header_at]):
        notices.append(i18n.t("import.notice.header_line", line=header_line))
    if columns.comments:
        notices.append(i18n.t("import.notice.comments_dropped", columns=quote_names(columns.comments)))
    if layout == "wide":
        ignored = [headers[i] for i in (columns.fields.get("youth_count"),) if i is not None]
        notices.append(i18n.t("import.notice.wide", n=len(columns.wide)))
        if "channel" not in columns.fields:
            notices.append(i18n.t("import.notice.default_channel"))
    else:
        ignored = [headers[i] for i, _, _ in columns.wide]
    if columns.unknown or ignored:
        notices.append(i18n.t("import.notice.unknown_dropped", columns=quote_names(columns.unknown + ignored)))
    wide_indexes = {i for i, _, _ in columns.wide} if layout == "wide" else set()
    kept = sorted(set(columns.fields.values()) | wide_indexes)

    rows = _check_rows(body, headers, kept, columns, layout, places, today, progress)
    return _finish(file_name, hashlib.sha256(data).hexdigest(), layout, rows, notices, headers, columns, body)


def _check_rows(body, headers, kept, columns: _Columns, layout, places: PlaceIndex, today, progress) -> list[_Row]:
    lang = None
    fields = columns.fields
    date_of = Cached(lambda text: parse_date(text, today))
    time_of = Cached(parse_time)
    channel_of = Cached(lambda text: _vocab_value(text, CHANNEL_ALIASES, "import.row.channel_missing",
                                                   "import.row.bad_channel", _valid_list(vocab.CHANNELS)))
    age_of = Cached(lambda text: _vocab_value(text, AGE_ALIASES, "import.row.age_missing", "import.row.bad_age",
                                               _valid_list(vocab.AGE_BANDS), _age_key))
    gender_of = Cached(lambda text: _vocab_value(text, GENDER_ALIASES, "import.row.gender_missing",
                                                  "import.row.bad_gender", _valid_list(vocab.GENDERS)))
    place_of = Cached(lambda text: _resolve_place(text, places))
    count_of = Cached(lambda text: parse_count(text, allow_zero=layout == "wide"))
    number_of = Cached(parse_number)
    width = len(headers)
    field_items = list(fields.items())
    has_time, has_channel = "time" in fields, "channel" in fields

    def error(row, cells, name_or_index, key_params, value=None):
        index = fields.get(name_or_index) if isinstance(name_or_index, str) else name_or_index
        column = headers[index] if index is not None else FIELD_LABELS.get(name_or_index, str(name_or_index))
        if value is None:
            value = cells[index] if index is not None else ""
        key, params = key_params
        row.errors.append(RowError(row.line, column, value, i18n.t(key, lang, **params), key, params))

    rows = []
    for done, (line, cells) in enumerate(body):
        if progress and done % PROGRESS_EVERY_ROWS == 0:
            progress(0.9 * done / len(body))
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        values = {name: cells[i] for name, i in field_items}
        row = _Row(line, {headers[i]: cells[i] for i in kept}, [])
        rows.append(row)

        text = values.get("date", "")
        day, day_error = date_of[text] if text else (None, ("import.row.date_missing", {}))
        if day_error:
            error(row, cells, "date", day_error)
        clock = None
        if has_time:
            text = values["time"]
            if text:
                clock, time_error = time_of[text]
                if time_error:
                    error(row, cells, "time", time_error)
            elif day and day[1] is not None:
                clock = day[1]
            else:
                error(row, cells, "time", ("import.row.time_missing", {}))
        elif day:
            clock = day[1]
        if day and not row.errors:
            row.occurred_at = datetime.combine(day[0], clock or DEFAULT_TIME)
            row.used_default_time = clock is None
        if has_channel:
            row.channel, channel_error = channel_of[values["channel"]]
            if channel_error:
                error(row, cells, "channel", channel_error)
        else:
            row.channel = DEFAULT_CHANNEL
        team = values.get("team", "")
        if len(team) > MAX_TEAM_CHARS:
            error(row, cells, "team", ("import.row.team_too_long", {"max": MAX_TEAM_CHARS}))
        row.team = team or None
        _check_place(row, values, fields, headers, functools.partial(error, row, cells), place_of, number_of)
        if layout == "long":
            age, age_error = age_of[values["age_band"]]
            gender, gender_error = gender_of[values["gender"]]
            count, count_error = count_of[values["youth_count"]]
            if age_error or gender_error or count_error:
                for name, problem in (("age_band", age_error), ("gender", gender_error), ("youth_count", count_error)):
                    if problem:
                        error(row, cells, name, problem)
            else:
                row.tallies.append((age, gender, count))
        else:
            for index, gender, age in columns.wide:
                count, count_error = count_of[cells[index]]
                if count_error:
                    error(row, cells, index, count_error)
                elif count:
                    row.tallies.append((age, gender, count))
    _locate_points(rows, places, lang)
    if progress:
        progress(1.0)
    return rows


def _resolve_place(text: str, places: PlaceIndex):
    found = places.resolve(text)
    if found:
        return found, None
    ambiguous = places.ambiguous(text)
    if ambiguous:
        return None, ("import.row.ambiguous_place", {"ids": ", ".join(ambiguous)})
    suggestions = places.suggest(text)
    if suggestions:
        quoted = [f"«{s}»" for s in suggestions]
        text = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " eller " + quoted[-1]
        return None, ("import.row.unknown_place_suggest", {"suggestions": text})
    return None, ("import.row.unknown_place", {})


def _check_place(row: _Row, values: dict, fields, headers, error, place_of, number_of) -> None:
    place_text = values.get("place", "")
    if place_text:
        row.place, problem = place_of[place_text]
        if problem:
            error("place", problem)
        return
    for a, b, projected in (("lat", "lon", False), ("east", "north", True)):
        if a not in fields:
            continue
        first, second = values[a], values[b]
        if not first and not second:
            continue
        if not first or not second:
            error(a if not first else b, ("import.row.coordinate_missing", {"other": headers[fields[b if not first else a]]}))
            return
        v1, v2 = number_of[first], number_of[second]
        for name, value in ((a, v1), (b, v2)):
            if value is None:
                error(name, ("import.row.bad_coordinate", {}))
        if v1 is None or v2 is None:
            return
        if projected:
            east, north = v1, v2
            if not (100_000 <= east <= 900_000 and 6_000_000 <= north <= 8_000_000):
                error(a, ("import.row.utm_range", {}), value=f"{first} / {second}")
                return
            lon, lat = _TO_WGS84.transform(east, north)
        else:
            lat, lon = v1, v2
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                error(a, ("import.row.latlon_range", {}), value=f"{first} / {second}")
                return
        row.point, row.point_column = (lon, lat), f"{headers[fields[a]]}/{headers[fields[b]]}"
        row.point_text = f"{first} / {second}"
        return
    if row.channel is not None and row.channel not in vocab.ONLINE_CHANNELS:
        error("place", ("import.row.place_missing", {}), value="")
    row.place = Place()


def _locate_points(rows: list[_Row], places: PlaceIndex, lang) -> None:
    pending = [row for row in rows if row.point is not None]
    located = places.locate([r.point[0] for r in pending], [r.point[1] for r in pending])
    for row, place in zip(pending, located):
        if place is None:
            key, params = "import.row.outside_areas", {}
            row.errors.append(RowError(row.line, row.point_column, row.point_text, i18n.t(key, lang), key, params))
        row.place = place


def _row_sha256(occurred_at: datetime, place: Place, channel, age, gender, count, team) -> str:
    """The content hash of one normalised tally (see :mod:`dashboard.import_store`)."""
    text = "|".join((occurred_at.isoformat(timespec="minutes"), place.hash_key(), channel, age, gender, str(count),
                     fold(team) if team else ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _finish(file_name, file_sha256, layout, rows: list[_Row], notices, headers, columns: _Columns, body) -> ParsedImport:
    records, rejected, seen, duplicates, default_time = [], [], set(), 0, False
    when_of = Cached(lambda at: at.isoformat(timespec="minutes"))
    where_of = Cached(Place.hash_key)
    team_of = Cached(lambda team: fold(team) if team else "")
    for row in rows:
        if row.errors:
            rejected.append(RejectedRow(row.line, row.raw, row.errors))
            continue
        place = row.place or Place()
        default_time = default_time or row.used_default_time
        when, where, channel, team = when_of[row.occurred_at], where_of[place], row.channel, team_of[row.team]
        for age, gender, count in row.tallies:  # the same text as _row_sha256, with the row's part computed once
            digest = hashlib.sha256(f"{when}|{where}|{channel}|{age}|{gender}|{count}|{team}".encode()).hexdigest()
            if digest in seen:
                duplicates += 1
                continue
            seen.add(digest)
            records.append((row.occurred_at, place.hotspot_id, place.lon, place.lat, place.area_id, row.channel, age,
                            gender, count, row.team, row.line, digest))
    out = dict(zip(CONTACT_COLUMNS + ["source_line", "row_sha256"], map(list, zip(*records)))) if records else \
        {name: [] for name in CONTACT_COLUMNS + ["source_line", "row_sha256"]}
    frame = pd.DataFrame({
        "occurred_at": pd.to_datetime(pd.Series(out["occurred_at"], dtype=object)).astype("datetime64[us]"),
        "hotspot_id": pd.Series(out["hotspot_id"], dtype=object),
        "lon": pd.Series(out["lon"], dtype="float64"),
        "lat": pd.Series(out["lat"], dtype="float64"),
        **{name: pd.Series(out[name], dtype=object) for name in ("area_id", "channel", "age_band", "gender")},
        "youth_count": pd.Series(out["youth_count"], dtype="int64"),
        "team": pd.Series(out["team"], dtype=object),
        "source_line": pd.Series(out["source_line"], dtype="int64"),
        "row_sha256": pd.Series(out["row_sha256"], dtype=object),
    })
    if default_time:
        notices.append(i18n.t("import.notice.default_time"))
    if duplicates:
        notices.append(i18n.t("import.notice.in_file_duplicates", n=duplicates))
    if columns.unnamed and any(len(cells) > i and cells[i] for _, cells in body for i in columns.unnamed):
        notices.append(i18n.t("import.notice.unnamed_dropped", n=len(columns.unnamed)))
    return ParsedImport(file_name, file_sha256, layout, len(body), frame, rejected, notices, list(headers), duplicates)
