"""The chart builders, checked on the figure objects, their tables and summaries (no pixels)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, patrols
from dashboard.demo import staffing_plan

NBSP = "\u00a0"


def _cells() -> pd.DataFrame:
    """A hand-made week: Friday 21–22 is the busiest hour; 1 234 + 600 + 66 of 2 000 hits are after 18."""
    return pd.DataFrame({
        "weekday": [5, 5, 2, 7, 1],
        "hour": [21, 23, 10, 1, 8],
        "hits": [1234, 600, 80, 66, 20],
    })


def _teams(plan_hours: pd.DataFrame) -> dict[tuple[int, int], float]:
    return plan_hours.set_index(["weekday", "hour"])["teams"].to_dict()


# ------------------------------------------------------------------------------ weekday × hour


def test_weekday_hour_fills_full_grid_monday_on_top():
    chart = charts.weekday_hour_heatmap(_cells())
    heat = chart.figure.data[0]
    z = np.array(heat.z)
    assert heat.type == "heatmap"
    assert z.shape == (7, 24)
    assert z.sum() == 2000
    assert z[4, 21] == 1234 and z[1, 10] == 80 and z[6, 1] == 66
    assert (z == 0).sum() == 168 - 5
    assert list(heat.y) == [1, 2, 3, 4, 5, 6, 7]
    assert chart.figure.layout.yaxis.autorange == "reversed"
    assert list(chart.figure.layout.yaxis.ticktext) == ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag",
                                                        "Lørdag", "Søndag"]
    assert list(chart.figure.layout.xaxis.ticktext)[:2] == ["00", "01"]
    assert chart.table["Treff"].sum() == 2000 and len(chart.table) == 168


def test_weekday_hour_hover_and_layout_use_norwegian_numbers():
    chart = charts.weekday_hour_heatmap(_cells())
    assert chart.figure.data[0].customdata[4][21] == f"fredag 21–22: 1{NBSP}234 treff"
    assert chart.figure.layout.separators == f",{NBSP}"
    assert chart.figure.data[0].colorbar.tickformat == ",d"
    assert chart.figure.layout.title.text is None


def test_weekday_hour_in_english():
    chart = charts.weekday_hour_heatmap(_cells(), lang="en")
    assert chart.figure.layout.yaxis.ticktext[0] == "Monday"
    assert chart.figure.data[0].customdata[4][21] == "Friday 21–22: 1,234 hits"
    assert chart.figure.layout.separators == ".,"
    assert chart.summary == "Most hits on Friday 21–22 (1,234); 95% of hits were between 18:00 and 06:00."
    assert "Weekday" in chart.table.columns


def test_weekday_hour_summary_names_busiest_cell_and_evening_share():
    chart = charts.weekday_hour_heatmap(_cells())
    # (1 234 + 600 + 66) / 2 000 = 95 %
    assert chart.summary == f"Flest treff fredag kl. 21–22 (1{NBSP}234); 95{NBSP}% av treffene var mellom kl. 18 og 06."
    busy_tuesday = pd.DataFrame({"weekday": [2, 5], "hour": [10, 21], "hits": [300, 100]})
    assert charts.weekday_hour_heatmap(busy_tuesday).summary.startswith("Flest treff tirsdag kl. 10–11 (300)")


def test_weekday_hour_empty_input():
    chart = charts.weekday_hour_heatmap(pd.DataFrame({"weekday": [], "hour": [], "hits": []}))
    assert np.array(chart.figure.data[0].z).shape == (7, 24)
    assert chart.summary == "Ingen treff i utvalget."


def test_weekday_hour_with_staffing_shows_teams_and_hits_per_team_hour():
    plan_hours = patrols.planned_teams_by_hour(staffing_plan(), "winter")
    chart = charts.weekday_hour_heatmap(_cells(), staffing=plan_hours, weeks=2)
    heat = chart.figure.data[0]
    assert heat.text[4][21] == "1,5" and heat.text[1][10] == "3,5" and heat.text[0][3] == ""
    # 1 234 hits / (1.5 teams × 2 weeks) = 411.3
    assert heat.customdata[4][21] == (f"fredag 21–22: 1{NBSP}234 treff<br>1,5 team planlagt"
                                      f"<br>411,3 treff per planlagt teamtime")
    assert "ingen team planlagt" in heat.customdata[0][3]
    legend_names = {trace.name for trace in chart.figure.data[1:]} | {
        shape.name for shape in chart.figure.layout.shapes if shape.showlegend}
    assert legend_names == {"Tall i ruta: planlagte team", "Timer med planlagt team"}
    # Sunday 01:00 (66 hits) has no team (the Saturday late shift ends at 01:00): 3,3 % of hits, rounded 3 %.
    assert chart.summary.endswith(f"og 3{NBSP}% i timer uten planlagt team.")
    row = chart.table[(chart.table["Ukedag"] == "Fredag") & (chart.table["Time"] == "21–22")].iloc[0]
    assert row["Planlagte team"] == 1.5 and row["Treff per planlagt teamtime"] == pytest.approx(411.33, abs=0.01)


def test_weekday_hour_staffing_outlines_each_run_of_staffed_hours():
    plan_hours = patrols.planned_teams_by_hour(staffing_plan(), "winter")
    chart = charts.weekday_hour_heatmap(_cells(), staffing=plan_hours, weeks=1)
    outlines = [s for s in chart.figure.layout.shapes if s.legendgroup == "Timer med planlagt team"]
    friday = sorted((s.x0, s.x1) for s in outlines if s.y0 == 4.5)
    assert friday == [(7.5, 23.5)]  # day 08–15 and late 16–23 touch: one run
    saturday = sorted((s.x0, s.x1) for s in outlines if s.y0 == 5.5)
    assert saturday == [(-0.5, 0.5), (15.5, 23.5)]  # Friday's late shift after midnight, then its own
    monday = [(s.x0, s.x1) for s in outlines if s.y0 == 0.5]
    assert monday == [(7.5, 21.5)]  # day 08–15 and evening 14–21 touch: one run


def test_weekday_hour_staffing_needs_weeks():
    plan_hours = patrols.planned_teams_by_hour(staffing_plan(), "winter")
    with pytest.raises(ValueError, match="weeks"):
        charts.weekday_hour_heatmap(_cells(), staffing=plan_hours)


def test_weekday_hour_selection_is_outlined():
    chart = charts.weekday_hour_heatmap(_cells(), selection={(5, 21), (2, 10)})
    selected = [s for s in chart.figure.layout.shapes if s.name == "Valgt"]
    assert sorted((s.y0 + 0.5, s.x0 + 0.5) for s in selected) == [(2, 10), (5, 21)]
    assert sum(bool(s.showlegend) for s in selected) == 1
    assert all(s.line.dash == "dot" for s in selected)


def test_weekday_hour_rejects_bad_input():
    with pytest.raises(ValueError, match="weekday"):
        charts.weekday_hour_heatmap(pd.DataFrame({"weekday": [8], "hour": [1], "hits": [1]}))
    with pytest.raises(ValueError, match="hits"):
        charts.weekday_hour_heatmap(pd.DataFrame({"weekday": [1], "hour": [1]}))
    with pytest.raises(ValueError, match="lang"):
        charts.weekday_hour_heatmap(_cells(), lang="de")


# -------------------------------------------------------------------------------- staffing plan


def test_planned_teams_by_hour_on_the_real_plan():
    teams = _teams(patrols.planned_teams_by_hour(staffing_plan(), "winter"))
    assert len(teams) == 168
    assert teams[(5, 23)] == 1.5  # Friday late shift 16:00–01:00, 1–2 teams
    assert teams[(6, 0)] == 1.5  # ... its hour after midnight is Saturday's
    assert teams[(7, 0)] == 1.5  # Saturday's late shift ends on Sunday
    assert teams[(5, 0)] == 0  # Thursday has no late shift
    assert teams[(2, 10)] == 3.5  # Tuesday day shift, 3–4 teams
    assert teams[(1, 3)] == 0
    assert teams[(1, 8)] == 2.5  # 08:30: half the hour counts
    assert teams[(1, 14)] == 2.5 + 2.5  # day shift and the evening shift from 14:30 overlap
    assert teams[(1, 22)] == 0  # the evening shift covers only 15 minutes of 22–23
    assert teams[(7, 21)] == 1.5 and teams[(7, 14)] == 1.5  # Sunday evening only
    summer = _teams(patrols.planned_teams_by_hour(staffing_plan(), "summer"))
    assert summer[(5, 23)] == 2.5 and summer[(2, 10)] == 3.5


def test_team_hours_per_week():
    # Winter by hand: day shifts 7 h × (2.5 + 3.5 + 3.5 + 2.5 + 2.5) = 101.5;
    # evenings 14:30–22:15 = 7.75 h × (4 × 2.5 + 1.5) = 89.125; late 16:00–01:00 = 9 h × 2 × 1.5 = 27.
    assert patrols.team_hours(staffing_plan(), "winter") == pytest.approx(101.5 + 89.125 + 27)
    # Summer: one more team on the evening and late shifts.
    assert patrols.team_hours(staffing_plan(), "summer") == pytest.approx(101.5 + 7.75 * (4 * 3.5 + 2.5) + 9 * 2 * 2.5)
    with pytest.raises(ValueError, match="spring"):
        patrols.team_hours(staffing_plan(), "spring")


def test_planned_teams_for_period_weights_the_seasons():
    plan = staffing_plan()
    winter_only = _teams(patrols.planned_teams_for_period(plan, date(2024, 1, 1), date(2024, 1, 31)))
    assert winter_only[(5, 23)] == 1.5
    half = _teams(patrols.planned_teams_for_period(plan, date(2024, 3, 2), date(2024, 4, 30)))  # 30 + 30 days
    assert half[(5, 23)] == pytest.approx(2.0)
    assert patrols.period_weeks(date(2024, 1, 1), date(2024, 1, 14)) == 2


# ------------------------------------------------------------------------------ month heatmaps


def test_month_hour_heatmap():
    cells = pd.DataFrame({"month": [7, 7, 1], "hour": [21, 22, 3], "hits": [1500, 50, 120]})
    chart = charts.month_hour_heatmap(cells)
    z = np.array(chart.figure.data[0].z)
    assert z.shape == (12, 24) and z.sum() == 1670 and z[6, 21] == 1500
    assert chart.figure.layout.yaxis.ticktext[0] == "Januar" and chart.figure.layout.yaxis.autorange == "reversed"
    assert chart.figure.data[0].customdata[6][21] == f"juli 21–22: 1{NBSP}500 treff"
    assert chart.summary == f"Flest treff i juli kl. 21–22 (1{NBSP}500); juli er måneden med flest treff (1{NBSP}550)."
    assert charts.month_hour_heatmap(cells, lang="en").figure.layout.yaxis.ticktext[6] == "July"


def test_month_weekday_heatmap():
    cells = pd.DataFrame({"month": [7, 7, 1], "weekday": [5, 6, 3], "hits": [100, 50, 120]})
    chart = charts.month_weekday_heatmap(cells)
    z = np.array(chart.figure.data[0].z)
    assert z.shape == (7, 12) and z[4, 6] == 100 and z.sum() == 270
    assert list(chart.figure.layout.xaxis.ticktext)[:3] == ["jan.", "feb.", "mars"]
    assert chart.figure.data[0].customdata[4][6] == "fredager i juli: 100 treff"
    assert chart.summary.startswith("Flest treff på onsdager i januar (120)")


# -------------------------------------------------------------------------------- monthly series


def _series() -> tuple[pd.DataFrame, pd.DataFrame]:
    current = pd.DataFrame({"month": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 4, 1)],
                            "hits": [1000, 2000, 3000]})  # March 2024 has no hits
    comparison = pd.DataFrame({"month": [date(2023, 1, 1), date(2023, 2, 1), date(2023, 3, 1), date(2023, 4, 1)],
                               "hits": [900, 1900, 50, 2500]})
    return current, comparison


def test_monthly_series_aligns_comparison_by_position():
    current, comparison = _series()
    chart = charts.monthly_series(current, comparison)
    now, before = chart.figure.data[0], chart.figure.data[1]
    assert list(now.y) == [1000, 2000, 0, 3000]  # the month without hits is a zero
    assert list(pd.to_datetime(before.x)) == list(pd.to_datetime(now.x))
    assert list(before.y) == [900, 1900, 50, 2500]
    assert before.line.dash == "dash" and now.line.dash in (None, "solid")
    assert before.customdata[1] == f"februar 2023 (sammenlignes med februar 2024): 1{NBSP}900 treff"
    assert now.customdata[0] == f"januar 2024: 1{NBSP}000 treff"
    assert chart.figure.layout.xaxis.ticktext[0] == "jan. 2024"
    assert chart.table["Sammenligningsmåned"].tolist()[2] == "mars 2023"
    assert chart.summary == (f"6{NBSP}000 treff fra januar 2024 til april 2024 (+12,1{NBSP}% mot 5{NBSP}350 i "
                             f"sammenligningsperioden); flest i april 2024 (3{NBSP}000).")


def test_monthly_series_aligns_a_comparison_from_another_year_and_start():
    current, comparison = _series()
    shifted = comparison.assign(month=[date(2021, 6, 1), date(2021, 7, 1), date(2021, 8, 1), date(2021, 9, 1)])
    before = charts.monthly_series(current, shifted, lang="en").figure.data[1]
    assert list(pd.to_datetime(before.x)) == list(pd.date_range("2024-01-01", "2024-04-01", freq="MS"))
    assert before.customdata[0] == "June 2021 (compared with January 2024): 900 hits"
    # With an explicit start a month before its first hits, May 2021 (no hits) is under January 2024.
    late = charts.monthly_series(current, shifted, comparison_start=date(2021, 5, 1)).figure.data[1]
    assert list(late.y) == [0, 900, 1900, 50]
    assert late.customdata[1] == "juni 2021 (sammenlignes med februar 2024): 900 treff"


def test_monthly_series_escapes_notes():
    current, _ = _series()
    notes = pd.DataFrame({"period_start": [date(2024, 2, 10), date(2020, 1, 1)],
                          "period_end": [date(2024, 3, 5), date(2020, 2, 1)],  # the second is out of range
                          "text": ["<script>alert(1)</script> & fest ved stranda", "gammel"],
                          "tags": [np.array(["drugs", "partying"]), None]})
    chart = charts.monthly_series(current, notes=notes)
    note_trace = [t for t in chart.figure.data if t.name == "Notater"]
    assert len(note_trace) == 1 and len(note_trace[0].x) == 1
    hover = note_trace[0].customdata[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; fest" in hover and "<script>" not in hover
    assert "Rus, Fest" in hover and "10.02.2024–05.03.2024" in hover
    assert "<script>" not in chart.figure.to_json()
    assert len(chart.figure.layout.shapes) == 1 and len(chart.figure.layout.annotations) == 1


def test_monthly_series_one_line_per_group():
    current = pd.DataFrame({"month": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 1, 1)],
                            "channel": ["Gatefelt", "Gatefelt", "Skolefelt"], "hits": [10, 20, 50]})
    comparison = current.assign(month=[date(2023, 1, 1), date(2023, 2, 1), date(2023, 1, 1)])
    chart = charts.monthly_series(current, comparison, by="channel")
    names = [t.name for t in chart.figure.data]
    assert names == ["Skolefelt", "Skolefelt (sammenligning)", "Gatefelt", "Gatefelt (sammenligning)"]
    assert list(chart.figure.data[0].y) == [50, 0]  # Skolefelt February filled with zero
    assert chart.figure.data[0].marker.symbol != chart.figure.data[2].marker.symbol  # not colour alone
    assert chart.summary.endswith("og Skolefelt har flest (50).")


# -------------------------------------------------------------------------------- year over year


def test_year_over_year_one_trace_per_year():
    months = pd.date_range("2024-01-01", "2026-11-01", freq="MS")
    monthly = pd.DataFrame({"month": months, "hits": [1000 + i for i in range(len(months))]})
    chart = charts.year_over_year(monthly)
    assert [t.name for t in chart.figure.data] == ["2024", "2025", "2026"]
    assert all(t.type == "scatter" for t in chart.figure.data)
    assert list(chart.figure.data[0].x)[:3] == ["jan.", "feb.", "mars"] and len(chart.figure.data[2].x) == 11
    assert chart.figure.data[1].customdata[0] == f"januar 2025: 1{NBSP}012 treff"
    # 2026 Jan–Nov: sum(1024..1034) = 11 319; 2025 Jan–Nov: sum(1012..1022) = 11 187 -> +1,2 %
    assert chart.summary == (f"januar–november 2026: 11{NBSP}319 treff, +1,2{NBSP}% mot samme måneder i 2025; "
                             "flest i november.")
    assert chart.table["Treff"].sum() == monthly["hits"].sum()
    assert list(charts.year_over_year(monthly, lang="en").figure.data[0].x)[:2] == ["Jan", "Feb"]


def test_year_over_year_compares_only_months_with_data_on_both_sides():
    from dashboard.comparison import DataSpan

    months = pd.date_range("2024-01-01", "2026-11-01", freq="MS")
    monthly = pd.DataFrame({"month": months, "hits": [1000 + i for i in range(len(months))]})
    # Data to 26.11.2026: November is unfinished, so the change is January–October (sum 10 285 vs 10 165).
    unfinished = charts.year_over_year(monthly, span=DataSpan(date(2024, 1, 1), date(2026, 11, 26)))
    assert unfinished.summary == (f"januar–november 2026: 11{NBSP}319 treff; januar–oktober +1,2{NBSP}% mot samme "
                                  "måneder i 2025; flest i november.")
    english = charts.year_over_year(monthly, lang="en", span=DataSpan(date(2024, 1, 1), date(2026, 11, 26)))
    assert "; January–October +1.2% against the same months of 2025;" in english.summary
    finished = charts.year_over_year(monthly, span=DataSpan(date(2024, 1, 1), date(2026, 11, 30)))
    assert f", +1,2{NBSP}% mot samme måneder i 2025;" in finished.summary
    # Registrations from 15.03.2025: the months of 2025 are not all covered, so no change at all.
    new_team = charts.year_over_year(monthly, span=DataSpan(date(2025, 3, 15), date(2026, 11, 26)))
    assert new_team.summary == f"januar–november 2026: 11{NBSP}319 treff; flest i november."
    assert charts.year_over_year(monthly, span=DataSpan(None, None)).summary.endswith("treff; flest i november.")


# ---------------------------------------------------------------------------------------- bars


def test_breakdown_bars_sorted_descending_with_labels():
    rows = pd.DataFrame({"area_name": ["Fetsund", "Lillestrøm <stasjon>", "Sørumsand"],
                         "hits": [689, 7359, 1521], "change_label": ["+3,0 %", None, "−12,5 %"]})
    chart = charts.breakdown_bars(rows, label_column="area_name")
    bar = chart.figure.data[0]
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.x) == [7359, 1521, 689]
    assert list(bar.y) == ["Lillestrøm &lt;stasjon&gt;", "Sørumsand", "Fetsund"]
    assert chart.figure.layout.yaxis.autorange == "reversed"  # largest on top
    assert list(bar.text) == [f"7{NBSP}359", f"1{NBSP}521 (−12,5 %)", "689 (+3,0 %)"]
    assert bar.customdata[0] == f"Lillestrøm &lt;stasjon&gt;: 7{NBSP}359 treff"
    assert chart.table["Treff"].tolist() == [7359, 1521, 689]
    assert chart.summary == f"Lillestrøm <stasjon> har mest med 7{NBSP}359 av 9{NBSP}569 (77{NBSP}%)."


def test_breakdown_bars_limit_title_and_english():
    rows = pd.DataFrame({"label": [f"P{i}" for i in range(15)], "hits": list(range(1000, 16000, 1000))})
    chart = charts.breakdown_bars(rows, label_column="label", limit=10, lang="en", title_key="report.hits")
    assert list(chart.figure.data[0].y)[:2] == ["P14", "P13"] and len(chart.figure.data[0].y) == 10
    assert chart.figure.data[0].text[0] == "15,000"
    assert chart.figure.layout.title.text == "Hits"
    assert chart.summary == "P14 has the most with 15,000 of 120,000 (13%)."
