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
        self._widest: tuple[object, int] = (None, 0)  # (model, its widest statement)

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        rows = _Statements(self, view)
        lines.set_lines(rows, max_width=rows.max_width())
        lines.show_row(view.pos.statement)
        self.set_title(f"{view.pos.statement + 1}/{len(rows)}")

    def row(self, view: StepView, i: int):  # noqa: ANN201 (a Line: key, text)
        """Statement i as the panel shows it at `view`."""
        stmt = view.model.statements[i]
        s = view.session
        rec = s.records[i] if i < len(s.records) else None
        here = i == view.pos.statement
        ran = i < view.pos.statement or (here and view.at_end)
        g = self.glyphs
        glyph = g.current if here and not view.at_end else g.check if ran else " "
        style = self.style("scenario--current" if here else "scenario--done" if ran
                           else "scenario--pending")
        result, failed = "", False
        if rec is not None and (ran or here):
            result = result_text(rec.event, getattr(stmt, "func", ""), self.lang)
            ev = rec.event
            failed = ev is not None and bool(ev.signal or ev.errno)
            if rec.error is not None:
                result, failed = t("scen_cannot_run", self.lang), True

        def text() -> Text:
            out = Text(f"{glyph} {stmt.line:>2} ", style=style)
            out.append(stmt.text.strip(), style=style)
            if result:
                out.append(f"  = {result}",
                           style=self.style("scenario--error") if failed else style)
            return out

        return (i, here, ran, result, stmt.text, self.lang), text

    def on_click(self, event: events.Click) -> None:
        lines = self.lines
        row = int(lines.scroll_y) + event.y - 1
        if 0 <= row < len(self.view.model.statements if self.view else []):
            self.post_message(self.Picked(self, "statement", row))


class _Statements:
    """The panel's lines, made as they are shown: a scenario may have 65,530 statements."""

    def __init__(self, panel: ScenarioPanel, view: StepView):
        self.panel, self.view = panel, view
        self._made: dict[int, tuple] = {}

    def __len__(self) -> int:
        return len(self.view.model.statements)

    def __getitem__(self, i: int):
        hit = self._made.get(i)
        if hit is None:
            hit = self._made[i] = self.panel.row(self.view, i)
        return hit

    def max_width(self) -> int:
        """Wide enough for the longest statement and a result (an address, -EOVERFLOW)."""
        model, panel = self.view.model, self.panel
        if panel._widest[0] is not model:  # once per scenario: a pass over its text
            panel._widest = (model, max(
                (len(f"{st.line:>2}") + len(st.text.strip()) for st in model.statements),
                default=0))
        return panel._widest[1] + len("▶ ") + 1 + len("  = ") + 20
