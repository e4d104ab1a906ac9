# SPDX-License-Identifier: GPL-2.0-only
"""munmap(2): whole VMAs, heads, tails, middles and ranges across VMAs; PTEs and frames go."""

import pytest
from simhelp import PAGE, last, row_at, run

from lab.kernel.mm_struct import MM_ANONPAGES

ANON8 = ("p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); "
         "p[0] = 1; p[4096] = 2; p[3 * 4096] = 4; p[7 * 4096] = 8; ")


def spans(doc: dict, base: int, size: int = 8 * PAGE) -> list[tuple[int, int]]:
    """(start, end) offsets from base of the rows inside [base, base + size) after the last
    statement."""
    return [(r["start"] - base, r["end"] - base) for r in last(doc)["maps"]
            if base <= r["start"] and r["end"] <= base + size]


def test_unmapping_a_whole_vma_removes_it_and_frees_its_frames():
    doc = run(ANON8 + "r = munmap(p, 8 * 4096)")
    machine, p = doc["machine"], doc["events"][0]["ret"]
    assert last(doc)["ret"] == 0
    assert spans(doc, p) == []
    assert machine.task.mm.rss_stat[MM_ANONPAGES] == 0
    assert next(machine.task.mm.pgd.leaves(p, p + 8 * PAGE), None) is None


def test_unmapping_the_head_leaves_the_tail_with_its_data():
    doc = run(ANON8 + "r = munmap(p, 2 * 4096); x = p[3 * 4096]")
    p = doc["events"][0]["ret"]
    assert spans(doc, p) == [(2 * PAGE, 8 * PAGE)]
    assert last(doc)["value"] == 4
    assert row_at(last(doc), p + 2 * PAGE)["rss"] == 2 * PAGE


def test_unmapping_the_tail_leaves_the_head():
    doc = run(ANON8 + "r = munmap(p + 6 * 4096, 2 * 4096); x = p[4096]")
    p = doc["events"][0]["ret"]
    assert spans(doc, p) == [(0, 6 * PAGE)]
    assert last(doc)["value"] == 2


def test_unmapping_the_middle_splits_the_vma_in_two():
    doc = run(ANON8 + "r = munmap(p + 2 * 4096, 4 * 4096)")
    p = doc["events"][0]["ret"]
    assert spans(doc, p) == [(0, 2 * PAGE), (6 * PAGE, 8 * PAGE)]
    assert doc["machine"].task.mm.rss_stat[MM_ANONPAGES] == 3


def test_a_page_of_the_unmapped_middle_is_sigsegv_afterwards():
    ev = last(run(ANON8 + "r = munmap(p + 2 * 4096, 4 * 4096); x = p[3 * 4096]"))
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_MAPERR")


def test_one_munmap_across_several_vmas_removes_and_trims_them_all():
    doc = run("p = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); "
              "q = mmap(p - 2 * 4096, 2 * 4096, PROT_READ | PROT_WRITE, "
              "MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); "
              "s = mmap(q - 2 * 4096, 2 * 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, "
              "-1, 0); q[0] = 1; "
              "r = munmap(s + 4096, 4 * 4096)")
    s = doc["events"][2]["ret"]
    assert last(doc)["ret"] == 0
    assert spans(doc, s, 6 * PAGE) == [(0, PAGE), (5 * PAGE, 6 * PAGE)]
    assert doc["machine"].task.mm.rss_stat[MM_ANONPAGES] == 0


def test_unmapping_a_hole_succeeds_and_changes_nothing():
    doc = run("r = munmap(0x10000000, 4096)")
    assert last(doc)["ret"] == 0 and last(doc)["maps"] == doc["initial_maps"]


@pytest.mark.parametrize("args", ["p + 1, 4096", "p, 0", "0x7ffffffff000, 0x2000"])
def test_unaligned_empty_or_too_long_munmap_is_einval(args):
    assert last(run(ANON8 + f"r = munmap({args})"))["errno"] == "EINVAL"


def test_munmap_of_a_shared_file_page_keeps_it_dirty_in_the_page_cache():
    doc = run('fd = open("data.bin", O_RDWR, size=8192); '
              "p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); p[0] = 3; "
              "r = munmap(p, 8192)")
    inode = doc["machine"].inodes["data.bin"]
    assert 0 in inode.dirty and doc["machine"].physmem.read_byte(inode.pages[0], 0) == 3
    assert inode.i_mmap == []
