# SPDX-License-Identifier: GPL-2.0-only
"""Twin of drivers/char/mem.c: /dev/zero, whose mappings are anonymous memory (shared ones
backed by a shmem file of their own), and /dev/null, which cannot be mapped at all.
"""

from __future__ import annotations

from lab.kernel.file import FileOperations
from lab.kernel.include.linux.mm import VM_SHARED
from lab.kernel.include.uapi.mman import MAP_SHARED
from lab.kernel.machine import current
from lab.kernel.mm.mmap import vma_set_anonymous
from lab.kernel.mm.shmem import shmem_get_unmapped_area, shmem_zero_setup
from lab.kernel.twin import kernel_function


@kernel_function
def mmap_zero(file, vma) -> int:
    if vma.vm_flags & VM_SHARED:  # C: if (vma->vm_flags & VM_SHARED)
        return shmem_zero_setup(vma)  # C: return shmem_zero_setup(vma);
    vma_set_anonymous(vma)  # C: vma_set_anonymous(vma);
    return 0  # C: return 0;


@kernel_function
def get_unmapped_area_zero(file, addr: int, len: int, pgoff: int, flags: int) -> int:
    if flags & MAP_SHARED:  # C: if (flags & MAP_SHARED)
        # Pass NULL for the file, as mmap.c's get_unmapped_area() does, so as not to confuse
        # shmem with the handle on /dev/zero.
        return shmem_get_unmapped_area(  # C: return shmem_get_unmapped_area(NULL, addr, len, pgoff,
            None, addr, len, pgoff, flags)

    # Otherwise flags & MAP_PRIVATE: with no shmem object beneath it
    return current.mm.get_unmapped_area(  # C: return current->mm->get_unmapped_area(
        file, addr, len, pgoff, flags)


#: /dev/zero: mappable; /dev/null: no ->mmap, so do_mmap() says ENODEV.
zero_fops = FileOperations("zero_fops", mmap=mmap_zero, get_unmapped_area=get_unmapped_area_zero)
null_fops = FileOperations("null_fops")
