# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/mprotect.c: mprotect(2), from the VMAs it splits or merges to the PTEs it changes.

do_mprotect_pkey() walks the VMAs of the range, computes each one's new flags (refusing with
EACCES what the VM_MAY* bits forbid) and hands it to mprotect_fixup(), which merges the range
into a neighbour or splits it out, sets the flags and vm_page_prot, and has
change_protection() rewrite the present PTEs: pte_modify() gives each the new protection
bits, keeping its frame, accessed and dirty bits. A PTE becomes writable only where no
fault needs to see the write: a private page stays read-only until its write fault copies
(or reuses) it, unless it is an exclusive anonymous page already dirty; a shared file page
stays read-only while its file wants to know of the first write (write-notify).

The page-table walk above the PTE tables (change_p4d_range, change_pud_range,
change_pmd_range) is a plain helper: the lab has no huge PMDs outside hugetlb VMAs, whose
entries hugetlb_change_protection() changes.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import (
    _HPAGE_CHG_MASK,
    _PAGE_DIRTY,
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    _PAGE_SOFT_DIRTY,
    PAGE_MASK,
    PAGE_SHIFT,
    PGDIR_MASK,
    PGDIR_SIZE,
    PMD_MASK,
    PMD_SIZE,
    pte_modify,
)
from lab.kernel.include.linux.hugetlb import hstate_vma, huge_page_size, is_vm_hugetlb_page
from lab.kernel.include.linux.mm import (
    MM_CP_PROT_NUMA,
    MM_CP_TRY_CHANGE_WRITABLE,
    MM_CP_UFFD_WP,
    MM_CP_UFFD_WP_ALL,
    MM_CP_UFFD_WP_RESOLVE,
    VM_ACCESS_FLAGS,
    VM_ACCOUNT,
    VM_FLAGS_CLEAR,
    VM_GROWSDOWN,
    VM_GROWSUP,
    VM_HUGETLB,
    VM_LOCKED,
    VM_MAYEXEC,
    VM_MIXEDMAP,
    VM_NORESERVE,
    VM_PFNMAP,
    VM_SHARED,
    VM_WRITE,
)
from lab.kernel.include.linux.mman import calc_vm_prot_bits, vm_unacct_memory
from lab.kernel.include.uapi.errno import EACCES, EINTR, EINVAL, ENOMEM
from lab.kernel.include.uapi.mman import PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP, PROT_READ
from lab.kernel.include.uapi.personality import READ_IMPLIES_EXEC
from lab.kernel.lib.maple_tree import MaState, mas_find, mas_prev, mas_set
from lab.kernel.machine import current
from lab.kernel.mm.gup import populate_vma_page_range
from lab.kernel.mm.memory import (
    BUG,
    PageAnon,
    PageAnonExclusive,
    pmd_none,
    pmd_trans_unstable,
    pte_mkwrite,
    pte_none,
    pte_present,
    pte_protnone,
    pte_write,
    ptep_get,
    set_pte_at,
    vm_normal_page,
)
from lab.kernel.mm.mmap import (
    PAGE_ALIGN,
    arch_validate_flags,
    find_vma,
    may_expand_vm,
    split_vma,
    vm_stat_account,
    vma_merge,
    vma_set_page_prot,
    vma_soft_dirty_enabled,
    vma_wants_writenotify,
)
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.pagetable import PageTable
from lab.kernel.security import security_file_mprotect, security_vm_enough_memory_mm
from lab.kernel.twin import ULONG_MAX, Out, goto_label, kernel_function, not_modelled, ulong

NUMA_NO_NODE = -1


# -- small helpers ------------------------------------------------------------------------------
def untagged_addr(addr: int) -> int:
    return addr  # x86-64 in 6.1 has no address tags


def arch_validate_prot(prot: int, addr: int) -> bool:
    """include/linux/mman.h: x86 accepts PROT_READ|WRITE|EXEC|SEM and nothing else."""
    return not prot & ~(PROT_READ | 0x2 | PROT_EXEC | 0x8)


def mm_pkey_is_allocated(mm: MmStruct, pkey: int) -> bool:
    return pkey == 0  # pkey_alloc() is not in the lab: only the default key exists


def arch_override_mprotect_pkey(vma: VmAreaStruct, prot: int, pkey: int) -> int:
    """arch/x86/include/asm/pkeys.h: keep the VMA's key; every lab VMA has key 0."""
    return 0


def arch_has_pfn_modify_check() -> bool:
    return True  # x86 checks PROT_NONE on PFN mappings against L1TF


def pte_dirty(pte: int) -> bool:
    return bool(pte & _PAGE_DIRTY)


def pte_soft_dirty(pte: int) -> bool:
    return bool(pte & _PAGE_SOFT_DIRTY)


def userfaultfd_pte_wp(vma: VmAreaStruct, pte: int) -> bool:
    return False  # no userfaultfd registrations in the lab


def is_swap_pte(pte: int) -> bool:
    """A non-present entry that is not empty: swap or migration entries; the lab has none."""
    return not pte_none(pte) and not pte_present(pte)


def pte_needs_flush(oldpte: int, newpte: int) -> bool:
    """A permission taken away must leave the TLB; the lab has no TLB, so nothing to do."""
    return bool((oldpte & ~newpte) & (0x2 | _PAGE_PRESENT)) or bool((oldpte ^ newpte)
                                                                    & _PAGE_PROTNONE)


def pgd_addr_end(addr: int, end: int) -> int:
    boundary = ulong((addr + PGDIR_SIZE) & PGDIR_MASK)
    return boundary if boundary - 1 < end - 1 else end


def pgd_none_or_clear_bad(pgd: PageTable, addr: int) -> bool:
    return pgd.pgd.entries.get((addr >> 39) & 511) is None


def _ptes_in(pgtable: PageTable, addr: int, end: int) -> list[tuple[int, int]]:
    """(address, entry) of the entries of one PTE table in [addr, end) that are not empty."""
    table = pgtable.pte_table(addr, create=False)
    if table is None:
        return []
    first, last = (addr >> PAGE_SHIFT) & 511, ((end - 1) >> PAGE_SHIFT) & 511
    base = addr & ~(PMD_SIZE - 1)
    return [(base + (i << PAGE_SHIFT), table.entries[i])
            for i in sorted(k for k in table.entries if first <= k <= last)]


def change_p4d_range(tlb, vma: VmAreaStruct, pgd: PageTable, addr: int, end: int,
                     newprot: int, cp_flags: int) -> int:
    """change_p4d_range() → change_pud_range() → change_pmd_range(): down to each PTE table
    of the range (4-level paging folds the P4D; no huge PMDs outside hugetlb)."""
    pages = 0
    while addr < end:
        nxt = min(ulong((addr + PMD_SIZE) & PMD_MASK), end)
        if not pmd_none(pgd, addr):
            pages += change_pte_range(tlb, vma, pgd, addr, nxt, newprot, cp_flags)
        addr = nxt
    return pages


def hugetlb_change_protection(vma: VmAreaStruct, address: int, end: int, newprot: int,
                              cp_flags: int) -> int:
    """mm/hugetlb.c: the new protection in each huge entry of the range (huge_pte_modify)."""
    pgd = current.mm.pgd
    size = huge_page_size(hstate_vma(vma))
    pages = 0
    for addr, entry, leaf_size in list(pgd.leaves(address, end)):
        if leaf_size != size or not entry:
            continue
        new = (entry & _HPAGE_CHG_MASK) | (newprot & ~_HPAGE_CHG_MASK & ULONG_MAX)
        if new != entry:
            pgd.set_huge_pmd(addr, new)
        pages += 1
    return pages << (size.bit_length() - 1 - PAGE_SHIFT)


def tlb_gather_mmu(tlb, mm: MmStruct) -> None:
    return None


# -- mm/mprotect.c, in the order of the file ---------------------------------------------------
@kernel_function
def can_change_pte_writable(vma: VmAreaStruct, addr: int, pte: int) -> bool:
    not_modelled(  # C: VM_BUG_ON(!(vma->vm_flags & VM_WRITE) || pte_write(pte));
        "a debug assertion: a writable VMA, a read-only PTE")
    # Only a page already dirty can skip the write fault (its first write was seen).
    if pte_protnone(pte) or not pte_dirty(pte):  # C: if (pte_protnone(pte) || !pte_dirty(pte))
        return False  # C: return false;
    # Do we need write faults for softdirty tracking?
    if vma_soft_dirty_enabled(vma) and not pte_soft_dirty(pte):  # C: if (vma_soft_dirty_enabled(
        return False  # C: return false;
    # Do we need write faults for uffd-wp tracking?
    if userfaultfd_pte_wp(vma, pte):  # C: if (userfaultfd_pte_wp(vma, pte))
        return False  # C: return false;
    if not vma.vm_flags & VM_SHARED:  # C: if (!(vma->vm_flags & VM_SHARED))
        # A private page may be written without a fault only if it is this process's own
        # anonymous page: anything else must be copied first.
        page = vm_normal_page(vma, addr, pte)  # C: page = vm_normal_page(vma, addr, pte);
        if not page or not PageAnon(page) or not PageAnonExclusive(page):  # C: if (!page ||
            return False  # C: return false;
    return True  # C: return true;


@kernel_function
def change_pte_range(tlb, vma: VmAreaStruct, pmd: PageTable, addr: int, end: int,
                     newprot: int, cp_flags: int) -> int:
    pages = 0  # C: long pages = 0;
    target_node = NUMA_NO_NODE  # C: int target_node = NUMA_NO_NODE;  # noqa: F841
    prot_numa = bool(cp_flags & MM_CP_PROT_NUMA)  # C: bool prot_numa = cp_flags & MM_CP_PROT_NUMA;
    uffd_wp = bool(cp_flags & MM_CP_UFFD_WP)  # C: bool uffd_wp = cp_flags & MM_CP_UFFD_WP;
    uffd_wp_resolve = bool(cp_flags & MM_CP_UFFD_WP_RESOLVE)  # C: bool uffd_wp_resolve =
    not_modelled("TLB batching: the lab has no TLB")  # C: tlb_change_page_size(tlb, PAGE_SIZE);

    if pmd_trans_unstable(pmd, addr):  # C: if (pmd_trans_unstable(pmd))
        return 0  # C: return 0;

    pte = pmd  # C: pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);

    # Get target node for single threaded private VMAs
    if prot_numa and not vma.vm_flags & VM_SHARED:  # C: if (prot_numa && !(vma->vm_flags &
        not_modelled("NUMA balancing: one node")  # C: target_node = numa_node_id();
    not_modelled("TLB batching: the lab has no TLB")  # C: flush_tlb_batched_pending(vma->vm_mm);
    not_modelled("lazy MMU mode: only paravirtualised kernels "  # C: arch_enter_lazy_mmu_mode();
                 "batch PTE writes")
    # Empty entries change nothing: the lab visits only the entries that hold something.
    entries = _ptes_in(pte, addr, end)
    for addr, _ in entries:  # C: while (pte++, addr += PAGE_SIZE, addr != end);
        oldpte = ptep_get(pte, addr)  # C: oldpte = *pte;
        if pte_present(oldpte):  # C: if (pte_present(oldpte))
            preserve_write = prot_numa and pte_write(oldpte)  # C: bool preserve_write =

            # Avoid trapping faults against the zero or KSM pages.
            if prot_numa:  # C: if (prot_numa)
                not_modelled(  # C: if (pte_protnone(oldpte)) ... xchg_page_access_time(page,
                    "NUMA balancing's hinting faults: one node, no balancing")

            oldpte = ptep_get(pte, addr)  # C: oldpte = ptep_modify_prot_start(vma, addr, pte);
            ptent = pte_modify(oldpte, newprot)  # C: ptent = pte_modify(oldpte, newprot);
            if preserve_write:  # C: if (preserve_write)
                not_modelled("NUMA balancing: one node")  # C: ptent = pte_mk_savedwrite(ptent);

            if uffd_wp:  # C: if (uffd_wp)
                not_modelled("userfaultfd write protection: no "  # C: ptent = pte_wrprotect(
                             "registrations in the lab")
                not_modelled("userfaultfd write protection: no "  # C: ptent = pte_mkuffd_wp(
                             "registrations in the lab")
            elif uffd_wp_resolve:  # C: if (uffd_wp_resolve)
                not_modelled("userfaultfd write protection: no "  # C: ptent = pte_clear_uffd_wp(
                             "registrations in the lab")

            # Writable without a fault, where no fault needs to see the write.
            if (cp_flags & MM_CP_TRY_CHANGE_WRITABLE  # C: if ((cp_flags &
                    and not pte_write(ptent) and can_change_pte_writable(vma, addr, ptent)):
                ptent = pte_mkwrite(ptent)  # C: ptent = pte_mkwrite(ptent);

            if ptent != oldpte:  # the lab writes only entries that change
                set_pte_at(current.mm, addr, pte, ptent)  # C: ptep_modify_prot_commit(vma,
            if pte_needs_flush(oldpte, ptent):  # C: if (pte_needs_flush(oldpte, ptent))
                not_modelled("TLB flush: the lab has no TLB")  # C: tlb_flush_pte_range(tlb,
            pages += 1  # C: pages++;
        elif is_swap_pte(oldpte):  # C: if (is_swap_pte(oldpte))
            not_modelled(  # C: swp_entry_t entry = ... newpte = pte_swp_clear_uffd_wp(newpte);
                "swap and migration entries: the lab's machine has no swap")
            newpte = oldpte
            if newpte != oldpte:  # C: if (!pte_same(oldpte, newpte))
                set_pte_at(current.mm, addr, pte, newpte)  # C: set_pte_at(vma->vm_mm, addr,
                pages += 1  # C: pages++;
        else:
            not_modelled("a warning: the entry must be empty")  # C: WARN_ON_ONCE(!pte_none(
    not_modelled("lazy MMU mode: only paravirtualised kernels "  # C: arch_leave_lazy_mmu_mode();
                 "batch PTE writes")
    not_modelled("page-table lock: one thread, no contention")  # C: pte_unmap_unlock(pte - 1,
    return pages  # C: return pages;


@kernel_function
def change_protection_range(tlb, vma: VmAreaStruct, addr: int, end: int, newprot: int,
                            cp_flags: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    pages = 0  # C: long pages = 0;

    if addr >= end:  # C: BUG_ON(addr >= end);
        BUG()
    pgd = mm.pgd  # C: pgd = pgd_offset(mm, addr);
    not_modelled("TLB batching: the lab has no TLB")  # C: tlb_start_vma(tlb, vma);
    while True:
        next = pgd_addr_end(addr, end)  # C: next = pgd_addr_end(addr, end);
        not_modelled(  # C: change_prepare(vma, pgd, p4d, addr, cp_flags);
            "page tables made ahead for userfaultfd write protection: not used")
        if pgd_none_or_clear_bad(pgd, addr):  # C: if (pgd_none_or_clear_bad(pgd))
            addr = next  # C: continue;
        else:
            pages += change_p4d_range(  # C: pages += change_p4d_range(tlb, vma, pgd, addr, next,
                tlb, vma, pgd, addr, next, newprot, cp_flags)
            addr = next
        if addr == end:  # C: while (pgd++, addr = next, addr != end);
            break
    not_modelled("TLB batching: the lab has no TLB")  # C: tlb_end_vma(tlb, vma);
    return pages  # C: return pages;


@kernel_function
def change_protection(tlb, vma: VmAreaStruct, start: int, end: int, newprot: int,
                      cp_flags: int) -> int:
    if (cp_flags & MM_CP_UFFD_WP_ALL) == MM_CP_UFFD_WP_ALL:  # C: BUG_ON((cp_flags &
        BUG()
    if is_vm_hugetlb_page(vma):  # C: if (is_vm_hugetlb_page(vma))
        pages = hugetlb_change_protection(  # C: pages = hugetlb_change_protection(vma, start,
            vma, start, end, newprot, cp_flags)
    else:
        pages = change_protection_range(  # C: pages = change_protection_range(tlb, vma, start,
            tlb, vma, start, end, newprot, cp_flags)
    return pages  # C: return pages;


@kernel_function
def mprotect_fixup(tlb, vma: VmAreaStruct, pprev: Out, start: int, end: int,
                   newflags: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    oldflags = vma.vm_flags  # C: unsigned long oldflags = vma->vm_flags;
    nrpages = (end - start) >> PAGE_SHIFT  # C: long nrpages = (end - start) >> PAGE_SHIFT;
    charged = 0  # C: unsigned long charged = 0;

    if newflags == oldflags:  # C: if (newflags == oldflags)
        pprev.value = vma  # C: *pprev = vma;
        return 0  # C: return 0;

    # PROT_NONE on a PFN mapping is checked now, while nothing is undone yet.
    if (arch_has_pfn_modify_check()  # C: if (arch_has_pfn_modify_check() &&
            and vma.vm_flags & (VM_PFNMAP | VM_MIXEDMAP) and not newflags & VM_ACCESS_FLAGS):
        not_modelled(  # C: pgprot_t new_pgprot = vm_get_page_prot(newflags); ... return error;
            "L1TF checks of raw PFN mappings: the lab's [vvar] has no PTEs to check")

    # Private memory made writable is committed now; it is not given back if made read-only.
    if newflags & VM_WRITE:  # C: if (newflags & VM_WRITE)
        # Check space limits when area turns into data.
        if (not may_expand_vm(mm, newflags, nrpages)  # C: if (!may_expand_vm(mm, newflags,
                and may_expand_vm(mm, oldflags, nrpages)):
            return -ENOMEM  # C: return -ENOMEM;
        if not oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB  # C: if (!(oldflags & (VM_ACCOUNT|
                           | VM_SHARED | VM_NORESERVE):
            charged = nrpages  # C: charged = nrpages;
            if security_vm_enough_memory_mm(mm, charged):  # C: if (security_vm_enough_memory_mm(
                return -ENOMEM  # C: return -ENOMEM;
            newflags |= VM_ACCOUNT  # C: newflags |= VM_ACCOUNT;

    # First try to merge with previous and/or next vma.
    pgoff = vma.vm_pgoff + ((start - vma.vm_start) >> PAGE_SHIFT)  # C: pgoff = vma->vm_pgoff +
    pprev.value = vma_merge(mm, pprev.value, start, end,  # C: *pprev = vma_merge(mm, *pprev,
                            newflags, vma.anon_vma, vma.vm_file, pgoff)
    if pprev.value:  # C: if (*pprev)
        vma = pprev.value  # C: vma = *pprev;
        not_modelled("a warning: the merged VMA has the new "  # C: VM_WARN_ON((vma->vm_flags ^
                     "flags")
        return mprotect_fixup_success(tlb, mm, vma, start, end, oldflags, newflags,
                                      nrpages)  # C: goto success;

    pprev.value = vma  # C: *pprev = vma;

    if start != vma.vm_start:  # C: if (start != vma->vm_start)
        error = split_vma(mm, vma, start, 1)  # C: error = split_vma(mm, vma, start, 1);
        if error:  # C: if (error)
            return mprotect_fixup_fail(charged, error)  # C: goto fail;

    if end != vma.vm_end:  # C: if (end != vma->vm_end)
        error = split_vma(mm, vma, end, 0)  # C: error = split_vma(mm, vma, end, 0);
        if error:  # C: if (error)
            return mprotect_fixup_fail(charged, error)  # C: goto fail;

    return mprotect_fixup_success(tlb, mm, vma, start, end, oldflags, newflags, nrpages)


@goto_label("mprotect_fixup", "success")
def mprotect_fixup_success(tlb, mm: MmStruct, vma: VmAreaStruct, start: int, end: int,
                           oldflags: int, newflags: int, nrpages: int) -> int:
    vma.vm_flags = newflags  # C: success: ... vma->vm_flags = newflags;
    # Which PTEs may be made writable here, rather than by a write fault? Private ones need
    # their COW fault; shared ones need it when the file wants to see the first write.
    if vma.vm_flags & VM_SHARED:  # C: if (vma->vm_flags & VM_SHARED)
        try_change_writable = bool(  # C: try_change_writable = vma_wants_writenotify(vma,
            vma_wants_writenotify(vma, vma.vm_page_prot))
    else:
        try_change_writable = bool(vma.vm_flags & VM_WRITE)  # C: try_change_writable = !!(
    vma_set_page_prot(vma)  # C: vma_set_page_prot(vma);

    change_protection(tlb, vma, start, end, vma.vm_page_prot,  # C: change_protection(tlb, vma,
                      MM_CP_TRY_CHANGE_WRITABLE if try_change_writable else 0)

    # Private VM_LOCKED VMA becoming writable: trigger COW to avoid major fault on access.
    if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED  # C: if ((oldflags & (
            and newflags & VM_WRITE):
        populate_vma_page_range(vma, start, end, None)  # C: populate_vma_page_range(vma, start,

    vm_stat_account(mm, oldflags, -nrpages)  # C: vm_stat_account(mm, oldflags, -nrpages);
    vm_stat_account(mm, newflags, nrpages)  # C: vm_stat_account(mm, newflags, nrpages);
    not_modelled("perf events: profiling, no effect on memory")  # C: perf_event_mmap(vma);
    return 0  # C: return 0;


@goto_label("mprotect_fixup", "fail")
def mprotect_fixup_fail(charged: int, error: int) -> int:
    vm_unacct_memory(charged)  # C: fail: ... vm_unacct_memory(charged);
    return error  # C: return error;


@kernel_function
def do_mprotect_pkey(start: int, len: int, prot: int, pkey: int) -> int:
    grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP)  # C: const int grows = prot & (PROT_GROWSDOWN|
    rier = bool(current.personality & READ_IMPLIES_EXEC  # C: const bool rier = (current->
                and prot & PROT_READ)
    mas = MaState(current.mm, 0, 0)  # C: MA_STATE(mas, &current->mm->mm_mt, 0, 0);

    start = untagged_addr(start)  # C: start = untagged_addr(start);

    prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP)  # C: prot &= ~(PROT_GROWSDOWN|PROT_GROWSUP);
    if grows == (PROT_GROWSDOWN | PROT_GROWSUP):  # C: if (grows == (PROT_GROWSDOWN|PROT_GROWSUP))
        return -EINVAL  # C: return -EINVAL;

    if start & ~PAGE_MASK:  # C: if (start & ~PAGE_MASK)
        return -EINVAL  # C: return -EINVAL;
    if not len:  # C: if (!len)
        return 0  # C: return 0;
    len = PAGE_ALIGN(len)  # C: len = PAGE_ALIGN(len);
    end = ulong(start + len)  # C: end = start + len;
    if end <= start:  # C: if (end <= start)
        return -ENOMEM  # C: return -ENOMEM;
    if not arch_validate_prot(prot, start):  # C: if (!arch_validate_prot(prot, start))
        return -EINVAL  # C: return -EINVAL;

    reqprot = prot  # C: reqprot = prot;

    if mmap_write_lock_killable(current.mm):  # C: if (mmap_write_lock_killable(current->mm))
        return -EINTR  # C: return -EINTR;

    # If userspace did not allocate the pkey, do not let them use it here.
    error = -EINVAL  # C: error = -EINVAL;
    if pkey != -1 and not mm_pkey_is_allocated(current.mm, pkey):  # C: if ((pkey != -1) &&
        return do_mprotect_pkey_out(error)  # C: goto out;

    mas_set(mas, start)  # C: mas_set(&mas, start);
    vma = mas_find(mas, ULONG_MAX)  # C: vma = mas_find(&mas, ULONG_MAX);
    error = -ENOMEM  # C: error = -ENOMEM;
    if not vma:  # C: if (!vma)
        return do_mprotect_pkey_out(error)  # C: goto out;

    if grows & PROT_GROWSDOWN:  # C: if (unlikely(grows & PROT_GROWSDOWN))
        if vma.vm_start >= end:  # C: if (vma->vm_start >= end)
            return do_mprotect_pkey_out(error)  # C: goto out;
        start = vma.vm_start  # C: start = vma->vm_start;
        error = -EINVAL  # C: error = -EINVAL;
        if not vma.vm_flags & VM_GROWSDOWN:  # C: if (!(vma->vm_flags & VM_GROWSDOWN))
            return do_mprotect_pkey_out(error)  # C: goto out;
    else:
        # A hole at the start of the range: ENOMEM, nothing changed.
        if vma.vm_start > start:  # C: if (vma->vm_start > start)
            return do_mprotect_pkey_out(error)  # C: goto out;
        if grows & PROT_GROWSUP:  # C: if (unlikely(grows & PROT_GROWSUP))
            end = vma.vm_end  # C: end = vma->vm_end;
            error = -EINVAL  # C: error = -EINVAL;
            if not vma.vm_flags & VM_GROWSUP:  # C: if (!(vma->vm_flags & VM_GROWSUP))
                return do_mprotect_pkey_out(error)  # C: goto out;

    if start > vma.vm_start:  # C: if (start > vma->vm_start)
        prev = vma  # C: prev = vma;
    else:
        prev = mas_prev(mas, 0)  # C: prev = mas_prev(&mas, 0);

    tlb = None
    tlb_gather_mmu(tlb, current.mm)  # C: tlb_gather_mmu(&tlb, current->mm);
    nstart = start
    while True:  # C: for (nstart = start ; ; )
        # Here we know that vma->vm_start <= nstart < vma->vm_end.

        # Does the application expect PROT_READ to imply PROT_EXEC
        if rier and vma.vm_flags & VM_MAYEXEC:  # C: if (rier && (vma->vm_flags & VM_MAYEXEC))
            prot |= PROT_EXEC  # C: prot |= PROT_EXEC;

        # mprotect() passes all of r/w/x: a permission not passed is cleared.
        mask_off_old_flags = (VM_READ_WRITE_EXEC  # C: mask_off_old_flags = VM_READ | VM_WRITE |
                              | VM_FLAGS_CLEAR)

        new_vma_pkey = arch_override_mprotect_pkey(vma, prot, pkey)  # C: new_vma_pkey =
        newflags = calc_vm_prot_bits(prot, new_vma_pkey)  # C: newflags = calc_vm_prot_bits(prot,
        newflags |= vma.vm_flags & ~mask_off_old_flags  # C: newflags |= (vma->vm_flags &

        # newflags >> 4 shift VM_MAY% in place of VM_%
        if (newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS:  # C: if ((newflags & ~(newflags >>
            error = -EACCES  # C: error = -EACCES;
            break

        # Allow architectures to sanity-check the new flags
        if not arch_validate_flags(newflags):  # C: if (!arch_validate_flags(newflags))
            error = -EINVAL  # C: error = -EINVAL;
            break

        error = security_file_mprotect(vma, reqprot, prot)  # C: error = security_file_mprotect(
        if error:  # C: if (error)
            break

        tmp = vma.vm_end  # C: tmp = vma->vm_end;
        if tmp > end:  # C: if (tmp > end)
            tmp = end  # C: tmp = end;

        mprotect_op = getattr(vma.vm_ops, "mprotect", None) if vma.vm_ops else None
        if mprotect_op:  # C: if (vma->vm_ops && vma->vm_ops->mprotect)
            error = mprotect_op(vma, nstart, tmp, newflags)  # C: error = vma->vm_ops->mprotect(
            if error:  # C: if (error)
                break

        pprev = Out(prev)
        error = mprotect_fixup(tlb, vma, pprev, nstart, tmp,  # C: error = mprotect_fixup(&tlb,
                               newflags)
        prev = pprev.value
        if error:  # C: if (error)
            break

        nstart = tmp  # C: nstart = tmp;

        if nstart < prev.vm_end:  # C: if (nstart < prev->vm_end)
            nstart = prev.vm_end  # C: nstart = prev->vm_end;
        if nstart >= end:  # C: if (nstart >= end)
            break

        # The next VMA must start where this one ends: a hole is ENOMEM.
        vma = find_vma(current.mm, prev.vm_end)  # C: vma = find_vma(current->mm, prev->vm_end);
        if not vma or vma.vm_start != nstart:  # C: if (!vma || vma->vm_start != nstart)
            error = -ENOMEM  # C: error = -ENOMEM;
            break
        prot = reqprot  # C: prot = reqprot;
    not_modelled("TLB batching: the lab has no TLB")  # C: tlb_finish_mmu(&tlb);
    return do_mprotect_pkey_out(error)


@goto_label("do_mprotect_pkey", "out")
def do_mprotect_pkey_out(error: int) -> int:
    not_modelled("locking: one thread, no contention")  # C: out: ... mmap_write_unlock(
    return error  # C: return error;


def mmap_write_lock_killable(mm: MmStruct) -> int:
    return 0  # one thread: the lock is free and no fatal signal interrupts the wait


@kernel_function(c_name="sys_mprotect")
def sys_mprotect(start: int, len: int, prot: int) -> int:
    return do_mprotect_pkey(start, len, prot, -1)  # C: return do_mprotect_pkey(start, len,


VM_READ_WRITE_EXEC = VM_ACCESS_FLAGS  # VM_READ | VM_WRITE | VM_EXEC
