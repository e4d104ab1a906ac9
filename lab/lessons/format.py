# SPDX-License-Identifier: GPL-2.0-only
"""The lesson file format, read into plain parts that remember where they came from.

A lesson is one Markdown file with a TOML front matter between `+++` lines, one fenced
```` ```scenario ```` block, and `:::` blocks (intro, narration, question, checkpoint,
outro). A block opens with a TOML header and holds one body per language, each started by a
line `@en` or `@zh STAMP`. This module only splits the text and parses the TOML; what the
parts mean is lab/lessons/model.py's business. Every part keeps its file line and column, so
every later complaint can point at the place in the file (docs/authoring.md).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from lab.lessons.diagnostics import Diagnostics

FRONT_FENCE = "+++"
BLOCK_KINDS = ("intro", "narration", "question", "checkpoint", "outro")
_OPEN = re.compile(r"^(:{3,})\s*(\S.*?)?\s*$")
_MARKER = re.compile(r"^@([a-z]{2}(?:-[A-Za-z]+)?)(?:[ \t]+(\S+))?[ \t]*$")
_KEY = re.compile(r'^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*")(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"))*)'
                  r"\s*=\s*")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- ]+?)\s*\]\s*$")
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w-]*)\s*$")


@dataclass
class Body:
    """One language's text of a block."""

    lang: str
    text: str
    line: int  # the line of its `@lang` marker
    stamp: str | None = None  # the translation stamp on the marker line, if any
    stamp_column: int = 0


@dataclass
class RawBlock:
    """A `:::` block (or the front matter, kind "lesson") as written."""

    kind: str
    line: int  # the opening line
    column: int  # where the kind is written
    header: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # key → value's place
    bodies: dict[str, Body] = field(default_factory=dict)
    end_line: int = 0
    header_ok: bool = True  # False when its TOML did not parse

    def where(self, key: str) -> tuple[int, int]:
        """The line and column of a header key's value (or of the block, if it has none)."""
        return self.positions.get(key) or (self.line, self.column)

    def where_key(self, key: str) -> tuple[int, int]:
        """The line and column where a header key itself is written."""
        return self.positions.get("key:" + key) or self.where(key)


@dataclass
class RawDocument:
    path: str
    text: str
    front: RawBlock | None = None
    scenario: str | None = None
    scenario_line: int = 0  # the file line of the scenario's first line
    scenario_fence_line: int = 0
    blocks: list[RawBlock] = field(default_factory=list)


def _key_positions(lines: list[str], first_line: int) -> dict[str, tuple[int, int]]:
    """Dotted key → (file line, column of its value), for the simple TOML lessons use."""
    out: dict[str, tuple[int, int]] = {}
    table = ""
    for i, text in enumerate(lines):
        m = _TABLE.match(text)
        if m:
            table = m.group(1).replace(" ", "") + "."
            out.setdefault(table[:-1], (first_line + i, text.index("[") + 1))
            continue
        m = _KEY.match(text)
        if m:
            key = ".".join(p.strip().strip('"') for p in m.group(2).split("."))
            out.setdefault(table + key, (first_line + i, m.end() + 1))
            out.setdefault("key:" + table + key, (first_line + i, m.start(2) + 1))
    return out


def parse_toml(lines: list[str], first_line: int, path: str, diags: Diagnostics,
               ) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """Parse header lines as TOML; a syntax error is reported at its place in the file."""
    try:
        data = tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = _TOML_AT.search(message)
        line, column = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        detail = _TOML_AT.sub("", message).strip()
        diags.error(path, first_line + line - 1, column, "toml", detail=detail)
        return None
    return data, _key_positions(lines, first_line)


def parse_document(text: str, path: str, diags: Diagnostics) -> RawDocument:
    """Split a lesson file into front matter, scenario and blocks; report what is malformed."""
    doc = RawDocument(path, text)
    lines = text.removeprefix("\ufeff").split("\n")
    lines = [ln.removesuffix("\r") for ln in lines]
    i = _front_matter(doc, lines, diags)
    in_comment = False
    while i < len(lines):
        line, number = lines[i], i + 1
        stripped = line.strip()
        if in_comment:
            in_comment = "-->" not in line
            i += 1
            continue
        if not stripped:
            i += 1
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            i = _fenced(doc, lines, i, fence, diags)
            continue
        opened = _OPEN.match(line)
        if opened:
            i = _block(doc, lines, i, opened, diags)
            continue
        diags.error(path, number, len(line) - len(line.lstrip()) + 1, "text_outside")
        i += 1
    if in_comment:
        diags.error(path, len(lines), 1, "comment_unclosed")
    return doc


def _front_matter(doc: RawDocument, lines: list[str], diags: Diagnostics) -> int:
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None or lines[first].strip() != FRONT_FENCE:
        diags.error(doc.path, (first or 0) + 1, 1, "front_missing")
        return 0 if first is None else first
    end = next((j for j in range(first + 1, len(lines)) if lines[j].strip() == FRONT_FENCE), None)
    if end is None:
        diags.error(doc.path, first + 1, 1, "front_unclosed")
        return len(lines)
    block = RawBlock("lesson", first + 1, 1, end_line=end + 1)
    parsed = parse_toml(lines[first + 1:end], first + 2, doc.path, diags)
    if parsed is not None:
        block.header, block.positions = parsed
    else:
        block.header_ok = False
    doc.front = block
    return end + 1


def _fenced(doc: RawDocument, lines: list[str], i: int, fence: re.Match, diags: Diagnostics,
            ) -> int:
    mark, info = fence.group(1), fence.group(2)
    end = next((j for j in range(i + 1, len(lines))
                if lines[j].strip().startswith(mark[0] * len(mark))
                and not lines[j].strip().strip(mark[0])), None)
    if end is None:
        diags.error(doc.path, i + 1, 1, "fence_unclosed")
        return len(lines)
    if info != "scenario":
        diags.error(doc.path, i + 1, len(mark) + 1, "fence_not_scenario", info=info or "")
    elif doc.scenario is not None:
        diags.error(doc.path, i + 1, 1, "scenario_twice", first=doc.scenario_fence_line)
    else:
        doc.scenario = "\n".join(lines[i + 1:end])
        doc.scenario_line = i + 2
        doc.scenario_fence_line = i + 1
    return end + 1


def _block(doc: RawDocument, lines: list[str], i: int, opened: re.Match, diags: Diagnostics,
           ) -> int:
    colons, kind = opened.group(1), (opened.group(2) or "")
    number = i + 1
    column = lines[i].index(colons) + len(colons) + 1
    while column <= len(lines[i]) and lines[i][column - 1] == " ":
        column += 1
    end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == colons), None)
    if not kind:
        diags.error(doc.path, number, column, "block_no_kind", kinds=", ".join(BLOCK_KINDS))
    elif kind not in BLOCK_KINDS:
        diags.error(doc.path, number, column, "block_unknown", kind=kind, kinds=", ".join(
            BLOCK_KINDS), hint=_did_you_mean(kind, BLOCK_KINDS))
    if end is None:
        diags.error(doc.path, number, 1, "block_unclosed", fence=colons)
        return len(lines)
    block = RawBlock(kind, number, column, end_line=end + 1)
    inner = lines[i + 1:end]
    markers = [k for k, text in enumerate(inner) if _MARKER.match(text)]
    header_end = markers[0] if markers else len(inner)
    parsed = parse_toml(inner[:header_end], number + 1, doc.path, diags)
    if parsed is not None:
        block.header, block.positions = parsed
    else:
        block.header_ok = False
    for n, k in enumerate(markers):
        m = _MARKER.match(inner[k])
        assert m is not None
        lang, stamp = m.group(1), m.group(2)
        stop = markers[n + 1] if n + 1 < len(markers) else len(inner)
        text = "\n".join(inner[k + 1:stop]).strip("\n")
        line = number + 1 + k
        if lang in block.bodies:
            diags.error(doc.path, line, 1, "lang_twice", lang=lang,
                        first=block.bodies[lang].line)
            continue
        block.bodies[lang] = Body(lang, _dedent(text), line, stamp,
                                  m.start(2) + 1 if stamp else 0)
    if kind in BLOCK_KINDS:
        doc.blocks.append(block)
    return end + 1


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip()


def _did_you_mean(word: str, choices) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(choices), n=1)
    return match[0] if match else ""

