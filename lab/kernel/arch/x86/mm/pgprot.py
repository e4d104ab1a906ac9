# SPDX-License-Identifier: GPL-2.0-only
"""arch/x86/mm/pgprot.c: x86's protection_map and vm_get_page_prot().

From a VMA's flags to the PTE bits its pages get. A plain helper (not kept in kernel_src):
the learner sees its answer in vma->vm_page_prot. Protection keys would add bits; every lab
VMA has key 0. No memory encryption (sme_me_mask is 0), so nothing else changes the bits.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import (
    PAGE_COPY,
    PAGE_COPY_EXEC,
    PAGE_NONE,
    PAGE_READONLY,
    PAGE_READONLY_EXEC,
    PAGE_SHARED,
    PAGE_SHARED_EXEC,
)
from lab.kernel.include.linux.mm import VM_EXEC, VM_READ, VM_SHARED, VM_WRITE

#: Indexed by vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED): private writable pages
#: start read-only (copy on write), shared ones writable.
protection_map = (
    PAGE_NONE, PAGE_READONLY, PAGE_COPY, PAGE_COPY,
    PAGE_READONLY_EXEC, PAGE_READONLY_EXEC, PAGE_COPY_EXEC, PAGE_COPY_EXEC,
    PAGE_NONE, PAGE_READONLY, PAGE_SHARED, PAGE_SHARED,
    PAGE_READONLY_EXEC, PAGE_READONLY_EXEC, PAGE_SHARED_EXEC, PAGE_SHARED_EXEC,
)


def vm_get_page_prot(vm_flags: int) -> int:
    """The PTE bits for a VMA's flags."""
    return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)]
