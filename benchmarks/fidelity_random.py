# SPDX-License-Identifier: GPL-2.0-only
"""How often the model agrees with this machine's real kernel, on random scenarios.

    python benchmarks/fidelity_random.py [-n 3000] [--seed 1] [--jobs N] [--curated] [-v]

Runs N generated scenarios (lab/realkernel/generate.py) on the model and on the kernel and
prints the agreement figure (known kernel-version and machine differences count as agreement;
skips count as neither), then the disagreements grouped by cause, with one example each.
With --curated it runs tests/differential/curated.txt instead.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def curated() -> list[str]:
    """The curated scenarios' texts (the format is described at the top of the file)."""
    texts, current = [], None
    for line in (ROOT / "tests" / "differential" / "curated.txt").read_text().splitlines():
        if line.startswith("## "):
            current = []
            texts.append(current)
        elif current is not None:
            current.append(line)
    return ["\n".join(t) + "\n" for t in texts]


def cause(d) -> str:
    """A difference without its numbers: what groups it with others of its kind."""
    text = re.sub(r"0x[0-9a-f]+|\b\d+\b", "N", d.text)
    text = re.sub(r"line N's mapping [+-] N", "M", text)
    return f"{d.kind}: {text}"


def errno_agreement(verdicts) -> tuple[int, int, int]:
    """(statements whose errno agreed, whose errno differed as a known difference explains,
    statements compared), over the compared scenarios."""
    same = explained = total = 0
    for v in verdicts:
        if v.sim_doc is None or v.real_doc is None or v.status not in ("agree", "differ"):
            continue
        known = {d.line for d in v.differences if d.kind == "errno" and d.expected}
        for s, r in zip(v.sim_doc["events"], v.real_doc["events"]):
            total += 1
            same += s["errno"] == r["errno"]
            explained += s["errno"] != r["errno"] and s["line"] in known
    return same, explained, total


def main(argv: list[str] | None = None) -> int:
    from lab.realkernel import available
    from lab.realkernel.generate import scenarios
    from lab.realkernel.referee import referee

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=3000, help="how many scenarios (default 3000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=None, help="real runs at a time (default: CPUs)")
    ap.add_argument("--curated", action="store_true", help="run the curated set instead")
    ap.add_argument("-v", action="store_true", help="print every disagreeing scenario")
    args = ap.parse_args(argv)
    ok, reason = available()
    if not ok:
        print(f"cannot run here: {reason}")
        return 1
    texts = curated() if args.curated else scenarios(args.seed, args.n)
    started = time.monotonic()
    verdicts = referee(texts, args.jobs)
    elapsed = time.monotonic() - started
    status = Counter(v.status for v in verdicts)
    compared = status["agree"] + status["differ"]
    print(f"{len(verdicts)} scenarios in {elapsed:.0f} s: {dict(status)}")
    if compared:
        print(f"agreement: {status['agree']}/{compared} = {100 * status['agree'] / compared:.1f}%"
              " of the scenarios compared (known differences count as agreement)")
    same, explained, total = errno_agreement(verdicts)
    if total:
        print(f"errno agreement: {same}/{total} statements = {100 * same / total:.2f}%; "
              f"with the {explained} a known difference explains: "
              f"{100 * (same + explained) / total:.2f}%")
    known = Counter(d.expected for v in verdicts for d in v.differences if d.expected)
    if known:
        print("known differences seen:", ", ".join(f"{k} ({n})" for k, n in known.most_common()))
    bugs: dict[str, list] = defaultdict(list)
    for v in verdicts:
        for bug in {d.model_bug for d in v.unexpected if d.model_bug}:
            bugs[bug].append(v)
    if bugs:
        print("\nknown simulator bugs (disagreements; see docs/fidelity.md):")
    for bug, vs in sorted(bugs.items(), key=lambda kv: -len(kv[1])):
        example = min(vs, key=lambda v: len(v.text))
        print(f"\n[{len(vs)}] {bug}\n    " + example.text.strip().replace("\n", "\n    "))
    groups: dict[str, list] = defaultdict(list)
    for v in verdicts:
        for c in {cause(d) for d in v.unexplained}:
            groups[c].append(v)
    if groups:
        print("\nunexplained disagreements by cause (scenarios, then one example):")
    for c, vs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"\n[{len(vs)}] {c}")
        example = min(vs, key=lambda v: len(v.text))
        print("    " + example.text.strip().replace("\n", "\n    "))
        if args.v:
            for v in vs[1:]:
                print("    --\n    " + v.text.strip().replace("\n", "\n    "))
    reasons = Counter(re.sub(r"line \d+|0x[0-9a-f]+|\d+", "N", v.reason)[:110]
                      for v in verdicts if v.status in ("skipped", "error"))
    if reasons:
        print("\nskipped or in error, by reason:")
        for r, n in reasons.most_common():
            print(f"  [{n}] {r}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
