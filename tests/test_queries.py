"""Tests for the query layer: the named SQL files, their loader and runner, and the Filter."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries, vocab
from dashboard.db import Database, now_local
from dashboard.errors import FeltkartError
from dashboard.filters import FILTER_PARAMS, Filter
from dashboard.queries import QueryFileError, load_queries

YEAR = 2023
ONLINE = ("internet", "social", "gaming")
INJECTION = "x'; DROP TABLE contacts; --"

EXPECTED_COLUMNS = {
    "annual_report": ["area", "row", "hits", "area_id", "position", "channel", "hotspot_id"],
    "annual_report_unallocated": ["channel", "hits"],
    "areas": ["id", "name", "sort_order", "geometry_geojson", "min_lon", "min_lat", "max_lon", "max_lat"],
    "data_range": ["first_day", "last_day", "registrations"],
    "hits_breakdown": ["dimension", "key", "hits"],
    "hits_by_area": ["area_id", "area_name", "hits", "hits_street", "hits_school"],
    "hits_by_hotspot": ["hotspot_id", "name", "kind", "area_id", "area_name", "lon", "lat", "approximate",
                        "hits", "registrations"],
    "monthly_series": ["month", "channel", "hits"],
    "places": ["id", "name", "kind", "area_id", "area_name", "lat", "lon", "approximate", "source"],
    "staffing_plan": ["season", "weekday", "shift", "shift_start", "shift_end", "teams_min", "teams_max"],
    "totals": ["hits", "registrations", "active_hotspots", "hits_13_15", "hits_known_age", "hits_online",
               "active_days"],
    "trend_notes": ["id", "period_start", "period_end", "area_id", "area_name", "hotspot_id", "hotspot_name",
                    "tags", "body", "author", "shareable", "created_at", "updated_at"],
    "weekday_hour": ["weekday", "hour", "hits"],
}


def _year_params(year: int = YEAR) -> dict:
    return {"year_start": datetime(year, 1, 1), "year_end": datetime(year + 1, 1, 1)}


def _note_params(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), area_ids=(), shareable_only=False) -> dict:
    params = {"start_date": start, "end_date": end, "area_ids": list(area_ids), "shareable_only": shareable_only}
    if "include_archived" in queries.QUERIES["trend_notes"].params:  # added with migration 2
        params["include_archived"] = False
    return params


def _params_for(name: str) -> dict:
    query = queries.QUERIES[name]
    if set(query.params) == set(FILTER_PARAMS):
        return Filter.for_year(YEAR).params()
    if set(query.params) == {"year_start", "year_end"}:
        return _year_params()
    if name == "trend_notes":
        return _note_params()
    assert query.params == (), f"test does not know the parameters of {name}"
    return {}


def _total(db, **selection) -> int:
    return int(queries.run_filtered(db, "totals", Filter.for_year(YEAR, **selection))["hits"].iloc[0])


def _sql(db: Database, sql: str, params=None):
    with db.read() as con:
        return con.execute(sql, params or {}).fetchall()


# --- loading ------------------------------------------------------------------------------------

def test_whole_query_folder_loads_with_docs_and_params():
    loaded = load_queries()
    files = sorted(p.stem for p in queries.QUERY_DIR.glob("*.sql"))
    assert sorted(loaded) == files
    assert set(EXPECTED_COLUMNS) <= set(loaded)
    for name, query in loaded.items():
        assert query.doc.strip(), f"{name} has no doc"
        assert isinstance(query.params, tuple)
        assert query.path.stem == name
        for param in query.params:
            assert f"${param}" in query.sql, f"{name} declares {param} but does not use it"
    for name in ("totals", "hits_by_area", "hits_by_hotspot", "weekday_hour", "monthly_series", "hits_breakdown"):
        assert set(loaded[name].params) == set(FILTER_PARAMS)
    assert loaded["places"].params == ()


def _write_query(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.sql"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case, name, text, line", [
    ("missing name header", "foo", "-- Just a doc line.\n-- params: none\nSELECT 1\n", 1),
    ("name not the file name", "foo", "-- Some doc.\n-- name: bar\n-- params: none\nSELECT 1\n", 2),
    ("used but not declared", "foo",
     "-- name: foo\n-- Doc.\n-- params: a\nSELECT $a AS a,\n       $b AS b\n", 5),
    ("declared but unused", "foo", "-- name: foo\n-- Doc.\n-- params: a, b\nSELECT $a AS a\n", None),
    ("two statements", "foo", "-- name: foo\n-- Doc.\n-- params: none\nSELECT 1;\nSELECT 2;\n", None),
    ("empty", "foo", "-- name: foo\n-- Doc.\n-- params: none\n\n-- nothing here\n", None),
    ("missing params header", "foo", "-- name: foo\n-- Doc.\nSELECT 1\n", None),
])
def test_malformed_query_files_name_file_and_line(tmp_path, case, name, text, line):
    path = _write_query(tmp_path / "queries", name, text)
    _write_query(tmp_path / "queries", "fine", "-- name: fine\n-- A good one.\n-- params: none\nSELECT 1\n")
    with pytest.raises(QueryFileError) as exc:
        load_queries(tmp_path / "queries")
    message = str(exc.value)
    if line is None:
        assert re.search(re.escape(str(path)) + r":\d+:", message), message
    else:
        assert f"{path}:{line}:" in message
    if case == "used but not declared":
        assert "$b" in message
    if case == "declared but unused":
        assert "'b'" in message and "'a'" not in message


def test_semicolons_and_dollars_inside_strings_and_comments_are_fine(tmp_path):
    folder = tmp_path / "queries"
    _write_query(folder, "tricky", "-- name: tricky\n-- Strings may hold ; and $x.\n-- params: y\n"
                                   "SELECT ';' AS a, '$x' AS b, $y AS c -- a comment; with $z\n;\n")
    loaded = load_queries(folder)
    assert loaded["tricky"].params == ("y",)


def test_run_refuses_missing_extra_and_unknown(demo_db):
    params = Filter.for_year(YEAR).params()
    missing = dict(params)
    del missing["channels"]
    with pytest.raises(FeltkartError) as exc:
        queries.run(demo_db, "totals", **missing)
    assert exc.value.key == "query.params"
    with pytest.raises(FeltkartError) as exc:
        queries.run(demo_db, "totals", **params, extra=1)
    assert exc.value.key == "query.params"
    with pytest.raises(FeltkartError) as exc:
        queries.run(demo_db, "places", year_start=datetime(2023, 1, 1))
    assert exc.value.key == "query.params"
    with pytest.raises(FeltkartError) as exc:
        queries.run(demo_db, "no_such_query")
    assert exc.value.key == "query.unknown"


# --- each named query on the demo ---------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED_COLUMNS))
def test_query_returns_expected_columns(demo_db, name):
    frame = queries.run(demo_db, name, **_params_for(name))
    expected = EXPECTED_COLUMNS[name]
    assert [c for c in frame.columns if c in expected] == expected  # all there, in this order
    assert len(frame) > 0


def test_totals_equal_areas_plus_online(demo_db):
    flt = Filter.for_year(YEAR)
    totals = queries.run_filtered(demo_db, "totals", flt).iloc[0]
    by_area = queries.run_filtered(demo_db, "hits_by_area", flt)
    online = _total(demo_db, channels=ONLINE)
    assert online == 463 + 310 + 190
    assert int(totals["hits"]) == int(by_area["hits"].sum()) + online
    assert (by_area["hits"] == by_area["hits_street"] + by_area["hits_school"]).all()
    assert list(by_area["area_id"]) == list(vocab.AREA_IDS)
    assert int(totals["hits_online"]) == _total(demo_db, channels=("internet", "social"))
    assert int(totals["hits_13_15"]) == _total(demo_db, age_bands=("13-15",))
    assert 0 < int(totals["active_hotspots"]) <= 43
    assert 300 <= int(totals["active_days"]) <= 365


def test_hits_by_hotspot_add_up_to_totals_minus_free_points(demo_db):
    flt = Filter.for_year(YEAR, channels=("street", "school"))
    by_hotspot = queries.run_filtered(demo_db, "hits_by_hotspot", flt)
    total = _total(demo_db, channels=("street", "school"))
    assert total == 33636
    free = _sql(demo_db, "SELECT coalesce(sum(youth_count), 0) FROM contacts WHERE hotspot_id IS NULL "
                         "AND channel IN ('street', 'school') AND year(occurred_at) = 2023")[0][0]
    assert free > 0
    assert int(by_hotspot["hits"].sum()) == total - free
    assert by_hotspot["hits"].is_monotonic_decreasing
    assert by_hotspot["hotspot_id"].is_unique
    assert by_hotspot.iloc[0]["hotspot_id"] == "lillestrom-stasjon"


def test_area_filter_narrows_to_that_area(demo_db):
    flt = Filter.for_year(YEAR, areas=("fetsund",))
    by_area = queries.run_filtered(demo_db, "hits_by_area", flt)
    assert list(by_area["area_id"]) == ["fetsund"]
    by_hotspot = queries.run_filtered(demo_db, "hits_by_hotspot", flt)
    assert len(by_hotspot) > 0 and set(by_hotspot["area_id"]) == {"fetsund"}
    assert _total(demo_db, areas=("fetsund",)) == int(by_area["hits"].iloc[0]) < _total(demo_db)


def test_kind_filter_keeps_only_that_kind(demo_db):
    by_hotspot = queries.run_filtered(demo_db, "hits_by_hotspot", Filter.for_year(YEAR, kinds=("school",)))
    assert len(by_hotspot) > 5 and set(by_hotspot["kind"]) == {"school"}
    school_spots = _total(demo_db, kinds=("school",))
    assert school_spots == int(by_hotspot["hits"].sum())
    assert school_spots < _total(demo_db)


@pytest.mark.parametrize("field, values", [
    ("age_bands", tuple(vocab.AGE_BANDS)),
    ("genders", tuple(vocab.GENDERS)),
    ("channels", tuple(vocab.CHANNELS)),
    ("areas", tuple(vocab.AREA_IDS)),
])
def test_dimension_filters_partition_the_total(demo_db, field, values):
    everything = _total(demo_db)
    parts = {value: _total(demo_db, **{field: (value,)}) for value in values}
    online = _total(demo_db, channels=ONLINE) if field == "areas" else 0  # online has no area
    assert sum(parts.values()) + online == everything
    assert all(part < everything for part in parts.values())
    assert sum(1 for part in parts.values() if part > 0) >= 2
    # selecting every value is the same as selecting none (except areas, which leave online out)
    assert _total(demo_db, **{field: values}) == everything - online


def test_combined_filters_intersect(demo_db):
    both = _total(demo_db, genders=("girl",), age_bands=("13-15",))
    assert 0 < both < min(_total(demo_db, genders=("girl",)), _total(demo_db, age_bands=("13-15",)))
    expected = _sql(demo_db, "SELECT sum(youth_count) FROM contacts WHERE gender = 'girl' AND age_band = '13-15' "
                             "AND year(occurred_at) = 2023")[0][0]
    assert both == expected


def test_weekday_hour_cells_sum_to_totals(demo_db):
    flt = Filter.for_year(YEAR)
    cells = queries.run_filtered(demo_db, "weekday_hour", flt)
    assert int(cells["hits"].sum()) == _total(demo_db)
    assert cells["weekday"].between(1, 7).all() and cells["hour"].between(0, 23).all()
    assert set(cells["weekday"]) == set(range(1, 8))
    assert not cells.duplicated(["weekday", "hour"]).any()


def test_monthly_series_sums_to_totals(demo_db):
    series = queries.run_filtered(demo_db, "monthly_series", Filter.for_year(YEAR))
    assert int(series["hits"].sum()) == _total(demo_db)
    months = sorted(set(pd.to_datetime(series["month"])))
    assert months == list(pd.date_range("2023-01-01", "2023-12-01", freq="MS"))
    assert set(series["channel"]) == set(vocab.CHANNELS)


def test_hits_breakdown_each_dimension_sums_to_totals(demo_db):
    breakdown = queries.run_filtered(demo_db, "hits_breakdown", Filter.for_year(YEAR))
    total = _total(demo_db)
    assert set(breakdown["dimension"]) == {"channel", "age_band", "gender", "area_id"}
    for dimension, part in breakdown.groupby("dimension"):
        assert int(part["hits"].sum()) == total, dimension
    channels = breakdown[breakdown["dimension"] == "channel"]
    assert set(channels["key"]) == set(vocab.CHANNELS)
    areas = breakdown[breakdown["dimension"] == "area_id"]
    assert int(areas[areas["key"].isna()]["hits"].sum()) == _total(demo_db, channels=ONLINE)
    street_school = dict(zip(channels["key"], channels["hits"]))
    assert street_school["street"] + street_school["school"] == 33636


def test_filtered_queries_respect_the_period_edges(demo_db):
    """A one-day filter covers that whole day (to 23:59) and nothing of the next."""
    day = date(2023, 12, 29)
    got = int(queries.run_filtered(demo_db, "totals", Filter(day, day))["hits"].iloc[0])
    expected = _sql(demo_db, "SELECT sum(youth_count) FROM contacts WHERE CAST(occurred_at AS DATE) = $d",
                    {"d": day})[0][0]
    assert got == expected > 0


# --- trend notes --------------------------------------------------------------------------------

def test_trend_notes_period_overlap(demo_db):
    assert len(queries.run(demo_db, "trend_notes", **_note_params(date(2022, 1, 1), date(2022, 12, 31)))) == 0
    all_2023 = queries.run(demo_db, "trend_notes", **_note_params())
    assert len(all_2023) > 0
    assert (all_2023["period_start"] <= pd.Timestamp("2023-12-31")).all()
    assert (all_2023["period_end"] >= pd.Timestamp("2023-01-01")).all()
    # one day inside the Bingsfoss summer 2024 note and nothing else's period
    one_day = queries.run(demo_db, "trend_notes", **_note_params(date(2024, 7, 15), date(2024, 7, 15)))
    assert list(one_day["hotspot_id"]) == ["bingsfoss-stranda"]
    # a period that merely touches the note's last day still overlaps
    touching = queries.run(demo_db, "trend_notes", **_note_params(date(2024, 8, 31), date(2024, 8, 31)))
    assert "bingsfoss-stranda" in set(touching["hotspot_id"])


def test_trend_notes_shareable_only_excludes_internal(demo_db):
    everything = queries.run(demo_db, "trend_notes", **_note_params(date(2022, 1, 1), date(2026, 12, 31)))
    shared = queries.run(demo_db, "trend_notes", **_note_params(date(2022, 1, 1), date(2026, 12, 31),
                                                                shareable_only=True))
    assert shared["shareable"].all()
    assert 0 < len(shared) < len(everything)
    assert set(shared["id"]) == set(everything[everything["shareable"]]["id"])


@pytest.fixture
def notes_db(fresh_db) -> Database:
    """A tiny database with notes for one area, another area, one hotspot and the whole municipality."""
    fresh_db.migrate()
    at = now_local()
    with fresh_db.write() as con:
        con.execute("INSERT INTO areas VALUES ('fetsund', 'Fetsund', 3, '{}', 0, 0, 1, 1), "
                    "('skedsmokorset', 'Skedsmokorset', 1, '{}', 0, 0, 1, 1)")
        con.execute("INSERT INTO hotspots (id, name, kind, area_id, lon, lat) "
                    "VALUES ('tientjern', 'Tientjern', 'beach', 'fetsund', 11.1, 59.9)")
        for area_id, hotspot_id, body, shareable in (
            ("fetsund", None, "area fetsund", True),
            ("skedsmokorset", None, "area skedsmokorset", True),
            (None, "tientjern", "hotspot in fetsund", False),
            (None, None, "whole municipality", True),
        ):
            con.execute("INSERT INTO trend_notes (period_start, period_end, area_id, hotspot_id, tags, body, "
                        "author, shareable, created_at, updated_at) VALUES "
                        "('2023-01-01', '2023-12-31', $a, $h, ['gathering'], $b, 'Feltteam', $s, $t, $t)",
                        {"a": area_id, "h": hotspot_id, "b": body, "s": shareable, "t": at})
    return fresh_db


def test_trend_notes_area_filter_keeps_municipality_wide_notes(notes_db):
    got = queries.run(notes_db, "trend_notes", **_note_params(area_ids=["fetsund"]))
    assert set(got["body"]) == {"area fetsund", "hotspot in fetsund", "whole municipality"}
    assert set(got.loc[got["body"] == "hotspot in fetsund", "area_id"]) == {"fetsund"}
    got = queries.run(notes_db, "trend_notes", **_note_params(area_ids=["skedsmokorset"], shareable_only=True))
    assert set(got["body"]) == {"area skedsmokorset", "whole municipality"}
    assert len(queries.run(notes_db, "trend_notes", **_note_params())) == 4


# --- annual report, range and places ------------------------------------------------------------

def test_annual_report_unallocated_2023(demo_db):
    unallocated = queries.run(demo_db, "annual_report_unallocated", **_year_params())
    assert int(unallocated["hits"].sum()) == 3733
    assert set(unallocated["channel"]) <= {"street", "school"}
    rows = queries.run(demo_db, "annual_report", **_year_params())
    assert len(rows) == 18 and int(rows["hits"].sum()) == 29903


def test_data_range(demo_db):
    first_day, last_day, registrations = queries.run(demo_db, "data_range").iloc[0]
    assert pd.Timestamp(first_day).date() == date(2022, 1, 1)
    # the demo runs until 2026-11-27 09:00; the last registration is that morning or the evening before
    assert date(2026, 11, 26) <= pd.Timestamp(last_day).date() <= date(2026, 11, 27)
    latest = _sql(demo_db, "SELECT max(occurred_at), count(*) FROM contacts")[0]
    assert pd.Timestamp(last_day).date() == latest[0].date()
    assert registrations == latest[1]


def test_places(demo_db):
    places = queries.run(demo_db, "places")
    assert len(places) == 43
    assert places["id"].is_unique
    assert {"lillestrom-stasjon", "strommen-storsenter", "stav-skole"} <= set(places["id"])
    assert set(places["kind"]) <= set(vocab.HOTSPOT_KINDS)
    assert set(places["area_id"]) == set(vocab.AREA_IDS)
    order = [vocab.AREA_IDS.index(a) for a in places["area_id"]]
    assert order == sorted(order)


def test_staffing_plan_query(demo_db):
    plan = queries.run(demo_db, "staffing_plan")
    assert list(plan["season"].unique()) == ["winter", "summer"]
    assert len(plan) == 24


# --- Filter -------------------------------------------------------------------------------------

@pytest.mark.parametrize("selection, field", [
    ({"areas": ("Atlantis!",)}, "area"),  # area ids must be slugs (which exist is the database's business)
    ({"hotspots": ("../etc",)}, "hotspot"),
    ({"kinds": ("castle",)}, "kind"),
    ({"age_bands": ("25-30",)}, "age"),
    ({"genders": ("x",)}, "gender"),
    ({"channels": ("tiktok",)}, "channel"),
    ({"areas": ("fetsund", "Fetsund")}, "area"),  # ids are case-sensitive
])
def test_filter_refuses_unknown_values(selection, field):
    with pytest.raises(FeltkartError) as exc:
        Filter.for_year(YEAR, **selection)
    assert exc.value.key == "filter.bad_value"
    assert exc.value.params["field"] == field


def test_filter_refuses_end_before_start():
    with pytest.raises(FeltkartError) as exc:
        Filter(date(2023, 5, 2), date(2023, 5, 1))
    assert exc.value.key == "filter.bad_period"
    assert Filter(date(2023, 5, 1), date(2023, 5, 1)).days == 1


def test_filter_drops_duplicates_and_keeps_order():
    flt = Filter.for_year(YEAR, areas=("sorumsand", "fetsund", "sorumsand"), channels=["street", "street"])
    assert flt.areas == ("sorumsand", "fetsund")
    assert flt.channels == ("street",)
    assert flt.params()["area_ids"] == ["sorumsand", "fetsund"]


def test_filter_params():
    params = Filter(date(2023, 2, 27), date(2023, 2, 28), genders=("girl",)).params()
    assert set(params) == set(FILTER_PARAMS)
    assert params["start_ts"] == datetime(2023, 2, 27, 0, 0)
    assert params["end_ts"] == datetime(2023, 3, 1, 0, 0)
    assert params["genders"] == ["girl"]
    assert params["area_ids"] == [] and params["channels"] == []
    assert Filter.for_year(2024).params()["end_ts"] == datetime(2025, 1, 1)


def test_sql_injection_through_filter_values_is_impossible(demo_db):
    with pytest.raises(FeltkartError) as exc:
        Filter.for_year(YEAR, areas=(INJECTION,))
    assert exc.value.key == "filter.bad_value"
    before = _sql(demo_db, "SELECT count(*) FROM contacts")[0][0]
    notes = queries.run(demo_db, "trend_notes", **_note_params(area_ids=[INJECTION]))
    assert len(notes) == 0  # the value is compared as data: no area has that id
    params = {**Filter.for_year(YEAR).params(), "area_ids": [INJECTION]}
    assert int(queries.run(demo_db, "totals", **params)["hits"].iloc[0]) == 0
    assert _sql(demo_db, "SELECT count(*) FROM contacts")[0][0] == before > 0
