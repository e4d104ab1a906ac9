# SPDX-License-Identifier: GPL-2.0-only
"""mm/page-writeback.c, as plain helpers: dirty page-cache pages written back to the disk.

A write through a shared file mapping dirties the page in the page cache (the first write
faults: the file asked to be told, write-notify), not the file on disk. The bytes reach the
disk (Inode.data) only when the kernel writes the page back: when msync(MS_SYNC) or fsync()
asks for it, or when the flusher threads decide to (the `writeback()` statement, or every
statement with Machine.writeback_after_each_statement). Before a page is written, every
shared mapping of it is write-protected and cleaned (folio_mkclean()), so the next write
faults again and dirties it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import _PAGE_DIRTY, _PAGE_RW, PAGE_SHIFT, PAGE_SIZE
from lab.kernel.file import Inode
from lab.kernel.include.linux.mm import VM_SHARED
from lab.kernel.machine import current, kernel

WB_SYNC_NONE, WB_SYNC_ALL = 0, 1  # include/linux/writeback.h: don't wait / wait for each page
LONG_MAX = (1 << 63) - 1
LLONG_MAX = LONG_MAX


@dataclass
class WritebackControl:
    """struct writeback_control: which pages to write, and whether to wait for them."""

    sync_mode: int = WB_SYNC_NONE
    nr_to_write: int = LONG_MAX
    range_start: int = 0
    range_end: int = LLONG_MAX


def mapping_tagged_dirty(mapping: Inode) -> bool:
    """mapping_tagged(mapping, PAGECACHE_TAG_DIRTY): has the file any dirty page?"""
    return bool(mapping.dirty)


def folio_mkclean(mapping: Inode, index: int) -> int:
    """mm/rmap.c: write-protect and clean every shared mapping's PTE of the page; how many
    were dirty (their dirt moves to the page)."""
    pgd = current.mm.pgd
    cleaned = 0
    for vma in mapping.i_mmap:
        if not vma.vm_flags & VM_SHARED:  # page_mkclean_one() skips private mappings
            continue
        if not vma.vm_pgoff <= index < vma.vm_pgoff + vma.pages:
            continue
        addr = vma.vm_start + ((index - vma.vm_pgoff) << PAGE_SHIFT)
        pte = pgd.pte(addr)
        if pte & (_PAGE_DIRTY | _PAGE_RW):
            cleaned += bool(pte & _PAGE_DIRTY)
            pgd.set_pte(addr, pte & ~(_PAGE_DIRTY | _PAGE_RW))
    return cleaned


def write_page_to_disk(mapping: Inode, index: int) -> None:
    """The file system's ->writepage: the page's bytes, up to the end of the file, on disk."""
    pfn = mapping.pages[index]
    data = kernel.physmem.data.get(pfn)
    valid = mapping.i_size - (index << PAGE_SHIFT)
    if data is None or valid <= 0:
        mapping.data.pop(index, None)
        return
    block = bytearray(data)
    if valid < PAGE_SIZE:  # block_write_full_page() zeroes the part past the end of file
        block[valid:] = bytes(PAGE_SIZE - valid)
    mapping.data[index] = block


def do_writepages(mapping: Inode, wbc: WritebackControl) -> int:
    """->writepages (ext4_writepages → write_cache_pages): each dirty page of the range is
    cleaned for I/O and written; the lab's disk writes at once and never fails."""
    first, last = wbc.range_start >> PAGE_SHIFT, wbc.range_end >> PAGE_SHIFT
    for index in sorted(i for i in mapping.dirty if first <= i <= last):
        if wbc.nr_to_write <= 0:
            break
        folio_mkclean(mapping, index)  # clear_page_dirty_for_io()
        mapping.dirty.discard(index)
        write_page_to_disk(mapping, index)
        wbc.nr_to_write -= 1
    return 0


def wakeup_flusher_threads() -> int:
    """The flusher threads write back every dirty file page now (as when dirty pages have
    been dirty longer than vm.dirty_expire_centisecs). Returns 0, for the statement's ret."""
    from lab.kernel.mm.filemap import filemap_fdatawrite_wbc

    for inode in list(kernel.inodes.values()):
        if inode.dirty:
            filemap_fdatawrite_wbc(inode, WritebackControl(WB_SYNC_NONE))
    return 0
