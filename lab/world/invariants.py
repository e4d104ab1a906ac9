# SPDX-License-Identifier: GPL-2.0-only
"""What must hold of the simulated world between system calls, whatever a scenario did.

    problems = check_invariants(machine)      # [] when all is well
    problems = check_vma_shape(machine.task.mm)   # the VMA list alone: holds at every step

The kernel keeps these under mmap_lock and checks some with CONFIG_DEBUG_VM_MAPLE_TREE's
validate_mm(); the lab checks them after every statement in tests and benchmarks, so a twin
change that corrupts the world fails at the statement that did it. Each problem is one line
that names the VMA or address, what was found and what was expected.
"""

from __future__ import annotations

import bisect
from collections import Counter

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_NX,
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    _PAGE_RW,
    _PAGE_SPECIAL,
    _PAGE_USER,
    HPAGE_SIZE,
    PAGE_SHIFT,
    PAGE_SIZE,
)
from lab.kernel.include.linux.mm import (
    VM_ACCOUNT,
    VM_EXEC,
    VM_HUGETLB,
    VM_LOCKED,
    VM_MIXEDMAP,
    VM_PFNMAP,
    VM_READ,
    VM_SHARED,
    VM_WRITE,
)
from lab.kernel.lib.maple_tree import mt_validate
from lab.kernel.machine import Machine
from lab.kernel.mm.mmap import is_data_mapping, is_exec_mapping, is_stack_mapping
from lab.kernel.mm_struct import (
    MM_ANONPAGES,
    MM_FILEPAGES,
    MM_SHMEMPAGES,
    MM_SWAPENTS,
    MmStruct,
    VmAreaStruct,
)
from lab.kernel.pagetable import pte_pfn
from lab.kernel.physmem import FRAME_ANON, FRAME_FILE, FRAME_FREE, FRAME_HUGE, ZERO_PFN

#: Stop listing after this many problems: one corrupted world can break thousands of PTEs.
MAX_PROBLEMS = 50
_COUNTER_NAMES = {MM_FILEPAGES: "MM_FILEPAGES", MM_ANONPAGES: "MM_ANONPAGES",
                  MM_SWAPENTS: "MM_SWAPENTS", MM_SHMEMPAGES: "MM_SHMEMPAGES"}


def _span(vma: VmAreaStruct) -> str:
    return f"VMA {vma.vm_start:#x}-{vma.vm_end:#x}"


def _huge_size(vma: VmAreaStruct) -> int:
    """The page size a hugetlb VMA is aligned to: its file system's, else the default 2 MiB."""
    if vma.vm_file is not None and vma.vm_file.f_inode.sb.huge_page_size:
        return vma.vm_file.f_inode.sb.huge_page_size
    return HPAGE_SIZE


def check_vma_shape(mm: MmStruct) -> list[str]:
    """The VMA list alone: sorted, non-overlapping, page-aligned, never empty.

    These hold at every recorded step, even inside a call: the twin changes one VMA's
    bounds at a time and never lets two overlap (a split shrinks before it inserts).
    """
    problems: list[str] = []
    prev: VmAreaStruct | None = None
    for vma in mm.vmas:
        start, end = vma.vm_start, vma.vm_end
        align = _huge_size(vma) if vma.vm_flags & VM_HUGETLB else PAGE_SIZE
        if start % align or end % align:
            problems.append(f"{_span(vma)} is not aligned to {align:#x}")
        if start >= end:
            problems.append(f"{_span(vma)} is empty (vm_start must be below vm_end)")
        if start < 0 or end > mm.task_size:
            problems.append(f"{_span(vma)} lies outside user space (TASK_SIZE "
                            f"{mm.task_size:#x})")
        if prev is not None:
            if prev.vm_start >= start:
                problems.append(f"{_span(vma)} is listed after {_span(prev)}: not sorted")
            elif prev.vm_end > start:
                problems.append(f"{_span(vma)} overlaps {_span(prev)}")
        prev = vma
    return problems


def _expected_counters(mm: MmStruct) -> dict[str, int]:
    """total_vm and friends as vm_stat_account() would have summed them over the VMAs."""
    sums = {"total_vm": 0, "locked_vm": 0, "exec_vm": 0, "stack_vm": 0, "data_vm": 0}
    for vma in mm.vmas:
        pages = (vma.vm_end - vma.vm_start) >> PAGE_SHIFT
        flags = vma.vm_flags
        sums["total_vm"] += pages
        if flags & VM_LOCKED:
            sums["locked_vm"] += pages
        if is_exec_mapping(flags):
            sums["exec_vm"] += pages
        elif is_stack_mapping(flags):
            sums["stack_vm"] += pages
        elif is_data_mapping(flags):
            sums["data_vm"] += pages
    return sums


def _pte_problems(vma: VmAreaStruct, addr: int, entry: int, size: int) -> list[str]:
    """A present leaf entry against the VMA that covers it: permissions and page size."""
    where = f"PTE at {addr:#x} ({entry:#x}) in {_span(vma)}"
    flags = vma.vm_flags
    problems = []
    if addr + size > vma.vm_end:
        problems.append(f"{where} maps {size:#x} bytes, past the VMA's end")
    if bool(flags & VM_HUGETLB) != (size > PAGE_SIZE):
        problems.append(f"{where} is a {size >> 10} KiB entry in a "
                        f"{'hugetlb' if flags & VM_HUGETLB else 'normal'} VMA")
    if entry & _PAGE_PRESENT:
        if not entry & _PAGE_USER:
            problems.append(f"{where} lacks _PAGE_USER: user space could not use it")
        if not flags & (VM_READ | VM_WRITE | VM_EXEC):
            problems.append(f"{where} is accessible in a PROT_NONE VMA")
    if entry & _PAGE_RW and not flags & VM_WRITE:
        problems.append(f"{where} is writable but the VMA lacks VM_WRITE")
    if not entry & _PAGE_NX and entry & _PAGE_PRESENT and not flags & VM_EXEC:
        problems.append(f"{where} is executable but the VMA lacks VM_EXEC")
    if pte_pfn(entry) == ZERO_PFN and entry & _PAGE_RW:
        problems.append(f"{where} maps the zero page writable")
    return problems


def _page_cache(machine: Machine) -> dict[int, int]:
    """PFN → how many page-cache slots hold it, over every file the world knows."""
    inodes = {id(i): i for i in machine.inodes.values()}
    for vma in machine.task.mm.vmas:
        if vma.vm_file is not None:  # shmem's /dev/zero inodes are in no directory
            inodes.setdefault(id(vma.vm_file.f_inode), vma.vm_file.f_inode)
    for f in machine.task.files.values():
        inodes.setdefault(id(f.f_inode), f.f_inode)
    cached: Counter[int] = Counter()
    for inode in inodes.values():
        cached.update(inode.pages.values())
    return cached


def check_invariants(machine: Machine) -> list[str]:
    """Every invariant of the world between calls; [] when all hold.

    Checked: the VMA list's shape; map_count, total_vm, locked_vm, exec_vm, stack_vm,
    data_vm against the VMAs; the RSS counters against the PTEs; every present PTE inside a
    VMA whose permissions allow it; every mapped frame allocated, referenced at least once a
    mapping, and mapped once only unless it is the zero page or a page-cache page; a private
    mapping never writes a page-cache page; the frame allocator's own counts.
    """
    mm = machine.task.mm
    physmem = machine.physmem
    problems = check_vma_shape(mm) + mt_validate(mm.mm_mt)
    if mm.map_count != len(mm.vmas):
        problems.append(f"map_count is {mm.map_count}, but there are {len(mm.vmas)} VMAs")
    for name, want in _expected_counters(mm).items():
        have = getattr(mm, name)
        if have != want:
            problems.append(f"{name} is {have} pages, the VMAs add up to {want}")

    cached = _page_cache(machine)
    vmas = mm.vmas.to_list()
    starts = [v.vm_start for v in vmas]
    rss = [0, 0, 0, 0]
    mapped: Counter[int] = Counter()
    for addr, entry, size in mm.pgd.leaves(0, 1 << 64):
        if not entry & (_PAGE_PRESENT | _PAGE_PROTNONE):
            continue
        i = bisect.bisect_right(starts, addr) - 1
        vma = vmas[i] if i >= 0 and vmas[i].vm_end > addr else None
        if vma is None:
            problems.append(f"PTE at {addr:#x} ({entry:#x}) lies in no VMA")
            continue
        problems += _pte_problems(vma, addr, entry, size)
        pfn = pte_pfn(entry)
        if entry & _PAGE_SPECIAL or pfn == ZERO_PFN or vma.vm_flags & (VM_PFNMAP | VM_MIXEDMAP):
            continue  # vm_normal_page() is NULL: no struct page, no RSS, may repeat
        kind = physmem.kind(pfn)
        if kind == FRAME_FREE:
            problems.append(f"PTE at {addr:#x} maps PFN {pfn:#x}, which is free")
            continue
        mapped[pfn] += 1
        if kind == FRAME_ANON:
            rss[MM_ANONPAGES] += 1
        elif kind == FRAME_FILE:
            sb = vma.vm_file.f_inode.sb if vma.vm_file is not None else None
            shmem = sb is not None and sb.fs_type in ("tmpfs", "shmem")
            rss[MM_SHMEMPAGES if shmem else MM_FILEPAGES] += 1
            if entry & _PAGE_RW and not vma.vm_flags & VM_SHARED:
                problems.append(f"PTE at {addr:#x} in private {_span(vma)} writes page-cache "
                                f"PFN {pfn:#x}: copy-on-write was skipped")
        elif kind != FRAME_HUGE:
            problems.append(f"PTE at {addr:#x} maps PFN {pfn:#x} of unknown kind {kind}")

    for pfn, n in mapped.items():
        if n > 1 and pfn not in cached:
            problems.append(f"PFN {pfn:#x} is mapped {n} times but is no page-cache page")
        refs = physmem.refcount(pfn)
        if refs < n:
            problems.append(f"PFN {pfn:#x} is mapped {n} times but holds {refs} references")
    for member, want in enumerate(rss):
        have = mm.rss_stat[member]
        if have != want:
            problems.append(f"rss_stat[{_COUNTER_NAMES[member]}] is {have}, the PTEs say {want}")
    for pfn in cached:
        if physmem.kind(pfn) == FRAME_FREE:
            problems.append(f"page-cache PFN {pfn:#x} is free")

    accounted = sum(v.pages for v in mm.vmas if v.vm_flags & VM_ACCOUNT)
    if machine.vm_committed_as < accounted:
        problems.append(f"vm_committed_as is {machine.vm_committed_as} pages, below the "
                        f"{accounted} pages of VM_ACCOUNT VMAs")
    problems += _frame_problems(machine)
    return problems[:MAX_PROBLEMS]


def _frame_problems(machine: Machine) -> list[str]:
    """The frame allocator agrees with itself: in_use counts the frames not free."""
    physmem = machine.physmem
    kinds = physmem._kind  # the allocator's own table: checking it is the point
    used = len(kinds) - kinds.count(FRAME_FREE)
    problems = []
    if physmem.in_use != used:
        problems.append(f"physmem.in_use is {physmem.in_use}, but {used} frames are not free")
    free = [pfn for pfn in physmem.free_list if physmem.kind(pfn) != FRAME_FREE]
    if free:
        problems.append(f"{len(free)} frames on the free list are in use (first {free[0]:#x})")
    if len(set(physmem.free_list)) != len(physmem.free_list):
        problems.append("a frame is on the free list twice")
    return problems


def check_scenario(text: str, source_name: str = "<scenario>") -> list[str]:
    """Run a scenario on a fresh default machine, checking the world after every statement.

    Returns the problems found after the first statement that broke an invariant, each
    prefixed with that statement's line, or [] when every statement left the world whole.
    A ScenarioError (a statement the simulator refuses) propagates.
    """
    from lab.kernel.default_world import default_machine
    from lab.kernel.machine import running
    from lab.runner import Run, scenario_constants
    from lab.scenario import parse_scenario

    run = Run(default_machine())
    for stmt in parse_scenario(text, source_name, scenario_constants()):
        event = run.execute(stmt)
        with running(run.machine):
            problems = check_invariants(run.machine)
        if problems:
            return [f"line {stmt.line} ({stmt.text}): {p}" for p in problems]
        if event.signal is not None:
            break  # the process is dead: nothing after this statement runs
    return []
