"""Filter <-> URL: the round trip, defaults left out, lenient parsing with warnings, the period
presets, the comparison period and the SQL parameter names."""

from __future__ import annotations

import itertools
import random
import string
from datetime import date, datetime, timedelta

import pytest

from dashboard import vocab
from dashboard.errors import FeltkartError
from dashboard.filters import (
    DEFAULT_COMPARE,
    FILTER_PARAMS,
    LIST_KEYS,
    Filter,
    default_filter,
    from_query_params,
    period_presets,
    preset_of,
    to_query_params,
)

TODAY = date(2026, 11, 27)
HOTSPOT_SLUGS = ("lillestrom-stasjon", "kjeller-skole", "bingsfoss-stranda", "tientjern", "a", "x-1-2", "9lives")
TODAYS = (date(2026, 11, 27), date(2026, 3, 1), date(2024, 2, 29), date(2026, 8, 18), date(2026, 8, 17),
          date(2026, 6, 1), date(2026, 7, 10), date(2026, 1, 1), date(2026, 12, 31), date(2025, 6, 20))


def _random_subset(rng: random.Random, values) -> tuple[str, ...]:
    values = list(values)
    chosen = rng.sample(values, rng.randint(0, len(values)))
    return tuple(chosen)


def _random_filter(rng: random.Random, today: date) -> Filter:
    presets = period_presets(today)
    roll = rng.random()
    if roll < 0.2:
        start, end = default_filter(today).start, default_filter(today).end
    elif roll < 0.5:
        start, end = rng.choice(list(presets.values()))
    else:
        start = date(2019, 1, 1) + timedelta(days=rng.randint(0, (today - date(2019, 1, 1)).days))
        end = start + timedelta(days=rng.randint(0, (today - start).days))
    return Filter(
        start, end,
        areas=_random_subset(rng, vocab.AREA_IDS),
        kinds=_random_subset(rng, vocab.HOTSPOT_KINDS),
        age_bands=_random_subset(rng, vocab.AGE_BANDS),
        genders=_random_subset(rng, vocab.GENDERS),
        channels=_random_subset(rng, vocab.CHANNELS),
        compare=rng.choice(list(vocab.COMPARISONS)),
    )


# --- round trip ---------------------------------------------------------------------------------

@pytest.mark.parametrize("today", [TODAY, date(2024, 2, 29), date(2026, 8, 18)], ids=str)
def test_round_trip_over_random_filters(today):
    rng = random.Random(20261127 + today.toordinal())
    for _ in range(400):
        flt = _random_filter(rng, today)
        params = to_query_params(flt, today)
        assert all(isinstance(v, str) for v in params.values()), params
        back, warnings = from_query_params(params, today)
        assert warnings == [], (flt, params)
        assert back == flt, (flt, params)


def test_round_trip_over_every_single_selection():
    """Each single id of each vocabulary, with each comparison, survives the URL alone."""
    for (key, (name, valid)), compare in itertools.product(LIST_KEYS.items(), vocab.COMPARISONS):
        for value in (valid if valid is not None else vocab.AREA_IDS):  # areas: the bundled ones
            flt = Filter(date(2023, 1, 1), date(2023, 12, 31), compare=compare, **{name: (value,)})
            params = to_query_params(flt, TODAY)
            assert params[key] == value
            assert from_query_params(params, TODAY) == (flt, [])


def test_round_trip_keeps_the_order_of_the_selection():
    flt = Filter(date(2023, 1, 1), date(2023, 6, 30), areas=("sorumsand", "fetsund"), channels=("school", "street"))
    params = to_query_params(flt, TODAY)
    assert params["area"] == "sorumsand,fetsund"
    assert params["channel"] == "school,street"
    assert from_query_params(params, TODAY)[0] == flt


def test_hotspots_are_set_by_pages_not_by_the_url():
    """``hotspot`` in the URL is the map page's selected place, not a filter of every page."""
    flt = Filter(date(2023, 1, 1), date(2023, 6, 30), hotspots=("tientjern",))
    assert "hotspot" not in to_query_params(flt, TODAY)
    assert from_query_params({"hotspot": "tientjern"}, TODAY) == (default_filter(TODAY), [])


# --- defaults are left out -----------------------------------------------------------------------

@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_default_filter_gives_an_empty_url(today):
    assert to_query_params(default_filter(today), today) == {}
    assert from_query_params({}, today) == (default_filter(today), [])


def test_only_non_default_values_are_in_the_url():
    default = default_filter(TODAY)
    assert default.compare == DEFAULT_COMPARE == "last_year"
    assert to_query_params(Filter(default.start, default.end, compare="none"), TODAY) == {"compare": "none"}
    assert to_query_params(Filter(default.start, default.end, compare="previous"), TODAY) == {"compare": "previous"}
    assert to_query_params(Filter(default.start, default.end, genders=("girl",)), TODAY) == {"gender": "girl"}
    # a period other than the default: both ends are written, the default comparison is not
    assert to_query_params(Filter(date(2023, 1, 1), date(2023, 12, 31)), TODAY) == {
        "from": "2023-01-01", "to": "2023-12-31"}
    # the default of one day is not the default of another
    assert to_query_params(default_filter(date(2026, 3, 1)), TODAY) == {"from": "2026-01-01", "to": "2026-03-01"}


# --- lenient parsing ----------------------------------------------------------------------------

def test_repeated_keys_take_the_last_value():
    flt, warnings = from_query_params({"area": ["fetsund", "sorumsand"], "from": ["2022-01-01", "2023-02-01"],
                                       "to": ["2023-01-31", "2023-02-28"], "compare": ["none", "previous"]}, TODAY)
    assert warnings == []
    assert flt.areas == ("sorumsand",)
    assert (flt.start, flt.end) == (date(2023, 2, 1), date(2023, 2, 28))
    assert flt.compare == "previous"


def test_lists_accept_tuples_and_empty_lists():
    flt, warnings = from_query_params({"channel": ("internet", "street,school"), "age": []}, TODAY)
    assert warnings == []
    assert flt.channels == ("street", "school")
    assert flt.age_bands == ()


def test_spaces_empty_items_and_duplicates_are_tolerated():
    flt, warnings = from_query_params({"area": " fetsund , ,sorumsand,fetsund,", "kind": ""}, TODAY)
    assert warnings == []
    assert flt.areas == ("fetsund", "sorumsand")
    assert flt.kinds == ()


def test_keys_of_other_features_are_ignored_silently():
    flt, warnings = from_query_params({"lang": "en", "basemap": "none", "utm_source": "mail"}, TODAY)
    assert (flt, warnings) == (default_filter(TODAY), [])


@pytest.mark.parametrize("bad", ["2023-13-01", "2023-02-30", "yesterday", "", "27.11.2026", "2023-01-01T10:00", "2023/01/01"])
@pytest.mark.parametrize("key", ["from", "to"])
def test_malformed_dates_give_a_warning_and_the_default(key, bad):
    flt, warnings = from_query_params({key: bad}, TODAY)
    assert {"key": key, "value": bad.strip(), "reason": "bad_date"} in warnings
    assert (flt.start, flt.end) == (default_filter(TODAY).start, default_filter(TODAY).end)


def test_malformed_start_keeps_a_good_end():
    flt, warnings = from_query_params({"from": "nonsense", "to": "2026-06-30"}, TODAY)
    assert [w["reason"] for w in warnings] == ["bad_date"]
    assert (flt.start, flt.end) == (date(2026, 1, 1), date(2026, 6, 30))


def test_end_before_start_falls_back_to_the_default_period():
    flt, warnings = from_query_params({"from": "2023-12-31", "to": "2023-01-01", "area": "fetsund"}, TODAY)
    assert warnings == [{"key": "to", "value": "2023-01-01", "reason": "end_before_start"}]
    assert (flt.start, flt.end) == (default_filter(TODAY).start, default_filter(TODAY).end)
    assert flt.areas == ("fetsund",)  # the rest of the link still counts


def test_unknown_ids_are_dropped_one_by_one():
    # Area ids are checked for shape here; which areas exist is checked against the database by the app.
    flt, warnings = from_query_params({"area": "fetsund,Oslo!", "channel": "street,teleport", "age": "13-15,40-50",
                                       "gender": "boy,robot", "kind": "park,moon"}, TODAY)
    assert flt.areas == ("fetsund",) and flt.channels == ("street",) and flt.age_bands == ("13-15",)
    assert flt.genders == ("boy",) and flt.kinds == ("park",)
    assert sorted((w["key"], w["value"], w["reason"]) for w in warnings) == sorted([
        ("area", "Oslo!", "unknown"), ("channel", "teleport", "unknown"), ("age", "40-50", "unknown"),
        ("gender", "robot", "unknown"), ("kind", "moon", "unknown")])


def test_labels_are_not_ids():
    """The URL holds ids: a Norwegian label is an unknown value, not a synonym."""
    flt, warnings = from_query_params({"channel": "Gatefelt"}, TODAY)
    assert flt.channels == () and warnings == [{"key": "channel", "value": "Gatefelt", "reason": "unknown"}]


@pytest.mark.parametrize("bad", ["yesterday", "", "LAST_YEAR", "previous,none"])
def test_bad_compare_gives_a_warning_and_the_default(bad):
    flt, warnings = from_query_params({"compare": bad}, TODAY)
    assert flt.compare == DEFAULT_COMPARE
    assert warnings == [{"key": "compare", "value": bad, "reason": "unknown"}]


def test_garbage_never_raises():
    rng = random.Random(4242)
    alphabet = string.ascii_letters + string.digits + ",-_ .:/%æøå\u00a0<>\"'"
    keys = ["from", "to", "compare", "area", "kind", "age", "gender", "channel", "hotspot", "lang", "basemap"]
    fragments = ["2023-01-01", "2026-11-27", "fetsund", "street", "13-15", "girl", "park", "previous", "none",
                 "tientjern", ",", ""]

    def junk() -> str:
        if rng.random() < 0.5:
            return ",".join(rng.choice(fragments) for _ in range(rng.randint(0, 4)))
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))

    for _ in range(1500):
        params = {}
        for key in rng.sample(keys, rng.randint(0, len(keys))):
            params[key] = [junk() for _ in range(rng.randint(0, 3))] if rng.random() < 0.3 else junk()
        flt, warnings = from_query_params(params, TODAY)
        assert isinstance(flt, Filter)
        assert flt.start <= flt.end
        assert all(set(w) == {"key", "value", "reason"} for w in warnings)
        # what came out goes back into a URL that reads back the same, without warnings
        assert from_query_params(to_query_params(flt, TODAY), TODAY) == (flt, [])


def test_a_period_from_the_url_always_has_a_comparison_period():
    flt, _ = from_query_params({"from": "0001-01-01", "to": "0001-12-31"}, TODAY)
    flt.comparison()  # must not raise
    flt, _ = from_query_params({"from": "0001-01-01", "to": "0001-01-31", "compare": "previous"}, TODAY)
    flt.comparison()


# --- the period presets -------------------------------------------------------------------------

@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_presets_end_no_later_than_today_and_are_ordered(today):
    presets = period_presets(today)
    assert list(presets) == ["this_year", "last_year", "last_12_months", "summer", "school_year"]
    for name, (start, end) in presets.items():
        assert start <= end <= today, (name, start, end)
        Filter(start, end)  # a valid filter period


@pytest.mark.parametrize("today, expected", [
    (date(2026, 11, 27), {"this_year": (date(2026, 1, 1), date(2026, 11, 27)),
                          "last_year": (date(2025, 1, 1), date(2025, 12, 31)),
                          "last_12_months": (date(2025, 11, 28), date(2026, 11, 27)),
                          "summer": (date(2026, 6, 1), date(2026, 8, 31)),
                          "school_year": (date(2026, 8, 18), date(2026, 11, 27))}),
    # before summer and before school start: last year's summer, the school year that began last August
    (date(2026, 3, 1), {"this_year": (date(2026, 1, 1), date(2026, 3, 1)),
                        "last_year": (date(2025, 1, 1), date(2025, 12, 31)),
                        "last_12_months": (date(2025, 3, 2), date(2026, 3, 1)),
                        "summer": (date(2025, 6, 1), date(2025, 8, 31)),
                        "school_year": (date(2025, 8, 18), date(2026, 3, 1))}),
    (date(2024, 2, 29), {"this_year": (date(2024, 1, 1), date(2024, 2, 29)),
                         "last_year": (date(2023, 1, 1), date(2023, 12, 31)),
                         "last_12_months": (date(2023, 3, 1), date(2024, 2, 29)),
                         "summer": (date(2023, 6, 1), date(2023, 8, 31)),
                         "school_year": (date(2023, 8, 18), date(2024, 2, 29))}),
    # the first school day starts the new school year; summer is still running
    (date(2026, 8, 18), {"this_year": (date(2026, 1, 1), date(2026, 8, 18)),
                         "last_year": (date(2025, 1, 1), date(2025, 12, 31)),
                         "last_12_months": (date(2025, 8, 19), date(2026, 8, 18)),
                         "summer": (date(2026, 6, 1), date(2026, 8, 18)),
                         "school_year": (date(2026, 8, 18), date(2026, 8, 18))}),
    # the day before: the last school year, which ended 20 June
    (date(2026, 8, 17), {"this_year": (date(2026, 1, 1), date(2026, 8, 17)),
                         "last_year": (date(2025, 1, 1), date(2025, 12, 31)),
                         "last_12_months": (date(2025, 8, 18), date(2026, 8, 17)),
                         "summer": (date(2026, 6, 1), date(2026, 8, 17)),
                         "school_year": (date(2025, 8, 18), date(2026, 6, 20))}),
    (date(2026, 6, 1), {"this_year": (date(2026, 1, 1), date(2026, 6, 1)),
                        "last_year": (date(2025, 1, 1), date(2025, 12, 31)),
                        "last_12_months": (date(2025, 6, 2), date(2026, 6, 1)),
                        "summer": (date(2026, 6, 1), date(2026, 6, 1)),
                        "school_year": (date(2025, 8, 18), date(2026, 6, 1))}),
], ids=str)
def test_presets_by_hand(today, expected):
    assert period_presets(today) == expected


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_summer_and_school_year_rules(today):
    presets = period_presets(today)
    summer_start, summer_end = presets["summer"]
    assert (summer_start.month, summer_start.day) == (6, 1)
    assert summer_end == min(today, date(summer_start.year, 8, 31))
    assert summer_start.year == (today.year if today >= date(today.year, 6, 1) else today.year - 1)
    school_start, school_end = presets["school_year"]
    assert (school_start.month, school_start.day) == (8, 18)
    assert school_start.year == (today.year if today >= date(today.year, 8, 18) else today.year - 1)
    assert school_end == min(today, date(school_start.year + 1, 6, 20))


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_preset_of_recognises_each_preset(today):
    presets = period_presets(today)
    for name, (start, end) in presets.items():
        found = preset_of(Filter(start, end, areas=("fetsund",), compare="none"), today)
        # two presets can coincide (e.g. on 1 January); the match must then be the same period
        assert presets[found] == (start, end)
        if list(presets.values()).count((start, end)) == 1:
            assert found == name


@pytest.mark.parametrize("start, end", [
    (date(2023, 1, 1), date(2023, 12, 31)), (date(2026, 1, 2), date(2026, 11, 27)),
    (date(2026, 1, 1), date(2026, 11, 26)), (date(2026, 6, 1), date(2026, 8, 30)),
])
def test_preset_of_custom(start, end):
    assert preset_of(Filter(start, end), TODAY) == "custom"


def test_preset_of_depends_on_today():
    flt = Filter(date(2025, 1, 1), date(2025, 12, 31))
    assert preset_of(flt, TODAY) == "last_year"
    assert preset_of(flt, date(2027, 1, 5)) == "custom"


# --- comparison ---------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    (date(2023, 3, 1), date(2023, 3, 31), (date(2023, 1, 29), date(2023, 2, 28))),
    (date(2023, 1, 1), date(2023, 12, 31), (date(2022, 1, 1), date(2022, 12, 31))),
    (date(2024, 3, 1), date(2024, 3, 1), (date(2024, 2, 29), date(2024, 2, 29))),
    (date(2024, 1, 1), date(2024, 12, 31), (date(2022, 12, 31), date(2023, 12, 31))),  # 366 days back
])
def test_previous_period_has_the_same_length_and_ends_the_day_before(start, end, expected):
    flt = Filter(start, end, areas=("fetsund",), channels=("street",), compare="previous")
    before = flt.comparison()
    assert (before.start, before.end) == expected
    assert before.days == flt.days
    assert before.end == flt.start - timedelta(days=1)
    assert (before.areas, before.channels, before.compare) == (flt.areas, flt.channels, flt.compare)


def test_previous_period_over_many_random_periods():
    rng = random.Random(7)
    for _ in range(300):
        start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 2500))
        flt = Filter(start, start + timedelta(days=rng.randint(0, 800)), compare="previous")
        before = flt.comparison()
        assert before.days == flt.days and before.end + timedelta(days=1) == flt.start


@pytest.mark.parametrize("start, end, expected", [
    (date(2023, 1, 1), date(2023, 12, 31), (date(2022, 1, 1), date(2022, 12, 31))),
    (date(2024, 2, 1), date(2024, 2, 29), (date(2023, 2, 1), date(2023, 2, 28))),
    (date(2024, 2, 29), date(2024, 2, 29), (date(2023, 2, 28), date(2023, 2, 28))),
    (date(2024, 2, 29), date(2024, 3, 31), (date(2023, 2, 28), date(2023, 3, 31))),
    (date(2026, 1, 1), date(2026, 11, 27), (date(2025, 1, 1), date(2025, 11, 27))),
])
def test_same_period_last_year(start, end, expected):
    flt = Filter(start, end, kinds=("park",), hotspots=("tientjern",))
    assert flt.compare == "last_year"
    before = flt.comparison()
    assert (before.start, before.end) == expected
    assert (before.kinds, before.hotspots) == (("park",), ("tientjern",))


def test_no_comparison():
    assert Filter(date(2023, 1, 1), date(2023, 12, 31), compare="none").comparison() is None


# --- the filter itself --------------------------------------------------------------------------

def test_params_keys_equal_filter_params():
    flt = Filter(date(2023, 1, 1), date(2023, 12, 31), areas=("fetsund",), hotspots=("tientjern",), kinds=("beach",),
                 age_bands=("13-15",), genders=("girl",), channels=("street",))
    params = flt.params()
    assert tuple(params) == FILTER_PARAMS
    assert params["start_ts"] == datetime(2023, 1, 1) and params["end_ts"] == datetime(2024, 1, 1)
    assert params["area_ids"] == ["fetsund"] and params["hotspot_ids"] == ["tientjern"]
    assert params["hotspot_kinds"] == ["beach"] and params["age_bands"] == ["13-15"]
    assert params["genders"] == ["girl"] and params["channels"] == ["street"]
    assert all(isinstance(params[k], list) for k in FILTER_PARAMS[2:])
    assert set(Filter(date(2023, 1, 1), date(2023, 1, 1)).params()) == set(FILTER_PARAMS)


def test_filter_refuses_bad_input_with_feltkart_errors():
    with pytest.raises(FeltkartError) as exc:
        Filter(date(2023, 2, 1), date(2023, 1, 31))
    assert exc.value.key == "filter.bad_period"
    with pytest.raises(FeltkartError) as exc:
        Filter(date(2023, 1, 1), date(2023, 1, 31), compare="tomorrow")
    assert exc.value.key == "filter.bad_value"
    with pytest.raises(FeltkartError) as exc:
        Filter(date(2023, 1, 1), date(2023, 1, 31), hotspots=("Not A Slug",))
    assert exc.value.key == "filter.bad_value"
