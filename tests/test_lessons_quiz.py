# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab quiz`: seeded problems whose answers the simulator computes; the same seed asks
the same questions and expects the same answers."""

from __future__ import annotations

import io

import pytest

from lab.cli import main
from lab.lessons import commands
from lab.lessons.quiz import MAKERS, generate_quiz


def _fingerprint(seed: int, count: int = 8):
    quiz = generate_quiz(seed, count)
    return [(i.topic, i.scenario_text, i.prompt("en"), i.answer_text("en"),
             [d.c_location for d in i.decided()]) for i in quiz.items]


def test_the_same_seed_gives_the_same_quiz():
    assert _fingerprint(11) == _fingerprint(11)
    assert _fingerprint(11) != _fingerprint(12)


def test_every_problem_is_answered_by_the_simulator_and_checked():
    quiz = generate_quiz(3, 16)
    assert len(quiz.items) == 16
    assert {i.topic for i in quiz.items} == {m.__name__.lstrip("_") for m in MAKERS}
    for item in quiz.items:
        assert item.check(item.right_reply(), "en").correct, item.scenario_text
        assert item.prompt("zh") != item.prompt("en")
        assert item.decided() or item.spec.kind in ("present", "rss", "committed")


def test_a_wrong_reply_is_wrong():
    item = next(i for i in generate_quiz(5, 12).items if i.spec.kind == "errno")
    wrong = "ENOTTY" if item.computed.value != "ENOTTY" else "EINVAL"
    assert not item.check(wrong, "en").correct


def test_answers_flag_prints_each_answer_after_its_problem(capsys):
    assert main(["quiz", "--seed", "7", "--count", "3", "-c", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "seed 7" in out and out.count("Problem ") == 3 and out.count("Answer ") == 3
    assert out.index("Answer 1") < out.index("Problem 2")


def test_without_a_terminal_it_prints_the_questions_then_the_answers(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["quiz", "--seed", "7", "--count", "3", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "第 3/3 题" in out and out.index("第 3/3 题") < out.index("第 1 题答案")


def test_interactive_answers_are_checked_and_counted(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    quiz = generate_quiz(9, 3)
    replies = ["nonsense-that-is-not-an-answer\n"] if quiz.items[0].spec.kind == "vma" else []
    replies += [item.right_reply() + "\n" for item in quiz.items]
    out = io.StringIO()
    assert commands.quiz(9, 3, "en", False, True, io.StringIO("".join(replies)), out) == 0
    text = out.getvalue()
    assert "Score: 3 of 3." in text and text.count("Right:") == 3
    saved = (tmp_path / "mmaplab" / "progress.json").read_text()
    assert '"asked": 3' in saved and '"right": 3' in saved


def test_interactive_stops_cleanly_at_end_of_input(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    out = io.StringIO()
    assert commands.quiz(9, 3, "en", False, True, io.StringIO(""), out) == 0
    assert "Stopped. Score so far: 0 of 0." in out.getvalue()


@pytest.mark.parametrize("count", ["0", "-1"])
def test_a_count_below_one_is_a_usage_error(count, capsys):
    assert main(["quiz", "--count", count]) == 2
