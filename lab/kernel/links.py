# SPDX-License-Identifier: GPL-2.0-only
"""Links between Python twin statements and the C statements they mirror.

A link is a trailing comment on a Python statement of a twin function:

    if not len:                 # C: if (!len)
        return -EINVAL          # C: return -EINVAL;
    not_modelled("audit logging; it changes no memory")   # C: audit_mmap_fd(fd, flags);
    not_modelled("...")         # C: if (x) ... goto out;      (a range: every statement from .. to)

The text is matched, white space folded, against the statements of the mirrored C function
(lab.source.cindex). Links resolve in order: each to the first statement at or after the
one the previous link resolved to, so a repeated `return -EINVAL;` finds the right one;
failing that, anywhere in the function. A statement must be linked for the chain to be
complete (see `coverage`).
"""

from __future__ import annotations

import ast
import inspect
import io
import tokenize
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lab import pyast
from lab.kernel import twin as twin_registry
from lab.kernel.twin import TwinFunction
from lab.source.cindex import CFunction, CIndex, CStatement, default_index, normalise

LINK_PREFIX = "C:"
RANGE = " ... "
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Link:
    py_file: str  # the code object's file name (absolute), what a tracer reports
    py_line: int  # first line of the Python statement that carries the comment
    twin: TwinFunction
    statements: tuple[CStatement, ...]  # one, or the statements of a range
    not_modelled: str | None  # the reason, when the Python statement is not_modelled(...)

    @property
    def c(self) -> CStatement:
        return self.statements[0]

    @property
    def py_location(self) -> str:
        return f"{display_path(self.py_file)}:{self.py_line}"


@dataclass
class LinkError:
    py_location: str
    message: str


@dataclass
class LinkTable:
    by_py: dict[tuple[str, int], Link] = field(default_factory=dict)
    by_c_function: dict[str, list[Link]] = field(default_factory=dict)
    errors: list[LinkError] = field(default_factory=list)

    def link_at(self, py_file: str, py_line: int) -> Link | None:
        return self.by_py.get((py_file, py_line))

    def coverage(self, index: CIndex, c_name: str) -> tuple[set[CStatement], list[CStatement]]:
        """(linked, unlinked) statements of C function `c_name`."""
        fn = index.function(c_name)
        linked = {st for link in self.by_c_function.get(fn.name, []) for st in link.statements}
        return linked, [st for st in fn.statements if st not in linked]


@cache
def display_path(filename: str) -> str:
    """`lab/kernel/mm/mmap.py` from wherever the package is installed."""
    p = Path(filename).resolve()
    try:
        return str(p.relative_to(PACKAGE_ROOT))
    except ValueError:
        parts = p.parts
        return "/".join(parts[parts.index("lab"):]) if "lab" in parts else str(p)


def _comments(source: str) -> dict[int, str]:
    """Line (1-based within `source`) → text of a `# C:` comment on it."""
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            text = tok.string[1:].strip()
            if text.startswith(LINK_PREFIX):
                text = text[len(LINK_PREFIX):]
                # a lint marker after the link (a trailing noqa comment) is not C
                found[tok.start[0]] = text.split("# noqa", 1)[0].strip()
    return found


def _statement_lines(tree: ast.AST) -> list[tuple[int, int, ast.stmt]]:
    """Every statement with the lines it owns: a compound statement owns only its header."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            continue
        if isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            spans.append((node.lineno, max(node.lineno, node.body[0].lineno - 1), node))
        elif isinstance(node, ast.stmt):
            spans.append((node.lineno, node.end_lineno or node.lineno, node))
    return spans


def _owning_statement(spans, line: int) -> ast.stmt | None:
    best = None
    for start, end, node in spans:
        if start <= line <= end:
            if best is None or start >= best.lineno:
                best = node
    return best


def _not_modelled_reason(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Name) and func.id == "not_modelled" and node.value.args:
            arg = node.value.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
    return None


def _find(fn: CFunction, text: str, start: int) -> int | None:
    want = normalise(text)
    order = list(range(start, len(fn.statements))) + list(range(start))
    for i in order:
        if want in fn.statements[i].text:
            return i
    return None


def link_function(twin: TwinFunction, index: CIndex, table: LinkTable) -> None:
    fn_obj = twin.function
    lines, first_line = inspect.getsourcelines(fn_obj)
    indent = len(lines[0]) - len(lines[0].lstrip())
    source = "".join(line[indent:] if line.strip() else line for line in lines)
    py_file = fn_obj.__code__.co_filename
    tree = pyast.parse(source, py_file)
    spans = _statement_lines(tree)
    try:
        cfn = index.function(twin.c_name)
    except KeyError:
        table.errors.append(LinkError(f"{display_path(py_file)}:{first_line}",
                                      f"no C function {twin.c_name!r} in kernel_src"))
        return
    cursor = 0
    if twin.label is not None:
        label = _find(cfn, twin.label + ":", 0)
        cursor = label if label is not None else 0
    for rel_line, text in sorted(_comments(source).items()):
        where = f"{display_path(py_file)}:{first_line + rel_line - 1}"
        stmt = _owning_statement(spans, rel_line)
        if stmt is None:
            table.errors.append(LinkError(where, "a C link outside any statement"))
            continue
        first_text, _, last_text = text.partition(RANGE)
        i = _find(cfn, first_text, cursor)
        if i is None:
            table.errors.append(LinkError(where, f"{text!r} is no statement of {cfn.display} "
                                                 f"({cfn.location})"))
            continue
        j = i
        if last_text:
            j = _find(cfn, last_text, i)
            if j is None or j < i:
                table.errors.append(LinkError(where, f"range end {last_text!r} is not after "
                                                     f"{first_text!r} in {cfn.display}"))
                continue
        cursor = j + 1
        link = Link(py_file, first_line + stmt.lineno - 1, twin, cfn.statements[i : j + 1],
                    _not_modelled_reason(stmt))
        key = (py_file, link.py_line)
        if key in table.by_py:
            table.errors.append(LinkError(where, "two C links on one Python statement"))
            continue
        table.by_py[key] = link
        table.by_c_function.setdefault(cfn.name, []).append(link)


def build_links(index: CIndex | None = None) -> LinkTable:
    import lab.kernel.chain  # noqa: F401  (imports every twin module, registering them)

    index = index or default_index()
    table = LinkTable()
    for twins in twin_registry.BY_C_NAME.values():
        for t in twins:
            link_function(t, index, table)
    return table


@cache
def default_links() -> LinkTable:
    return build_links()
