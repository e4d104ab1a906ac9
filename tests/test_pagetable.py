# SPDX-License-Identifier: GPL-2.0-only
"""The sparse page tables (lab/kernel/pagetable.py): a table at a time reads the same leaves,
in the same tables' order, as the entry-by-entry walk, for any mix of 4 KiB PTEs, 2 MiB
PMDs and ranges that cut tables and huge pages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    PAGE_SHIFT,
    PMD_SHIFT,
)
from lab.kernel.pagetable import PageTable

PAGE, HUGE = 1 << PAGE_SHIFT, 1 << PMD_SHIFT
SPAN = 6 * HUGE  # a few PMDs, around a PUD boundary: PTE tables of 512 and huge pages
BASE = (1 << 30) - 3 * HUGE

entries = st.sampled_from([0x8000 | _PAGE_PRESENT, 0x9000 | _PAGE_PRESENT,
                           0xA000 | _PAGE_PROTNONE, 0xB000])  # alike and not present ones


@st.composite
def tables(draw):
    pt = PageTable()
    huge = draw(st.sets(st.integers(0, SPAN // HUGE - 1), max_size=2))
    for k in huge:
        pt.set_huge_pmd(BASE + k * HUGE, draw(entries))
    small = [k for k in range(SPAN // HUGE) if k not in huge]
    for k in draw(st.lists(st.sampled_from(small), max_size=3)) if small else ():
        first = draw(st.integers(0, 511))
        n = draw(st.integers(1, 512 - first))
        if draw(st.booleans()):
            pt.set_range(BASE + k * HUGE + first * PAGE, [draw(entries)] * n)
        else:
            for j in range(first, first + n, draw(st.integers(1, 64))):
                pt.set_pte(BASE + k * HUGE + j * PAGE, draw(entries))
    return pt


ranges = st.tuples(st.integers(0, SPAN // PAGE), st.integers(0, SPAN // PAGE)).map(
    lambda r: (BASE + min(r) * PAGE, BASE + max(r) * PAGE))
unaligned = st.tuples(ranges, st.integers(0, PAGE - 1)).map(
    lambda r: (r[0][0] - r[1], r[0][1]))  # a range that starts inside a page


@settings(max_examples=300, deadline=None)
@given(tables(), ranges | unaligned)
def test_leaf_blocks_hold_the_leaves_walked_one_by_one(pt, span):
    start, end = span
    walked = list(pt.leaves(start, end))
    blocks = [(base + (i << (size.bit_length() - 1)), entry, size)
              for base, size, block in pt.leaf_blocks(start, end)
              for i, entry in sorted(block.items())]
    assert blocks == walked


@settings(max_examples=300, deadline=None)
@given(tables(), ranges)
def test_present_pages_counts_each_present_page_of_the_range(pt, span):
    start, end = span
    pages = sum(bool(pt.pte(addr) & (_PAGE_PRESENT | _PAGE_PROTNONE))
                for addr in range(start, end, PAGE))
    assert pt.present_pages(start, end) == pages
