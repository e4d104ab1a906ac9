# SPDX-License-Identifier: GPL-2.0-only
"""The scenario panel: the statements, which ran, which is being stepped, what each returned.

Enter (or a click) on a statement jumps to its first step: the panel posts Picked("statement").
"""

from __future__ import annotations

from rich.text import Text
from textual import events

from lab.stepping.capture import format_value
from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel


def result_text(event, func: str, lang: str = "en") -> str:
    """What a statement returned, as a C programmer reads it."""
    if event is None:
        return ""
    if event.signal:
        return t("scen_killed", lang, signal=event.signal)
    if event.errno:
        return f"-{event.errno}"
    if event.ret is None:
        return ""
    if func == "mmap":
        return format_value("addr", event.ret)
    return str(event.ret)


class ScenarioPanel(Panel):
    TITLE = "panel_scenario"
    KEY = "9"
    COMPONENT_CLASSES = {"scenario--current", "scenario--done", "scenario--pending",
                         "scenario--error"}
    DEFAULT_CSS = """
    ScenarioPanel > .scenario--current { text-style: bold; color: $warning; }
    ScenarioPanel > .scenario--done { color: $foreground 80%; }
    ScenarioPanel > .scenario--pending { color: $foreground 50%; }
    ScenarioPanel > .scenario--error { color: $error; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        s = view.session
        g = self.glyphs
        cur, done = self.style("scenario--current"), self.style("scenario--done")
        pending, err = self.style("scenario--pending"), self.style("scenario--error")
        items = []
        for i, stmt in enumerate(view.model.statements):
            rec = s.records[i] if i < len(s.records) else None
            here = i == view.pos.statement
            ran = i < view.pos.statement or (here and view.at_end)
            glyph = g.current if here and not view.at_end else g.check if ran else " "
            style = cur if here else done if ran else pending
            text = Text(f"{glyph} {stmt.line:>2} ", style=style)
            text.append(stmt.text.strip(), style=style)
            result, failed = "", False
            if rec is not None and (ran or here):
                result = result_text(rec.event, getattr(stmt, "func", ""), self.lang)
                ev = rec.event
                failed = ev is not None and bool(ev.signal or ev.errno)
                if rec.error is not None:
                    result, failed = t("scen_cannot_run", self.lang), True
            if result:
                text.append(f"  = {result}", style=err if failed else style)
            items.append(((i, here, ran, result, stmt.text), text))
        lines.set_lines(items, max_width=max(len(t.plain) for _, t in items) if items else 0)
        lines.show_row(view.pos.statement)
        self.set_title(f"{view.pos.statement + 1}/{len(items)}")

    def on_click(self, event: events.Click) -> None:
        lines = self.lines
        row = int(lines.scroll_y) + event.y - 1
        if 0 <= row < len(self.view.model.statements if self.view else []):
            self.post_message(self.Picked(self, "statement", row))
