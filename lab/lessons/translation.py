# SPDX-License-Identifier: GPL-2.0-only
"""Keeping a lesson's languages in step: a stamp per block and translation.

The first language a lesson declares is its source. Every other language's text of a block
carries a stamp: eight hex digits of a hash over the source text and that translation. Change
either and the stamp no longer matches, so `mmaplab lessons check` says which block to look
at; once both say the same again, `mmaplab lessons check --stamp FILE` writes the new stamps.
Block stamps sit on the `@zh STAMP` line; the front matter's (title, goals) in `sync.zh`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from lab.lessons.diagnostics import Diagnostics
from lab.lessons.format import RawBlock
from lab.lessons.model import Lesson


def _norm(text: str) -> str:
    return " ".join(text.split())


def parts(block: RawBlock, lang: str) -> list[str] | None:
    """The translatable texts of a block in one language (None: the block lacks them)."""
    h = block.header
    if block.kind == "lesson":
        title = (h.get("title") or {}).get(lang) if isinstance(h.get("title"), dict) else None
        goals = (h.get("goals") or {}).get(lang) if isinstance(h.get("goals"), dict) else None
        if not isinstance(title, str) or not isinstance(goals, list):
            return None
        return [_norm(title), *(_norm(str(g)) for g in goals)]
    body = block.bodies.get(lang)
    if body is None:
        return None
    out = [_norm(body.text)]
    labels = h.get("labels")
    if isinstance(labels, dict) and isinstance(labels.get(lang), list):
        out += [_norm(str(x)) for x in labels[lang]]
    return out


def stamp(source: list[str], target: list[str]) -> str:
    data = json.dumps([source, target], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:8]


def _written(block: RawBlock, lang: str) -> tuple[str | None, tuple[int, int]]:
    if block.kind == "lesson":
        sync = block.header.get("sync")
        value = sync.get(lang) if isinstance(sync, dict) else None
        where = block.positions.get(f"sync.{lang}") or (block.end_line, 1)
        return (value if isinstance(value, str) else None), where
    body = block.bodies[lang]
    return body.stamp, (body.line, body.stamp_column or len(lang) + 2)


def _blocks(lesson: Lesson) -> list[RawBlock]:
    raw = lesson.raw
    return ([raw.front] if raw.front else []) + list(raw.blocks)


def check_translations(lesson: Lesson, diags: Diagnostics) -> None:
    source_lang = lesson.languages[0]
    for block in _blocks(lesson):
        source = parts(block, source_lang)
        for lang in lesson.languages[1:]:
            target = parts(block, lang)
            if source is None or target is None:
                continue  # the missing text is reported where the block is read
            want = stamp(source, target)
            have, (line, column) = _written(block, lang)
            if have is None:
                diags.error(lesson.path, line, column, "stamp_missing", lang=lang,
                            source=source_lang, stamp=want, kind=block.kind)
            elif have != want:
                diags.error(lesson.path, line, column, "stamp_stale", lang=lang,
                            source=source_lang, stamp=want, kind=block.kind)


def restamp(lesson: Lesson) -> int:
    """Write every block's current stamps into the lesson file; how many changed."""
    path = Path(lesson.path)
    lines = lesson.raw.text.split("\n")
    changed = 0
    source_lang = lesson.languages[0]
    front_sync: dict[str, str] = {}
    for block in _blocks(lesson):
        source = parts(block, source_lang)
        for lang in lesson.languages[1:]:
            target = parts(block, lang)
            if source is None or target is None:
                continue
            want = stamp(source, target)
            have, _ = _written(block, lang)
            if have == want:
                continue
            changed += 1
            if block.kind == "lesson":
                front_sync[lang] = want
            else:
                body = block.bodies[lang]
                eol = "\r" if lines[body.line - 1].endswith("\r") else ""
                lines[body.line - 1] = f"@{lang} {want}{eol}"
    if front_sync:
        front = lesson.raw.front
        assert front is not None
        for lang, want in front_sync.items():
            where = front.positions.get(f"sync.{lang}")
            if where is not None:
                i = where[0] - 1
                head = lines[i][: where[1] - 1]
                lines[i] = f'{head}"{want}"'
            else:
                lines.insert(front.end_line - 1, f'sync.{lang} = "{want}"')
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed
