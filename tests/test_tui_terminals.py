# SPDX-License-Identifier: GPL-2.0-only
"""The lab under odd terminals: TERM=dumb or no terminal at all, 20x5 and resize storms,
TERM=linux, NO_COLOR, a C locale, and the terminal going away (SIGHUP).

The tmux tests run `python -m lab` in a private tmux server (its own socket, killed after)
under a shell that writes the lab's pid and exit status to files, and read the screen with
capture-pane."""

from __future__ import annotations

import itertools
import os
import re
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmuxhelp import TmuxPane, needs_tmux, wait_until

from lab.tui import glyphs, terminal

SCENARIO = "p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"
_count = itertools.count()


class Lab(TmuxPane):
    """`python -m lab ARGS` in its own tmux server, with its files under `tmp`."""

    def __init__(self, tmp: Path, cache: Path, args: str = "",
                 env: dict[str, str] | None = None,
                 unset: tuple[str, ...] = (), width: int = 120, height: int = 40,
                 survive_hangup: bool = False):
        n = next(_count)
        self.tmp = tmp
        self.pid_file, self.status_file = tmp / f"pid-{n}", tmp / f"status-{n}"
        self.stty_file = tmp / f"stty-{n}"
        self.progress = tmp / f"progress-{n}.json"
        self.crash_dir = tmp / f"crash-{n}"
        lab_env = {"MMAPLAB_CACHE_DIR": str(cache), "LANG": "C.UTF-8",
                   "TERM": "xterm-256color", "MMAPLAB_PROGRESS_FILE": str(self.progress),
                   "MMAPLAB_CRASH_DIR": str(self.crash_dir), "XDG_STATE_HOME": str(tmp / "st"),
                   **(env or {})}
        drop = " ".join(f"-u {shlex.quote(v)}" for v in ("COLORTERM", "LC_ALL", "LC_CTYPE",
                                                           "NO_COLOR", "MMAPLAB_GLYPHS",
                                                           "MMAPLAB_THEME", *unset))
        sets = " ".join(f"{k}={shlex.quote(v)}" for k, v in lab_env.items() if k not in unset)
        inner = f"echo $$ > {self.pid_file}; exec env {drop} {sets} {sys.executable} -m lab {args}"
        # The shell outlives the lab to record how it ended (and, for a hangup, ignores it).
        before, after = ("trap '' HUP; ", "") if survive_hangup else ("", "; sleep 60")
        command = (f"{before}cd {shlex.quote(os.getcwd())}; sh -c {shlex.quote(inner)}; "
                   f"echo $? > {self.status_file}; stty -a > {self.stty_file} 2>&1{after}")
        super().__init__(command, width, height, prefix="T2_lab")

    def pid(self) -> int:
        wait_until(lambda: self.pid_file.exists() and self.pid_file.read_text().strip())
        return int(self.pid_file.read_text())

    def exit_status(self, timeout: float = 15.0) -> int:
        wait_until(lambda: self.status_file.exists() and self.status_file.read_text().strip(),
                   timeout, f"the lab did not exit; the screen was:\n{self.screen()}")
        return int(self.status_file.read_text())


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(scope="session")
def lab_cache(tmp_path_factory) -> Path:
    """One recording cache for every lab of the run: each scenario is recorded once."""
    return tmp_path_factory.mktemp("lab-cache")


@pytest.fixture
def lab(tmp_path, lab_cache):
    started: list[Lab] = []

    def start(**kw) -> Lab:
        t = Lab(tmp_path, lab_cache, **kw)
        started.append(t)
        return t

    yield start
    for t in started:
        t.kill()


# -- no usable terminal: a clear paragraph, a non-zero status, no traceback ----------------------
def test_what_counts_as_a_usable_terminal(tmp_path):
    class Tty:
        def __init__(self, tty: bool):
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    ttys = (Tty(True), Tty(True), Tty(True))
    assert terminal.problem({"TERM": "xterm-256color"}, ttys) is None
    assert terminal.problem({"TERM": "linux"}, ttys) is None
    assert terminal.problem({"TERM": "dumb"}, ttys) == "TERM=dumb cannot draw a full-screen app"
    assert terminal.problem({}, ttys) == "TERM is not set"
    assert terminal.problem({"TERM": "xterm"}, (Tty(True), Tty(False), Tty(True))) == \
        "its standard output is not a terminal"
    text = terminal.needs_terminal("TERM is not set")
    assert "\n" not in text and "mmaplab run FILE" in text and "mmaplab run -e" in text


@pytest.mark.parametrize("args", [[], ["-e", SCENARIO], ["FILE"], ["lesson", "1"],
                                  ["teach", "--private", "--dir", "DIR"],
                                  ["follow", "nobody", "--dir", "DIR"]],
                         ids=["bare", "-e", "file", "lesson", "teach", "follow"])
def test_without_a_terminal_each_lab_command_says_what_it_needs(tmp_path, args):
    scenario = tmp_path / "s.scn"
    scenario.write_text(SCENARIO + "\n")
    (tmp_path / "class").mkdir(mode=0o700)
    args = [str(scenario) if a == "FILE" else str(tmp_path / "class") if a == "DIR" else a
            for a in args]
    env = {**os.environ, "TERM": "xterm-256color", "MMAPLAB_CACHE_DIR": str(tmp_path / "c"),
           "MMAPLAB_PROGRESS_FILE": str(tmp_path / "progress.json")}
    out = subprocess.run([sys.executable, "-m", "lab", *args], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2
    assert "the lab needs a full-screen terminal" in out.stderr
    assert "its standard input is not a terminal" in out.stderr
    assert "mmaplab run -e 'STATEMENTS'" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert not (tmp_path / "progress.json").exists()


def test_bad_input_is_still_reported_before_the_missing_terminal(tmp_path):
    out = subprocess.run([sys.executable, "-m", "lab", "-e", "p = mmap("],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "MMAPLAB_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 2
    assert "-e:1:" in out.stderr and "full-screen terminal" not in out.stderr


@needs_tmux
@pytest.mark.parametrize("variant", ["dumb", "unset"])
def test_term_dumb_or_unset_in_a_real_terminal_gets_the_message(lab, variant):
    t = lab(env={"TERM": "dumb"}) if variant == "dumb" else lab(unset=("TERM",))
    assert t.exit_status() == 2
    screen = t.screen()
    assert "the lab needs a full-screen terminal" in screen.replace("\n", "")
    assert ("TERM=dumb" if variant == "dumb" else "TERM is not set") in screen
    assert "Traceback" not in screen


# -- sizes -------------------------------------------------------------------------------------
@needs_tmux
def test_20x5_asks_to_enlarge_and_the_full_layout_comes_back(lab):
    t = lab(args=f"-e {shlex.quote(SCENARIO)}")
    t.wait_for("SYSCALL_DEFINE6(mmap)")
    t.resize(20, 5)
    screen = t.wait_for("Enlarge to 80x24")
    assert "20x5: too small" in screen and "q quits" in screen
    t.keys("s")  # moves still work while too small
    t.resize(120, 40)
    screen = t.wait_for("C source")
    assert "Python twin" in screen and "step 2/" in screen
    t.keys("q")
    assert t.exit_status() == 0


@needs_tmux
def test_a_resize_storm_leaves_a_working_lab(lab):
    t = lab(args=f"-e {shlex.quote(SCENARIO)}")
    t.wait_for("SYSCALL_DEFINE6(mmap)")
    sizes = [(20, 5), (80, 24), (160, 45), (30, 8), (120, 40), (79, 23), (200, 60), (81, 24)]
    for w, h in sizes * 8:
        t.resize(w, h)
    t.resize(22, 5)
    t.wait_for("22x5: too small")
    t.resize(120, 40)
    t.wait_for("C source")
    t.keys("s", "s")
    t.wait_for("step 3/")
    assert not t.status_file.exists()  # still running
    t.keys("q")
    assert t.exit_status() == 0


# -- TERM, colours and locales -----------------------------------------------------------------
def _colours(screen: str) -> list[tuple[int, ...]]:
    """Every colour an SGR sequence of the capture sets: (n,) basic, (5, i) 256, (2, r, g, b)."""
    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", screen):
        p = [int(x) for x in params.split(";") if x]
        i = 0
        while i < len(p):
            if p[i] in (38, 48) and i + 1 < len(p):
                n = 3 if p[i + 1] == 5 else 5
                found.append(tuple(p[i + 1:i + n]))
                i += n
                continue
            if 30 <= p[i] <= 37 or 40 <= p[i] <= 47 or 90 <= p[i] <= 97 or 100 <= p[i] <= 107:
                found.append((p[i],))
            i += 1
    return found


def _grey(colour: tuple[int, ...]) -> bool:
    if len(colour) == 1:
        return colour[0] % 10 in (0, 7)
    if colour[0] == 2:
        return colour[1] == colour[2] == colour[3]
    i = colour[1]
    if i >= 232 or i in (0, 7, 8, 15):
        return True
    if 16 <= i <= 231:
        r, g, b = (i - 16) // 36, (i - 16) // 6 % 6, (i - 16) % 6
        return r == g == b
    return False


def _step_three_times(t: Lab) -> str:
    t.wait_for("SYSCALL_DEFINE6(mmap)")
    t.keys("s", "s", "s")
    return t.wait_for("step 4/")


@needs_tmux
def test_xterm_256color_gets_unicode_and_colour(lab):
    t = lab(args=f"-e {shlex.quote(SCENARIO)}")
    _step_three_times(t)
    screen = t.screen(escapes=True)
    assert glyphs.UNICODE.marker in screen and "╭" in screen
    assert not all(_grey(c) for c in _colours(screen))


@needs_tmux
def test_term_linux_gets_16_colours_and_the_console_font_only(lab):
    t = lab(args=f"-e {shlex.quote(SCENARIO)}", env={"TERM": "linux"})
    _step_three_times(t)
    screen = t.screen(escapes=True)
    assert all(len(c) == 1 for c in _colours(screen)), "only the 16 ANSI colours"
    assert glyphs.CONSOLE.marker in screen
    plain = t.screen()
    cp437_like = set("─│┌┐└┘├┤┬┴┼░▒▓█■·►•◘→√")
    assert {ch for ch in plain if ord(ch) > 127} <= cp437_like
    t.keys("q")


@needs_tmux
def test_no_color_draws_in_greys_only(lab):
    t = lab(args=f"-e {shlex.quote(SCENARIO)}", env={"NO_COLOR": "1"})
    _step_three_times(t)
    colours = _colours(t.screen(escapes=True))
    assert colours and all(_grey(c) for c in colours)


@needs_tmux
@pytest.mark.parametrize("locale", [{"LANG": "C"}, {"LC_ALL": "C"}, {"LANG": "POSIX"}],
                         ids=["LANG=C", "LC_ALL=C", "LANG=POSIX"])
def test_a_c_locale_gets_ascii_only_even_in_the_dialogs(lab, locale):
    t = lab(args=f"-e {shlex.quote(SCENARIO)}", env=locale)
    seen = {"steps": _step_three_times(t)}
    t.keys("g")
    seen["goto"] = t.wait_for("Go to")
    t.keys("Escape")
    t.wait_gone("Go to")
    t.keys("C-p")
    seen["palette"] = t.wait_for("Search for commands")
    t.keys("Escape")
    t.wait_gone("Search for commands")
    t.keys("?")
    seen["help"] = t.wait_for("mmaplab help")
    for what, screen in seen.items():
        assert screen.isascii(), (what, sorted({ch for ch in screen if ord(ch) > 127}))
    assert "+-" in seen["steps"]  # the borders are there, in ASCII


# -- the terminal goes away --------------------------------------------------------------------
@needs_tmux
def test_a_hangup_saves_progress_and_the_lab_exits_cleanly(lab):
    t = lab(survive_hangup=True)  # bare `mmaplab`: the course's first lesson
    t.wait_for("Lesson")
    pid = t.pid()
    assert alive(pid) and not t.progress.exists()
    t.kill()  # the terminal closes: SIGHUP, and reads fail
    assert t.exit_status() == 128 + 1
    wait_until(lambda: not alive(pid), what=f"the lab {pid} outlived its terminal")
    assert t.progress.exists(), "the progress was not saved on the way out"
    assert not t.crash_dir.exists()  # a hangup is no crash


def test_a_pty_closed_without_a_hangup_ends_the_lab_and_saves_progress(tmp_path, lab_cache):
    """A pty that is not the lab's controlling terminal sends no SIGHUP when its other side
    closes; its reads then see end-of-file forever, which once kept a lab spinning."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    progress = tmp_path / "progress.json"
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "MMAPLAB_CACHE_DIR": str(lab_cache), "MMAPLAB_PROGRESS_FILE": str(progress),
           "MMAPLAB_CRASH_DIR": str(tmp_path / "crash")}
    proc = subprocess.Popen([sys.executable, "-m", "lab"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True)  # no TIOCSCTTY
    os.close(slave)
    seen = b""
    try:
        # Read until the lab has drawn its lesson and gone quiet: a hangup while it still
        # writes ends it through the failed write, which is not the case under test.
        deadline, quiet_since = time.monotonic() + 60, time.monotonic()
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                seen += os.read(master, 65536)
                quiet_since = time.monotonic()
            elif b"Lesson" in seen and time.monotonic() - quiet_since > 1.0:
                break
        assert b"Lesson" in seen, "the lab never drew its lesson"
    finally:
        os.close(master)
    try:
        status = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the lab outlived its terminal") from None
    assert status == 128 + 1
    assert progress.exists(), "the progress was not saved on the way out"


@needs_tmux
def test_sigterm_saves_progress_and_restores_the_terminal(lab):
    t = lab()
    t.wait_for("Lesson")
    os.kill(t.pid(), 15)
    assert t.exit_status() == 128 + 15
    assert t.progress.exists()
    assert not t.alternate_screen()
    stty = t.stty_file.read_text().split()
    assert "icanon" in stty and "echo" in stty


# -- the last resort: characters the terminal cannot draw ----------------------------------------
def test_what_the_terminal_cannot_draw_is_replaced_cell_for_cell():
    from rich.cells import cell_len

    prose = "“Goals” – p → VMA … 中文 café x²"
    ascii_ = glyphs.drawable(prose, glyphs.ASCII)
    assert ascii_ == '"Goals" - p > VMA . [zh] cafe x2'  # the language's name still reads
    assert cell_len(ascii_) == cell_len(prose)  # nothing on the screen moves
    assert glyphs.drawable("\x1b[1m→\x1b[0m", glyphs.ASCII) == "\x1b[1m>\x1b[0m"  # escapes kept
    assert glyphs.drawable("├─ • ► √ é ╭ 中", glyphs.CONSOLE) == "├─ • ► √ é + ??"
    assert glyphs.drawable("初识 mmap", glyphs.ASCII) == "???? mmap"  # other Chinese: cells
    assert glyphs.drawable(prose, glyphs.UNICODE) == prose


@needs_tmux
@pytest.mark.parametrize("env", [{"LANG": "C"}, {"TERM": "linux"}], ids=["LANG=C", "linux"])
def test_a_lesson_in_chinese_keeps_to_what_the_terminal_can_draw(lab, env):
    t = lab(env=env)  # bare `mmaplab`: the course's first lesson, its goals in a list
    t.wait_for("Goals")
    t.keys("L")
    screen = t.wait_for("????")  # the Chinese lesson, one ? a cell where 中文 cannot be drawn
    drawn = {ch for ch in screen if ord(ch) > 127}
    if env.get("LANG") == "C":
        assert not drawn
    else:
        assert drawn <= set("─│┌┐└┘├┤┬┴┼░▒▓█■·►•◘→√")
    t.keys("L")
    t.wait_for("Goals")


# -- over `mmaplab serve --ssh`: the check and the hangup are the lab's own terminal's ---------
async def _serve(tmp_path: Path):
    from lab.classroom.serve import LabServer, ServeConfig

    cfg = ServeConfig(port=0, host_key=tmp_path / "hk", no_auth=True)
    cfg.check()
    return await LabServer(cfg).start()


async def _read_until(proc, pattern: bytes, timeout: float = 30.0) -> bytes:  # noqa: ANN001
    import asyncio

    seen = b""
    deadline = time.monotonic() + timeout
    while pattern not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{pattern!r} not seen; got {seen[-400:]!r}")
        try:
            seen += await asyncio.wait_for(proc.stdout.read(65536), left)
        except TimeoutError:
            continue
    return seen


def _connect(port: int):  # noqa: ANN202
    asyncssh = pytest.importorskip("asyncssh")
    return asyncssh.connect("127.0.0.1", port, username="student", known_hosts=None,
                            client_keys=None, agent_path=None)


async def test_an_ssh_client_with_term_dumb_gets_the_message_from_its_lab(tmp_path):
    server = await _serve(tmp_path)
    try:
        async with _connect(server.port) as conn:
            proc = await conn.create_process(term_type="dumb", term_size=(80, 24),
                                             encoding=None)
            seen = await _read_until(proc, b"mmaplab run FILE")
            await proc.wait_closed()
        assert b"TERM=dumb" in seen and b"Traceback" not in seen
        assert proc.exit_status == 2
    finally:
        await server.close()


async def test_an_ssh_drop_ends_its_lab_cleanly(tmp_path):
    import asyncio

    server = await _serve(tmp_path)
    try:
        async with _connect(server.port) as conn:
            proc = await conn.create_process(term_type="xterm-256color", term_size=(100, 30),
                                             encoding=None)
            await _read_until(proc, b"mmaplab \xc2\xb7 Linux")  # a frame: the driver is up
            (session,) = server.sessions
            child = session.proc
        await asyncio.wait_for(child.wait(), 15)  # the connection is gone: SIGHUP to the lab
        assert child.returncode == 128 + 1, "killed, not exited (or still running)"
    finally:
        await server.close()
