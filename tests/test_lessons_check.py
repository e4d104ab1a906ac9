# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab lessons check`: broken lessons fail with errors located in their files, and the
two languages cannot drift apart unnoticed."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from lab.lessons import i18n
from lab.lessons.i18n import MESSAGES, default_language, t
from lab.lessons.loader import read_lesson
from lab.lessons.translation import restamp
from lab.lessons.validate import check_file
from lab.resources import lessons_dir

FIXTURES = Path(__file__).parent / "lesson_fixtures"

BROKEN = {
    "bad_toml.md": [(6, 10, "toml")],
    "unknown_key.md": [(12, 5, "question_needs_statement"), (14, 1, "key_unknown")],
    "bad_scenario.md": [(10, 22, "scenario_syntax")],
    "anchor_unknown.md": [(14, 6, "anchor_function_unknown")],
    "anchor_unreached.md": [(14, 6, "anchor_unreached"), (20, 6, "anchor_unreached")],
    "missing_translation.md": [(14, 5, "lang_missing_body")],
    "stale_stamp.md": [(7, 11, "stamp_stale"), (18, 5, "stamp_stale")],
    "answer_not_option.md": [(15, 11, "answer_not_option")],
    "bad_answer.md": [(14, 11, "expr_function"), (21, 11, "expr_node")],
    "question_late.md": [(15, 13, "question_late"), (23, 13, "statement_range"),
                         (29, 6, "anchor_line_not_kept")],
    "stray_text.md": [(12, 1, "text_outside"), (14, 5, "block_unknown"),
                      (19, 1, "block_unclosed")],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_lesson_fails_with_located_errors(name):
    _, diags = check_file(FIXTURES / name)
    found = sorted((d.line, d.column, d.key) for d in diags.errors)
    assert found == sorted(BROKEN[name])
    for d in diags.errors:
        assert d.render().startswith(f"{FIXTURES / name}:{d.line}:{d.column}: error: ")
        assert d.render("zh").startswith(f"{FIXTURES / name}:{d.line}:{d.column}: 错误: ")


def test_every_fixture_is_covered_and_the_good_one_checks_clean():
    names = {p.name for p in FIXTURES.glob("*.md")}
    assert names == set(BROKEN) | {"good.md"}
    _, diags = check_file(FIXTURES / "good.md")
    assert diags.items == []


def test_errors_say_what_the_scenario_does_reach():
    _, diags = check_file(FIXTURES / "anchor_unreached.md")
    by_line = {d.line: d.message() for d in diags.errors}
    assert "do_mmap" in by_line[14] and "shmem_zero_setup" in by_line[14]
    assert "mm/mmap.c:13" in by_line[20]
    _, diags = check_file(FIXTURES / "anchor_unknown.md")
    assert "did you mean do_mmap?" in diags.errors[0].message()


def _copy_lesson(tmp_path: Path, name: str = "03-file-modes.md") -> Path:
    dest = tmp_path / name
    shutil.copy(lessons_dir() / name, dest)
    return dest


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _stamp_errors(path: Path) -> list[tuple[int, str]]:
    _, diags = check_file(path)
    return [(d.line, d.key) for d in diags.errors]


def test_editing_the_english_alone_is_caught_at_the_chinese_block(tmp_path):
    path = _copy_lesson(tmp_path)
    _replace(path, "Errno, or none?", "What comes back?")
    errors = _stamp_errors(path)
    assert errors and all(key == "stamp_stale" for _, key in errors)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert all(lines[n - 1].startswith("@zh ") for n, _ in errors)


def test_editing_the_chinese_alone_is_caught_too(tmp_path):
    path = _copy_lesson(tmp_path)
    _replace(path, "会返回哪个错误码，还是 none？", "返回什么？")
    assert {key for _, key in _stamp_errors(path)} == {"stamp_stale"}


def test_restamping_after_both_languages_agree_checks_clean(tmp_path):
    path = _copy_lesson(tmp_path)
    _replace(path, "Errno, or none?", "What comes back: an errno, or none?")
    assert _stamp_errors(path)
    lesson, _ = read_lesson(path)
    assert restamp(lesson) >= 1
    assert _stamp_errors(path) == []


def test_a_title_changed_in_one_language_is_caught_in_the_header(tmp_path):
    path = _copy_lesson(tmp_path)
    _replace(path, 'title.zh = "文件映射与打开模式', 'title.zh = "文件映射和打开模式')
    errors = _stamp_errors(path)
    assert [key for _, key in errors] == ["stamp_stale"]
    assert path.read_text(encoding="utf-8").split("\n")[errors[0][0] - 1].startswith("sync.zh")


# --- the two languages of the lesson system's own strings ---------------------------------

def test_every_message_has_english_and_chinese_with_the_same_placeholders():
    for key, entry in MESSAGES.items():
        assert set(entry) == {"en", "zh"}, key
        fields = [set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in ("en", "zh")]
        assert fields[0] == fields[1], key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["zh"]) or key in (
            "answer_page", "answer_pages", "check_stamped"), key


def _message_keys_used_in_the_code() -> set[str]:
    used = set()
    callers = {"t", "error", "note", "AnchorError", "FactError", "ExpressionError", "fail"}
    for path in Path(i18n.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in callers:
                    for arg in node.args[:5]:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and \
                                re.fullmatch(r"[a-z][a-z_]+", arg.value):
                            used.add(arg.value)
    return used


def test_every_message_the_code_uses_exists():
    used = _message_keys_used_in_the_code()
    assert len(used) > 60
    assert sorted(k for k in used if k not in MESSAGES) == []


def test_dynamic_message_keys_exist():
    from lab.lessons.model import FEATURES
    from lab.lessons.quiz import MAKERS

    for kind in ("intro", "narration", "question", "checkpoint", "outro"):
        assert "page_" + kind in MESSAGES
    for feature in FEATURES:
        assert "feature_" + feature in MESSAGES
    for maker in MAKERS:
        assert "topic_" + maker.__name__.lstrip("_") in MESSAGES
    for severity in ("error", "note"):
        assert "severity_" + severity in MESSAGES


@pytest.mark.parametrize("env, lang", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "de_DE.UTF-8"}, "zh"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
])
def test_the_default_language_follows_the_locale(env, lang):
    assert default_language(env) == lang


def test_a_hint_is_rendered_in_the_language_of_the_message():
    assert t("block_unknown", "en", kind="x", kinds="a", hint="intro").count("did you mean")
    assert "是不是想写 intro" in t("block_unknown", "zh", kind="x", kinds="a", hint="intro")
    assert "did you mean" not in t("block_unknown", "en", kind="x", kinds="a", hint="")
