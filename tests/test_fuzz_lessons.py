# SPDX-License-Identifier: GPL-2.0-only
"""Fuzzing lesson files and progress files: located diagnostics, never a traceback.

Real lessons and the broken fixtures are mutated (lines dropped, doubled, swapped, bytes and
control characters inserted, the header or a block cut short) and read, validated and
checked against their recording. Every problem is a Diagnostic naming the file, a line and
column, and printing no control character. Progress files of every wrong shape are kept
aside with a warning. MMAPLAB_FUZZ_EXAMPLES sets how many inputs each test draws.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.lessons.loader import load_course, read_lesson
from lab.lessons.progress import ProgressStore
from lab.lessons.validate import check_file
from lab.scenario.errors import escape

EXAMPLES = int(os.environ.get("MMAPLAB_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 1000,
                database=None, suppress_health_check=list(HealthCheck))
ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "lessons").glob("*.md"))[:4] + \
    sorted((ROOT / "tests" / "lesson_fixtures").glob("*.md"))
TEXTS = {p.name: p.read_bytes() for p in SOURCES}
NASTY = [b"\x1b[2J", b"\x00", b"\xff\xfe", b"\r", b"+++\n", b":::\n", b"::: question\n",
         b"```\n", b"```scenario\n", b"@en\n", b"@zh\n", b"<!--", b"-->", b"\"\"\"", b"[",
         b"= ", b"title.en = \"\x1b]0;x\x07\"\n", b"\xe4\xb8", "中".encode(), b"\t"]
WORK = Path(tempfile.mkdtemp(prefix="mmaplab-fuzz-"))
#: Lesson file names with ESC, BEL, a newline, CSI and a byte that is not UTF-8 in them.
LESSON_NAMES = ["lesson.md", "\x1b[2Jlesson.md", "bell\x07.md", "new\nline.md",
                "\x9b31m.md", "bad\udcffname.md", "中文.md"]


@st.composite
def lesson_bytes(draw) -> bytes:
    lines = TEXTS[draw(st.sampled_from(sorted(TEXTS)))].split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.integers(0, 5))
        if action == 0:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == 3:
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + draw(st.sampled_from(NASTY) | st.binary(max_size=4)) + \
                lines[i][k:]
        elif action == 4:
            lines = lines[:i]  # a half-written file
        else:
            lines[i] = draw(st.binary(max_size=30))
    return b"\n".join(lines)


def mutated_lessons() -> st.SearchStrategy[str]:
    """Mutated lessons as text (undecodable bytes as lone surrogates), for test_fuzz_cli."""
    return lesson_bytes().map(lambda b: b.decode("utf-8", "surrogateescape"))


def check_diagnostics(diags, path: str) -> None:
    """Each problem reads PATH:LINE:COLUMN: severity: message, in both languages, with the
    path's control characters shown escaped."""
    for d in diags.items:
        assert d.path == path
        assert d.line >= 1 and d.column >= 1, (d.line, d.column, d.render("en"))
        for lang in ("en", "zh"):
            text = d.render(lang)
            assert not any(not ch.isprintable() and ch != "\n" for ch in text), repr(text)
            where = escape(path)
            assert text.startswith(where + ":"), (where, text)
            located = re.match(r"(\d+):(\d+): \S", text[len(where) + 1:])
            assert located and (int(located[1]), int(located[2])) == (d.line, d.column), text


@FUZZ
@given(lesson_bytes(), st.sampled_from(LESSON_NAMES))
def test_mutated_lessons_give_located_diagnostics(data, name):
    folder = WORK / "course"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / name
    path.write_bytes(data)
    lesson, diags = read_lesson(path)
    check_diagnostics(diags, str(path))
    lesson, diags = check_file(path)
    check_diagnostics(diags, str(path))
    if lesson is None:
        assert diags.errors
    entries = list(load_course([folder], shipped=False))  # the course list reads it too
    assert [e.path.name for e in entries] == [name]
    assert entries[0].ok or entries[0].diagnostics.errors
    check_diagnostics(entries[0].diagnostics, str(path))


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_a_lesson_give_located_diagnostics(data):
    path = WORK / "bytes.md"
    path.write_bytes(data)
    lesson, diags = check_file(path)
    check_diagnostics(diags, str(path))


def test_one_broken_lesson_does_not_keep_the_others_from_loading(tmp_path):
    good = (ROOT / "tests" / "lesson_fixtures" / "good.md").read_bytes()
    (tmp_path / "a-good.md").write_bytes(good)
    (tmp_path / "b-broken.md").write_bytes(good[: len(good) // 3] + b"\xff\x1b[2J")
    course = load_course([tmp_path], shipped=False)
    entries = {e.path.name: e for e in course}
    assert entries["a-good.md"].ok
    assert not entries["b-broken.md"].ok
    reported = entries["b-broken.md"].diagnostics.errors
    assert reported and all(d.path.endswith("b-broken.md") and d.line >= 1 for d in reported)


# -- progress files -----------------------------------------------------------------------
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=10)


@st.composite
def progress_files(draw) -> bytes:
    record = draw(st.dictionaries(st.sampled_from(["page", "furthest", "pages", "done",
                                                   "answers"]), JSON_VALUES, max_size=5))
    if draw(st.booleans()):
        record["answers"] = {"q1": draw(st.dictionaries(
            st.sampled_from(["given", "correct", "attempts"]), JSON_VALUES))}
    doc = {"format": draw(st.sampled_from([1, 1, 1, 2, "1", None])),
           "lessons": {"01-tour": record},
           "quiz": draw(st.sampled_from([{"asked": 1, "right": 0}, {"asked": True}, [], None]))}
    data = json.dumps(doc).encode()
    cut = draw(st.integers(0, len(data) + 10))
    return data[:cut] if draw(st.booleans()) else data


@FUZZ
@given(progress_files())
def test_progress_files_of_any_shape_load_or_are_kept_aside(data):
    from lab.lessons.commands import list_lessons

    directory = WORK / "progress"
    directory.mkdir(exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    path = directory / "progress.json"
    path.write_bytes(data)
    store = ProgressStore(path)
    progress = store.load()
    if store.warnings:
        assert not path.exists()
        assert [p.read_bytes() for p in directory.glob("progress.json.corrupt-*")] == [data]
    for record in progress.lessons.values():  # what the course list and resume read
        from lab.lessons.commands import _status

        _status(record, "en")
    del list_lessons  # imported to keep the course list's readers in view


def test_a_progress_file_that_is_a_directory_is_moved_aside(tmp_path):
    path = tmp_path / "progress.json"
    path.mkdir()
    store = ProgressStore(path)
    assert store.load().lessons == {}
    assert store.warnings and not path.exists()


def test_a_deeply_nested_progress_file_is_kept_aside(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    store = ProgressStore(path)
    assert store.load().lessons == {} and store.warnings


def test_a_newline_in_a_lesson_file_name_does_not_split_its_location(tmp_path):
    path = tmp_path / "new\nline\x1b[2J.md"
    path.write_bytes(b"no header here\n")
    _, diags = check_file(path)
    assert diags.errors
    text = diags.errors[0].render("en")
    assert text.startswith(escape(str(path)) + ":1:1: ")
    assert text.count("\n") == 0 and "\x1b" not in text
