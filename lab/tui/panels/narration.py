# SPDX-License-Identifier: GPL-2.0-only
"""The narration panel: what the current line does and why, then what the last step did."""

from __future__ import annotations

from rich.text import Text

from lab.tui.model import StepView
from lab.tui.panels.base import Panel


class NarrationPanel(Panel):
    TITLE = "What happens here"
    KEY = "0"
    COMPONENT_CLASSES = {"narration--did"}
    DEFAULT_CSS = """
    NarrationPanel > .narration--did { color: $success; }
    """

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        width = max(lines.size.width - 1, 20)
        items = []
        for para in view.narration:
            for row, chunk in enumerate(Text(para).wrap(self.app.console, width)):
                items.append((("n", para, row, width), chunk))
        did = view.changes_text
        if did:
            text = "Last step: " + "; ".join(did[:4]) + ("; ..." if len(did) > 4 else "")
            style = self.style("narration--did")
            for row, chunk in enumerate(Text(text, style=style).wrap(self.app.console, width)):
                items.append((("d", text, row, width), chunk))
        lines.set_lines(items)
        lines.scroll_to(y=0, animate=False, immediate=True, force=True)
