# SPDX-License-Identifier: GPL-2.0-only
"""The real kernel as referee: run a scenario on this machine and compare it with the model.

    from lab.realkernel import available, run_real, compare, side_by_side_text

`available()` says whether this machine can (Linux on x86-64) and why not. `run_real(scenario)`
runs the statements for real in a fresh process and returns a document shaped like
`mmaplab run --json`, plus "skipped", "error", "host_kernel" and "runner". `compare(sim_doc,
real_doc)` lists where the model and the kernel disagree, each difference marked when a
known kernel-version or machine difference explains it; `side_by_side_text` shows both.
Importing this package works anywhere; running needs Linux (see docs/fidelity.md).
"""

from __future__ import annotations

from lab.realkernel.compare import Difference, compare
from lab.realkernel.host import available
from lab.realkernel.known import KNOWN, MODEL_BUGS, Known, applicable
from lab.realkernel.text import side_by_side_text


def run_real(scenario, *, timeout: float = 120.0) -> dict:
    """The scenario (a parsed Scenario or its text) run on this machine's kernel."""
    from lab.realkernel.run import run_real as run

    return run(scenario, timeout=timeout)


def run_many(scenarios, jobs: int | None = None, *, timeout: float = 120.0) -> list[dict]:
    """run_real over many scenarios, `jobs` at a time (default: one per CPU)."""
    from lab.realkernel.run import run_many as run

    return run(scenarios, jobs, timeout=timeout)


__all__ = ["KNOWN", "MODEL_BUGS", "Difference", "Known", "applicable", "available", "compare",
           "run_many", "run_real", "side_by_side_text"]
