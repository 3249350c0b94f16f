"""Injection and upload hardening, without a browser.

* URL parameters: hostile values in every key are dropped (with a warning), never raised on.
* Named queries: hostile strings in every parameter are bound, never executed; nothing changes.
* Writes (notes, places, imports, HKH actions, focus decisions): a hostile string is stored
  verbatim and only the intended table changes.
* SQL built with f-strings: every occurrence in dashboard/ is listed in an allow-list with the
  reason it is safe, so a new one fails here until someone has looked at it.
* Uploads: size limit before parsing, zip bombs, file names, Streamlit's own upload limit.
* One end-to-end formula case: a hostile hotspot name through ``feltkart export view``.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import time
import tomllib
import zipfile
from datetime import date, datetime

import duckdb
import openpyxl
import pandas as pd
import pytest

from dashboard import (
    REPO_DIR,
    exporters,
    focus,
    hkh,
    import_store,
    importer,
    notes,
    places,
    queries,
    upload_table,
)
from dashboard.db import Database
from dashboard.errors import FeltkartError
from dashboard.filters import LIST_KEYS, Filter, default_filter, from_query_params
from tests import security_payloads as P

TODAY = date(2026, 11, 27)
DASHBOARD_DIR = REPO_DIR / "dashboard"


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


def table_counts(db: Database) -> dict[str, int]:
    """Rows per table (every table in the file, whatever the schema version)."""
    with db.read() as con:
        tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}


def _bookkeeping(table: str) -> bool:
    """An audit trail records every write (and may record refusals): it may only grow."""
    return table.startswith("audit")


def assert_only_changed(before: dict, after: dict, **expected_delta: int) -> None:
    assert set(before) == set(after), "a table appeared or disappeared"
    assert all(after[t] >= before[t] for t in before if _bookkeeping(t)), "an audit trail shrank"
    changed = {t: after[t] - before[t] for t in before if after[t] != before[t] and not _bookkeeping(t)}
    assert changed == {t: d for t, d in expected_delta.items() if d}, changed


# --- URL parameters ---------------------------------------------------------------------------

URL_KEYS = ("from", "to", "compare", *LIST_KEYS)


@pytest.mark.parametrize("key", URL_KEYS)
@pytest.mark.parametrize("payload", P.ALL, ids=P.ids(P.ALL))
def test_hostile_url_value_is_dropped_with_a_warning(key, payload):
    default = default_filter(TODAY)
    for value in (payload, [payload], ["2024-01-01", payload]):
        flt, warnings = from_query_params({key: value}, TODAY)
        assert flt == default, (key, value, flt)
        assert any(w["key"] == key for w in warnings), (key, value, warnings)


@pytest.mark.parametrize("payload", P.ALL, ids=P.ids(P.ALL))
def test_hostile_values_in_every_url_key_at_once_and_unknown_keys(payload):
    params = {key: payload for key in URL_KEYS} | {payload[:100]: payload, "hotspot": payload, "lang": payload}
    flt, warnings = from_query_params(params, TODAY)
    assert flt == default_filter(TODAY)
    assert {w["key"] for w in warnings} >= set(URL_KEYS)


@pytest.mark.parametrize("field", ["areas", "hotspots", "kinds", "age_bands", "genders", "channels"])
@pytest.mark.parametrize("payload", P.ALL, ids=P.ids(P.ALL))
def test_filter_refuses_hostile_ids(field, payload):
    with pytest.raises(FeltkartError):
        Filter(date(2024, 1, 1), date(2024, 12, 31), **{field: (payload,)})


@pytest.mark.parametrize("payload", P.ALL, ids=P.ids(P.ALL))
def test_filter_refuses_a_hostile_comparison(payload):
    with pytest.raises(FeltkartError):
        Filter(date(2024, 1, 1), date(2024, 12, 31), compare=payload)


@pytest.mark.parametrize("field", ["areas", "hotspots"])
def test_place_ids_with_a_trailing_newline_are_refused(field):
    with pytest.raises(FeltkartError):
        Filter(date(2024, 1, 1), date(2024, 12, 31), **{field: ("volla\n",)})


# --- named queries ----------------------------------------------------------------------------

def _params(query: queries.Query, texts: list[str]) -> dict:
    """Typed values for the query's parameters, with ``texts`` in every string-list parameter and
    the first of them in every string one."""
    values = {}
    for name in query.params:
        if name.endswith("_ts") or name in ("year_start", "year_end"):
            values[name] = datetime(2024, 1, 1) if name in ("start_ts", "year_start") else datetime(2025, 1, 1)
        elif name in ("start_date", "end_date", "month_start", "month_end"):
            values[name] = date(2024, 1, 1) if "start" in name else date(2025, 1, 1)
        elif name in ("shareable_only", "include_archived"):
            values[name] = False
        elif name == "slots":
            values[name] = []
        elif name == "day_type":
            values[name] = texts[0]
        elif name in ("cell_m", "max_cells"):  # numbers (density_cells)
            values[name] = 250.0 if name == "cell_m" else 100
        else:  # every other parameter is a list of ids
            values[name] = [*texts, "volla"]
    return values


def test_every_query_binds_hostile_strings(demo_db):
    before = table_counts(demo_db)
    for name, query in queries.QUERIES.items():
        result = queries.run(demo_db, name, **_params(query, P.ALL))
        assert isinstance(result, pd.DataFrame), name
        if "day_type" in query.params:
            for payload in P.ALL:
                assert queries.run(demo_db, name, **_params(query, [payload])).empty, (name, payload)
    assert_only_changed(before, table_counts(demo_db))


def test_hostile_strings_in_typed_parameters_are_refused_or_harmless(db):
    before = table_counts(db)
    tried = set()
    for name, query in queries.QUERIES.items():
        for param in set(query.params) - tried:
            tried.add(param)
            values = _params(query, ["volla"]) | {param: P.SQL}
            try:
                queries.run(db, name, **values)
            except (duckdb.Error, FeltkartError):
                pass  # a string where a date/bool/number belongs is a conversion error, never SQL
    assert_only_changed(before, table_counts(db))


@pytest.mark.parametrize("payload", P.ALL, ids=P.ids(P.ALL))
def test_hostile_query_names_and_parameter_names_are_refused(demo_db, payload):
    with pytest.raises(FeltkartError):
        queries.run(demo_db, payload)
    with pytest.raises(FeltkartError):
        queries.run(demo_db, "areas", **{payload: 1})


# --- writes store hostile text verbatim ---------------------------------------------------------

def _note(db: Database, note_id: int) -> dict:
    with db.read() as con:
        body, author = con.execute("SELECT body, author FROM trend_notes WHERE id = $id", {"id": note_id}).fetchall()[0]
    return {"body": body, "author": author}


def test_note_with_hostile_text_is_stored_verbatim(db):
    for payload in P.SHORT:
        before = table_counts(db)
        note_id = notes.add_note(db, notes.NoteDraft(body=f"før {payload} etter", period_start=date(2026, 11, 1),
                                                     hotspot_id="volla", author=payload, shareable=True))
        assert_only_changed(before, table_counts(db), trend_notes=1)
        stored = _note(db, note_id)
        assert stored == {"body": f"før {payload} etter", "author": payload}
        updated = notes.update_note(db, note_id, notes.NoteDraft(body=payload, period_start=date(2026, 11, 1),
                                                                 area_id="fetsund", author=payload), 1)
        assert updated == 2 and _note(db, note_id)["body"] == payload
    assert table_counts(db)["contacts"] > 0


def test_oversized_note_is_refused_and_nothing_changes(db):
    before = table_counts(db)
    with pytest.raises(FeltkartError):
        notes.add_note(db, notes.NoteDraft(body=P.LONG, period_start=date(2026, 11, 1), area_id="fetsund",
                                           author="Kari"))
    with pytest.raises(FeltkartError):
        notes.add_note(db, notes.NoteDraft(body="ok", period_start=date(2026, 11, 1), area_id="fetsund",
                                           author=P.LONG))
    assert_only_changed(before, table_counts(db))


def test_nul_byte_is_stored_verbatim_or_refused_cleanly(db):
    before = table_counts(db)
    try:
        note_id = notes.add_note(db, notes.NoteDraft(body=P.NUL_BYTE, period_start=date(2026, 11, 1),
                                                     area_id="fetsund", author=P.NUL_BYTE))
    except FeltkartError:
        assert_only_changed(before, table_counts(db))
    else:
        assert _note(db, note_id) == {"body": P.NUL_BYTE, "author": P.NUL_BYTE}
        assert_only_changed(before, table_counts(db), trend_notes=1)


@pytest.mark.parametrize("hostile_id", [P.SQL, P.SQL_QUOTES, "volla' --"])
def test_note_with_a_hostile_hotspot_or_area_id_is_refused(db, hostile_id):
    before = table_counts(db)
    for draft in (notes.NoteDraft(body="x", period_start=date(2026, 11, 1), hotspot_id=hostile_id, author="K"),
                  notes.NoteDraft(body="x", period_start=date(2026, 11, 1), area_id=hostile_id, author="K")):
        with pytest.raises(FeltkartError):
            notes.add_note(db, draft)
    assert_only_changed(before, table_counts(db))


def _hotspot_name(db: Database, hotspot_id: str) -> str:
    with db.read() as con:
        return con.execute("SELECT name FROM hotspots WHERE id = $id", {"id": hotspot_id}).fetchall()[0][0]


@pytest.mark.parametrize("payload", [*P.SHORT, P.LONG], ids=P.ids([*P.SHORT, P.LONG]))
def test_hotspot_renamed_to_hostile_text_is_stored_verbatim(db, payload):
    before = table_counts(db)
    places.update_hotspot(db, "volla", name=payload)
    assert _hotspot_name(db, "volla") == payload.strip()
    assert_only_changed(before, table_counts(db))


def test_hotspot_added_with_hostile_name_gets_a_slug_id_and_the_name_verbatim(db):
    before = table_counts(db)
    new_id = places.add_hotspot(db, name=P.SQL, kind="other" if "other" in places.vocab.HOTSPOT_KINDS
                                else next(iter(places.vocab.HOTSPOT_KINDS)), lon=11.0465, lat=59.9540)
    assert new_id == "drop-table-contacts"
    assert _hotspot_name(db, new_id) == P.SQL
    assert_only_changed(before, table_counts(db), hotspots=1)


@pytest.mark.parametrize("hostile_id", [P.SQL, "volla' OR '1'='1"])
def test_hostile_hotspot_ids_change_nothing(db, hostile_id):
    before = table_counts(db)
    with pytest.raises(FeltkartError):
        places.update_hotspot(db, hostile_id, name="x")
    with pytest.raises(FeltkartError):
        places.retire_hotspot(db, hostile_id)
    assert_only_changed(before, table_counts(db))
    assert _hotspot_name(db, "volla") != "x"


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_import_stores_a_hostile_team_source_name_and_rejected_value_verbatim(db):
    header = ["dato", "kl", "sted", "kanal", "alder", "kjønn", "antall", "team"]
    teams = [p for p in P.SHORT if p.strip() == p and len(p) <= importer.MAX_TEAM_CHARS]
    body = [["01.03.2024", f"18.{i:02d}", "Volla", "gatefelt", "13-15", "gutt", "3", team] for i, team in enumerate(teams)]
    body.append(["02.03.2024", "18.00", P.SQL_QUOTES, "gatefelt", "13-15", "gutt", "3", "A"])  # unknown place: rejected
    data = _csv([header, *body])
    parsed = importer.parse_file(data, P.SQL + ".csv", importer.PlaceIndex.from_database(db), today=TODAY)
    before = table_counts(db)
    report = import_store.commit_import(db, parsed, source_name=P.SQL + ".csv")
    assert report.rows_imported == len(teams) and report.rows_rejected == 1
    assert_only_changed(before, table_counts(db), contacts=len(teams), import_batches=1, import_rejections=1)
    with db.read() as con:
        stored = {row[0] for row in con.execute("SELECT team FROM contacts WHERE batch_id = $b",
                                                {"b": report.batch_id}).fetchall()}
        source = con.execute("SELECT source_name FROM import_batches WHERE id = $b", {"b": report.batch_id}).fetchall()
        raw = con.execute("SELECT raw FROM import_rejections WHERE batch_id = $b", {"b": report.batch_id}).fetchall()
    # A leading apostrophe is Excel's "this is text" mark, which the CSV reader strips by design.
    assert stored == {t.removeprefix("'") for t in teams}
    assert source[0][0] == P.SQL + ".csv"
    assert json.loads(raw[0][0])["sted"] == P.SQL_QUOTES
    assert import_store.undo_batch(db, report.batch_id) == len(teams)
    assert_only_changed(before, table_counts(db), import_batches=1)  # the batch row stays as a record


def test_hkh_action_and_mapping_store_hostile_text_verbatim(db):
    mapping_id = int(hkh.mappings(db).iloc[0]["id"])
    before = table_counts(db)
    action_id = hkh.add_action(db, mapping_id, measure=P.SQL, owner=P.IMG_ONERROR, status="planned", notes=P.JINJA_EXPR)
    assert_only_changed(before, table_counts(db), hkh_actions=1)
    row = hkh.actions(db, mapping_id).set_index("id").loc[action_id]
    assert (row["measure"], row["owner"], row["notes"]) == (P.SQL, P.IMG_ONERROR, P.JINJA_EXPR)
    with pytest.raises(FeltkartError):
        hkh.add_action(db, mapping_id, measure="x", owner="y", status=P.SQL)
    new_id = hkh.create_mapping(db, title=P.SQL, mapped_on=TODAY, hotspot_ids=["volla"],
                                baseline=(date(2026, 1, 1), date(2026, 6, 30)),
                                followup=(date(2026, 7, 1), date(2026, 11, 27)))
    assert hkh.mappings(db).set_index("id").loc[new_id, "title"] == P.SQL
    with pytest.raises(FeltkartError):
        hkh.create_mapping(db, title="x", mapped_on=TODAY, hotspot_ids=[P.SQL],
                           baseline=(date(2026, 1, 1), date(2026, 6, 30)),
                           followup=(date(2026, 7, 1), date(2026, 11, 27)))


def test_focus_decision_stores_hostile_text_verbatim(db):
    suggestions, _ = focus.suggest(db, date(2026, 11, 28))
    assert suggestions
    before = table_counts(db)
    decision_id = focus.record_decision(db, period_start=date(2026, 11, 28), period_end=date(2026, 12, 25),
                                        decided_by=P.MARKDOWN_LINK, rationale=P.SQL, items=suggestions[:1])
    assert_only_changed(before, table_counts(db), focus_decisions=1, focus_decision_items=1)
    row = focus.decisions(db).set_index("id").loc[decision_id]
    assert (row["decided_by"], row["rationale"]) == (P.MARKDOWN_LINK, P.SQL)


# --- SQL built from strings: the allow-list -----------------------------------------------------

_SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "DROP ", "ALTER ", "ATTACH ", "COPY ",
              "PRAGMA ", " FROM ", " WHERE ", " INTO ")
_EXECUTORS = {"execute", "executemany", "sql"}  # DuckDB's; .query() too, on a name that looks like a connection
_CONNECTION_NAMES = {"con", "conn", "connection", "duckdb", "db_con"}

# (file, function, source of the expression) -> why it is safe. Only names the code itself chooses
# (literal tuples, module constants, files shipped in the repository) may be formatted into SQL.
SQL_STRING_ALLOW_LIST = {
    ("dashboard/places.py", "replace_places", 'f"DELETE FROM {table}"'):
        "table comes from the literal tuple ('areas', 'hotspots', 'report_rows') in the same loop",
    ("dashboard/places.py", "replace_places", 'f"INSERT INTO {table} BY NAME SELECT * FROM incoming"'):
        "same literal tuple of table names; the rows are a registered DataFrame, not text",
    ("dashboard/seed.py", "build_demo", 'f"DELETE FROM {table}"'):
        "table comes from a literal tuple of table names in the same loop",
    ("dashboard/import_store.py", "list_batches", 'f"SELECT {\', \'.join(BATCH_COLUMNS)} FROM import_batches ORDER BY id"'):
        "BATCH_COLUMNS is a module constant list of column names",
    ("dashboard/geodata_import.py", "_references",
     'f"SELECT count(*) FROM {table} WHERE list_contains($ids, {column})"'):
        "table from a literal tuple; column is 'area_id' or 'hotspot_id', passed as literals by its two callers; "
        "the ids are bound ($ids)",
    ("dashboard/backup.py", "_copy_into", 'f"ATTACH {_literal(str(target))} AS {_TARGET_ALIAS} (READ_WRITE)"'):
        "the path is quoted by _literal ('' doubling, DuckDB has no backslash escapes; see "
        "test_backup_to_a_path_with_quotes); the alias is a module constant",
    ("dashboard/backup.py", "_copy_into", 'f"COPY FROM DATABASE {_quote(src)} TO {_TARGET_ALIAS}"'):
        "src is current_database() (from the file name) quoted as an identifier by _quote; alias is a constant",
    ("dashboard/backup.py", "_table_counts", 'f"SELECT count(*) FROM {_quote(database)}.main.{_quote(name)}"'):
        "catalog names (current_database(), duckdb_tables()) quoted as identifiers by _quote",
    ("dashboard/followup_import.py", "_stored", (
     '"SELECT f.month, f.measure, f.category, f.value, f.batch_id FROM followup_figures f "\n'
     '            "JOIN incoming_keys k ON f.month = k.month AND f.measure = k.measure AND f.category = k.category "\n'
     '            f"WHERE {_LIVE}"')):
        "_LIVE is a module constant SQL fragment",
    ("dashboard/import_store.py", "undo_batch", 'f"DELETE FROM {table} WHERE batch_id = $id"'):
        "table comes from BATCH_TABLES, a module constant",
    ("dashboard/followup_import.py", "insert", '"DELETE FROM followup_figures f WHERE NOT (" + _LIVE'):
        "_LIVE is a module constant SQL fragment",
    ("dashboard/followup_import.py", "insert", '"DELETE FROM followup_figures f WHERE NOT (" + _LIVE + ")"'):
        "_LIVE is a module constant SQL fragment",
    ("dashboard/db.py", "migrate", "sql"):
        "the migration files in dashboard/schema/, shipped with the code",
    ("dashboard/queries.py", "run", "query.sql"):
        "the named query files in queries/, shipped with the code and checked at load; values are bound",
}


def _function_of(parents: dict, node) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node.name
    return "<module>"


def _text_parts(node) -> str:
    return "".join(v.value for v in ast.walk(node) if isinstance(v, ast.Constant) and isinstance(v.value, str))


def sql_string_building() -> set[tuple[str, str, str]]:
    """Every f-string, %-format, .format() or concatenation that looks like SQL, and every
    non-literal first argument of execute()/sql()/query(), in dashboard/."""
    found = set()
    for path in sorted(DASHBOARD_DIR.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        relative = path.relative_to(REPO_DIR).as_posix()

        def add(node, relative=relative, parents=parents, source=source):
            found.add((relative, _function_of(parents, node), ast.get_source_segment(source, node)))

        for node in ast.walk(tree):
            built = (isinstance(node, ast.JoinedStr)
                     or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))
                         and not all(isinstance(s, ast.Constant) for s in (node.left, node.right)))
                     or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                         and node.func.attr == "format" and isinstance(node.func.value, ast.Constant)))
            if built and any(word in _text_parts(node).upper() and word.strip() in _text_parts(node)
                             for word in _SQL_WORDS):
                add(node)
            executor = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in _EXECUTORS
                or (node.func.attr == "query" and getattr(node.func.value, "id", None) in _CONNECTION_NAMES))
            if (executor
                    and node.args and not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
                    and not isinstance(node.args[0], ast.JoinedStr)):
                add(node.args[0])
    return found


def test_sql_is_never_built_from_anything_but_allow_listed_names():
    found = sql_string_building()
    unexpected = sorted(found - set(SQL_STRING_ALLOW_LIST))
    assert not unexpected, ("SQL built from a string expression that is not allow-listed; bind values as $params, and "
                            "if only code-chosen names are formatted in, add it to SQL_STRING_ALLOW_LIST with the "
                            "reason:\n" + "\n".join(map(str, unexpected)))


def test_the_scanner_finds_what_it_should():
    """The allow-list check would be worthless if the scanner missed the known cases."""
    found = sql_string_building()
    assert ("dashboard/places.py", "replace_places", 'f"DELETE FROM {table}"') in found
    assert ("dashboard/queries.py", "run", "query.sql") in found


def test_allow_listed_names_are_the_constants_they_claim():
    assert all(c.isidentifier() for c in import_store.BATCH_COLUMNS)
    source = (DASHBOARD_DIR / "geodata_import.py").read_text(encoding="utf-8")
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
             and getattr(n.func, "id", None) == "_references"]
    assert calls and all(isinstance(c.args[1], ast.Constant) and c.args[1].value in ("area_id", "hotspot_id")
                         for c in calls)


def test_backup_to_a_path_with_quotes(db, tmp_path):
    backup = pytest.importorskip("dashboard.backup")
    folder = tmp_path / "it's \"here\""
    folder.mkdir()
    target = folder / (P.SQL.replace("/", "") + '".duckdb')
    before = table_counts(db)
    backup.backup(db, target)
    assert table_counts(Database(target)) == before
    assert table_counts(db) == before


def test_query_files_never_mention_string_formatting():
    for query in queries.QUERIES.values():
        assert "{" not in queries._COMMENT.sub("", query.sql).replace("{}", ""), query.path


# --- uploads ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def place_index(demo_db) -> importer.PlaceIndex:
    return importer.PlaceIndex.from_database(demo_db)


def _error_key(excinfo) -> str:
    return excinfo.value.key if hasattr(excinfo.value, "key") else str(excinfo.value)


def test_oversized_upload_is_refused_before_parsing(place_index, monkeypatch):
    assert 0 < upload_table.MAX_IMPORT_BYTES <= 50 * 1024 * 1024
    monkeypatch.setattr(upload_table, "read_table", lambda *a, **k: pytest.fail("the file was parsed"))
    data = b"dato;kl;sted;kanal;alder;kjonn;antall\n" + b"x" * upload_table.MAX_IMPORT_BYTES
    started = time.perf_counter()
    with pytest.raises(FeltkartError) as excinfo:
        importer.parse_file(data, "stor.csv", place_index)
    assert time.perf_counter() - started < 1.0
    assert "too_large" in _error_key(excinfo)


def _zip(members: dict[str, bytes | tuple[int, int]]) -> bytes:
    """A zip; a member given as (size, chunk) is that many zero bytes, streamed (never in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            size, chunk = content
            with archive.open(name, "w", force_zip64=True) as handle:
                zeros = bytes(chunk)
                for _ in range(size // chunk):
                    handle.write(zeros)
    return out.getvalue()


XLSX_SKELETON = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
}


def test_xlsx_zip_bomb_with_one_huge_member_is_refused(place_index, monkeypatch):
    bomb = _zip({**XLSX_SKELETON, "xl/worksheets/sheet1.xml": (8 * 1024 * 1024, 1024 * 1024)})
    assert len(bomb) < 200_000
    import openpyxl as real_openpyxl
    monkeypatch.setattr(real_openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was opened"))
    with pytest.raises(FeltkartError) as excinfo:
        importer.parse_file(bomb, "bombe.xlsx", place_index)
    assert "zip_bomb" in _error_key(excinfo)


def test_xlsx_zip_bomb_of_many_small_members_is_refused(place_index, monkeypatch):
    n = upload_table.MAX_XLSX_UNCOMPRESSED_BYTES // upload_table.XLSX_RATIO_CHECK_FROM_BYTES + 2
    members = {f"xl/media/m{i}.bin": (upload_table.XLSX_RATIO_CHECK_FROM_BYTES, upload_table.XLSX_RATIO_CHECK_FROM_BYTES)
               for i in range(n)}
    bomb = _zip({**XLSX_SKELETON, **members})
    assert len(bomb) < upload_table.MAX_IMPORT_BYTES
    import openpyxl as real_openpyxl
    monkeypatch.setattr(real_openpyxl, "load_workbook", lambda *a, **k: pytest.fail("the bomb was opened"))
    started = time.perf_counter()
    with pytest.raises(FeltkartError) as excinfo:
        importer.parse_file(bomb, "bombe.xlsx", place_index)
    assert time.perf_counter() - started < 2.0
    assert "zip_bomb" in _error_key(excinfo)


def test_a_zip_that_lies_about_its_size_cannot_inflate_past_it():
    """The guard trusts the sizes in the zip's directory; Python's zipfile stops at that size (bad CRC),
    so a member that claims to be small cannot unpack into something large."""
    data = bytearray(_zip({"a.bin": (4 * 1024 * 1024, 1024 * 1024)}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.infolist()[0]
    assert info.file_size == 4 * 1024 * 1024
    # rewrite the central directory's uncompressed size to 1 KiB (zipfile trusts the central directory)
    central = bytes(data).rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (1024).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as lying:
        member = lying.infolist()[0]
        assert member.file_size == 1024
        with pytest.raises(zipfile.BadZipFile):
            lying.read(member)


def test_real_xlsx_with_hostile_cells_parses_as_text(place_index):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["dato", "kl", "sted", "kanal", "alder", "kjønn", "antall", "team"])
    sheet.append(["01.03.2024", "18.00", "Volla", "gatefelt", "13-15", "gutt", 3, P.SQL])
    sheet.append(["01.03.2024", "18.30", P.IMG_ONERROR, "gatefelt", "13-15", "gutt", 3, "A"])
    out = io.BytesIO()
    book.save(out)
    parsed = importer.parse_file(out.getvalue(), P.SCRIPT_TAG + ".xlsx", place_index, today=TODAY)
    assert list(parsed.rows["team"]) == [P.SQL]
    assert parsed.rejected[0].raw["sted"] == P.IMG_ONERROR


HOSTILE_NAMES = ["../../etc/passwd", "..\\..\\windows\\system32", "/etc/passwd", "C:\\boot.ini", "..", ".", "",
                 "con", "NUL", "a/../../b", "\x00../x", "\u202egpj.exe", "~/.ssh/id_rsa", "%2e%2e%2f", "....//",
                 *P.ALL]


@pytest.mark.parametrize("stem", HOSTILE_NAMES)
@pytest.mark.parametrize("suffix", [".csv", "xlsx", "../../x.csv", "/csv", ".c\x00sv"])
def test_safe_filename_never_yields_a_path(stem, suffix):
    try:
        name = exporters.safe_filename(stem, suffix)
    except ValueError:
        return  # a refused suffix is fine
    assert "/" not in name and "\\" not in name and ".." not in name and "\x00" not in name
    assert name == name.strip() and not name.startswith(".") and len(name) <= exporters.MAX_FILENAME_CHARS
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    assert name.split(".")[0] not in ("con", "nul", "prn", "aux")


def test_streamlit_upload_limit_is_not_above_the_importers():
    config = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    max_upload_mb = config.get("server", {}).get("maxUploadSize", 200)  # Streamlit's default
    assert max_upload_mb * 1024 * 1024 <= upload_table.MAX_IMPORT_BYTES


def test_rejected_rows_csv_neutralises_every_formula_start(db):
    values = ["=1+1", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]
    data = _csv([["dato", "kl", "sted", "kanal", "alder", "kjønn", "antall"],
                 *[["01.03.2024", "18.00", v, "gatefelt", "13-15", "gutt", "3"] for v in values]])
    parsed = importer.parse_file(data, "formler.csv", importer.PlaceIndex.from_database(db), today=TODAY)
    report = import_store.commit_import(db, parsed)
    text = import_store.rejected_rows_csv(db, report.batch_id).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    for value in values:
        assert value not in cells and "'" + value in cells, value


# --- end to end: a formula in a hotspot name through `feltkart export view` ---------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hostile_hotspot_name_is_neutralised_in_the_exported_view(db, tmp_path, capsys, suffix):
    from dashboard.cli import main as cli_main

    places.update_hotspot(db, "volla", name=P.FORMULA)
    out = tmp_path / f"view{suffix}"
    code = cli_main(["export", "view", "--db", str(db.path), "--from", "2026-01-01", "--to", "2026-11-27",
                     "--no-suppress", "-o", str(out)])
    capsys.readouterr()
    assert code == 0
    if suffix == ".csv":
        cells = [cell for row in csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";")
                 for cell in row]
    else:
        book = openpyxl.load_workbook(out)
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        cells.append(cell.value)
    assert "'" + P.FORMULA in cells
    assert not [c for c in cells if c.startswith(exporters.FORMULA_PREFIXES) and not c.lstrip("-").replace(",", "").replace(".", "").isdigit()]
