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
rss    peak RSS of a process that records the default scenario, opens the app and steps
       through every step.
big    the same step figures on a 1 GiB MAP_POPULATE and on 2,000 VMAs.
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
import termios
import time
from fcntl import ioctl

SIZE = (120, 40)
ONE_GIB = ("p = mmap(NULL, 1024 * 1024 * 1024, PROT_READ | PROT_WRITE, "
           "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")


def many_vmas(n: int) -> str:
    # alternate protections so that neighbours cannot merge: n distinct VMAs
    lines = []
    for i in range(n):
        prot = "PROT_READ" if i % 2 else "PROT_READ | PROT_WRITE"
        lines.append(f"m{i} = mmap(NULL, 4096, {prot}, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    lines.append("p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, "
                 "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    return "\n".join(lines)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


# -- cold start ----------------------------------------------------------------------------------
def cold_once() -> float:
    env = {**os.environ, "TERM": "xterm-256color", "MMAPLAB_EXIT_AFTER_FIRST_FRAME": "1",
           "LANG": "C.UTF-8"}
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of 120x40
        ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0],
                                                                   0, 0))
        os.execvpe(sys.executable, [sys.executable, "-m", "lab"], env)
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
    elapsed = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"the app exited with status {status}")
    return elapsed


# -- per step ------------------------------------------------------------------------------------
async def _steps(src: str | None, keys: list[str], pace: float) -> dict:
    from lab.tui.app import open_lab
    from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

    app = open_lab(src or DEFAULT_SCENARIO, SOURCE_NAME)
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
    return asyncio.run(_steps(None, step_keys(n), 0.04))


def bench_big(quick: bool) -> dict:
    n = 80 if quick else 250
    out = {}
    t = time.perf_counter()
    out["1GiB"] = asyncio.run(_steps(ONE_GIB, step_keys(n), 0.04))
    out["1GiB"]["open_s"] = time.perf_counter() - t
    out["2000 VMAs"] = asyncio.run(_steps(many_vmas(2000), ["5"] + step_keys(n), 0.04))
    return out


def rss_child() -> None:
    import resource

    async def run() -> None:
        from lab.tui.app import open_lab
        from lab.tui.default_scenario import DEFAULT_SCENARIO, SOURCE_NAME

        app = open_lab(DEFAULT_SCENARIO, SOURCE_NAME)
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
    ap.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        return rss_child()
    report: dict = {"size": f"{SIZE[0]}x{SIZE[1]}"}
    if args.only in (None, "cold"):
        runs = [cold_once() for _ in range(5 if args.quick else 15)]
        report["cold_start_s"] = {"median": statistics.median(runs), "min": min(runs),
                                  "max": max(runs), "runs": len(runs)}
    if args.only in (None, "step"):
        report["step"] = bench_steps(args.quick)
    if args.only in (None, "rss"):
        out = subprocess.run([sys.executable, __file__, "--rss-child"], capture_output=True,
                             text=True, check=True)
        report["rss"] = json.loads(out.stdout.strip().splitlines()[-1])
    if args.only in (None, "big"):
        report["big"] = bench_big(args.quick)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
