"""The annual report as a Word document (python-docx) and as a workbook (openpyxl).

The report's "Sted / Antall treff" tables are the team's own published totals: their numbers are
exact (as in :func:`exporters.annual_report_frames`). The year's breakdown by channel, age band and
gender (from :func:`reports.year_summary`) goes through :func:`disclosure.suppress_series`, since
its small groups (e.g. under-13s) can be small. Extra tables (follow-up, collaboration) are
passed in as ``{title: DataFrame}`` and appended as they are: suppress them before if needed.
"""

from __future__ import annotations

import io
import numbers
from collections.abc import Mapping

import pandas as pd

from dashboard import exporters, i18n, vocab
from dashboard.db import now_local
from dashboard.disclosure import SUPPRESS_BELOW_COUNT, SUPPRESSED, suppress_series
from dashboard.reports import AnnualReport


def _check(lang: str, extra_tables) -> dict[str, pd.DataFrame]:
    if lang not in i18n.LANGS:
        raise ValueError(f"lang must be one of {i18n.LANGS}, got {lang!r}")
    extra = dict(extra_tables or {})
    for title, frame in extra.items():
        if not isinstance(title, str) or not isinstance(frame, pd.DataFrame):
            raise TypeError("extra_tables: expected a dict of title (str) -> pandas DataFrame, "
                             f"got {type(title).__name__} -> {type(frame).__name__}")
    return extra


def breakdown_tables(summary: Mapping, lang: str = "nb",
                     threshold: int | None = SUPPRESS_BELOW_COUNT) -> dict[str, pd.DataFrame]:
    """The year's hits by channel, age band and gender (a :func:`reports.year_summary` result),
    one table each (heading -> table), small counts hidden unless ``threshold`` is None."""
    parts = (("docx.channels_heading", "docx.col.channel", "by_channel", vocab.CHANNELS),
             ("docx.age_heading", "docx.col.age", "by_age_band", vocab.AGE_BANDS),
             ("docx.gender_heading", "docx.col.gender", "by_gender", vocab.GENDERS))
    tables = {}
    for heading, column, key, words in parts:
        counts = summary[key]
        values = list(counts.values()) if threshold is None else suppress_series(list(counts.values()), threshold)
        tables[i18n.t(heading, lang)] = pd.DataFrame({
            i18n.t(column, lang): [words[k][lang] for k in counts],
            i18n.t("report.hits", lang): pd.Series(values, dtype=object),
        })
    return tables


def _cell_text(value, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return i18n.fmt_int(value, lang)
    if isinstance(value, numbers.Real):
        return i18n.fmt_decimal(value, lang)
    if hasattr(value, "strftime"):
        return i18n.fmt_date(value, lang)
    return str(value)


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) or all(
        isinstance(v, numbers.Number) or v == SUPPRESSED for v in values if v is not None)


def _add_table(document, frame: pd.DataFrame, lang: str, total_label: str | None = None):
    """A bordered table with a bold header, numbers right-aligned (and a bold total row)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows = [list(frame.columns), *frame.itertuples(index=False, name=None)]
    if total_label is not None:
        rows.append([total_label, *[frame.iloc[:, j].sum() for j in range(1, frame.shape[1])]])
    table = document.add_table(rows=len(rows), cols=frame.shape[1])
    table.style = "Table Grid"
    numeric = [_is_numeric(frame.iloc[:, j]) and len(frame) > 0 for j in range(frame.shape[1])]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            paragraph = table.cell(i, j).paragraphs[0]
            run = paragraph.add_run(str(value) if i == 0 else _cell_text(value, lang))
            run.bold = i == 0 or (total_label is not None and i == len(rows) - 1)
            if numeric[j]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def annual_report_docx(report: AnnualReport, extra_tables: Mapping[str, pd.DataFrame] | None = None,
                       lang: str = "nb", *, summary: Mapping | None = None,
                       threshold: int | None = SUPPRESS_BELOW_COUNT) -> bytes:
    """The annual report as a .docx: a heading and a "Sted / Antall treff" table per area (exact
    numbers, with the area's sum), the totals and the change from the year before, the hits not
    broken down by place; with ``summary`` (``reports.year_summary(db, year)``) the year's hits
    online and by channel, age band and gender; then each of ``extra_tables`` (title -> table).

    >>> annual_report_docx(reports.annual_report(db, 2023), {"Oppfølging": followup_frame},
    ...                    summary=reports.year_summary(db, 2023))  # doctest: +SKIP
    """
    from docx import Document

    extra = _check(lang, extra_tables)
    n = lambda value: i18n.fmt_int(value, lang)  # noqa: E731
    document = Document()
    title = i18n.t("report.title", lang, year=report.year)
    document.core_properties.title = title
    document.core_properties.author = "Feltkart"
    document.add_heading(title, level=0)
    document.add_paragraph(i18n.t("docx.intro", lang, year=report.year))

    place, hits = i18n.t("report.place", lang), i18n.t("report.hits", lang)
    for area, group in report.rows.groupby("area", sort=False):
        document.add_heading(str(area), level=1)
        frame = pd.DataFrame({place: group["row"].astype(str).to_numpy(),
                              hits: group["hits"].astype("int64").to_numpy()})
        _add_table(document, frame, lang, total_label=i18n.t("report.total", lang))

    document.add_heading(i18n.t("docx.totals_heading", lang), level=1)
    document.add_paragraph(i18n.t("docx.total_line", lang, year=report.year, total=n(report.total)))
    document.add_paragraph(i18n.t("docx.not_broken_down", lang, n=n(report.not_broken_down)))
    if report.previous_total:
        change = (report.total - report.previous_total) / report.previous_total
        document.add_paragraph(i18n.t("report.change_from", lang, year=report.year - 1, before=n(report.previous_total),
                                      change=i18n.fmt_pct(change, lang)) + ".")
    elif report.change_note(lang):
        document.add_paragraph(report.change_note(lang))

    if summary is not None:
        document.add_heading(i18n.t("docx.year_heading", lang, year=report.year), level=1)
        channels = summary["by_channel"]
        document.add_paragraph(i18n.t("docx.year_total", lang, year=report.year, total=n(summary["hits_total"])))
        online = [channels.get("internet", 0), channels.get("social", 0)]
        shown = suppress_series(online, threshold, total=False) if threshold else online
        hidden = SUPPRESSED in shown
        document.add_paragraph(i18n.t("docx.online", lang, internet=_cell_text(shown[0], lang),
                                      social=_cell_text(shown[1], lang)))
        for heading, frame in breakdown_tables(summary, lang, threshold).items():
            document.add_heading(heading, level=2)
            _add_table(document, frame, lang)
            hidden |= SUPPRESSED in frame.iloc[:, 1].tolist()

    for heading, frame in extra.items():
        document.add_heading(heading, level=1)
        _add_table(document, frame, lang)

    if summary is not None and hidden:
        document.add_paragraph(i18n.t("slides.suppressed_note", lang, threshold=threshold)).runs[0].italic = True
    document.add_paragraph(i18n.t("docx.made", lang, date=i18n.fmt_date(now_local().date(), lang)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def annual_report_xlsx(report: AnnualReport, extra_tables: Mapping[str, pd.DataFrame] | None = None,
                       lang: str = "nb", *, summary: Mapping | None = None,
                       threshold: int | None = SUPPRESS_BELOW_COUNT) -> bytes:
    """The annual report as a workbook: the sheets of :func:`exporters.annual_report_frames`, then
    (with ``summary``) one sheet of the year's hits by channel, age band and gender, then one sheet
    per extra table (its title is the sheet name, made Excel-safe)."""
    extra = _check(lang, extra_tables)
    sheets = dict(exporters.annual_report_frames(report, lang))
    if summary is not None:
        dimension, group, hits = (i18n.t(key, lang) for key in ("docx.col.dimension", "docx.col.group", "report.hits"))
        breakdown = pd.concat([pd.DataFrame({dimension: heading, group: frame.iloc[:, 0], hits: frame.iloc[:, 1]})
                               for heading, frame in breakdown_tables(summary, lang, threshold).items()],
                              ignore_index=True)
        if threshold:
            breakdown.attrs["suppressed_below"] = threshold
        sheets[i18n.t("docx.sheet.breakdown", lang)] = breakdown
    sheets.update(extra)
    return exporters.to_xlsx_bytes(sheets, title=None, lang=lang)
