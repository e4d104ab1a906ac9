# SPDX-License-Identifier: GPL-2.0-only
"""The maple tree (lib/maple_tree.c, include/linux/maple_tree.h), as mm/mmap.c uses it.

`MapleTree` is the mm's tree of VMAs (mm->mm_mt): a B-tree whose leaves hold VMAs in address
order and whose inner nodes, like the C's maple_arange_64 nodes, keep the largest gap below
each child. Finding a VMA or a gap walks one path from the root, so both take O(log n) even
at vm.max_map_count VMAs. Unlike the C, a leaf holds only VMAs: a gap is the space between
two of them, not a stored NULL range.

A maple state (`MaState`, MA_STATE() in C) is a position in a tree, so the twin walks it
with the same mas_find/mas_next/mas_prev calls the C makes and sees the same VMAs. The
tree's own work (node preallocation, locking, RCU) is marked not modelled where the C does
it. These are plain helpers: the learner does not step into the tree.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lab.kernel.include.uapi.errno import EBUSY, EINVAL
from lab.kernel.twin import ULONG_MAX

if TYPE_CHECKING:
    from lab.kernel.mm_struct import VmAreaStruct

MAPLE_RANGE64_SLOTS = 16  # entries of a leaf (include/linux/maple_tree.h)
MAPLE_ARANGE64_SLOTS = 10  # children of an inner node, each with its gap
_STARTS, _ENDS = operator.attrgetter("vm_start"), operator.attrgetter("vm_end")
_MINS, _MAXS = operator.attrgetter("min"), operator.attrgetter("max")


class MapleNode:
    """A node: a leaf's `slot` holds VMAs, an inner node's its children. `min` is the first
    VMA's start, `max` the last one's end, `gap` the largest gap between two VMAs below
    (0 with fewer than two), `count` how many VMAs are below."""

    __slots__ = ("count", "gap", "leaf", "max", "min", "parent", "slot")

    def __init__(self, leaf: bool, slot: list, parent: MapleNode | None = None):
        self.leaf, self.slot, self.parent = leaf, slot, parent
        self.count = self.gap = self.min = self.max = 0


def _node_values(node: MapleNode) -> tuple[int, int, int, int]:
    """(count, gap, min, max) as node's slots give them."""
    s = node.slot
    if node.leaf:
        gap = max(map(operator.sub, map(_STARTS, s[1:]), map(_ENDS, s)), default=0)
        return len(s), gap, s[0].vm_start, s[-1].vm_end
    between = max(map(operator.sub, map(_MINS, s[1:]), map(_MAXS, s)), default=0)
    return (sum(c.count for c in s), max(between, max(c.gap for c in s)), s[0].min,
            s[-1].max)


def ma_update_node(node: MapleNode) -> None:
    """Recompute one node's count, largest gap and bounds from its slots."""
    node.count, node.gap, node.min, node.max = _node_values(node)


def mas_update_gap(node: MapleNode | None) -> None:
    """After a change below node: recompute it and every node above (mas_update_gap())."""
    while node is not None:
        ma_update_node(node)
        node = node.parent


def _set_leaf(vma: VmAreaStruct, leaf: MapleNode | None) -> None:
    object.__setattr__(vma, "_mt_leaf", leaf)  # bookkeeping, not a change of the VMA


def _fit_rev(a: int, b: int, low: int, high: int, size: int) -> int | None:
    """The gap [a, b] clipped to [low, high]: its last byte, if size bytes fit."""
    lo, hi = max(a, low), min(b, high)
    return hi if lo <= hi and hi - lo + 1 >= size else None


def _fit(a: int, b: int, low: int, high: int, size: int) -> int | None:
    """The gap [a, b] clipped to [low, high]: its first byte, if size bytes fit."""
    lo, hi = max(a, low), min(b, high)
    return lo if lo <= hi and hi - lo + 1 >= size else None


def _skip(node: MapleNode, low: int, high: int, size: int) -> bool:
    """No gap below node can hold size bytes in [low, high]: clipping only shrinks a gap."""
    return node.gap < size or node.max <= low or node.min > high


def _gap_rev(node: MapleNode, low: int, high: int, size: int) -> int | None:
    """The highest gap between two VMAs below node that fits: its last byte."""
    if _skip(node, low, high, size):
        return None
    s = node.slot
    for k in range(len(s) - 1, -1, -1):
        if node.leaf:
            found = _fit_rev(s[k - 1].vm_end, s[k].vm_start - 1, low, high, size) if k else None
        else:
            found = _gap_rev(s[k], low, high, size)
            if found is None and k:
                found = _fit_rev(s[k - 1].max, s[k].min - 1, low, high, size)
        if found is not None:
            return found
    return None


def _gap(node: MapleNode, low: int, high: int, size: int) -> int | None:
    """The lowest gap between two VMAs below node that fits: its first byte."""
    if _skip(node, low, high, size):
        return None
    s = node.slot
    for k in range(len(s)):
        if node.leaf:
            found = _fit(s[k - 1].vm_end, s[k].vm_start - 1, low, high, size) if k else None
        else:
            found = _fit(s[k - 1].max, s[k].min - 1, low, high, size) if k else None
            if found is None:
                found = _gap(s[k], low, high, size)
        if found is not None:
            return found
    return None


class MapleTree:
    """mm->mm_mt: the mm's VMAs in address order; reads like a list of them."""

    def __init__(self, vmas: Iterable[VmAreaStruct] = ()):
        self.root = MapleNode(True, [])
        for vma in vmas:
            self.insert(vma)

    # -- changing ---------------------------------------------------------------------------
    def insert(self, vma: VmAreaStruct) -> None:
        node = self.root
        while not node.leaf:
            k = bisect.bisect_right(node.slot, vma.vm_start, key=_MINS) - 1
            node = node.slot[max(k, 0)]
        node.slot.insert(bisect.bisect_left(node.slot, vma.vm_start, key=_STARTS), vma)
        _set_leaf(vma, node)
        self._split(node)

    append = insert  # the default world lays its VMAs out in order

    def _split(self, node: MapleNode) -> None:
        """Split a node that overflowed (mas_split()), then update the gaps above it."""
        while len(node.slot) > (MAPLE_RANGE64_SLOTS if node.leaf else MAPLE_ARANGE64_SLOTS):
            half = len(node.slot) // 2
            right = MapleNode(node.leaf, node.slot[half:], node.parent)
            del node.slot[half:]
            for entry in right.slot:
                if node.leaf:
                    _set_leaf(entry, right)
                else:
                    entry.parent = right
            ma_update_node(right)
            parent = node.parent
            if parent is None:
                parent = self.root = MapleNode(False, [node], None)
                node.parent = right.parent = parent
            parent.slot.insert(parent.slot.index(node) + 1, right)
            ma_update_node(node)
            node = parent
        mas_update_gap(node)

    def remove(self, vma: VmAreaStruct) -> None:
        node = vma._mt_leaf
        node.slot.remove(vma)
        _set_leaf(vma, None)
        # An emptied node leaves its parent; a root left with one child gives way to it.
        while not node.slot and node.parent is not None:
            node.parent.slot.remove(node)
            node = node.parent
        if node.slot:
            mas_update_gap(node)
        while not self.root.leaf and len(self.root.slot) == 1:
            self.root = self.root.slot[0]
            self.root.parent = None

    def clear(self) -> None:
        for vma in self:
            _set_leaf(vma, None)
        self.root = MapleNode(True, [])

    # -- finding ----------------------------------------------------------------------------
    def find(self, addr: int) -> VmAreaStruct | None:
        """The first VMA ending above addr (find_vma())."""
        node = self.root
        if not node.slot or node.max <= addr:
            return None
        while not node.leaf:  # the first child ending above addr
            k = bisect.bisect_right(node.slot, addr, key=_MAXS)
            node = node.slot[min(k, len(node.slot) - 1)]
        k = bisect.bisect_right(node.slot, addr, key=_ENDS)
        return node.slot[min(k, len(node.slot) - 1)]

    def next_of(self, vma: VmAreaStruct) -> VmAreaStruct | None:
        node = vma._mt_leaf
        k = _index(node.slot, vma) + 1
        while k == len(node.slot):  # up to the first node with something to the right
            if node.parent is None:
                return None
            k, node = _index(node.parent.slot, node) + 1, node.parent
        entry = node.slot[k]
        while isinstance(entry, MapleNode):
            entry = entry.slot[0]
        return entry

    def prev_of(self, vma: VmAreaStruct) -> VmAreaStruct | None:
        node = vma._mt_leaf
        k = _index(node.slot, vma) - 1
        while k < 0:
            if node.parent is None:
                return None
            k, node = _index(node.parent.slot, node) - 1, node.parent
        entry = node.slot[k]
        while isinstance(entry, MapleNode):
            entry = entry.slot[-1]
        return entry

    def first(self) -> VmAreaStruct | None:
        node = self.root
        while node.slot and not node.leaf:
            node = node.slot[0]
        return node.slot[0] if node.slot else None

    def last(self) -> VmAreaStruct | None:
        node = self.root
        while node.slot and not node.leaf:
            node = node.slot[-1]
        return node.slot[-1] if node.slot else None

    def empty_area_rev(self, low: int, high: int, size: int) -> int | None:
        """The last byte of the highest gap of size bytes in [low, high], if any."""
        first, last = self.first(), self.last()
        if first is None:
            return _fit_rev(0, ULONG_MAX, low, high, size)
        for found in (_fit_rev(last.vm_end, ULONG_MAX, low, high, size),
                      _gap_rev(self.root, low, high, size),
                      _fit_rev(0, first.vm_start - 1, low, high, size)):
            if found is not None:
                return found
        return None

    def empty_area(self, low: int, high: int, size: int) -> int | None:
        """The first byte of the lowest gap of size bytes in [low, high], if any."""
        first, last = self.first(), self.last()
        if first is None:
            return _fit(0, ULONG_MAX, low, high, size)
        for found in (_fit(0, first.vm_start - 1, low, high, size),
                      _gap(self.root, low, high, size),
                      _fit(last.vm_end, ULONG_MAX, low, high, size)):
            if found is not None:
                return found
        return None

    # -- reading like a list ----------------------------------------------------------------
    def __len__(self) -> int:
        return self.root.count if self.root.slot else 0

    def __iter__(self) -> Iterator[VmAreaStruct]:
        return iter(self.to_list())  # a copy: the loop's body may change the tree

    def to_list(self) -> list[VmAreaStruct]:
        out: list = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.leaf:
                out += node.slot
            else:
                stack += reversed(node.slot)
        return out

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.to_list()[i]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("VMA index out of range")
        node = self.root
        while not node.leaf:
            for child in node.slot:
                if i < child.count:
                    node = child
                    break
                i -= child.count
        return node.slot[i]

    def __contains__(self, vma: object) -> bool:
        node = getattr(vma, "_mt_leaf", None)
        while node is not None and node.parent is not None:
            node = node.parent
        return node is self.root

    def index(self, vma: VmAreaStruct) -> int:
        if vma not in self:
            raise ValueError("VMA not in the tree")
        node = vma._mt_leaf
        i = _index(node.slot, vma)
        while node.parent is not None:
            siblings = node.parent.slot
            i += sum(c.count for c in siblings[:_index(siblings, node)])
            node = node.parent
        return i

    def __add__(self, other: list) -> list:
        return self.to_list() + list(other)

    def __repr__(self) -> str:
        return repr(self.to_list())


def mt_validate(tree: MapleTree) -> list[str]:
    """What is wrong with the tree's bookkeeping (CONFIG_DEBUG_MAPLE_TREE's mt_validate()):
    each node's bounds, count and gap against its slots, and the links up and down."""
    problems: list[str] = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        if not node.slot:
            if node is not tree.root:
                problems.append("an empty maple node below the root")
            continue
        kept = (node.count, node.gap, node.min, node.max)
        if kept != _node_values(node):
            problems.append(f"maple node {node.min:#x}-{node.max:#x}: count, gap or bounds "
                            f"{kept} are stale, {_node_values(node)} from its slots")
        for entry in node.slot:
            up = entry._mt_leaf if node.leaf else entry.parent
            if up is not node:
                problems.append("a maple tree entry does not point back at its node")
        if not node.leaf:
            stack += node.slot
    return problems


def _index(items: list, item: object) -> int:
    """Position of item by identity (a node's slots are few)."""
    for k, x in enumerate(items):
        if x is item:
            return k
    raise ValueError("not in the node")


# -- the maple state: what mm/mmap.c calls ---------------------------------------------------
@dataclass
class MaState:
    """MA_STATE(): a position [index, last] in a tree of VMAs.

    `tree` is the mm (its mm_mt) or a plain list, like the detached tree of
    do_mas_align_munmap(). `walked` is False while the state is MAS_START: the next lookup
    starts at `index` itself.
    """

    tree: object
    index: int
    last: int
    walked: bool = False


def mt_vmas(tree) -> MapleTree | list[VmAreaStruct]:
    return getattr(tree, "mm_mt", tree)


# The detached tree is a short list; the mm's is a MapleTree. Both answer these four.
def _ending_after(vmas, addr: int) -> VmAreaStruct | None:
    if isinstance(vmas, MapleTree):
        return vmas.find(addr)
    i = bisect.bisect_right(vmas, addr, key=_ENDS)
    return vmas[i] if i < len(vmas) else None


def _next(vmas, vma: VmAreaStruct) -> VmAreaStruct | None:
    if isinstance(vmas, MapleTree):
        return vmas.next_of(vma)
    i = _index(vmas, vma) + 1
    return vmas[i] if i < len(vmas) else None


def _prev(vmas, vma: VmAreaStruct) -> VmAreaStruct | None:
    if isinstance(vmas, MapleTree):
        return vmas.prev_of(vma)
    i = _index(vmas, vma)
    return vmas[i - 1] if i > 0 else None


def _last(vmas) -> VmAreaStruct | None:
    if isinstance(vmas, MapleTree):
        return vmas.last()
    return vmas[-1] if vmas else None


def _starting_after(vmas, addr: int) -> VmAreaStruct | None:
    vma = _ending_after(vmas, addr)
    return _next(vmas, vma) if vma is not None and vma.vm_start <= addr else vma


def _holding(vmas, addr: int) -> VmAreaStruct | None:
    vma = _ending_after(vmas, addr)
    return vma if vma is not None and vma.vm_start <= addr else None


def _land(mas: MaState, vma: VmAreaStruct | None) -> VmAreaStruct | None:
    """Put the state on vma (if one was found)."""
    if vma is not None:
        mas.index, mas.last, mas.walked = vma.vm_start, vma.vm_end - 1, True
    return vma


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
    vma = _starting_after(vmas, mas.last) if mas.walked else _ending_after(vmas, mas.index)
    if vma is not None and vma.vm_start <= high:
        return _land(mas, vma)
    mas.index = mas.last = high
    mas.walked = True
    return None


def mas_next(mas: MaState, high: int) -> VmAreaStruct | None:
    """The VMA after the position (after the VMA or gap holding index, if not walked)."""
    vma = _starting_after(mt_vmas(mas.tree), mas.last if mas.walked else mas.index)
    if vma is not None and vma.vm_start <= high:
        return _land(mas, vma)
    return None


def mas_prev(mas: MaState, low: int) -> VmAreaStruct | None:
    """The VMA before the position (before the VMA or gap holding index, if not walked)."""
    vmas = mt_vmas(mas.tree)
    ref = mas.index
    if not mas.walked:
        holder = _holding(vmas, ref)
        ref = holder.vm_start if holder is not None else ref
    after = _ending_after(vmas, ref)  # the VMA before it is the last one ending by ref
    vma = _prev(vmas, after) if after is not None else _last(vmas)
    if vma is not None and vma.vm_end - 1 >= low:
        return _land(mas, vma)
    return None


def mas_store_prealloc(mas: MaState, entry: VmAreaStruct | None) -> None:
    """Make [index, last] hold entry (or nothing): the VMAs overlapping it leave the tree."""
    vmas = mt_vmas(mas.tree)
    gone = []
    vma = _ending_after(vmas, mas.index)
    while vma is not None and vma.vm_start <= mas.last:
        if vma is not entry:
            gone.append(vma)
        vma = _next(vmas, vma)
    present = entry is not None and entry in vmas
    if isinstance(vmas, MapleTree):
        for vma in gone:
            mas.tree.remove_vma(vma)
        if entry is not None and not present:
            mas.tree.insert_vma(entry)
    else:
        for vma in gone:
            vmas.remove(vma)
        if entry is not None and not present:
            vmas.insert(bisect.bisect_left(vmas, entry.vm_start, key=_STARTS), entry)
    mas.walked = True


def mas_store_gfp(mas: MaState, entry: VmAreaStruct | None) -> int:
    mas_store_prealloc(mas, entry)
    return 0


def mas_preallocate(mas: MaState, vma: VmAreaStruct) -> int:
    return 0  # tree nodes come from kernel memory, which never runs out in the lab


def mas_empty_area(mas: MaState, low: int, high: int, size: int) -> int:
    """The lowest gap with `size` bytes free in [low, high]: mas becomes its first size bytes."""
    if low >= high:
        return -EINVAL
    lo = mt_vmas(mas.tree).empty_area(low, high, size)
    if lo is None:
        return -EBUSY
    mas.index, mas.last, mas.walked = lo, lo + size - 1, True
    return 0


def mas_empty_area_rev(mas: MaState, low: int, high: int, size: int) -> int:
    """The highest gap with `size` bytes free in [low, high]: mas becomes its last size bytes."""
    if low >= high:
        return -EINVAL
    hi = mt_vmas(mas.tree).empty_area_rev(low, high, size)
    if hi is None:
        return -EBUSY
    mas.index, mas.last, mas.walked = hi - size + 1, hi, True
    return 0
