# SPDX-License-Identifier: GPL-2.0-only
"""The stepping screen: the panels around one position in a recorded scenario.

The screen owns the session and the position; it builds one StepView per move and hands it
to every panel (attributes down); panels post what the learner picks (messages up). Its
layout depends on the terminal: every panel at 160x45 and up, code and a deck of state panels
at 120x40, code plus one switchable state panel at 80x24, and below that a request to enlarge
the terminal. The layout is rebuilt only when the size class changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding
from textual.containers import Center, Horizontal, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from lab.runner import scenario_constants
from lab.scenario import ScenarioError, bound_name, evaluate, parse_expression
from lab.stepping.session import Breakpoint, Position, Session
from lab.tui.deck import Deck
from lab.tui.glyphs import Glyphs
from lab.tui.i18n import t, use_bindings
from lab.tui.model import LabModel, StepView
from lab.tui.panels.base import Panel
from lab.tui.panels.c_source import CSourcePanel, KernelCode
from lab.tui.panels.call_stack import CallStackPanel
from lab.tui.panels.errors import ErrorsPanel
from lab.tui.panels.flags import FlagsPanel
from lab.tui.panels.locals_panel import LocalsPanel
from lab.tui.panels.narration import NarrationPanel
from lab.tui.panels.page_tables import PageTablePanel
from lab.tui.panels.python_twin import PythonTwinPanel
from lab.tui.panels.scenario import ScenarioPanel
from lab.tui.panels.status import StatusBar
from lab.tui.panels.vmas import VmaPanel
from lab.tui.scenario_errors import message_text
from lab.tui.screens.keys import lab_bindings
from lab.tui.screens.lesson_commands import LessonCommands

if TYPE_CHECKING:  # the editor and the dialogs load when first used, not at start-up
    from lab.tui.editor import ScenarioEditor
    from lab.tui.lesson_mode import LessonMode

MIN_SIZE = (80, 24)


def size_class(width: int, height: int) -> str:
    if width >= 160 and height >= 45:
        return "wide"
    if width >= 120 and height >= 34:
        return "medium"
    if width >= MIN_SIZE[0] and height >= MIN_SIZE[1]:
        return "narrow"
    return "tiny"


PANEL_IDS = ("c", "py", "stack", "locals", "vmas", "pt", "flags", "errors", "scenario",
             "narration")


@dataclass
class LabState:
    """What the learner set up, kept across layouts and scenario edits."""

    at_end: bool = False
    address: int | None = None
    note: str = ""


class LabScreen(LessonCommands, Screen):
    """Step through the session, C beside Python, the process's state around them."""

    BINDINGS = lab_bindings("en")  # the screen takes the app's language at start

    AUTO_FOCUS = None
    DEFAULT_CSS = """
    LabScreen { layout: vertical; }
    LabScreen #top, LabScreen #middle, LabScreen #bottom { height: 1fr; width: 1fr; }
    LabScreen.-wide #middle { height: 7; }
    LabScreen.-wide #bottom { height: 15; }
    LabScreen.-wide #side { width: 46; }
    LabScreen.-wide #scenario { width: 52; }
    LabScreen.-wide #stack { height: 10; }
    LabScreen.-wide #pt { width: 50; }
    LabScreen.-wide #flags { width: 40; }
    LabScreen.-medium #middle { height: 6; }
    LabScreen.-medium #scenario { width: 40; }
    LabScreen.-medium #bottom { height: 15; }
    LabScreen.-medium #side { width: 40; }
    LabScreen.-medium #stack { height: 7; }
    LabScreen.-narrow #narration { height: 4; }
    LabScreen.-wide.-lesson #middle { height: 11; }
    LabScreen.-medium.-lesson #middle { height: 9; }
    LabScreen.-wide.-lesson #lesson, LabScreen.-medium.-lesson #lesson { width: 2fr; }
    LabScreen.-narrow.-lesson #state-deck { height: 12; }
    LabScreen #c { width: 3fr; }
    LabScreen #py { width: 2fr; }
    LabScreen.-narrow #state-deck { height: 10; }
    LabScreen #too-small {
        width: auto; max-width: 100%; height: auto; padding: 0 1; border: round $error;
    }
    LabScreen.-ascii #too-small { border: ascii $error; }
    """

    def __init__(self, session: Session, glyphs: Glyphs, palette: str = "dark",
                 lesson: LessonMode | None = None):
        super().__init__()
        self.glyphs = glyphs
        self.palette = palette
        self.lesson = lesson  # a lesson being taken, or None for a plain scenario
        self._asking = False
        self._pending_move = None
        self.state = LabState()
        self.layout_class = ""
        self._prewarm_queue: list = []
        self._parts_cache: dict | None = None
        self._ready = False
        if self.lang != "en":
            use_bindings(self, lab_bindings(self.lang))
        self.set_session(session, first=True)

    # -- session and position --------------------------------------------------------------
    def set_session(self, session: Session, first: bool = False,
                    position: Position | None = None) -> None:
        old = getattr(self, "session", None)
        self.session = session
        self.model = LabModel(session)
        self.model.lang = self.lang  # the narration's language
        self.model.on_counted = self._counted
        if old is not None:
            for bp in old.breakpoints:
                try:
                    session.add_breakpoint(bp.where, bp.condition)
                except ScenarioError:
                    pass
        if position is None and self.lesson is not None and self.lesson.run is not None \
                and self.lesson.run.session is session:
            position = session.position_of(self.lesson.start_step())
        session.go(position or self.model.first_step_position())
        self.state.at_end = False
        if not first:
            self._queue_prewarm()
            self.show_step()

    def _counted(self) -> None:
        """A count of present pages finished in its thread: show it."""
        try:
            self.app.call_from_thread(self.show_step)
        except RuntimeError:  # the app is closing
            pass

    @property
    def view(self) -> StepView:
        return self.model.view(self.session.position, self.state.at_end)

    # -- layout ----------------------------------------------------------------------------
    def compose(self):
        w, h = self.app.size
        cls = size_class(w, h)
        self.layout_class = cls
        self._parts_cache = None
        self.set_class(cls == "wide", "-wide")
        self.set_class(cls == "medium", "-medium")
        self.set_class(cls == "narrow", "-narrow")
        self.set_class(self.glyphs.ascii, "-ascii")
        lesson = None
        if self.lesson is not None:
            from lab.tui.panels.lesson import LessonPanel

            lesson = LessonPanel(id="lesson")
            lesson.mode = self.lesson
        self.set_class(lesson is not None, "-lesson")
        self._use_bindings()
        if cls == "tiny":
            with Middle():
                with Center():
                    yield Static(self.too_small_text(w, h), id="too-small")
            return
        yield StatusBar(id="status")
        g, pal = self.glyphs, self.palette
        c = CSourcePanel(glyphs=g, palette=pal, id="c", initial=self.view.function)
        py = PythonTwinPanel(glyphs=g, palette=pal, id="py")
        stack, loc = CallStackPanel(id="stack"), LocalsPanel(glyphs=g, id="locals")
        vmas, pt = VmaPanel(glyphs=g, id="vmas"), PageTablePanel(glyphs=g, id="pt")
        flags, errors = FlagsPanel(glyphs=g, id="flags"), ErrorsPanel(glyphs=g, id="errors")
        scen, narr = ScenarioPanel(glyphs=g, id="scenario"), NarrationPanel(id="narration")
        pt.address = self.state.address
        if cls == "wide":
            with Horizontal(id="top"):
                yield c
                yield py
                with Vertical(id="side"):
                    yield stack
                    yield loc
            with Horizontal(id="middle"):
                yield scen
                if lesson is not None:
                    yield lesson
                yield narr
                yield errors
            with Horizontal(id="bottom"):
                yield vmas
                yield pt
                yield flags
        elif cls == "medium":
            with Horizontal(id="top"):
                yield c
                yield py
            with Horizontal(id="middle"):
                if lesson is not None:  # the scenario moves into the deck
                    yield lesson
                else:
                    yield scen
                yield narr
                yield errors
            with Horizontal(id="bottom"):
                with Vertical(id="side"):
                    yield stack
                    yield loc
                names = {"vmas": "deck_vmas", "pt": "deck_pt_long", "flags": "deck_flags"}
                if lesson is not None:
                    yield Deck(vmas, pt, flags, scen, id="state-deck",
                               names={**names, "scenario": "deck_scenario_long"})
                else:
                    yield Deck(vmas, pt, flags, id="state-deck", names=names)
        else:
            yield Deck(c, py, id="code-deck", names={"c": "deck_c", "py": "deck_py"},
                       classes="-titled")
            yield narr
            first = (lesson,) if lesson is not None else ()
            yield Deck(*first, scen, stack, loc, vmas, pt, flags, errors, id="state-deck",
                       classes="-titled",
                       names={p: "deck_" + p for p in ("lesson", "scenario", "stack",
                                                       "locals", "vmas", "pt", "flags",
                                                       "errors")})
        yield Footer(compact=True, show_command_palette=cls != "narrow")

    def too_small_text(self, w: int, h: int) -> str:
        # three short lines below 50x7, which fit in the box down to 20x5
        key = "too_small_short" if w < 50 or h < 7 else "too_small"
        return t(key, self.lang, w=w, h=h, min_w=MIN_SIZE[0], min_h=MIN_SIZE[1])

    def on_resize(self, event) -> None:  # noqa: ANN001
        w, h = event.size
        if size_class(w, h) != self.layout_class:
            self.call_later(self.relayout)
        elif self.layout_class == "tiny":
            for box in self.query("#too-small"):  # none while a relayout is under way
                box.update(self.too_small_text(w, h))  # type: ignore[attr-defined]

    async def relayout(self) -> None:
        """A new size class: build the layout again (panels are views: nothing is lost)."""
        self._ready = False
        await self.recompose()
        self.refresh_bindings()  # the new footer fills itself when the bindings are announced
        self._parts_cache = None
        self._ready = True
        self.show_step()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._ready = True
        self.show_step()
        self._queue_prewarm()
        if getattr(self.app, "_exit_after_first_frame", False):
            self.call_after_refresh(self.app._first_frame)  # type: ignore[attr-defined]

    def _theme_changed(self, theme) -> None:  # noqa: ANN001
        self.palette = "dark" if theme.dark else "light"
        for panel in self.query(CSourcePanel):
            panel.set_palette(self.palette)
        for panel in self.query(PythonTwinPanel):
            panel.set_palette(self.palette)

    # -- showing a step ----------------------------------------------------------------------
    def panels(self) -> list[Panel]:
        return list(self.query(Panel))

    def _parts(self) -> dict:
        """The widgets a step updates, found once per layout (queries cost a DOM walk)."""
        if self._parts_cache is None:
            self._parts_cache = {
                "panels": list(self.query(Panel)), "c": list(self.query(CSourcePanel)),
                "errors": list(self.query("#errors")), "decks": list(self.query(Deck)),
                "status": list(self.query(StatusBar)),
            }
        return self._parts_cache

    def show_step(self) -> None:
        if self.layout_class in ("tiny", "") or not self._ready:
            return  # on_mount shows the step once the panels are in the DOM
        if self.lesson is not None and self.lesson.run is not None:
            self._lesson_follows_step()
        view = self.view
        parts = self._parts()
        for panel in parts["panels"]:
            panel.set_view(view)
        bps = self.session.breakpoints
        lines = {_line_of(bp) for bp in bps if _line_of(bp)}
        for c in parts["c"]:
            c.set_breakpoints(lines)  # type: ignore[arg-type]
        has_error = view.error is not None
        if self.layout_class in ("wide", "medium"):
            for e in parts["errors"]:
                if e.display != has_error:
                    e.display = has_error
        for deck in parts["decks"]:
            if deck.has_panel("errors"):
                deck.flag("errors", has_error)
            deck.refresh_bar()
        for status in parts["status"]:
            status.show(view, len(bps), self.state.note, self._lesson_place())
        self.state.note = ""

    def _lesson_place(self) -> tuple[int, int, int] | None:
        """(lesson number, page, pages) for the status bar, while a lesson is open."""
        mode = self.lesson
        if mode is None or mode.run is None:
            return None
        return (mode.entry.number if mode.entry is not None else 0, mode.run.index + 1,
                len(mode.run.pages))

    def _queue_prewarm(self) -> None:
        """Build, one per idle moment, what each function of the trace shows: its C document
        and its highlighted Python twin, so that no step pays for a first visit."""
        seen: set = set()
        work: list = []
        for rec in self.session.records:
            for step in rec.trace.steps:
                key = (step.c_path, step.function, step.py_path)
                if key not in seen:
                    seen.add(key)
                    work.append((step.c_path, step.c_line, step.py_path, step.py_line))
        self._prewarm_queue = work
        self.set_timer(0.2, self._prewarm_one)

    def _prewarm_one(self) -> None:
        if not self._prewarm_queue:
            import gc

            gc.freeze()  # what is built by now lives as long as the app: spare the collector
            gc.enable()  # (the command line turns it off for the start-up)
            return
        c_path, c_line, py_path, py_line = self._prewarm_queue.pop(0)
        fn = self.model.index.function_at(c_path, c_line)  # parses the file the first time
        if fn is not None:
            for c in self._parts()["c"]:
                c.prepare([fn])
        for py in self.query(PythonTwinPanel):
            py.prepare(py_path, py_line)
        self.set_timer(0.02, self._prewarm_one)

    # -- moves -------------------------------------------------------------------------------
    def _forward(self, move) -> None:  # noqa: ANN001
        if self.state.at_end:
            self.state.note = t("note_at_end", self.lang)
            self.show_step()
            return
        before = self.session.position
        move()
        if self.session.position == before:
            self.state.at_end = True
        self.show_step()

    def _backward(self, move) -> None:  # noqa: ANN001
        if self.state.at_end:
            self.state.at_end = False
        else:
            move()
        self.show_step()

    def action_step_into(self) -> None:
        self._forward(self.session.step_into)

    def action_step_over(self) -> None:
        self._forward(self.session.step_over)

    def action_step_out(self) -> None:
        self._forward(self.session.step_out)

    def action_step_back(self) -> None:
        self._backward(self.session.step_back)

    def action_reverse_step_over(self) -> None:
        self._backward(self.session.reverse_step_over)

    def action_reverse_step_out(self) -> None:
        self._backward(self.session.reverse_step_out)

    def _hit(self) -> bool:
        step = self.session.step
        return step is not None and any(bp.matches_place(step) for bp in
                                        self.session.breakpoints)

    def action_continue_(self) -> None:
        if self.state.at_end:
            return self._forward(lambda: None)
        self.session.continue_()
        if not self._hit():
            self.session.goto_step(self.session.total_steps - 1)
            self.state.at_end = True
            self.state.note = t("note_ran_to_end" if self.session.breakpoints
                                else "note_no_breakpoints", self.lang)
        self.show_step()

    def action_reverse_continue(self) -> None:
        self.state.at_end = False
        self.session.reverse_continue()
        if not self._hit():
            self.session.go(self.model.first_step_position())
            self.state.note = t("note_none_behind", self.lang)
        self.show_step()

    def action_restart(self) -> None:
        self.state.at_end = False
        self.session.go(self.model.first_step_position())
        self.state.note = t("note_restarted", self.lang)
        self.show_step()

    def action_goto_error(self) -> None:
        err = self.view.error
        if err is None or err.step_global is None:
            for i in range(len(self.session.records)):
                e = self.model.error_info(i, 0)
                if e is not None and e.step_global is not None:
                    err = e
                    break
        if err is None or err.step_global is None:
            self.state.note = t("note_no_failure", self.lang)
        else:
            self.state.at_end = False
            self.session.goto_step(err.step_global)
        self.show_step()

    def action_run_to_cursor(self) -> None:
        target = self._cursor_line()
        if target is None:
            self.state.note = t("note_move_cursor", self.lang)
        else:
            self.state.at_end = False
            self.session.run_to_line(*target)
            step = self.session.step
            if step is None or (step.c_path, step.c_line) != target:
                self.state.note = t("note_not_reached", self.lang,
                                    where=f"{target[0]}:{target[1]}")
        self.show_step()

    def _cursor_line(self) -> tuple[str, int] | None:
        for c in self.query(CSourcePanel):
            line = c.cursor_line()
            if line is not None:
                return line
        return None

    # -- breakpoints ------------------------------------------------------------------------
    def action_toggle_breakpoint(self) -> None:
        target = self._cursor_line()
        if target is None:
            step = self.session.step
            if step is None:
                self.state.note = t("note_no_c_line", self.lang)
                return self.show_step()
            target = (step.c_path, step.c_line)
        where = f"{target[0]}:{target[1]}"
        existing = [bp for bp in self.session.breakpoints if bp.where == where]
        if existing:
            for bp in existing:
                self.session.remove_breakpoint(bp)
            self.state.note = t("note_bp_removed", self.lang, where=where)
        else:
            self.session.add_breakpoint(where)
            self.state.note = t("note_bp_added", self.lang, where=where)
        self.show_step()

    def add_breakpoint(self, text: str) -> str | None:
        where, _, cond = text.partition(" if ")
        where, lang = where.strip(), self.lang
        if not where:
            return t("err_where", lang)
        if ":" in where and not where.rpartition(":")[2].isdigit():
            return t("err_c_line", lang, text=repr(where))
        if ":" not in where and not self.model.index.functions(where):
            return t("err_no_function", lang, name=repr(where))
        try:
            self.session.add_breakpoint(where, cond.strip() or None)
        except ScenarioError as err:
            return t("err_condition", lang, message=message_text(err.message, lang))
        self.show_step()
        return None

    def clear_breakpoints(self) -> None:
        for bp in list(self.session.breakpoints):
            self.session.remove_breakpoint(bp)
        self.state.note = t("note_bps_cleared", self.lang)
        self.show_step()

    # -- go to -----------------------------------------------------------------------------
    def action_goto(self) -> None:
        from lab.tui.screens.ask import AskScreen

        self.app.push_screen(AskScreen(t("ask_goto", self.lang), t("ask_goto_help", self.lang),
                                       self.goto), lambda _: self.show_step())

    def goto(self, text: str) -> str | None:
        s, lang = self.session, self.lang
        self.state.at_end = False
        if re.fullmatch(r"[+-]\d+", text):
            s.goto_step(s.global_index + int(text))
            return None
        if text.isdigit():
            n = int(text)
            if not 1 <= n <= s.total_steps:
                return t("err_steps", lang, count=s.total_steps)
            s.goto_step(n - 1)
            return None
        m = re.fullmatch(r"(?:stmt|statement|line)\s*(\d+)", text)
        if m:
            n = int(m.group(1))
            if not 1 <= n <= len(s.records):
                return t("err_statements", lang, count=len(s.records))
            s.go(Position(n - 1, 0))
            return None
        if re.fullmatch(r"E[A-Z0-9]+", text):
            from lab.kernel.include.uapi.errno import ERRNO_NAMES

            if text not in ERRNO_NAMES.values():
                return t("err_errno", lang, name=text)
            if s.goto_errno(text) is None:
                return t("err_no_errno", lang, name=text)
            return None
        if ":" in text and not text.rpartition(":")[2].isdigit():
            return t("err_c_line", lang, text=repr(text))
        bp = Breakpoint(text)
        here = s.position
        for g in range(s.total_steps):
            step = s.step_at(s.position_of(g))
            if step is not None and bp.matches_place(step):
                s.goto_step(g)
                return None
        s.go(here)
        if ":" in text or self.model.index.functions(text):
            return t("err_not_reached", lang, text=text)
        return t("err_goto", lang, text=repr(text))

    # -- the scenario editor ------------------------------------------------------------------
    def variables(self, before: int | None = None) -> list[str]:
        stmts = self.model.statements if before is None else self.model.statements[:before]
        return [n for n in (bound_name(st) for st in stmts) if n]

    async def editor(self) -> ScenarioEditor:
        """The editor line, mounted the first time it is wanted (not at start-up)."""
        from lab.tui.editor import ScenarioEditor

        found = self.query(ScenarioEditor)
        if found:
            return found.first()
        editor = ScenarioEditor(scenario_constants, self.variables, id="editor")
        await self.mount(editor, before=self.query_one(Footer))
        return editor

    async def action_edit(self) -> None:
        (await self.editor()).open("")

    async def action_edit_current(self) -> None:
        i = self.session.position.statement
        (await self.editor()).open(self.model.statements[i].text.strip(), replace=i)

    def on_scenario_editor_submitted(self, event: ScenarioEditor.Submitted) -> None:
        lines = [st.text for st in self.model.statements]
        if event.replace is None:
            lines.append(event.text)
            target = len(lines) - 1
        else:
            lines[event.replace] = event.text
            target = event.replace
        self.record("\n".join(lines), target)

    def on_scenario_editor_closed(self) -> None:
        self.set_focus(None)  # keys go back to stepping

    @work(thread=True, exclusive=True, group="record")
    def record(self, text: str, target: int) -> None:
        from lab.scenario import parse_scenario
        from lab.tui.progress import Throttle, recording_text

        app, throttle = self.app, Throttle()

        def progress(done: int, total: int, what: str = "recording") -> None:
            if throttle.due():  # a long scenario: say how far the recording has got
                app.call_from_thread(self._show_recording, recording_text(
                    done, total, throttle.elapsed, self.lang, what))

        try:
            scenario = parse_scenario(text, self.session.scenario.source_name,
                                      scenario_constants(),
                                      lambda done, total: progress(done, total, "reading"))
            session = Session(scenario, progress=progress)
        except ScenarioError as err:
            app.call_from_thread(self.query_one("#editor").show_error, err)
            return
        except Exception as err:  # the twin must never take the app down with it
            app.call_from_thread(self.query_one("#editor").show_error,
                                 t("note_sim_failed", self.lang,
                                   error=f"{type(err).__name__}: {err}"))
            return
        rec = session.records[min(target, len(session.records) - 1)]
        if rec.error is not None or len(session.records) <= target:
            err = rec.error if rec.error is not None else t("note_run_ended", self.lang)
            app.call_from_thread(self.query_one("#editor").show_error, err)
            return

        def apply() -> None:
            self.query_one("#editor").close()
            self.set_session(session, position=Position(target, 0))
            self.state.note = t("note_recorded", self.lang, n=target + 1,
                                steps=len(rec.trace.steps))
            self.show_step()

        app.call_from_thread(apply)

    def _show_recording(self, text: str) -> None:
        """The recording's progress in the status bar, over the step still shown."""
        for status in self.query(StatusBar):
            status.show(self.view, len(self.session.breakpoints), text, self._lesson_place())

    # -- addresses and who-did-it ----------------------------------------------------------------
    def env(self) -> dict[str, int]:
        env = dict(scenario_constants())
        for stmt, rec in zip(self.model.statements, self.session.records):
            name = bound_name(stmt)
            if name and rec.event is not None and isinstance(rec.event.ret, int):
                env[name] = rec.event.ret
        return env

    def action_choose_address(self) -> None:
        from lab.tui.screens.ask import AskScreen

        self.app.push_screen(AskScreen(
            t("ask_address", self.lang), t("ask_address_help", self.lang),
            self.choose_address), lambda _: self.show_step())

    def choose_address(self, text: str) -> str | None:
        if not text:
            self.set_address(None)
            return None
        env = self.env()
        try:
            value = evaluate(parse_expression(text, "<address>", env), env)
        except ScenarioError as err:
            return message_text(err.message, self.lang)
        if not isinstance(value, int) or not 0 <= value < 1 << 64:
            return t("err_address", self.lang)
        self.set_address(value)
        return None

    def set_address(self, addr: int | None) -> None:
        self.state.address = addr
        for pt in self.query(PageTablePanel):
            pt.address = addr
        self.show_step()

    def action_who(self) -> None:
        focused = self.app.focused
        in_vmas = focused is not None and any(
            a.id == "vmas" for a in focused.ancestors_with_self)
        addr = None
        if in_vmas:
            vp = self.query_one(VmaPanel)
            if vp._rows:
                addr = vp._rows[min(vp.cursor, len(vp._rows) - 1)][0].start
            found = self.session.who_changed_vma(addr) if addr is not None else None
            what = "vma"
        else:
            addr = self.state.address if self.state.address is not None else \
                self.view.focus_address
            found = self.session.who_set_pte(addr) if addr is not None else None
            what = "pte"
        if found is None:
            self.state.note = t(f"who_{what}_none", self.lang) if addr is not None else \
                t("who_no_address", self.lang)
        else:
            self.state.at_end = False
            self.state.note = t(f"who_{what}_found", self.lang, addr=f"{addr:#x}")
        self.show_step()

    @on(Panel.Picked)
    def _picked(self, event: Panel.Picked) -> None:
        if event.what == "address":
            self.set_address(int(event.value))  # type: ignore[arg-type]
            self.action_show_panel("pt")
        elif event.what == "statement":
            self.state.at_end = False
            self.session.go(Position(int(event.value), 0))  # type: ignore[arg-type]
            self.show_step()

    # -- panels, theme, help ------------------------------------------------------------------
    def action_show_panel(self, panel_id: str) -> None:
        for deck in self.query(Deck):
            if deck.has_panel(panel_id):
                deck.active = panel_id
        found = self.query(f"#{panel_id}")
        if not found:
            return
        panel = found.first()
        if panel.display:
            for child in panel.query("*"):
                if child.focusable:
                    child.focus()
                    break
        self.call_after_refresh(self.show_step)

    def on_unmount(self) -> None:
        if self.lesson is not None:
            self.lesson.save()

    def language_changed(self, lang: str) -> None:
        """The app's language changed (MmapLab.lang): the keys, the panels, the narration and
        the lesson follow it (an open lesson is saved in it)."""
        if self.lesson is not None:
            self.lesson.set_language(lang)
        self.model.lang = lang
        self._use_bindings()
        for box in self.query("#too-small"):
            box.update(self.too_small_text(*self.app.size))  # type: ignore[attr-defined]
        for panel in self.query(Panel):
            panel.relabel()
        for panel in self._lesson_panels():
            panel.redraw()
        for editor in self.query("ScenarioEditor"):
            editor.set_language(lang)  # type: ignore[attr-defined]
        self.show_step()

    def action_toggle_theme(self) -> None:
        app = self.app
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"

    def action_compare_real(self) -> None:
        """The scenario run on this machine's kernel, beside the model (off the UI thread)."""
        from lab.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.session))

    def action_help(self) -> None:
        from lab.kernel.default_world import describe
        from lab.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(list(self._bindings_for_help()), describe()))

    def _use_bindings(self) -> None:
        """The keys in the app's language; at 80 columns with a lesson, a shorter footer."""
        use_bindings(self, lab_bindings(
            self.lang, tight=self.layout_class == "narrow" and self.lesson is not None))
        self.refresh_bindings()

    def _bindings_for_help(self):
        """Every binding, one per key, for the help screen and the palette."""
        yield from Binding.make_bindings(lab_bindings(self.lang))

    def action_toggle_vmflags(self) -> None:
        for vp in self.query(VmaPanel):
            vp.action_toggle_flags()

    @on(KernelCode.CursorMoved)
    def _cursor_moved(self, event: KernelCode.CursorMoved) -> None:
        event.stop()


def _line_of(bp: Breakpoint) -> tuple[str, int] | None:
    if ":" not in bp.where:
        return None
    path, _, line = bp.where.rpartition(":")
    return (path, int(line)) if line.isdigit() else None
