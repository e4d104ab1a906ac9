# SPDX-License-Identifier: GPL-2.0-only
"""The few symbols the lab draws, in three sets: Unicode, the Linux console's font, ASCII.

The Linux console (TERM=linux) draws only the CP437-like glyphs of its font, and a terminal
whose locale is not UTF-8 draws none of them; both still get a marker that reads well.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Glyphs:
    name: str
    marker: str  # the execution marker in the code gutters
    breakpoint: str
    both: str  # marker on a breakpoint line
    arrow: str
    ellipsis: str
    check: str  # a statement already run
    current: str  # the statement being stepped
    added: str
    changed: str
    removed: str
    shades: str  # a page-presence cell from empty to full, 5 levels
    bit_on: str
    bit_off: str
    tree_mid: str  # the page-table walk's levels
    tree_end: str
    sep: str = "·"  # between the parts of a title
    ascii: bool = False


UNICODE = Glyphs("unicode", "▶", "●", "◉", "→", "…", "✓", "▶", "+", "~", "-",
                 " ░▒▓█", "■", "·", "├─", "└─")
CONSOLE = Glyphs("console", "►", "•", "◘", "→", "…", "√", "►", "+", "~", "-",
                 " ░▒▓█", "■", "·", "├─", "└─")
ASCII = Glyphs("ascii", ">", "*", "@", "->", "...", "v", ">", "+", "~", "-",
               " .:o#", "#", ".", "|-", "`-", sep="-", ascii=True)


def is_utf8_locale(env: Mapping[str, str]) -> bool:
    """What the terminal was told to speak: LC_ALL, then LC_CTYPE, then LANG (POSIX order)."""
    for var in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(var)
        if value:
            v = value.lower().replace("-", "")
            return "utf8" in v
    return False


def started_in_c_locale(env: Mapping[str, str]) -> bool:
    """Whether this Python started in the C/POSIX locale (a terminal not told to speak UTF-8).

    Python hides it (PEP 538 sets LC_CTYPE=C.UTF-8 in our own environment, PEP 540 turns on
    its UTF-8 mode), so LANG=C would read as UTF-8; the UTF-8 mode that nobody asked for
    (PYTHONUTF8, -X utf8) is what is left of it.
    """
    return bool(sys.flags.utf8_mode) and "PYTHONUTF8" not in env \
        and "utf8" not in sys._xoptions


def choose(env: Mapping[str, str] | None = None) -> Glyphs:
    """The glyph set for this terminal: MMAPLAB_GLYPHS if set, else from locale and TERM."""
    env = os.environ if env is None else env
    forced = env.get("MMAPLAB_GLYPHS", "").lower()
    if forced in ("ascii", "console", "unicode"):
        return {"ascii": ASCII, "console": CONSOLE, "unicode": UNICODE}[forced]
    if not is_utf8_locale(env) or (env is os.environ and started_in_c_locale(env)):
        return ASCII
    if env.get("TERM", "") == "linux":
        return CONSOLE
    return UNICODE
