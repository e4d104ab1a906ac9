# SPDX-License-Identifier: GPL-2.0-only
"""The errors panel: when the call being stepped fails, why.

The errno's name and number, its meaning from mmap(2) in the lab's words, the C line that
returned it and the condition that led there, with the values of the locals it names. Until
the learner reaches that line it says where it is ahead (E jumps there).
"""

from __future__ import annotations

from rich.text import Text

from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel, wrap_lines


class ErrorsPanel(Panel):
    TITLE = "panel_errors"
    KEY = "8"
    COMPONENT_CLASSES = {"errors--name", "errors--code", "errors--label", "errors--value"}
    DEFAULT_CSS = """
    ErrorsPanel > .errors--name { color: $error; text-style: bold; }
    ErrorsPanel > .errors--code { color: $warning; }
    ErrorsPanel > .errors--label { color: $foreground 60%; }
    ErrorsPanel > .errors--value { color: $accent; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        err = view.error
        lang = view.lang
        if err is None:
            lines.set_lines([(("none", lang), Text(t("err_none", lang), style="italic"))])
            self.set_title()
            return
        name_s, code_s = self.style("errors--name"), self.style("errors--code")
        label_s, value_s = self.style("errors--label"), self.style("errors--value")
        width = max(lines.size.width - 1, 30)
        out: list[Text] = []
        head = Text(f"-{err.name} ({-err.number})", style=name_s)
        if err.step_global is not None:
            where = t("err_here" if view.global_index == err.step_global else
                      "err_passed" if err.reached else "err_ahead", lang)
            head.append(t("err_returned_at", lang, n=err.step_global + 1, where=where),
                        style=label_s)
        out.append(head)
        if err.c_location:
            line = Text(t("err_returned_by", lang), style=label_s)
            line.append(err.c_text or "", style=code_s)
            line.append(f"  {err.c_location}", style=label_s)
            if err.function:
                line.append(t("err_in", lang, function=err.function), style=label_s)
            out.extend(wrap_lines(line, width, self.app.console))
        if err.condition:
            line = Text(t("err_because", lang), style=label_s)
            line.append(err.condition, style=code_s)
            line.append(t("err_was_true", lang, where=err.condition_location), style=label_s)
            out.extend(wrap_lines(line, width, self.app.console))
            for name, value in err.values:
                v = Text(f"    {name} = ", style=label_s)
                v.append(value, style=value_s)
                out.append(v)
        meaning = Text(t("err_meaning", lang, meaning=err.meaning))
        out.extend(wrap_lines(meaning, width, self.app.console))
        items = [(("e", line.plain, i, width), line) for i, line in enumerate(out)]
        lines.set_lines(items)
        self.set_title(err.name)
