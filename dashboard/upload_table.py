"""An uploaded table of one record per line, read up to its rows: size and emptiness checked, the
header found below any title lines, and every column either named as a field or reported as not read.

Shared by the follow-up and patrol imports (:mod:`dashboard.followup_import`,
:mod:`dashboard.patrol_import`); the registration importer has its own, with two layouts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from dashboard import i18n
from dashboard.errors import FeltkartError

# Private helpers of the registration importer are reused on purpose: every import reads files
# (encodings, separators, XLSX cells) the same way.
from dashboard.importer import (
    COMMENT_COLUMNS,
    HEADER_SEARCH_ROWS,
    MAX_IMPORT_BYTES,
    SILENT_COLUMNS,
    _quote,
    _read_table,
    fold,
)


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
    if len(data) > MAX_IMPORT_BYTES:
        raise FeltkartError("import.too_large", file=name, size=round(len(data) / (1024 * 1024), 1),
                            max=MAX_IMPORT_BYTES // (1024 * 1024))
    if not data.strip(b" \t\r\n\xef\xbb\xbf;,"):
        raise FeltkartError("import.empty", file=name)
    records, notices = _read_table(data, name)
    header_at = _find_header(records, columns)
    if header_at is None:
        header_at = next((i for i, (_, cells) in enumerate(records) if any(cells)), None)
        if header_at is None:
            raise FeltkartError("import.empty", file=name)
    header_line, headers = records[header_at]
    fields, column_notices = _classify(headers, name, columns)
    body = [(n, cells) for n, cells in records[header_at + 1:] if any(cells)]
    if not body:
        raise FeltkartError(columns.header_only_error, file=name)
    if header_line > 1 and any(any(c) for _, c in records[:header_at]):
        notices.append(i18n.t("import.notice.header_line", line=header_line))
    return UploadTable(headers, fields, body, notices + column_notices)


def _find_header(records, columns: Columns) -> int | None:
    """The first line naming at least two known columns, among the first non-empty lines."""
    seen = 0
    for index, (_, cells) in enumerate(records):
        if not any(cells):
            continue
        if sum(columns.key(c) in columns.aliases for c in cells) >= 2:
            return index
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return None


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
            raise FeltkartError("import.duplicate_column", columns=_quote(headers[i] for i in indexes),
                                field=columns.labels[name])
    missing = [columns.labels[name] for name in columns.required if name not in fields]
    if missing:
        raise FeltkartError(columns.missing_error, file=file_name, missing=", ".join(missing),
                            found=_quote(h for h in headers if h) or "–")
    notices = []
    if staff and columns.staff_notice:
        notices.append(i18n.t(columns.staff_notice, columns=_quote(staff)))
    if comments:
        notices.append(i18n.t("import.notice.comments_dropped", columns=_quote(comments)))
    if unknown:
        notices.append(i18n.t("import.notice.unknown_dropped", columns=_quote(unknown)))
    return {name: indexes[0] for name, indexes in fields.items()}, notices
