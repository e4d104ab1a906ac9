# SPDX-License-Identifier: GPL-2.0-only
"""The lab screen's lesson and quiz commands: the pages, the predict prompt, the picker, the
language, and mirroring an instructor's page.

`LessonCommands` is mixed into `LabScreen`; it works through the screen's session, state and
panels. The lesson itself (its pages, gates and progress) lives in `lab.tui.lesson_mode`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from lab.tui.i18n import lang_of, next_language, t

if TYPE_CHECKING:
    from lab.tui.lesson_mode import LessonMode


def bindings(lang: str) -> list[Binding]:
    """The lesson keys in `lang` (part of the lab screen's bindings)."""
    page = Binding.Group(t("group_page", lang), compact=True)
    return [
        Binding("right_square_bracket", "lesson_page(1)", t("key_page", lang), key_display="]",
                group=page, tooltip=t("tip_page", lang)),
        Binding("left_square_bracket", "lesson_page(-1)", t("key_page_back", lang),
                key_display="[", group=page, tooltip=t("tip_page_back", lang)),
        Binding("A", "predict", t("key_answer", lang), show=False,
                tooltip=t("tip_answer", lang)),
        Binding("o", "pick_lesson", t("key_lessons", lang), show=False,
                tooltip=t("tip_lessons", lang)),
        Binding("L", "toggle_language", t("key_language", lang), show=False,
                tooltip=t("tip_language", lang)),
    ]


class LessonCommands:
    """The lesson and quiz actions of the lab screen (a mixin of `LabScreen`)."""

    lesson: LessonMode | None
    _asking: bool

    LESSON_ACTIONS = ("lesson_page", "predict")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lesson keys are offered (footer, palette) only while a lesson is open."""
        if action in self.LESSON_ACTIONS:
            return self.lesson is not None and self.lesson.run is not None
        return True

    def _lesson_follows_step(self) -> None:
        """Keep the lesson and the trace together: a move past an unanswered question stops
        at it (and asks it); otherwise the lesson shows the page of the current step."""
        mode, s = self.lesson, self.session
        assert mode is not None and mode.run is not None
        if mode.mirroring or mode.run.session is not s:
            return  # the learner edited the scenario: the lesson waits where it was
        g = s.global_index
        target = g + 1 if self.state.at_end else g
        blocker = mode.gate(target)
        if blocker is not None and blocker.step is not None:
            s.goto_step(blocker.step)
            self.state.at_end = False
            mode.run.go(blocker.index)
            self.state.note = t("ui_blocked", mode.lang)
            self.call_after_refresh(self.action_predict)
            return
        mode.follow_step(g, self.state.at_end)
        mode.step = g

    def _lesson_panels(self) -> list:
        return list(self.query("#lesson"))

    def action_lesson_page(self, delta: int) -> None:
        mode = self.lesson
        if mode is None or mode.run is None:
            self.state.note = t("note_no_lesson", self.lang)
            self.show_step()
            return
        run = mode.run
        page = mode.page_move(delta)
        if page is None:  # a question blocks the way
            self.action_predict()
            return
        if run.session is not self.session:  # back from an edit or a quiz problem
            self.set_session(run.session)
        self.session.goto_step(run.visible_step(page))  # the trace goes where the page is
        self.state.at_end = page.kind == "outro"
        for panel in self._lesson_panels():
            panel.redraw()
        self.show_step()
        if page.question is not None and not page.question.answered:
            self.call_after_refresh(self.action_predict)

    def action_predict(self) -> None:
        mode = self.lesson
        if mode is None or mode.run is None or self._asking:
            return
        q = mode.run.page.question
        if q is None or q.answered:
            if q is None:
                self.state.note = t("note_no_question", self.lang)
                self.show_step()
            return
        from lab.tui.screens.predict import PredictScreen

        self._asking = True

        def answered(ok: bool | None) -> None:
            self._asking = False
            for panel in self._lesson_panels():
                panel.redraw()
            self.show_step()

        self.app.push_screen(PredictScreen.for_lesson(mode), answered)

    def action_pick_lesson(self) -> None:
        from lab.tui.lesson_mode import LessonMode
        from lab.tui.screens.lessons import LessonsScreen

        if self.lesson is None:
            try:
                self.lesson = LessonMode.load(lang=self.language())
            except OSError as err:
                self.app.notify(t("notify_lessons_unreadable", self.lang, error=err),
                                severity="error")
                return

        def picked(number: int | None) -> None:
            if number is not None:
                self.call_later(self.open_lesson, str(number))

        self.app.push_screen(LessonsScreen(self.lesson, self.glyphs.ascii), picked)

    async def open_lesson(self, key: str) -> None:
        """Open lesson `key` (a number or id) where the learner left it."""
        from lab.tui.lesson_mode import LessonProblem

        mode = self.lesson
        assert mode is not None
        had_panel = bool(self._lesson_panels())
        try:
            run = mode.open(mode.find(key))
        except LessonProblem as err:
            self.app.notify(str(err), title=t("notify_lesson_cannot_open", self.lang),
                            severity="error", timeout=10)
            return
        self.set_session(run.session, first=not had_panel,
                         position=run.session.position_of(mode.start_step()))
        if not had_panel:
            await self.relayout()
        else:
            for panel in self._lesson_panels():
                panel.redraw()
            self.show_step()
        self.refresh_bindings()
        self.action_show_panel("lesson")

    async def mirror_lesson(self, lesson_id: str, page: int) -> None:
        """Show the page an instructor is on (a follower's lab): the lesson pane mirrors it;
        the follower's own progress is left alone."""
        from lab.tui.lesson_mode import LessonMode, LessonProblem, open_run

        if self.lesson is None:
            self.lesson = LessonMode.load(lang=self.language())
        mode = self.lesson
        mode.mirroring = True
        if mode.run is None or mode.run.lesson.id != lesson_id:
            try:
                entry = mode.find(lesson_id)
                mode.entry, mode.run = entry, open_run(entry, mode.lang, self.session)
            except LessonProblem as err:
                self.app.notify(str(err), title=t("notify_instructor_lesson", self.lang),
                                severity="warning")
                return
        mode.run.index = max(0, min(page, len(mode.run.pages) - 1))
        if not self._lesson_panels():
            await self.relayout()
        for panel in self._lesson_panels():
            panel.redraw()

    def action_toggle_language(self) -> None:
        """The app's next language: the chrome, the narration and the lesson follow it
        (LabScreen.language_changed); an open lesson saves it for its next start."""
        self.app.lang = next_language(self.lang)  # type: ignore[attr-defined]

    # -- the quiz ----------------------------------------------------------------------------
    def action_quiz(self, seed: int | None = None) -> None:
        """The quiz dialog (lab.tui.screens.quiz); a problem chosen there opens here."""
        from lab.tui.lesson_mode import progress_store
        from lab.tui.screens.quiz import QuizScreen

        lang = self.language()
        store = self.lesson.store if self.lesson is not None else progress_store()

        def chosen(item) -> None:  # noqa: ANN001 (lab.lessons.quiz.QuizItem or None)
            if item is not None:
                self.set_session(item.session)
                self.state.note = t("ui_quiz_traced", lang)
                self.show_step()

        self.app.push_screen(QuizScreen(lang, seed, store), chosen)

    @property
    def lang(self) -> str:
        """The app's language (lab.tui.app.MmapLab.lang)."""
        return lang_of(self)  # type: ignore[arg-type]

    def language(self) -> str:
        """The language of a lesson or quiz opened now: the app's."""
        return self.lang
