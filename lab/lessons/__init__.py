# SPDX-License-Identifier: GPL-2.0-only
"""The self-paced course: lesson files, their runs, progress, and the quiz.

The app's whole interface to lessons (docs/authoring.md describes the file format):

    course = load_course(extra_dirs=["~/my-lessons"])    # shipped lessons, then the extra ones
    entry = course.get(3)                                # by number (from 1) or lesson id
    entry.available, entry.reason.render("zh")           # False for 13, 14 until faults land
    run = entry.open(lang="zh")                          # a LessonRun; run.session is the Session
    run.page, run.next(), run.back(), run.go(i)          # pages: intro, narration, question, ...
    run.gate(step), run.pages_at(step)                   # when the learner steps freely
    run.page.question.prompt("zh"), .options("zh")       # a predict question
    run.answer("EACCES")                                 # a Verdict, with the deciding C lines
    ProgressStore().save_run(run); run.restore(...)      # progress, atomically saved
    generate_quiz(seed=7, count=5)                       # OSTEP-style random problems
"""

from lab.lessons.diagnostics import Diagnostic, Diagnostics, LessonError
from lab.lessons.i18n import LANGUAGES, default_language, t
from lab.lessons.loader import (
    Course,
    CourseEntry,
    LessonUnavailable,
    Unavailable,
    load_course,
    load_lesson,
    open_lesson,
    read_lesson,
)
from lab.lessons.model import Lesson
from lab.lessons.progress import Progress, ProgressStore
from lab.lessons.questions import Verdict
from lab.lessons.quiz import Quiz, QuizItem, generate_quiz
from lab.lessons.run import LessonRun, Page, QuestionState, run_headless
from lab.lessons.validate import check_file, check_paths

__all__ = [
    "LANGUAGES",
    "Course",
    "CourseEntry",
    "Diagnostic",
    "Diagnostics",
    "Lesson",
    "LessonError",
    "LessonRun",
    "LessonUnavailable",
    "Page",
    "Progress",
    "ProgressStore",
    "QuestionState",
    "Quiz",
    "QuizItem",
    "Unavailable",
    "Verdict",
    "check_file",
    "check_paths",
    "default_language",
    "generate_quiz",
    "load_course",
    "load_lesson",
    "open_lesson",
    "read_lesson",
    "run_headless",
    "t",
]
