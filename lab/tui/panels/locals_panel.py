# SPDX-License-Identifier: GPL-2.0-only
"""The locals panel: the current function's variables as the trace captured them, formatted
the way a kernel reader writes them (hex addresses, flag names, -ERRNO), changes marked."""

from __future__ import annotations

from rich.text import Text

from lab.stepping.capture import format_value
from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel


class LocalsPanel(Panel):
    TITLE = "panel_locals"
    KEY = "4"
    COMPONENT_CLASSES = {"locals--name", "locals--changed"}
    DEFAULT_CSS = """
    LocalsPanel > .locals--name { color: $accent; }
    LocalsPanel > .locals--changed { color: $warning; text-style: bold; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        rows = view.locals_rows
        if not rows:
            lines.set_lines([(("none",), Text(t("locals_none", self.lang), style="italic"))])
            self.set_title()
            return
        name_style, changed_style = self.style("locals--name"), self.style("locals--changed")
        width = min(max(len(n) for n, _, _ in rows), 16)
        items = []
        step = view.step
        for name, value, changed in rows:
            if step is not None and name in step.locals:
                # the function decides what a word like `flags` holds (FAULT_FLAG_* here,
                # MAP_* there), so the value is named in the step's own function
                value = format_value(name, step.locals[name], step.function)
            text = Text()
            text.append(self.glyphs.changed if changed else " ", style=changed_style)
            text.append(f"{name:<{width}}", style=name_style)
            text.append(" = ")
            text.append(value, style=changed_style if changed else "")
            items.append(((name, value, changed), text))
        lines.set_lines(items)
        fn = view.step.function if view.step else ""
        self.set_title(fn)
