# SPDX-License-Identifier: GPL-2.0-only
"""The errors panel: when the call being stepped fails, why.

The errno's name and number, its meaning from mmap(2) in the lab's words, the C line that
returned it and the condition that led there, with the values of the locals it names. Until
the learner reaches that line it says where it is ahead (E jumps there).
"""

from __future__ import annotations

from rich.text import Text

from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.model import StepView
from lab.tui.panels.base import Panel


class ErrorsPanel(Panel):
    TITLE = "Error"
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
        if err is None:
            lines.set_lines([(("none",), Text("No error on this call's path.",
                                              style="italic"))])
            self.set_title()
            return
        name_s, code_s = self.style("errors--name"), self.style("errors--code")
        label_s, value_s = self.style("errors--label"), self.style("errors--value")
        width = max(lines.size.width - 1, 30)
        out: list[Text] = []
        head = Text(f"-{err.name} ({-err.number})", style=name_s)
        if err.step_global is not None:
            where = "here" if view.global_index == err.step_global else \
                "passed" if err.reached else "ahead: press E to go there"
            head.append(f"  returned at step {err.step_global + 1} ({where})", style=label_s)
        out.append(head)
        if err.c_location:
            t = Text("returned by ", style=label_s)
            t.append(err.c_text or "", style=code_s)
            t.append(f"  {err.c_location}", style=label_s)
            if err.function:
                t.append(f" in {err.function}()", style=label_s)
            out.extend(t.wrap(self.app.console, width))
        if err.condition:
            t = Text("because    ", style=label_s)
            t.append(err.condition, style=code_s)
            t.append(f" was true ({err.condition_location})", style=label_s)
            out.extend(t.wrap(self.app.console, width))
            for name, value in err.values:
                v = Text(f"    {name} = ", style=label_s)
                v.append(value, style=value_s)
                out.append(v)
        out.extend(Text("mmap(2): " + err.meaning).wrap(self.app.console, width))
        items = [(("e", t.plain, i, width), t) for i, t in enumerate(out)]
        lines.set_lines(items)
        self.set_title(err.name)
