"""Focus suggestions and decisions (dashboard/focus.py): the ranking on small hand-made inputs whose
scores are worked out by hand, weights, reasons in both languages, the demo's suggestions, and
storing and following up a planning meeting's decision."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard import access, focus
from dashboard.db import Database
from dashboard.errors import FeltkartError

AREAS = {"a": "Area A", "b": "Area B"}
PLACES = {"h1": "Place One", "h2": "Place Two"}
NBSP = "\xa0"


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


# --- hand-made inputs ---------------------------------------------------------------------------

def _cells(rows) -> pd.DataFrame:
    """rows of (area, hotspot or None, ISO weekday, hour, hits, hits under 16)."""
    return pd.DataFrame(rows, columns=["area_id", "hotspot_id", "weekday", "hour", "hits", "hits_under_16"])


def _notes(rows) -> pd.DataFrame:
    return pd.DataFrame({"area_id": [r[0] for r in rows], "tags": [list(r[1]) for r in rows]},
                        columns=["area_id", "tags"])


def _planned(teams: dict[tuple[int, int], float]) -> pd.DataFrame:
    """Planned teams per (weekday, hour); every other hour of the week has none."""
    return pd.DataFrame([(d, h, float(teams.get((d, h), 0.0))) for d in range(1, 8) for h in range(24)],
                        columns=["weekday", "hour", "teams"])


# Friday evening in area A: 40 hits (30 at h1, 10 at h2), 10 in the weeks before.
# Friday evening in area B: 20 hits (free points), 20 before.
# Friday late in area A: 6 at 22 on Friday + 4 at 00 on Saturday (Friday's late window), 5 of them
# under 16; 10 before. Hours outside every window (03, 10) do not count.
NOW = _cells([
    ("a", "h1", 5, 18, 20, 0), ("a", "h1", 5, 20, 10, 0), ("a", "h2", 5, 21, 10, 0),
    ("b", None, 5, 19, 20, 0),
    ("a", "h1", 5, 22, 6, 3), ("a", "h1", 6, 0, 4, 2),
    ("a", "h1", 5, 3, 500, 0), ("b", None, 2, 10, 500, 0),
])
BEFORE = _cells([
    ("a", "h1", 5, 19, 10, 0),
    ("b", None, 5, 19, 20, 0),
    ("a", "h1", 5, 23, 10, 0),
])
NOTES = _notes([("a", ["drugs"]), ("a", ["gathering"]), ("b", ["vaping", "leisure"])])
PLANNED = _planned({(5, 18): 1, (5, 19): 1, (5, 20): 1, (5, 21): 1})  # one team Friday 18–22, none late
WEEKS = 2.0


def _rank(weights=None, lang="nb", **changes):
    args = dict(cells=NOW, cells_before=BEFORE, notes=NOTES, planned=PLANNED)
    args.update(changes)
    return focus.rank(args["cells"], args["cells_before"], args["notes"], args["planned"], AREAS, PLACES,
                      weeks=WEEKS, weights=weights, lang=lang)


def _by_key(suggestions) -> dict[tuple[str, int, str], focus.Suggestion]:
    return {(s.area_id, s.weekday, s.window): s for s in suggestions}


# Worked out by hand from the inputs above (team-hours = 4 per week x 2 weeks = 8 in the evening):
#                 level        rise                       risk       coverage            young_late
# A Fri evening   40/40 = 1    z = 2(√40-√10) > 4 → 1     1/2 = .5   (40/8) / 5 = 1      0
# B Fri evening   20/40 = .5   z = 0 → 0                  0          (20/8) / 5 = .5     0
# A Fri late      10/40 = .25  z = 0 → 0                  .5         no team: 10/40=.25  5/10 = .5
EXPECTED_PARTS = {
    ("a", 5, "evening"): {"level": 1.0, "rise": 1.0, "risk": 0.5, "coverage": 1.0, "young_late": 0.0},
    ("b", 5, "evening"): {"level": 0.5, "rise": 0.0, "risk": 0.0, "coverage": 0.5, "young_late": 0.0},
    ("a", 5, "late"): {"level": 0.25, "rise": 0.0, "risk": 0.5, "coverage": 0.25, "young_late": 0.5},
}


def test_parts_hits_and_top_place_worked_out_by_hand():
    ranked = _by_key(_rank())
    assert set(ranked) == set(EXPECTED_PARTS)  # hours 03 and 10 belong to no window
    for key, parts in EXPECTED_PARTS.items():
        assert ranked[key].parts == pytest.approx(parts), key
    assert [(s.hits, s.hits_before) for s in ranked.values()] == [(40, 10), (20, 20), (10, 10)]
    assert ranked[("a", 5, "evening")].top_hotspot == "h1"  # 30 of the 40
    assert ranked[("a", 5, "late")].top_hotspot == "h1"
    assert ranked[("b", 5, "evening")].top_hotspot is None  # free points only


def test_default_scores_and_order_worked_out_by_hand():
    # A evening: .35·1 + .2·1 + .15·.5 + .2·1 = .825; B evening: .35·.5 + .2·.5 = .275;
    # A late: .35·.25 + .15·.5 + .2·.25 + .1·.5 = .2625
    ranked = _rank()
    assert [(s.area_id, s.window, s.score) for s in ranked] == [
        ("a", "evening", pytest.approx(0.825)), ("b", "evening", pytest.approx(0.275)),
        ("a", "late", pytest.approx(0.2625))]
    for s in ranked:
        assert s.score == pytest.approx(sum(s.parts[k] * w for k, w in focus.DEFAULT_WEIGHTS.items()), abs=1e-4)


def test_late_hours_after_midnight_belong_to_the_evening_before():
    # Monday 00:30 is Sunday's late window; Saturday 01:00 is Friday's.
    cells = _cells([("a", None, 1, 0, 7, 0), ("a", None, 6, 1, 8, 0)])
    ranked = _by_key(_rank(cells=cells, cells_before=cells.iloc[0:0]))
    assert {key: s.hits for key, s in ranked.items()} == {("a", 7, "late"): 7, ("a", 5, "late"): 8}


def test_windows_with_too_few_hits_are_not_suggested():
    few = focus.MIN_HITS_FOR_SUGGESTION - 1
    cells = _cells([("a", None, 3, 18, few, 0), ("b", None, 3, 18, focus.MIN_HITS_FOR_SUGGESTION, 0)])
    assert [(s.area_id, s.hits) for s in _rank(cells=cells)] == [("b", focus.MIN_HITS_FOR_SUGGESTION)]
    assert _rank(cells=cells.iloc[:1]) == []
    assert _rank(cells=cells.iloc[0:0]) == []


def test_limit_keeps_the_best():
    ranked = focus.rank(NOW, BEFORE, NOTES, PLANNED, AREAS, PLACES, weeks=WEEKS, limit=1)
    assert [(s.area_id, s.window) for s in ranked] == [("a", "evening")]


def test_same_input_same_ranking_whatever_the_row_order():
    first = _rank()
    shuffled = _rank(cells=NOW.sample(frac=1, random_state=3), cells_before=BEFORE.iloc[::-1],
                     notes=NOTES.iloc[::-1], planned=PLANNED.sample(frac=1, random_state=5))
    assert [s.as_dict() for s in shuffled] == [s.as_dict() for s in first]


def test_ties_are_broken_by_area_then_weekday_then_window():
    same = [("b", None, 4, 18, 9, 0), ("a", None, 4, 18, 9, 0), ("a", None, 2, 18, 9, 0)]
    ranked = _rank(cells=_cells(same), cells_before=_cells(same), notes=_notes([]))
    assert len({s.score for s in ranked}) == 1
    assert [(s.area_id, s.weekday) for s in ranked] == [("a", 2), ("a", 4), ("b", 4)]


# --- weights ------------------------------------------------------------------------------------

def test_check_weights_fills_missing_with_zero_and_refuses_bad_ones():
    assert focus.check_weights({"rise": 2}) == {"level": 0.0, "rise": 2.0, "risk": 0.0, "coverage": 0.0,
                                                "young_late": 0.0}
    assert focus.check_weights({"level": 0, "risk": 10}) == {"level": 0.0, "rise": 0.0, "risk": 10.0,
                                                             "coverage": 0.0, "young_late": 0.0}
    for bad in ({"speed": 1}, {"level": -0.1}, {"level": 10.5}, {"level": float("nan")}):
        with pytest.raises(FeltkartError) as exc:
            focus.check_weights(bad)
        assert exc.value.key == "focus.bad_weights", bad
    with pytest.raises(FeltkartError) as exc:
        _rank(weights={"level": 1, "speed": 1})
    assert exc.value.key == "focus.bad_weights"
    assert "young_late" in exc.value.params["valid"]


def test_a_larger_weight_moves_its_reason_up():
    # young_late .1 -> .5: A late becomes .2625 + .4·.5 = .4625 and passes B evening (.275).
    assert [(s.area_id, s.window) for s in _rank()][1:] == [("b", "evening"), ("a", "late")]
    ranked = _rank(weights={**focus.DEFAULT_WEIGHTS, "young_late": 0.5})
    assert [(s.area_id, s.window, s.score) for s in ranked][1:] == [
        ("a", "late", pytest.approx(0.4625)), ("b", "evening", pytest.approx(0.275))]
    # Only risk and young late: A late .5 + .5 = 1 first, A evening .5, B evening 0.
    ranked = _rank(weights={"risk": 1, "young_late": 1})
    assert [(s.area_id, s.window, s.score) for s in ranked] == [
        ("a", "late", pytest.approx(1.0)), ("a", "evening", pytest.approx(0.5)), ("b", "evening", 0.0)]


def test_a_zero_weight_removes_its_influence_and_its_reason():
    # B evening gets a big rise; with the rise weighted 0 nothing about it changes.
    rising = BEFORE.copy()
    rising.loc[rising["area_id"] == "b", "hits"] = 1
    no_rise = {**focus.DEFAULT_WEIGHTS, "rise": 0}
    with_rise = _by_key(_rank(weights=no_rise, cells_before=rising))
    without = _by_key(_rank(weights=no_rise))
    assert {k: s.score for k, s in with_rise.items()} == {k: s.score for k, s in without.items()}
    assert with_rise[("b", 5, "evening")].parts["rise"] == 1.0  # the part is still computed ...
    assert not any(r.startswith("Tydelig økning") for s in with_rise.values() for r in s.reasons)  # ... not told
    # With the rise weighted, B's rise counts and is a reason.
    weighted = _by_key(_rank(cells_before=rising))[("b", 5, "evening")]
    assert weighted.score == pytest.approx(0.275 + 0.2)
    assert any(r.startswith("Tydelig økning: fra 1 til 20 treff") for r in weighted.reasons)
    # All weights 0: every score is 0 and no reason is given; the order falls back to hits.
    zero = _rank(weights=dict.fromkeys(focus.DEFAULT_WEIGHTS, 0))
    assert [(s.score, s.reasons, s.hits) for s in zero] == [(0.0, [], 40), (0.0, [], 20), (0.0, [], 10)]


# --- reasons ------------------------------------------------------------------------------------

def test_reasons_in_norwegian_strongest_first():
    ranked = _by_key(_rank())
    assert ranked[("a", 5, "evening")].reasons == [
        f"Mange treff: 40 i basisperioden (57,1{NBSP}% av gatetreffene), flest ved Place One (30).",
        f"Tydelig økning: fra 10 til 40 treff (+300,0{NBSP}%, p < 0,001).",
        "Mye å gjøre per team: 5,0 treff per planlagt teamtime (1,0 team planlagt i snitt).",
        "1 trendnotat(er) om rus, alkohol, vold eller kriminalitet i området.",
    ]
    assert ranked[("b", 5, "evening")].reasons == [
        f"Mange treff: 20 i basisperioden (28,6{NBSP}% av gatetreffene).",  # free points: no place named
        "Mye å gjøre per team: 2,5 treff per planlagt teamtime (1,0 team planlagt i snitt).",
    ]
    # level .25 and coverage .25 are too small to be told
    assert ranked[("a", 5, "late")].reasons == [
        "1 trendnotat(er) om rus, alkohol, vold eller kriminalitet i området.",
        f"Mange under 16 år sent på kvelden (50{NBSP}% av treffene).",
    ]


def test_reasons_in_english():
    ranked = _by_key(_rank(lang="en"))
    assert ranked[("a", 5, "evening")].reasons == [
        "Many hits: 40 in the basis period (57.1% of street hits), most at Place One (30).",
        "Clear rise: from 10 to 40 hits (+300.0%, p < 0.001).",
        "Much to do per team: 5.0 hits per planned team-hour (1.0 teams planned on average).",
        "1 trend note(s) about drugs, alcohol, violence or crime in the area.",
    ]
    assert ranked[("a", 5, "late")].reasons[-1] == "Many under 16 late in the evening (50% of the hits)."
    # the language changes the words only
    assert [(s.area_id, s.window, s.score, s.parts) for s in _rank(lang="en")] == \
        [(s.area_id, s.window, s.score, s.parts) for s in _rank()]


def test_no_team_planned_is_a_reason_of_its_own():
    nobody = _planned({})
    ranked = _by_key(_rank(planned=nobody))
    # without any team the coverage part is the demand: hits / the most hits
    assert {k: s.parts["coverage"] for k, s in ranked.items()} == {
        ("a", 5, "evening"): 1.0, ("b", 5, "evening"): 0.5, ("a", 5, "late"): 0.25}
    assert "Ingen team planlagt i dette tidsrommet." in ranked[("a", 5, "evening")].reasons
    assert "No team planned in this time window." in _by_key(_rank(planned=nobody, lang="en"))[("a", 5, "evening")].reasons


def test_p_text():
    assert focus.p_text(0.0123, "nb") == "= 0,012"
    assert focus.p_text(0.0123, "en") == "= 0.012"
    assert focus.p_text(0.0004, "nb") == "< 0,001"
    assert focus.p_text(0.001, "en") == "= 0.001"


def test_suggestion_label_and_dict():
    s = _rank()[0]
    assert s.label() == "Area A, fredag kveld (18–22)"
    assert s.label("en") == "Area A, Friday evening (18–22)"
    late = _by_key(_rank())[("a", 5, "late")]
    assert late.label("en") == "Area A, Friday late evening (22–02)"
    assert set(s.as_dict()) == {"area_id", "area_name", "weekday", "window", "score", "hits", "hits_before",
                                "parts", "reasons", "top_hotspot"}


def test_basis_periods_are_the_twelve_weeks_before_and_the_twelve_before_those():
    basis, before = focus.basis_periods(date(2026, 11, 28))
    assert basis == (date(2026, 9, 5), date(2026, 11, 27))
    assert before == (date(2026, 6, 13), date(2026, 9, 4))
    for start, end in (basis, before):
        assert (end - start).days + 1 == focus.BASIS_DAYS


# --- the demo's suggestions ---------------------------------------------------------------------

def test_demo_suggestions_are_reproducible_and_ranked(demo_db):
    ranked, basis = focus.suggest(demo_db, date(2026, 11, 28))
    again, _ = focus.suggest(demo_db, date(2026, 11, 28))
    # The demo's data ends 26.11.2026: the basis is its days with data, a rise judged against as many before.
    assert basis.current == (date(2026, 9, 5), date(2026, 11, 26)) and basis.comparable
    assert basis.comparison == (date(2026, 6, 14), date(2026, 9, 4))
    assert len(ranked) == 15
    assert [s.as_dict() for s in again] == [s.as_dict() for s in ranked]
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    for s in ranked:
        assert s.window in focus.WINDOWS and 1 <= s.weekday <= 7 and s.hits >= focus.MIN_HITS_FOR_SUGGESTION
        assert s.score == pytest.approx(sum(s.parts[k] * w for k, w in focus.DEFAULT_WEIGHTS.items()), abs=2e-3)
        assert s.reasons and all(0 <= p <= 1 for p in s.parts.values())
    assert max(s.parts["level"] for s in ranked) == 1.0  # the busiest window defines the level scale
    # English: the same ranking, other words
    english, _ = focus.suggest(demo_db, date(2026, 11, 28), lang="en")
    assert [(s.area_id, s.weekday, s.window, s.score) for s in english] == \
        [(s.area_id, s.weekday, s.window, s.score) for s in ranked]
    assert all(s.reasons != e.reasons for s, e in zip(ranked, english))


def test_demo_hits_match_the_registrations(demo_db):
    """The hits of a suggested evening window are the street hits in the basis period (by SQL)."""
    ranked, basis = focus.suggest(demo_db, date(2026, 11, 28))
    start, end = basis.current
    evening = next(s for s in ranked if s.window == "evening")
    with demo_db.read() as con:
        hits = con.execute(
            "SELECT sum(youth_count) FROM contacts WHERE channel = 'street' AND area_id = $a "
            "AND isodow(occurred_at) = $d AND hour(occurred_at) BETWEEN 18 AND 21 "
            "AND occurred_at >= $s AND occurred_at < $e",
            {"a": evening.area_id, "d": evening.weekday, "s": start, "e": end + timedelta(days=1)}).fetchall()[0][0]
    assert evening.hits == hits


def test_demo_area_filter(demo_db):
    everywhere = _by_key(focus.suggest(demo_db, date(2026, 11, 28), limit=200)[0])
    ranked, _ = focus.suggest(demo_db, date(2026, 11, 28), areas=("skjetten-strommen",))
    assert ranked and {s.area_id for s in ranked} == {"skjetten-strommen"}
    assert {s.area_name for s in ranked} == {"Skjetten/Strømmen"}
    for s in ranked:  # hits do not depend on which areas are ranked together
        same = everywhere[(s.area_id, s.weekday, s.window)]
        assert (s.hits, s.hits_before) == (same.hits, same.hits_before)
    # area ids are checked for shape (which exist is the database's): an unknown one has no hits
    assert focus.suggest(demo_db, date(2026, 11, 28), areas=("atlantis",))[0] == []
    with pytest.raises(FeltkartError) as exc:
        focus.suggest(demo_db, date(2026, 11, 28), areas=("Atlantis; DROP",))
    assert exc.value.key == "filter.bad_value"


def test_demo_risk_notes_count(demo_db):
    # Basis 7.1.–31.3.2023: one risk-tagged note each about Skjetten/Strømmen (rus) and the station
    # area (rus, vold), none about Fetsund (only 'gathering').
    ranked, _ = focus.suggest(demo_db, date(2023, 4, 1), limit=200)
    risk = {s.area_id: s.parts["risk"] for s in ranked}
    assert risk["skjetten-strommen"] == 0.5 and risk["lillestrom-stasjon"] == 0.5
    assert risk.get("fetsund", 0.0) == 0.0
    told = "1 trendnotat(er) om rus, alkohol, vold eller kriminalitet i området."
    assert all(told in s.reasons for s in ranked if s.area_id == "skjetten-strommen")
    assert not any(told in s.reasons for s in ranked if s.area_id == "fetsund")


# --- decisions ----------------------------------------------------------------------------------

def _item(area_id="fetsund", weekday=5, window="evening", hotspot="hovinhogda-skole") -> focus.Suggestion:
    return focus.Suggestion(area_id=area_id, area_name=area_id, weekday=weekday, window=window, score=0.5, hits=20,
                            hits_before=10, parts=dict.fromkeys(focus.DEFAULT_WEIGHTS, 0.1),
                            reasons=["Første grunn.", "Andre grunn."], top_hotspot=hotspot)


def _decide(db, **changes) -> int:
    args = dict(period_start=date(2025, 9, 1), period_end=date(2025, 11, 30), decided_by="Fagmøtet",
                rationale="Mest ungdom der og da.", items=[_item()], decided_on=date(2025, 8, 28))
    args.update(changes)
    return focus.record_decision(db, **args)


def _count(db, table: str) -> int:
    with db.read() as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_record_decision_stores_items_and_an_audit_row(db):
    items = [_item(), _item("lillestrom-stasjon", 6, "late", None)]
    with access.acting_as("leder@example.no", "editor"):
        decision_id = _decide(db, items=items, decided_by="  Fagmøtet ", rationale=" Mest ungdom der og da. ")
    stored = focus.decisions(db)
    rows = stored[stored["id"] == decision_id]
    assert rows[["position", "area_id", "weekday", "hour_from", "hour_to"]].values.tolist() == [
        [1, "fetsund", 5, 18, 21], [2, "lillestrom-stasjon", 6, 22, 1]]
    assert rows["hotspot_id"].tolist()[0] == "hovinhogda-skole" and pd.isna(rows["hotspot_id"].tolist()[1])
    first = rows.iloc[0]
    assert (first["decided_by"], first["rationale"]) == ("Fagmøtet", "Mest ungdom der og da.")  # trimmed
    assert pd.Timestamp(first["decided_on"]).date() == date(2025, 8, 28)
    assert (pd.Timestamp(first["period_start"]).date(), pd.Timestamp(first["period_end"]).date()) == \
        (date(2025, 9, 1), date(2025, 11, 30))
    assert first["reasons"] == "Første grunn. Andre grunn." and first["score"] == 0.5
    with db.read() as con:
        logged = con.execute("SELECT actor, role, action, target, after_json FROM audit_log "
                             "WHERE action = 'focus.decide'").fetchall()
    assert [row[:4] for row in logged] == [("leder@example.no", "editor", "focus.decide", f"decision:{decision_id}")]
    after = json.loads(logged[0][4])
    assert after["items"] == ["fetsund, fredag kveld (18–22)", "lillestrom-stasjon, lørdag sen kveld (22–02)"]
    assert "Mest ungdom der og da." in after["rationale"]


def test_decisions_newest_first(db):
    older = _decide(db, decided_on=date(2025, 1, 10))
    newer = _decide(db, decided_on=date(2025, 3, 10))
    same_day_later = _decide(db, decided_on=date(2025, 3, 10))
    assert list(dict.fromkeys(focus.decisions(db)["id"]))[:3] == [same_day_later, newer, older]


def test_a_reader_cannot_decide(db):
    before = _count(db, "focus_decisions")
    with access.acting_as("partner@example.no", "reader"):
        with pytest.raises(FeltkartError) as exc:
            _decide(db)
    assert exc.value.key == "access.denied" and exc.value.params["needed"] == "redaktør"
    assert _count(db, "focus_decisions") == before


@pytest.mark.parametrize("changes, key", [
    ({"decided_by": "  "}, "focus.who_required"),
    ({"decided_by": None}, "focus.who_required"),
    ({"rationale": ""}, "focus.rationale_required"),
    ({"rationale": " \n "}, "focus.rationale_required"),
    ({"items": []}, "focus.items_required"),
    ({"period_start": date(2025, 12, 1), "period_end": date(2025, 11, 30)}, "filter.bad_period"),
])
def test_invalid_decisions_are_refused(db, changes, key):
    before = (_count(db, "focus_decisions"), _count(db, "focus_decision_items"), _count(db, "audit_log"))
    with pytest.raises(FeltkartError) as exc:
        _decide(db, **changes)
    assert exc.value.key == key
    assert (_count(db, "focus_decisions"), _count(db, "focus_decision_items"), _count(db, "audit_log")) == before


def _street_hits(db, area_id, weekday, first: date, last: date) -> int:
    """Street hits in area on weekday 18–22 between first and last (both included), straight from SQL."""
    with db.read() as con:
        return int(con.execute(
            "SELECT coalesce(sum(youth_count), 0) FROM contacts WHERE channel = 'street' AND area_id = $a "
            "AND isodow(occurred_at) = $d AND hour(occurred_at) BETWEEN 18 AND 21 "
            "AND occurred_at >= $s AND occurred_at < $e",
            {"a": area_id, "d": weekday, "s": first, "e": last + timedelta(days=1)}).fetchall()[0][0])


def test_followup_of_a_decision_on_the_demo(db):
    suggestions, _ = focus.suggest(db, date(2025, 9, 1))
    evening = [s for s in suggestions if s.window == "evening"][:2]
    decision_id = _decide(db, items=evening, period_start=date(2025, 9, 1), period_end=date(2025, 11, 30))
    result = focus.followup(db, decision_id, today=date(2026, 11, 27))
    assert result["position"].tolist() == [1, 2]
    assert result["window"].tolist() == ["evening", "evening"]
    # 91 days against the 91 days before: 2.6.–31.8.2025
    assert set(result["after"]) == {"01.09.2025–30.11.2025"} and set(result["before"]) == {"02.06.2025–31.08.2025"}
    for item, row in zip(evening, result.itertuples()):
        assert (row.area_id, row.weekday) == (item.area_id, item.weekday)
        assert row.hits_after == _street_hits(db, item.area_id, item.weekday, date(2025, 9, 1), date(2025, 11, 30))
        assert row.hits_before == _street_hits(db, item.area_id, item.weekday, date(2025, 6, 2), date(2025, 8, 31))
        assert row.hits_after > 0 and row.hits_before > 0
        assert row.rate_ratio == pytest.approx(row.hits_after / row.hits_before)  # equally long periods
        assert 0 < row.ci_low < row.rate_ratio < row.ci_high
        assert 0 <= row.p_value <= 1


def test_followup_before_the_period_and_halfway(db):
    item = _item("lillestrom-stasjon", 5, "late", None)
    decision_id = _decide(db, items=[item], period_start=date(2025, 9, 1), period_end=date(2025, 11, 30))
    assert focus.followup(db, decision_id, today=date(2025, 8, 31)).empty
    halfway = focus.followup(db, decision_id, today=date(2025, 9, 30))  # 30 days so far against the 30 before
    assert halfway[["after", "before", "window"]].values.tolist() == [
        ["01.09.2025–30.09.2025", "02.08.2025–31.08.2025", "late"]]
    assert halfway["hits_after"].iloc[0] > 0 and halfway["hits_before"].iloc[0] > 0


def test_no_rise_without_data_in_the_weeks_before(demo_db):
    # The demo's data begins 01.01.2022: a basis in early 2022 has no weeks with data before it.
    # Before this was judged, every window with hits counted as a clear rise "from 0".
    ranked, basis = focus.suggest(demo_db, date(2022, 3, 1), limit=200)
    assert not basis.comparable and basis.status == "no_data" and basis.current == (date(2022, 1, 1), date(2022, 2, 28))
    assert ranked and all(s.parts["rise"] == 0 and s.hits_before is None for s in ranked)
    assert not any("økning" in reason for s in ranked for reason in s.reasons)
    assert "ingen data i sammenligningsperioden" in basis.note("nb")


def test_rank_without_weeks_before_gives_no_rise():
    ranked = _rank(cells_before=None)
    assert ranked and all(s.parts["rise"] == 0 and s.hits_before is None for s in ranked)
    assert _rank(cells_before=BEFORE.iloc[0:0])[0].hits_before == 0  # weeks with data and no hits: a real 0


def test_followup_without_data_before_the_period(db):
    item = _item("lillestrom-stasjon", 5, "late", None)
    decision_id = _decide(db, items=[item], period_start=date(2022, 1, 10), period_end=date(2022, 2, 28))
    result = focus.followup(db, decision_id, today=date(2026, 11, 27))
    assert result["hits_after"].iloc[0] > 0 and result["hits_before"].isna().all()
    assert result[["rate_ratio", "ci_low", "ci_high", "p_value"]].isna().all().all()
    assert "data bare i deler av sammenligningsperioden 21.11.2021–09.01.2022" in result.attrs["note"]


def test_followup_of_an_unknown_decision(db):
    with pytest.raises(FeltkartError) as exc:
        focus.followup(db, 999_999, today=date(2026, 11, 27))
    assert exc.value.key == "focus.decision_not_found" and exc.value.params["id"] == 999_999
