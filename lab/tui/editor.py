# SPDX-License-Identifier: GPL-2.0-only
"""The scenario editor: one input line that takes any statement of the scenario language.

It completes constant, function and variable names (Tab, or → at the end of the line), checks
the statement as it is typed with the scenario parser and shows the error where it is (a caret
under the column the parser names), and shows the signature of the call being typed. Enter
posts `Submitted`; the screen records the new scenario and keeps the old one if that fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from lab.scenario import FUNCTIONS, ScenarioError, parse_statement
from lab.tui.i18n import lang_of, t, use_bindings
from lab.tui.panels.base import overlay_style
from lab.tui.scenario_errors import message_text

_WORD = re.compile(r"[A-Za-z_]\w*$")
_CALL = re.compile(r"([A-Za-z_]\w*)\s*\([^()]*$")


class NameSuggester(Suggester):
    """Completes the identifier at the end of the line from the names the language knows."""

    def __init__(self, names: Callable[[], Iterable[str]]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = names

    def candidates(self, value: str) -> list[str]:
        m = _WORD.search(value)
        if not m:
            return []
        prefix = m.group(0)
        return sorted(n for n in self.names() if n.startswith(prefix) and n != prefix)

    async def get_suggestion(self, value: str) -> str | None:
        found = self.candidates(value)
        if not found:
            return None
        prefix = _WORD.search(value).group(0)  # type: ignore[union-attr]
        common = found[0]
        for name in found[1:]:
            while not name.startswith(common):
                common = common[:-1]
        best = common if len(common) > len(prefix) else found[0]
        return value + best[len(prefix):]


def _input_bindings(lang: str) -> list[Binding]:
    return [
        Binding("tab", "complete", t("key_complete", lang), show=False, priority=True),
        Binding("escape", "close", t("key_close_editor", lang), show=False),
    ]


class StatementInput(Input):
    BINDINGS = _input_bindings("en")

    def set_language(self, lang: str) -> None:
        use_bindings(self, _input_bindings(lang))
        self.placeholder = t("editor_placeholder", lang)

    def action_complete(self) -> None:
        if self._suggestion and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
            self.cursor_position = len(self.value)

    def action_close(self) -> None:
        editor = self.parent
        if isinstance(editor, ScenarioEditor):
            editor.close()


class ScenarioEditor(Vertical):
    """Hidden until `open()`; docked under the panels, above the footer."""

    COMPONENT_CLASSES = {"editor--error", "editor--hint", "editor--ok"}
    DEFAULT_CSS = """
    ScenarioEditor {
        dock: bottom; height: auto; display: none;
        background: $panel; border-top: solid $accent; padding: 0 1;
    }
    ScenarioEditor.-open { display: block; }
    ScenarioEditor > StatementInput { height: 1; border: none; padding: 0; width: 1fr; }
    ScenarioEditor > #editor-message { height: auto; max-height: 3; }
    ScenarioEditor > .editor--error { color: $error; }
    ScenarioEditor > .editor--hint { color: $foreground 60%; }
    ScenarioEditor > .editor--ok { color: $success; }
    """

    class Submitted(Message):
        def __init__(self, text: str, replace: int | None):
            super().__init__()
            self.text = text
            self.replace = replace  # the statement index it replaces, or None: appended

    class Closed(Message):
        pass

    def __init__(self, constants: Callable[[], dict[str, int]],
                 variables: Callable[[int | None], list[str]], *, id: str | None = None):
        super().__init__(id=id)
        self.constants = constants
        self.variables = variables
        self.replace: int | None = None
        self.suggester = NameSuggester(self._names)

    def _names(self) -> list[str]:
        return [*self.constants(), *FUNCTIONS, *self.variables(self.replace)]

    def compose(self):
        yield Static("", id="editor-title")
        field = StatementInput(suggester=self.suggester, compact=True, id="editor-input")
        field.set_language(lang_of(self))
        yield field
        yield Static("", id="editor-message")

    def set_language(self, lang: str) -> None:
        """The app's language changed: the hints in it (an open editor is checked again)."""
        self.input.set_language(lang)
        if self.is_open:
            self._show_title()
            self.check(self.input.value)

    @property
    def input(self) -> StatementInput:
        return self.query_one(StatementInput)

    def open(self, text: str = "", replace: int | None = None) -> None:
        self.replace = replace
        self._show_title()
        self.add_class("-open")
        self.input.value = text
        self.input.cursor_position = len(text)
        self.input.focus()
        self.check(text)

    def _show_title(self) -> None:
        lang, replace = lang_of(self), self.replace
        title = t("editor_replace", lang, n=replace + 1) if replace is not None else \
            t("editor_add", lang)
        self.query_one("#editor-title", Static).update(
            Text(t("editor_keys", lang, title=title),
                 style=overlay_style(self, "editor--hint")))

    def close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed())

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def show_error(self, err: ScenarioError | str) -> None:
        msg = self.query_one("#editor-message", Static)
        style = overlay_style(self, "editor--error")
        if isinstance(err, str):
            msg.update(Text(message_text(err, lang_of(self)), style=style))
            return
        col = max(err.column, 1)
        text = Text(" " * (col - 1) + "^ ", style=style)
        text.append(message_text(err.message, lang_of(self)), style=style)
        msg.update(text)

    def check(self, value: str) -> bool:
        msg = self.query_one("#editor-message", Static)
        hint = overlay_style(self, "editor--hint")
        if not value.strip():
            msg.update(Text(t("editor_functions", lang_of(self), names=", ".join(FUNCTIONS)),
                            style=hint))
            return False
        try:
            stmt = parse_statement(value, 1, "<input>", self.constants(),
                                   self.variables(self.replace))
        except ScenarioError as err:
            self.show_error(err)
            return False
        words = self.suggester.candidates(value)
        call = _CALL.search(value)
        text = Text("")
        if call and call.group(1) in FUNCTIONS:
            text.append(f"{call.group(1)}({FUNCTIONS[call.group(1)].describe()})  ", style=hint)
        if words:
            more = f" (+{len(words) - 8})" if len(words) > 8 else ""
            text.append(" ".join(words[:8]) + more, style=hint)
        elif stmt is not None:
            text.append(t("editor_ok", lang_of(self)),
                        style=overlay_style(self, "editor--ok"))
        msg.update(text)
        return stmt is not None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.check(event.value):
            self.post_message(self.Submitted(event.value.strip(), self.replace))
