# SPDX-License-Identifier: GPL-2.0-only
"""What every panel shares: a titled box fed a StepView, and a virtualised list of lines.

A panel gets the current `StepView` as an attribute (attributes down); it posts messages when
the learner picks something (messages up). Work happens when the view changes, and only if
the panel is on screen: a hidden panel marks itself stale and catches up when shown.

`LineList` is the Line API list most panels draw into: each line is a (key, make) pair; the
rendered Strip is cached by key and width, so a step that leaves a line alone costs one
dictionary lookup for it, and only lines whose key changed are refreshed. Lines are produced
lazily by a `LineSource`, so a list of thousands of VMAs builds only the rows on screen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Protocol

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from lab.tui.glyphs import UNICODE, Glyphs
from lab.tui.i18n import lang_of, t

if TYPE_CHECKING:
    from lab.tui.model import StepView

Line = tuple[Hashable, "Text | Callable[[], Text]"]


class LineSource(Protocol):
    def __len__(self) -> int: ...

    def __getitem__(self, i: int) -> Line: ...


class LineList(ScrollView, can_focus=True):
    """A scrolling list of styled lines, virtualised and cached per line.

    It never shows a scrollbar (a scrollbar coming or going costs the whole screen a layout
    pass, on every step that changes the line count); it scrolls by keys and wheel all the
    same, and says what is out of view through `on_hint` (the panel shows it as a subtitle).
    """

    DEFAULT_CSS = """
    LineList {
        background: transparent;
        overflow-x: hidden;
        overflow-y: hidden;
    }
    LineList:focus { background-tint: $foreground 4%; }
    """

    CACHE = 300  # rendered lines kept: a screenful for each of the last dozen steps
    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._source: LineSource | Sequence[Line] = ()
        self._strips: OrderedDict[tuple, Strip] = OrderedDict()
        self.max_width = 0
        self._follow: int | None = None
        self.on_hint: Callable[[str], None] | None = None
        self._hint = ""
        self._base_style: Style | None = None

    @property
    def allow_vertical_scroll(self) -> bool:
        return self.virtual_size.height > self.size.height

    def set_lines(self, source: LineSource | Sequence[Line], max_width: int = 0) -> None:
        """Show `source`; refresh only the visible lines whose key changed."""
        old = self._source
        self._source = source
        self.max_width = max_width
        n = len(source)
        size = Size(max(max_width, self.size.width), n)
        top = int(self.scroll_y)
        if size != self.virtual_size:
            # no scrollbars, so a new size needs no layout pass
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
            if int(self.scroll_y) != top:
                self.refresh()
                self._update_hint()
                return
        # repaint only the lines on screen whose content changed
        n_old = len(old)
        first = None
        for y in range(top, top + self.size.height):
            if y >= n and y >= n_old:
                break
            changed = y >= n or y >= n_old or old[y][0] != source[y][0]
            if changed and first is None:
                first = y
            elif not changed and first is not None:
                self.refresh_lines(first, y - first)
                first = None
        if first is not None:
            self.refresh_lines(first, top + self.size.height - first)
        self._update_hint()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._update_hint()

    def _update_hint(self) -> None:
        n, h, top = len(self._source), self.size.height, int(self.scroll_y)
        hint = "" if n <= h or h <= 0 else t("lines_hint", lang_of(self), first=top + 1,
                                             last=min(top + h, n), count=f"{n:,}")
        if hint != self._hint:
            self._hint = hint
            if self.on_hint is not None:
                self.on_hint(hint)

    def show_row(self, row: int) -> None:
        """Keep `row` in view (now, and after the next resize if the list has no size yet)."""
        self._follow = row
        top, h = int(self.scroll_y), self.size.height
        if h <= 0:
            return
        if not top <= row < top + h:
            self.scroll_to(y=max(0, row - h // 3), animate=False, immediate=True, force=True)

    def on_resize(self) -> None:
        self._update_hint()
        if self._follow is not None:
            self.show_row(self._follow)

    def clear_cache(self) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        self._strips.clear()
        self._base_style = None
        super().notify_style_update()

    def line_at(self, y: int) -> Line | None:
        return self._source[y] if 0 <= y < len(self._source) else None

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.size.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if index >= len(self._source):
            return Strip.blank(width, base)
        key, make = self._source[index]
        ck = (key, width, int(self.scroll_x), base)
        strip = self._strips.get(ck)
        if strip is None:
            text = make() if callable(make) else make
            text.no_wrap = True
            if text.style is None:
                text.style = ""
            segments = list(text.render(self.app.console, end=""))
            strip = Strip(segments).crop(int(self.scroll_x), int(self.scroll_x) + width)
            strip = strip.extend_cell_length(width).apply_style(base)
            self._strips[ck] = strip
            if len(self._strips) > self.CACHE:
                self._strips.popitem(last=False)
        return strip


class TextLine(Widget):
    """One line of text whose updates repaint it and nothing else (no layout pass)."""

    DEFAULT_CSS = """
    TextLine { height: 1; width: 1fr; }
    """

    def __init__(self, content: object = "", *, id: str | None = None,
                 classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._content = content

    def render(self):  # noqa: ANN201
        return self._content

    def update(self, content: object) -> None:
        self._content = content
        self.refresh()


class Panel(Widget):
    """A titled box that shows one part of the current step."""

    DEFAULT_CSS = """
    Panel {
        border: round $foreground 30%;
        border-title-color: $foreground 70%;
        border-title-style: bold;
        height: 1fr;
        width: 1fr;
        padding: 0 0;
    }
    Panel:focus-within { border: round $accent; border-title-color: $accent; }
    """

    TITLE = ""  # the lab.tui.i18n key of the title ("panel_c": "C source", "C 源码")
    KEY = ""  # the number key that shows it
    LINES: type = None  # type: ignore[assignment]  # the LineList class, if the panel has one


    class Picked(Message):
        """The learner picked something in a panel: an address, a statement, a frame."""

        def __init__(self, panel: Panel, what: str, value: object):
            super().__init__()
            self.panel = panel
            self.what = what
            self.value = value

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.view: StepView | None = None  # attributes down: the screen sets it every step
        self._mounted = False
        self._stale = True
        self.border_title = self.title_text()
        # made here, not in compose: a view may arrive before the children are mounted
        self.lines = (self.LINES or LineList)()
        self.lines.on_hint = self._set_hint

    def on_mount(self) -> None:
        self._mounted = True  # (is_mounted turns true only after the Mount handlers)
        if self.view is not None and self._stale:  # it came before the panel was mounted
            self.set_view(self.view)

    def on_resize(self) -> None:
        if self.view is not None and not self._stale:
            self.set_view(self.view)  # titles are cut to the width, lines too

    def _set_hint(self, hint: str) -> None:
        self.border_subtitle = hint

    @property
    def lang(self) -> str:
        return lang_of(self)

    def title_text(self) -> str:
        title = t(self.TITLE, self.lang) if self.TITLE else ""
        return f"{self.KEY} {title}" if self.KEY else title

    def relabel(self) -> None:
        """The app's language changed: the title now, the lines at the next view (their
        cache is keyed by content, not by language)."""
        self.border_title = self.title_text()
        self.lines.clear_cache()
        self.lines._update_hint()  # "1-12 of 21" is in words too

    @property
    def glyphs(self) -> Glyphs:
        """The panel's own glyphs if it was given some, else the app's."""
        return self.__dict__.get("_glyphs") or getattr(self.app, "glyphs", UNICODE)

    @glyphs.setter
    def glyphs(self, value: Glyphs) -> None:
        self.__dict__["_glyphs"] = value

    def set_title(self, *details: str) -> None:
        """Title and details ("1 C source · mm/mmap.c · do_mmap"), cut to the panel's width
        with the glyphs' own ellipsis; unchanged, no repaint."""
        g = self.glyphs
        title = f" {g.sep} ".join((self.title_text(), *[d for d in details if d]))
        room = self.size.width - 6
        if room > 10 and cell_len(title) > room:  # cells: a Chinese character takes two
            title = set_cell_size(title, room - cell_len(g.ellipsis)).rstrip() + g.ellipsis
        if title != self.border_title:
            self.border_title = title

    def set_view(self, view: StepView) -> None:
        """Show a new step now if the panel is on screen, else when it is shown."""
        self.view = view
        if self._mounted and self.shown:
            self._stale = False
            self.show_view(view)
        else:
            self._stale = True

    @property
    def shown(self) -> bool:
        """Displayed, as far as styles say (a panel in a deck's other page is not)."""
        node = self
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent
        return True

    def on_show(self) -> None:
        if self._stale and self.view is not None:
            self._stale = False
            self.show_view(self.view)

    def show_view(self, view: StepView) -> None:  # pragma: no cover - every panel overrides
        raise NotImplementedError

    def style(self, name: str) -> Style:
        """A component style, cached until the styles change (theme, focus)."""
        cache = self.__dict__.setdefault("_style_cache", {})
        hit = cache.get(name)
        if hit is None:
            hit = cache[name] = overlay_style(self, name)
        return hit

    def notify_style_update(self) -> None:
        self.__dict__.pop("_style_cache", None)
        super().notify_style_update()


def wrap_lines(text: Text, width: int, console: Console) -> list[Text]:
    """`text` as lines of at most `width` cells: Chinese between characters, as the lesson
    pane wraps it (rich breaks only at spaces), anything else as rich wraps it."""
    if any(ch >= "\u2e80" for ch in text.plain):
        from lab.tui.panels.lesson import wrap

        return wrap(text, width)
    return list(text.wrap(console, width))


def wrapped(text: Text, width: int, key: Hashable) -> list[Line]:
    """A paragraph as lines of a LineList, wrapped to width (see `wrap_lines`)."""
    width = max(width, 10)
    console = Console(width=width, legacy_windows=False)
    return [((key, width, i), line) for i, line in enumerate(wrap_lines(text, width, console))]


def overlay_style(widget: Widget, name: str) -> Style:
    """A component style to lay over text that has its own colours: its background blended
    with the widget's (CSS `$warning 35%` is translucent), its colour only if it sets one."""
    full = widget.get_component_rich_style(name)
    part = widget.get_component_rich_style(name, partial=True)
    return Style(color=full.color if part.color else None,
                 bgcolor=full.bgcolor if part.bgcolor else None,
                 bold=part.bold, italic=part.italic, underline=part.underline,
                 strike=part.strike, reverse=part.reverse, dim=part.dim)


def blank_strip(width: int, style: Style | None = None) -> Strip:
    return Strip([Segment(" " * width, style)], width)
