#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Stepping benchmarks (issue: lockstep stepping). Prints medians; the machine is noisy.

    python benchmarks/bench_stepping.py            # all
    python benchmarks/bench_stepping.py --quick    # fewer repetitions

Figures: recording a 4 KiB anonymous mmap; recording a 1 GiB anonymous MAP_POPULATE (time and
the peak RSS of a fresh process doing only that); moving between steps, state included.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time

ONE_GIB = ("p = mmap(NULL, 1024 * 1024 * 1024, PROT_READ | PROT_WRITE, "
           "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
SMALL = "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)"


def _session(src: str):
    from lab.runner import scenario_constants
    from lab.scenario import parse_scenario, split_statements
    from lab.stepping.session import Session

    return Session(parse_scenario(split_statements(src), "-e", scenario_constants()))


def _median_ms(fn, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1 if len(times) > 1 else 0]


def _one_gib_child() -> None:
    import resource

    t = time.perf_counter()
    s = _session(ONE_GIB)
    elapsed = time.perf_counter() - t
    rec = s.records[0]
    row = next(r for r in rec.maps_after if r["start"] == rec.event.ret)
    print(json.dumps({"seconds": elapsed, "present": row["present"],
                      "steps": len(rec.trace.steps), "folds": rec.trace.folds,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--one-gib-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_gib_child:
        _one_gib_child()
        return
    reps = 5 if args.quick else 21

    _session(SMALL)  # warm: imports, C index, links
    med, p95 = _median_ms(lambda: _session(SMALL), reps)
    steps = len(_session(SMALL).records[0].trace.steps)
    print(f"record 4 KiB anonymous mmap: median {med:.1f} ms, p95 {p95:.1f} ms ({steps} steps)")

    runs = [json.loads(subprocess.run([sys.executable, __file__, "--one-gib-child"],
                                      capture_output=True, text=True, check=True).stdout)
            for _ in range(3 if args.quick else 5)]
    secs = statistics.median(r["seconds"] for r in runs)
    rss = statistics.median(r["peak_rss_mb"] for r in runs)
    print(f"record 1 GiB MAP_POPULATE: median {secs * 1000:.0f} ms, peak RSS {rss:.0f} MB, "
          f"{runs[0]['present']:,} PTEs present, {runs[0]['steps']} steps; {runs[0]['folds']}")

    s = _session(ONE_GIB)
    rng = random.Random(1)
    targets = [rng.randrange(s.total_steps) for _ in range(2000)]
    it = iter(targets)

    addr = s.records[0].event.ret + 4096

    def move():
        s.goto_step(next(it))
        s.vmas_at()
        s.pte_at(addr)
        s.step.locals  # noqa: B018

    med, p95 = _median_ms(move, len(targets))
    print(f"move between two random steps (1 GiB trace, state included): median {med:.3f} ms,"
          f" p95 {p95:.3f} ms")


if __name__ == "__main__":
    main()
