"""A save never waits forever: a waiting writer goes before new readers (in this process and across
processes), every wait ends with the "busy" message, and a writer killed while it waited leaves
no flag that holds readers back.

The thread tests are ordered by events and by the lock's own counters (who is waiting), never by
sleeping and hoping; the process tests use real processes and a real SIGKILL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from pathlib import Path

import pytest

import dashboard.db as dbmod
from dashboard import access, locks, notes
from dashboard.cli import main
from dashboard.db import Database
from dashboard.errors import FeltkartError

REPO_DIR = Path(__file__).resolve().parents[1]
WAIT_S = 30.0  # an upper bound for a condition that must come true; never reached when all is well


@pytest.fixture
def db(demo_copy) -> Database:
    return demo_copy


def _until(condition, what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.005)


def _thread(target, *args) -> threading.Thread:
    worker = threading.Thread(target=target, args=args, daemon=True)
    worker.start()
    return worker


def _note(text: str) -> notes.NoteDraft:
    return notes.NoteDraft(text, date(2026, 11, 2), area_id="fetsund", author="Team Øst")


# --- within one process: threads ---------------------------------------------------------------

def test_a_waiting_writer_goes_before_readers_that_come_after_it(db):
    order: list[str] = []
    first_reader_in, release_first_reader = threading.Event(), threading.Event()

    def first_reader():
        with db.read():
            first_reader_in.set()
            release_first_reader.wait(WAIT_S)
            order.append("R1")

    def writer():
        with db.write():
            order.append("W")

    def second_reader():
        with db.read():
            order.append("R2")

    threads = [_thread(first_reader)]
    assert first_reader_in.wait(WAIT_S)
    threads.append(_thread(writer))
    _until(lambda: db._lock.writers_waiting == 1, "the writer waits")
    threads.append(_thread(second_reader))
    _until(lambda: db._lock.readers_waiting == 1 or "R2" in order, "the second reader waits or has read")
    assert order == [], "a reader got in while a writer was waiting"
    release_first_reader.set()
    for worker in threads:
        worker.join(WAIT_S)
    assert order == ["R1", "W", "R2"]


def test_overlapping_readers_cannot_keep_a_writer_out(db):
    """Readers that always overlap (a new one opens before the last closes) left no gap for a
    writer, which then waited for ever; now it gets in as soon as the readers inside are done."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def reader():
        while not stop.is_set():
            try:
                with db.read() as con:
                    con.execute("SELECT count(*) FROM contacts").fetchall()
            except BaseException as exc:  # noqa: BLE001 - any failure fails the test
                errors.append(exc)
                return

    readers = [_thread(reader) for _ in range(4)]
    _until(lambda: db._lock.readers >= 1, "the readers are reading")
    done = threading.Event()

    def writer():
        with access.acting_as("ola@kommune.no", "editor"):
            notes.add_note(db, _note("Lagret midt i travel lesing."))
        done.set()

    _thread(writer)
    finished = done.wait(WAIT_S)
    stop.set()
    for worker in readers:
        worker.join(WAIT_S)
    assert finished, "the writer never got in between overlapping readers"
    assert errors == []


def test_a_writer_gives_up_with_the_busy_message_and_lets_the_queued_readers_go_on(db, monkeypatch):
    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 1.0)
    holder_in, release_holder = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def holder():
        with db.read():
            holder_in.set()
            release_holder.wait(WAIT_S)

    def writer():
        try:
            with access.acting_as("ola@kommune.no", "editor"):
                notes.add_note(db, _note("Kommer aldri inn."))
        except FeltkartError as exc:
            outcome["writer"] = exc

    def queued_reader():
        outcome["reader"] = db.data_version()

    holding = _thread(holder)
    assert holder_in.wait(WAIT_S)
    writing = _thread(writer)
    _until(lambda: db._lock.writers_waiting == 1, "the writer waits")
    reading = _thread(queued_reader)
    writing.join(WAIT_S)
    reading.join(WAIT_S)
    assert isinstance(outcome.get("writer"), FeltkartError) and outcome["writer"].key == "db.busy"
    assert "Ingenting ble lagret" in outcome["writer"].message("nb")
    assert "reader" in outcome, "a reader queued behind the writer that gave up was left waiting"
    assert db._lock.writers_waiting == 0
    release_holder.set()
    holding.join(WAIT_S)
    assert "Kommer aldri inn." not in set(notes.all_notes(db)["body"])


def test_a_reader_may_read_again_while_a_writer_waits(db):
    """A thread that reads and then reads once more must not queue behind the writer that waits
    for it (that would be a deadlock); it goes on, and the writer after it."""
    order: list[str] = []
    inner_may_start = threading.Event()

    def reader():
        with db.read():
            inner_may_start.wait(WAIT_S)
            with db.read():
                order.append("inner read")

    def writer():
        with db.write():
            order.append("write")

    reading = _thread(reader)
    _until(lambda: db._lock.readers == 1, "the reader reads")
    writing = _thread(writer)
    _until(lambda: db._lock.writers_waiting == 1, "the writer waits")
    inner_may_start.set()
    reading.join(WAIT_S)
    writing.join(WAIT_S)
    assert order == ["inner read", "write"]


def test_writing_inside_ones_own_read_is_refused_at_once(db):
    with db.read():
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="wait for itself"):
            with db.write():
                pass
    assert time.monotonic() - started < 5
    with db.write():  # and the lock is free afterwards
        pass


# --- across processes ----------------------------------------------------------------------------

def _env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra}
    env.pop("FELTKART_DB", None)
    return env


def _python(script: str, *args, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *map(str, args)], cwd=REPO_DIR,
                            env=_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _line(proc: subprocess.Popen, expected: str) -> None:
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline().strip()), daemon=True)
    reader.start()
    reader.join(WAIT_S)
    if got != [expected]:
        proc.kill()
        pytest.fail(f"expected {expected!r} from the subprocess, got {got!r}: {proc.communicate()[1]}")


HOLD_READ_ONLY = """
    import sys, time
    import duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""

# Readers in threads that never pause: the file is never free between them.
BUSY_READERS = """
    import sys, threading, time
    from dashboard.db import Database
    db = Database(sys.argv[1])
    stop_at = time.monotonic() + float(sys.argv[2])
    def read():
        while time.monotonic() < stop_at:
            with db.read() as con:
                con.execute("SELECT count(*) FROM contacts").fetchall()
    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads: t.start()
    print("reading", flush=True)
    for t in threads: t.join()
    print("stopped", flush=True)
"""

WAITING_WRITER = """
    import sys
    from dashboard.db import Database
    with Database(sys.argv[1]).write():
        print("wrote", flush=True)
"""


def test_a_save_gets_in_between_another_process_that_never_stops_reading(db):
    readers = _python(BUSY_READERS, db.path, 60)
    try:
        _line(readers, "reading")
        started = time.monotonic()
        with access.acting_as("ola@kommune.no", "editor"):
            note_id = notes.add_note(db, _note("Lagret mens en annen prosess leste uten pause."))
        waited = time.monotonic() - started
    finally:
        readers.kill()
        readers.communicate()
    assert note_id and waited < dbmod.LOCK_TIMEOUT_S


def test_the_command_line_gives_up_with_one_busy_line(db, tmp_path, capsys, monkeypatch):
    holder = _python(HOLD_READ_ONLY, db.path, 60)
    try:
        _line(holder, "holding")
        monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 1.0)
        code = main(["--db", str(db.path), "notes", "add", "--text", "Venter forgjeves.", "--area", "fetsund",
                     "--from", "2026-11-02"])
    finally:
        holder.kill()
        holder.communicate()
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("feltkart: Databasen ") and "er opptatt" in err
    assert not Path(str(db.path) + ".writer-waiting").exists(), "the writer that gave up left its flag"


def test_a_flag_left_by_a_killed_writer_holds_no_reader_back(db, monkeypatch):
    """SIGKILL a real writer while it waits (so it raised its flag and can never lower it): the next
    reader sees that the flag's process is dead, clears the flag and reads at once, instead of
    waiting out the lock timeout as it did."""
    flag = Path(str(db.path) + ".writer-waiting")
    holder = _python(HOLD_READ_ONLY, db.path, 120)
    writer = None
    try:
        _line(holder, "holding")
        writer = _python(WAITING_WRITER, db.path, FELTKART_LOCK_TIMEOUT_S="120")
        _until(flag.exists, "the writer raised its flag")
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(WAIT_S)
    finally:
        holder.kill()
        holder.communicate()
        if writer and writer.poll() is None:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL
    assert flag.exists() and str(writer.pid) in flag.read_text()
    monkeypatch.setattr(dbmod, "LOCK_TIMEOUT_S", 20.0)
    monkeypatch.setattr(locks, "FLAG_STALE_S", 15.0)  # so only the dead-owner check can let it through
    started = time.monotonic()
    assert db.data_version() >= 0
    assert time.monotonic() - started < 3.0, "the reader waited for a dead writer"
    assert not flag.exists()


def test_a_flag_of_a_live_writer_holds_readers_back_until_it_is_lowered(db, monkeypatch):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        other = locks.WriterWaitingFlag(db.path)
        other._me = f"{socket.gethostname()} {sleeper.pid} {locks._process_start(sleeper.pid)}"
        other.raise_flag()
        monkeypatch.setattr(locks, "FLAG_STALE_S", 60.0)
        done = threading.Event()
        reading = _thread(lambda: (db.data_version(), done.set()))
        assert not done.wait(0.5), "a reader went ahead of a live waiting writer"
        other.lower_flag()
        reading.join(WAIT_S)
        assert done.is_set()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_flag_is_abandoned_when_its_process_is_gone_or_is_another_with_the_same_pid(tmp_path):
    flag = locks.WriterWaitingFlag(tmp_path / "x.duckdb")
    host, me = socket.gethostname(), os.getpid()
    now = time.time()
    assert not flag.abandoned(f"{host} {me} {locks._process_start(me)}", now)  # alive
    assert flag.abandoned(f"{host} {me} 1", now)  # same pid, another start time: the pid was reused
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert flag.abandoned(f"{host} {finished.pid} 12345", now)
    assert not flag.abandoned(f"another-host {me} 1", now)  # cannot tell: trusted while renewed
    assert flag.abandoned(f"another-host {me} 1", now - locks.FLAG_STALE_S - 1)  # not renewed: abandoned
    assert flag.abandoned("", now - locks.FLAG_STALE_S - 1)  # an old empty flag (older Feltkart)
