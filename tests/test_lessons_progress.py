# SPDX-License-Identifier: GPL-2.0-only
"""Progress is saved per user, atomically: a kill between write and rename leaves the old
file whole, and a corrupt file is kept aside with a warning, never silently lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from lab.lessons import open_lesson
from lab.lessons.progress import Progress, ProgressStore, default_path

FIXTURES = Path(__file__).parent / "lesson_fixtures"


def test_the_default_place_is_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "mmaplab" / "progress.json"


def test_a_run_saved_and_loaded_comes_back_the_same(tmp_path):
    store = ProgressStore(tmp_path / "progress.json")
    run = open_lesson(FIXTURES / "good.md", "en")
    run.next()
    run.answer(run.right_reply())
    run.next()
    store.save_run(run)
    saved = ProgressStore(tmp_path / "progress.json").load().lesson("fixture-good")
    assert saved["page"] == run.index and saved["answers"]["where"]["correct"] is True
    again = open_lesson(FIXTURES / "good.md", "en")
    again.restore(saved)
    assert again.index == run.index and again.question("where").correct


def test_a_corrupt_file_is_kept_aside_with_a_warning(tmp_path):
    path = tmp_path / "progress.json"
    path.write_bytes(b'{"format": 1, "lessons": {"x": ')
    store = ProgressStore(path)
    progress = store.load()
    assert progress.lessons == {}
    backups = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == b'{"format": 1, "lessons": {"x": '
    assert not path.exists()
    assert str(backups[0]) in store.warning_texts("en")[0]
    assert store.warning_texts("zh")[0].startswith("警告")
    store.save(progress)  # and saving works again
    assert json.loads(path.read_text())["format"] == 1


def test_a_file_of_another_shape_is_kept_aside_too(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text('{"lessons": []}')
    store = ProgressStore(path)
    assert store.load().lessons == {} and store.warnings
    path.write_text('{"format": 1, "lessons": {}}')  # a second corrupt-free load
    assert ProgressStore(path).load().lessons == {}


_KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from lab.lessons.progress import Progress, ProgressStore

    def stall(src, dst):  # the moment between writing the temp file and renaming it
        open(sys.argv[2], "w").close()
        time.sleep(60)

    os.replace = stall
    ProgressStore(sys.argv[1]).save(Progress(lessons={"new": {"page": 99}}))
""")


def test_a_kill_between_write_and_rename_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.save(Progress(lessons={"old": {"page": 3}}))
    before = path.read_bytes()
    marker = tmp_path / "written"
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path), str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the writer died before reaching the rename"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        temps = list(tmp_path.glob(".progress-*.tmp"))
        assert temps and json.loads(temps[0].read_text())["lessons"] == {"new": {"page": 99}}
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert path.read_bytes() == before
    reloaded = ProgressStore(path)
    assert reloaded.load().lessons == {"old": {"page": 3}} and not reloaded.warnings


def test_old_temporary_files_of_killed_writers_are_swept(tmp_path):
    path = tmp_path / "progress.json"
    stale = tmp_path / ".progress-abc.tmp"
    stale.write_text("half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".progress-def.tmp"
    fresh.write_text("another writer, now")
    ProgressStore(path).load()
    assert not stale.exists() and fresh.exists()


def test_updates_merge_under_the_lock(tmp_path):
    path = tmp_path / "progress.json"
    a, b = ProgressStore(path), ProgressStore(path)
    a.update(lambda p: p.lessons.__setitem__("one", {"page": 1}))
    b.update(lambda p: p.lessons.__setitem__("two", {"page": 2}))
    b.count_quiz(5, 3)
    got = ProgressStore(path).load()
    assert set(got.lessons) == {"one", "two"} and got.quiz == {"asked": 5, "right": 3}
