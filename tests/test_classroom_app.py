# SPDX-License-Identifier: GPL-2.0-only
"""The classroom inside the lab (lab/classroom/app_glue.py): a student's class line, notices
and detach key speak the lab's language, and follow L when it switches."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from lab.classroom import app_glue
from lab.classroom.link import Student, scenario_text
from lab.classroom.state import ClassState
from lab.runner import scenario_constants
from lab.scenario import parse_scenario
from lab.stepping.session import Position, Session
from lab.tui.app import MmapLab

TEXT = "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\nx = p[0]\n"


def class_line(a: MmapLab) -> str:
    return str(a.lab.query_one(f"#{app_glue.MmapLabHooks.STATUS_ID}").render())


def toasts(a: MmapLab) -> str:
    """The notifications on screen, title and message, as the learner reads them."""
    from textual.widgets._toast import Toast

    return " | ".join(str(toast.render()) for toast in a.screen.query(Toast))


def footer_words(a: MmapLab) -> list[str]:
    return [k.description for k in a.lab.query(FooterKey)]


async def test_a_chinese_student_reads_the_class_in_chinese_and_L_switches_it(tmp_path):
    session = Session(parse_scenario(TEXT, "t.scn", scenario_constants()))
    a = MmapLab(session, env={"LANG": "C.UTF-8", "TERM": "xterm-256color"}, lang="zh")
    student = Student("c1", lambda state: None, directory=tmp_path)  # not started: no socket
    hooks = app_glue.MmapLabHooks(a)
    async with a.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app_glue.attach_student(a, student, hooks)
        app_glue.keep_status(a, hooks)
        student.link.connection_changed("connected")
        student.link.receive(ClassState(scenario_text(session.scenario), "t.scn",
                                        Position(0, 2)))
        await pilot.pause(0.3)
        assert class_line(a).startswith("课堂 c1：讲师在 第 3/")
        assert "跟随中（按 d 脱离）" in class_line(a)
        assert "脱离/回到" in footer_words(a)
        await pilot.press("s")  # a move of one's own detaches
        await pilot.pause(0.3)
        assert "课堂" in toasts(a) and "已脱离 c1：可自由探索；按 d 回到讲师" in toasts(a)
        assert "已脱离：自由探索；按 d 回到讲师" in class_line(a)
        await pilot.press("L")
        await pilot.pause(0.3)
        assert class_line(a).startswith("class c1: instructor at step 3/")
        assert "detached: explore; d rejoins" in class_line(a)
        assert "Detach/Rejoin" in footer_words(a) and "脱离/回到" not in footer_words(a)
        await pilot.press("d")  # rejoins, in the words of now
        await pilot.pause(0.3)
        assert "following (d detaches)" in class_line(a)
        assert a.lab.session.position == Position(0, 2)
        student.link.connection_changed("ended")
        await pilot.pause(0.3)
        assert "Class" in toasts(a)
        assert "the instructor has left c1: you keep this state" in toasts(a)
