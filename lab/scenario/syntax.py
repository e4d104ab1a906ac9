# SPDX-License-Identifier: GPL-2.0-only
"""The scenario language's data model: statements and expressions as frozen dataclasses.

Positions (line, column, text) are metadata: they do not take part in equality, so two
parses of the same program compare equal however it was spaced. Lines and columns are 1-based.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


def _position() -> int:
    return field(default=0, compare=False, kw_only=True)


# --- expressions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    """An integer literal; `spelling` is the literal as typed (`0x3000`, `0644`, `4096UL`)."""

    value: int
    line: int = _position()
    column: int = _position()
    spelling: str | None = field(default=None, compare=False, kw_only=True)


@dataclass(frozen=True)
class Str:
    """A string literal: a path for open() or a sysctl name."""

    value: str
    line: int = _position()
    column: int = _position()


@dataclass(frozen=True)
class Bool:
    """True or False: the value of an open() flag keyword such as noexec=True."""

    value: bool
    line: int = _position()
    column: int = _position()


@dataclass(frozen=True)
class Name:
    """A constant (PROT_READ, NULL) or a variable bound by an earlier statement."""

    id: str
    line: int = _position()
    column: int = _position()


@dataclass(frozen=True)
class BinOp:
    """left OP right, OP one of | & ^ + - * // % << >> (C's / is stored as //).

    Located at the operator, so an error such as division by zero points at the '/'.
    """

    op: str
    left: Expr
    right: Expr
    line: int = _position()
    column: int = _position()


@dataclass(frozen=True)
class UnaryOp:
    """OP operand, OP one of - ~ +."""

    op: str
    operand: Expr
    line: int = _position()
    column: int = _position()


Expr = Num | Str | Bool | Name | BinOp | UnaryOp

BINARY_OPS = ("|", "&", "^", "+", "-", "*", "//", "%", "<<", ">>")
UNARY_OPS = ("-", "~", "+")


# --- statements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """func(args, key=value, ...), optionally assigned: `fd = open(...)` has target 'fd'."""

    func: str
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...] = ()
    target: str | None = None
    line: int = _position()
    column: int = _position()
    text: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Store:
    """pointer[index] = value: write one byte."""

    pointer: Expr
    index: Expr
    value: Expr
    line: int = _position()
    column: int = _position()
    text: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Load:
    """target = pointer[index]: read one byte."""

    target: str
    pointer: Expr
    index: Expr
    line: int = _position()
    column: int = _position()
    text: str = field(default="", compare=False, kw_only=True)


Statement = Call | Store | Load


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario: its statements in source order."""

    statements: tuple[Statement, ...]
    source_name: str = "<scenario>"

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)
