# SPDX-License-Identifier: GPL-2.0-only
"""The whitelist: one line's ast turned into the model, accepting only the language's shapes.

Nothing the learner writes is run by Python: ast only gives its shape, and every shape not
accepted here is a ScenarioError at the line and column of the offending part.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Collection, Mapping
from typing import NoReturn

from lab import pyast
from lab.scenario.errors import ScenarioError, did_you_mean
from lab.scenario.lexer import MAX_NESTING, LexError, prepare
from lab.scenario.signatures import FUNCTIONS, Param, Signature
from lab.scenario.syntax import (
    BinOp,
    Bool,
    Call,
    Expr,
    Load,
    Name,
    Num,
    Statement,
    Store,
    Str,
    UnaryOp,
)

MAX_STATEMENT_CHARS = 10_000
MAX_LITERAL = 2**64 - 1

EXPECTED_STATEMENT = "expected a call such as mmap(...) or a memory access p[i] = v"
NESTED_TOO_DEEPLY = f"expression is nested more than {MAX_NESTING} levels deep"
TOO_MANY_OPERATORS = f"{NESTED_TOO_DEEPLY}: operators in a row nest to the left"

_BINARY = {
    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Add: "+", ast.Sub: "-",
    ast.Mult: "*", ast.Div: "//", ast.FloorDiv: "//", ast.Mod: "%",
    ast.LShift: "<<", ast.RShift: ">>",
}  # fmt: skip
_UNARY = {ast.USub: "-", ast.Invert: "~", ast.UAdd: "+"}
_UNSUPPORTED_OPS = {ast.Pow: "**", ast.MatMult: "@", ast.Not: "not"}
_WHAT = {
    ast.Attribute: "attribute access (a.b)",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.JoinedStr: "an f-string",
    ast.Starred: "a starred argument",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "a conditional expression",
    ast.NamedExpr: "an assignment expression (:=)",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.Import: "an import",
    ast.ImportFrom: "an import",
    ast.AugAssign: "augmented assignment (+= and the like)",
    ast.Assign: "an assignment",
    ast.AnnAssign: "an annotated assignment",
    ast.Pass: "'pass'",
    ast.Delete: "'del'",
    ast.If: "an if statement",
    ast.For: "a loop",
    ast.While: "a loop",
    ast.FunctionDef: "a function definition",
    ast.ClassDef: "a class definition",
}


_AST_FILE = "<mmaplab scenario>"


def parse_ast(code: str, mode: str = "exec") -> ast.AST:
    """ast.parse (lab.pyast: one parse at a time in the process), its warnings made errors."""
    with pyast.AST_LOCK, warnings.catch_warnings():
        # An unknown escape such as "\\q" is only a warning to Python (printed raw on 3.12);
        # to us a mistake, so it becomes the SyntaxError the caller reports at its column.
        # The filter names our own file name only: other threads' warnings are left alone.
        warnings.filterwarnings("error", module=re.escape(_AST_FILE))
        return pyast.parse(code, _AST_FILE, mode)


def describe(node: ast.AST) -> str:
    """What a node is, in words a learner knows."""
    return _WHAT.get(type(node), f"Python's {type(node).__name__!r}")


class LineParser:
    """One source line: prepared for ast, then each accepted node turned into the model."""

    def __init__(
        self,
        raw: str,
        line: int,
        source_name: str,
        constants: Mapping[str, int] | None,
        variables: Collection[str],
    ) -> None:
        self.raw, self.line, self.source_name = raw, line, source_name
        self.constants, self.variables = constants, variables
        self._check_characters()
        try:
            self.prepared = prepare(raw, MAX_STATEMENT_CHARS)
        except LexError as err:
            self.fail(err.message, err.index + 1)
        python = self.prepared.python
        self._bytes = None if python.isascii() else python.encode()
        self.start = self.prepared.indent + 1

    # --- locating ---

    def fail(self, message: str, where: ast.AST | int) -> NoReturn:
        column = where if isinstance(where, int) else self.column(where.col_offset)
        raise ScenarioError(message, self.line, column, self.source_name, self.raw)

    def column(self, byte_offset: int) -> int:
        """1-based column in the source line of a byte offset that ast reports."""
        if self._bytes is None and self.prepared.origin is None:
            return self.prepared.indent + byte_offset + 1
        return self.column_of_index(self._index(byte_offset))

    def _index(self, byte_offset: int) -> int:
        """ast's offsets count UTF-8 bytes; ours count characters."""
        if self._bytes is None:
            return byte_offset
        return len(self._bytes[:byte_offset].decode("utf-8", "ignore"))

    def source_text(self, node: ast.expr) -> str:
        """The text of a node as the learner typed it."""
        code_index = self.prepared.code_index
        start = code_index(self._index(node.col_offset))
        return self.prepared.code[start : code_index(self._index(node.end_col_offset))]

    def column_of_index(self, python_index: int) -> int:
        return self.prepared.indent + self.prepared.code_index(python_index) + 1

    def _check_characters(self) -> None:
        if self.raw.isprintable():
            return
        for index, ch in enumerate(self.raw):
            if ch == "\n":
                self.fail("one statement per line", index + 1)
            if not ch.isprintable() and ch != "\t":
                self.fail(
                    f"control or invisible character {ch!r} is not allowed"
                    " (inside a string, write an escape such as \\x1b)",
                    index + 1,
                )

    # --- statements ---

    def body(self) -> list[ast.stmt]:
        """The ast statements of the line ([] for a blank or comment-only line)."""
        if not self.prepared.code:
            return []
        try:
            tree = parse_ast(self.prepared.python)
        except SyntaxError as err:
            message = err.msg
            if message == "invalid syntax":
                message += "; " + EXPECTED_STATEMENT
            index = (err.offset or 1) - 1 if (err.lineno or 1) == 1 else len(self.prepared.python)
            self.fail(message, self.column_of_index(index))
        except (RecursionError, MemoryError):
            self.fail(NESTED_TOO_DEEPLY, self.start)
        except (ValueError, OverflowError, UnicodeError) as err:
            self.fail(f"cannot parse this statement: {err}", self.start)
        if len(tree.body) > 1:
            self.fail("one statement per line: start a new line instead of ';'", tree.body[1])
        return tree.body

    def statement(self) -> Statement | None:
        body = self.body()
        if not body:
            return None
        node = body[0]
        where = {"line": self.line, "column": self.start, "text": self.prepared.code}
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Call):
                return self.call(node.value, None, where)
            self.fail(EXPECTED_STATEMENT, node.value)
        if not isinstance(node, ast.Assign):
            self.fail(f"{EXPECTED_STATEMENT}, not {describe(node)}", node)
        if len(node.targets) > 1:
            self.fail("chained assignment (a = b = ...) is not supported", node.targets[1])
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Subscript):
            pointer, index = self.subscript(target)
            return Store(pointer, index, self.expr(value), **where)
        if not isinstance(target, ast.Name):
            self.fail(
                f"expected a variable name or a memory access p[i] before '=', "
                f"not {describe(target)}",
                target,
            )
        name = self.target(target)
        if isinstance(value, ast.Call):
            return self.call(value, name, where)
        if isinstance(value, ast.Subscript):
            pointer, index = self.subscript(value)
            return Load(name, pointer, index, **where)
        self.fail("expected a call such as mmap(...) or a memory read p[i] after '='", value)

    def target(self, node: ast.Name) -> str:
        name = node.id
        if name == "NULL" or (self.constants is not None and name in self.constants):
            self.fail(f"{name!r} is a constant; choose another variable name", node)
        if name in FUNCTIONS:
            self.fail(f"{name!r} is a function; choose another variable name", node)
        return name

    def subscript(self, node: ast.Subscript) -> tuple[Expr, Expr]:
        if isinstance(node.slice, ast.Slice):
            self.fail("slices are not supported: a memory access is one byte, p[i]", node.slice)
        return self.expr(node.value), self.expr(node.slice)

    def call(self, node: ast.Call, target: str | None, where: dict) -> Call:
        func = node.func
        if not isinstance(func, ast.Name):
            self.fail(f"expected a function name such as mmap, not {describe(func)}", func)
        signature = FUNCTIONS.get(func.id)
        if signature is None:
            hint = did_you_mean(func.id, FUNCTIONS) or "; the functions are " + ", ".join(FUNCTIONS)
            self.fail(f"unknown function {func.id!r}{hint}", func)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail("starred arguments (*args) are not supported", arg)
        for keyword in node.keywords:
            if keyword.arg is None:
                self.fail("'**' arguments are not supported", keyword)
        args = self.arguments(func.id, signature, node)
        kwargs = self.keywords(func.id, signature, node.keywords)
        return Call(func.id, args, kwargs, target, **where)

    def arguments(self, func: str, signature: Signature, node: ast.Call) -> tuple[Expr, ...]:
        params, given = signature.params, len(node.args)
        if given != len(params) and not (signature.variadic and given > len(params)):
            if not params:
                expected = "no arguments"
            else:
                plural = "" if len(params) == 1 else "s"
                least = "at least " if signature.variadic else ""
                expected = f"{least}{len(params)} argument{plural} ({signature.describe()})"
            if given > len(params):
                self.fail(f"{func}() takes {expected}, got {given}", node.args[len(params)])
            self.fail(
                f"{func}() takes {expected}, got {given}", self.column(node.end_col_offset - 1)
            )
        return tuple(
            self.argument(func, params[min(i, len(params) - 1)], arg)
            for i, arg in enumerate(node.args)
        )

    def keywords(
        self, func: str, signature: Signature, keywords: list[ast.keyword]
    ) -> tuple[tuple[str, Expr], ...]:
        allowed = {p.name: p for p in signature.keywords}
        result = []
        for keyword in keywords:
            if any(keyword.arg == name for name, _ in result):
                self.fail(f"keyword {keyword.arg!r} is given twice", keyword)
            if keyword.arg not in allowed:
                if not allowed:
                    self.fail(f"{func}() takes no keyword arguments", keyword)
                hint = did_you_mean(keyword.arg, allowed)
                self.fail(
                    f"unknown keyword {keyword.arg!r} for {func}(){hint}"
                    f"; allowed: {', '.join(allowed)}",
                    keyword,
                )
            result.append((keyword.arg, self.argument(func, allowed[keyword.arg], keyword.value)))
        return tuple(result)

    def argument(self, func: str, param: Param, node: ast.expr) -> Expr:
        if param.kind == "int":
            return self.expr(node)
        value = node.value if isinstance(node, ast.Constant) else None
        where = {"line": self.line, "column": self.column(node.col_offset)}
        if param.kind == "bool":
            if not isinstance(value, bool):
                self.fail(f"{func}() expects True or False for {param.name}", node)
            return Bool(value, **where)
        if type(value) is not str:
            self.fail(f"{func}() expects a string literal for {param.name}", node)
        if param.choices and value not in param.choices:
            self.fail(
                f"unknown {param.name} {value!r} for {func}(){did_you_mean(value, param.choices)}"
                f"; expected one of: {', '.join(param.choices)}",
                node,
            )
        return Str(value, **where)

    # --- expressions ---

    def expr(self, node: ast.expr, depth: int = 0, chain: bool = False) -> Expr:
        """An integer expression: literals, names, and the whitelisted operators.

        `chain`: reached as the left operand of a binary operator, so the depth counts
        operators in a row (`1 + 1 + ...` nests to the left) rather than brackets.
        """
        if isinstance(node, ast.BinOp):
            column = self.operator_column(node)
        else:
            column = self.column(node.col_offset)
        if depth > MAX_NESTING:
            self.fail(TOO_MANY_OPERATORS if chain else NESTED_TOO_DEEPLY, column)
        where = {"line": self.line, "column": column}
        if isinstance(node, ast.Constant):
            return self.integer(node, where)
        if isinstance(node, ast.Name):
            return self.name(node, where)
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                self.fail(f"operator {_UNSUPPORTED_OPS[type(node.op)]!r} is not supported", column)
            left = self.expr(node.left, depth + 1, chain=isinstance(node.left, ast.BinOp))
            return BinOp(op, left, self.expr(node.right, depth + 1), **where)
        if isinstance(node, ast.UnaryOp):
            op = _UNARY.get(type(node.op))
            if op is None:
                self.fail(f"operator {_UNSUPPORTED_OPS[type(node.op)]!r} is not supported", node)
            return UnaryOp(op, self.expr(node.operand, depth + 1), **where)
        if isinstance(node, ast.Call):
            self.fail("calls are not allowed inside expressions; make each call a statement", node)
        if isinstance(node, ast.Subscript):
            self.fail("a memory access must be a whole statement: x = p[i] or p[i] = v", node)
        self.fail(f"expected an integer expression, not {describe(node)}", node)

    def integer(self, node: ast.Constant, where: dict) -> Num:
        value = node.value
        if type(value) is int:
            if value > MAX_LITERAL:
                self.fail("integer literal does not fit in 64 bits", node)
            return Num(value, **where, spelling=self.source_text(node))
        what = {bool: "True/False", str: "a string", float: "a floating-point number",
                bytes: "a byte string", complex: "a complex number"}.get(type(value))  # fmt: skip
        if value is None:
            self.fail("expected an integer; write NULL or 0 instead of None", node)
        self.fail(f"expected an integer, not {what or repr(value)}", node)

    def name(self, node: ast.Name, where: dict) -> Name:
        name = node.id
        if (
            self.constants is not None
            and name != "NULL"
            and name not in self.constants
            and name not in self.variables
        ):
            known = [*self.constants, *self.variables, "NULL"]
            self.fail(f"unknown name {name!r}{did_you_mean(name, known)}", node)
        return Name(name, **where)

    def operator_column(self, node: ast.BinOp) -> int:
        """Column of a binary operator: the first character after the left operand and any ')'."""
        text = self.prepared.python
        start = self._index(node.left.end_col_offset)
        end = self._index(node.right.col_offset)
        for index in range(start, end):
            if text[index] not in " \t()":
                return self.column_of_index(index)
        return self.column_of_index(start)
