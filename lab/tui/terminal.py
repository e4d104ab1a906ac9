# SPDX-License-Identifier: GPL-2.0-only
"""The terminal the lab runs in: whether it can hold the app, and what happens when it goes.

`problem()` says why a terminal cannot hold a full-screen app (TERM=dumb or unset, or input
or output that is not a terminal), and `needs_terminal()` the paragraph the learner reads
instead of a traceback. `LabDriver` is Textual's Linux driver made to survive the terminal
going away (an SSH drop, a closed tmux pane): reads that fail with EIO, a hangup seen by
polling the terminal (a pty that is not the controlling terminal gets no SIGHUP), and a
SIGHUP (or a SIGTERM) end the app through its `terminal_lost`, which saves progress and
exits; output for a terminal that is gone is dropped, so nothing blocks on it, and a
watchdog ends the process if the clean exit does not come. The glyph set follows the locale
(`lab.tui.glyphs.choose`), and what the app writes goes through `lab.tui.glyphs.drawable`,
so that no character reaches a terminal that cannot draw it. `plain_command_palette` and
`scrollbars_for` keep Textual's own palette and scrollbars to what such a terminal has.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from typing import IO

from textual.drivers.linux_driver import LinuxDriver
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender

from lab.tui import glyphs as glyph_sets

#: TERM values that name no cursor addressing: Emacs' shell, some CI runners, `env -i`.
DUMB_TERMS = frozenset({"", "dumb", "unknown"})
#: Seconds a lost terminal's clean exit may take before the process is ended anyway.
EXIT_GRACE = 3.0
#: How often (ms) the hangup watch wakes to see whether the app has ended by itself.
HANGUP_POLL_MS = 500


def problem(env: Mapping[str, str] | None = None,
            streams: tuple[IO, ...] | None = None) -> str | None:
    """Why this terminal cannot hold the lab, or None when it can."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    if term.strip().lower() in DUMB_TERMS:
        return f"TERM={term} cannot draw a full-screen app" if term else "TERM is not set"
    streams = (sys.stdin, sys.stdout, sys.stderr) if streams is None else streams
    for name, stream in zip(("input", "output", "error output"), streams):
        try:
            tty = stream is not None and stream.isatty()
        except (ValueError, OSError):  # closed
            tty = False
        if not tty:
            return f"its standard {name} is not a terminal"
    return None


def needs_terminal(reason: str) -> str:
    """One paragraph: what the lab needs, and the text commands that need no terminal."""
    return (f"mmaplab: the lab needs a full-screen terminal, and this one will not do "
            f"({reason}). Run it in a terminal emulator, in tmux or screen, or over "
            f"`ssh -t` with TERM set (xterm-256color, linux, ...). Without one, "
            f"`mmaplab run FILE` or `mmaplab run -e 'STATEMENTS'` prints what a scenario "
            f"does (add --steps for every C line and its Python twin), and "
            f"`mmaplab follow NAME --print` follows a class as text.")


def describe(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The terminal settings a crash report records (what the lab drew for)."""
    env = os.environ if env is None else env
    keys = ("TERM", "COLORTERM", "NO_COLOR", "LANG", "LC_ALL", "LC_CTYPE")
    found = {k: env[k] for k in keys if k in env}
    found["glyphs"] = glyph_sets.choose(env).name
    return found


@functools.cache
def _plain_palette_class() -> type:
    from textual.command import CommandPalette, SearchIcon  # loaded when first opened

    class PlainCommandPalette(CommandPalette):
        """Textual's command palette without its emoji and Unicode ellipsis (its lines come
        from the app's .-ascii and .-console CSS)."""

        def __init__(self, **kw: object) -> None:
            placeholder = str(kw.pop("placeholder", "Search for commands"))
            super().__init__(placeholder=placeholder.replace("…", "..."), **kw)  # type: ignore

        def on_mount(self) -> None:
            for icon in self.query(SearchIcon):
                icon.icon = ">"

    return PlainCommandPalette


def plain_command_palette(**kw: object) -> Screen:
    """The command palette for a terminal that cannot draw Textual's own."""
    return _plain_palette_class()(**kw)


class PlainScrollBarRender(ScrollBarRender):
    """Scrollbars in whole cells of colour: no eighth blocks, which need Unicode."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


@contextlib.contextmanager
def scrollbars_for(glyphs: glyph_sets.Glyphs) -> Iterator[None]:
    """Scrollbars this terminal can draw, while the app runs (Textual's documented hook is
    the class-wide ScrollBar.renderer; it is put back after)."""
    before = ScrollBar.renderer
    if glyphs is not glyph_sets.UNICODE:
        ScrollBar.renderer = PlainScrollBarRender
    try:
        yield
    finally:
        ScrollBar.renderer = before


def _is_lost_error(err: OSError) -> bool:
    import errno

    return err.errno in (errno.EIO, errno.EBADF, errno.ENXIO, errno.ENODEV, errno.EPIPE)


class LabDriver(LinuxDriver):
    """Textual's Linux driver, which ends the app cleanly when the terminal is lost.

    The app's `terminal_lost(signum)` is called once, on its event loop, with the signal
    (SIGHUP, SIGTERM) or 0 for a read or write that failed; it saves and exits.
    """

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.lost = False
        self._ending = threading.Event()
        self._old_handlers: dict[int, object] = {}

    def start_application_mode(self) -> None:
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                self._old_handlers[sig] = signal.signal(sig, self._on_signal)
        super().start_application_mode()
        threading.Thread(target=self._watch_hangup, daemon=True,
                         name="mmaplab-hangup-watch").start()

    def stop_application_mode(self) -> None:
        super().stop_application_mode()
        for sig, handler in self._old_handlers.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(sig, handler)  # type: ignore[arg-type]
        self._old_handlers.clear()

    # -- output: dropped once the terminal is gone, so that no write waits for it ----------
    def write(self, data: str) -> None:
        writer = self._writer_thread
        if self.lost or writer is None:
            return
        if not writer.is_alive():  # it died writing (EIO): the terminal is gone
            self._lose(0)
            return
        glyphs = getattr(self._app, "glyphs", None)
        if glyphs is not None and not data.isascii():  # lesson prose, Textual's own widgets
            data = glyph_sets.drawable(data, glyphs)
        super().write(data)

    def close(self) -> None:
        if not self.lost:  # a lost terminal's writer may wait forever on a full queue
            super().close()

    # -- input: a read that fails means the terminal is gone --------------------------------
    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        except OSError as err:
            if not _is_lost_error(err):
                raise
            self._lose(0)

    def _watch_hangup(self) -> None:
        """A terminal whose other side closed without a SIGHUP (a pty that is not the
        controlling terminal) reads as end-of-file forever, which Textual's input loop takes
        for piped input and retries at once: poll for the hangup itself instead."""
        watch = select.poll()
        watch.register(self.fileno, 0)  # only POLLHUP, POLLERR and POLLNVAL, always reported
        while not self.exit_event.is_set() and not self._ending.is_set():
            try:
                events = watch.poll(HANGUP_POLL_MS)
            except OSError:
                return
            if any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL)
                   for _, mask in events):
                self._lose(0)
                return

    # -- ending ----------------------------------------------------------------------------
    def _on_signal(self, signum: int, frame) -> None:  # noqa: ANN001
        self._lose(signum)

    def _lose(self, signum: int) -> None:
        """Start the clean exit, once (from any thread, or a signal handler)."""
        if signum != signal.SIGTERM:
            self.lost = True  # hung up or failing: nothing more can be drawn on it
        if self._ending.is_set():
            return
        self._ending.set()
        threading.Thread(target=self._watchdog, args=(signum,), daemon=True,
                         name="mmaplab-exit-watchdog").start()
        callback = getattr(self._app, "terminal_lost", None)
        if callback is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the app is done
                self._loop.call_soon_threadsafe(callback, signum)

    def _watchdog(self, signum: int) -> None:
        """Still here after EXIT_GRACE (a thread or a write that hangs): save what can be
        saved and end the process, so that no lab outlives its terminal."""
        time.sleep(EXIT_GRACE)
        from lab.tui import crash

        crash.run_exit_hooks(self._app)  # a no-op if the app already ran them
        os._exit(exit_status(signum))


def exit_status(signum: int) -> int:
    """The shell's status for a lab ended by `signum` (0: its terminal failed, as a hangup)."""
    return 128 + (signum or signal.SIGHUP)
