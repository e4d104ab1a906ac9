# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/filemap.c: mapping regular files, and faulting their pages from the page cache.

A file's page cache is its Inode.pages (page index → PFN); its bytes on disk are Inode.data
(page index → bytes, absent pages read as zeros). A fault on a page that is not cached reads
it from disk into a new frame (FRAME_FILE) and caches it.

Readahead is reduced to the page that faulted: the kernel's do_sync_mmap_readahead() reads
up to ra_pages (128 KiB, 32 pages) around it and drops mmap_lock for the I/O, so the fault
returns VM_FAULT_RETRY and gup comes back once per window; the lab reads one page and keeps
the lock, so every page comes in on its first try. Fault-around (filemap_map_pages) is off:
see lab/kernel/mm/memory.py.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SIZE
from lab.kernel.file import FileOperations, Inode, VmOperations
from lab.kernel.include.linux.mm import VM_SYNC
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_TRIED,
    VM_FAULT_LOCKED,
    VM_FAULT_MAJOR,
    VM_FAULT_NOPAGE,
    VM_FAULT_OOM,
    VM_FAULT_RETRY,
    VM_FAULT_SIGBUS,
)
from lab.kernel.include.uapi.errno import ENOEXEC, EOPNOTSUPP
from lab.kernel.include.uapi.mman import MAP_SYNC
from lab.kernel.machine import kernel
from lab.kernel.mm.memory import maybe_unlock_mmap_for_io, set_page_dirty
from lab.kernel.physmem import FRAME_FILE
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
    physmem = kernel.physmem
    if physmem.free_pages <= 0:
        return None
    pfn = physmem.alloc(FRAME_FILE)  # the page cache's reference
    data = mapping.data.get(index)
    if data is not None:
        physmem.data[pfn] = bytearray(data[:PAGE_SIZE].ljust(PAGE_SIZE, b"\0"))
    mapping.pages[index] = pfn
    return pfn


def filemap_get_folio(mapping: Inode, index: int) -> int | None:
    """The cached page at index, with a reference for the caller; None if not cached."""
    folio = mapping.pages.get(index)
    if folio is not None:
        kernel.physmem.get(folio)
    return folio


def __filemap_get_folio(mapping: Inode, index: int, fgp_flags: int, gfp: int) -> int | None:
    """As filemap_get_folio(), creating (and, in the lab, reading) the page if it is missing."""
    folio = filemap_get_folio(mapping, index)
    if folio is None and read_page_from_disk(mapping, index) is not None:
        folio = filemap_get_folio(mapping, index)
    return folio


FGP_CREAT = FGP_FOR_MMAP = 0  # page cache lookup flags: the lab's lookup takes none


def do_async_mmap_readahead(vmf, folio: int):
    """Readahead ahead of a cached page that is marked for it: none in the lab; no file pin."""
    return None


def do_sync_mmap_readahead(vmf):
    """Read the faulting page from disk (the lab's whole readahead window); no file pin.

    The kernel reads ra_pages (32) around it and drops mmap_lock while it waits (it returns
    the pinned file, and the fault ends in VM_FAULT_RETRY). The lab keeps the lock.
    """
    file = vmf.vma.vm_file
    if file.f_mapping.pages.get(vmf.pgoff) is None:
        read_page_from_disk(file.f_mapping, vmf.pgoff)
    return None


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


def filemap_map_pages(vmf, start_pgoff: int, end_pgoff: int) -> int:
    """Fault-around: map the cached pages near a read fault. Off in the lab (mm/memory.py)."""
    raise NotImplementedError("fault-around is off in the lab (fault_around_bytes = 4096)")


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
    not_modelled("writeback: the lab writes nothing back, so no page is under it")  # C: folio_wait_
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
                                      mmap_supported_flags=MAP_SYNC)
