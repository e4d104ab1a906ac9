# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/huge_memory.c: where a file mapping of 2 MiB or more is placed.

ext4's file_operations use thp_get_unmapped_area(): the mapping is placed so that its file
offsets line up with 2 MiB boundaries of the address space, which is what would let huge
pages map it. The search asks for 2 MiB more than needed, then slides up to the boundary.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PMD_SIZE
from lab.kernel.machine import current
from lab.kernel.twin import IS_ERR_VALUE, kernel_function, ulong

CONFIG_64BIT = True


def loff_t(x: int) -> int:
    """C's signed 64-bit file offset: wrap as the kernel's arithmetic does."""
    x = ulong(x)
    return x - (1 << 64) if x >> 63 else x


def round_up(x: int, y: int) -> int:
    return loff_t(((x - 1) | (y - 1)) + 1)


def in_compat_syscall() -> bool:
    return False  # the lab makes 64-bit system calls only


@kernel_function
def __thp_get_unmapped_area(filp, addr: int, len: int, off: int, flags: int,
                            size: int) -> int:
    off_end = loff_t(off + len)  # C: loff_t off_end = off + len;
    off_align = round_up(off, size)  # C: loff_t off_align = round_up(off, size);

    if not CONFIG_64BIT or in_compat_syscall():  # C: if (!IS_ENABLED(CONFIG_64BIT) ||
        return 0  # C: return 0;

    if off_end <= off_align or (off_end - off_align) < size:  # C: if (off_end <= off_align || (
        return 0  # C: return 0;

    len_pad = ulong(len + size)  # C: len_pad = len + size;
    # loff_t against unsigned long: C compares these as unsigned 64-bit values
    if len_pad < len or ulong(off + len_pad) < ulong(off):  # C: if (len_pad < len ||
        return 0  # C: return 0;

    ret = current.mm.get_unmapped_area(  # C: ret = current->mm->get_unmapped_area(filp, addr,
        filp, addr, len_pad, off >> PAGE_SHIFT, flags)

    # A failure may be the padding's fault: the caller retries without it.
    if IS_ERR_VALUE(ret):  # C: if (IS_ERR_VALUE(ret))
        return 0  # C: return 0;

    # Do not align to a huge page boundary if the hint was honoured.
    if ret == addr:  # C: if (ret == addr)
        return addr  # C: return addr;

    ret = ulong(ret + ((off - ret) & (size - 1)))  # C: ret += (off - ret) & (size - 1);
    return ret  # C: return ret;


@kernel_function
def thp_get_unmapped_area(filp, addr: int, len: int, pgoff: int, flags: int) -> int:
    off = loff_t(pgoff << PAGE_SHIFT)  # C: loff_t off = (loff_t)pgoff << PAGE_SHIFT;

    ret = __thp_get_unmapped_area(  # C: ret = __thp_get_unmapped_area(filp, addr, len, off, flags,
        filp, addr, len, off, flags, PMD_SIZE)
    if ret:  # C: if (ret)
        return ret  # C: return ret;

    return current.mm.get_unmapped_area(  # C: return current->mm->get_unmapped_area(filp, addr,
        filp, addr, len, pgoff, flags)
