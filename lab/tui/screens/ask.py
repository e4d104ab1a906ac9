# SPDX-License-Identifier: GPL-2.0-only
"""A small modal question: one input line, checked by the asker, errors shown in place."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from lab.tui.i18n import lang_of, t, use_bindings


class AskScreen(ModalScreen[str | None]):
    """Returns the accepted text, or None on Escape."""

    DEFAULT_CSS = """
    AskScreen { align: center middle; background: $background 60%; }
    AskScreen > Vertical {
        width: 72; max-width: 95%; height: auto; padding: 0 1;
        border: round $accent; background: $surface;
    }
    AskScreen #ask-help { color: $foreground 70%; }
    AskScreen #ask-error { color: $error; height: auto; }
    AskScreen Input { margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "cancel", t("key_cancel"), show=False)]

    def __init__(self, title: str, help_text: str, check: Callable[[str], str | None],
                 value: str = ""):
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.check = check
        self.value = value
        use_bindings(self, [Binding("escape", "cancel", t("key_cancel", lang_of(self)),
                                    show=False)])

    def compose(self):
        from lab.tui.panels.lesson import Prose  # wraps Chinese between characters

        with Vertical() as box:
            box.border_title = self.title_text
            yield Prose(self.help_text, id="ask-help")
            yield Input(value=self.value, id="ask-input")
            yield Static("", id="ask-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.check(event.value.strip())
        if error:
            self.query_one("#ask-error", Static).update(Text(error))
        else:
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
