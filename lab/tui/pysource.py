# SPDX-License-Identifier: GPL-2.0-only
"""The Python twin's source as the lab shows it: one function at a time, highlighted once.

Read from the installed package (the twin is plain Python files), parsed with `ast` once per
file for the extent of each function and statement, highlighted by pygments once per
function and palette.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

from rich.text import Text

from lab import pyast
from lab.kernel.links import PACKAGE_ROOT
from lab.source.highlight import highlight_python


@dataclass
class PyFile:
    path: str
    lines: list[str]
    functions: list[tuple[int, int, str]] = field(default_factory=list)  # first, last, name
    extents: dict[int, int] = field(default_factory=dict)  # statement line → its last line

    def function_at(self, line: int) -> tuple[int, int, str] | None:
        best = None
        for first, last, name in self.functions:
            if first <= line <= last and (best is None or first >= best[0]):
                best = (first, last, name)
        return best

    def statement_end(self, line: int) -> int:
        return self.extents.get(line, line)


@cache
def python_file(path: str) -> PyFile:
    text = (PACKAGE_ROOT / path).read_text(encoding="utf-8")
    pf = PyFile(path, text.split("\n"))
    tree = pyast.parse(text, path)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            pf.functions.append((first, node.end_lineno or node.lineno, node.name))
        if isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            pf.extents.setdefault(node.lineno, max(node.lineno, node.body[0].lineno - 1))
        elif isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef,
                                                                  ast.ClassDef)):
            pf.extents.setdefault(node.lineno, node.end_lineno or node.lineno)
    return pf


def _no_background(text: Text) -> Text:
    """The panel draws its own background and tints; pygments' theme background goes."""
    from rich.style import Style
    from rich.text import Span

    def strip(style):
        if isinstance(style, str):
            style = Style.parse(style) if style else Style()
        if isinstance(style, Style) and style.bgcolor is not None:
            return Style(
                color=style.color, bold=style.bold, italic=style.italic,
                underline=style.underline, dim=style.dim, strike=style.strike)
        return style

    text.style = strip(text.style) if text.style else ""
    text.spans = [Span(s.start, s.end, strip(s.style)) for s in text.spans]
    return text


@cache
def highlighted(path: str, first: int, last: int, palette: str) -> tuple[Text, ...]:
    """Lines first..last (1-based, inclusive) of a twin file, highlighted."""
    pf = python_file(path)
    chunk = "\n".join(pf.lines[first - 1:last]) + "\n"
    out = [_no_background(t) for t in highlight_python(chunk, palette)]
    while len(out) < last - first + 1:
        out.append(Text(""))
    return tuple(out[: last - first + 1])
