"""Tests for the demo generator: calibration to the 2023 report, time patterns, determinism."""

from __future__ import annotations

import csv
from datetime import date, datetime, time

import pandas as pd
import pytest
import shapely

from tests.conftest import DEMO_UNTIL
from dashboard import calendar_no, demo, queries
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.geo import load_areas
from dashboard.places import load_bundled
from dashboard.seed import build_demo

ONLINE = ("internet", "social", "gaming")


def _df(db: Database, sql: str, params=None) -> pd.DataFrame:
    with db.read() as con:
        return con.execute(sql, params or {}).df()


def _scalar(db: Database, sql: str, params=None):
    with db.read() as con:
        return con.execute(sql, params or {}).fetchall()[0][0]


def _year_hits(db: Database, year: int, where: str = "true") -> int:
    return int(_scalar(db, f"SELECT coalesce(sum(youth_count), 0) FROM contacts "
                           f"WHERE year(occurred_at) = {year} AND {where}"))


def _annual_rows(db: Database, year: int) -> pd.DataFrame:
    return queries.run(db, "annual_report", year_start=datetime(year, 1, 1), year_end=datetime(year + 1, 1, 1))


@pytest.fixture(scope="module")
def generator_inputs():
    areas, hotspots, report_rows = load_bundled()
    return report_rows, demo.Places.from_geodata(hotspots, areas)


# --- calibration to the 2023 report -------------------------------------------------------------

def test_2023_report_rows_reproduce_the_published_table(demo_db, shared_dir):
    with open(shared_dir / "domain/hits_2023.csv", encoding="utf-8", newline="") as handle:
        published = [(r["area"], r["report_row"], int(r["hits"])) for r in csv.DictReader(handle)]
    assert len(published) == 18
    rows = _annual_rows(demo_db, 2023)
    got = [(r.area, r.row, int(r.hits)) for r in rows.itertuples()]
    assert got == published


def test_2023_headline_figures(demo_db):
    assert _year_hits(demo_db, 2023, "channel IN ('street', 'school')") == 33636
    assert _year_hits(demo_db, 2023, "channel = 'internet'") == 463
    assert int(_annual_rows(demo_db, 2023)["hits"].sum()) == 29903
    unallocated = queries.run(demo_db, "annual_report_unallocated",
                              year_start=datetime(2023, 1, 1), year_end=datetime(2024, 1, 1))
    assert int(unallocated["hits"].sum()) == 3733


def test_2023_is_up_almost_42_percent_from_2022(demo_db):
    street_school = "channel IN ('street', 'school')"
    ratio = _year_hits(demo_db, 2023, street_school) / _year_hits(demo_db, 2022, street_school)
    assert 1.38 <= ratio <= 1.45


def test_2022_registered_no_age(demo_db):
    bands = _df(demo_db, "SELECT age_band, sum(youth_count) AS hits FROM contacts "
                         "WHERE year(occurred_at) = 2022 GROUP BY age_band")
    assert bands["hits"].sum() > 20000
    assert set(bands["age_band"]) == {"unknown"}, dict(zip(bands["age_band"], bands["hits"]))


def test_2023_age_bands_peak_at_13_15(demo_db):
    bands = _df(demo_db, "SELECT age_band, sum(youth_count) AS hits FROM contacts "
                         "WHERE year(occurred_at) = 2023 GROUP BY age_band ORDER BY hits DESC")
    assert bands.iloc[0]["age_band"] == "13-15"
    assert set(bands["age_band"]) == {"u13", "13-15", "16-18", "19-24", "unknown"}
    known = bands[bands["age_band"] != "unknown"]["hits"].sum()
    assert known / bands["hits"].sum() > 0.9


def test_boys_and_girls_both_well_represented(demo_db):
    genders = _df(demo_db, "SELECT gender, sum(youth_count) AS hits FROM contacts GROUP BY gender")
    share = dict(zip(genders["gender"], genders["hits"] / genders["hits"].sum()))
    assert share["boy"] >= 0.35 and share["girl"] >= 0.35


# --- time patterns ------------------------------------------------------------------------------

def test_school_field_only_on_school_days_within_school_hours(demo_db):
    school = _df(demo_db, "SELECT DISTINCT occurred_at FROM contacts WHERE channel = 'school'")["occurred_at"]
    assert len(school) > 1000
    days = sorted(set(school.dt.date))
    not_school_days = [d for d in days if not calendar_no.is_school_day(d)]
    assert not_school_days == []
    times = school.dt.time
    assert times.min() >= time(8, 30) and times.max() <= time(15, 30)


def test_street_field_follows_evening_and_late_shifts(demo_db):
    """Evening shifts start 15:30 at the earliest; Friday/Saturday late shifts end by 00:55."""
    street = _df(demo_db, "SELECT occurred_at FROM contacts WHERE channel = 'street'")["occurred_at"]
    minute = street.dt.hour * 60 + street.dt.minute
    assert not minute.between(60, 15 * 60 + 29).any(), "street registrations between 01:00 and 15:29"
    after_midnight = street[minute < 60]
    assert len(after_midnight) > 0
    # after midnight only at the end of a Friday or Saturday late shift (so on Saturday or Sunday)
    assert set(after_midnight.dt.isocalendar().day) <= {6, 7}


def test_fridays_and_saturdays_are_later(demo_db):
    late = _df(demo_db, """
        SELECT isodow(occurred_at) IN (5, 6) AS weekend_night,
               sum(youth_count) FILTER (WHERE hour(occurred_at) >= 22) / sum(youth_count) AS late_share
        FROM contacts
        WHERE channel = 'street' AND isodow(occurred_at) BETWEEN 1 AND 6
        GROUP BY ALL""")
    share = dict(zip(late["weekend_night"], late["late_share"]))
    assert share[True] > 2 * share[False]


def test_beaches_only_in_summer(demo_db):
    months = _df(demo_db, "SELECT DISTINCT month(c.occurred_at) AS m FROM contacts c "
                          "JOIN hotspots h ON h.id = c.hotspot_id WHERE h.kind = 'beach'")["m"]
    assert len(months) > 0
    assert set(months) <= {6, 7, 8}


def test_lillestrom_stasjon_busy_all_year_2023(demo_db):
    months = _df(demo_db, "SELECT DISTINCT month(occurred_at) AS m FROM contacts "
                          "WHERE hotspot_id = 'lillestrom-stasjon' AND year(occurred_at) = 2023")["m"]
    assert sorted(months) == list(range(1, 13))


def test_places_change_over_the_years(demo_db):
    bingsfoss = "hotspot_id = 'bingsfoss-stranda'"
    assert 0 < _year_hits(demo_db, 2025, bingsfoss) < _year_hits(demo_db, 2023, bingsfoss)
    kjeller_street = "hotspot_id = 'kjeller-skole' AND channel = 'street'"
    assert _year_hits(demo_db, 2025, kjeller_street) > _year_hits(demo_db, 2023, kjeller_street) > 0


# --- determinism --------------------------------------------------------------------------------

def test_same_seed_same_data_other_seed_other_data(generator_inputs):
    report_rows, places = generator_inputs
    until = datetime(2022, 3, 1)
    first = demo.generate_contacts(report_rows, places, seed=11, until=until)
    again = demo.generate_contacts(report_rows, places, seed=11, until=until)
    other = demo.generate_contacts(report_rows, places, seed=12, until=until)
    assert len(first) > 100
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    assert first["occurred_at"].max() <= pd.Timestamp(until)


def test_2023_does_not_depend_on_until(demo_db, generator_inputs):
    report_rows, places = generator_inputs
    short = demo.generate_contacts(report_rows, places, seed=demo.DEFAULT_SEED, until=datetime(2024, 6, 1))
    short_2023 = short[short["occurred_at"].dt.year == 2023]
    got = (short_2023.assign(hotspot_id=short_2023["hotspot_id"].fillna("-"))
           .groupby(["hotspot_id", "channel"])["youth_count"].agg(["sum", "count"]))
    stored = _df(demo_db, "SELECT coalesce(hotspot_id, '-') AS hotspot_id, channel, sum(youth_count) AS sum, "
                          "count(*) AS count FROM contacts WHERE year(occurred_at) = 2023 GROUP BY ALL")
    stored = stored.set_index(["hotspot_id", "channel"]).sort_index()
    pd.testing.assert_frame_equal(got.sort_index().astype("int64"), stored.astype("int64"))
    assert short["occurred_at"].max() <= pd.Timestamp(2024, 6, 1)


def test_nothing_after_until(demo_db):
    latest = _scalar(demo_db, "SELECT max(occurred_at) FROM contacts")
    assert latest <= DEMO_UNTIL
    assert latest >= DEMO_UNTIL - pd.Timedelta(days=2)  # and the data runs right up to it


# --- shape of the registrations ---------------------------------------------------------------

def test_registrations_are_team_tallies(demo_db):
    assert _scalar(demo_db, "SELECT min(youth_count) FROM contacts") >= 1
    assert _scalar(demo_db, "SELECT max(youth_count) FROM contacts") > 1
    shared = _scalar(demo_db, "SELECT count(*) FROM (SELECT occurred_at, hotspot_id, team FROM contacts "
                              "WHERE hotspot_id IS NOT NULL GROUP BY ALL HAVING count(*) > 1)")
    assert shared > 100
    assert _scalar(demo_db, "SELECT count(*) FROM contacts WHERE team IS NULL OR team = ''") == 0


def test_free_points_lie_inside_their_area(demo_db):
    points = _df(demo_db, "SELECT area_id, lon, lat FROM contacts WHERE hotspot_id IS NULL AND channel = 'street'")
    assert len(points) > 100
    assert points[["area_id", "lon", "lat"]].notna().all().all()
    polygons = load_areas().set_index("id").geometry
    outside = {area_id: int((~shapely.contains_xy(polygons[area_id], group["lon"], group["lat"])).sum())
               for area_id, group in points.groupby("area_id")}
    assert set(outside) == set(polygons.index)
    assert sum(outside.values()) == 0, outside


def test_hotspot_registrations_carry_their_hotspots_area(demo_db):
    mismatched = _scalar(demo_db, "SELECT count(*) FROM contacts c JOIN hotspots h ON h.id = c.hotspot_id "
                                  "WHERE c.area_id IS DISTINCT FROM h.area_id")
    assert mismatched == 0
    unknown = _scalar(demo_db, "SELECT count(*) FROM contacts c WHERE hotspot_id IS NOT NULL "
                               "AND hotspot_id NOT IN (SELECT id FROM hotspots)")
    assert unknown == 0


def test_online_contacts_have_no_place(demo_db):
    online = _df(demo_db, "SELECT channel, area_id, hotspot_id, lon, lat FROM contacts "
                          "WHERE channel IN ('internet', 'social', 'gaming')")
    assert set(online["channel"]) == set(ONLINE)
    assert online[["area_id", "hotspot_id", "lon", "lat"]].isna().all().all()


# --- staffing plan and notes -------------------------------------------------------------------

def test_staffing_plan_holds_the_reports_plan(demo_db):
    plan = _df(demo_db, "SELECT * FROM staffing_plan")
    teams = {(r.season, r.weekday, r.shift): (r.teams_min, r.teams_max) for r in plan.itertuples()}
    times = {(r.weekday, r.shift): (r.shift_start, r.shift_end) for r in plan.itertuples()}
    assert teams[("winter", 2, "day")] == (3, 4)
    assert teams[("winter", 1, "day")] == (2, 3)
    assert teams[("winter", 7, "evening")] == (1, 2)
    assert teams[("winter", 5, "late")] == (1, 2)
    assert teams[("winter", 6, "late")] == (1, 2)
    assert teams[("winter", 3, "evening")] == (2, 3)
    assert times[(5, "late")] == (time(16, 0), time(1, 0))
    assert times[(2, "day")] == (time(8, 30), time(15, 30))
    assert times[(1, "evening")] == (time(14, 30), time(22, 15))
    # no day shift at weekends, no late shift Sunday to Thursday
    assert not [k for k in teams if k[2] == "day" and k[1] in (6, 7)]
    assert not [k for k in teams if k[2] == "late" and k[1] not in (5, 6)]
    assert ("winter", 6, "evening") not in teams and ("winter", 5, "evening") not in teams
    # summer: one more team at weekends and on weekday evenings, none more on the day shift
    for (season, weekday, shift), (low, high) in teams.items():
        if season != "summer":
            continue
        extra = 0 if shift == "day" else 1
        assert (low, high) == tuple(v + extra for v in teams[("winter", weekday, shift)]), (weekday, shift)
    assert len(teams) == 24


def test_trend_notes(demo_db):
    notes = _df(demo_db, "SELECT * FROM trend_notes")
    assert len(notes) >= 12
    assert (notes["area_id"].notna() | notes["hotspot_id"].notna()).all()
    assert all(len(tags) >= 1 for tags in notes["tags"])
    assert (notes["period_end"] >= notes["period_start"]).all()
    assert notes["author"].str.strip().str.len().gt(0).all()
    assert notes["body"].str.strip().str.len().gt(20).all()
    assert set(notes["shareable"]) == {True, False}
    places = set(_df(demo_db, "SELECT id FROM hotspots")["id"])
    assert set(notes["hotspot_id"].dropna()) <= places


# --- build_demo guards real data ---------------------------------------------------------------

def test_build_demo_refuses_to_overwrite_imported_data(fresh_db):
    until = datetime(2022, 2, 1)
    summary = build_demo(fresh_db, until=until)
    assert summary.first_day == date(2022, 1, 1) and summary.last_day <= until.date()
    with fresh_db.write() as con:
        con.execute("INSERT INTO import_batches (kind, source_name, created_at) "
                    "VALUES ('file', 'soma-2024.csv', TIMESTAMP '2024-01-10 10:00')")
        con.execute("INSERT INTO contacts (occurred_at, area_id, channel, age_band, gender, youth_count, batch_id) "
                    "VALUES (TIMESTAMP '2024-01-09 19:00', 'fetsund', 'street', '13-15', 'boy', 2, 999)")
    before = _scalar(fresh_db, "SELECT count(*) FROM contacts")
    version = fresh_db.data_version()

    with pytest.raises(FeltkartError) as exc:
        build_demo(fresh_db, until=until)
    assert exc.value.key == "demo.has_real_data"
    assert _scalar(fresh_db, "SELECT count(*) FROM contacts") == before
    assert _scalar(fresh_db, "SELECT count(*) FROM contacts WHERE batch_id = 999") == 1
    assert fresh_db.data_version() == version

    build_demo(fresh_db, until=until, force=True)
    assert _scalar(fresh_db, "SELECT count(*) FROM import_batches WHERE kind = 'file'") == 0
    assert _scalar(fresh_db, "SELECT count(*) FROM contacts WHERE batch_id = 999") == 0
    assert fresh_db.data_version() > version
