"""The pages under AppTest when one side of a comparison has no data: the demo's registrations
begin 01.01.2022 and end 26.11.2026, so 2022 against 2021 has nothing to compare with. Before,
the pages showed a change "from 0" (e.g. "+24 372") and coloured and ranked every place as a clear
rise; now they say "ingen data i sammenligningsperioden" and colour and rank nothing. And 2026,
whose data ends 26.11, is compared over its days with data with the same days of 2025."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access, hkh, queries
from dashboard.filters import Filter
from tests.test_app import _app as open_app
from tests.test_app import _assert_clean as assert_clean

YEAR_2022 = {"from": "2022-01-01", "to": "2022-12-31"}
NO_DATA = "ingen data i sammenligningsperioden"
NOTE_2022 = ("Ingen endring vises: ingen data i sammenligningsperioden 01.01.2021–31.12.2021 "
             "(registreringene går fra 01.01.2022 til 26.11.2026).")


def _app(page: str | None = None, **query_params) -> AppTest:
    at = open_app(page, **query_params)
    assert_clean(at)
    return at


def _plain(text: str) -> str:
    return text.replace("\\", "")  # markdown escapes


def _infos(at: AppTest) -> list[str]:
    return [_plain(i.value) for i in at.info]


def _map_script(at: AppTest) -> str:
    (found,) = [json.loads(e.proto.json_args)["script"] for e in at.get("component_instance")
                if e.proto.component_name == "streamlit_folium.st_folium"]
    return found


def test_overview_shows_no_change_without_data_in_the_comparison_period(app_db):
    at = _app(**YEAR_2022)
    assert [m.label for m in at.metric][0] == "Kontakt-treff"
    assert all(not m.delta for m in at.metric)  # was "+24 372": a change from nothing
    assert _infos(at).count(NOTE_2022) == 1
    summary = [c.value for c in at.caption if c.value.startswith("I perioden møtte")]
    assert summary and "sammenligningsperioden" not in summary[0]
    script = _map_script(at)
    assert '"change": "none"' in script and '"change": "rise"' not in script and '"change": "fall"' not in script


def test_map_colours_nothing_and_its_table_says_why(app_db):
    at = _app("views/kart.py", basemap="none", **YEAR_2022)
    assert _infos(at).count(NOTE_2022) == 1
    script = _map_script(at)
    assert '"change": "rise"' not in script and '"change": "fall"' not in script
    assert f"Endring: {NO_DATA}" in script
    assert "43 treffsteder hadde treff; ingen endring er vurdert (ingen data i sammenligningsperioden)." in \
        [c.value for c in at.caption]
    at.toggle(key="map_show_table").set_value(True).run()
    table = at.dataframe[0].value
    assert set(table["Endring"]) == {NO_DATA} and table["Treff før"].isna().all()


def test_trends_rank_nothing_and_draw_no_comparison_line(app_db):
    at = _app("views/trender.py", **YEAR_2022)
    assert _infos(at).count(NOTE_2022) == 1
    assert "Ingen endringer er vurdert: ingen data i sammenligningsperioden." in [c.value for c in at.caption]
    assert not [d for d in at.dataframe if "Treff før" in d.value.columns]  # no risers or fallers
    series = next(d.value for d in at.dataframe if "place" in d.value.columns)
    assert "Treff i sammenligningen" not in series.columns


def test_data_export_says_no_data_instead_of_a_change(app_db):
    at = _app("views/data.py", **YEAR_2022)
    assert _infos(at).count(NOTE_2022) == 1
    sheet = next(d.value for d in at.dataframe if "Vurdering" in d.value.columns)
    shown = sheet[sheet["Treff"].astype(str) != ":"]  # for partners a hidden count's row says nothing more
    assert len(shown) and set(shown["Vurdering"]) == {NO_DATA}
    assert sheet["Treff før"].isna().all() and sheet["Endring (%)"].isna().all()


def test_presentation_says_no_data_and_shows_no_change(app_db):
    at = _app("views/presentasjon.py", **YEAR_2022)
    assert NOTE_2022 in [_plain(m.value) for m in at.markdown]  # the title slide
    at.button(key="present_forward").click().run()
    texts = [_plain(m.value) for m in at.markdown]
    assert NOTE_2022 in texts and not [t for t in texts if t.startswith("Endring:")]


def test_this_year_is_compared_over_its_days_with_data(app_db):
    at = _app(**{"from": "2026-01-01", "to": "2026-12-31"})
    caption = at.caption[0].value
    assert caption == ("01.01.2026–31.12.2026, sammenlignet med 01.01.2025–26.11.2025 (registreringene går til "
                       "26.11.2026: endringen gjelder 01.01.2026–26.11.2026)")
    now = int(queries.run_filtered(app_db, "totals", Filter(date(2026, 1, 1), date(2026, 12, 31)))["hits"].iloc[0])
    then = int(queries.run_filtered(app_db, "totals", Filter(date(2025, 1, 1), date(2025, 11, 26)))["hits"].iloc[0])
    delta = at.metric[0].delta
    assert int(re.sub(r"[^\d]", "", delta.split("(")[0])) == abs(now - then)


def test_focus_page_judges_no_rise_without_weeks_with_data_before(app_db):
    at = _app("views/fokus.py")
    at.date_input(key="focus_period").set_value((date(2022, 3, 1), date(2022, 3, 28))).run()
    assert not at.exception and not at.error
    assert any("ingen data i sammenligningsperioden" in text for text in _infos(at))
    assert not [m.value for m in at.markdown if "Tydelig økning" in m.value]


def test_hkh_page_without_baseline_data_has_no_ratio(app_db):
    with access.acting_as("leder@example.no", "editor"):
        mapping_id = hkh.create_mapping(app_db, title="Ny kartlegging uten grunnlag", mapped_on=date(2021, 12, 31),
                                        hotspot_ids=["lillestrom-stasjon"],
                                        baseline=(date(2021, 1, 1), date(2021, 12, 31)),
                                        followup=(date(2022, 1, 1), date(2022, 12, 31)))
    at = _app("views/hkh.py")
    at.selectbox(key="hkh_mapping").set_value(mapping_id).run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Før (baseline)"] == "ingen data" and metrics["Rateforhold etter/før"] == "–"
    assert metrics["95 % KI"] == "–"
    assert any(text.startswith("Ingen endring vises: ingen data i sammenligningsperioden 01.01.2021–31.12.2021")
               for text in _infos(at))


@pytest.mark.parametrize("lang, text", [("en", "No change is shown: no data in the comparison period")])
def test_in_english(app_db, lang, text):
    at = _app(lang=lang, **YEAR_2022)
    assert any(info.startswith(text) for info in _infos(at))
