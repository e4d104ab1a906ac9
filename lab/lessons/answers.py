# SPDX-License-Identifier: GPL-2.0-only
"""Answers: the small expression language of `answer = "..."`, and checking a learner's reply.

An answer expression is Python syntax read by `ast` and walked over a whitelist, never run by
Python: literals, the fact functions of facts.py (`errno(2)`, `merge_with("q")`), scenario
variables and constants, arithmetic, comparisons, `and`/`or`/`not`, `x if c else y`, and
hex()/kb()/pages(). A statement is named by its number or by the variable it binds.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.lessons.facts import FACT_FUNCTIONS, FactError, Facts
from lab.lessons.i18n import t
from lab.runner import scenario_constants
from lab.scenario import Scenario, ScenarioError, evaluate, parse_expression

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
        tree = ast.parse(text.strip(), mode="eval")
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
                try:
                    return _BINOPS[type(op)](a, b)
                except TypeError as err:
                    raise fail(node, "expr_value", detail=str(err)) from None
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


# --- the learner's reply ------------------------------------------------------------------

BUILTIN_OPTIONS = {
    "merge": [True, False],
    "merge_with": ["prev", "next", "both", "none"],
}
_YES = {"yes", "y", "true", "1", "是", "对", "会", "合并", "是的"}
_NO = {"no", "n", "false", "0", "否", "不", "不会", "不合并", "不是"}
_NONE = {"none", "0", "success", "ok", "no error", "无", "成功", "没有", "不出错"}
_ROW = re.compile(r"^\s*(?:0x)?([0-9a-f]+)\s*-\s*(?:0x)?([0-9a-f]+)\s+([r-][w-][x-][ps])"
                  r"(?:\s+(.*?))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Reply:
    """A learner's reply read for one question: what it means, or why it means nothing."""

    value: Any = None
    ok: bool = True  # False: the reply could not be read (`problem` says why)
    problem: str = ""


def letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i]


def read_reply(kind: str, text: str, options: list | None, labels: list[str] | None,
               expected: Any, lang: str, variables: dict[str, int] | None = None) -> Reply:
    """Read the learner's text as a value comparable with the computed answer."""
    text = " ".join(text.strip().split())
    if not text:
        return Reply(ok=False, problem=t("reply_empty", lang))
    if options is not None:
        return _read_option(text, options, labels, lang)
    if kind == "errno":
        return _read_errno(text, lang)
    if kind == "signal":
        word = text.upper()
        if word.lower() in _NONE:
            return Reply("none")
        return Reply(word if word.startswith("SIG") else "SIG" + word)
    if kind == "vma":
        m = _ROW.match(text)
        if m is None:
            return Reply(ok=False, problem=t("reply_vma", lang))
        return Reply((int(m.group(1), 16), int(m.group(2), 16), m.group(3).lower(),
                      m.group(4)))
    if isinstance(expected, bool):
        low = text.lower()
        if low in _YES:
            return Reply(True)
        if low in _NO:
            return Reply(False)
        return Reply(ok=False, problem=t("reply_yes_no", lang))
    if isinstance(expected, int):
        return _read_int(text, lang, variables or {})
    return Reply(text)


def _read_option(text: str, options: list, labels: list[str] | None, lang: str) -> Reply:
    low = text.lower().rstrip(").")
    if len(low) == 1 and low.isalpha() and ord(low) - ord("a") < len(options):
        return Reply(options[ord(low) - ord("a")])
    for i, option in enumerate(options):
        shown = labels[i] if labels else None
        if str(option).lower() == text.lower() or (shown and " ".join(
                shown.split()).lower() == text.lower()):
            return Reply(option)
        if isinstance(option, bool) and ((option and low in _YES) or (not option and low in _NO)):
            return Reply(option)
    return Reply(ok=False, problem=t("reply_option", lang,
                                     letters=", ".join(letter(i) for i in range(len(options)))))


def _read_errno(text: str, lang: str) -> Reply:
    word = text.strip().lstrip("-").upper()
    if text.strip().lower() in _NONE:
        return Reply("none")
    if word.isdigit():
        name = ERRNO_NAMES.get(int(word))
        return Reply(name) if name else Reply(ok=False, problem=t("reply_errno", lang))
    if word in ERRNO_NAMES.values():
        return Reply(word)
    return Reply(ok=False, problem=t("reply_errno", lang))


def _read_int(text: str, lang: str, variables: dict[str, int]) -> Reply:
    words = text.lower().replace(",", "").split()
    if len(words) == 2 and words[1] in ("kb", "kib", "pages", "page", "页", "个"):
        text = words[0]
    try:
        env = {**scenario_constants(), **variables}
        value = evaluate(parse_expression(text, "<answer>", env, variables), env)
    except ScenarioError:
        return Reply(ok=False, problem=t("reply_number", lang))
    if not isinstance(value, int) or isinstance(value, bool):
        return Reply(ok=False, problem=t("reply_number", lang))
    return Reply(value)


def matches(kind: str, reply: Reply, expected: Any, expected_row: dict | None = None) -> bool:
    if not reply.ok:
        return False
    if kind == "vma" and isinstance(reply.value, tuple):
        start, end, perms, path = reply.value
        row = expected_row or {}
        return (start, end, perms) == (row.get("start"), row.get("end"), row.get("perms")) \
            and (path is None or path == row.get("path"))
    if isinstance(expected, str) and isinstance(reply.value, str):
        return expected.lower() == reply.value.lower()
    if isinstance(expected, bool) or isinstance(reply.value, bool):
        return reply.value is expected
    return reply.value == expected


def display(kind: str, value: Any, lang: str) -> str:
    """The computed answer as the learner is shown it."""
    if kind == "errno":
        return t("answer_no_error", lang) if value == "none" else value
    if kind == "ret" and isinstance(value, int):
        if value < 0 and -value in ERRNO_NAMES:
            return f"-{ERRNO_NAMES[-value]} ({value})"
        return hex(value) if value >= 0x10000 else str(value)
    if kind == "rss":
        return f"{value} kB"
    if kind in ("committed", "present", "dirty") and isinstance(value, int):
        return t("answer_page" if value == 1 else "answer_pages", lang, n=value)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    return str(value)


def typed_answer(kind: str, value: Any) -> str:
    """A reply that is right for this computed answer (what a headless run types)."""
    if kind == "ret" and isinstance(value, int) and value >= 0:
        return hex(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
