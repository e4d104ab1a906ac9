# SPDX-License-Identifier: GPL-2.0-only
"""The world's invariants after every statement of many random scenarios.

    python benchmarks/invariants_long.py [--count 10000] [--seed 1] [--extra 8]
                                         [--every-step 200] [-v]

Scenarios come from lab/realkernel/generate.py (the differential tests' generator), each
lengthened by --extra more accesses, munmap and mprotect calls. After every statement
lab/world/invariants.check_invariants() runs; for the first --every-step scenarios the VMA
list's shape is also checked at every recorded trace step (lab/stepping). Prints the
problems grouped, with one example scenario each; exit status 1 if any was found.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter

from lab.realkernel.generate import RandomChooser, more_steps, scenario
from lab.runner import scenario_constants
from lab.scenario import ScenarioError, parse_scenario
from lab.world.invariants import check_invariants, check_scenario, check_vma_shape

STEPS = ("access", "munmap", "mprotect")


def _group(problem: str) -> str:
    return re.sub(r"0x[0-9a-f]+|\b\d+\b", "N", problem.split(": ", 1)[-1])


def _stepped(text: str) -> tuple[list[str], int]:
    """Record the scenario, checking the VMA list at every step: (problems, steps)."""
    from lab.kernel.machine import running
    from lab.stepping import record
    from lab.stepping.session import Session

    problems: list[str] = []
    steps = [0]
    emit = record.Recorder._emit

    def checked(self, fs, kind, link, note=None):
        steps[0] += 1
        problems.extend(f"step in {fs.cfn.display}: {p}"
                        for p in check_vma_shape(self.machine.task.mm))
        return emit(self, fs, kind, link, note)

    record.Recorder._emit = checked
    try:
        session = Session(parse_scenario(text, "<random>", scenario_constants()))
    finally:
        record.Recorder._emit = emit
    with running(session.machine):
        problems += check_invariants(session.machine)
    return problems, steps[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", "-n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--extra", type=int, default=8, help="more steps after the generator's")
    ap.add_argument("--every-step", type=int, default=200, metavar="K",
                    help="check at every trace step for the first K scenarios")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    groups: Counter[str] = Counter()
    examples: dict[str, tuple[str, list[str]]] = {}
    refused = statements = steps = 0
    t0 = time.perf_counter()
    for i in range(args.count):
        ch = RandomChooser(args.seed * 1_000_003 + i)
        text = more_steps(ch, scenario(ch, STEPS), ch.integer(0, args.extra), STEPS)
        statements += text.count("\n")
        try:
            problems = check_scenario(text, "<random>")
            if not problems and i < args.every_step:
                problems, n = _stepped(text)
                steps += n
        except ScenarioError:
            refused += 1
            continue
        for p in problems[:1]:
            groups[_group(p)] += 1
            examples.setdefault(_group(p), (text, problems))
        if args.verbose and i % 1000 == 999:
            print(f"{i + 1} scenarios, {sum(groups.values())} broken", file=sys.stderr)
    took = time.perf_counter() - t0
    print(f"{args.count} scenarios ({statements} statements, {steps} steps checked one by one)"
          f" in {took:.1f} s; {refused} refused by the simulator; "
          f"{sum(groups.values())} broke an invariant")
    for group, n in groups.most_common():
        text, problems = examples[group]
        print(f"\n{n} x {group}\n  e.g. {problems[0]}\n" + "".join(f"    {line}\n" for line in
                                                               text.splitlines()))
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
