# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/hugetlb.c: the huge page pool, its reservations, and faults on hugetlb VMAs.

The pool is the machine's Hstate (nr_huge_pages, free_huge_pages, resv_huge_pages), set by
vm.nr_hugepages. mmap() reserves pages up front (hugetlb_reserve_pages) unless
MAP_NORESERVE; a fault takes a free page, using up a reservation if the VMA holds one
(alloc_huge_page). With no page left the fault is SIGBUS, as nothing can be swapped out.

Reservation maps (struct resv_map) are sets of huge-page indexes. A shared mapping's map
hangs off the inode and records the pages reserved; a private mapping's map hangs off the
VMA (vm_private_data) and records the reservations already used.

Simplified: no surplus pages (vm.nr_overcommit_hugepages is 0, so none can be made), no
subpools (hugetlbfs mounts without size=), no cgroup charges, one NUMA node. A pool page
gets its frames from PhysMem when a fault takes it, not when vm.nr_hugepages is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_DIRTY,
    _PAGE_PSE,
    _PAGE_RW,
    PAGE_SHIFT,
    PAGE_SIZE,
    PMD_SHIFT,
    PUD_SHIFT,
)
from lab.kernel.include.linux.hugetlb import (
    hstate_index,
    hstate_inode,
    hstate_vma,
    huge_page_mask,
    huge_page_order,
    huge_page_shift,
    huge_page_size,
    pages_per_huge_page,
)
from lab.kernel.include.linux.mm import (
    FOLL_DUMP,
    FOLL_NOWAIT,
    FOLL_TRIED,
    FOLL_WRITE,
    VM_MAYSHARE,
    VM_NORESERVE,
    VM_SHARED,
    VM_WRITE,
)
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_ALLOW_RETRY,
    FAULT_FLAG_KILLABLE,
    FAULT_FLAG_RETRY_NOWAIT,
    FAULT_FLAG_TRIED,
    FAULT_FLAG_UNSHARE,
    FAULT_FLAG_WRITE,
    VM_FAULT_ERROR,
    VM_FAULT_OOM,
    VM_FAULT_RETRY,
    VM_FAULT_SIGBUS,
    VM_FAULT_SIGSEGV,
)
from lab.kernel.include.uapi.errno import EFAULT, ENOMEM, ENOSPC
from lab.kernel.machine import Hstate, current, kernel
from lab.kernel.mm.memory import (
    PageHWPoison,
    anon_vma_prepare,
    fatal_signal_pending,
    pte_mkyoung,
    pte_present,
    userfaultfd_missing,
    vm_fault_to_errno,
)
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.pagetable import PageTable, pte_pfn
from lab.kernel.physmem import FRAME_HUGE
from lab.kernel.twin import MAX_ERRNO, Out, goto_label, kernel_function, not_modelled

HPAGE_RESV_OWNER = 1 << 0  # this VMA made the reservation (the mmap() caller)
HPAGE_RESV_UNMAPPED = 1 << 1  # its pages were taken away after a failed COW


@dataclass(eq=False)
class ResvMap:
    """struct resv_map: the huge-page indexes it has a region for."""

    regions: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class VmaResv:
    """What a private hugetlb VMA's vm_private_data holds: its resv_map and HPAGE_RESV_* flags."""

    map: ResvMap | None = None
    flags: int = 0


# -- the reservation map and the pool (plain helpers of mm/hugetlb.c) ------------------------
def IS_ERR(x) -> bool:  # noqa: N802
    return isinstance(x, int) and -MAX_ERRNO <= x < 0


def inode_resv_map(inode) -> ResvMap:
    """The inode's resv_map; hugetlbfs_get_inode() makes one per inode, the lab on first use."""
    resv = inode.i_resv_map
    if resv is None:
        resv = inode.i_resv_map = ResvMap()
    return resv


def resv_map_alloc() -> ResvMap:
    return ResvMap()


def _vma_resv(vma: VmAreaStruct) -> VmaResv:
    data = vma.vm_private_data
    return data if isinstance(data, VmaResv) else VmaResv()


def set_vma_resv_map(vma: VmAreaStruct, resv_map: ResvMap | None) -> None:
    vma.vm_private_data = VmaResv(resv_map, _vma_resv(vma).flags)


def set_vma_resv_flags(vma: VmAreaStruct, flags: int) -> None:
    old = _vma_resv(vma)
    vma.vm_private_data = VmaResv(old.map, old.flags | flags)


def is_vma_resv_set(vma: VmAreaStruct, flag: int) -> bool:
    return bool(_vma_resv(vma).flags & flag)


def vma_resv_map(vma: VmAreaStruct) -> ResvMap | None:
    if vma.vm_flags & VM_MAYSHARE:
        return inode_resv_map(vma.vm_file.f_inode)
    return _vma_resv(vma).map


def region_chg(resv: ResvMap, f: int, t: int, out_regions_needed: Out | None = None) -> int:
    """How many pages of [f, t) the map has no region for."""
    missing = sum(1 for i in range(f, t) if i not in resv.regions)
    if out_regions_needed is not None:
        out_regions_needed.value = 1 if missing else 0
    return missing


def region_add(resv: ResvMap, f: int, t: int, regions_needed=1, h=None, h_cg=None) -> int:
    """Add regions for [f, t); how many pages were new."""
    added = region_chg(resv, f, t)
    resv.regions.update(range(f, t))
    return added


def region_abort(resv: ResvMap, f: int, t: int, regions_needed=1) -> None:
    """Cancel a region_chg() not followed by region_add(): nothing to undo in the lab's map."""


def vma_hugecache_offset(h: Hstate, vma: VmAreaStruct, address: int) -> int:
    return ((address - vma.vm_start) >> huge_page_shift(h)) + \
        (vma.vm_pgoff >> huge_page_order(h))


def vma_needs_reservation(h: Hstate, vma: VmAreaStruct, addr: int) -> int:
    """0 if a reservation exists for the page at addr, 1 if not (__vma_reservation_common)."""
    resv = vma_resv_map(vma)
    if resv is None:
        return 1
    ret = region_chg(resv, vma_hugecache_offset(h, vma, addr),
                     vma_hugecache_offset(h, vma, addr) + 1)
    if vma.vm_flags & VM_MAYSHARE:
        return ret
    # A private map records reservations used: no entry means one is still there.
    return 0 if ret > 0 else 1


def vma_commit_reservation(h: Hstate, vma: VmAreaStruct, addr: int) -> int:
    resv = vma_resv_map(vma)
    if resv is None:
        return 1
    idx = vma_hugecache_offset(h, vma, addr)
    ret = region_add(resv, idx, idx + 1)
    if vma.vm_flags & VM_MAYSHARE:
        return ret
    return 0 if ret > 0 else 1


def vma_end_reservation(h: Hstate, vma: VmAreaStruct, addr: int) -> None:
    """Abort a vma_needs_reservation() (region_abort): nothing to undo in the lab."""


def vma_has_reserves(vma: VmAreaStruct, chg: int) -> bool:
    if vma.vm_flags & VM_NORESERVE:
        return bool(vma.vm_flags & VM_MAYSHARE and chg == 0)
    if vma.vm_flags & VM_MAYSHARE:
        return not chg  # shared mappings always use their reserves
    if is_vma_resv_set(vma, HPAGE_RESV_OWNER):
        return not chg  # only the process that called mmap() has reserves
    return False


def subpool_inode(inode):
    return None  # hugetlbfs mounted without size= or min_size=: no subpool


def subpool_vma(vma: VmAreaStruct):
    return subpool_inode(vma.vm_file.f_inode)


def hugepage_subpool_get_pages(spool, delta: int) -> int:
    return delta  # no subpool: every page is needed from the global pool


def hugepage_subpool_put_pages(spool, delta: int) -> int:
    return delta


def hugetlb_cgroup_charge_cgroup_rsvd(idx, nr_pages, ptr) -> int:
    return 0  # no hugetlb cgroup limits in the lab


def hugetlb_cgroup_charge_cgroup(idx, nr_pages, ptr) -> int:
    return 0


def gather_surplus_pages(h: Hstate, delta: int) -> int:
    """Reserve delta pages; -ENOMEM if the free pages do not cover all reservations.

    The kernel would try to allocate surplus pages first, up to vm.nr_overcommit_hugepages,
    which is 0 in the lab.
    """
    needed = (h.resv_huge_pages + delta) - h.free_huge_pages
    if needed <= 0:
        h.resv_huge_pages += delta
        return 0
    return -ENOMEM


def return_unused_surplus_pages(h: Hstate, unused_resv_pages: int) -> None:
    h.resv_huge_pages -= unused_resv_pages  # and no surplus pages to free


def allowed_mems_nr(h: Hstate) -> int:
    return h.free_huge_pages  # one NUMA node, no cpuset


def dequeue_huge_page_vma(h: Hstate, vma: VmAreaStruct, address: int, chg: int) -> int | None:
    """Take a page from the free pool: its PFN, or None."""
    if not vma_has_reserves(vma, chg) and h.free_huge_pages - h.resv_huge_pages == 0:
        return None  # the free pages are all someone's reservations
    if h.free_huge_pages == 0:
        return None
    h.free_huge_pages -= 1
    page = kernel.physmem.alloc(FRAME_HUGE, pages=pages_per_huge_page(h))
    if vma_has_reserves(vma, chg):
        h.resv_huge_pages -= 1
    return page


def alloc_buddy_huge_page_with_mpol(h: Hstate, vma: VmAreaStruct, addr: int) -> int | None:
    return None  # a surplus page: vm.nr_overcommit_hugepages is 0


def vmf_error(err: int) -> int:
    return VM_FAULT_OOM if err == -ENOMEM else VM_FAULT_SIGBUS


def find_lock_page(mapping, idx: int) -> int | None:
    return mapping.pages.get(idx)


def huge_pte_offset(mm: MmStruct, addr: int, sz: int) -> PageTable | None:
    """A pointer to the entry that maps addr with a page of size sz, if its table exists."""
    pgd = mm.pgd
    parent = pgd.pgd.entries.get((addr >> 39) & 511)
    if sz >= 1 << PUD_SHIFT:
        return pgd if parent is not None else None
    if parent is None or isinstance(parent, int):
        return None
    pud = parent.entries.get((addr >> PUD_SHIFT) & 511)
    return pgd if pud is not None and not isinstance(pud, int) else None


def huge_pte_alloc(mm: MmStruct, vma: VmAreaStruct, addr: int, sz: int) -> PageTable:
    return mm.pgd  # the tables on the way are made when the entry is set


def huge_ptep_get(ptep: PageTable, addr: int, h: Hstate) -> int:
    """The huge entry for addr: a PMD (2 MiB) or PUD (1 GiB) leaf, 0 when none."""
    table = ptep.pgd
    for shift in (39, PUD_SHIFT, PMD_SHIFT):
        entry = table.entries.get((addr >> shift) & 511)
        if entry is None:
            return 0
        if shift == huge_page_shift(h):
            return entry if isinstance(entry, int) else 0
        if isinstance(entry, int):
            return 0
        table = entry
    return 0


def set_huge_pte_at(mm: MmStruct, addr: int, ptep: PageTable, pte: int, h: Hstate) -> None:
    if huge_page_shift(h) != PMD_SHIFT:
        raise NotImplementedError("1 GiB hugetlb leaves (PUD level) are not in the lab's "
                                  "page tables")
    ptep.set_huge_pmd(addr, pte)


def make_huge_pte(vma: VmAreaStruct, page: int, writable: bool) -> int:
    entry = (page << PAGE_SHIFT) | vma.vm_page_prot
    if writable:
        entry |= _PAGE_DIRTY | _PAGE_RW  # huge_pte_mkwrite(huge_pte_mkdirty(...))
    else:
        entry &= ~_PAGE_RW  # huge_pte_wrprotect
    return pte_mkyoung(entry) | _PAGE_PSE  # arch_make_huge_pte(): pte_mkhuge()


def huge_pte_write(pte: int) -> bool:
    return bool(pte & _PAGE_RW)


def set_huge_ptep_writable(vma: VmAreaStruct, addr: int, ptep: PageTable, h: Hstate) -> None:
    entry = huge_ptep_get(ptep, addr, h) | _PAGE_DIRTY | _PAGE_RW
    set_huge_pte_at(current.mm, addr, ptep, entry, h)


def hugetlb_wp(mm: MmStruct, vma: VmAreaStruct, address: int, ptep: PageTable, flags: int,
               pagecache_page, ptl, h: Hstate) -> int:
    """mm/hugetlb.c: a write to a read-only huge PTE; the lab does the no-copy cases.

    A shared mapping, or a private page no one else maps (the anonymous page just
    allocated), is made writable in place. Copying a huge page (a private write to a page
    cache page) is not in the lab.
    """
    unshare = bool(flags & FAULT_FLAG_UNSHARE)
    haddr = address & huge_page_mask(h)
    if not unshare and not vma.vm_flags & VM_WRITE:
        return VM_FAULT_SIGSEGV
    if vma.vm_flags & VM_MAYSHARE:
        if not unshare:
            set_huge_ptep_writable(vma, haddr, ptep, h)
        return 0
    old_page = pte_pfn(huge_ptep_get(ptep, haddr, h))
    anon = old_page not in vma.vm_file.f_mapping.pages.values()  # private pages stay out of it
    if anon:  # and mapped once: one process, no fork
        if not unshare:
            set_huge_ptep_writable(vma, haddr, ptep, h)
        return 0
    raise NotImplementedError("copy-on-write of a huge page is not modelled")


def is_hugetlb_entry_migration(entry: int) -> bool:
    return False  # the lab migrates no pages


def is_hugetlb_entry_hwpoisoned(entry: int) -> bool:
    return False  # no memory errors in the lab


def userfaultfd_minor(vma: VmAreaStruct) -> bool:
    return False  # no userfaultfd registrations in the lab


def userfaultfd_wp(vma: VmAreaStruct) -> bool:
    return False


def pte_marker_uffd_wp(pte: int) -> bool:
    return False


def trylock_page(page: int) -> bool:
    return True  # one thread: every page lock is free


def try_grab_folio(page: int, refs: int, flags: int) -> bool:
    return True


def hugetlbfs_pagecache_present(h: Hstate, vma: VmAreaStruct, address: int) -> bool:
    return vma_hugecache_offset(h, vma, address) in vma.vm_file.f_mapping.pages


def huge_ptep_set_access_flags(vma, addr: int, ptep: PageTable, entry: int, dirty,
                               h: Hstate) -> bool:
    """x86: as ptep_set_access_flags(), the entry is written back only for a write."""
    changed = huge_ptep_get(ptep, addr, h) != entry
    if changed and dirty:
        set_huge_pte_at(current.mm, addr, ptep, entry, h)
    return changed


def hugetlb_add_to_page_cache(page: int, mapping, idx: int) -> int:
    if idx in mapping.pages:
        return -17  # -EEXIST
    mapping.pages[idx] = page
    kernel.physmem.get(page)  # the page cache's reference
    return 0


def hugetlb_pte_stable(h, mm, ptep, old_pte) -> bool:
    return True  # one thread: the entry cannot change under the fault


def restore_reserve_on_error(h: Hstate, vma: VmAreaStruct, address: int, page: int) -> None:
    """Give back the reservation a failed fault used (only on error paths)."""
    h.resv_huge_pages += 1


# -- the twin functions ----------------------------------------------------------------------
@kernel_function
def hugetlb_acct_memory(h: Hstate, delta: int) -> int:
    ret = -ENOMEM  # C: int ret = -ENOMEM;
    if not delta:  # C: if (!delta)
        return 0  # C: return 0;
    not_modelled("hugetlb_lock: one thread, no contention")  # C: spin_lock_irq(&hugetlb_lock);
    if delta > 0:  # C: if (delta > 0)
        if gather_surplus_pages(h, delta) < 0:  # C: if (gather_surplus_pages(h, delta) < 0)
            return hugetlb_acct_memory_out(ret)  # C: goto out;
        if delta > allowed_mems_nr(h):  # C: if (delta > allowed_mems_nr(h))
            return_unused_surplus_pages(h, delta)  # C: return_unused_surplus_pages(h, delta);
            return hugetlb_acct_memory_out(ret)  # C: goto out;
    ret = 0  # C: ret = 0;
    if delta < 0:  # C: if (delta < 0)
        return_unused_surplus_pages(h, -delta)  # C: return_unused_surplus_pages(h, (unsigned long)
    return hugetlb_acct_memory_out(ret)


@goto_label("hugetlb_acct_memory", "out")
def hugetlb_acct_memory_out(ret: int) -> int:
    not_modelled(  # C: out: ... spin_unlock_irq(&hugetlb_lock);
        "hugetlb_lock: one thread, no contention")
    return ret  # C: return ret;


@kernel_function
def hugetlb_reserve_pages(inode, from_: int, to: int, vma: VmAreaStruct | None,
                          vm_flags: int) -> bool:
    add = -1  # C: long chg, add = -1;
    chg = 0
    resv_map = None
    h = hstate_inode(inode)  # C: struct hstate *h = hstate_inode(inode);
    spool = subpool_inode(inode)  # C: struct hugepage_subpool *spool = subpool_inode(inode);
    h_cg = None  # C: struct hugetlb_cgroup *h_cg = NULL;
    regions_needed = Out(0)  # C: long gbl_reserve, regions_needed = 0;
    if from_ > to:  # C: if (from > to)
        not_modelled(  # C: VM_WARN(1, "%s called with a negative range\n", __func__);
            "kernel log warning: a negative range never comes from mmap")
        return False  # C: return false;
    not_modelled(  # C: hugetlb_vma_lock_alloc(vma);
        "the hugetlb VMA lock: one thread, no contention")
    if vm_flags & VM_NORESERVE:  # C: if (vm_flags & VM_NORESERVE)
        return True  # C: return true;
    if not vma or vma.vm_flags & VM_MAYSHARE:  # C: if (!vma || vma->vm_flags & VM_MAYSHARE)
        resv_map = inode_resv_map(inode)  # C: resv_map = inode_resv_map(inode);
        chg = region_chg(  # C: chg = region_chg(resv_map, from, to, &regions_needed);
                resv_map, from_, to, regions_needed)
    else:
        resv_map = resv_map_alloc()  # C: resv_map = resv_map_alloc();
        if not resv_map:  # C: if (!resv_map)
            return hugetlb_reserve_pages_out_err(  # C: goto out_err;
                    vma, chg, add, resv_map, from_, to)
        chg = to - from_  # C: chg = to - from;
        set_vma_resv_map(vma, resv_map)  # C: set_vma_resv_map(vma, resv_map);
        set_vma_resv_flags(vma, HPAGE_RESV_OWNER)  # C: set_vma_resv_flags(vma, HPAGE_RESV_OWNER);
    if chg < 0:  # C: if (chg < 0)
        return hugetlb_reserve_pages_out_err(vma, chg, add, resv_map, from_, to)  # C: goto out_err;
    if hugetlb_cgroup_charge_cgroup_rsvd(  # C: if (hugetlb_cgroup_charge_cgroup_rsvd(
            hstate_index(h), chg * pages_per_huge_page(h), h_cg) < 0:
        return hugetlb_reserve_pages_out_err(vma, chg, add, resv_map, from_, to)  # C: goto out_err;
    if vma and not (vma.vm_flags & VM_MAYSHARE) and h_cg:  # C: if (vma && !(vma->vm_flags &
        not_modelled(  # C: resv_map_set_hugetlb_cgroup_uncharge_info(resv_map, h_cg, h);
            "hugetlb cgroups: the lab has none")
    gbl_reserve = hugepage_subpool_get_pages(spool, chg)  # C: gbl_reserve =
    if gbl_reserve < 0:  # C: if (gbl_reserve < 0)
        return hugetlb_reserve_pages_out_uncharge_cgroup(  # C: goto out_uncharge_cgroup;
                vma, chg, add, resv_map, from_, to)
    if hugetlb_acct_memory(h, gbl_reserve) < 0:  # C: if (hugetlb_acct_memory(h, gbl_reserve) < 0)
        return hugetlb_reserve_pages_out_put_pages(  # C: goto out_put_pages;
                vma, spool, chg, add, resv_map, from_, to)
    if not vma or vma.vm_flags & VM_MAYSHARE:  # C: if (!vma || vma->vm_flags & VM_MAYSHARE)
        add = region_add(  # C: add = region_add(resv_map, from, to, regions_needed, h, h_cg);
                resv_map, from_, to, regions_needed.value, h, h_cg)
        if add < 0:  # C: if (unlikely(add < 0))
            hugetlb_acct_memory(h, -gbl_reserve)  # C: hugetlb_acct_memory(h, -gbl_reserve);
            return hugetlb_reserve_pages_out_put_pages(  # C: goto out_put_pages;
                    vma, spool, chg, add, resv_map, from_, to)
        elif chg > add:  # C: if (unlikely(chg > add))
            not_modelled(  # C: hugetlb_cgroup_uncharge_cgroup_rsvd(
                "hugetlb cgroups: the lab has none")
            rsv_adjust = hugepage_subpool_put_pages(  # C: rsv_adjust = hugepage_subpool_put_pages(
                    spool, chg - add)
            hugetlb_acct_memory(h, -rsv_adjust)  # C: hugetlb_acct_memory(h, -rsv_adjust);
        elif h_cg:  # C: if (h_cg)
            not_modelled(  # C: hugetlb_cgroup_put_rsvd_cgroup(h_cg);
                "hugetlb cgroups: the lab has none")
    return True  # C: return true;


@goto_label("hugetlb_reserve_pages", "out_put_pages")
def hugetlb_reserve_pages_out_put_pages(vma, spool, chg, add, resv_map, from_, to) -> bool:
    hugepage_subpool_put_pages(spool, chg)  # C: out_put_pages: ... (void)hugepage_subpool_put_
    return hugetlb_reserve_pages_out_uncharge_cgroup(  # C: out_uncharge_cgroup:
            vma, chg, add, resv_map, from_, to)


@goto_label("hugetlb_reserve_pages", "out_uncharge_cgroup")
def hugetlb_reserve_pages_out_uncharge_cgroup(vma, chg, add, resv_map, from_, to) -> bool:
    not_modelled(  # C: out_uncharge_cgroup: ... hugetlb_cgroup_uncharge_cgroup_rsvd(hstate_index(
        "hugetlb cgroups: the lab has none")
    return hugetlb_reserve_pages_out_err(vma, chg, add, resv_map, from_, to)  # C: out_err:


@goto_label("hugetlb_reserve_pages", "out_err")
def hugetlb_reserve_pages_out_err(vma, chg, add, resv_map, from_, to) -> bool:
    not_modelled(  # C: out_err: ... hugetlb_vma_lock_free(vma);
        "the hugetlb VMA lock: one thread, no contention")
    if not vma or vma.vm_flags & VM_MAYSHARE:  # C: if (!vma || vma->vm_flags & VM_MAYSHARE)
        if chg >= 0 and add < 0:  # C: if (chg >= 0 && add < 0)
            region_abort(resv_map, from_, to)  # C: region_abort(resv_map, from, to,
    if vma and is_vma_resv_set(vma, HPAGE_RESV_OWNER):  # C: if (vma && is_vma_resv_set(vma,
        not_modelled(  # C: kref_put(&resv_map->refs, resv_map_release);
            "reference counts: the map is dropped with the VMA's pointer to it")
        set_vma_resv_map(vma, None)  # C: set_vma_resv_map(vma, NULL);
    return False  # C: return false;


@kernel_function
def alloc_huge_page(vma: VmAreaStruct, addr: int, avoid_reserve: int):
    spool = subpool_vma(vma)  # C: struct hugepage_subpool *spool = subpool_vma(vma);
    h = hstate_vma(vma)  # C: struct hstate *h = hstate_vma(vma);
    h_cg = None  # C: struct hugetlb_cgroup *h_cg = NULL;
    h_cg_rsvd = None  # C: struct hugetlb_cgroup *h_cg_rsvd = NULL;
    idx = hstate_index(h)  # C: idx = hstate_index(h);
    map_chg = gbl_chg = vma_needs_reservation(h, vma, addr)  # C: map_chg = gbl_chg =
    if map_chg < 0:  # C: if (map_chg < 0)
        return -ENOMEM  # C: return ERR_PTR(-ENOMEM);
    if map_chg or avoid_reserve:  # C: if (map_chg || avoid_reserve)
        gbl_chg = hugepage_subpool_get_pages(spool, 1)  # C: gbl_chg = hugepage_subpool_get_pages(
        if gbl_chg < 0:  # C: if (gbl_chg < 0)
            vma_end_reservation(h, vma, addr)  # C: vma_end_reservation(h, vma, addr);
            return -ENOSPC  # C: return ERR_PTR(-ENOSPC);
    deferred_reserve = bool(map_chg or avoid_reserve)  # C: deferred_reserve = map_chg ||
    if deferred_reserve:  # C: if (deferred_reserve)
        ret = hugetlb_cgroup_charge_cgroup_rsvd(  # C: ret = hugetlb_cgroup_charge_cgroup_rsvd(
                idx, pages_per_huge_page(h), h_cg_rsvd)
        if ret:  # C: if (ret)
            return alloc_huge_page_out_subpool_put(  # C: goto out_subpool_put;
                    vma, h, addr, spool, map_chg, avoid_reserve)
    ret = hugetlb_cgroup_charge_cgroup(  # C: ret = hugetlb_cgroup_charge_cgroup(idx,
            idx, pages_per_huge_page(h), h_cg)
    if ret:  # C: if (ret)
        return alloc_huge_page_out_uncharge_cgroup_reservation(  # C: goto out_uncharge_cgroup_
            vma, h, addr, spool, map_chg, avoid_reserve)
    not_modelled("hugetlb_lock: one thread, no contention")  # C: spin_lock_irq(&hugetlb_lock);
    page = dequeue_huge_page_vma(h, vma, addr, gbl_chg)  # C: page = dequeue_huge_page_vma(h, vma,
    if not page:  # C: if (!page)
        not_modelled(  # C: spin_unlock_irq(&hugetlb_lock);
            "hugetlb_lock: one thread, no contention")
        page = alloc_buddy_huge_page_with_mpol(h, vma, addr)  # C: page =
        if not page:  # C: if (!page)
            return alloc_huge_page_out_uncharge_cgroup(  # C: goto out_uncharge_cgroup;
                vma, h, addr, spool, map_chg, avoid_reserve)
        not_modelled("hugetlb_lock: one thread, no contention")  # C: spin_lock_irq(&hugetlb_lock);
        if not avoid_reserve and vma_has_reserves(vma, gbl_chg):  # C: if (!avoid_reserve &&
            not_modelled(  # C: SetHPageRestoreReserve(page);
                "page flags: the lab keeps no per-page reservation flag")
            h.resv_huge_pages -= 1  # C: h->resv_huge_pages--;
        not_modelled(  # C: list_add(&page->lru, &h->hugepage_activelist);
            "the pool's active list: the lab counts pages only")
        not_modelled(  # C: set_page_refcounted(page);
            "a new surplus page's reference count: set when allocated")
    not_modelled("folios: the lab's pages are their head PFN")  # C: folio = page_folio(page);
    not_modelled(  # C: hugetlb_cgroup_commit_charge(idx, pages_per_huge_page(h), h_cg, page);
        "hugetlb cgroups: the lab has none")
    if deferred_reserve:  # C: if (deferred_reserve)
        not_modelled(  # C: hugetlb_cgroup_commit_charge_rsvd(idx, pages_per_huge_page(h),
            "hugetlb cgroups: the lab has none")
    not_modelled("hugetlb_lock: one thread, no contention")  # C: spin_unlock_irq(&hugetlb_lock);
    not_modelled(  # C: hugetlb_set_page_subpool(page, spool);
        "subpools: hugetlbfs is mounted without size=")
    map_commit = vma_commit_reservation(h, vma, addr)  # C: map_commit = vma_commit_reservation(h,
    if map_chg > map_commit:  # C: if (unlikely(map_chg > map_commit))
        rsv_adjust = hugepage_subpool_put_pages(spool, 1)  # C: rsv_adjust =
        hugetlb_acct_memory(h, -rsv_adjust)  # C: hugetlb_acct_memory(h, -rsv_adjust);
        if deferred_reserve:  # C: if (deferred_reserve)
            not_modelled(  # C: spin_lock_irq(&hugetlb_lock); ... spin_unlock_irq(&hugetlb_lock);
                "hugetlb cgroups: the lab has none")
    return page  # C: return page;


@goto_label("alloc_huge_page", "out_uncharge_cgroup")
def alloc_huge_page_out_uncharge_cgroup(vma, h, addr, spool, map_chg, avoid_reserve) -> int:
    not_modelled(  # C: out_uncharge_cgroup: ... hugetlb_cgroup_uncharge_cgroup(idx,
        "hugetlb cgroups: the lab has none")
    return alloc_huge_page_out_uncharge_cgroup_reservation(  # C: out_uncharge_cgroup_reservation:
        vma, h, addr, spool, map_chg, avoid_reserve)


@goto_label("alloc_huge_page", "out_uncharge_cgroup_reservation")
def alloc_huge_page_out_uncharge_cgroup_reservation(vma, h, addr, spool, map_chg,
                                                    avoid_reserve) -> int:
    if map_chg or avoid_reserve:  # C: out_uncharge_cgroup_reservation: ... if (deferred_reserve)
        not_modelled(  # C: hugetlb_cgroup_uncharge_cgroup_rsvd(idx, pages_per_huge_page(h),
            "hugetlb cgroups: the lab has none")
    return alloc_huge_page_out_subpool_put(  # C: out_subpool_put:
            vma, h, addr, spool, map_chg, avoid_reserve)


@goto_label("alloc_huge_page", "out_subpool_put")
def alloc_huge_page_out_subpool_put(vma, h, addr, spool, map_chg, avoid_reserve) -> int:
    if map_chg or avoid_reserve:  # C: out_subpool_put: ... if (map_chg || avoid_reserve)
        hugepage_subpool_put_pages(spool, 1)  # C: hugepage_subpool_put_pages(spool, 1);
    vma_end_reservation(h, vma, addr)  # C: vma_end_reservation(h, vma, addr);
    return -ENOSPC  # C: return ERR_PTR(-ENOSPC);


@kernel_function
def hugetlb_no_page(mm: MmStruct, vma: VmAreaStruct, mapping, idx: int, address: int,
                    ptep: PageTable, old_pte: int, flags: int) -> int:
    h = hstate_vma(vma)  # C: struct hstate *h = hstate_vma(vma);
    ret = VM_FAULT_SIGBUS  # C: vm_fault_t ret = VM_FAULT_SIGBUS;
    anon_rmap = 0  # C: int anon_rmap = 0;
    haddr = address & huge_page_mask(h)  # C: unsigned long haddr = address & huge_page_mask(h);
    new_page = new_pagecache_page = False  # C: bool new_page, new_pagecache_page = false;
    hash_ = 0  # C: u32 hash = hugetlb_fault_mutex_hash(mapping, idx);
    if is_vma_resv_set(vma, HPAGE_RESV_UNMAPPED):  # C: if (is_vma_resv_set(vma,
        not_modelled(  # C: pr_warn_ratelimited("PID %d killed due to inadequate hugepage pool\n",
            "kernel log message: shown only after a failed COW after fork")
        return hugetlb_no_page_out(vma, hash_, ret)  # C: goto out;
    new_page = False  # C: new_page = false;
    page = find_lock_page(mapping, idx)  # C: page = find_lock_page(mapping, idx);
    if not page:  # C: if (!page)
        size = mapping.i_size >> huge_page_shift(h)  # C: size = i_size_read(mapping->host) >>
        if idx >= size:  # C: if (idx >= size)
            return hugetlb_no_page_out(vma, hash_, ret)  # C: goto out;
        if userfaultfd_missing(vma):  # C: if (userfaultfd_missing(vma))
            not_modelled(  # C: if (!hugetlb_pte_stable(h, mm, ptep, old_pte)) ... return
                "userfaultfd: no registrations in the lab")
        page = alloc_huge_page(vma, haddr, 0)  # C: page = alloc_huge_page(vma, haddr, 0);
        if IS_ERR(page):  # C: if (IS_ERR(page))
            if hugetlb_pte_stable(h, mm, ptep, old_pte):  # C: if (hugetlb_pte_stable(h, mm, ptep,
                ret = vmf_error(page)  # C: ret = vmf_error(PTR_ERR(page));
            else:
                ret = 0  # C: ret = 0;
            return hugetlb_no_page_out(vma, hash_, ret)  # C: goto out;
        not_modelled(  # C: clear_huge_page(page, address, pages_per_huge_page(h));
            "clearing: a new frame's bytes read as zero")
        not_modelled(  # C: __SetPageUptodate(page);
            "page flags: a new frame's zeroed bytes are its contents")
        new_page = True  # C: new_page = true;
        if vma.vm_flags & VM_MAYSHARE:  # C: if (vma->vm_flags & VM_MAYSHARE)
            err = hugetlb_add_to_page_cache(  # C: int err = hugetlb_add_to_page_cache(page,
                    page, mapping, idx)
            if err:  # C: if (err)
                restore_reserve_on_error(  # C: restore_reserve_on_error(h, vma, haddr, page);
                        h, vma, haddr, page)
                kernel.physmem.put(page)  # C: put_page(page);
                return hugetlb_no_page_out(vma, hash_, ret)  # C: goto out;
            new_pagecache_page = True  # C: new_pagecache_page = true;
        else:
            not_modelled("page lock: one thread, no contention")  # C: lock_page(page);
            if anon_vma_prepare(vma):  # C: if (unlikely(anon_vma_prepare(vma)))
                ret = VM_FAULT_OOM  # C: ret = VM_FAULT_OOM;
                return hugetlb_no_page_backout_unlocked(  # C: goto backout_unlocked;
                    vma, h, haddr, page, hash_, ret, new_page, new_pagecache_page)
            anon_rmap = 1  # C: anon_rmap = 1;
    else:
        if PageHWPoison(page):  # C: if (unlikely(PageHWPoison(page)))
            not_modelled(  # C: ret = VM_FAULT_HWPOISON_LARGE | ... goto backout_unlocked;
                "memory errors: the lab has no poisoned pages")
        if userfaultfd_minor(vma):  # C: if (userfaultfd_minor(vma))
            not_modelled(  # C: unlock_page(page); ... return hugetlb_handle_userfault(vma, mapping,
                "userfaultfd: no registrations in the lab")
    if (flags & FAULT_FLAG_WRITE) and not (vma.vm_flags & VM_SHARED):  # C: if ((flags &
        if vma_needs_reservation(h, vma, haddr) < 0:  # C: if (vma_needs_reservation(h, vma, haddr)
            ret = VM_FAULT_OOM  # C: ret = VM_FAULT_OOM;
            return hugetlb_no_page_backout_unlocked(  # C: goto backout_unlocked;
                vma, h, haddr, page, hash_, ret, new_page, new_pagecache_page)
        vma_end_reservation(h, vma, haddr)  # C: vma_end_reservation(h, vma, haddr);
    ptl = None  # C: ptl = huge_pte_lock(h, mm, ptep);
    ret = 0  # C: ret = 0;
    if huge_ptep_get(ptep, haddr, h) != old_pte:  # C: if (!pte_same(huge_ptep_get(ptep), old_pte))
        return hugetlb_no_page_backout(vma, h, haddr, page, hash_, ret,  # C: goto backout;
                                       new_page, new_pagecache_page)
    if anon_rmap:  # C: if (anon_rmap)
        not_modelled(  # C: ClearHPageRestoreReserve(page);
            "page flags: the lab keeps no per-page reservation flag")
        not_modelled(  # C: hugepage_add_new_anon_rmap(page, vma, haddr);
            "reverse map: the lab finds a page's mappings in the page tables")
    else:
        not_modelled(  # C: page_dup_file_rmap(page, true);
            "reverse map: the lab finds a page's mappings in the page tables")
    new_pte = make_huge_pte(  # C: new_pte = make_huge_pte(vma, page, ((vma->vm_flags & VM_WRITE)
            vma, page, bool((vma.vm_flags & VM_WRITE)
                                            and (vma.vm_flags & VM_SHARED)))
    if pte_marker_uffd_wp(old_pte):  # C: if (unlikely(pte_marker_uffd_wp(old_pte)))
        not_modelled(  # C: new_pte = huge_pte_wrprotect(huge_pte_mkuffd_wp(new_pte));
            "userfaultfd write protection: no registrations in the lab")
    set_huge_pte_at(mm, haddr, ptep, new_pte, h)  # C: set_huge_pte_at(mm, haddr, ptep, new_pte);
    not_modelled(  # C: hugetlb_count_add(pages_per_huge_page(h), mm);
        "HugetlbPages of /proc/PID/status: the lab's mm has no such counter")
    if (flags & FAULT_FLAG_WRITE) and not (vma.vm_flags & VM_SHARED):  # C: if ((flags &
        ret = hugetlb_wp(  # C: ret = hugetlb_wp(mm, vma, address, ptep, flags, page, ptl);
                mm, vma, address, ptep, flags, page, ptl, h)
    not_modelled("page-table lock: one thread, no contention")  # C: spin_unlock(ptl);
    if new_page:  # C: if (new_page)
        not_modelled("page flags: migration is not in the lab")  # C: SetHPageMigratable(page);
    not_modelled("page lock: one thread, no contention")  # C: unlock_page(page);
    return hugetlb_no_page_out(vma, hash_, ret)


@goto_label("hugetlb_no_page", "out")
def hugetlb_no_page_out(vma: VmAreaStruct, hash_: int, ret: int) -> int:
    not_modelled(  # C: out: ... hugetlb_vma_unlock_read(vma);
        "the hugetlb VMA lock: one thread, no contention")
    not_modelled(  # C: mutex_unlock(&hugetlb_fault_mutex_table[hash]);
        "the hugetlb fault mutex: one thread, no contention")
    return ret  # C: return ret;


@goto_label("hugetlb_no_page", "backout")
def hugetlb_no_page_backout(vma, h, haddr, page, hash_, ret, new_page,
                            new_pagecache_page) -> int:
    not_modelled("page-table lock: one thread, no contention")  # C: backout: ... spin_unlock(ptl);
    return hugetlb_no_page_backout_unlocked(vma, h, haddr, page, hash_, ret,  # C: backout_unlocked:
                                            new_page, new_pagecache_page)


@goto_label("hugetlb_no_page", "backout_unlocked")
def hugetlb_no_page_backout_unlocked(vma, h, haddr, page, hash_, ret, new_page,
                                     new_pagecache_page) -> int:
    if new_page and not new_pagecache_page:  # C: backout_unlocked: ... if (new_page &&
        restore_reserve_on_error(h, vma, haddr, page)  # C: restore_reserve_on_error(h, vma, haddr,
    not_modelled("page lock: one thread, no contention")  # C: unlock_page(page);
    kernel.physmem.put(page)  # C: put_page(page);
    return hugetlb_no_page_out(vma, hash_, ret)  # C: goto out;


@kernel_function
def hugetlb_fault(mm: MmStruct, vma: VmAreaStruct, address: int, flags: int) -> int:
    page = None  # C: struct page *page = NULL;
    pagecache_page = None  # C: struct page *pagecache_page = NULL;
    h = hstate_vma(vma)  # C: struct hstate *h = hstate_vma(vma);
    need_wait_lock = 0  # C: int need_wait_lock = 0;
    haddr = address & huge_page_mask(h)  # C: unsigned long haddr = address & huge_page_mask(h);
    ptep = huge_pte_offset(mm, haddr, huge_page_size(h))  # C: ptep = huge_pte_offset(mm, haddr,
    if ptep:  # C: if (ptep)
        entry = huge_ptep_get(ptep, haddr, h)  # C: entry = huge_ptep_get(ptep);
        if is_hugetlb_entry_migration(entry):  # C: if (unlikely(is_hugetlb_entry_migration(entry)))
            not_modelled(  # C: migration_entry_wait_huge(vma, ptep); ... return 0;
                "page migration: the lab migrates no pages")
            return 0
        elif is_hugetlb_entry_hwpoisoned(entry):  # C: if (unlikely(is_hugetlb_entry_hwpoisoned(
            not_modelled(  # C: return VM_FAULT_HWPOISON_LARGE |
                "memory errors: the lab has no poisoned pages")
    mapping = vma.vm_file.f_mapping  # C: mapping = vma->vm_file->f_mapping;
    idx = vma_hugecache_offset(h, vma, haddr)  # C: idx = vma_hugecache_offset(h, vma, haddr);
    hash_ = 0  # C: hash = hugetlb_fault_mutex_hash(mapping, idx);
    not_modelled(  # C: mutex_lock(&hugetlb_fault_mutex_table[hash]);
        "the hugetlb fault mutex: one thread, no contention")
    not_modelled(  # C: hugetlb_vma_lock_read(vma);
        "the hugetlb VMA lock: one thread, no contention")
    ptep = huge_pte_alloc(mm, vma, haddr, huge_page_size(h))  # C: ptep = huge_pte_alloc(mm, vma,
    if not ptep:  # C: if (!ptep)
        not_modelled(  # C: hugetlb_vma_unlock_read(vma); ... mutex_unlock(&
            "the hugetlb locks: one thread, no contention")
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    entry = huge_ptep_get(ptep, haddr, h)  # C: entry = huge_ptep_get(ptep);
    if entry == 0:  # C: if (huge_pte_none_mostly(entry))
        return hugetlb_no_page(mm, vma, mapping, idx, address, ptep,  # C: return hugetlb_no_page(
                               entry, flags)
    ret = 0  # C: ret = 0;
    if not pte_present(entry):  # C: if (!pte_present(entry))
        return hugetlb_fault_out_mutex(vma, hash_, need_wait_lock, page, ret)  # C: goto out_mutex;
    if ((flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE))  # C: if ((flags & (FAULT_FLAG_WRITE|
            and not (vma.vm_flags & VM_MAYSHARE) and not huge_pte_write(entry)):
        if vma_needs_reservation(h, vma, haddr) < 0:  # C: if (vma_needs_reservation(h, vma, haddr)
            ret = VM_FAULT_OOM  # C: ret = VM_FAULT_OOM;
            return hugetlb_fault_out_mutex(  # C: goto out_mutex;
                    vma, hash_, need_wait_lock, page, ret)
        vma_end_reservation(h, vma, haddr)  # C: vma_end_reservation(h, vma, haddr);
        pagecache_page = find_lock_page(mapping, idx)  # C: pagecache_page = find_lock_page(mapping,
    ptl = None  # C: ptl = huge_pte_lock(h, mm, ptep);
    if entry != huge_ptep_get(ptep, haddr, h):  # C: if (unlikely(!pte_same(entry, huge_ptep_get(
        return hugetlb_fault_out_ptl(  # C: goto out_ptl;
                vma, hash_, need_wait_lock, page, pagecache_page, ret)
    if (userfaultfd_wp(vma)  # C: if (userfaultfd_wp(vma) && huge_pte_uffd_wp(
            and (flags & FAULT_FLAG_WRITE) and not huge_pte_write(entry)):
        not_modelled(  # C: struct vm_fault vmf = { ... return handle_userfault(&vmf, VM_UFFD_WP);
            "userfaultfd write protection: no registrations in the lab")
    page = pte_pfn(entry)  # C: page = pte_page(entry);
    if page != pagecache_page:  # C: if (page != pagecache_page)
        if not trylock_page(page):  # C: if (!trylock_page(page))
            need_wait_lock = 1  # C: need_wait_lock = 1;
            return hugetlb_fault_out_ptl(  # C: goto out_ptl;
                vma, hash_, need_wait_lock, page, pagecache_page, ret)
    not_modelled(  # C: get_page(page);
        "a reference held across the fault: dropped again at its end")
    if flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE):  # C: if (flags & (FAULT_FLAG_WRITE|
        if not huge_pte_write(entry):  # C: if (!huge_pte_write(entry))
            ret = hugetlb_wp(  # C: ret = hugetlb_wp(mm, vma, address, ptep, flags,
                    mm, vma, address, ptep, flags, pagecache_page, ptl, h)
            return hugetlb_fault_out_put_page(  # C: goto out_put_page;
                vma, hash_, need_wait_lock, page, pagecache_page, ret)
        elif flags & FAULT_FLAG_WRITE:  # C: if (likely(flags & FAULT_FLAG_WRITE))
            entry |= _PAGE_DIRTY  # C: entry = huge_pte_mkdirty(entry);
    entry = pte_mkyoung(entry)  # C: entry = pte_mkyoung(entry);
    if huge_ptep_set_access_flags(  # C: if (huge_ptep_set_access_flags(
            vma, haddr, ptep, entry, flags & FAULT_FLAG_WRITE, h):
        not_modelled("MMU cache hook: empty on x86")  # C: update_mmu_cache(vma, haddr, ptep);
    return hugetlb_fault_out_put_page(vma, hash_, need_wait_lock, page, pagecache_page, ret)


@goto_label("hugetlb_fault", "out_put_page")
def hugetlb_fault_out_put_page(vma, hash_, need_wait_lock, page, pagecache_page, ret) -> int:
    if page != pagecache_page:  # C: out_put_page: ... if (page != pagecache_page)
        not_modelled("page lock: one thread, no contention")  # C: unlock_page(page);
    not_modelled(  # C: put_page(page);
        "a reference held across the fault: dropped again at its end")
    return hugetlb_fault_out_ptl(  # C: out_ptl:
            vma, hash_, need_wait_lock, page, pagecache_page, ret)


@goto_label("hugetlb_fault", "out_ptl")
def hugetlb_fault_out_ptl(vma, hash_, need_wait_lock, page, pagecache_page, ret) -> int:
    not_modelled("page-table lock: one thread, no contention")  # C: out_ptl: ... spin_unlock(ptl);
    if pagecache_page:  # C: if (pagecache_page)
        not_modelled(  # C: unlock_page(pagecache_page); ... put_page(pagecache_page);
            "page lock and the lookup's reference: one thread, nothing held")
    return hugetlb_fault_out_mutex(vma, hash_, need_wait_lock, page, ret)  # C: out_mutex:


@goto_label("hugetlb_fault", "out_mutex")
def hugetlb_fault_out_mutex(vma, hash_, need_wait_lock, page, ret) -> int:
    not_modelled(  # C: out_mutex: ... hugetlb_vma_unlock_read(vma);
        "the hugetlb VMA lock: one thread, no contention")
    not_modelled(  # C: mutex_unlock(&hugetlb_fault_mutex_table[hash]);
        "the hugetlb fault mutex: one thread, no contention")
    if need_wait_lock:  # C: if (need_wait_lock)
        not_modelled("page lock: one thread, no contention")  # C: wait_on_page_locked(page);
    return ret  # C: return ret;


def __follow_hugetlb_must_fault(flags: int, pte: PageTable, addr: int, h: Hstate,
                                unshare: Out) -> bool:
    """mm/hugetlb.c: must gup fault this present huge page first (a write to a read-only PTE)?"""
    pteval = huge_ptep_get(pte, addr, h)
    unshare.value = False
    if pteval & _PAGE_RW:
        return False
    return bool(flags & FOLL_WRITE)  # gup_must_unshare() needs FOLL_PIN, which populate lacks


@kernel_function
def follow_hugetlb_page(mm: MmStruct, vma: VmAreaStruct, pages, vmas, position: Out,
                        nr_pages: Out, i: int, flags: int, locked: Out | None) -> int:
    vaddr = position.value  # C: unsigned long vaddr = *position;
    remainder = nr_pages.value  # C: unsigned long remainder = *nr_pages;
    h = hstate_vma(vma)  # C: struct hstate *h = hstate_vma(vma);
    err = -EFAULT  # C: int err = -EFAULT, refs;
    while vaddr < vma.vm_end and remainder:  # C: while (vaddr < vma->vm_end && remainder)
        not_modelled("page-table lock: one thread, no contention")  # C: spinlock_t *ptl = NULL;
        unshare = Out(False)  # C: bool unshare = false;
        if fatal_signal_pending(current):  # C: if (fatal_signal_pending(current))
            remainder = 0  # C: remainder = 0;
            break
        haddr = vaddr & huge_page_mask(h)
        pte = huge_pte_offset(mm, haddr, huge_page_size(h))  # C: pte = huge_pte_offset(mm, vaddr &
        if pte:  # C: if (pte)
            not_modelled("page-table lock: one thread, no contention")  # C: ptl = huge_pte_lock(
        absent = not pte or huge_ptep_get(pte, haddr, h) == 0  # C: absent = !pte || huge_pte_none(
        if (absent and (flags & FOLL_DUMP)  # C: if (absent && (flags & FOLL_DUMP) &&
                and not hugetlbfs_pagecache_present(h, vma, vaddr)):
            if pte:  # C: if (pte)
                not_modelled("page-table lock: one thread, no contention")  # C: spin_unlock(ptl);
            remainder = 0  # C: remainder = 0;
            break
        if absent or __follow_hugetlb_must_fault(flags, pte, haddr, h, unshare):  # C: if (absent ||
            fault_flags = 0  # C: unsigned int fault_flags = 0;
            if pte:  # C: if (pte)
                not_modelled("page-table lock: one thread, no contention")  # C: spin_unlock(ptl);
            if flags & FOLL_WRITE:  # C: if (flags & FOLL_WRITE)
                fault_flags |= FAULT_FLAG_WRITE  # C: fault_flags |= FAULT_FLAG_WRITE;
            elif unshare.value:  # C: if (unshare)
                fault_flags |= FAULT_FLAG_UNSHARE  # C: fault_flags |= FAULT_FLAG_UNSHARE;
            if locked:  # C: if (locked)
                fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE  # C: fault_flags |=
            if flags & FOLL_NOWAIT:  # C: if (flags & FOLL_NOWAIT)
                fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT  # C: fault_flags |=
            if flags & FOLL_TRIED:  # C: if (flags & FOLL_TRIED)
                fault_flags |= FAULT_FLAG_TRIED  # C: fault_flags |= FAULT_FLAG_TRIED;
            ret = hugetlb_fault(mm, vma, vaddr, fault_flags)  # C: ret = hugetlb_fault(mm, vma,
            if ret & VM_FAULT_ERROR:  # C: if (ret & VM_FAULT_ERROR)
                err = vm_fault_to_errno(ret, flags)  # C: err = vm_fault_to_errno(ret, flags);
                remainder = 0  # C: remainder = 0;
                break
            if ret & VM_FAULT_RETRY:  # C: if (ret & VM_FAULT_RETRY)
                if locked and not (fault_flags & FAULT_FLAG_RETRY_NOWAIT):  # C: if (locked &&
                    locked.value = 0  # C: *locked = 0;
                nr_pages.value = 0  # C: *nr_pages = 0;
                return i  # C: return i;
            continue  # C: continue;
        pfn_offset = (vaddr & ~huge_page_mask(h)) >> PAGE_SHIFT  # C: pfn_offset = (vaddr &
        page = pte_pfn(huge_ptep_get(pte, haddr, h))  # C: page = pte_page(huge_ptep_get(pte));
        not_modelled(  # C: VM_BUG_ON_PAGE((flags & FOLL_PIN) && PageAnon(page) &&
            "debug assertion: pinned anonymous pages are exclusive")
        if (not pages and not vmas and not pfn_offset  # C: if (!pages && !vmas && !pfn_offset &&
                and vaddr + huge_page_size(h) < vma.vm_end
                and remainder >= pages_per_huge_page(h)):
            vaddr += huge_page_size(h)  # C: vaddr += huge_page_size(h);
            remainder -= pages_per_huge_page(h)  # C: remainder -= pages_per_huge_page(h);
            i += pages_per_huge_page(h)  # C: i += pages_per_huge_page(h);
            not_modelled("page-table lock: one thread, no contention")  # C: spin_unlock(ptl);
            continue  # C: continue;
        refs = min(pages_per_huge_page(h) - pfn_offset, remainder,  # C: refs = min3(
                   (vma.vm_end - (vaddr & ~(PAGE_SIZE - 1))) >> PAGE_SHIFT)
        if pages or vmas:  # C: if (pages || vmas)
            for k in range(refs):  # C: record_subpages_vmas(nth_page(page, pfn_offset),
                if pages is not None:
                    pages[i + k] = page + pfn_offset + k
                if vmas is not None:
                    vmas[i + k] = vma
        if pages:  # C: if (pages)
            if not try_grab_folio(pages[i], refs, flags):  # C: if (WARN_ON_ONCE(!try_grab_folio(
                not_modelled(  # C: spin_unlock(ptl); ... err = -ENOMEM;
                    "page reference overflow: cannot happen in the lab")
                break
        vaddr += refs << PAGE_SHIFT  # C: vaddr += (refs << PAGE_SHIFT);
        remainder -= refs  # C: remainder -= refs;
        i += refs  # C: i += refs;
        not_modelled("page-table lock: one thread, no contention")  # C: spin_unlock(ptl);
    nr_pages.value = remainder  # C: *nr_pages = remainder;
    position.value = vaddr  # C: *position = vaddr;
    return i if i else err  # C: return i ? i : err;



def put_huge_page_mapping(vma: VmAreaStruct, addr: int, pfn: int) -> None:
    """A huge page leaves a VMA's page table (munmap): drop the mapping's reference.

    A page-cache page (shared mapping) stays cached; a private page goes back to the free
    pool (free_huge_page()), and the lab hands its frames back to PhysMem until the next
    fault takes it.
    """
    h = hstate_vma(vma)
    physmem = kernel.physmem
    if pfn in vma.vm_file.f_mapping.pages.values():
        physmem.put(pfn)
        return
    h.free_huge_pages += 1
    for p in range(pfn, pfn + pages_per_huge_page(h)):
        physmem.put(p)
