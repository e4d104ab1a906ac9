# SPDX-License-Identifier: GPL-2.0-only
"""Twin of arch/x86/kernel/sys_x86_64.c: the mmap system call and x86-64's placement of new
mappings, top-down below mmap_base (the layout every 64-bit process gets by default).

The helpers from arch/x86/mm/mmap.c (get_mmap_base, mmap_address_hint_valid), which is not
kept in kernel_src, are plain functions with the kernel's behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import (
    DEFAULT_MAP_WINDOW,
    PAGE_MASK,
    PAGE_SHIFT,
    PAGE_SIZE,
    TASK_SIZE_MAX,
)
from lab.kernel.include.linux.mm import VM_UNMAPPED_AREA_TOPDOWN
from lab.kernel.include.uapi.errno import EINVAL, ENOMEM
from lab.kernel.include.uapi.mman import MAP_32BIT, MAP_FIXED
from lab.kernel.machine import current
from lab.kernel.mm.mmap import (
    PAGE_ALIGN,
    TASK_SIZE,
    VmUnmappedAreaInfo,
    find_vma,
    ksys_mmap_pgoff,
    vm_start_gap,
    vm_unmapped_area,
)
from lab.kernel.twin import Out, kernel_function, not_modelled


@dataclass
class VaAlignment:
    """struct va_alignment: AMD family 15h's instruction-cache aliasing workaround."""

    flags: int = -1  # -1: not this CPU family (arch/x86/kernel/cpu/amd.c sets it otherwise)
    mask: int = 0
    bits: int = 0


va_align = VaAlignment()


def in_32bit_syscall() -> bool:
    return False  # the lab's process makes 64-bit system calls only


def mmap_is_ia32() -> bool:
    return False


def randomizing() -> bool:
    """current->flags & PF_RANDOMIZE: the lab's process runs as under setarch -R (no ASLR)."""
    return False


def task_size_64bit(full_addr_space: bool) -> int:
    """arch/x86/include/asm/processor.h: the 47-bit window (4-level paging has no more)."""
    return TASK_SIZE_MAX if full_addr_space else DEFAULT_MAP_WINDOW


def get_mmap_base(is_legacy: int) -> int:
    """arch/x86/mm/mmap.c: where top-down (or, legacy, bottom-up) placement starts."""
    mm = current.mm
    if not is_legacy:
        return mm.mmap_base
    # mmap_legacy_base: TASK_UNMAPPED_BASE, a third of the address space, unrandomised
    return getattr(mm, "mmap_legacy_base", None) or PAGE_ALIGN(task_size_64bit(False) // 3)


def mmap_address_hint_valid(addr: int, len: int) -> bool:
    """arch/x86/mm/mmap.c: a hint must fit below TASK_SIZE and not straddle the 47-bit
    window's edge."""
    if TASK_SIZE - len < addr:
        return False
    return (addr > DEFAULT_MAP_WINDOW) == (addr + len > DEFAULT_MAP_WINDOW)


@kernel_function
def get_align_mask() -> int:
    # handle 32- and 64-bit case with a single conditional
    if va_align.flags < 0 or not va_align.flags & (2 - mmap_is_ia32()):  # C: if (va_align.flags < 0
        return 0  # C: return 0;

    if not randomizing():  # C: if (!(current->flags & PF_RANDOMIZE))
        return 0  # C: return 0;

    return va_align.mask  # C: return va_align.mask;


@kernel_function
def get_align_bits() -> int:
    return va_align.bits & get_align_mask()  # C: return va_align.bits & get_align_mask();


@kernel_function(c_name="sys_mmap")
def sys_mmap(addr: int, len: int, prot: int, flags: int, fd: int, off: int) -> int:
    if off & ~PAGE_MASK:  # C: if (off & ~PAGE_MASK)
        return -EINVAL  # C: return -EINVAL;

    return ksys_mmap_pgoff(  # C: return ksys_mmap_pgoff(addr, len, prot, flags, fd, off >>
        addr, len, prot, flags, fd, off >> PAGE_SHIFT)


@kernel_function
def find_start_end(addr: int, flags: int, begin: Out, end: Out) -> None:
    if not in_32bit_syscall() and flags & MAP_32BIT:  # C: if (!in_32bit_syscall() && (flags &
        # Code for the small model must sit in the first 31 bits: a 1 GiB playground.
        begin.value = 0x40000000  # C: *begin = 0x40000000;
        end.value = 0x80000000  # C: *end = 0x80000000;
        not_modelled(  # C: if (current->flags & PF_RANDOMIZE) ... *begin = randomize_page(*begin,
            "address randomisation: the lab's process runs without it (setarch -R)")
        return  # C: return;

    begin.value = get_mmap_base(1)  # C: *begin = get_mmap_base(1);
    if in_32bit_syscall():  # C: if (in_32bit_syscall())
        not_modelled("the lab makes 64-bit system calls only")  # C: *end = task_size_32bit();
    else:
        end.value = task_size_64bit(addr > DEFAULT_MAP_WINDOW)  # C: *end = task_size_64bit(addr >


@kernel_function
def arch_get_unmapped_area(filp, addr: int, len: int, pgoff: int, flags: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    info = VmUnmappedAreaInfo()
    begin, end = Out(0), Out(0)

    if flags & MAP_FIXED:  # C: if (flags & MAP_FIXED)
        return addr  # C: return addr;

    find_start_end(addr, flags, begin, end)  # C: find_start_end(addr, flags, &begin, &end);

    if len > end.value:  # C: if (len > end)
        return -ENOMEM  # C: return -ENOMEM;

    if addr:  # C: if (addr)
        addr = PAGE_ALIGN(addr)  # C: addr = PAGE_ALIGN(addr);
        vma = find_vma(mm, addr)  # C: vma = find_vma(mm, addr);
        if end.value - len >= addr and (not vma or  # C: if (end - len >= addr && (!vma || addr +
                                        addr + len <= vm_start_gap(vma)):
            return addr  # C: return addr;

    info.flags = 0  # C: info.flags = 0;
    info.length = len  # C: info.length = len;
    info.low_limit = begin.value  # C: info.low_limit = begin;
    info.high_limit = end.value  # C: info.high_limit = end;
    info.align_mask = 0  # C: info.align_mask = 0;
    info.align_offset = pgoff << PAGE_SHIFT  # C: info.align_offset = pgoff << PAGE_SHIFT;
    if filp:  # C: if (filp)
        info.align_mask = get_align_mask()  # C: info.align_mask = get_align_mask();
        info.align_offset += get_align_bits()  # C: info.align_offset += get_align_bits();
    return vm_unmapped_area(info)  # C: return vm_unmapped_area(&info);


@kernel_function
def arch_get_unmapped_area_topdown(filp, addr0: int, len: int, pgoff: int,
                                   flags: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    addr = addr0  # C: unsigned long addr = addr0;
    info = VmUnmappedAreaInfo()

    # requested length too big for entire address space
    if len > TASK_SIZE:  # C: if (len > TASK_SIZE)
        return -ENOMEM  # C: return -ENOMEM;

    # No address checking: MAP_FIXED means the caller knows what it does.
    if flags & MAP_FIXED:  # C: if (flags & MAP_FIXED)
        return addr  # C: return addr;

    # for MAP_32BIT mappings we force the legacy mmap base
    if not in_32bit_syscall() and flags & MAP_32BIT:  # C: if (!in_32bit_syscall() && (flags &
        return arch_get_unmapped_area(filp, addr0, len, pgoff, flags)  # C: goto bottomup;

    # requesting a specific address
    if addr:  # C: if (addr)
        addr &= PAGE_MASK  # C: addr &= PAGE_MASK;
        if not mmap_address_hint_valid(addr, len):  # C: if (!mmap_address_hint_valid(addr, len))
            pass  # C: goto get_unmapped_area;
        else:
            vma = find_vma(mm, addr)  # C: vma = find_vma(mm, addr);
            if not vma or addr + len <= vm_start_gap(vma):  # C: if (!vma || addr + len <=
                return addr  # C: return addr;

    info.flags = (  # C: get_unmapped_area: ... info.flags = VM_UNMAPPED_AREA_TOPDOWN;
        VM_UNMAPPED_AREA_TOPDOWN)
    info.length = len  # C: info.length = len;
    info.low_limit = PAGE_SIZE  # C: info.low_limit = PAGE_SIZE;
    info.high_limit = get_mmap_base(0)  # C: info.high_limit = get_mmap_base(0);

    # A hint above DEFAULT_MAP_WINDOW asks for the full address space (none on 4-level).
    if addr > DEFAULT_MAP_WINDOW and not in_32bit_syscall():  # C: if (addr > DEFAULT_MAP_WINDOW &&
        info.high_limit += TASK_SIZE_MAX - DEFAULT_MAP_WINDOW  # C: info.high_limit += TASK_SIZE_MAX

    info.align_mask = 0  # C: info.align_mask = 0;
    info.align_offset = pgoff << PAGE_SHIFT  # C: info.align_offset = pgoff << PAGE_SHIFT;
    if filp:  # C: if (filp)
        info.align_mask = get_align_mask()  # C: info.align_mask = get_align_mask();
        info.align_offset += get_align_bits()  # C: info.align_offset += get_align_bits();
    addr = vm_unmapped_area(info)  # C: addr = vm_unmapped_area(&info);
    if not addr & ~PAGE_MASK:  # C: if (!(addr & ~PAGE_MASK))
        return addr  # C: return addr;
    not_modelled("a debug assertion: the only failure is "
                 "-ENOMEM")  # C: VM_BUG_ON(addr != -ENOMEM);

    # A failed mmap() very likely kills the application: fall back to bottom-up placement,
    # which large stack limits and large mappings can need.
    return arch_get_unmapped_area(  # C: bottomup: ... return arch_get_unmapped_area(filp, addr0,
        filp, addr0, len, pgoff, flags)
