# SPDX-License-Identifier: GPL-2.0-only
"""A learner's progress, kept per user in the platform's data directory (platformdirs).

One JSON file, written atomically: a temporary file in the same directory is written, flushed
and fsync'd, then renamed over the old one (and the directory fsync'd), so a crash or a kill
at any moment leaves either the old file or the new one, never half of either. A file that
cannot be read as progress is not thrown away: it is renamed aside (progress.json.corrupt-
TIMESTAMP) with a warning, and the learner starts again from an empty record.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
FILE_NAME = "progress.json"
_TEMP_PREFIX = ".progress-"
_STALE_TEMP_SECONDS = 600


def default_path() -> Path:
    """~/.local/share/mmaplab/progress.json on Linux (XDG_DATA_HOME is honoured)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("mmaplab", appauthor=False)) / FILE_NAME


@dataclass
class Progress:
    """Every lesson's saved run (LessonRun.progress()) and the quiz's tally."""

    lessons: dict[str, dict[str, Any]] = field(default_factory=dict)
    quiz: dict[str, int] = field(default_factory=lambda: {"asked": 0, "right": 0})

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "lessons": self.lessons, "quiz": self.quiz}

    @classmethod
    def from_json(cls, data: Any) -> Progress:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not an mmaplab progress file of format 1")
        lessons = data.get("lessons", {})
        quiz = data.get("quiz", {"asked": 0, "right": 0})
        if not isinstance(lessons, dict) or not all(isinstance(v, dict)
                                                    for v in lessons.values()):
            raise ValueError("'lessons' is not a table of lesson records")
        if not isinstance(quiz, dict) or not all(_count(v) for v in quiz.values()):
            raise ValueError("'quiz' is not a table of counts")
        for lesson_id, record in lessons.items():
            _check_record(lesson_id, record)
        return cls(lessons, {"asked": 0, "right": 0, **quiz})

    def lesson(self, lesson_id: str) -> dict[str, Any] | None:
        return self.lessons.get(lesson_id)

    def summary(self, lesson_id: str, questions: int | None = None) -> tuple[int, int, bool]:
        """(questions answered, answered right first time, done) of one lesson."""
        rec = self.lessons.get(lesson_id) or {}
        answers = rec.get("answers") or {}
        right = sum(1 for a in answers.values() if isinstance(a, dict) and a.get("correct"))
        return len(answers), right, bool(rec.get("done"))


def _count(value: Any) -> bool:
    return type(value) is int and 0 <= value < 1 << 31


def _check_record(lesson_id: str, record: dict) -> None:
    """A lesson record has the types LessonRun.progress() writes, or the file is corrupt."""
    for key in ("page", "furthest", "pages"):
        if key in record and not _count(record[key]):
            raise ValueError(f"lesson {lesson_id!r}: {key!r} is not a page count")
    if "done" in record and not isinstance(record["done"], bool):
        raise ValueError(f"lesson {lesson_id!r}: 'done' is not true or false")
    answers = record.get("answers", {})
    if answers is None:
        return
    if not isinstance(answers, dict):
        raise ValueError(f"lesson {lesson_id!r}: 'answers' is not a table")
    for qid, a in answers.items():
        if not (isinstance(a, dict) and isinstance(a.get("given"), str | None)
                and isinstance(a.get("correct", False), bool)
                and (a.get("attempts") is None or _count(a["attempts"]))):
            raise ValueError(f"lesson {lesson_id!r}: answer {qid!r} is not "
                             "{given, correct, attempts}")


class ProgressStore:
    """Load and save Progress at one path; `warnings` says what was recovered."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.warnings: list[tuple[str, dict[str, str]]] = []  # (message key, params)

    # -- reading ---------------------------------------------------------------------------
    def load(self) -> Progress:
        self._sweep_temps()
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Progress()
        except OSError as err:  # a directory, or no permission: moved aside if it can be
            return self._recover(err)
        try:
            return Progress.from_json(json.loads(data.decode("utf-8")))
        except (ValueError, UnicodeDecodeError, RecursionError) as err:
            return self._recover(err)

    def _recover(self, err: Exception) -> Progress:
        stem = f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}"
        backup, n = self.path.with_name(stem), 1
        while backup.exists():
            backup, n = self.path.with_name(f"{stem}-{n}"), n + 1
        with contextlib.suppress(OSError):
            os.replace(self.path, backup)
        self.warnings.append(("progress_recovered", {"path": str(self.path),
                                                     "detail": str(err),
                                                     "backup": str(backup)}))
        return Progress()

    def warning_texts(self, lang: str = "en") -> list[str]:
        """The warnings of the last load, in the learner's language."""
        from lab.lessons.i18n import t
        from lab.scenario.errors import escape

        return [escape(t(key, lang, **params)) for key, params in self.warnings]

    def _sweep_temps(self) -> None:
        """Remove temporary files a killed writer left behind (old ones only)."""
        directory = self.path.parent
        if not directory.is_dir():
            return
        now = time.time()
        for p in directory.glob(_TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if now - p.stat().st_mtime > _STALE_TEMP_SECONDS:
                    p.unlink()

    # -- writing ---------------------------------------------------------------------------
    def save(self, progress: Progress) -> None:
        """Replace the file atomically (temp file, fsync, rename, fsync the directory)."""
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(progress.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
        fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _fsync_dir(directory)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def update(self, change: Callable[[Progress], None]) -> Progress:
        """Load, change and save under a lock, so two running labs do not lose each other's
        progress."""
        with self._locked():
            progress = self.load()
            change(progress)
            self.save(progress)
            return progress

    def save_run(self, run, extra: dict[str, Any] | None = None) -> Progress:
        """Record a LessonRun's progress under its lesson id (with `extra` fields of the
        front end's own, e.g. the lab's step and language)."""
        record = {**run.progress(), **(extra or {})}
        record["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")

        def change(p: Progress) -> None:
            p.lessons[run.lesson.id] = record

        return self.update(change)

    def count_quiz(self, asked: int, right: int) -> Progress:
        def change(p: Progress) -> None:
            p.quiz["asked"] = p.quiz.get("asked", 0) + asked
            p.quiz["right"] = p.quiz.get("right", 0) + right

        return self.update(change)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
