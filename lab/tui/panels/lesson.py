# SPDX-License-Identifier: GPL-2.0-only
"""The lesson panel: the page of the lesson that belongs to the current step.

Its title says which lesson and page; the text is the page's prose (goals and scenario on the
first page, the question and its options on a predict page, the verdict once answered), and
the last line names the keys. The screen sets `mode` (a lab.tui.lesson_mode.LessonMode).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from lab.lessons.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel

if TYPE_CHECKING:
    from lab.tui.lesson_mode import LessonMode


class LessonPanel(Panel):
    TITLE = "Lesson"
    KEY = "l"
    COMPONENT_CLASSES = {"lesson--heading", "lesson--question", "lesson--right",
                         "lesson--wrong", "lesson--keys", "lesson--code"}
    DEFAULT_CSS = """
    LessonPanel > .lesson--heading { text-style: bold; color: $accent; }
    LessonPanel > .lesson--question { text-style: bold; color: $warning; }
    LessonPanel > .lesson--right { color: $success; }
    LessonPanel > .lesson--wrong { color: $error; }
    LessonPanel > .lesson--keys { color: $foreground 60%; }
    LessonPanel > .lesson--code { color: $secondary; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.mode: LessonMode | None = None
        self._shown: tuple | None = None

    def compose(self):
        yield self.lines

    def redraw(self) -> None:
        self._shown = None
        if self.view is not None:
            self.set_view(self.view)

    def show_view(self, view: StepView) -> None:
        mode = self.mode
        if mode is None or mode.run is None:
            self.lines.set_lines([(("none",), Text("No lesson: press o to pick one."))])
            return
        run, lang = mode.run, mode.lang
        page = run.page
        q = page.question
        width = max(self.lines.size.width - 1, 20)
        key = (run.lesson.id, run.index, lang, width, q is not None and q.answered,
               q.verdict.message if q is not None and q.verdict else None)
        entry = mode.entry
        number = entry.number if entry else 0
        self.set_title(f"{number}. {run.lesson.get_title(lang)}",
                       f"{run.index + 1}/{len(run.pages)} {t('page_' + page.kind, lang)}")
        if key == self._shown:
            return
        self._shown = key
        paras: list[Text] = []
        heading = self.style("lesson--heading")
        if page.kind == "intro":
            paras.append(Text(page.title, style=heading))
            if page.goals:
                paras.append(Text(t("goals", lang), style=heading))
                paras += [Text(f"  • {g}") for g in page.goals]
        if page.text and (q is None or page.text.strip() != q.prompt(lang).strip()):
            code = self.style("lesson--code")
            paras += [inline(p, code) for p in paragraphs(page.text)]
        if q is not None:
            paras += [Text(p, style=self.style("lesson--question"))
                      for p in paragraphs(q.prompt(lang))]
            for letter, label in q.options(lang) or []:
                paras.append(Text(f"  {letter}) {label}"))
            if q.verdict is not None:
                v = q.verdict
                style = self.style("lesson--right" if v.correct else "lesson--wrong")
                paras.append(Text(v.message, style=style))
                for d in v.decided:
                    paras.append(Text(t("decided_at", lang, where=d.c_location,
                                        function=d.function, text=d.c_text or d.note or "")))
            else:
                paras.append(Text(t("ui_answer_hint", lang), style=heading))
        paras.append(Text(t("ui_lesson_keys", lang), style=self.style("lesson--keys")))
        items = []
        for n, para in enumerate(paras):
            for row, chunk in enumerate(para.wrap(self.app.console, width) if para.plain
                                        else [Text("")]):
                items.append(((key, n, row), chunk))
        self.lines.set_lines(items)
        self.lines.scroll_to(y=0, animate=False, immediate=True, force=True)


def paragraphs(text: str) -> list[str]:
    """Markdown prose as paragraphs: wrapped lines joined, list items and blank lines kept."""
    out: list[str] = []
    for block in text.split("\n\n"):
        lines: list[str] = []
        for line in block.split("\n"):
            item = line.lstrip().startswith(("- ", "* ", "|")) or line.startswith("    ")
            if lines and not item and line.strip():
                nxt = line.strip()
                cjk = lines[-1][-1] >= "\u2e80" or nxt[0] >= "\u2e80"  # no spaces in 中文
                lines[-1] += ("" if cjk else " ") + nxt
            elif line.strip():
                lines.append(line.rstrip())
        out += lines
        out.append("")
    return out[:-1]


_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*")


def inline(text: str, code: Style) -> Text:
    """A paragraph with Markdown's inline marks drawn: `code`, **strong**, *emphasis*."""
    out = Text()
    at = 0
    for m in _INLINE.finditer(text):
        out.append(text[at:m.start()])
        if m.group(1) is not None:
            out.append(m.group(1), style=code)
        elif m.group(2) is not None:
            out.append(m.group(2), style="bold")
        else:
            out.append(m.group(3), style="italic")
        at = m.end()
    out.append(text[at:])
    return out

