# SPDX-License-Identifier: GPL-2.0-only
"""Joining a stepping Session to the classroom, with no app in sight.

TeachLink publishes a Session's state every time its position moves (Session.subscribe), and
whenever the caller says something else changed. FollowLink is the student's controller: it
keeps the instructor's latest state, applies it while following, and keeps it aside while the
student explores on their own, so rejoining is one jump. Teacher and Student bundle each link
with its transport; app_glue.py wires them to an app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from lab.classroom.broadcast import Broadcaster
from lab.classroom.follow import Follower
from lab.classroom.i18n import t
from lab.classroom.protocol import FrameTooLarge
from lab.classroom.state import ClassState
from lab.scenario import Scenario
from lab.stepping.session import Session


def scenario_text(scenario: Scenario) -> str:
    """Text that parses back to the same statements on the same lines (comments dropped)."""
    lines: list[str] = []
    for st in scenario:
        while len(lines) < st.line - 1:
            lines.append("")
        lines.append(st.text)
    return "\n".join(lines) + "\n"


def session_state(session: Session, text: str | None = None, **extras) -> ClassState:
    """The state of `session` now; `extras` are ClassState's other fields (panel, ...)."""
    return ClassState(text if text is not None else scenario_text(session.scenario),
                      session.scenario.source_name, session.position,
                      breakpoints=tuple((b.where, b.condition) for b in session.breakpoints),
                      **extras)


class TeachLink:
    """Publish `session`'s state on every move; `extras()` adds what the app knows (the
    focused panel, the chosen address, the lesson page, whether it is at the end)."""

    def __init__(self, session: Session, publish: Callable[[ClassState], object], *,
                 text: str | None = None, extras: Callable[[], dict] | None = None):
        self.publish = publish
        self.extras = extras or dict
        self.error: str | None = None  # why the last state could not be sent
        self._texts: dict[int, str] = {}
        self.session: Session | None = None
        self.set_session(session, text)

    def set_session(self, session: Session, text: str | None = None) -> None:
        """A new recording (the scenario was edited): follow it from now on."""
        if text is not None:
            self._texts = {id(session.scenario): text}
        if session is not self.session:
            self.session = session
            session.subscribe(lambda pos, s=session: self._moved(s))
        self.changed()

    def _moved(self, session: Session) -> None:
        if session is self.session:  # an old recording's listener stays; it says nothing
            self.changed()

    def state(self) -> ClassState:
        assert self.session is not None
        text = self._texts.get(id(self.session.scenario))
        return session_state(self.session, text, **self.extras())

    def changed(self) -> None:
        """Publish now (a no-op if nothing changed since the last state sent)."""
        try:
            self.publish(self.state())
            self.error = None
        except FrameTooLarge as err:
            self.error = str(err)


class FollowLink:
    """The student's side of the controls: following or not, and the instructor's place.

    receive() may be called from any thread; apply(state) and set_status(text) are called
    through `call` (the app's thread-safe scheduler), with states coalesced: when the app is
    busy, it gets the newest state, not a queue of old ones.
    """

    def __init__(self, name: str, apply: Callable[[ClassState], None],
                 set_status: Callable[[str], None] | None = None, *,
                 call: Callable[[Callable[[], None]], object] = lambda fn: fn(),
                 step_label: Callable[[ClassState], str] | None = None):
        self.name = name
        self.apply = apply
        self.set_status = set_status or (lambda text: None)
        self.call = call
        self.lang: Callable[[], str] = lambda: "en"  # the app's language, read at each text
        self.step_label = step_label or (lambda state: position_label(state, self.lang()))
        self.following = True
        self.instructor: ClassState | None = None
        self.connection = "waiting"  # waiting, connected, ended, lost
        self.key = "d"  # the app's detach/rejoin key, for the status text
        self.on_connection: Callable[[str, str], None] = lambda kind, detail: None
        self._lock = threading.Lock()
        self._pending = False

    # -- from the transport (any thread) -------------------------------------------------------
    def receive(self, state: ClassState, sent: float = 0.0) -> None:
        with self._lock:
            self.instructor = state
            if self._pending:
                return
            self._pending = True
        self.call(self._deliver)

    def connection_changed(self, kind: str, detail: str = "") -> None:
        self.connection = kind

        def tell() -> None:
            self.on_connection(kind, detail)
            self.show_status()

        self.call(tell)

    def attach(self, apply: Callable[[ClassState], None], set_status: Callable[[str], None],
               call: Callable[[Callable[[], None]], object]) -> None:
        """Hand over to an app that now runs: states from here on go to `apply` via `call`
        (those that came before are kept in `instructor`, for the caller to apply)."""
        with self._lock:
            self.apply, self.set_status, self.call = apply, set_status, call
            self._pending = False

    # -- in the app's thread -------------------------------------------------------------------
    def _deliver(self) -> None:
        with self._lock:
            self._pending = False
            state = self.instructor
        if state is not None and self.following:
            self.apply(state)
        self.show_status()

    def show_status(self) -> None:
        self.set_status(self.status_text())

    def detach(self) -> None:
        """Explore alone: instructor's states are kept, not applied."""
        self.following = False
        self.show_status()

    def rejoin(self) -> None:
        """Back to the instructor's current step."""
        self.following = True
        if self.instructor is not None:
            self.apply(self.instructor)
        self.show_status()

    def toggle(self) -> None:
        self.rejoin() if not self.following else self.detach()

    def status_text(self) -> str:
        lang = self.lang()
        where = t("class_at", lang, step=self.step_label(self.instructor)) \
            if self.instructor else ""
        key = {"waiting": "class_waiting", "ended": "class_ended", "lost": "class_lost"}.get(
            self.connection, "class_following" if self.following else "class_detached")
        return t(key, lang, name=self.name, where=where, key=self.key)


def position_label(state: ClassState, lang: str = "en") -> str:
    return t("class_position", lang, statement=state.position.statement + 1,
             step=state.position.step + 1) + (t("class_at_end", lang) if state.at_end else "")


class Teacher:
    """Broadcaster + TeachLink: teach `session` as NAME until stop()."""

    def __init__(self, name: str, session: Session, *, directory: str | Path | None = None,
                 group: str | int | None = None, private: bool = False,
                 text: str | None = None, extras: Callable[[], dict] | None = None,
                 on_change: Callable[[Broadcaster], None] | None = None):
        self.broadcaster = Broadcaster(name, directory, group=group, private=private,
                                       on_change=on_change)
        self.broadcaster.start()
        self.link = TeachLink(session, self.broadcaster.publish, text=text, extras=extras)

    def status_text(self, lang: str = "en") -> str:
        b = self.broadcaster
        n = b.followers
        text = t("class_teaching_one" if n == 1 else "class_teaching", lang, name=b.name, n=n)
        return text + (t("class_not_sent", lang, error=self.link.error) if self.link.error
                       else "")

    def stop(self) -> None:
        self.broadcaster.stop()


class Student:
    """Follower + FollowLink: mirror NAME, with detach and rejoin."""

    def __init__(self, name: str, apply: Callable[[ClassState], None],
                 set_status: Callable[[str], None] | None = None, *,
                 directory: str | Path | None = None,
                 call: Callable[[Callable[[], None]], object] = lambda fn: fn(),
                 step_label: Callable[[ClassState], str] | None = None):
        self.link = FollowLink(name, apply, set_status, call=call, step_label=step_label)
        self.follower = Follower(name, directory, on_state=self.link.receive,
                                 on_status=self.link.connection_changed)

    def start(self) -> Student:
        self.follower.start()
        return self

    def stop(self) -> None:
        self.follower.stop()

    def detach(self) -> None:
        self.link.detach()

    def rejoin(self) -> None:
        self.link.rejoin()

    def toggle(self) -> None:
        self.link.toggle()

    @property
    def following(self) -> bool:
        return self.link.following

    def status_text(self) -> str:
        return self.link.status_text()
