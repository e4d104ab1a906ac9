# SPDX-License-Identifier: GPL-2.0-only
"""Highlighting: kernel C through tree-sitter-c's own highlight query, Python through pygments.

One table of capture styles serves both the command line (Rich text) and the TUI's TextArea
theme, so a macro looks the same wherever the learner meets it.
"""

from __future__ import annotations

from functools import cache

import tree_sitter
import tree_sitter_c
from rich.style import Style
from rich.text import Text

from lab.source.cindex import C_LANGUAGE

#: The highlight query that ships with tree-sitter-c; we add nothing of our own to it.
C_HIGHLIGHT_QUERY: str = tree_sitter_c.HIGHLIGHTS_QUERY

TAB_SIZE = 8  # the kernel's coding style

# Every capture name the C query emits has a style, in a dark and a light palette.
_DARK = {
    "comment": "italic #8a9199",
    "constant": "#f2b84b",  # NULL, true/false and ALL_CAPS identifiers: VM_LOCKED, PROT_READ
    "delimiter": "#a0a8b0",
    "function": "#61afef",
    "function.special": "bold #c678dd",  # macro calls: SYSCALL_DEFINE6, IS_ERR_VALUE
    "keyword": "bold #ff7b72",
    "label": "underline #e5c07b",  # goto targets: out_fput:, unacct_error:
    "number": "#d19a66",
    "operator": "#56b6c2",
    "property": "#98c379",  # struct fields: vma->vm_flags
    "string": "#a5d6a7",
    "type": "#4fc1ff",
    "variable": "#e6e6e6",
}
_LIGHT = {
    "comment": "italic #6a737d",
    "constant": "#b35900",
    "delimiter": "#57606a",
    "function": "#0550ae",
    "function.special": "bold #8250df",
    "keyword": "bold #cf222e",
    "label": "underline #953800",
    "number": "#0a3069",
    "operator": "#0e7490",
    "property": "#116329",
    "string": "#0a3069",
    "type": "#1f6feb",
    "variable": "#24292f",
}
PALETTES = {"dark": _DARK, "light": _LIGHT}


def capture_names() -> set[str]:
    """The capture names tree-sitter-c's query emits (each must have a style)."""
    query = _query()
    return {query.capture_name(i) for i in range(query.capture_count)}


def capture_styles(palette: str = "dark") -> dict[str, Style]:
    return {name: Style.parse(spec) for name, spec in PALETTES[palette].items()}


@cache
def _query() -> tree_sitter.Query:
    return tree_sitter.Query(C_LANGUAGE, C_HIGHLIGHT_QUERY)


def highlight_c(text: str, palette: str = "dark") -> list[Text]:
    """Highlight C source; one Rich Text per line, tabs expanded to the kernel's 8."""
    data = text.encode("utf-8")
    tree = tree_sitter.Parser(C_LANGUAGE).parse(data)
    matches = tree_sitter.QueryCursor(_query()).matches(tree.root_node)
    styles = capture_styles(palette)
    line_starts = [0]
    for i, byte in enumerate(data):
        if byte == 0x0A:
            line_starts.append(i + 1)
    lines = [Text(data[s:e].decode("utf-8", "replace"))
             for s, e in zip(line_starts, line_starts[1:] + [len(data)])]
    # As in Textual and editors, a later pattern of the query overrides an earlier one for
    # the same node: `(identifier) @variable` first, `@constant`/`@function` refine it.
    spans = sorted(
        ((pattern, node.start_byte, node.end_byte, name)
         for pattern, captured in matches
         for name, nodes in captured.items()
         for node in nodes),
        key=lambda s: s[0],
    )
    for _, start, end, name in spans:
        style = styles.get(name)
        if style is None:
            continue
        row = _row(line_starts, start)
        while start < end and row < len(lines):
            line_end = line_starts[row + 1] - 1 if row + 1 < len(line_starts) else len(data)
            a, b = start - line_starts[row], min(end, line_end) - line_starts[row]
            if b > a:
                lines[row].stylize(style, _char(data, line_starts[row], a),
                                   _char(data, line_starts[row], b))
            row += 1
            start = line_starts[row] if row < len(line_starts) else end
    if lines and not lines[-1].plain:
        lines.pop()
    for line in lines:
        line.rstrip()
        line.expand_tabs(TAB_SIZE)
    return lines


def _row(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _char(data: bytes, line_start: int, byte_col: int) -> int:
    """Byte column to character column (the kernel source is ASCII but comments may not be)."""
    return len(data[line_start : line_start + byte_col].decode("utf-8", "replace"))


def highlight_python(text: str, palette: str = "dark") -> list[Text]:
    """Highlight the Python twin with pygments, one Rich Text per line."""
    from rich.syntax import Syntax

    theme = "monokai" if palette == "dark" else "default"
    syntax = Syntax(text, "python", theme=theme, background_color="default")
    highlighted = syntax.highlight(text)
    highlighted.rstrip()
    return highlighted.split("\n", allow_blank=True)
