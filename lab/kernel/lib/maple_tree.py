# SPDX-License-Identifier: GPL-2.0-only
"""The maple tree's interface (lib/maple_tree.c, include/linux/maple_tree.h), as mm/mmap.c
uses it, over the lab's sorted VMA list.

The kernel keeps VMAs in a maple tree; the lab keeps them in the mm's list sorted by address.
A maple state (`MaState`, MA_STATE() in C) is a position in that list, so the twin can walk
it with the same mas_find/mas_next/mas_prev calls the C makes and see the same VMAs. The
tree's own work (node preallocation, locking, RCU) is marked not modelled where the C does
it. These are plain helpers: the learner does not step into the tree.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass

from lab.kernel.include.uapi.errno import EBUSY, EINVAL
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.twin import ULONG_MAX


@dataclass
class MaState:
    """MA_STATE(): a position [index, last] in a tree of VMAs.

    `tree` is the mm (its sorted VMA list) or a plain list, like the detached tree of
    do_mas_align_munmap(). `walked` is False while the state is MAS_START: the next lookup
    starts at `index` itself.
    """

    tree: object
    index: int
    last: int
    walked: bool = False


def mt_vmas(tree) -> list[VmAreaStruct]:
    return tree.vmas if isinstance(tree, MmStruct) else tree


def _first_ending_after(vmas: list[VmAreaStruct], addr: int) -> int:
    return bisect.bisect_right(vmas, addr, key=lambda v: v.vm_end)


def _first_starting_after(vmas: list[VmAreaStruct], addr: int) -> int:
    return bisect.bisect_right(vmas, addr, key=lambda v: v.vm_start)


def _land(mas: MaState, vma: VmAreaStruct | None) -> VmAreaStruct | None:
    """Put the state on vma (if one was found)."""
    if vma is not None:
        mas.index, mas.last, mas.walked = vma.vm_start, vma.vm_end - 1, True
    return vma


def _holding(vmas: list[VmAreaStruct], addr: int) -> VmAreaStruct | None:
    i = _first_ending_after(vmas, addr)
    return vmas[i] if i < len(vmas) and vmas[i].vm_start <= addr else None


def mas_set(mas: MaState, addr: int) -> None:
    mas.index = mas.last = addr
    mas.walked = False


def mas_set_range(mas: MaState, start: int, last: int) -> None:
    mas.index, mas.last, mas.walked = start, last, False


def mas_walk(mas: MaState) -> VmAreaStruct | None:
    """The VMA containing mas.index."""
    vma = _holding(mt_vmas(mas.tree), mas.index)
    mas.walked = True
    return _land(mas, vma)


def mas_find(mas: MaState, high: int) -> VmAreaStruct | None:
    """The next VMA (the first at or after index, if not walked) that starts by `high`."""
    vmas = mt_vmas(mas.tree)
    i = _first_starting_after(vmas, mas.last) if mas.walked else \
        _first_ending_after(vmas, mas.index)
    if i < len(vmas) and vmas[i].vm_start <= high:
        return _land(mas, vmas[i])
    mas.index = mas.last = high
    mas.walked = True
    return None


def mas_next(mas: MaState, high: int) -> VmAreaStruct | None:
    """The VMA after the position (after the VMA or gap holding index, if not walked)."""
    vmas = mt_vmas(mas.tree)
    i = _first_starting_after(vmas, mas.last if mas.walked else mas.index)
    if i < len(vmas) and vmas[i].vm_start <= high:
        return _land(mas, vmas[i])
    return None


def mas_prev(mas: MaState, low: int) -> VmAreaStruct | None:
    """The VMA before the position (before the VMA or gap holding index, if not walked)."""
    vmas = mt_vmas(mas.tree)
    ref = mas.index
    if not mas.walked:
        holder = _holding(vmas, ref)
        ref = holder.vm_start if holder is not None else ref
    i = bisect.bisect_right(vmas, ref, key=lambda v: v.vm_end) - 1
    if i >= 0 and vmas[i].vm_end - 1 >= low:
        return _land(mas, vmas[i])
    return None


def mas_store_prealloc(mas: MaState, entry: VmAreaStruct | None) -> None:
    """Make [index, last] hold entry (or nothing): the VMAs overlapping it leave the tree."""
    vmas = mt_vmas(mas.tree)
    i = _first_ending_after(vmas, mas.index)
    gone = []
    while i < len(vmas) and vmas[i].vm_start <= mas.last:
        if vmas[i] is not entry:
            gone.append(vmas[i])
        i += 1
    present = entry is not None and entry in vmas  # eq=False: identity, at C speed
    if isinstance(mas.tree, MmStruct):
        for vma in gone:
            mas.tree.remove_vma(vma)
        if entry is not None and not present:
            mas.tree.insert_vma(entry)
    else:
        for vma in gone:
            vmas.remove(vma)
        if entry is not None and not present:
            vmas.insert(bisect.bisect_left(vmas, entry.vm_start, key=lambda v: v.vm_start),
                        entry)
    mas.walked = True


def mas_store_gfp(mas: MaState, entry: VmAreaStruct | None) -> int:
    mas_store_prealloc(mas, entry)
    return 0


def mas_preallocate(mas: MaState, vma: VmAreaStruct) -> int:
    return 0  # tree nodes come from kernel memory, which never runs out in the lab


#: Gaps are skipped this many at a time when none is big enough (see _no_gap_in). The real
#: tree finds a gap in O(log n) from each node's largest gap; the lab's list scans, and
#: tens of thousands of VMAs packed without a gap (vm.max_map_count) made each mmap slow.
_GAP_CHUNK = 256
_STARTS, _ENDS = operator.attrgetter("vm_start"), operator.attrgetter("vm_end")


def _no_gap_in(vmas: list[VmAreaStruct], a: int, b: int, size: int) -> bool:
    """No gap vmas[i-1].vm_end..vmas[i].vm_start, for a <= i < b (0 < a), of size bytes.

    Clipping a gap to [low, high] only shrinks it, so a run whose unclipped gaps are all
    too small is skipped without changing which gap the scan finds.
    """
    return max(map(operator.sub, map(_STARTS, vmas[a:b]), map(_ENDS, vmas[a - 1:b - 1]))) < size


def mas_empty_area(mas: MaState, low: int, high: int, size: int) -> int:
    """The lowest gap with `size` bytes free in [low, high]: mas becomes its first size bytes."""
    if low >= high:
        return -EINVAL
    vmas = mt_vmas(mas.tree)
    i = _first_ending_after(vmas, low)
    while True:
        lo = max(vmas[i - 1].vm_end if i > 0 else 0, low)
        hi = min(vmas[i].vm_start - 1 if i < len(vmas) else ULONG_MAX, high)
        if lo > high:
            return -EBUSY
        if lo <= hi and hi - lo + 1 >= size:
            mas.index, mas.last, mas.walked = lo, lo + size - 1, True
            return 0
        if i >= len(vmas):
            return -EBUSY
        i += 1
        while (0 < i and i + _GAP_CHUNK <= len(vmas)
               and vmas[i + _GAP_CHUNK - 1].vm_end <= high  # the run ends below high
               and _no_gap_in(vmas, i, i + _GAP_CHUNK, size)):
            i += _GAP_CHUNK


def mas_empty_area_rev(mas: MaState, low: int, high: int, size: int) -> int:
    """The highest gap with `size` bytes free in [low, high]: mas becomes its last size bytes."""
    if low >= high:
        return -EINVAL
    vmas = mt_vmas(mas.tree)
    i = _first_starting_after(vmas, high)
    while i >= 0:
        lo = max(vmas[i - 1].vm_end if i > 0 else 0, low)
        hi = min(vmas[i].vm_start - 1 if i < len(vmas) else ULONG_MAX, high)
        if hi < low:
            return -EBUSY
        if lo <= hi and hi - lo + 1 >= size:
            mas.index, mas.last, mas.walked = hi - size + 1, hi, True
            return 0
        i -= 1
        while (i - _GAP_CHUNK >= 1 and i < len(vmas)
               and vmas[i - _GAP_CHUNK].vm_start > low  # the run starts above low
               and _no_gap_in(vmas, i - _GAP_CHUNK + 1, i + 1, size)):
            i -= _GAP_CHUNK
    return -EBUSY
