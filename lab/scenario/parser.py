# SPDX-License-Identifier: GPL-2.0-only
"""Parse scenarios: text or bytes, one statement a line, each line through the whitelist."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping

from lab.scenario.errors import ScenarioError
from lab.scenario.syntax import Call, Expr, Load, Scenario, Statement
from lab.scenario.whitelist import LineParser, describe

MAX_STATEMENTS = 100_000
MAX_SOURCE_CHARS = 16 * 1024 * 1024


def bound_name(statement: Statement) -> str | None:
    """The variable a statement assigns, if any."""
    return statement.target if isinstance(statement, Call | Load) else None


def parse_statement(
    text: str,
    line: int = 1,
    source_name: str = "<input>",
    constants: Mapping[str, int] | None = None,
    variables: Collection[str] = (),
) -> Statement | None:
    """Parse one statement (the TUI's input line); None for a blank or comment-only line.

    `variables` are the names bound by earlier statements; names are checked only when
    `constants` is given.
    """
    return LineParser(text, line, source_name, constants, frozenset(variables)).statement()


def parse_expression(
    text: str,
    source_name: str = "<expression>",
    constants: Mapping[str, int] | None = None,
    variables: Collection[str] = (),
) -> Expr:
    """Parse one integer expression, such as an address typed into the TUI: `p + 0x1000`."""
    parser = LineParser(text, 1, source_name, constants, frozenset(variables))
    body = parser.body()
    if not body:
        parser.fail("expected an expression", parser.start)
    if not isinstance(body[0], ast.Expr):
        parser.fail(f"expected an expression, not {describe(body[0])}", body[0])
    return parser.expr(body[0].value)


def parse_scenario(
    text: str,
    source_name: str = "<scenario>",
    constants: Mapping[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Scenario:
    """Parse a scenario, one statement a line.

    With `constants`, every name must be a constant, NULL, or a variable bound by an earlier
    statement; without, names are left for the caller to resolve. `progress(line, lines)`,
    if given, is called every 1,024 lines (65,530 statements take seconds to read).
    """
    if len(text) > MAX_SOURCE_CHARS:
        raise ScenarioError(
            f"scenario is larger than {MAX_SOURCE_CHARS} characters", 1, 0, source_name
        )
    text = text.removeprefix("\ufeff")
    variables: set[str] = set()
    statements: list[Statement] = []
    lines = text.split("\n")
    for number, raw in enumerate(lines, 1):
        if progress is not None and not number & 1023:
            progress(number - 1, len(lines))
        raw = raw.removesuffix("\r")
        if not raw.strip(" \t"):
            continue
        statement = LineParser(raw, number, source_name, constants, variables).statement()
        if statement is None:
            continue
        if len(statements) == MAX_STATEMENTS:
            raise ScenarioError(
                f"too many statements (the limit is {MAX_STATEMENTS})",
                number, statement.column, source_name, raw,
            )  # fmt: skip
        statements.append(statement)
        if (name := bound_name(statement)) is not None:
            variables.add(name)
    return Scenario(tuple(statements), source_name)


def parse_bytes(
    data: bytes,
    source_name: str = "<scenario>",
    constants: Mapping[str, int] | None = None,
) -> Scenario:
    """Parse a scenario file's bytes: UTF-8, with the first bad byte reported where it is."""
    return parse_scenario(decode_scenario(data, source_name), source_name, constants)


def decode_scenario(data: bytes, source_name: str = "<scenario>") -> str:
    """A scenario file's text; bytes that are not UTF-8 are a ScenarioError at the first."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line_end = data.find(b"\n", err.start)
        line_bytes = data[line_start : len(data) if line_end < 0 else line_end]
        raise ScenarioError(
            f"invalid UTF-8 byte 0x{data[err.start]:02x}: a scenario must be UTF-8 text",
            data.count(b"\n", 0, err.start) + 1,
            len(data[line_start : err.start].decode("utf-8")) + 1,
            source_name,
            line_bytes.removesuffix(b"\r").decode("utf-8", "backslashreplace"),
        ) from None
