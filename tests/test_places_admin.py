"""Managing hotspots: ids from names, adding, renaming, moving, re-classifying and retiring places,
through the module and through ``feltkart places``; registrations always keep their place."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pyproj import Geod, Transformer

from dashboard import geo
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.filters import PLACE_ID, Filter
from dashboard.places import (
    add_hotspot,
    areas_frame,
    retire_hotspot,
    slugify,
    update_hotspot,
)

TO_UTM33 = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
GEOD = Geod(ellps="WGS84")
NEAR_STASJON = (11.0465, 59.9540)  # lon/lat inside the area 'lillestrom-stasjon', not at a hotspot
NEAR_STORSENTER = (11.0080, 59.9480)  # inside 'skjetten-strommen'
OUTSIDE = (10.60, 59.60)  # in the Oslofjord, in no area
STASJON = (11.04603, 59.95366)  # the hotspot 'lillestrom-stasjon'


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


def hotspot(db: Database, hotspot_id: str) -> dict | None:
    with db.read() as con:
        rows = con.execute("SELECT id, name, kind, area_id, lon, lat, approximate, source, retired_at "
                           "FROM hotspots WHERE id = $id", {"id": hotspot_id}).fetchall()
    keys = ("id", "name", "kind", "area_id", "lon", "lat", "approximate", "source", "retired_at")
    return dict(zip(keys, rows[0])) if rows else None


def contact_summary(db: Database, hotspot_id: str) -> tuple[int, int, set[str]]:
    """(registrations, youth, the set of their area ids) at ``hotspot_id``."""
    with db.read() as con:
        n, youth = con.execute("SELECT count(*), coalesce(sum(youth_count), 0) FROM contacts WHERE hotspot_id = $id",
                               {"id": hotspot_id}).fetchall()[0]
        areas = {r[0] for r in con.execute("SELECT DISTINCT area_id FROM contacts WHERE hotspot_id = $id",
                                           {"id": hotspot_id}).fetchall()}
    return n, youth, areas


def distance_m(lon1, lat1, lon2, lat2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str) -> None:
    assert code == 1
    assert "Traceback" not in err + out
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("feltkart:")


def test_the_fixed_points_lie_where_the_tests_assume(demo_db):
    with demo_db.read() as con:
        areas = areas_frame(con)
    assert geo.area_of_point(*NEAR_STASJON, areas) == "lillestrom-stasjon"
    assert geo.area_of_point(*NEAR_STORSENTER, areas) == "skjetten-strommen"
    assert geo.area_of_point(*OUTSIDE, areas) is None


# --- slugify ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [
    ("Strømmen Storsenter", "strommen-storsenter"),
    ("Bråtejordet skole", "bratejordet-skole"),
    ("ÆØÅ æøå", "aeoa-aeoa"),
    ("Tæruddalen", "taeruddalen"),
    ("Café Ünter", "cafe-unter"),
    ("  Sørumsand – stasjon (ny!)  ", "sorumsand-stasjon-ny"),
    ("Skolefelt, 8.–10. trinn", "skolefelt-8-10-trinn"),
    ("A/B & C", "a-b-c"),
    ("Vei 12", "vei-12"),
    ("!!!", ""),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slugify_leaves_room_for_a_suffix_and_is_a_valid_place_id():
    slug = slugify("Langnavn" * 30)
    assert len(slug) == 76  # 80 minus room for "-999" when the name is taken
    assert PLACE_ID.match(slug) and PLACE_ID.match(slug + "-999")


def test_slugify_never_ends_with_a_hyphen():
    slug = slugify("abc " * 30)
    assert not slug.endswith("-"), slug


# --- add ----------------------------------------------------------------------------------------

def test_add_hotspot_takes_its_id_from_the_name_and_its_area_from_the_point(db):
    version = db.data_version()
    new_id = add_hotspot(db, name="Nytt Møtested Øst", kind="park", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    assert new_id == "nytt-motested-ost"
    row = hotspot(db, new_id)
    assert row["name"] == "Nytt Møtested Øst"
    assert row["kind"] == "park"
    assert row["area_id"] == "lillestrom-stasjon"
    assert row["lon"] == pytest.approx(NEAR_STASJON[0], abs=1e-6)
    assert row["lat"] == pytest.approx(NEAR_STASJON[1], abs=1e-6)
    assert row["approximate"] is False
    assert row["retired_at"] is None
    assert row["source"]  # where the coordinate comes from is always said
    assert db.data_version() > version


def test_add_hotspot_with_a_taken_name_gets_a_numbered_id(db):
    first = add_hotspot(db, name="Lillestrøm stasjon", kind="station", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    second = add_hotspot(db, name="Lillestrøm stasjon", kind="station", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    assert (first, second) == ("lillestrom-stasjon-2", "lillestrom-stasjon-3")
    assert hotspot(db, "lillestrom-stasjon")["kind"] == "station"  # the original is untouched


def test_add_hotspot_keeps_the_given_area_when_it_contains_the_point(db):
    new_id = add_hotspot(db, name="Rett område", kind="other", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1],
                         area_id="lillestrom-stasjon", approximate=True, source="test")
    row = hotspot(db, new_id)
    assert (row["area_id"], row["approximate"], row["source"]) == ("lillestrom-stasjon", True, "test")


def test_add_hotspot_refuses_a_given_area_that_does_not_contain_the_point(db):
    version = db.data_version()
    with pytest.raises(FeltkartError) as caught:
        add_hotspot(db, name="Feil område", kind="park", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1], area_id="fetsund")
    assert caught.value.key == "place.not_in_area"
    assert caught.value.params["found"] == "lillestrom-stasjon"
    assert "fetsund" in caught.value.message("nb") and "lillestrom-stasjon" in caught.value.message("nb")
    assert hotspot(db, "feil-omrade") is None
    assert db.data_version() == version


def test_add_hotspot_refuses_an_unknown_area(db):
    with pytest.raises(FeltkartError) as caught:
        add_hotspot(db, name="Ukjent", kind="park", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1], area_id="atlantis")
    assert caught.value.key == "place.unknown_area"


def test_add_hotspot_refuses_a_point_outside_every_area(db):
    with pytest.raises(FeltkartError) as caught:
        add_hotspot(db, name="Ute i fjorden", kind="beach", lon=OUTSIDE[0], lat=OUTSIDE[1])
    assert caught.value.key == "place.outside_areas"
    assert hotspot(db, "ute-i-fjorden") is None


def test_add_hotspot_refuses_an_unknown_kind(db):
    with pytest.raises(FeltkartError) as caught:
        add_hotspot(db, name="Kiosken", kind="kiosk", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    assert caught.value.key == "place.unknown_kind"
    assert "park" in caught.value.message("nb")  # the valid kinds are listed
    assert hotspot(db, "kiosken") is None


@pytest.mark.parametrize("name", ["", "   ", None])
def test_add_hotspot_refuses_an_empty_name(db, name):
    with pytest.raises(FeltkartError) as caught:
        add_hotspot(db, name=name, kind="park", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    assert caught.value.key == "place.name_required"


def test_add_hotspot_with_a_name_of_no_letters_gets_an_id_anyway(db):
    new_id = add_hotspot(db, name="???", kind="other", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    assert PLACE_ID.match(new_id)
    assert hotspot(db, new_id)["name"] == "???"


def test_ids_of_long_names_stay_valid_place_ids(db):
    name = "Ungdomsklubben ved " + "Nedre Romerike " * 8
    ids = [add_hotspot(db, name=name, kind="youth_club", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
           for _ in range(2)]
    assert ids[0] != ids[1]
    for hotspot_id in ids:
        assert PLACE_ID.match(hotspot_id), hotspot_id
    Filter(date(2023, 1, 1), date(2023, 12, 31), hotspots=tuple(ids))  # usable as hotspot= in the URL


# --- change -------------------------------------------------------------------------------------

def test_rename_keeps_everything_else_and_the_registrations(db):
    before_contacts = contact_summary(db, "kulturkvartalet")
    assert before_contacts[0] > 0
    before = hotspot(db, "kulturkvartalet")
    version = db.data_version()
    change = update_hotspot(db, "kulturkvartalet", name="  Kulturkvartalet (Lillestrøm)  ")
    after = hotspot(db, "kulturkvartalet")
    assert after["name"] == "Kulturkvartalet (Lillestrøm)"
    assert {k: after[k] for k in ("kind", "area_id", "lon", "lat")} == {k: before[k] for k in ("kind", "area_id", "lon", "lat")}
    assert change["before"]["name"] == "Kulturkvartalet" and change["after"]["name"] == after["name"]
    assert contact_summary(db, "kulturkvartalet") == before_contacts
    assert db.data_version() > version


def test_rename_to_an_empty_name_is_refused(db):
    with pytest.raises(FeltkartError) as caught:
        update_hotspot(db, "kulturkvartalet", name="  ")
    assert caught.value.key == "place.name_required"
    assert hotspot(db, "kulturkvartalet")["name"] == "Kulturkvartalet"


def test_change_kind(db):
    update_hotspot(db, "flomvollen", kind="sports")
    assert hotspot(db, "flomvollen")["kind"] == "sports"
    with pytest.raises(FeltkartError) as caught:
        update_hotspot(db, "flomvollen", kind="volcano")
    assert caught.value.key == "place.unknown_kind"
    assert hotspot(db, "flomvollen")["kind"] == "sports"


def test_move_within_the_area(db):
    before = hotspot(db, "flomvollen")
    update_hotspot(db, "flomvollen", lon=NEAR_STASJON[0], lat=NEAR_STASJON[1])
    after = hotspot(db, "flomvollen")
    assert (after["lon"], after["lat"]) == pytest.approx(NEAR_STASJON, abs=1e-6)
    assert after["area_id"] == before["area_id"] == "lillestrom-stasjon"


def test_moving_into_another_area_changes_the_area_but_not_the_registrations(db):
    n, youth, areas = contact_summary(db, "kulturkvartalet")
    assert n > 0 and areas == {"lillestrom-stasjon"}
    change = update_hotspot(db, "kulturkvartalet", lon=NEAR_STORSENTER[0], lat=NEAR_STORSENTER[1])
    assert change["before"]["area_id"] == "lillestrom-stasjon"
    assert change["after"]["area_id"] == "skjetten-strommen"
    assert hotspot(db, "kulturkvartalet")["area_id"] == "skjetten-strommen"
    # its registrations keep their hotspot and the area they were registered in
    assert contact_summary(db, "kulturkvartalet") == (n, youth, {"lillestrom-stasjon"})


def test_moving_outside_every_area_is_refused_and_nothing_changes(db):
    before = hotspot(db, "kulturkvartalet")
    version = db.data_version()
    with pytest.raises(FeltkartError) as caught:
        update_hotspot(db, "kulturkvartalet", lon=OUTSIDE[0], lat=OUTSIDE[1])
    assert caught.value.key == "place.outside_areas"
    assert hotspot(db, "kulturkvartalet") == before
    assert db.data_version() == version


def test_moving_with_a_wrong_area_is_refused(db):
    with pytest.raises(FeltkartError) as caught:
        update_hotspot(db, "kulturkvartalet", lon=NEAR_STORSENTER[0], lat=NEAR_STORSENTER[1], area_id="fetsund")
    assert caught.value.key == "place.not_in_area"
    assert hotspot(db, "kulturkvartalet")["area_id"] == "lillestrom-stasjon"


def test_changing_an_unknown_hotspot(db):
    with pytest.raises(FeltkartError) as caught:
        update_hotspot(db, "finnes-ikke", name="X")
    assert caught.value.key == "place.unknown_hotspot"


# --- retire -------------------------------------------------------------------------------------

def test_retire_and_restore(db, capsys):
    counts = contact_summary(db, "gansvika")
    version = db.data_version()
    retire_hotspot(db, "gansvika")
    assert hotspot(db, "gansvika")["retired_at"] is not None
    assert db.data_version() > version
    assert contact_summary(db, "gansvika") == counts  # history is kept

    code, out, err = run(capsys, "places", "--json", "--db", db.path)
    assert code == 0, err
    assert "gansvika" not in {p["id"] for p in json.loads(out)}
    assert len(json.loads(out)) == 42
    code, out, err = run(capsys, "places", "--json", "--all", "--db", db.path)
    assert code == 0, err
    assert "gansvika" in {p["id"] for p in json.loads(out)}
    assert len(json.loads(out)) == 43

    version = db.data_version()
    retire_hotspot(db, "gansvika", retired=False)
    assert hotspot(db, "gansvika")["retired_at"] is None
    assert db.data_version() > version
    code, out, _ = run(capsys, "places", "--json", "--db", db.path)
    assert "gansvika" in {p["id"] for p in json.loads(out)}


def test_retire_an_unknown_hotspot(db):
    with pytest.raises(FeltkartError) as caught:
        retire_hotspot(db, "finnes-ikke")
    assert caught.value.key == "place.unknown_hotspot"


# --- the CLI ------------------------------------------------------------------------------------

def test_cli_add_with_lat_lon(db, capsys):
    code, out, err = run(capsys, "places", "add", "--name", "Skateparken Nord", "--kind", "park",
                         "--lat", NEAR_STASJON[1], "--lon", NEAR_STASJON[0], "--db", db.path)
    assert code == 0, err
    assert "skateparken-nord" in out
    row = hotspot(db, "skateparken-nord")
    assert (row["kind"], row["area_id"]) == ("park", "lillestrom-stasjon")
    code, out, _ = run(capsys, "places", "--json", "--db", db.path)
    listed = {p["id"]: p for p in json.loads(out)}
    assert listed["skateparken-nord"]["lat"] == pytest.approx(NEAR_STASJON[1], abs=1e-6)


def test_cli_add_with_utm33(db, capsys):
    """Norwegian municipalities give points as EUREF89 UTM 33 north/east; stored as WGS84 within 1 m."""
    east, north = TO_UTM33.transform(*STASJON)
    code, _out, err = run(capsys, "places", "add", "--name", "Stasjonen UTM", "--kind", "station",
                         "--north", f"{north:.2f}", "--east", f"{east:.2f}", "--db", db.path)
    assert code == 0, err
    row = hotspot(db, "stasjonen-utm")
    assert distance_m(row["lon"], row["lat"], *STASJON) < 1.0
    assert row["area_id"] == "lillestrom-stasjon"


def test_cli_add_without_a_point(db, capsys):
    code, out, err = run(capsys, "places", "add", "--name", "Uten punkt", "--kind", "park", "--db", db.path)
    assert_one_line_error(code, out, err)
    assert hotspot(db, "uten-punkt") is None


def test_cli_add_outside_every_area(db, capsys):
    code, out, err = run(capsys, "places", "add", "--name", "Fjorden", "--kind", "beach",
                         "--lat", OUTSIDE[1], "--lon", OUTSIDE[0], "--db", db.path)
    assert_one_line_error(code, out, err)
    assert "område" in err


def test_cli_add_with_a_wrong_area(db, capsys):
    code, out, err = run(capsys, "places", "add", "--name", "Feil", "--kind", "park", "--lat", NEAR_STASJON[1],
                         "--lon", NEAR_STASJON[0], "--area", "sorumsand", "--db", db.path)
    assert_one_line_error(code, out, err)
    assert "sorumsand" in err


def test_cli_change_name_and_move(db, capsys):
    code, out, err = run(capsys, "places", "change", "stillverksveien", "--name", "Stillverksveien nord",
                         "--db", db.path)
    assert code == 0, err
    assert hotspot(db, "stillverksveien")["name"] == "Stillverksveien nord"

    east, north = TO_UTM33.transform(*NEAR_STORSENTER)
    code, out, err = run(capsys, "places", "change", "stillverksveien", "--north", north, "--east", east,
                         "--json", "--db", db.path)
    assert code == 0, err
    change = json.loads(out)
    assert change["before"]["area_id"] == "lillestrom-stasjon"
    assert change["after"]["area_id"] == "skjetten-strommen"
    row = hotspot(db, "stillverksveien")
    assert distance_m(row["lon"], row["lat"], *NEAR_STORSENTER) < 1.0


def test_cli_retire_and_undo(db, capsys):
    code, out, err = run(capsys, "places", "retire", "tientjern", "--db", db.path)
    assert code == 0, err
    assert hotspot(db, "tientjern")["retired_at"] is not None
    code, out, _ = run(capsys, "places", "--db", db.path)
    assert "tientjern" not in out
    code, out, _ = run(capsys, "places", "--all", "--db", db.path)
    assert "tientjern" in out
    code, out, err = run(capsys, "places", "retire", "tientjern", "--undo", "--db", db.path)
    assert code == 0, err
    assert hotspot(db, "tientjern")["retired_at"] is None


@pytest.mark.parametrize("argv", [
    ("places", "change", "finnes-ikke", "--name", "X"),
    ("places", "retire", "finnes-ikke"),
    ("places", "retire", "finnes-ikke", "--undo"),
])
def test_cli_unknown_id_is_a_one_line_error(db, capsys, argv):
    version = db.data_version()
    code, out, err = run(capsys, *argv, "--db", db.path)
    assert_one_line_error(code, out, err)
    assert "finnes-ikke" in err
    assert db.data_version() == version


def test_cli_unknown_kind_is_a_one_line_error(db, capsys):
    code, out, err = run(capsys, "places", "add", "--name", "X", "--kind", "kiosk", "--lat", NEAR_STASJON[1],
                         "--lon", NEAR_STASJON[0], "--db", db.path)
    assert_one_line_error(code, out, err)
    assert "kiosk" in err


@pytest.mark.parametrize("half", [("--lat", NEAR_STORSENTER[1]), ("--north", 6651000.0)])
def test_cli_change_with_half_a_point_is_refused(db, capsys, half):
    before = hotspot(db, "flomvollen")
    code, out, err = run(capsys, "places", "change", "flomvollen", *half, "--db", db.path)
    assert hotspot(db, "flomvollen") == before
    assert_one_line_error(code, out, err)
