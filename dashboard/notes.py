"""Trend notes: what the team has observed about a place in a period, written by staff.

Validation happens here, once, for the form and the CLI alike. Edits are safe when two people
work on the same note: each edit names the version it started from, and a save on top of a newer
version is refused with a message, so neither edit is silently lost (the second writer keeps
their text and can merge it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import access, audit, pii, vocab
from dashboard.db import Database, bump_data_version, now_local
from dashboard.errors import FeltkartError

MAX_TEXT_CHARS = 2000
MAX_AUTHOR_CHARS = 80
TAG_ALIASES = {"vape": "vaping", "snus": "vaping", "fest": "partying"}


def parse_tags(values) -> tuple[str, ...]:
    """Tag ids from ids or Norwegian/English labels ('rus', 'Vold', 'drugs', 'vape')."""
    lookup = {key: key for key in vocab.NOTE_TAGS}
    for key, labels in vocab.NOTE_TAGS.items():
        lookup.update({label.casefold(): key for label in labels.values()})
    lookup.update(TAG_ALIASES)
    tags = []
    for value in values:
        key = lookup.get(str(value).strip().casefold())
        if key is None:
            raise FeltkartError("note.bad_tag", tag=str(value).strip(),
                                valid=", ".join(v["nb"].casefold() for v in vocab.NOTE_TAGS.values()))
        tags.append(key)
    return tuple(dict.fromkeys(tags))


@dataclass(frozen=True)
class NoteDraft:
    """A note as written in the form or on the command line, before it is stored."""

    body: str
    period_start: date
    period_end: date | None = None
    area_id: str | None = None
    hotspot_id: str | None = None
    tags: tuple[str, ...] = field(default=())
    author: str = ""
    shareable: bool = False

    def validated(self, hotspot_areas: dict[str, str], area_ids) -> "NoteDraft":
        """The draft with its area filled in from its hotspot; raises FeltkartError on bad input.

        ``hotspot_areas`` maps each hotspot id to its area; ``area_ids`` are the known areas."""
        body = (self.body or "").strip()
        if not body:
            raise FeltkartError("note.text_required")
        if len(body) > MAX_TEXT_CHARS:
            raise FeltkartError("note.text_too_long", max=MAX_TEXT_CHARS, got=len(body))
        author = (self.author or "").strip()
        if not author:
            raise FeltkartError("note.author_required")
        if len(author) > MAX_AUTHOR_CHARS:
            raise FeltkartError("note.author_too_long", max=MAX_AUTHOR_CHARS)
        pii.check_all({"note_text": body, "note_author": author})
        end = self.period_end or self.period_start
        if end < self.period_start:
            raise FeltkartError("note.bad_period", start=self.period_start.isoformat(), end=end.isoformat())
        area_id = self.area_id or None
        if self.hotspot_id:
            if self.hotspot_id not in hotspot_areas:
                raise FeltkartError("note.unknown_hotspot", hotspot=self.hotspot_id)
            if area_id and area_id != hotspot_areas[self.hotspot_id]:
                raise FeltkartError("note.area_mismatch", hotspot=self.hotspot_id, area=area_id)
            area_id = hotspot_areas[self.hotspot_id]
        if not area_id:
            raise FeltkartError("note.place_required")
        if area_id not in area_ids:
            raise FeltkartError("note.unknown_area", area=area_id, valid=", ".join(area_ids))
        tags = parse_tags(self.tags)
        return NoteDraft(body, self.period_start, end, area_id, self.hotspot_id or None, tags, author, bool(self.shareable))


def _places(con) -> tuple[dict[str, str], list[str]]:
    """Each hotspot's area, and the area ids, as the database knows them."""
    hotspot_areas = dict(con.execute("SELECT id, area_id FROM hotspots").fetchall())
    area_ids = [row[0] for row in con.execute("SELECT id FROM areas ORDER BY sort_order").fetchall()]
    return hotspot_areas, area_ids


def add_note(db: Database, draft: NoteDraft) -> int:
    """Store a new note; returns its id."""
    access.require("editor")
    with db.write() as con:
        note = draft.validated(*_places(con))
        now = now_local()
        note_id = con.execute(
            "INSERT INTO trend_notes (period_start, period_end, area_id, hotspot_id, tags, body, author, shareable, "
            "created_at, updated_at, version) VALUES ($start, $end, $area, $hotspot, $tags, $body, $author, "
            "$shareable, $now, $now, 1) RETURNING id",
            {"start": note.period_start, "end": note.period_end, "area": note.area_id, "hotspot": note.hotspot_id,
             "tags": list(note.tags), "body": note.body, "author": note.author, "shareable": note.shareable,
             "now": now},
        ).fetchall()[0][0]
        audit.record(con, "note.add", f"note:{note_id}", after=note.__dict__)
        bump_data_version(con)
    return int(note_id)


def _check_version(con, note_id: int, expected_version: int) -> None:
    row = con.execute("SELECT version, author, updated_at FROM trend_notes WHERE id = $id", {"id": note_id}).fetchall()
    if not row:
        raise FeltkartError("note.not_found", id=note_id)
    version, author, updated_at = row[0]
    if version != expected_version:
        raise FeltkartError("note.conflict", id=note_id, author=author, at=updated_at.strftime("%d.%m.%Y %H:%M"))


def update_note(db: Database, note_id: int, draft: NoteDraft, expected_version: int) -> int:
    """Save an edit made from ``expected_version``; returns the new version. Refuses stale edits."""
    access.require("editor")
    with db.write() as con:
        note = draft.validated(*_places(con))
        _check_version(con, note_id, expected_version)
        before = con.execute("SELECT * FROM trend_notes WHERE id = $id", {"id": note_id}).df().to_dict("records")[0]
        con.execute(
            "UPDATE trend_notes SET period_start = $start, period_end = $end, area_id = $area, "
            "hotspot_id = $hotspot, tags = $tags, body = $body, author = $author, shareable = $shareable, "
            "updated_at = $now, version = version + 1 WHERE id = $id",
            {"start": note.period_start, "end": note.period_end, "area": note.area_id, "hotspot": note.hotspot_id,
             "tags": list(note.tags), "body": note.body, "author": note.author, "shareable": note.shareable,
             "now": now_local(), "id": note_id},
        )
        audit.record(con, "note.update", f"note:{note_id}", before=before, after=note.__dict__)
        bump_data_version(con)
    return expected_version + 1


def archive_note(db: Database, note_id: int, expected_version: int, archived: bool = True) -> int:
    """Archive (or restore) a note; it then leaves the lists, the map and the charts."""
    access.require("editor")
    with db.write() as con:
        _check_version(con, note_id, expected_version)
        audit.record(con, "note.archive" if archived else "note.restore", f"note:{note_id}")
        con.execute("UPDATE trend_notes SET archived_at = $at, updated_at = $now, version = version + 1 WHERE id = $id",
                    {"at": now_local() if archived else None, "now": now_local(), "id": note_id})
        bump_data_version(con)
    return expected_version + 1


def all_notes(db: Database, include_archived: bool = False) -> pd.DataFrame:
    """Every note (newest first), for listing and export."""
    from dashboard import queries

    return queries.run(db, "trend_notes", start_date=date.min, end_date=date.max, area_ids=[],
                       shareable_only=False, include_archived=include_archived)


def note_records(notes: pd.DataFrame) -> list[dict]:
    """Notes from the ``trend_notes`` query as plain JSON-ready dicts."""
    def day(value) -> str:
        return pd.Timestamp(value).date().isoformat()

    return [
        {"id": int(n.id), "period_start": day(n.period_start), "period_end": day(n.period_end),
         "area_id": n.area_id if isinstance(n.area_id, str) else None,
         "hotspot_id": n.hotspot_id if isinstance(n.hotspot_id, str) else None,
         "tags": list(n.tags), "text": n.body, "author": n.author, "shareable": bool(n.shareable),
         "archived": bool(pd.notna(n.archived_at)), "version": int(n.version)}
        for n in notes.itertuples()
    ]
