"""The current selection: one ``Filter`` is the single source of truth for every page and command.

A Filter knows nothing of Streamlit. It maps to the named parameters every filtered query takes
(see the ``filtered_contacts`` macro in the schema); an empty selection means "all".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dashboard import vocab
from dashboard.errors import FeltkartError

FILTER_PARAMS = ("start_ts", "end_ts", "area_ids", "hotspot_kinds", "age_bands", "genders", "channels")


def _check(field_name: str, values: tuple[str, ...], valid) -> tuple[str, ...]:
    valid = tuple(valid)
    for value in values:
        if value not in valid:
            raise FeltkartError("filter.bad_value", field=field_name, value=value, valid=", ".join(valid))
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True)
class Filter:
    """A period (both dates inclusive) and the selected vocabulary ids; empty tuples mean all."""

    start: date
    end: date
    areas: tuple[str, ...] = field(default=())
    kinds: tuple[str, ...] = field(default=())
    age_bands: tuple[str, ...] = field(default=())
    genders: tuple[str, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.end < self.start:
            raise FeltkartError("filter.bad_period", start=self.start.isoformat(), end=self.end.isoformat())
        object.__setattr__(self, "areas", _check("area", tuple(self.areas), vocab.AREA_IDS))
        object.__setattr__(self, "kinds", _check("kind", tuple(self.kinds), vocab.HOTSPOT_KINDS))
        object.__setattr__(self, "age_bands", _check("age", tuple(self.age_bands), vocab.AGE_BANDS))
        object.__setattr__(self, "genders", _check("gender", tuple(self.genders), vocab.GENDERS))
        object.__setattr__(self, "channels", _check("channel", tuple(self.channels), vocab.CHANNELS))

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
            "hotspot_kinds": list(self.kinds),
            "age_bands": list(self.age_bands),
            "genders": list(self.genders),
            "channels": list(self.channels),
        }
