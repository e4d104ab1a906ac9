# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/msync.c: msync(2), which asks that a shared file mapping reach the disk.

Since Linux 2.6.19 MS_ASYNC does nothing: the kernel already knows which pages are dirty and
will write them back when it decides to. MS_SYNC writes the dirty pages of each shared file
mapping in the range now (vfs_fsync_range()) and waits for them. A hole in the range is
skipped but makes the call fail with ENOMEM at the end.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_MASK, PAGE_SHIFT
from lab.kernel.fs.sync import vfs_fsync_range
from lab.kernel.include.linux.mm import VM_LOCKED, VM_SHARED
from lab.kernel.include.uapi.errno import EBUSY, EINVAL, ENOMEM
from lab.kernel.include.uapi.mman import MS_ASYNC, MS_INVALIDATE, MS_SYNC
from lab.kernel.machine import current
from lab.kernel.mm_struct import MmStruct
from lab.kernel.twin import goto_label, kernel_function, not_modelled, ulong


def untagged_addr(addr: int) -> int:
    return addr  # x86-64 in 6.1 has no address tags


def offset_in_page(x: int) -> int:
    return x & ~PAGE_MASK


def find_vma(mm: MmStruct, addr: int):
    return mm.find_vma(addr)


@kernel_function(c_name="sys_msync")
def sys_msync(start: int, len: int, flags: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    unmapped_error = 0  # C: int unmapped_error = 0;
    error = -EINVAL  # C: int error = -EINVAL;

    start = untagged_addr(start)  # C: start = untagged_addr(start);

    if flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC):  # C: if (flags & ~(MS_ASYNC |
        return sys_msync_out(error, unmapped_error)  # C: goto out;
    if offset_in_page(start):  # C: if (offset_in_page(start))
        return sys_msync_out(error, unmapped_error)  # C: goto out;
    if flags & MS_ASYNC and flags & MS_SYNC:  # C: if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return sys_msync_out(error, unmapped_error)  # C: goto out;
    error = -ENOMEM  # C: error = -ENOMEM;
    len = ulong(len + ~PAGE_MASK) & PAGE_MASK  # C: len = (len + ~PAGE_MASK) & PAGE_MASK;
    end = ulong(start + len)  # C: end = start + len;
    if end < start:  # C: if (end < start)
        return sys_msync_out(error, unmapped_error)  # C: goto out;
    error = 0  # C: error = 0;
    if end == start:  # C: if (end == start)
        return sys_msync_out(error, unmapped_error)  # C: goto out;
    # Unmapped parts of the range are skipped, but the call returns ENOMEM at the end; with
    # MS_ASYNC alone there is nothing else to do, so it returns at once.
    not_modelled("locking: one thread, no contention")  # C: mmap_read_lock(mm);
    vma = find_vma(mm, start)  # C: vma = find_vma(mm, start);
    while True:  # C: for (;;)
        # Still start < end.
        error = -ENOMEM  # C: error = -ENOMEM;
        if not vma:  # C: if (!vma)
            return sys_msync_out_unlock(error, unmapped_error)  # C: goto out_unlock;
        # Here start < vma->vm_end.
        if start < vma.vm_start:  # C: if (start < vma->vm_start)
            if flags == MS_ASYNC:  # C: if (flags == MS_ASYNC)
                return sys_msync_out_unlock(error, unmapped_error)  # C: goto out_unlock;
            start = vma.vm_start  # C: start = vma->vm_start;
            if start >= end:  # C: if (start >= end)
                return sys_msync_out_unlock(error, unmapped_error)  # C: goto out_unlock;
            unmapped_error = -ENOMEM  # C: unmapped_error = -ENOMEM;
        # Here vma->vm_start <= start < vma->vm_end.
        if flags & MS_INVALIDATE and vma.vm_flags & VM_LOCKED:  # C: if ((flags & MS_INVALIDATE)
            error = -EBUSY  # C: error = -EBUSY;
            return sys_msync_out_unlock(error, unmapped_error)  # C: goto out_unlock;
        file = vma.vm_file  # C: file = vma->vm_file;
        fstart = (start - vma.vm_start) + (vma.vm_pgoff << PAGE_SHIFT)  # C: fstart = (start -
        fend = fstart + (min(end, vma.vm_end) - start) - 1  # C: fend = fstart + (min(end,
        start = vma.vm_end  # C: start = vma->vm_end;
        # Only MS_SYNC on a shared file mapping writes anything: its dirty pages, now.
        if flags & MS_SYNC and file and vma.vm_flags & VM_SHARED:  # C: if ((flags & MS_SYNC) &&
            not_modelled("file reference counts: the lab keeps none")  # C: get_file(file);
            not_modelled("locking: one thread, no contention")  # C: mmap_read_unlock(mm);
            error = vfs_fsync_range(file, fstart, fend, 1)  # C: error = vfs_fsync_range(file,
            not_modelled("file reference counts: the lab keeps none")  # C: fput(file);
            if error or start >= end:  # C: if (error || start >= end)
                return sys_msync_out(error, unmapped_error)  # C: goto out;
            not_modelled("locking: one thread, no contention")  # C: mmap_read_lock(mm);
            vma = find_vma(mm, start)  # C: vma = find_vma(mm, start);
        else:
            if start >= end:  # C: if (start >= end)
                error = 0  # C: error = 0;
                return sys_msync_out_unlock(error, unmapped_error)  # C: goto out_unlock;
            vma = find_vma(mm, vma.vm_end)  # C: vma = find_vma(mm, vma->vm_end);


@goto_label("sys_msync", "out_unlock")
def sys_msync_out_unlock(error: int, unmapped_error: int) -> int:
    not_modelled("locking: one thread, no contention")  # C: out_unlock: ... mmap_read_unlock(
    return sys_msync_out(error, unmapped_error)


@goto_label("sys_msync", "out")
def sys_msync_out(error: int, unmapped_error: int) -> int:
    return error if error else unmapped_error  # C: out: ... return error ? : unmapped_error;
