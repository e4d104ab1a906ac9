# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/memory.c: the page-fault core, from handle_mm_fault() to the PTE it sets.

What the lab models of a fault: anonymous pages (the shared zero page for reads, a private
zeroed frame for writes), file pages read into the page cache and mapped (do_read_fault),
copied for a private write (do_cow_fault, wp_page_copy) or shared (do_shared_fault), and
write-protect faults (do_wp_page). Transparent huge pages are not modelled: Debian's default
"madvise" gives them only to MADV_HUGEPAGE regions, which no scenario makes; hugetlb VMAs
take hugetlb_fault() in mm/hugetlb.py.

A read fault on a file maps the cached pages around it too (fault-around: do_fault_around()
with the default fault_around_bytes, 64 KiB, so up to 16 pages in the aligned window, within
the VMA and the file). A fault that finds nothing cached reads a readahead window first (see
mm/filemap.py) and is made again; the second time fault-around maps what came in.

A pointer to a page-table entry is, in the lab, the mm's PageTable together with the fault's
address: vmf.pud, vmf.pmd and vmf.pte hold the PageTable (or None, C's NULL), and the entry
is looked up by vmf.address. Leaf entries change only through PageTable.set_pte / set_huge_pmd
so that a recorder sees every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_ACCESSED,
    _PAGE_DIRTY,
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    _PAGE_PSE,
    _PAGE_RW,
    _PAGE_SOFT_DIRTY,
    _PAGE_SPECIAL,
    PAGE_MASK,
    PAGE_SHIFT,
    PAGE_SIZE,
    PGDIR_MASK,
    PGDIR_SHIFT,
    PGDIR_SIZE,
    PMD_MASK,
    PMD_SHIFT,
    PMD_SIZE,
    PTRS_PER_PTE,
    PUD_MASK,
    PUD_SHIFT,
    PUD_SIZE,
)
from lab.kernel.file import File, Inode
from lab.kernel.include.linux.hugetlb import is_vm_hugetlb_page
from lab.kernel.include.linux.mm import (
    FOLL_HWPOISON,
    VM_ACCESS_FLAGS,
    VM_GROWSDOWN,
    VM_MAYWRITE,
    VM_MIXEDMAP,
    VM_PFNMAP,
    VM_SHARED,
    VM_SOFTDIRTY,
    VM_WRITE,
)
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_ALLOW_RETRY,
    FAULT_FLAG_INSTRUCTION,
    FAULT_FLAG_MKWRITE,
    FAULT_FLAG_ORIG_PTE_VALID,
    FAULT_FLAG_REMOTE,
    FAULT_FLAG_RETRY_NOWAIT,
    FAULT_FLAG_TRIED,
    FAULT_FLAG_UNSHARE,
    FAULT_FLAG_USER,
    FAULT_FLAG_WRITE,
    VM_FAULT_COMPLETED,
    VM_FAULT_DONE_COW,
    VM_FAULT_ERROR,
    VM_FAULT_HWPOISON,
    VM_FAULT_HWPOISON_LARGE,
    VM_FAULT_LOCKED,
    VM_FAULT_NOPAGE,
    VM_FAULT_OOM,
    VM_FAULT_RETRY,
    VM_FAULT_SIGBUS,
    VM_FAULT_SIGSEGV,
    VM_FAULT_WRITE,
)
from lab.kernel.include.uapi.errno import EFAULT, EHWPOISON, ENOMEM
from lab.kernel.machine import current, kernel
from lab.kernel.mm_struct import (
    MM_ANONPAGES,
    MM_FILEPAGES,
    MM_SHMEMPAGES,
    AnonVma,
    MmStruct,
    VmAreaStruct,
)
from lab.kernel.pagetable import PageTable, Table, index_at, pte_pfn
from lab.kernel.physmem import FRAME_ANON, FRAME_HUGE, ZERO_PFN
from lab.kernel.twin import ULONG_MAX, goto_label, kernel_function, not_modelled, ulong

GFP_KERNEL = GFP_HIGHUSER_MOVABLE = 0  # allocation flags: the lab's allocator takes none

#: mm/memory.c: fault-around's window, 64 KiB (the debugfs knob fault_around_bytes).
fault_around_bytes = 65536


@dataclass(slots=True, eq=False)
class VmFault:
    """struct vm_fault (include/linux/mm.h): what one fault is about, passed down the handlers.

    page and cow_page are PFNs. pud, pmd and pte are "pointers" into the page tables: the
    mm's PageTable, with the entry picked by `address` (None is C's NULL).
    """

    vma: VmAreaStruct
    address: int  # page-aligned
    real_address: int
    flags: int
    pgoff: int
    gfp_mask: int = 0
    pud: PageTable | None = None
    pmd: PageTable | None = None
    orig_pmd: object = None
    pte: PageTable | None = None
    orig_pte: int = 0
    ptl: object = None
    page: int | None = None
    cow_page: int | None = None
    prealloc_pte: object = None


class KernelBug(AssertionError):
    """The kernel would have hit BUG(): the model reached a state the C rules out."""


def BUG() -> None:  # noqa: N802  (the kernel's macro name)
    raise KernelBug("BUG()")


# -- helpers of include/linux/mm.h, pgtable.h and asm/pgtable.h -------------------------------
def vma_is_anonymous(vma: VmAreaStruct) -> bool:
    return vma.vm_ops is None


def vma_is_accessible(vma: VmAreaStruct) -> bool:
    return bool(vma.vm_flags & VM_ACCESS_FLAGS)


def is_cow_mapping(vm_flags: int) -> bool:
    return vm_flags & (VM_SHARED | VM_MAYWRITE) == VM_MAYWRITE


def linear_page_index(vma: VmAreaStruct, address: int) -> int:
    return ((address - vma.vm_start) >> PAGE_SHIFT) + vma.vm_pgoff


def arch_vma_access_permitted(vma, write, execute, foreign) -> bool:
    """x86 protection keys: every lab VMA has key 0, which PKRU always allows."""
    return True


def hugepage_vma_check(vma, vm_flags, smaps, in_pf, enforce_sysfs) -> bool:
    """mm/huge_memory.c: may this fault use a transparent huge page?

    Not in the lab: Debian's default (transparent_hugepage=madvise) allows THP only in
    MADV_HUGEPAGE regions, and the lab has no madvise().
    """
    return False


def fatal_signal_pending(task) -> bool:
    """A SIGKILL is pending: the OOM killer chose this process (lab/kernel/mm/oom_kill.py)."""
    from lab.kernel.kernel import signal

    return signal.fatal_signal_pending(task)


def check_stable_address_space(mm: MmStruct) -> int:
    """0: the lab's mm is never being torn down by the OOM reaper."""
    return 0


def userfaultfd_missing(vma: VmAreaStruct) -> bool:
    return False  # no userfaultfd registrations in the lab


def uffd_disable_fault_around(vma: VmAreaStruct) -> bool:
    return False


def mm_forbids_zeropage(mm: MmStruct) -> bool:
    return False  # only s390 KVM guests forbid it


def PageHWPoison(page) -> bool:  # noqa: N802
    return False  # no memory errors in the lab


def PageTransCompound(page) -> bool:  # noqa: N802
    return False  # no THP in the lab (see hugepage_vma_check)


# The page-table walk, read-only: the entry for addr at the PUD or PMD level (a Table, a leaf
# int, or None). Unrolled: populate walks a gigabyte page by page.
def _upper_entry(pgtable: PageTable, addr: int, shift: int):
    entry = pgtable.pgd.entries.get((addr >> PGDIR_SHIFT) & 511)
    if entry.__class__ is not Table:
        return None
    entry = entry.entries.get((addr >> PUD_SHIFT) & 511)
    if shift == PUD_SHIFT or entry.__class__ is not Table:
        return entry if shift == PUD_SHIFT else None
    return entry.entries.get((addr >> PMD_SHIFT) & 511)


def pgd_offset(mm: MmStruct, address: int) -> PageTable:
    return mm.pgd


def p4d_alloc(mm: MmStruct, pgd: PageTable, address: int) -> PageTable:
    return pgd  # 4-level paging: the P4D level is folded into the PGD


def pud_alloc(mm: MmStruct, p4d: PageTable, address: int) -> PageTable:
    return p4d  # upper tables are made with the PTE table, in pte_alloc()


def pmd_alloc(mm: MmStruct, pud: PageTable, address: int) -> PageTable:
    return pud


def pud_none(pud: PageTable, address: int) -> bool:
    return _upper_entry(pud, address, PUD_SHIFT) is None


def pmd_none(pmd: PageTable, address: int) -> bool:
    return _upper_entry(pmd, address, PMD_SHIFT) is None


def pmd_present(pmd: PageTable, address: int) -> bool:
    return _upper_entry(pmd, address, PMD_SHIFT) is not None


def _is_huge_leaf(entry) -> bool:
    return isinstance(entry, int) and bool(entry & _PAGE_PSE)


pud_trans_huge = pmd_trans_huge = _is_huge_leaf


def pud_devmap(entry) -> bool:
    return False  # device memory (DAX): none in the lab


pmd_devmap = pud_devmap


def is_swap_pmd(entry) -> bool:
    return False  # no swap, no THP migration in the lab


def pud_trans_unstable(pud: PageTable) -> bool:
    return False  # only a racing huge PUD fault makes it so: one thread


def pmd_trans_unstable(pmd: PageTable, address: int) -> bool:
    return _is_huge_leaf(_upper_entry(pmd, address, PMD_SHIFT))


pmd_devmap_trans_unstable = pmd_trans_unstable


def pte_alloc(mm: MmStruct, pmd: PageTable, address: int) -> int:
    """Make the PTE table for address (and the tables above it): 0, or 1 if none could be made."""
    return 0 if pmd.pte_table(address, create=True) is not None else 1


def pte_offset_map(pmd: PageTable, address: int) -> PageTable:
    return pmd


def pte_offset_map_lock(mm: MmStruct, pmd: PageTable, address: int, vmf) -> PageTable:
    return pmd  # the page-table lock is not modelled: one thread


def ptep_get(ptep: PageTable, address: int) -> int:
    """*ptep: the leaf entry mapping address (a PTE, or a huge PMD/PUD), 0 when none."""
    entry = ptep.pgd.entries.get((address >> PGDIR_SHIFT) & 511)
    if entry.__class__ is not Table:
        return 0
    entry = entry.entries.get((address >> PUD_SHIFT) & 511)
    if entry.__class__ is not Table:
        return entry or 0
    entry = entry.entries.get((address >> PMD_SHIFT) & 511)
    if entry.__class__ is not Table:
        return entry or 0
    return entry.entries.get((address >> PAGE_SHIFT) & 511, 0)


def set_pte_at(mm: MmStruct, addr: int, ptep: PageTable, pte: int) -> None:
    ptep.set_pte(addr, pte)


def ptep_set_access_flags(vma, address: int, ptep: PageTable, entry: int, dirty) -> bool:
    """arch/x86/mm/pgtable.c: write the entry back only for a write (x86 sets A/D itself)."""
    changed = ptep.pte(address) != entry
    if changed and dirty:
        ptep.set_pte(address, entry)
    return changed


def pte_none(pte: int) -> bool:
    return pte == 0


def pte_present(pte: int) -> bool:
    return bool(pte & (_PAGE_PRESENT | _PAGE_PROTNONE))


def pte_protnone(pte: int) -> bool:
    return pte & (_PAGE_PROTNONE | _PAGE_PRESENT) == _PAGE_PROTNONE


def pte_write(pte: int) -> bool:
    return bool(pte & _PAGE_RW)


def pte_mkwrite(pte: int) -> int:
    return pte | _PAGE_RW


def pte_mkdirty(pte: int) -> int:
    return pte | _PAGE_DIRTY | _PAGE_SOFT_DIRTY


def pte_mkyoung(pte: int) -> int:
    return pte | _PAGE_ACCESSED


def pte_sw_mkyoung(pte: int) -> int:
    return pte  # x86's MMU sets the accessed bit itself


def pte_mkspecial(pte: int) -> int:
    return pte | _PAGE_SPECIAL


def pfn_pte(pfn: int, prot: int) -> int:
    return (pfn << PAGE_SHIFT) | prot


def mk_pte(page: int, prot: int) -> int:
    return pfn_pte(page, prot)


def maybe_mkwrite(pte: int, vma: VmAreaStruct) -> int:
    if vma.vm_flags & VM_WRITE:
        pte = pte_mkwrite(pte)
    return pte


def my_zero_pfn(addr: int) -> int:
    return ZERO_PFN


def is_zero_pfn(pfn: int) -> bool:
    return pfn == ZERO_PFN


def vm_normal_page(vma: VmAreaStruct, addr: int, pte: int) -> int | None:
    """The page behind a PTE, or None for a special one (the zero page)."""
    if pte & _PAGE_SPECIAL:
        return None
    return pte_pfn(pte)


# -- pages and counters ----------------------------------------------------------------------
def PageAnon(page: int) -> bool:  # noqa: N802
    return page != ZERO_PFN and kernel.physmem.kind(page) == FRAME_ANON


def PageAnonExclusive(page: int) -> bool:  # noqa: N802
    return True  # one process, no fork: every anonymous page is exclusive to it


def alloc_zeroed_user_highpage_movable(vma: VmAreaStruct, vaddr: int) -> int | None:
    """A zeroed frame; when RAM is full the allocator's slow path runs the OOM killer, which
    kills this process, and the allocation fails (the fault returns VM_FAULT_OOM)."""
    from lab.kernel.mm.oom_kill import out_of_memory

    physmem = kernel.physmem
    if physmem.free_pages <= 0:
        out_of_memory()
        return None
    return physmem.alloc(FRAME_ANON)


def alloc_page_vma(gfp: int, vma: VmAreaStruct, addr: int) -> int | None:
    return alloc_zeroed_user_highpage_movable(vma, addr)  # its bytes are copied in next


def copy_user_highpage(to: int, frm: int, vaddr: int, vma: VmAreaStruct) -> None:
    kernel.physmem.copy(to, frm)


def get_page(page: int) -> None:
    kernel.physmem.get(page)


def put_page(page: int) -> None:
    kernel.physmem.put(page)


def inc_mm_counter_fast(mm: MmStruct, member: int) -> None:
    mm.rss_stat[member] += 1


def dec_mm_counter_fast(mm: MmStruct, member: int) -> None:
    mm.rss_stat[member] -= 1


def mm_counter_file(page: int, vma: VmAreaStruct) -> int:
    """MM_SHMEMPAGES for a swap-backed (tmpfs/shmem) page, else MM_FILEPAGES.

    The C asks the page (PageSwapBacked); the lab asks the file of the VMA that maps it.
    """
    sb = vma.vm_file.f_inode.sb if vma.vm_file is not None else None
    return MM_SHMEMPAGES if sb is not None and sb.fs_type in ("tmpfs", "shmem") else \
        MM_FILEPAGES


def set_page_dirty(mapping: Inode | None, index: int) -> bool:
    """Mark page `index` of a file dirty; True if it was clean (C: set_page_dirty(page))."""
    if mapping is None or index in mapping.dirty:
        return False
    mapping.dirty.add(index)
    return True


def anon_vma_prepare(vma: VmAreaStruct) -> int:
    """include/linux/rmap.h: give vma an anon_vma, reusing a neighbour's when it may merge.

    __anon_vma_prepare() first tries find_mergeable_anon_vma() (mm/mmap.c): the next or
    previous VMA's anon_vma, if that VMA touches this one and could merge with it.
    """
    if vma.anon_vma is not None:
        return 0
    mm = current.mm
    found = None
    if vma in mm.mm_mt:
        nxt, prev = mm.mm_mt.next_of(vma), mm.mm_mt.prev_of(vma)
        if nxt is not None and _anon_vma_compatible(vma, nxt):
            found = nxt.anon_vma
        if found is None and prev is not None and _anon_vma_compatible(prev, vma):
            found = prev.anon_vma
    if found is None:
        found = AnonVma(kernel.next_anon_vma)
        kernel.next_anon_vma += 1
    vma.anon_vma = found
    return 0


def _anon_vma_compatible(a: VmAreaStruct, b: VmAreaStruct) -> bool:
    """mm/mmap.c anon_vma_compatible(): could a and b (a just below b) share an anon_vma?"""
    return (a.vm_end == b.vm_start and a.vm_file is b.vm_file
            and not ((a.vm_flags ^ b.vm_flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY))
            and b.vm_pgoff == a.vm_pgoff + ((b.vm_start - a.vm_start) >> PAGE_SHIFT))


def vm_fault_to_errno(vm_fault: int, foll_flags: int) -> int:
    """include/linux/mm.h: the errno a failed fault means to gup."""
    if vm_fault & VM_FAULT_OOM:
        return -ENOMEM
    if vm_fault & (VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE):
        return -EHWPOISON if foll_flags & FOLL_HWPOISON else -EFAULT
    if vm_fault & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV):
        return -EFAULT
    return 0


def fault_flag_allow_retry_first(flags: int) -> bool:
    return bool(flags & FAULT_FLAG_ALLOW_RETRY) and not flags & FAULT_FLAG_TRIED


def maybe_unlock_mmap_for_io(vmf: VmFault, fpin: File | None) -> File | None:
    """mm/internal.h: drop mmap_lock before waiting on I/O, if the fault may be retried.

    Returns the file pinned while the lock is dropped; the lab's lock is not modelled, so
    only the answer (and the VM_FAULT_RETRY/COMPLETED it leads to) is.
    """
    if fpin is not None:
        return fpin
    if fault_flag_allow_retry_first(vmf.flags) and not vmf.flags & FAULT_FLAG_RETRY_NOWAIT:
        fpin = vmf.vma.vm_file
    return fpin


# -- the fault path ----------------------------------------------------------------------------
@kernel_function
def handle_mm_fault(vma: VmAreaStruct, address: int, flags: int, regs) -> int:
    not_modelled(  # C: __set_current_state(TASK_RUNNING);
        "scheduler state: the task is already running")
    not_modelled(  # C: count_vm_event(PGFAULT);
        "event counters of /proc/vmstat: the lab keeps none")
    not_modelled(  # C: count_memcg_event_mm(vma->vm_mm, PGFAULT);
        "memory cgroup statistics: the lab has no cgroups")
    not_modelled(  # C: check_sync_rss_stat(current);
        "per-thread RSS caches: the lab counts RSS in the mm directly")
    if not arch_vma_access_permitted(  # C: if (!arch_vma_access_permitted(
            vma, flags & FAULT_FLAG_WRITE, flags & FAULT_FLAG_INSTRUCTION,
            flags & FAULT_FLAG_REMOTE):
        return VM_FAULT_SIGSEGV  # C: return VM_FAULT_SIGSEGV;
    if flags & FAULT_FLAG_USER:  # C: if (flags & FAULT_FLAG_USER)
        not_modelled(  # C: mem_cgroup_enter_user_fault();
            "memory cgroup OOM handling: the lab has no cgroups")
    not_modelled(  # C: lru_gen_enter_fault(vma);
        "multi-gen LRU bookkeeping: the lab has no page reclaim")
    if is_vm_hugetlb_page(vma):  # C: if (unlikely(is_vm_hugetlb_page(vma)))
        from lab.kernel.mm.hugetlb import hugetlb_fault  # mm/hugetlb.py uses this module
        ret = hugetlb_fault(current.mm, vma, address, flags)  # C: ret = hugetlb_fault(vma->vm_mm,
    else:
        ret = __handle_mm_fault(vma, address, flags)  # C: ret = __handle_mm_fault(vma, address,
    not_modelled(  # C: lru_gen_exit_fault();
        "multi-gen LRU bookkeeping: the lab has no page reclaim")
    if flags & FAULT_FLAG_USER:  # C: if (flags & FAULT_FLAG_USER)
        not_modelled(  # C: mem_cgroup_exit_user_fault(); ... mem_cgroup_oom_synchronize(false);
            "memory cgroup OOM handling: the lab has no cgroups")
    not_modelled(  # C: mm_account_fault(regs, address, flags, ret);
        "fault statistics (min_flt, maj_flt, perf events): not shown by the lab")
    return ret  # C: return ret;


@kernel_function
def __handle_mm_fault(vma: VmAreaStruct, address: int, flags: int) -> int:
    vmf = VmFault(vma, address & PAGE_MASK, address, flags,  # C: struct vm_fault vmf = {
                  linear_page_index(vma, address))
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    vm_flags = vma.vm_flags  # C: unsigned long vm_flags = vma->vm_flags;
    pgd = pgd_offset(mm, address)  # C: pgd = pgd_offset(mm, address);
    p4d = p4d_alloc(mm, pgd, address)  # C: p4d = p4d_alloc(mm, pgd, address);
    if not p4d:  # C: if (!p4d)
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    vmf.pud = pud_alloc(mm, p4d, address)  # C: vmf.pud = pud_alloc(mm, p4d, address);
    if not vmf.pud:  # C: if (!vmf.pud)
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    if (pud_none(vmf.pud, address)  # C: retry_pud: ... if (pud_none(*vmf.pud) &&
            and hugepage_vma_check(vma, vm_flags, False, True, True)):
        not_modelled(  # C: ret = create_huge_pud(&vmf); ... return ret;
            "huge PUD faults (DAX): the lab has none")
    else:
        orig_pud = _upper_entry(vmf.pud, address, PUD_SHIFT)  # C: pud_t orig_pud = *vmf.pud;
        not_modelled("compiler barrier: one thread, nothing to order")  # C: barrier();
        if pud_trans_huge(orig_pud) or pud_devmap(orig_pud):  # C: if (pud_trans_huge(orig_pud) ||
            not_modelled(  # C: if ((flags & FAULT_FLAG_WRITE) && !pud_write( ... return 0;
                "huge PUD mappings outside hugetlb (DAX): the lab has none")
            return 0
    vmf.pmd = pmd_alloc(mm, vmf.pud, address)  # C: vmf.pmd = pmd_alloc(mm, vmf.pud, address);
    if not vmf.pmd:  # C: if (!vmf.pmd)
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    if pud_trans_unstable(vmf.pud):  # C: if (pud_trans_unstable(vmf.pud))
        not_modelled("a huge PUD racing in: one thread, no races")  # C: goto retry_pud;
    if (pmd_none(vmf.pmd, address)  # C: if (pmd_none(*vmf.pmd) &&
            and hugepage_vma_check(vma, vm_flags, False, True, True)):
        not_modelled(  # C: ret = create_huge_pmd(&vmf); ... return ret;
            "transparent huge pages: off unless MADV_HUGEPAGE")
    else:
        vmf.orig_pmd = _upper_entry(vmf.pmd, address, PMD_SHIFT)  # C: vmf.orig_pmd = *vmf.pmd;
        not_modelled("compiler barrier: one thread, nothing to order")  # C: barrier();
        if is_swap_pmd(vmf.orig_pmd):  # C: if (unlikely(is_swap_pmd(vmf.orig_pmd)))
            not_modelled(  # C: VM_BUG_ON(thp_migration_supported() && ... return 0;
                "THP migration entries: no THP in the lab")
            return 0
        if pmd_trans_huge(vmf.orig_pmd) or pmd_devmap(vmf.orig_pmd):  # C: if (pmd_trans_huge(
            not_modelled(  # C: if (pmd_protnone(vmf.orig_pmd) && vma_is_accessible( ... return 0;
                "faults on a transparent huge page: no THP in the lab")
            return 0
    return handle_pte_fault(vmf)  # C: return handle_pte_fault(&vmf);


@kernel_function
def handle_pte_fault(vmf: VmFault) -> int:
    if pmd_none(vmf.pmd, vmf.address):  # C: if (unlikely(pmd_none(*vmf->pmd)))
        vmf.pte = None  # C: vmf->pte = NULL;
        vmf.flags &= ~FAULT_FLAG_ORIG_PTE_VALID  # C: vmf->flags &= ~FAULT_FLAG_ORIG_PTE_VALID;
    else:
        if pmd_devmap_trans_unstable(vmf.pmd, vmf.address):  # C: if (pmd_devmap_trans_unstable(
            return 0  # C: return 0;
        vmf.pte = pte_offset_map(vmf.pmd, vmf.address)  # C: vmf->pte = pte_offset_map(vmf->pmd,
        vmf.orig_pte = ptep_get(vmf.pte, vmf.address)  # C: vmf->orig_pte = *vmf->pte;
        vmf.flags |= FAULT_FLAG_ORIG_PTE_VALID  # C: vmf->flags |= FAULT_FLAG_ORIG_PTE_VALID;
        not_modelled("compiler barrier: one thread, nothing to order")  # C: barrier();
        if pte_none(vmf.orig_pte):  # C: if (pte_none(vmf->orig_pte))
            not_modelled(  # C: pte_unmap(vmf->pte);
                "kmap of the PTE page: x86-64 maps page tables permanently")
            vmf.pte = None  # C: vmf->pte = NULL;
    if not vmf.pte:  # C: if (!vmf->pte)
        if vma_is_anonymous(vmf.vma):  # C: if (vma_is_anonymous(vmf->vma))
            return do_anonymous_page(vmf)  # C: return do_anonymous_page(vmf);
        else:
            return do_fault(vmf)  # C: return do_fault(vmf);
    if not pte_present(vmf.orig_pte):  # C: if (!pte_present(vmf->orig_pte))
        not_modelled(  # C: return do_swap_page(vmf);
            "swap-in: the lab's machine has no swap, so no swap entries")
        return VM_FAULT_SIGBUS
    if pte_protnone(vmf.orig_pte) and vma_is_accessible(vmf.vma):  # C: if (pte_protnone(
        not_modelled(  # C: return do_numa_page(vmf);
            "NUMA balancing hinting faults: one node, no balancing")
        return 0
    vmf.ptl = None  # C: vmf->ptl = pte_lockptr(vmf->vma->vm_mm, vmf->pmd);
    not_modelled("page-table lock: one thread, no contention")  # C: spin_lock(vmf->ptl);
    entry = vmf.orig_pte  # C: entry = vmf->orig_pte;
    if ptep_get(vmf.pte, vmf.address) != entry:  # C: if (unlikely(!pte_same(*vmf->pte, entry)))
        not_modelled(  # C: update_mmu_tlb(vmf->vma, vmf->address, vmf->pte);
            "TLB maintenance: the lab has no TLB")
        return handle_pte_fault_unlock(vmf)  # C: goto unlock;
    if vmf.flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE):  # C: if (vmf->flags & (
        if not pte_write(entry):  # C: if (!pte_write(entry))
            return do_wp_page(vmf)  # C: return do_wp_page(vmf);
        elif vmf.flags & FAULT_FLAG_WRITE:  # C: if (likely(vmf->flags & FAULT_FLAG_WRITE))
            entry = pte_mkdirty(entry)  # C: entry = pte_mkdirty(entry);
    entry = pte_mkyoung(entry)  # C: entry = pte_mkyoung(entry);
    if ptep_set_access_flags(vmf.vma, vmf.address, vmf.pte, entry,  # C: if (ptep_set_access_flags(
                             vmf.flags & FAULT_FLAG_WRITE):
        not_modelled(  # C: update_mmu_cache(vmf->vma, vmf->address, vmf->pte);
            "MMU cache hook: empty on x86")
    else:
        if vmf.flags & FAULT_FLAG_TRIED:  # C: if (vmf->flags & FAULT_FLAG_TRIED)
            return handle_pte_fault_unlock(vmf)  # C: goto unlock;
        if vmf.flags & FAULT_FLAG_WRITE:  # C: if (vmf->flags & FAULT_FLAG_WRITE)
            not_modelled(  # C: flush_tlb_fix_spurious_fault(vmf->vma, vmf->address);
                "TLB maintenance: the lab has no TLB")
    return handle_pte_fault_unlock(vmf)


@goto_label("handle_pte_fault", "unlock")
def handle_pte_fault_unlock(vmf: VmFault) -> int:
    not_modelled(  # C: unlock: ... pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    return 0  # C: return 0;


@kernel_function
def do_anonymous_page(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    mm = current.mm
    ret = 0  # C: vm_fault_t ret = 0;
    if vma.vm_flags & VM_SHARED:  # C: if (vma->vm_flags & VM_SHARED)
        return VM_FAULT_SIGBUS  # C: return VM_FAULT_SIGBUS;
    if pte_alloc(mm, vmf.pmd, vmf.address):  # C: if (pte_alloc(vma->vm_mm, vmf->pmd))
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    if pmd_trans_unstable(vmf.pmd, vmf.address):  # C: if (unlikely(pmd_trans_unstable(vmf->pmd)))
        return 0  # C: return 0;
    if not (vmf.flags & FAULT_FLAG_WRITE) and not mm_forbids_zeropage(mm):  # C: if (!(vmf->flags &
        entry = pte_mkspecial(pfn_pte(my_zero_pfn(vmf.address), vma.vm_page_prot))  # C: entry =
        vmf.pte = pte_offset_map_lock(mm, vmf.pmd, vmf.address, vmf)  # C: vmf->pte =
        if not pte_none(ptep_get(vmf.pte, vmf.address)):  # C: if (!pte_none(*vmf->pte))
            not_modelled(  # C: update_mmu_tlb(vma, vmf->address, vmf->pte);
                "TLB maintenance: the lab has no TLB")
            return do_anonymous_page_unlock(vmf, ret)  # C: goto unlock;
        ret = check_stable_address_space(mm)  # C: ret = check_stable_address_space(vma->vm_mm);
        if ret:  # C: if (ret)
            return do_anonymous_page_unlock(vmf, ret)  # C: goto unlock;
        if userfaultfd_missing(vma):  # C: if (userfaultfd_missing(vma))
            not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl); ... return handle_userfault(
                "userfaultfd: no registrations in the lab")
        return do_anonymous_page_setpte(vmf, mm, entry, ret)  # C: goto setpte;
    if anon_vma_prepare(vma):  # C: if (unlikely(anon_vma_prepare(vma)))
        return do_anonymous_page_oom()  # C: goto oom;
    page = alloc_zeroed_user_highpage_movable(vma, vmf.address)  # C: page =
    if not page:  # C: if (!page)
        return do_anonymous_page_oom()  # C: goto oom;
    if mem_cgroup_charge(page, mm, GFP_KERNEL):  # C: if (mem_cgroup_charge(page_folio(page),
        return do_anonymous_page_oom_free_page(page)  # C: goto oom_free_page;
    not_modelled(  # C: cgroup_throttle_swaprate(page, GFP_KERNEL);
        "swap throttling of cgroups: no swap, no cgroups")
    not_modelled(  # C: __SetPageUptodate(page);
        "page flags: a new frame's zeroed bytes are its contents")
    entry = mk_pte(page, vma.vm_page_prot)  # C: entry = mk_pte(page, vma->vm_page_prot);
    entry = pte_sw_mkyoung(entry)  # C: entry = pte_sw_mkyoung(entry);
    if vma.vm_flags & VM_WRITE:  # C: if (vma->vm_flags & VM_WRITE)
        entry = pte_mkwrite(pte_mkdirty(entry))  # C: entry = pte_mkwrite(pte_mkdirty(entry));
    vmf.pte = pte_offset_map_lock(mm, vmf.pmd, vmf.address, vmf)  # C: vmf->pte =
    if not pte_none(ptep_get(vmf.pte, vmf.address)):  # C: if (!pte_none(*vmf->pte))
        not_modelled(  # C: update_mmu_tlb(vma, vmf->address, vmf->pte);
            "TLB maintenance: the lab has no TLB")
        return do_anonymous_page_release(vmf, page, ret)  # C: goto release;
    ret = check_stable_address_space(mm)  # C: ret = check_stable_address_space(vma->vm_mm);
    if ret:  # C: if (ret)
        return do_anonymous_page_release(vmf, page, ret)  # C: goto release;
    if userfaultfd_missing(vma):  # C: if (userfaultfd_missing(vma))
        not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl); ... return handle_userfault(vmf,
            "userfaultfd: no registrations in the lab")
    inc_mm_counter_fast(mm, MM_ANONPAGES)  # C: inc_mm_counter_fast(vma->vm_mm, MM_ANONPAGES);
    not_modelled(  # C: page_add_new_anon_rmap(page, vma, vmf->address);
        "reverse map: the lab finds a page's mappings in the page tables")
    not_modelled(  # C: lru_cache_add_inactive_or_unevictable(page, vma);
        "LRU lists: the lab has no page reclaim")
    return do_anonymous_page_setpte(vmf, mm, entry, ret)


def _page_has_mapping(vmf: VmFault, page: int | None) -> bool:
    """Is the faulting file page still in its file's page cache (not truncated meanwhile)?"""
    file = vmf.vma.vm_file
    return file is not None and file.f_mapping.pages.get(vmf.pgoff) == page


def mem_cgroup_charge(folio, mm, gfp) -> int:
    return 0  # the lab's process is in no memory cgroup with a limit


@goto_label("do_anonymous_page", "setpte")
def do_anonymous_page_setpte(vmf: VmFault, mm: MmStruct, entry: int, ret: int) -> int:
    set_pte_at(mm, vmf.address, vmf.pte, entry)  # C: setpte: ... set_pte_at(vma->vm_mm,
    not_modelled(  # C: update_mmu_cache(vma, vmf->address, vmf->pte);
        "MMU cache hook: empty on x86")
    not_modelled(  # C: unlock: ... pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    return ret  # C: return ret;


@goto_label("do_anonymous_page", "unlock")
def do_anonymous_page_unlock(vmf: VmFault, ret: int) -> int:
    not_modelled(  # C: unlock: ... pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    return ret  # C: return ret;


@goto_label("do_anonymous_page", "release")
def do_anonymous_page_release(vmf: VmFault, page: int, ret: int) -> int:
    put_page(page)  # C: release: ... put_page(page);
    return do_anonymous_page_unlock(vmf, ret)  # C: goto unlock;


@goto_label("do_anonymous_page", "oom_free_page")
def do_anonymous_page_oom_free_page(page: int) -> int:
    put_page(page)  # C: oom_free_page: ... put_page(page);
    return do_anonymous_page_oom()  # C: oom:


@goto_label("do_anonymous_page", "oom")
def do_anonymous_page_oom() -> int:
    return VM_FAULT_OOM  # C: oom: ... return VM_FAULT_OOM;


@kernel_function
def __do_fault(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    if pmd_none(vmf.pmd, vmf.address) and not vmf.prealloc_pte:  # C: if (pmd_none(*vmf->pmd) &&
        vmf.prealloc_pte = True  # C: vmf->prealloc_pte = pte_alloc_one(vma->vm_mm);
        if not vmf.prealloc_pte:  # C: if (!vmf->prealloc_pte)
            return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    ret = vma.vm_ops.fault(vmf)  # C: ret = vma->vm_ops->fault(vmf);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE  # C: if (unlikely(ret & (VM_FAULT_ERROR
              | VM_FAULT_RETRY | VM_FAULT_DONE_COW):
        return ret  # C: return ret;
    if PageHWPoison(vmf.page):  # C: if (unlikely(PageHWPoison(vmf->page)))
        not_modelled(  # C: struct page *page = vmf->page; ... return poisonret;
            "memory errors: the lab has no poisoned pages")
        return VM_FAULT_HWPOISON
    if not (ret & VM_FAULT_LOCKED):  # C: if (unlikely(!(ret & VM_FAULT_LOCKED)))
        not_modelled("page lock: one thread, no contention")  # C: lock_page(vmf->page);
    else:
        not_modelled(  # C: VM_BUG_ON_PAGE(!PageLocked(vmf->page), vmf->page);
            "debug assertion: the page is locked")
    return ret  # C: return ret;


@kernel_function
def vmf_pte_changed(vmf: VmFault) -> bool:
    if vmf.flags & FAULT_FLAG_ORIG_PTE_VALID:  # C: if (vmf->flags & FAULT_FLAG_ORIG_PTE_VALID)
        return ptep_get(vmf.pte, vmf.address) != vmf.orig_pte  # C: return !pte_same(*vmf->pte,
    return not pte_none(ptep_get(vmf.pte, vmf.address))  # C: return !pte_none(*vmf->pte);


@kernel_function
def do_set_pte(vmf: VmFault, page: int, addr: int) -> None:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    mm = current.mm
    uffd_wp = False  # C: bool uffd_wp = pte_marker_uffd_wp(vmf->orig_pte);
    write = bool(vmf.flags & FAULT_FLAG_WRITE)  # C: bool write = vmf->flags & FAULT_FLAG_WRITE;
    prefault = vmf.address != addr  # C: bool prefault = vmf->address != addr;
    not_modelled("instruction cache: coherent on x86")  # C: flush_icache_page(vma, page);
    entry = mk_pte(page, vma.vm_page_prot)  # C: entry = mk_pte(page, vma->vm_page_prot);
    if prefault and arch_wants_old_prefaulted_pte():  # C: if (prefault &&
        not_modelled("old prefaulted PTEs: only arm64 wants them")  # C: entry = pte_mkold(entry);
    else:
        entry = pte_sw_mkyoung(entry)  # C: entry = pte_sw_mkyoung(entry);
    if write:  # C: if (write)
        entry = maybe_mkwrite(pte_mkdirty(entry), vma)  # C: entry = maybe_mkwrite(pte_mkdirty(
    if uffd_wp:  # C: if (unlikely(uffd_wp))
        not_modelled(  # C: entry = pte_mkuffd_wp(pte_wrprotect(entry));
            "userfaultfd write protection: no registrations in the lab")
    if write and not (vma.vm_flags & VM_SHARED):  # C: if (write && !(vma->vm_flags & VM_SHARED))
        inc_mm_counter_fast(mm, MM_ANONPAGES)  # C: inc_mm_counter_fast(vma->vm_mm, MM_ANONPAGES);
        not_modelled(  # C: page_add_new_anon_rmap(page, vma, addr);
            "reverse map: the lab finds a page's mappings in the page tables")
        not_modelled(  # C: lru_cache_add_inactive_or_unevictable(page, vma);
            "LRU lists: the lab has no page reclaim")
    else:
        inc_mm_counter_fast(mm, mm_counter_file(page, vma))  # C: inc_mm_counter_fast(vma->vm_mm,
        not_modelled(  # C: page_add_file_rmap(page, vma, false);
            "reverse map: the lab finds a page's mappings in the page tables")
    set_pte_at(mm, addr, vmf.pte, entry)  # C: set_pte_at(vma->vm_mm, addr, vmf->pte, entry);


def arch_wants_old_prefaulted_pte() -> bool:
    return False  # x86


@kernel_function
def finish_fault(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    mm = current.mm
    if (vmf.flags & FAULT_FLAG_WRITE) and not (vma.vm_flags & VM_SHARED):  # C: if ((vmf->flags &
        page = vmf.cow_page  # C: page = vmf->cow_page;
    else:
        page = vmf.page  # C: page = vmf->page;
    if not (vma.vm_flags & VM_SHARED):  # C: if (!(vma->vm_flags & VM_SHARED))
        ret = check_stable_address_space(mm)  # C: ret = check_stable_address_space(vma->vm_mm);
        if ret:  # C: if (ret)
            return ret  # C: return ret;
    if pmd_none(vmf.pmd, vmf.address):  # C: if (pmd_none(*vmf->pmd))
        if PageTransCompound(page):  # C: if (PageTransCompound(page))
            not_modelled(  # C: ret = do_set_pmd(vmf, page); ... return ret;
                "mapping a huge page cache folio whole: no THP in the lab")
        if vmf.prealloc_pte:  # C: if (vmf->prealloc_pte)
            pte_alloc(mm, vmf.pmd, vmf.address)  # C: pmd_install(vma->vm_mm, vmf->pmd, &
            vmf.prealloc_pte = None
        elif pte_alloc(mm, vmf.pmd, vmf.address):  # C: if (unlikely(pte_alloc(vma->vm_mm,
            return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    if pmd_devmap_trans_unstable(vmf.pmd, vmf.address):  # C: if (pmd_devmap_trans_unstable(
        return VM_FAULT_NOPAGE  # C: return VM_FAULT_NOPAGE;
    vmf.pte = pte_offset_map_lock(mm, vmf.pmd, vmf.address, vmf)  # C: vmf->pte =
    if not vmf_pte_changed(vmf):  # C: if (likely(!vmf_pte_changed(vmf)))
        do_set_pte(vmf, page, vmf.address)  # C: do_set_pte(vmf, page, vmf->address);
        not_modelled(  # C: update_mmu_cache(vma, vmf->address, vmf->pte);
            "MMU cache hook: empty on x86")
        ret = 0  # C: ret = 0;
    else:
        not_modelled(  # C: update_mmu_tlb(vma, vmf->address, vmf->pte);
            "TLB maintenance: the lab has no TLB")
        ret = VM_FAULT_NOPAGE  # C: ret = VM_FAULT_NOPAGE;
    not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    return ret  # C: return ret;


@kernel_function
def do_fault_around(vmf: VmFault) -> int:
    address = vmf.address  # C: unsigned long address = vmf->address, nr_pages, mask;
    start_pgoff = vmf.pgoff  # C: pgoff_t start_pgoff = vmf->pgoff;

    nr_pages = fault_around_bytes >> PAGE_SHIFT  # C: nr_pages = READ_ONCE(fault_around_bytes) >>
    mask = ~(nr_pages * PAGE_SIZE - 1) & PAGE_MASK  # C: mask = ~(nr_pages * PAGE_SIZE - 1) &
    # The window is aligned to its size, within the VMA, within one PTE table.
    address = max(address & mask, vmf.vma.vm_start)  # C: address = max(address & mask,
    off = ((vmf.address - address) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)  # C: off = ((vmf->address
    start_pgoff -= off  # C: start_pgoff -= off;

    # end_pgoff is either the end of the page table, the end of the vma or nr_pages from
    # start_pgoff, whichever comes first.
    end_pgoff = (start_pgoff - ((address >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))  # C: end_pgoff =
                 + PTRS_PER_PTE - 1)
    end_pgoff = min(end_pgoff,  # C: end_pgoff = min3(end_pgoff, vma_pages(vmf->vma) +
                    vmf.vma.pages + vmf.vma.vm_pgoff - 1, start_pgoff + nr_pages - 1)

    if pmd_none(vmf.pmd, vmf.address):  # C: if (pmd_none(*vmf->pmd))
        vmf.prealloc_pte = True  # C: vmf->prealloc_pte = pte_alloc_one(vmf->vma->vm_mm);
        if not vmf.prealloc_pte:  # C: if (!vmf->prealloc_pte)
            return VM_FAULT_OOM  # C: return VM_FAULT_OOM;

    return vmf.vma.vm_ops.map_pages(vmf, start_pgoff, end_pgoff)  # C: return vmf->vma->vm_ops->


@kernel_function
def should_fault_around(vmf: VmFault) -> bool:
    if not vmf.vma.vm_ops.map_pages:  # C: if (!vmf->vma->vm_ops->map_pages)
        return False  # C: return false;
    if uffd_disable_fault_around(vmf.vma):  # C: if (uffd_disable_fault_around(vmf->vma))
        return False  # C: return false;
    return fault_around_bytes >> PAGE_SHIFT > 1  # C: return fault_around_bytes >> PAGE_SHIFT > 1;


@kernel_function
def do_read_fault(vmf: VmFault) -> int:
    ret = 0  # C: vm_fault_t ret = 0;
    # Map the cached pages around the fault first: the fault itself may be among them.
    if should_fault_around(vmf):  # C: if (should_fault_around(vmf))
        ret = do_fault_around(vmf)  # C: ret = do_fault_around(vmf);
        if ret:  # C: if (ret)
            return ret  # C: return ret;
    ret = __do_fault(vmf)  # C: ret = __do_fault(vmf);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):  # C: if (unlikely(ret & (
        return ret  # C: return ret;
    ret |= finish_fault(vmf)  # C: ret |= finish_fault(vmf);
    not_modelled("page lock: one thread, no contention")  # C: unlock_page(vmf->page);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):  # C: if (unlikely(ret & (
        put_page(vmf.page)  # C: put_page(vmf->page);
    return ret  # C: return ret;


@kernel_function
def do_cow_fault(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    if anon_vma_prepare(vma):  # C: if (unlikely(anon_vma_prepare(vma)))
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    vmf.cow_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf.address)  # C: vmf->cow_page =
    if not vmf.cow_page:  # C: if (!vmf->cow_page)
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    if mem_cgroup_charge(vmf.cow_page, current.mm, GFP_KERNEL):  # C: if (mem_cgroup_charge(
        put_page(vmf.cow_page)  # C: put_page(vmf->cow_page);
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    not_modelled(  # C: cgroup_throttle_swaprate(vmf->cow_page, GFP_KERNEL);
        "swap throttling of cgroups: no swap, no cgroups")
    ret = __do_fault(vmf)  # C: ret = __do_fault(vmf);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):  # C: if (unlikely(ret & (
        return do_cow_fault_uncharge_out(vmf, ret)  # C: goto uncharge_out;
    if ret & VM_FAULT_DONE_COW:  # C: if (ret & VM_FAULT_DONE_COW)
        return ret  # C: return ret;
    copy_user_highpage(vmf.cow_page, vmf.page, vmf.address, vma)  # C: copy_user_highpage(
    not_modelled(  # C: __SetPageUptodate(vmf->cow_page);
        "page flags: the copy is the page's contents")
    ret |= finish_fault(vmf)  # C: ret |= finish_fault(vmf);
    not_modelled("page lock: one thread, no contention")  # C: unlock_page(vmf->page);
    put_page(vmf.page)  # C: put_page(vmf->page);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):  # C: if (unlikely(ret & (
        return do_cow_fault_uncharge_out(vmf, ret)  # C: goto uncharge_out;
    return ret  # C: return ret;


@goto_label("do_cow_fault", "uncharge_out")
def do_cow_fault_uncharge_out(vmf: VmFault, ret: int) -> int:
    put_page(vmf.cow_page)  # C: uncharge_out: ... put_page(vmf->cow_page);
    return ret  # C: return ret;


@kernel_function
def do_page_mkwrite(vmf: VmFault) -> int:
    page = vmf.page  # C: struct page *page = vmf->page;
    old_flags = vmf.flags  # C: unsigned int old_flags = vmf->flags;
    vmf.flags = FAULT_FLAG_WRITE | FAULT_FLAG_MKWRITE  # C: vmf->flags = FAULT_FLAG_WRITE|
    if vmf.vma.vm_file and vmf.vma.vm_file.f_mapping.IS_SWAPFILE():  # C: if (vmf->vma->vm_file &&
        return VM_FAULT_SIGBUS  # C: return VM_FAULT_SIGBUS;
    ret = vmf.vma.vm_ops.page_mkwrite(vmf)  # C: ret = vmf->vma->vm_ops->page_mkwrite(vmf);
    vmf.flags = old_flags  # C: vmf->flags = old_flags;
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE):  # C: if (unlikely(ret & (VM_FAULT_ERROR |
        return ret  # C: return ret;
    if not (ret & VM_FAULT_LOCKED):  # C: if (unlikely(!(ret & VM_FAULT_LOCKED)))
        not_modelled("page lock: one thread, no contention")  # C: lock_page(page);
        if not _page_has_mapping(vmf, page):  # C: if (!page->mapping)
            not_modelled("page lock: one thread, no contention")  # C: unlock_page(page);
            return 0  # C: return 0;
        ret |= VM_FAULT_LOCKED  # C: ret |= VM_FAULT_LOCKED;
    else:
        not_modelled(  # C: VM_BUG_ON_PAGE(!PageLocked(page), page);
            "debug assertion: the page is locked")
    return ret  # C: return ret;


@kernel_function
def fault_dirty_shared_page(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    page = vmf.page  # C: struct page *page = vmf->page;
    page_mkwrite = bool(vma.vm_ops and vma.vm_ops.page_mkwrite)  # C: bool page_mkwrite =
    dirtied = set_page_dirty(vma.vm_file.f_mapping, vmf.pgoff)  # C: dirtied = set_page_dirty(page);
    not_modelled(  # C: VM_BUG_ON_PAGE(PageAnon(page), page);
        "debug assertion: a shared file page is not anonymous")
    mapping = vma.vm_file.f_mapping if page else None  # C: mapping = page_rmapping(page);
    not_modelled("page lock: one thread, no contention")  # C: unlock_page(page);
    if not page_mkwrite:  # C: if (!page_mkwrite)
        not_modelled(  # C: file_update_time(vma->vm_file);
            "file times (mtime, ctime): the lab keeps none")
    if (dirtied or page_mkwrite) and mapping:  # C: if ((dirtied || page_mkwrite) && mapping)
        fpin = maybe_unlock_mmap_for_io(vmf, None)  # C: fpin = maybe_unlock_mmap_for_io(vmf, NULL);
        not_modelled(  # C: balance_dirty_pages_ratelimited(mapping);
            "writeback throttling: the lab writes nothing back")
        if fpin:  # C: if (fpin)
            not_modelled("file reference counts: the lab keeps none")  # C: fput(fpin);
            return VM_FAULT_COMPLETED  # C: return VM_FAULT_COMPLETED;
    return 0  # C: return 0;


@kernel_function
def do_shared_fault(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    ret = __do_fault(vmf)  # C: ret = __do_fault(vmf);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):  # C: if (unlikely(ret & (
        return ret  # C: return ret;
    if vma.vm_ops.page_mkwrite:  # C: if (vma->vm_ops->page_mkwrite)
        not_modelled("page lock: one thread, no contention")  # C: unlock_page(vmf->page);
        tmp = do_page_mkwrite(vmf)  # C: tmp = do_page_mkwrite(vmf);
        if not tmp or tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE):  # C: if (unlikely(!tmp ||
            put_page(vmf.page)  # C: put_page(vmf->page);
            return tmp  # C: return tmp;
    ret |= finish_fault(vmf)  # C: ret |= finish_fault(vmf);
    if ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY):  # C: if (unlikely(ret & (
        not_modelled("page lock: one thread, no contention")  # C: unlock_page(vmf->page);
        put_page(vmf.page)  # C: put_page(vmf->page);
        return ret  # C: return ret;
    ret |= fault_dirty_shared_page(vmf)  # C: ret |= fault_dirty_shared_page(vmf);
    return ret  # C: return ret;


@kernel_function
def do_fault(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    vm_mm = current.mm  # C: struct mm_struct *vm_mm = vma->vm_mm;
    if not vma.vm_ops.fault:  # C: if (!vma->vm_ops->fault)
        if not pmd_present(vmf.pmd, vmf.address):  # C: if (unlikely(!pmd_present(*vmf->pmd)))
            ret = VM_FAULT_SIGBUS  # C: ret = VM_FAULT_SIGBUS;
        else:
            vmf.pte = pte_offset_map_lock(vm_mm, vmf.pmd, vmf.address, vmf)  # C: vmf->pte =
            if pte_none(ptep_get(vmf.pte, vmf.address)):  # C: if (unlikely(pte_none(*vmf->pte)))
                ret = VM_FAULT_SIGBUS  # C: ret = VM_FAULT_SIGBUS;
            else:
                ret = VM_FAULT_NOPAGE  # C: ret = VM_FAULT_NOPAGE;
            not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
                "page-table lock: one thread, no contention")
    elif not (vmf.flags & FAULT_FLAG_WRITE):  # C: if (!(vmf->flags & FAULT_FLAG_WRITE))
        ret = do_read_fault(vmf)  # C: ret = do_read_fault(vmf);
    elif not (vma.vm_flags & VM_SHARED):  # C: if (!(vma->vm_flags & VM_SHARED))
        ret = do_cow_fault(vmf)  # C: ret = do_cow_fault(vmf);
    else:
        ret = do_shared_fault(vmf)  # C: ret = do_shared_fault(vmf);
    if vmf.prealloc_pte:  # C: if (vmf->prealloc_pte)
        not_modelled(  # C: pte_free(vm_mm, vmf->prealloc_pte);
            "the preallocated PTE table: the lab makes tables when used")
        vmf.prealloc_pte = None  # C: vmf->prealloc_pte = NULL;
    return ret  # C: return ret;


# -- write-protect faults ------------------------------------------------------------------------
@kernel_function
def wp_page_reuse(vmf: VmFault) -> None:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    page = vmf.page  # C: struct page *page = vmf->page;
    not_modelled(  # C: VM_BUG_ON(!(vmf->flags & FAULT_FLAG_WRITE)); ... VM_BUG_ON(page && PageAnon(
        "debug assertions: a write fault on an exclusive page")
    if page:  # C: if (page)
        not_modelled(  # C: page_cpupid_xchg_last(page, (1 << LAST_CPUPID_SHIFT) - 1);
            "NUMA balancing history: one node")
    not_modelled(  # C: flush_cache_page(vma, vmf->address, pte_pfn(vmf->orig_pte));
        "cache flush: coherent on x86")
    entry = pte_mkyoung(vmf.orig_pte)  # C: entry = pte_mkyoung(vmf->orig_pte);
    entry = maybe_mkwrite(pte_mkdirty(entry), vma)  # C: entry = maybe_mkwrite(pte_mkdirty(entry),
    if ptep_set_access_flags(vma, vmf.address, vmf.pte, entry, 1):  # C: if (ptep_set_access_flags(
        not_modelled(  # C: update_mmu_cache(vma, vmf->address, vmf->pte);
            "MMU cache hook: empty on x86")
    not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    not_modelled(  # C: count_vm_event(PGREUSE);
        "event counters of /proc/vmstat: the lab keeps none")


@kernel_function
def wp_page_copy(vmf: VmFault) -> int:
    unshare = bool(vmf.flags & FAULT_FLAG_UNSHARE)  # C: const bool unshare = vmf->flags &
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    old_page = vmf.page  # C: struct page *old_page = vmf->page;
    new_page = None  # C: struct page *new_page = NULL;
    page_copied = 0  # C: int page_copied = 0;
    not_modelled("delay accounting: the lab keeps no task delays")  # C: delayacct_wpcopy_start();
    if anon_vma_prepare(vma):  # C: if (unlikely(anon_vma_prepare(vma)))
        return wp_page_copy_oom(old_page)  # C: goto oom;
    if is_zero_pfn(pte_pfn(vmf.orig_pte)):  # C: if (is_zero_pfn(pte_pfn(vmf->orig_pte)))
        new_page = alloc_zeroed_user_highpage_movable(vma, vmf.address)  # C: new_page =
        if not new_page:  # C: if (!new_page)
            return wp_page_copy_oom(old_page)  # C: goto oom;
    else:
        new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf.address)  # C: new_page =
        if not new_page:  # C: if (!new_page)
            return wp_page_copy_oom(old_page)  # C: goto oom;
        ret = __wp_page_copy_user(new_page, old_page, vmf)  # C: ret = __wp_page_copy_user(new_page,
        if ret:  # C: if (ret)
            not_modelled(  # C: put_page(new_page); ... return ret == -EHWPOISON ? VM_FAULT_HWPOISON
                "a failed copy from user memory: the lab's copies succeed")
        not_modelled(  # C: kmsan_copy_page_meta(new_page, old_page);
            "KMSAN shadow memory: not configured")
    if mem_cgroup_charge(new_page, mm, GFP_KERNEL):  # C: if (mem_cgroup_charge(page_folio(
        return wp_page_copy_oom_free_new(new_page, old_page)  # C: goto oom_free_new;
    not_modelled(  # C: cgroup_throttle_swaprate(new_page, GFP_KERNEL);
        "swap throttling of cgroups: no swap, no cgroups")
    not_modelled("page flags: the copy is the page's contents")  # C: __SetPageUptodate(new_page);
    not_modelled(  # C: mmu_notifier_range_init(&range, ... mmu_notifier_invalidate_range_start(&
        "MMU notifiers (KVM, devices): none registered")
    vmf.pte = pte_offset_map_lock(mm, vmf.pmd, vmf.address, vmf)  # C: vmf->pte =
    if ptep_get(vmf.pte, vmf.address) == vmf.orig_pte:  # C: if (likely(pte_same(*vmf->pte,
        if old_page:  # C: if (old_page)
            if not PageAnon(old_page):  # C: if (!PageAnon(old_page))
                dec_mm_counter_fast(mm, mm_counter_file(old_page, vma))  # C: dec_mm_counter_fast(
                inc_mm_counter_fast(mm, MM_ANONPAGES)  # C: inc_mm_counter_fast(mm, MM_ANONPAGES);
        else:
            inc_mm_counter_fast(mm, MM_ANONPAGES)  # C: inc_mm_counter_fast(mm, MM_ANONPAGES);
        not_modelled(  # C: flush_cache_page(vma, vmf->address, pte_pfn(vmf->orig_pte));
            "cache flush: coherent on x86")
        entry = mk_pte(new_page, vma.vm_page_prot)  # C: entry = mk_pte(new_page,
        entry = pte_sw_mkyoung(entry)  # C: entry = pte_sw_mkyoung(entry);
        if unshare:  # C: if (unlikely(unshare))
            not_modelled(  # C: if (pte_soft_dirty(vmf->orig_pte)) ... entry = pte_mkuffd_wp(entry);
                "unsharing for FOLL_PIN: the lab pins no pages")
        else:
            entry = maybe_mkwrite(pte_mkdirty(entry), vma)  # C: entry = maybe_mkwrite(pte_mkdirty(
        not_modelled(  # C: ptep_clear_flush_notify(vma, vmf->address, vmf->pte);
            "clear and flush before the new entry: the lab has no TLB")
        not_modelled(  # C: page_add_new_anon_rmap(new_page, vma, vmf->address);
            "reverse map: the lab finds a page's mappings in the page tables")
        not_modelled(  # C: lru_cache_add_inactive_or_unevictable(new_page, vma);
            "LRU lists: the lab has no page reclaim")
        not_modelled(  # C: BUG_ON(unshare && pte_write(entry));
            "debug assertion: an unshared PTE stays read-only")
        set_pte_at(mm, vmf.address, vmf.pte, entry)  # C: set_pte_at_notify(mm, vmf->address,
        not_modelled(  # C: update_mmu_cache(vma, vmf->address, vmf->pte);
            "MMU cache hook: empty on x86")
        if old_page:  # C: if (old_page)
            not_modelled(  # C: page_remove_rmap(old_page, vma, false);
                "reverse map: the lab finds a page's mappings in the page tables")
        new_page = old_page  # C: new_page = old_page;
        page_copied = 1  # C: page_copied = 1;
    else:
        not_modelled(  # C: update_mmu_tlb(vma, vmf->address, vmf->pte);
            "TLB maintenance: the lab has no TLB")
    if new_page:  # C: if (new_page)
        put_page(new_page)  # C: put_page(new_page);
    not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    not_modelled(  # C: mmu_notifier_invalidate_range_only_end(&range);
        "MMU notifiers (KVM, devices): none registered")
    if old_page:  # C: if (old_page)
        if page_copied:  # C: if (page_copied)
            not_modelled("swap cache: the lab has no swap")  # C: free_swap_cache(old_page);
        put_page(old_page)  # C: put_page(old_page);
    not_modelled("delay accounting: the lab keeps no task delays")  # C: delayacct_wpcopy_end();
    return VM_FAULT_WRITE if page_copied and not unshare else 0  # C: return (page_copied &&


def __wp_page_copy_user(dst: int, src: int | None, vmf: VmFault) -> int:
    """mm/memory.c: copy the old page's bytes into the new one; 0 on success."""
    if src is not None:
        kernel.physmem.copy(dst, src)
    return 0


@goto_label("wp_page_copy", "oom_free_new")
def wp_page_copy_oom_free_new(new_page: int, old_page: int | None) -> int:
    put_page(new_page)  # C: oom_free_new: ... put_page(new_page);
    return wp_page_copy_oom(old_page)  # C: oom:


@goto_label("wp_page_copy", "oom")
def wp_page_copy_oom(old_page: int | None) -> int:
    if old_page:  # C: oom: ... if (old_page)
        put_page(old_page)  # C: put_page(old_page);
    not_modelled("delay accounting: the lab keeps no task delays")  # C: delayacct_wpcopy_end();
    return VM_FAULT_OOM  # C: return VM_FAULT_OOM;


@kernel_function
def finish_mkwrite_fault(vmf: VmFault) -> int:
    not_modelled(  # C: WARN_ON_ONCE(!(vmf->vma->vm_flags & VM_SHARED));
        "debug warning: only shared mappings get here")
    vmf.pte = pte_offset_map_lock(current.mm, vmf.pmd, vmf.address, vmf)  # C: vmf->pte =
    if ptep_get(vmf.pte, vmf.address) != vmf.orig_pte:  # C: if (!pte_same(*vmf->pte,
        not_modelled(  # C: update_mmu_tlb(vmf->vma, vmf->address, vmf->pte);
            "TLB maintenance: the lab has no TLB")
        not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
            "page-table lock: one thread, no contention")
        return VM_FAULT_NOPAGE  # C: return VM_FAULT_NOPAGE;
    wp_page_reuse(vmf)  # C: wp_page_reuse(vmf);
    return 0  # C: return 0;


@kernel_function
def wp_page_shared(vmf: VmFault) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    ret = VM_FAULT_WRITE  # C: vm_fault_t ret = VM_FAULT_WRITE;
    get_page(vmf.page)  # C: get_page(vmf->page);
    if vma.vm_ops and vma.vm_ops.page_mkwrite:  # C: if (vma->vm_ops && vma->vm_ops->page_mkwrite)
        not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
            "page-table lock: one thread, no contention")
        tmp = do_page_mkwrite(vmf)  # C: tmp = do_page_mkwrite(vmf);
        if not tmp or tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE):  # C: if (unlikely(!tmp || (tmp &
            put_page(vmf.page)  # C: put_page(vmf->page);
            return tmp  # C: return tmp;
        tmp = finish_mkwrite_fault(vmf)  # C: tmp = finish_mkwrite_fault(vmf);
        if tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE):  # C: if (unlikely(tmp & (VM_FAULT_ERROR |
            not_modelled("page lock: one thread, no contention")  # C: unlock_page(vmf->page);
            put_page(vmf.page)  # C: put_page(vmf->page);
            return tmp  # C: return tmp;
    else:
        wp_page_reuse(vmf)  # C: wp_page_reuse(vmf);
        not_modelled("page lock: one thread, no contention")  # C: lock_page(vmf->page);
    ret |= fault_dirty_shared_page(vmf)  # C: ret |= fault_dirty_shared_page(vmf);
    put_page(vmf.page)  # C: put_page(vmf->page);
    return ret  # C: return ret;


@kernel_function
def do_wp_page(vmf: VmFault) -> int:
    unshare = bool(vmf.flags & FAULT_FLAG_UNSHARE)  # C: const bool unshare = vmf->flags &
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    not_modelled(  # C: VM_BUG_ON(unshare && (vmf->flags & ... VM_BUG_ON(!unshare && !(vmf->flags &
        "debug assertions: exactly one of write and unshare")
    if not unshare:  # C: if (likely(!unshare))
        not_modelled(  # C: if (userfaultfd_pte_wp(vma, *vmf->pte)) ... flush_tlb_page(vmf->vma,
            "userfaultfd write protection: no registrations in the lab")
    vmf.page = vm_normal_page(vma, vmf.address, vmf.orig_pte)  # C: vmf->page = vm_normal_page(vma,
    if not vmf.page:  # C: if (!vmf->page)
        if unshare:  # C: if (unlikely(unshare))
            not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
                "page-table lock: one thread, no contention")
            return 0  # C: return 0;
        if (vma.vm_flags & (VM_WRITE | VM_SHARED)  # C: if ((vma->vm_flags & (VM_WRITE|VM_SHARED))
                == (VM_WRITE | VM_SHARED)):
            not_modelled(  # C: return wp_pfn_shared(vmf);
                "raw PFN mappings (VM_PFNMAP, VM_MIXEDMAP): the lab has none")
            return 0
        not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
            "page-table lock: one thread, no contention")
        return wp_page_copy(vmf)  # C: return wp_page_copy(vmf);
    folio = vmf.page  # C: folio = page_folio(vmf->page);
    if PageAnon(folio):  # C: if (folio_test_anon(folio))
        if PageAnonExclusive(vmf.page):  # C: if (PageAnonExclusive(vmf->page))
            return do_wp_page_reuse(vmf, unshare)  # C: goto reuse;
        not_modelled(  # C: if (folio_test_ksm(folio) || folio_ref_count( ... page_move_anon_rmap(
            "sharing an anonymous page after fork: the lab never forks")
        not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
        return do_wp_page_reuse(vmf, unshare)
    elif unshare:  # C: if (unshare)
        not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
            "page-table lock: one thread, no contention")
        return 0  # C: return 0;
    elif (vma.vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED):  # C: if (unlikely((
        return wp_page_shared(vmf)  # C: return wp_page_shared(vmf);
    return do_wp_page_copy(vmf)


@goto_label("do_wp_page", "reuse")
def do_wp_page_reuse(vmf: VmFault, unshare: bool) -> int:
    if unshare:  # C: reuse: ... if (unlikely(unshare))
        not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
            "page-table lock: one thread, no contention")
        return 0  # C: return 0;
    wp_page_reuse(vmf)  # C: wp_page_reuse(vmf);
    return VM_FAULT_WRITE  # C: return VM_FAULT_WRITE;


@goto_label("do_wp_page", "copy")
def do_wp_page_copy(vmf: VmFault) -> int:
    get_page(vmf.page)  # C: copy: ... get_page(vmf->page);
    not_modelled(  # C: pte_unmap_unlock(vmf->pte, vmf->ptl);
        "page-table lock: one thread, no contention")
    return wp_page_copy(vmf)  # C: return wp_page_copy(vmf);


# -- finding the VMA of a user fault (CONFIG_LOCK_MM_AND_FIND_VMA, which x86 selects) -------
def get_mmap_lock_carefully(mm: MmStruct, regs) -> bool:
    return True  # one thread: the mmap lock is free, and no signal interrupts the wait


def mmap_upgrade_trylock(mm: MmStruct) -> bool:
    return True  # one thread: the read lock upgrades to a write lock at once


def upgrade_mmap_lock_carefully(mm: MmStruct, regs) -> bool:
    return True


def find_vma(mm: MmStruct, addr: int) -> VmAreaStruct | None:
    return mm.find_vma(addr)


@kernel_function
def lock_mm_and_find_vma(mm: MmStruct, addr: int, regs) -> VmAreaStruct | None:
    if not get_mmap_lock_carefully(mm, regs):  # C: if (!get_mmap_lock_carefully(mm, regs))
        return None  # C: return NULL;
    vma = find_vma(mm, addr)  # C: vma = find_vma(mm, addr);
    if vma and vma.vm_start <= addr:  # C: if (likely(vma && (vma->vm_start <= addr)))
        return vma  # C: return vma;
    # Below the VMA found: still fine, but only if that VMA is a stack that may grow down.
    if not vma or not vma.vm_flags & VM_GROWSDOWN:  # C: if (!vma || !(vma->vm_flags &
        not_modelled("locking: one thread, no contention")  # C: mmap_read_unlock(mm);
        return None  # C: return NULL;
    # Growing the stack changes the VMA: it needs the lock for writing.
    if not mmap_upgrade_trylock(mm):  # C: if (!mmap_upgrade_trylock(mm))
        if not upgrade_mmap_lock_carefully(mm, regs):  # C: if (!upgrade_mmap_lock_carefully(
            return None  # C: return NULL;
        vma = find_vma(mm, addr)  # C: vma = find_vma(mm, addr);
        if not vma:  # C: if (!vma)
            return lock_mm_and_find_vma_fail(mm)  # C: goto fail;
        if vma.vm_start <= addr:  # C: if (vma->vm_start <= addr)
            return lock_mm_and_find_vma_success(mm, vma)  # C: goto success;
        if not vma.vm_flags & VM_GROWSDOWN:  # C: if (!(vma->vm_flags & VM_GROWSDOWN))
            return lock_mm_and_find_vma_fail(mm)  # C: goto fail;
    from lab.kernel.mm.mmap import expand_stack_locked  # mm/mmap.py uses this module
    if expand_stack_locked(vma, addr):  # C: if (expand_stack_locked(vma, addr))
        return lock_mm_and_find_vma_fail(mm)  # C: goto fail;
    return lock_mm_and_find_vma_success(mm, vma)


@goto_label("lock_mm_and_find_vma", "success")
def lock_mm_and_find_vma_success(mm: MmStruct, vma: VmAreaStruct) -> VmAreaStruct:
    not_modelled("locking: one thread, no contention")  # C: success: ... mmap_write_downgrade(
    return vma  # C: return vma;


@goto_label("lock_mm_and_find_vma", "fail")
def lock_mm_and_find_vma_fail(mm: MmStruct) -> None:
    not_modelled("locking: one thread, no contention")  # C: fail: ... mmap_write_unlock(mm);
    return None  # C: return NULL;


# -- unmapping: what munmap, MAP_FIXED and truncate do to the page tables ---------------------
# Plain helpers: unmap_vmas() and zap_page_range_single() clear the PTEs of a range
# (zap_pte_range()), free_pgtables() frees the page-table pages no VMA needs any more.
FIRST_USER_ADDRESS = 0  # x86: page tables may be freed from address 0 up
USER_PGTABLES_CEILING = 0  # ... and up to the top (0 stands for it)


@dataclass(slots=True)
class ZapDetails:
    """struct zap_details: even_cows False spares a file VMA's private (COWed) pages."""

    even_cows: bool = True


def should_zap_page(details: ZapDetails | None, page: int) -> bool:
    """mm/memory.c: with details and not even_cows, only the file's own pages go."""
    if details is None or details.even_cows:
        return True
    return not PageAnon(page)


def unmap_vmas(mm: MmStruct, vmas: list[VmAreaStruct], start_addr: int, end_addr: int) -> None:
    """mm/memory.c: unmap [start_addr, end_addr) in each of the VMAs (a tree's, in order)."""
    for vma in vmas:
        if vma.vm_start >= end_addr:
            break
        unmap_single_vma(mm, vma, start_addr, end_addr, None)


def zap_page_range_single(vma: VmAreaStruct, address: int, size: int,
                          details: ZapDetails | None) -> None:
    """mm/memory.c: remove the user pages of [address, address + size) of one VMA."""
    unmap_single_vma(current.mm, vma, address, address + size, details)


def unmap_single_vma(mm: MmStruct, vma: VmAreaStruct, start_addr: int, end_addr: int,
                     details: ZapDetails | None = None) -> None:
    """mm/memory.c: unmap_single_vma() down to zap_pte_range(): clear each leaf entry, drop
    the page's reference and the RSS counter it was charged to; a dirty PTE dirties its
    file page first, so the data reaches the disk at writeback."""
    from lab.kernel.mm.hugetlb import put_huge_page_mapping  # mm/hugetlb.py uses this module

    start, end = max(vma.vm_start, start_addr), min(vma.vm_end, end_addr)
    if start >= end:
        return
    physmem = kernel.physmem
    for addr, entry, size in list(mm.pgd.leaves(start, end)):
        present = entry & (_PAGE_PRESENT | _PAGE_PROTNONE)
        pfn = pte_pfn(entry)
        if (present and details is not None and not entry & _PAGE_SPECIAL
                and pfn != ZERO_PFN and not should_zap_page(details, pfn)):
            continue
        mm.pgd.clear(addr)
        if not present:
            continue  # no swap in the lab: nothing else can be in a non-present entry
        if entry & _PAGE_SPECIAL or pfn == ZERO_PFN or vma.vm_flags & (VM_PFNMAP | VM_MIXEDMAP):
            continue  # vm_normal_page() is NULL: no struct page to release
        if size > PAGE_SIZE or physmem.kind(pfn) == FRAME_HUGE:
            put_huge_page_mapping(vma, addr, pfn)  # hugetlb pages count in no RSS counter
            continue
        if physmem.kind(pfn) == FRAME_ANON:
            mm.add_mm_counter(MM_ANONPAGES, -1)
        else:
            mm.add_mm_counter(mm_counter_file(pfn, vma), -1)
            if entry & _PAGE_DIRTY and vma.vm_file is not None:
                index = vma.vm_pgoff + ((addr - vma.vm_start) >> PAGE_SHIFT)
                set_page_dirty(vma.vm_file.f_mapping, index)
        physmem.put(pfn)


def free_pgtables(mm: MmStruct, vmas: list[VmAreaStruct], floor: int, ceiling: int) -> None:
    """mm/memory.c: hide the VMAs from rmap, then free their page tables (free_pgd_range)."""
    from lab.kernel.mm.mmap import unlink_file_vma  # mm/mmap.py uses this module

    i = 0
    while i < len(vmas):
        vma = vmas[i]
        addr = vma.vm_start
        nxt = vmas[i + 1] if i + 1 < len(vmas) else None
        unlink_file_vma(vma)
        if not is_vm_hugetlb_page(vma):
            # Gather nearby VMAs into one call down
            while (nxt and nxt.vm_start <= vma.vm_end + PMD_SIZE
                   and not is_vm_hugetlb_page(nxt)):
                i += 1
                vma = nxt
                nxt = vmas[i + 1] if i + 1 < len(vmas) else None
                unlink_file_vma(vma)
        free_pgd_range(mm, addr, vma.vm_end, floor, nxt.vm_start if nxt else ceiling)
        i += 1


def _ceiling_below(x: int, mask: int) -> int | None:
    """ceiling &= mask, or None when that makes a nonzero ceiling zero (nothing to free)."""
    if x:
        x &= mask
        if not x:
            return None
    return x


def free_pgd_range(mm: MmStruct, addr: int, end: int, floor: int, ceiling: int) -> None:
    """mm/memory.c: free the page-table pages that map only [addr, end) within
    [floor, ceiling): a table goes only when no address outside the range needs it."""
    addr &= PMD_MASK
    if addr < floor:
        addr = ulong(addr + PMD_SIZE)
        if not addr:
            return
    c = _ceiling_below(ceiling, PMD_MASK)
    if c is None:
        return
    ceiling = c
    if ulong(end - 1) > ulong(ceiling - 1):
        end -= PMD_SIZE
    if addr > ulong(end - 1):
        return
    pgd = mm.pgd.pgd
    for i, lo, hi in _entries_in(pgd, addr, end, PGDIR_SHIFT, PGDIR_SIZE):
        if isinstance(pgd.entries[i], Table):
            _free_pud_range(pgd, i, lo, hi, floor, ceiling)


def _entries_in(table: Table, addr: int, end: int, shift: int, size: int):
    """(index, sub-range start, sub-range end) of the used entries of table in [addr, end)."""
    first, last = index_at(addr, shift), index_at(end - 1, shift)
    base = addr & ~((size << 9) - 1)
    for i in sorted(k for k in table.entries if first <= k <= last):
        lo = base + (i << shift)
        yield i, max(lo, addr), min(lo + size, end)


def _table_fits(start: int, end: int, mask: int, floor: int, ceiling: int) -> bool:
    start &= mask
    if start < floor:
        return False
    c = _ceiling_below(ceiling, mask)
    if c is None:
        return False
    return ulong(end - 1) <= ulong(c - 1)


def _free_pud_range(pgd: Table, i: int, addr: int, end: int, floor: int, ceiling: int) -> None:
    pud = pgd.entries[i]
    for j, lo, hi in _entries_in(pud, addr, end, PUD_SHIFT, PUD_SIZE):
        if isinstance(pud.entries[j], Table):
            _free_pmd_range(pud, j, lo, hi, floor, ceiling)
    if _table_fits(addr, end, PGDIR_MASK, floor, ceiling):
        del pgd.entries[i]  # p4d_clear(): the PUD table is freed


def _free_pmd_range(pud: Table, j: int, addr: int, end: int, floor: int, ceiling: int) -> None:
    pmd = pud.entries[j]
    for k, _, _ in _entries_in(pmd, addr, end, PMD_SHIFT, PMD_SIZE):
        if isinstance(pmd.entries[k], Table):
            del pmd.entries[k]  # free_pte_range(): the PTE table is freed
    if _table_fits(addr, end, PUD_MASK, floor, ceiling):
        del pud.entries[j]  # pud_clear(): the PMD table is freed


# -- unmapping a file's pages from every mapping (truncate, hole punch) -----------------------
SIZEOF_LOFF_T = SIZEOF_PGOFF_T = 8  # long long and unsigned long on x86-64

@kernel_function
def unmap_mapping_range_vma(vma: VmAreaStruct, start_addr: int, end_addr: int,
                            details: ZapDetails) -> None:
    zap_page_range_single(vma, start_addr, end_addr - start_addr,  # C: zap_page_range_single(
                          details)


@kernel_function
def unmap_mapping_range_tree(root: list, first_index: int, last_index: int,
                             details: ZapDetails) -> None:
    # Every VMA that maps some page of [first_index, last_index] of the file:
    for vma in [v for v in root if v.vm_pgoff <= last_index  # C: vma_interval_tree_foreach(vma,
                and v.vm_pgoff + v.pages - 1 >= first_index]:
        vba = vma.vm_pgoff  # C: vba = vma->vm_pgoff;
        vea = vba + vma.pages - 1  # C: vea = vba + vma_pages(vma) - 1;
        zba = max(first_index, vba)  # C: zba = max(first_index, vba);
        zea = min(last_index, vea)  # C: zea = min(last_index, vea);

        unmap_mapping_range_vma(  # C: unmap_mapping_range_vma(vma,
            vma, ((zba - vba) << PAGE_SHIFT) + vma.vm_start,
            ((zea - vba + 1) << PAGE_SHIFT) + vma.vm_start, details)


@kernel_function
def unmap_mapping_pages(mapping: Inode, start: int, nr: int, even_cows: bool) -> None:
    details = ZapDetails()  # C: struct zap_details details = { };
    first_index = start  # C: pgoff_t first_index = start;
    last_index = ulong(start + nr - 1)  # C: pgoff_t last_index = start + nr - 1;

    details.even_cows = even_cows  # C: details.even_cows = even_cows;
    if last_index < first_index:  # C: if (last_index < first_index)
        last_index = ULONG_MAX  # C: last_index = ULONG_MAX;

    not_modelled("locking: one thread, no contention")  # C: i_mmap_lock_read(mapping);
    if mapping.i_mmap:  # C: if (unlikely(!RB_EMPTY_ROOT(&mapping->i_mmap.rb_root)))
        unmap_mapping_range_tree(mapping.i_mmap, first_index,  # C: unmap_mapping_range_tree(
                                 last_index, details)
    not_modelled("locking: one thread, no contention")  # C: i_mmap_unlock_read(mapping);


@kernel_function
def unmap_mapping_range(mapping: Inode, holebegin: int, holelen: int, even_cows: int) -> None:
    hba = ulong(holebegin) >> PAGE_SHIFT  # C: pgoff_t hba = (pgoff_t)(holebegin) >> PAGE_SHIFT;
    hlen = ulong(holelen + PAGE_SIZE - 1) >> PAGE_SHIFT  # C: pgoff_t hlen = ((pgoff_t)(holelen) +

    # Check for overflow: on 64-bit, loff_t is no wider than pgoff_t, so there is none.
    if SIZEOF_LOFF_T > SIZEOF_PGOFF_T:  # C: if (sizeof(holelen) > sizeof(hlen))
        holeend = (holebegin + holelen + PAGE_SIZE - 1) >> PAGE_SHIFT  # C: long long holeend =
        if holeend & ~ULONG_MAX:  # C: if (holeend & ~(long long)ULONG_MAX)
            hlen = ULONG_MAX - hba + 1  # C: hlen = ULONG_MAX - hba + 1;

    unmap_mapping_pages(mapping, hba, hlen, bool(even_cows))  # C: unmap_mapping_pages(mapping,
