# SPDX-License-Identifier: GPL-2.0-only
"""What `mmaplab lessons` and `mmaplab quiz` do; lab/cli.py only parses their arguments.

Every function writes to the streams it is given and returns the exit status, so the tests
drive them without a terminal: 0 done, 1 a lesson does not check, 2 a usage error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from lab import KERNEL_VERSION
from lab.lessons.i18n import t
from lab.scenario.errors import escape


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    if _width(text) > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _width(text))


def list_lessons(extra_dirs: Sequence[str], lang: str, out: TextIO, err: TextIO) -> int:
    from lab.lessons.loader import load_course
    from lab.lessons.progress import ProgressStore

    course = load_course(extra_dirs)
    store = ProgressStore()
    progress = store.load()
    for text in store.warning_texts(lang):
        print(text, file=err)
    for d in course.problems.sorted():
        print(d.render(lang), file=err)
    print(t("list_heading", lang, kernel=KERNEL_VERSION, path=store.path), file=out)
    import shutil

    width = max(30, min(72, shutil.get_terminal_size((100, 24)).columns - 30))
    shown_dir = None
    for entry in course:
        if not entry.shipped and str(entry.path.parent) != shown_dir:
            shown_dir = str(entry.path.parent)
            print(t("list_extra", lang, dir=escape(shown_dir)), file=out)
        if not entry.ok:
            status = escape(t("status_broken", lang, path=entry.path))
        elif entry.reason is not None:
            status = t("status_unavailable", lang) if "page-faults" in entry.reason.features \
                else entry.reason.render(lang)
        else:
            status = _status(progress.lesson(entry.id), lang)
        print(f"  {entry.number:>2}  {_pad(escape(entry.title(lang)), width)}  {status}", file=out)
    print(t("list_open_hint", lang), file=out)
    return 0


def _status(record: dict | None, lang: str) -> str:
    if not record:
        return t("status_new", lang)
    answers = record.get("answers") or {}
    right = sum(1 for a in answers.values() if isinstance(a, dict) and a.get("correct"))
    tally = t("status_answers", lang, right=right, answered=len(answers)) if answers else ""
    if record.get("done"):
        head = t("status_done", lang)
    else:
        head = t("status_started", lang, page=int(record.get("page", 0)) + 1,
                 pages=record.get("pages", "?"))
    return f"{head}, {tally}" if tally else head


def check(paths: Sequence[str], lang: str, stamp: bool, out: TextIO, err: TextIO) -> int:
    from lab.lessons.loader import read_lesson
    from lab.lessons.translation import restamp
    from lab.lessons.validate import check_paths, expand

    if stamp:
        for path in expand(paths):
            lesson, _ = read_lesson(path)
            if lesson is not None:
                n = restamp(lesson)
                if n:
                    print(t("check_stamped", lang, path=path, n=n), file=out)
    diags, files = check_paths(paths)
    for d in diags.sorted():
        print(d.render(lang), file=err if d.severity == "error" else out)
    errors = len(diags.errors)
    print(t("check_failed", lang, n=files, errors=errors) if errors
          else t("check_ok", lang, n=files), file=err if errors else out)
    return 1 if errors else 0


def show(key: str, extra_dirs: Sequence[str], lang: str, out: TextIO, err: TextIO) -> int:
    """Print a lesson from start to end, each question with its computed answer."""
    from lab.lessons.diagnostics import LessonError
    from lab.lessons.loader import LessonUnavailable, load_course, open_lesson
    from lab.lessons.run import run_headless

    try:
        if Path(key).is_file():
            run = open_lesson(key, lang)
        else:
            course = load_course(extra_dirs)
            entry = course.get(key)
            if entry is None:
                print(t("show_missing", lang, key=key, n=len(course)), file=err)
                return 2
            run = entry.open(lang)
    except LessonUnavailable as e:
        print(f"{e.lesson.path}: {e.reason.render(lang)}", file=err)
        return 1
    except LessonError as e:
        print(e.render(lang), file=err)
        return 1
    print("\n".join(run_headless(run)), file=out)
    return 0


def quiz(seed: int | None, count: int, lang: str, answers: bool, interactive: bool,
         stdin: TextIO, out: TextIO) -> int:
    from lab.lessons.quiz import generate_quiz

    q = generate_quiz(seed, count)
    print(t("quiz_heading", lang, count=len(q.items), seed=q.seed), file=out)
    if interactive and not answers:
        return _quiz_interactive(q, lang, stdin, out)
    for item in q.items:
        _print_problem(item, len(q.items), lang, out)
        if answers:
            _print_answer(item, lang, out)
    if not answers:
        print(f"\n{t('quiz_answers', lang)}", file=out)
        for item in q.items:
            _print_answer(item, lang, out)
    return 0


def _print_problem(item, count: int, lang: str, out: TextIO) -> None:
    print("\n" + t("quiz_problem", lang, n=item.number, count=count,
                   topic=item.topic_text(lang)), file=out)
    for n, line in enumerate(item.scenario_text.split("\n"), 1):
        print(f"  {n:>2}  {line}", file=out)
    print(f"  {item.prompt(lang)}", file=out)
    for letter, label in item.options(lang) or []:
        print(f"    {letter}) {label}", file=out)


def _print_answer(item, lang: str, out: TextIO) -> None:
    print(t("quiz_answer", lang, n=item.number, answer=item.answer_text(lang)), file=out)
    decided = item.decided()
    if decided:
        print("  " + t("quiz_where", lang), file=out)
        for d in decided:
            print(f"    {d.c_location:<34} {d.function:<24} {d.c_text or d.note or ''}",
                  file=out)


def _quiz_interactive(q, lang: str, stdin: TextIO, out: TextIO) -> int:
    from lab.lessons.progress import ProgressStore

    right = asked = 0
    for item in q.items:
        _print_problem(item, len(q.items), lang, out)
        verdict = None
        while verdict is None or not verdict.readable:
            out.write(f"  {t('quiz_prompt', lang)}")
            out.flush()
            line = stdin.readline()
            if not line:
                print("\n" + t("quiz_bye", lang, right=right, asked=asked), file=out)
                _count_quiz(ProgressStore, asked, right)
                return 0
            verdict = item.check(line, lang)
            if not verdict.readable:
                print(f"  {verdict.message}", file=out)
        asked += 1
        right += verdict.correct
        print(f"  {verdict.message}", file=out)
        if verdict.decided:
            print("  " + t("quiz_where", lang), file=out)
            for d in verdict.decided:
                print(f"    {d.c_location:<34} {d.function:<24} {d.c_text or d.note or ''}",
                      file=out)
    print("\n" + t("quiz_score", lang, right=right, count=len(q.items)), file=out)
    _count_quiz(ProgressStore, asked, right)
    return 0


def _count_quiz(store_type, asked: int, right: int) -> None:
    import contextlib

    if asked:
        with contextlib.suppress(OSError):
            store_type().count_quiz(asked, right)
