"""The annual report's tables and yearly summaries, as data and as CSV/Markdown text.

Pure: the CLI prints these and the pages show them; both get the same figures.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard import comparison, i18n, queries, vocab
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.filters import Filter


@dataclass(frozen=True)
class AnnualReport:
    year: int
    rows: pd.DataFrame  # area, row, hits, area_id, position, channel, hotspot_id
    not_broken_down: int  # street and school hits that no row covers
    previous_total: int | None  # street and school hits the year before, when both years have data throughout
    judged: comparison.Judgement | None = None  # the year against the year before (dashboard.comparison)

    @property
    def total(self) -> int:
        """All street and school hits of the year."""
        return int(self.rows["hits"].sum()) + self.not_broken_down

    def change_note(self, lang: str = "nb") -> str | None:
        """Why the change from the year before is not shown (None when it is)."""
        if self.previous_total is not None or self.judged is None:
            return None
        if self.judged.comparable:  # the year is not over: its total so far against a whole year would mislead
            return i18n.t("report.year_unfinished", lang, year=self.year - 1, last=i18n.fmt_date(self.judged.span.last, lang))
        return self.judged.note(lang)


def data_years(db: Database) -> tuple[int, int]:
    """First and last year with registrations; raises when there are none."""
    first, last, count = queries.run(db, "data_range").iloc[0]
    if not count:
        raise FeltkartError("db.empty", path=str(db.path))
    return first.year, last.year


def check_year(db: Database, year: int) -> None:
    first, last = data_years(db)
    if not first <= year <= last:
        raise FeltkartError("report.no_data_year", year=year, first=first, last=last)


def _report_part(db: Database, name: str, year: int) -> pd.DataFrame:
    return queries.run(db, name, year_start=datetime(year, 1, 1), year_end=datetime(year + 1, 1, 1))


def annual_report(db: Database, year: int) -> AnnualReport:
    """The report's per-area "Sted / Antall treff" rows for ``year``."""
    check_year(db, year)
    rows = _report_part(db, "annual_report", year)
    unallocated = int(_report_part(db, "annual_report_unallocated", year)["hits"].sum())
    previous_total = None
    # A change needs both whole years with data: the year before covered throughout, this one finished.
    judged = comparison.for_periods((date(year - 1, 1, 1), date(year - 1, 12, 31)), (date(year, 1, 1), date(year, 12, 31)),
                                    comparison.data_span(db))
    if judged.comparable and not judged.clipped:
        previous_total = int(_report_part(db, "annual_report", year - 1)["hits"].sum()
                             + _report_part(db, "annual_report_unallocated", year - 1)["hits"].sum())
    return AnnualReport(year, rows, unallocated, previous_total, judged)


def annual_csv(report: AnnualReport) -> str:
    """CSV with exactly the columns ``area,row,hits``, one line per report row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["area", "row", "hits"])
    for row in report.rows.itertuples():
        writer.writerow([row.area, row.row, int(row.hits)])
    return out.getvalue()


def annual_markdown(report: AnnualReport, lang: str = "nb") -> str:
    """The tables as Markdown, one per area with its sum, then the totals and the change."""
    def n(value) -> str:
        return i18n.fmt_int(value, lang)

    place, hits, total = (i18n.t(key, lang) for key in ("report.place", "report.hits", "report.total"))
    lines = [f"# {i18n.t('report.title', lang, year=report.year)}", ""]
    for area, group in report.rows.groupby("area", sort=False):
        lines += [f"## {area}", "", f"| {place} | {hits} |", "|---|---:|"]
        lines += [f"| {row.row} | {n(row.hits)} |" for row in group.itertuples()]
        lines += [f"| **{total}** | **{n(group['hits'].sum())}** |", ""]
    lines.append(f"- {i18n.t('report.not_broken_down', lang)}: {n(report.not_broken_down)}")
    lines.append(f"- {i18n.t('report.street_school_total', lang)}: {n(report.total)}")
    if report.previous_total:
        change = (report.total - report.previous_total) / report.previous_total
        lines.append(f"- {i18n.t('report.change_from', lang, year=report.year - 1, before=n(report.previous_total), change=i18n.fmt_pct(change, lang))}")
    elif report.change_note(lang):
        lines.append(f"- {report.change_note(lang)}")
    return "\n".join(lines) + "\n"


def year_summary(db: Database, year: int) -> dict:
    """Hits of one year in all, by channel, by area, by age band and by gender (vocabulary ids)."""
    check_year(db, year)
    breakdown = queries.run_filtered(db, "hits_breakdown", Filter.for_year(year))

    def by(dimension: str, keys) -> dict[str, int]:
        part = breakdown[breakdown["dimension"] == dimension].dropna(subset=["key"])
        found = dict(zip(part["key"], part["hits"].astype(int)))
        return {key: int(found.get(key, 0)) for key in keys}

    by_channel = by("channel", vocab.CHANNELS)
    return {
        "year": year,
        "hits_total": sum(by_channel.values()),
        "by_channel": by_channel,
        "by_area": by("area_id", queries.run(db, "areas")["id"]),
        "by_age_band": by("age_band", vocab.AGE_BANDS),
        "by_gender": by("gender", vocab.GENDERS),
    }


def followup_tables(db: Database, year: int, lang: str = "nb", share: bool = False) -> dict[str, pd.DataFrame]:
    """The annual report's follow-up and collaboration tables (title -> table) for ``year``, or
    none when the year has no such figures; for the report page, the .docx and the .xlsx alike."""
    from dashboard import followup

    try:
        summary = followup.year_summary(db, year)
    except FeltkartError:
        return {}
    return {i18n.t("report.followup_figures", lang): followup.figures_table(summary, lang, share=share),
            i18n.t("report.followup_services", lang): followup.service_text(
                followup.service_table(summary, lang, share=share), lang)}
