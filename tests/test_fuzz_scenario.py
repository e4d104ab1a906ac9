# SPDX-License-Identifier: GPL-2.0-only
"""Fuzzing the scenario language: whatever the text, a Scenario or a located ScenarioError.

Parsing and running never let another exception out, every error names the file, line and
column, and its text never carries a control character to the terminal. Statements are
generated from the language's own shapes with absurd values mixed in (2^64-1, negative
lengths and offsets, huge flag words, deep nesting, enormous expressions), then mutated.
MMAPLAB_FUZZ_EXAMPLES sets how many inputs each test draws (benchmarks/fuzz_long.py).
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.kernel.machine import running
from lab.runner import scenario_constants, simulate
from lab.scenario import (
    FS_TYPES,
    FUNCTIONS,
    SYSCTL_NAMES,
    ScenarioError,
    evaluate,
    parse_bytes,
    parse_expression,
    parse_scenario,
)
from lab.scenario.errors import escape
from lab.world.invariants import check_invariants

EXAMPLES = int(os.environ.get("MMAPLAB_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 1000,
                database=None, suppress_health_check=list(HealthCheck))

ABSURD = [0, 1, -1, 4095, 4096, 4097, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1 << 32, 1 << 47,
          (1 << 63) - 1, 1 << 63, -(1 << 63), (1 << 64) - 4096, (1 << 64) - 1, 1 << 64,
          -(1 << 64), 10**30, 64 << 30]
NAMES = ["NULL", "PROT_READ", "PROT_WRITE", "PROT_EXEC", "PROT_NONE", "MAP_SHARED",
         "MAP_PRIVATE", "MAP_ANONYMOUS", "MAP_FIXED", "MAP_POPULATE", "MAP_LOCKED",
         "MAP_HUGETLB", "MAP_NORESERVE", "MAP_GROWSDOWN", "O_RDWR", "O_RDONLY", "RLIMIT_AS",
         "RLIMIT_MEMLOCK", "CAP_IPC_LOCK", "p", "q", "fd", "x", "undefined_name"]
OPS = ["|", "&", "^", "+", "-", "*", "/", "%", "<<", ">>", "**", "@", "<", "and"]
NASTY = ["\x1b[2J", "\x1b]0;title\x07", "\x00", "\r", "\x7f", "\u202e", "\ufeff", "\t",
         "é", "中", "\U0001f600", "\\", '"', "'", "#", ";", "(", ")", "[", "]", "\n",
         "\udcff", "\x9b2J"]
#: Source names as a command line or a lesson may pass them; "\udcff" is a byte of a file
#: name that is not UTF-8 (Python's surrogateescape), "\x9b" the one-byte CSI.
SOURCE_NAMES = ["fuzz.txt", "\x1b[2Jevil.txt", "a\x07b.txt", "new\nline.txt", "中.txt",
                "\u202eexe.txt", "bad\udcffname.txt", "\x9b31m.txt"]


def literal(n: int) -> str:
    return {0: str(n), 1: hex(n) if n >= 0 else f"-{hex(-n)}", 2: f"{n}UL" if n >= 0 else
            str(n)}[abs(n) % 3]


@st.composite
def expressions(draw, depth: int = 0) -> str:
    kind = draw(st.integers(0, 9 if depth < 4 else 3))
    if kind <= 1:
        return literal(draw(st.sampled_from(ABSURD) | st.integers()))
    if kind <= 3:
        return draw(st.sampled_from(NAMES))
    if kind <= 6:
        op = draw(st.sampled_from(OPS))
        return f"{draw(expressions(depth + 1))} {op} {draw(expressions(depth + 1))}"
    if kind == 7:
        return draw(st.sampled_from(["-", "~", "+", "not "])) + draw(expressions(depth + 1))
    if kind == 8:
        return f"({draw(expressions(depth + 1))})"
    return draw(st.sampled_from(["1.5", '"str"', "None", "True", "p[0]", "mmap()", "a.b",
                                 "[1]", "{}", "lambda: 0", "f'x'", "0644", "08", "0x",
                                 "1_000", "0b101", "1e9", "()"]))


def c_string(draw) -> str:
    text = "".join(draw(st.lists(st.sampled_from(NASTY) | st.characters(), max_size=8)))
    return '"' + "".join(ch if ch.isprintable() and ch not in '"\\' else
                         f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
                         for ch in text) + '"'


@st.composite
def statements(draw) -> str:
    func = draw(st.sampled_from([*FUNCTIONS, "mmap", "mmap", "mmap", "munmap", "mprotect",
                                 "unknown"]))
    target = draw(st.sampled_from(["", "", "p = ", "q = ", "fd = ", "x = ", "NULL = ",
                                   "PROT_READ = ", "mmap = "]))
    if draw(st.integers(0, 6)) == 0:  # a memory access
        where = f"{draw(st.sampled_from(['p', 'q', 'NULL', 'x']))}[{draw(expressions())}]"
        if draw(st.booleans()):
            return f"{where} = {draw(expressions())}"
        return f"x = {where}"
    signature = FUNCTIONS.get(func)
    count = len(signature.params) if signature else 2
    count = max(0, count + draw(st.sampled_from([0, 0, 0, 0, -1, 1])))
    args = []
    for i in range(count):
        param = signature.params[min(i, len(signature.params) - 1)] if signature and \
            signature.params else None
        if param is not None and param.kind == "str":
            choices = SYSCTL_NAMES if param.name == "setting" else FS_TYPES
            args.append(draw(st.sampled_from([f'"{c}"' for c in choices])) if draw(
                st.booleans()) else c_string(draw))
        else:
            args.append(draw(expressions()))
    if func == "open" and draw(st.booleans()):
        args.append(f"size={draw(expressions())}")
        for key in draw(st.lists(st.sampled_from(["noexec=True", "fs=\"tmpfs\"",
                                                  "fs=\"hugetlbfs\"", "fs=\"zfs\"", "size=1",
                                                  "swapfile=1", "append_only=True",
                                                  "bogus=1", "**k"]), max_size=2)):
            args.append(key)
    return f"{target}{func}({', '.join(args)})"


@st.composite
def mutated(draw, text: str) -> str:
    """text with a few characters inserted, deleted or replaced."""
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(NASTY) | st.text(max_size=3))
        j = i + draw(st.integers(0, 2))
        text = text[:i] + piece + text[j:]
    return text


@st.composite
def scenarios(draw) -> str:
    lines = [draw(statements()) for _ in range(draw(st.integers(1, 8)))]
    text = "\n".join(lines)
    if draw(st.integers(0, 3)) == 0:
        text = draw(mutated(text))
    return text + draw(st.sampled_from(["", "\n", "\r\n", "  # comment"]))


def check_error(err: ScenarioError, name: str, lines: int) -> None:
    """An error a learner can act on: NAME:LINE:COLUMN: what was expected, with the line and
    a caret under it, and no raw control character anywhere (a name's ESC shows as \\x1b)."""
    text = str(err)
    assert not any(not ch.isprintable() and ch != "\n" for ch in text), repr(text)
    head, *shown = text.split("\n")
    where = escape(name)
    assert head.startswith(where + ":"), (where, text)
    located = re.fullmatch(r"(\d+):(\d+): (\S.*)", head[len(where) + 1:])
    assert located, text
    assert 1 <= err.line <= lines and err.column >= 1, (err.line, err.column, lines)
    assert (int(located[1]), int(located[2])) == (err.line, err.column)
    if err.source_line:  # the line as typed, and a caret under the column
        assert len(shown) == 2 and shown[1].strip() == "^", text


def parse_and_run(text: str, name: str = "fuzz.txt") -> None:
    lines = text.removeprefix("\ufeff").count("\n") + 1
    try:
        scenario = parse_scenario(text, name, scenario_constants())
    except ScenarioError as err:
        check_error(err, name, lines)
        return
    try:
        report = simulate(scenario)
    except ScenarioError as err:
        check_error(err, name, lines)
        return
    with running(report.machine):
        assert check_invariants(report.machine) == [], text


@FUZZ
@given(scenarios(), st.sampled_from(SOURCE_NAMES))
def test_generated_scenarios_parse_and_run_or_fail_located(text, name):
    parse_and_run(text, name)


@FUZZ
@given(st.text(max_size=200))
def test_any_text_parses_or_fails_located(text):
    parse_and_run(text)


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_fail_located(data):
    try:
        parse_bytes(data, "bytes.txt", scenario_constants())
    except ScenarioError as err:
        check_error(err, "bytes.txt", data.count(b"\n") + 1)


@st.composite
def scenario_bytes(draw) -> bytes:
    """A generated scenario's UTF-8 with bytes that are not UTF-8 dropped in."""
    data = draw(scenarios()).encode("utf-8", "surrogateescape")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80",
                                                b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                                                b"\x9b"])) + data[i:]
    return data


@FUZZ
@given(scenario_bytes(), st.sampled_from(SOURCE_NAMES))
def test_bytes_that_are_not_utf8_fail_at_the_first_bad_byte(data, name):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        first = bad.start
    else:
        first = None
    try:
        parse_bytes(data, name, scenario_constants())
    except ScenarioError as err:
        check_error(err, name, data.count(b"\n") + 1)
        if first is not None:
            assert err.line == data.count(b"\n", 0, first) + 1, (err.line, data)
            assert f"byte 0x{data[first]:02x}" in err.message
        return
    assert first is None


@FUZZ
@given(expressions())
def test_expressions_parse_and_evaluate_or_fail_located(text):
    try:
        expr = parse_expression(text, "<address>", scenario_constants(), variables={"p"})
        value = evaluate(expr, {**scenario_constants(), "p": 0x7FFFF7FF9000},
                         source_name="<address>")
    except ScenarioError as err:
        check_error(err, "<address>", 1)
        return
    assert isinstance(value, int | str | bool)
    if type(value) is int:
        assert abs(value) <= 2**128


@pytest.mark.parametrize("text", [
    "p = mmap(NULL, " + "(" * 5000 + "1" + ")" * 5000 + ", 3, 0x22, -1, 0)",
    "p = mmap(NULL, " + "-" * 5000 + "1, 3, 0x22, -1, 0)",
    "p = mmap(NULL, " + "~" * 3000 + "1, 3, 0x22, -1, 0)",
    "p = mmap(NULL, " + " + ".join(["4096"] * 2400) + ", 3, 0x22, -1, 0)",
    "p = mmap(NULL, 1 << 4096 << 4096 << 4096, 3, 0x22, -1, 0)",
    "p = mmap(NULL, " + "9" * 79 + ", 3, 0x22, -1, 0)",
    "p = mmap(NULL, " + "9" * 5000 + ", 3, 0x22, -1, 0)",
    "p = mmap(NULL, 18446744073709551615 * 18446744073709551615 * 18446744073709551615, "
    "3, 0x22, -1, 0)",
    "x = NULL[" + "1" * 10_001 + "]",
    "p" * 20_000 + " = mmap(NULL, 4096, 3, 0x22, -1, 0)",
    'fd = open("' + "\\x1b" * 3000 + '", O_RDWR, size=1)',
    "capset(" + ", ".join(["1"] * 3000) + ")",
    "\x1b[2Jp = mmap(NULL, 4096, 3, 0x22, -1, 0)",
], ids=["parens", "minus", "tilde", "sum", "shift", "79-digits", "5000-digits", "product",
        "long-line", "long-name", "escapes", "many-args", "esc-at-start"])
def test_absurd_expressions_fail_located_or_run(text):
    parse_and_run(text)


def test_megabyte_scenario_of_short_statements_parses():
    line = "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\nmunmap(p, 4096)"
    text = "\n".join([line] * 12_000)
    assert len(text) > 1_000_000
    assert len(parse_scenario(text, "big.txt", scenario_constants())) == 24_000


def test_megabyte_scenario_of_long_statements_runs():
    """Statements near the 10,000-character limit, a megabyte of them, run one by one."""
    length = " + ".join(["0x" + "0" * 76] * 99)  # 99 operators, 78-digit literals
    line = f"p = mmap(NULL, 4096 + {length}, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"
    text = "\n".join([line, "munmap(p, 4096)"] * 130)
    assert len(text) > 1_000_000
    report = simulate(parse_scenario(text, "big.txt", scenario_constants()))
    assert len(report.events) == 260
    assert all(event.errno is None for event, _ in report.events)


def test_a_long_chain_of_operators_is_not_called_nesting():
    with pytest.raises(ScenarioError, match="nested more than 100 levels deep: operators in a row"):
        parse_scenario("p = mmap(NULL, " + " + ".join(["1"] * 200) + ", 3, 0x22, -1, 0)", "<t>",
                       scenario_constants())


@pytest.mark.parametrize("path, errno", [("", "ENOENT"), ("a" * 256, "ENAMETOOLONG"),
                                         ("d/" * 2048 + "f", "ENAMETOOLONG"), ("a/b", None)])
def test_open_refuses_what_getname_refuses(path, errno):
    report = simulate(parse_scenario(f'fd = open("{path}", O_RDWR, size=4096)', "<t>",
                                     scenario_constants()))
    assert report.events[0][0].errno == errno


@pytest.mark.parametrize("size", ["-1", "1 << 63", "0xffffffffffffffff"])
def test_open_with_an_impossible_size_is_a_located_error(size):
    with pytest.raises(ScenarioError, match="is not a file size") as info:
        simulate(parse_scenario(f'fd = open("a", O_RDWR, size={size})', "<t>",
                                scenario_constants()))
    assert info.value.line == 1 and info.value.column >= 29  # at the value (an operator)


def test_control_characters_in_a_file_name_are_escaped_in_errors():
    err = None
    try:
        parse_scenario("p = mmap(", "\x1b[31mred\x07.txt", scenario_constants())
    except ScenarioError as e:
        err = e
    assert err is not None
    assert str(err).startswith("\\x1b[31mred\\x07.txt:1:")
    assert "\x1b" not in str(err)


@pytest.mark.parametrize("stmt, errno", [
    ('sysctl("vm.max_map_count", -1)', "EINVAL"),
    ('sysctl("vm.max_map_count", 1 << 31)', "EINVAL"),
    ('sysctl("vm.overcommit_memory", 3)', "EINVAL"),
    ('sysctl("vm.overcommit_memory", -1)', "EINVAL"),
    ('sysctl("vm.nr_hugepages", -1)', "EINVAL"),
    ('sysctl("vm.mmap_min_addr", -4096)', "EINVAL"),
    ('sysctl("vm.overcommit_ratio", 1 << 31)', "EINVAL"),
    ('sysctl("vm.overcommit_ratio", -1)', None),
    ('sysctl("vm.max_map_count", 0x7fffffff)', None),
])
def test_sysctl_values_out_of_the_handlers_range_are_einval(stmt, errno):
    """As writing them to /proc/sys/vm does: proc_dointvec_minmax and friends refuse."""
    report = simulate(parse_scenario(stmt, "<t>", scenario_constants()))
    assert report.events[0][0].errno == errno


def test_refused_sysctl_leaves_the_setting_alone():
    report = simulate(parse_scenario('sysctl("vm.max_map_count", -1)\n'
                                     "p = mmap(NULL, 4096, 3, 0x22, -1, 0)", "<t>",
                                     scenario_constants()))
    assert report.machine.sysctl_max_map_count == 65530
    assert report.events[1][0].errno is None


def test_huge_page_pool_is_no_larger_than_memory():
    report = simulate(parse_scenario('sysctl("vm.nr_hugepages", 0xffffffffffffffff)', "<t>",
                                     scenario_constants()))
    pool = report.machine.default_hstate.nr_huge_pages
    assert 0 < pool <= report.machine.totalram_pages // 512


def test_negative_overcommit_ratio_wraps_as_the_kernel_computes_it():
    """An int ratio times an unsigned long page count: -1 gives a huge limit, not none."""
    report = simulate(parse_scenario(
        'sysctl("vm.overcommit_ratio", -1)\nsysctl("vm.overcommit_memory", 2)\n'
        "p = mmap(NULL, 1 << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)",
        "<t>", scenario_constants()))
    assert report.events[2][0].errno is None


def test_personality_of_minus_one_only_asks():
    """personality(0xffffffff) asks; -1 is the same unsigned int and must not set it."""
    report = simulate(parse_scenario("personality(-1)\npersonality(-1)", "<t>",
                                     scenario_constants()))
    assert report.machine.task.personality == 0
    assert report.events[1][0].ret == 0


def test_a_megabyte_long_statement_fails_at_the_statement_limit():
    text = "p = mmap(NULL, " + "1 + " * 262_144 + "1, 3, 0x22, -1, 0)"
    assert len(text) > 1_000_000
    with pytest.raises(ScenarioError, match="longer than 10000 characters") as info:
        parse_scenario(text, "\x1b[2Jbig.txt", scenario_constants())
    check_error(info.value, "\x1b[2Jbig.txt", 1)
    assert len(str(info.value)) < 500  # the line is shown as a window, not a megabyte


def test_a_megabyte_of_bytes_that_are_not_utf8_fails_on_the_last_line():
    data = b"p = mmap(NULL, 4096, 3, 0x22, -1, 0)\n" * 30_000 + b"x = p[\xff]\n"
    assert len(data) > 1_000_000
    with pytest.raises(ScenarioError, match="invalid UTF-8 byte 0xff") as info:
        parse_bytes(data, "big.txt", scenario_constants())
    check_error(info.value, "big.txt", 30_001)
    assert (info.value.line, info.value.column) == (30_001, 7)


def test_a_parse_started_while_another_builds_its_tree_is_not_a_system_error():
    """CPython 3.11 counts AST depth in one global (gh-106905): a parse run from a gc
    callback in the middle of another made the outer one raise SystemError. The follower
    parses in a recording thread while the app's thread parses too; here, deterministically,
    a gc callback does it."""
    import gc

    text = "p = mmap(NULL, " + " + ".join(["(1 | 2)"] * 80) + ", 3, 0x22, -1, 0)"
    inner = []

    def parse_during_gc(phase, info):
        if phase == "start" and len(inner) < 3:
            inner.append(parse_scenario("q = mmap(NULL, 4096, 3, 0x22, -1, 0)", "<gc>"))

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(50)
    gc.enable()  # an app test before this one may have left the collector off
    gc.callbacks.append(parse_during_gc)
    try:
        scenario = parse_scenario(text, "<t>", scenario_constants())
    finally:
        gc.callbacks.remove(parse_during_gc)
        gc.set_threshold(*threshold)
        if not enabled:
            gc.disable()
    assert inner, "no collection ran during the parse: the test proves nothing"
    assert [s.func for s in scenario] == ["mmap"]


def test_parses_in_two_threads_at_once_all_succeed():
    """A gc callback that lets the GIL go (hypothesis keeps one; so may an app) hands the
    interpreter to another thread in the middle of building a tree."""
    import gc
    import threading
    import time

    text = "\n".join(["p = mmap(NULL, " + " + ".join(["(4096 | 1)"] * 60) + ", 3, 0x22, -1, 0)"]
                     * 20)
    failures = []

    def yield_the_gil(phase, info):
        time.sleep(0)

    def work():
        for _ in range(15):
            try:
                assert len(parse_scenario(text, "<t>", scenario_constants())) == 20
            except BaseException as err:  # noqa: BLE001 - any escape is the failure
                failures.append(repr(err))

    threshold = gc.get_threshold()
    gc.set_threshold(50)
    gc.callbacks.append(yield_the_gil)
    try:
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        gc.callbacks.remove(yield_the_gil)
        gc.set_threshold(*threshold)
    assert failures == []


@pytest.mark.parametrize("text, column", [('fd = open("a\\qb", O_RDWR, size=1)', 11),
                                          ('fd = open("a\\\tb", O_RDWR, size=1)', 11),
                                          ("x = p[0]\nfd = open('\\%', O_RDWR, size=1)", 11)])
def test_an_unknown_escape_in_a_string_is_a_located_error_not_a_warning(text, column):
    """Python only warned (DeprecationWarning, shown with -W default, raw; on 3.12 a
    SyntaxWarning shown always) and kept the backslash."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that still escapes fails the test
        with pytest.raises(ScenarioError, match="invalid escape sequence") as info:
            parse_scenario(text, "<t>")
    assert (info.value.line, info.value.column) == (text.count("\n") + 1, column)
    check_error(info.value, "<t>", text.count("\n") + 1)


def test_known_escapes_in_a_string_still_parse():
    scenario = parse_scenario('fd = open("a\\x1b\\\\b\\n\\t\\"", 2, size=1)', "<t>")
    assert next(iter(scenario)).args[0].value == 'a\x1b\\b\n\t"'
