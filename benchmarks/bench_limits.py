# SPDX-License-Identifier: GPL-2.0-only
"""The simulator at its limits: many VMAs (vm.max_map_count) and a 64 GiB MAP_NORESERVE.

    python benchmarks/bench_limits.py [--vmas 65530] [--repeat 3] [--record-vmas 2000]

Each case runs in a fresh process (so peak RSS is its own) and reports medians over
--repeat runs: the time to run the scenario on the twin (`simulate`, what `mmaplab run`
does), the time to record it (`Session`, what the TUI does: every C step up to the trace
budget, then the middle statements whole; `record-full` lifts the budget, for
--record-vmas mappings only, since every mmap records hundreds of steps), peak RSS, and
the latency of one step forward and back in the recording. The VMA scenario is generated
(the language has no loop): alternating protections so neighbours do not merge, until
map_count passes vm.max_map_count and mmap answers ENOMEM.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

ANON = "MAP_PRIVATE | MAP_ANONYMOUS"
NORESERVE = "\n".join([
    f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE, -1, 0)",
    "p[0] = 1", "p[32 << 30] = 2", "x = p[(48 << 30) + 7]", "p[(64 << 30) - 1] = 3",
    "munmap(p, 64 << 30)"])
# More than the default world's 8 GiB of RAM, populated: the OOM killer ends it (SIGKILL).
POPULATE = (f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE "
            "| MAP_POPULATE, -1, 0)")

# Read, not written: 16,777,216 PTEs of the zero page, as the kernel maps them.
READ_POPULATE = (f"p = mmap(NULL, 64 << 30, PROT_READ, {ANON} | MAP_NORESERVE | MAP_POPULATE, "
                 "-1, 0)\nx = p[(64 << 30) - 1]")


def vmas_scenario(count: int) -> str:
    """`count` one-page mappings that cannot merge, then two more that must fail."""
    lines = [f"p{i} = mmap(NULL, 4096, {'PROT_READ' if i % 2 else 'PROT_READ | PROT_WRITE'}, "
             f"{ANON}, -1, 0)" for i in range(count + 2)]
    return "\n".join(lines) + "\n"


CHILD = r"""
import json, resource, sys, time
from lab.runner import scenario_constants, simulate
from lab.scenario import parse_scenario
text, mode = sys.stdin.read(), sys.argv[1]
out = {}
t = time.perf_counter()
scenario = parse_scenario(text, "bench", scenario_constants())
out["parse_s"] = time.perf_counter() - t
if mode == "simulate":
    t = time.perf_counter()
    report = simulate(scenario)
    out["run_s"] = time.perf_counter() - t
    out["map_count"] = report.machine.task.mm.map_count
    out["errnos"] = sorted({str(e.errno) for e, _ in report.events})
    out["signals"] = sorted({str(e.signal) for e, _ in report.events})
else:
    from lab.stepping.session import Session
    t = time.perf_counter()
    session = Session(scenario, **({"trace_budget": 10**12} if mode == "record-full" else {}))
    out["record_s"] = time.perf_counter() - t
    out["steps"] = session.total_steps
    out["whole"] = str(session.whole_statements)
    lat = []
    for _ in range(200):
        t = time.perf_counter(); session.step_into(); session.step_back()
        lat.append((time.perf_counter() - t) / 2)
    session.goto_step(session.total_steps - 1)
    t = time.perf_counter(); session.step_back(); lat.append(time.perf_counter() - t)
    out["step_ms"] = 1000 * sorted(lat)[len(lat) // 2]
    import random
    rng, lat = random.Random(1), []
    for _ in range(200):  # a random step, with the state the panels read there (built)
        t = time.perf_counter()
        session.goto_step(rng.randrange(session.total_steps)); session.vmas_at()[0]
        session.step.locals
        lat.append(time.perf_counter() - t)
    out["goto_ms"] = 1000 * sorted(lat)[len(lat) // 2]
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(text: str, mode: str, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", CHILD, mode], input=text, text=True,
                              capture_output=True, check=True)
        runs.append(json.loads(done.stdout))
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, float):
            out[key] = statistics.median(r[key] for r in runs)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmas", type=int, default=65530, help="mappings for `simulate`")
    ap.add_argument("--record-vmas", type=int, default=2000, help="mappings to record")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    cases = [("64 GiB MAP_NORESERVE | MAP_POPULATE on 8 GiB", POPULATE, "simulate"),
             ("64 GiB read-only MAP_POPULATE (the zero page)", READ_POPULATE, "simulate"),
             ("64 GiB read-only MAP_POPULATE (the zero page)", READ_POPULATE, "record"),
             ("64 GiB MAP_NORESERVE, 4 touches", NORESERVE, "simulate"),
             ("64 GiB MAP_NORESERVE, 4 touches", NORESERVE, "record"),
             (f"{args.vmas} mappings", vmas_scenario(args.vmas), "simulate"),
             (f"{args.vmas} mappings", vmas_scenario(args.vmas), "record"),
             (f"{args.record_vmas} mappings", vmas_scenario(args.record_vmas), "record"),
             (f"{args.record_vmas} mappings", vmas_scenario(args.record_vmas), "record-full")]
    for name, text, mode in cases:
        result = measure(text, mode, args.repeat)
        shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                          for k, v in result.items())
        print(f"{name} [{mode}]: {shown}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
