# SPDX-License-Identifier: GPL-2.0-only
"""The help screen: every key (from the bindings themselves), what each panel shows, the
scenario language in brief and the default world the scenarios start in."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from lab import KERNEL_VERSION
from lab.tui.i18n import lang_of, t, use_bindings

#: (key, panel id): the panel's title and its help text come from lab.tui.i18n
PANELS = (("1", "c"), ("2", "py"), ("3", "stack"), ("4", "locals"), ("5", "vmas"),
          ("6", "pt"), ("7", "flags"), ("8", "errors"), ("9", "scenario"), ("0", "narration"))

LANGUAGE = """\
fd = open("data.bin", O_RDWR, size=10000)      also O_RDONLY; noexec=True, fs="tmpfs"
p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
setrlimit(RLIMIT_MEMLOCK, 65536)   capset(CAP_IPC_LOCK)   personality(READ_IMPLIES_EXEC)
sysctl("vm.max_map_count", 65530)  close(fd)"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    HelpScreen .help-head { text-style: bold; color: $accent; margin-top: 1; }
    HelpScreen.-ascii > VerticalScroll { border: ascii $accent; }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", t("key_close_help"))]

    def __init__(self, bindings: list[Binding], world: str):
        super().__init__()
        self.lab_bindings = bindings
        self.world = world
        self.lang = lang_of(self)
        use_bindings(self, [Binding("escape,q,question_mark,f1", "close",
                                    t("key_close_help", self.lang))])

    def compose(self):
        from lab.tui.panels.lesson import Prose

        glyphs = getattr(self.app, "glyphs", None)
        self.set_class(bool(glyphs and glyphs.ascii), "-ascii")
        with VerticalScroll() as box:
            sep = getattr(self.app, "glyphs", None)
            sep = sep.sep if sep else "·"
            lang = self.lang
            box.border_title = t("help_title", lang, sep=sep, version=KERNEL_VERSION)
            yield Static(t("help_keys", lang), classes="help-head")
            keys = Text()
            seen = set()
            for b in self.lab_bindings:
                if not b.description or (b.action, b.description) in seen:
                    continue
                seen.add((b.action, b.description))
                shown = self.app.get_key_display(b)
                keys.append(f"{shown:>10}  ", style="bold")
                keys.append(f"{b.tooltip or b.description}\n")
            keys.append(f"{'Tab':>10}  ", style="bold")
            keys.append(t("help_tab", lang) + "\n")
            keys.append(f"{'^p':>10}  ", style="bold")
            keys.append(t("help_palette", lang) + "\n")
            yield Static(keys)
            yield Static(t("help_panels", lang), classes="help-head")
            panels = Text()
            colon = t("colon", lang)
            for key, panel in PANELS:
                panels.append(f"{key} {t('panel_' + panel, lang)}{colon}", style="bold")
                panels.append(t("help_" + panel, lang) + "\n")
            yield Prose(panels)  # wrapped as the lesson pane wraps: Chinese between characters
            yield Static(t("help_language", lang), classes="help-head")
            yield Static(Text(LANGUAGE))
            yield Static(t("help_world", lang), classes="help-head")
            world = self.world if lang == "en" else t("world_description", lang)
            yield Prose(Text(world))

    def action_close(self) -> None:
        self.dismiss(None)
