"""Can two periods be compared? A change needs data on both sides.

"No data" (nothing registered: the team had not started, or the registrations are not imported
yet) is not "0" (registered, none met). Which days have data is the team's registration
coverage: the days from its first to its last registration in the whole database
(:class:`DataSpan`), never the filtered selection, since no hits at one place on a covered day is
a real 0. Every change Feltkart computes — key figures, hotspot and area tables, map colours,
charts, slides, exports, focus suggestions, HKH follow-up, ``feltkart compare`` — asks
:func:`for_filter` or :func:`for_periods` first. The rule:

1. The period being judged (the current period, the follow-up) counts only its days with data:
   it is clipped to the coverage. Its figures stay the same (nothing is registered outside), but
   days without data are not counted as exposure, so "not imported yet" never looks like a fall.
   The pages' comparison period is taken from the clipped period (the same days a year before, or
   as many days just before), so "this year up to the last import" is compared with the same
   days of last year.
2. The period compared with (the comparison period, the baseline) must lie inside the coverage.
   If none of it does, there is no change ("ingen data i sammenligningsperioden"); if only part
   of it does, there is none either. Comparing with only the covered days would mean cutting the
   other period to the same days (changing the figures shown beside the change) or a rate per day
   across different seasons; both can mislead. One allowance: up to ``START_ALLOWANCE_SHARE`` of
   the period, at most ``START_ALLOWANCE_MAX_DAYS`` days, may lie before the first registration
   and counts as days without contacts, so data that begins on the first working day of January
   still makes the whole year comparable.
3. A period being judged without a single day of data gives no change either.

A gap inside the coverage (a month never imported) cannot be told from a quiet month: it counts
as zeros. The README's statistics section says so. Pure apart from :func:`data_span`'s one read;
no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import i18n
from dashboard.filters import Filter

START_ALLOWANCE_SHARE = 0.02  # of a comparison period's days that may lie before the first registration
START_ALLOWANCE_MAX_DAYS = 7

Period = tuple[date, date]

OK, OFF, NO_DATA, PARTIAL, NO_CURRENT_DATA = "ok", "off", "no_data", "partial", "no_current_data"


@dataclass(frozen=True)
class DataSpan:
    """The first and last day with a registration (both None when there is none)."""

    first: date | None
    last: date | None

    @classmethod
    def from_data_range(cls, frame: pd.DataFrame) -> "DataSpan":
        """From the ``data_range`` query (first_day, last_day, registrations)."""
        row = frame.iloc[0]
        if not row["registrations"]:
            return cls(None, None)
        return cls(pd.Timestamp(row["first_day"]).date(), pd.Timestamp(row["last_day"]).date())

    @property
    def empty(self) -> bool:
        return self.first is None


def data_span(db) -> DataSpan:
    """The database's registration coverage (the ``data_range`` query)."""
    from dashboard import queries

    return DataSpan.from_data_range(queries.run(db, "data_range"))


def _days(period: Period) -> int:
    return (period[1] - period[0]).days + 1


def _clip(period: Period, span: DataSpan) -> Period | None:
    """The days of ``period`` with data, or None when it has none."""
    if span.empty:
        return None
    start, end = max(period[0], span.first), min(period[1], span.last)
    return (start, end) if start <= end else None


def _coverage_status(period: Period, span: DataSpan) -> str:
    """OK when the comparison period lies inside the coverage (with the start allowance), else why not."""
    if _clip(period, span) is None:
        return NO_DATA
    before_first = (span.first - period[0]).days
    allowance = min(START_ALLOWANCE_MAX_DAYS, int(START_ALLOWANCE_SHARE * _days(period)))
    if period[1] > span.last or before_first > allowance:
        return PARTIAL
    return OK


def has_data(period: Period, span: DataSpan) -> bool:
    """Whether any day of the period lies inside the coverage ("no data" is not "0")."""
    return _clip(period, span) is not None


def covered(period: Period, span: DataSpan) -> bool:
    """Whether a period may be compared with: it lies inside the coverage (rule 2)."""
    return _coverage_status(period, span) == OK


@dataclass(frozen=True)
class Judgement:
    """Whether a change between ``comparison`` and ``current`` can be shown, and over which days.

    ``current`` is the period being judged, clipped to the days with data (as given when it has
    none); ``comparison`` the period compared with (None when comparing is off). Only when
    :attr:`comparable` may a change, a verdict, a colour or a rank be shown.
    """

    status: str
    current: Period
    comparison: Period | None
    span: DataSpan
    clipped: bool = False  # the current period was shortened to the days with data

    @property
    def comparable(self) -> bool:
        return self.status == OK

    @property
    def exposure_ratio(self) -> float:
        """Days of the current period per day of the comparison period (1 without a comparison)."""
        return _days(self.current) / _days(self.comparison) if self.comparison else 1.0

    def comparison_filter(self, flt: Filter) -> Filter | None:
        """``flt`` over the comparison period when a change can be shown, else None."""
        return flt.with_period(*self.comparison) if self.comparable else None

    def change_label(self, lang: str | None = None) -> str:
        """What a change column says instead of a change ('' when comparable or comparing is off)."""
        return "" if self.status in (OK, OFF) else i18n.t(f"change.{self.status}", lang)

    def note(self, lang: str | None = None) -> str | None:
        """One sentence on why no change is shown, or on the days it covers; None when nothing to say
        (``lang`` None: the command line's language)."""
        if self.status == OFF:
            return None
        lang = lang if lang in i18n.LANGS else i18n.default_lang()
        fmt = lambda day: i18n.fmt_date(day, lang)  # noqa: E731
        period = lambda p: i18n.t("period.label", lang, start=fmt(p[0]), end=fmt(p[1]))  # noqa: E731
        span = (i18n.t("compare.span", lang, first=fmt(self.span.first), last=fmt(self.span.last))
                if not self.span.empty else i18n.t("compare.span_empty", lang))
        if self.status == OK:
            if not self.clipped:
                return None
            return i18n.t("compare.note.clipped", lang, span=span, period=period(self.current),
                          comparison=period(self.comparison))
        key = f"compare.note.{self.status}"
        return i18n.t(key, lang, span=span, period=period(self.current),
                      comparison=period(self.comparison) if self.comparison else "")

    def note_texts(self) -> dict | None:
        """:meth:`note` in every language ({'nb': ..., 'en': ...}), for results that carry both."""
        return None if self.note("nb") is None else {lang: self.note(lang) for lang in i18n.LANGS}


def for_periods(comparison: Period, current: Period, span: DataSpan) -> Judgement:
    """Two given periods (HKH baseline and follow-up, ``feltkart compare``): see the module rule."""
    with_data = _clip(current, span)
    if with_data is None:
        return Judgement(NO_CURRENT_DATA, current, comparison, span)
    return Judgement(_coverage_status(comparison, span), with_data, comparison, span, clipped=with_data != current)


def for_filter(flt: Filter, span: DataSpan) -> Judgement:
    """The filter's period and its comparison period (previous / last year), derived from the
    current period's days with data; status OFF when the filter compares with nothing."""
    chosen = flt.comparison()
    if chosen is None:
        return Judgement(OFF, (flt.start, flt.end), None, span)
    with_data = _clip((flt.start, flt.end), span)
    if with_data is None:
        return Judgement(NO_CURRENT_DATA, (flt.start, flt.end), (chosen.start, chosen.end), span)
    derived = flt.with_period(*with_data).comparison()
    status = _coverage_status((derived.start, derived.end), span)
    # Say a refusal of the comparison period as chosen, not of the days derived from the data.
    shown = derived if status == OK else chosen
    return Judgement(status, with_data, (shown.start, shown.end), span, clipped=with_data != (flt.start, flt.end))
