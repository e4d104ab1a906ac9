# SPDX-License-Identifier: GPL-2.0-only
"""The fuzz tests, long: N generated inputs per test instead of CI's few hundred.

    python benchmarks/fuzz_long.py --count 10000 --target scenario
    python benchmarks/fuzz_long.py --count 10000 --target all

Targets are the fuzz test files (tests/test_fuzz_TARGET.py): scenario (parser and
evaluator), lessons (loader and validator), protocol (follow-mode decoder), cli (`run`,
`source`, `world`, `lessons check`, `quiz`). Above 1,000 inputs the draws are random, not
the fixed CI sequence, so every long run explores new inputs; a failure prints the shrunk
input that fails. Hypothesis's database is off: nothing is written to the tree. Each
target ends with the inputs Hypothesis actually ran per test (--hypothesis-show-statistics).

The last long run (10,000 inputs a test; its counts, times and findings): docs/hardening.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("scenario", "lessons", "protocol", "cli")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", "-n", type=int, default=10_000,
                    help="inputs per test (default 10000)")
    ap.add_argument("--target", "-t", choices=(*TARGETS, "all"), default="all")
    ap.add_argument("-k", dest="keyword", default=None, help="only tests matching (pytest -k)")
    args = ap.parse_args(argv)

    targets = TARGETS if args.target == "all" else (args.target,)
    env = {**os.environ, "MMAPLAB_FUZZ_EXAMPLES": str(args.count)}
    failed = []
    for target in targets:
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
               "--hypothesis-show-statistics", f"tests/test_fuzz_{target}.py"] + \
            (["-k", args.keyword] if args.keyword else [])
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(done.stdout)
        # What Hypothesis ran, per test: the count to report is what ran, not what was asked.
        for name, passing in re.findall(r"::(\w+):\n(?:.*\n)*?.*?(\d+) passing", done.stdout):
            print(f"  {name}: {passing} passing inputs")
        print(f"{target}: {args.count} inputs per test, {time.perf_counter() - t0:.0f} s, "
              f"{'ok' if done.returncode == 0 else 'FAILED'}", flush=True)
        if done.returncode:
            failed.append(target)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
