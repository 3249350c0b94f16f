"""HKH follow-up (dashboard/hkh.py): the demo's 2023 mapping compared with 2025, the per-day
fallback, place and period checks, mappings and their action plan with versioned edits, the notes
of both periods and the XLSX export (with small counts hidden for partners)."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard import access, comparison, exporters, hkh, stats, vocab
from dashboard.db import Database
from dashboard.errors import FeltkartError

NBSP = "\xa0"
Y2023 = (date(2023, 1, 1), date(2023, 12, 31))
Y2025 = (date(2025, 1, 1), date(2025, 12, 31))
HKH_PLACES = ["lillestrom-stasjon", "strommen-storsenter"]


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


@pytest.fixture(scope="module")
def demo_mapping(demo_db) -> pd.Series:
    mappings = hkh.mappings(demo_db)
    assert len(mappings) == 1
    return mappings.iloc[0]


@pytest.fixture(scope="module")
def demo_cmp(demo_db, demo_mapping) -> hkh.Comparison:
    m = demo_mapping
    day = lambda value: pd.Timestamp(value).date()  # noqa: E731
    return hkh.compare(demo_db, list(m["hotspot_ids"]), (day(m["baseline_start"]), day(m["baseline_end"])),
                       (day(m["followup_start"]), day(m["followup_end"])))


def _hits(db, hotspot_ids, start: date, end: date) -> int:
    """All registrations at the places in start..end, straight from SQL."""
    with db.read() as con:
        return int(con.execute("SELECT coalesce(sum(youth_count), 0) FROM contacts WHERE list_contains($ids, hotspot_id) "
                               "AND occurred_at >= $s AND occurred_at < $e + INTERVAL 1 DAY",
                               {"ids": list(hotspot_ids), "s": start, "e": end}).fetchall()[0][0])


# --- the demo's mapping -------------------------------------------------------------------------

def test_demo_mapping_is_the_2023_mapping(demo_mapping):
    assert demo_mapping["title"] == "HKH Lillestrøm stasjon og Strømmen Storsenter"
    assert list(demo_mapping["hotspot_ids"]) == HKH_PLACES
    assert pd.Timestamp(demo_mapping["mapped_on"]).date() == date(2023, 10, 15)
    assert (pd.Timestamp(demo_mapping["baseline_start"]).date(), pd.Timestamp(demo_mapping["baseline_end"]).date()) == Y2023
    assert (pd.Timestamp(demo_mapping["followup_start"]).date(), pd.Timestamp(demo_mapping["followup_end"]).date()) == Y2025


def test_readme_figures_2023_vs_2025(demo_cmp):
    """README: 8 918 → 10 618 hits, rate ratio per team-hour 1,21 (95 % KI 1,17–1,24)."""
    assert (demo_cmp.before.hits, demo_cmp.after.hits) == (8918, 10618)
    assert demo_cmp.effort_adjusted is True
    assert round(demo_cmp.rate.ratio, 2) == 1.21
    assert tuple(round(v, 2) for v in demo_cmp.rate.ci95) == (1.17, 1.24)
    assert demo_cmp.rate.p_value < 0.001 and demo_cmp.rate.significant
    assert hkh.summary_text(demo_cmp) == (
        f"Fra 8{NBSP}918 til 10{NBSP}618 treff; forholdet mellom ratene per teamtime er 1,21 "
        "(95 % KI 1,17–1,24, p < 0,001): en tydelig endring.")
    assert hkh.summary_text(demo_cmp, "en") == (
        "From 8,918 to 10,618 hits; the ratio of the rates per team-hour is 1.21 "
        "(95% CI 1.17–1.24, p < 0.001): a clear change.")


def test_demo_figures_add_up(demo_db, demo_cmp):
    for figures, (start, end) in ((demo_cmp.before, Y2023), (demo_cmp.after, Y2025)):
        assert (figures.start, figures.end, figures.days) == (start, end, 365)
        assert figures.hits == _hits(demo_db, HKH_PLACES, start, end)
        assert sum(figures.by_age.values()) == figures.hits == sum(figures.by_gender.values())
        assert list(figures.by_age) == list(vocab.AGE_BANDS) and list(figures.by_gender) == list(vocab.GENDERS)
        assert int(figures.weekday_hour["hits"].sum()) == figures.hits
        assert figures.team_hours > 1000
    assert demo_cmp.before.by_age == {"u13": 315, "13-15": 4131, "16-18": 2855, "19-24": 1360, "unknown": 257}
    # per team-hour: the ratio is the rates' ratio
    rate = lambda f: f.hits / f.team_hours  # noqa: E731
    assert demo_cmp.rate.ratio == pytest.approx(rate(demo_cmp.after) / rate(demo_cmp.before))
    assert demo_cmp.rate.ci95[0] < demo_cmp.rate.ratio < demo_cmp.rate.ci95[1]


def test_demo_comparison_as_json(demo_cmp):
    data = demo_cmp.as_json()
    assert data["hotspots"] == HKH_PLACES and data["exposure"] == "team_hours"
    assert (data["before"]["hits"], data["after"]["hits"]) == (8918, 10618)
    assert (data["before"]["from"], data["after"]["to"]) == ("2023-01-01", "2025-12-31")
    assert data["rate_ratio"] == round(demo_cmp.rate.ratio, 4) and round(data["rate_ratio"], 2) == 1.21
    assert [round(v, 2) for v in data["ci95"]] == [1.17, 1.24]
    assert data["before"]["team_hours"] == round(demo_cmp.before.team_hours, 1)
    json.dumps(data)  # plain JSON


def test_a_baseline_without_data_gives_no_ratio(demo_db):
    # Nothing was registered in 2019 (the demo begins 2022). This used to give an infinite ratio
    # "from 0" with a clear change; no data is not 0, so there is no ratio, interval or p-value.
    cmp = hkh.compare(demo_db, HKH_PLACES, (date(2019, 1, 1), date(2019, 12, 31)), Y2023)
    assert (cmp.before.hits, cmp.before.has_data, cmp.after.hits, cmp.after.has_data) == (0, False, 8918, True)
    assert all(v != v for v in (cmp.rate.ratio, cmp.rate.p_value, *cmp.rate.ci95)) and not cmp.rate.significant
    data = cmp.as_json()
    assert (data["rate_ratio"], data["ci95"], data["p_value"], data["comparison"]) == (None, [None, None], None, "no_data")
    assert data["before"]["has_data"] is False
    assert hkh.summary_text(cmp) == ("Ingen endring vises: ingen data i sammenligningsperioden 01.01.2019–31.12.2019 "
                                     "(registreringene går fra 01.01.2022 til 26.11.2026).")
    assert hkh.summary_text(cmp, "en").startswith("No change is shown: no data in the comparison period")
    assert cmp.before.hits_text() == "ingen data" and cmp.after.hits_text() == f"8{NBSP}918"
    for suppress_below in (None, 5):  # the export says so too, for the team and for partners
        sheets = hkh.export_frames(cmp, NO_ACTIONS, NO_NOTES, suppress_below=suppress_below)
        summary = sheets["Sammenligning"].fillna("").astype(str).values.tolist()
        assert ["Treff", "ingen data", "8918"] in summary or ["Treff", "ingen data", "8 918"] in summary
        assert (summary[-1][0], summary[-1][2]) == ("Merknad", hkh.summary_text(cmp))
        assert set(sheets["Alder og kjønn"]["Før (baseline)"]) == {"ingen data"}


def test_a_partly_covered_baseline_gives_no_ratio(demo_db):
    cmp = hkh.compare(demo_db, HKH_PLACES, (date(2021, 7, 1), date(2022, 6, 30)), Y2023)
    assert cmp.before.has_data and cmp.before.hits > 0 and cmp.judged.status == "partial"
    assert cmp.as_json()["rate_ratio"] is None and "data bare i deler" in hkh.summary_text(cmp)


def test_a_followup_past_the_last_data_counts_only_its_days_with_data(demo_db):
    # The demo's data ends 26.11.2026: a follow-up of all 2026 is 330 days, not 365, per day or team-hour.
    cmp = hkh.compare(demo_db, HKH_PLACES, Y2023, (date(2026, 1, 1), date(2026, 12, 31)))
    assert (cmp.after.start, cmp.after.end, cmp.after.days) == (date(2026, 1, 1), date(2026, 11, 26), 330)
    assert cmp.judged.comparable and cmp.judged.clipped and cmp.followup == (date(2026, 1, 1), date(2026, 12, 31))
    whole = hkh.compare(demo_db, HKH_PLACES, Y2023, (date(2026, 1, 1), date(2026, 11, 26)))
    assert (cmp.rate.ratio, cmp.rate.ci95) == (whole.rate.ratio, whole.rate.ci95)
    assert hkh.summary_text(cmp).endswith("Endringen gjelder dagene med data, 01.01.2026–26.11.2026, mot "
                                          "01.01.2023–31.12.2023 (registreringene går fra 01.01.2022 til 26.11.2026).")


def test_nothing_in_either_period_says_so(demo_db):
    cmp = hkh.compare(demo_db, ["volla"], (date(2018, 1, 1), date(2018, 12, 31)), (date(2019, 1, 1), date(2019, 6, 30)))
    assert (cmp.before.hits, cmp.after.hits, cmp.after.days) == (0, 0, 181)
    assert cmp.as_json()["rate_ratio"] is None and cmp.as_json()["ci95"] == [None, None]
    assert hkh.summary_text(cmp) == ("Ingen endring vises: ingen data i perioden 01.01.2019–30.06.2019 "
                                     "(registreringene går fra 01.01.2022 til 26.11.2026).")
    assert hkh.summary_text(cmp, "en").startswith("No change is shown: no data in the period 01/01/2019 to 30/06/2019")


def test_one_place_is_part_of_both(demo_db, demo_cmp):
    station = hkh.compare(demo_db, ["lillestrom-stasjon"], Y2023, Y2025)
    centre = hkh.compare(demo_db, ["strommen-storsenter"], Y2023, Y2025)
    assert station.before.hits + centre.before.hits == demo_cmp.before.hits
    assert station.after.hits + centre.after.hits == demo_cmp.after.hits
    assert 0 < station.before.hits < demo_cmp.before.hits


# --- input checks -------------------------------------------------------------------------------

def test_check_places(demo_db):
    assert hkh.check_places(demo_db, [" volla ", "lillestrom-stasjon", "volla", ""]) == ("volla", "lillestrom-stasjon")
    for empty in ([], ["", "  "]):
        with pytest.raises(FeltkartError) as exc:
            hkh.check_places(demo_db, empty)
        assert exc.value.key == "hkh.no_places"
    with pytest.raises(FeltkartError) as exc:
        hkh.check_places(demo_db, ["volla", "atlantis"])
    assert exc.value.key == "place.unknown_hotspot" and exc.value.params == {"hotspot": "atlantis"}


@pytest.mark.parametrize("before, after", [
    ((date(2023, 12, 31), date(2023, 1, 1)), Y2025),
    (Y2023, (date(2025, 2, 1), date(2025, 1, 31))),
])
def test_compare_refuses_a_period_ending_before_it_starts(demo_db, before, after):
    with pytest.raises(FeltkartError) as exc:
        hkh.compare(demo_db, HKH_PLACES, before, after)
    assert exc.value.key == "filter.bad_period"


def test_compare_refuses_unknown_places(demo_db):
    with pytest.raises(FeltkartError) as exc:
        hkh.compare(demo_db, ["atlantis"], Y2023, Y2025)
    assert exc.value.key == "place.unknown_hotspot"


# --- notes of both periods ----------------------------------------------------------------------

def test_timeline_has_the_notes_about_the_places_or_their_areas(demo_db, demo_cmp):
    notes = hkh.timeline(demo_db, demo_cmp)
    areas = {"lillestrom-stasjon", "skjetten-strommen"}
    assert len(notes) == 5
    for note in notes.itertuples():
        if isinstance(note.hotspot_id, str):
            assert note.hotspot_id in HKH_PLACES
        else:
            assert note.area_id in areas
        assert note.period == ("before" if pd.Timestamp(note.period_start).date() <= Y2023[1] else "after")
    assert list(notes["period_start"]) == sorted(notes["period_start"])
    assert notes["period"].tolist().count("after") == 1
    shared = hkh.timeline(demo_db, demo_cmp, shareable_only=True)
    assert 0 < len(shared) < len(notes) and shared["shareable"].all()
    assert set(shared["id"]) <= set(notes["id"])


def test_timeline_a_note_from_the_baselines_last_day_belongs_to_the_baseline(demo_db):
    # Three of the notes start on 1.1.2023: the last day of this baseline.
    cmp = hkh.compare(demo_db, HKH_PLACES, (date(2022, 1, 1), date(2023, 1, 1)), (date(2023, 1, 2), date(2023, 12, 31)))
    notes = hkh.timeline(demo_db, cmp)
    starts = [pd.Timestamp(s).date() for s in notes["period_start"]]
    assert [p for s, p in zip(starts, notes["period"]) if s == date(2023, 1, 1)] == ["before"] * 3
    assert {p for s, p in zip(starts, notes["period"]) if s > date(2023, 1, 1)} == {"after"}


# --- mappings and the action plan ---------------------------------------------------------------

def test_demo_action_plan(demo_db, demo_mapping):
    plan = hkh.actions(demo_db, int(demo_mapping["id"]))
    assert plan[["measure", "owner", "status"]].values.tolist() == [list(a[:3]) for a in hkh.DEMO_ACTIONS]
    assert plan["version"].tolist() == [1, 1, 1, 1]


def _audit(db, action: str) -> list[tuple]:
    with db.read() as con:
        return con.execute("SELECT actor, role, target, before_json, after_json FROM audit_log WHERE action = $a "
                           "ORDER BY id", {"a": action}).fetchall()


def test_create_mapping(db):
    with access.acting_as("leder@example.no", "editor"):
        mapping_id = hkh.create_mapping(db, title="  HKH Volla  ", mapped_on=date(2026, 3, 1),
                                        hotspot_ids=["volla", " volla", "lillestrom-stasjon"],
                                        baseline=(date(2025, 3, 1), date(2025, 8, 31)),
                                        followup=(date(2026, 3, 1), date(2026, 8, 31)))
    stored = hkh.mappings(db)
    assert stored["id"].tolist()[0] == mapping_id  # newest mapping first
    row = stored.set_index("id").loc[mapping_id]
    assert row["title"] == "HKH Volla" and list(row["hotspot_ids"]) == ["volla", "lillestrom-stasjon"]
    assert pd.Timestamp(row["followup_end"]).date() == date(2026, 8, 31)
    logged = _audit(db, "hkh.create")
    assert [r[:3] for r in logged] == [("leder@example.no", "editor", f"hkh:{mapping_id}")]
    assert json.loads(logged[0][4])["hotspots"] == ["volla", "lillestrom-stasjon"]
    assert hkh.actions(db, mapping_id).empty


@pytest.mark.parametrize("changes, key", [
    ({"title": " "}, "hkh.title_required"),
    ({"title": None}, "hkh.title_required"),
    ({"hotspot_ids": []}, "hkh.no_places"),
    ({"hotspot_ids": ["atlantis"]}, "place.unknown_hotspot"),
    ({"baseline": (date(2025, 3, 1), date(2025, 2, 28))}, "filter.bad_period"),
    ({"followup": (date(2026, 3, 1), date(2026, 2, 1))}, "filter.bad_period"),
])
def test_invalid_mappings_are_refused(db, changes, key):
    args = dict(title="HKH", mapped_on=date(2026, 3, 1), hotspot_ids=["volla"],
                baseline=(date(2025, 3, 1), date(2025, 8, 31)), followup=(date(2026, 3, 1), date(2026, 8, 31)))
    args.update(changes)
    with pytest.raises(FeltkartError) as exc:
        hkh.create_mapping(db, **args)
    assert exc.value.key == key
    assert len(hkh.mappings(db)) == 1


def test_a_reader_cannot_write(db, demo_mapping):
    mapping_id = int(demo_mapping["id"])
    action_id = int(hkh.actions(db, mapping_id)["id"].iloc[0])
    with access.acting_as("partner@example.no", "reader"):
        for write in (
            lambda: hkh.create_mapping(db, title="x", mapped_on=date(2026, 1, 1), hotspot_ids=["volla"],
                                       baseline=Y2023, followup=Y2025),
            lambda: hkh.add_action(db, mapping_id, measure="x", owner="y"),
            lambda: hkh.update_action(db, action_id, 1, measure="x", owner="y", status="done"),
        ):
            with pytest.raises(FeltkartError) as exc:
                write()
            assert exc.value.key == "access.denied"
    assert len(hkh.mappings(db)) == 1
    plan = hkh.actions(db, mapping_id)
    assert len(plan) == 4 and plan["version"].tolist() == [1, 1, 1, 1]


def test_add_action(db, demo_mapping):
    mapping_id = int(demo_mapping["id"])
    with access.acting_as("leder@example.no", "editor"):
        action_id = hkh.add_action(db, mapping_id, measure="  Nattvandring lørdag ", owner=" Natteravnene ",
                                   notes="  Fra mars. ")
    row = hkh.actions(db, mapping_id).set_index("id").loc[action_id]
    assert (row["measure"], row["owner"], row["status"], row["notes"], row["version"]) == \
        ("Nattvandring lørdag", "Natteravnene", "planned", "Fra mars.", 1)
    assert [r[:3] for r in _audit(db, "hkh.action.add")] == [("leder@example.no", "editor", f"hkh-action:{action_id}")]


@pytest.mark.parametrize("changes, key", [
    ({"measure": ""}, "hkh.measure_required"),
    ({"measure": "  "}, "hkh.measure_required"),
    ({"owner": None}, "hkh.owner_required"),
    ({"status": "finished"}, "hkh.bad_status"),
    ({"status": "Done"}, "hkh.bad_status"),
])
def test_invalid_actions_are_refused(db, demo_mapping, changes, key):
    mapping_id = int(demo_mapping["id"])
    args = dict(measure="Tiltak", owner="OUT", status="planned")
    args.update(changes)
    with pytest.raises(FeltkartError) as exc:
        hkh.add_action(db, mapping_id, **args)
    assert exc.value.key == key
    first = int(hkh.actions(db, mapping_id)["id"].iloc[0])
    with pytest.raises(FeltkartError) as exc:
        hkh.update_action(db, first, 1, **args)
    assert exc.value.key == key
    plan = hkh.actions(db, mapping_id)
    assert len(plan) == 4 and plan["version"].tolist() == [1, 1, 1, 1]
    if key == "hkh.bad_status":
        assert exc.value.params["valid"] == "planned, in_progress, done, dropped"


def test_action_edits_are_versioned_and_a_stale_edit_is_refused(db, demo_mapping):
    mapping_id = int(demo_mapping["id"])
    action = hkh.actions(db, mapping_id).iloc[3]  # the planned talks at the schools
    action_id, old = int(action["id"]), action.to_dict()
    with access.acting_as("leder@example.no", "editor"):
        assert hkh.update_action(db, action_id, 1, measure=old["measure"], owner=old["owner"], status="in_progress",
                                 notes=" Startet i uke 36. ") == 2
    # Another user, still at version 1, saves over it: refused, and the first edit stays.
    with pytest.raises(FeltkartError) as exc:
        hkh.update_action(db, action_id, 1, measure="Noe annet", owner="Noen", status="dropped")
    assert exc.value.key == "hkh.action_conflict" and exc.value.params == {"id": action_id}
    row = hkh.actions(db, mapping_id).set_index("id").loc[action_id]
    assert (row["measure"], row["status"], row["notes"], row["version"]) == \
        (old["measure"], "in_progress", "Startet i uke 36.", 2)
    # From the current version it goes through.
    assert hkh.update_action(db, action_id, 2, measure=old["measure"], owner=old["owner"], status="done") == 3
    row = hkh.actions(db, mapping_id).set_index("id").loc[action_id]
    assert (row["status"], row["notes"], row["version"]) == ("done", "", 3)
    # The other measures are untouched; the audit log has both edits with before and after.
    assert hkh.actions(db, mapping_id).set_index("id").drop(index=action_id)["version"].tolist() == [1, 1, 1]
    logged = _audit(db, "hkh.action.update")
    assert [r[:3] for r in logged] == [("leder@example.no", "editor", f"hkh-action:{action_id}"),
                                       (access.current_actor(), "admin", f"hkh-action:{action_id}")]
    assert json.loads(logged[0][3])["status"] == "planned" and json.loads(logged[0][4])["status"] == "in_progress"
    assert json.loads(logged[1][3])["status"] == "in_progress" and json.loads(logged[1][4])["status"] == "done"


def test_updating_an_unknown_action(db):
    with pytest.raises(FeltkartError) as exc:
        hkh.update_action(db, 999_999, 1, measure="x", owner="y", status="done")
    assert exc.value.key == "hkh.action_not_found" and exc.value.params == {"id": 999_999}
    assert _audit(db, "hkh.action.update") == []



def test_an_action_needs_an_existing_mapping(db):
    with pytest.raises(FeltkartError) as exc:
        hkh.add_action(db, 999_999, measure="Mer tilstedeværelse fredag", owner="OUT")
    assert exc.value.key == "hkh.mapping_not_found" and exc.value.params == {"id": 999_999}
    assert _audit(db, "hkh.action.add") == []

# --- export -------------------------------------------------------------------------------------

def _workbook(frames, title="HKH") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(exporters.to_xlsx_bytes(frames, title=title)))


def _rows(sheet) -> list[list]:
    """The table under the title: header row first."""
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True) if any(v is not None for v in row)]


def test_xlsx_export_of_the_demo_mapping(demo_db, demo_mapping, demo_cmp):
    plan = hkh.actions(demo_db, int(demo_mapping["id"]))
    notes = hkh.timeline(demo_db, demo_cmp)
    book = _workbook(hkh.export_frames(demo_cmp, plan, notes), title=demo_mapping["title"])
    assert book.sheetnames == ["Sammenligning", "Alder og kjønn", "Tiltaksplan", "Trendnotater"]
    summary = book["Sammenligning"]
    assert summary["A1"].value == "HKH Lillestrøm stasjon og Strømmen Storsenter"
    rows = _rows(summary)
    assert rows[0] == ["Post", "Før (baseline)", "Etter (oppfølging)"]
    assert rows[1] == ["Periode", "01.01.2023–31.12.2023", "01.01.2025–31.12.2025"]
    assert rows[2] == ["Treff", 8918, 10618]
    assert rows[3] == ["Teamtimer i områdene", round(demo_cmp.before.team_hours, 1), round(demo_cmp.after.team_hours, 1)]
    assert rows[4] == ["Dager", 365, 365]
    assert [r[0] for r in rows[5:]] == ["Rateforhold etter/før", "95 % KI, nedre", "95 % KI, øvre", "p"]
    assert [round(r[2], 2) for r in rows[5:8]] == [1.21, 1.17, 1.24]
    assert rows[8][2] < 0.001
    mix = _rows(book["Alder og kjønn"])
    assert mix[0] == ["Gruppe", "Før (baseline)", "Etter (oppfølging)"]
    assert mix[1] == ["Under 13 år", 315, 393]
    assert [r[0] for r in mix[1:]] == [v["nb"] for v in vocab.AGE_BANDS.values()] + [v["nb"] for v in vocab.GENDERS.values()]
    assert sum(r[1] for r in mix[1:6]) == 8918 and sum(r[2] for r in mix[6:10]) == 10618
    actions = _rows(book["Tiltaksplan"])
    assert actions[0] == ["Tiltak", "Eier", "Status", "Merknader"]
    assert [r[2] for r in actions[1:]] == ["Gjennomført", "Pågår", "Gjennomført", "Planlagt"]
    assert actions[1][:2] == list(hkh.DEMO_ACTIONS[0][:2])
    note_rows = _rows(book["Trendnotater"])
    assert note_rows[0] == ["Periode", "Notat", "Skrevet av"]
    assert len(note_rows) == 1 + len(notes)
    assert [r[1] for r in note_rows[1:]] == notes["body"].tolist()  # each note's period stays with its text
    first = notes.iloc[0]
    assert note_rows[1][0] == f"{pd.Timestamp(first['period_start']):%d.%m.%Y}–{pd.Timestamp(first['period_end']):%d.%m.%Y}"


def test_xlsx_export_in_english(demo_db, demo_mapping, demo_cmp):
    frames = hkh.export_frames(demo_cmp, hkh.actions(demo_db, int(demo_mapping["id"])),
                               hkh.timeline(demo_db, demo_cmp, shareable_only=True), lang="en",
                               suppress_below=exporters.SUPPRESS_BELOW_COUNT)
    book = _workbook(frames)
    assert book.sheetnames == ["Comparison", "Age and gender", "Action plan", "Trend notes"]
    rows = _rows(book["Comparison"])
    assert rows[0] == ["Item", "Before (baseline)", "After (follow-up)"]
    assert rows[2] == ["Hits", 8918, 10618]  # large counts are shown to partners too
    assert [r[2] for r in _rows(book["Action plan"])[1:]] == ["Done", "In progress", "Done", "Planned"]
    assert len(_rows(book["Trend notes"])) == 1 + 2  # the two shareable notes only


def _small_comparison(before_age, before_gender, after_age, after_gender, team_hours=(10.0, 12.0),
                      effort: bool = True) -> hkh.Comparison:
    empty = pd.DataFrame(columns=["weekday", "hour", "hits"])

    def figures(start, end, by_age, by_gender, hours):
        assert sum(by_age) == sum(by_gender)
        return hkh.PeriodFigures(start, end, sum(by_age), hours, dict(zip(vocab.AGE_BANDS, by_age)),
                                 dict(zip(vocab.GENDERS, by_gender)), empty)

    before = figures(date(2024, 1, 1), date(2024, 3, 31), before_age, before_gender, team_hours[0])
    after = figures(date(2025, 1, 1), date(2025, 3, 31), after_age, after_gender, team_hours[1])
    rate = (stats.rate_ratio(after.hits, after.team_hours, before.hits, before.team_hours) if effort
            else stats.rate_ratio(after.hits, after.days, before.hits, before.days))
    periods = ((before.start, before.end), (after.start, after.end))
    judged = comparison.for_periods(*periods, comparison.DataSpan(date(2024, 1, 1), date(2025, 12, 31)))
    return hkh.Comparison(("volla",), before, after, rate, effort, judged, periods[1])


def test_per_day_without_patrols_in_one_period():
    cmp = _small_comparison([3, 50, 40, 20, 10], [60, 55, 6, 2], [8, 60, 40, 20, 12], [70, 60, 8, 2], effort=False)
    assert cmp.as_json()["exposure"] == "days"
    assert "per dag" in hkh.summary_text(cmp) and "per day" in hkh.summary_text(cmp, "en")


NO_ACTIONS = pd.DataFrame(columns=["measure", "owner", "status", "notes"])
NO_NOTES = pd.DataFrame(columns=["period_start", "period_end", "body", "author"])


def test_export_without_suppression_shows_every_count():
    cmp = _small_comparison([3, 50, 40, 20, 10], [60, 55, 6, 2], [8, 60, 40, 20, 12], [70, 60, 8, 2])
    frames = hkh.export_frames(cmp, NO_ACTIONS, NO_NOTES)
    mix = frames["Alder og kjønn"]
    assert mix["Før (baseline)"].tolist() == [3, 50, 40, 20, 10, 60, 55, 6, 2]
    assert frames["Tiltaksplan"].empty and frames["Trendnotater"].empty


def test_partner_export_hides_small_counts_per_breakdown():
    """Age bands and genders each add up to the published hits: each needs its own secondary
    suppression, or a single hidden cell can be worked out from the total."""
    cmp = _small_comparison([3, 50, 40, 20, 10], [60, 55, 6, 2], [8, 60, 40, 20, 12], [70, 60, 8, 2])
    mix = hkh.export_frames(cmp, NO_ACTIONS, NO_NOTES, suppress_below=5)["Alder og kjønn"]
    assert mix["Før (baseline)"].tolist() == [":", 50, 40, 20, ":", 60, 55, ":", ":"]
    assert mix["Etter (oppfølging)"].tolist() == [8, 60, 40, 20, 12, 70, 60, ":", ":"]
    for column, hits in (("Før (baseline)", cmp.before.hits), ("Etter (oppfølging)", cmp.after.hits)):
        for part in (mix[column][:5], mix[column][5:]):  # no breakdown has a lone hidden cell
            hidden = [v for v in part if v == ":"]
            assert len(hidden) != 1
            if hidden:
                assert hits - sum(v for v in part if v != ":") >= 5


def test_partner_export_hides_the_rate_ratio_when_a_total_is_hidden():
    """The ratio, its interval and p-value with the team-hours would give a hidden hits count away."""
    cmp = _small_comparison([1, 2, 0, 0, 0], [2, 1, 0, 0], [5, 20, 10, 5, 0], [20, 20, 0, 0])
    summary = hkh.export_frames(cmp, NO_ACTIONS, NO_NOTES, suppress_below=5)["Sammenligning"]
    values = dict(zip(summary["Post"], summary["Etter (oppfølging)"]))
    assert summary["Før (baseline)"].tolist()[1] == ":" and values["Treff"] == 40
    for item in ("Rateforhold etter/før", "95 % KI, nedre", "95 % KI, øvre", "p"):
        assert values[item] == ":", item
    # without suppression the ratio is there: (40 / 12) / (3 / 10)
    shown = hkh.export_frames(cmp, NO_ACTIONS, NO_NOTES)["Sammenligning"]
    assert dict(zip(shown["Post"], shown["Etter (oppfølging)"]))["Rateforhold etter/før"] == pytest.approx(40 / 12 / 0.3)
    # with both totals large enough, partners see the ratio too
    large = _small_comparison([3, 50, 40, 20, 10], [60, 55, 6, 2], [8, 60, 40, 20, 12], [70, 60, 8, 2])
    summary = hkh.export_frames(large, NO_ACTIONS, NO_NOTES, suppress_below=5)["Sammenligning"]
    assert dict(zip(summary["Post"], summary["Etter (oppfølging)"]))["Rateforhold etter/før"] == \
        pytest.approx(large.rate.ratio)
