# SPDX-License-Identifier: GPL-2.0-only
"""One verdict per scenario: run it on the model and on the kernel, and compare.

Used by the differential tests and by benchmarks/fidelity_random.py. A scenario the model
cannot run yet ("not modelled yet") or the machine cannot give is "skipped", with the reason;
it never counts as agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from lab.realkernel.compare import Difference, compare


@dataclass
class Verdict:
    text: str
    status: str  # "agree", "differ", "skipped", "error"
    reason: str = ""
    differences: list[Difference] = field(default_factory=list)
    sim_doc: dict | None = None
    real_doc: dict | None = None

    @property
    def unexpected(self) -> list[Difference]:
        """The disagreements: no known difference explains them (known model bugs included)."""
        return [d for d in self.differences if not d.expected]

    @property
    def unexplained(self) -> list[Difference]:
        """Disagreements neither a known difference nor a known model bug explains."""
        return [d for d in self.unexpected if not d.model_bug]


def simulate_text(text: str) -> dict:
    """`mmaplab run -e TEXT --json`'s document, from the model."""
    from lab.runner import scenario_constants, simulate
    from lab.scenario import parse_scenario, split_statements

    scenario = parse_scenario(split_statements(text), "-e", scenario_constants())
    return simulate(scenario).to_json()


def judge(text: str, real_doc: dict) -> Verdict:
    """The verdict on one scenario, given its real document (from run_real or run_many)."""
    from lab.scenario import ScenarioError

    if real_doc.get("skipped"):
        return Verdict(text, "skipped", "real kernel: " + real_doc["skipped"],
                       real_doc=real_doc)
    try:
        sim_doc = simulate_text(text)
    except ScenarioError as err:
        status = "skipped" if "not modelled yet" in str(err) else "error"
        return Verdict(text, status, "model: " + str(err).splitlines()[0],
                       real_doc=real_doc)
    except Exception as err:  # the model crashed: a disagreement of its own kind
        return Verdict(text, "error", f"model crashed: {type(err).__name__}: {err}",
                       real_doc=real_doc)
    if real_doc.get("error"):
        return Verdict(text, "error", "real kernel: " + real_doc["error"], sim_doc=sim_doc,
                       real_doc=real_doc)
    diffs = compare(sim_doc, real_doc)
    status = "differ" if any(not d.expected for d in diffs) else "agree"
    return Verdict(text, status, "", diffs, sim_doc, real_doc)


PROBES = {
    "access": "x = p[0]",
    "munmap": "munmap(p, 4096)",
    "mprotect": "mprotect(p, 4096, PROT_READ)",
}


@cache
def model_supports(step: str) -> bool:
    """Does the model run this kind of statement yet ("access", "munmap", "mprotect")?"""
    text = f"p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n{PROBES[step]}\n"
    try:
        simulate_text(text)
    except Exception:
        return False
    return True


def referee(texts: list[str], jobs: int | None = None) -> list[Verdict]:
    """Verdicts for many scenarios; the real runs go `jobs` at a time."""
    from lab.realkernel.run import run_many

    return [judge(t, d) for t, d in zip(texts, run_many(texts, jobs))]
