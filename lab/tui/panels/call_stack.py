# SPDX-License-Identifier: GPL-2.0-only
"""The call stack panel: gdb's backtrace, innermost first, C names at their file:line."""

from __future__ import annotations

from rich.text import Text

from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel


class CallStackPanel(Panel):
    TITLE = "panel_stack"
    KEY = "3"
    COMPONENT_CLASSES = {"call-stack--current", "call-stack--where"}
    DEFAULT_CSS = """
    CallStackPanel > .call-stack--current { text-style: bold; color: $warning; }
    CallStackPanel > .call-stack--where { color: $foreground 55%; }
    """

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        step = view.step
        lines = self.lines
        if step is None:
            lines.set_lines([(("none",), Text(t("stack_none", self.lang), style="italic"))])
            return
        current, where = self.style("call-stack--current"), self.style("call-stack--where")
        items = []
        width = max(self.size.width - 3, 20)
        for depth, frame in enumerate(reversed(step.stack)):
            text = Text(f"#{depth:<2}", style=where)
            text.append(frame.function, style=current if depth == 0 else "")
            where_text = f"{frame.c_path}:{frame.c_line}"
            if len(text) + 2 + len(where_text) > width:
                where_text = f"{frame.c_path.rsplit('/', 1)[-1]}:{frame.c_line}"
            text.append(" " * max(2, width - len(text) - len(where_text)) + where_text,
                        style=where)
            items.append(((depth, frame.function, frame.c_path, frame.c_line, width), text))
        lines.set_lines(items)
        self.set_title(t("stack_depth", self.lang, depth=step.depth))
