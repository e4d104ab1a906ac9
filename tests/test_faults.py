# SPDX-License-Identifier: GPL-2.0-only
"""Memory accesses after mmap: the page fault does the work mmap only promised.

Each test runs a scenario as `mmaplab run --json` does and checks what a user sees: the
byte read, the signal and its si_code, the maps rows (Rss, present pages), smaps' counters
and the page-table entries.
"""

import pytest
from simhelp import PAGE, last, row_at, run

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_ACCESSED,
    _PAGE_DIRTY,
    _PAGE_NX,
    _PAGE_PRESENT,
    _PAGE_RW,
    _PAGE_USER,
)
from lab.kernel.fs.proc.task_mmu import vma_stats
from lab.kernel.mm_struct import MM_ANONPAGES
from lab.kernel.pagetable import pte_pfn
from lab.kernel.physmem import ZERO_PFN

ANON_RW = "PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0"
DATA = 'fd = open("data.bin", O_RDWR, size=10000); '


def events(doc: dict) -> dict[str, dict]:
    """Events by statement text."""
    return {e["stmt"]: e for e in doc["events"]}


def pte(doc: dict, addr: int) -> int:
    return doc["machine"].task.mm.pgd.pte(addr)


def mapping(doc: dict, stmt_index: int = 0):
    """(address, VMA) of the mapping a statement made."""
    addr = doc["events"][stmt_index]["ret"]
    return addr, doc["machine"].task.mm.vma_lookup(addr)


# -- anonymous memory -------------------------------------------------------------------------
def test_reading_untouched_anonymous_memory_maps_the_zero_page_without_rss():
    doc = run(f"p = mmap(NULL, 4 * 4096, {ANON_RW}); x = p[100]")
    ev = last(doc)
    assert ev["value"] == 0 and ev["signal"] is None
    row = row_at(ev, doc["events"][0]["ret"])
    assert (row["present"], row["rss"]) == (1, 0)
    entry = pte(doc, doc["events"][0]["ret"])
    assert pte_pfn(entry) == ZERO_PFN and not entry & _PAGE_RW


def test_writing_after_reading_allocates_a_private_frame_and_rss_grows_by_one_page():
    doc = run(f"p = mmap(NULL, 4 * 4096, {ANON_RW}); x = p[0]; p[0] = 7; y = p[0]")
    p = doc["events"][0]["ret"]
    read, write, reread = doc["events"][1:]
    assert row_at(read, p)["rss"] == 0
    assert row_at(write, p)["rss"] == PAGE and row_at(write, p)["present"] == 1
    assert reread["value"] == 7
    entry = pte(doc, p)
    assert pte_pfn(entry) != ZERO_PFN
    want = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX
    assert entry & want == want
    assert doc["machine"].task.mm.rss_stat[MM_ANONPAGES] == 1


def test_a_write_to_untouched_memory_faults_in_a_zeroed_writable_page_at_once():
    doc = run(f"p = mmap(NULL, 2 * 4096, {ANON_RW}); p[4097] = 255; x = p[4097]; y = p[4096]")
    ev = events(doc)
    assert ev["x = p[4097]"]["value"] == 255 and ev["y = p[4096]"]["value"] == 0
    p = doc["events"][0]["ret"]
    assert row_at(last(doc), p)["rss"] == PAGE  # the first page was never touched


def test_a_stored_value_is_truncated_to_a_byte():
    assert last(run(f"p = mmap(NULL, 4096, {ANON_RW}); p[0] = 0x1ff; x = p[0]"))["value"] == 0xFF


def test_an_access_that_hits_a_present_page_sets_accessed_and_dirty_without_a_fault():
    doc = run(f"p = mmap(NULL, 4096, {ANON_RW}); p[0] = 1")
    machine = doc["machine"]
    p = doc["events"][0]["ret"]
    entry = machine.task.mm.pgd.pte(p)
    machine.task.mm.pgd.set_pte(p, entry & ~(_PAGE_ACCESSED | _PAGE_DIRTY))
    from lab.kernel.cpu import user_access
    from lab.kernel.machine import running

    with running(machine):
        done = user_access(p + 5, True, 9)
    assert done.faults == 0
    assert machine.task.mm.pgd.pte(p) & (_PAGE_ACCESSED | _PAGE_DIRTY) == \
        _PAGE_ACCESSED | _PAGE_DIRTY


# -- signals ----------------------------------------------------------------------------------
def test_an_access_with_no_mapping_is_sigsegv_maperr_and_ends_the_scenario():
    doc = run("x = NULL[16]; p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)")
    assert len(doc["events"]) == 1
    ev = doc["events"][0]
    assert (ev["signal"], ev["si_code"], ev["si_addr"]) == ("SIGSEGV", "SEGV_MAPERR", 16)
    assert "value" not in ev


def test_writing_a_read_only_mapping_is_sigsegv_accerr():
    ev = last(run("p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); "
                  "p[0] = 1"))
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_ACCERR")


def test_reading_prot_none_memory_is_sigsegv_accerr():
    ev = last(run("p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); "
                  "x = p[0]"))
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_ACCERR")


def test_an_access_to_a_kernel_address_is_sigsegv_maperr():
    ev = last(run("x = NULL[0xffff888000000000]"))
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_MAPERR")


def test_a_non_canonical_address_is_a_general_protection_fault():
    ev = last(run("x = NULL[0x0000800000000000]"))
    assert (ev["signal"], ev["si_code"], ev["si_addr"]) == ("SIGSEGV", "SI_KERNEL", 0)


@pytest.mark.parametrize("page,signal", [(0, None), (1, None), (2, None), (3, "SIGBUS")])
def test_reads_of_a_10000_byte_private_file_mapping_stop_with_sigbus_at_page_3(page, signal):
    ev = last(run(DATA + f"p = mmap(NULL, 4 * 4096, PROT_READ, MAP_PRIVATE, fd, 0); "
                         f"x = p[{page} * 4096]"))
    assert ev["signal"] == signal
    if signal:
        assert ev["si_code"] == "BUS_ADRERR"
    else:
        assert ev["value"] == 0


def test_a_write_to_page_3_of_a_shared_10000_byte_file_mapping_is_sigbus():
    ev = last(run(DATA + "p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); "
                         "p[3 * 4096] = 1"))
    assert (ev["signal"], ev["si_code"]) == ("SIGBUS", "BUS_ADRERR")


def test_a_mapping_wholly_past_end_of_file_is_sigbus_on_the_first_read():
    ev = last(run(DATA + "p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 16384); x = p[0]"))
    assert (ev["signal"], ev["si_code"]) == ("SIGBUS", "BUS_ADRERR")


def test_a_hugetlb_noreserve_mapping_without_huge_pages_is_sigbus_on_first_touch():
    ev = last(run("p = mmap(NULL, 2097152, PROT_READ | PROT_WRITE, "
                  "MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0); p[0] = 1"))
    assert (ev["signal"], ev["si_code"]) == ("SIGBUS", "BUS_ADRERR")


def test_a_huge_page_fault_maps_the_whole_huge_page():
    doc = run('sysctl("vm.nr_hugepages", 1); p = mmap(NULL, 2097152, PROT_READ | PROT_WRITE, '
              "MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0); p[5000] = 3; x = p[5000]")
    ev = last(doc)
    assert ev["value"] == 3
    row = row_at(ev, doc["events"][1]["ret"])
    assert (row["present"], row["hugetlb"], row["rss"]) == (512, 2 << 20, 0)


# -- file pages -------------------------------------------------------------------------------
def test_a_read_fault_on_a_file_maps_the_pages_readahead_brought_in_by_fault_around():
    doc = run(DATA + "p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0); x = p[0]")
    row = row_at(last(doc), doc["events"][1]["ret"])
    assert (row["rss"], row["present"]) == (3 * PAGE, 3)  # the whole 10000-byte file


def test_fault_around_maps_at_most_16_pages_of_a_large_file():
    doc = run('fd = open("big.bin", O_RDWR, size=1048576); '
              "p = mmap(NULL, 1048576, PROT_READ, MAP_PRIVATE, fd, 0); x = p[0]")
    row = row_at(last(doc), doc["events"][1]["ret"])
    assert row["present"] == 16
    inode = doc["machine"].inodes["big.bin"]
    assert sorted(inode.pages) == list(range(32))  # readahead read 128 KiB around page 0


def test_writing_a_private_file_page_after_reading_it_copies_it_and_leaves_the_file():
    doc = run(DATA + "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0); "
                     "x = p[0]; p[0] = 9; y = p[0]")
    machine = doc["machine"]
    p = doc["events"][1]["ret"]
    inode = machine.inodes["data.bin"]
    entry = machine.task.mm.pgd.pte(p)
    assert pte_pfn(entry) != inode.pages[0] and entry & _PAGE_RW
    assert last(doc)["value"] == 9
    assert machine.physmem.read_byte(inode.pages[0], 0) == 0  # the page cache is untouched
    stats = vma_stats(machine, machine.task.mm.vma_lookup(p))
    assert stats.anonymous == PAGE and stats.private_dirty == PAGE


def test_a_shared_file_write_dirties_the_page_cache_page_and_smaps_counts_it_dirty():
    doc = run(DATA + "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); "
                     "p[1] = 5")
    machine = doc["machine"]
    p = doc["events"][1]["ret"]
    inode = machine.inodes["data.bin"]
    assert pte_pfn(machine.task.mm.pgd.pte(p)) == inode.pages[0]
    assert 0 in inode.dirty
    stats = vma_stats(machine, machine.task.mm.vma_lookup(p))
    assert (stats.private_dirty, stats.anonymous) == (PAGE, 0)


def test_a_file_page_mapped_twice_is_shared_in_smaps():
    doc = run(DATA + "p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0); "
                     "q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0); x = p[0]; y = q[0]")
    machine = doc["machine"]
    stats = vma_stats(machine, machine.task.mm.vma_lookup(doc["events"][1]["ret"]))
    assert (stats.shared_clean, stats.private_clean) == (PAGE, 0)


def test_private_writable_file_populate_makes_every_page_anonymous():
    doc = run(DATA + "p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, "
                     "MAP_PRIVATE | MAP_POPULATE, fd, 0)")
    machine = doc["machine"]
    stats = vma_stats(machine, machine.task.mm.vma_lookup(last(doc)["ret"]))
    assert stats.anonymous == stats.rss == 3 * PAGE


def test_read_only_file_populate_leaves_anonymous_at_zero():
    doc = run(DATA + "p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)")
    machine = doc["machine"]
    stats = vma_stats(machine, machine.task.mm.vma_lookup(last(doc)["ret"]))
    assert (stats.anonymous, stats.rss) == (0, 3 * PAGE)


def test_map_fixed_over_the_middle_page_keeps_the_maps_line_and_zeroes_only_that_page():
    doc = run(f"p = mmap(NULL, 3 * 4096, {ANON_RW}); p[0] = 1; p[4096] = 2; p[8192] = 3; "
              "q = mmap(p + 4096, 4096, PROT_READ | PROT_WRITE, "
              "MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); "
              "a = p[0]; b = p[4096]; c = p[8192]")
    ev = events(doc)
    p = doc["events"][0]["ret"]
    before = row_at(doc["events"][3], p)
    after = row_at(last(doc), p)
    assert (after["start"], after["end"], after["perms"]) == \
        (before["start"], before["end"], before["perms"])
    assert (ev["a = p[0]"]["value"], ev["b = p[4096]"]["value"], ev["c = p[8192]"]["value"]) \
        == (1, 0, 3)


# -- the stack grows down ---------------------------------------------------------------------
def test_touching_just_below_the_stack_grows_it():
    doc = run("x = NULL[0x7ffffffdd000]")
    ev = last(doc)
    assert ev["signal"] is None and ev["value"] == 0
    stack = next(r for r in ev["maps"] if r["path"] == "[stack]")
    assert stack["start"] == 0x7FFFFFFDD000


def test_touching_far_below_the_stack_is_sigsegv():
    ev = last(run("x = NULL[0x7fffff000000]"))  # beyond RLIMIT_STACK's 8 MiB
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_MAPERR")
