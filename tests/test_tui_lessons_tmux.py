# SPDX-License-Identifier: GPL-2.0-only
"""A lesson taken in a real terminal: `mmaplab lesson 1` under tmux, paged, two predictions
judged (one wrong, one right), switched to Chinese, quit, and resumed by a bare `mmaplab`;
and the Chinese pane at 80x24. Each tmux server has its own socket and is always killed."""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata

import pytest
from tmuxhelp import TmuxPane, needs_tmux

from lab.tui.lesson_mode import LessonMode, open_run

pytestmark = needs_tmux


class Lab(TmuxPane):
    """One `mmaplab ...` in a private tmux server."""

    def __init__(self, tmp_path, args: str, width: int = 120, height: int = 40):
        env = {"MMAPLAB_CACHE_DIR": str(tmp_path / "cache"), "LANG": "C.UTF-8",
               "MMAPLAB_PROGRESS_FILE": os.environ["MMAPLAB_PROGRESS_FILE"]}
        super().__init__(f"{sys.executable} -m lab {args}", width, height, env,
                         prefix="L_lessons")

    def page_to(self, text: str, limit: int = 12) -> str:
        """Press ] until `text` is on the screen."""
        for _ in range(limit):
            if text in self.screen():
                break
            self.keys("]")
            time.sleep(0.4)
        return self.wait_for(text)


@pytest.fixture
def lab(tmp_path):
    started: list[Lab] = []

    def start(args: str, **kw) -> Lab:
        t = Lab(tmp_path, args, **kw)
        started.append(t)
        return t

    yield start
    for t in started:
        t.kill()


def cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_lesson_1_is_judged_switched_to_chinese_and_resumed_by_a_bare_mmaplab(lab):
    mode = LessonMode.load(lang="zh")
    run = open_run(mode.find("1"), "zh")
    first, second = [q.id for q in run.questions][:2]
    right = run.right_reply(second)  # what the simulator computed, not a typed-in answer

    t = lab("lesson 1 --lang en")
    t.wait_for("Goals:")
    t.page_to("Predict ·")
    t.type("0x1000")
    t.keys("Enter")
    screen = t.wait_for("Not quite: the simulator says 0x7ff")
    assert "decided at mm/mmap.c:" in screen
    t.keys("Enter", "L")
    t.wait_for("L English")  # the pane speaks Chinese now
    t.page_to("预测 ·")  # the second question, asked in Chinese
    t.type(right)
    t.keys("Enter")
    t.wait_for("答对了")
    t.keys("Enter", "s")
    time.sleep(0.5)
    status = t.screen().splitlines()[0]
    page = next(w for w in t.screen().split() if w.endswith("/14"))
    t.keys("q")
    assert t.gone()
    saved = mode.store.load().lesson(run.lesson.id)
    assert saved["answers"][first]["correct"] is False
    assert saved["answers"][second]["correct"] is True

    again = lab("")  # no lesson named: the one not finished, where it was left, in 中文
    screen = again.wait_for("L English")
    assert page in screen and "答对了" in screen
    step = re.compile(r"步骤 \S+")  # the status bar's step, in Chinese now
    assert step.search(screen.splitlines()[0])[0] == step.search(status)[0]  # the same step
    again.keys("q")
    assert again.gone()


def test_the_chinese_lesson_fits_80x24_with_wide_characters_whole(lab):
    t = lab("lesson 1 --lang zh", width=80, height=24)
    screen = t.wait_for("学习目标")
    assert "跟着一次 mmap(2)" in screen
    assert all(cells(line) <= 80 for line in screen.splitlines())
    t.page_to("预测 ·")
    t.keys("?", "Enter")
    screen = t.wait_for("答案是")
    assert all(cells(line) <= 80 for line in screen.splitlines())
    t.keys("Enter", "q")  # (not Escape then q: a terminal reads the two as Alt+q)
    assert t.gone()
