# SPDX-License-Identifier: GPL-2.0-only
"""mprotect(2): splits and merges, the VM_MAY* checks, and what happens to the PTEs."""

from simhelp import PAGE, last, row_at, run

from lab.kernel.arch.x86.include.asm.pgtable import _PAGE_PRESENT, _PAGE_PROTNONE, _PAGE_RW
from lab.kernel.pagetable import pte_pfn

ANON4 = ("p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); "
         "p[0] = 1; p[4096] = 2; ")


def rows(doc: dict, base: int, size: int = 4 * PAGE) -> list[tuple[int, int, str]]:
    return [(r["start"] - base, r["end"] - base, r["perms"]) for r in last(doc)["maps"]
            if base <= r["start"] and r["end"] <= base + size]


def test_mprotect_of_the_middle_splits_the_vma_in_three():
    doc = run(ANON4 + "r = mprotect(p + 4096, 2 * 4096, PROT_READ)")
    p = doc["events"][0]["ret"]
    assert last(doc)["ret"] == 0
    assert rows(doc, p) == [(0, PAGE, "rw-p"), (PAGE, 3 * PAGE, "r--p"), (3 * PAGE, 4 * PAGE,
                                                                          "rw-p")]


def test_mprotect_back_to_the_old_protection_merges_the_pieces_again():
    doc = run(ANON4 + "a = mprotect(p + 4096, 2 * 4096, PROT_READ); "
                      "b = mprotect(p + 4096, 2 * 4096, PROT_READ | PROT_WRITE)")
    p = doc["events"][0]["ret"]
    assert rows(doc, p) == [(0, 4 * PAGE, "rw-p")]
    assert doc["machine"].task.mm.map_count == len(doc["machine"].task.mm.vmas)


def test_making_a_page_read_only_clears_rw_in_its_pte_and_a_write_is_sigsegv():
    doc = run(ANON4 + "r = mprotect(p, 4096, PROT_READ); x = p[0]")
    machine, p = doc["machine"], doc["events"][0]["ret"]
    pte = machine.task.mm.pgd.pte(p)
    assert pte & _PAGE_PRESENT and not pte & _PAGE_RW
    assert last(doc)["value"] == 1
    ev = last(run(ANON4 + "r = mprotect(p, 4096, PROT_READ); p[0] = 5"))
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_ACCERR")


def test_making_an_exclusive_dirty_anonymous_page_writable_again_sets_rw_at_once():
    doc = run(ANON4 + "a = mprotect(p, 4096, PROT_READ); b = mprotect(p, 4096, PROT_READ | "
                      "PROT_WRITE)")
    assert doc["machine"].task.mm.pgd.pte(doc["events"][0]["ret"]) & _PAGE_RW


def test_a_private_file_page_made_writable_stays_read_only_until_its_cow_fault():
    doc = run('fd = open("data.bin", O_RDWR, size=8192); '
              "p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0); x = p[0]; "
              "r = mprotect(p, 8192, PROT_READ | PROT_WRITE)")
    machine, p = doc["machine"], doc["events"][1]["ret"]
    cached = machine.inodes["data.bin"].pages[0]
    assert pte_pfn(machine.task.mm.pgd.pte(p)) == cached
    assert not machine.task.mm.pgd.pte(p) & _PAGE_RW
    doc = run('fd = open("data.bin", O_RDWR, size=8192); '
              "p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0); x = p[0]; "
              "r = mprotect(p, 8192, PROT_READ | PROT_WRITE); p[0] = 4")
    machine = doc["machine"]
    pte = machine.task.mm.pgd.pte(p)
    assert pte & _PAGE_RW and pte_pfn(pte) != machine.inodes["data.bin"].pages[0]


def test_prot_none_keeps_the_pages_but_makes_them_inaccessible():
    doc = run(ANON4 + "r = mprotect(p, 4 * 4096, PROT_NONE)")
    machine, p = doc["machine"], doc["events"][0]["ret"]
    pte = machine.task.mm.pgd.pte(p)
    assert pte & _PAGE_PROTNONE and not pte & _PAGE_PRESENT
    assert row_at(last(doc), p)["rss"] == 2 * PAGE  # smaps still counts them
    ev = last(run(ANON4 + "r = mprotect(p, 4 * 4096, PROT_NONE); x = p[0]"))
    assert (ev["signal"], ev["si_code"]) == ("SIGSEGV", "SEGV_ACCERR")
    assert last(run(ANON4 + "r = mprotect(p, 4 * 4096, PROT_NONE); "
                            "s = mprotect(p, 4 * 4096, PROT_READ); x = p[4096]"))["value"] == 2


def test_prot_write_on_a_read_only_shared_file_mapping_is_eacces():
    doc = run('fd = open("ro.bin", O_RDONLY, size=8192); '
              "p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0); "
              "r = mprotect(p, 8192, PROT_READ | PROT_WRITE)")
    assert last(doc)["errno"] == "EACCES"


def test_prot_exec_on_a_noexec_file_mapping_is_eacces():
    doc = run('fd = open("tool.bin", O_RDONLY, size=8192, noexec=True); '
              "p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0); "
              "r = mprotect(p, 8192, PROT_READ | PROT_EXEC)")
    assert last(doc)["errno"] == "EACCES"


def test_mprotect_over_a_hole_is_enomem():
    assert last(run("r = mprotect(0x10000000, 4096, PROT_READ)"))["errno"] == "ENOMEM"


def test_mprotect_running_into_a_hole_changes_the_part_before_it_and_is_enomem():
    doc = run(ANON4 + "u = munmap(p + 2 * 4096, 4096); r = mprotect(p, 4 * 4096, PROT_READ)")
    p = doc["events"][0]["ret"]
    assert last(doc)["errno"] == "ENOMEM"
    assert rows(doc, p) == [(0, 2 * PAGE, "r--p"), (3 * PAGE, 4 * PAGE, "rw-p")]


def test_unaligned_mprotect_is_einval_and_length_zero_is_a_no_op():
    assert last(run(ANON4 + "r = mprotect(p + 1, 4096, PROT_READ)"))["errno"] == "EINVAL"
    assert last(run(ANON4 + "r = mprotect(p, 0, PROT_READ)"))["ret"] == 0
