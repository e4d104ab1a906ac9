# SPDX-License-Identifier: GPL-2.0-only
"""A lesson taken in the lab: the course, the run being taken, and the learner's progress.

No widgets here: the lab screen asks this object what to show and tells it where the learner
moved. The lesson's pages are tied to steps of its trace (lab.lessons.run): stepping moves
the lesson pane along, paging moves the trace, and a predict question stops both until it is
answered (or its answer is shown). Progress is saved on every page change and answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lab.lessons.i18n import LANGUAGES, t
from lab.lessons.loader import Course, CourseEntry, LessonUnavailable, load_course, unavailable
from lab.lessons.progress import ProgressStore
from lab.lessons.questions import Verdict, check
from lab.lessons.recording import Recording
from lab.lessons.run import LessonRun, Page
from lab.stepping.session import Session

#: Tests and classrooms point progress elsewhere (a fresh file per student account).
PROGRESS_ENV = "MMAPLAB_PROGRESS_FILE"


class LessonProblem(Exception):
    """A lesson that cannot be opened: the message says which and why."""


def progress_store() -> ProgressStore:
    path = os.environ.get(PROGRESS_ENV)
    return ProgressStore(Path(path) if path else None)


def _session_for(text: str, name: str, scenario) -> Session:  # noqa: ANN001
    """The lesson's recorded session, from the lab's disk cache when it is there."""
    from lab.tui import cache

    session = cache.load(text, name) if cache.enabled() else None
    if session is None:
        session = Session(scenario)
        if cache.enabled():
            cache.save(text, name, session)
    return session


def open_run(entry: CourseEntry, lang: str, session: Session | None = None) -> LessonRun:
    """A LessonRun of `entry` with a session of its own, or `session` when it is a recording
    of the lesson's own scenario (a follower's: no second recording). Raises LessonProblem."""
    from lab.lessons.diagnostics import LessonError

    if not entry.ok or entry.lesson is None:
        errors = list(entry.diagnostics.errors)
        raise LessonProblem(errors[0].render() if errors else f"{entry.path}: does not check")
    lesson = entry.lesson
    reason = unavailable(lesson)
    if reason is not None:
        raise LessonProblem(f"{entry.path}: {reason.render(lang)}")
    assert lesson.scenario is not None
    if session is None or [st.text for st in session.scenario] != \
            [st.text for st in lesson.scenario]:
        session = _session_for(lesson.scenario_text, str(entry.path), lesson.scenario)
    error = next((r.error for r in session.records if r.error is not None), None)
    try:
        return LessonRun(lesson, Recording(lesson.scenario, session, error), lang)
    except (LessonError, LessonUnavailable, KeyError, ValueError) as err:
        raise LessonProblem(f"{entry.path}: {err}") from None


@dataclass
class LessonMode:
    """The course and the lesson being taken in the app."""

    course: Course
    lang: str
    store: ProgressStore = field(default_factory=progress_store)
    entry: CourseEntry | None = None
    run: LessonRun | None = None
    warnings: list[str] = field(default_factory=list)
    mirroring: bool = False  # showing an instructor's page: not the learner's own progress
    step: int | None = None  # the trace's step the lab shows, saved to resume there

    @classmethod
    def load(cls, extra_dirs: Iterable[str] = (), lang: str = "en") -> LessonMode:
        mode = cls(load_course(list(extra_dirs)), lang)
        mode.store.load()
        mode.warnings = mode.store.warning_texts(lang)
        return mode

    def saved_language(self, entry: CourseEntry) -> str | None:
        """The language the learner last took `entry` in, if they switched to one."""
        rec = self.store.load().lesson(entry.id) if entry.ok else None
        lang = rec.get("lang") if rec else None
        return lang if lang in LANGUAGES else None

    # -- choosing a lesson -----------------------------------------------------------------
    def resume_entry(self) -> CourseEntry | None:
        """The first lesson not finished yet (the last one when all are), skipping any that
        cannot run."""
        progress = self.store.load()
        usable = [e for e in self.course if e.available]
        for e in usable:
            rec = progress.lesson(e.id)
            if not (rec and rec.get("done")):
                return e
        return usable[-1] if usable else None

    def find(self, key: str) -> CourseEntry:
        entry = self.course.get(key)
        if entry is None:
            raise LessonProblem(f"no lesson {key!r}: there are {len(self.course)} "
                                "(mmaplab lessons lists them)")
        return entry

    def open(self, entry: CourseEntry) -> LessonRun:
        """Open a lesson where the learner left it."""
        run = open_run(entry, self.lang)
        saved = self.store.load().lesson(run.lesson.id)
        self.step, self.mirroring = None, False
        if saved:
            run.restore(saved)
            for q in run.questions:  # answered in an earlier session: the verdict again
                if q.answered and q.verdict is None:
                    if q.given:
                        q.verdict = check(q.spec, q.computed, q.given, run.lang, run.facts,
                                          run.variables_before(q))
                    else:
                        run.reveal(q.id)
            self.step = self._resumable(run, saved.get("step"))
        self.entry, self.run = entry, run
        return run

    @staticmethod
    def _resumable(run: LessonRun, step: object) -> int | None:
        """A saved step, if it still belongs to the saved page and passes no question."""
        if not isinstance(step, int) or isinstance(step, bool):
            return None
        if not 0 <= step < run.session.total_steps or run.gate(step) is not None:
            return None
        page = run.page
        if page.kind == "intro" or run.page_for_step(step).step != page.step:
            return None
        return step

    def start_step(self) -> int:
        """The step the trace opens at: where the learner left it, else the page's."""
        assert self.run is not None
        return self.step if self.step is not None else self.run.visible_step()

    def status(self, entry: CourseEntry) -> str:
        """One word of progress for the picker: done, page k/n, new, or why it cannot run."""
        if not entry.ok:
            return t("status_broken", self.lang, path=str(entry.path))
        if entry.reason is not None:
            return entry.reason.render(self.lang)
        rec = self.store.load().lesson(entry.id)
        if not rec:
            return t("status_new", self.lang)
        if rec.get("done"):
            return t("status_done", self.lang)
        return t("status_started", self.lang, page=int(rec.get("page", 0)) + 1,
                 pages=rec.get("pages", "?"))

    # -- keeping pages and steps together --------------------------------------------------
    def gate(self, target: int) -> Page | None:
        """The unanswered question a move to global step `target` would pass, if any (none
        while mirroring: the instructor's class has already gone past it)."""
        return self.run.gate(target) if self.run and not self.mirroring else None

    def follow_step(self, g: int, at_end: bool) -> bool:
        """The trace moved to step g: show the page that belongs there. True if it changed."""
        run = self.run
        if run is None or self.mirroring:  # the instructor's page is shown, whatever the step
            return False
        page = run.page
        if at_end and page.kind == "outro":
            return False
        if not at_end and g == run.visible_step(page):
            return False  # the trace is where this page put it
        want = run.page_for_step(g)
        if at_end and run.index >= want.index and all(
                q.answered for q in run.questions):
            want = run.pages[-1]
        if page.kind == "intro" and want.kind == "intro":
            return False
        if page.step == want.step and page.kind != "intro" and want.kind != "intro":
            return False  # several pages at one step: keep the one the learner chose
        before = run.index
        run.go(want.index)
        if run.index != before:
            self.step = g
            self.save()
            return True
        return False

    def page_move(self, delta: int) -> Page | None:
        """Next (+1) or previous (-1) page; None when a question blocks the way forward."""
        run = self.run
        if run is None:
            return None
        if delta > 0 and run.blocked:
            return None
        page = run.next() if delta > 0 else run.back()
        self.step = None  # the page puts the trace at its own step
        self.save()
        return page

    def answer(self, text: str) -> Verdict:
        assert self.run is not None
        verdict = self.run.answer(text)
        if verdict.readable:
            self.save()
        return verdict

    def reveal(self) -> Verdict:
        assert self.run is not None
        verdict = self.run.reveal()
        self.save()
        return verdict

    def toggle_language(self) -> str:
        i = LANGUAGES.index(self.lang) if self.lang in LANGUAGES else 0
        return self.set_language(LANGUAGES[(i + 1) % len(LANGUAGES)])

    def set_language(self, lang: str) -> str:
        """Take the lesson on in `lang`; an open one is saved in it (its next start opens in
        it too)."""
        if lang == self.lang:
            return lang
        self.lang = lang
        if self.run is not None:
            self.run.set_language(lang)
            self.save()
        return lang

    def save(self) -> None:
        """Write this run's progress (atomically; a failure is a warning, never a crash)."""
        if self.run is None or self.mirroring:
            return
        extra = {"lang": self.lang}
        if self.step is not None:
            extra["step"] = self.step
        try:
            self.store.save_run(self.run, extra)
        except OSError as err:
            self.warnings.append(f"progress not saved to {self.store.path}: {err.strerror}")
