# SPDX-License-Identifier: GPL-2.0-only
"""Lessons in the lab, driven with Textual's pilot: the pane follows the trace, a predict
question holds the step until it is answered, answers come from the simulator, progress is
saved and resumed, the language switches, and the picker opens another lesson."""

from __future__ import annotations

import json

import pytest

from lab.tui.app import open_lesson_lab
from lab.tui.lesson_mode import LessonProblem
from lab.tui.screens.lessons import LessonsScreen
from lab.tui.screens.predict import PredictScreen

ENV = {"TERM": "xterm-256color", "LANG": "C.UTF-8"}


def lab(key: str | None = "1", lang: str = "en"):
    return open_lesson_lab(key, lang, env=ENV)


def lesson_text(app) -> str:
    panel = app.lab.query_one("#lesson")
    lines = panel.lines._source
    return "\n".join(str(make() if callable(make) else make) for _, make in lines)


async def to_first_question(app, pilot):
    """Page forward until the predict prompt opens."""
    for _ in range(20):
        await pilot.press("right_square_bracket")
        await pilot.pause()
        if isinstance(app.screen, PredictScreen):
            return
    raise AssertionError("no predict prompt on the way")


async def test_mmaplab_opens_the_first_lesson_on_its_introduction():
    app = lab(None)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.lab.lesson.entry.number == 1
        text = lesson_text(app)
        assert "Goals:" in text and "] next page" in text
        assert app.lab.session.global_index == 0


async def test_a_question_holds_the_step_until_it_is_answered_and_the_answer_is_computed():
    app = lab()
    async with app.run_test(size=(160, 45)) as pilot:
        await to_first_question(app, pilot)
        run = app.lab.lesson.run
        q = run.page.question
        held_at = app.lab.session.global_index
        await pilot.press("escape")  # later: the prompt closes, the step stays
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
        assert app.lab.session.global_index == held_at  # the question holds the step
        assert isinstance(app.screen, PredictScreen)  # and asks again
        wrong = "0x1000"
        assert wrong != run.right_reply()
        await pilot.press(*wrong, "enter")
        await pilot.pause()
        assert q.answered and not q.correct
        verdict = str(app.screen.query_one("#predict-verdict").render())
        assert run.right_reply().lower() in verdict.lower()  # the simulator's answer
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.lab.session.global_index == held_at + 1  # now the step goes on
        assert "Not quite" in lesson_text(app) or "simulator says" in lesson_text(app)


async def test_the_right_reply_is_judged_right():
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_first_question(app, pilot)
        reply = app.lab.lesson.run.right_reply()
        await pilot.press(*reply, "enter")
        await pilot.pause()
        assert app.lab.lesson.run.page.question.correct


async def test_progress_is_saved_and_the_next_start_resumes_there(tmp_path):
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_first_question(app, pilot)
        await pilot.press("?", "enter")  # show the answer
        await pilot.pause()
        await pilot.press("enter")
        page = app.lab.lesson.run.index
        step = app.lab.session.global_index
        store = app.lab.lesson.store
    saved = json.loads(store.path.read_text())
    assert saved["lessons"]["01-tour"]["page"] == page
    again = lab(None)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.lab.lesson.run.index == page
        assert again.lab.session.global_index == step
        assert "The answer:" in lesson_text(again)  # the earlier answer is shown, not asked


async def test_the_language_toggle_switches_the_lesson_to_chinese_and_back():
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        english = lesson_text(app)
        await pilot.press("L")
        await pilot.pause()
        chinese = lesson_text(app)
        assert chinese != english and "学习目标" in chinese
        await pilot.press("L")
        await pilot.pause()
        assert lesson_text(app) == english


async def test_the_picker_lists_progress_and_opens_another_lesson():
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.pause()
        assert app.lab.lesson.entry.number == 2
        assert "MAP_POPULATE" in lesson_text(app)


async def test_at_80x24_the_lesson_is_a_page_of_the_deck_and_fits_the_width():
    app = lab()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.lab.query_one("#lesson")
        assert panel.display and panel.size.width <= 80
        assert all(len(str(make() if callable(make) else make)) <= 80
                   for _, make in panel.lines._source)


def test_an_unknown_lesson_is_a_clear_error():
    with pytest.raises(LessonProblem, match="no lesson '99'"):
        lab("99")


def test_mmaplab_lesson_with_a_bad_number_says_so_before_taking_the_terminal(capsys):
    from lab import cli

    assert cli.main(["lesson", "99"]) == 2
    assert "no lesson '99'" in capsys.readouterr().err
