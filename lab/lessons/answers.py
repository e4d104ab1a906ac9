# SPDX-License-Identifier: GPL-2.0-only
"""Answers: the small expression language of `answer = "..."` and `{{ ... }}`.

An answer expression is Python syntax read by `ast` and walked over a whitelist, never run by
Python: literals, the fact functions of facts.py (`errno(2)`, `merge_with("q")`), scenario
variables and constants, arithmetic, comparisons, `and`/`or`/`not`, `x if c else y`, and
hex()/kb()/pages(). A statement is named by its number or by the variable it binds.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from lab.lessons.facts import FACT_FUNCTIONS, FactError, Facts
from lab.runner import scenario_constants
from lab.scenario import Scenario
from lab.scenario.whitelist import parse_ast

MAX_EXPRESSION = 400
HELPERS: dict[str, Callable[..., Any]] = {
    "hex": lambda x: hex(x) if x >= 0 else "-" + hex(-x),
    "kb": lambda x: x // 1024,
    "pages": lambda x: x // 4096,
    "min": min,
    "max": max,
    "abs": abs,
}
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_, ast.BitXor: operator.xor, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class ExpressionError(Exception):
    """A mistake in an answer expression, at a 1-based column of its text."""

    def __init__(self, key: str, column: int = 1, **params):
        super().__init__(key, column, params)
        self.key = key
        self.column = column
        self.params = params


def compile_expression(text: str) -> ast.expr:
    """Parse and whitelist an answer expression (no simulator needed)."""
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError("expr_long", 1, limit=MAX_EXPRESSION)
    try:
        tree = parse_ast(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ExpressionError("expr_syntax", err.offset or 1, detail=err.msg) from None
    lead = len(text) - len(text.lstrip())
    for node in ast.walk(tree):
        _allowed(node, lead)
    return tree.body


def _allowed(node: ast.AST, lead: int) -> None:
    col = getattr(node, "col_offset", 0) + lead + 1
    ok = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Call, ast.BinOp, ast.UnaryOp,
          ast.Compare, ast.BoolOp, ast.IfExp, ast.Tuple, ast.List, ast.And, ast.Or, ast.Not,
          ast.USub, ast.UAdd, ast.Invert, *_BINOPS, *_COMPARE)
    if not isinstance(node, ok):
        raise ExpressionError("expr_node", col, what=type(node).__name__)
    if isinstance(node, ast.Constant) and not isinstance(node.value, (int, str, bool)):
        raise ExpressionError("expr_node", col, what=repr(node.value))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("expr_node", col, what=f"calling {ast.unparse(node.func)}")
        name = node.func.id
        if name not in FACT_FUNCTIONS and name not in HELPERS or node.keywords:
            import difflib

            close = difflib.get_close_matches(str(name), [*FACT_FUNCTIONS, *HELPERS], n=1)
            raise ExpressionError("expr_function", col, name=name,
                                  hint=close[0] if close else "")
        if name in FACT_FUNCTIONS and len(node.args) != 1:
            raise ExpressionError("expr_arity", col, name=name)


def statements_named(tree: ast.expr, scenario: Scenario) -> list[int]:
    """The statement numbers an expression's fact calls refer to (for a default anchor)."""
    from lab.lessons.recording import statement_of_name

    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FACT_FUNCTIONS and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, int):
                out.append(arg.value)
            elif isinstance(arg, (ast.Name, ast.Constant)):
                name = arg.id if isinstance(arg, ast.Name) else arg.value
                k = statement_of_name(scenario, str(name))
                if k:
                    out.append(k)
    return out


def evaluate_expression(tree: ast.expr, facts: Facts, lead: int = 0) -> Any:
    """The value of a compiled answer expression over the facts (raises ExpressionError)."""
    from lab.lessons.recording import statement_of_name

    scenario = facts.rec.scenario
    constants = scenario_constants()

    def fail(node: ast.AST, key: str, **params) -> ExpressionError:
        return ExpressionError(key, getattr(node, "col_offset", 0) + lead + 1, **params)

    def statement(node: ast.expr) -> int:
        if isinstance(node, ast.Constant) and isinstance(node.value, int) \
                and not isinstance(node.value, bool):
            return node.value
        name = node.id if isinstance(node, ast.Name) else (
            node.value if isinstance(node, ast.Constant) else None)
        if not isinstance(name, str):
            raise fail(node, "expr_statement")
        k = statement_of_name(scenario, name)
        if not k:
            raise fail(node, "statement_name" if k is None else "statement_name_twice",
                       name=name, names=", ".join(
                           s.target for s in scenario if getattr(s, "target", None)) or "-")
        return k

    def walk(node: ast.expr) -> Any:
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name):
                k = statement_of_name(scenario, name)
                if k:
                    return fact("ret", k, node)
                if name in constants:
                    return constants[name]
                if name in ("true", "false"):
                    return name == "true"
                raise fail(node, "expr_name", name=name)
            case ast.Call(func=ast.Name(id=name), args=args):
                if name in FACT_FUNCTIONS:
                    return fact(name, statement(args[0]), node)
                values = [walk(a) for a in args]
                try:
                    return HELPERS[name](*values)
                except (TypeError, ValueError) as err:
                    raise fail(node, "expr_value", detail=str(err)) from None
            case ast.BinOp(left=left, op=op, right=right):
                a, b = walk(left), walk(right)
                if isinstance(op, (ast.FloorDiv, ast.Mod)) and b == 0:
                    raise fail(node, "expr_value", detail="division by zero")
                if isinstance(op, (ast.LShift, ast.RShift)) and isinstance(b, int) \
                        and not 0 <= b <= 4096:
                    raise fail(node, "expr_value", detail=f"shift count {b}")
                if isinstance(op, ast.Mult) and any(isinstance(x, str) for x in (a, b)):
                    raise fail(node, "expr_value", detail="strings are not multiplied")
                try:
                    value = _BINOPS[type(op)](a, b)
                except TypeError as err:
                    raise fail(node, "expr_value", detail=str(err)) from None
                if isinstance(value, int) and abs(value) > 1 << 128 or \
                        isinstance(value, str) and len(value) > 4096:
                    raise fail(node, "expr_value", detail="value out of range")
                return value
            case ast.UnaryOp(op=op, operand=operand):
                v = walk(operand)
                if isinstance(op, ast.Not):
                    return not v
                try:
                    return {ast.USub: operator.neg, ast.UAdd: operator.pos,
                            ast.Invert: operator.invert}[type(op)](v)
                except TypeError as err:
                    raise fail(node, "expr_value", detail=str(err)) from None
            case ast.Compare(left=left, ops=ops, comparators=rights):
                a = walk(left)
                for op, right in zip(ops, rights):
                    b = walk(right)
                    try:
                        if not _COMPARE[type(op)](a, b):
                            return False
                    except TypeError as err:
                        raise fail(node, "expr_value", detail=str(err)) from None
                    a = b
                return True
            case ast.BoolOp(op=op, values=values):
                result: Any = isinstance(op, ast.And)
                for v in values:
                    result = walk(v)
                    if isinstance(op, ast.And) and not result:
                        return result
                    if isinstance(op, ast.Or) and result:
                        return result
                return result
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return walk(body) if walk(test) else walk(orelse)
            case ast.Tuple(elts=elts) | ast.List(elts=elts):
                return tuple(walk(e) for e in elts)
        raise fail(node, "expr_node", what=type(node).__name__)

    def fact(name: str, k: int, node: ast.AST) -> Any:
        try:
            return getattr(facts, name)(k)
        except FactError as err:
            raise fail(node, err.key, **err.params) from None

    return walk(tree)
