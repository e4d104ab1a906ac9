# SPDX-License-Identifier: GPL-2.0-only
"""The self-paced course: lesson files, their runs, progress, and the quiz.

The app's whole interface to lessons (docs/authoring.md describes the file format):

    course = load_course(extra_dirs=["~/my-lessons"])     # shipped lessons, then the extra ones
    entry = course.get(3)                                 # by number (from 1) or by lesson id
    entry.available, entry.reason.render("zh")            # False when the model cannot run it
    run = entry.open(lang="zh")                           # a LessonRun with its own Session
    run.session                                           # the lab.stepping Session to step
    run.page, run.next(), run.back(), run.go(i)           # intro, narration, question, ..., outro
    run.visible_step(), run.pages_at(g), run.gate(g)      # tie pages and free stepping together
    run.page.question.prompt("zh"), .options("zh")        # a predict question
    run.answer("EACCES") -> Verdict                       # right or not, and the deciding C lines
    store = ProgressStore(); run.restore(store.load().lesson(run.lesson.id) or {})
    store.save_run(run)                                   # atomic, per user (platformdirs)
    generate_quiz(seed=7, count=5).items                  # OSTEP-style: same seed, same quiz
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name → the module that defines it (imported on first use, so `import lab.lessons`
#: stays cheap for the command line).
_WHERE = {
    "Diagnostic": "diagnostics", "Diagnostics": "diagnostics", "LessonError": "diagnostics",
    "LANGUAGES": "i18n", "default_language": "i18n", "t": "i18n",
    "Course": "loader", "CourseEntry": "loader", "LessonUnavailable": "loader",
    "Unavailable": "loader", "load_course": "loader", "load_lesson": "loader",
    "open_lesson": "loader", "read_lesson": "loader",
    "Lesson": "model",
    "Progress": "progress", "ProgressStore": "progress",
    "Verdict": "questions",
    "Quiz": "quiz", "QuizItem": "quiz", "generate_quiz": "quiz",
    "LessonRun": "run", "Page": "run", "QuestionState": "run", "run_headless": "run",
    "check_file": "validate", "check_paths": "validate",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lab.lessons' has no attribute {name!r}")
    value = getattr(import_module(f"lab.lessons.{module}"), name)
    globals()[name] = value
    return value
