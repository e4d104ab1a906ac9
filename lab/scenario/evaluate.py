# SPDX-License-Identifier: GPL-2.0-only
"""Evaluate scenario expressions to values, and render them back in C style.

Values are plain Python ints. Reducing them to what the kernel sees (an unsigned 64-bit
`length`, so -1 is 0xffffffffffffffff) is the caller's business, done where the kernel does it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import NoReturn

from lab.scenario.errors import ScenarioError, did_you_mean
from lab.scenario.lexer import MAX_NESTING
from lab.scenario.syntax import BinOp, Bool, Expr, Name, Num, Statement, Str, UnaryOp

Value = int | str | bool

#: No value may grow past this magnitude, so absurd expressions cannot eat memory.
MAX_MAGNITUDE = 2**128
MAX_SHIFT = 4096


def _c_divide(a: int, b: int) -> int:
    """C's integer division: the quotient truncated toward zero (Python's // floors)."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def _c_remainder(a: int, b: int) -> int:
    """C's %: the remainder has the sign of the dividend."""
    return a - b * _c_divide(a, b)


_OPERATORS: dict[str, Callable[[int, int], int]] = {
    "|": operator.or_,
    "&": operator.and_,
    "^": operator.xor,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": _c_divide,
    "%": _c_remainder,
    "<<": operator.lshift,
    ">>": operator.rshift,
}


def evaluate(
    expr: Expr,
    env: Mapping[str, Value],
    *,
    statement: Statement | None = None,
    source_name: str = "<scenario>",
) -> Value:
    """The value of expr, names looked up in env (NULL is 0 unless env binds it).

    `/` and `%` truncate toward zero as in C. Errors are located at the node; pass the
    statement it came from to have its text shown under the message.
    """
    # the common arguments first (4096, PROT_READ, fd): no closures to make for them
    if type(expr) is Name and expr.id in env:
        return env[expr.id]
    if type(expr) in (Num, Str, Bool):
        return expr.value
    source_line = " " * (statement.column - 1) + statement.text if statement else ""

    def fail(message: str, node: Expr) -> NoReturn:
        line = node.line or (statement.line if statement else 0)
        raise ScenarioError(message, line, node.column, source_name, source_line)

    def integer(node: Expr, depth: int) -> int:
        value = walk(node, depth)
        if type(value) is not int:
            fail(f"expected an integer, not {value!r}", node)
        return value

    def walk(node: Expr, depth: int) -> Value:
        if depth > MAX_NESTING:
            fail(f"expression is nested more than {MAX_NESTING} levels deep", node)
        match node:
            case Num(value) | Str(value) | Bool(value):
                return value
            case Name(name):
                if name in env:
                    return env[name]
                if name == "NULL":
                    return 0
                fail(f"unknown name {name!r}{did_you_mean(name, env)}", node)
            case UnaryOp(op, operand):
                value = integer(operand, depth + 1)
                result = {"-": -value, "+": value, "~": ~value}[op]
            case BinOp(op, left, right):
                result = binary(op, integer(left, depth + 1), integer(right, depth + 1), node)
            case _:
                raise TypeError(f"not a scenario expression: {node!r}")
        if abs(result) > MAX_MAGNITUDE:
            fail("value out of range (more than 128 bits)", node)
        return result

    def binary(op: str, a: int, b: int, node: BinOp) -> int:
        if op in ("//", "%") and b == 0:
            fail("division by zero", node)
        if op in ("<<", ">>") and not 0 <= b <= MAX_SHIFT:
            fail(f"shift count {b} is outside 0..{MAX_SHIFT}", node)
        return _OPERATORS[op](a, b)

    return walk(expr, 0)


# --- rendering -------------------------------------------------------------------------------

_PRECEDENCE = {"|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "//": 6, "%": 6}
_UNARY_PRECEDENCE = 7
_ATOM = 8


def _c_string(value: str) -> str:
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
    body = "".join(escapes.get(ch) or (ch if ch.isprintable() else repr(ch)[1:-1]) for ch in value)
    return f'"{body}"'


def _render(expr: Expr) -> tuple[str, int]:
    """The text of expr and the precedence of its outermost operator."""
    match expr:
        case Num(value, spelling=spelling):
            text = spelling or (hex(value) if value >= 0x10000 else str(value))
            return text, _ATOM if value >= 0 else _UNARY_PRECEDENCE
        case Str(value):
            return _c_string(value), _ATOM
        case Bool(value) | Name(value):
            return str(value), _ATOM
        case UnaryOp(op, operand):
            text, precedence = _render(operand)
            if precedence < _UNARY_PRECEDENCE or text[0] in "-+":  # "- -x", never "--x"
                text = f"({text})"
            return op + text, _UNARY_PRECEDENCE
        case BinOp(op, left, right):
            precedence = _PRECEDENCE[op]
            left_text, left_precedence = _render(left)
            right_text, right_precedence = _render(right)
            if left_precedence < precedence:
                left_text = f"({left_text})"
            if right_precedence <= precedence:
                right_text = f"({right_text})"
            return f"{left_text} {'/' if op == '//' else op} {right_text}", precedence
    raise TypeError(f"not a scenario expression: {expr!r}")


def render(expr: Expr) -> str:
    """expr in C style with only the parentheses C needs: `p + 3 * 0x1000`, `(a | b) & c`."""
    return _render(expr)[0]
