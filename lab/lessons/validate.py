# SPDX-License-Identifier: GPL-2.0-only
"""`mmaplab lessons check`: everything that can be wrong with a lesson, located in its file.

Reading (format.py, model.py, translation.py) catches the schema, the scenario's syntax and
languages out of step. Here come the checks that need the kernel source or the simulator:
every anchor names a kept C function or line and resolves to a step of the recorded trace,
every question has a computed answer (among its options, if it has options) and is asked
before that answer shows, every `{{ expr }}` evaluates, every C line the prose cites exists,
and the lesson runs from start to end in each of its languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lab.lessons.anchors import AnchorError, resolve, static_check
from lab.lessons.answers import ExpressionError, compile_expression
from lab.lessons.diagnostics import Diagnostics
from lab.lessons.facts import FactError, Facts
from lab.lessons.model import FACT_KINDS, Block, Lesson
from lab.lessons.recording import Recording
from lab.source.cindex import default_index

_CITE = re.compile(r"\b((?:arch|mm|include|fs|security|drivers)/[\w./-]+?\.[ch]):(\d+)\b")
_FILL = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def _block_where(block: Block) -> tuple[int, int]:
    return block.line, block.column


def _anchor_where(block: Block) -> tuple[int, int]:
    a = block.anchor
    return (a.line, a.column) if a is not None else _block_where(block)


def _text_where(block: Block, lang: str, text: str, index: int) -> tuple[int, int]:
    """The file line and column of character `index` of a block's text in `lang`."""
    first = block.text_lines.get(lang, block.line) + 1
    raw = block.raw.bodies[lang].text if block.raw and lang in block.raw.bodies else text
    before = raw[:index]
    line = first + before.count("\n")
    column = index - (before.rfind("\n") + 1) + 1
    return line, column


def check_static(lesson: Lesson, diags: Diagnostics) -> None:
    """Checks that need the kernel source but not the simulator."""
    index = default_index()
    for block in lesson.blocks:
        a = block.anchor
        if a is not None and a.at is not None:
            try:
                static_check(a.at, index)
            except AnchorError as err:
                diags.error(lesson.path, a.line, a.column, err.key, **err.params)
        if block.answer is not None:
            try:
                compile_expression(block.answer)
            except ExpressionError as err:
                line, column = block.answer_at
                diags.error(lesson.path, line, column + err.column - 1, err.key, **err.params)
        for lang, text in block.text.items():
            for m in _FILL.finditer(text):
                try:
                    compile_expression(m.group(1))
                except ExpressionError as err:
                    line, column = _text_where(block, lang, text, m.start(1))
                    diags.error(lesson.path, line, column + err.column - 1, err.key,
                                **err.params)
            for m in _CITE.finditer(text):
                path, line_no = m.group(1), int(m.group(2))
                kfile = index.manifest.files.get(path)
                if kfile is None or kfile.local_line(line_no) is None:
                    line, column = _text_where(block, lang, text, m.start())
                    diags.error(lesson.path, line, column, "cite_unknown", cite=m.group(0))


def check_against_recording(lesson: Lesson, rec: Recording, diags: Diagnostics,
                            headless: bool = True) -> None:
    """Resolve every anchor and answer against the recorded scenario."""
    from lab.lessons.questions import compute, correct_option, effective_options
    from lab.lessons.run import LessonRun, fill, run_headless, spec_of

    path = lesson.path
    if rec.error is not None:
        err = rec.error
        diags.error(path, lesson.scenario_file_line(err.line), err.column, "scenario_refused",
                    detail=err.message)
        return
    facts = Facts(rec)
    before = len(diags.errors)
    for block in lesson.blocks:
        if block.anchor is None:
            continue
        default = "last" if block.kind == "checkpoint" else "first"
        try:
            g = resolve(block.anchor, rec, default) if (block.anchor.at or
                                                        block.anchor.statement) else 0
        except AnchorError as err:
            line, column = _anchor_where(block)
            diags.error(path, line, column, err.key, **err.params)
            continue
        if block.kind != "question" or block.question_kind is None:
            continue
        if block.question_kind in FACT_KINDS and block.anchor.statement is None:
            continue  # reported where the block is read: it says no statement
        try:
            spec = spec_of(block)
        except ExpressionError:
            continue  # reported by check_static, at its column
        try:
            computed = compute(spec, facts)
        except (FactError, ExpressionError) as err:
            line, column = block.answer_at if block.answer else _anchor_where(block)
            if isinstance(err, ExpressionError) and block.answer:
                column += err.column - 1
            diags.error(path, line, column, err.key, **err.params)
            continue
        if effective_options(spec) is not None and correct_option(spec, computed) is None:
            from lab.lessons.replies import display

            where = block.raw.where("options") if block.raw and "options" in \
                block.raw.header else _block_where(block)
            diags.error(path, where[0], where[1], "answer_not_option",
                        answer=display(spec.kind, computed.value, "en"))
        asked = spec.statement
        if spec.answer_tree is not None:
            from lab.lessons.answers import statements_named

            named = statements_named(spec.answer_tree, rec.scenario)
            asked = max(named) if named else None
        if asked is not None and 1 <= asked <= len(rec.session.records) \
                and g > rec.last_step(asked):
            line, column = _anchor_where(block)
            diags.error(path, line, column, "question_late", n=asked)
    for block in lesson.blocks:
        for lang in block.text:
            try:
                fill(block.text[lang], facts, lang)
            except ExpressionError as err:
                if err.key in ("expr_syntax", "expr_node", "expr_function", "expr_arity",
                               "expr_long"):
                    continue  # reported by check_static, at its column
                m = _FILL.search(block.text[lang])
                line, column = _text_where(block, lang, block.text[lang], m.start(1) if m
                                           else 0)
                diags.error(path, line, column, err.key, **err.params)
            except FactError as err:
                m = _FILL.search(block.text[lang])
                line, column = _text_where(block, lang, block.text[lang], m.start(1) if m
                                           else 0)
                diags.error(path, line, column, err.key, **err.params)
    if headless and not diags.errors and before == 0:
        for lang in lesson.languages:
            try:
                run_headless(LessonRun(lesson, rec, lang))
            except (AnchorError, FactError, ExpressionError, AssertionError) as err:
                diags.error(path, 1, 1, "headless_failed", lang=lang, detail=str(err))


def check_file(path: str | Path) -> tuple[Lesson | None, Diagnostics]:
    """Every check on one lesson file."""
    from lab.lessons.loader import read_lesson, recording_of, unavailable

    lesson, diags = read_lesson(path)
    if lesson is None:
        return None, diags
    check_static(lesson, diags)
    if lesson.scenario is None:
        return lesson, diags
    reason = unavailable(lesson)
    if reason is not None:
        diags.note(lesson.path, reason.line, 1, "note_unavailable",
                   needs=", ".join(lesson.requires) or "-", stmt=reason.statement)
        if not lesson.requires:
            diags.error(lesson.path, reason.line, 1, "requires_missing")
        return lesson, diags
    check_against_recording(lesson, recording_of(lesson), diags)
    return lesson, diags


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories become their lesson files."""
    from lab.lessons.loader import lesson_files

    out: list[Path] = []
    for p in map(Path, paths):
        out += lesson_files(p) if p.is_dir() else [p]
    return out


def check_paths(paths: Iterable[str | Path]) -> tuple[Diagnostics, int]:
    """Check files and directories of lessons; also ids and numbers used twice."""
    all_diags = Diagnostics()
    files = expand(paths)
    ids: dict[str, str] = {}
    numbers: dict[tuple[str, int], str] = {}
    for f in files:
        lesson, diags = check_file(f)
        all_diags.extend(diags)
        if lesson is None:
            continue
        if lesson.id in ids:
            all_diags.error(lesson.path, 1, 1, "id_in_course", id=lesson.id, other=ids[lesson.id])
        ids.setdefault(lesson.id, lesson.path)
        if lesson.number is not None:
            key = (str(Path(lesson.path).parent), lesson.number)
            if key in numbers:
                all_diags.error(lesson.path, 1, 1, "number_twice", n=lesson.number,
                                other=numbers[key])
            numbers.setdefault(key, lesson.path)
    return all_diags, len(files)
