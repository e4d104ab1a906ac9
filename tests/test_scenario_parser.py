# SPDX-License-Identifier: GPL-2.0-only
"""The scenario language: what parses to which model, and where each mistake is reported."""

from __future__ import annotations

import pickle
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.scenario import (
    BinOp,
    Bool,
    Call,
    Load,
    Name,
    Num,
    ScenarioError,
    Store,
    Str,
    UnaryOp,
    evaluate,
    parse_bytes,
    parse_expression,
    parse_scenario,
    parse_statement,
    render,
    split_statements,
)
from lab.scenario import parser as parser_module

_CONSTANT_NAMES = (
    "O_RDONLY", "O_WRONLY", "O_RDWR", "O_APPEND", "PROT_NONE", "PROT_READ", "PROT_WRITE",
    "PROT_EXEC", "MAP_SHARED", "MAP_PRIVATE", "MAP_ANONYMOUS", "MAP_FIXED",
    "MAP_FIXED_NOREPLACE", "MAP_POPULATE", "MAP_LOCKED", "MAP_HUGETLB", "RLIMIT_MEMLOCK",
    "RLIMIT_AS", "RLIMIT_DATA", "RLIM_INFINITY", "CAP_IPC_LOCK", "CAP_SYS_RAWIO",
    "READ_IMPLIES_EXEC", "MS_SYNC", "MS_ASYNC",
)  # fmt: skip
CONSTANTS = {name: value for value, name in enumerate(_CONSTANT_NAMES)}

EXPECTED = "expected a call such as mmap(...) or a memory access p[i] = v"

LESSON = """\
fd = open("data.bin", O_RDWR, size=10000)
fd2 = open("tool.bin", O_RDONLY, size=8192, noexec=True)
fd3 = open("shm.bin", O_RDWR, size=8192, fs="tmpfs")      # fs: "ext4" (default)
z = open("/dev/zero", O_RDWR)
setrlimit(RLIMIT_MEMLOCK, 65536)
capset(CAP_IPC_LOCK, CAP_SYS_RAWIO)
personality(READ_IMPLIES_EXEC)
sysctl("vm.max_map_count", 65530)
p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
q = mmap(p + 0x3000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
p[4096] = 1                              # write one byte
x = p[0]                                 # read one byte
munmap(p, 4096)
mprotect(q, 4096, PROT_READ | PROT_WRITE)
ftruncate(fd, 4096)
close(fd)
msync(p, 4096, MS_SYNC)
writeback()
"""


def one(text: str, constants: dict[str, int] | None = None):
    (statement,) = parse_scenario(text, "t.scn", constants).statements
    return statement


def error(text: str, constants: dict[str, int] | None = CONSTANTS) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.scn", constants)
    return info.value


# --- statement forms -----------------------------------------------------------------------


def test_every_version_1_statement_form_parses_with_names_checked():
    scenario = parse_scenario(LESSON, "lesson.scn", CONSTANTS)
    assert [s.line for s in scenario] == list(range(1, 19))
    assert [getattr(s, "func", type(s).__name__) for s in scenario] == [
        "open", "open", "open", "open", "setrlimit", "capset", "personality", "sysctl",
        "mmap", "mmap", "Store", "Load", "munmap", "mprotect", "ftruncate", "close", "msync",
        "writeback",
    ]  # fmt: skip
    assert scenario.source_name == "lesson.scn"


def test_open_keywords_become_typed_kwargs():
    assert one('fd2 = open("tool.bin", O_RDONLY, size=8192, noexec=True)') == Call(
        "open",
        (Str("tool.bin"), Name("O_RDONLY")),
        (("size", Num(8192)), ("noexec", Bool(True))),
        target="fd2",
    )
    assert one('open("shm.bin", O_RDWR, fs="tmpfs", append_only=False, swapfile=True)').kwargs == (
        ("fs", Str("tmpfs")),
        ("append_only", Bool(False)),
        ("swapfile", Bool(True)),
    )


def test_mmap_arguments_keep_c_operator_structure():
    statement = one("q = mmap(p + 0x3000, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, -1, 0)")
    assert statement == Call(
        "mmap",
        (
            BinOp("+", Name("p"), Num(0x3000)),
            Num(4096),
            Name("PROT_READ"),
            BinOp("|", Name("MAP_PRIVATE"), Name("MAP_FIXED")),
            UnaryOp("-", Num(1)),
            Num(0),
        ),
        target="q",
    )


def test_memory_write_is_a_store_and_read_is_a_load():
    assert one("p[4096] = 1") == Store(Name("p"), Num(4096), Num(1))
    assert one("x = (p + 1)[2 * 3]") == Load(
        "x", BinOp("+", Name("p"), Num(1)), BinOp("*", Num(2), Num(3))
    )


def test_statement_records_line_column_and_text_without_comment():
    scenario = parse_scenario(
        '\n# intro\n   close(fd)   # done\n\topen("a#b", 0)  # hash in string'
    )
    first, second = scenario.statements
    assert (first.line, first.column, first.text) == (3, 4, "close(fd)")
    assert (second.line, second.column, second.text) == (4, 2, 'open("a#b", 0)')
    assert second.args[0] == Str("a#b")


def test_expression_nodes_carry_columns_and_binop_sits_at_its_operator():
    size = one("mmap(NULL, 3 * 4096, 0, 0, -1, 0)").args[1]
    assert (size.column, size.left.column, size.right.column) == (14, 12, 16)


def test_positions_do_not_take_part_in_equality():
    assert one("close(1)") == one("   close( 1 )  # x")


def test_c_integer_literals_are_accepted():
    values = [a.value for a in one("mmap(0644, 0x1000UL, 4096ULL, 10L, 7U, 00)").args]
    assert values == [0o644, 0x1000, 4096, 10, 7, 0]
    assert [a.value for a in one("munmap(0, 0xfful)").args] == [0, 255]
    assert [a.value for a in one("munmap(0o17, 0b101)").args] == [15, 5]


def test_c_division_is_stored_as_integer_division():
    assert one("munmap(p, 8192 / 2)").args[1] == BinOp("//", Num(8192), Num(2))
    assert one("munmap(p, 8192 // 2)").args[1] == BinOp("//", Num(8192), Num(2))


def test_trailing_semicolon_crlf_and_bom_are_accepted():
    scenario = parse_scenario("\ufeffclose(1);\r\nclose(2)\r\n")
    assert [s.args[0].value for s in scenario] == [1, 2]


def test_names_are_unchecked_without_constants():
    assert one("close(WHATEVER)").args == (Name("WHATEVER"),)


def test_variables_bound_earlier_are_known_names():
    text = 'fd = open("a", O_RDWR)\np = mmap(NULL, 1, 0, 0, fd, 0)\nx = p[0]\np[1] = x + 1'
    assert len(parse_scenario(text, "t", {"O_RDWR": 2})) == 4


def test_null_is_always_a_known_name():
    assert one("munmap(NULL, 4096)", {}).args[0] == Name("NULL")


def test_parse_statement_rejects_a_second_line():
    with pytest.raises(ScenarioError) as info:
        parse_statement("close(1)\nclose(2)")
    assert (info.value.column, info.value.message) == (9, "one statement per line")


def test_parse_statement_and_parse_expression_for_the_input_line():
    assert parse_statement("   # nothing") is None
    assert parse_statement("close(fd)", constants={}, variables={"fd"}) == Call(
        "close", (Name("fd"),)
    )
    assert parse_expression("p + 3 * 0x1000") == BinOp(
        "+", Name("p"), BinOp("*", Num(3), Num(0x1000))
    )


# --- -e splitting --------------------------------------------------------------------------


def test_split_statements_turns_semicolons_into_lines():
    assert (
        split_statements("a = b[0];  close(a)\nwriteback() ;") == "a = b[0]\nclose(a)\nwriteback()"
    )


def test_split_statements_keeps_semicolons_in_strings_and_comments():
    text = "open(\"a;b\", 0); open('c;d', 0) # x; y\nclose(3)"
    assert split_statements(text) == "open(\"a;b\", 0)\nopen('c;d', 0) # x; y\nclose(3)"


def test_split_statement_line_numbers_are_statement_numbers():
    err = error(split_statements(";;close(1);; close(2); mmap(1)"))
    assert (err.line, err.column) == (3, 7)


# --- errors --------------------------------------------------------------------------------


def test_unknown_name_error_prints_location_line_and_caret():
    text = 'fd = open("data.bin", O_RDWR, size=10000)\n# map it\n'
    text += "p = mmap(NULL, 4096, PROT_RAED, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
    err = error(text)
    assert (err.line, err.column) == (3, 22)
    assert str(err) == (
        "t.scn:3:22: unknown name 'PROT_RAED' (did you mean PROT_READ?)\n"
        "    p = mmap(NULL, 4096, PROT_RAED, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
        "                         ^"
    )


def test_variable_is_unknown_before_its_assignment():
    err = error('close(fd)\nfd = open("a", O_RDWR)')
    assert (err.line, err.column, err.message) == (1, 7, "unknown name 'fd'")
    err = error('fd = open("a", fd)')
    assert (err.line, err.column) == (1, 16)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("mmapp(NULL, 1, 0, 0, -1, 0)", 1, "unknown function 'mmapp' (did you mean mmap?)"),
        ("mmap(NULL, 1, 0, 0, -1)", 23,
         "mmap() takes 6 arguments (addr, length, prot, flags, fd, offset), got 5"),
        ("munmap(NULL, 1, 2)", 17, "munmap() takes 2 arguments (addr, length), got 3"),
        ("close()", 7, "close() takes 1 argument (fd), got 0"),
        ("capset()", 8, "capset() takes at least 1 argument (capability, ...), got 0"),
        ("writeback(1)", 11, "writeback() takes no arguments, got 1"),
        ("os.system(1)", 1, "expected a function name such as mmap, not attribute access (a.b)"),
        ("close(p.x)", 7, "expected an integer expression, not attribute access (a.b)"),
        ("close(lambda: 1)", 7, "expected an integer expression, not a lambda"),
        ("close([i for i in p])", 7, "expected an integer expression, not a comprehension"),
        ("close(f'{p}')", 7, "expected an integer expression, not an f-string"),
        ("close(*p)", 7, "starred arguments (*args) are not supported"),
        ("close(**p)", 7, "'**' arguments are not supported"),
        ("close(p[0])", 7, "a memory access must be a whole statement: x = p[i] or p[i] = v"),
        ("close(munmap(p, 1))", 7,
         "calls are not allowed inside expressions; make each call a statement"),
        ("close(2 ** 3)", 9, "operator '**' is not supported"),
        ("close(not p)", 7, "operator 'not' is not supported"),
        ("close(p < 1)", 7, "expected an integer expression, not a comparison"),
        ("close(1.5)", 7, "expected an integer, not a floating-point number"),
        ("close(None)", 7, "expected an integer; write NULL or 0 instead of None"),
        ('close("3")', 7, "expected an integer, not a string"),
        ("close(True)", 7, "expected an integer, not True/False"),
        ("close(18446744073709551616)", 7, "integer literal does not fit in 64 bits"),
        ("close(09)", 8, "invalid digit '9' in octal literal"),
        ("a = b = close(1)", 5, "chained assignment (a = b = ...) is not supported"),
        ("p += 1", 1, f"{EXPECTED}, not augmented assignment (+= and the like)"),
        ("import os", 1, f"{EXPECTED}, not an import"),
        ("if p: close(1)", 1, f"{EXPECTED}, not an if statement"),
        ("p", 1, EXPECTED),
        ("x = 3", 5, "expected a call such as mmap(...) or a memory read p[i] after '='"),
        ("a, b = close(1)", 1,
         "expected a variable name or a memory access p[i] before '=', not a tuple"),
        ("p[0:2] = 1", 3, "slices are not supported: a memory access is one byte, p[i]"),
        ("x = p[0][1]", 5, "a memory access must be a whole statement: x = p[i] or p[i] = v"),
        ("close(1); close(2)", 11, "one statement per line: start a new line instead of ';'"),
        ("PROT_READ = close(1)", 1, "'PROT_READ' is a constant; choose another variable name"),
        ("NULL = close(1)", 1, "'NULL' is a constant; choose another variable name"),
        ("mmap = close(1)", 1, "'mmap' is a function; choose another variable name"),
        ("close(\u201cx\u201d)", 7,
         "unexpected character '\u201c': outside strings only ASCII is allowed"),
        ("close(1", 6, "'(' was never closed"),
    ],
)  # fmt: skip
def test_rejected_statement_is_reported_at_the_offending_node(text, column, message):
    err = error(text)
    assert (err.line, err.column, err.message) == (1, column, message)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("open(1, O_RDWR)", 6, "open() expects a string literal for path"),
        ('open("a")', 9, "open() takes 2 arguments (path, flags), got 1"),
        (
            'open("a", O_RDWR, sise=1)',
            19,
            (
                "unknown keyword 'sise' for open() (did you mean size?); "
                "allowed: size, noexec, append_only, swapfile, fs"
            ),
        ),
        ('open("a", O_RDWR, noexec=1)', 26, "open() expects True or False for noexec"),
        ('open("a", O_RDWR, size=1, size=2)', 27, "keyword 'size' is given twice"),
        (
            'open("a", O_RDWR, fs="ext5")',
            22,
            (
                "unknown fs 'ext5' for open() (did you mean ext4?); "
                "expected one of: ext4, tmpfs, hugetlbfs"
            ),
        ),
        ('open("a", O_RDWR, size="big")', 24, "expected an integer, not a string"),
        ("munmap(p, 1, key=2)", 14, "munmap() takes no keyword arguments"),
        ("sysctl(vm, 1)", 8, "sysctl() expects a string literal for setting"),
        (
            'sysctl("vm.max_map_cont", 1)',
            8,
            (
                "unknown setting 'vm.max_map_cont' for sysctl() (did you mean vm.max_map_count?); "
                "expected one of: vm.max_map_count, vm.overcommit_memory, vm.overcommit_ratio, "
                "vm.nr_hugepages, vm.mmap_min_addr"
            ),
        ),
    ],
)
def test_open_and_sysctl_arguments_are_type_checked(text, column, message):
    err = error(text, None)
    assert (err.line, err.column, err.message) == (1, column, message)


def test_columns_count_characters_not_utf8_bytes():
    err = error('open("\u00e9t\u00e9", O_RDWR, sise=1)', None)
    assert err.column == 21


def test_columns_point_into_rewritten_c_literals():
    assert error("close(0644 + 0x10UL + PROT_RAED)").column == 23


def test_control_characters_are_rejected_and_never_printed_raw():
    err = error("close(\x1b[31mfd)")
    assert (err.line, err.column) == (1, 7)
    assert "\x1b" not in str(err)
    assert "close(\\x1b[31mfd)" in str(err)
    err = error('open("evil\u202e.bin", O_RDWR)')
    assert err.column == 11
    assert "\u202e" not in str(err)
    assert error("close(\x00)").column == 7


def test_error_display_escapes_control_characters_in_every_part():
    err = ScenarioError("bad \x1b[2J", 2, 3, "x\x07.scn", "ab\x1bcd")
    assert str(err) == "x\\x07.scn:2:3: bad \\x1b[2J\n    ab\\x1bcd\n      ^"


def test_error_caret_follows_tabs_and_long_lines_are_cut_around_the_column():
    err = error("\tclose(1) ; close(2)")
    assert err.column == 13
    assert str(err).splitlines()[1:] == ["            close(1) ; close(2)", " " * 23 + "^"]
    err = error('open("' + "a" * 1000 + '", x)')
    assert err.column == 1010
    shown, caret = str(err).splitlines()[1:]
    assert len(shown) < 200 and shown[caret.index("^")] == "x"


def test_error_without_source_line_prints_only_the_location():
    assert str(ScenarioError("too big", 1, 0, "a.scn")) == "a.scn:1: too big"
    err = pickle.loads(pickle.dumps(ScenarioError("m", 2, 3, "a", "line")))
    assert (err.message, err.line, err.column, err.source_name, err.source_line) == (
        "m", 2, 3, "a", "line",
    )  # fmt: skip


def test_long_statement_is_rejected_at_the_limit():
    err = error("close(" + "1" * 20_000 + ")", None)
    assert (err.column, err.message) == (10_001, "statement is longer than 10000 characters")


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("(" * 5000, 101),
        ("close(" + "(" * 1000 + "1" + ")" * 1000 + ")", 106),
        ("close(" + "-" * 200 + "1)", 108),
        ("close(" + "1+" * 150 + "1)", 104),
        ("close(" + "1+" * 3000 + "1)", 1),
        ("close(" + "-" * 9000 + "1)", 1),
    ],
    ids=["unclosed", "parentheses", "unary", "binary", "binary-beyond-ast", "unary-beyond-ast"],
)
def test_deep_nesting_is_a_located_error_not_a_crash(text, column):
    err = error(text, None)
    assert err.column == column
    assert "nested more than 100 levels deep" in err.message


def test_too_long_integer_literal_is_rejected():
    assert error("close(" + "9" * 5000 + ")", None).message == "integer literal is too long"


def test_too_many_statements_is_rejected(monkeypatch):
    monkeypatch.setattr(parser_module, "MAX_STATEMENTS", 3)
    err = error("close(1)\n\nclose(2)\nclose(3)\nclose(4)\n", None)
    assert (err.line, err.message) == (5, "too many statements (the limit is 3)")


def test_parse_bytes_reports_first_invalid_utf8_byte():
    with pytest.raises(ScenarioError) as info:
        parse_bytes('close(1)\nopen("\u00e9\xff", 0)\n'.encode("latin-1").replace(
            b"\xe9", "\u00e9".encode()), "b.scn")  # fmt: skip
    err = info.value
    assert (err.line, err.column) == (2, 8)
    assert err.message == "invalid UTF-8 byte 0xff: a scenario must be UTF-8 text"
    assert str(err).splitlines()[1:] == ['    open("\u00e9\\xff", 0)', "           ^"]
    assert len(parse_bytes(b"\xef\xbb\xbfclose(1)\n")) == 1


# --- evaluate and render -------------------------------------------------------------------

ENV = {"p": 0x7F0000000000, "fd": 3, "PROT_READ": 1, "PROT_WRITE": 2, "name": "a", "on": True}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3 * 4096", 12288),
        ("p + 0x3000", 0x7F0000003000),
        ("PROT_READ | PROT_WRITE", 3),
        ("1 << 12 | 1", 4097),
        ("-1", -1),
        ("~0", -1),
        ("-7 / 2", -3),
        ("-7 % 2", -1),
        ("7 % -2", 1),
        ("0x1234 & 0xff ^ 0x1", 0x35),
        ("NULL", 0),
        ("+fd", 3),
    ],
)
def test_evaluate_uses_c_precedence_and_truncating_division(text, value):
    assert evaluate(parse_expression(text), ENV) == value


def test_evaluate_returns_strings_and_bools_as_they_are():
    assert evaluate(Str("x"), ENV) == "x"
    assert evaluate(Name("on"), ENV) is True


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("4096 / (fd - 3)", 6, "division by zero"),
        ("fd % 0", 4, "division by zero"),
        ("1 << -1", 3, "shift count -1 is outside 0..4096"),
        ("1 >> 5000", 3, "shift count 5000 is outside 0..4096"),
        ("(1 << 100) * (1 << 100)", 12, "value out of range (more than 128 bits)"),
        ("fdd + 1", 1, "unknown name 'fdd' (did you mean fd?)"),
        ("name + 1", 1, "expected an integer, not 'a'"),
    ],
)
def test_evaluate_errors_are_located_at_the_node(text, column, message):
    with pytest.raises(ScenarioError) as info:
        evaluate(parse_expression(text), ENV)
    assert (info.value.column, info.value.message) == (column, message)


def test_evaluate_error_shows_the_statement_it_came_from():
    statement = one("  munmap(p, 4096 / 0)")
    with pytest.raises(ScenarioError) as info:
        evaluate(statement.args[1], ENV, statement=statement, source_name="t.scn")
    assert str(info.value) == (
        "t.scn:1:18: division by zero\n    " + "  munmap(p, 4096 / 0)\n    " + " " * 17 + "^"
    )


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("p+0x3000", "p + 0x3000"),
        ("(a | b) & c", "(a | b) & c"),
        ("a | b & c", "a | b & c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("-(-1)", "-(-1)"),
        ("~(a + 1)", "~(a + 1)"),
        ("8192 // 2", "8192 / 2"),
        ("0644 + 4096UL", "0644 + 4096UL"),
    ],
)
def test_render_prints_c_with_only_needed_parentheses(text, rendered):
    assert render(parse_expression(text)) == rendered


def test_render_spells_computed_numbers_in_decimal_then_hex():
    assert render(BinOp("+", Num(4096), Num(0x10000))) == "4096 + 0x10000"


def test_render_escapes_strings_in_c_style():
    assert render(Str('a"b\\c\n\x1b')) == '"a\\"b\\\\c\\n\\x1b"'


# --- robustness ----------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "mmap(", "open(", "close(", "p", "fd", "x", "=", "[", "]", "(", ")", ",", " ", "\t",
        "\n", ";", "#", '"', "'", "\\", "0", "0644", "0x", "UL", "9" * 30, "-", "~", "+", "*",
        "/", "//", "%", "<<", ">>", "|", "&", "^", "**", ".", "lambda", ":", "True", "None",
        "size=", "fs=", "\x1b", "\x00", "\r", "\u202e", "\u00e9", "\ud800", "f'", "{", "}",
        "(" * 300, "-" * 300, "1+" * 600,
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(_PIECES, max_size=60).map("".join),
)


def _check_clean(err: ScenarioError) -> None:
    shown = str(err)
    assert all(ch.isprintable() or ch == "\n" for ch in shown), repr(shown)
    assert err.line >= 0 and err.column >= 0


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.booleans())
def test_any_text_parses_or_raises_only_scenario_error(text, check_names):
    try:
        scenario = parse_scenario(text, "fuzz", CONSTANTS if check_names else None)
    except ScenarioError as err:
        _check_clean(err)
        return
    env = {**CONSTANTS, "p": 4096, "fd": 3, "x": 1}
    for statement in scenario:
        args = getattr(statement, "args", ())
        for arg in args:
            try:
                evaluate(arg, env, statement=statement)
            except ScenarioError as err:
                _check_clean(err)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_split_statements_never_fails_and_leaves_no_blank_lines(text):
    split = split_statements(text)
    assert all(line.strip() for line in split.split("\n")) or split == ""


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_raise_only_scenario_error(data):
    try:
        parse_bytes(data, "fuzz")
    except ScenarioError as err:
        _check_clean(err)


_EXPRESSIONS = st.recursive(
    st.one_of(
        st.integers(0, 2**64 - 1).map(Num),
        st.sampled_from(["p", "fd", "NULL", "PROT_READ"]).map(Name),
    ),
    lambda inner: st.one_of(
        st.builds(UnaryOp, st.sampled_from(["-", "~", "+"]), inner),
        st.builds(
            BinOp,
            st.sampled_from(["|", "&", "^", "+", "-", "*", "//", "%", "<<", ">>"]),
            inner,
            inner,
        ),
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_EXPRESSIONS)
def test_render_round_trips_and_evaluate_fails_only_with_scenario_error(expr):
    assert parse_expression(render(expr)) == expr
    try:
        evaluate(expr, ENV)
    except ScenarioError as err:
        _check_clean(err)


def test_megabyte_scenario_parses_in_reasonable_time():
    line = "p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)  # map\n"
    text = 'fd = open("data.bin", O_RDWR, size=10000)\n' + line * (1_000_000 // len(line))
    start = time.perf_counter()
    scenario = parse_scenario(text, "big.scn", CONSTANTS)
    assert len(scenario) == 1 + 1_000_000 // len(line)
    assert time.perf_counter() - start < 20


def test_megabyte_line_fails_fast():
    start = time.perf_counter()
    for text in ("(" * 1_000_000, '"' + "x" * 1_000_000, "1+" * 500_000):
        assert "longer than 10000" in error(text).message
    assert time.perf_counter() - start < 5
