# SPDX-License-Identifier: GPL-2.0-only
"""Located complaints about a lesson file, printed like a compiler's: FILE:LINE:COLUMN: text.

A diagnostic stores a message key and its parameters, not the text, so the same check speaks
English or Chinese (lab/lessons/i18n.py) when it is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lab.lessons.i18n import t
from lab.scenario.errors import escape


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    column: int
    key: str
    params: tuple[tuple[str, Any], ...] = ()
    severity: str = "error"  # "error" fails `lessons check`; "note" does not

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, **dict(self.params))

    def render(self, lang: str = "en") -> str:
        # A file name or a quoted line may hold ESC: shown escaped, never sent to the terminal.
        # The name is escaped whole, so a newline in it cannot split the location.
        where = f"{escape(self.path)}:{self.line}" + (f":{self.column}" if self.column > 0
                                                      else "")
        text = f"{t('severity_' + self.severity, lang)}: {self.message(lang)}"
        return f"{where}: " + "\n".join(escape(line) for line in text.split("\n"))

    def __str__(self) -> str:
        return self.render()


@dataclass
class Diagnostics:
    """What the loader and validator found, in the order they found it."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, column: int, key: str, /, **params: Any) -> None:
        self._add(Diagnostic(path, line, column, key, tuple(params.items())))

    def note(self, path: str, line: int, column: int, key: str, /, **params: Any) -> None:
        self._add(Diagnostic(path, line, column, key, tuple(params.items()), "note"))

    def _add(self, d: Diagnostic) -> None:
        if d not in self.items:  # one mistake, found by two checks, is reported once
            self.items.append(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.path, d.line, d.column))


class LessonError(Exception):
    """A lesson that cannot be loaded, with every located reason."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__("\n".join(d.render() for d in diagnostics.errors))
        self.diagnostics = diagnostics

    def render(self, lang: str = "en") -> str:
        return "\n".join(d.render(lang) for d in self.diagnostics.sorted()
                         if d.severity == "error")
