"""Files that leave the dashboard: CSV, XLSX and GeoJSON that are safe to open and safe to share.

Why this module exists: figures about young people are downloaded, opened in Excel and passed on
to partners (the police, the SLT forum). Every such file must keep two promises:

* No small count can be read or worked out from it. Counts of 1 to 4 are shown as ":" (as
  Statistics Norway does), and further cells are hidden where a published total would otherwise
  give a hidden count away (secondary suppression).
* No cell is a spreadsheet formula. Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe (OWASP's advice on CSV injection), and XLSX cells with
  text are stored as text, never as formulas.

Pure (no Streamlit): the pages hand these bytes to ``st.download_button``; the CLI writes them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboard import i18n
from dashboard.disclosure import SUPPRESS_BELOW_COUNT, SUPPRESSED, suppress, suppress_series, with_totals  # noqa: F401
from dashboard.reports import AnnualReport

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_FILENAME_CHARS = 80
MAX_SHEET_NAME_CHARS = 31  # Excel's limit
MAX_COLUMN_WIDTH_CHARS = 60
MIN_COLUMN_WIDTH_CHARS = 8
COORDINATE_DECIMALS = 6  # about 0.1 m: more than a hotspot's position is worth
XLSX_INT_FORMAT = "#,##0"
XLSX_FLOAT_FORMAT = "#,##0.0#####"
XLSX_DATE_FORMAT = "dd.mm.yyyy"
XLSX_DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
LOCAL_TIMEZONE = "Europe/Oslo"


# Texts only the files use. They belong in i18n.MESSAGES; kept here until that file takes them.
_TEXT = {
    "sheet.places": {"nb": "Treff per sted", "en": "Hits by place"},
    "sheet.summary": {"nb": "Sammendrag", "en": "Summary"},
    "sheet.hotspots": {"nb": "Treffsteder", "en": "Hotspots"},
    "column.change_pct": {"nb": "Endring (%)", "en": "Change (%)"},
    "column.judgement": {"nb": "Vurdering", "en": "Assessment"},
    "sheet.areas": {"nb": "Områder", "en": "Areas"},
    "summary.item": {"nb": "Post", "en": "Item"},
    "summary.previous": {"nb": "Treff på gata og på skolene i {year}", "en": "Street and school hits in {year}"},
    "summary.change": {"nb": "Endring fra {year} (antall treff)", "en": "Change from {year} (hits)"},
    "summary.change_pct": {"nb": "Endring fra {year} (prosent)", "en": "Change from {year} (percent)"},
    "xlsx.suppressed_note": {
        "nb": "«:» = skjult for å verne personvernet: færre enn {threshold}, eller skjult så et lite tall "
              "ikke kan regnes ut fra summene.",
        "en": "':' = hidden to protect privacy: fewer than {threshold}, or hidden so that a small count "
              "cannot be worked out from the totals.",
    },
    "bool.true": {"nb": "ja", "en": "yes"},
    "bool.false": {"nb": "nei", "en": "no"},
}


def _text(key: str, lang: str, **params) -> str:
    return _TEXT[key][lang].format(**params)


def _check_lang(lang: str) -> None:
    if lang not in i18n.LANGS:
        raise ValueError(f"lang must be one of {i18n.LANGS}, got {lang!r}")


# --- formula injection -------------------------------------------------------------------------

def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, bytes, list, tuple, set, dict, np.ndarray)):
        return False
    try:
        return bool(pd.api.types.is_scalar(value) and pd.isna(value))
    except (TypeError, ValueError):
        return False


def neutralise(value):
    """``value`` made safe for a spreadsheet cell.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe, so Excel and LibreOffice show it as text instead of running it as a formula.
    Nothing else in the text changes. Numbers (a negative number is a number, not a formula),
    dates and other values come back as they are; None, NaN, NA and NaT become "".

    >>> neutralise("=1+1"), neutralise(-5), neutralise(None)
    ("'=1+1", -5, '')
    """
    if _is_missing(value):
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_text_dtype(dtype) -> bool:
    return (dtype == object or isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_string_dtype(dtype))


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`neutralise` applied to every text column and to the headers."""
    out = df.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text_dtype(column.dtype):
            out.isetitem(position, pd.Series([neutralise(v) for v in column.astype(object)],
                                             index=out.index, dtype=object))
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


# --- cell values for the writers ----------------------------------------------------------------

def _local_naive(value: datetime) -> datetime:
    if value.tzinfo is not None:  # Excel has no time zones: show Norwegian wall-clock time
        value = pd.Timestamp(value).tz_convert(LOCAL_TIMEZONE).tz_localize(None).to_pydatetime()
    return value


def _plain(value):
    """A cell value as one of: None, bool, int, float/Decimal, date, datetime, str (neutralised)."""
    if _is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, datetime):
        value = _local_naive(pd.Timestamp(value).to_pydatetime())
        return value.date() if value.time() == time(0) else value
    if isinstance(value, date):
        return value
    if isinstance(value, (list, tuple, set)):
        value = "; ".join(str(v) for v in value)
    return neutralise(str(value))


def _columns(df: pd.DataFrame) -> list[list]:
    return [[_plain(v) for v in df.iloc[:, j].tolist()] for j in range(df.shape[1])]


def _header(column) -> str:
    return neutralise(" / ".join(map(str, column)) if isinstance(column, tuple) else str(column))


# --- CSV -----------------------------------------------------------------------------------------

def _csv_text(value, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _text("bool.true" if value else "bool.false", lang)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        text = format(value, "f") if isinstance(value, Decimal) else np.format_float_positional(value, trim="-")
        return text.replace(".", ",") if lang == "nb" else text
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M" if lang == "nb" else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y" if lang == "nb" else "%Y-%m-%d")
    return value


def to_csv_bytes(df: pd.DataFrame, *, lang: str = "nb") -> bytes:
    """``df`` as CSV that Excel opens right, without its index.

    nb (Norwegian Excel): ``;`` between fields, decimal comma, dates as dd.mm.yyyy. en: ``,`` and a
    decimal point, dates as yyyy-mm-dd (the one form no locale misreads). Both: UTF-8 with a byte
    order mark (else Excel shows æøå wrongly), CRLF line ends, numbers without thousands
    separators (so they stay numbers), text neutralised against formulas.
    """
    _check_lang(lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "nb" else ",", lineterminator="\r\n")
    writer.writerow([_header(c) for c in df.columns])
    columns = _columns(df)
    for row in zip(*columns):
        writer.writerow([_csv_text(v, lang) for v in row])
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ----------------------------------------------------------------------------------------

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_names(names: Iterable) -> list[str]:
    """Excel-safe, unique sheet names: at most 31 characters, none of []:*?/\\, not 'History'."""
    result: list[str] = []
    for name in names:
        text = _SHEET_NAME_BAD.sub("-", ILLEGAL_CHARACTERS_RE.sub("", str(name))).strip().strip("'").strip()
        text = text[:MAX_SHEET_NAME_CHARS].strip() or "Ark"
        if text.lower() == "history":
            text = "History-"
        candidate, n = text, 2
        while candidate.lower() in {r.lower() for r in result}:
            suffix = f" ({n})"
            candidate, n = text[:MAX_SHEET_NAME_CHARS - len(suffix)] + suffix, n + 1
        result.append(candidate)
    return result


def _set_text(cell, text: str) -> None:
    # Strip the control characters XML cannot hold first, so that no formula prefix surfaces after.
    cell.value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # never a formula, whatever the text


def _write_cell(cell, value) -> int:
    """Write a ``_plain`` value; returns its width in characters as shown."""
    if value is None:
        return 0
    if isinstance(value, str):
        _set_text(cell, value)
        if value == SUPPRESSED:
            cell.alignment = Alignment(horizontal="right")
        return max(len(line) for line in value.splitlines() or [""])
    cell.value = value
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        cell.number_format = XLSX_INT_FORMAT
        return len(f"{value:,}")
    if isinstance(value, (float, Decimal)):
        cell.number_format = XLSX_FLOAT_FORMAT
        return len(f"{value:,.2f}")
    if isinstance(value, datetime):
        cell.number_format = XLSX_DATETIME_FORMAT
        return 16
    cell.number_format = XLSX_DATE_FORMAT
    return 10


def _write_sheet(ws, df: pd.DataFrame, title: str | None, lang: str) -> None:
    header_row = 1
    if title:
        _set_text(ws.cell(1, 1), title)
        ws.cell(1, 1).font = Font(bold=True, size=14)
        header_row = 3
    widths = []
    for j, column in enumerate(df.columns, start=1):
        cell = ws.cell(header_row, j)
        _set_text(cell, _header(column))
        cell.font = Font(bold=True)
        widths.append(len(str(cell.value)))
    any_suppressed = False
    for j, values in enumerate(_columns(df), start=1):
        for i, value in enumerate(values, start=header_row + 1):
            widths[j - 1] = max(widths[j - 1], _write_cell(ws.cell(i, j), value))
            any_suppressed |= value == SUPPRESSED
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    if df.shape[1]:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(df.shape[1])}{header_row + len(df)}"
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width, MIN_COLUMN_WIDTH_CHARS) + 2,
                                                               MAX_COLUMN_WIDTH_CHARS)
    if any_suppressed:
        note = ws.cell(header_row + len(df) + 2, 1)
        _set_text(note, _text("xlsx.suppressed_note", lang,
                              threshold=df.attrs.get("suppressed_below", SUPPRESS_BELOW_COUNT)))
        note.font = Font(italic=True)


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, title: str | None = None, lang: str = "nb") -> bytes:
    """An Excel workbook with one worksheet per entry of ``sheets`` (name -> table).

    Sheet names are made Excel-safe; each sheet has the ``title`` (if any) above a bold, frozen
    header row with a filter. Numbers are numbers (``#,##0``), dates are dates (dd.mm.yyyy), ":"
    cells are right-aligned text with a note under the table, and every text cell is neutralised
    and stored as text, so that no cell can be a formula.
    """
    _check_lang(lang)
    if not sheets:
        raise ValueError("to_xlsx_bytes: got no sheets, expected at least one name -> DataFrame")
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "Feltkart"
    if title:
        workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", title)
    for name, df in zip(_sheet_names(sheets), sheets.values()):
        _write_sheet(workbook.create_sheet(name), df, title, lang)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- GeoJSON -------------------------------------------------------------------------------------

_HOTSPOT_COLUMNS = ["hotspot_id", "name", "kind", "area_id", "lon", "lat", "hits"]


def _json_value(value):
    value = _plain(value) if not isinstance(value, str) else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def hotspots_geojson(table: pd.DataFrame, *, suppress_below: int | None = None) -> dict:
    """The hotspots of a ``hits_by_hotspot`` or ``summaries.hotspot_table`` result as a GeoJSON
    FeatureCollection of WGS84 points (coordinates rounded to 6 decimals).

    Properties: id, name, kind, area_id (and area_name, approximate if present), hits, and
    hits_before and change when the table has a comparison. With ``suppress_below`` the counts go
    through :func:`suppress_series` (a total is always published beside a map) and a change is
    hidden wherever either count is, since it would give the hidden count away.
    """
    missing = [c for c in _HOTSPOT_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"hotspots_geojson: the table lacks {missing}; pass a hits_by_hotspot or "
                         f"hotspot_table result (got columns {list(table.columns)})")
    lon, lat = (pd.to_numeric(table[c], errors="coerce") for c in ("lon", "lat"))
    if ((lon.abs() > 180) | (lat.abs() > 90)).any():
        raise ValueError("hotspots_geojson: lon/lat outside WGS84 ranges (got e.g. "
                         f"{lon.abs().max()}, {lat.abs().max()}); the coordinates look projected, "
                         "expected EPSG:4326 degrees: reproject with to_crs(4326) first")
    counts = ["hits"]
    if "hits_before" in table.columns and table["hits_before"].notna().any():
        counts.append("hits_before")
    shown = {c: table[c].tolist() for c in counts}
    if suppress_below is not None:
        shown = {c: suppress_series(table[c].fillna(0), suppress_below) for c in counts}
    with_change = "change" in table.columns and "hits_before" in counts
    optional = [c for c in ("area_name", "approximate") if c in table.columns]
    features = []
    for i, row in enumerate(table.itertuples(index=False)):
        properties = {"id": str(row.hotspot_id), "name": _json_value(row.name), "kind": _json_value(row.kind),
                      "area_id": _json_value(row.area_id)}
        properties.update({c: _json_value(getattr(row, c)) for c in optional})
        properties.update({c: _json_value(shown[c][i]) for c in counts})
        if with_change:
            change = _json_value(row.change)
            if any(shown[c][i] == SUPPRESSED for c in counts):
                change = SUPPRESSED
            elif isinstance(change, float):
                change = round(change, 4)
            properties["change"] = change
        x, y = lon.iloc[i], lat.iloc[i]
        point = [round(float(x), COORDINATE_DECIMALS), round(float(y), COORDINATE_DECIMALS)]
        geometry = None if pd.isna(x) or pd.isna(y) else {"type": "Point", "coordinates": point}
        features.append({"type": "Feature", "id": str(row.hotspot_id), "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def to_geojson_bytes(table: pd.DataFrame, *, suppress_below: int | None = None) -> bytes:
    """:func:`hotspots_geojson` as UTF-8 JSON (æøå kept as they are)."""
    return json.dumps(hotspots_geojson(table, suppress_below=suppress_below), ensure_ascii=False).encode("utf-8")


# --- the annual report ---------------------------------------------------------------------------

def annual_report_frames(report: AnnualReport, lang: str = "nb") -> dict[str, pd.DataFrame]:
    """The annual report as sheets: every report row ("Treff per sted": Område, Sted, Antall treff)
    and a summary (per-area sums, hits not broken down, street and school in all, and the year
    before and the change when known). Unsuppressed: these are the team's own totals."""
    _check_lang(lang)
    area, place, hits = i18n.t("table.area", lang), i18n.t("report.place", lang), i18n.t("report.hits", lang)
    rows = pd.DataFrame({
        area: report.rows["area"].astype(str).to_numpy(),
        place: report.rows["row"].astype(str).to_numpy(),
        hits: report.rows["hits"].astype("int64").to_numpy(),
    })
    per_area = rows.groupby(area, sort=False)[hits].sum()
    items: list[tuple[str, object]] = [(name, int(value)) for name, value in per_area.items()]
    items.append((i18n.t("report.not_broken_down", lang), int(report.not_broken_down)))
    items.append((i18n.t("report.street_school_total", lang), int(report.total)))
    if report.previous_total is not None:
        before = report.year - 1
        items.append((_text("summary.previous", lang, year=before), int(report.previous_total)))
        items.append((_text("summary.change", lang, year=before), int(report.total - report.previous_total)))
        if report.previous_total:
            change = (report.total - report.previous_total) / report.previous_total * 100
            items.append((_text("summary.change_pct", lang, year=before), round(change, 1)))
    elif report.change_note(lang):  # why there is no change from the year before
        items.append((report.change_note(lang), ""))
    summary = pd.DataFrame({_text("summary.item", lang): [label for label, _ in items],
                            hits: pd.Series([value for _, value in items], dtype=object)})
    return {_text("sheet.places", lang): rows, _text("sheet.summary", lang): summary}


def view_frames(hotspots: pd.DataFrame, areas: pd.DataFrame, lang: str = "nb",
                suppress_below: int | None = SUPPRESS_BELOW_COUNT) -> dict[str, pd.DataFrame]:
    """The current filtered view as sheets: hits per hotspot and per area with the comparison, the
    change in percent (a number, for Excel) and its judgement in words, from
    :func:`summaries.hotspot_table` and :func:`summaries.area_table`.

    With ``suppress_below`` (the default, for files meant for partners) small counts become ":"
    and the change is left out wherever either of its counts is hidden."""
    _check_lang(lang)
    hits, before = i18n.t("table.hits", lang), i18n.t("table.hits_before", lang)
    change, judgement = _text("column.change_pct", lang), _text("column.judgement", lang)

    def figures(frame: pd.DataFrame) -> dict[str, pd.Series]:
        now, then = frame["hits"].astype("int64"), frame["hits_before"]
        percent = (frame["change"] * 100).round(1)
        # Without a comparison the judgement is the table's reason ("ingen data i sammenligningsperioden"; "" when off).
        words = frame.apply(lambda r: r.get("change_label", "") if pd.isna(r["hits_before"]) else i18n.t(
            "change.rise" if r["direction"] > 0 else "change.fall" if r["direction"] < 0 else "change.none", lang),
            axis=1)
        if suppress_below is not None:
            now = suppress_series(now, suppress_below)
            if then.notna().all():
                then = suppress_series(then.fillna(0).astype("int64"), suppress_below)
            hidden = (now == SUPPRESSED) | (then == SUPPRESSED)
            percent, words = percent.where(~hidden), words.where(~hidden, "")
        return {hits: now.to_numpy(), before: then.to_numpy(), change: percent.to_numpy(), judgement: words.to_numpy()}

    places = pd.DataFrame({
        i18n.t("table.place", lang): hotspots["name"].to_numpy(),
        i18n.t("table.kind", lang): hotspots["kind_label"].to_numpy(),
        i18n.t("table.area", lang): hotspots["area_name"].to_numpy(),
        **figures(hotspots),
    })
    area_sheet = pd.DataFrame({i18n.t("table.area", lang): areas["area_name"].to_numpy(), **figures(areas)})
    return {_text("sheet.hotspots", lang): places, _text("sheet.areas", lang): area_sheet}


# --- file names ----------------------------------------------------------------------------------

_TRANSLITERATE = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "å": "a", "Å": "A", "ß": "ss",
                                "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH"})
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(stem: str, suffix: str) -> str:
    """A download file name from text users influence (a period, area names): lower-case ASCII
    letters, digits and hyphens (ø→o, æ→ae, å→a), one ``.suffix``, at most 80 characters.

    Only ever a name for the browser to save under, never a path: nothing in it can climb
    directories. ``safe_filename("Feltkart 2023-01-01–2023-12-31", "csv")`` ->
    ``"feltkart-2023-01-01-2023-12-31.csv"``.
    """
    ext = ".".join(p for p in re.sub(r"[^a-z0-9.]", "", str(suffix).lower()).split(".") if p)
    if not ext or len(ext) > MAX_FILENAME_CHARS // 2:
        raise ValueError(f"safe_filename: got the suffix {suffix!r}, expected a file type such as 'csv' or '.xlsx'")
    decomposed = unicodedata.normalize("NFKD", str(stem).translate(_TRANSLITERATE))
    # Accents fall away (é -> e); any other non-ASCII character (a dash, «») separates words.
    ascii_text = "".join(c if ord(c) < 128 else "-" for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_FILENAME_CHARS - len(ext) - 1].strip("-") or "feltkart"
    if slug in _WINDOWS_RESERVED:
        slug = f"feltkart-{slug}"
    return f"{slug}.{ext}"
