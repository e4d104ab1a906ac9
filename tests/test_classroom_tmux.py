# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab teach` and three `mmaplab follow` labs in real terminals (tmux), read off screen."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
from tmuxhelp import TmuxServer, needs_tmux

ROOT = Path(__file__).resolve().parent.parent
pytestmark = needs_tmux


class Tmux(TmuxServer):
    """One tmux server per test, a session per lab: the instructor's and the followers'."""

    def __init__(self, tmp: Path):
        super().__init__("mmaplab-class")
        self.tmp = tmp

    def start(self, name: str, argv: list[str], size=(100, 30)) -> None:  # noqa: ANN001
        cmd = " ".join(_quote(a) for a in argv)
        super().start(name, f"cd {ROOT} && {cmd}; sleep 60", *size)


def _quote(a: str) -> str:
    return "'" + a.replace("'", "'\\''") + "'"


# The status bar reads "step 3/543 (4/706)" (in this call, then in the scenario) or, at the
# end, "step 706/706"; classroom positions are scenario-wide, so match that number.
def at(n: int | str) -> str:
    """A pattern for the scenario-wide step n in the status bar."""
    return rf"step (?:\d+/\d+ \()?{n}/\d+(?! \()"


def step_of(tmux: Tmux, name: str) -> int:
    return int(tmux.wait(name, at(r"(\d+)")).group(1))


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(tmp_path)
    yield t
    t.kill()


def lab(*args: str) -> list[str]:
    return [sys.executable, "-m", "lab", *args]


def test_instructor_steps_and_three_followers_mirror_detach_rejoin_reconnect(tmux, tmp_path):
    d = str(tmp_path / "cls")
    tmux.start("T", lab("teach", "--session", "c1", "--dir", d), size=(120, 40))
    tmux.wait("T", r"teaching c1: 0 students")
    for i in (1, 2, 3):
        tmux.start(f"F{i}", lab("follow", "c1", "--dir", d))
    tmux.wait("T", r"teaching c1: 3 students following")
    start = step_of(tmux, "T")
    tmux.keys("T", "s", "s", "s")
    want = start + 3
    tmux.wait("T", at(want))
    for i in (1, 2, 3):
        tmux.wait(f"F{i}", r"statement \d/\d  " + at(want))
        tmux.wait(f"F{i}", rf"class c1: instructor at step {want}/\d+ · following")

    # F1 detaches with d; F2 steps on its own (which detaches too); F3 keeps following
    tmux.keys("F1", "d")
    tmux.wait("F1", r"detached")
    tmux.keys("F2", "s")
    tmux.wait("F2", r"detached")
    tmux.keys("T", "n", "n")
    time.sleep(0.3)
    now = step_of(tmux, "T")
    assert now > want
    tmux.wait("F3", "  " + at(now))
    tmux.wait("F1", rf"instructor at step {now}/.*detached")
    assert re.search(at(want), tmux.screen("F1").splitlines()[0])  # stayed where it was
    assert re.search(at(want + 1), tmux.screen("F2").splitlines()[0])
    tmux.keys("F1", "d")  # rejoin: jump to the instructor's current step
    tmux.wait("F1", "  " + at(now) + r".*\n.*following")

    # a follower killed and started again is back in sync
    tmux.run("kill-session", "-t", "F3")
    tmux.wait("T", r"teaching c1: 2 students following")
    tmux.keys("T", "s")
    now += 1
    tmux.wait("T", at(now))
    tmux.start("F3", lab("follow", "c1", "--dir", d))
    tmux.wait("F3", "  " + at(now) + r".*\n.*following")

    # the instructor leaves: followers are told and keep their place
    tmux.keys("T", "q")
    for i in (1, 3):
        tmux.wait(f"F{i}", r"the instructor has left")
        assert re.search(at(now), tmux.screen(f"F{i}").splitlines()[0])


def test_followers_of_a_taught_lesson_see_the_instructors_page(tmux, tmp_path):
    d = str(tmp_path / "cls")
    tmux.start("T", lab("teach", "--lesson", "1", "--lang", "en", "--session", "l1",
                        "--dir", d), size=(120, 40))
    tmux.wait("T", r"teaching l1: 0 students", timeout=60)  # a busy machine records slowly
    tmux.start("F", lab("follow", "l1", "--dir", d), size=(120, 40))
    tmux.wait("T", r"teaching l1: 1 student following", timeout=60)
    tmux.keys("T", "]", "]", "]")
    tmux.wait("T", r"vm_mmap_pgoff is the common path")
    tmux.wait("F", r"vm_mmap_pgoff is the common path")  # the same page of the lesson
