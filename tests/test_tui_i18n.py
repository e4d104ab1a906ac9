# SPDX-License-Identifier: GPL-2.0-only
"""The app in English and Chinese: one language for chrome, narration and lesson, chosen by
--lang, else the lesson's saved language, else the locale; L switches it anywhere."""

from __future__ import annotations

import string

import pytest
from rich.cells import cell_len

from lab.lessons import i18n as lessons_i18n
from lab.runner import scenario_constants
from lab.scenario import parse_scenario, split_statements
from lab.stepping.session import Session
from lab.tui import i18n
from lab.tui.app import MmapLab, open_lesson_lab
from lab.tui.default_scenario import DEFAULT_SCENARIO
from lab.tui.screens.help import HelpScreen

ENV = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}


def app(lang: str | None = None, env: dict | None = None) -> MmapLab:
    session = Session(parse_scenario(split_statements(DEFAULT_SCENARIO), "<test>",
                                     scenario_constants()))
    return MmapLab(session, env=ENV if env is None else env, lang=lang)


def footer_words(a: MmapLab) -> str:
    from textual.widgets._footer import FooterKey, FooterLabel

    keys = [k.description for k in a.lab.query(FooterKey)]
    labels = [str(x.render()) for x in a.lab.query(FooterLabel)]
    return " ".join(keys + labels)


def status_text(a: MmapLab) -> str:
    return a.lab.query_one("#status").render().plain


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# -- the catalog -------------------------------------------------------------------------------
def test_every_ui_string_has_english_and_chinese_with_the_same_placeholders():
    from lab.classroom import i18n as classroom_i18n
    from lab.tui import narration_i18n

    for key, entry in [*i18n.MESSAGES.items(), *narration_i18n.MESSAGES.items(),
                       *classroom_i18n.MESSAGES.items()]:
        assert set(entry) == set(i18n.LANGUAGES), key
        assert all(entry[lang].strip() for lang in i18n.LANGUAGES), key
        assert placeholders(entry["en"]) == placeholders(entry["zh"]), key


def test_the_app_catalog_and_the_lessons_catalog_share_no_key():
    from lab.classroom import i18n as classroom_i18n
    from lab.tui import narration_i18n

    catalogs = (i18n.MESSAGES, narration_i18n.MESSAGES, lessons_i18n.MESSAGES,
                classroom_i18n.MESSAGES)
    for i, one in enumerate(catalogs):
        for other in catalogs[i + 1:]:
            assert not set(one) & set(other)
    assert i18n.t("page_intro", "zh") == "引言"  # one lookup for both catalogs


def test_the_locale_gives_the_default_language():
    assert app(env={"LANG": "zh_CN.UTF-8", "TERM": "xterm"}).lang == "zh"
    assert app(env={"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8", "TERM": "xterm"}).lang == "en"
    assert app("zh", env={"LANG": "C.UTF-8"}).lang == "zh"  # --lang wins


# -- the chrome in Chinese ------------------------------------------------------------------------
async def test_in_chinese_the_footer_titles_status_and_model_speak_chinese():
    a = app("zh")
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        words = footer_words(a)
        assert "单步" in words and "下一行" in words and "退出" in words and "后退" in words
        assert "Step" not in words
        assert "调用栈" in str(a.lab.query_one("#stack").border_title)
        assert "这一步在做什么" in str(a.lab.query_one("#narration").border_title)
        assert "语句 2/3" in status_text(a) and "步骤 1/" in status_text(a)
        assert status_text(a).rstrip().endswith("中文")
        assert a.lab.model.lang == "zh"


async def test_in_chinese_the_help_screen_and_the_palette_are_chinese():
    a = app("zh")
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = " ".join(c.title for c in a.get_system_commands(a.lab))
        assert "单步进入" in titles and "清除所有断点" in titles and "主题" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(a.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in a.screen.query("Static"))
        assert "按键" in text and "面板" in text and "单步进入" in text
        assert "帮助" in str(a.screen.query_one("VerticalScroll").border_title)


async def test_L_in_a_plain_scenario_switches_the_chrome_to_chinese_and_back():
    a = app("en")
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        english = footer_words(a)
        assert "Step" in english and status_text(a).rstrip().endswith("EN")
        await pilot.press("L")
        await pilot.pause()
        assert a.lang == "zh" and a.lab.model.lang == "zh"
        assert "单步" in footer_words(a)
        assert "调用栈" in str(a.lab.query_one("#stack").border_title)
        assert "步骤" in status_text(a) and status_text(a).rstrip().endswith("中文")
        await pilot.press("L")
        await pilot.pause()
        assert a.lang == "en" and footer_words(a) == english
        assert "Call stack" in str(a.lab.query_one("#stack").border_title)


async def test_at_80x24_in_chinese_the_deck_and_the_footer_fit():
    a = app("zh")
    async with a.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from textual.widgets._footer import FooterKey

        assert all(k.region.right <= 80 for k in a.lab.query(FooterKey))
        bar = str(a.lab.query_one("#state-deck").bar.render())
        assert "调用栈" in bar and cell_len(bar) <= 80
        assert cell_len(status_text(a)) <= 80 and status_text(a).rstrip().endswith("中文")


# -- the command line --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mmaplab_file_with_lang_opens_the_lab_in_that_language(tmp_path, monkeypatch, lang):
    from lab import cli

    seen = {}

    def run(self, **kw):  # noqa: ANN001
        seen["lang"] = self.lang
        return None

    monkeypatch.setattr(MmapLab, "run", run)
    monkeypatch.setenv("LANG", "C.UTF-8" if lang == "zh" else "zh_CN.UTF-8")
    monkeypatch.setenv("MMAPLAB_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "s.scn"
    path.write_text('p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n')
    assert cli.main([str(path), "--lang", lang]) == 0
    assert seen["lang"] == lang


# -- lessons -------------------------------------------------------------------------------------
async def test_the_status_bar_names_the_lesson_and_its_page():
    a = open_lesson_lab("1", "en", env=ENV)
    async with a.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        pages = len(a.lab.lesson.run.pages)
        assert f"lesson 1 · page 1/{pages}" in status_text(a)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert f"lesson 1 · page 2/{pages}" in status_text(a)
        await pilot.press("L")
        await pilot.pause()
        assert f"第 1 课 · 第 2/{pages} 页" in status_text(a)


async def test_L_with_a_lesson_switches_lesson_and_chrome_together_and_saves_it():
    a = open_lesson_lab("1", "en", env=ENV)
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert a.lang == a.lab.lesson.lang == a.lab.lesson.run.lang == "zh"
        assert "单步" in footer_words(a)
        assert "课程" in str(a.lab.query_one("#lesson").border_title)
    again = open_lesson_lab("1", None, env=ENV)  # no --lang: the lesson's saved language
    assert again.lang == "zh"


def test_the_default_world_in_chinese_says_what_the_english_says():
    import re

    from lab.kernel.default_world import describe
    from lab.tui.i18n import t

    english, chinese = describe(), t("world_description", "zh")
    numbers = re.compile(r"0x[0-9a-f]+|\d+")
    assert sorted(numbers.findall(english)) == sorted(numbers.findall(chinese))
    for name in re.findall(r"\b[A-Z][A-Z_]{3,}\b|vm\.\w+|\[\w+\]", english):
        assert name in chinese, name


def test_every_known_difference_is_explained_in_chinese_with_its_numbers_and_names():
    import re

    from lab.realkernel.known import KNOWN, MODEL_BUGS
    from lab.tui.known_zh import LEARNER_ZH, learner_text

    rules = (*KNOWN, *MODEL_BUGS)
    assert {(k.id, k.since) for k in rules} == set(LEARNER_ZH)
    for k in rules:
        chinese = learner_text(k, "zh")
        numbers = re.compile(r"0x[0-9a-f]+|\d+")
        assert sorted(numbers.findall(k.learner)) == sorted(numbers.findall(chinese)), k.id
        for name in re.findall(r"\b[A-Z][A-Z_0-9]{3,}\b|'\w+'|`[^`]+`|\w+\(\)|/\S+\w", k.learner):
            assert name in chinese, (k.id, name)
        assert learner_text(k, "en") == k.learner
