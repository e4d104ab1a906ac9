# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/truncate.c: a file's new size reaches its page cache and every mapping of it.

truncate_setsize() writes the new i_size, then truncate_pagecache() unmaps the pages past
it from every VMA that maps the file (private COW copies too: even_cows), drops them from
the page cache and zeroes the tail of the page that now holds the last byte, then unmaps
once more for any private page copied meanwhile. A later access to an unmapped page past
the new end faults, and filemap_fault() answers SIGBUS.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PAGE_SIZE
from lab.kernel.file import Inode
from lab.kernel.include.linux.mm import VM_NORESERVE
from lab.kernel.include.linux.mman import vm_unacct_memory
from lab.kernel.machine import kernel
from lab.kernel.mm.memory import unmap_mapping_range
from lab.kernel.twin import kernel_function


def round_up(x: int, y: int) -> int:
    return ((x - 1) | (y - 1)) + 1 if x else 0


def i_size_write(inode: Inode, size: int) -> None:
    inode.i_size = size


def pagecache_isize_extended(inode: Inode, from_: int, to: int) -> None:
    """A file grown past a partial page: its blocks get allocated at the next write fault.
    Nothing for the lab: the lab's disk has no blocks to allocate."""
    return None


def truncate_inode_pages(mapping: Inode, lstart: int) -> None:
    """truncate_inode_pages_range(mapping, lstart, -1): drop the cached pages wholly past
    lstart (dirty or not: their data is gone), zero the part past lstart of the page that
    holds it. Pages still mapped here were unmapped by the caller just before."""
    physmem = kernel.physmem
    first = (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT
    for index in sorted(i for i in mapping.pages if i >= first):
        pfn = mapping.pages.pop(index)
        mapping.dirty.discard(index)
        mapping.readahead.discard(index)
        physmem.put(pfn)  # the page cache's reference
        if mapping.sb.fs_type in ("tmpfs", "shmem") and mapping.shmem_flags & VM_NORESERVE:
            vm_unacct_memory(1)  # shmem_unacct_blocks(): a page charged when allocated
    partial = lstart & (PAGE_SIZE - 1)
    if partial and (lstart >> PAGE_SHIFT) in mapping.pages:
        page = physmem.data.get(mapping.pages[lstart >> PAGE_SHIFT])
        if page is not None:  # folio_zero_range(): the tail past the new end reads as zeros
            page[partial:] = bytes(PAGE_SIZE - partial)


@kernel_function
def truncate_pagecache(inode: Inode, newsize: int) -> None:
    mapping = inode  # C: struct address_space *mapping = inode->i_mapping;
    holebegin = round_up(newsize, PAGE_SIZE)  # C: loff_t holebegin = round_up(newsize, PAGE_SIZE);

    # Unmap first so truncate_inode_pages() has fewer single-page unmaps to do; again after,
    # for private pages copied on write in between.
    unmap_mapping_range(mapping, holebegin, 0, 1)  # C: unmap_mapping_range(mapping, holebegin, 0,
    truncate_inode_pages(mapping, newsize)  # C: truncate_inode_pages(mapping, newsize);
    unmap_mapping_range(mapping, holebegin, 0, 1)  # C: unmap_mapping_range(mapping, holebegin, 0,


@kernel_function
def truncate_setsize(inode: Inode, newsize: int) -> None:
    oldsize = inode.i_size  # C: loff_t oldsize = inode->i_size;

    i_size_write(inode, newsize)  # C: i_size_write(inode, newsize);
    if newsize > oldsize:  # C: if (newsize > oldsize)
        pagecache_isize_extended(inode, oldsize, newsize)  # C: pagecache_isize_extended(inode,
    truncate_pagecache(inode, newsize)  # C: truncate_pagecache(inode, newsize);
