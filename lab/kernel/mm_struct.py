# SPDX-License-Identifier: GPL-2.0-only
"""struct vm_area_struct and struct mm_struct (include/linux/mm_types.h), as plain data.

The mm's VMAs are in its maple tree, `mm_mt` (lab/kernel/lib/maple_tree.py), which also
reads like a list sorted by address: `mm.vmas`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT
from lab.kernel.lib.maple_tree import MapleTree, mas_update_gap
from lab.kernel.pagetable import PageTable

if TYPE_CHECKING:
    from lab.kernel.file import File, VmOperations

# Bumped by every change to a VMA or to the VMA list, so a recorder can tell cheaply
# whether a step changed them.
VMA_MUTATIONS = [0]
# Sets that collect every VMA changed, stored or removed while they are here: how the maps
# of each statement are rebuilt for the VMAs it changed only (lab/world/maps.py).
VMA_WATCHERS: list[set] = []

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
    _mt_leaf = None  # not a field (no annotation): the maple tree leaf holding the VMA

    def __setattr__(self, name: str, value) -> None:
        VMA_MUTATIONS[0] += 1
        object.__setattr__(self, name, value)
        for touched in VMA_WATCHERS:
            touched.add(self)
        if self._mt_leaf is not None and name in ("vm_start", "vm_end"):
            mas_update_gap(self._mt_leaf)  # the tree's bounds and gaps follow the VMA

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
    mm_mt: MapleTree = field(default_factory=MapleTree)
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

    @property
    def vmas(self) -> MapleTree:
        """The VMAs in address order: the maple tree, read as a list."""
        return self.mm_mt

    @vmas.setter
    def vmas(self, vmas: list[VmAreaStruct]) -> None:
        VMA_MUTATIONS[0] += 1
        for touched in VMA_WATCHERS:
            touched.update(self.mm_mt, vmas)
        self.mm_mt.clear()
        self.mm_mt = MapleTree(vmas)

    # -- the lookups mm/mmap.c makes through the maple tree, each one walk from the root ---
    def find_vma(self, addr: int) -> VmAreaStruct | None:
        """The first VMA with vm_end > addr (it may start above addr), as find_vma()."""
        return self.mm_mt.find(addr)

    def vma_lookup(self, addr: int) -> VmAreaStruct | None:
        """The VMA containing addr, or None."""
        vma = self.find_vma(addr)
        return vma if vma is not None and vma.vm_start <= addr else None

    def find_vma_intersection(self, start: int, end: int) -> VmAreaStruct | None:
        vma = self.find_vma(start)
        return vma if vma is not None and vma.vm_start < end else None

    def find_vma_prev(self, addr: int) -> tuple[VmAreaStruct | None, VmAreaStruct | None]:
        """(the VMA at or after addr, the one before it)."""
        vma = self.find_vma(addr)
        prev = self.mm_mt.prev_of(vma) if vma is not None else self.mm_mt.last()
        return vma, prev

    def overlapping(self, start: int, end: int) -> list[VmAreaStruct]:
        out = []
        vma = self.find_vma(start)
        while vma is not None and vma.vm_start < end:
            out.append(vma)
            vma = self.mm_mt.next_of(vma)
        return out

    def neighbours(self, start: int, end: int) -> tuple[VmAreaStruct | None, VmAreaStruct | None]:
        """(prev, next) around the free range [start, end)."""
        nxt, prev = self.find_vma_prev(start)
        return prev, nxt

    def insert_vma(self, vma: VmAreaStruct) -> None:
        VMA_MUTATIONS[0] += 1
        for touched in VMA_WATCHERS:
            touched.add(vma)
        self.mm_mt.insert(vma)

    def remove_vma(self, vma: VmAreaStruct) -> None:
        VMA_MUTATIONS[0] += 1
        for touched in VMA_WATCHERS:
            touched.add(vma)
        self.mm_mt.remove(vma)

    def get_mm_counter(self, member: int) -> int:
        return self.rss_stat[member]

    def add_mm_counter(self, member: int, value: int) -> None:
        self.rss_stat[member] += value
