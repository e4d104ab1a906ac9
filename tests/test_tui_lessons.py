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


def lab(key: str | None = "1", lang: str | None = "en"):
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


async def test_a_restart_resumes_at_the_step_and_in_the_language_left():
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")  # page 2, then one step within it
        await pilot.pause()
        page = app.lab.lesson.run.index
        await pilot.press("s")
        await pilot.pause()
        assert app.lab.lesson.run.index == page
        step = app.lab.session.global_index
        assert step != app.lab.lesson.run.visible_step()  # not where the page alone puts it
        await pilot.press("L")
        await pilot.pause()
    again = lab(None, lang=None)  # no --lang: the language the lesson was left in
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.lab.lesson.run.index == page
        assert again.lab.session.global_index == step
        assert again.lab.lesson.lang == "zh" and "下一页" in lesson_text(again)


async def test_the_question_in_the_pane_draws_inline_code_without_backticks():
    app = lab()
    async with app.run_test(size=(160, 45)) as pilot:
        await to_first_question(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        text = lesson_text(app)
        assert "do_mmap" in text and "`" not in text


def test_chinese_prose_wraps_between_characters_and_never_before_a_comma():
    from rich.cells import cell_len
    from rich.text import Text

    from lab.tui.panels.lesson import wrap

    prose = ("进入 do_mmap 之前，先预测一下：这次 mmap 会返回什么地址？默认环境自顶向下放置新映射，"
             "紧贴在下方还有空位的最低那个库映射之下。")
    lines = [line.plain for line in wrap(Text(prose), 30)]
    assert "".join(lines).replace(" ", "") == prose.replace(" ", "")
    assert all(cell_len(line) <= 30 for line in lines)
    assert all(cell_len(line) >= 26 for line in lines[:-1])  # full lines, not one per word
    assert not any(line[0] in "，。？：" for line in lines)


async def test_the_quiz_asks_a_seeded_problem_judges_it_and_opens_it_for_stepping():
    from lab.lessons.quiz import generate_quiz
    from lab.tui.screens.quiz import QuizScreen

    expected = generate_quiz(7, 5).items[0]
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        lesson_session = app.lab.session
        app.lab.action_quiz(seed=7)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        assert "seed 7" in str(quiz.query_one("Vertical").border_title)
        shown = " ".join(str(quiz.query_one("#quiz-problem").render()).split())
        assert " ".join(expected.scenario_text.splitlines()[0].split()) in shown
        await pilot.press(*expected.right_reply(), "enter")
        await pilot.pause()
        assert str(quiz.query_one("#quiz-verdict").render()).startswith("Right")
        assert json.loads(app.lab.lesson.store.path.read_text())["quiz"] == \
            {"asked": 1, "right": 1}
        await pilot.press("t")  # step through the problem in the lab
        await pilot.pause()
        assert app.screen is app.lab
        assert app.lab.session.scenario.source_name == expected.session.scenario.source_name
        await pilot.press("right_square_bracket")  # a lesson page brings its trace back
        await pilot.pause()
        assert app.lab.session is lesson_session


async def test_a_wrong_quiz_answer_is_told_the_simulators_answer():
    from lab.lessons.quiz import generate_quiz

    expected = generate_quiz(7, 5).items[0]
    app = lab()
    async with app.run_test(size=(120, 40)) as pilot:
        app.lab.action_quiz(seed=7)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert expected.topic == "address"  # seed 7 begins with a /proc/PID/maps row
        await pilot.press(*"EPERM", "enter")
        await pilot.pause()
        assert str(app.screen.query_one("#quiz-verdict").render()).startswith("Not understood")
        await pilot.press(*("backspace",) * 5, *"1000-2000 r--p", "enter")
        await pilot.pause()
        verdict = str(app.screen.query_one("#quiz-verdict").render())
        assert verdict.startswith("Not quite") and expected.answer_text("en") in verdict
        await pilot.press("enter")  # the next problem of the same seed
        await pilot.pause()
        assert "2/5" in str(app.screen.query_one("Vertical").border_title)


async def test_a_follower_sees_the_instructors_page_and_no_question_stops_it():
    from lab.classroom.app_glue import MmapLabHooks
    from lab.classroom.state import ClassState

    app = open_lesson_lab("1", "en", env=ENV)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        run = app.lab.lesson.run
        question = next(p for p in run.pages if p.question is not None)
        last = app.lab.session.total_steps - 1
        old = {"scenario": run.lesson.scenario_text,
               "source_name": app.lab.session.scenario.source_name,
               "statement": 0, "step": 0}  # an instructor of before lessons were published
        assert ClassState.from_json(old).lesson is None
        state = ClassState.from_json({**old, "lesson": run.lesson.id,
                                      "page": question.index + 1})
        state = ClassState(state.scenario, state.source_name,
                           app.lab.session.position_of(last), lesson=state.lesson,
                           page=state.page)
        MmapLabHooks(app).show(state, None)
        await pilot.pause()
        await pilot.pause()
        assert app.lab.lesson.run.index == question.index + 1
        assert app.lab.session.global_index == last  # past the unanswered question
        assert app.screen is app.lab  # and no prompt


async def test_the_picker_keeps_each_lesson_on_one_line_at_80x24_in_chinese():
    from rich.cells import cell_len
    from textual.widgets import OptionList

    app = lab(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        width = listing.scrollable_content_region.width
        prompts = [str(listing.get_option_at_index(i).prompt)
                   for i in range(listing.option_count)]
        assert len(prompts) == len(app.lab.lesson.course)
        assert all(cell_len(p) <= width for p in prompts)
        assert all(p.endswith(("未开始", "页")) for p in prompts)  # the status always shows


def _footer(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [k.key for k in app.lab.query(FooterKey)]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_80_column_footer_of_a_lesson_keeps_quit_and_the_page_keys(lang):
    """b Break leaves the footer there (the key still works) so that q Quit fits; back at a
    wider size, after the layout is rebuilt, the footer has every key again."""
    from textual.widgets import Footer

    app = lab(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = _footer(app)
        assert "q" in keys and "right_square_bracket" in keys and "b" not in keys
        footer = app.lab.query_one(Footer)
        assert sum(k.region.width for k in footer.children) <= 80
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        await pilot.pause(0.2)
        keys = _footer(app)
        assert "q" in keys and "b" in keys
