# SPDX-License-Identifier: GPL-2.0-only
"""A deck of panels shown one at a time, for layouts too small to show them all.

A one-line bar names the panels with their number keys; the active one is highlighted. A
click on a name, or its number key (the screen's `show_panel`), switches.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive

from lab.tui.i18n import lang_of, t
from lab.tui.panels.base import Panel, TextLine


class DeckBar(TextLine):
    DEFAULT_CSS = """
    DeckBar {
        height: 1; background: $panel; color: $foreground 70%; padding: 0 0;
        link-style: none; link-color: $foreground 80%; link-background: $panel;
        link-style-hover: bold; link-background-hover: $accent 30%;
    }
    """


class Deck(Vertical):
    """Panels in a stack; only `active` is displayed. `names` maps a panel's id to the
    lab.tui.i18n key of its name in the bar (else the panel's own title)."""

    DEFAULT_CSS = """
    Deck { height: 1fr; width: 1fr; }
    """
    active: reactive[str] = reactive("", init=False)

    def __init__(self, *panels: Panel, id: str | None = None, classes: str | None = None,
                 names: dict[str, str] | None = None):
        super().__init__(id=id, classes=classes)
        self.panels = list(panels)
        self.names = names or {}
        self.flagged: set[str] = set()
        self._last_bar: tuple | None = None
        self.bar = DeckBar("")
        self.set_reactive(Deck.active, panels[0].id if panels else "")

    def compose(self):
        self.refresh_bar()
        yield self.bar
        for p in self.panels:
            p.display = p.id == self.active
            yield p

    def _bar(self) -> Content:
        parts = []
        lang = lang_of(self)
        active = next((p for p in self.panels if p.id == self.active), None)
        for p in self.panels:
            name = t(self.names.get(p.id or "", p.TITLE), lang)
            label = f" {p.KEY} {name}{'!' if p.id in self.flagged else ''} "
            if p.id == self.active:
                parts.append(f"[reverse bold]{label}[/]")
            else:
                parts.append(f"[@click=screen.show_panel('{p.id}')]{label}[/]")
        bar = Content.from_markup("".join(parts))
        if active is not None and self.has_class("-titled"):
            title = str(active.border_title or "")
            sep = f" {active.glyphs.sep} "
            detail = title.split(sep, 1)[1] if sep in title else ""
            if detail:
                bar += Content(" " + detail).stylize("bold")
        return bar

    def has_panel(self, panel_id: str) -> bool:
        return any(p.id == panel_id for p in self.panels)

    def watch_active(self, active: str) -> None:
        for p in self.panels:
            p.display = p.id == active
        self.refresh_bar()

    def flag(self, panel_id: str, on: bool) -> None:
        if (panel_id in self.flagged) != on:
            (self.flagged.add if on else self.flagged.discard)(panel_id)
            self.refresh_bar()

    def refresh_bar(self) -> None:
        active = next((p for p in self.panels if p.id == self.active), None)
        key = (lang_of(self), self.active, tuple(sorted(self.flagged)),
               str(active.border_title) if active is not None else "")
        if key != self._last_bar:  # (Content compares by text alone: compare what it shows)
            self._last_bar = key
            self.bar.update(self._bar())
