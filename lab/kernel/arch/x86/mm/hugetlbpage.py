# SPDX-License-Identifier: GPL-2.0-only
"""Twin of arch/x86/mm/hugetlbpage.c: where huge page mappings go.

Like ordinary placement (arch_get_unmapped_area_topdown), but the length must be a multiple
of the huge page size and the address is aligned to it: vm_unmapped_area() is asked for
align_mask = PAGE_MASK & ~huge_page_mask(h), so a 2 MiB page lands on a 2 MiB boundary.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import (
    DEFAULT_MAP_WINDOW,
    PAGE_MASK,
    PAGE_SIZE,
    TASK_SIZE_MAX,
)
from lab.kernel.arch.x86.kernel.sys_x86_64 import (
    arch_get_unmapped_area,
    get_mmap_base,
    in_32bit_syscall,
    mmap_address_hint_valid,
    task_size_64bit,
)
from lab.kernel.include.linux.hugetlb import hstate_file, huge_page_mask
from lab.kernel.include.linux.mm import VM_UNMAPPED_AREA_TOPDOWN
from lab.kernel.include.uapi.errno import EINVAL, ENOMEM
from lab.kernel.include.uapi.mman import MAP_FIXED
from lab.kernel.machine import current
from lab.kernel.mm.mmap import VmUnmappedAreaInfo, find_vma, vm_start_gap, vm_unmapped_area
from lab.kernel.twin import goto_label, kernel_function, not_modelled

TASK_SIZE = TASK_SIZE_MAX  # a 64-bit task
TASK_SIZE_LOW = DEFAULT_MAP_WINDOW  # ... without TIF_ADDR32
TASK_UNMAPPED_BASE = (TASK_SIZE_LOW // 3 + PAGE_SIZE - 1) & PAGE_MASK  # PAGE_ALIGN(.. / 3)


def task_size_32bit() -> int:
    return 0xFFFFE000  # IA32_PAGE_OFFSET: never asked, the lab makes 64-bit calls only


def prepare_hugepage_range(file, addr: int, len: int) -> int:  # noqa: A002
    """include/asm-generic/hugetlb.h: a MAP_FIXED range must be huge-page aligned."""
    h = hstate_file(file)
    if len & ~huge_page_mask(h):
        return -EINVAL
    if addr & ~huge_page_mask(h):
        return -EINVAL
    return 0


@kernel_function
def hugetlb_get_unmapped_area_bottomup(file, addr: int, len: int, pgoff: int,  # noqa: A002
                                       flags: int) -> int:
    h = hstate_file(file)  # C: struct hstate *h = hstate_file(file);
    info = VmUnmappedAreaInfo()
    info.flags = 0  # C: info.flags = 0;
    info.length = len  # C: info.length = len;
    info.low_limit = get_mmap_base(1)  # C: info.low_limit = get_mmap_base(1);
    info.high_limit = (task_size_32bit() if in_32bit_syscall()  # C: info.high_limit =
                       else task_size_64bit(addr > DEFAULT_MAP_WINDOW))
    info.align_mask = PAGE_MASK & ~huge_page_mask(h)  # C: info.align_mask = PAGE_MASK &
    info.align_offset = 0  # C: info.align_offset = 0;
    return vm_unmapped_area(info)  # C: return vm_unmapped_area(&info);


@kernel_function
def hugetlb_get_unmapped_area_topdown(file, addr: int, len: int, pgoff: int,  # noqa: A002
                                      flags: int) -> int:
    h = hstate_file(file)  # C: struct hstate *h = hstate_file(file);
    info = VmUnmappedAreaInfo()
    info.flags = VM_UNMAPPED_AREA_TOPDOWN  # C: info.flags = VM_UNMAPPED_AREA_TOPDOWN;
    info.length = len  # C: info.length = len;
    info.low_limit = PAGE_SIZE  # C: info.low_limit = PAGE_SIZE;
    info.high_limit = get_mmap_base(0)  # C: info.high_limit = get_mmap_base(0);
    if addr > DEFAULT_MAP_WINDOW and not in_32bit_syscall():  # C: if (addr > DEFAULT_MAP_WINDOW
        info.high_limit += TASK_SIZE_MAX - DEFAULT_MAP_WINDOW  # C: info.high_limit += TASK_SIZE_
    info.align_mask = PAGE_MASK & ~huge_page_mask(h)  # C: info.align_mask = PAGE_MASK &
    info.align_offset = 0  # C: info.align_offset = 0;
    addr = vm_unmapped_area(info)  # C: addr = vm_unmapped_area(&info);
    if addr & ~PAGE_MASK:  # C: if (addr & ~PAGE_MASK)
        not_modelled("debug assertion: the only failure is -ENOMEM")  # C: VM_BUG_ON(addr !=
        info.flags = 0  # C: info.flags = 0;
        info.low_limit = TASK_UNMAPPED_BASE  # C: info.low_limit = TASK_UNMAPPED_BASE;
        info.high_limit = TASK_SIZE_LOW  # C: info.high_limit = TASK_SIZE_LOW;
        addr = vm_unmapped_area(info)  # C: addr = vm_unmapped_area(&info);
    return addr  # C: return addr;


@kernel_function
def hugetlb_get_unmapped_area(file, addr: int, len: int, pgoff: int,  # noqa: A002
                              flags: int) -> int:
    h = hstate_file(file)  # C: struct hstate *h = hstate_file(file);
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    if len & ~huge_page_mask(h):  # C: if (len & ~huge_page_mask(h))
        return -EINVAL  # C: return -EINVAL;
    if len > TASK_SIZE:  # C: if (len > TASK_SIZE)
        return -ENOMEM  # C: return -ENOMEM;
    if flags & MAP_FIXED:  # C: if (flags & MAP_FIXED)
        if prepare_hugepage_range(file, addr, len):  # C: if (prepare_hugepage_range(file, addr,
            return -EINVAL  # C: return -EINVAL;
        return addr  # C: return addr;
    if addr:  # C: if (addr)
        addr &= huge_page_mask(h)  # C: addr &= huge_page_mask(h);
        if not mmap_address_hint_valid(addr, len):  # C: if (!mmap_address_hint_valid(addr, len))
            return hugetlb_get_unmapped_area_get_unmapped_area(  # C: goto get_unmapped_area;
                mm, file, addr, len, pgoff, flags)
        vma = find_vma(mm, addr)  # C: vma = find_vma(mm, addr);
        if not vma or addr + len <= vm_start_gap(vma):  # C: if (!vma || addr + len <= vm_start_
            return addr  # C: return addr;
    return hugetlb_get_unmapped_area_get_unmapped_area(mm, file, addr, len, pgoff, flags)


@goto_label("hugetlb_get_unmapped_area", "get_unmapped_area")
def hugetlb_get_unmapped_area_get_unmapped_area(mm, file, addr: int, len: int,  # noqa: A002
                                                pgoff: int, flags: int) -> int:
    if mm.get_unmapped_area is arch_get_unmapped_area:  # C: get_unmapped_area: ... if (mm->
        return hugetlb_get_unmapped_area_bottomup(file, addr, len,  # C: return hugetlb_get_
                                                  pgoff, flags)
    else:
        return hugetlb_get_unmapped_area_topdown(file, addr, len,  # C: return hugetlb_get_
                                                 pgoff, flags)
