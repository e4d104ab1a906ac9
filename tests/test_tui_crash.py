# SPDX-License-Identifier: GPL-2.0-only
"""An unexpected error in the lab: progress saved first, a report written (atomically) with
the traceback, an error screen, the terminal restored, a clear exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_terminals import Lab, lab, lab_cache, needs_tmux  # noqa: F401 (fixtures)

from lab.tui import crash
from lab.tui.app import open_lab

SCENARIO = "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\np[0] = 1"


@pytest.fixture
def crash_dir(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "reports"
    monkeypatch.setenv(crash.CRASH_DIR_ENV, str(where))
    monkeypatch.delenv(crash.TEST_CRASH_ENV, raising=False)
    return where


class Saver:
    def __init__(self, fail: bool = False):
        self.calls = 0
        self.fail = fail

    def save_progress(self) -> None:
        self.calls += 1
        if self.fail:
            raise OSError(28, "No space left on device")


def _error() -> Exception:
    try:
        {}["missing"]
    except KeyError as err:
        return err
    raise AssertionError


def test_a_crash_saves_progress_first_then_writes_a_report(crash_dir):
    order: list[str] = []
    app = Saver()
    remove = crash.on_exit(lambda: order.append("hook ran"))
    try:
        found = crash.record(app, _error())
    finally:
        remove()
    assert app.calls == 1 and order == ["hook ran"]
    assert found.saved == "saved"
    assert found.path is not None and found.path.parent == crash_dir
    text = found.path.read_text()
    assert "Traceback (most recent call last)" in text and "KeyError: 'missing'" in text
    assert "Versions:  mmaplab " in text and "Progress:  saved" in text
    assert [p.name for p in crash_dir.iterdir()] == [found.path.name]  # no temp file left


def test_the_exit_hooks_run_once_however_many_ways_the_lab_ends(crash_dir):
    app = Saver()
    crash.run_exit_hooks(app)
    crash.record(app, _error())
    crash.run_exit_hooks(app)
    assert app.calls == 1


def test_a_failing_save_is_reported_never_raised(crash_dir):
    found = crash.record(Saver(fail=True), _error())
    assert found.saved.startswith("NOT saved")
    assert "No space left on device" in found.path.read_text()
    assert "Progress NOT saved" in crash.message(found)


def test_a_report_that_cannot_go_to_the_log_dir_goes_to_the_temp_dir(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv(crash.CRASH_DIR_ENV, str(blocker / "reports"))
    monkeypatch.setattr(crash.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    found = crash.record(Saver(), _error())
    assert found.path is not None and found.path.parent == tmp_path / "tmp"
    assert str(found.path) in crash.message(found)


def test_the_test_crash_hook_is_inert_unless_asked(monkeypatch):
    monkeypatch.delenv(crash.TEST_CRASH_ENV, raising=False)
    for _ in range(5):
        crash.maybe_test_crash("step_into")
    monkeypatch.setenv(crash.TEST_CRASH_ENV, "step_over:2")
    monkeypatch.setattr(crash, "_test_counts", {})
    crash.maybe_test_crash("step_into")
    crash.maybe_test_crash("step_over")
    with pytest.raises(crash.RequestedCrash):
        crash.maybe_test_crash("step_over")


async def test_an_error_inside_the_app_is_recorded_with_the_position(crash_dir, monkeypatch):
    monkeypatch.setenv(crash.TEST_CRASH_ENV, "step_into:2")
    monkeypatch.setattr(crash, "_test_counts", {})
    app = open_lab(SCENARIO, "crash.scn")
    saved: list[bool] = []
    app.save_progress = lambda: saved.append(True)  # type: ignore[method-assign]
    with pytest.raises(crash.RequestedCrash):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("s", "s")
            await pilot.pause()
    assert saved == [True]
    assert app.return_code == crash.CRASH_STATUS
    report = app.crash_report.path.read_text()
    assert "Scenario (crash.scn):" in report and "p[0] = 1" in report
    assert "Position: statement 1, step 2 " in report
    assert "RequestedCrash" in report and "Terminal:  120x40" in report


@needs_tmux
def test_a_crash_in_a_real_terminal_shows_the_report_and_restores_the_terminal(lab):  # noqa: F811
    t: Lab = lab(env={crash.TEST_CRASH_ENV: "step_into:2"})  # bare: the course's first lesson
    t.wait_for("Lesson")
    t.keys("s", "s")
    screen = t.wait_for("Any key quits")
    assert "mmaplab stopped: an unexpected error" in screen
    assert "Your progress was saved" in screen
    reports = list(t.crash_dir.iterdir())
    assert len(reports) == 1 and reports[0].name in screen.replace("\n", "").replace(" ", "")
    assert t.progress.exists()
    t.keys("x")
    assert t.exit_status() == crash.CRASH_STATUS
    after = t.screen()
    assert "mmaplab: an unexpected error ended the lab" in after and "Traceback" not in after
    assert not t.alternate_screen()
    stty = t.stty_file.read_text().split()
    assert "icanon" in stty and "echo" in stty
    report = reports[0].read_text()
    assert "Traceback (most recent call last)" in report and "Progress:  saved" in report


def test_progress_is_saved_before_the_report_is_written(crash_dir):
    reports_seen_by_the_save: list[list[Path]] = []

    class App(Saver):
        def save_progress(self) -> None:
            reports_seen_by_the_save.append(sorted(crash_dir.glob("*")))

    found = crash.record(App(), _error())
    assert reports_seen_by_the_save == [[]] and found.path is not None


def test_a_crash_with_no_lesson_open_says_there_was_nothing_to_save(crash_dir):
    class Lab:
        lesson = None

    class App(Saver):
        lab = Lab()

    found = crash.record(App(), _error())
    assert found.saved == "nothing to save (no lesson open)"
    assert "progress" not in crash.message(found).lower()


def test_without_the_override_reports_go_to_the_platform_log_dir(monkeypatch, tmp_path):
    monkeypatch.delenv(crash.CRASH_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    where = crash.report_dir()
    assert where.is_relative_to(tmp_path / "state") and "mmaplab" in where.parts


@needs_tmux
@pytest.mark.parametrize("env", [{"LANG": "C"}, {"TERM": "linux"}], ids=["LANG=C", "linux"])
def test_the_error_screen_keeps_to_what_the_terminal_can_draw(lab, env):  # noqa: F811
    t: Lab = lab(env={crash.TEST_CRASH_ENV: "step_into:1", **env})
    t.wait_for("Lesson")
    t.keys("s")
    screen = t.wait_for("Any key quits")
    if "LANG" in env:
        assert screen.isascii() and "+---" in screen
    else:
        assert {ch for ch in screen if ord(ch) > 127} <= set("═║╔╗╚╝") and "╔═" in screen
    t.keys("x")
    assert t.exit_status() == crash.CRASH_STATUS


@pytest.mark.parametrize("client_lang", ["C", "en_US.UTF-8", ""])
def test_a_served_lab_keeps_its_reports_past_the_session_and_its_clients_locale(
        tmp_path, monkeypatch, client_lang):
    import shutil

    monkeypatch.delenv(crash.CRASH_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "instructor"))

    from lab.classroom.serve import _LabSession

    class Channel:
        def get_environment(self) -> dict[str, str]:
            return {"LANG": client_lang} if client_lang else {}

    session = _LabSession(server=None)  # type: ignore[arg-type]
    session.chan, session.term = Channel(), "xterm-256color"  # type: ignore[assignment]
    env = session._child_env()
    shutil.rmtree(session.home)
    reports = Path(env[crash.CRASH_DIR_ENV])  # the server's, not the session's own home
    assert reports.is_relative_to(tmp_path / "instructor")
    assert Path(env["XDG_STATE_HOME"]).is_relative_to(session.home)
    assert ("MMAPLAB_GLYPHS" in env) == (client_lang == "C")
    assert "utf" in env["LANG"].lower().replace("-", "")  # Python itself speaks UTF-8


def test_the_crash_message_speaks_the_labs_language():
    from pathlib import Path

    from lab.tui.crash import Crash, message

    found = Crash("RuntimeError: boom", "saved", Path("report.txt"))
    zh = message(found, "zh")
    assert "意外错误" in zh and "RuntimeError: boom" in zh and "report.txt" in zh
    assert "学习进度已保存" in zh
    assert "unexpected error" in message(found) and "progress was saved" in message(found)
