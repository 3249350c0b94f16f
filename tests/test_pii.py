"""Free text that identifies a person is refused on every path that stores free text.

The identity numbers here are synthetic: made up with their check digits computed (never real
ones, and the birth dates are arbitrary).
"""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

from dashboard import focus, hkh, notes, pii, places
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError

pytestmark = pytest.mark.usefixtures("clean_env")


def synthetic_id(day: int, month: int, year2: int, individual_from: int = 500) -> str:
    """An 11-digit number with valid check digits for the given birth date (D-nummer: day + 40,
    H-nummer: month + 40). Individual numbers whose check digit would be 10 do not exist: skipped."""
    for individual in range(individual_from, 1000):
        first9 = f"{day:02d}{month:02d}{year2:02d}{individual:03d}"
        k1 = calc_check_digit1(first9)
        if len(k1) == 1 and len(k2 := calc_check_digit2(first9 + k1)) == 1:
            return first9 + k1 + k2
    raise AssertionError("no valid number")


FNR = synthetic_id(17, 5, 9)  # born 2009 (individual numbers 500–999 with year < 40)
D_NUMBER = synthetic_id(17 + 40, 5, 9)
H_NUMBER = synthetic_id(17, 5 + 40, 9)


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize(("text", "kind"), [
    (f"Gutten med nr {FNR} var der", "fodselsnummer"),
    (f"fnr {FNR[:6]} {FNR[6:]}.", "fodselsnummer"),
    (f"fnr {FNR[:6]}-{FNR[6:]}", "fodselsnummer"),
    (f"D-nr {D_NUMBER}", "d_nummer"),
    (f"H-nr {H_NUMBER}", "fodselsnummer"),
    ("Ring 912 34 567 i kveld", "phone"),
    ("tlf. 22334455", "phone"),
    ("mobil +47 41234567", "phone"),
    ("0047 412 34 567", "phone"),
    ("(+47) 98 76 54 32", "phone"),
    ("svensk nr +46 70 123 45 67", "phone"),
    ("skriv til ola.nordmann@example.no om saken", "email"),
    ("Kari_B+feltkart@kommune.example.com", "email"),
])
def test_identifiers_are_found(text, kind):
    found = pii.find(text)
    assert [f.kind for f in found] == [kind]
    assert text[found[0].start:found[0].end].strip()


@pytest.mark.parametrize("text", [
    "Mellom kl. 22.00 og 23.30 var det 12 ungdommer ved stasjonen.",
    "1 059 treff i 2023; 33 636 treff på gata og skolene.",
    "20231105 og 2023-11-05, 05.11.2023",
    "Postnr 2000 Lillestrøm, buss 300 til Strømmen kl 20",
    "47 ungdommer og 93 voksne; 10 12 14 16 år",
    "Org.nr 974 760 673",
    wrong_check_digit(FNR) + " er ikke et gyldig nummer",
    "12345678901",
    "@kommune på Instagram, e-post: se intranett",
])
def test_ordinary_note_text_is_not_flagged(text):
    assert pii.find(text) == []


def test_the_message_says_what_and_where_without_repeating_it():
    with pytest.raises(FeltkartError) as exc:
        pii.check("note_text", f"Mye uro. Fnr {FNR} og tlf 912 34 567.")
    assert exc.value.key == "pii.found"
    nb, en = exc.value.message("nb"), exc.value.message("en")
    assert nb.startswith("Notatteksten inneholder noe som ser ut som et fødselsnummer (tegn 14–24).")
    assert "Teksten har 1 slike til." in nb
    assert en.startswith("The note text holds what looks like a national identity number (fødselsnummer) "
                         "(characters 14–24).")
    for message in (nb, en, str(exc.value)):
        assert FNR not in message and "912" not in message


# --- every write path that stores free text --------------------------------------------------------

@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


def _draft(**changes) -> notes.NoteDraft:
    fields = dict(body="Mer uro ved stasjonen.", period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                  hotspot_id="lillestrom-stasjon", author="Team Nord")
    return notes.NoteDraft(**{**fields, **changes})


def _item() -> focus.Suggestion:
    return focus.Suggestion(area_id="fetsund", area_name="Fetsund", weekday=5, window="evening", score=0.5, hits=20,
                            hits_before=10, parts=dict.fromkeys(focus.DEFAULT_WEIGHTS, 0.1), reasons=["Grunn."],
                            top_hotspot=None)


def _mapping(db: Database, title: str = "HKH Volla") -> int:
    return hkh.create_mapping(db, title=title, mapped_on=date(2026, 3, 1), hotspot_ids=["volla"],
                              baseline=(date(2025, 3, 1), date(2025, 8, 31)), followup=(date(2026, 3, 1), date(2026, 8, 31)))


def _action(db: Database, mapping_id: int, **changes) -> int:
    return hkh.add_action(db, mapping_id, **{"measure": "Nattvandring", "owner": "Natteravnene", **changes})


def _note_version(db: Database) -> tuple[int, int]:
    note = notes.all_notes(db).iloc[0]
    return int(note.id), int(note.version)


WRITES = {
    "note text (add)": ("note_text", lambda db, bad: notes.add_note(db, _draft(body=f"Kontakt: {bad}"))),
    "note author (add)": ("note_author", lambda db, bad: notes.add_note(db, _draft(author=f"Ola {bad}"))),
    "note text (edit)": ("note_text", lambda db, bad: notes.update_note(db, _note_version(db)[0],
                                                                         _draft(body=bad), _note_version(db)[1])),
    "focus rationale": ("focus_rationale", lambda db, bad: focus.record_decision(
        db, period_start=date(2025, 9, 1), period_end=date(2025, 11, 30), decided_by="Fagmøtet",
        rationale=f"Meldt av {bad}", items=[_item()])),
    "focus decided by": ("focus_decided_by", lambda db, bad: focus.record_decision(
        db, period_start=date(2025, 9, 1), period_end=date(2025, 11, 30), decided_by=bad, rationale="Mest ungdom.",
        items=[_item()])),
    "HKH title": ("hkh_title", lambda db, bad: _mapping(db, title=f"HKH {bad}")),
    "HKH measure": ("hkh_measure", lambda db, bad: _action(db, _mapping(db), measure=f"Ring {bad}")),
    "HKH owner": ("hkh_owner", lambda db, bad: _action(db, _mapping(db), owner=bad)),
    "HKH notes (add)": ("hkh_notes", lambda db, bad: _action(db, _mapping(db), notes=bad)),
    "HKH notes (edit)": ("hkh_notes", lambda db, bad: hkh.update_action(
        db, _action(db, _mapping(db)), 1, measure="Nattvandring", owner="Natteravnene", status="planned", notes=bad)),
    "place name (add)": ("place_name", lambda db, bad: places.add_hotspot(
        db, name=f"Benken til {bad}", kind="park", lon=11.0465, lat=59.9540)),
    "place source (add)": ("place_source", lambda db, bad: places.add_hotspot(
        db, name="Ny benk", kind="park", lon=11.0465, lat=59.9540, source=bad)),
    "place name (rename)": ("place_name", lambda db, bad: places.update_hotspot(db, "volla", name=bad)),
}


def _stored_text(db: Database) -> str:
    """Every free-text column Feltkart stores, and the audit log, as one string."""
    with db.read() as con:
        parts = [con.execute(sql).fetchall() for sql in (
            "SELECT body, author FROM trend_notes", "SELECT rationale, decided_by FROM focus_decisions",
            "SELECT title FROM hkh_mappings", "SELECT measure, owner, notes FROM hkh_actions",
            "SELECT name, source FROM hotspots", "SELECT before_json, after_json FROM audit_log")]
    return repr(parts)


@pytest.mark.parametrize("path", list(WRITES))
@pytest.mark.parametrize("bad", [FNR, D_NUMBER, "912 34 567", "ola@example.no"])
def test_every_free_text_write_refuses_an_identifier_and_stores_nothing_of_it(db, path, bad):
    field, write = WRITES[path]
    with pytest.raises(FeltkartError) as exc:
        write(db, bad)
    assert exc.value.key == "pii.found" and exc.value.params["field"] == field
    assert bad not in _stored_text(db)


def test_the_same_texts_without_identifiers_are_stored(db):
    for path, (_, write) in WRITES.items():
        write(db, "Team Øst")  # each path works with ordinary text
    assert "Team Øst" in _stored_text(db)


# --- the command line and the notes page ---------------------------------------------------------

def test_cli_notes_add_refuses_with_one_line_naming_kind_and_place(db, capsys):
    before = len(notes.all_notes(db))
    code = main(["--db", str(db.path), "notes", "add", "--text", f"Gutt med fnr {FNR} ved Volla.", "--area", "fetsund",
                 "--from", "2026-11-02"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == "feltkart: Notatteksten inneholder noe som ser ut som et fødselsnummer (tegn 14–24). Feltkart " \
                  "lagrer ikke opplysninger som kan identifisere en person: fjern det, og lagre på nytt.\n"
    assert FNR not in err
    code = main(["--db", str(db.path), "notes", "add", "--text", "Rolig kveld.", "--area", "fetsund",
                 "--from", "2026-11-02", "--author", "kari@example.no"])
    assert code == 1 and "Forfatterfeltet inneholder noe som ser ut som en e-postadresse" in capsys.readouterr().err
    assert len(notes.all_notes(db)) == before


def test_the_notes_page_shows_the_refusal_and_stores_nothing(app_db, monkeypatch):
    from tests.test_app import _app, _in_form, _note_bodies, _submit_note

    monkeypatch.setenv("FELTKART_DB", str(app_db.path))  # clean_env (this module's mark) unset it

    at = _app("views/trender.py")
    before = _note_bodies(app_db)
    _submit_note(at, text="Jenta sa vi kunne ringe 912 34 567.", area="fetsund", author="Feltteam Test")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Notatteksten inneholder noe som ser ut som et telefonnummer (tegn 25–34). Feltkart lagrer ikke "
        "opplysninger som kan identifisere en person: fjern det, og lagre på nytt."]
    assert _note_bodies(app_db) == before
    body = _in_form(at.text_area, "note_add", "Hva har dere sett?")
    assert body.value == "Jenta sa vi kunne ringe 912 34 567.", "the refused text was lost"
    assert _in_form(at.text_input, "note_add", "Skrevet av").value == "Feltteam Test"
    body.input("Jenta sa vi kunne ringe henne i morgen.")
    _in_form(at.button, "note_add", "Lagre notat").click().run()
    assert not at.error and any("La til notat nr." in s.value for s in at.success)
    assert _note_bodies(app_db)[len(before):] == ["Jenta sa vi kunne ringe henne i morgen."]
    assert _in_form(at.text_area, "note_add", "Hva har dere sett?").value == ""  # saved: an empty form


def test_the_hkh_page_keeps_a_refused_measure_and_empties_the_form_after_a_save(app_db, monkeypatch):
    from tests.test_app import _app, _in_form

    monkeypatch.setenv("FELTKART_DB", str(app_db.path))
    at = _app("views/hkh.py")
    _in_form(at.text_input, "hkh_action_new", "Tiltak").input("Ring foreldrene på 22 33 44 55")
    _in_form(at.text_input, "hkh_action_new", "Eier").input("Natteravnene")
    _in_form(at.button, "hkh_action_new", "Legg til tiltak").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Tiltaket inneholder noe som ser ut som et telefonnummer (tegn 20–30). Feltkart lagrer ikke opplysninger "
        "som kan identifisere en person: fjern det, og lagre på nytt."]
    assert _in_form(at.text_input, "hkh_action_new", "Tiltak").value == "Ring foreldrene på 22 33 44 55"
    _in_form(at.text_input, "hkh_action_new", "Tiltak").input("Ring foreldremøtet")
    _in_form(at.button, "hkh_action_new", "Legg til tiltak").click().run()
    assert not at.exception and not at.error
    assert _in_form(at.text_input, "hkh_action_new", "Tiltak").value == ""
    mapping_id = int(hkh.mappings(app_db).iloc[0]["id"])
    assert "Ring foreldremøtet" in set(hkh.actions(app_db, mapping_id)["measure"])
