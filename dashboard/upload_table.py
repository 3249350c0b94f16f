"""What every import shares: reading an uploaded CSV or XLSX file into lines of text, safely,
and the pieces each import checks lines with.

* :func:`read_table`: bytes into (line, cells): size and zip-bomb guards, Windows-1252 or UTF-8,
  the separator sniffed, XLSX cells (dates, times) written as an office would type them.
* :func:`fold`, the value parsers (:func:`parse_date`, :func:`parse_time`, :func:`parse_count`),
  :class:`RowError` and :class:`RejectedRow` for the row report.
* :func:`read_upload_table`: a table of one record per line read up to its rows, with the header
  found below any title lines and every column named or reported as not read — used by the
  follow-up and patrol imports (:mod:`dashboard.followup_import`, :mod:`dashboard.patrol_import`);
  the registration importer (:mod:`dashboard.importer`) reads its two layouts itself.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np

from dashboard import i18n
from dashboard.errors import FeltkartError

MAX_IMPORT_BYTES = 25 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # zip-bomb guard: total size once unpacked
MAX_XLSX_COMPRESSION_RATIO = 100  # zip-bomb guard, for members larger than the next constant
XLSX_RATIO_CHECK_FROM_BYTES = 1024 * 1024
HEADER_SEARCH_ROWS = 10  # the header may sit below a title line or two
FIRST_YEAR = 2000
ERRORS_COLUMN = "feil"  # added by rejected_rows_csv; ignored when the fixed file comes back


# --- text ----------------------------------------------------------------------------------------

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "–": "-", "—": "-", "−": "-", "\u00a0": " ",
                       "\u2009": " ", "\u202f": " ", "_": " "})


def fold(text) -> str:
    """Case-, accent- and spacing-insensitive form: 'Strømmen  Storsenter' -> 'strommen storsenter'."""
    text = str(text).strip().casefold().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


def quote_names(names) -> str:
    """«a», «b»: column or place names in a message."""
    return ", ".join(f"«{n}»" for n in names)


COMMENT_COLUMNS = frozenset(fold(c) for c in (
    "kommentar", "kommentarer", "merknad", "merknader", "notat", "notater", "beskrivelse", "comment",
    "comments", "note", "notes", "fritekst", "observasjon", "observasjoner", "tekst", "text", "remarks",
    "navn", "name", "names"))
SILENT_COLUMNS = frozenset({ERRORS_COLUMN, "errors"})


# --- the row report ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """One problem in one line: line as Excel shows it (header = 1), column header, value, reason."""

    line: int
    column: str
    value: str
    message: str
    key: str = ""
    params: dict = field(default_factory=dict, compare=False)

    def as_json(self) -> dict:
        return {"line": self.line, "column": self.column, "value": self.value, "message": self.message}


@dataclass(frozen=True)
class RejectedRow:
    line: int
    raw: dict  # column -> text as read, without free-text and unknown columns
    errors: list[RowError]


# --- reading bytes into lines of text ------------------------------------------------------

def _refuse(key: str, **params):
    raise FeltkartError(key, **params)


def _check_zip(data: bytes, file_name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse("import.not_zip", file=file_name)
    with archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_XLSX_UNCOMPRESSED_BYTES:
            _refuse("import.zip_bomb", file=file_name, size=total // (1024 * 1024))
        for m in members:
            if m.file_size > XLSX_RATIO_CHECK_FROM_BYTES and m.file_size > MAX_XLSX_COMPRESSION_RATIO * max(m.compress_size, 1):
                _refuse("import.zip_bomb", file=file_name, size=total // (1024 * 1024))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31)):  # a time-only cell
            return value.strftime("%H:%M")
        return value.strftime("%d.%m.%Y") if value.time() == time(0) else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes, file_name: str, is_header_cell) -> tuple[list[tuple[int, list[str]]], list[str]]:
    _check_zip(data, file_name)
    import openpyxl  # only needed for xlsx

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 -- openpyxl raises many types for a broken package
        _refuse("import.xlsx_unreadable", file=file_name, reason=type(exc).__name__)
    notices = []
    try:
        chosen = None
        for sheet in book.worksheets:
            records = [(n, [_cell_text(v) for v in row]) for n, row in enumerate(sheet.iter_rows(values_only=True), 1)]
            if find_header(records, is_header_cell) is not None:
                chosen = (sheet.title, records)
                break
            if chosen is None:
                chosen = (sheet.title, records)
        if chosen is None:
            _refuse("import.empty", file=file_name)
        if len(book.worksheets) > 1:
            notices.append(i18n.t("import.notice.sheet", sheet=chosen[0], n=len(book.worksheets)))
        return chosen[1], notices
    finally:
        book.close()


def _decode(data: bytes, file_name: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in data[:4096] and data[:4096].count(b"\x00") * 3 > len(data[:4096])):
        _refuse("import.utf16", file=file_name)
    if b"\x00" in data:
        _refuse("import.not_text", file=file_name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            _refuse("import.not_text", file=file_name)
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\r\n")
    if controls > len(sample) // 100:
        _refuse("import.not_text", file=file_name)
    return text


def _sniff_separator(text: str, is_header_cell) -> str:
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS * 2] if line.strip()][:HEADER_SEARCH_ROWS]
    for line in lines:  # the first line that reads as a header with some separator
        for sep in (";", "\t", ","):
            cells = [c.strip().strip('"') for c in line.split(sep)]
            if len(cells) > 1 and sum(map(is_header_cell, cells)) >= 2:
                return sep
    for line in lines:
        counts = {sep: line.count(sep) for sep in (";", "\t", ",")}
        if max(counts.values()):
            return max(counts, key=lambda s: counts[s])  # ties: ';' before tab before ','
    return ";"


def _read_csv(data: bytes, file_name: str, is_header_cell) -> list[tuple[int, list[str]]]:
    text = _decode(data, file_name)
    sep = _sniff_separator(text, is_header_cell)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        return [(n, [c[1:] if c[:1] == "'" else c for c in map(str.strip, row)]) for n, row in enumerate(reader, 1)]
    except csv.Error:
        _refuse("import.not_text", file=file_name)


def read_table(data: bytes, file_name: str, is_header_cell) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The lines of a CSV or XLSX file as (line as Excel shows it, cells as text), and notices, or a
    ``FeltkartError`` for a file that is not one (old .xls, UTF-16, binary, broken or zip-bomb xlsx).
    ``is_header_cell(text)`` tells a known column name: it picks the sheet and the CSV separator."""
    name = file_name.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        if not data.startswith(b"PK"):
            _refuse("import.not_zip", file=file_name)
        return _read_xlsx(data, file_name, is_header_cell)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        _refuse("import.old_xls", file=file_name)
    return _read_csv(data, file_name, is_header_cell), []


def read_records(data: bytes, file_name: str, is_header_cell) -> tuple[list[tuple[int, list[str]]], int, list[str]]:
    """The file's lines, the index of its header line and notices; refused as a whole when too large,
    empty or unreadable. Without a recognisable header, the first non-empty line is taken as one
    (the caller then names the missing columns)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise FeltkartError("import.too_large", file=file_name, size=round(len(data) / (1024 * 1024), 1),
                            max=MAX_IMPORT_BYTES // (1024 * 1024))
    if not data.strip(b" \t\r\n\xef\xbb\xbf;,"):
        raise FeltkartError("import.empty", file=file_name)
    records, notices = read_table(data, file_name, is_header_cell)
    header_at = find_header(records, is_header_cell)
    if header_at is None:
        header_at = next((i for i, (_, cells) in enumerate(records) if any(cells)), None)
        if header_at is None:
            raise FeltkartError("import.empty", file=file_name)
    return records, header_at, notices


def find_header(records, is_header_cell) -> int | None:
    """Index in ``records`` of the header line: the first of the first non-empty lines with two
    or more known column names."""
    seen = 0
    for index, (_, cells) in enumerate(records):
        if not any(cells):
            continue
        if sum(map(is_header_cell, cells)) >= 2:
            return index
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return None


# --- values ----------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:[ T]+(.+))?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(.+))?$")
_HM = re.compile(r"^(\d{1,2})(?:[:.](\d{2})(?:[:.]\d{2}(?:\.\d+)?)?)?$")


def parse_date(text: str, today: date):
    """(date, time or None) or an error (key, params)."""
    match = _DMY.match(text) or _YMD.match(text)
    if not match:
        return None, ("import.row.bad_date", {})
    a, b, c, rest = match.groups()
    year, month, day = (int(a), int(b), int(c)) if match.re is _YMD else (int(c), int(b), int(a))
    if year < 100:
        year += 2000
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None, ("import.row.no_such_date", {})
    clock = None
    if rest:
        clock, error = parse_time(rest)
        if error:
            return None, ("import.row.bad_date", {})
    if day_value.year < FIRST_YEAR:
        return None, ("import.row.date_too_old", {"year": FIRST_YEAR})
    if day_value > today:
        return None, ("import.row.date_future", {"today": i18n.fmt_date(today)})
    return (day_value, clock), None


def parse_time(text: str):
    text = re.sub(r"^kl\.?\s*", "", text.strip().casefold())
    text = re.split(r"\s*[-–]\s*", text, maxsplit=1)[0]  # '18:00-20:00': the start
    match = _HM.match(text) or re.match(r"^(\d{2})(\d{2})$", text)
    if not match:
        return None, ("import.row.bad_time", {})
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None, ("import.row.bad_time", {})
    return time(hour, minute), None


def parse_number(text: str) -> float | None:
    text = re.sub(r"[\s\u00a0\u2009\u202f']", "", text).replace("−", "-")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def parse_count(text: str, allow_zero: bool):
    """(count, error) where count 0 means 'no registration' (wide layout cells)."""
    if not text:
        return (0, None) if allow_zero else (None, ("import.row.count_missing", {}))
    value = parse_number(text)
    if value is None or not float(value).is_integer():
        return None, ("import.row.bad_count", {})
    if value < 0:
        return None, ("import.row.count_negative", {})
    if value == 0 and not allow_zero:
        return None, ("import.row.count_zero", {})
    if value > 100000:
        return None, ("import.row.count_too_large", {"max": 100000})
    return int(value), None


class Cached(dict):
    """Memoises a parser by its text (``parse[text]``): files repeat the same dates, places and labels."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        value = self[key] = self.fn(key)
        return value


# --- a table of one record per line --------------------------------------------------------------

@dataclass(frozen=True)
class Columns:
    """The columns a kind of file has: how headers are compared, their aliases and what is required."""

    key: Callable[[str], str]  # a header as compared (folded, punctuation dropped)
    aliases: Mapping[str, str]  # key(header) -> field
    labels: Mapping[str, str]  # field -> its Norwegian column name, for messages
    required: tuple[str, ...]
    missing_error: str  # FeltkartError key when required columns are missing
    header_only_error: str  # FeltkartError key when there is a header but no line below it
    staff: frozenset[str] = field(default_factory=frozenset)  # keys of columns naming staff, never read
    staff_notice: str | None = None  # i18n key of the notice naming them


@dataclass
class UploadTable:
    headers: list[str]
    fields: dict[str, int]  # field -> column index
    body: list[tuple[int, list[str]]]  # (line as Excel shows it, cells) of the non-empty lines below the header
    notices: list[str]  # about the file and the columns not read


def read_upload_table(data: bytes, name: str, columns: Columns) -> UploadTable:
    """Read ``data`` (CSV or XLSX) up to its lines, or refuse the whole file with a ``FeltkartError``
    (too large, empty, unreadable, a required column missing or given twice, no lines)."""
    records, header_at, notices = read_records(data, name, lambda text: columns.key(text) in columns.aliases)
    header_line, headers = records[header_at]
    fields, column_notices = _classify(headers, name, columns)
    body = [(n, cells) for n, cells in records[header_at + 1:] if any(cells)]
    if not body:
        raise FeltkartError(columns.header_only_error, file=name)
    if header_line > 1 and any(any(c) for _, c in records[:header_at]):
        notices.append(i18n.t("import.notice.header_line", line=header_line))
    return UploadTable(headers, fields, body, notices + column_notices)


def _classify(headers: list[str], file_name: str, columns: Columns) -> tuple[dict[str, int], list[str]]:
    """Field -> column index, and the notices about the columns not read."""
    fields: dict[str, list[int]] = {}
    comments, staff, unknown = [], [], []
    for index, header in enumerate(headers):
        key = columns.key(header)
        if not key or fold(header) in SILENT_COLUMNS:
            continue
        if key in columns.aliases:
            fields.setdefault(columns.aliases[key], []).append(index)
        elif key in columns.staff:
            staff.append(header)
        elif fold(header) in COMMENT_COLUMNS or key in COMMENT_COLUMNS:
            comments.append(header)
        else:
            unknown.append(header)
    for name, indexes in fields.items():
        if len(indexes) > 1:
            raise FeltkartError("import.duplicate_column", columns=quote_names(headers[i] for i in indexes),
                                field=columns.labels[name])
    missing = [columns.labels[name] for name in columns.required if name not in fields]
    if missing:
        raise FeltkartError(columns.missing_error, file=file_name, missing=", ".join(missing),
                            found=quote_names(h for h in headers if h) or "–")
    notices = []
    if staff and columns.staff_notice:
        notices.append(i18n.t(columns.staff_notice, columns=quote_names(staff)))
    if comments:
        notices.append(i18n.t("import.notice.comments_dropped", columns=quote_names(comments)))
    if unknown:
        notices.append(i18n.t("import.notice.unknown_dropped", columns=quote_names(unknown)))
    return {name: indexes[0] for name, indexes in fields.items()}, notices
