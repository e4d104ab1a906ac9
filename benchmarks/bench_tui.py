#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""TUI benchmarks (issue: the lab's face). Prints medians; the machine is noisy.

    python benchmarks/bench_tui.py                 # all, at 120x40
    python benchmarks/bench_tui.py --quick         # fewer repetitions
    python benchmarks/bench_tui.py --only step     # cold | step | rss | big

cold   `python -m lab` in a pseudo-terminal of 120x40 (TERM=xterm-256color), from spawning
       the interpreter to the first complete frame (MMAPLAB_EXIT_AFTER_FIRST_FRAME=1 makes
       the app exit right after it): median of N runs.
step   one step, key press to the frame that shows it, all panels updated: the app runs
       headless at 120x40, every frame is also turned into the bytes a terminal would get
       (the only work headless mode skips), and each key waits for the frame it caused. Keys
       are s, n, f and their reverses over the default scenario, paced like a person (40 ms).
rss    peak RSS of a process that records the default scenario (or loads it from the
       cache, as every run after the first does), opens the app and steps through every step.
big    the same step figures (headless) on a 1 GiB MAP_POPULATE, beside 3,000 VMAs, and in
       the middle of 65,530 mmaps (the statements the trace budget runs whole).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from fcntl import ioctl

SIZE = (120, 40)
ONE_GIB = ("p = mmap(NULL, 1024 * 1024 * 1024, PROT_READ | PROT_WRITE, "
           "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")


POPULATE2 = ("p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, "
             "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")


def machine_with_vmas(n: int):
    """The default world plus n one-page anonymous VMAs with gaps between them (none merge):
    a process with thousands of mappings, without recording thousands of statements."""
    from lab.kernel.default_world import default_machine
    from lab.kernel.include.linux.mm import VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_WRITE
    from lab.kernel.mm_struct import VmAreaStruct

    m = default_machine()
    flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE
    for i in range(n):
        start = 0x7F0000000000 + i * 0x2000
        m.task.mm.insert_vma(VmAreaStruct(start, start + 0x1000, flags, start >> 12))
        m.task.mm.map_count += 1
    return m


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


# -- cold start ----------------------------------------------------------------------------------
BARE_APP = """
import os, time
from textual.app import App
from textual.widgets import Footer, Static
class Bare(App):
    def compose(self):
        yield Static("hello")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        with open(os.environ["MMAPLAB_FIRST_FRAME_FILE"], "w") as f:
            f.write(repr(time.perf_counter()))
        self.exit()
Bare().run()
"""


#: An installed lab has its bytecode compiled (pip does it); a checkout run with
#: PYTHONDONTWRITEBYTECODE would compile every module on every start. The benchmark keeps
#: bytecode outside the tree, as an installation would have it.
BYTECODE = {"PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "mmaplab-bench-pyc")}


def cold_once(extra_env: dict | None = None, argv: list[str] | None = None) -> float:
    """One cold start; tried again (up to 3 times) if the machine killed the child."""
    for attempt in range(3):
        try:
            return _cold_once(extra_env, argv)
        except RuntimeError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _cold_once(extra_env: dict | None = None, argv: list[str] | None = None) -> float:
    """Seconds from spawning `python -m lab` to its first complete frame (the app writes the
    time of that frame, on the monotonic clock all processes share, and exits)."""
    stamp = tempfile.NamedTemporaryFile(prefix="mmaplab-frame-", delete=False)
    stamp.close()
    env = {**os.environ, "TERM": "xterm-256color", "MMAPLAB_EXIT_AFTER_FIRST_FRAME": "1",
           "MMAPLAB_FIRST_FRAME_FILE": stamp.name, "LANG": "C.UTF-8", **BYTECODE,
           **(extra_env or {})}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of 120x40
        ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0],
                                                                   0, 0))
        os.execvpe(sys.executable, [sys.executable, *(argv or ["-m", "lab"])], env)
    ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    while True:
        r, _, _ = select.select([fd], [], [], 10)
        if not r:
            break
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    if status != 0:
        os.unlink(stamp.name)
        raise RuntimeError(f"the app exited with status {status}")
    with open(stamp.name) as f:
        frame = float(f.read())
    os.unlink(stamp.name)
    return frame - t0


# -- per step, in a real terminal ----------------------------------------------------------------
SYNC_QUERY = b"\x1b[?2026$p"  # Textual asks whether the terminal has synchronized output
SYNC_REPLY = b"\x1b[?2026;2$y"  # we answer yes, so every frame ends with SYNC_END
SYNC_END = b"\x1b[?2026l"
KEY_BYTES = {"left": b"\x1b[D", "right": b"\x1b[C"}


class Terminal:
    """`python -m lab ARGS` in a pseudo-terminal that answers like a modern xterm."""

    def __init__(self, args: list[str], size: tuple[int, int] = SIZE):
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "COLORTERM": "truecolor", **BYTECODE}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ,
                  struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execvpe(sys.executable, [sys.executable, "-m", "lab", *args], env)
        ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.buffer = b""

    def read(self, timeout: float) -> bytes:
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        if SYNC_QUERY in self.buffer[-16:] + data:
            os.write(self.fd, SYNC_REPLY)
        self.buffer = (self.buffer + data)[-64:]
        return data

    def drain(self, quiet: float) -> None:
        while self.read(quiet):
            pass

    def frame_after(self, key: bytes, timeout: float = 2.0) -> float | None:
        """Send a key; seconds until the end of the next frame."""
        t0 = time.perf_counter()
        os.write(self.fd, key)
        seen = b""
        while time.perf_counter() - t0 < timeout:
            data = self.read(timeout)
            seen = seen[-16:] + data
            if SYNC_END in seen:
                return time.perf_counter() - t0
        return None

    def close(self) -> None:
        os.write(self.fd, b"q")
        self.drain(0.5)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def steps_in_terminal(args: list[str], keys: list[str], settle: float = 3.0) -> dict:
    term = Terminal(args)
    try:
        deadline = time.perf_counter() + settle
        while time.perf_counter() < deadline:
            term.read(0.1)
        times = []
        for key in keys:
            term.drain(0.04)  # a person's pace, and nothing left over from the last frame
            t = term.frame_after(KEY_BYTES.get(key, key.encode()))
            if t is not None:
                times.append(t * 1000)
    finally:
        term.close()
    return {"median_ms": statistics.median(times), "p95_ms": pct(times, 0.95),
            "max_ms": max(times), "steps": len(times)}


# -- per step, headless ----------------------------------------------------------------------------
async def _steps(src: str | None, keys: list[str], pace: float, vmas: int = 0,
                 at_statement: int = 0) -> dict:
    from lab.runner import scenario_constants
    from lab.scenario import parse_scenario
    from lab.stepping.session import Session
    from lab.tui.app import MmapLab
    from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

    scenario = parse_scenario(src or DEFAULT_SCENARIO, SOURCE_NAME, scenario_constants())
    machine = machine_with_vmas(vmas) if vmas else None
    app = MmapLab(Session(scenario, machine=machine), env={"LANG": "C.UTF-8"})
    frames: list[float] = []
    console = app.console

    async with app.run_test(size=SIZE) as pilot:
        original = app._display

        def display(screen, update):  # noqa: ANN001
            original(screen, update)
            if update is not None and hasattr(update, "render_segments"):
                update.render_segments(console)  # what the terminal would be sent
            frames.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]
        if at_statement:
            app.lab.goto(f"stmt {at_statement}")
            app.lab.show_step()
        await pilot.pause(2.5)  # let the idle work (C TextAreas of the trace) finish
        times = []
        for key in keys:
            await asyncio.sleep(pace)
            n = len(frames)
            t = time.perf_counter()
            await pilot.press(key)
            deadline = t + 1.0
            while len(frames) == n and time.perf_counter() < deadline:
                await asyncio.sleep(0)
            if len(frames) > n:
                times.append((frames[n] - t) * 1000)
        total = app.lab.session.total_steps
    return {"median_ms": statistics.median(times), "p95_ms": pct(times, 0.95),
            "max_ms": max(times), "steps": len(times), "trace_steps": total}


def step_keys(n: int) -> list[str]:
    pattern = ["s"] * 6 + ["n", "n", "S", "S", "N", "s", "s", "f", "F", "s", "left"]
    return (pattern * (n // len(pattern) + 1))[:n]


def bench_steps(quick: bool) -> dict:
    n = 150 if quick else 600
    return {"terminal": steps_in_terminal(["--demo"], step_keys(n)),
            "headless": asyncio.run(_steps(None, step_keys(n), 0.04))}


def bench_big(quick: bool) -> dict:
    n = 80 if quick else 250
    out = {}
    sys.path.insert(0, os.path.dirname(__file__))
    from bench_limits import vmas_scenario

    for name, src, vmas, at in (("1GiB populate", ONE_GIB, 0, 0),
                                ("3000 VMAs", POPULATE2, 3000, 0),
                                ("65,530 mmaps, in the middle (run whole)",
                                 vmas_scenario(65530), 0, 30000)):
        t = time.perf_counter()
        out[name] = asyncio.run(_steps(src, step_keys(n), 0.04, vmas, at))
        out[name]["open_and_run_s"] = time.perf_counter() - t
    return out


def rss_child(cached: bool) -> None:
    import resource

    async def run() -> None:
        from lab.tui.app import open_lab
        from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

        app = open_lab(DEFAULT_SCENARIO, SOURCE_NAME, use_cache=cached)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(1.5)
            for _ in range(app.lab.session.total_steps):
                await pilot.press("s")
            await pilot.pause()

    asyncio.run(run())
    print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=("cold", "step", "rss", "big"))
    ap.add_argument("--rss-child", choices=("recorded", "cached"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        return rss_child(args.rss_child == "cached")
    report: dict = {"size": f"{SIZE[0]}x{SIZE[1]}"}
    if args.only in (None, "cold"):
        n = 5 if args.quick else 15
        demo = ["-m", "lab", "--demo"]  # the built-in scenario, no lesson
        with tempfile.TemporaryDirectory() as empty:  # the first run ever: nothing cached
            first = [cold_once({"MMAPLAB_CACHE_DIR": empty + f"/{i}"}, demo) for i in range(3)]
            # `mmaplab` opens the course: lesson 1 the first time (progress kept apart)
            course = {"MMAPLAB_PROGRESS_FILE": empty + "/progress.json"}
            cold_once(course)
            lesson = [cold_once(course) for _ in range(n)]
        cold_once(argv=demo)  # make sure the recording of the default scenario is in the cache
        runs = [cold_once(argv=demo) for _ in range(n)]
        bare = [cold_once(argv=["-c", BARE_APP]) for _ in range(n)]
        report["cold_start_s"] = {"median": statistics.median(runs), "min": min(runs),
                                  "max": max(runs), "runs": len(runs),
                                  "first_run_ever_median": statistics.median(first),
                                  "course_lesson_1_median": statistics.median(lesson),
                                  "bare_textual_app_median": statistics.median(bare)}
    if args.only in (None, "step"):
        report["step"] = bench_steps(args.quick)
    if args.only in (None, "rss"):
        report["rss"] = {}
        for how in ("recorded", "cached"):  # a first run records; later ones load the cache
            for _attempt in range(3):  # a shared machine may kill a child: try again
                out = subprocess.run([sys.executable, __file__, "--rss-child", how],
                                     capture_output=True, text=True)
                if out.returncode == 0:
                    break
            report["rss"][how] = json.loads(out.stdout.strip().splitlines()[-1])
    if args.only in (None, "big"):
        report["big"] = bench_big(args.quick)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
