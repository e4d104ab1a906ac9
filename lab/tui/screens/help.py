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

PANELS = (
    ("1 C source", "the real Linux C of the current step, at its real file:line. The marker "
     "is the line about to run; the tinted lines are those the current Python line mirrors."),
    ("2 Python twin", "the lab's Python version of the same function; its current statement "
     "has the same tint."),
    ("3 Call stack", "who called whom, innermost first, like gdb's bt."),
    ("4 Locals", "the current function's variables, formatted as a kernel reader writes them; "
     "a mark shows what the last step changed."),
    ("5 VMAs", "the process's /proc/PID/maps at this step; + added, ~ expanded, split or "
     "changed, - removed by the last step; highlighted rows touch the call's range. v shows "
     "VmFlags, Enter shows a VMA's page tables, w finds the step that changed it."),
    ("6 Page tables", "the PGD, PUD, PMD, PTE walk for one address (a: choose it; "
     "it follows the step otherwise), and a map of which pages of its VMA are present."),
    ("7 Flags", "prot, flags, vm_flags and gup_flags bit by bit; bits the last step set (+) "
     "or cleared (-) are marked."),
    ("8 Error", "when the call fails: the errno, what it means, the line that returned it "
     "and the condition, with the values that made it true."),
    ("9 Scenario", "the statements, which ran and what they returned; Enter or a click jumps "
     "to one."),
    ("0 What happens here", "the current line in plain words, then what the last step did."),
)

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
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close help")]

    def __init__(self, bindings: list[Binding], world: str):
        super().__init__()
        self.lab_bindings = bindings
        self.world = world

    def compose(self):
        glyphs = getattr(self.app, "glyphs", None)
        self.set_class(bool(glyphs and glyphs.ascii), "-ascii")
        with VerticalScroll() as box:
            sep = getattr(self.app, "glyphs", None)
            sep = sep.sep if sep else "·"
            box.border_title = f"mmaplab help {sep} Linux {KERNEL_VERSION} {sep} Escape closes"
            yield Static("Keys", classes="help-head")
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
            keys.append("next panel (shift+Tab: previous)\n")
            keys.append(f"{'^p':>10}  ", style="bold")
            keys.append("command palette: every action by name\n")
            yield Static(keys)
            yield Static("Panels", classes="help-head")
            panels = Text()
            for name, what in PANELS:
                panels.append(f"{name}: ", style="bold")
                panels.append(what + "\n")
            yield Static(panels)
            yield Static("The scenario language (e adds a statement)", classes="help-head")
            yield Static(Text(LANGUAGE))
            yield Static("The default world", classes="help-head")
            yield Static(Text(self.world))

    def action_close(self) -> None:
        self.dismiss(None)
