# SPDX-License-Identifier: GPL-2.0-only
"""Wiring a Teacher or a Student to an app: the whole of what the app has to provide.

The app gives a `LabHooks` (duck-typed, six methods) and calls, once it runs, in its own
thread (e.g. from on_mount):

    from lab.classroom import app_glue
    app_glue.attach_teacher(app, teacher, hooks)       # mmaplab teach
    app_glue.attach_student(app, student, hooks)       # mmaplab follow

`app` needs only Textual's `set_interval(seconds, callback)` and, for the detach key, to be
a Textual node whose bindings can be swapped (lab.tui.i18n.use_bindings). Everything runs in
the app's thread: states from the socket arrive through the loop's call_soon_threadsafe,
coalesced to the newest. The class line, the notices and the key speak the app's language
(`lang()`), and follow it when it changes.

`MmapLabHooks` implements the hooks for today's MmapLab from the outside (its screen's public
methods, plus a one-line classroom status under the status bar); `run_app` starts an app with
a glue function, for the CLI. When the app grows its own hooks, only these two go.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Protocol

from lab.classroom.i18n import t
from lab.classroom.link import Student, Teacher, position_label
from lab.classroom.state import ClassState
from lab.stepping.session import Position, Session

POLL = 0.1  # what Session.subscribe does not report (breakpoints, panel, address) is polled


class LabHooks(Protocol):
    def session(self) -> Session: ...
    def extras(self) -> dict: ...  # ClassState fields besides the session's: panel, address,
    #                                at_end, lesson, page
    def show(self, state: ClassState, session: Session | None) -> None: ...  # go there;
    #                                session: a new recording of state.scenario to switch to
    def set_status(self, text: str) -> None: ...
    def notify(self, text: str) -> None: ...  # a passing message (instructor left, ...)
    def lang(self) -> str: ...  # the app's language now ("en", "zh")


def attach_teacher(app, teacher: Teacher, hooks: LabHooks) -> None:
    """Publish at every move (subscribe) and every POLL for everything else."""
    teacher.link.extras = hooks.extras
    shown = [""]

    def poll() -> None:
        session = hooks.session()
        if session is not teacher.link.session:
            teacher.link.set_session(session)  # the scenario was edited and re-recorded
        else:
            teacher.link.changed()
        text = teacher.status_text(hooks.lang())
        if text != shown[0]:
            shown[0] = text
            hooks.set_status(text)

    poll()
    app.set_interval(POLL, poll)


def attach_student(app, student: Student, hooks: LabHooks, key: str = "d") -> None:
    """Mirror the instructor; `key` detaches and rejoins; a move of one's own detaches."""
    loop = asyncio.get_running_loop()
    link = student.link
    applying = [False]
    recording: dict = {"text": None}
    watched: list[Session] = []

    def moved(session: Session) -> None:
        if not applying[0] and link.following and session is hooks.session():
            link.detach()
            hooks.notify(t("class_detached_notice", hooks.lang(), name=link.name, key=key))

    def watch(session: Session) -> None:
        if not any(s is session for s in watched):
            watched.append(session)
            session.subscribe(lambda pos, s=session: moved(s))

    def show(state: ClassState, session: Session | None) -> None:
        applying[0] = True
        try:
            if session is not None:
                watch(session)
            hooks.show(state, session)
        finally:
            applying[0] = False

    def apply(state: ClassState) -> None:
        current = hooks.session()
        watch(current)
        if _same_scenario(current, state):
            show(state, None)
            return
        if recording["text"] == (state.scenario, state.source_name):
            return  # being recorded; the newest state is applied when it is done
        recording["text"] = (state.scenario, state.source_name)
        threading.Thread(target=record, args=(state,), daemon=True).start()

    def record(state: ClassState) -> None:
        try:
            session = record_state(state)
        except Exception as err:  # the same text records everywhere; say so if not
            loop.call_soon_threadsafe(hooks.notify, t("class_cannot_replay", hooks.lang(),
                                                      error=err))
            return

        def done() -> None:
            recording["text"] = None
            latest = link.instructor or state
            if link.following and (latest.scenario, latest.source_name) == \
                    (state.scenario, state.source_name):
                show(latest, session)
            elif link.following:
                apply(latest)

        loop.call_soon_threadsafe(done)

    def connection_changed(kind: str, detail: str) -> None:
        if kind in ("ended", "lost"):
            hooks.notify(t(f"class_{'left' if kind == 'ended' else 'lost'}_notice",
                           hooks.lang(), name=link.name))

    def step_label(state: ClassState) -> str:
        session, lang = hooks.session(), hooks.lang()
        if not _same_scenario(session, state):
            return position_label(state, lang)
        g = session.global_of(state.position) if state.position.statement < len(
            session.records) else session.total_steps - 1
        return t("class_step", lang, n=min(g, session.total_steps - 1) + 1,
                 count=session.total_steps) + (t("class_at_end", lang) if state.at_end else "")

    spoken = [""]

    def follow_language() -> None:
        """The key's word and the class line in the app's language, again when L changes it."""
        lang = hooks.lang()
        if lang != spoken[0]:
            spoken[0] = lang
            _bind_again(app, key, "classroom_toggle", t("key_class_toggle", lang))
            link.show_status()

    link.step_label = step_label
    link.key = key
    link.lang = hooks.lang
    link.on_connection = connection_changed
    link.attach(apply, hooks.set_status, loop.call_soon_threadsafe)
    app.action_classroom_toggle = link.toggle  # an action on the app instance: `key`
    watch(hooks.session())
    if link.instructor is not None:
        apply(link.instructor)
    follow_language()
    app.set_interval(POLL, follow_language)


def _bind_again(app, key: str, action: str, description: str) -> None:
    """Bind `key` in place of what it was bound to before (Textual's bind() adds to a list),
    as the app swaps its own keys' words when the language changes."""
    from textual.binding import Binding

    from lab.tui.i18n import use_bindings

    use_bindings(app, [Binding(key, action, description)])
    app.refresh_bindings()  # the footer reads the new word


def _same_scenario(session: Session, state: ClassState) -> bool:
    from lab.classroom.link import scenario_text

    return session.scenario.source_name == state.source_name and \
        scenario_text(session.scenario) == scenario_text(_parse(state))


_parsed: dict[tuple[str, str], object] = {}


def _parse(state: ClassState):
    from lab.runner import scenario_constants
    from lab.scenario import parse_scenario

    key = (state.scenario, state.source_name)
    scenario = _parsed.get(key)
    if scenario is None:  # the app's thread and a recording thread both come here: no
        scenario = parse_scenario(state.scenario, state.source_name, scenario_constants())
        _parsed.clear()  # second look-up, which the other's clear() could make a KeyError
        _parsed[key] = scenario
    return scenario


def record_state(state: ClassState) -> Session:
    """Record the instructor's scenario here: the same text gives the same trace."""
    return Session(_parse(state))  # type: ignore[arg-type]


# -- today's MmapLab, from the outside ----------------------------------------------------------
class MmapLabHooks:
    """LabHooks for lab.tui.app.MmapLab through its LabScreen's public methods."""

    STATUS_ID = "classroom-status"

    def __init__(self, app):
        self.app = app
        self._status = ""

    @property
    def lab(self):
        return self.app.lab

    def ready(self) -> bool:
        try:
            lab = self.lab
        except LookupError:
            return False
        return lab.is_mounted and bool(getattr(lab, "layout_class", ""))

    def session(self) -> Session:
        return self.lab.session

    def extras(self) -> dict:
        lab = self.lab
        panel = None
        focused = self.app.focused
        if focused is not None:
            ids = [w.id for w in focused.ancestors_with_self if w.id]
            panel = next((i for i in ids if i in _panel_ids()), None)
        lesson = lab.lesson.run if lab.lesson is not None else None
        return {"at_end": bool(lab.state.at_end), "address": lab.state.address,
                "panel": panel, "lesson": lesson.lesson.id if lesson else None,
                "page": lesson.index if lesson else None}

    def show(self, state: ClassState, session: Session | None) -> None:
        lab = self.lab
        if session is not None:
            lab.set_session(session, position=state.position)
        current = lab.session
        wanted = [(w, c) for w, c in state.breakpoints]
        if [(b.where, b.condition) for b in current.breakpoints] != wanted:
            current.breakpoints.clear()
            for where, cond in wanted:
                try:
                    current.add_breakpoint(where, cond)
                except Exception:
                    pass
        current.go(Position(state.position.statement, state.position.step))
        lab.state.at_end = state.at_end
        if state.address != lab.state.address:
            lab.set_address(state.address)
        if state.panel and state.panel != self.extras().get("panel"):
            lab.action_show_panel(state.panel)
        if state.lesson is not None:
            if lab.lesson is not None:  # before the step is shown: no question may hold it
                lab.lesson.mirroring = True
            lab.call_later(lab.mirror_lesson, state.lesson, state.page or 0)
        lab.show_step()
        self._ensure_status()

    def set_status(self, text: str) -> None:
        self._status = text
        self._ensure_status()

    def notify(self, text: str) -> None:
        self.app.notify(text, title=t("class_title", self.lang()), timeout=6)

    def lang(self) -> str:
        return getattr(self.app, "lang", "en")

    def _ensure_status(self) -> None:
        from textual.widgets import Static

        try:
            lab = self.lab
        except LookupError:
            return
        found = lab.query(f"#{self.STATUS_ID}")
        if found:
            found.first().update(self._status)
            return
        if getattr(lab, "layout_class", "") == "tiny":
            return
        line = Static(self._status, id=self.STATUS_ID, markup=False)
        line.styles.height = 1
        line.styles.padding = (0, 1)
        line.styles.background = "ansi_blue" if self.app.ansi_color else "darkblue"
        line.styles.color = "white"
        status = lab.query("#status")
        if status:
            lab.mount(line, after=status.first())
        elif lab.children:
            lab.mount(line, before=0)
        else:
            lab.mount(line)


def _panel_ids() -> tuple[str, ...]:
    try:
        from lab.tui.screens.lab import PANEL_IDS
    except ImportError:
        return ()
    return PANEL_IDS


def keep_status(app, hooks: MmapLabHooks) -> None:
    """The lab rebuilds its screen when the terminal changes size class: put the line back."""
    app.set_interval(0.25, hooks._ensure_status)


def run_app(app, attach: Callable[[], None],
            ready: Callable[[], bool] = lambda: True) -> object:
    """Run a Textual app and call attach() in its thread once `ready()` holds."""

    async def when_up(pilot) -> None:  # Textual's auto_pilot: called once the app is up
        for _ in range(500):
            if ready():
                break
            await asyncio.sleep(0.01)
        await pilot.pause()  # the panels compose their parts on the next frames
        await pilot.pause()
        attach()

    return app.run(auto_pilot=when_up)
