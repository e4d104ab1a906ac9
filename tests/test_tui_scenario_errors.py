# SPDX-License-Identifier: GPL-2.0-only
"""The scenario language's error messages in the app's language (lab/tui/scenario_errors.py):
in Chinese the message reads in Chinese, the location and caret stay; in English nothing
changes."""

from __future__ import annotations

import re

import pytest

from lab.runner import scenario_constants
from lab.scenario import ScenarioError, parse_scenario, split_statements
from lab.stepping.session import Session
from lab.tui.app import MmapLab
from lab.tui.default_scenario import DEFAULT_SCENARIO
from lab.tui.scenario_errors import error_text, message_text

ENV = {"LANG": "C.UTF-8", "TERM": "xterm-256color"}
MAP = "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"

#: Bad statements, one for each message shape (the last line is the bad one).
BAD = [
    "p = mmap(NULL, 4096, PROT_REED, MAP_PRIVATE, -1, 0)",  # unknown name, did you mean
    "p = mmap(NULL, 4096, PROT_READ, zzzqqq, -1, 0)",  # unknown name
    "p = mmpa(NULL, 4096, 0, 0, -1, 0)",  # unknown function, did you mean
    "p = qqqqqqqq(1)",  # unknown function: the list of functions
    "p = mmap(NULL, 4096)",  # too few arguments
    "p = mmap(NULL, 4096, 0, 0, -1, 0, 7)",  # too many arguments
    "munmap(",  # Python: never closed
    "munmap(0, 4096))",  # Python: unmatched
    "p = = 3",  # invalid syntax
    "x = 1",  # not a call after '='
    "import os",  # not allowed: an import
    "for i in x: pass",  # not allowed: a loop
    "p += 1",  # not allowed: augmented assignment
    "def f(): pass",  # not allowed: a function definition
    "p = mmap(NULL, 4096 ** 2, 0, 0, -1, 0)",  # unsupported operator
    "p = mmap(NULL, 4096 @ 2, 0, 0, -1, 0)",
    "p = mmap(NULL, 99999999999999999999999, 0, 0, -1, 0)",  # number too big
    "fd = open('/f', O_RDWR, sizee=4096)",  # unknown keyword, did you mean
    "fd = open('/f', O_RDWR, size=1, size=2)",  # keyword twice
    "p = mmap(NULL, 4096, 0, 0, -1, 0, flags=3)",  # no keyword arguments
    "fd = open('/f', O_RDWR, noexec=1)",  # expects True or False
    "fd = open(3, O_RDWR)",  # expects a string literal
    "sysctl('vm.overcommit_memori', 1)",  # unknown choice, did you mean
    "PROT_READ = mmap(NULL, 4096, 0, 0, -1, 0)",  # a constant as a variable
    "mmap = munmap(0, 4096)",  # a function as a variable
    "a = b = munmap(0, 4096)",  # chained assignment
    "p = mmap(NULL, 4096, 0, 0, -1, 0); munmap(p, 4096)",  # one statement per line
    "p[1:2] = 3",  # slices
    "p = mmap(NULL, munmap(0, 1), 0, 0, -1, 0)",  # a call inside an expression
    f"{MAP}\np[0] = p[1]",  # a memory access inside an expression
    "p = mmap(NULL, 'abc', 0, 0, -1, 0)",  # a string for an integer
    "p = mmap(NULL, 1.5, 0, 0, -1, 0)",  # a float for an integer
    "p = mmap(None, 4096, 0, 0, -1, 0)",  # None
    "p = mmap(NULL, x.y, 0, 0, -1, 0)",  # attribute access
    "p = mmap(NULL, [1], 0, 0, -1, 0)",  # a list
    "p = mmap(NULL, 1 < 2, 0, 0, -1, 0)",  # a comparison
    "p = mmap(*a)",  # starred
    "p = mmap(**a)",  # '**'
    "p = mmap(NULL, 'ab\x01', 0, 0, -1, 0)",  # a control character
    "p = mmap(NULL, ５, 0, 0, -1, 0)",  # non-ASCII outside strings
    "p = mmap(NULL, 'abc, 0, 0, -1, 0)",  # unterminated string
    "p = mmap(NULL, 09, 0, 0, -1, 0)",  # bad octal digit
    "mmap(NULL, 4096, 0, 0, -1, 0) = 3",  # cannot assign to a call
    "p = mmap(NULL, " + "1+" * 300 + "1, 0, 0, -1, 0)",  # nested too deep
    "p = mmap(NULL, 4096 // 0, 0, 0, -1, 0)",  # division by zero (at run time)
    "p = mmap(NULL, 1 << 999, 0, 0, -1, 0)",  # out of 128 bits (at run time)
    "p = mmap(NULL, 1 << 70, 0, 0, -1, 0)",  # not in a register (at run time)
    "fd = open('/nosuch', O_RDWR)",  # open without a size (at run time)
    "fd = open('/f', O_RDWR, size=-1)",  # not a file size (at run time)
    "fd = open('/f', O_RDWR, size=8192)\nfd2 = open('/f', O_RDWR | O_CREAT, size=4)",  # exists
]


def error_of(src: str) -> ScenarioError:
    """The error a scenario meets: when it is parsed, else when its session runs it."""
    try:
        session = Session(parse_scenario(src, "<t>", scenario_constants()))
    except ScenarioError as err:
        return err
    errors = [r.error for r in session.records if r.error is not None]
    assert errors, f"no error: {src!r}"
    return errors[0]


CHINESE = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"`[^`]*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:\s+[A-Za-z]+){2,}")


@pytest.mark.parametrize("src", BAD)
def test_every_message_shape_reads_in_chinese_where_it_was(src: str) -> None:
    err = error_of(src)
    en, zh = error_text(err, "en"), error_text(err, "zh")
    assert en == str(err) and message_text(err.message, "en") == err.message
    message = message_text(err.message, "zh")
    assert CHINESE.search(message), message
    assert not ENGLISH_RUN.search(QUOTED.sub("", message)), message
    # the location before the message and the source and caret lines after it are kept
    where = en.split("\n")[0].removesuffix(err.message)
    assert where.startswith(f"<t>:{err.line}")
    assert zh.split("\n")[0] == where + message
    assert zh.split("\n")[1:] == en.split("\n")[1:]


def test_the_shapes_cover_distinct_messages() -> None:
    shapes = {re.sub(r"'[^']*'|\d+", "_", error_of(src).message) for src in BAD}
    assert len(shapes) >= 40


def test_names_numbers_and_did_you_mean_are_kept() -> None:
    err = error_of(BAD[0])
    assert message_text(err.message, "zh") == "未知的名字 'PROT_REED'（是不是想写 PROT_READ？）"
    assert message_text(error_of(BAD[4]).message, "zh") == (
        "mmap() 需要 6 个参数（addr, length, prot, flags, fd, offset），给了 2 个")
    assert message_text("division by zero", "zh") == "除数为零"


def test_a_message_the_table_does_not_know_stays_english() -> None:
    for message in ("something entirely new (did you mean x?)",
                    "expected an integer, not a brand-new construct", "invalid syntax here"):
        assert message_text(message, "zh") == message
        err = ScenarioError(message, 2, 3, "<t>", "abc")
        assert error_text(err, "zh") == str(err)
    assert error_text("a plain note", "zh") == "a plain note"
    assert error_text("division by zero", "zh") == "除数为零"


def test_a_language_without_a_table_is_english() -> None:
    err = error_of(BAD[0])
    assert error_text(err, "fr") == str(err)


def app(lang: str, src: str = DEFAULT_SCENARIO) -> MmapLab:
    session = Session(parse_scenario(split_statements(src), "<test>", scenario_constants()))
    return MmapLab(session, env=ENV, lang=lang)


async def test_the_editor_shows_a_bad_statement_in_chinese_at_its_place() -> None:
    a = app("zh")
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", *"p = mmap(NULL, 4096, PROT_REED, 0, -1, 0)")
        await pilot.pause()
        msg = str(a.lab.query_one("#editor-message").render())
        assert "未知的名字 'PROT_REED'（是不是想写 PROT_READ？）" in msg
        assert msg.index("^") == "p = mmap(NULL, 4096, PROT_REED".index("PROT_REED")
        await pilot.press("enter")
        await pilot.pause()
        assert len(a.lab.session.records) == 3  # nothing recorded
        await pilot.press("escape")


async def test_the_editor_in_english_is_unchanged() -> None:
    a = app("en")
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e", *"p = mmap(NULL, 4096, PROT_REED, 0, -1, 0)")
        await pilot.pause()
        msg = str(a.lab.query_one("#editor-message").render())
        assert "unknown name 'PROT_REED' (did you mean PROT_READ?)" in msg
        await pilot.press("escape")


async def test_a_statement_that_cannot_run_is_notified_in_chinese() -> None:
    a = app("zh", "fd = open('/nosuch', O_RDWR)")
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        texts = [n.message for n in a._notifications]
        assert any("open：'/nosuch' 不存在；请给出它的大小，例如 size=8192" in m
                   and m.startswith("<test>:1") and "^" in m for m in texts), texts
