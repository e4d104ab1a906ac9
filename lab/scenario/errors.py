# SPDX-License-Identifier: GPL-2.0-only
"""ScenarioError: one located error type for every mistake in a scenario.

Its text is what a compiler prints (NAME:LINE:COLUMN: message, the line, a caret), and it
never shows the learner's control characters raw: a scenario must not drive the terminal.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

#: Source lines longer than this are shown as a window around the column.
EXCERPT_CHARS = 120
TAB_STOP = 8


def escape(text: str) -> str:
    """Return text with every non-printable character shown repr-style (ESC as \\x1b)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest candidate, or '' when none is close."""
    match = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def _width(ch: str, at: int) -> tuple[str, int]:
    """How ch is shown when the shown line is `at` cells wide: its text and its cell count."""
    if ch == "\t":
        cells = TAB_STOP - at % TAB_STOP
        return " " * cells, cells
    if not ch.isprintable():
        shown = repr(ch)[1:-1]
        return shown, len(shown)
    if unicodedata.combining(ch):
        return ch, 0
    return ch, 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def excerpt(source_line: str, column: int) -> tuple[str, int]:
    """The line as shown (escaped, tabs expanded, long lines cut) and the caret's cell offset."""
    index = max(column - 1, 0)
    start, prefix, suffix = 0, "", ""
    if len(source_line) > EXCERPT_CHARS:
        start = max(0, min(index - EXCERPT_CHARS // 2, len(source_line) - EXCERPT_CHARS))
        end = start + EXCERPT_CHARS
        prefix = "..." if start else ""
        suffix = "..." if end < len(source_line) else ""
        source_line = source_line[start:end]
    shown, cells, caret = [prefix], len(prefix), None
    for i, ch in enumerate(source_line, start):
        if i == index:
            caret = cells
        text, n = _width(ch, cells)
        shown.append(text)
        cells += n
    return "".join(shown) + suffix, cells if caret is None else caret


class ScenarioError(Exception):
    """A mistake in a scenario, located at a 1-based line and column of its source."""

    def __init__(
        self,
        message: str,
        line: int,
        column: int,
        source_name: str = "<scenario>",
        source_line: str = "",
    ) -> None:
        super().__init__(message, line, column, source_name, source_line)
        self.message = message
        self.line = line
        self.column = column
        self.source_name = source_name
        self.source_line = source_line

    def __str__(self) -> str:
        where = escape(self.source_name)
        if self.line > 0:
            where += f":{self.line}:{self.column}" if self.column > 0 else f":{self.line}"
        text = f"{where}: {escape(self.message)}"
        if self.source_line:
            shown, caret = excerpt(self.source_line, self.column)
            text += f"\n    {shown}"
            if self.column > 0:
                text += "\n    " + " " * caret + "^"
        return text
