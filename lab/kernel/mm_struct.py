# SPDX-License-Identifier: GPL-2.0-only
"""struct vm_area_struct and struct mm_struct (include/linux/mm_types.h), as plain data.

The kernel keeps VMAs in a maple tree; the lab keeps them in a list sorted by address,
which gives the same answers to every lookup the chain makes.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT
from lab.kernel.pagetable import PageTable

if TYPE_CHECKING:
    from lab.kernel.file import File, VmOperations

# Bumped by every change to a VMA or to the VMA list, so a recorder can tell cheaply
# whether a step changed them.
VMA_MUTATIONS = [0]

# rss_stat counters (include/linux/mm_types_task.h)
MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES = range(4)


@dataclass(eq=False)
class AnonVma:
    """Stands for struct anon_vma: VMAs sharing one may merge; its identity is what matters."""

    serial: int


@dataclass(eq=False)
class VmAreaStruct:
    vm_start: int
    vm_end: int
    vm_flags: int
    vm_pgoff: int = 0
    vm_file: File | None = None
    vm_ops: VmOperations | None = None
    anon_vma: AnonVma | None = None
    vm_page_prot: int = 0
    name: str | None = None  # "[heap]", "[stack]", "[vdso]": what arch code names special VMAs
    vm_private_data: object = None

    def __setattr__(self, name: str, value) -> None:
        VMA_MUTATIONS[0] += 1
        object.__setattr__(self, name, value)

    @property
    def pages(self) -> int:
        return (self.vm_end - self.vm_start) >> PAGE_SHIFT

    def __repr__(self) -> str:
        from lab.kernel.fs.proc.task_mmu import maps_line

        return maps_line(self)


@dataclass(eq=False)
class MmStruct:
    mmap_base: int
    task_size: int
    get_unmapped_area: Callable | None = None
    vmas: list[VmAreaStruct] = field(default_factory=list)
    map_count: int = 0
    total_vm: int = 0
    locked_vm: int = 0
    pinned_vm: int = 0
    data_vm: int = 0
    exec_vm: int = 0
    stack_vm: int = 0
    def_flags: int = 0
    start_brk: int = 0
    brk: int = 0
    start_stack: int = 0
    rss_stat: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    pgd: PageTable = field(default_factory=PageTable)
    # Not VMAs of the mm but shown in maps, as the kernel's gate VMA ([vsyscall]) is.
    gate_vma: VmAreaStruct | None = None

    # -- the lookups mm/mmap.c makes through the maple tree -------------------------------
    def index_after(self, addr: int) -> int:
        """Index of the first VMA whose end is above addr."""
        lo, hi = 0, len(self.vmas)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.vmas[mid].vm_end <= addr:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def find_vma(self, addr: int) -> VmAreaStruct | None:
        """The first VMA with vm_end > addr (it may start above addr), as find_vma()."""
        i = self.index_after(addr)
        return self.vmas[i] if i < len(self.vmas) else None

    def vma_lookup(self, addr: int) -> VmAreaStruct | None:
        """The VMA containing addr, or None."""
        vma = self.find_vma(addr)
        return vma if vma is not None and vma.vm_start <= addr else None

    def find_vma_intersection(self, start: int, end: int) -> VmAreaStruct | None:
        vma = self.find_vma(start)
        return vma if vma is not None and vma.vm_start < end else None

    def find_vma_prev(self, addr: int) -> tuple[VmAreaStruct | None, VmAreaStruct | None]:
        """(the VMA at or after addr, the one before it)."""
        i = self.index_after(addr)
        vma = self.vmas[i] if i < len(self.vmas) else None
        prev = self.vmas[i - 1] if i > 0 else None
        return vma, prev

    def overlapping(self, start: int, end: int) -> list[VmAreaStruct]:
        i = self.index_after(start)
        out = []
        while i < len(self.vmas) and self.vmas[i].vm_start < end:
            out.append(self.vmas[i])
            i += 1
        return out

    def neighbours(self, start: int, end: int) -> tuple[VmAreaStruct | None, VmAreaStruct | None]:
        """(prev, next) around the free range [start, end)."""
        i = self.index_after(start)
        prev = self.vmas[i - 1] if i > 0 else None
        nxt = self.vmas[i] if i < len(self.vmas) else None
        return prev, nxt

    def insert_vma(self, vma: VmAreaStruct) -> None:
        VMA_MUTATIONS[0] += 1
        i = bisect.bisect_left(self.vmas, vma.vm_start, key=lambda v: v.vm_start)
        self.vmas.insert(i, vma)

    def remove_vma(self, vma: VmAreaStruct) -> None:
        VMA_MUTATIONS[0] += 1
        self.vmas.remove(vma)

    def get_mm_counter(self, member: int) -> int:
        return self.rss_stat[member]

    def add_mm_counter(self, member: int, value: int) -> None:
        self.rss_stat[member] += value
