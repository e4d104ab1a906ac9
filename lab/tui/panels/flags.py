# SPDX-License-Identifier: GPL-2.0-only
"""The flags panel: prot, flags, vm_flags and gup_flags decoded bit by bit.

Each word as the trace last saw it in this call (and in which function), then every set bit
with its hex value and name; a bit the last step set or cleared is marked. `flags` is mmap's
MAP_* word; where the current function's `flags` is another word (FAULT_FLAG_* in the fault
handlers, FOLL_* in gup), that word is shown under its own name instead, never as MAP_*.
"""

from __future__ import annotations

from rich.text import Text

from lab.stepping.capture import bit_name, flag_word
from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import FlagBit, FlagWord, StepView
from lab.tui.panels.base import Panel

_HELP = {
    "prot": "mmap's prot: what the process may do with the pages",
    "flags": "mmap's flags: the kind of mapping and how it is made",
    "vm_flags": "the VMA's flags, VM_*: what the kernel keeps for the mapping",
    "gup_flags": "get_user_pages' flags, FOLL_*: how populate walks the pages",
}


class FlagsPanel(Panel):
    TITLE = "panel_flags"
    KEY = "7"
    COMPONENT_CLASSES = {"flags--word", "flags--where", "flags--set", "flags--cleared",
                         "flags--bit"}
    DEFAULT_CSS = """
    FlagsPanel > .flags--word { text-style: bold; color: $accent; }
    FlagsPanel > .flags--where { color: $foreground 55%; }
    FlagsPanel > .flags--set { color: $success; text-style: bold; }
    FlagsPanel > .flags--cleared { color: $error; text-style: strike; }
    FlagsPanel > .flags--bit { color: $foreground 85%; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs

    def compose(self):
        yield self.lines

    def show_view(self, view: StepView) -> None:
        items = []
        for word in view.flags:
            if word.name == "flags" and word.value is None:
                word = _other_flags(view) or word
            items.extend(self._word(word))
        self.lines.set_lines(items)

    def _word(self, w: FlagWord) -> list:
        word_s, where_s = self.style("flags--word"), self.style("flags--where")
        set_s, clr_s, bit_s = (self.style("flags--set"), self.style("flags--cleared"),
                               self.style("flags--bit"))
        g, lang = self.glyphs, self.lang
        head = Text(w.name, style=word_s)
        if w.value is None:
            head.append(t("flags_unseen", lang), style=where_s)
            return [(("h", w.name, None), head)]
        head.append(f" = {w.value:#x}")
        if w.function:
            head.append(t("flags_in", lang, function=w.function), style=where_s)
        out = [(("h", w.name, w.value, w.function), head)]
        if not w.bits:
            out.append((("z", w.name), Text(t("flags_no_bits", lang), style=where_s)))
        for b in w.bits:
            mark = g.added if b.change == "set" else g.removed if b.change == "cleared" else " "
            style = set_s if b.change == "set" else clr_s if b.change == "cleared" else bit_s
            line = Text(f" {mark}", style=style)
            line.append(f"{b.bit:#10x} ", style=where_s)
            line.append(b.name, style=style)
            if b.change:
                line.append(t(f"flags_{b.change}", lang), style=where_s)
            out.append((("b", w.name, b), line))
        return out


def _flags_local(step) -> int | None:  # noqa: ANN001
    value = step.locals.get("flags") if step is not None else None
    if isinstance(value, tuple) and value and value[0] == "*":
        value = value[1]  # an out parameter: the word it points to (faultin_page's *flags)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _other_flags(view: StepView) -> FlagWord | None:
    """The current function's `flags` when it is not mmap's word: FAULT_FLAG_*, FOLL_*."""
    step = view.step
    value = _flags_local(step)
    word = flag_word("flags", step.function) if step is not None else None
    if value is None or word is None or word == "MAP":
        return None
    last = view.last
    before = _flags_local(last) if last is not None and last.function == step.function \
        and last.depth == step.depth else None
    was = value if before is None else before
    bits = tuple(FlagBit(1 << i, bit_name(word, 1 << i), bool(value >> i & 1),
                         None if (value ^ was) >> i & 1 == 0
                         else ("set" if value >> i & 1 else "cleared"))
                 for i in range(64) if (value | was) >> i & 1)
    return FlagWord(f"flags ({word}_*)", value, before if before != value else None,
                    step.function, bits)
