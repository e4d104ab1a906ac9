# SPDX-License-Identifier: GPL-2.0-only
"""The bulk fold of a shared shmem populate (lab/kernel/fold.py) leaves the machine exactly
as the rounds one by one do, and a shared populate bigger than RAM ends in the OOM killer
in seconds instead of hours."""

from __future__ import annotations

import pytest

from lab.kernel import fold
from lab.kernel.default_world import default_machine
from lab.kernel.mm_struct import MM_SHMEMPAGES
from lab.runner import scenario_constants, simulate
from lab.scenario import parse_scenario, split_statements
from lab.world.invariants import check_invariants

RW = "PROT_READ | PROT_WRITE"
SHARED_ANON = "MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE"
TMPFS = 'fd = open("shm.bin", O_RDWR, size={size}, fs="tmpfs"); '

CASES = {
    "shared anonymous, written": f"p = mmap(NULL, 300 * 4096, {RW}, {SHARED_ANON}, -1, 0)",
    "shared anonymous, read only": f"p = mmap(NULL, 70 * 4096, PROT_READ, {SHARED_ANON}, -1, 0)",
    "shared anonymous, MAP_NORESERVE":
        f"p = mmap(NULL, 600 * 4096, {RW}, {SHARED_ANON} | MAP_NORESERVE, -1, 0)",
    "MAP_NORESERVE under overcommit never":
        'sysctl("vm.overcommit_memory", 2); '
        f"p = mmap(NULL, 40 * 4096, {RW}, {SHARED_ANON} | MAP_NORESERVE, -1, 0)",
    "tmpfs file, stops at its end": TMPFS.format(size=100 * 4096 + 10)
        + f"p = mmap(NULL, 200 * 4096, {RW}, MAP_SHARED | MAP_POPULATE, fd, 0)",
    "tmpfs file at an offset, some pages cached already": TMPFS.format(size=1 << 20)
        + f"q = mmap(NULL, 256 * 4096, {RW}, MAP_SHARED, fd, 0); q[40 * 4096] = 1; "
        "q[41 * 4096] = 2; q[200 * 4096] = 3; "
        f"p = mmap(NULL, 250 * 4096, {RW}, MAP_SHARED | MAP_POPULATE, fd, 4 * 4096); "
        "x = p[36 * 4096]",
    "tmpfs file under overcommit never": 'sysctl("vm.overcommit_memory", 2); '
        + TMPFS.format(size=64 * 4096)
        + f"p = mmap(NULL, 64 * 4096, {RW}, MAP_SHARED | MAP_POPULATE, fd, 0)",
    "two shared populates in a row": f"a = mmap(NULL, 50 * 4096, {RW}, {SHARED_ANON}, -1, 0); "
        f"b = mmap(NULL, 600 * 4096, PROT_READ, {SHARED_ANON}, -1, 0); munmap(a, 4096)",
}


def _state(report) -> dict:
    """Everything a populate can change, in comparable form."""
    m = report.machine
    mm, physmem = m.task.mm, m.physmem
    inodes = {id(v.vm_file.f_mapping): v.vm_file.f_mapping for v in mm.vmas if v.vm_file}
    return {
        "events": [(e.ret, e.errno, e.signal) for e, _ in report.events],
        "maps": [list(rows) for _, rows in report.events],
        "leaves": list(mm.pgd.leaves(0, 1 << 47)),
        "walks": [[(w.level, w.table_pfn, w.entry) for w in mm.pgd.walk(a)]
                  for a, _, _ in list(mm.pgd.leaves(0, 1 << 47))[::37]],
        "rss": list(mm.rss_stat),
        "counters": (mm.map_count, mm.total_vm, mm.locked_vm, m.vm_committed_as),
        "frames": (bytes(physmem._kind), list(physmem._refs), list(physmem.free_list),
                   physmem.next_pfn, physmem.in_use, sorted(physmem.data)),
        "cache": sorted((sorted(i.pages.items()), sorted(i.dirty)) for i in inodes.values()),
    }


def _run(text: str, folding: bool):
    scenario = parse_scenario(split_statements(text), "<t>", scenario_constants())
    old = fold.POLICY.enabled
    fold.POLICY.enabled = folding
    try:
        return simulate(scenario)
    finally:
        fold.POLICY.enabled = old


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_folded_shared_populate_leaves_the_machine_as_the_rounds_one_by_one(text, monkeypatch):
    folds = []
    real = fold._populate_shmem

    def counted(*args):
        out = real(*args)
        folds.append(out[0] - args[-1])  # the rounds it did
        return out

    monkeypatch.setattr(fold, "_populate_shmem", counted)
    folded = _run(text, True)
    monkeypatch.setattr(fold, "_populate_shmem", real)
    rounds = _run(text, False)
    assert _state(folded) == _state(rounds)
    assert check_invariants(folded.machine) == []
    assert sum(folds) > 0  # (overcommit never ignores MAP_NORESERVE: charged up front)


def test_a_shared_populate_bigger_than_ram_is_killed_by_the_oom_killer():
    """64 GiB of MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE on the 8 GiB
    world: shmem pages fill RAM, the allocation that finds none runs the OOM killer, and the
    reaper leaves the shared pages mapped (only private memory is reaped)."""
    before = default_machine().physmem.free_pages
    report = _run(f"p = mmap(NULL, 64 << 30, {RW}, {SHARED_ANON} | MAP_NORESERVE, -1, 0)",
                  True)
    (event, rows), = report.events
    assert event.signal == "SIGKILL"
    mm = report.machine.task.mm
    assert report.machine.physmem.free_pages == 0
    assert mm.rss_stat[MM_SHMEMPAGES] == before
    assert [r["present"] for r in rows if r["start"] == event.ret] == [before]
