"""Follow-up of an HKH rapid mapping (Hurtig kartlegging og handling): the places it covered, its
action plan, and baseline versus follow-up figures for those places.

The comparison gives hits, age and gender mix and the weekday × hour profile of both periods, and
the rate ratio with its 95 % confidence interval and p-value. Where the patrol log has team-hours
in the places' areas in both periods, the rate is per team-hour (effort-adjusted: more patrols
alone would find more youth); otherwise per day. The follow-up counts only its days with data,
and there is no ratio when the baseline lacks data (:mod:`dashboard.comparison`). Pure apart from
the database reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard import access, audit, comparison, i18n, pii, queries, stats, vocab
from dashboard.db import Database, bump_data_version, now_local
from dashboard.errors import FeltkartError
from dashboard.filters import Filter

DEFAULT_HOTSPOTS = ("lillestrom-stasjon", "strommen-storsenter")
ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")
STATUS_LABELS = {
    "planned": {"nb": "Planlagt", "en": "Planned"},
    "in_progress": {"nb": "Pågår", "en": "In progress"},
    "done": {"nb": "Gjennomført", "en": "Done"},
    "dropped": {"nb": "Droppet", "en": "Dropped"},
}


@dataclass(frozen=True)
class PeriodFigures:
    start: date
    end: date
    hits: int
    team_hours: float
    by_age: dict[str, int]
    by_gender: dict[str, int]
    weekday_hour: pd.DataFrame  # weekday, hour, hits
    has_data: bool = True  # False: nothing was registered on any day of the period (not the same as 0 met)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def hits_text(self, lang: str = "nb") -> str:
        """The hits, or 'ingen data' when the period has no data at all."""
        return i18n.fmt_int(self.hits, lang) if self.has_data else i18n.t("hkh.no_data", lang)

    def as_json(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "hits": self.hits,
                "has_data": self.has_data, "team_hours": round(self.team_hours, 1), "days": self.days,
                "by_age_band": self.by_age, "by_gender": self.by_gender}


@dataclass(frozen=True)
class Comparison:
    hotspot_ids: tuple[str, ...]
    before: PeriodFigures
    after: PeriodFigures
    rate: "stats.RateRatio"
    effort_adjusted: bool
    judged: comparison.Judgement  # whether both periods have data; ``after`` is the follow-up's days with data
    followup: tuple[date, date]  # the follow-up period as chosen (its notes count even after the last data)

    def as_json(self) -> dict:
        """The CLI's JSON: before/after figures, rate ratio, 95 % CI and p-value (null, with
        ``comparison`` and ``note`` saying why, when a side has no data)."""
        def number(value):
            return None if value is None or value != value or value in (float("inf"), float("-inf")) else round(value, 4)

        return {"hotspots": list(self.hotspot_ids), "before": self.before.as_json(), "after": self.after.as_json(),
                "rate_ratio": number(self.rate.ratio), "ci95": [number(v) for v in self.rate.ci95],
                "p_value": number(self.rate.p_value), "method": self.rate.method,
                "exposure": "team_hours" if self.effort_adjusted else "days",
                "comparison": self.judged.status, "note": self.judged.note()}


def _period(db: Database, hotspot_ids: tuple[str, ...], start: date, end: date, has_data: bool) -> PeriodFigures:
    flt = Filter(start, end, compare="none").with_hotspots(*hotspot_ids)
    breakdown = queries.run_filtered(db, "hits_breakdown", flt)

    def by(dimension: str, keys) -> dict[str, int]:
        part = breakdown[breakdown["dimension"] == dimension]
        found = dict(zip(part["key"], part["hits"].astype(int)))
        return {key: int(found.get(key, 0)) for key in keys}

    areas = queries.run(db, "places").set_index("id").reindex(list(hotspot_ids))["area_id"].dropna().unique().tolist()
    effort = queries.run(db, "effort_by_area", start_ts=datetime.combine(start, time()),
                         end_ts=datetime.combine(end + timedelta(days=1), time()), area_ids=areas)
    by_age = by("age_band", vocab.AGE_BANDS)
    return PeriodFigures(start, end, sum(by_age.values()), float(effort["team_hours"].sum()) if len(effort) else 0.0,
                         by_age, by("gender", vocab.GENDERS), queries.run_filtered(db, "weekday_hour", flt), has_data)


def check_places(db: Database, hotspot_ids) -> tuple[str, ...]:
    known = set(queries.run(db, "places")["id"])
    hotspot_ids = tuple(dict.fromkeys(h.strip() for h in hotspot_ids if h.strip()))
    if not hotspot_ids:
        raise FeltkartError("hkh.no_places")
    for hotspot_id in hotspot_ids:
        if hotspot_id not in known:
            raise FeltkartError("place.unknown_hotspot", hotspot=hotspot_id)
    return hotspot_ids


def compare(db: Database, hotspot_ids, before: tuple[date, date], after: tuple[date, date]) -> Comparison:
    """Baseline (``before``) versus follow-up (``after``) for the places, effort-adjusted where possible.

    The follow-up is cut to its days with data (days not yet imported are no exposure); the rate
    ratio is computed only when the baseline has data throughout (:mod:`dashboard.comparison`)."""
    hotspot_ids = check_places(db, hotspot_ids)
    for start, end in (before, after):
        if end < start:
            raise FeltkartError("filter.bad_period", start=start.isoformat(), end=end.isoformat())
    span = comparison.data_span(db)
    judged = comparison.for_periods(before, after, span)
    first = _period(db, hotspot_ids, *before, comparison.has_data(before, span))
    second = _period(db, hotspot_ids, *judged.current, comparison.has_data(after, span))
    effort = first.team_hours > 0 and second.team_hours > 0
    if judged.comparable:
        rate = stats.rate_ratio(second.hits, second.team_hours if effort else second.days,
                                first.hits, first.team_hours if effort else first.days)
    else:
        rate = stats.RateRatio.unavailable(judged.note_texts())
    return Comparison(hotspot_ids, first, second, rate, effort, judged, tuple(after))


def summary_text(cmp: Comparison, lang: str = "nb") -> str:
    """One sentence a planner can read out: the change per team-hour (or day) and whether it is clear."""
    unit = i18n.t("hkh.per_team_hour" if cmp.effort_adjusted else "hkh.per_day", lang)
    rate = cmp.rate
    if rate.ratio != rate.ratio:  # NaN: nothing to compare (no data on a side, or no hits on either)
        return rate.note.get(lang, "") if isinstance(rate.note, dict) else str(rate.note or "")
    clear = rate.significant  # p < 0,05, which is the same as 1 outside the interval
    days = f" {cmp.judged.note(lang)}" if cmp.judged.clipped else ""  # the follow-up's days with data
    return i18n.t("hkh.summary", lang, before=i18n.fmt_int(cmp.before.hits, lang), after=i18n.fmt_int(cmp.after.hits, lang),
                  ratio=i18n.fmt_decimal(rate.ratio, lang, decimals=2), unit=unit,
                  lo=i18n.fmt_decimal(rate.ci95[0], lang, decimals=2), hi=i18n.fmt_decimal(rate.ci95[1], lang, decimals=2),
                  p=("< 0,001" if lang == "nb" else "< 0.001") if rate.p_value < 0.001
                  else "= " + i18n.fmt_decimal(rate.p_value, lang, decimals=3),
                  verdict=i18n.t("hkh.clear" if clear else "hkh.unclear", lang)) + days


# --- mappings and their action plans ------------------------------------------------------------

def mappings(db: Database) -> pd.DataFrame:
    with db.read() as con:
        return con.execute("SELECT * FROM hkh_mappings ORDER BY mapped_on DESC, id DESC").df()


def create_mapping(db: Database, *, title: str, mapped_on: date, hotspot_ids, baseline: tuple[date, date],
                   followup: tuple[date, date]) -> int:
    access.require("editor")
    if not (title or "").strip():
        raise FeltkartError("hkh.title_required")
    pii.check("hkh_title", title)
    hotspot_ids = check_places(db, hotspot_ids)
    for start, end in (baseline, followup):
        if end < start:
            raise FeltkartError("filter.bad_period", start=start.isoformat(), end=end.isoformat())
    with db.write() as con:
        mapping_id = con.execute(
            "INSERT INTO hkh_mappings (title, mapped_on, hotspot_ids, baseline_start, baseline_end, followup_start, "
            "followup_end, created_at) VALUES ($title, $on, $ids, $b0, $b1, $f0, $f1, $at) RETURNING id",
            {"title": title.strip(), "on": mapped_on, "ids": list(hotspot_ids), "b0": baseline[0], "b1": baseline[1],
             "f0": followup[0], "f1": followup[1], "at": now_local()}).fetchall()[0][0]
        audit.record(con, "hkh.create", f"hkh:{mapping_id}", after={"title": title, "hotspots": list(hotspot_ids)})
        bump_data_version(con)
    return int(mapping_id)


def actions(db: Database, mapping_id: int) -> pd.DataFrame:
    with db.read() as con:
        return con.execute("SELECT * FROM hkh_actions WHERE mapping_id = $id ORDER BY id", {"id": mapping_id}).df()


def _check_action(measure: str, owner: str, status: str, notes: str) -> None:
    if not (measure or "").strip():
        raise FeltkartError("hkh.measure_required")
    if not (owner or "").strip():
        raise FeltkartError("hkh.owner_required")
    if status not in ACTION_STATUSES:
        raise FeltkartError("hkh.bad_status", status=status, valid=", ".join(ACTION_STATUSES))
    pii.check_all({"hkh_measure": measure, "hkh_owner": owner, "hkh_notes": notes})


def add_action(db: Database, mapping_id: int, *, measure: str, owner: str, status: str = "planned",
               notes: str = "") -> int:
    access.require("editor")
    _check_action(measure, owner, status, notes)
    with db.write() as con:
        if not con.execute("SELECT 1 FROM hkh_mappings WHERE id = $m", {"m": mapping_id}).fetchall():
            raise FeltkartError("hkh.mapping_not_found", id=mapping_id)
        action_id = con.execute(
            "INSERT INTO hkh_actions (mapping_id, measure, owner, status, notes, updated_at) "
            "VALUES ($m, $measure, $owner, $status, $notes, $at) RETURNING id",
            {"m": mapping_id, "measure": measure.strip(), "owner": owner.strip(), "status": status,
             "notes": (notes or "").strip(), "at": now_local()}).fetchall()[0][0]
        audit.record(con, "hkh.action.add", f"hkh-action:{action_id}",
                     after={"measure": measure, "owner": owner, "status": status})
        bump_data_version(con)
    return int(action_id)


def update_action(db: Database, action_id: int, expected_version: int, *, measure: str, owner: str, status: str,
                  notes: str = "") -> int:
    """Save an edit made from ``expected_version``; a stale edit is refused (nothing is lost)."""
    access.require("editor")
    _check_action(measure, owner, status, notes)
    with db.write() as con:
        before = con.execute("SELECT measure, owner, status, notes FROM hkh_actions WHERE id = $id",
                             {"id": action_id}).df().to_dict("records")
        rows = con.execute("SELECT version FROM hkh_actions WHERE id = $id", {"id": action_id}).fetchall()
        if not rows:
            raise FeltkartError("hkh.action_not_found", id=action_id)
        if rows[0][0] != expected_version:
            raise FeltkartError("hkh.action_conflict", id=action_id)
        con.execute("UPDATE hkh_actions SET measure = $measure, owner = $owner, status = $status, notes = $notes, "
                    "updated_at = $at, version = version + 1 WHERE id = $id",
                    {"measure": measure.strip(), "owner": owner.strip(), "status": status,
                     "notes": (notes or "").strip(), "at": now_local(), "id": action_id})
        audit.record(con, "hkh.action.update", f"hkh-action:{action_id}", before=before[0] if before else None,
                     after={"measure": measure, "owner": owner, "status": status, "notes": notes})
        bump_data_version(con)
    return expected_version + 1


def timeline(db: Database, cmp: Comparison, shareable_only: bool = False) -> pd.DataFrame:
    """The trend notes of both periods about these places or their areas, oldest first."""
    places = queries.run(db, "places").set_index("id")
    areas = set(places.reindex(list(cmp.hotspot_ids))["area_id"].dropna())
    notes = queries.run(db, "trend_notes", start_date=min(cmp.before.start, cmp.followup[0]),
                        end_date=max(cmp.before.end, cmp.followup[1]), area_ids=sorted(areas),
                        shareable_only=shareable_only, include_archived=False)
    relevant = notes["hotspot_id"].isin(cmp.hotspot_ids) | (notes["hotspot_id"].isna() & notes["area_id"].isin(areas))
    notes = notes[relevant].sort_values(["period_start", "id"])
    notes["period"] = ["before" if pd.Timestamp(s).date() <= cmp.before.end else "after" for s in notes["period_start"]]
    return notes


def export_frames(cmp: Comparison, action_rows: pd.DataFrame, notes: pd.DataFrame, lang: str = "nb",
                  suppress_below: int | None = None) -> dict[str, pd.DataFrame]:
    """Sheets for an XLSX export: the comparison, age and gender mix, the action plan, the notes."""
    from dashboard.disclosure import SUPPRESSED, suppress_series

    def shown(values: list[int]) -> list:
        return suppress_series(values, suppress_below) if suppress_below else values

    def mix_column(figures: PeriodFigures) -> list:
        # Age bands and genders each add up to the hits (and share the key 'unknown'): one at a time.
        if not figures.has_data:
            return [figures.hits_text(lang)] * (len(vocab.AGE_BANDS) + len(vocab.GENDERS))
        return [*shown([figures.by_age[k] for k in vocab.AGE_BANDS]), *shown([figures.by_gender[k] for k in vocab.GENDERS])]

    t = lambda key, **p: i18n.t(key, lang, **p)  # noqa: E731
    # A period without data says so rather than 0; its (zero) count has nothing to hide.
    hits_before, hits_after = ([shown([f.hits])[0] if f.has_data else f.hits_text(lang)] for f in (cmp.before, cmp.after))
    summary = pd.DataFrame({
        t("hkh.col.item"): [t("hkh.col.period"), t("table.hits"), t("hkh.col.team_hours"), t("hkh.col.days")],
        t("hkh.baseline"): [f"{cmp.before.start:%d.%m.%Y}–{cmp.before.end:%d.%m.%Y}", *hits_before,
                            round(cmp.before.team_hours, 1), cmp.before.days],
        t("hkh.followup"): [f"{cmp.after.start:%d.%m.%Y}–{cmp.after.end:%d.%m.%Y}", *hits_after,
                            round(cmp.after.team_hours, 1), cmp.after.days],
    })
    rate_values = [cmp.rate.ratio, cmp.rate.ci95[0], cmp.rate.ci95[1], cmp.rate.p_value]
    if SUPPRESSED in (*hits_before, *hits_after):  # with the team-hours or days it would give the count away
        rate_values = [SUPPRESSED] * len(rate_values)
    items = [t("hkh.col.ratio"), t("hkh.col.ci_low"), t("hkh.col.ci_high"), "p"]
    if not cmp.judged.comparable:  # why the ratio is empty
        items, rate_values = [*items, t("hkh.col.note")], [*rate_values, cmp.judged.note(lang)]
    rate = pd.DataFrame({t("hkh.col.item"): items, t("hkh.col.value"): rate_values})
    mix = pd.DataFrame({
        t("hkh.col.group"): [vocab.AGE_BANDS[k][lang] for k in vocab.AGE_BANDS] + [vocab.GENDERS[k][lang] for k in vocab.GENDERS],
        t("hkh.baseline"): mix_column(cmp.before),
        t("hkh.followup"): mix_column(cmp.after),
    })
    plan = pd.DataFrame({
        t("hkh.col.measure"): action_rows.get("measure", pd.Series(dtype=str)),
        t("hkh.col.owner"): action_rows.get("owner", pd.Series(dtype=str)),
        t("hkh.col.status"): [STATUS_LABELS[s][lang] for s in action_rows.get("status", [])],
        t("hkh.col.notes"): action_rows.get("notes", pd.Series(dtype=str)),
    })
    note_sheet = pd.DataFrame({
        t("table.period"): [f"{pd.Timestamp(a):%d.%m.%Y}–{pd.Timestamp(b):%d.%m.%Y}"
                            for a, b in zip(notes["period_start"], notes["period_end"])],
        t("table.text"): notes["body"], t("table.author"): notes["author"],
    })
    return {t("hkh.sheet.summary"): pd.concat([summary, rate.rename(columns={t("hkh.col.value"): t("hkh.followup")})]),
            t("hkh.sheet.mix"): mix, t("hkh.sheet.actions"): plan, t("hkh.sheet.notes"): note_sheet}


def seed_demo(con, created_at: datetime) -> None:
    """The demo's HKH mapping of 2023 with a small action plan (inside the demo's transaction)."""
    mapping_id = con.execute(
        "INSERT INTO hkh_mappings (title, mapped_on, hotspot_ids, baseline_start, baseline_end, followup_start, "
        "followup_end, created_at) VALUES ($title, $on, $ids, $b0, $b1, $f0, $f1, $at) RETURNING id",
        {"title": "HKH Lillestrøm stasjon og Strømmen Storsenter", "on": date(2023, 10, 15),
         "ids": list(DEFAULT_HOTSPOTS), "b0": date(2023, 1, 1), "b1": date(2023, 12, 31), "f0": date(2025, 1, 1),
         "f1": date(2025, 12, 31), "at": created_at}).fetchall()[0][0]
    for measure, owner, status, notes in DEMO_ACTIONS:
        con.execute("INSERT INTO hkh_actions (mapping_id, measure, owner, status, notes, updated_at) "
                    "VALUES ($m, $measure, $owner, $status, $notes, $at)",
                    {"m": mapping_id, "measure": measure, "owner": owner, "status": status, "notes": notes,
                     "at": created_at})


DEMO_ACTIONS = [
    ("Bedre belysning ved sykkelparkeringen og undergangen", "Lillestrøm kommune, eiendom", "done",
     "Ferdig våren 2024."),
    ("Voksne til stede fredagskveld: OUT og natteravnene avtaler faste runder", "OUT", "in_progress",
     "Felles runde annenhver fredag fra januar 2024."),
    ("Samarbeid med senterledelsen om vektere og kontaktpunkt", "Strømmen Storsenter", "done", ""),
    ("Samtaler om rus og grenser i 8. trinn på skolene rundt stasjonen", "Skolehelsetjenesten", "planned",
     "Venter på timeplan for høsten."),
]
