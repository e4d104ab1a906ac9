# SPDX-License-Identifier: GPL-2.0-only
"""The few symbols the lab draws, in three sets: Unicode, the Linux console's font, ASCII.

The Linux console (TERM=linux) draws only the CP437-like glyphs of its font (straight box
lines, shades, a few arrows and bullets; no ellipsis, rounded corners or eighth blocks), and
a terminal whose locale is not UTF-8 draws none of them; both still get a marker that reads
well.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache


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
    bullet: str = "•"  # a list item


UNICODE = Glyphs("unicode", "▶", "●", "◉", "→", "…", "✓", "▶", "+", "~", "-",
                 " ░▒▓█", "■", "·", "├─", "└─")
CONSOLE = Glyphs("console", "►", "•", "◘", "→", "...", "√", "►", "+", "~", "-",
                 " ░▒▓█", "■", "·", "├─", "└─")
ASCII = Glyphs("ascii", ">", "*", "@", "->", "...", "v", ">", "+", "~", "-",
               " .:o#", "#", ".", "|-", "`-", sep="-", ascii=True, bullet="-")


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


# -- the last resort: what reaches a terminal that cannot draw it ---------------------------------
#: Typographic and drawing characters, as the ASCII that reads like them (one cell each).
_LOOKALIKE = {
    **dict.fromkeys("“”„‟«»″", '"'), **dict.fromkeys("‘’‚‛′", "'"),
    **dict.fromkeys("‐‑‒–—―−─━═╌╍┄┅┈┉", "-"), **dict.fromkeys("│┃║╎╏┆┇┊┋", "|"),
    **dict.fromkeys("→⟶⇒►▶▸›", ">"), **dict.fromkeys("←⟵⇐◄◀◂‹", "<"), "↑": "^", "↓": "v",
    **dict.fromkeys("•●◆■▪◘", "*"), **dict.fromkeys("·∙⋅…", "."), "◉": "@", "○": "o",
    "✓": "v", "√": "v", "✔": "v", "✗": "x", "✘": "x", "×": "x", "≤": "<", "≥": ">",
    "≠": "#", "≈": "~", "░": ".", "▒": ":", "▓": "o", "█": "#", "▀": "#", "▄": "#",
    "▌": "#", "▐": "#", "\u00a0": " ", **dict.fromkeys("▏▎▍▋▊▉", "|"),
    **dict.fromkeys("▁▂▃▅▆▇", "_"),
}


def _console_draws(ch: str) -> bool:
    """The Linux console's font: Latin-1, CP437's box lines and shades, the CONSOLE set."""
    if ch <= "\u00ff" or ch in _CONSOLE_EXTRA:
        return True
    try:
        ch.encode("cp437")
    except UnicodeEncodeError:
        return False
    return True


_CONSOLE_EXTRA = frozenset("".join(
    v for v in vars(CONSOLE).values() if isinstance(v, str)))


@cache
def _replacement(ch: str, console: bool) -> str:
    """`ch` as the terminal can draw it, in as many cells as the app laid it out in."""
    if console and _console_draws(ch):
        return ch
    if ch in _LOOKALIKE:
        return _LOOKALIKE[ch]
    from rich.cells import get_character_cell_size

    cells = get_character_cell_size(ch)
    if cells == 0:
        return ""  # a combining mark or a joiner: it took no cell
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    if cells == 1 and plain:
        return plain[0]  # é -> e, ¹ -> 1, ﬁ -> f: the cell keeps a letter that reads
    if 0x2500 <= ord(ch) <= 0x257F:  # the other box-drawing corners, tees and crosses
        return "+"
    return "?" * cells  # 中文 on a C locale: one ? a cell, so that nothing moves


class _Fallback(dict):
    """A str.translate table that works its entries out when first asked."""

    def __init__(self, console: bool):
        super().__init__()
        self.console = console

    def __missing__(self, code: int) -> str:
        ch = chr(code)  # translate() asks for every character: ASCII (ESC too) stays
        out = self[code] = ch if code < 128 else _replacement(ch, self.console)
        return out


_TABLES = {"ascii": _Fallback(False), "console": _Fallback(True)}


def drawable(text: str, glyphs: Glyphs) -> str:
    """`text` with what this glyph set's terminal cannot draw replaced cell for cell.

    The lab picks its own glyphs from the set, but lesson prose, file names and Textual's
    widgets may hold any character; this runs on everything the app writes, so that a C
    locale sees ASCII only and the Linux console only its font, with the layout unchanged.
    """
    table = _TABLES.get(glyphs.name)
    if table is None or text.isascii():
        return text
    for word, same_cells in _WORDS.items():
        text = text.replace(word, same_cells)
    return text.translate(table)


#: Words the app itself shows that would be only question marks: the language key (L 中文)
#: and the status bar's language then still say which language they mean.
_WORDS = {"中文": "[zh]"}
