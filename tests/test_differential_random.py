# SPDX-License-Identifier: GPL-2.0-only
"""Random scenarios agree between the model and this machine's real kernel.

A fixed, seeded sample runs in CI (each scenario its own test, all run in parallel once);
Hypothesis explores more and shrinks a disagreement to a small scenario. A disagreement
that a known simulator bug explains is an expected failure; any other fails the test.
benchmarks/fidelity_random.py runs thousands and groups what it finds.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lab.realkernel import available

OK, WHY_NOT = available()
pytestmark = pytest.mark.skipif(not OK, reason=WHY_NOT)

SEED, SAMPLE = 2026, 300


@pytest.fixture(scope="module")
def sample():
    from lab.realkernel.generate import scenarios
    from lab.realkernel.referee import referee

    return referee(scenarios(SEED, SAMPLE))


def _check(verdict) -> None:
    if verdict.status == "skipped":
        pytest.skip(verdict.reason)
    assert verdict.status != "error", f"{verdict.reason}\n{verdict.text}"
    assert not verdict.unexplained, verdict.text + "\n".join(str(d) for d in verdict.unexplained)
    bugs = sorted({d.model_bug for d in verdict.unexpected})
    if bugs:
        pytest.xfail("simulator bug: " + ", ".join(bugs))


@pytest.mark.parametrize("index", range(SAMPLE))
def test_differential_random_sample(index, sample):
    _check(sample[index])


def test_differential_random_sample_is_mostly_compared(sample):
    compared = [v for v in sample if v.status in ("agree", "differ")]
    assert len(compared) >= 0.8 * SAMPLE, "too many scenarios skipped to tell anything"


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_differential_hypothesis(data):
    from lab.realkernel import run_real
    from lab.realkernel.generate import HypothesisChooser, scenario, supported_steps
    from lab.realkernel.referee import judge

    text = scenario(HypothesisChooser(data), supported_steps())
    verdict = judge(text, run_real(text))
    assume(verdict.status != "skipped")
    assert verdict.status != "error", f"{verdict.reason}\n{text}"
    assert not verdict.unexplained, text + "\n".join(str(d) for d in verdict.unexplained)
