# SPDX-License-Identifier: GPL-2.0-only
"""The VMAs panel: the simulated /proc/PID/maps at the current step.

start-end, perms, offset, size, Rss and path per VMA (VmFlags on demand, `v`); rows the last
step added, expanded, split or changed are marked, removed rows stay one step, struck
through; rows touching the range of the call being stepped are highlighted. The list is
virtual: only the rows on screen are built, so a process with thousands of VMAs steps as fast
as one with ten. Enter on a row shows its page tables (Picked "address").
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from lab.kernel.include.linux.mm import smaps_vmflags
from lab.stepping.state import VmaView
from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t, use_bindings
from lab.tui.model import StepView
from lab.tui.panels.base import LineList, Panel


def human(n: int) -> str:
    """Bytes as maps readers say them: 4K, 8K, 1.5M, 1G."""
    for unit, size in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= size:
            v = n / size
            return f"{v:.0f}{unit}" if v == int(v) or v >= 100 else f"{v:.1f}{unit}"
    return f"{n}B" if n else "0"


def _cells(text: str, width: int, right: bool = False) -> str:
    """`text` padded to `width` terminal cells (a Chinese character takes two)."""
    pad = " " * max(width - cell_len(text), 0)
    return pad + text if right else text + pad


class VmaList(LineList):
    """The rows, with a cursor row for picking a VMA."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("enter", "pick", "Page tables of this VMA", show=False),
    ]

    def action_cursor(self, delta: int) -> None:
        panel = self.parent
        if isinstance(panel, VmaPanel):
            panel.move_cursor(delta)

    def action_pick(self) -> None:
        panel = self.parent
        if isinstance(panel, VmaPanel):
            panel.pick()

    def on_click(self, event) -> None:  # noqa: ANN001
        """A click on a row picks it, as Enter does."""
        panel = self.parent
        row = int(self.scroll_y) + event.y - 1  # row 0 is the header
        if isinstance(panel, VmaPanel) and 0 <= row < len(panel._rows):
            panel.cursor = row
            panel.pick()


class MergedRows(Sequence):
    """The panel's rows, (view, mark): the VMAs at the step, each with its mark, and the
    VMAs the last step removed in their places. Built row by row as they are read, so a
    list of 65,530 VMAs costs what is on screen."""

    def __init__(self, vmas: Sequence[VmaView], marks: dict[tuple[int, int], str],
                 removed: Sequence[VmaView]):
        self.vmas, self.marks = vmas, marks
        # the row each removed VMA takes: its place in `vmas`, plus the removed before it
        places = sorted(bisect.bisect_left(vmas, r.start, key=_start) for r in removed)
        self.removed = {p + n: r for n, (p, r) in
                        enumerate(zip(places, sorted(removed, key=_start)))}
        self._before = sorted(self.removed)

    def __len__(self) -> int:
        return len(self.vmas) + len(self.removed)

    def __getitem__(self, i):  # noqa: ANN001
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        gone = self.removed.get(i)
        if gone is not None:
            return gone, "removed"
        v = self.vmas[i - bisect.bisect_left(self._before, i)]
        return v, self.marks.get((v.start, v.end), "")


def _start(v: VmaView) -> int:
    return v.start


def _row_start(row: tuple[VmaView, str]) -> int:
    return row[0].start


class _Rows:
    """The LineSource of the panel: row 0 is the header, then VMAs and removed VMAs."""

    def __init__(self, panel: VmaPanel, view: StepView, rows: MergedRows):
        self.panel = panel
        self.view = view
        self.rows = rows
        rng = view.call_range
        self.range = rng
        self._made: dict[int, tuple] = {}

    def __len__(self) -> int:
        return len(self.rows) + 1

    def __getitem__(self, i: int):
        # what a row showed is remembered: the next step's rows are compared with it
        hit = self._made.get(i)
        if hit is None:
            hit = self._made[i] = self._make(i)
        return hit

    def _make(self, i: int):
        p = self.panel
        if i == 0:
            return ("header", p.wide, p.show_flags), p.header
        vma, mark = self.rows[i - 1]
        rng = self.range
        touches = rng is not None and vma.start < rng[1] and rng[0] < vma.end
        rss = None if mark == "removed" else self.view.rss_pages(vma.start, vma.end)
        cursor = p.cursor == i - 1 and p.list_focused
        key = (vma, mark, touches, rss, cursor, p.wide, p.show_flags)
        return key, lambda: p.row_text(vma, mark, touches, rss, cursor)


class VmaPanel(Panel):
    TITLE = "panel_vmas"
    KEY = "5"
    COMPONENT_CLASSES = {"vmas--header", "vmas--added", "vmas--changed", "vmas--removed",
                         "vmas--range", "vmas--cursor", "vmas--dim"}
    DEFAULT_CSS = """
    VmaPanel > .vmas--header { color: $foreground 55%; text-style: bold; }
    VmaPanel > .vmas--added { color: $success; text-style: bold; }
    VmaPanel > .vmas--changed { color: $warning; text-style: bold; }
    VmaPanel > .vmas--removed { color: $error; text-style: strike; }
    VmaPanel > .vmas--range { background: $accent 25%; }
    VmaPanel > .vmas--cursor { background: $accent 45%; }
    VmaPanel > .vmas--dim { color: $foreground 55%; }
    """
    BINDINGS = [Binding("v", "toggle_flags", "VmFlags column", show=False)]
    LINES = VmaList

    def __init__(self, *, glyphs: Glyphs = UNICODE, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs
        self.cursor = 0
        self.show_flags = False
        self.wide = True
        self._rows_key: tuple | None = None
        self._rows: Sequence[tuple[VmaView, str]] = []
        self.header = Text("")

    def compose(self):
        yield self.lines

    def on_resize(self) -> None:
        wide = self.size.width >= 74
        if wide != self.wide:  # (Panel.on_resize shows the view again)
            self.wide = wide
            self._make_header()

    def _make_header(self) -> None:
        lang = self.lang
        cols = _cells("  " + t("vmas_range", lang), 28) + _cells(t("vmas_perm", lang), 5)
        cols += _cells(t("vmas_offset", lang), 9) if self.wide else ""
        cols += f"{_cells(t('vmas_size', lang), 6, True)} " \
                f"{_cells(t('vmas_rss', lang), 6, True)} {t('vmas_path', lang)}"
        if self.show_flags:
            cols += "  VmFlags"
        self.header = Text(cols, style=self.style("vmas--header"))

    def on_mount(self) -> None:
        self._make_header()
        self._local_bindings()
        super().on_mount()

    def relabel(self) -> None:
        super().relabel()
        self._make_header()
        self._local_bindings()

    def _local_bindings(self) -> None:
        lang = self.lang
        use_bindings(self, [Binding("v", "toggle_flags", t("key_vmflags", lang), show=False)])
        use_bindings(self.lines, [Binding("enter", "pick", t("key_vma_pick", lang),
                                          show=False)])

    def action_toggle_flags(self) -> None:
        self.show_flags = not self.show_flags
        self._make_header()
        if self.view is not None:
            self.show_view(self.view)

    def _merged_rows(self, view: StepView) -> MergedRows:
        marks, removed = view.vma_changes
        key = (id(view.vmas), tuple(sorted(marks.items())), tuple(removed))
        if key == self._rows_key:
            return self._rows
        rows = MergedRows(view.vmas, marks, removed)
        self._rows_key, self._rows = key, rows
        return rows

    def show_view(self, view: StepView) -> None:
        rows = self._merged_rows(view)
        self.cursor = min(self.cursor, max(len(rows) - 1, 0))
        lines = self.lines
        lines.set_lines(_Rows(self, view, rows))
        rng = view.call_range
        if rng is not None and not lines.has_focus:
            i = bisect.bisect_right(rows, rng[0], key=_row_start) - 1
            lines.show_row(max(i, 0) + 1)
        count = len(view.vmas)
        marks = view.vma_changes[0]
        changed = len(marks) + len(view.vma_changes[1])
        self.set_title(t("vmas_count", self.lang, count=count),
                       t("vmas_changed", self.lang, count=changed) if changed else "")

    def row_text(self, v: VmaView, mark: str, touches: bool, rss: int | None,
                 cursor: bool) -> Text:
        g = self.glyphs
        glyph = {"added": g.added, "expanded": g.changed, "split": g.changed,
                 "changed": g.changed, "removed": g.removed}.get(mark, " ")
        style = {"added": "vmas--added", "expanded": "vmas--changed", "split": "vmas--changed",
                 "changed": "vmas--changed", "removed": "vmas--removed"}.get(mark)
        st = self.style(style) if style else None
        text = Text(glyph, style=st)
        text.append(f"{v.start:012x}-{v.end:012x} {v.perms} ", style=st)
        if self.wide:  # maps shows the file offset; anonymous memory shows 0
            offset = v.pgoff << 12 if v.path and not v.path.startswith("[") else 0
            text.append(f"{offset:08x} ", style=self.style("vmas--dim"))
        shown = "" if mark == "removed" else "..." if rss is None else human(rss * 4096)
        text.append(f"{human(v.end - v.start):>6} {shown:>6} ")
        text.append(v.path or "", style=st)
        if mark and mark != "removed":
            text.append(f"  {t('vmas_mark_' + mark, self.lang)}", style=st)
        if self.show_flags:
            text.append("  " + " ".join(smaps_vmflags(v.flags)), style=self.style("vmas--dim"))
        if cursor:
            text.stylize(self.style("vmas--cursor"))
        elif touches:
            text.stylize(self.style("vmas--range"))
        return text

    # -- picking ---------------------------------------------------------------------------
    @property
    def list_focused(self) -> bool:
        return self.lines.has_focus

    def move_cursor(self, delta: int) -> None:
        self.cursor = max(0, min(self.cursor + delta, len(self._rows) - 1))
        lines = self.lines
        lines.show_row(self.cursor + 1)
        if self.view is not None:
            self.show_view(self.view)
            lines.show_row(self.cursor + 1)

    def pick(self) -> None:
        if 0 <= self.cursor < len(self._rows):
            self.post_message(self.Picked(self, "address", self._rows[self.cursor][0].start))

    def on_descendant_focus(self) -> None:
        if self.view is not None:
            self.show_view(self.view)

    def on_descendant_blur(self) -> None:
        if self.view is not None:
            self.show_view(self.view)
