# SPDX-License-Identifier: GPL-2.0-only
"""The C source panel: the real kernel function of the current step, at its real lines.

One read-only TextArea shows one kernel function at a time. Each function's document (text,
tree-sitter tree, highlight map with tree-sitter-c's own query, precedence by pattern order
as editors do) and its cache of rendered lines are built once, the first time the trace
enters the function or when the app is idle, and swapped in when the step moves there: no
re-parse, no re-highlight and no layout pass per step. The execution marker, the tint of the
lines linked to the current Python statement and the breakpoints are drawn over the cached
lines, so moving them costs a few strips, not a re-render.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import tree_sitter
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.document._document_navigator import DocumentNavigator
from textual.document._syntax_aware_document import SyntaxAwareDocument
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Offset, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection, TextAreaTheme

from lab.source.cindex import C_LANGUAGE, CFunction, CIndex, default_index
from lab.source.highlight import C_HIGHLIGHT_QUERY, TAB_SIZE, capture_styles
from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import t
from lab.tui.model import StepView
from lab.tui.panels.base import Panel, overlay_style

THEMES = {
    palette: TextAreaTheme(f"mmaplab-{palette}", syntax_styles=capture_styles(palette))
    for palette in ("dark", "light")
}
GUTTER_DIGITS = 4  # kernel files have fewer than 10,000 lines: the gutter never jumps


@cache
def _query() -> tree_sitter.Query:
    return tree_sitter.Query(C_LANGUAGE, C_HIGHLIGHT_QUERY)


def highlight_map(document: SyntaxAwareDocument) -> defaultdict[int, list]:
    """Row → (start byte, end byte or None, capture name), later patterns winning."""
    highlights: defaultdict[int, list] = defaultdict(list)
    matches = tree_sitter.QueryCursor(_query()).matches(document._syntax_tree.root_node)
    spans = sorted(((p, node, name) for p, caps in matches
                    for name, nodes in caps.items() for node in nodes), key=lambda s: s[0])
    for _, node, name in spans:
        (r0, c0), (r1, c1) = node.start_point, node.end_point
        if r0 == r1:
            highlights[r0].append((c0, c1, name))
        else:
            highlights[r0].append((c0, None, name))
            for r in range(r0 + 1, r1):
                highlights[r].append((0, None, name))
            highlights[r1].append((0, c1, name))
    return highlights


@dataclass
class FunctionDoc:
    """Everything the TextArea needs to show one function, built once and shared: it never
    changes. What a view adds (rendered lines, the cursor) belongs to each KernelCode."""

    fn: CFunction
    document: SyntaxAwareDocument
    wrapped: WrappedDocument
    navigator: DocumentNavigator
    highlights: defaultdict[int, list]

    @classmethod
    def build(cls, fn: CFunction, lines: list[tuple[int, str]]) -> FunctionDoc:
        document = SyntaxAwareDocument("\n".join(text for _, text in lines), C_LANGUAGE)
        wrapped = WrappedDocument(document, tab_width=TAB_SIZE)
        return cls(fn, document, wrapped, DocumentNavigator(wrapped), highlight_map(document))


class KernelCode(TextArea):
    """A read-only view of one kernel function at a time, with a marker, a tint and
    breakpoints drawn over it."""

    COMPONENT_CLASSES = {
        "kernel-code--marker",
        "kernel-code--tint",
        "kernel-code--breakpoint",
        "kernel-code--marker-gutter",
    }
    DEFAULT_CSS = """
    KernelCode {
        border: none; padding: 0; background: transparent; height: 1fr;
        overflow-x: hidden; overflow-y: scroll;
        scrollbar-size-horizontal: 0; scrollbar-size-vertical: 1;
    }
    KernelCode:focus { border: none; }
    KernelCode > .kernel-code--marker { background: $warning 35%; text-style: bold; }
    KernelCode > .kernel-code--tint { background: $warning 15%; }
    KernelCode > .kernel-code--breakpoint { color: $error; text-style: bold; }
    KernelCode > .kernel-code--marker-gutter { color: $warning; text-style: bold; }
    """
    BINDINGS = [
        Binding("left", "screen.step_back", "Back", show=False),
        Binding("right", "screen.step_into", "Step", show=False),
    ]

    class CursorMoved(Message):
        def __init__(self, code: KernelCode, line: int):
            super().__init__()
            self.code = code
            self.line = line

    def __init__(self, palette: str, glyphs: Glyphs, id: str | None = None):
        super().__init__("", read_only=True, show_line_numbers=True, soft_wrap=False,
                         highlight_cursor_line=False, tab_behavior="focus", id=id)
        self.glyphs = glyphs
        self.indent_width = TAB_SIZE
        self.cursor_blink = False
        self.match_cursor_bracket = False
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = f"mmaplab-{palette}"
        self.doc: FunctionDoc | None = None
        self._caches: dict[int, LRUCache] = {}  # per document: its rendered lines
        self._selections: dict[int, Selection] = {}  # per document: where the cursor was
        self.marker: int | None = None  # document row of the execution marker
        self.tint: tuple[int, int] | None = None  # document rows linked to the Python line
        self.breakpoints: set[int] = set()
        self._overlay: dict[tuple, tuple[Strip, Strip]] = {}
        self.user_moved = False

    @property
    def fn(self) -> CFunction | None:
        return self.doc.fn if self.doc is not None else None

    # -- documents -------------------------------------------------------------------------
    def show_doc(self, doc: FunctionDoc) -> None:
        """Swap in another function's document: no parsing, no layout."""
        if doc is self.doc:
            return
        if self.doc is not None:
            self._selections[id(self.doc)] = self.selection
        self.doc = doc
        self.document = doc.document
        self.wrapped_document = doc.wrapped
        self.navigator = doc.navigator
        self._highlights = doc.highlights
        lines = self._caches.get(id(doc))
        if lines is None:
            lines = self._caches[id(doc)] = LRUCache(256)
        self._line_cache = lines
        self._highlight_query = _query()
        self.set_reactive(TextArea.line_number_start, doc.fn.line)
        self.set_reactive(TextArea.selection,
                          self._selections.get(id(doc), Selection.cursor((0, 0))))
        self._recompute_cursor_offset()
        self.marker, self.tint, self.breakpoints = None, None, set()
        self.user_moved = False
        self._refresh_size()
        self.refresh()

    def _set_document(self, text: str, language: str | None) -> None:
        # the empty document of the constructor; every real one comes through show_doc
        super()._set_document(text, None)

    def _refresh_size(self) -> None:
        """The virtual size changes with the function; that needs no layout pass, since the
        scrollbars never come or go (overflow-y: scroll, overflow-x: hidden)."""
        width, height = self.document.get_size(self.indent_width)
        size = Size(width + self.gutter_width + 1, height)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
            self.refresh()

    @property
    def gutter_width(self) -> int:
        last = self.document.line_count - 1 + self.line_number_start
        return max(GUTTER_DIGITS, len(str(last))) + 2

    def clear_caches(self) -> None:
        self._overlay.clear()
        for lines in self._caches.values():
            lines.clear()
        self._line_cache.clear()

    # -- overlay ---------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        self._overlay.clear()
        super().notify_style_update()

    def row_of(self, real_line: int) -> int:
        return real_line - self.line_number_start

    def set_marks(self, marker: int | None, tint: tuple[int, int] | None,
                  breakpoints: Iterable[int]) -> None:
        """Move the marker and tint (document rows); redraw only the rows that changed."""
        bps = set(breakpoints)
        rows: set[int] = set()
        if marker != self.marker:
            rows.update(r for r in (marker, self.marker) if r is not None)
        if tint != self.tint:
            for t in (tint, self.tint):
                if t is not None:
                    rows.update(range(t[0], t[1] + 1))
        rows.update(bps ^ self.breakpoints)
        self.marker, self.tint, self.breakpoints = marker, tint, bps
        top, height = int(self.scroll_y), self.size.height
        for r in rows:
            if top <= r < top + height:
                self.refresh_lines(r)
        if marker is not None and not self.user_moved:
            self.scroll_to_row(marker)

    def _indent_cells(self, row: int) -> int:
        text = self.document.get_line(row).expandtabs(TAB_SIZE)
        return len(text) - len(text.lstrip())

    def scroll_to_row(self, row: int) -> None:
        """Bring the marker's line into view, its statement too when deeply indented."""
        top, height = int(self.scroll_y), self.size.height
        if height <= 1:
            return
        if not top + 1 <= row < top + height - 2:
            self.scroll_to(y=max(0, row - height // 3), animate=False, immediate=True,
                           force=True)
        width = self.size.width - self.gutter_width - 1
        if width > 10:
            indent = self._indent_cells(row)
            x = int(self.scroll_x)
            if indent < x or indent > x + width - 24:
                target = 0 if indent <= width - 24 else max(0, indent - 16)
                self.scroll_to(x=target, animate=False, immediate=True, force=True)

    def on_resize(self) -> None:
        if self.marker is not None and not self.user_moved:
            self.scroll_to_row(self.marker)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        row = int(self.scroll_y) + y
        if row >= self.document.line_count:
            return strip
        is_marker = row == self.marker
        tinted = self.tint is not None and self.tint[0] <= row <= self.tint[1]
        is_bp = row in self.breakpoints
        if not (is_marker or tinted or is_bp):
            return strip
        key = (id(self.doc), row, is_marker, tinted, is_bp)
        hit = self._overlay.get(key)
        if hit is not None and hit[0] is strip:
            return hit[1]
        out = self._decorate(strip, is_marker, tinted, is_bp)
        if len(self._overlay) > 512:
            self._overlay.clear()
        self._overlay[key] = (strip, out)
        return out

    def _decorate(self, strip: Strip, is_marker: bool, tinted: bool, is_bp: bool) -> Strip:
        gutter = self.gutter_width
        g = self.glyphs
        glyph = g.both if is_marker and is_bp else g.marker if is_marker else \
            g.breakpoint if is_bp else " "
        line_style = overlay_style(
            self, "kernel-code--marker" if is_marker else "kernel-code--tint") \
            if (is_marker or tinted) else None
        glyph_style = overlay_style(
            self, "kernel-code--breakpoint" if is_bp else "kernel-code--marker-gutter")
        out: list[Segment] = []
        pos = 0
        for seg in strip:
            text, style, control = seg
            if control:
                out.append(seg)
                continue
            n = len(text)
            if pos < gutter:
                # the gutter is "1285  ": the glyph goes in the margin after the number
                cut = gutter - 2 - pos
                if 0 <= cut < n:
                    out.append(Segment(text[:cut], style))
                    out.append(Segment(glyph[:1], (style or Style()) + glyph_style))
                    out.append(Segment(text[cut + 1:], style))
                else:
                    out.append(seg)
            else:
                out.append(Segment(text, (style or Style()) + line_style) if line_style
                           else seg)
            pos += n
        return Strip(out, strip.cell_length)

    def _watch_selection(self, previous_selection, selection) -> None:  # noqa: ANN001
        super()._watch_selection(previous_selection, selection)
        if self.has_focus and self.doc is not None and previous_selection != selection:
            self.user_moved = True
            self.post_message(self.CursorMoved(self, self.line_number_start + selection.end[0]))

    def scroll_cursor_visible(self, center: bool = False, animate: bool = False) -> Offset:
        # the cursor matters only once the learner moves it; until then the marker leads
        if not getattr(self, "user_moved", False) and not self.has_focus:
            return Offset()
        return super().scroll_cursor_visible(center, animate)


class CSourcePanel(Panel):
    """The kernel C of the current step, following it from function to function and file to
    file; the title says where: file:line and the function."""

    TITLE = "panel_c"
    KEY = "1"
    DEFAULT_CSS = """
    CSourcePanel { width: 1fr; }
    CSourcePanel > #c-empty { padding: 1 2; color: $text-muted; height: 1fr; }
    """

    def __init__(self, *, glyphs: Glyphs = UNICODE, palette: str = "dark",
                 index: CIndex | None = None, initial: CFunction | None = None,
                 id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.glyphs = glyphs
        self.palette = palette
        self.index = index or default_index()
        self.breakpoints: set[tuple[str, int]] = set()
        self.initial = initial
        self.code = KernelCode(palette, glyphs)
        if initial is not None:  # in the first layout, with its text
            self.code.show_doc(self.doc_for(initial))

    def compose(self):
        empty = Static("", id="c-empty")
        empty.display = self.initial is None
        self.code.display = self.initial is not None
        yield empty
        yield self.code

    def doc_for(self, fn: CFunction) -> FunctionDoc:
        return _doc(self.index, fn)

    def prepare(self, functions: Iterable[CFunction]) -> None:
        """Build the documents of functions the trace will enter (done when idle)."""
        for fn in functions:
            self.doc_for(fn)

    def set_palette(self, palette: str) -> None:
        """A new app theme: cached lines carry the old colours, even if the palette stays."""
        self.palette = palette
        self.code.theme = f"mmaplab-{palette}"
        self.code.clear_caches()
        self.code.refresh()

    def show_view(self, view: StepView) -> None:
        step = view.step
        empty = self.query_one("#c-empty", Static)
        if step is None or view.function is None:
            if self.code.display:
                self.code.display = False
                empty.display = True
            words = view.narration if view.at_end else view.narration[:1]  # + each result
            empty.update(Text("\n".join(words) or t("c_none", self.lang)))
            self.set_title()
            return
        if not self.code.display:
            self.code.display = True
            empty.display = False
        self.code.show_doc(self.doc_for(view.function))
        self._mark(view)
        # the line is in the status bar: a title that changes every step repaints the panel
        self.set_title(step.c_path, view.function.display)

    def _mark(self, view: StepView) -> None:
        step = view.step
        code = self.code
        assert step is not None and code.fn is not None
        marker = code.row_of(step.c_line)
        tint = (code.row_of(step.c_line), code.row_of(step.c_end))
        bps = [code.row_of(line) for path, line in self.breakpoints
               if path == step.c_path and code.fn.line <= line <= code.fn.end_line]
        code.set_marks(marker, tint, bps)

    def set_breakpoints(self, lines: set[tuple[str, int]]) -> None:
        if lines == self.breakpoints:
            return
        self.breakpoints = set(lines)
        if self.code.fn is not None and self.view is not None and self.view.step is not None:
            self._mark(self.view)

    def cursor_line(self) -> tuple[str, int] | None:
        """The C line the learner moved the cursor to, if they did."""
        code = self.code
        if code.fn is None or not code.user_moved:
            return None
        return code.fn.path, code.fn.line + code.cursor_location[0]

    def follow(self) -> None:
        """Forget the learner's cursor: scroll back to the execution marker."""
        self.code.user_moved = False
        if self.code.marker is not None:
            self.code.scroll_to_row(self.code.marker)


_DOCS: dict[tuple[str, int], FunctionDoc] = {}


def _doc(index: CIndex, fn: CFunction) -> FunctionDoc:
    """One document per kernel function for the whole process (the text never changes)."""
    key = (fn.path, fn.line)
    doc = _DOCS.get(key)
    if doc is None:
        doc = _DOCS[key] = FunctionDoc.build(fn, index.source_lines(fn))
    return doc
