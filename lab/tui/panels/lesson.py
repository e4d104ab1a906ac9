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
from textual.widget import Widget

from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel

if TYPE_CHECKING:
    from lab.tui.lesson_mode import LessonMode


class LessonPanel(Panel):
    TITLE = "panel_lesson"
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
            self.lines.set_lines([(("none",), Text(t("lesson_none", self.lang)))])
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
                paras += [Text(f"  {self.glyphs.bullet} {g}") for g in page.goals]
        if page.text and (q is None or page.text.strip() != q.prompt(lang).strip()):
            code = self.style("lesson--code")
            paras += [inline(p, code) for p in paragraphs(page.text)]
        if q is not None:
            qstyle, code = self.style("lesson--question"), self.style("lesson--code")
            for p in paragraphs(q.prompt(lang)):
                para = inline(p, code)
                para.stylize(qstyle)
                paras.append(para)
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
            for row, chunk in enumerate(wrap(para, width)):
                items.append(((key, n, row), chunk))
        self.lines.set_lines(items)
        self.lines.scroll_to(y=0, animate=False, immediate=True, force=True)


class Prose(Widget):
    """Text wrapped as the lesson pane wraps it (Chinese between characters), for dialogs."""

    DEFAULT_CSS = "Prose { height: auto; }"

    def __init__(self, text: Text | str = "", *, id: str | None = None):
        super().__init__(id=id)
        self.text = Text(text) if isinstance(text, str) else text
        self._wrapped: tuple[int, list[Text]] | None = None

    def update(self, text: Text | str) -> None:
        self.text = Text(text) if isinstance(text, str) else text
        self._wrapped = None
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Text]:
        if self._wrapped is None or self._wrapped[0] != width:
            rows = [r for part in self.text.split("\n", allow_blank=True)
                    for r in wrap(part, max(width, 10))] if self.text.plain else []
            self._wrapped = (width, rows)
        return self._wrapped[1]

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        return len(self.lines(width))

    def render(self) -> Text:
        out = Text("\n").join(self.lines(self.content_size.width))
        out.no_wrap = True
        return out


def paragraphs(text: str) -> list[str]:
    """Markdown prose as paragraphs: wrapped lines joined, list items and blank lines kept."""
    out: list[str] = []
    for block in text.split("\n\n"):
        lines: list[str] = []
        for line in block.split("\n"):
            item = line.lstrip().startswith(("- ", "* ", "|")) or line.startswith("    ")
            if lines and not item and line.strip():
                nxt = line.strip()
                cjk = _is_wide(lines[-1][-1]) and _is_wide(nxt[0])  # no spaces in 中文
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



def _is_wide(ch: str) -> bool:
    return ch >= "\u2e80"


# A break may come after a space or between two wide (CJK) characters, but never before a
# closing mark (，。） ...) nor after an opening one (（「 ...), as Chinese typesetting wants.
_NO_BREAK_BEFORE = set("，。、：；！？）」』》〉】,.;:!?)]}")
_NO_BREAK_AFTER = set("（「『《〈【([{")
_ITEM = re.compile(r"\s*(?:[-*•]|\d+[.)]|[a-j]\)|\d+(?=  ))\s+")  # items, numbered lines


def wrap(text: Text, width: int) -> list[Text]:
    """`text` as lines of at most `width` cells: Latin words kept whole, Chinese broken
    between characters, list items indented under their first word. Rich's own wrap breaks
    only at spaces, which leaves a Chinese paragraph as one word folded mid-line."""
    from rich.cells import cell_len

    plain = text.plain
    if not plain:
        return [Text("")]
    m = _ITEM.match(plain)
    hang = cell_len(m.group(0)) if m and cell_len(m.group(0)) < width // 2 else 0
    breaks = [i for i in range(1, len(plain)) if _may_break(plain[i - 1], plain[i])]
    lines: list[Text] = []
    start, room = 0, width
    while start < len(plain):
        end, used, last = start, 0, None
        while end < len(plain) and used + cell_len(plain[end]) <= room:
            used += cell_len(plain[end])
            end += 1
        if end < len(plain):
            fits = [b for b in breaks if start < b <= end]
            last = fits[-1] if fits else None
            end = last if last is not None else max(end, start + 1)
        line = text[start:end]
        line.rstrip()
        if lines and hang:
            line = Text(" " * hang) + line
        lines.append(line)
        start = end
        while start < len(plain) and plain[start] == " ":
            start += 1
        room = width - hang
    return lines


def _may_break(before: str, after: str) -> bool:
    if after in _NO_BREAK_BEFORE or before in _NO_BREAK_AFTER:
        return False
    if before == " " or after == " ":
        return True
    return _is_wide(before) or _is_wide(after)
