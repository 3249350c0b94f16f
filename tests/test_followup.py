"""Follow-up and collaboration: the demo reproduces the 2023 report, summaries and charts, the
import of monthly figures (CSV/XLSX, row-level errors, idempotency, undo), the CLI and the page."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR, access, followup, followup_import, i18n, import_store
from dashboard.cli import main
from dashboard.db import Database
from dashboard.disclosure import SUPPRESSED
from dashboard.errors import FeltkartError

from .conftest import DEMO_UNTIL
from .spreadsheets import xlsx_bytes

TODAY = date(2026, 11, 27)

# Every figure of the README section "Follow-up and collaboration 2023".
REPORT_2023 = {
    "conversations": 445, "unique_youth": 93, "anonymous_conversations": 35,
    "referrals": 160, "referral_unique_youth": 40, "anonymous_advice": 4, "gaming_anonymous_youth": 67,
    "general_inquiries": 99, "concern_reports": 11, "information_requests": 9,
}
GROUPS_2023 = {"jente-og-guttegrupper": (519, 81), "livsmestring": (779, 139), "gaming": (221, 49)}
INCOMING_2023 = {
    "barnevernstjenesten": 6, "barnevernsinstitusjon": 4, "foresatte": 20, "friomsorgen": 1, "oppfolgingstjenesten": 1,
    "konfliktradet": 1, "psykisk-helse-og-familiestotte": 2, "skole": 3, "politi": 4, "andre-oppsokende-tjenester": 2,
    "fritid-med-bistand": 4, "andre-frivillige-organisasjoner": 9,
}
OUTGOING_2023 = {
    "barnevernstjenesten": 11, "barnevernsinstitusjon": 4, "foresatte": 15, "bup-dps": 1, "konfliktradet": 2,
    "psykisk-helse-og-familiestotte": 7, "ung-i-jobb": 17, "skole": 5, "tidlig-inn": 1, "helsestasjon-for-ungdom": 2,
    "familieteamet": 1, "politi": 16, "rustjeneste": 1, "oppfolgingstjenesten": 3, "andre-oppsokende-tjenester": 1,
    "fritid-med-bistand": 3, "andre-frivillige-organisasjoner": 10,
}

GOOD_LINES = [
    ("2024-01", "Oppfølgingssamtaler", "", "41"),
    ("02.2024", "oppfolgingssamtaler", "", "37"),
    ("2024-01", "Utgående", "BUP/DPS", "2"),
    ("2024-02", "innkommende samarbeid", "Foresatte", "3"),
    ("2024", "Unike ungdommer i året", "", "60"),
    ("15.03.2024", "Bekymringsmeldinger", "", "1"),
    ("mars 2024", "Gruppedeltakelser", "Livsmestringsgrupper", "30"),
]
BAD_LINES = [
    ("2024-03", "Samtalr", "", "4"),  # unknown measure (with a suggestion)
    ("2024-03", "Utgående", "Bupp", "4"),  # unknown service
    ("2024-03", "Oppfølgingssamtaler", "", "-1"),  # negative count
    ("2024-13", "Oppfølgingssamtaler", "", "4"),  # bad month
]


def _csv(lines, header=("Måned", "Måltall", "Tjeneste", "Antall", "Kommentar"), encoding="cp1252") -> bytes:
    text = ";".join(header) + "\r\n" + "".join(";".join(line) + ";fritekst\r\n" for line in lines)
    return text.encode(encoding)


def _xlsx(rows, header=("Month", "Measure", "Service", "Count")) -> bytes:
    return xlsx_bytes(rows, header=header)


@pytest.fixture
def empty_db(fresh_db) -> Database:
    fresh_db.migrate()
    return fresh_db


def _all_figures(db: Database) -> pd.DataFrame:
    with db.read() as con:
        return con.execute("SELECT * FROM followup_figures ORDER BY month, measure, category").df()


# --- the demo -----------------------------------------------------------------------------------

def test_2023_totals_equal_the_report_exactly(demo_db):
    summary = followup.year_summary(demo_db, 2023)
    assert {key: summary[key] for key in REPORT_2023} == REPORT_2023
    assert {g: (v["participations"], v["unique_youth"]) for g, v in summary["groups"].items()} == GROUPS_2023
    assert summary["incoming"] == INCOMING_2023 and summary["incoming_total"] == 57
    assert summary["outgoing"] == OUTGOING_2023 and summary["outgoing_total"] == 100
    assert summary["months"] == 12 and summary["street_school_hits"] == 33_636
    assert summary["ung_i_jobb_most_youth"] <= followup.UNG_I_JOBB_MAX_YOUTH


def test_demo_monthly_figures_are_plausible_non_negative_integers(demo_db):
    figures = _all_figures(demo_db)
    assert pd.api.types.is_integer_dtype(figures["value"]) and (figures["value"] >= 0).all()
    months = pd.to_datetime(figures["month"])
    assert (months.dt.day == 1).all()
    assert months.min() == pd.Timestamp(2022, 1, 1) and months.max() == pd.Timestamp(2026, 10, 1)  # full months only
    year_measures = figures[figures["measure"].isin(["youth_year", "group_youth_year", "referral_youth_year"])]
    assert (pd.to_datetime(year_measures["month"]).dt.month == 1).all()
    data = figures.assign(year=months.dt.year, mon=months.dt.month)
    conversations = data[(data["measure"] == "conversations") & (data["year"] == 2023)].set_index("mon")["value"]
    assert conversations[7] < conversations.mean()  # less in July
    groups = data[(data["measure"] == "group_participations") & (data["category"] == "livsmestring")]
    assert groups[groups["mon"] == 7]["value"].sum() == 0  # no school groups in the summer holiday
    by_year = data[data["measure"] == "conversations"].groupby("year")["value"].sum()
    assert by_year[2022] < by_year[2023]  # 2022 somewhat lower
    anonymous = data[data["measure"] == "anonymous_conversations"].set_index(["year", "mon"])["value"]
    assert (anonymous <= data[data["measure"] == "conversations"].set_index(["year", "mon"])["value"]).all()


def test_unique_youth_per_month_do_not_add_up_to_the_year(demo_db):
    figures = followup.monthly_figures(demo_db, 2023)
    monthly = figures[figures["measure"] == "youth_month"]["value"]
    assert len(monthly) == 12 and monthly.sum() > 93 and monthly.max() <= 93


def test_demo_figures_are_deterministic_and_a_year_does_not_depend_on_until():
    first = followup.demo_figures(2023, DEMO_UNTIL)
    pd.testing.assert_frame_equal(first, followup.demo_figures(2023, DEMO_UNTIL))
    short = followup.demo_figures(2023, datetime(2024, 3, 10))
    in_2023 = lambda f: f[pd.to_datetime(f["month"]).dt.year == 2023].reset_index(drop=True)
    pd.testing.assert_frame_equal(in_2023(first), in_2023(short))
    assert pd.to_datetime(short["month"]).max() == pd.Timestamp(2024, 2, 1)


# --- summaries, tables and charts ---------------------------------------------------------------

def test_sharing_hides_small_counts(demo_db):
    summary = followup.year_summary(demo_db, 2023)
    table = followup.service_table(summary, share=True)
    body = table[table["service"] != ""].set_index("service")
    assert body.loc["foresatte", "Innkommende"] == 20 and body.loc["friomsorgen", "Innkommende"] == SUPPRESSED
    assert body.loc["ung-i-jobb", "Utgående"] == 17 and body.loc["bup-dps", "Utgående"] == SUPPRESSED
    shown = {key: value for key, _, value in followup.key_figures(summary, share=False)}
    assert shown["conversations"] == "445" and shown["information_requests"] == "9"
    figures = followup.figures_table(summary, share=True).set_index("Tall")["Antall"]
    assert figures["Råd til anonyme ungdommer eller foresatte"] == SUPPRESSED
    assert followup.figures_table(summary).set_index("Tall")["Antall"]["Råd til anonyme ungdommer eller foresatte"] == "4"


def test_chart_builders(demo_db):
    summary = followup.year_summary(demo_db, 2023)
    bars = followup.service_bars(followup.service_table(summary, share=True))
    assert [trace.name for trace in bars.figure.data] == ["Innkommende", "Utgående"]
    assert SUPPRESSED in bars.figure.data[0].text and "Foresatte (20)" in bars.summary
    lines = followup.monthly_lines(followup.monthly_frame(followup.monthly_figures(demo_db, 2023), 2023, lang="en"),
                                   lang="en")
    assert [trace.name for trace in lines.figure.data] == ["Follow-up conversations", "Girls' and boys' groups",
                                                           "Life-skills groups", "Monday gaming"]
    assert sum(lines.figure.data[0].y) == 445
    funnel = followup.funnel_chart(followup.funnel_table(summary))
    assert list(funnel.figure.data[0].x) == [33_636, 93, 40]
    assert funnel.summary == "40 av 93 unike ungdommer i oppfølging ble henvist videre (43\u00a0%)."


def test_default_year_is_the_last_full_year(demo_db):
    assert followup.default_year(followup.years(demo_db), TODAY) == 2025


def test_summary_of_a_year_without_figures_names_the_years(demo_db, empty_db):
    with pytest.raises(FeltkartError) as error:
        followup.year_summary(demo_db, 2019)
    assert "2022, 2023" in str(error.value)
    with pytest.raises(FeltkartError, match="ingen oppfølgingstall"):
        followup.year_summary(empty_db, 2023)


def test_every_text_key_exists_in_both_languages():
    used = set()
    for path in (REPO_DIR / "dashboard" / "followup.py", REPO_DIR / "dashboard" / "followup_import.py",
                 REPO_DIR / "dashboard" / "views" / "oppfolging.py"):
        used |= set(re.findall(r'"(followup\.[a-z_.]+[a-z_])"', path.read_text(encoding="utf-8")))
    used |= {f"followup.key.{k}" for k in followup.KEY_FIGURES}
    used |= {f"followup.funnel.{k}" for k in ("street_school_hits", "unique_youth", "referral_unique_youth")}
    used |= {f"followup.row.{k}" for k in ("bad_group_suggest", "bad_service_suggest", "category_missing_service",
                                            "category_missing_group")}
    used |= {f"followup.col.{k}" for k in ("month", "series", "participations", "unique_youth")}
    used -= {"followup.import", "followup.row.category_missing_"}  # an audit action; a prefix
    missing = sorted(k for k in used if set(i18n.MESSAGES.get(k, {})) != {"nb", "en"})
    assert len(used) > 60 and missing == []


# --- the import ---------------------------------------------------------------------------------

def test_the_sheet_with_the_figures_is_found_behind_a_notes_sheet():
    book = openpyxl.Workbook()
    book.active.title = "Notater"
    book.active.append(["Tall fra SOMA, hentet ut av teamleder"])
    figures = book.create_sheet("Tall")
    for row in (("Måned", "Måltall", "Antall"), ("2024-03", "samtaler", 41)):
        figures.append(row)
    out = io.BytesIO()
    book.save(out)
    parsed = followup_import.parse_followup_file(out.getvalue(), "tall.xlsx", today=TODAY)
    assert parsed.rows[["measure", "value"]].values.tolist() == [["conversations", 41]]
    assert any("Tall" in notice for notice in parsed.notices)  # says which of the two sheets it read


def test_csv_in_windows_1252_with_bad_rows_reported(empty_db):
    parsed = followup_import.parse_followup_file(_csv(GOOD_LINES + BAD_LINES), "oppfolging.csv", today=TODAY)
    assert parsed.rows_read == 11 and len(parsed.rows) == 7
    rows = parsed.rows.set_index(["month", "measure", "category"])["value"]
    assert rows[(date(2024, 1, 1), "conversations", "")] == 41 and rows[(date(2024, 2, 1), "conversations", "")] == 37
    assert rows[(date(2024, 1, 1), "referral_out", "bup-dps")] == 2
    assert rows[(date(2024, 1, 1), "youth_year", "")] == 60  # a bare year: the year's unique count, on January
    assert rows[(date(2024, 3, 1), "concern_reports", "")] == 1
    assert rows[(date(2024, 3, 1), "group_participations", "livsmestring")] == 30
    errors = {(e.line, e.column): e.message for e in parsed.errors}
    assert errors == {
        (9, "Måltall"): "ukjent måltall; mente du «Oppfølgingssamtaler»?",
        (10, "Tjeneste"): "ukjent tjeneste; mente du «BUP/DPS»?",
        (11, "Antall"): "antall kan ikke være negativt",
        (12, "Måned"): "ugyldig måned; bruk åååå-mm, mm.åååå eller en dato",
    }
    assert any("Kommentar" in notice for notice in parsed.notices)  # free text is never read

    report = followup_import.commit_followup(empty_db, parsed)
    assert (report.rows_imported, report.rows_rejected, report.rows_duplicate) == (7, 4, 0)
    with empty_db.read() as con:
        kind, layout = con.execute("SELECT kind, layout FROM import_batches WHERE id = $id",
                                   {"id": report.batch_id}).fetchall()[0]
        rejections = con.execute("SELECT count(*) FROM import_rejections").fetchall()[0][0]
    assert (kind, layout, rejections) == ("file", "followup", 4)
    summary = followup.year_summary(empty_db, 2024)
    assert summary["conversations"] == 78 and summary["unique_youth"] == 60 and summary["outgoing"] == {"bup-dps": 2}

    again = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(GOOD_LINES + BAD_LINES),
                                                                            "oppfolging.csv", today=TODAY))
    assert again.batch_id is None and again.rows_imported == 0 and again.rows_duplicate == 7
    assert len(_all_figures(empty_db)) == 7

    removed = import_store.undo_batch(empty_db, report.batch_id)
    assert removed == 7 and _all_figures(empty_db).empty
    with pytest.raises(FeltkartError, match="allerede angret"):
        import_store.undo_batch(empty_db, report.batch_id)


def test_strict_refuses_and_dry_run_stores_nothing(empty_db):
    parsed = followup_import.parse_followup_file(_csv(GOOD_LINES + BAD_LINES), "x.csv", today=TODAY)
    strict = followup_import.commit_followup(empty_db, parsed, strict=True)
    assert strict.refused and strict.batch_id is None
    dry = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(GOOD_LINES), "x.csv", today=TODAY),
                                   dry_run=True)
    assert dry.rows_imported == 7 and dry.batch_id is None
    assert _all_figures(empty_db).empty


def test_xlsx_with_english_headers_and_date_cells(empty_db):
    data = _xlsx([(datetime(2024, 1, 1), "conversations", None, 12), ("2024-02", "Follow-up conversations", None, 0),
                  (datetime(2024, 1, 1), "referral_out", "police", 3), ("2024-01", "group participations", "gaming", 8)])
    parsed = followup_import.parse_followup_file(data, "figures.xlsx", today=TODAY)
    assert parsed.errors == []
    assert sorted(parsed.rows["value"]) == [0, 3, 8, 12]
    assert followup_import.commit_followup(empty_db, parsed).rows_imported == 4
    summary = followup.year_summary(empty_db, 2024)
    assert summary["outgoing"] == {"politi": 3} and summary["groups"]["gaming"]["participations"] == 8


def test_another_value_for_a_stored_figure_is_rejected(empty_db):
    first = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(GOOD_LINES[:1]), "a.csv", today=TODAY))
    changed = [("2024-01", "Oppfølgingssamtaler", "", "44"), ("2024-04", "Oppfølgingssamtaler", "", "30")]
    report = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(changed), "b.csv", today=TODAY))
    assert (report.rows_imported, report.rows_rejected) == (1, 1)
    assert f"import nr. {first.batch_id}" in report.errors[0].message
    assert followup.year_summary(empty_db, 2024)["conversations"] == 71
    strict = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(changed[:1]), "c.csv", today=TODAY),
                                      strict=True)
    assert strict.refused


def test_files_refused_as_a_whole(empty_db):
    with pytest.raises(FeltkartError, match="mangler kolonnene måltall"):
        followup_import.parse_followup_file("måned;antall\n2024-01;3\n".encode(), "x.csv", today=TODAY)
    with pytest.raises(FeltkartError, match="tom"):
        followup_import.parse_followup_file(b"", "x.csv", today=TODAY)
    future = followup_import.parse_followup_file(_csv([("2027-01", "samtaler", "", "3")]), "x.csv", today=TODAY)
    assert "fram i tid" in future.errors[0].message


def test_undo_through_import_store_hides_the_figures(empty_db):
    report = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(GOOD_LINES), "a.csv", today=TODAY))
    import_store.undo_batch(empty_db, report.batch_id)  # the generic undo, which does not know this table
    assert followup.years(empty_db).empty
    again = followup_import.commit_followup(empty_db, followup_import.parse_followup_file(_csv(GOOD_LINES), "a.csv", today=TODAY))
    assert again.rows_imported == 7 and len(_all_figures(empty_db)) == 7  # the stale rows are gone


def test_writes_need_a_role_and_are_audited(empty_db):
    parsed = followup_import.parse_followup_file(_csv(GOOD_LINES), "a.csv", today=TODAY)
    with access.acting_as("partner@example.no", "reader"), pytest.raises(FeltkartError):
        followup_import.commit_followup(empty_db, parsed)
    with access.acting_as("medarbeider@example.no", "editor"):
        report = followup_import.commit_followup(empty_db, parsed)
        with pytest.raises(FeltkartError):
            import_store.undo_batch(empty_db, report.batch_id)  # undoing needs an admin
    import_store.undo_batch(empty_db, report.batch_id)
    with empty_db.read() as con:
        logged = con.execute("SELECT actor, action FROM audit_log WHERE action <> 'db.migrate' ORDER BY id").fetchall()
    assert logged[0] == ("medarbeider@example.no", "followup.import") and logged[-1][1] == "import.undo"


# --- the CLI ------------------------------------------------------------------------------------

def test_cli_summary_json(demo_db, capsys):
    assert main(["--db", str(demo_db.path), "followup", "summary", "--year", "2023", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["conversations"] == 445 and summary["unique_youth"] == 93
    assert summary["incoming"]["foresatte"] == 20 and summary["outgoing"]["ung-i-jobb"] == 17


def test_cli_import_and_undo(empty_db, tmp_path, capsys):
    path = tmp_path / "oppfolging.csv"
    path.write_bytes(_csv(GOOD_LINES + BAD_LINES))
    assert main(["--db", str(empty_db.path), "followup", "import", str(path), "--strict"]) == 1
    capsys.readouterr()
    assert main(["--db", str(empty_db.path), "followup", "import", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_imported"] == 7 and len(report["errors"]) == 4
    assert main(["--db", str(empty_db.path), "undo", str(report["batch_id"])]) == 0  # one undo for every import
    with empty_db.read() as con:
        assert con.execute("SELECT count(*) FROM followup_figures WHERE batch_id = $id",
                           {"id": report["batch_id"]}).fetchall()[0][0] == 0


# --- the page -----------------------------------------------------------------------------------



def _figures_table(at: AppTest) -> pd.Series:
    frame = next(d.value for d in at.dataframe if "Tall" in d.value.columns)
    return frame.set_index("Tall")["Antall"]


def test_page_shows_the_2023_figures(app_db):
    at = AppTest.from_file(str(REPO_DIR / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/oppfolging.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Oppfølging og samarbeid"]
    year = at.selectbox(key="fu_year")
    assert year.value == 2025  # the last full year
    year.set_value(2023).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Oppfølgingssamtaler"] == "445" and metrics["Unike ungdommer i oppfølging"] == "93"
    assert at.toggle(key="fu_share").value is True
    table = _figures_table(at)
    assert table["Råd til anonyme ungdommer eller foresatte"] == SUPPRESSED
    at.toggle(key="fu_share").set_value(False).run()
    table = _figures_table(at)
    assert table["Råd til anonyme ungdommer eller foresatte"] == "4"
    assert at.query_params["year"] == ["2023"] or at.query_params["year"] == "2023"
