"""Trend notes: validation, tags, versioned storage (no lost edits), archiving, and the
``feltkart notes`` commands."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard import queries, vocab
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.notes import (
    MAX_AUTHOR_CHARS,
    MAX_TEXT_CHARS,
    NoteDraft,
    add_note,
    all_notes,
    archive_note,
    note_records,
    parse_tags,
    update_note,
)

RECORD_KEYS = {"id", "period_start", "period_end", "area_id", "hotspot_id", "tags", "text", "author", "shareable",
               "archived", "version"}


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture(scope="module")
def hotspot_areas(demo_db) -> dict[str, str]:
    places = queries.run(demo_db, "places")
    return dict(zip(places["id"], places["area_id"]))


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


def _draft(**changes) -> NoteDraft:
    fields = dict(body="Mange samles ved stasjonen etter kl. 21.", period_start=date(2026, 11, 1),
                  period_end=date(2026, 11, 20), area_id="fetsund", tags=("gathering",), author="Feltteam Øst")
    fields.update(changes)
    return NoteDraft(**fields)


def _error_key(draft: NoteDraft, hotspot_areas) -> str:
    with pytest.raises(FeltkartError) as exc:
        draft.validated(hotspot_areas, vocab.AREA_IDS)
    return exc.value.key


def _stored(db: Database, note_id: int) -> dict:
    return next(r for r in note_records(all_notes(db, include_archived=True)) if r["id"] == note_id)


# --- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["", "   ", "\n\t", None])
def test_text_is_required(body, hotspot_areas):
    assert _error_key(_draft(body=body), hotspot_areas) == "note.text_required"


def test_text_length_limit(hotspot_areas):
    assert _draft(body="x" * MAX_TEXT_CHARS).validated(hotspot_areas, vocab.AREA_IDS).body == "x" * MAX_TEXT_CHARS
    # surrounding space does not count
    assert _draft(body="  " + "x" * MAX_TEXT_CHARS + "\n").validated(hotspot_areas, vocab.AREA_IDS).body == "x" * MAX_TEXT_CHARS
    with pytest.raises(FeltkartError) as exc:
        _draft(body="x" * (MAX_TEXT_CHARS + 1)).validated(hotspot_areas, vocab.AREA_IDS)
    assert exc.value.key == "note.text_too_long"
    assert exc.value.params == {"max": MAX_TEXT_CHARS, "got": MAX_TEXT_CHARS + 1}
    assert str(MAX_TEXT_CHARS) in exc.value.message("nb")


@pytest.mark.parametrize("author", ["", "  ", None])
def test_author_is_required(author, hotspot_areas):
    assert _error_key(_draft(author=author), hotspot_areas) == "note.author_required"


def test_author_length_limit(hotspot_areas):
    assert _draft(author="a" * MAX_AUTHOR_CHARS).validated(hotspot_areas, vocab.AREA_IDS).author == "a" * MAX_AUTHOR_CHARS
    assert _error_key(_draft(author="a" * (MAX_AUTHOR_CHARS + 1)), hotspot_areas) == "note.author_too_long"


def test_validated_strips_text_and_author(hotspot_areas):
    note = _draft(body="  Rolig kveld.  ", author=" Kari ").validated(hotspot_areas, vocab.AREA_IDS)
    assert (note.body, note.author) == ("Rolig kveld.", "Kari")


def test_period_order(hotspot_areas):
    assert _error_key(_draft(period_start=date(2026, 11, 2), period_end=date(2026, 11, 1)), hotspot_areas) \
        == "note.bad_period"
    same_day = _draft(period_start=date(2026, 11, 2), period_end=date(2026, 11, 2)).validated(hotspot_areas, vocab.AREA_IDS)
    assert same_day.period_end == date(2026, 11, 2)
    open_end = _draft(period_start=date(2026, 11, 2), period_end=None).validated(hotspot_areas, vocab.AREA_IDS)
    assert open_end.period_end == date(2026, 11, 2)  # one day when no end is given


@pytest.mark.parametrize("area", [None, ""])
def test_place_is_required(area, hotspot_areas):
    assert _error_key(_draft(area_id=area, hotspot_id=None), hotspot_areas) == "note.place_required"


def test_unknown_area_names_the_valid_ones(hotspot_areas):
    with pytest.raises(FeltkartError) as exc:
        _draft(area_id="oslo").validated(hotspot_areas, vocab.AREA_IDS)
    assert exc.value.key == "note.unknown_area"
    message = exc.value.message("nb")
    assert "oslo" in message and all(area in message for area in vocab.AREA_IDS)


def test_unknown_hotspot(hotspot_areas):
    assert _error_key(_draft(area_id=None, hotspot_id="eiffeltarnet"), hotspot_areas) == "note.unknown_hotspot"


def test_hotspot_in_another_area_is_refused(hotspot_areas):
    assert hotspot_areas["kjeller-skole"] == "lillestrom-sentrum-kjeller"
    with pytest.raises(FeltkartError) as exc:
        _draft(area_id="fetsund", hotspot_id="kjeller-skole").validated(hotspot_areas, vocab.AREA_IDS)
    assert exc.value.key == "note.area_mismatch"
    assert "kjeller-skole" in exc.value.message("nb") and "fetsund" in exc.value.message("nb")


@pytest.mark.parametrize("area", [None, "", "lillestrom-sentrum-kjeller"])
def test_hotspot_implies_its_area(area, hotspot_areas):
    note = _draft(area_id=area, hotspot_id="kjeller-skole").validated(hotspot_areas, vocab.AREA_IDS)
    assert (note.area_id, note.hotspot_id) == ("lillestrom-sentrum-kjeller", "kjeller-skole")


# --- tags ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("rus", "drugs"), ("Rus", "drugs"), ("Vold", "violence"), ("vold", "violence"), ("drugs", "drugs"),
    ("Drugs", "drugs"), ("vape", "vaping"), ("snus", "vaping"), ("Vape og snus", "vaping"),
    ("Vaping and snus", "vaping"), ("fest", "partying"), ("Festing", "partying"), ("mental_health", "mental_health"),
    ("Psykisk helse", "mental_health"), ("mental health", "mental_health"), ("  språkbruk ", "language"),
    ("SAMLINGSSTED", "gathering"), ("violence", "violence"),
])
def test_tag_from_id_label_or_alias(given, expected):
    assert parse_tags([given]) == (expected,)


def test_every_id_and_label_is_a_tag():
    for key, labels in vocab.NOTE_TAGS.items():
        assert parse_tags([key, labels["nb"], labels["en"]]) == (key,)


def test_tags_keep_order_without_duplicates():
    assert parse_tags(["Vold", "rus", "violence", "drugs", "vape"]) == ("violence", "drugs", "vaping")
    assert parse_tags([]) == ()


@pytest.mark.parametrize("bad", ["teleport", "", "rus,vold"])
def test_unknown_tag_is_refused_with_the_valid_list(bad):
    with pytest.raises(FeltkartError) as exc:
        parse_tags(["rus", bad])
    assert exc.value.key == "note.bad_tag"
    message = exc.value.message("nb")
    assert f"«{bad.strip()}»" in message
    for labels in vocab.NOTE_TAGS.values():
        assert labels["nb"].casefold() in message


def test_draft_tags_are_parsed_on_validation(hotspot_areas):
    assert _draft(tags=("rus", "Vold", "vape", "drugs")).validated(hotspot_areas, vocab.AREA_IDS).tags == ("drugs", "violence", "vaping")
    assert _error_key(_draft(tags=("hemmelig",)), hotspot_areas) == "note.bad_tag"


# --- storage ------------------------------------------------------------------------------------

def test_add_note_stores_it_with_version_1(db):
    before = db.data_version()
    note_id = add_note(db, _draft(hotspot_id="kjeller-skole", area_id=None, tags=("rus", "Vold"), shareable=True))
    assert db.data_version() == before + 1
    stored = _stored(db, note_id)
    assert stored == {"id": note_id, "period_start": "2026-11-01", "period_end": "2026-11-20",
                      "area_id": "lillestrom-sentrum-kjeller", "hotspot_id": "kjeller-skole",
                      "tags": ["drugs", "violence"], "text": "Mange samles ved stasjonen etter kl. 21.",
                      "author": "Feltteam Øst", "shareable": True, "archived": False, "version": 1}


def test_invalid_note_stores_nothing(db):
    count, version = len(all_notes(db, include_archived=True)), db.data_version()
    for bad in (_draft(body=" "), _draft(tags=("teleport",)), _draft(area_id="fetsund", hotspot_id="kjeller-skole")):
        with pytest.raises(FeltkartError):
            add_note(db, bad)
    assert len(all_notes(db, include_archived=True)) == count
    assert db.data_version() == version


def test_script_in_note_is_stored_verbatim(db):
    body = '<script>alert("x")</script> **fet** & <b>'
    note_id = add_note(db, _draft(body=body))
    assert _stored(db, note_id)["text"] == body


def test_versions_increase_and_a_stale_edit_is_refused(db):
    note_id = add_note(db, _draft(body="Første versjon."))
    versions = [db.data_version()]
    # Two people open version 1. Anna saves first.
    assert update_note(db, note_id, _draft(body="Annas tekst."), expected_version=1) == 2
    versions.append(db.data_version())
    # Bent saves on top of version 1: refused, and Anna's text is kept.
    with pytest.raises(FeltkartError) as exc:
        update_note(db, note_id, _draft(body="Bents tekst."), expected_version=1)
    assert exc.value.key == "note.conflict"
    assert exc.value.params["id"] == note_id and exc.value.params["author"] == "Feltteam Øst"
    assert "ikke lagret" in exc.value.message("nb")
    stored = _stored(db, note_id)
    assert (stored["text"], stored["version"]) == ("Annas tekst.", 2)
    assert db.data_version() == versions[-1]  # a refused edit changes nothing
    # Bent reloads (version 2) and saves his text after all.
    assert update_note(db, note_id, _draft(body="Annas tekst. Bents tillegg."), expected_version=2) == 3
    versions.append(db.data_version())
    assert _stored(db, note_id)["text"] == "Annas tekst. Bents tillegg."
    assert versions == sorted(set(versions))


def test_update_validates_and_can_change_the_place(db):
    note_id = add_note(db, _draft())
    with pytest.raises(FeltkartError) as exc:
        update_note(db, note_id, _draft(body=""), expected_version=1)
    assert exc.value.key == "note.text_required"
    assert _stored(db, note_id)["version"] == 1
    update_note(db, note_id, _draft(area_id=None, hotspot_id="tientjern", tags=("fest",)), expected_version=1)
    stored = _stored(db, note_id)
    assert (stored["area_id"], stored["hotspot_id"], stored["tags"]) == ("fetsund", "tientjern", ["partying"])


def test_update_of_a_missing_note(db):
    with pytest.raises(FeltkartError) as exc:
        update_note(db, 999_999, _draft(), expected_version=1)
    assert exc.value.key == "note.not_found"


def _listed_ids(db: Database, include_archived: bool) -> set[int]:
    found = queries.run(db, "trend_notes", start_date=date(2026, 11, 1), end_date=date(2026, 11, 30), area_ids=[],
                        shareable_only=False, include_archived=include_archived)
    return set(found["id"])


def test_archive_and_restore(db):
    note_id = add_note(db, _draft())
    assert note_id in _listed_ids(db, include_archived=False)
    version = db.data_version()
    assert archive_note(db, note_id, expected_version=1) == 2
    assert db.data_version() == version + 1
    assert note_id not in _listed_ids(db, include_archived=False)
    assert note_id in _listed_ids(db, include_archived=True)
    assert note_id not in {r["id"] for r in note_records(all_notes(db))}
    assert _stored(db, note_id)["archived"] is True
    # archiving from an old version is refused like any other stale edit
    with pytest.raises(FeltkartError) as exc:
        archive_note(db, note_id, expected_version=1, archived=False)
    assert exc.value.key == "note.conflict"
    assert archive_note(db, note_id, expected_version=2, archived=False) == 3
    assert db.data_version() == version + 2
    assert note_id in _listed_ids(db, include_archived=False)
    assert _stored(db, note_id)["archived"] is False


def test_archive_of_a_missing_note(db):
    with pytest.raises(FeltkartError) as exc:
        archive_note(db, 999_999, expected_version=1)
    assert exc.value.key == "note.not_found"


# --- the command line ---------------------------------------------------------------------------

def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _usage_error(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err and "usage:" in err
    return err


def test_cli_notes_add_and_list_json(db, capsys):
    code, _, _ = _run(capsys, "notes", "list", "--json", "--db", db.path)
    assert code == 0
    code, out, err = _run(capsys, "notes", "add", "--db", db.path, "--text", "Mer vape ved skolen.", "--hotspot",
                          "kjeller-skole", "--from", "2026-11-02", "--to", "2026-11-20", "--tags", "vape, Vold",
                          "--shareable", "--author", "Feltteam Vest")
    assert code == 0 and err == ""
    assert out.startswith("La til notat nr. ")
    note_id = int(out.strip().removeprefix("La til notat nr. ").rstrip("."))
    code, _, _ = _run(capsys, "notes", "add", "--db", db.path, "--text", "Rolig.", "--area", "fetsund",
                      "--from", "2026-11-03")
    assert code == 0

    code, out, err = _run(capsys, "notes", "list", "--json", "--db", db.path)
    assert code == 0 and err == ""
    records = json.loads(out)
    assert all(set(r) == RECORD_KEYS for r in records)
    mine = next(r for r in records if r["id"] == note_id)
    assert mine == {"id": note_id, "period_start": "2026-11-02", "period_end": "2026-11-20",
                    "area_id": "lillestrom-sentrum-kjeller", "hotspot_id": "kjeller-skole",
                    "tags": ["vaping", "violence"], "text": "Mer vape ved skolen.", "author": "Feltteam Vest",
                    "shareable": True, "archived": False, "version": 1}
    quiet = next(r for r in records if r["text"] == "Rolig.")
    assert (quiet["period_start"], quiet["period_end"], quiet["area_id"], quiet["hotspot_id"]) == \
        ("2026-11-03", "2026-11-03", "fetsund", None)
    assert (quiet["tags"], quiet["author"], quiet["shareable"]) == ([], "feltkart-cli", False)


def test_cli_notes_list_archived(db, capsys):
    note_id = add_note(db, _draft())
    archive_note(db, note_id, expected_version=1)
    _, out, _ = _run(capsys, "notes", "list", "--json", "--db", db.path)
    assert note_id not in {r["id"] for r in json.loads(out)}
    _, out, _ = _run(capsys, "notes", "list", "--json", "--archived", "--db", db.path)
    archived = next(r for r in json.loads(out) if r["id"] == note_id)
    assert archived["archived"] is True and archived["version"] == 2


def test_cli_notes_list_text(db, capsys):
    add_note(db, _draft(body="En linje i lista."))
    code, out, err = _run(capsys, "notes", "list", "--db", db.path)
    assert code == 0 and err == ""
    assert any("En linje i lista." in line and "fetsund" in line for line in out.splitlines())


def test_cli_area_and_hotspot_are_mutually_exclusive(db, capsys):
    before = len(all_notes(db, include_archived=True))
    err = _usage_error(capsys, "notes", "add", "--db", db.path, "--text", "x", "--area", "fetsund", "--hotspot",
                       "tientjern", "--from", "2026-11-01")
    assert "--hotspot" in err and "--area" in err
    _usage_error(capsys, "notes", "add", "--db", db.path, "--text", "x", "--from", "2026-11-01")  # neither
    assert len(all_notes(db, include_archived=True)) == before


@pytest.mark.parametrize("bad", ["2026-13-01", "01.11.2026", "i går"])
def test_cli_bad_date_exits_2(db, capsys, bad):
    err = _usage_error(capsys, "notes", "add", "--db", db.path, "--text", "x", "--area", "fetsund", "--from", bad)
    assert f"Ugyldig dato «{bad}»" in err


def test_cli_unknown_tag_is_one_line_exit_1(db, capsys):
    before = len(all_notes(db, include_archived=True))
    code, out, err = _run(capsys, "notes", "add", "--db", db.path, "--text", "x", "--area", "fetsund",
                          "--from", "2026-11-01", "--tags", "rus,teleport")
    assert code == 1 and out == ""
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("feltkart:")
    assert "«teleport»" in lines[0] and "rus" in lines[0] and "vold" in lines[0]
    assert len(all_notes(db, include_archived=True)) == before


@pytest.mark.parametrize("argv, key_text", [
    (["--text", "  ", "--area", "fetsund"], "Skriv en tekst"),
    (["--text", "x", "--area", "oslo"], "Ukjent område «oslo»"),
    (["--text", "x", "--hotspot", "eiffeltarnet"], "Ukjent treffsted «eiffeltarnet»"),
    (["--text", "x", "--area", "fetsund", "--to", "2026-10-01"], "Perioden må slutte"),
    (["--text", "x", "--area", "fetsund", "--author", " "], "Oppgi hvem"),
], ids=["empty-text", "unknown-area", "unknown-hotspot", "end-before-start", "no-author"])
def test_cli_bad_note_is_one_line_exit_1(db, capsys, argv, key_text):
    code, out, err = _run(capsys, "notes", "add", "--db", db.path, "--from", "2026-11-01", *argv)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("feltkart:") and key_text in err


def test_cli_missing_database(tmp_path, capsys):
    code, out, err = _run(capsys, "notes", "list", "--db", tmp_path / "none.duckdb")
    assert code == 1 and err.startswith("feltkart:") and "Traceback" not in err
