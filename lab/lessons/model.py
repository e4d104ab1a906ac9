# SPDX-License-Identifier: GPL-2.0-only
"""What a lesson file means: its header, scenario and blocks, checked against the schema.

`build_lesson` turns the parts lab/lessons/format.py read into a `Lesson`, reporting every
unknown key, wrong type and missing language where it is written. Nothing here runs the
simulator: anchors and answers are resolved against a recording later (recording.py,
anchors.py, answers.py), so a lesson can be read, listed and shown even when the model
cannot run it yet.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lab.lessons.diagnostics import Diagnostics
from lab.lessons.format import RawBlock, RawDocument
from lab.lessons.i18n import LANGUAGES

#: Question kinds whose answer the simulator computes from one statement.
FACT_KINDS = ("errno", "ret", "vma", "merge", "merge_with", "present", "rss", "dirty",
              "committed", "signal", "value_read")
#: Question kinds whose answer is an expression over the computed facts.
EXPRESSION_KINDS = ("choice", "value")
QUESTION_KINDS = FACT_KINDS + EXPRESSION_KINDS
#: Features a lesson may need that the simulator may not have yet (docs/authoring.md).
FEATURES = ("page-faults",)

_ALLOWED = {
    "lesson": ("license", "id", "number", "title", "goals", "languages", "requires", "sync"),
    "intro": ("id",),
    "outro": ("id",),
    "narration": ("id", "at", "statement"),
    "checkpoint": ("id", "at", "statement"),
    "question": ("id", "kind", "at", "statement", "options", "labels", "answer"),
}
_NUMBER = re.compile(r"^(\d+)[-_.]")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Anchor:
    """Where in the trace a block belongs: a statement, a C function or a C line in it."""

    statement: int | None  # 1-based statement number (resolved from a variable name)
    at: str | None  # "do_mmap" or "mm/mmap.c:1281"
    line: int  # where to point when the anchor does not resolve
    column: int
    statement_ref: Any = None  # as written: 2 or "q"

    @property
    def is_line(self) -> bool:
        return self.at is not None and ":" in self.at


@dataclass
class Block:
    kind: str
    id: str
    line: int
    column: int
    text: dict[str, str]  # lang → Markdown
    text_lines: dict[str, int]  # lang → line of its @lang marker
    anchor: Anchor | None = None
    question_kind: str | None = None
    options: list[Any] | None = None
    labels: dict[str, list[str]] | None = None
    answer: str | None = None  # the answer expression (choice, value)
    answer_at: tuple[int, int] = (0, 0)  # the place of the answer expression's text
    raw: RawBlock | None = field(default=None, repr=False)

    def get_text(self, lang: str) -> str:
        return self.text.get(lang) or next(iter(self.text.values()), "")


@dataclass
class Lesson:
    path: str
    id: str
    number: int | None
    license: str
    languages: tuple[str, ...]
    requires: tuple[str, ...]
    title: dict[str, str]
    goals: dict[str, list[str]]
    scenario_text: str
    scenario_line: int  # file line of the scenario's first line
    blocks: list[Block]
    raw: RawDocument = field(repr=False)
    scenario: Any = field(default=None, repr=False)  # lab.scenario.Scenario once parsed

    def get_title(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get(self.languages[0], self.id)

    def get_goals(self, lang: str) -> list[str]:
        return self.goals.get(lang) or self.goals.get(self.languages[0], [])

    @property
    def intro(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "intro"), None)

    @property
    def outro(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "outro"), None)

    @property
    def questions(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "question"]

    def scenario_file_line(self, scenario_line: int) -> int:
        return self.scenario_line + scenario_line - 1


def _type_name(value: Any) -> str:
    return {str: "string", int: "integer", bool: "boolean", list: "array", dict: "table",
            float: "float"}.get(type(value), type(value).__name__)


class _Builder:
    def __init__(self, doc: RawDocument, diags: Diagnostics):
        self.doc = doc
        self.diags = diags
        self.path = doc.path

    def error(self, where: tuple[int, int], message: str, /, **params: Any) -> None:
        self.diags.error(self.path, where[0], where[1], message, **params)

    def check_keys(self, block: RawBlock) -> None:
        if not block.header_ok:
            return  # its TOML did not parse: that error is the one to fix first
        allowed = _ALLOWED[block.kind]
        for key in block.header:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                self.error(block.where_key(key), "key_unknown", key=key, kind=block.kind,
                           allowed=", ".join(allowed), hint=hint[0] if hint else "")

    def typed(self, block: RawBlock, key: str, kinds: tuple[type, ...], what: str) -> Any:
        value = block.header.get(key)
        if value is None:
            return None
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.error(block.where(key), "key_type", key=key, want=what, got=_type_name(value))
            return None
        return value

    def translated(self, block: RawBlock, key: str, languages: tuple[str, ...],
                   item: type, required: bool) -> dict[str, Any]:
        value = block.header.get(key)
        if value is None:
            if required and block.header_ok:
                self.error((block.line, block.column), "key_missing", key=key,
                           example=f'{key}.{languages[0]} = "..."')
            return {}
        if not isinstance(value, dict):
            self.error(block.where(key), "key_not_translated", key=key,
                       example=f'{key}.{languages[0]} = ...')
            return {}
        out: dict[str, Any] = {}
        for lang, text in value.items():
            where = block.where(f"{key}.{lang}")
            if lang not in languages:
                self.error(where, "lang_undeclared", lang=lang, languages=", ".join(languages))
                continue
            ok = isinstance(text, str) if item is str else (
                isinstance(text, list) and all(isinstance(x, str) for x in text))
            if not ok or (item is str and not text.strip()):
                self.error(where, "key_type", key=f"{key}.{lang}",
                           want="non-empty string" if item is str else "array of strings",
                           got=_type_name(text))
                continue
            out[lang] = text
        for lang in languages:
            if lang not in out and lang not in value:
                self.error(block.where(key), "lang_missing_field", key=key, lang=lang)
        return out

    # -- the lesson ------------------------------------------------------------------------
    def build(self) -> Lesson | None:
        doc = self.doc
        front = doc.front
        if front is None:
            return None
        self.check_keys(front)
        languages = self.languages(front)
        license_ = self.typed(front, "license", (str,), "string")
        if license_ is None and "license" not in front.header and front.header_ok:
            self.error((front.line, 1), "license_missing")
        lesson_id = self.typed(front, "id", (str,), "string") or Path(self.path).stem
        if not _ID.match(lesson_id):
            self.error(front.where("id"), "id_bad", id=lesson_id)
        number = self.typed(front, "number", (int,), "integer")
        if number is None:
            m = _NUMBER.match(Path(self.path).name)
            number = int(m.group(1)) if m else None
        requires = self.requires(front)
        title = self.translated(front, "title", languages, str, True)
        goals = self.translated(front, "goals", languages, list, True)
        self.typed(front, "sync", (dict,), "table")
        if doc.scenario is None:
            self.error((front.end_line + 1, 1), "scenario_missing")
        blocks = [b for b in (self.block(rb, languages) for rb in doc.blocks) if b is not None]
        self.unique(blocks)
        return Lesson(self.path, lesson_id, number, license_ or "", languages, requires,
                      title, goals, doc.scenario or "", doc.scenario_line, blocks, doc)

    def languages(self, front: RawBlock) -> tuple[str, ...]:
        value = front.header.get("languages", list(LANGUAGES))
        if (not isinstance(value, list) or not value
                or not all(isinstance(x, str) for x in value)):
            self.error(front.where("languages"), "key_type", key="languages",
                       want="array of language codes", got=_type_name(value))
            return LANGUAGES
        for lang in value:
            if lang not in LANGUAGES:
                self.error(front.where("languages"), "lang_unknown", lang=lang,
                           languages=", ".join(LANGUAGES))
        if len(set(value)) != len(value):
            self.error(front.where("languages"), "lang_repeated")
        return tuple(x for x in dict.fromkeys(value) if x in LANGUAGES) or LANGUAGES

    def requires(self, front: RawBlock) -> tuple[str, ...]:
        value = self.typed(front, "requires", (list,), "array of strings") or []
        out = []
        for item in value:
            if item not in FEATURES:
                hint = difflib.get_close_matches(str(item), FEATURES, n=1)
                self.error(front.where("requires"), "feature_unknown", feature=item,
                           features=", ".join(FEATURES), hint=hint[0] if hint else "")
            else:
                out.append(item)
        return tuple(out)

    def unique(self, blocks: list[Block]) -> None:
        seen: dict[str, Block] = {}
        for b in blocks:
            if b.id in seen:
                self.error((b.line, b.column), "id_twice", id=b.id, first=seen[b.id].line)
            seen.setdefault(b.id, b)
        for kind in ("intro", "outro"):
            found = [b for b in blocks if b.kind == kind]
            for extra in found[1:]:
                self.error((extra.line, extra.column), "block_once", kind=kind,
                           first=found[0].line)

    # -- blocks ----------------------------------------------------------------------------
    def block(self, rb: RawBlock, languages: tuple[str, ...]) -> Block | None:
        self.check_keys(rb)
        counters = sum(1 for b in self.doc.blocks[:self.doc.blocks.index(rb) + 1]
                       if b.kind == rb.kind)
        block_id = self.typed(rb, "id", (str,), "string") or f"{rb.kind}-{counters}"
        text, lines = {}, {}
        for lang, body in rb.bodies.items():
            if lang not in languages:
                self.error((body.line, 1), "lang_undeclared", lang=lang,
                           languages=", ".join(languages))
                continue
            if not body.text.strip():
                self.error((body.line, 1), "lang_empty", lang=lang)
            text[lang], lines[lang] = body.text, body.line
        for lang in languages:
            if lang not in rb.bodies:
                self.error((rb.line, rb.column), "lang_missing_body", lang=lang, kind=rb.kind)
        block = Block(rb.kind, block_id, rb.line, rb.column, text, lines, raw=rb)
        if rb.kind in ("narration", "checkpoint", "question"):
            block.anchor = self.anchor(rb)
        if rb.kind == "question":
            self.question(rb, block, languages)
        return block

    def anchor(self, rb: RawBlock) -> Anchor:
        at = self.typed(rb, "at", (str,), "string")
        statement = rb.header.get("statement")
        if statement is not None and (isinstance(statement, bool)
                                      or not isinstance(statement, (int, str))):
            self.error(rb.where("statement"), "key_type", key="statement",
                       want="statement number or variable name", got=_type_name(statement))
            statement = None
        where = rb.where("at") if at is not None else rb.where("statement")
        return Anchor(None, at, where[0], where[1], statement)

    def question(self, rb: RawBlock, block: Block, languages: tuple[str, ...]) -> None:
        kind = self.typed(rb, "kind", (str,), "string")
        if kind is None:
            if "kind" not in rb.header:
                self.error((rb.line, rb.column), "question_kind_missing",
                           kinds=", ".join(QUESTION_KINDS))
        elif kind not in QUESTION_KINDS:
            hint = difflib.get_close_matches(kind, QUESTION_KINDS, n=1)
            self.error(rb.where("kind"), "question_kind_unknown", kind=kind,
                       kinds=", ".join(QUESTION_KINDS), hint=hint[0] if hint else "")
            kind = None
        block.question_kind = kind
        options = self.typed(rb, "options", (list,), "array")
        if options is not None:
            if len(options) < 2:
                self.error(rb.where("options"), "options_few")
            elif not all(isinstance(o, (str, int, bool)) for o in options):
                self.error(rb.where("options"), "options_type")
            elif len({repr(o) for o in options}) != len(options):
                self.error(rb.where("options"), "options_repeated")
            else:
                block.options = options
        if "labels" in rb.header:
            labels = self.translated(rb, "labels", languages, list, False)
            if options is None:
                self.error(rb.where("labels"), "labels_without_options")
            for lang, items in labels.items():
                if options is not None and len(items) != len(options):
                    self.error(rb.where(f"labels.{lang}"), "labels_count", lang=lang,
                               n=len(items), options=len(options))
            block.labels = labels or None
        answer = self.typed(rb, "answer", (str,), "string")
        if kind in EXPRESSION_KINDS:
            if answer is None and "answer" not in rb.header:
                self.error((rb.line, rb.column), "answer_missing", kind=kind)
            if kind == "choice" and options is None and "options" not in rb.header:
                self.error((rb.line, rb.column), "choice_needs_options")
        elif answer is not None:
            self.error(rb.where("answer"), "answer_computed", kind=kind)
            answer = None
        if kind in FACT_KINDS and rb.header.get("statement") is None:
            self.error((rb.line, rb.column), "question_needs_statement", kind=kind)
        block.answer = answer
        if answer is not None:
            line, column = rb.where("answer")
            block.answer_at = (line, column + 1)  # inside the opening quote


def build_lesson(doc: RawDocument, diags: Diagnostics) -> Lesson | None:
    return _Builder(doc, diags).build()
