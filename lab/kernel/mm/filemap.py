# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/filemap.c: mapping regular files, and faulting their pages from the page cache.

A file's page cache is its Inode.pages (page index → PFN); its bytes on disk are Inode.data
(page index → bytes, absent pages read as zeros). A fault on a page that is not cached reads
it from disk into a new frame (FRAME_FILE) and caches it.

A fault that misses the cache reads a window around the page (do_sync_mmap_readahead():
ra_pages, 32 pages, centred on it; lab/kernel/mm/readahead.py) and gives up mmap_lock for
the I/O, so it returns VM_FAULT_RETRY and the fault is made again. The second time, the
page is cached: fault-around (filemap_map_pages(), called by do_fault_around() in
mm/memory.c) maps it with the cached pages around it, up to 16 pages (fault_around_bytes).
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PAGE_SIZE
from lab.kernel.file import File, FileOperations, Inode, VmOperations
from lab.kernel.include.linux.mm import VM_HUGEPAGE, VM_RAND_READ, VM_SEQ_READ, VM_SYNC
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_TRIED,
    VM_FAULT_LOCKED,
    VM_FAULT_MAJOR,
    VM_FAULT_NOPAGE,
    VM_FAULT_OOM,
    VM_FAULT_RETRY,
    VM_FAULT_SIGBUS,
)
from lab.kernel.include.uapi.errno import EIO, ENOEXEC, EOPNOTSUPP
from lab.kernel.include.uapi.mman import MAP_SYNC
from lab.kernel.machine import current, kernel
from lab.kernel.mm.memory import maybe_unlock_mmap_for_io, set_page_dirty
from lab.kernel.mm.page_writeback import (
    LONG_MAX,
    WB_SYNC_ALL,
    WritebackControl,
    do_writepages,
    mapping_tagged_dirty,
)
from lab.kernel.mm.readahead import (
    ReadaheadControl,
    page_cache_async_ra,
    page_cache_ra_order,
    page_cache_sync_ra,
    read_page_into_cache,
)
from lab.kernel.twin import goto_label, kernel_function, not_modelled

AOP_TRUNCATED_PAGE = 0x80001


def DIV_ROUND_UP(n: int, d: int) -> int:  # noqa: N802  (the kernel's macro name)
    return (n + d - 1) // d


def i_size_read(inode: Inode) -> int:
    return inode.i_size


def read_page_from_disk(mapping: Inode, index: int) -> int | None:
    """Read page `index` of the file into a new frame and add it to the page cache.

    What ->read_folio does once the page is in the cache; None when memory is out.
    """
    return read_page_into_cache(mapping, index)


def filemap_get_folio(mapping: Inode, index: int) -> int | None:
    """The cached page at index, with a reference for the caller; None if not cached."""
    folio = mapping.pages.get(index)
    if folio is not None:
        kernel.physmem.get(folio)
    return folio


def __filemap_get_folio(mapping: Inode, index: int, fgp_flags: int, gfp: int) -> int | None:
    """As filemap_get_folio(), creating (and, in the lab, reading) the page if it is missing.

    The page is allocated with the mapping's GFP_HIGHUSER_MOVABLE: when RAM is full the
    allocator runs the OOM killer (readahead's own pages ask with __GFP_NORETRY and do not).
    """
    folio = filemap_get_folio(mapping, index)
    if folio is None:
        if kernel.physmem.free_pages <= 0:
            from lab.kernel.mm.oom_kill import out_of_memory

            out_of_memory()
            return None
        if read_page_from_disk(mapping, index) is not None:
            folio = filemap_get_folio(mapping, index)
    return folio


FGP_CREAT = FGP_FOR_MMAP = 0  # page cache lookup flags: the lab's lookup takes none


MMAP_LOTSAMISS = 100  # mm/filemap.c: more misses than this and mmap readahead stops


@kernel_function
def do_sync_mmap_readahead(vmf) -> File | None:
    file = vmf.vma.vm_file  # C: struct file *file = vmf->vma->vm_file;
    ra = file.f_ra  # C: struct file_ra_state *ra = &file->f_ra;
    mapping = file.f_mapping  # C: struct address_space *mapping = file->f_mapping;
    ractl = ReadaheadControl(file, ra, mapping, vmf.pgoff)  # C: DEFINE_READAHEAD(ractl, file,
    fpin = None  # C: struct file *fpin = NULL;
    vm_flags = vmf.vma.vm_flags  # C: unsigned long vm_flags = vmf->vma->vm_flags;

    # Use the readahead code, even if readahead is disabled
    if vm_flags & VM_HUGEPAGE:  # C: if ((vm_flags & VM_HUGEPAGE) && HPAGE_PMD_ORDER <=
        not_modelled(  # C: fpin = maybe_unlock_mmap_for_io(vmf, fpin); ... return fpin;
            "huge page cache folios for MADV_HUGEPAGE: the lab has no madvise()")
        return fpin

    # If we don't want any read-ahead, don't bother
    if vm_flags & VM_RAND_READ:  # C: if (vm_flags & VM_RAND_READ)
        return fpin  # C: return fpin;
    if not ra.ra_pages:  # C: if (!ra->ra_pages)
        return fpin  # C: return fpin;

    if vm_flags & VM_SEQ_READ:  # C: if (vm_flags & VM_SEQ_READ)
        fpin = maybe_unlock_mmap_for_io(vmf, fpin)  # C: fpin = maybe_unlock_mmap_for_io(vmf,
        page_cache_sync_ra(ractl, ra.ra_pages)  # C: page_cache_sync_ra(&ractl, ra->ra_pages);
        return fpin  # C: return fpin;

    mmap_miss = ra.mmap_miss  # C: mmap_miss = READ_ONCE(ra->mmap_miss);
    if mmap_miss < MMAP_LOTSAMISS * 10:  # C: if (mmap_miss < MMAP_LOTSAMISS * 10)
        mmap_miss += 1
        ra.mmap_miss = mmap_miss  # C: WRITE_ONCE(ra->mmap_miss, ++mmap_miss);

    # Do we miss much more than hit in this file? If so, stop bothering with read-ahead.
    if mmap_miss > MMAP_LOTSAMISS:  # C: if (mmap_miss > MMAP_LOTSAMISS)
        return fpin  # C: return fpin;

    # mmap read-around: the window is centred on the fault
    fpin = maybe_unlock_mmap_for_io(vmf, fpin)  # C: fpin = maybe_unlock_mmap_for_io(vmf, fpin);
    ra.start = max(0, vmf.pgoff - ra.ra_pages // 2)  # C: ra->start = max_t(long, 0,
    ra.size = ra.ra_pages  # C: ra->size = ra->ra_pages;
    ra.async_size = ra.ra_pages // 4  # C: ra->async_size = ra->ra_pages / 4;
    ractl._index = ra.start  # C: ractl._index = ra->start;
    page_cache_ra_order(ractl, ra, 0)  # C: page_cache_ra_order(&ractl, ra, 0);
    return fpin  # C: return fpin;


@kernel_function
def do_async_mmap_readahead(vmf, folio: int) -> File | None:
    file = vmf.vma.vm_file  # C: struct file *file = vmf->vma->vm_file;
    ra = file.f_ra  # C: struct file_ra_state *ra = &file->f_ra;
    ractl = ReadaheadControl(file, ra, file.f_mapping, vmf.pgoff)  # C: DEFINE_READAHEAD(ractl,
    fpin = None  # C: struct file *fpin = NULL;

    # If we don't want any read-ahead, don't bother
    if vmf.vma.vm_flags & VM_RAND_READ or not ra.ra_pages:  # C: if (vmf->vma->vm_flags &
        return fpin  # C: return fpin;

    mmap_miss = ra.mmap_miss  # C: mmap_miss = READ_ONCE(ra->mmap_miss);
    if mmap_miss:  # C: if (mmap_miss)
        mmap_miss -= 1
        ra.mmap_miss = mmap_miss  # C: WRITE_ONCE(ra->mmap_miss, --mmap_miss);

    # The marked page of the window: time to read the next one.
    if folio_test_readahead(file.f_mapping, vmf.pgoff):  # C: if (folio_test_readahead(folio))
        fpin = maybe_unlock_mmap_for_io(vmf, fpin)  # C: fpin = maybe_unlock_mmap_for_io(vmf,
        page_cache_async_ra(ractl, folio, ra.ra_pages)  # C: page_cache_async_ra(&ractl, folio,
    return fpin  # C: return fpin;


def folio_test_readahead(mapping: Inode, index: int) -> bool:
    return index in mapping.readahead


def folio_test_uptodate(folio: int) -> bool:
    return True  # the lab reads a page completely before it is in the cache


def lock_folio_maybe_drop_mmap(vmf, folio: int, fpin) -> bool:
    return True  # one thread: the page lock is free at once


def filemap_read_folio(file, read_folio, folio: int) -> int:
    return 0  # never reached: cached pages are always up to date in the lab


@kernel_function
def filemap_fault(vmf) -> int:
    file = vmf.vma.vm_file  # C: struct file *file = vmf->vma->vm_file;
    fpin = None  # C: struct file *fpin = NULL;
    mapping = file.f_mapping  # C: struct address_space *mapping = file->f_mapping;
    inode = mapping  # C: struct inode *inode = mapping->host;
    index = vmf.pgoff  # C: pgoff_t max_idx, index = vmf->pgoff;
    ret = 0  # C: vm_fault_t ret = 0;
    mapping_locked = False  # C: bool mapping_locked = false;
    max_idx = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE)  # C: max_idx = DIV_ROUND_UP(
    if index >= max_idx:  # C: if (unlikely(index >= max_idx))
        return VM_FAULT_SIGBUS  # C: return VM_FAULT_SIGBUS;
    folio = filemap_get_folio(mapping, index)  # C: folio = filemap_get_folio(mapping, index);
    if folio:  # C: if (likely(folio))
        if not (vmf.flags & FAULT_FLAG_TRIED):  # C: if (!(vmf->flags & FAULT_FLAG_TRIED))
            fpin = do_async_mmap_readahead(vmf, folio)  # C: fpin = do_async_mmap_readahead(
        if not folio_test_uptodate(folio):  # C: if (unlikely(!folio_test_uptodate(folio)))
            not_modelled("the invalidate lock: one thread, no contention")  # C: filemap_invalidate_
            mapping_locked = True  # C: mapping_locked = true;
    else:
        not_modelled("event counters of /proc/vmstat: the lab keeps none")  # C: count_vm_event(
        not_modelled("memory cgroup statistics: the lab has no cgroups")  # C: count_memcg_event_
        ret = VM_FAULT_MAJOR  # C: ret = VM_FAULT_MAJOR;
        fpin = do_sync_mmap_readahead(vmf)  # C: fpin = do_sync_mmap_readahead(vmf);
        return filemap_fault_retry_find(vmf, file, fpin, mapping, inode, index, ret,
                                        mapping_locked)
    return filemap_fault_locked(vmf, file, fpin, mapping, inode, index, ret, mapping_locked,
                                folio)


@goto_label("filemap_fault", "retry_find")
def filemap_fault_retry_find(vmf, file, fpin, mapping, inode, index, ret,
                             mapping_locked) -> int:
    if not mapping_locked:  # C: retry_find: ... if (!mapping_locked)
        not_modelled("the invalidate lock: one thread, no contention")  # C: filemap_invalidate_
        mapping_locked = True  # C: mapping_locked = true;
    folio = __filemap_get_folio(mapping, index,  # C: folio = __filemap_get_folio(mapping, index,
                                FGP_CREAT | FGP_FOR_MMAP, vmf.gfp_mask)
    if not folio:  # C: if (!folio)
        if fpin:  # C: if (fpin)
            return filemap_fault_out_retry(folio, mapping_locked, fpin, ret)  # C: goto out_retry;
        not_modelled("the invalidate lock: one thread, no contention")  # C: filemap_invalidate_
        return VM_FAULT_OOM  # C: return VM_FAULT_OOM;
    return filemap_fault_locked(vmf, file, fpin, mapping, inode, index, ret, mapping_locked,
                                folio)


def filemap_fault_locked(vmf, file, fpin, mapping, inode, index, ret, mapping_locked,
                         folio) -> int:
    """filemap_fault() from lock_folio_maybe_drop_mmap() on: both paths above meet here."""
    fpin_box = [fpin]
    if not lock_folio_maybe_drop_mmap(vmf, folio, fpin_box):  # C: if (!lock_folio_maybe_
        return filemap_fault_out_retry(folio, mapping_locked, fpin, ret)  # C: goto out_retry;
    if mapping.pages.get(index) != folio:  # C: if (unlikely(folio->mapping != mapping))
        not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
        kernel.physmem.put(folio)  # C: folio_put(folio);
        return filemap_fault_retry_find(vmf, file, fpin, mapping, inode, index,  # C: goto retry_
                                        ret, mapping_locked)
    not_modelled("debug assertion: the folio holds the index")  # C: VM_BUG_ON_FOLIO(
    if not folio_test_uptodate(folio):  # C: if (unlikely(!folio_test_uptodate(folio)))
        if not mapping_locked:  # C: if (!mapping_locked)
            not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
            kernel.physmem.put(folio)  # C: folio_put(folio);
            return filemap_fault_retry_find(vmf, file, fpin, mapping, inode, index,  # C: goto
                                            ret, mapping_locked)
        return filemap_fault_page_not_uptodate(  # C: goto page_not_uptodate;
            vmf, file, fpin, mapping, inode, index, ret, mapping_locked, folio)
    if fpin:  # C: if (fpin)
        not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
        return filemap_fault_out_retry(folio, mapping_locked, fpin, ret)  # C: goto out_retry;
    if mapping_locked:  # C: if (mapping_locked)
        not_modelled("the invalidate lock: one thread, no contention")  # C: filemap_invalidate_
    max_idx = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE)  # C: max_idx = DIV_ROUND_UP(
    if index >= max_idx:  # C: if (unlikely(index >= max_idx))
        not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
        kernel.physmem.put(folio)  # C: folio_put(folio);
        return VM_FAULT_SIGBUS  # C: return VM_FAULT_SIGBUS;
    vmf.page = folio  # C: vmf->page = folio_file_page(folio, index);
    return ret | VM_FAULT_LOCKED  # C: return ret | VM_FAULT_LOCKED;


# filemap_fault_locked() continues filemap_fault's own statements, so it is linked as part of
# filemap_fault (a helper for code that two paths jump into, like a goto label).
goto_label("filemap_fault", "retry_find")(filemap_fault_locked)


@goto_label("filemap_fault", "page_not_uptodate")
def filemap_fault_page_not_uptodate(vmf, file, fpin, mapping, inode, index, ret,
                                    mapping_locked, folio) -> int:
    fpin = maybe_unlock_mmap_for_io(vmf, fpin)  # C: page_not_uptodate: ... fpin = maybe_unlock_
    error = filemap_read_folio(file, None, folio)  # C: error = filemap_read_folio(
    if fpin:  # C: if (fpin)
        return filemap_fault_out_retry(folio, mapping_locked, fpin, ret)  # C: goto out_retry;
    kernel.physmem.put(folio)  # C: folio_put(folio);
    if not error or error == AOP_TRUNCATED_PAGE:  # C: if (!error || error == AOP_TRUNCATED_PAGE)
        return filemap_fault_retry_find(vmf, file, fpin, mapping, inode, index,  # C: goto retry_
                                        ret, mapping_locked)
    not_modelled("the invalidate lock: one thread, no contention")  # C: filemap_invalidate_
    return VM_FAULT_SIGBUS  # C: return VM_FAULT_SIGBUS;


@goto_label("filemap_fault", "out_retry")
def filemap_fault_out_retry(folio, mapping_locked, fpin, ret) -> int:
    if folio:  # C: out_retry: ... if (folio)
        kernel.physmem.put(folio)  # C: folio_put(folio);
    if mapping_locked:  # C: if (mapping_locked)
        not_modelled("the invalidate lock: one thread, no contention")  # C: filemap_invalidate_
    if fpin:  # C: if (fpin)
        not_modelled("file reference counts: the lab keeps none")  # C: fput(fpin);
    return ret | VM_FAULT_RETRY  # C: return ret | VM_FAULT_RETRY;


@dataclass
class XaState:
    """XA_STATE(): a position in the page cache (the lab's cache is a dict by index)."""

    xa_index: int


def next_uptodate_page(mapping: Inode, xas: XaState, end_pgoff: int,
                       start: int) -> int | None:
    """The next cached page from index `start` to end_pgoff that fault-around may map: up to
    date, not marked for readahead (its fault reads the next window), inside the file. The
    caller gets a reference (folio_try_get_rcu); xas moves to the page."""
    max_idx = DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE)
    for index in range(start, end_pgoff + 1):
        folio = mapping.pages.get(index)
        if folio is None or index in mapping.readahead or index >= max_idx:
            continue
        kernel.physmem.get(folio)
        xas.xa_index = index
        return folio
    return None


def first_map_page(mapping: Inode, xas: XaState, end_pgoff: int) -> int | None:
    return next_uptodate_page(mapping, xas, end_pgoff, xas.xa_index)


def next_map_page(mapping: Inode, xas: XaState, end_pgoff: int) -> int | None:
    return next_uptodate_page(mapping, xas, end_pgoff, xas.xa_index + 1)


def filemap_map_pmd(vmf, page: int) -> bool:
    """Map a huge folio whole, or make the PTE table: the lab's folios are 4 KiB, so only
    the table is made (pmd_install of the preallocated one)."""
    from lab.kernel.mm.memory import pmd_none, pte_alloc

    if pmd_none(vmf.pmd, vmf.address) and vmf.prealloc_pte:
        pte_alloc(current.mm, vmf.pmd, vmf.address)
        vmf.prealloc_pte = None
    return False


def folio_more_pages(folio: int, index: int, max: int) -> bool:
    return False  # every page-cache folio in the lab is one page


@kernel_function
def filemap_map_pages(vmf, start_pgoff: int, end_pgoff: int) -> int:
    from lab.kernel.mm.memory import PageHWPoison, do_set_pte, pte_none, ptep_get

    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    file = vma.vm_file  # C: struct file *file = vma->vm_file;
    mapping = file.f_mapping  # C: struct address_space *mapping = file->f_mapping;
    last_pgoff = start_pgoff  # C: pgoff_t file_end, last_pgoff = start_pgoff;
    xas = XaState(start_pgoff)  # C: XA_STATE(xas, &mapping->i_pages, start_pgoff);
    mmap_miss = file.f_ra.mmap_miss  # C: unsigned int mmap_miss = READ_ONCE(file->f_ra.mmap_miss);
    ret = 0  # C: vm_fault_t ret = 0;

    not_modelled("RCU: one thread, nothing to protect against")  # C: rcu_read_lock();
    folio = first_map_page(mapping, xas, end_pgoff)  # C: folio = first_map_page(mapping, &xas,
    if not folio:  # C: if (!folio)
        return filemap_map_pages_out(file, mmap_miss, ret)  # C: goto out;

    if filemap_map_pmd(vmf, folio):  # C: if (filemap_map_pmd(vmf, &folio->page))
        ret = VM_FAULT_NOPAGE  # C: ret = VM_FAULT_NOPAGE;
        return filemap_map_pages_out(file, mmap_miss, ret)  # C: goto out;

    addr = vma.vm_start + ((start_pgoff - vma.vm_pgoff) << PAGE_SHIFT)  # C: addr = vma->vm_start
    vmf.pte = vmf.pmd  # C: vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, addr,

    file_end = DIV_ROUND_UP(i_size_read(mapping), PAGE_SIZE) - 1  # C: file_end = DIV_ROUND_UP(
    if end_pgoff > file_end:  # C: if (end_pgoff > file_end)
        end_pgoff = file_end  # C: end_pgoff = file_end;

    while folio is not None:
        page = folio  # C: again: ... page = folio_file_page(folio, xas.xa_index);
        if PageHWPoison(page):  # C: if (PageHWPoison(page))
            folio = filemap_map_pages_unlock(mapping, xas, end_pgoff, folio)  # C: goto unlock;
            continue

        if mmap_miss > 0:  # C: if (mmap_miss > 0)
            mmap_miss -= 1  # C: mmap_miss--;

        addr += (xas.xa_index - last_pgoff) << PAGE_SHIFT  # C: addr += (xas.xa_index -
        not_modelled(  # C: vmf->pte += xas.xa_index - last_pgoff;
            "the PTE pointer: the lab finds the entry by its address")
        last_pgoff = xas.xa_index  # C: last_pgoff = xas.xa_index;

        # An entry already there (or a PTE marker) is left to its own fault.
        if not pte_none(ptep_get(vmf.pte, addr)):  # C: if (!pte_none(*vmf->pte))
            folio = filemap_map_pages_unlock(mapping, xas, end_pgoff, folio)  # C: goto unlock;
            continue

        # We're about to handle the fault
        if vmf.address == addr:  # C: if (vmf->address == addr)
            ret = VM_FAULT_NOPAGE  # C: ret = VM_FAULT_NOPAGE;

        do_set_pte(vmf, page, addr)  # C: do_set_pte(vmf, page, addr);
        not_modelled("MMU cache hook: empty on x86")  # C: update_mmu_cache(vma, addr, vmf->pte);
        if folio_more_pages(folio, xas.xa_index, end_pgoff):  # C: if (folio_more_pages(folio,
            not_modelled(  # C: xas.xa_index++; ... goto again;
                "the next page of a large folio: the lab's folios are one page")
        not_modelled(  # C: folio_unlock(folio); ... continue;
            "page lock: one thread, no contention")
        folio = next_map_page(mapping, xas, end_pgoff)  # C: while ((folio = next_map_page(
    not_modelled("page-table lock: one thread, no contention")  # C: pte_unmap_unlock(vmf->pte,
    return filemap_map_pages_out(file, mmap_miss, ret)


@goto_label("filemap_map_pages", "unlock")
def filemap_map_pages_unlock(mapping: Inode, xas: XaState, end_pgoff: int,
                             folio: int) -> int | None:
    if folio_more_pages(folio, xas.xa_index, end_pgoff):  # C: unlock: ... if (folio_more_pages(
        not_modelled(  # C: xas.xa_index++; ... goto again;
            "the next page of a large folio: the lab's folios are one page")
    not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
    kernel.physmem.put(folio)  # C: folio_put(folio);
    return next_map_page(mapping, xas, end_pgoff)  # C: while ((folio = next_map_page(


@goto_label("filemap_map_pages", "out")
def filemap_map_pages_out(file: File, mmap_miss: int, ret: int) -> int:
    not_modelled("RCU: one thread, nothing to protect against")  # C: out: ... rcu_read_unlock();
    file.f_ra.mmap_miss = mmap_miss  # C: WRITE_ONCE(file->f_ra.mmap_miss, mmap_miss);
    return ret  # C: return ret;


@kernel_function
def filemap_page_mkwrite(vmf) -> int:
    mapping = vmf.vma.vm_file.f_mapping  # C: struct address_space *mapping = vmf->vma->vm_file->
    folio = vmf.page  # C: struct folio *folio = page_folio(vmf->page);
    ret = VM_FAULT_LOCKED  # C: vm_fault_t ret = VM_FAULT_LOCKED;
    not_modelled("file system freezing: the lab never freezes")  # C: sb_start_pagefault(
    not_modelled("file times (mtime, ctime): the lab keeps none")  # C: file_update_time(
    not_modelled("page lock: one thread, no contention")  # C: folio_lock(folio);
    if mapping.pages.get(vmf.pgoff) != folio:  # C: if (folio->mapping != mapping)
        not_modelled("page lock: one thread, no contention")  # C: folio_unlock(folio);
        ret = VM_FAULT_NOPAGE  # C: ret = VM_FAULT_NOPAGE;
        return filemap_page_mkwrite_out(mapping, ret)  # C: goto out;
    set_page_dirty(mapping, vmf.pgoff)  # C: folio_mark_dirty(folio);
    not_modelled("writeback completes at once in the lab: no page is "  # C: folio_wait_
                 "ever under it")
    return filemap_page_mkwrite_out(mapping, ret)


@goto_label("filemap_page_mkwrite", "out")
def filemap_page_mkwrite_out(mapping, ret: int) -> int:
    not_modelled("file system freezing: the lab never freezes")  # C: out: ... sb_end_pagefault(
    return ret  # C: return ret;


generic_file_vm_ops = VmOperations("generic_file_vm_ops", fault=filemap_fault,
                                   page_mkwrite=filemap_page_mkwrite,
                                   map_pages=filemap_map_pages)


@kernel_function
def generic_file_mmap(file, vma) -> int:
    mapping = file.f_mapping  # C: struct address_space *mapping = file->f_mapping;
    if not mapping_has_read_folio(mapping):  # C: if (!mapping->a_ops->read_folio)
        return -ENOEXEC  # C: return -ENOEXEC;
    not_modelled("access time (atime): the lab keeps no file times")  # C: file_accessed(file);
    vma.vm_ops = generic_file_vm_ops  # C: vma->vm_ops = &generic_file_vm_ops;
    return 0  # C: return 0;


def mapping_has_read_folio(mapping: Inode) -> bool:
    return True  # every lab file system can read its pages


# -- writing dirty pages back ---------------------------------------------------------------------
@kernel_function
def filemap_fdatawrite_wbc(mapping: Inode, wbc: WritebackControl) -> int:
    # Only a file on a disk has pages to write, and only if some are dirty.
    if (not mapping_can_writeback(mapping)  # C: if (!mapping_can_writeback(mapping) ||
            or not mapping_tagged_dirty(mapping)):
        return 0  # C: return 0;

    not_modelled("cgroup writeback: the lab has no cgroups")  # C: wbc_attach_fdatawrite_inode(
    ret = do_writepages(mapping, wbc)  # C: ret = do_writepages(mapping, wbc);
    not_modelled("cgroup writeback: the lab has no cgroups")  # C: wbc_detach_inode(wbc);
    return ret  # C: return ret;


@kernel_function
def __filemap_fdatawrite_range(mapping: Inode, start: int, end: int, sync_mode: int) -> int:
    wbc = WritebackControl(sync_mode, LONG_MAX, start, end)  # C: struct writeback_control wbc = {
    return filemap_fdatawrite_wbc(mapping, wbc)  # C: return filemap_fdatawrite_wbc(mapping, &wbc);


def mapping_can_writeback(mapping: Inode) -> bool:
    """Does the file's backing device write dirty pages back? Only the disk (ext4) does."""
    return mapping.sb.fs_type == "ext4"


def mapping_needs_writeback(mapping: Inode) -> bool:
    return bool(mapping.pages)  # mapping->nrpages


def file_check_and_advance_wb_err(file: File) -> int:
    return 0  # the lab's disk never fails a write


def __filemap_fdatawait_range(mapping: Inode, start: int, end: int) -> None:
    return None  # the lab's writes complete at once: nothing to wait for


@kernel_function
def file_write_and_wait_range(file: File, lstart: int, lend: int) -> int:
    err = 0  # C: int err = 0, err2;
    mapping = file.f_mapping  # C: struct address_space *mapping = file->f_mapping;

    if mapping_needs_writeback(mapping):  # C: if (mapping_needs_writeback(mapping))
        err = __filemap_fdatawrite_range(mapping, lstart, lend,  # C: err =
                                         WB_SYNC_ALL)
        # See comment of filemap_write_and_wait()
        if err != -EIO:  # C: if (err != -EIO)
            __filemap_fdatawait_range(mapping, lstart, lend)  # C: __filemap_fdatawait_range(
    err2 = file_check_and_advance_wb_err(file)  # C: err2 = file_check_and_advance_wb_err(file);
    if not err:  # C: if (!err)
        err = err2  # C: err = err2;
    return err  # C: return err;


def ext4_sync_file(file: File, start: int, end: int, datasync: int) -> int:
    """fs/ext4/fsync.c (not kept): write the range's dirty pages and wait for them; ext4's
    journal commit and the disk cache flush that follow are instant in the lab."""
    return file_write_and_wait_range(file, start, end)


def ext4_file_mmap(file, vma) -> int:
    """fs/ext4/file.c (not kept in kernel_src): ext4's ->mmap, generic_file_mmap() at heart.

    Before it, daxdev_mapping_supported(): MAP_SYNC (VM_SYNC) needs a DAX file, and the lab's
    ext4 has none, so it is -EOPNOTSUPP. ext4's vm_ops (ext4_file_vm_ops) differ from
    generic_file_vm_ops only in page_mkwrite (ext4_page_mkwrite, which also allocates
    blocks); the lab uses generic_file_vm_ops.
    """
    if vma.vm_flags & VM_SYNC:
        return -EOPNOTSUPP
    return generic_file_mmap(file, vma)


def _thp_get_unmapped_area(file, addr: int, len: int, pgoff: int, flags: int) -> int:  # noqa: A002
    from lab.kernel.mm.huge_memory import thp_get_unmapped_area

    return thp_get_unmapped_area(file, addr, len, pgoff, flags)


#: An ext4 regular file: what the scenario's open() gives files on the default file system.
ext4_file_operations = FileOperations("ext4_file_operations", mmap=ext4_file_mmap,
                                      get_unmapped_area=_thp_get_unmapped_area,
                                      mmap_supported_flags=MAP_SYNC, fsync=ext4_sync_file)
