# SPDX-License-Identifier: GPL-2.0-only
"""Finding and opening lessons: the shipped course, plus any directories an instructor adds.

`read_lesson` reads one file without running anything (for listings); `open_lesson` records
its scenario and builds a run, or says why it cannot: a located LessonError, or
LessonUnavailable when the simulator cannot run the scenario yet (lessons 13 and 14 until the
page-fault model lands).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lab.lessons.diagnostics import Diagnostics, LessonError
from lab.lessons.format import parse_document
from lab.lessons.i18n import t
from lab.lessons.model import Lesson, build_lesson
from lab.lessons.recording import (
    Recording,
    parse_lesson_scenario,
    record,
    unmodelled_statement,
)
from lab.lessons.translation import check_translations
from lab.resources import lessons_dir

MAX_LESSON_BYTES = 1 << 20


class LessonUnavailable(Exception):
    """The simulator cannot run this lesson's scenario yet."""

    def __init__(self, lesson: Lesson, reason: Unavailable):
        super().__init__(reason.render("en"))
        self.lesson = lesson
        self.reason = reason


@dataclass(frozen=True)
class Unavailable:
    """Why a lesson cannot run now, in either language."""

    features: tuple[str, ...]  # what the lesson says it needs (its `requires`)
    line: int  # the first statement the simulator cannot run, as a file line
    statement: str
    detail: str  # the simulator's own words

    def render(self, lang: str) -> str:
        needs = ", ".join(t("feature_" + f, lang) for f in self.features) or \
            t("feature_not_yet", lang)
        return t("unavailable", lang, needs=needs, line=self.line, stmt=self.statement)


def read_lesson(path: str | Path) -> tuple[Lesson | None, Diagnostics]:
    """Read, parse and schema-check a lesson file, its scenario and translations."""
    diags = Diagnostics()
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        diags.error(name, 0, 0, "file_unreadable", detail=err.strerror or str(err))
        return None, diags
    if len(data) > MAX_LESSON_BYTES:
        diags.error(name, 1, 1, "file_large", limit=MAX_LESSON_BYTES)
        return None, diags
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        diags.error(name, line, column, "file_utf8", byte=f"0x{data[err.start]:02x}")
        return None, diags
    doc = parse_document(text, name, diags)
    lesson = build_lesson(doc, diags)
    if lesson is None:
        return None, diags
    parse_lesson_scenario(lesson, diags)
    check_translations(lesson, diags)
    return lesson, diags


def load_lesson(path: str | Path) -> Lesson:
    """A lesson that reads cleanly (raises LessonError with every located problem)."""
    lesson, diags = read_lesson(path)
    if lesson is None or diags:
        raise LessonError(diags)
    return lesson


def unavailable(lesson: Lesson) -> Unavailable | None:
    """Why the simulator cannot run this lesson now, or None if it can."""
    if lesson.scenario is None:
        return None
    found = unmodelled_statement(lesson.scenario)
    if found is None:
        return None
    stmt, detail = found
    return Unavailable(lesson.requires, lesson.scenario_file_line(stmt.line), stmt.text, detail)


_RECORDINGS: dict[tuple[str, str], Recording] = {}


def recording_of(lesson: Lesson) -> Recording:
    """The lesson's recorded scenario (recorded once per process and scenario text)."""
    key = (lesson.path, lesson.scenario_text)
    rec = _RECORDINGS.get(key)
    if rec is None:
        assert lesson.scenario is not None
        rec = _RECORDINGS[key] = record(lesson.scenario)
    return rec


def open_lesson(lesson: Lesson | str | Path, lang: str = "en", fresh: bool = True):
    """Record the scenario and build a LessonRun at its first page.

    Raises LessonUnavailable if the simulator cannot run it yet, LessonError if the lesson
    does not check (an anchor that resolves to no step, a question with no answer, ...).
    With `fresh` (the default) the run gets a Session of its own, so the app may move it
    freely; `fresh=False` shares the recording cached for checks (read-only use).
    """
    from lab.lessons.run import LessonRun
    from lab.lessons.validate import check_against_recording

    if not isinstance(lesson, Lesson):
        lesson = load_lesson(lesson)
    reason = unavailable(lesson)
    if reason is not None:
        raise LessonUnavailable(lesson, reason)
    rec = record(lesson.scenario) if fresh else recording_of(lesson)
    diags = Diagnostics()
    check_against_recording(lesson, rec, diags, headless=False)
    if diags:
        raise LessonError(diags)
    return LessonRun(lesson, rec, lang)


def lesson_files(directory: str | Path) -> list[Path]:
    """The lesson files of a directory: *.md but README.md, in file-name order."""
    root = Path(directory)
    return sorted(p for p in root.glob("*.md") if p.name.lower() != "readme.md")


@dataclass
class CourseEntry:
    """One lesson of the course as a listing shows it."""

    number: int  # its place in the course, from 1: `mmaplab lesson N`
    path: Path
    lesson: Lesson | None
    diagnostics: Diagnostics
    shipped: bool
    reason: Unavailable | None = None

    @property
    def id(self) -> str:
        return self.lesson.id if self.lesson else self.path.stem

    @property
    def ok(self) -> bool:
        return self.lesson is not None and not self.diagnostics

    @property
    def available(self) -> bool:
        return self.ok and self.reason is None

    def title(self, lang: str) -> str:
        return self.lesson.get_title(lang) if self.lesson else self.path.stem

    def open(self, lang: str = "en", fresh: bool = True):
        """A LessonRun of this lesson (see open_lesson)."""
        if not self.ok:
            raise LessonError(self.diagnostics)
        assert self.lesson is not None
        return open_lesson(self.lesson, lang, fresh)


@dataclass
class Course:
    entries: list[CourseEntry] = field(default_factory=list)
    problems: Diagnostics = field(default_factory=Diagnostics)  # e.g. an id used twice

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: int | str) -> CourseEntry | None:
        """By course number (1-based) or by lesson id."""
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            n = int(key)
            return self.entries[n - 1] if 1 <= n <= len(self.entries) else None
        return next((e for e in self.entries if e.id == key), None)


def load_course(extra_dirs: Iterable[str | Path] = (), shipped: bool = True) -> Course:
    """The shipped lessons in order, then each extra directory's, numbered from 1."""
    course = Course()
    sources: list[tuple[Path, bool]] = []
    if shipped:
        sources += [(p, True) for p in lesson_files(lessons_dir())]
    for d in extra_dirs:
        if not Path(d).is_dir():
            course.problems.error(str(d), 0, 0, "dir_missing")
            continue
        sources += [(p, False) for p in lesson_files(d)]
    seen: dict[str, CourseEntry] = {}
    for path, is_shipped in sources:
        lesson, diags = read_lesson(path)
        entry = CourseEntry(len(course.entries) + 1, path, lesson, diags, is_shipped)
        if lesson is not None:
            entry.reason = unavailable(lesson)
            if lesson.id in seen:
                course.problems.error(str(path), 1, 1, "id_in_course", id=lesson.id,
                                      other=str(seen[lesson.id].path))
                continue
            seen[lesson.id] = entry
        course.entries.append(entry)
    return course
