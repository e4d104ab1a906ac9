# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/gup.c: populating a range (MAP_POPULATE, MAP_LOCKED) by faulting its pages in.

__mm_populate() walks the VMAs of the range; populate_vma_page_range() picks the gup flags
(a write fault for private writable memory, to break COW now); __get_user_pages() looks
each page up in the page tables (follow_page_mask) and faults it in when it is missing
(faultin_page → handle_mm_fault), one page per turn of its loop.

The lab's process has one thread and the mmap lock is not modelled, so nothing ever races:
a fault that would drop the lock (VM_FAULT_RETRY, VM_FAULT_COMPLETED) still takes the path
the C takes, and __mm_populate() "re-takes" the lock and carries on where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel import fold
from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_PRESENT,
    _PAGE_PROTNONE,
    _PAGE_RW,
    _PAGE_SOFT_DIRTY,
    _PAGE_SPECIAL,
    PAGE_MASK,
    PAGE_SHIFT,
    PAGE_SIZE,
)
from lab.kernel.include.linux.hugetlb import is_vm_hugetlb_page
from lab.kernel.include.linux.mm import (
    FOLL_ANON,
    FOLL_DUMP,
    FOLL_FORCE,
    FOLL_LONGTERM,
    FOLL_NOFAULT,
    FOLL_NOWAIT,
    FOLL_REMOTE,
    FOLL_TOUCH,
    FOLL_TRIED,
    FOLL_WRITE,
    VM_IO,
    VM_LOCKONFAULT,
    VM_MAYREAD,
    VM_MAYSHARE,
    VM_MAYWRITE,
    VM_PFNMAP,
    VM_READ,
    VM_SHARED,
    VM_SOFTDIRTY,
    VM_WRITE,
)
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_ALLOW_RETRY,
    FAULT_FLAG_KILLABLE,
    FAULT_FLAG_REMOTE,
    FAULT_FLAG_RETRY_NOWAIT,
    FAULT_FLAG_TRIED,
    FAULT_FLAG_UNSHARE,
    FAULT_FLAG_WRITE,
    VM_FAULT_COMPLETED,
    VM_FAULT_ERROR,
    VM_FAULT_RETRY,
)
from lab.kernel.include.uapi.errno import (
    EAGAIN,
    EBUSY,
    EEXIST,
    EFAULT,
    EHWPOISON,
    EINTR,
    EMLINK,
    ENOMEM,
    EOPNOTSUPP,
)
from lab.kernel.machine import current
from lab.kernel.mm.hugetlb import follow_hugetlb_page
from lab.kernel.mm.memory import (
    BUG,
    PageAnon,
    PageAnonExclusive,
    arch_vma_access_permitted,
    fatal_signal_pending,
    handle_mm_fault,
    is_cow_mapping,
    ptep_get,
    vm_fault_to_errno,
    vma_is_accessible,
    vma_is_anonymous,
)
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.pagetable import pte_pfn
from lab.kernel.twin import MAX_ERRNO, Out, goto_label, kernel_function, not_modelled


@dataclass(slots=True)
class FollowPageContext:
    """struct follow_page_context: what follow_page_mask() tells its caller besides the page."""

    pgmap: object = None  # device memory's dev_pagemap: the lab has none
    page_mask: int = 0  # pages - 1 of a huge leaf found (0: a 4 KiB page)


def IS_ERR(x) -> bool:  # noqa: N802  (the kernel's macro name)
    """A "pointer" that is an error: follow_page_mask() returns -errno for ERR_PTR(-errno)."""
    return isinstance(x, int) and -MAX_ERRNO <= x < 0


def untagged_addr(addr: int) -> int:
    return addr  # x86-64 in 6.1 has no address tags (LAM came in 6.4)


def in_gate_area(mm: MmStruct, addr: int) -> bool:
    """arch/x86/entry/vsyscall: is addr in the vsyscall page (the gate VMA)?"""
    gate = mm.gate_vma
    return gate is not None and gate.vm_start <= addr < gate.vm_end


def get_gate_page(mm: MmStruct, address: int, gup_flags: int, vma: Out, page) -> int:
    """mm/gup.c: the gate page; -EFAULT here, as vsyscall=xonly (the default) maps no page."""
    vma.value = mm.gate_vma
    return -EFAULT


def vma_is_fsdax(vma: VmAreaStruct) -> bool:
    return False  # no DAX file systems in the lab


def vma_is_secretmem(vma: VmAreaStruct) -> bool:
    return False  # no memfd_secret() in the lab


def can_follow_write_pte(pte: int, page, vma: VmAreaStruct, flags: int) -> bool:
    """mm/gup.c: may gup write through this PTE without a write fault first?"""
    if pte & _PAGE_RW:
        return True
    if not flags & FOLL_FORCE:
        return False
    if vma.vm_flags & (VM_MAYSHARE | VM_SHARED):
        return False  # FOLL_FORCE has no effect on shared mappings
    if not vma.vm_flags & VM_MAYWRITE:
        return False
    if vma.vm_flags & VM_WRITE:
        return False  # writable, so it just needs a write fault
    if not page or not PageAnon(page) or not PageAnonExclusive(page):
        return False
    if not vma.vm_flags & VM_SOFTDIRTY and not pte & _PAGE_SOFT_DIRTY:
        return False  # soft-dirty tracking wants the write fault
    return True


def follow_page_mask(vma: VmAreaStruct, address: int, flags: int, ctx: FollowPageContext,
                     mm: MmStruct):
    """mm/gup.c, with follow_p4d/pud/pmd_mask and follow_page_pte folded into one walk.

    The page (its PFN) mapped at address if the PTE allows the access, None if a fault must
    make or fix it (nothing mapped; FOLL_WRITE on a read-only PTE: COW or write-notify), or
    -EFAULT for the zero page under FOLL_DUMP. The zero page counts as mapped for reads.
    `mm` is vma->vm_mm (the lab's VMAs do not point back at their mm).
    """
    ctx.page_mask = 0
    pte = ptep_get(mm.pgd, address)
    if not pte & (_PAGE_PRESENT | _PAGE_PROTNONE):
        return None  # no_page_table(), or a non-present PTE: gup faults it in
    if pte & _PAGE_PROTNONE and not pte & _PAGE_PRESENT:
        return None  # a NUMA-hinting PTE: gup_can_follow_protnone() says fault
    page = None if pte & _PAGE_SPECIAL else pte_pfn(pte)  # vm_normal_page()
    if flags & FOLL_WRITE and not can_follow_write_pte(pte, page, vma, flags):
        return None
    if page is None:
        if flags & FOLL_DUMP:
            return -EFAULT  # core dumps skip the zero page
        page = pte_pfn(pte)  # the zero page itself
    # FOLL_TOUCH would mark the page accessed (and dirty for a write): page flags the lab
    # does not keep.
    return page


# -- populate ------------------------------------------------------------------------------
@kernel_function
def __get_user_pages(mm: MmStruct, start: int, nr_pages: int, gup_flags: int, pages, vmas,
                     locked: Out | None) -> int:
    ret = i = 0  # C: long ret = 0, i = 0;
    vma = None  # C: struct vm_area_struct *vma = NULL;
    ctx = FollowPageContext()  # C: struct follow_page_context ctx = { NULL };
    if not nr_pages:  # C: if (!nr_pages)
        return 0  # C: return 0;
    start = untagged_addr(start)  # C: start = untagged_addr(start);
    not_modelled(  # C: VM_BUG_ON(!!pages != !!(gup_flags & (FOLL_GET | FOLL_PIN)));
        "debug assertion: pages[] is wanted exactly with FOLL_GET or FOLL_PIN")
    foll_flags = Out()
    # nr_pages > 0 here, so C's do { } while (nr_pages) runs as this while loop
    while nr_pages:  # C: while (nr_pages);
        foll_flags.value = gup_flags  # C: unsigned int foll_flags = gup_flags;
        if not vma or start >= vma.vm_end:  # C: if (!vma || start >= vma->vm_end)
            vma = mm.vma_lookup(start)  # C: vma = vma_lookup(mm, start);
            if not vma and in_gate_area(mm, start):  # C: if (!vma && in_gate_area(mm, start))
                gate = Out(vma)
                ret = get_gate_page(mm, start & PAGE_MASK,  # C: ret = get_gate_page(
                                    gup_flags, gate, pages[i] if pages else None)
                vma = gate.value
                if ret:  # C: if (ret)
                    return __get_user_pages_out(ctx, i, ret)  # C: goto out;
                ctx.page_mask = 0  # C: ctx.page_mask = 0;
                i, start, nr_pages = __get_user_pages_next_page(  # C: goto next_page;
                    vma, vmas, ctx, i, start, nr_pages)
                continue
            if not vma:  # C: if (!vma)
                ret = -EFAULT  # C: ret = -EFAULT;
                return __get_user_pages_out(ctx, i, ret)  # C: goto out;
            ret = check_vma_flags(vma, gup_flags)  # C: ret = check_vma_flags(vma, gup_flags);
            if ret:  # C: if (ret)
                return __get_user_pages_out(ctx, i, ret)  # C: goto out;
            if is_vm_hugetlb_page(vma):  # C: if (is_vm_hugetlb_page(vma))
                position, remaining = Out(start), Out(nr_pages)
                i = follow_hugetlb_page(mm, vma, pages, vmas,  # C: i = follow_hugetlb_page(mm, vma,
                                        position, remaining, i, gup_flags, locked)
                start, nr_pages = position.value, remaining.value
                if locked and locked.value == 0:  # C: if (locked && *locked == 0)
                    not_modelled(  # C: BUG_ON(gup_flags & FOLL_NOWAIT);
                        "debug assertion: FOLL_NOWAIT never loses the lock")
                    return __get_user_pages_out(ctx, i, ret)  # C: goto out;
                continue  # C: continue;
        while True:  # retry:
            if fatal_signal_pending(current):  # C: retry: ... if (fatal_signal_pending(current))
                ret = -EINTR  # C: ret = -EINTR;
                return __get_user_pages_out(ctx, i, ret)  # C: goto out;
            not_modelled("scheduling: one process, nothing else to run")  # C: cond_resched();
            page = follow_page_mask(  # C: page = follow_page_mask(vma, start, foll_flags, &ctx);
                    vma, start, foll_flags.value, ctx, mm)
            if not page or page == -EMLINK:  # C: if (!page || PTR_ERR(page) == -EMLINK)
                ret = faultin_page(vma, start, foll_flags,  # C: ret = faultin_page(vma, start, &
                                   page == -EMLINK, locked)
                if ret == 0:  # C: switch (ret) ... case 0:
                    continue  # C: goto retry;
                if ret in (-EBUSY, -EAGAIN):  # C: case -EBUSY: ... case -EAGAIN:
                    ret = 0  # C: ret = 0;
                if ret in (0, -EFAULT, -ENOMEM, -EHWPOISON):  # C: case -EFAULT: ... -EHWPOISON:
                    return __get_user_pages_out(ctx, i, ret)  # C: goto out;
                BUG()  # C: BUG();
            elif page == -EEXIST:  # C: if (PTR_ERR(page) == -EEXIST)
                if pages:  # C: if (pages)
                    ret = page  # C: ret = PTR_ERR(page);
                    return __get_user_pages_out(ctx, i, ret)  # C: goto out;
                break  # C: goto next_page;
            elif IS_ERR(page):  # C: if (IS_ERR(page))
                ret = page  # C: ret = PTR_ERR(page);
                return __get_user_pages_out(ctx, i, ret)  # C: goto out;
            if pages:  # C: if (pages)
                pages[i] = page  # C: pages[i] = page;
                not_modelled(  # C: flush_anon_page(vma, page, start);
                    "cache flush: coherent on x86")
                not_modelled("cache flush: coherent on x86")  # C: flush_dcache_page(page);
                ctx.page_mask = 0  # C: ctx.page_mask = 0;
            break
        i, start, nr_pages = __get_user_pages_next_page(vma, vmas, ctx, i, start, nr_pages)
        if nr_pages and fold.wanted(i):  # the lab's shortcut: the rest in bulk (lab/kernel/fold.py)
            i, start, nr_pages = fold.populate_rest(mm, vma, start, nr_pages, gup_flags, i,
                                                    pages, vmas)
    return __get_user_pages_out(ctx, i, ret)


@goto_label("__get_user_pages", "next_page")
def __get_user_pages_next_page(vma, vmas, ctx: FollowPageContext, i: int, start: int,
                               nr_pages: int) -> tuple[int, int, int]:
    if vmas:  # C: next_page: ... if (vmas)
        vmas[i] = vma  # C: vmas[i] = vma;
        ctx.page_mask = 0  # C: ctx.page_mask = 0;
    page_increm = 1 + (~(start >> PAGE_SHIFT) & ctx.page_mask)  # C: page_increm = 1 + (~(start >>
    if page_increm > nr_pages:  # C: if (page_increm > nr_pages)
        page_increm = nr_pages  # C: page_increm = nr_pages;
    i += page_increm  # C: i += page_increm;
    start += page_increm * PAGE_SIZE  # C: start += page_increm * PAGE_SIZE;
    nr_pages -= page_increm  # C: nr_pages -= page_increm;
    return i, start, nr_pages


@goto_label("__get_user_pages", "out")
def __get_user_pages_out(ctx: FollowPageContext, i: int, ret: int) -> int:
    if ctx.pgmap:  # C: out: ... if (ctx.pgmap)
        not_modelled(  # C: put_dev_pagemap(ctx.pgmap);
            "device memory (ZONE_DEVICE): the lab has none")
    return i if i else ret  # C: return i ? i : ret;


@kernel_function
def faultin_page(vma: VmAreaStruct, address: int, flags: Out, unshare: bool,
                 locked: Out | None) -> int:
    fault_flags = 0  # C: unsigned int fault_flags = 0;
    if flags.value & FOLL_NOFAULT:  # C: if (*flags & FOLL_NOFAULT)
        return -EFAULT  # C: return -EFAULT;
    if flags.value & FOLL_WRITE:  # C: if (*flags & FOLL_WRITE)
        fault_flags |= FAULT_FLAG_WRITE  # C: fault_flags |= FAULT_FLAG_WRITE;
    if flags.value & FOLL_REMOTE:  # C: if (*flags & FOLL_REMOTE)
        fault_flags |= FAULT_FLAG_REMOTE  # C: fault_flags |= FAULT_FLAG_REMOTE;
    if locked:  # C: if (locked)
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE  # C: fault_flags |=
    if flags.value & FOLL_NOWAIT:  # C: if (*flags & FOLL_NOWAIT)
        fault_flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT  # C: fault_flags |=
    if flags.value & FOLL_TRIED:  # C: if (*flags & FOLL_TRIED)
        fault_flags |= FAULT_FLAG_TRIED  # C: fault_flags |= FAULT_FLAG_TRIED;
    if unshare:  # C: if (unshare)
        fault_flags |= FAULT_FLAG_UNSHARE  # C: fault_flags |= FAULT_FLAG_UNSHARE;
        not_modelled(  # C: VM_BUG_ON(fault_flags & FAULT_FLAG_WRITE);
            "debug assertion: write and unshare never come together")
    ret = handle_mm_fault(vma, address, fault_flags, None)  # C: ret = handle_mm_fault(vma, address,
    if ret & VM_FAULT_COMPLETED:  # C: if (ret & VM_FAULT_COMPLETED)
        not_modelled(  # C: WARN_ON_ONCE(fault_flags & FAULT_FLAG_RETRY_NOWAIT);
            "debug warning: RETRY_NOWAIT faults never drop the lock")
        if locked:  # C: if (locked)
            locked.value = 0  # C: *locked = 0;
        return -EAGAIN  # C: return -EAGAIN;
    if ret & VM_FAULT_ERROR:  # C: if (ret & VM_FAULT_ERROR)
        err = vm_fault_to_errno(ret, flags.value)  # C: int err = vm_fault_to_errno(ret, *flags);
        if err:  # C: if (err)
            return err  # C: return err;
        BUG()  # C: BUG();
    if ret & VM_FAULT_RETRY:  # C: if (ret & VM_FAULT_RETRY)
        if locked and not (fault_flags & FAULT_FLAG_RETRY_NOWAIT):  # C: if (locked && !(fault_flags
            locked.value = 0  # C: *locked = 0;
        return -EBUSY  # C: return -EBUSY;
    return 0  # C: return 0;


@kernel_function
def check_vma_flags(vma: VmAreaStruct, gup_flags: int) -> int:
    vm_flags = vma.vm_flags  # C: vm_flags_t vm_flags = vma->vm_flags;
    write = gup_flags & FOLL_WRITE  # C: int write = (gup_flags & FOLL_WRITE);
    foreign = gup_flags & FOLL_REMOTE  # C: int foreign = (gup_flags & FOLL_REMOTE);
    if vm_flags & (VM_IO | VM_PFNMAP):  # C: if (vm_flags & (VM_IO | VM_PFNMAP))
        return -EFAULT  # C: return -EFAULT;
    if gup_flags & FOLL_ANON and not vma_is_anonymous(vma):  # C: if (gup_flags & FOLL_ANON &&
        return -EFAULT  # C: return -EFAULT;
    if (gup_flags & FOLL_LONGTERM) and vma_is_fsdax(vma):  # C: if ((gup_flags & FOLL_LONGTERM) &&
        return -EOPNOTSUPP  # C: return -EOPNOTSUPP;
    if vma_is_secretmem(vma):  # C: if (vma_is_secretmem(vma))
        return -EFAULT  # C: return -EFAULT;
    if write:  # C: if (write)
        if not (vm_flags & VM_WRITE):  # C: if (!(vm_flags & VM_WRITE))
            if not (gup_flags & FOLL_FORCE):  # C: if (!(gup_flags & FOLL_FORCE))
                return -EFAULT  # C: return -EFAULT;
            if is_vm_hugetlb_page(vma):  # C: if (is_vm_hugetlb_page(vma))
                return -EFAULT  # C: return -EFAULT;
            if not is_cow_mapping(vm_flags):  # C: if (!is_cow_mapping(vm_flags))
                return -EFAULT  # C: return -EFAULT;
    elif not (vm_flags & VM_READ):  # C: if (!(vm_flags & VM_READ))
        if not (gup_flags & FOLL_FORCE):  # C: if (!(gup_flags & FOLL_FORCE))
            return -EFAULT  # C: return -EFAULT;
        if not (vm_flags & VM_MAYREAD):  # C: if (!(vm_flags & VM_MAYREAD))
            return -EFAULT  # C: return -EFAULT;
    if not arch_vma_access_permitted(vma, write, False, foreign):  # C: if (!arch_vma_access_
        return -EFAULT  # C: return -EFAULT;
    return 0  # C: return 0;


@kernel_function
def populate_vma_page_range(vma: VmAreaStruct, start: int, end: int,
                            locked: Out | None) -> int:
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    nr_pages = (end - start) // PAGE_SIZE  # C: unsigned long nr_pages = (end - start) / PAGE_SIZE;
    not_modelled(  # C: VM_BUG_ON(!PAGE_ALIGNED(start)); ... mmap_assert_locked(mm);
        "debug assertions: an aligned range inside the VMA, mmap_lock held")
    if vma.vm_flags & VM_LOCKONFAULT:  # C: if (vma->vm_flags & VM_LOCKONFAULT)
        return nr_pages  # C: return nr_pages;
    gup_flags = FOLL_TOUCH  # C: gup_flags = FOLL_TOUCH;
    if (vma.vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE:  # C: if ((vma->vm_flags & (VM_WRITE |
        gup_flags |= FOLL_WRITE  # C: gup_flags |= FOLL_WRITE;
    if vma_is_accessible(vma):  # C: if (vma_is_accessible(vma))
        gup_flags |= FOLL_FORCE  # C: gup_flags |= FOLL_FORCE;
    ret = __get_user_pages(  # C: ret = __get_user_pages(mm, start, nr_pages, gup_flags,
            mm, start, nr_pages, gup_flags, None, None, locked)
    not_modelled("per-CPU LRU batches: the lab has no page reclaim")  # C: lru_add_drain();
    return ret  # C: return ret;


@kernel_function
def __mm_populate(start: int, len: int, ignore_errors: int) -> int:  # noqa: A002  (C's name)
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    vma = None  # C: struct vm_area_struct *vma = NULL;
    locked = Out(0)  # C: int locked = 0;
    ret = 0  # C: long ret = 0;
    end = start + len  # C: end = start + len;
    nend = start
    while (nstart := nend) < end:  # C: for (nstart = start; nstart < end; nstart = nend)
        if not locked.value:  # C: if (!locked)
            locked.value = 1  # C: locked = 1;
            not_modelled("mmap_lock: one thread, no contention")  # C: mmap_read_lock(mm);
            vma = mm.find_vma_intersection(nstart, end)  # C: vma = find_vma_intersection(mm,
        elif nstart >= vma.vm_end:  # C: if (nstart >= vma->vm_end)
            vma = mm.find_vma_intersection(vma.vm_end, end)  # C: vma = find_vma_intersection(mm,
        if not vma:  # C: if (!vma)
            break
        nend = min(end, vma.vm_end)  # C: nend = min(end, vma->vm_end);
        if vma.vm_flags & (VM_IO | VM_PFNMAP):  # C: if (vma->vm_flags & (VM_IO | VM_PFNMAP))
            continue  # C: continue;
        if nstart < vma.vm_start:  # C: if (nstart < vma->vm_start)
            nstart = vma.vm_start  # C: nstart = vma->vm_start;
        ret = populate_vma_page_range(  # C: ret = populate_vma_page_range(vma, nstart, nend, &
                vma, nstart, nend, locked)
        if ret < 0:  # C: if (ret < 0)
            if ignore_errors:  # C: if (ignore_errors)
                ret = 0  # C: ret = 0;
                continue  # C: continue;
            break
        nend = nstart + ret * PAGE_SIZE  # C: nend = nstart + ret * PAGE_SIZE;
        ret = 0  # C: ret = 0;
    if locked.value:  # C: if (locked)
        not_modelled("mmap_lock: one thread, no contention")  # C: mmap_read_unlock(mm);
    return ret  # C: return ret;

