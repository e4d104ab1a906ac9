# SPDX-License-Identifier: GPL-2.0-only
"""When the lab fails: progress saved first, a short report kept, the terminal given back.

An unexpected exception inside the app (`MmapLab._handle_exception`) calls `record`, which
runs the exit hooks (the app's `save_progress()` if it has one, then every callback given to
`on_exit`), then writes a report: versions, terminal, the scenario, the position and the
traceback, atomically, to `$MMAPLAB_CRASH_DIR` or else the platform's log directory
(~/.local/state/mmaplab/log). Textual then ends the app and restores the terminal, and
`after_run` shows an error screen naming the report (any key quits) and says it again on
stderr, where it stays. The exit status is CRASH_STATUS.

Test hook: MMAPLAB_TEST_CRASH=ACTION[:N] makes the Nth run of the app action ACTION (for
example `step_into:3`, the third step) raise RequestedCrash. It is read on every action and does
nothing when unset.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

CRASH_DIR_ENV = "MMAPLAB_CRASH_DIR"
TEST_CRASH_ENV = "MMAPLAB_TEST_CRASH"
CRASH_STATUS = 70  # EX_SOFTWARE (sysexits.h): an internal error, not the learner's input

_hooks: list[Callable[[], object]] = []
_lock = threading.Lock()
_test_counts: dict[str, int] = {}


class RequestedCrash(RuntimeError):
    """The crash MMAPLAB_TEST_CRASH asked for."""

    __test__ = False  # not a pytest test class


# -- before the lab exits: save what the learner would lose ----------------------------------------
def on_exit(callback: Callable[[], object]) -> Callable[[], None]:
    """Run `callback` before the lab exits on a crash or a lost terminal; returns a function
    that removes it again. A callback that fails is noted in the report, never raised."""
    _hooks.append(callback)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            _hooks.remove(callback)

    return remove


def run_exit_hooks(app: Any) -> list[str]:
    """Save progress: `app.save_progress()` if the app has it, then every on_exit callback.
    Runs once per app (later calls return the first outcome); returns what failed, as text."""
    with _lock:
        done = getattr(app, "_mmaplab_exit_hooks", None)
        if done is not None:
            return done
        failures: list[str] = []
        calls = [getattr(app, "save_progress", None), *_hooks]
        for call in calls:
            if not callable(call):
                continue
            try:
                call()
            except Exception as err:  # the report says so; the exit goes on
                failures.append(f"{getattr(call, '__qualname__', call)!s}: "
                                f"{type(err).__name__}: {err}")
        with contextlib.suppress(AttributeError):
            app._mmaplab_exit_hooks = failures
        return failures


def has_exit_hooks(app: Any) -> bool:
    """Whether anything was there to save: a callback, or the app's progress (the lab's
    only with a lesson open; an app that does not say is taken at its word)."""
    if _hooks:
        return True
    if not callable(getattr(app, "save_progress", None)):
        return False
    try:
        return app.lab.lesson is not None
    except Exception:  # no lab screen (yet), or not the lab at all
        return getattr(app, "lesson", True) is not None


# -- the report ---------------------------------------------------------------------------------
def report_dir() -> Path:
    """$MMAPLAB_CRASH_DIR, else the platform's log directory for mmaplab."""
    wanted = os.environ.get(CRASH_DIR_ENV)
    if wanted:
        return Path(wanted)
    import platformdirs

    return Path(platformdirs.user_log_dir("mmaplab", appauthor=False))


def write_report(text: str, directory: Path | None = None) -> Path:
    """Write `text` as a new crash-TIME-PID.txt, atomically (temp file, fsync, rename)."""
    directory = report_dir() if directory is None else directory
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    fd, temp = tempfile.mkstemp(prefix=".crash-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def _versions() -> str:
    import platform
    from importlib import metadata

    from lab import KERNEL_VERSION, __version__

    try:
        textual = metadata.version("textual")
    except metadata.PackageNotFoundError:
        textual = "?"
    return (f"mmaplab {__version__} (Linux {KERNEL_VERSION}), Python "
            f"{platform.python_version()}, Textual {textual}, {platform.system()} "
            f"{platform.release()}")


def _terminal(app: Any) -> str:
    from lab.tui.terminal import describe

    size = getattr(app, "size", None)
    where = f"{size.width}x{size.height}" if size is not None else "?"
    found = describe()
    if getattr(app, "no_color", False):  # Textual takes it out of the environment
        found["NO_COLOR"] = "1"
    settings = " ".join(f"{k}={v}" for k, v in found.items())
    return f"{where} {settings} theme={getattr(app, 'theme', '?')}"


def _scenario_and_position(app: Any) -> list[str]:
    lab = app.lab
    session = lab.session
    out = [f"Scenario ({session.scenario.source_name}):"]
    for i, stmt in enumerate(session.scenario.statements, 1):
        out.append(f"  {i:3}  {getattr(stmt, 'text', '') or repr(stmt)}")
    pos, step = session.position, session.step
    where = f"statement {pos.statement + 1}, step {pos.step + 1} " \
            f"(step {session.global_index + 1} of {session.total_steps} in the scenario)"
    if step is not None:
        where += f", at {step.c_path}:{step.c_line} in {step.function} " \
                 f"({step.py_path}:{step.py_line})"
    if getattr(lab.state, "at_end", False):
        where += ", at the end"
    return [*out, f"Position: {where}"]


def build_report(app: Any, error: BaseException, saved: str) -> str:
    """The report's text: what a maintainer needs to reproduce the failure, and no more."""
    lines = ["mmaplab crash report", "", f"When:      {time.strftime('%Y-%m-%d %H:%M:%S %z')}"]
    for label, part in (("Versions:  ", _versions), ("Terminal:  ", lambda: _terminal(app))):
        try:
            lines.append(label + part())
        except Exception as err:  # a report with a gap beats no report
            lines.append(f"{label}(unknown: {type(err).__name__})")
    lines.append(f"Progress:  {saved}")
    lines.append("")
    try:
        lines += _scenario_and_position(app)
    except Exception as err:
        lines.append(f"Scenario and position: (unknown: {type(err).__name__}: {err})")
    lines += ["", "".join(traceback.format_exception(error)).rstrip(), ""]
    return "\n".join(lines)


@dataclass
class Crash:
    """One crash of the lab: what failed, whether progress was saved, where the report is."""

    summary: str  # ExceptionType: message
    saved: str  # what the report says about progress
    path: Path | None = None
    report: str = ""
    hook_failures: list[str] = field(default_factory=list)


def record(app: Any, error: BaseException) -> Crash:
    """Save progress, then write the report (never raises: it runs while the app fails)."""
    summary = "".join(traceback.format_exception_only(error)).strip()
    try:
        failures = run_exit_hooks(app)
    except Exception as err:
        failures = [f"{type(err).__name__}: {err}"]
    if failures:
        saved = "NOT saved: " + "; ".join(failures)
    else:
        saved = "saved" if has_exit_hooks(app) else "nothing to save (no lesson open)"
    try:
        text = build_report(app, error, saved)
    except Exception:
        text = "mmaplab crash report\n\n" + "".join(traceback.format_exception(error))
    found = Crash(summary, saved, None, text, failures)
    for directory in (None, Path(tempfile.gettempdir())):
        try:
            found.path = write_report(text, directory)
            break
        except OSError:
            continue
    return found


# -- after the app has ended ----------------------------------------------------------------
def _saved_sentence(found: Crash, lang: str = "en") -> str:
    from lab.tui.i18n import t

    if found.saved == "saved":
        return t("crash_saved", lang)
    return "" if found.saved.startswith("nothing") else \
        t("crash_not_saved", lang, detail=found.saved)


def message(found: Crash, lang: str = "en") -> str:
    """What the learner reads on stderr once the terminal is back (the report itself stays
    in English: it is for whoever fixes the lab)."""
    from lab.tui.i18n import t

    where = t("crash_message_in", lang, path=found.path) if found.path else \
        t("crash_message_none", lang)
    saved = _saved_sentence(found, lang)
    text = t("crash_message", lang, summary=found.summary, saved=saved + " " if saved else "",
             where=where)
    return text if found.path else text + "\n\n" + found.report


def after_run(app: Any) -> None:
    """After app.run(): if the lab crashed, the error screen, then the message on stderr."""
    found = getattr(app, "crash_report", None)
    if found is None:
        return
    from lab.tui import terminal

    lang = getattr(app, "lang", "en")
    if lang not in ("en", "zh"):
        lang = "en"
    if not getattr(getattr(app, "_driver", None), "lost", False) and terminal.problem() is None:
        if getattr(app, "no_color", False):  # Textual took NO_COLOR out of the environment
            os.environ.setdefault("NO_COLOR", "1")
        with contextlib.suppress(Exception):  # the screen is a courtesy; stderr says it all
            CrashApp(found, getattr(app, "glyphs", None), getattr(app, "theme", None),
                     lang).run()
    with contextlib.suppress(OSError, ValueError):
        print(message(found, lang), file=sys.stderr)


def maybe_test_crash(action: object) -> None:
    """MMAPLAB_TEST_CRASH=ACTION[:N]: raise RequestedCrash on the Nth run of ACTION."""
    wanted = os.environ.get(TEST_CRASH_ENV)
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    text = action if isinstance(action, str) else str(getattr(action, "name", action))
    if text.rpartition(".")[2].partition("(")[0] != name:
        return
    _test_counts[name] = _test_counts.get(name, 0) + 1
    if _test_counts[name] == (int(nth) if nth.isdigit() else 1):
        raise RequestedCrash(f"the crash {TEST_CRASH_ENV}={wanted} asked for")


class CrashApp(App):
    """The lab's error screen, an app of its own (the lab has ended by now): what happened
    and where the report is. Any key quits; so does the terminal going away. It draws with
    the lab's glyphs, through the lab's driver."""

    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { background: $background; }
    #crash { width: auto; max-width: 100%; height: auto; padding: 0 1; }
    """

    def __init__(self, found: Crash, glyphs: Any = None, theme: str | None = None,
                 lang: str = "en"):
        from lab.tui import glyphs as glyph_sets

        super().__init__()
        self.found = found
        self.lang = lang
        self.glyphs = glyphs or glyph_sets.choose()
        self._mmaplab_exit_hooks: list[str] = []  # the lab ran them: never again from here
        if theme and theme in self.available_themes:
            self.theme = theme

    def get_driver_class(self) -> type:
        from textual.drivers.linux_driver import LinuxDriver

        from lab.tui.terminal import LabDriver

        driver = super().get_driver_class()
        return LabDriver if driver is LinuxDriver else driver

    def terminal_lost(self, signum: int) -> None:
        """The terminal went while the screen was up: the report is written, so just go."""
        self.exit()

    def compose(self) -> ComposeResult:
        from lab.tui.i18n import t

        f, lang = self.found, self.lang
        where = t("crash_report_in", lang, path=f.path) if f.path else \
            t("crash_no_report", lang)
        saved = _saved_sentence(f, lang)
        text = t("crash_screen", lang, summary=f.summary,
                 saved=saved + "\n" if saved else "", where=where)
        box = Static(text, id="crash", markup=False)
        border = "ascii" if self.glyphs.ascii else "heavy" if self.glyphs.name == "unicode" \
            else "double"  # the Linux console's font has double lines, not heavy ones
        box.styles.border = (border, "red")
        with Middle(), Center():
            yield box

    def on_key(self) -> None:
        self.exit()

    def on_click(self) -> None:
        self.exit()
