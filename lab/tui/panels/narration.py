# SPDX-License-Identifier: GPL-2.0-only
"""The narration panel: what the current line does and why, then what the last step did."""

from __future__ import annotations

from rich.text import Text

from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel, wrap_lines


class NarrationPanel(Panel):
    TITLE = "panel_narration"
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
        lang = view.lang
        items = []
        for para in view.narration:
            for row, chunk in enumerate(wrap_lines(Text(para), width, self.app.console)):
                items.append((("n", para, row, width), chunk))
        did = view.changes_text
        if did:
            text = t("last_step", lang) + t("list_sep", lang).join(did[:4]) + \
                (t("panel_more", lang) if len(did) > 4 else "")
            style = self.style("narration--did")
            did_text = Text(text, style=style)
            for row, chunk in enumerate(wrap_lines(did_text, width, self.app.console)):
                items.append((("d", text, row, width), chunk))
        lines.set_lines(items)
        lines.scroll_to(y=0, animate=False, immediate=True, force=True)
