"""Follow-up and collaboration (oppfølging og samarbeid): monthly aggregated figures, never a person.

Youth in individual follow-up, groups and referrals are registered by name in the case system
(SOMA); Feltkart holds only the monthly counts it reports (table ``followup_figures``, see
``schema/0007_followup.sql`` for the measures). Unique youth per month do not add up to a year,
so the year's unique count is a measure of its own, stored on the year's first month.

This module has three parts:

* the vocabulary (measures, services, group types) and the 2023 report's figures;
* the demo figures (:func:`demo_figures`), which reproduce the 2023 report exactly;
* summaries and chart builders, pure (frames in, dicts/:class:`~dashboard.charts.Chart` out), and
  :func:`year_summary` etc. reading the database through the named queries;
* and, in :mod:`dashboard.followup_import`, the import of monthly figures from CSV/XLSX.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, queries

# Private helpers of charts are reused on purpose, so that these charts look like the others.
from dashboard.charts import (
    LINE_COLOURS,
    MARKER_SYMBOLS,
    Chart,
    _esc,
    _month_label,
    _style,
)
from dashboard.db import Database
from dashboard.disclosure import SUPPRESSED, suppress_series
from dashboard.errors import FeltkartError


def _vocab(entries: dict[str, tuple[str, str]]) -> MappingProxyType:
    return MappingProxyType({key: {"nb": nb, "en": en} for key, (nb, en) in entries.items()})


SERVICES = _vocab({
    "barnevernstjenesten": ("Barnevernstjenesten", "Child welfare services"),
    "barnevernsinstitusjon": ("Barnevernsinstitusjon", "Child welfare institution"),
    "foresatte": ("Foresatte", "Parents and guardians"),
    "friomsorgen": ("Friomsorgen", "Probation service"),
    "oppfolgingstjenesten": ("Oppfølgingstjenesten", "Follow-up service (upper secondary)"),
    "konfliktradet": ("Konfliktrådet", "Mediation service"),
    "psykisk-helse-og-familiestotte": ("Psykisk helse og familiestøtte", "Mental health and family support"),
    "skole": ("Skole", "School"),
    "politi": ("Politi", "Police"),
    "andre-oppsokende-tjenester": ("Andre oppsøkende tjenester", "Other outreach services"),
    "fritid-med-bistand": ("Fritid med bistand", "Supported leisure"),
    "andre-frivillige-organisasjoner": ("Andre frivillige organisasjoner", "Other voluntary organisations"),
    "bup-dps": ("BUP/DPS", "Child and adult mental health (BUP/DPS)"),
    "ung-i-jobb": ("Ung i jobb", "Ung i jobb (youth jobs)"),
    "tidlig-inn": ("Tidlig inn", "Tidlig inn (early intervention)"),
    "helsestasjon-for-ungdom": ("Helsestasjon for ungdom", "Youth health clinic"),
    "familieteamet": ("Familieteamet", "Family team"),
    "rustjeneste": ("Rustjeneste", "Substance use service"),
})
GROUP_TYPES = _vocab({
    "jente-og-guttegrupper": ("Jente- og guttegrupper", "Girls' and boys' groups"),
    "livsmestring": ("Livsmestringsgrupper", "Life-skills groups"),
    "gaming": ("Mandagsgaming", "Monday gaming"),
})


@dataclass(frozen=True)
class Measure:
    nb: str
    en: str
    kind: str  # 'sum' (months add up), 'level' (a month's state: not added), 'year' (on January)
    category: str | None = None  # None, 'service', 'group' or 'optional_service'

    def label(self, lang: str) -> str:
        return self.nb if lang == "nb" else self.en


MEASURES = MappingProxyType({
    "conversations": Measure("Oppfølgingssamtaler", "Follow-up conversations", "sum"),
    "anonymous_conversations": Measure("Anonyme henvendelser (av samtalene)", "Anonymous contacts (of the conversations)", "sum"),
    "youth_month": Measure("Unike ungdommer i oppfølging (måned)", "Unique youth in follow-up (month)", "level"),
    "youth_year": Measure("Unike ungdommer i oppfølging (år)", "Unique youth in follow-up (year)", "year"),
    "group_participations": Measure("Gruppedeltakelser", "Group participations", "sum", "group"),
    "group_youth_year": Measure("Unike ungdommer i gruppe (år)", "Unique youth in groups (year)", "year", "group"),
    "gaming_anonymous": Measure("Anonyme ungdommer på gaming", "Anonymous youth at gaming", "sum"),
    "referral_out": Measure("Utgående henvisning og samarbeid", "Outgoing referral and collaboration", "sum", "service"),
    "collaboration_in": Measure("Innkommende samarbeid", "Incoming collaboration", "sum", "service"),
    "referrals": Measure("Henvisning og samarbeid (ganger)", "Referral and collaboration (times)", "sum"),
    "referral_youth_year": Measure("Unike ungdommer henvist (år)", "Unique youth referred (year)", "year"),
    "anonymous_advice": Measure("Råd til anonyme ungdommer eller foresatte", "Advice to anonymous youth or parents", "sum"),
    "general_inquiries": Measure("Henvendelser uten samtykke", "General inquiries without consent", "sum", "optional_service"),
    "concern_reports": Measure("Bekymringsmeldinger til barnevernet", "Concern reports to child welfare", "sum"),
    "info_requests": Measure("Besvarte anmodninger om opplysninger fra barnevernet",
                             "Answered information requests from child welfare", "sum"),
    "ung_i_jobb_youth": Measure("Ungdommer i Ung i jobb", "Youth in Ung i jobb", "level"),
})

# The 2023 annual report (see ../shared/domain/README.md, "Follow-up and collaboration 2023").
REPORT_2023 = MappingProxyType({
    ("conversations", ""): 445, ("anonymous_conversations", ""): 35, ("youth_year", ""): 93,
    ("group_participations", "jente-og-guttegrupper"): 519, ("group_youth_year", "jente-og-guttegrupper"): 81,
    ("group_participations", "livsmestring"): 779, ("group_youth_year", "livsmestring"): 139,
    ("group_participations", "gaming"): 221, ("group_youth_year", "gaming"): 49, ("gaming_anonymous", ""): 67,
    ("referrals", ""): 160, ("referral_youth_year", ""): 40, ("anonymous_advice", ""): 4,
    ("general_inquiries", ""): 99, ("concern_reports", ""): 11, ("info_requests", ""): 9,
})
INCOMING_2023 = MappingProxyType({
    "barnevernstjenesten": 6, "barnevernsinstitusjon": 4, "foresatte": 20, "friomsorgen": 1, "oppfolgingstjenesten": 1,
    "konfliktradet": 1, "psykisk-helse-og-familiestotte": 2, "skole": 3, "politi": 4, "andre-oppsokende-tjenester": 2,
    "fritid-med-bistand": 4, "andre-frivillige-organisasjoner": 9,
})
OUTGOING_2023 = MappingProxyType({
    "barnevernstjenesten": 11, "barnevernsinstitusjon": 4, "foresatte": 15, "bup-dps": 1, "konfliktradet": 2,
    "psykisk-helse-og-familiestotte": 7, "ung-i-jobb": 17, "skole": 5, "tidlig-inn": 1, "helsestasjon-for-ungdom": 2,
    "familieteamet": 1, "politi": 16, "rustjeneste": 1, "oppfolgingstjenesten": 3, "andre-oppsokende-tjenester": 1,
    "fritid-med-bistand": 3, "andre-frivillige-organisasjoner": 10,
})
FIGURE_COLUMNS = ["month", "measure", "category", "value"]


def _year_measure(measure: str) -> bool:
    return MEASURES[measure].kind == "year"


def _row_sha256(month: date, measure: str, category: str, value: int) -> str:
    return hashlib.sha256(f"{month:%Y-%m}|{measure}|{category}|{int(value)}".encode()).hexdigest()


# ============================================================================================ demo

DEMO_FIRST_YEAR = 2022
UNG_I_JOBB_START = date(2023, 3, 1)  # the collaboration with Møteplasser began in 2023
UNG_I_JOBB_MAX_YOUTH = 5
# Monthly rhythm (January..December): casework dips in July; school groups follow the school year.
CASEWORK_WEIGHTS = (1.0, 1.0, 1.05, 0.95, 1.0, 0.9, 0.45, 0.8, 1.1, 1.1, 1.05, 0.85)
SCHOOL_GROUP_WEIGHTS = (1.0, 1.1, 1.1, 0.9, 1.0, 0.5, 0.0, 0.25, 1.1, 1.2, 1.2, 0.75)
GAMING_WEIGHTS = (1.0, 1.0, 1.0, 0.9, 0.85, 0.6, 0.25, 0.6, 1.0, 1.05, 1.1, 0.9)
YOUTH_PER_NAMED_CONVERSATION = 0.5  # about two conversations per young person and month


def _demo_level(year: int) -> float:
    """The demo's activity against 2023: 2022 somewhat lower, later years a little higher."""
    return {2022: 0.8, 2023: 1.0}.get(year, min(1.0 + 0.05 * (year - 2023), 1.15))


def _rng(seed: int, *parts) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(str(p).encode()) for p in parts)])


def _weights(measure: str, category: str, year: int, rng: np.random.Generator) -> np.ndarray:
    if measure in ("group_participations",) and category in ("jente-og-guttegrupper", "livsmestring"):
        base = SCHOOL_GROUP_WEIGHTS
    elif measure == "gaming_anonymous" or category == "gaming":
        base = GAMING_WEIGHTS
    else:
        base = CASEWORK_WEIGHTS
    weights = np.array(base) * rng.uniform(0.85, 1.15, 12)
    if category == "ung-i-jobb":
        weights[[date(year, m, 1) < UNG_I_JOBB_START for m in range(1, 13)]] = 0.0
    return weights / weights.sum() if weights.sum() else np.full(12, 1 / 12)


def _year_total(report_value: int, year: int, rng: np.random.Generator) -> int:
    if year == 2023:
        return report_value
    expected = report_value * _demo_level(year)
    return int(rng.poisson(expected)) if expected < 20 else max(0, round(expected * rng.normal(1.0, 0.05)))


def _unique_so_far(full_year: int, months: int) -> int:
    """Unique youth after ``months`` months of a year with ``full_year`` unique youth (concave)."""
    return round(full_year * (1 - (1 - months / 12) ** 1.6))


def demo_figures(seed: int, until: datetime) -> pd.DataFrame:
    """Deterministic monthly figures from January 2022 to the last full month before ``until``.

    2023 summed over the year equals the annual report exactly (every figure in
    :data:`REPORT_2023`, :data:`INCOMING_2023` and :data:`OUTGOING_2023`); 2022 is about 20 %
    lower, later years a little higher. A year's figures do not depend on ``until`` (only how many
    of its months are kept); the unique youth of an unfinished year are those so far.
    """
    cutoff = date(until.year, until.month, 1)  # the running month has no figures yet
    sums = {**REPORT_2023, **{("collaboration_in", s): n for s, n in INCOMING_2023.items()},
            **{("referral_out", s): n for s, n in OUTGOING_2023.items()}}
    rows = []
    for year in range(DEMO_FIRST_YEAR, cutoff.year + 1):
        months = [date(year, m, 1) for m in range(1, 13)]
        kept = sum(month < cutoff for month in months)
        if not kept:
            continue
        monthly: dict[tuple[str, str], np.ndarray] = {}
        for (measure, category), value in sums.items():
            if _year_measure(measure) or measure == "anonymous_conversations":
                continue
            rng = _rng(seed, "followup", measure, category, year)
            total = _year_total(value, year, rng)
            if category == "ung-i-jobb" and year < UNG_I_JOBB_START.year:
                total = 0
            monthly[(measure, category)] = rng.multinomial(total, _weights(measure, category, year, rng))
        rng = _rng(seed, "followup", "anonymous", year)
        anonymous_total = _year_total(REPORT_2023[("anonymous_conversations", "")], year, rng)
        conversations = monthly[("conversations", "")]
        anonymous = rng.multivariate_hypergeometric(conversations, min(anonymous_total, int(conversations.sum())))
        monthly[("anonymous_conversations", "")] = anonymous
        named = conversations - anonymous
        ratio = YOUTH_PER_NAMED_CONVERSATION * rng.uniform(0.9, 1.1, 12)
        monthly[("youth_month", "")] = np.where(named > 0, np.maximum(1, np.round(named * ratio)), 0).astype(int)
        placed = rng.integers(2, UNG_I_JOBB_MAX_YOUTH + 1, 12)
        monthly[("ung_i_jobb_youth", "")] = np.where([m >= UNG_I_JOBB_START for m in months], placed, 0)
        for (measure, category), values in monthly.items():
            rows += [(month, measure, category, int(v)) for month, v in zip(months[:kept], values[:kept])
                     if v or (MEASURES[measure].category is None and measure != "ung_i_jobb_youth")]
        for (measure, category), value in sums.items():
            if _year_measure(measure):
                full = _year_total(value, year, _rng(seed, "followup", measure, category, year))
                so_far = _unique_so_far(full, kept)
                if measure == "youth_year":
                    so_far = max(so_far, int(monthly[("youth_month", "")][:kept].max()))
                rows.append((months[0], measure, category, so_far))
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["row_sha256"] = [_row_sha256(*r) for r in frame[FIGURE_COLUMNS].itertuples(index=False)]
    return frame


def insert_figures(con, figures: pd.DataFrame, batch_id: int) -> int:
    """Insert figures (``FIGURE_COLUMNS`` + ``row_sha256``) as batch ``batch_id``, in the caller's
    transaction; returns the rows inserted."""
    frame = figures[FIGURE_COLUMNS + ["row_sha256"]].assign(batch_id=batch_id)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    con.register("incoming_followup", frame)
    try:
        return int(con.execute("INSERT INTO followup_figures BY NAME SELECT * FROM incoming_followup").fetchall()[0][0])
    finally:
        con.unregister("incoming_followup")


# ======================================================================================= summaries

def _year_rows(figures: pd.DataFrame, year: int) -> pd.DataFrame:
    months = pd.to_datetime(figures["month"])
    return figures[months.dt.year == year].assign(month=months[months.dt.year == year])


def summarise(figures: pd.DataFrame, year: int, street_school_hits: int | None = None) -> dict:
    """The year's figures as a JSON-ready dict (``None`` where the year has no such figure).

    ``figures``: month, measure, category, value (as from the ``followup_figures`` query).
    Sums add the months; unique youth are the year's own figure (stored on January), never a sum
    of months; Ung i jobb is the highest month.
    """
    rows = _year_rows(figures, year)
    by = rows.groupby(["measure", "category"])["value"]
    sums, highest = by.sum().to_dict(), by.max().to_dict()

    present = set(rows["measure"])

    def total(measure: str, category: str = "") -> int | None:
        """The sum of the months; None when the year has no figure of the measure at all."""
        return int(sums.get((measure, category), 0)) if measure in present else None

    def year_value(measure: str, category: str = "") -> int | None:
        value = highest.get((measure, category))
        return None if value is None else int(value)

    def per_service(measure: str) -> dict[str, int]:
        return {s: int(sums[(measure, s)]) for s in SERVICES if sums.get((measure, s))}

    incoming, outgoing = per_service("collaboration_in"), per_service("referral_out")
    inquiries = None if total("general_inquiries") is None else \
        int(sums.get(("general_inquiries", ""), 0)) + sum(per_service("general_inquiries").values())
    last = rows["month"].max()
    return {
        "year": year,
        "months": int(rows["month"].nunique()),
        "last_month": None if pd.isna(last) else f"{last:%Y-%m}",
        "conversations": total("conversations"),
        "anonymous_conversations": total("anonymous_conversations"),
        "unique_youth": year_value("youth_year"),
        "unique_youth_busiest_month": year_value("youth_month"),
        "groups": {g: {"participations": total("group_participations", g),
                       "unique_youth": year_value("group_youth_year", g)} for g in GROUP_TYPES},
        "gaming_anonymous_youth": total("gaming_anonymous"),
        "referrals": total("referrals"),
        "referral_unique_youth": year_value("referral_youth_year"),
        "anonymous_advice": total("anonymous_advice"),
        "incoming": incoming,
        "incoming_total": sum(incoming.values()),
        "outgoing": outgoing,
        "outgoing_total": sum(outgoing.values()),
        "general_inquiries": inquiries,
        "concern_reports": total("concern_reports"),
        "information_requests": total("info_requests"),
        "ung_i_jobb_most_youth": year_value("ung_i_jobb_youth"),
        "street_school_hits": street_school_hits,
    }


def _year_params(year: int) -> dict:
    return {"month_start": date(year, 1, 1), "month_end": date(year + 1, 1, 1)}


def _hits_params(year: int) -> dict:
    return {"start_ts": datetime(year, 1, 1), "end_ts": datetime(year + 1, 1, 1)}


def years(db: Database) -> pd.DataFrame:
    """Years with figures: year, months, last_month."""
    return queries.run(db, "followup_years")


def default_year(years_frame: pd.DataFrame, today: date) -> int | None:
    """The last full year (12 months of figures, before this year), else the latest year."""
    if years_frame.empty:
        return None
    full = years_frame[(years_frame["months"] == 12) & (years_frame["year"] < today.year)]
    return int((full if len(full) else years_frame)["year"].max())


def year_summary(db: Database, year: int) -> dict:
    """:func:`summarise` for ``year`` from the database, with the year's street and school hits."""
    figures = queries.run(db, "followup_figures", **_year_params(year))
    if figures.empty:
        found = years(db)
        if found.empty:
            raise FeltkartError("followup.no_data", path=str(db.path))
        raise FeltkartError("followup.no_data_year", year=year,
                            years=", ".join(str(int(y)) for y in found["year"]))
    hits = int(queries.run(db, "followup_street_school_hits", **_hits_params(year))["hits"].iloc[0])
    return summarise(figures, year, street_school_hits=hits)


def monthly_figures(db: Database, year: int) -> pd.DataFrame:
    """The year's figures (month, measure, category, value) as stored."""
    return queries.run(db, "followup_figures", **_year_params(year))


def _shown(values: list, share: bool, total: bool = True) -> list:
    return suppress_series([int(v) for v in values], total=total) if share and len(values) else [int(v) for v in values]


def _text(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return SUPPRESSED if value == SUPPRESSED else i18n.fmt_int(value, lang)


def as_text(table: pd.DataFrame, columns: list[str], lang: str = "nb") -> pd.DataFrame:
    """``table`` for display: the count ``columns`` formatted the language's way (33 636), with
    ":" and "–" kept, so that no column mixes numbers and text."""
    return table.assign(**{c: [_text(v, lang) for v in table[c]] for c in columns})


def service_table(summary: dict, lang: str = "nb", *, share: bool = False) -> pd.DataFrame:
    """Incoming and outgoing per service (services with any), in the vocabulary's order, with a
    total row; with ``share`` small counts are ":" (each column's total is published).

    Columns: ``service`` (id; '' on the total row), then service, incoming and outgoing under
    their headers in ``lang``; see :func:`service_text` for display."""
    services = [s for s in SERVICES if s in summary["incoming"] or s in summary["outgoing"]]
    incoming = _shown([summary["incoming"].get(s, 0) for s in services], share)
    outgoing = _shown([summary["outgoing"].get(s, 0) for s in services], share)
    table = pd.DataFrame({"service": services, i18n.t("followup.col.service", lang): [SERVICES[s][lang] for s in services],
                          i18n.t("followup.col.incoming", lang): pd.Series(incoming, dtype=object),
                          i18n.t("followup.col.outgoing", lang): pd.Series(outgoing, dtype=object)})
    totals = _shown([summary["incoming_total"], summary["outgoing_total"]], share, total=False)
    total = {"service": "", i18n.t("followup.col.service", lang): i18n.t("report.total", lang),
             i18n.t("followup.col.incoming", lang): totals[0], i18n.t("followup.col.outgoing", lang): totals[1]}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def service_text(table: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """:func:`service_table` for display: without the id column, counts as text."""
    counts = [i18n.t("followup.col.incoming", lang), i18n.t("followup.col.outgoing", lang)]
    return as_text(table.drop(columns="service"), counts, lang)


KEY_FIGURES = ("conversations", "unique_youth", "anonymous_conversations", "referrals", "referral_unique_youth",
               "general_inquiries", "concern_reports", "information_requests")


def key_figures(summary: dict, lang: str = "nb", *, share: bool = False) -> list[tuple[str, str, str]]:
    """(key, label, formatted value) of the page's key figures; "–" where the year has none."""
    values = [summary[k] for k in KEY_FIGURES]
    known = [v for v in values if v is not None]
    shown = iter(_shown(known, share, total=False))
    return [(k, i18n.t(f"followup.key.{k}", lang), _text(None if v is None else next(shown), lang))
            for k, v in zip(KEY_FIGURES, values)]


def figures_table(summary: dict, lang: str = "nb", *, share: bool = False) -> pd.DataFrame:
    """Every figure of the year as a two-column table (figure, count), for reading as numbers."""
    items = [(i18n.t(f"followup.key.{k}", lang), summary[k]) for k in KEY_FIGURES]
    for group, figures in summary["groups"].items():
        name = GROUP_TYPES[group][lang]
        items += [(f"{name}: {i18n.t('followup.col.participations', lang).lower()}", figures["participations"]),
                  (f"{name}: {i18n.t('followup.col.unique_youth', lang).lower()}", figures["unique_youth"])]
    items += [(i18n.t(f"followup.key.{k}", lang), summary[k]) for k in
              ("gaming_anonymous_youth", "anonymous_advice", "incoming_total", "outgoing_total", "ung_i_jobb_most_youth")]
    known = [v for _, v in items if v is not None]
    shown = iter(_shown(known, share, total=False))
    values = [None if v is None else next(shown) for _, v in items]
    return pd.DataFrame({i18n.t("followup.col.figure", lang): [label for label, _ in items],
                         i18n.t("followup.col.count", lang): [_text(v, lang) for v in values]})


def monthly_frame(figures: pd.DataFrame, year: int, lang: str = "nb", *, share: bool = False) -> pd.DataFrame:
    """Conversations and group participations per month of ``year``: month, series, value (int, or
    ":" when suppressed), one line per series over every month with figures."""
    rows = _year_rows(figures, year)
    months = sorted(rows["month"].unique())
    series = [("conversations", "", MEASURES["conversations"].label(lang))]
    series += [("group_participations", g, GROUP_TYPES[g][lang]) for g in GROUP_TYPES]
    parts = []
    for measure, category, label in series:
        picked = rows[(rows["measure"] == measure) & (rows["category"] == category)]
        values = picked.groupby("month")["value"].sum().reindex(months, fill_value=0)
        if not values.sum():
            continue
        parts.append(pd.DataFrame({"month": months, "series": label,
                                   "value": pd.Series(_shown(values.tolist(), share), dtype=object)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["month", "series", "value"])


def funnel_table(summary: dict, lang: str = "nb", *, share: bool = False) -> pd.DataFrame:
    """The follow-up funnel of a year: street and school hits → unique youth in follow-up → unique
    youth referred. The first stage counts meetings (hits), the others young people."""
    stages = [("street_school_hits", summary["street_school_hits"]), ("unique_youth", summary["unique_youth"]),
              ("referral_unique_youth", summary["referral_unique_youth"])]
    stages = [(k, v) for k, v in stages if v is not None]
    shown = _shown([v for _, v in stages], share, total=False)
    return pd.DataFrame({"stage": [k for k, _ in stages],
                         "label": [i18n.t(f"followup.funnel.{k}", lang) for k, _ in stages],
                         "value": pd.Series(shown, dtype=object)})


# ========================================================================================== charts

def _number(value) -> float | None:
    return None if value == SUPPRESSED or value is None or pd.isna(value) else float(value)


def service_bars(table: pd.DataFrame, lang: str = "nb") -> Chart:
    """Incoming and outgoing collaboration per service as grouped horizontal bars, each labelled
    with its count (":" where suppressed); ``table`` from :func:`service_table`."""
    service_col, in_col, out_col = (i18n.t(f"followup.col.{c}", lang) for c in ("service", "incoming", "outgoing"))
    body = table[table["service"] != ""]
    fig = go.Figure()
    for column, colour in ((in_col, LINE_COLOURS[0]), (out_col, LINE_COLOURS[4])):
        values = [_number(v) for v in body[column]]
        fig.add_trace(go.Bar(
            y=[_esc(s) for s in body[service_col]], x=[v or 0 for v in values], name=_esc(column), orientation="h",
            marker=dict(color=colour), text=[_text(v, lang) for v in body[column]], textposition="outside",
            cliponaxis=False, customdata=[f"{_esc(s)} – {_esc(column).lower()}: {_text(v, lang)}"
                                          for s, v in zip(body[service_col], body[column])],
            hovertemplate="%{customdata}<extra></extra>"))
    longest = max([_number(v) or 0 for v in pd.concat([body[in_col], body[out_col]])], default=1)
    fig.update_xaxes(title=i18n.t("followup.col.count", lang), tickformat=",d", range=[0, max(longest, 1) * 1.2])
    fig.update_yaxes(autorange="reversed", type="category", title=None)
    _style(fig, lang, barmode="group", height=120 + 40 * max(len(body), 1), legend=dict(orientation="h", y=-0.08))
    totals = table[table["service"] == ""].iloc[0] if (table["service"] == "").any() else None
    return Chart(fig, as_text(table.drop(columns="service"), [in_col, out_col], lang), _service_summary(body, totals, service_col, in_col, out_col, lang))


def _service_summary(body, totals, service_col, in_col, out_col, lang) -> str:
    if body.empty:
        return i18n.t("followup.no_services", lang)
    parts = []
    for column, key in ((in_col, "followup.summary.most_in"), (out_col, "followup.summary.most_out")):
        values = [(_number(v), s) for v, s in zip(body[column], body[service_col]) if _number(v)]
        if values:
            value, service = max(values, key=lambda p: p[0])
            parts.append(i18n.t(key, lang, service=service, n=i18n.fmt_int(value, lang)))
    if totals is not None:
        parts.append(i18n.t("followup.summary.totals", lang, incoming=_text(totals[in_col], lang),
                            outgoing=_text(totals[out_col], lang)))
    return " ".join(parts)


def monthly_lines(frame: pd.DataFrame, lang: str = "nb") -> Chart:
    """One line per series (month, series, value from :func:`monthly_frame`); a suppressed month
    is a gap in its line and ":" in the table."""
    month_col, series_col, count_col = (i18n.t(f"followup.col.{c}", lang) for c in ("month", "series", "count"))
    fig = go.Figure()
    if frame.empty:
        _style(fig, lang)
        return Chart(fig, pd.DataFrame(columns=[month_col, series_col, count_col]), i18n.t("followup.no_figures", lang))
    for i, (name, part) in enumerate(frame.groupby("series", sort=False)):
        months = pd.to_datetime(part["month"])
        fig.add_trace(go.Scatter(
            x=months, y=[_number(v) for v in part["value"]], mode="lines+markers", name=_esc(name),
            line=dict(color=LINE_COLOURS[i % len(LINE_COLOURS)], width=2.5),
            marker=dict(symbol=MARKER_SYMBOLS[i % len(MARKER_SYMBOLS)], size=7),
            customdata=[f"{_esc(name)} – {_month_label(m, lang)}: {_text(v, lang)}" for m, v in zip(months, part["value"])],
            hovertemplate="%{customdata}<extra></extra>"))
    months = pd.to_datetime(frame["month"]).drop_duplicates().sort_values()
    fig.update_xaxes(tickmode="array", tickvals=list(months),
                     ticktext=[_month_label(m, lang, abbreviated=True) for m in months], title=None)
    fig.update_yaxes(title=count_col, tickformat=",d", rangemode="tozero")
    _style(fig, lang, hovermode="closest", legend=dict(orientation="h", y=-0.15))
    table = pd.DataFrame({month_col: [_month_label(pd.Timestamp(m), lang) for m in frame["month"]],
                          series_col: frame["series"].tolist(), count_col: [_text(v, lang) for v in frame["value"]]})
    top_series = frame["series"].iloc[0]
    top = frame[frame["series"] == top_series]
    values = [(_number(v), m) for v, m in zip(top["value"], top["month"]) if _number(v)]
    if not values:
        return Chart(fig, table, i18n.t("followup.no_figures", lang))
    value, month = max(values, key=lambda p: p[0])
    summary = i18n.t("followup.summary.busiest_month", lang, series=top_series,
                     month=_month_label(pd.Timestamp(month), lang), n=i18n.fmt_int(value, lang))
    return Chart(fig, table, summary)


def funnel_chart(table: pd.DataFrame, lang: str = "nb") -> Chart:
    """The follow-up funnel (from :func:`funnel_table`) as a plotly funnel with the counts as text."""
    stage_col, count_col = i18n.t("followup.col.stage", lang), i18n.t("followup.col.count", lang)
    values = [_number(v) for v in table["value"]]
    fig = go.Figure(go.Funnel(
        y=[_esc(label) for label in table["label"]], x=[v or 0 for v in values],
        text=[_text(v, lang) for v in table["value"]], textinfo="text", marker=dict(color=LINE_COLOURS[0]),
        customdata=[f"{_esc(label)}: {_text(v, lang)}" for label, v in zip(table["label"], table["value"])],
        hovertemplate="%{customdata}<extra></extra>"))
    _style(fig, lang, height=300, showlegend=False)
    shown = pd.DataFrame({stage_col: table["label"].tolist(), count_col: [_text(v, lang) for v in table["value"]]})
    by_stage = dict(zip(table["stage"], values))
    youth, referred = by_stage.get("unique_youth"), by_stage.get("referral_unique_youth")
    if youth and referred is not None:
        summary = i18n.t("followup.summary.funnel", lang, youth=i18n.fmt_int(youth, lang),
                         referred=i18n.fmt_int(referred, lang), share=i18n.fmt_pct(referred / youth, lang, signed=False,
                                                                                      decimals=0))
    else:
        summary = i18n.t("followup.summary.funnel_partial", lang)
    return Chart(fig, shown, summary)


# ========================================================================================== import
