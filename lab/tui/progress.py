# SPDX-License-Identifier: GPL-2.0-only
"""How far a long recording has got, for the learner who waits on it.

A scenario of thousands of statements takes seconds to record. `ProgressLine` is the
indicator before the app is up: it stays silent for the first half second (most recordings
end sooner), then keeps one line on the terminal ("reading line 40,960 of 65,533", then
"recording statement 1,234 of 65,532")
redrawn a few times a second, and erases it when done. `Throttle` spaces out the updates a
worker thread sends to the app while it records.
"""

from __future__ import annotations

import sys
import time
from typing import IO

#: Work shorter than this shows no indicator.
SHOW_AFTER = 0.5
#: Seconds between two redraws of the indicator.
REDRAW_EVERY = 0.1


def recording_text(done: int, total: int, elapsed: float, lang: str = "en",
                   what: str = "recording") -> str:
    """"recording statement 1,235 of 65,532 (2.1 s)"; what="reading" for the lines read."""
    from lab.tui.i18n import t

    return t(what, lang, n=f"{done + 1:,}", total=f"{total:,}", seconds=elapsed)


class Throttle:
    """True at most once per `every` seconds, and never in the first `after` seconds."""

    def __init__(self, after: float | None = None, every: float | None = None):
        self.started = time.monotonic()
        self.after = SHOW_AFTER if after is None else after
        self.every = REDRAW_EVERY if every is None else every
        self._last = float("-inf")

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def due(self) -> bool:
        now = time.monotonic()
        if now - self.started < self.after or now - self._last < self.every:
            return False
        self._last = now
        return True


class ProgressLine:
    """`Session(progress=line)` before the app starts: a progress line on a terminal's
    standard error (nothing when that is not a terminal: a log gets no carriage returns)."""

    def __init__(self, stream: IO[str] | None = None, lang: str = "en"):
        self.stream = sys.stderr if stream is None else stream
        self.lang = lang
        try:
            self.enabled = self.stream.isatty()
        except (ValueError, OSError):
            self.enabled = False
        self.throttle = Throttle()
        self.shown = False

    def __call__(self, done: int, total: int, what: str = "recording") -> None:
        if self.enabled and self.throttle.due():
            self._write("\r\x1b[K" + recording_text(done, total, self.throttle.elapsed,
                                                       self.lang, what))
            self.shown = True

    def reading(self, done: int, total: int) -> None:
        """parse_scenario(progress=line.reading): the lines read so far."""
        self(done, total, "reading")

    def close(self) -> None:
        """Erase the line, if one was drawn."""
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: nothing to show it on
            self.enabled = False
