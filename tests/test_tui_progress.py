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


async def test_an_edit_that_records_for_long_says_so_in_the_status_bar(monkeypatch):
    from lab.scenario import split_statements
    from lab.tui import progress
    from lab.tui.app import MmapLab
    from lab.tui.default_scenario import DEFAULT_SCENARIO
    from lab.tui.screens.lab import LabScreen

    monkeypatch.setattr(progress, "SHOW_AFTER", 0)  # as if every recording were long
    monkeypatch.setattr(progress, "REDRAW_EVERY", 0)
    shown: list[str] = []
    original = LabScreen._show_recording

    def spy(self, text: str) -> None:
        original(self, text)
        shown.append(str(self.query_one("#status").render()))

    monkeypatch.setattr(LabScreen, "_show_recording", spy)
    a = MmapLab(Session(parse_scenario(split_statements(DEFAULT_SCENARIO), "<test>",
                                       scenario_constants())),
                env={"LANG": "C.UTF-8", "TERM": "xterm-256color"}, lang="en")
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.press(*"r = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if len(a.lab.session.records) == 4:
                break
        assert len(a.lab.session.records) == 4
    assert any("recording statement 4 of 4" in s for s in shown), shown
