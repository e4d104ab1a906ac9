# SPDX-License-Identifier: GPL-2.0-only
"""Folding: the lab's one shortcut, doing the later rounds of a long populate in bulk.

Populating a gigabyte is 262,144 rounds of __get_user_pages' loop, each a full page fault.
After the first `fold_after` rounds have run through the twin (and been recorded, when
stepping), `populate_rest` does what the remaining rounds would do, in one go: the same
frames in the same order, the same PTE values, the same counters. It only takes the cases
whose rounds are all alike (a private anonymous VMA with no pages yet), and only when the
rounds already run show what a round does; anything else keeps running round by round.
The learner sees one summary step ("folded 262,140 more rounds ...") in its place.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import _PAGE_PRESENT, PAGE_SHIFT, PAGE_SIZE
from lab.kernel.include.linux.mm import FOLL_WRITE, VM_HUGETLB, VM_SHARED
from lab.kernel.machine import kernel
from lab.kernel.mm_struct import MM_ANONPAGES, MM_SHMEMPAGES, MmStruct, VmAreaStruct
from lab.kernel.pagetable import PTE_PFN_MASK, pte_pfn
from lab.kernel.physmem import FRAME_ANON, FRAME_FILE, ZERO_PFN


@dataclass
class FoldPolicy:
    enabled: bool = True
    fold_after: int = 4  # rounds run one by one before the rest is done in bulk


POLICY = FoldPolicy()
#: Code objects of the bulk functions: a recorder shows a call to one as a single fold step.
FOLD_CODES: set = set()


def _fold_function(fn):
    FOLD_CODES.add(fn.__code__)
    return fn


def wanted(rounds_done: int) -> bool:
    return POLICY.enabled and rounds_done >= POLICY.fold_after


@_fold_function
def populate_rest(mm: MmStruct, vma: VmAreaStruct, start: int, nr_pages: int, gup_flags: int,
                  i: int, pages, vmas) -> tuple[int, int, int]:
    """Fault in the rest of `vma` from `start` as __get_user_pages' rounds would.

    Returns the loop's (i, start, nr_pages) after the folded rounds; unchanged when the
    case is not one whose rounds are known to be alike.
    """
    unchanged = (i, start, nr_pages)
    if pages is not None or vmas is not None or vma.vm_flags & VM_HUGETLB \
            or not vma.vm_start < start < vma.vm_end:
        return unchanged
    if vma.vm_flags & VM_SHARED and _is_shmem(vma):
        return _populate_shmem(mm, vma, start, nr_pages, gup_flags, i)
    if vma.vm_file is not None or vma.vm_ops is not None or vma.vm_flags & VM_SHARED:
        return unchanged
    pgd = mm.pgd
    last = pgd.pte(start - PAGE_SIZE)  # what the round before this one made
    if not last & _PAGE_PRESENT:
        return unchanged
    stop = min(start + nr_pages * PAGE_SIZE, vma.vm_end)
    if next(pgd.leaves(start, stop), None) is not None:
        return unchanged  # some pages are there already: their rounds differ
    zero_page = pte_pfn(last) == ZERO_PFN
    if zero_page == bool(gup_flags & FOLL_WRITE):
        return unchanged  # a read round maps the zero page, a write round a new frame
    n = (stop - start) >> PAGE_SHIFT
    template = last & ~PTE_PFN_MASK
    if zero_page:  # do_anonymous_page's read fault: the zero page, no counter moves
        pgd.set_range(start, [template | (ZERO_PFN << PAGE_SHIFT)] * n)
    else:  # its write fault: a zeroed frame each, MM_ANONPAGES + 1 each
        physmem = kernel.physmem
        if n > physmem.free_pages:
            # RAM runs out within these rounds: the round that finds no frame runs the OOM
            # killer, whose reaper at once unmaps what the rounds before it mapped. So none
            # is built: the rounds that fit are counted, and the next round (the twin's
            # own) stops at the pending SIGKILL.
            from lab.kernel.mm.oom_kill import out_of_memory

            fit = max(physmem.free_pages, 0)
            out_of_memory()
            return i + fit, start + fit * PAGE_SIZE, nr_pages - fit
        if physmem.free_list:
            pfns = [physmem.alloc(FRAME_ANON) for _ in range(n)]
        else:
            first = physmem.alloc_bulk(n, FRAME_ANON)
            pfns = range(first, first + n)
        pgd.set_range(start, [template | (pfn << PAGE_SHIFT) for pfn in pfns])
        mm.rss_stat[MM_ANONPAGES] += n
    return i + n, stop, nr_pages - n


def _is_shmem(vma: VmAreaStruct) -> bool:
    from lab.kernel.mm.shmem import shmem_fault

    return vma.vm_file is not None and vma.vm_ops is not None and vma.vm_ops.fault is shmem_fault


def _populate_shmem(mm: MmStruct, vma: VmAreaStruct, start: int, nr_pages: int,
                    gup_flags: int, i: int) -> tuple[int, int, int]:
    """The rounds of a shared shmem populate (MAP_SHARED | MAP_ANONYMOUS, tmpfs) over pages
    not in the page cache yet: each allocates a zeroed page, caches it (two references: the
    cache's and the mapping's), dirties it on a write, charges it when the object is
    VM_NORESERVE, and maps it with the PTE the round before made.

    It stops where a round would do something else: at the end of the file (a SIGBUS), and
    where RAM runs out (the next round, the twin's own, calls the OOM killer; the pages
    mapped before stay, as the reaper leaves shared memory). With overcommit never, a
    VM_NORESERVE object runs round by round: each round's charge may be the one refused.
    """
    from lab.kernel.include.linux.mm import VM_NORESERVE
    from lab.kernel.include.uapi.mman import OVERCOMMIT_NEVER

    unchanged = (i, start, nr_pages)
    pgd, physmem = mm.pgd, kernel.physmem
    inode = vma.vm_file.f_mapping
    last = pgd.pte(start - PAGE_SIZE)  # what the round before this one made
    prev = vma.vm_pgoff + ((start - PAGE_SIZE - vma.vm_start) >> PAGE_SHIFT)
    frame = inode.pages.get(prev)
    write = bool(gup_flags & FOLL_WRITE)
    if not last & _PAGE_PRESENT or frame is None or pte_pfn(last) != frame \
            or physmem.refcount(frame) != 2 or (prev in inode.dirty) != write:
        return unchanged  # not a round that made a fresh page
    noreserve = bool(inode.shmem_flags & VM_NORESERVE)
    if noreserve and kernel.sysctl_overcommit_memory == OVERCOMMIT_NEVER:
        return unchanged
    first = prev + 1
    stop = min(start + nr_pages * PAGE_SIZE, vma.vm_end)
    in_file = max(0, -(-inode.i_size >> PAGE_SHIFT) - first)  # a page past EOF is SIGBUS
    n = min((stop - start) >> PAGE_SHIFT, in_file, max(physmem.free_pages, 0))
    if n <= 0 or next(pgd.leaves(start, start + n * PAGE_SIZE), None) is not None \
            or any(map(inode.pages.__contains__, range(first, first + n))):
        return unchanged
    if physmem.free_list:
        pfns: range | list[int] = [physmem.alloc(FRAME_FILE) for _ in range(n)]
        for pfn in pfns:
            physmem.get(pfn)
    else:
        base = physmem.alloc_bulk(n, FRAME_FILE, refs=2)
        pfns = range(base, base + n)
    inode.pages.update(zip(range(first, first + n), pfns))
    for index in [k for k in inode.data if first <= k < first + n]:  # bytes written before
        physmem.data[inode.pages[index]] = \
            bytearray(inode.data[index][:PAGE_SIZE].ljust(PAGE_SIZE, b"\0"))
    if write:
        inode.dirty.update(range(first, first + n))
    if noreserve:  # shmem_acct_block(): a page a round, each allowed (vm_acct_memory())
        kernel.vm_committed_as += n
    template = last & ~PTE_PFN_MASK
    pgd.set_range(start, [template | (pfn << PAGE_SHIFT) for pfn in pfns])
    mm.rss_stat[MM_SHMEMPAGES] += n
    return i + n, start + n * PAGE_SIZE, nr_pages - n
