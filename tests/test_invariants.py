# SPDX-License-Identifier: GPL-2.0-only
"""The world stays whole: invariants of the mm after every statement of random scenarios.

The scenarios come from the differential tests' generator (lab/realkernel/generate.py):
mmap calls at the boundaries of each check, then accesses, munmap and mprotect on them.
benchmarks/invariants_long.py runs many more.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.kernel.arch.x86.include.asm.pgtable import _PAGE_RW
from lab.kernel.default_world import default_machine
from lab.kernel.machine import running
from lab.kernel.pagetable import pte_pfn
from lab.realkernel.generate import HypothesisChooser, RandomChooser, more_steps, scenario
from lab.runner import Run, scenario_constants
from lab.scenario import parse_scenario
from lab.world.invariants import check_invariants, check_scenario, check_vma_shape

STEPS = ("access", "munmap", "mprotect")
SEED, COUNT = 7, 1000


def _random(i: int, extra: int = 6) -> str:
    ch = RandomChooser(SEED * 1_000_003 + i)
    return more_steps(ch, scenario(ch, STEPS), extra, STEPS)


def _run(text: str) -> Run:
    run = Run(default_machine())
    for stmt in parse_scenario(text, "<t>", scenario_constants()):
        run.execute(stmt)
    return run


def _problems(run: Run) -> list[str]:
    with running(run.machine):
        return check_invariants(run.machine)


def test_default_world_holds_every_invariant():
    assert _problems(Run(default_machine())) == []


def test_thousand_random_scenarios_keep_invariants_after_every_statement():
    broken = {}
    for i in range(COUNT):
        text = _random(i)
        problems = check_scenario(text)
        if problems:
            broken[text] = problems
    assert not broken, "\n\n".join(t + "\n".join(p) for t, p in list(broken.items())[:3])


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_hypothesis_scenarios_keep_invariants(data):
    ch = HypothesisChooser(data)
    text = more_steps(ch, scenario(ch, STEPS), data.draw(st.integers(0, 10)), STEPS)
    assert check_scenario(text) == [], text


def test_vma_list_keeps_its_shape_at_every_recorded_step(monkeypatch):
    """Inside a call the counters may lag, but the VMA list is never out of order."""
    from lab.stepping import record
    from lab.stepping.session import Session

    seen: list[str] = []
    steps = [0]
    emit = record.Recorder._emit

    def checked_emit(self, fs, kind, link, note=None):
        steps[0] += 1
        seen.extend(f"{fs.cfn.display}: {p}" for p in check_vma_shape(self.machine.task.mm))
        return emit(self, fs, kind, link, note)

    monkeypatch.setattr(record.Recorder, "_emit", checked_emit)
    for i in range(25):
        session = Session(parse_scenario(_random(i), "<t>", scenario_constants()))
        with running(session.machine):
            assert check_invariants(session.machine) == []
    assert steps[0] > 1000
    assert seen == []


def test_munmap_of_a_split_shared_anonymous_mapping_unaccounts_it_once():
    """Each half of the split drops the shmem file; the charge went back twice (-3 pages)."""
    text = ("p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)\n"
            "mprotect(p, 8192, PROT_READ)\n")
    before = default_machine().vm_committed_as
    run = _run(text + "munmap(p, 3 * 4096)\n")
    assert run.machine.vm_committed_as == before
    assert _problems(run) == []


# -- the checker finds what it is for -------------------------------------------------------
SMALL = ("p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
         "p[0] = 1\np[4096] = 2\n")


def _vma(run: Run, addr: int):
    return run.machine.task.mm.vma_lookup(addr)


def test_checker_reports_a_map_count_that_disagrees():
    run = _run(SMALL)
    run.machine.task.mm.map_count += 1
    assert any("map_count" in p for p in _problems(run))


def test_checker_reports_overlapping_vmas():
    run = _run(SMALL)
    vma = _vma(run, run.variables["p"])
    vma.vm_end += 0x100000000  # into whatever lies above
    vma.vm_start -= 4096 * 10**6
    assert any("overlaps" in p or "not sorted" in p for p in _problems(run))


def test_checker_reports_an_unaligned_or_empty_vma():
    run = _run(SMALL)
    vma = _vma(run, run.variables["p"])
    vma.vm_end = vma.vm_start
    problems = _problems(run)
    assert any("is empty" in p for p in problems)
    vma.vm_end = vma.vm_start + 100
    assert any("not aligned" in p for p in _problems(run))


def test_checker_reports_total_vm_and_rss_that_disagree():
    run = _run(SMALL)
    mm = run.machine.task.mm
    mm.total_vm += 1
    mm.rss_stat[1] -= 1
    problems = _problems(run)
    assert any(p.startswith("total_vm") for p in problems)
    assert any("MM_ANONPAGES" in p for p in problems)


def test_checker_reports_a_writable_pte_in_a_read_only_vma():
    run = _run(SMALL + "mprotect(p, 3 * 4096, PROT_READ)\n")
    mm = run.machine.task.mm
    p = run.variables["p"]
    mm.pgd.set_pte(p, mm.pgd.pte(p) | _PAGE_RW)
    assert any("lacks VM_WRITE" in line for line in _problems(run))


def test_checker_reports_a_pte_outside_every_vma():
    run = _run(SMALL)
    mm = run.machine.task.mm
    p = run.variables["p"]
    mm.pgd.set_pte(p + 3 * 4096 + (1 << 30), mm.pgd.pte(p))
    assert any("lies in no VMA" in line for line in _problems(run))


def test_checker_reports_an_anonymous_frame_mapped_twice():
    run = _run(SMALL)
    mm = run.machine.task.mm
    p = run.variables["p"]
    mm.pgd.set_pte(p + 4096, mm.pgd.pte(p))
    pfn = pte_pfn(mm.pgd.pte(p))
    assert any(f"PFN {pfn:#x} is mapped 2 times" in line for line in _problems(run))


@pytest.mark.parametrize("text", [
    'fd = open("f.bin", O_RDWR, size=8192)\n'
    "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)\n"
    "q = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0)\nx = p[0]\ny = q[0]\n",
    "p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\n"
    "q = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)\nx = p[0]\ny = q[0]\n",
], ids=["page-cache page", "zero page"])
def test_frames_mapped_twice_are_allowed_for_page_cache_and_zero_page(text):
    assert _problems(_run(text)) == []
