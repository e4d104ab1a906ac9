# SPDX-License-Identifier: GPL-2.0-only
"""What /proc/PID/maps, smaps and pagemap show (fs/proc/task_mmu.c), read off the model.

`maps_line` prints a VMA as show_map_vma() does; `vma_stats` counts what smaps and pagemap
report for it: Rss (present pages other than the zero page, hugetlb pages excluded),
Anonymous, Locked, the *_Hugetlb bytes, Shared/Private_Clean/Dirty, and the number of
present PTEs as pagemap sees them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_DIRTY,
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    PAGE_SHIFT,
    PAGE_SIZE,
)
from lab.kernel.include.linux.mm import (
    VM_EXEC,
    VM_HUGETLB,
    VM_LOCKED,
    VM_MAYSHARE,
    VM_READ,
    VM_WRITE,
    smaps_vmflags,
)
from lab.kernel.machine import Machine
from lab.kernel.mm_struct import VmAreaStruct
from lab.kernel.pagetable import pte_pfn
from lab.kernel.physmem import FRAME_ANON, ZERO_PFN

# st_dev as maps prints it: the lab's ext4 disk, tmpfs/shmem and hugetlbfs
_DEV = {"ext4": "08:01", "tmpfs": "00:1a", "shmem": "00:01", "hugetlbfs": "00:0f",
        "devtmpfs": "00:05"}


def vma_perms(vma: VmAreaStruct) -> str:
    f = vma.vm_flags
    return ("r" if f & VM_READ else "-") + ("w" if f & VM_WRITE else "-") + \
        ("x" if f & VM_EXEC else "-") + ("s" if f & VM_MAYSHARE else "p")


def vma_path(vma: VmAreaStruct) -> str:
    """The name column of maps: file path, [heap]-style name, or "" for anonymous memory."""
    if vma.vm_file is not None:
        return vma.vm_file.path + (" (deleted)" if vma.vm_file.deleted else "")
    return vma.name or ""


def maps_offset(vma: VmAreaStruct) -> int:
    """show_map_vma() prints vm_pgoff only for file mappings; anonymous memory shows 0."""
    return vma.vm_pgoff << PAGE_SHIFT if vma.vm_file is not None else 0


def maps_line(vma: VmAreaStruct) -> str:
    if vma.vm_file is not None:
        inode = vma.vm_file.f_inode
        dev, ino = _DEV.get(inode.sb.fs_type, "00:00"), inode.ino
    else:
        dev, ino = "00:00", 0
    prefix = (f"{vma.vm_start:08x}-{vma.vm_end:08x} {vma_perms(vma)} "
              f"{maps_offset(vma):08x} {dev} {ino} ")
    path = vma_path(vma)
    return (prefix.ljust(73) + path) if path else prefix.rstrip() + " "


@dataclass(frozen=True)
class VmaStats:
    rss: int  # bytes
    anonymous: int  # bytes
    locked: int  # bytes
    hugetlb: int  # bytes, Private_Hugetlb + Shared_Hugetlb
    present: int  # pages with a present PTE (pagemap), the zero page included
    # smaps' split of Rss: a page mapped more than once is shared (page_mapcount() >= 2),
    # dirty if its PTE or the page itself is (a file page written and not yet written back)
    shared_clean: int = 0
    shared_dirty: int = 0
    private_clean: int = 0
    private_dirty: int = 0


PSS_SHIFT = 12  # fs/proc/task_mmu.c: fixed-point precision of the proportional sizes


def _mapcounts(machine: Machine) -> dict[int, int]:
    """page_mapcount() of the file pages: how many PTEs of the mm map each frame."""
    counts: dict[int, int] = {}
    mm = machine.task.mm
    for vma in mm.vmas:
        if vma.vm_file is None or vma.vm_flags & VM_HUGETLB:
            continue
        for _, entry, _ in mm.pgd.leaves(vma.vm_start, vma.vm_end):
            if entry & (_PAGE_PRESENT | _PAGE_PROTNONE):
                pfn = pte_pfn(entry)
                counts[pfn] = counts.get(pfn, 0) + 1
    return counts


def vma_stats(machine: Machine, vma: VmAreaStruct, smaps_detail: bool = True) -> VmaStats:
    """What smaps and pagemap say of vma; `smaps_detail` False skips the Shared/Private split
    (it needs every file page's mapcount)."""
    mm = machine.task.mm
    physmem = machine.physmem
    rss = anon = hugetlb = present = 0
    split = {"shared_clean": 0, "shared_dirty": 0, "private_clean": 0, "private_dirty": 0}
    locked_vma = bool(vma.vm_flags & VM_LOCKED)
    wants_counts = (smaps_detail or locked_vma) and vma.vm_file is not None
    counts = _mapcounts(machine) if wants_counts else {}
    pss_locked = 0  # smaps_account(): Locked is proportional, in 1/2^PSS_SHIFT bytes
    inode = vma.vm_file.f_inode if vma.vm_file is not None else None
    for base, size, block in mm.pgd.leaf_blocks(vma.vm_start, vma.vm_end):
        shift = size.bit_length() - 1
        # Without a file no entry needs its address: alike entries (the zero page's) are
        # counted together, so a table costs its distinct values, not its 512 entries.
        if inode is None:
            alike = ((entry, n, None) for entry, n in Counter(block.values()).items())
        else:
            alike = ((entry, 1, base + (i << shift)) for i, entry in block.items())
        for entry, n, addr in alike:
            if not entry & (_PAGE_PRESENT | _PAGE_PROTNONE):  # pte_present(): PROT_NONE too
                continue
            pages = n * (size // PAGE_SIZE)
            present += pages
            if vma.vm_flags & VM_HUGETLB:
                hugetlb += n * size
                continue
            pfn = pte_pfn(entry)
            if pfn == ZERO_PFN:  # vm_normal_page() skips the zero page: not in Rss
                continue
            rss += n * size
            if locked_vma:
                pss_locked += n * ((size << PSS_SHIFT) // max(counts.get(pfn, 1), 1))
            is_anon = physmem.kind(pfn) == FRAME_ANON
            if is_anon:
                anon += n * size
            if smaps_detail:
                dirty = bool(entry & _PAGE_DIRTY)
                if not is_anon and inode is not None:
                    index = vma.vm_pgoff + ((addr - vma.vm_start) >> PAGE_SHIFT)
                    dirty = dirty or (inode.pages.get(index) == pfn and index in inode.dirty)
                shared = not is_anon and counts.get(pfn, 1) >= 2
                kind = ("shared_" if shared else "private_") + ("dirty" if dirty else "clean")
                split[kind] += n * size
    locked = (pss_locked >> PSS_SHIFT) >> 10 << 10  # smaps prints whole kB
    return VmaStats(rss, anon, locked, hugetlb, present, **split)


def maps_row(machine: Machine, vma: VmAreaStruct) -> dict:
    """One row of `mmaplab run --json`'s "maps" (design notes, section 5)."""
    st = vma_stats(machine, vma, smaps_detail=False)
    return {
        "start": vma.vm_start,
        "end": vma.vm_end,
        "perms": vma_perms(vma),
        "offset": maps_offset(vma),
        "path": vma_path(vma),
        "rss": st.rss,
        "locked": st.locked,
        "present": st.present,
        "hugetlb": st.hugetlb,
        "vmflags": smaps_vmflags(vma.vm_flags),
    }


def maps_rows(machine: Machine) -> list[dict]:
    """The whole simulated /proc/PID/maps, sorted, the gate VMA ([vsyscall]) last."""
    mm = machine.task.mm
    rows = [maps_row(machine, vma) for vma in mm.vmas]
    if mm.gate_vma is not None:
        rows.append(maps_row(machine, mm.gate_vma))
    return rows
