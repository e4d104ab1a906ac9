# SPDX-License-Identifier: GPL-2.0-only
"""Every module of the twin, imported so that all twin functions are registered.

The chain a learner steps through, with what it reaches on the way:
SYSCALL mmap → ksys_mmap_pgoff → vm_mmap_pgoff → do_mmap → get_unmapped_area → mmap_region
→ __mm_populate → populate_vma_page_range → __get_user_pages → faultin_page → handle_mm_fault
"""

from lab.kernel import security  # noqa: F401
from lab.kernel.arch.x86.kernel import sys_x86_64  # noqa: F401
from lab.kernel.arch.x86.mm import fault, hugetlbpage  # noqa: F401
from lab.kernel.drivers.char import mem  # noqa: F401
from lab.kernel.fs import open as fs_open  # noqa: F401
from lab.kernel.fs import sync  # noqa: F401
from lab.kernel.fs.hugetlbfs import inode  # noqa: F401
from lab.kernel.include.linux import hugetlb, mman  # noqa: F401
from lab.kernel.mm import (  # noqa: F401
    filemap,
    gup,
    huge_memory,
    memory,
    mlock,
    mmap,
    mprotect,
    msync,
    shmem,
    truncate,
    util,
)
from lab.kernel.mm import hugetlb as mm_hugetlb  # noqa: F401
