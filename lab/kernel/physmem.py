# SPDX-License-Identifier: GPL-2.0-only
"""Physical memory: page frames, the shared zero page, and what each frame holds.

Frames are handed out in order from a fixed base so every run gives the same PFNs. A frame's
bytes exist only once something non-zero is written to it, so a populated gigabyte of
untouched memory costs bookkeeping, not a gigabyte.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SIZE

FIRST_PFN = 0x100000  # user frames start at 4 GiB of physical memory
ZERO_PFN = 0x2A00  # the shared zero page, mapped read-only wherever untouched memory is read
PGTABLE_FIRST_PFN = 0x80000  # page-table pages come from their own range, for readability

FRAME_FREE, FRAME_ANON, FRAME_FILE, FRAME_HUGE = 0, 1, 2, 3


@dataclass
class PhysMem:
    total_pages: int
    next_pfn: int = FIRST_PFN
    free_list: list[int] = field(default_factory=list)
    data: dict[int, bytearray] = field(default_factory=dict)
    _kind: array = field(default_factory=lambda: array("B"))
    _refs: array = field(default_factory=lambda: array("I"))
    next_table_pfn: int = PGTABLE_FIRST_PFN
    in_use: int = 0

    def _slot(self, pfn: int) -> int:
        i = pfn - FIRST_PFN
        if i >= len(self._kind):
            grow = max(i + 1 - len(self._kind), 4096)
            self._kind.extend(bytes(grow))
            self._refs.extend([0] * grow)
        return i

    def alloc(self, kind: int = FRAME_ANON, pages: int = 1) -> int:
        """A zeroed frame (or `pages` contiguous frames, for a huge page)."""
        if pages == 1 and self.free_list:
            pfn = self.free_list.pop()
        else:
            pfn = self.next_pfn
            self.next_pfn += pages
        for p in range(pfn, pfn + pages):
            i = self._slot(p)
            self._kind[i] = kind
            self._refs[i] = 1
            self.data.pop(p, None)
        self.in_use += pages
        return pfn

    def alloc_bulk(self, n: int, kind: int = FRAME_ANON, refs: int = 1) -> int:
        """n frames with consecutive PFNs (the fast path of a large populate), each with
        `refs` references."""
        pfn = self.next_pfn
        self.next_pfn += n
        i = self._slot(pfn + n - 1) - (n - 1)
        self._kind[i : i + n] = array("B", [kind]) * n
        self._refs[i : i + n] = array("I", [refs]) * n
        self.in_use += n
        return pfn

    def get(self, pfn: int) -> None:
        if pfn != ZERO_PFN:
            self._refs[self._slot(pfn)] += 1

    def put(self, pfn: int) -> None:
        """Drop a reference; the frame is freed when none is left."""
        if pfn == ZERO_PFN:
            return
        i = self._slot(pfn)
        self._refs[i] -= 1
        if self._refs[i] == 0:
            self._kind[i] = FRAME_FREE
            self.data.pop(pfn, None)
            self.free_list.append(pfn)
            self.in_use -= 1

    def refcount(self, pfn: int) -> int:
        return 1 if pfn == ZERO_PFN else self._refs[self._slot(pfn)]

    def kind(self, pfn: int) -> int:
        return FRAME_ANON if pfn == ZERO_PFN else self._kind[self._slot(pfn)]

    def alloc_table(self) -> int:
        pfn = self.next_table_pfn
        self.next_table_pfn += 1
        return pfn

    # -- contents --------------------------------------------------------------------------
    def read_byte(self, pfn: int, offset: int) -> int:
        page = self.data.get(pfn)
        return page[offset] if page is not None else 0

    def write_byte(self, pfn: int, offset: int, value: int) -> None:
        assert pfn != ZERO_PFN, "the zero page is never written"
        page = self.data.get(pfn)
        if page is None:
            if value == 0:
                return
            page = self.data[pfn] = bytearray(PAGE_SIZE)
        page[offset] = value

    def copy(self, dst: int, src: int) -> None:
        page = self.data.get(src)
        if page is None:
            self.data.pop(dst, None)
        else:
            self.data[dst] = bytearray(page)

    @property
    def free_pages(self) -> int:
        return self.total_pages - self.in_use
