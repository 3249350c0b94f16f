"""A seeded generator of realistic demo registrations for Lillestrøm, calibrated to the 2023 report.

The demo must let a newcomer see what Feltkart does with data that behaves like the real thing:

* 2023 reproduces the published annual report exactly: every row of its per-area tables, 33 636
  street and school hits in all (the 3 733 hits the report does not break down are school field
  hits at the upper secondary schools) and 463 internet hits.
* 2022 is about 42 % lower, and registered no age (the school-level age bands began in 2023).
* From 2024 on, places change in ways the demo trend notes explain (less partying at Bingsfoss
  beach, more youth at Kjeller in the evenings, a busier Strømmen Storsenter, ...).
* Time patterns follow the staffing plan: school field on school days 08:30–15:30, street field in
  the evening and late shifts, Friday and Saturday nights late, bathing spots only in summer.
* A registration is a team tally: one row per team, place, time slot, age band and gender, with a
  count of youth. Nobody is named.

Everything is drawn from ``numpy.random.default_rng`` seeded per year and stream, so a year's data
does not depend on how far the demo runs (``until``) and the same seed gives the same database.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import shapely

from dashboard import calendar_no
from dashboard.calendar_no import SUMMER_HALF_YEAR_MONTHS

FIRST_YEAR = 2022
DEFAULT_SEED = 2023
SLOT_MINUTES = 5
FREE_POINT_SPREAD_M = 350.0
METRES_PER_DEG_LAT = 111_320.0

# The 2023 report's per-place table (Sted / Antall treff), by report row label.
REPORT_2023_HITS = {
    "Skolefelt på Sten-Tærud": 517,
    "Skolefelt på Tæruddalen": 811,
    "Feltarbeid på Skedsmokorset (ettermiddag, kveld og helg)": 614,
    "Skolefelt på Bråtejordet": 962,
    "Skolefelt på Stav": 3188,
    "Feltarbeid på Strømmen og Skjetten (ettermiddag, kveld og helg)": 4018,
    "Skolefelt på Østersund": 797,
    "Feltarbeid på Fetsund (ettermiddag, kveld og helg)": 689,
    "Skolefelt på Frogner": 1429,
    "Skolefelt på Asak": 673,
    "Feltarbeid på Frogner og Leirsund (ettermiddag, kveld og helg)": 491,
    "Skolefelt på Bingsfoss": 643,
    "Feltarbeid på Sørumsand (ettermiddag, kveld og helg)": 1521,
    "Skolefelt på Sophie Radich": 1189,
    "Skolefelt på Kjeller": 1030,
    "Feltarbeid i Lillestrøm sentrum og Kjeller (ettermiddag, kveld og helg)": 2712,
    "Lillestrøm tog- og busstasjon": 7359,
    "Feltarbeid på Kulturkvartalet, Skateparken, Flomvollen, Helsebygget, Vollen, Stillverksveien": 1260,
}
# The 3 733 street/school hits of 2023 the report leaves out: school field at upper secondary schools.
UNALLOCATED_2023_HITS = {"lillestrom-vgs": 1402, "skedsmo-vgs": 1015, "strommen-vgs": 806, "sorumsand-vgs": 510}
ONLINE_2023_HITS = {"internet": 463, "social": 310, "gaming": 190}

# Whole-service level per year, relative to 2023 (2022 tuned so that 2023 is "almost 42 %" up).
YEAR_LEVEL = {2022: 1 / 1.432, 2023: 1.0, 2024: 1.04, 2025: 1.06, 2026: 1.05}
ONLINE_YEAR_LEVEL = {
    "internet": {2022: 0.72, 2023: 1.0, 2024: 1.15, 2025: 1.3, 2026: 1.35},
    "social": {2022: 1.0, 2023: 1.0, 2024: 1.05, 2025: 1.1, 2026: 1.1},
    "gaming": {2022: 0.0, 2023: 1.0, 2024: 1.2, 2025: 1.3, 2026: 1.4},
}

# How the 2023 street hits of an area spread over its places (shares; "" = a free point).
STREET_WEIGHTS = {
    "skedsmokorset": {"skedsmokorset-senter": 0.35, "skedsmo-stadion": 0.3, "villa-taerud": 0.1,
                      "sten-taerud-skole": 0.1, "taeruddalen-skole": 0.1, "": 0.05},
    "skjetten-strommen": {"strommen-storsenter": 0.4, "strommen-stasjon": 0.2, "skjetten-senter": 0.15,
                          "stav-skole": 0.08, "bratejordet-skole": 0.05, "strommen-vgs": 0.05, "": 0.07},
    "fetsund": {"fetsund-sentrum": 0.25, "fetsund-stasjon": 0.15, "garderasen": 0.2,
                "ostersund-ungdomsskole": 0.1, "hovinhogda-skole": 0.08, "riddersand-skole": 0.02,
                "tientjern": 0.07, "hvalstjern": 0.05, "gansvika": 0.05, "": 0.03},
    "frogner-leirsund": {"frogner-stasjon": 0.35, "frogner-skole": 0.25, "asak-skole": 0.2,
                         "leirsund-stasjon": 0.1, "": 0.1},
    "sorumsand": {"fokus-senter": 0.25, "sorumsand-stasjon": 0.2, "sorumsand-idrettspark": 0.2,
                  "bingsfoss-stranda": 0.15, "bingsfoss-ungdomsskole": 0.05, "sorumsand-vgs": 0.05, "": 0.1},
    "lillestrom-sentrum-kjeller": {"lillestrom-gagata": 0.3, "kjeller-skole": 0.2, "volla": 0.12,
                                   "vigernes": 0.08, "sophie-radich-skole": 0.1, "kjeller-flyplass": 0.05,
                                   "lillestrom-vgs": 0.05, "skedsmo-vgs": 0.03, "": 0.07},
    "lillestrom-stasjon": {"kulturkvartalet": 0.3, "lillestrom-skatepark": 0.3, "flomvollen": 0.2,
                           "stillverksveien": 0.1, "": 0.1},
}

# Changes over the years, per place (multipliers on its 2023 level; missing years = 1).
PLACE_TRENDS = {
    "bingsfoss-stranda": {2022: 1.7, 2024: 0.65, 2025: 0.45, 2026: 0.35},
    "kjeller-skole": {2024: 1.5, 2025: 2.0, 2026: 2.4},
    "kjeller-flyplass": {2024: 1.3, 2025: 1.6, 2026: 1.8},
    "hovinhogda-skole": {2022: 2.2},
    "skedsmokorset-senter": {2022: 0.7, 2024: 0.8, 2025: 0.75, 2026: 0.7},
    "skedsmo-stadion": {2022: 0.7, 2024: 0.85, 2025: 0.8, 2026: 0.8},
    "frogner-stasjon": {2022: 0.8, 2024: 0.8, 2025: 0.75, 2026: 0.75},
    "strommen-storsenter": {2024: 1.15, 2025: 1.3, 2026: 1.25},
    "lillestrom-stasjon": {2024: 1.08, 2025: 1.12, 2026: 0.95},
    "fokus-senter": {2025: 1.2, 2026: 1.3},
}

# Mean youth met per visit, by channel (street visits at the station are bigger).
MEAN_VISIT_SIZE = {"school": 7.0, "street": 3.6, "station": 5.0, "online": 1.4}

# Age mix (u13, 13-15, 16-18, 19-24, unknown) by setting.
AGE_BANDS = ("u13", "13-15", "16-18", "19-24", "unknown")
AGE_MIX = {
    "lower_secondary": (0.03, 0.90, 0.06, 0.00, 0.01),
    "all_through": (0.20, 0.75, 0.04, 0.00, 0.01),
    "primary": (0.85, 0.14, 0.00, 0.00, 0.01),
    "upper_secondary": (0.00, 0.05, 0.84, 0.10, 0.01),
    "street_evening": (0.06, 0.56, 0.28, 0.07, 0.03),
    "street_late": (0.02, 0.36, 0.40, 0.18, 0.04),
    "station": (0.03, 0.45, 0.33, 0.16, 0.03),
    "online": (0.02, 0.55, 0.33, 0.08, 0.02),
}
SCHOOL_SETTING = {  # by hotspot id; schools not listed are lower secondary (8–10)
    "sten-taerud-skole": "all_through", "frogner-skole": "all_through", "asak-skole": "all_through",
    "kjeller-skole": "all_through", "hovinhogda-skole": "primary", "riddersand-skole": "primary",
    "lillestrom-vgs": "upper_secondary", "skedsmo-vgs": "upper_secondary",
    "strommen-vgs": "upper_secondary", "sorumsand-vgs": "upper_secondary",
}
GENDERS = ("boy", "girl", "other", "unknown")
GENDER_MIX = (0.54, 0.435, 0.01, 0.015)
GROUP_CONCENTRATION = 4.0  # Dirichlet concentration: lower = groups more often of one kind

# Street presence by ISO weekday (youth out and teams on shift), and by month for kinds of place.
STREET_WEEKDAY = {1: 0.8, 2: 0.85, 3: 0.9, 4: 0.95, 5: 1.7, 6: 1.5, 7: 0.75}
SCHOOL_WEEKDAY = {1: 0.9, 2: 1.2, 3: 1.2, 4: 0.9, 5: 0.8}
KIND_MONTH = {
    "beach": (0, 0, 0, 0, 0, 1.0, 1.3, 0.8, 0, 0, 0, 0),
    "park": (0.5, 0.5, 0.7, 0.9, 1.2, 1.5, 1.4, 1.4, 1.1, 0.9, 0.6, 0.5),
    "sports": (0.4, 0.4, 0.6, 1.0, 1.3, 1.4, 1.0, 1.3, 1.3, 1.0, 0.6, 0.4),
    "centre": (1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.8, 1.0, 1.1, 1.2, 1.3),
}
SUMMER_EXTRA_TEAM_FACTOR = 1.25  # summer half-year: one more team at weekends and weekday evenings

# Staffing plan from the report: (weekday, shift, start, end, min, max) in the winter half-year.
STAFFING_PLAN = [
    *[(d, "day", "08:30", "15:30", lo, hi) for d, lo, hi in ((1, 2, 3), (2, 3, 4), (3, 3, 4), (4, 2, 3), (5, 2, 3))],
    *[(d, "evening", "14:30", "22:15", 2, 3) for d in (1, 2, 3, 4)],
    (7, "evening", "14:30", "22:15", 1, 2),
    (5, "late", "16:00", "01:00", 1, 2),
    (6, "late", "16:00", "01:00", 1, 2),
]
TEAMS = ("T1", "T2", "T3", "T4", "T5", "T6")


@dataclass(frozen=True)
class Stream:
    """Hits the report counts together (one row, or one left-out place, or one online channel)."""

    key: str
    channel: str
    area_id: str | None  # the area of free points; None for online channels
    shares: dict[str, float]  # hotspot id ("" = a free point) -> share of the stream's 2023 hits
    hits_2023: int

    @property
    def online(self) -> bool:
        return self.channel in ("internet", "social", "gaming")


def streams(report_rows: pd.DataFrame) -> list[Stream]:
    """The streams behind the report's rows, the left-out school field, and the online channels."""
    result = []
    for row in report_rows.itertuples():
        shares = {row.hotspot_id: 1.0} if row.hotspot_id else STREET_WEIGHTS[row.area_id]
        result.append(Stream(row.label, row.channel, row.area_id, shares, REPORT_2023_HITS[row.label]))
    for hotspot_id, hits in UNALLOCATED_2023_HITS.items():
        result.append(Stream(f"school:{hotspot_id}", "school", None, {hotspot_id: 1.0}, hits))
    for channel, hits in ONLINE_2023_HITS.items():
        result.append(Stream(f"online:{channel}", channel, None, {"": 1.0}, hits))
    return result


@dataclass(frozen=True)
class Places:
    """What the generator needs to know of the places: kinds, areas, coordinates, polygons."""

    kind: dict[str, str]
    area: dict[str, str]
    lon: dict[str, float]
    lat: dict[str, float]
    area_polygons: dict[str, object]

    @classmethod
    def from_geodata(cls, hotspots, areas) -> "Places":
        return cls(
            kind=dict(zip(hotspots["id"], hotspots["kind"])),
            area=dict(zip(hotspots["id"], hotspots["area_id"])),
            lon=dict(zip(hotspots["id"], hotspots.geometry.x)),
            lat=dict(zip(hotspots["id"], hotspots.geometry.y)),
            area_polygons=dict(zip(areas["id"], areas.geometry)),
        )


def _rng(seed: int, *parts) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, parts)).encode())])


def _place_trend(hotspot_id: str, year: int) -> float:
    return PLACE_TRENDS.get(hotspot_id, {}).get(year, 1.0)


def _level(stream: Stream, year: int) -> float:
    if stream.online:
        return ONLINE_YEAR_LEVEL[stream.channel].get(year, 1.0)
    return YEAR_LEVEL.get(year, YEAR_LEVEL[max(YEAR_LEVEL)])


def _day_weights(channel: str, kind: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Relative chance that a visit to a place of ``kind`` falls on each day."""
    weekday = days.isocalendar().day.to_numpy()
    if channel == "school":
        school_day = np.array([calendar_no.is_school_day(d) for d in days.date])
        return school_day * np.array([SCHOOL_WEEKDAY.get(int(d), 0.0) for d in weekday])
    weights = np.array([STREET_WEEKDAY[int(d)] for d in weekday])
    summer = np.isin(days.month.to_numpy(), list(SUMMER_HALF_YEAR_MONTHS))
    weights = weights * np.where(summer, SUMMER_EXTRA_TEAM_FACTOR, 1.0)
    if kind in KIND_MONTH:
        weights = weights * np.asarray(KIND_MONTH[kind])[days.month.to_numpy() - 1]
    return weights


def _visit_minutes(channel: str, kind: str, weekday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Minutes after midnight of the shift's day; past 1 440 is after midnight (late shift)."""
    n = len(weekday)
    if channel == "school":  # at the breaks of the school day, 08:30–15:30
        breaks = np.array([570, 615, 690, 735, 810, 870])
        return np.clip(rng.choice(breaks, n) + rng.normal(0, 12, n), 510, 925)
    if channel in ("internet", "social", "gaming"):
        return np.clip(rng.normal(19 * 60, 150, n), 9 * 60, 23 * 60 + 55)
    late_shift = (weekday == 5) | (weekday == 6)  # Friday and Saturday: 16:00–01:00
    evening_peak = 18 * 60 if kind == "beach" else 19 * 60 + 30
    minutes = np.where(late_shift, rng.normal(21 * 60 + 45, 110, n), rng.normal(evening_peak, 95, n))
    latest = np.where(late_shift, 24 * 60 + 55, 22 * 60 + 10)
    if kind == "beach":  # nobody bathes after midnight; also keeps beach visits inside the summer months
        latest = np.minimum(latest, 23 * 60 + 55)
    return np.clip(minutes, np.where(late_shift, 16 * 60, 15 * 60 + 30), latest)


def _stream_total(stream: Stream, year: int, rng: np.random.Generator) -> int:
    if year == 2023:
        return stream.hits_2023
    share = np.array(list(stream.shares.values()))
    trend = np.array([_place_trend(p, year) for p in stream.shares])
    return max(0, int(round(stream.hits_2023 * _level(stream, year) * (share * trend).sum() / share.sum()
                            * rng.normal(1.0, 0.04))))


def year_visits(stream: Stream, year: int, places: Places, seed: int) -> pd.DataFrame:
    """One stream's visits in one year: when, where, which team, and how many youth in all.

    The year's total is exact (2023: the report's figure); visits are drawn over (place, day) cells
    weighted by each place's share and trend and by the day pattern, and the total is spread
    over the visits with a multinomial draw, so some visits meet many and some few.
    """
    rng = _rng(seed, year, stream.key)
    total = _stream_total(stream, year, rng)
    days = pd.date_range(date(year, 1, 1), date(year, 12, 31), freq="D")
    ids = list(stream.shares)
    cells = []
    for place in ids:
        kind = places.kind.get(place, "other")
        pattern = _day_weights(stream.channel, kind, days)
        cells.append(stream.shares[place] * _place_trend(place, year) * pattern / max(pattern.sum(), 1e-12))
    weights = np.concatenate(cells)
    if total == 0 or weights.sum() == 0:
        return pd.DataFrame()
    size_key = "online" if stream.online else "station" if ids == ["lillestrom-stasjon"] else stream.channel
    n_visits = max(1, round(total / MEAN_VISIT_SIZE[size_key]))
    place_index, day_index = np.divmod(rng.choice(len(weights), size=n_visits, p=weights / weights.sum()), len(days))
    visit_days = days[day_index]
    weekday = visit_days.isocalendar().day.to_numpy()
    kinds = np.array([places.kind.get(ids[i], "other") for i in place_index])
    minutes = np.zeros(n_visits)
    for kind in np.unique(kinds):
        mask = kinds == kind
        minutes[mask] = _visit_minutes(stream.channel, kind, weekday[mask], rng)
    minutes = (np.round(minutes / SLOT_MINUTES) * SLOT_MINUTES).astype("int64")
    new_years_eve = (visit_days.month == 12) & (visit_days.day == 31)
    minutes = np.where(new_years_eve, np.minimum(minutes, 24 * 60 - SLOT_MINUTES), minutes)  # keep years exact
    hits = rng.multinomial(total, _normalised(rng.gamma(2.0, 1.0, n_visits)))
    hotspot = np.array([ids[i] or None for i in place_index], dtype=object)
    area = np.array([places.area.get(h, stream.area_id) if h else stream.area_id for h in hotspot], dtype=object)
    return pd.DataFrame({
        "occurred_at": visit_days.to_numpy() + minutes.astype("timedelta64[m]"),
        "hotspot_id": hotspot,
        "area_id": area,
        "channel": stream.channel,
        "late": minutes >= 22 * 60,
        "team": _teams(stream.channel, weekday, rng),
        "hits": hits,
    })[hits > 0]


def _teams(channel: str, weekday: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A team on shift: up to the plan's maximum of teams for that day and shift."""
    plan = {(d, shift): hi for d, shift, _, _, _, hi in STAFFING_PLAN}
    shift = "day" if channel == "school" else None
    counts = np.array([plan.get((int(d), shift or ("late" if d in (5, 6) else "evening")), 2) for d in weekday])
    return np.array(TEAMS)[(rng.random(len(weekday)) * counts).astype(int)]


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def split_by_age_and_gender(visits: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Team tallies: each visit's youth spread over age band × gender cells (zero cells dropped).

    Each visit draws its own mix around its setting's (a group of friends is rarely a cross-section).
    Before 2023 no age band was registered.
    """
    settings = np.array([_age_setting(row) for row in visits[["channel", "hotspot_id", "late"]].itertuples(index=False)])
    if year < 2023:
        age = np.tile(np.eye(len(AGE_BANDS))[AGE_BANDS.index("unknown")], (len(visits), 1))
    else:
        age = np.array([rng.dirichlet(np.array(AGE_MIX[s]) * 30 + 1e-3) for s in settings])
    gender = rng.dirichlet(np.array(GENDER_MIX) * GROUP_CONCENTRATION, size=len(visits))
    cells = (age[:, :, None] * gender[:, None, :]).reshape(len(visits), -1)
    counts = rng.multinomial(visits["hits"].to_numpy(), _row_normalised(cells))
    visit_index, cell_index = np.nonzero(counts)
    tallies = visits.iloc[visit_index].drop(columns=["hits", "late"]).reset_index(drop=True)
    tallies["age_band"] = np.array(AGE_BANDS)[cell_index // len(GENDERS)]
    tallies["gender"] = np.array(GENDERS)[cell_index % len(GENDERS)]
    tallies["youth_count"] = counts[visit_index, cell_index]
    return tallies


def _row_normalised(matrix: np.ndarray) -> np.ndarray:
    return matrix / matrix.sum(axis=1, keepdims=True)


def _age_setting(row) -> str:
    if row.channel == "school":
        return SCHOOL_SETTING.get(row.hotspot_id, "lower_secondary")
    if row.channel in ("internet", "social", "gaming"):
        return "online"
    if row.hotspot_id == "lillestrom-stasjon":
        return "station"
    return "street_late" if row.late else "street_evening"


def free_points(tallies: pd.DataFrame, places: Places, rng: np.random.Generator) -> pd.DataFrame:
    """Give street registrations without a hotspot a point near a place of their area, inside it."""
    tallies = tallies.assign(lon=np.nan, lat=np.nan)
    by_area: dict[str, list[str]] = {}
    for hotspot_id, area_id in places.area.items():
        by_area.setdefault(area_id, []).append(hotspot_id)
    free = tallies["hotspot_id"].isna() & tallies["area_id"].notna()
    for area_id, index in tallies[free].groupby("area_id").groups.items():
        anchors = rng.choice(sorted(by_area[area_id]), size=len(index))
        lon = np.array([places.lon[a] for a in anchors])
        lat = np.array([places.lat[a] for a in anchors])
        new_lon, new_lat = lon.copy(), lat.copy()
        todo = np.ones(len(index), dtype=bool)
        for _ in range(20):
            dy = rng.normal(0, FREE_POINT_SPREAD_M, todo.sum()) / METRES_PER_DEG_LAT
            dx = rng.normal(0, FREE_POINT_SPREAD_M, todo.sum()) / (METRES_PER_DEG_LAT * np.cos(np.radians(lat[todo])))
            new_lon[todo], new_lat[todo] = lon[todo] + dx, lat[todo] + dy
            todo = ~shapely.contains_xy(places.area_polygons[area_id], new_lon, new_lat)
            if not todo.any():
                break
        new_lon[todo], new_lat[todo] = lon[todo], lat[todo]
        tallies.loc[index, "lon"] = np.round(new_lon, 6)
        tallies.loc[index, "lat"] = np.round(new_lat, 6)
    return tallies


def generate_contacts(report_rows: pd.DataFrame, places: Places, seed: int = DEFAULT_SEED,
                      until: datetime | None = None, progress=None) -> pd.DataFrame:
    """All demo registrations from 2022 up to ``until`` (Europe/Oslo local time)."""
    until = until or datetime.now().replace(microsecond=0)
    columns = ["occurred_at", "hotspot_id", "lon", "lat", "area_id", "channel", "age_band", "gender",
               "youth_count", "team"]
    frames = []
    for year in range(FIRST_YEAR, until.year + 1):
        if progress:
            progress(str(year))
        visits = pd.concat([year_visits(s, year, places, seed) for s in streams(report_rows)], ignore_index=True)
        tallies = split_by_age_and_gender(visits, year, _rng(seed, year, "tallies"))
        tallies = free_points(tallies, places, _rng(seed, year, "free-points"))
        frames.append(tallies[tallies["occurred_at"] <= pd.Timestamp(until)])
    if not frames:  # ``until`` lies before the first demo year
        return pd.DataFrame(columns=columns)
    contacts = pd.concat(frames, ignore_index=True).sort_values(["occurred_at", "team"], kind="stable")
    return contacts[columns].reset_index(drop=True)


def staffing_plan() -> pd.DataFrame:
    """The report's staffing plan; the summer half-year adds a team at weekends and weekday evenings."""
    rows = []
    for weekday, shift, start, end, low, high in STAFFING_PLAN:
        rows.append(("winter", weekday, shift, start, end, low, high))
        extra = 1 if shift != "day" else 0
        rows.append(("summer", weekday, shift, start, end, low + extra, high + extra))
    frame = pd.DataFrame(rows, columns=["season", "weekday", "shift", "shift_start", "shift_end", "teams_min", "teams_max"])
    for column in ("shift_start", "shift_end"):
        frame[column] = [time.fromisoformat(v) for v in frame[column]]
    return frame
