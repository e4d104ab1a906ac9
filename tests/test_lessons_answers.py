# SPDX-License-Identifier: GPL-2.0-only
"""Predict answers come from the simulator, are read generously, and are checked exactly;
a run will not let the learner past an unanswered question."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.lessons import open_lesson
from lab.lessons.answers import ExpressionError, compile_expression
from lab.lessons.replies import read_reply

FIXTURES = Path(__file__).parent / "lesson_fixtures"

LESSON = """+++
license = "GPL-2.0-only"
languages = ["en"]
title.en = "t"
goals.en = ["g"]
+++

```scenario
fd = open("f.bin", {mode}, size=8192)
p = mmap({hint}, {length}, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
```

::: question
id = "errno"
kind = "errno"
statement = "p"
@en
errno?
:::

::: question
id = "value"
kind = "value"
answer = "errno(2)"
@en
errno again?
:::

::: checkpoint
statement = 2
@en
{{{{ errno(2) }}}}
:::
"""


def _lesson(tmp_path: Path, mode: str = "O_RDWR", hint: str = "NULL",
            length: str = "8192") -> Path:
    path = tmp_path / f"l-{mode}-{hint}-{length}.md"
    path.write_text(LESSON.format(mode=mode, hint=hint, length=length), encoding="utf-8")
    return path


def _answers(path: Path) -> dict[str, object]:
    run = open_lesson(path, "en")
    return {q.id: q.computed.value for q in run.questions}


def test_the_answer_changes_when_the_scenario_changes(tmp_path):
    assert _answers(_lesson(tmp_path, "O_RDWR")) == {"errno": "none", "value": "none"}
    assert _answers(_lesson(tmp_path, "O_RDONLY")) == {"errno": "EACCES", "value": "EACCES"}


def test_a_filled_in_text_follows_the_simulator_too(tmp_path):
    run = open_lesson(_lesson(tmp_path, "O_RDONLY"), "en")
    assert run.pages[-2].kind == "checkpoint" and run.pages[-2].text == "EACCES"


def test_ret_and_vma_answers_follow_the_hint_and_length(tmp_path):
    text = (FIXTURES / "good.md").read_text(encoding="utf-8")
    first = open_lesson(FIXTURES / "good.md", "en").question("where").computed.value
    moved = tmp_path / "moved.md"
    moved.write_text(text.replace("a = mmap(NULL, 2 * 4096", "a = mmap(0x10000000, 2 * 4096"),
                     encoding="utf-8")
    assert first == 0x7FFFF7DE1000
    assert open_lesson(moved, "en").question("where").computed.value == 0x10000000


def test_a_wrong_reply_is_shown_the_answer_and_the_line_that_decided_it(tmp_path):
    run = open_lesson(_lesson(tmp_path, "O_RDONLY"), "en")
    run.next()
    verdict = run.answer("EPERM")
    assert verdict.readable and not verdict.correct
    assert "EACCES" in verdict.message and "EPERM" in verdict.message
    assert [d.c_location for d in verdict.decided] == ["mm/mmap.c:1371", "mm/mmap.c:1372"]
    assert run.question("errno").answered and not run.question("errno").correct


def test_replies_are_read_generously():
    def read(kind, text, expected=None, options=None, labels=None, variables=None):
        return read_reply(kind, text, options, labels, expected, "en", variables).value

    assert read("errno", "eacces") == read("errno", "-13") == read("errno", "13") == "EACCES"
    assert read("errno", "none") == read("errno", "成功") == read("errno", "0") == "none"
    assert read("ret", "0x7ffff7de0000", 0) == read("ret", "p - 0x3000", 0,
                                                    variables={"p": 0x7FFFF7DE3000})
    assert read("ret", "-EINVAL", 0) == -22
    assert read("vma", "0x10000-0x11000 r--p") == (0x10000, 0x11000, "r--p", None)
    assert read("vma", "10000-11000 rw-s data.bin") == (0x10000, 0x11000, "rw-s", "data.bin")
    options, labels = ["prev", "next"], ["below", "above"]
    assert read("merge_with", "b", options=options, labels=labels) == "next"
    assert read("merge_with", "Below", options=options, labels=labels) == "prev"
    assert read("merge", "是", options=[True, False]) is True
    assert read("present", "4 pages", 0) == 4
    assert read("rss", "16 kB", 0) == 16


def test_an_unreadable_reply_is_asked_again_and_not_counted(tmp_path):
    run = open_lesson(_lesson(tmp_path), "en")
    run.next()
    verdict = run.answer("what?")
    assert not verdict.readable and "errno name" in verdict.message
    assert not run.question("errno").answered
    assert run.answer("none").correct


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')", "(lambda: 1)()", "[x for x in (1,)]", "open('x')",
    "errno(1).upper()", "p[0]", "errno(1, 2)", "ret(1) if",
])
def test_answer_expressions_are_whitelisted_never_run(text):
    with pytest.raises(ExpressionError):
        compile_expression(text)


def test_the_run_will_not_pass_an_unanswered_question():
    run = open_lesson(FIXTURES / "good.md", "en")
    assert run.page.kind == "intro"
    question = run.next()
    assert question.question is not None and run.blocked
    assert run.next() is question and run.go(len(run.pages) - 1) is question
    assert run.gate(question.step + 5) is question
    assert run.gate(question.step) is None  # the learner may sit on the question's step
    assert run.answer(run.right_reply()).correct
    assert not run.blocked and run.next().index == question.index + 1


def test_revealing_counts_as_not_right_and_progress_round_trips():
    run = open_lesson(FIXTURES / "good.md", "en")
    run.next()
    shown = run.reveal()
    assert "0x7ffff7de1000" in shown.message
    run.next()
    run.next()
    saved = run.progress()
    assert saved["answers"]["where"]["correct"] is False
    again = open_lesson(FIXTURES / "good.md", "en")
    again.restore(saved)
    assert again.index == run.index and again.question("where").answered


def test_switching_language_keeps_answers_and_position():
    from lab.resources import lessons_dir

    run = open_lesson(lessons_dir() / "01-tour.md", "en")
    while run.page.question is None:
        run.next()
    run.answer(run.right_reply())
    before = run.index
    run.set_language("zh")
    assert run.index == before and run.page.question.correct
    assert "地址" in run.page.text and run.page.question.verdict.message.startswith("答对了")


@pytest.mark.parametrize("text", ["1 << 100000000", "'x' * 100000000 + 'y'",
                                  "2 * 3 * 1 << 200"])
def test_answer_expressions_cannot_eat_memory(text):
    from lab.lessons.answers import evaluate_expression
    from lab.lessons.facts import Facts

    run = open_lesson(FIXTURES / "good.md", "en")
    with pytest.raises(ExpressionError):
        evaluate_expression(compile_expression(text), Facts(run.recording))
