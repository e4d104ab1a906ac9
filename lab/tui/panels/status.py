# SPDX-License-Identifier: GPL-2.0-only
"""The status line: which kernel, which lesson page, which statement, which step, where in the
C; the language at the right end."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from lab import KERNEL_VERSION
from lab.tui.i18n import lang_of, t
from lab.tui.model import StepView
from lab.tui.panels.base import TextLine, overlay_style


class StatusBar(TextLine):
    COMPONENT_CLASSES = {"status--where", "status--dim", "status--note", "status--lang"}
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    StatusBar > .status--where { color: $warning; text-style: bold; }
    StatusBar > .status--dim { color: $foreground 60%; }
    StatusBar > .status--note { color: $accent; }
    StatusBar > .status--lang { color: $foreground 60%; }
    """

    def show(self, view: StepView, breakpoints: int = 0, note: str = "",
             lesson: tuple[int, int, int] | None = None) -> None:
        """`lesson`: the lesson's number, its page (from 1) and its page count, if one is
        open."""
        lang = lang_of(self)
        dim = overlay_style(self, "status--dim")
        where = overlay_style(self, "status--where")
        sep = getattr(self.app, "glyphs", None)
        parts: list[tuple[Text, int]] = []  # (text, priority): the lowest go when short of room

        def part(text: str, style: object, priority: int) -> None:
            parts.append((Text(text, style=style), priority))  # type: ignore[arg-type]

        part(f"mmaplab {sep.sep if sep else '·'} Linux {KERNEL_VERSION}", "bold", 9)
        if lesson is not None:
            number, page, pages = lesson
            part("  " + t("bar_lesson", lang, n=number, page=page, pages=pages), where, 8)
        part("  " + t("bar_statement", lang, n=view.pos.statement + 1,
                      count=view.statement_count), dim, 7)
        steps = len(view.record.trace.steps)
        if steps and not view.at_end:  # the step in this call, then in the whole scenario
            part("  " + t("bar_step", lang, n=view.step_index + 1, count=steps), dim, 7)
            part(f" ({view.global_index + 1}/{view.total_steps})", dim, 5)
        else:
            part("  " + t("bar_step", lang, n=min(view.global_index + 1, view.total_steps),
                          count=view.total_steps), dim, 7)
        if view.at_end:
            part("  " + t("bar_end", lang), where, 6)
        elif view.step is not None:
            part(f"  {view.step.function}", where, 4)
            part(f" {view.step.c_path}:{view.step.c_line}", dim, 2)
        if breakpoints:
            key = "bar_breakpoints" if breakpoints > 1 else "bar_breakpoint"
            part("  " + t(key, lang, n=breakpoints), dim, 3)
        if note:
            part(f"  {note}", overlay_style(self, "status--note"), 6)
        self.update((parts, Text(t("bar_language", lang),
                                 style=overlay_style(self, "status--lang"))))

    def render(self) -> Text:  # noqa: D102
        content = self._content
        if not isinstance(content, tuple):
            return content  # type: ignore[return-value]
        parts, tag = content
        width = self.content_size.width
        room = width - tag.cell_len - 2
        kept = list(parts)
        while len(kept) > 1 and sum(p.cell_len for p, _ in kept) > room:
            kept.remove(min(reversed(kept), key=lambda k: k[1]))  # the last of the lowest
        line = Text().join(p for p, _ in kept)
        if line.cell_len > room:
            ellipsis = getattr(getattr(self.app, "glyphs", None), "ellipsis", "…")
            line.truncate(max(room - cell_len(ellipsis), 0))
            line.append(ellipsis)
        line.pad_right(max(width - line.cell_len - tag.cell_len, 0))
        line.append_text(tag)
        line.no_wrap = True
        return line
