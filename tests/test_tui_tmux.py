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


def test_a_scenario_at_vm_max_map_count_opens_with_progress_and_steps(tmux, tmp_path):
    """The limits case in small: mmaps up to a lowered vm.max_map_count, so the trace budget
    runs the middle whole. The progress line shows while it records; E finds the ENOMEM."""
    anon = "MAP_PRIVATE | MAP_ANONYMOUS"
    lines = ['sysctl("vm.max_map_count", 2500)'] + [
        f"p{i} = mmap(NULL, 4096, {'PROT_READ' if i % 2 else 'PROT_NONE'}, {anon}, -1, 0)"
        for i in range(2500)]
    (tmp_path / "many.scn").write_text("\n".join(lines) + "\n")
    t = tmux(args=str(tmp_path / "many.scn"))
    t.wait_for("recording statement", timeout=60)
    screen = t.wait_for("/2501", timeout=120)
    assert "statement 2/2501" in screen and "SYSCALL_DEFINE6(mmap)" in screen  # sysctl: no step
    t.keys("E")
    screen = t.wait_for("ENOMEM")
    assert "do_mmap" in screen and "map_count" in screen, screen
    t.keys("g")
    t.wait_for("Go to")
    t.type("stmt 1200")
    t.keys("Enter")
    screen = t.wait_for("Run whole")
    assert "statement 1200/2501" in screen, screen
    t.keys("s")
    t.wait_for("statement 1201/2501")
    t.keys("q")
    assert t.gone()
