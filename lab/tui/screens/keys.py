# SPDX-License-Identifier: GPL-2.0-only
"""The lab's keys with their words, in either language: the footer, the help screen and the
command palette read them from here (LabScreen swaps them when the language changes)."""

from __future__ import annotations

from textual.binding import Binding

from lab.tui.i18n import t
from lab.tui.screens import lesson_commands

#: (key, panel id) of the show-panel keys
PANEL_KEYS = (("1", "c"), ("2", "py"), ("3", "stack"), ("4", "locals"), ("5", "vmas"),
              ("6", "pt"), ("7", "flags"), ("8", "errors"), ("9", "scenario"),
              ("0", "narration"), ("l", "lesson"))


def lab_bindings(lang: str, tight: bool = False) -> list[Binding]:
    """Every key of the lab with its words in `lang`: the footer, the help screen and the
    command palette all read them from here."""
    back = Binding.Group(t("group_back", lang), compact=True)

    def key(keys: str, action: str, name: str, **kw: object) -> Binding:
        return Binding(keys, action, t("key_" + name, lang), tooltip=t("tip_" + name, lang),
                       **kw)  # type: ignore[arg-type]

    return [
        key("s", "step_into", "step"),
        key("n", "step_over", "next"),
        key("f", "step_out", "finish"),
        key("c", "continue_", "cont"),
        # tight: an 80-column footer with the lesson's keys has no room for it (it still works)
        key("b", "toggle_breakpoint", "break", show=not tight),
        key("S", "step_back", "back", group=back),
        key("N", "reverse_step_over", "back_over", group=back),
        key("F", "reverse_step_out", "back_out", group=back),
        key("C", "reverse_continue", "back_cont", group=back),
        key("left", "step_back", "back", show=False),
        Binding("right", "step_into", t("key_step", lang), show=False,
                tooltip=t("tip_step_short", lang)),
        key("g", "goto", "goto"),
        key("e", "edit", "edit"),
        key("E", "goto_error", "error", show=False),
        key("u", "run_to_cursor", "until", show=False),
        key("r", "restart", "restart", show=False),
        key("a", "choose_address", "address", show=False),
        key("w", "who", "who", show=False),
        key("t", "toggle_theme", "theme", show=False),
        key("K", "compare_real", "real", show=False),
        key("question_mark,f1", "help", "help", key_display="?"),
        *(Binding(k, f"show_panel('{p}')", t("key_panel_" + p, lang), show=False,
                  tooltip=t("show_" + p, lang)) for k, p in PANEL_KEYS),
        *lesson_commands.bindings(lang),
        key("q", "app.quit", "quit"),
    ]
