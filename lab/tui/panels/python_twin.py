# SPDX-License-Identifier: GPL-2.0-only
"""The Python twin panel: the twin function of the current step, its current statement marked
with the same tint as the C lines it mirrors (Compiler Explorer's linked colours)."""

from __future__ import annotations

from rich.text import Text

from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel
from lab.tui.pysource import highlighted, python_file


class PythonTwinPanel(Panel):
    """lab/kernel/...: the twin function, pygments-highlighted, real file line numbers."""

    TITLE = "panel_py"
    KEY = "2"
    COMPONENT_CLASSES = {"python-twin--marker", "python-twin--tint", "python-twin--gutter"}
    DEFAULT_CSS = """
    PythonTwinPanel { width: 1fr; }
    PythonTwinPanel > .python-twin--marker { background: $warning 35%; text-style: bold; }
    PythonTwinPanel > .python-twin--tint { background: $warning 15%; }
    PythonTwinPanel > .python-twin--gutter { color: $foreground 45%; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, palette: str = "dark",
                 id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs
        self.palette = palette
        self._shown: tuple | None = None

    def compose(self):
        yield self.lines

    def prepare(self, path: str, line: int) -> None:
        """Parse and highlight the twin function around path:line now (idle time)."""
        pf = python_file(path)
        span = pf.function_at(line)
        if span is not None:
            highlighted(path, span[0], span[1], self.palette)

    def set_palette(self, palette: str) -> None:
        self.palette = palette
        self._shown = None
        self.lines.clear_cache()
        if self.view is not None:
            self.show_view(self.view)

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        step = view.step
        if step is None:
            lines.set_lines([(("none", view.pos.statement), Text(
                t("py_none", self.lang), style="italic"))])
            self.set_title()
            return
        pf = python_file(step.py_path)
        span = pf.function_at(step.py_line) or (step.py_line, step.py_line, "?")
        first, last, name = span
        mark = step.py_line
        tint_end = pf.statement_end(mark)
        key = (step.py_path, first, last, mark, tint_end, self.palette)
        self.set_title(step.py_path, f"{name}()")
        if key == self._shown:
            return
        self._shown = key
        code = highlighted(step.py_path, first, last, self.palette)
        width = len(str(last))
        gutter = self.style("python-twin--gutter")
        marker_style = self.style("python-twin--marker")
        tint_style = self.style("python-twin--tint")
        g = self.glyphs
        items = []
        max_w = 0
        for i, text in enumerate(code):
            n = first + i
            is_mark = n == mark
            tinted = mark <= n <= tint_end

            def make(text=text, n=n, is_mark=is_mark, tinted=tinted) -> Text:
                line = Text(f"{n:>{width}}", style=gutter)
                line.append(g.marker if is_mark else " ", style=marker_style if is_mark
                            else gutter)
                line.append(" ")
                line.append_text(text)
                if is_mark or tinted:
                    line.stylize(marker_style if is_mark else tint_style, width + 2)
                    line.pad_right(200)
                return line

            items.append(((step.py_path, n, is_mark, tinted, self.palette), make))
            max_w = max(max_w, len(text) + width + 2)
        lines.set_lines(items, max_width=max_w)
        lines.show_row(mark - first)
