# SPDX-License-Identifier: GPL-2.0-only
"""The mmaplab app: a recorded scenario, stepped line by line in the terminal.

`MmapLab(session)` shows a Session; `open_lab(text, name)` records a scenario first. The
terminal decides a few things: 16-colour consoles (TERM=linux) get the ANSI theme, NO_COLOR
is honoured by Textual, a locale that is not UTF-8 gets ASCII glyphs, COLORFGBG or
MMAPLAB_THEME picks a light theme. A terminal that cannot hold the app gets a message
instead, and losing it ends the lab cleanly (lab.tui.terminal); an unexpected error saves
progress and leaves a report (lab.tui.crash).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from lab.stepping.session import Session
from lab.tui import crash, terminal
from lab.tui import glyphs as glyph_sets
from lab.tui.i18n import LANGUAGES, MESSAGES, default_language, t, use_bindings
from lab.tui.scenario_errors import error_text
from lab.tui.screens.lab import LabScreen

if TYPE_CHECKING:
    from lab.tui.lesson_mode import LessonMode

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"
ANSI_THEME = "ansi-dark"
ANSI_LIGHT_THEME = "ansi-light"


def choose_theme(env: Mapping[str, str]) -> str:
    """The starting theme: MMAPLAB_THEME (dark, light or any Textual theme), else the
    terminal's hints (COLORFGBG's background, TERM=linux's 16 colours)."""
    wanted = env.get("MMAPLAB_THEME", "").strip()
    light = False
    if wanted in ("light", "dark"):
        light = wanted == "light"
    elif wanted:
        return wanted
    else:
        bg = env.get("COLORFGBG", "").split(";")[-1]
        light = bg.isdigit() and int(bg) in (7, 15)
    if env.get("TERM", "") == "linux":
        return ANSI_LIGHT_THEME if light else ANSI_THEME
    return LIGHT_THEME if light else DARK_THEME


class MmapLab(App):
    """Step through Linux 6.1.192's mmap(2): the real C beside its Python twin."""

    TITLE = "mmaplab"
    CSS = """
    LabScreen { background: $background; }  /* dialogs keep their own, see-through */
    .-ascii Panel { border: ascii $foreground 30%; }
    .-ascii Panel:focus-within { border: ascii $accent; }
    /* Textual's widgets and the dialogs without Unicode (-ascii) or with only the Linux
       console's font (-console: straight lines, no rounded corners, eighth blocks, emoji) */
    .-console Panel { border: solid $foreground 30%; }
    .-console Panel:focus-within { border: solid $accent; }
    .-ascii AskScreen > Vertical, .-ascii LessonsScreen > Vertical { border: ascii $accent; }
    .-ascii PredictScreen > Vertical { border: ascii $warning; }
    .-console AskScreen > Vertical, .-console LessonsScreen > Vertical,
    .-console HelpScreen > VerticalScroll, .-console CompareScreen > VerticalScroll {
        border: solid $accent;
    }
    .-console PredictScreen > Vertical { border: solid $warning; }
    .-ascii AskScreen Input, .-ascii PredictScreen Input { border: ascii $border-blurred; }
    .-ascii AskScreen Input:focus, .-ascii PredictScreen Input:focus { border: ascii $border; }
    .-console AskScreen Input, .-console PredictScreen Input { border: solid $border-blurred; }
    .-console AskScreen Input:focus, .-console PredictScreen Input:focus { border: solid $border; }
    .-ascii ScenarioEditor { border-top: ascii $accent; }
    .-ascii CommandPalette #--input { border: none; border-top: ascii $border; }
    .-console CommandPalette #--input { border: none; border-top: solid $border; }
    .-ascii CommandList { border-bottom: ascii $border; }
    .-console CommandList { border-bottom: solid $border; }
    .-ascii CommandPalette LoadingIndicator, .-console CommandPalette LoadingIndicator {
        border-bottom: none;
    }
    .-console FooterKey.-command-palette { border-left: none; }
    .-console #too-small { border: solid $error; }
    .-ascii Toast, .-console Toast { border-left: none; }
    .-narrow Panel { border: none; border-top: solid $foreground 30%; }
    .-narrow Panel:focus-within { border: none; border-top: solid $accent; }
    .-ascii.-narrow Panel { border: none; border-top: ascii $foreground 30%; }
    .-ascii.-narrow Panel:focus-within { border: none; border-top: ascii $accent; }
    .-narrow Deck.-titled > Panel, .-narrow Deck.-titled > Panel:focus-within { border: none; }
    .-narrow Deck.-titled > Panel:focus-within { background-tint: $accent 5%; }
    .-ascii FooterKey.-command-palette { border-left: none; }
    /* scrollbar thumbs end in eighth blocks: without Unicode, no scrollbars (keys and the
       wheel still scroll, and subtitles say what is out of view) */
    .-ascii KernelCode, .-ascii VerticalScroll { scrollbar-size-vertical: 0; }
    """
    ENABLE_COMMAND_PALETTE = True
    AUTO_FOCUS = None  # keys go to the lab; Tab or a number key picks a panel

    lang: reactive[str] = reactive("en", init=False)
    """The language of the whole app: chrome, narration and lesson (L switches it)."""

    def __init__(self, session: Session, *, env: Mapping[str, str] | None = None,
                 theme: str | None = None, exit_after_first_frame: bool = False,
                 lesson: LessonMode | None = None, lang: str | None = None):
        """`lang`: the app's language; by default the lesson's, else the locale's (of
        `env`)."""
        super().__init__()
        self.lesson = lesson  # the lesson being taken (lab.tui.lesson_mode), if any
        env = os.environ if env is None else env
        if lang not in LANGUAGES:
            lang = lesson.lang if lesson is not None else default_language(env)
        if lesson is not None:
            lesson.set_language(lang)
        self.set_reactive(MmapLab.lang, lang)
        self._use_language_bindings(lang)
        self.glyphs = glyph_sets.choose(env)
        self.set_class(self.glyphs.ascii, "-ascii", update=False)  # for every screen's CSS
        self.set_class(self.glyphs is glyph_sets.CONSOLE, "-console", update=False)
        self.session = session
        self._exit_after_first_frame = exit_after_first_frame
        self.first_frame_at: float | None = None
        start_theme = theme or choose_theme(env)
        if start_theme not in self.available_themes:
            start_theme = DARK_THEME
        self.theme = start_theme

    # -- the language ---------------------------------------------------------------------------
    def watch_lang(self, lang: str) -> None:
        self._use_language_bindings(lang)
        for screen in self.screen_stack:
            changed = getattr(screen, "language_changed", None)
            if changed is not None:
                changed(lang)

    def _use_language_bindings(self, lang: str) -> None:
        """Textual's own keys (the palette's, ^q) in the app's language."""
        use_bindings(self, [
            Binding(self.COMMAND_PALETTE_BINDING, "command_palette", t("key_palette", lang),
                    show=False, key_display=self.COMMAND_PALETTE_DISPLAY, priority=True,
                    tooltip=t("tip_palette", lang)),
            Binding("ctrl+q", "quit", t("key_quit", lang), tooltip=t("tip_quit_app", lang),
                    show=False, priority=True),
        ])

    # -- the terminal and failures (lab.tui.terminal, lab.tui.crash) --------------------------
    crash_report: crash.Crash | None = None  # set when an unexpected error ended the lab

    def run(self, **kw: object) -> object:
        """Run in this terminal: a clear message instead of the app where it cannot be drawn,
        and after a crash the error screen and the report's path."""
        if not kw.get("headless"):
            reason = terminal.problem()
            if reason is not None:
                print(terminal.needs_terminal(reason), file=sys.stderr)
                self._return_code = 2
                return None
        try:
            with terminal.scrollbars_for(self.glyphs):
                return super().run(**kw)
        finally:
            crash.after_run(self)

    def get_driver_class(self) -> type:
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        return terminal.LabDriver if driver is LinuxDriver else driver

    def terminal_lost(self, signum: int) -> None:
        """The terminal hung up (or SIGTERM came): save progress, then exit cleanly."""
        crash.run_exit_hooks(self)
        self.exit(return_code=terminal.exit_status(signum))

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: save and report first (lab.tui.crash), then Textual ends the
        app; its traceback goes to the report, not over the learner's terminal."""
        first = self.crash_report is None
        if first:
            self.crash_report = crash.record(self, error)
        super()._handle_exception(error)
        self._return_code = crash.CRASH_STATUS
        if self.crash_report.path is not None or not first:
            self._exit_renderables.clear()

    async def run_action(self, action: object, default_namespace: object = None,
                         namespaces: object = None) -> bool:
        crash.maybe_test_crash(action)  # MMAPLAB_TEST_CRASH only; nothing otherwise
        return await super().run_action(action, default_namespace, namespaces)

    def action_command_palette(self) -> None:
        if not self.use_command_palette:
            return super().action_command_palette()
        from textual.command import CommandPalette

        if CommandPalette.is_open(self):
            return
        if self.glyphs is glyph_sets.UNICODE:
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=t("palette_search", self.lang)))
        else:  # its magnifying glass and ellipsis: not ASCII
            self.push_screen(terminal.plain_command_palette(
                id="--command-palette", placeholder=t("palette_search", self.lang)))

    def get_default_screen(self) -> Screen:
        palette = "dark" if self.current_theme.dark else "light"
        return LabScreen(self.session, self.glyphs, palette, lesson=self.lesson)

    def save_progress(self) -> None:
        """Save the lesson's progress now (quitting, a lost terminal, a crash)."""
        lesson = self.lab.lesson if self.screen_stack else self.lesson
        if lesson is not None:
            lesson.save()

    @property
    def lab(self) -> LabScreen:
        for screen in self.screen_stack:
            if isinstance(screen, LabScreen):
                return screen
        raise LookupError("no lab screen")

    def on_mount(self) -> None:
        if self.lesson is not None:
            for warning in self.lesson.warnings:  # e.g. a corrupt progress file, backed up
                self.notify(warning, title=t("notify_progress", self.lang),
                            severity="warning", timeout=12)
        for rec in self.session.records:
            if rec.error is not None:  # the statement the simulator could not run
                self.notify(error_text(rec.error, self.lang),
                            title=t("notify_cannot_run", self.lang), severity="error", timeout=10)


    def _first_frame(self) -> None:
        """For the cold-start benchmark: note when the first complete frame was drawn (the
        monotonic clock, which other processes share), then exit."""
        self.first_frame_at = time.perf_counter()
        path = os.environ.get("MMAPLAB_FIRST_FRAME_FILE")
        if path:
            with open(path, "w") as f:
                f.write(f"{self.first_frame_at!r}\n")
        self.exit()

    # -- the command palette: every action of the lab, by name ----------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        for cmd in super().get_system_commands(screen):  # Textual's own, in the app's words
            key = f"sys_{cmd.title}"
            if key in MESSAGES:
                cmd = cmd._replace(title=t(key, lang), help=t(key + "_help", lang))
            yield cmd
        try:
            lab = self.lab
        except LookupError:
            return
        seen = set()
        for b in lab._bindings_for_help():
            if b.action in seen or not b.description:
                continue
            seen.add(b.action)
            key = self.get_key_display(b)
            yield SystemCommand(t("palette_key", lang, title=b.tooltip or b.description,
                                  key=key), b.description, _runner(lab, b.action))
        extra = (
            ("cmd_quiz", lambda: lab.call_later(lab.action_quiz)),
            ("cmd_edit_current", lambda: lab.call_later(lab.action_edit_current)),
            ("cmd_breakpoint", self._ask_breakpoint),
            ("cmd_clear", lab.clear_breakpoints),
            ("cmd_vmflags", lab.action_toggle_vmflags),
            ("cmd_follow_pt", lambda: lab.set_address(None)),
            ("cmd_follow_c", lambda: [c.follow() for c in lab.query("CSourcePanel")]),
        )
        for key, callback in extra:
            yield SystemCommand(t(key, lang, ellipsis=self.glyphs.ellipsis),
                                t(key + "_help", lang), callback)

    def _ask_breakpoint(self) -> None:
        from lab.tui.screens.ask import AskScreen

        lab = self.lab
        self.push_screen(AskScreen(t("ask_breakpoint", self.lang),
                                   t("ask_breakpoint_help", self.lang), lab.add_breakpoint))


def _runner(screen: LabScreen, action: str):
    def run() -> None:
        screen.call_later(screen.run_action, action)

    return run


#: Statements past which the recording runs with the garbage collector on: 65,530 mmaps left
#: 800 MB of garbage with it off.
LONG_SCENARIO = 1000


def open_lab(text: str, source_name: str, use_cache: bool = False, **kw) -> MmapLab:
    """Record `text` (or find it recorded in the cache) and make the app.

    Raises ScenarioError on a bad scenario.
    """
    from lab.runner import scenario_constants
    from lab.scenario import parse_scenario
    from lab.tui.progress import ProgressLine

    lang = kw.get("lang")
    with ProgressLine(lang=lang if lang in LANGUAGES else default_language()) as progress:
        scenario = parse_scenario(text, source_name, scenario_constants(), progress.reading)
        session = None
        if use_cache:
            from lab.tui import cache

            session = cache.load(text, source_name)
        if session is None:
            if len(scenario) > LONG_SCENARIO:
                gc.enable()  # start-up keeps the collector off; a long recording makes garbage
            session = Session(scenario, progress=progress)
            if use_cache:
                cache.save(text, source_name, session)
    return MmapLab(session, **kw)


def open_lesson_lab(key: str | None, lang: str | None, extra_dirs: Iterable[str] = (),
                    **kw) -> MmapLab:
    """The app on lesson `key` (a number or id), or where the learner left the course; in
    `lang`, else the language the learner last took that lesson in, else the locale's.

    Raises LessonProblem when the lesson cannot be opened.
    """
    from lab.lessons.i18n import default_language
    from lab.tui.lesson_mode import LessonMode, LessonProblem

    mode = LessonMode.load(extra_dirs, lang or default_language())
    entry = mode.find(key) if key is not None else mode.resume_entry()
    if entry is None:
        raise LessonProblem("no lesson of the course can run")
    if lang is None:
        mode.lang = mode.saved_language(entry) or mode.lang
    run = mode.open(entry)
    return MmapLab(run.session, lesson=mode, **kw)

