# SPDX-License-Identifier: GPL-2.0-only
"""The status line: which kernel, which statement, which step, where in the C."""

from __future__ import annotations

from rich.text import Text

from lab import KERNEL_VERSION
from lab.tui.model import StepView
from lab.tui.panels.base import TextLine, overlay_style


class StatusBar(TextLine):
    COMPONENT_CLASSES = {"status--where", "status--dim", "status--note"}
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    StatusBar > .status--where { color: $warning; text-style: bold; }
    StatusBar > .status--dim { color: $foreground 60%; }
    StatusBar > .status--note { color: $accent; }
    """

    def show(self, view: StepView, breakpoints: int = 0, note: str = "") -> None:
        dim = overlay_style(self, "status--dim")
        where = overlay_style(self, "status--where")
        sep = getattr(self.app, "glyphs", None)
        text = Text(f"mmaplab {sep.sep if sep else '·'} Linux {KERNEL_VERSION}", style="bold")
        text.append(f"  statement {view.pos.statement + 1}/{view.statement_count}", style=dim)
        steps = len(view.record.trace.steps)
        if steps and not view.at_end:  # the step in this call, then in the whole scenario
            text.append(f"  step {view.step_index + 1}/{steps}", style=dim)
            text.append(f" ({view.global_index + 1}/{view.total_steps})", style=dim)
        else:
            text.append(f"  step {min(view.global_index + 1, view.total_steps)}/"
                        f"{view.total_steps}", style=dim)
        if view.at_end:
            text.append("  end of scenario", style=where)
        elif view.step is not None:
            text.append(f"  {view.step.function}", style=where)
            text.append(f" {view.step.c_path}:{view.step.c_line}", style=dim)
        if breakpoints:
            text.append(f"  {breakpoints} breakpoint{'s' if breakpoints > 1 else ''}",
                        style=dim)
        if note:
            text.append(f"  {note}",
                        style=overlay_style(self, "status--note"))
        self.update(text)
