# SPDX-License-Identifier: GPL-2.0-only
"""The simulator at the kernel's limits: vm.max_map_count and huge MAP_NORESERVE mappings.

vm.max_map_count is lowered with sysctl() so the tests stay small; the checks are the C's
(`map_count > sysctl_max_map_count` in do_mmap, `>=` before a split). benchmarks/
bench_limits.py runs the stock 65,530 and measures.
"""

from __future__ import annotations

from lab.kernel.default_world import default_machine
from lab.runner import scenario_constants, simulate
from lab.scenario import parse_scenario
from lab.world.invariants import check_invariants

GiB = 1 << 30
#: VMAs per run in the gap test: more than a leaf (16) or an inner node's children (10) hold,
#: so the holes sit in different subtrees of the maple tree.
_GAP_CHUNK = 256
ANON = "MAP_PRIVATE | MAP_ANONYMOUS"


def _sim(text: str):
    return simulate(parse_scenario(text, "<t>", scenario_constants()))


def _errnos(report) -> list[str | None]:
    return [event.errno for event, _ in report.events]


def _mappings(count: int) -> list[str]:
    """count one-page mappings that cannot merge: their protections alternate."""
    return [f"p{i} = mmap(NULL, 4096, {'PROT_READ' if i % 2 else 'PROT_READ | PROT_WRITE'}, "
            f"{ANON}, -1, 0)" for i in range(count)]


def test_mmap_fails_with_enomem_once_map_count_is_over_max_map_count():
    """do_mmap refuses when map_count > max: the call at map_count == max still maps."""
    start = default_machine().task.mm.map_count
    limit = start + 10
    report = _sim("\n".join([f'sysctl("vm.max_map_count", {limit})', *_mappings(13)]))
    errnos = _errnos(report)[1:]
    assert errnos[:11] == [None] * 11  # map_count goes from start to limit + 1
    assert errnos[11:] == ["ENOMEM", "ENOMEM"]
    assert report.machine.task.mm.map_count == limit + 1
    assert check_invariants(report.machine) == []


def test_mprotect_that_would_split_at_the_limit_fails_with_enomem():
    start = default_machine().task.mm.map_count
    report = _sim("\n".join([
        f'sysctl("vm.max_map_count", {start + 1})',
        f"p = mmap(NULL, 3 * 4096, PROT_READ, {ANON}, -1, 0)",
        "mprotect(p + 4096, 4096, PROT_READ | PROT_WRITE)",
        "mprotect(p, 4096, PROT_READ | PROT_WRITE)"]))
    # at map_count == max a split is refused; changing a whole VMA needs none
    assert _errnos(report)[2:] == ["ENOMEM", "ENOMEM"]
    assert report.machine.task.mm.map_count == start + 1


def test_munmap_of_a_middle_page_at_the_limit_fails_with_enomem():
    start = default_machine().task.mm.map_count
    report = _sim("\n".join([
        f'sysctl("vm.max_map_count", {start + 1})',
        f"p = mmap(NULL, 3 * 4096, PROT_READ, {ANON}, -1, 0)",
        "munmap(p + 4096, 4096)", "munmap(p, 4096)"]))
    assert _errnos(report)[2:] == ["ENOMEM", None]


def test_gap_search_past_a_long_run_of_packed_vmas_finds_the_same_gaps():
    """Hundreds of packed VMAs (a tree three levels deep), then holes punched among them: the
    next mappings land in the holes the kernel would pick (the highest that fits)."""
    n = 3 * _GAP_CHUNK + 7
    lines = _mappings(n)
    lines += [f"munmap(p{i}, 4096)" for i in (5, _GAP_CHUNK + 3, 2 * _GAP_CHUNK + 1)]
    lines += [f"q{i} = mmap(NULL, 4096, PROT_NONE, {ANON}, -1, 0)" for i in range(4)]
    report = _sim("\n".join(lines))
    ret = [event.ret for event, _ in report.events]
    p, q = ret[:n], ret[-4:]
    assert q[:3] == [p[5], p[_GAP_CHUNK + 3], p[2 * _GAP_CHUNK + 1]]
    assert q[3] == p[n - 1] - 4096  # no hole left: below the lowest
    assert check_invariants(report.machine) == []


def test_a_64_gib_noreserve_mapping_costs_only_the_pages_touched():
    machine = default_machine()
    frames, committed = machine.physmem.in_use, machine.vm_committed_as
    report = _sim("\n".join([
        f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE, -1, 0)",
        "p[0] = 1", "p[32 << 30] = 2", "p[(64 << 30) - 1] = 3", "x = p[(16 << 30) + 5]"]))
    m = report.machine
    assert _errnos(report) == [None] * 5
    assert m.task.mm.total_vm - machine.task.mm.total_vm == 64 * GiB >> 12
    assert m.vm_committed_as == committed  # not accounted: MAP_NORESERVE
    page_tables = m.physmem.in_use - frames - 3  # three anonymous pages; the read: zero page
    assert 0 <= page_tables <= 3 * 3  # at most a PUD, PMD and PTE table per touch
    assert len(list(m.task.mm.pgd.leaves(0, 1 << 64))) < 100
    assert check_invariants(m) == []


def test_a_64_gib_mapping_without_noreserve_is_refused_under_strict_overcommit():
    report = _sim('sysctl("vm.overcommit_memory", 2)\n'
                  f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON}, -1, 0)\n"
                  f"q = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE, "
                  "-1, 0)")
    # mode 2 ignores MAP_NORESERVE (mm/mmap.c accountable_mapping): both are charged
    assert _errnos(report)[1:] == ["ENOMEM", "ENOMEM"]


def test_munmap_of_a_touched_64_gib_mapping_gives_every_frame_back():
    frames = default_machine().physmem.in_use
    report = _sim("\n".join([
        f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE, -1, 0)",
        "p[0] = 1", "p[(64 << 30) - 4096] = 1", "munmap(p, 64 << 30)"]))
    # page tables the kernel keeps (free_pgtables frees only what the range covered)
    assert report.machine.physmem.in_use - frames <= 6
    assert check_invariants(report.machine) == []


def test_a_mapping_larger_than_ram_and_swap_is_refused_under_the_default_heuristic():
    """OVERCOMMIT_GUESS: pages > totalram_pages() + total_swap_pages fails in
    __vm_enough_memory; each mapping is judged alone, so two of 6 GiB both map."""
    report = _sim("\n".join([
        f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON}, -1, 0)",
        f"q = mmap(NULL, 6 << 30, PROT_READ | PROT_WRITE, {ANON}, -1, 0)",
        f"r = mmap(NULL, 6 << 30, PROT_READ | PROT_WRITE, {ANON}, -1, 0)",
        f"s = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE, -1, 0)"]))
    assert _errnos(report) == ["ENOMEM", None, None, None]


def test_populating_64_gib_of_noreserve_memory_on_8_gib_ends_in_an_oom_kill():
    report = _sim(f"p = mmap(NULL, 64 << 30, PROT_READ | PROT_WRITE, {ANON} | MAP_NORESERVE "
                  "| MAP_POPULATE, -1, 0)\nx = p[0]")
    [(event, maps)] = report.events  # the process died: x = p[0] never ran
    assert (event.errno, event.signal, event.si_code) == (None, "SIGKILL", "SI_KERNEL")
    row = next(r for r in maps if r["start"] == event.ret)
    assert row["end"] - row["start"] == 64 * GiB
    # the OOM reaper took the victim's private memory back: nothing stays mapped
    assert (row["rss"], row["present"]) == (0, 0)
    assert report.machine.physmem.in_use == 0
    assert check_invariants(report.machine) == []


def _small_ram(free_pages: int):
    machine = default_machine()
    machine.physmem.total_pages = machine.physmem.in_use + free_pages
    return machine


def test_the_write_that_finds_ram_full_is_killed_by_the_oom_killer():
    text = "\n".join([f"p = mmap(NULL, 20 << 12, PROT_READ | PROT_WRITE, {ANON}, -1, 0)",
                      *[f"p[{i} << 12] = 1" for i in range(12)]])
    report = simulate(parse_scenario(text, "<t>", scenario_constants()), _small_ram(10))
    signals = [event.signal for event, _ in report.events]
    assert signals == [None] * 11 + ["SIGKILL"]  # the eleventh page finds no frame


def test_populate_past_free_ram_is_killed_while_mmap_still_returned_the_address():
    text = f"p = mmap(NULL, 20 << 12, PROT_READ | PROT_WRITE, {ANON} | MAP_POPULATE, -1, 0)"
    report = simulate(parse_scenario(text, "<t>", scenario_constants()), _small_ram(10))
    [(event, _)] = report.events
    assert event.ret > 0 and event.signal == "SIGKILL"  # mm_populate() ignores its error
    assert report.machine.physmem.in_use == 0


def test_a_shared_populate_past_free_ram_keeps_its_pages_after_the_oom_kill():
    """shmem pages are not the reaper's: the ones that fit stay mapped (the fold's rounds
    and the twin's round that found RAM full agree)."""
    text = ("p = mmap(NULL, 40 << 12, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS "
            "| MAP_POPULATE, -1, 0)")
    report = simulate(parse_scenario(text, "<t>", scenario_constants()), _small_ram(25))
    [(event, maps)] = report.events
    assert event.ret > 0 and event.signal == "SIGKILL"
    row = next(r for r in maps if r["start"] == event.ret)
    assert row["present"] == 25 and report.machine.physmem.free_pages == 0
    assert check_invariants(report.machine) == []


def test_a_file_populate_that_finds_ram_full_is_an_oom_kill():
    """The page cache allocates the faulting page with GFP_HIGHUSER_MOVABLE: when RAM is
    full that runs the OOM killer, in a populate too (readahead alone would only stop, and
    mm_populate() would ignore the -ENOMEM)."""
    text = "\n".join(['fd = open("data.bin", O_RDONLY, size=64 << 12)',
                      "p = mmap(NULL, 64 << 12, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0)"])
    report = simulate(parse_scenario(text, "<t>", scenario_constants()), _small_ram(20))
    assert [event.signal for event, _ in report.events] == [None, "SIGKILL"]
    assert report.machine.physmem.free_pages == 0
    assert check_invariants(report.machine) == []
