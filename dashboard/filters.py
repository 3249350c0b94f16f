"""The current selection: one ``Filter`` is the single source of truth for every page and command.

A Filter knows nothing of Streamlit. It maps to the named parameters every filtered query takes
(see the ``filtered_contacts`` macro in the schema), and to and from the URL query string, so a
view can be shared as a link. An empty selection means "all".

URL keys: ``from``, ``to`` (ISO dates), ``compare`` (previous/last_year/none), and ``area``,
``kind``, ``age``, ``gender``, ``channel`` as comma-separated ids. Values equal to the default are
left out of the URL. Area ids are checked for shape here and against the database by the app, so
another municipality's areas work the same way. ``hotspots`` narrows the filter to places (for a
place's own view and follow-ups); it is set by pages, not by the sidebar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Mapping

from dashboard import vocab
from dashboard.errors import FeltkartError

FILTER_PARAMS = ("start_ts", "end_ts", "area_ids", "hotspot_ids", "hotspot_kinds", "age_bands", "genders", "channels")
PLACE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}\Z")  # area and hotspot ids are slugs; which exist is the database's
DEFAULT_COMPARE = "last_year"
EARLIEST_DATE = date(1990, 1, 1)  # dates outside these in a URL are ignored with a warning
LATEST_DATE = date(2100, 12, 31)
SCHOOL_YEAR_START = (8, 18)  # first school day, roughly: the school year runs 18 August – 20 June
SCHOOL_YEAR_END = (6, 20)
SUMMER = ((6, 1), (8, 31))

# URL key -> (Filter field, vocabulary; None = place ids, whose set lives in the database)
LIST_KEYS = {
    "area": ("areas", None),
    "kind": ("kinds", vocab.HOTSPOT_KINDS),
    "age": ("age_bands", vocab.AGE_BANDS),
    "gender": ("genders", vocab.GENDERS),
    "channel": ("channels", vocab.CHANNELS),
}


def _valid(value: str, valid) -> bool:
    return bool(PLACE_ID.match(value)) if valid is None else value in valid


def _check(field_name: str, values: tuple[str, ...], valid) -> tuple[str, ...]:
    for value in values:
        if not _valid(value, valid):
            allowed = "a-z, 0-9, -" if valid is None else ", ".join(valid)
            raise FeltkartError("filter.bad_value", field=field_name, value=value, valid=allowed)
    return tuple(dict.fromkeys(values))


def _year_ago(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Filter:
    """A period (both dates inclusive), a comparison, and the selected ids; empty tuples mean all."""

    start: date
    end: date
    areas: tuple[str, ...] = field(default=())
    hotspots: tuple[str, ...] = field(default=())
    kinds: tuple[str, ...] = field(default=())
    age_bands: tuple[str, ...] = field(default=())
    genders: tuple[str, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())
    compare: str = DEFAULT_COMPARE

    def __post_init__(self):
        if self.end < self.start:
            raise FeltkartError("filter.bad_period", start=self.start.isoformat(), end=self.end.isoformat())
        for key, (name, valid) in LIST_KEYS.items():
            object.__setattr__(self, name, _check(key, tuple(getattr(self, name)), valid))
        object.__setattr__(self, "hotspots", _check("hotspot", tuple(self.hotspots), None))
        _check("compare", (self.compare,), vocab.COMPARISONS)

    @classmethod
    def for_year(cls, year: int, **selection) -> "Filter":
        return cls(date(year, 1, 1), date(year, 12, 31), **selection)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> dict:
        """The named SQL parameters of this filter (timestamps are Europe/Oslo local time)."""
        return {
            "start_ts": datetime.combine(self.start, time()),
            "end_ts": datetime.combine(self.end + timedelta(days=1), time()),
            "area_ids": list(self.areas),
            "hotspot_ids": list(self.hotspots),
            "hotspot_kinds": list(self.kinds),
            "age_bands": list(self.age_bands),
            "genders": list(self.genders),
            "channels": list(self.channels),
        }

    def comparison(self) -> "Filter | None":
        """The same selection over the comparison period, or None when comparing is off."""
        if self.compare == "previous":
            return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))
        if self.compare == "last_year":
            return replace(self, start=_year_ago(self.start), end=_year_ago(self.end))
        return None

    def with_period(self, start: date, end: date) -> "Filter":
        return replace(self, start=start, end=end)

    def with_hotspots(self, *hotspot_ids: str) -> "Filter":
        return replace(self, hotspots=tuple(hotspot_ids))


def period_presets(today: date) -> dict[str, tuple[date, date]]:
    """The sidebar's named periods as of ``today`` (each ends no later than today)."""
    summer_year = today.year if today >= date(today.year, *SUMMER[0]) else today.year - 1
    school_start_year = today.year if today >= date(today.year, *SCHOOL_YEAR_START) else today.year - 1
    school_end = min(today, date(school_start_year + 1, *SCHOOL_YEAR_END))
    return {
        "this_year": (date(today.year, 1, 1), today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "last_12_months": (_year_ago(today) + timedelta(days=1), today),
        "summer": (date(summer_year, *SUMMER[0]), min(today, date(summer_year, *SUMMER[1]))),
        "school_year": (date(school_start_year, *SCHOOL_YEAR_START), school_end),
    }


def preset_of(flt: Filter, today: date) -> str:
    """The name of the preset matching the filter's period, or 'custom'."""
    for name, period in period_presets(today).items():
        if (flt.start, flt.end) == period:
            return name
    return "custom"


def default_filter(today: date) -> Filter:
    return Filter(*period_presets(today)["this_year"])


def _first(value) -> str:
    if isinstance(value, (list, tuple)):
        return str(value[-1]) if value else ""
    return str(value)


def from_query_params(params: Mapping[str, object], today: date) -> tuple[Filter, list[dict]]:
    """The filter a URL describes, and a warning for each value that was ignored.

    Never raises: unknown ids, malformed dates and impossible periods are dropped (the default is
    used instead) and reported as ``{"key": ..., "value": ..., "reason": ...}``.
    """
    default = default_filter(today)
    warnings: list[dict] = []
    values: dict = {}
    for key in ("from", "to"):
        if key in params:
            text = _first(params[key]).strip()
            try:
                values[key] = date.fromisoformat(text)
            except ValueError:
                warnings.append({"key": key, "value": text, "reason": "bad_date"})
                continue
            if not EARLIEST_DATE <= values[key] <= LATEST_DATE:
                warnings.append({"key": key, "value": text, "reason": "bad_date"})
                del values[key]
    start, end = values.get("from", default.start), values.get("to", default.end)
    if end < start:
        warnings.append({"key": "to", "value": end.isoformat(), "reason": "end_before_start"})
        start, end = default.start, default.end
    selection = {}
    for key, (name, valid) in LIST_KEYS.items():
        if key not in params:
            continue
        chosen = []
        for item in (part.strip() for part in _first(params[key]).split(",")):
            if not item:
                continue
            if _valid(item, valid):
                chosen.append(item)
            else:
                warnings.append({"key": key, "value": item, "reason": "unknown"})
        selection[name] = tuple(chosen)
    compare = _first(params.get("compare", DEFAULT_COMPARE)).strip()
    if compare not in vocab.COMPARISONS:
        warnings.append({"key": "compare", "value": compare, "reason": "unknown"})
        compare = DEFAULT_COMPARE
    return Filter(start, end, compare=compare, **selection), warnings


def to_query_params(flt: Filter, today: date) -> dict[str, str]:
    """The URL query string of a filter; values equal to the default are left out."""
    default = default_filter(today)
    params: dict[str, str] = {}
    if (flt.start, flt.end) != (default.start, default.end):
        params["from"], params["to"] = flt.start.isoformat(), flt.end.isoformat()
    if flt.compare != DEFAULT_COMPARE:
        params["compare"] = flt.compare
    for key, (name, _) in LIST_KEYS.items():
        if getattr(flt, name):
            params[key] = ",".join(getattr(flt, name))
    return params
