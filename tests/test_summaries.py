"""From query results to what the pages say: key figures, change labels, busiest times, age mixes,
notes per place, time windows, and the hotspot table on the demo data."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import comparison, queries, stats, summaries
from dashboard.filters import Filter
from dashboard.summaries import Kpi

NBSP = "\u00a0"


# --- key figures --------------------------------------------------------------------------------

def test_count_kpi_texts_norwegian_and_english():
    kpi = Kpi("hits", 33636, 23711)
    assert kpi.value_text("nb") == f"33{NBSP}636"
    assert kpi.delta_text("nb") == f"+9{NBSP}925 (+41,9{NBSP}%)"
    assert kpi.value_text("en") == "33,636"
    assert kpi.delta_text("en") == "+9,925 (+41.9%)"


def test_count_kpi_fall_starts_with_minus():
    # st.metric colours a delta red and points it down when the text starts with '-'
    text = Kpi("hits", 900, 1000).delta_text("nb")
    assert text.startswith("-100 (")
    assert "10,0" in text and text.endswith("%)")


def test_count_kpi_without_change_says_plus_minus_zero():
    assert Kpi("active_hotspots", 43, 43).delta_text("nb") == "±0"
    assert Kpi("hits_online", 0, 0).delta_text("en") == "±0"


def test_count_kpi_from_nothing_has_no_percent():
    assert Kpi("hits_online", 1234, 0).delta_text("nb") == f"+1{NBSP}234"


def test_kpi_without_comparison_has_no_delta():
    assert Kpi("hits", 10, None).delta_text("nb") is None


def test_share_kpi_texts():
    kpi = Kpi("share_13_15", 0.568, 0.5, is_share=True)
    assert kpi.value_text("nb") == f"56,8{NBSP}%"
    assert kpi.value_text("en") == "56.8%"
    assert kpi.delta_text("nb") == "+6,8 pp."
    assert kpi.delta_text("en") == "+6.8 p.p."
    assert Kpi("share_13_15", 0.40, 0.45, is_share=True).delta_text("nb") == "-5,0 pp."


def test_share_kpi_unknown():
    unknown = Kpi("share_13_15", None, None, is_share=True)
    assert unknown.value_text("nb") == "–" and unknown.delta_text("nb") is None
    # ages known now but not in the comparison period (2022 registered no ages): no delta
    assert Kpi("share_13_15", 0.5, None, is_share=True).delta_text("nb") is None
    assert Kpi("share_13_15", None, 0.5, is_share=True).delta_text("nb") is None


def test_share_kpi_without_change_does_not_claim_a_rise():
    assert not Kpi("share_13_15", 0.5, 0.5, is_share=True).delta_text("nb").startswith("+")


def _totals(db, flt):
    return queries.run_filtered(db, "totals", flt)


def test_kpis_from_the_demo_totals(demo_db):
    flt = Filter.for_year(2023, channels=("street", "school"))
    figures = summaries.kpis(_totals(demo_db, flt), _totals(demo_db, flt.comparison()))
    assert [k.key for k in figures] == ["hits", "active_hotspots", "share_13_15", "hits_online"]
    hits, active, share, online = figures
    assert (hits.value_text("nb"), hits.delta_text("nb")) == (f"33{NBSP}636", f"+9{NBSP}925 (+41,9{NBSP}%)")
    assert active.delta_text("nb") == "±0"
    assert share.is_share and share.before is None and share.delta_text("nb") is None
    assert 0.5 < share.value < 0.6
    assert (online.value, online.before) == (0, 0)  # street and school only


def test_kpis_without_comparison_and_without_known_ages(demo_db):
    figures = summaries.kpis(_totals(demo_db, Filter.for_year(2022)), None)
    assert all(k.delta_text("nb") is None for k in figures)
    share = figures[2]
    assert share.value is None and share.value_text("nb") == "–"


def test_kpis_on_an_empty_selection(demo_db):
    figures = summaries.kpis(_totals(demo_db, Filter.for_year(1990)), _totals(demo_db, Filter.for_year(1989)))
    assert [k.value_text("nb") for k in figures] == ["0", "0", "–", "0"]
    assert [k.delta_text("nb") for k in figures] == ["±0", "±0", None, "±0"]


# --- change labels ------------------------------------------------------------------------------

def test_change_label_words():
    assert summaries.change_label(138, 100, 0.38, True, 1, "nb") == f"+38,0{NBSP}% (tydelig økning)"
    assert summaries.change_label(80, 100, -0.2, True, -1, "nb") == f"−20,0{NBSP}% (tydelig nedgang)"
    assert summaries.change_label(138, 100, 0.38, True, 1, "en") == "+38.0% (clear rise)"
    assert summaries.change_label(12, 10, 0.2, False, 0, "nb") == "ingen tydelig endring"
    assert summaries.change_label(12, 10, 0.2, False, 0, "en") == "no clear change"
    assert summaries.change_label(40, 0, float("nan"), True, 1, "nb") == "nytt i perioden"
    assert summaries.change_label(40, 0, float("nan"), True, 1, "en") == "new in the period"
    assert summaries.change_label(40, 10, 3.0, True, 1, "nb", compared=False) == ""


def test_no_sign_without_significance():
    for hits, before in ((12, 10), (3, 0), (8, 2), (0, 3)):
        label = summaries.change_label(hits, before, 0.0, False, 0, "nb")
        assert not re.search(r"[+−-]", label) and "%" not in label


# --- busiest times and age mixes ----------------------------------------------------------------

@pytest.mark.parametrize("weekday, hour, lang, expected", [
    (5, 21, "nb", "fredag kl. 21–22"),
    (1, 8, "nb", "mandag kl. 08–09"),
    (7, 23, "nb", "søndag kl. 23–00"),
    (6, 0, "en", "Saturday 00–01"),
    (5, 21, "en", "Friday 21–22"),
])
def test_weekday_hour_text(weekday, hour, lang, expected):
    assert summaries.weekday_hour_text(weekday, hour, lang) == expected


def _profiles(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["hotspot_id", "profile", "weekday", "hour", "age_band", "hits"])


def test_busiest_times_picks_the_top_cell_and_breaks_ties_by_earliest():
    profiles = _profiles([
        ("a", "time", 5, 21, None, 30), ("a", "time", 6, 22, None, 12), ("a", "age", None, None, "13-15", 99),
        ("b", "time", 3, 15, None, 7), ("b", "time", 2, 18, None, 7), ("b", "time", 2, 16, None, 7),
    ])
    assert summaries.busiest_times(profiles, "nb") == {"a": "fredag kl. 21–22", "b": "tirsdag kl. 16–17"}
    assert summaries.busiest_times(profiles[profiles["profile"] == "age"], "nb") == {}


def test_age_mixes_shares_sum_sensibly():
    profiles = _profiles([
        ("a", "age", None, None, "13-15", 62), ("a", "age", None, None, "16-18", 30), ("a", "age", None, None, "u13", 8),
        ("b", "age", None, None, "13-15", 1), ("b", "age", None, None, "16-18", 1), ("b", "age", None, None, "19-24", 1),
        ("c", "age", None, None, "u13", 5), ("c", "age", None, None, "13-15", 10), ("c", "age", None, None, "16-18", 20),
        ("c", "age", None, None, "19-24", 40), ("c", "age", None, None, "unknown", 25),
        ("a", "time", 5, 21, None, 100),
    ])
    mixes = summaries.age_mixes(profiles, "nb")
    assert mixes["a"] == f"13–15 år 62{NBSP}%, 16–18 år 30{NBSP}%, Under 13 år 8{NBSP}%"
    assert set(mixes) == {"a", "b", "c"}
    shares = {h: [int(p) for p in re.findall(rf"(\d+){NBSP}%", text)] for h, text in mixes.items()}
    assert sum(shares["a"]) == 100
    assert 99 <= sum(shares["b"]) <= 100  # 33 % three times
    assert shares["c"] == [40, 25, 20]  # the three largest, largest first
    assert summaries.age_mixes(profiles, "en")["c"] == "19–24 40%, Age unknown 25%, 16–18 20%"


def test_busiest_and_age_mix_on_the_demo(demo_db):
    profiles = queries.run_filtered(demo_db, "hotspot_profiles", Filter.for_year(2023))
    busiest = summaries.busiest_times(profiles, "nb")
    assert busiest["lillestrom-stasjon"] == "fredag kl. 21–22"
    assert all(re.fullmatch(r"(man|tirs|ons|tors|fre|lør|søn)dag kl\. \d\d–\d\d", text) for text in busiest.values())
    for text in summaries.age_mixes(profiles, "nb").values():
        shares = [int(p) for p in re.findall(rf"(\d+){NBSP}%", text)]
        assert 1 <= len(shares) <= 3 and shares == sorted(shares, reverse=True) and sum(shares) <= 101


# --- notes per place ----------------------------------------------------------------------------

def test_latest_notes_keeps_at_most_three_newest_per_place():
    notes = pd.DataFrame({  # as the query returns them: newest first
        "hotspot_id": ["a", "a", None, "a", "b", "a", "a"],
        "area_id": ["x", "x", "y", "x", "x", "x", "x"],
        "body": ["a5", "a4", "area only", "a3", "b1", "a2", "a1"],
    })
    assert summaries.latest_notes(notes, "hotspot_id") == {"a": ["a5", "a4", "a3"], "b": ["b1"]}
    assert summaries.latest_notes(notes, "area_id") == {"x": ["a5", "a4", "a3"], "y": ["area only"]}
    assert summaries.latest_notes(notes.iloc[0:0], "hotspot_id") == {}


# --- time windows -------------------------------------------------------------------------------

def test_time_slots():
    assert summaries.time_slots([5], 20, 1) == [520, 521, 522, 523, 500, 501]
    assert summaries.time_slots([5, 6], 22, 22) == [522, 622]
    assert summaries.time_slots([1], 0, 23) == [100 + h for h in range(24)]
    every = summaries.time_slots([], 0, 23)
    assert len(every) == 7 * 24 == len(set(every))
    assert summaries.time_slots([], 20, 1) == [d * 100 + h for d in range(1, 8) for h in (20, 21, 22, 23, 0, 1)]


def _cube() -> pd.DataFrame:
    rows = [(m, d, h, m * 1000 + d * 100 + h) for m in (1, 7) for d in (1, 5, 7) for h in (0, 1, 12, 21, 23)]
    return pd.DataFrame(rows, columns=["month", "weekday", "hour", "hits"])


def test_narrow_cube_keeps_only_the_window():
    cube = _cube()
    narrowed = summaries.narrow_cube(cube, summaries.time_slots([5], 21, 1))
    assert set(zip(narrowed["weekday"], narrowed["hour"])) == {(5, 21), (5, 23), (5, 0), (5, 1)}
    assert len(narrowed) == 8  # two months
    assert len(summaries.narrow_cube(cube, summaries.time_slots([], 0, 23))) == len(cube)


def test_cube_view_sums_over_the_rest():
    cube = _cube()
    view = summaries.cube_view(cube, "weekday", "hour")
    assert len(view) == 3 * 5
    assert view["hits"].sum() == cube["hits"].sum()
    cell = view[(view["weekday"] == 5) & (view["hour"] == 21)]["hits"].item()
    assert cell == (1000 + 521) + (7000 + 521)
    month_hour = summaries.cube_view(cube, "month", "hour")
    assert month_hour.groupby("month")["hits"].sum().to_dict() == cube.groupby("month")["hits"].sum().to_dict()


def test_cube_on_the_demo_adds_up_to_the_totals(demo_db):
    flt = Filter(date(2023, 1, 1), date(2023, 12, 31), areas=("fetsund",))
    cube = queries.run_filtered(demo_db, "time_cube", flt, day_type="all")
    total = int(queries.run_filtered(demo_db, "totals", flt)["hits"].iloc[0])
    for rows, columns in (("weekday", "hour"), ("month", "hour"), ("month", "weekday")):
        assert summaries.cube_view(cube, rows, columns)["hits"].sum() == total
    friday_evening = summaries.narrow_cube(cube, summaries.time_slots([5], 18, 23))
    assert 0 < friday_evening["hits"].sum() < total


# --- the hotspot table on the demo --------------------------------------------------------------

def judged_tables(db, flt: Filter, lang: str = "nb") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hotspot and area tables of ``flt`` as the pages make them: judged by the data span."""
    judged = comparison.for_filter(flt, comparison.data_span(db))
    before = judged.comparison_filter(flt)
    run = lambda name, f: queries.run_filtered(db, name, f)  # noqa: E731
    notes = queries.run(db, "trend_notes", start_date=flt.start, end_date=flt.end, area_ids=[],
                        shareable_only=False, include_archived=False)
    return (summaries.hotspot_table(run("hits_by_hotspot", flt), run("hits_by_hotspot", before) if before else None,
                                    judged, run("hotspot_profiles", flt), notes, lang),
            summaries.area_table(run("hits_by_area", flt), run("hits_by_area", before) if before else None, judged,
                                 queries.run(db, "areas"), lang))


@pytest.fixture(scope="module")
def table_2023(demo_db) -> pd.DataFrame:
    return judged_tables(demo_db, Filter.for_year(2023))[0]


def test_hotspot_table_lillestrom_stasjon(table_2023):
    row = table_2023.iloc[0]
    assert row["hotspot_id"] == "lillestrom-stasjon"
    assert (row["hits"], row["hits_before"]) == (7359, 5405)
    assert bool(row["significant"]) and row["direction"] == 1
    assert row["change_label"] == f"+36,2{NBSP}% (tydelig økning)"
    assert row["change_short"] == f"+36,2{NBSP}%"
    assert row["busiest"] == "fredag kl. 21–22"
    assert row["kind_label"] == "Stasjon"
    assert row["age_mix"].startswith("13–15 år")
    assert 1 <= len(row["notes"]) <= 3


def test_hotspot_table_shape_and_order(table_2023, demo_db):
    assert table_2023["hotspot_id"].is_unique
    assert len(table_2023) == len(queries.run(demo_db, "places"))
    assert table_2023["hits"].is_monotonic_decreasing
    assert table_2023["approximate"].dtype == bool
    assert all(len(n) <= summaries.MAX_NOTES_PER_PLACE for n in table_2023["notes"])
    total = int(queries.run_filtered(demo_db, "hits_by_hotspot", Filter.for_year(2023))["hits"].sum())
    assert table_2023["hits"].sum() == total
    # a sign only where the change is clear
    unclear = table_2023[~table_2023["significant"]]
    assert (unclear["change_short"] == "").all()
    assert (unclear["change_label"] == "ingen tydelig endring").all()
    clear = table_2023[table_2023["significant"]]
    assert clear["change_label"].str.contains("tydelig").all()


def test_hotspot_table_without_comparison(demo_db):
    flt = Filter.for_year(2023)
    now = queries.run_filtered(demo_db, "hits_by_hotspot", flt)
    empty_notes = pd.DataFrame({"hotspot_id": pd.Series([], dtype=object), "body": pd.Series([], dtype=object)})
    table = summaries.hotspot_table(now, None, None, queries.run_filtered(demo_db, "hotspot_profiles", flt),
                                    empty_notes, "en")
    assert (table["change_label"] == "").all() and (table["change_short"] == "").all()
    assert (table["comparison_status"] == "off").all()
    assert summaries.map_summary(table, "en").endswith("no change is judged (without comparison).")
    assert not table["significant"].any() and table["hits_before"].isna().all()
    assert table.iloc[0]["busiest"] == "Friday 21–22"
    assert all(n == [] for n in table["notes"])


def test_area_table_and_change_rows(demo_db):
    flt = Filter.for_year(2023)
    area_now = queries.run_filtered(demo_db, "hits_by_area", flt)
    hotspots, table = judged_tables(demo_db, flt)
    assert set(table["area_id"]) == set(queries.run(demo_db, "areas")["id"])
    assert table["geometry_geojson"].notna().all()
    assert table["hits"].sum() == area_now["hits"].sum()
    assert table["hits_before"].sum() == queries.run_filtered(demo_db, "hits_by_area", flt.comparison())["hits"].sum()
    rows = summaries.change_rows(hotspots.head(3), "nb")
    assert list(rows.columns) == ["Sted", "Område", "Treff", "Treff før", "Endring", "p"]
    assert rows.iloc[0]["Sted"] == "Lillestrøm stasjon" and rows.iloc[0]["p"] == "< 0,001"


def test_change_rows_formats_p_in_norwegian():
    table = pd.DataFrame({"name": ["A"], "area_name": ["X"], "hits": [12], "hits_before": [10],
                          "change_label": ["ingen tydelig endring"], "p_value": [np.float64(0.8318)]})
    assert summaries.change_rows(table, "nb").iloc[0]["p"] == "0,832"
    assert summaries.change_rows(table, "en").iloc[0]["p"] == "0.832"


def test_map_summary_counts(table_2023):
    text = summaries.map_summary(table_2023, "nb")
    rises, falls = int((table_2023["direction"] > 0).sum()), int((table_2023["direction"] < 0).sum())
    assert text == f"{int((table_2023['hits'] > 0).sum())} treffsteder hadde treff; {rises} med tydelig økning og " \
                   f"{falls} med tydelig nedgang."


# --- no data in the comparison period -----------------------------------------------------------

def test_no_data_in_the_comparison_period_is_not_zero(demo_db):
    # The demo's registrations begin 01.01.2022: 2022 against 2021 has nothing to compare with.
    # Before this was judged, every place showed "nytt i perioden" and a clear rise from 0.
    hotspots, areas = judged_tables(demo_db, Filter.for_year(2022))
    for table in (hotspots, areas):
        assert table["hits"].sum() > 0
        assert table["hits_before"].isna().all()  # unknown, not 0
        assert not table["significant"].any() and (table["direction"] == 0).all()
        assert table[["change", "change_z", "p_value"]].isna().all().all()
        assert (table["change_label"] == "ingen data i sammenligningsperioden").all()
        assert (table["comparison_status"] == "no_data").all()
    assert (hotspots["change_short"] == "").all()
    risers, fallers = stats.risers_and_fallers(hotspots)
    assert risers.empty and fallers.empty  # nothing is ranked
    assert summaries.map_summary(hotspots, "nb").endswith(
        "ingen endring er vurdert (ingen data i sammenligningsperioden).")
    english = judged_tables(demo_db, Filter.for_year(2022), "en")[0]
    assert (english["change_label"] == "no data in the comparison period").all()


def test_a_registered_zero_is_still_a_zero(demo_db):
    # Bathing spots in June against May (both covered): no hits in May is a real 0, and a change.
    hotspots, _ = judged_tables(demo_db, Filter(date(2024, 6, 1), date(2024, 6, 30), kinds=("beach",),
                                                compare="previous"))
    assert len(hotspots) and (hotspots["comparison_status"] == "ok").all()
    assert (hotspots["hits_before"] == 0).all()
    assert (hotspots.loc[hotspots["significant"], "change_label"] == "nytt i perioden").all()
    assert hotspots["significant"].any()


def test_a_partly_covered_comparison_period_is_not_compared(demo_db):
    # February–March 2022 against the 59 days before: half of them lie before the first registration.
    hotspots, areas = judged_tables(demo_db, Filter(date(2022, 2, 1), date(2022, 3, 31), compare="previous"))
    assert hotspots["hits_before"].isna().all() and not hotspots["significant"].any()
    assert (areas["change_label"] == "data bare i deler av sammenligningsperioden").all()


def test_a_comparable_judgement_needs_the_comparison_counts(demo_db):
    flt = Filter.for_year(2023)
    judged = comparison.for_filter(flt, comparison.data_span(demo_db))
    with pytest.raises(ValueError, match="needs the comparison period's counts"):
        summaries.area_table(queries.run_filtered(demo_db, "hits_by_area", flt), None, judged,
                             queries.run(demo_db, "areas"), "nb")


def test_current_period_past_the_last_data_compares_the_same_days(demo_db):
    # The demo's data ends 26.11.2026: "this year" to 31.12 compares 01.01–26.11 with the same days of 2025.
    flt = Filter(date(2026, 1, 1), date(2026, 12, 31))
    hotspots, _ = judged_tables(demo_db, flt)
    same_days = queries.run_filtered(demo_db, "hits_by_hotspot", Filter(date(2025, 1, 1), date(2025, 11, 26)))
    assert hotspots["hits_before"].sum() == same_days["hits"].sum()
    whole_2025 = queries.run_filtered(demo_db, "hits_by_hotspot", Filter.for_year(2025))["hits"].sum()
    assert hotspots["hits_before"].sum() < whole_2025
