# SPDX-License-Identifier: GPL-2.0-only
"""A step's page-table writes in a compact form, for the steps that make thousands of them.

A folded populate of 1 GiB writes 262,140 PTEs in one step. Kept as tuples that is some 35 MB
for the life of the session; kept as three machine-word arrays (or a `range` for the
addresses when they are consecutive pages, as a populate's are) it is 2-6 MB. `PteWrites`
reads like the list of (address, old, new) it replaces, and answers the questions the
session asks of it (which addresses, is this page among them) without a Python loop.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import overload

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    _PAGE_PSE,
    PAGE_SIZE,
)
from lab.kernel.pagetable import PTE_PFN_MASK, PteRun

#: Fewer writes than this stay a plain list: small, and what most steps have.
COMPACT_FROM = 1024

Write = tuple[int, int, int]
_PRESENT = _PAGE_PRESENT | _PAGE_PROTNONE  # as pte_present() reads an entry


class PteWrites(Sequence[Write]):
    """(address, old, new) leaf writes in order, stored as arrays."""

    __slots__ = ("_counts", "_index", "_uniform", "_values", "addrs", "huge", "news", "olds")

    def __init__(self, writes: Sequence[Write]):
        n = len(writes)
        first = writes[0][0] if n else 0
        pages = range(first, first + n * PAGE_SIZE, PAGE_SIZE)
        addrs = array("Q", map(itemgetter(0), writes))
        self.addrs: range | array = pages if addrs == array("Q", pages) else addrs
        olds = array("Q", map(itemgetter(1), writes))
        self.olds: array | None = olds if any(olds) else None  # None: all were empty
        self.news = array("Q", map(itemgetter(2), writes))
        self.huge = any(map(_PAGE_PSE.__and__, self.news)) or \
            (self.olds is not None and any(map(_PAGE_PSE.__and__, self.olds)))
        self._index: array | dict | None = None
        self._counts: tuple[int, int, int] | None = None
        self._uniform: dict = {}
        self._values: Counter | None = None

    @classmethod
    def of_run(cls, run: PteRun) -> PteWrites:
        """A set_range()'s writes, without a tuple each: pages in a row, all empty before,
        4 KiB PTEs (whose bit 7 is PAT, not a huge page's PSE)."""
        self = cls.__new__(cls)
        self.addrs = range(run.start, run.start + len(run) * PAGE_SIZE, PAGE_SIZE)
        self.olds, self.news, self.huge = None, array("Q", run.news), False
        self._index, self._counts, self._uniform, self._values = None, None, {}, None
        return self

    def __len__(self) -> int:
        return len(self.news)

    @overload
    def __getitem__(self, i: int) -> Write: ...
    @overload
    def __getitem__(self, i: slice) -> list[Write]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return (self.addrs[i], self.olds[i] if self.olds is not None else 0, self.news[i])

    def __iter__(self) -> Iterator[Write]:
        olds = self.olds if self.olds is not None else (0 for _ in self.news)
        return zip(self.addrs, olds, self.news)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<PteWrites of {len(self):,} from {self.lo:#x}>" if len(self) else \
            "<PteWrites of 0>"

    # -- what the session asks -------------------------------------------------------------
    @property
    def lo(self) -> int:
        return self.addrs[0] if isinstance(self.addrs, range) else min(self.addrs)

    @property
    def hi(self) -> int:
        """One past the last byte written (a 2 MiB leaf counts whole)."""
        last = self.addrs[-1] if isinstance(self.addrs, range) else max(self.addrs)
        return last + ((2 << 20) if self.huge else PAGE_SIZE)

    def index_of(self, addr: int) -> int | None:
        """Index of the first write of exactly `addr`, or None."""
        if isinstance(self.addrs, range):
            return self.addrs.index(addr) if addr in self.addrs else None
        if self._index is None:
            a = self.addrs
            ascending = all(map(int.__lt__, a, a[1:]))
            if ascending:
                self._index = a
            else:
                index: dict[int, int] = {}
                for k, x in enumerate(a):
                    index.setdefault(x, k)
                self._index = index
        if isinstance(self._index, dict):
            return self._index.get(addr)
        k = bisect.bisect_left(self._index, addr)
        return k if k < len(self._index) and self._index[k] == addr else None

    def any_in(self, lo: int, hi: int) -> bool:
        """Did any write land on an address in [lo, hi)?"""
        if isinstance(self.addrs, range):
            return bool(self.addrs) and self.addrs[0] < hi and self.addrs[-1] >= lo
        return any(lo <= a < hi for a in self.addrs)

    def _new_values(self) -> Counter:
        """How many writes set each value: a populate's are few values (the zero page's)."""
        if self._values is None:
            self._values = Counter(self.news)
        return self._values

    def _present_news(self, skip_pfn: int | None = None) -> int:
        """Writes that left a present entry (not of frame `skip_pfn`, when given)."""
        skip = None if skip_pfn is None else skip_pfn << 12
        return sum(n for v, n in self._new_values().items()
                   if v & _PRESENT and (skip is None or v & PTE_PFN_MASK != skip))

    def counts(self) -> tuple[int, int, int]:
        """(made present, made not present, other changes): for the step's summary."""
        if self._counts is None:
            if self.olds is None:
                made, gone = self._present_news(), 0
            else:
                made = sum(1 for o, n in zip(self.olds, self.news)
                           if n & _PRESENT and not o & _PRESENT)
                gone = sum(1 for o, n in zip(self.olds, self.news)
                           if o & _PRESENT and not n & _PRESENT)
            self._counts = (made, gone, len(self) - made - gone)
        return self._counts

    def uniform_gain(self, skip_pfn: int | None) -> int | None:
        """+1 if every write made one more 4 KiB page count (present and, when `skip_pfn`
        is given, not that frame), 0 if none did: what a page map adds per address. None
        when the writes differ, or some are huge, and must be looked at one by one."""
        if skip_pfn not in self._uniform:
            gain = None
            if self.olds is None and not self.huge and isinstance(self.addrs, range):
                counted = self._present_news(skip_pfn)
                gain = 1 if counted == len(self) else 0 if counted == 0 else None
            self._uniform[skip_pfn] = gain
        return self._uniform[skip_pfn]


def compact(items: list[Write | PteRun]) -> list[Write] | PteWrites:
    """A page-table log's items as they are when few writes, as a PteWrites when many. A
    PteRun (a bulk populate's) stands for many writes and is read whole."""
    runs = [item for item in items if isinstance(item, PteRun)]
    if not runs:
        return PteWrites(items) if len(items) >= COMPACT_FROM else items  # type: ignore
    if len(items) == 1:
        return PteWrites.of_run(runs[0])
    return compact([w for item in items
                    for w in (item.writes() if isinstance(item, PteRun) else (item,))])


def covers(writes: Sequence[Write], page: int, leaf_size) -> bool:  # noqa: ANN001
    """Did one of the writes set the leaf that maps `page`?"""
    if isinstance(writes, PteWrites) and not writes.huge:
        return writes.index_of(page) is not None
    return any(a <= page < a + leaf_size(new or old) for a, old, new in writes)
