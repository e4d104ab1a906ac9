# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab lessons`, `lessons check` and `lessons show` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.cli import main
from lab.resources import lessons_dir

FIXTURES = Path(__file__).parent / "lesson_fixtures"


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def test_lessons_lists_the_course_and_where_progress_lives(capsys, tmp_path):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "mmaplab" / "progress.json") in out
    assert out.count("not started") == 14
    assert " 1  The tour" in out and "14  Should a database use mmap?" in out


def test_the_list_shows_progress(capsys):
    from lab.lessons import ProgressStore, open_lesson

    run = open_lesson(lessons_dir() / "02-populate.md", "en")
    while run.page.question is None:
        run.next()
    run.answer("7")
    ProgressStore().save_run(run)
    assert main(["lessons"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("   2"))
    assert "page" in line and "0/1 right" in line


def test_the_locale_chooses_chinese(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "学习进度" in out and "初识 mmap" in out
    assert main(["lessons", "--lang", "en"]) == 0
    assert "The tour" in capsys.readouterr().out


def test_an_instructors_directory_is_added_after_the_course(capsys):
    assert main(["lessons", "--lessons", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert f"(from {FIXTURES})" in out
    assert "A small good lesson" in out and "does not check" in out


def test_check_passes_on_the_shipped_lessons(capsys):
    assert main(["lessons", "check", str(lessons_dir())]) == 0
    assert "14 lesson file(s) checked: no errors" in capsys.readouterr().out


def test_check_fails_with_a_located_error(capsys):
    bad = FIXTURES / "bad_scenario.md"
    assert main(["lessons", "check", str(bad), str(FIXTURES / "good.md")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:10:22: error: scenario: unknown name 'PROT_REED'" in err
    assert "2 lesson file(s) checked: 1 error(s)" in err


def test_check_speaks_chinese_when_asked(capsys):
    assert main(["lessons", "--lang", "zh", "check", str(FIXTURES / "anchor_unknown.md")]) == 1
    assert "不是实验所收录的内核源码中的函数" in capsys.readouterr().err


def test_check_stamp_writes_the_translation_stamps(tmp_path, capsys):
    path = tmp_path / "03.md"
    text = (lessons_dir() / "03-file-modes.md").read_text(encoding="utf-8")
    path.write_text(text.replace("Errno, or none?", "An errno, or none?", 1), encoding="utf-8")
    assert main(["lessons", "check", str(path)]) == 1
    assert main(["lessons", "check", "--stamp", str(path)]) == 0
    assert "wrote 1 translation stamp(s)" in capsys.readouterr().out


def test_show_prints_a_lesson_with_its_computed_answers(capsys):
    assert main(["lessons", "show", "4", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# do_mmap 的层层把关") and "答对了：EBADF。" in out
    assert main(["lessons", "show", "99"]) == 2


def test_show_reports_a_broken_file(capsys):
    assert main(["lessons", "show", str(FIXTURES / "bad_toml.md")]) == 1
    assert "bad_toml.md:6:10: error: TOML" in capsys.readouterr().err


def test_the_authoring_guide_example_checks_once_stamped(tmp_path):
    from lab.lessons.loader import read_lesson
    from lab.lessons.translation import restamp
    from lab.lessons.validate import check_file

    guide = (Path(__file__).parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    example = guide.split("````markdown\n", 1)[1].split("````", 1)[0]
    path = tmp_path / "example.md"
    path.write_text(example, encoding="utf-8")
    lesson, _ = read_lesson(path)
    restamp(lesson)
    _, diags = check_file(path)
    assert [d.render() for d in diags.errors] == []


def test_a_lesson_the_model_cannot_run_is_listed_with_the_reason(capsys, monkeypatch):
    from lab.lessons import recording

    monkeypatch.setattr(recording, "kind_unmodelled",
                        lambda kind: "not modelled yet" if kind == "store" else None)
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln[:4] for ln in lines if "needs the page-fault model" in ln] == ["  13", "  14"]
    assert main(["lessons", "show", "13"]) == 1
    assert "not available yet: it needs the page-fault model" in capsys.readouterr().err


def test_a_missing_lessons_directory_is_reported_not_fatal(capsys, tmp_path):
    assert main(["lessons", "--lessons", str(tmp_path / "nope")]) == 0
    captured = capsys.readouterr()
    assert "nope" in captured.err and captured.out.count("not started") == 14
