# SPDX-License-Identifier: GPL-2.0-only
"""The lesson picker: every lesson of the course with the learner's progress.

Enter opens one (where the learner left it); lessons that cannot run say why and are not
offered. Dismisses with the lesson's course number, or None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from lab.tui.i18n import t, use_bindings

if TYPE_CHECKING:
    from lab.tui.lesson_mode import LessonMode


class LessonsScreen(ModalScreen[int | None]):
    DEFAULT_CSS = """
    LessonsScreen { align: center middle; background: $background 60%; }
    LessonsScreen > Vertical {
        width: 96; max-width: 98%; height: auto; max-height: 95%; padding: 0 1;
        border: round $accent; background: $surface;
    }
    LessonsScreen OptionList { height: auto; max-height: 20; border: none; }
    LessonsScreen #lessons-help { color: $foreground 70%; }
    """
    BINDINGS = [Binding("escape,q", "close", t("key_close"), show=False)]

    def __init__(self, mode: LessonMode, ascii_only: bool = False):
        super().__init__()
        self.mode = mode
        self.ascii_only = ascii_only
        use_bindings(self, [Binding("escape,q", "close", t("key_close", mode.lang),
                                    show=False)])

    def compose(self):
        mode, lang = self.mode, self.mode.lang
        progress = mode.store.load()
        # one line a lesson: the title gives way to the status (wrapped, a list is hard to read)
        room = min(96, self.app.size.width * 98 // 100) - 8  # borders, padding, scrollbar
        options = []
        current = None
        for entry in mode.course:
            rec = progress.lesson(entry.id) if entry.ok else None
            done = bool(rec and rec.get("done"))
            mark = ("x" if self.ascii_only else "✓") if done else ("*" if rec else " ")
            status = f"  {mode.status(entry)}"
            label = Text(f"{mark} {entry.number:>2}. {entry.title(lang)}")
            label.truncate(max(room - cell_len(status), 12),
                           overflow="ellipsis" if not self.ascii_only else "crop")
            label.append(status, style="dim")
            options.append(Option(label, id=str(entry.number), disabled=not entry.available))
            if mode.entry is not None and entry.number == mode.entry.number:
                current = len(options) - 1
        with Vertical() as box:
            box.border_title = t("ui_lessons_title", lang)
            yield OptionList(*options, id="lessons-list")
            yield Static(t("ui_lessons_help", lang), id="lessons-help")
        self._current = current

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if self._current is not None:
            listing.highlighted = self._current

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0) or None)

    def action_close(self) -> None:
        self.dismiss(None)
