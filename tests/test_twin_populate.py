# SPDX-License-Identifier: GPL-2.0-only
"""Populate, the page faults it makes, file mappings' ->mmap and huge pages, in the twin."""

import pytest
from simhelp import PAGE, MiB, last, row_at, run

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_ACCESSED,
    _PAGE_DIRTY,
    _PAGE_NX,
    _PAGE_PRESENT,
    _PAGE_PSE,
    _PAGE_RW,
    _PAGE_SPECIAL,
    _PAGE_USER,
)
from lab.kernel.arch.x86.kernel.sys_x86_64 import sys_mmap
from lab.kernel.default_world import default_machine
from lab.kernel.fs.proc.task_mmu import vma_stats
from lab.kernel.include.linux.hugetlb import hstate_sizelog
from lab.kernel.include.linux.mm import FAULT_FLAG_DEFAULT
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_TRIED,
    FAULT_FLAG_USER,
    FAULT_FLAG_WRITE,
    VM_FAULT_ERROR,
    VM_FAULT_RETRY,
    VM_FAULT_SIGBUS,
)
from lab.kernel.include.uapi import mman
from lab.kernel.machine import running
from lab.kernel.mm.memory import handle_mm_fault
from lab.kernel.mm_struct import MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES
from lab.kernel.pagetable import pte_pfn
from lab.kernel.physmem import ZERO_PFN

ANON_RW = "PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS"
DATA = 'fd = open("data.bin", O_RDWR, size=10000); '
FD_NONE = (1 << 64) - 1  # fd -1 as the kernel sees it
USER_READ = FAULT_FLAG_DEFAULT | FAULT_FLAG_USER
USER_WRITE = USER_READ | FAULT_FLAG_WRITE


def mapped(statements: str):
    """(maps row, VmaStats, machine) of the mapping the scenario's last statement made."""
    doc = run(statements)
    event = last(doc)
    assert event["errno"] is None, event
    machine = doc["machine"]
    vma = machine.task.mm.vma_lookup(event["ret"])
    return row_at(event, event["ret"]), vma_stats(machine, vma), machine


def fault(vma, addr: int, flags: int) -> int:
    """handle_mm_fault() as do_user_addr_fault() makes it: again after VM_FAULT_RETRY (the
    readahead that dropped mmap_lock), with FAULT_FLAG_TRIED."""
    ret = handle_mm_fault(vma, addr, flags, None)
    if ret & VM_FAULT_RETRY:
        ret = handle_mm_fault(vma, addr, flags | FAULT_FLAG_TRIED, None)
    return ret


def pte_at(machine, addr: int) -> int:
    return machine.task.mm.pgd.pte(addr)


# -- anonymous memory ------------------------------------------------------------------------
def test_populating_16_mib_anonymous_maps_4096_ptes_and_16_mib_of_rss():
    row, stats, machine = mapped(f"p = mmap(NULL, 16 * 1048576, {ANON_RW} | MAP_POPULATE, -1, 0)")
    assert row["present"] == 4096
    assert row["rss"] == stats.anonymous == 16 * MiB
    assert machine.task.mm.rss_stat[MM_ANONPAGES] == 4096


@pytest.mark.parametrize("prot,flags", [
    ("PROT_READ | PROT_WRITE", "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NONBLOCK"),
    ("PROT_NONE", "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE"),
])
def test_map_nonblock_or_prot_none_leaves_every_page_unpopulated(prot, flags):
    row, _, machine = mapped(f"p = mmap(NULL, 16 * 4096, {prot}, {flags}, -1, 0)")
    assert (row["present"], row["rss"]) == (0, 0)
    assert machine.task.mm.pgd.present_pages(row["start"], row["end"]) == 0


def test_populated_private_writable_ptes_are_present_writable_user_dirty_and_no_exec():
    row, _, machine = mapped(f"p = mmap(NULL, 2 * 4096, {ANON_RW} | MAP_POPULATE, -1, 0)")
    pte = pte_at(machine, row["start"])
    want = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX
    assert pte & want == want
    assert pte_pfn(pte) != ZERO_PFN


def test_prot_exec_populate_maps_ptes_without_nx():
    row, _, machine = mapped("p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, "
                             "MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    pte = pte_at(machine, row["start"])
    assert pte & _PAGE_PRESENT and not pte & _PAGE_NX and not pte & _PAGE_RW


def test_map_locked_within_the_memlock_limit_populates_locked_pages():
    row, _, _ = mapped(f"p = mmap(NULL, 65536, {ANON_RW} | MAP_LOCKED, -1, 0)")
    assert row["locked"] == row["rss"] == 65536 and row["present"] == 16


def test_read_of_untouched_memory_maps_the_zero_page_and_a_write_gives_a_private_frame():
    machine = default_machine()
    with running(machine):
        p = sys_mmap(0, 2 * PAGE, mman.PROT_READ | mman.PROT_WRITE,
                     mman.MAP_PRIVATE | mman.MAP_ANONYMOUS, FD_NONE, 0)
        mm = machine.task.mm
        vma = mm.vma_lookup(p)
        assert handle_mm_fault(vma, p + 123, USER_READ, None) == 0
        pte = pte_at(machine, p)
        assert pte_pfn(pte) == ZERO_PFN and pte & _PAGE_SPECIAL and not pte & _PAGE_RW
        stats = vma_stats(machine, vma)
        assert (stats.present, stats.rss) == (1, 0)
        assert machine.physmem.read_byte(pte_pfn(pte), 123) == 0

        handle_mm_fault(vma, p + 123, USER_WRITE, None)
        pte = pte_at(machine, p)
        assert pte_pfn(pte) != ZERO_PFN and pte & _PAGE_RW and pte & _PAGE_DIRTY
        assert not pte & _PAGE_SPECIAL
        stats = vma_stats(machine, vma)
        assert (stats.present, stats.rss, stats.anonymous) == (1, PAGE, PAGE)
        assert mm.rss_stat[MM_ANONPAGES] == 1
        assert vma.anon_vma is not None


def test_write_fault_on_a_never_touched_page_allocates_directly():
    machine = default_machine()
    with running(machine):
        p = sys_mmap(0, PAGE, mman.PROT_READ | mman.PROT_WRITE,
                     mman.MAP_PRIVATE | mman.MAP_ANONYMOUS, FD_NONE, 0)
        vma = machine.task.mm.vma_lookup(p)
        frames_before = machine.physmem.in_use
        handle_mm_fault(vma, p, USER_WRITE, None)
        assert machine.physmem.in_use == frames_before + 1
        assert pte_at(machine, p) & _PAGE_RW


# -- files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("pages,present", [(3, 3), (4, 3)])
def test_populate_of_a_10000_byte_private_file_stops_at_the_end_of_file(pages, present):
    row, stats, _ = mapped(DATA + f"p = mmap(NULL, {pages} * 4096, PROT_READ, "
                                  "MAP_PRIVATE | MAP_POPULATE, fd, 0)")
    assert row["end"] - row["start"] == pages * PAGE
    assert row["present"] == present and stats.anonymous == 0


def test_private_writable_file_populate_copies_every_page_into_anonymous_memory():
    row, stats, machine = mapped(DATA + "p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, "
                                        "MAP_PRIVATE | MAP_POPULATE, fd, 0)")
    assert stats.anonymous == stats.rss == 3 * PAGE
    assert machine.task.mm.rss_stat[MM_ANONPAGES] == 3
    assert machine.task.mm.rss_stat[MM_FILEPAGES] == 0
    # The page cache pages stay cached, held by the cache alone once copied.
    inode = machine.inodes["data.bin"]
    assert sorted(inode.pages) == [0, 1, 2]
    assert all(machine.physmem.refcount(pfn) == 1 for pfn in inode.pages.values())


def test_read_only_file_populate_maps_the_page_cache_pages_read_only():
    row, stats, machine = mapped(DATA + "p = mmap(NULL, 3 * 4096, PROT_READ, "
                                        "MAP_PRIVATE | MAP_POPULATE, fd, 0)")
    assert stats.anonymous == 0 and stats.rss == 3 * PAGE
    inode = machine.inodes["data.bin"]
    for i in range(3):
        pte = pte_at(machine, row["start"] + i * PAGE)
        assert pte_pfn(pte) == inode.pages[i] and not pte & _PAGE_RW


def test_reading_through_the_page_tables_finds_the_file_bytes_and_cow_copies_them():
    machine = default_machine()
    with running(machine):
        from lab.kernel.file import FMODE_READ, FMODE_WRITE, File, Inode, SuperBlock
        from lab.kernel.mm.filemap import ext4_file_operations

        inode = Inode(900, SuperBlock("ext4"), i_size=2 * PAGE, f_op=ext4_file_operations)
        inode.data[1] = bytearray(b"hello")
        machine.task.files[5] = File("hello.txt", inode, FMODE_READ | FMODE_WRITE)
        p = sys_mmap(0, 2 * PAGE, mman.PROT_READ | mman.PROT_WRITE,
                     mman.MAP_PRIVATE | mman.MAP_POPULATE, 5, 0)
        pte = pte_at(machine, p + PAGE)
        copy = pte_pfn(pte)
        assert copy != inode.pages[1]  # a private copy: the write fault broke COW
        assert bytes(machine.physmem.read_byte(copy, i) for i in range(5)) == b"hello"
        machine.physmem.write_byte(copy, 0, ord("j"))
        assert machine.physmem.read_byte(inode.pages[1], 0) == ord("h")


def test_shared_file_populate_maps_the_page_cache_and_counts_file_pages():
    row, stats, machine = mapped(DATA + "p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, "
                                        "MAP_SHARED | MAP_POPULATE, fd, 0)")
    assert row["present"] == 3 and stats.anonymous == 0
    assert machine.task.mm.rss_stat[MM_FILEPAGES] == 3


def test_user_fault_past_the_end_of_a_file_is_sigbus():
    machine = default_machine()
    with running(machine):
        from lab.kernel.file import FMODE_READ, File, Inode, SuperBlock
        from lab.kernel.mm.filemap import ext4_file_operations

        inode = Inode(901, SuperBlock("ext4"), i_size=100, f_op=ext4_file_operations)
        machine.task.files[5] = File("small", inode, FMODE_READ)
        p = sys_mmap(0, 2 * PAGE, mman.PROT_READ, mman.MAP_PRIVATE, 5, 0)
        vma = machine.task.mm.vma_lookup(p)
        assert not fault(vma, p, USER_READ) & VM_FAULT_ERROR
        assert fault(vma, p + PAGE, USER_READ) & VM_FAULT_SIGBUS
        assert vma_stats(machine, vma).present == 1


def test_map_sync_on_ext4_without_dax_is_eopnotsupp():
    doc = run(DATA + "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, "
                     "MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0)")
    assert last(doc)["errno"] == "EOPNOTSUPP"


# -- shared anonymous memory and tmpfs -------------------------------------------------------
def test_shared_anonymous_populate_fills_the_dev_zero_shmem_file():
    row, stats, machine = mapped("p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, "
                                 "MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0)")
    assert row["path"] == "/dev/zero (deleted)"
    assert row["present"] == 8 and stats.rss == 8 * PAGE and stats.anonymous == 0
    assert machine.task.mm.rss_stat[MM_SHMEMPAGES] == 8


def test_tmpfs_populate_stops_at_the_end_of_file():
    row, _, machine = mapped('fd = open("shm.bin", O_RDWR, size=8192, fs="tmpfs"); '
                             "p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, "
                             "MAP_SHARED | MAP_POPULATE, fd, 0)")
    assert row["present"] == 2
    assert machine.task.mm.rss_stat[MM_SHMEMPAGES] == 2


def test_shared_anonymous_memory_is_charged_up_front_but_noreserve_is_not():
    base = default_machine().vm_committed_as
    charged = run("p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, "
                  "MAP_SHARED | MAP_ANONYMOUS, -1, 0)")["machine"].vm_committed_as
    free = run("p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, "
               "MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)")["machine"].vm_committed_as
    assert (charged - base, free - base) == (16, 0)


# -- huge pages ------------------------------------------------------------------------------
HUGE = "PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB"


@pytest.mark.parametrize("log,size", [(0, 2 * MiB), (21, 2 * MiB), (30, 1 << 30), (22, None),
                                      (64, None)])
def test_hstate_sizelog_picks_the_huge_page_size(log, size):
    with running(default_machine()):
        h = hstate_sizelog(log)
        assert (h.size if h else None) == size


def test_hugetlb_without_huge_pages_is_enomem():
    assert last(run(f"p = mmap(NULL, 4096, {HUGE}, -1, 0)"))["errno"] == "ENOMEM"


def test_hugetlb_noreserve_without_huge_pages_maps_a_2_mib_vma_and_populates_nothing():
    row, _, _ = mapped(f"p = mmap(NULL, 4096, {HUGE} | MAP_NORESERVE | MAP_POPULATE, -1, 0)")
    assert row["path"] == "/anon_hugepage (deleted)"
    assert row["end"] - row["start"] == 2 * MiB and row["present"] == 0
    assert "ht" in row["vmflags"]


def test_two_reserved_huge_pages_give_a_4096_byte_request_an_aligned_2_mib_vma():
    row, _, machine = mapped(f'sysctl("vm.nr_hugepages", 2); p = mmap(NULL, 4096, {HUGE}, -1, 0)')
    assert row["end"] - row["start"] == 2 * MiB and row["start"] % (2 * MiB) == 0
    h = machine.default_hstate
    assert (h.free_huge_pages, h.resv_huge_pages) == (2, 1)


def test_populating_a_huge_page_uses_up_its_reservation_and_maps_one_pmd():
    row, _, machine = mapped(f'sysctl("vm.nr_hugepages", 2); '
                             f"p = mmap(NULL, 4096, {HUGE} | MAP_POPULATE, -1, 0)")
    h = machine.default_hstate
    assert (h.free_huge_pages, h.resv_huge_pages) == (1, 0)
    assert row["hugetlb"] == 2 * MiB and row["present"] == 512 and row["rss"] == 0
    pmd = pte_at(machine, row["start"])
    assert pmd & (_PAGE_PRESENT | _PAGE_PSE | _PAGE_RW) == _PAGE_PRESENT | _PAGE_PSE | _PAGE_RW


def test_reserving_more_huge_pages_than_are_free_is_enomem():
    doc = run(f'sysctl("vm.nr_hugepages", 1); p = mmap(NULL, 4 * 1048576, {HUGE}, -1, 0)')
    assert last(doc)["errno"] == "ENOMEM"


HUGETLBFS = 'sysctl("vm.nr_hugepages", 2); fd = open("h", O_RDWR, size=0, fs="hugetlbfs"); '


def test_hugetlbfs_file_mapping_is_rounded_up_to_an_aligned_huge_page():
    row, _, machine = mapped(HUGETLBFS + "p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, "
                                         "MAP_SHARED, fd, 0)")
    assert row["start"] % (2 * MiB) == 0 and row["end"] - row["start"] == 2 * MiB
    assert row["path"] == "h"
    assert machine.default_hstate.resv_huge_pages == 1  # the inode's shared reservation


def test_hugetlbfs_map_fixed_at_an_unaligned_address_is_einval():
    fixed = "mmap(0x7f0000001000, 2097152, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0)"
    assert last(run(HUGETLBFS + fixed))["errno"] == "EINVAL"


def test_hugetlb_get_unmapped_area_refuses_a_length_that_is_no_huge_page_multiple():
    from lab.kernel.arch.x86.mm.hugetlbpage import hugetlb_get_unmapped_area

    doc = run(HUGETLBFS)
    machine = doc["machine"]
    with running(machine):
        file = machine.task.files[3]
        assert hugetlb_get_unmapped_area(file, 0, PAGE, 0, mman.MAP_SHARED) == -22
        addr = hugetlb_get_unmapped_area(file, 0, 2 * MiB, 0, mman.MAP_SHARED)
        assert addr % (2 * MiB) == 0 and addr < machine.task.mm.mmap_base


# -- write-protect faults (what memory accesses will take) -----------------------------------
def _file_machine(size: int, flags: int, prot: int):
    from lab.kernel.file import FMODE_READ, FMODE_WRITE, File, Inode, SuperBlock
    from lab.kernel.mm.filemap import ext4_file_operations

    machine = default_machine()
    inode = Inode(902, SuperBlock("ext4"), i_size=size, f_op=ext4_file_operations)
    inode.data[0] = bytearray(b"abc")
    machine.task.files[5] = File("f", inode, FMODE_READ | FMODE_WRITE)
    with running(machine):
        p = sys_mmap(0, PAGE, prot, flags, 5, 0)
    return machine, inode, p


def test_write_after_read_on_a_private_file_page_copies_it():
    machine, inode, p = _file_machine(PAGE, mman.MAP_PRIVATE, mman.PROT_READ | mman.PROT_WRITE)
    with running(machine):
        mm = machine.task.mm
        vma = mm.vma_lookup(p)
        fault(vma, p, USER_READ)
        assert pte_pfn(pte_at(machine, p)) == inode.pages[0]
        assert not pte_at(machine, p) & _PAGE_RW
        assert (mm.rss_stat[MM_FILEPAGES], mm.rss_stat[MM_ANONPAGES]) == (1, 0)
        fault(vma, p, USER_WRITE)
        pte = pte_at(machine, p)
        assert pte & _PAGE_RW and pte_pfn(pte) != inode.pages[0]
        assert (mm.rss_stat[MM_FILEPAGES], mm.rss_stat[MM_ANONPAGES]) == (0, 1)
        assert machine.physmem.read_byte(pte_pfn(pte), 2) == ord("c")
        assert machine.physmem.refcount(inode.pages[0]) == 1


def test_write_after_read_on_a_shared_file_page_makes_it_writable_and_dirty():
    machine, inode, p = _file_machine(PAGE, mman.MAP_SHARED, mman.PROT_READ | mman.PROT_WRITE)
    with running(machine):
        vma = machine.task.mm.vma_lookup(p)
        fault(vma, p, USER_READ)
        assert not pte_at(machine, p) & _PAGE_RW  # ext4 wants to know of the first write
        fault(vma, p, USER_WRITE)
        pte = pte_at(machine, p)
        assert pte & _PAGE_RW and pte_pfn(pte) == inode.pages[0]
        assert inode.dirty == {0}
