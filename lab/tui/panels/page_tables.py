# SPDX-License-Identifier: GPL-2.0-only
"""The page-table panel: the x86-64 walk for one address, and which pages of its VMA exist.

The address is the learner's pick (`a`, or Enter on a VMA) or, by default, the page being
faulted or the start of the mapping being made. The walk shows each level's index (which
bits of the address pick it), the entry's value and its bits decoded; the PTE the last step
wrote is marked. Below, a map of the VMA's pages: one cell per page for small mappings, one
per slice of a big one, shaded by how many of its pages are present, so a gigabyte fits.
"""

from __future__ import annotations

import bisect

from rich.text import Text

from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel, wrapped
from lab.tui.panels.vmas import human

#: (name, bit) shown for every entry, in the order of the hardware manual.
PTE_BITS = (("P", 1 << 0), ("RW", 1 << 1), ("US", 1 << 2), ("A", 1 << 5), ("D", 1 << 6),
            ("PSE", 1 << 7), ("G", 1 << 8), ("NX", 1 << 63))
_SHIFTS = {"PGD": 39, "PUD": 30, "PMD": 21, "PTE": 12}
PFN_MASK = ((1 << 52) - 1) & ~0xFFF


class PageTablePanel(Panel):
    TITLE = "panel_pt"
    KEY = "6"
    COMPONENT_CLASSES = {"page-tables--on", "page-tables--off", "page-tables--level",
                         "page-tables--written", "page-tables--dim", "page-tables--map"}
    DEFAULT_CSS = """
    PageTablePanel > .page-tables--on { color: $success; text-style: bold; }
    PageTablePanel > .page-tables--off { color: $foreground 35%; }
    PageTablePanel > .page-tables--level { color: $accent; text-style: bold; }
    PageTablePanel > .page-tables--written { background: $warning 35%; }
    PageTablePanel > .page-tables--dim { color: $foreground 55%; }
    PageTablePanel > .page-tables--map { color: $success; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs
        self.address: int | None = None  # the learner's pick; None follows the step

    def compose(self):
        yield self.lines

    def shown_address(self, view: StepView) -> int | None:
        return self.address if self.address is not None else view.focus_address

    def show_view(self, view: StepView) -> None:
        lines = self.lines
        width = max(lines.size.width, 30)
        height = max(lines.size.height, 6)
        addr = self.shown_address(view)
        dim = self.style("page-tables--dim")
        lang = self.lang
        if addr is None:
            lines.set_lines(wrapped(Text(t("pt_none", lang), style=dim), width - 1,
                                    ("none", lang)))
            self.set_title()
            return
        items: list = []
        follow = "" if self.address is not None else t("pt_following", lang)
        head = Text(t("pt_address", lang, addr=f"{addr:#x}"),
                    style=self.style("page-tables--level"))
        head.append(follow, style=dim)
        items.append((("a", addr, follow), head))
        walk = view.walk(addr)
        g = self.glyphs
        for depth, ws in enumerate(walk):
            items.append(self._entry_line(ws, depth, addr, view, width))
        if walk and walk[-1].leaf:
            pfn = (walk[-1].entry & PFN_MASK) >> 12
            offset = addr & ((1 << _SHIFTS[walk[-1].level]) - 1)
            items.append((("pfn", pfn), Text(
                t("pt_physical", lang, arrow=g.arrow, phys=f"{(pfn << 12) | offset:#x}",
                  pfn=f"{pfn:#x}"), style=dim)))
        elif walk:
            items.append((("nf", walk[-1].level), Text(
                t("pt_empty", lang, level=walk[-1].level), style=dim)))
        items.extend(self._present_map(view, addr, width, height - len(items) - 1))
        lines.set_lines(items)
        self.set_title(f"{addr:#x}")

    def _entry_line(self, ws, depth: int, addr: int, view: StepView, width: int):
        on, off = self.style("page-tables--on"), self.style("page-tables--off")
        level_s, dim = self.style("page-tables--level"), self.style("page-tables--dim")
        shift = _SHIFTS[ws.level]
        text = Text(" " * depth + f"{ws.level}[{ws.index:3}] ", style=level_s)
        text.append(f"{ws.entry:#018x} ")
        for name, bit in PTE_BITS:
            if name in ("G", "PSE") and width < 56 and not ws.entry & bit:
                continue
            text.append(name + " ", style=on if ws.entry & bit else off)
        pfn = (ws.entry & PFN_MASK) >> 12
        if ws.entry & 1 and width >= 64:
            what = t("pt_next_" + (ws.level if not ws.leaf else "PTE"), self.lang)
            text.append(f"{self.glyphs.arrow} {what} {pfn:#x}", style=dim)
        is_written = ws.leaf and view.last_wrote(addr & ~((1 << shift) - 1))
        if is_written:
            text.stylize(self.style("page-tables--written"))
            text.append(t("pt_written", self.lang))
        key = (ws.level, ws.index, ws.entry, depth, is_written, width)
        return key, text

    def _present_map(self, view: StepView, addr: int, width: int, rows: int) -> list:
        vmas = view.vmas
        i = bisect.bisect_right(vmas, addr, key=lambda v: v.start) - 1
        dim = self.style("page-tables--dim")
        lang = self.lang
        if i < 0 or not vmas[i].start <= addr < vmas[i].end:
            return [(("novma", addr), Text(t("pt_no_vma", lang), style=dim))]
        v = vmas[i]
        pages = (v.end - v.start) >> 12
        rows = max(1, min(rows - 1, 6))
        cells = max(1, min(pages, width * rows))
        counts = view.present_map(v.start, v.end, cells)
        if counts is None:
            return [(("pm-wait", v.start, v.end), Text(
                t("pt_counting", lang, size=human(v.end - v.start)), style=dim))]
        cells = len(counts)
        per = pages / cells
        present = sum(counts)
        g = self.glyphs
        title = Text(t("pt_present", lang, size=human(v.end - v.start), present=f"{present:,}",
                       pages=f"{pages:,}"), style=dim)
        if per > 1:
            title.append(t("pt_cell", lang, per=f"{per:,.0f}"), style=dim)
        out = wrapped(title, width - 1, ("pm", v.start, v.end, present, cells, lang))
        shades = g.shades
        map_s = self.style("page-tables--map")
        chars = []
        for i, c in enumerate(counts):
            # the pages of cell i, as session.present_map_at slices them
            span = -(-(i + 1) * pages // cells) - -(-i * pages // cells)
            if c <= 0:
                chars.append(g.bit_off)
            elif c >= span:
                chars.append(shades[4])
            else:
                chars.append(shades[1 + min(2, int(3 * c / span))])
        line = "".join(chars)
        for r in range(0, len(line), width):
            chunk = line[r:r + width]
            out.append((("pmrow", v.start, r, chunk), Text(chunk, style=map_s)))
        return out
