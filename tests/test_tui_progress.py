# SPDX-License-Identifier: GPL-2.0-only
"""The recording progress line shown before the lab opens on a long scenario."""

from __future__ import annotations

import io

from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.session import Session
from lab.tui.progress import ProgressLine, Throttle


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_recording_shows_how_far_it_got_then_erases_the_line():
    out = FakeTerminal()
    line = ProgressLine(out)
    line.throttle = Throttle(after=0, every=0)
    text = "\n".join(f"p{i} = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"
                     for i in range(3))
    with line:
        Session(parse_scenario(text, "t.mmap", scenario_constants()), progress=line)
    shown = out.getvalue()
    assert "recording statement 1 of 3" in shown and "recording statement 3 of 3" in shown
    assert shown.endswith("\r\x1b[K")  # erased: the app draws on a clean line


def test_a_short_recording_or_a_log_shows_no_progress():
    quick = FakeTerminal()
    with ProgressLine(quick) as line:  # the default: silent for the first half second
        line(0, 10)
    assert quick.getvalue() == ""
    log = io.StringIO()  # not a terminal: no carriage returns in a log
    line = ProgressLine(log)
    line.throttle = Throttle(after=0, every=0)
    line(0, 10)
    assert log.getvalue() == ""
