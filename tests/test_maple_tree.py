# SPDX-License-Identifier: GPL-2.0-only
"""The maple tree twin answers every lookup and gap search as a sorted list would.

The tree (lab/kernel/lib/maple_tree.py) keeps the largest gap below each node so a gap
search walks one path; these checks compare it with a plain scan over a sorted list after
random stores, removals and in-place boundary changes.
"""

from __future__ import annotations

import random

from lab.kernel.lib.maple_tree import MapleTree
from lab.kernel.mm_struct import VmAreaStruct
from lab.kernel.twin import ULONG_MAX

PAGE = 4096


def _gaps(vmas: list[VmAreaStruct]) -> list[tuple[int, int]]:
    """Every gap [first byte, last byte], from 0 to ULONG_MAX."""
    edges = [0] + [x for v in vmas for x in (v.vm_start, v.vm_end)] + [ULONG_MAX + 1]
    return [(a, b - 1) for a, b in zip(edges[::2], edges[1::2]) if a < b]


def _scan_rev(vmas, low, high, size):
    for a, b in reversed(_gaps(vmas)):
        lo, hi = max(a, low), min(b, high)
        if lo <= hi and hi - lo + 1 >= size:
            return hi
    return None


def _scan(vmas, low, high, size):
    for a, b in _gaps(vmas):
        lo, hi = max(a, low), min(b, high)
        if lo <= hi and hi - lo + 1 >= size:
            return lo
    return None


def _check(tree: MapleTree, ref: list[VmAreaStruct], rng: random.Random) -> None:
    assert tree.to_list() == ref and len(tree) == len(ref)
    for i in rng.sample(range(len(ref)), min(5, len(ref))):
        assert tree[i] is ref[i] and tree.index(ref[i]) == i and ref[i] in tree
        assert tree.next_of(ref[i]) is (ref[i + 1] if i + 1 < len(ref) else None)
        assert tree.prev_of(ref[i]) is (ref[i - 1] if i else None)
    for _ in range(5):
        addr = rng.randrange(0, 1 << 24) * PAGE
        assert tree.find(addr) is next((v for v in ref if v.vm_end > addr), None)
        low, high = sorted(rng.randrange(0, 1 << 24) * PAGE for _ in range(2))
        size = rng.choice([1, 2, 4, 16, 64]) * PAGE
        assert tree.empty_area_rev(low, high, size) == _scan_rev(ref, low, high, size)
        assert tree.empty_area(low, high, size) == _scan(ref, low, high, size)


def test_the_tree_finds_what_a_sorted_scan_finds_after_random_changes():
    rng = random.Random(10)
    tree, ref = MapleTree(), []
    for step in range(1500):
        op = rng.random()
        if op < 0.6 or not ref:
            start = rng.randrange(0, 1 << 24) * PAGE
            end = start + rng.choice([1, 1, 2, 8, 40]) * PAGE
            if any(v.vm_start < end and start < v.vm_end for v in ref):
                continue
            vma = VmAreaStruct(start, end, 0)
            tree.insert(vma)
            ref.append(vma)
            ref.sort(key=lambda v: v.vm_start)
        elif op < 0.85:
            vma = ref.pop(rng.randrange(len(ref)))
            tree.remove(vma)
            assert vma not in tree
        else:  # move a VMA's boundary in place, as vma_adjust() does before its store
            i = rng.randrange(len(ref))
            vma = ref[i]
            if vma.vm_end - vma.vm_start > PAGE:
                vma.vm_end -= PAGE
            elif vma.vm_start >= PAGE and (i == 0 or ref[i - 1].vm_end < vma.vm_start):
                vma.vm_start -= PAGE
        if step % 50 == 0:
            _check(tree, ref, rng)
    _check(tree, ref, rng)


def test_an_emptied_tree_is_one_gap():
    tree = MapleTree(VmAreaStruct(i * 2 * PAGE, (i * 2 + 1) * PAGE, 0) for i in range(100))
    for vma in tree:
        tree.remove(vma)
    assert len(tree) == 0 and tree.find(0) is None and tree.first() is None
    assert tree.empty_area_rev(PAGE, 10 * PAGE - 1, 4 * PAGE) == 10 * PAGE - 1


def test_the_tree_checker_reports_a_gap_that_went_stale():
    from lab.kernel.lib.maple_tree import mt_validate

    tree = MapleTree(VmAreaStruct(i * 2 * PAGE, (i * 2 + 1) * PAGE, 0) for i in range(40))
    assert mt_validate(tree) == []
    object.__setattr__(tree[39], "vm_end", 100 * PAGE)  # behind the tree's back
    assert any("stale" in p for p in mt_validate(tree))
