# SPDX-License-Identifier: GPL-2.0-only
"""mm/readahead.c, as plain helpers: reading a window of a file into the page cache.

A fault that misses the page cache reads not one page but a window around it (mmap
read-around: ra_pages, 32 pages of the lab's disk, centred on the fault), clipped to the end
of the file. The page async_size pages before the window's end gets the PG_readahead mark;
a later fault that finds it there reads the next window ahead (ondemand_readahead()).
Reading is instant in the lab: a page comes into the cache up to date, with the file's
bytes on disk (Inode.data; a hole reads as zeros).
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PAGE_SIZE
from lab.kernel.file import File, FileRaState, Inode
from lab.kernel.machine import kernel
from lab.kernel.physmem import FRAME_FILE


@dataclass
class ReadaheadControl:
    """struct readahead_control (DEFINE_READAHEAD): where the next read starts."""

    file: File
    ra: FileRaState
    mapping: Inode
    _index: int


def read_page_into_cache(mapping: Inode, index: int) -> int | None:
    """->read_folio of one page: a new frame with the page's bytes, added to the page
    cache (which holds its reference). None when memory is out."""
    physmem = kernel.physmem
    if physmem.free_pages <= 0:
        return None
    pfn = physmem.alloc(FRAME_FILE)
    data = mapping.data.get(index)
    if data is not None:
        physmem.data[pfn] = bytearray(data[:PAGE_SIZE].ljust(PAGE_SIZE, b"\0"))
    mapping.pages[index] = pfn
    return pfn


def page_cache_ra_unbounded(ractl: ReadaheadControl, nr_to_read: int,
                            lookahead_size: int) -> None:
    """Read the pages of [index, index + nr_to_read) that are not cached yet; mark the
    one lookahead_size pages from the end PG_readahead."""
    mapping, index = ractl.mapping, ractl._index
    for i in range(nr_to_read):
        if index + i in mapping.pages:
            continue  # already cached: readahead skips it
        if read_page_into_cache(mapping, index + i) is None:
            break
        if i == nr_to_read - lookahead_size:
            mapping.readahead.add(index + i)
    ractl._index = index + nr_to_read


def do_page_cache_ra(ractl: ReadaheadControl, nr_to_read: int, lookahead_size: int) -> None:
    """Don't read past the page that holds the file's last byte."""
    isize = ractl.mapping.i_size
    if isize == 0:
        return
    end_index = (isize - 1) >> PAGE_SHIFT
    index = ractl._index
    if index > end_index:
        return
    if nr_to_read > end_index - index:
        nr_to_read = end_index - index + 1
    page_cache_ra_unbounded(ractl, nr_to_read, lookahead_size)


def page_cache_ra_order(ractl: ReadaheadControl, ra: FileRaState, new_order: int) -> None:
    """Without large folios in the page cache (ext4 in 6.1 has none): do_page_cache_ra()."""
    do_page_cache_ra(ractl, ra.size, ra.async_size)


def get_init_ra_size(size: int, max_pages: int) -> int:
    newsize = 1 << (size - 1).bit_length() if size > 1 else 1  # roundup_pow_of_two
    if newsize <= max_pages // 32:
        newsize = newsize * 4
    elif newsize <= max_pages // 4:
        newsize = newsize * 2
    else:
        newsize = max_pages
    return newsize


def get_next_ra_size(ra: FileRaState, max_pages: int) -> int:
    cur = ra.size
    if cur < max_pages // 16:
        return 4 * cur
    if cur <= max_pages // 2:
        return 2 * cur
    return max_pages


def page_cache_next_miss(mapping: Inode, index: int, max_scan: int) -> int:
    """The first index at or after `index` (within max_scan) that is not cached."""
    for i in range(index, index + max_scan):
        if i not in mapping.pages:
            return i
    return index + max_scan


def ondemand_readahead(ractl: ReadaheadControl, folio: int | None, req_size: int) -> None:
    """The readahead state machine, for the hits a page fault makes: the marker page of the
    current window reads the next one (twice as big, up to ra_pages)."""
    ra = ractl.ra
    max_pages = ra.ra_pages
    index = ractl._index
    if index == 0:
        ra.start = index
        ra.size = get_init_ra_size(req_size, max_pages)
        ra.async_size = ra.size - req_size if ra.size > req_size else ra.size
    elif index in (ra.start + ra.size - ra.async_size, ra.start + ra.size):
        ra.start += ra.size
        ra.size = get_next_ra_size(ra, max_pages)
        ra.async_size = ra.size
    elif folio is not None:
        # A marker hit without a window that explains it: find where the cache ends.
        start = page_cache_next_miss(ractl.mapping, index + 1, max_pages)
        if not start or start - index > max_pages:
            return
        ra.start = start
        ra.size = start - index + req_size
        ra.size = get_next_ra_size(ra, max_pages)
        ra.async_size = ra.size
    else:
        return
    if index == ra.start and ra.size == ra.async_size:
        add_pages = get_next_ra_size(ra, max_pages)
        if ra.size + add_pages <= max_pages:
            ra.async_size = add_pages
            ra.size += add_pages
        else:
            ra.size = max_pages
            ra.async_size = max_pages >> 1
    ractl._index = ra.start
    page_cache_ra_order(ractl, ra, 0)


def page_cache_sync_ra(ractl: ReadaheadControl, req_count: int) -> None:
    """Sequential readahead (MADV_SEQUENTIAL): the window starts at the fault."""
    ra = ractl.ra
    ra.start, ra.size = ractl._index, req_count
    ra.async_size = req_count // 4
    page_cache_ra_order(ractl, ra, 0)


def page_cache_async_ra(ractl: ReadaheadControl, folio: int, req_count: int) -> None:
    """The marker page was reached: clear the mark, read the next window."""
    if not ractl.ra.ra_pages:
        return
    index = ractl._index
    ractl.mapping.readahead.discard(index)  # folio_clear_readahead()
    ondemand_readahead(ractl, folio, req_count)
