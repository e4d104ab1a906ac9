# SPDX-License-Identifier: GPL-2.0-only
"""Sparse x86-64 4-level page tables: PGD → PUD → PMD → PTE, 512 entries a level.

Only tables that hold something exist, so a gigabyte mapping costs 512 PTE tables, not a
flat array. Entries are the raw 64-bit values the MMU reads (PFN << 12 | flag bits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count, repeat

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_ACCESSED,
    _PAGE_DIRTY,
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    _PAGE_PSE,
    _PAGE_RW,
    _PAGE_USER,
    PAGE_SHIFT,
    PGDIR_SHIFT,
    PMD_SHIFT,
    PUD_SHIFT,
)

PTRS_PER_TABLE = 512
LEVELS = (("PGD", PGDIR_SHIFT), ("PUD", PUD_SHIFT), ("PMD", PMD_SHIFT), ("PTE", PAGE_SHIFT))
# What an upper-level entry pointing at a user page table carries (_PAGE_TABLE).
_PAGE_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY
PTE_PFN_MASK = ((1 << 52) - 1) & ~((1 << PAGE_SHIFT) - 1)


def pte_present(entry: int) -> bool:
    """pte_present(): a PROT_NONE entry (P clear, PROTNONE set) still maps its page."""
    return bool(entry & (_PAGE_PRESENT | _PAGE_PROTNONE))


def pte_pfn(pte: int) -> int:
    return (pte & PTE_PFN_MASK) >> PAGE_SHIFT


def index_at(addr: int, shift: int) -> int:
    return (addr >> shift) & (PTRS_PER_TABLE - 1)


class Table:
    """One page-table page: its own PFN and the entries in use."""

    __slots__ = ("entries", "pfn")

    def __init__(self, pfn: int):
        self.pfn = pfn
        self.entries: dict[int, object] = {}  # index → Table (upper levels) or int (leaf)


class PteRun:
    """What one set_range() wrote, as one item of the log: consecutive pages from `start`,
    each slot empty before. A 64 GiB populate would otherwise log 16,777,216 tuples, and
    collecting them as garbage was most of its time."""

    __slots__ = ("news", "start")

    def __init__(self, start: int, news: list[int]):
        self.start, self.news = start, news

    def __len__(self) -> int:
        return len(self.news)

    def writes(self) -> Iterator[tuple[int, int, int]]:
        """The (address, old, new) tuples it stands for."""
        return zip(range(self.start, self.start + (len(self.news) << PAGE_SHIFT),
                         1 << PAGE_SHIFT), repeat(0), self.news)


@dataclass(frozen=True)
class WalkStep:
    level: str  # PGD, PUD, PMD, PTE
    index: int
    table_pfn: int
    entry: int  # the entry's value, 0 when empty
    leaf: bool  # a PTE, or a PMD with PSE set (a 2 MiB page)


class PageTable:
    def __init__(self, alloc_table_pfn: Callable[[], int] | None = None):
        counter = count(0x10000)
        self._alloc = alloc_table_pfn or (lambda: next(counter))
        self.pgd = Table(self._alloc())
        # When a list, every change of a leaf entry is appended as (address, old, new), or
        # a set_range() as one PteRun: how a recorder sees what a step did to the tables.
        self.log: list[tuple[int, int, int] | PteRun] | None = None
        # When a set, the 2 MiB regions (addr >> PMD_SHIFT) where a leaf changed: how maps
        # rows are rebuilt only for the VMAs a statement touched (lab/world/maps.py).
        self.dirty: set[int] | None = None

    # -- walking ---------------------------------------------------------------------------
    def walk(self, addr: int) -> list[WalkStep]:
        """The hardware walk for addr, level by level, stopping at the first empty entry."""
        steps, table = [], self.pgd
        for level, shift in LEVELS:
            i = index_at(addr, shift)
            entry = table.entries.get(i)
            if entry is None:
                steps.append(WalkStep(level, i, table.pfn, 0, False))
                return steps
            if isinstance(entry, Table):
                steps.append(WalkStep(level, i, table.pfn, (entry.pfn << PAGE_SHIFT) | _PAGE_TABLE,
                                      False))
                table = entry
                continue
            steps.append(WalkStep(level, i, table.pfn, entry, True))
            return steps
        return steps

    def pte_table(self, addr: int, create: bool) -> Table | None:
        """The PTE table covering addr (allocating the tables above it if `create`)."""
        table = self.pgd
        for _, shift in LEVELS[:3]:
            i = index_at(addr, shift)
            nxt = table.entries.get(i)
            if nxt is None:
                if not create:
                    return None
                nxt = table.entries[i] = Table(self._alloc())
            elif not isinstance(nxt, Table):
                return None  # a huge PMD: no PTE table below it
            table = nxt
        return table

    def pte(self, addr: int) -> int:
        """The leaf entry mapping addr (a PTE, or a huge PMD), 0 when none."""
        table = self.pgd
        for _, shift in LEVELS:
            entry = table.entries.get(index_at(addr, shift))
            if entry is None:
                return 0
            if not isinstance(entry, Table):
                return entry
            table = entry
        return 0

    # -- changing --------------------------------------------------------------------------
    def set_pte(self, addr: int, value: int) -> int:
        """Install a 4 KiB PTE, allocating tables on the way; returns the old value."""
        table = self.pte_table(addr, create=True)
        assert table is not None, "a 4 KiB PTE under a huge PMD"
        i = index_at(addr, PAGE_SHIFT)
        old = table.entries.get(i, 0)
        table.entries[i] = value
        if self.log is not None:
            self.log.append((addr, old, value))  # type: ignore[arg-type]
        if self.dirty is not None:
            self.dirty.add(addr >> PMD_SHIFT)
        return old  # type: ignore[return-value]

    def set_range(self, start: int, values: list[int]) -> None:
        """Install 4 KiB PTEs for consecutive pages from `start`, into empty slots. The log
        keeps `values` itself: the caller hands the list over."""
        addr, k = start, 0
        while k < len(values):
            table = self.pte_table(addr, create=True)
            assert table is not None, "4 KiB PTEs under a huge PMD"
            first = index_at(addr, PAGE_SHIFT)
            count = min(PTRS_PER_TABLE - first, len(values) - k)
            chunk = values[k : k + count]
            table.entries.update(zip(range(first, first + count), chunk))
            if self.dirty is not None:
                self.dirty.add(addr >> PMD_SHIFT)  # a chunk lies in one PTE table
            addr += count << PAGE_SHIFT
            k += count
        if self.log is not None and values:
            self.log.append(PteRun(start, values))

    def set_huge_pmd(self, addr: int, value: int) -> int:
        """Install a 2 MiB leaf at PMD level (PSE set); returns the old value."""
        table = self.pgd
        for _, shift in LEVELS[:2]:
            i = index_at(addr, shift)
            nxt = table.entries.get(i)
            if nxt is None:
                nxt = table.entries[i] = Table(self._alloc())
            table = nxt  # type: ignore[assignment]
        i = index_at(addr, PMD_SHIFT)
        old = table.entries.get(i, 0)
        old = old if isinstance(old, int) else 0
        table.entries[i] = value | _PAGE_PSE
        if self.log is not None:
            self.log.append((addr, old, value | _PAGE_PSE))
        if self.dirty is not None:
            self.dirty.add(addr >> PMD_SHIFT)
        return old

    def clear(self, addr: int) -> int:
        """Remove the leaf mapping addr; returns its old value (0 if none)."""
        table = self.pgd
        for _, shift in LEVELS:
            i = index_at(addr, shift)
            entry = table.entries.get(i)
            if entry is None:
                return 0
            if not isinstance(entry, Table):
                del table.entries[i]
                if self.log is not None:
                    self.log.append((addr, entry, 0))
                if self.dirty is not None:
                    self.dirty.add(addr >> PMD_SHIFT)
                return entry
            table = entry
        return 0

    # -- ranges ----------------------------------------------------------------------------
    def leaves(self, start: int, end: int) -> Iterator[tuple[int, int, int]]:
        """(address, entry, size) of every leaf entry in [start, end), in address order."""
        yield from self._leaves(self.pgd, 0, 0, start, end)

    def _leaves(self, table: Table, depth: int, base: int, start: int, end: int):
        level_shift = LEVELS[depth][1]
        size = 1 << level_shift
        for i in sorted(table.entries):
            lo = base + (i << level_shift)
            hi = lo + size
            if hi <= start or lo >= end:
                continue
            entry = table.entries[i]
            if isinstance(entry, Table):
                yield from self._leaves(entry, depth + 1, lo, start, end)
            else:
                yield lo, entry, size

    def leaf_blocks(self, start: int, end: int) -> Iterator[tuple[int, int, dict[int, int]]]:
        """The leaf entries in [start, end) a table at a time, tables in address order: (the
        table's base address, the size an entry maps, {index: entry}, not sorted). A caller
        that needs no address per entry reads a whole table at C speed (Counter(d.values())):
        a 64 GiB read populate is 16,777,216 zero-page PTEs. The dict may be the table's own:
        read it, never change it."""
        yield from self._leaf_blocks(self.pgd, 0, 0, start, end)

    def _leaf_blocks(self, table: Table, depth: int, base: int, start: int, end: int):
        level_shift = LEVELS[depth][1]
        size = 1 << level_shift
        if depth == len(LEVELS) - 1:  # a PTE table: every entry is a leaf
            if start <= base and base + (PTRS_PER_TABLE << level_shift) <= end:
                if table.entries:
                    yield base, size, table.entries
                return
            first = max(start - base, 0) >> level_shift
            stop = (end - base + size - 1) >> level_shift
            inside = {i: e for i, e in table.entries.items() if first <= i < stop}
            if inside:
                yield base, size, inside
            return
        leaves: dict[int, int] = {}  # huge entries at this level, between its tables
        for i in sorted(table.entries):
            lo = base + (i << level_shift)
            if lo + size <= start or lo >= end:
                continue
            entry = table.entries[i]
            if isinstance(entry, Table):
                if leaves:
                    yield base, size, leaves
                    leaves = {}
                yield from self._leaf_blocks(entry, depth + 1, lo, start, end)
            else:
                leaves[i] = entry  # type: ignore[assignment]
        if leaves:
            yield base, size, leaves

    def present_pages(self, start: int, end: int) -> int:
        """How many 4 KiB pages in [start, end) (page-aligned) have a present entry, as
        pagemap counts them."""
        total = 0
        for base, size, block in self.leaf_blocks(start, end):
            if size == 1 << PAGE_SHIFT:  # 4 KiB PTEs: alike entries counted together
                total += sum(n for entry, n in Counter(block.values()).items()
                             if pte_present(entry))
                continue
            shift = size.bit_length() - 1
            for i, entry in block.items():
                if pte_present(entry):  # a huge entry: only its part inside the range
                    addr = base + (i << shift)
                    total += (min(addr + size, end) - max(addr, start)) >> PAGE_SHIFT
        return total

    def table_count(self) -> int:
        def count_tables(t: Table) -> int:
            return 1 + sum(count_tables(e) for e in t.entries.values() if isinstance(e, Table))
        return count_tables(self.pgd)
