# SPDX-License-Identifier: GPL-2.0-only
"""Twin of include/linux/hugetlb.h: huge page sizes (struct hstate) and who uses them.

An hstate is lab.kernel.machine.Hstate; the machine's list `kernel.hstates` is the kernel's
hstates[] array, the default (2 MiB) first. A hugetlbfs super block names its page size
(SuperBlock.huge_page_size), which is how HUGETLBFS_SB(sb)->hstate is found.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PAGE_SIZE
from lab.kernel.include.linux.mm import VM_HUGETLB
from lab.kernel.machine import Hstate, kernel
from lab.kernel.twin import ULONG_MAX, kernel_function

HUGETLB_ANON_FILE = "anon_hugepage"
# enum: how hugetlb_file_setup() is asked for an inode
HUGETLB_SHMFS_INODE = 1  # SysV shared memory with SHM_HUGETLB
HUGETLB_ANONHUGE_INODE = 2  # mmap(MAP_ANONYMOUS | MAP_HUGETLB)

BITS_PER_LONG = 64


def is_vm_hugetlb_page(vma) -> bool:
    """include/linux/hugetlb_inline.h: a VMA of hugetlbfs pages."""
    return bool(vma.vm_flags & VM_HUGETLB)


def size_to_hstate(size: int) -> Hstate | None:
    """mm/hugetlb.c: the hstate of huge pages of `size` bytes, if the machine has one."""
    return kernel.hstate_for_size(size)


def HUGETLBFS_SB(sb):  # noqa: N802  (the kernel's name)
    """The hugetlbfs super block's info; the lab keeps only its hstate."""
    return _HugetlbfsSbInfo(kernel.hstate_for_size(sb.huge_page_size))


class _HugetlbfsSbInfo:
    __slots__ = ("hstate",)

    def __init__(self, hstate: Hstate | None):
        self.hstate = hstate


def file_inode(f):
    return f.f_inode


def is_file_shm_hugepages(file) -> bool:
    return False  # SysV shared memory (shmget with SHM_HUGETLB) is not in the lab


@kernel_function
def is_file_hugepages(file) -> bool:
    from lab.kernel.fs.hugetlbfs.inode import hugetlbfs_file_operations

    if file.f_op is hugetlbfs_file_operations:  # C: if (file->f_op == &hugetlbfs_file_operations)
        return True  # C: return true;
    return is_file_shm_hugepages(file)  # C: return is_file_shm_hugepages(file);


@kernel_function
def hstate_inode(i) -> Hstate:
    return HUGETLBFS_SB(i.sb).hstate  # C: return HUGETLBFS_SB(i->i_sb)->hstate;


@kernel_function
def hstate_file(f) -> Hstate:
    return hstate_inode(file_inode(f))  # C: return hstate_inode(file_inode(f));


@kernel_function
def hstate_sizelog(page_size_log: int) -> Hstate | None:
    if not page_size_log:  # C: if (!page_size_log)
        return kernel.default_hstate  # C: return &default_hstate;
    if page_size_log < BITS_PER_LONG:  # C: if (page_size_log < BITS_PER_LONG)
        return size_to_hstate(1 << page_size_log)  # C: return size_to_hstate(1UL << page_size_log);
    return None  # C: return NULL;


@kernel_function
def hstate_vma(vma) -> Hstate:
    return hstate_file(vma.vm_file)  # C: return hstate_file(vma->vm_file);


@kernel_function
def huge_page_size(h: Hstate) -> int:
    return PAGE_SIZE << h.order  # C: return (unsigned long)PAGE_SIZE << h->order;


@kernel_function
def huge_page_mask(h: Hstate) -> int:
    # h->mask is set up as ~(huge_page_size(h) - 1), an unsigned long
    return ~(huge_page_size(h) - 1) & ULONG_MAX  # C: return h->mask;


@kernel_function
def huge_page_order(h: Hstate) -> int:
    return h.order  # C: return h->order;


@kernel_function
def huge_page_shift(h: Hstate) -> int:
    return h.order + PAGE_SHIFT  # C: return h->order + PAGE_SHIFT;


@kernel_function
def pages_per_huge_page(h: Hstate) -> int:
    return 1 << h.order  # C: return 1 << h->order;


@kernel_function
def hstate_index(h: Hstate) -> int:
    return kernel.hstates.index(h)  # C: return h - hstates;
