# SPDX-License-Identifier: GPL-2.0-only
"""The lab in a real terminal: `mmaplab` under tmux, driven with send-keys, read with
capture-pane. A private tmux server (its own socket) is started and always killed."""

from __future__ import annotations

import sys
import time

import pytest
from tmuxhelp import TmuxPane, needs_tmux

pytestmark = needs_tmux


class Tmux(TmuxPane):
    def __init__(self, tmp_path, width: int = 120, height: int = 40, args: str = "--demo"):
        env = {"MMAPLAB_CACHE_DIR": str(tmp_path / "cache"), "LANG": "C.UTF-8"}
        super().__init__(f"{sys.executable} -m lab {args}".strip(), width, height, env)


@pytest.fixture
def tmux(tmp_path):
    sessions: list[Tmux] = []

    def start(**kw) -> Tmux:
        t = Tmux(tmp_path, **kw)
        sessions.append(t)
        return t

    yield start
    for t in sessions:
        t.kill()


def test_mmaplab_steps_into_the_chain_and_back_in_a_real_terminal(tmux):
    t = tmux()
    screen = t.wait_for("SYSCALL_DEFINE6(mmap)")
    assert "if (off & ~PAGE_MASK)" in screen  # the C, with its real line number
    assert "90" in screen
    assert "def sys_mmap" in screen  # the Python twin beside it
    screen = t.wait_for("Quit")  # the footer's keys (Textual adds them a frame later)
    assert "s Step" in screen and "n Next" in screen
    t.keys("s", "s", "s")  # the check, the call, and into ksys_mmap_pgoff
    screen = t.wait_for("(5/")  # the fifth step of the scenario
    assert "ksys_mmap_pgoff mm/mmap.c:" in screen
    t.keys("S", "S", "S")
    t.wait_for("step 1/")  # back at the first step of the call
    t.keys("E")
    screen = t.wait_for("EACCES")
    assert "do_mmap" in screen
    t.keys("q")
    deadline = time.monotonic() + 15
    while t.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not t.alive()


def test_mmaplab_at_80x24_shows_the_code_and_a_panel_switcher(tmux):
    t = tmux(width=80, height=24)
    screen = t.wait_for("SYSCALL_DEFINE6(mmap)")
    assert "1 C" in screen and "2 Python" in screen and "5 VMAs" in screen
    t.keys("5")
    t.wait_for("start-end")
    t.keys("q")


def test_a_too_small_terminal_asks_to_be_enlarged(tmux):
    t = tmux(width=60, height=20)
    t.wait_for("enlarge the terminal to at least 80x24")
    t.keys("q")


def test_mmaplab_lesson_1_pages_to_a_prediction_and_judges_it_in_a_real_terminal(tmux):
    t = tmux(args="lesson 1 --lang en")
    t.wait_for("Goals:")
    for _ in range(6):  # page on until the predict prompt opens
        t.keys("]")
        time.sleep(0.3)
        if "Predict ·" in t.screen():
            break
    t.wait_for("Predict ·")
    t.keys(*"0x1000", "Enter")  # not where top-down placement puts it (one key at a time:
    # tmux reads a whole "0x1000" as the character U+1000)
    screen = t.wait_for("Not quite: the simulator says 0x7ff")
    assert "decided at mm/mmap.c:" in screen
    t.keys("Enter", "L")
    t.wait_for("L English")  # the lesson pane speaks Chinese now
    t.keys("q")
