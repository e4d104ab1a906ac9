# SPDX-License-Identifier: GPL-2.0-only
"""Twin of security/security.c's hooks on the mmap path (not kept in kernel_src).

The lab's kernel runs the capability module alone, as a kernel whose other LSMs (AppArmor,
SELinux) have no mmap hooks or allow everything: each hook is the commoncap one.
"""

from __future__ import annotations

from lab.kernel.include.uapi.mman import PROT_EXEC, PROT_READ
from lab.kernel.include.uapi.personality import READ_IMPLIES_EXEC
from lab.kernel.machine import current
from lab.kernel.security.commoncap import cap_mmap_addr, cap_mmap_file, cap_vm_enough_memory


def mmap_prot(file, prot: int) -> int:
    """The protection the mapping will really get: PROT_READ may imply PROT_EXEC."""
    if (prot & (PROT_READ | PROT_EXEC)) != PROT_READ:
        return prot
    if not current.personality & READ_IMPLIES_EXEC:
        return prot
    if file is None:  # anonymous memory: do_mmap adds PROT_EXEC
        return prot | PROT_EXEC
    if not file.path_noexec():
        return prot | PROT_EXEC
    return prot  # anything on a noexec mount gets no PROT_EXEC


def security_mmap_file(file, prot: int, flags: int) -> int:
    return cap_mmap_file(file, prot, mmap_prot(file, prot), flags)


def security_mmap_addr(addr: int) -> int:
    return cap_mmap_addr(addr)


def security_vm_enough_memory_mm(mm, pages: int) -> int:
    """0 when the overcommit policy allows `pages` more committed pages, else -ENOMEM."""
    from lab.kernel.mm.util import __vm_enough_memory

    cap_sys_admin = 1
    if cap_vm_enough_memory(mm, pages) <= 0:
        cap_sys_admin = 0
    return __vm_enough_memory(mm, pages, cap_sys_admin)


def security_file_mprotect(vma, reqprot: int, prot: int) -> int:
    """The LSM hook on mprotect(): the capability module has none, so it allows the change."""
    return 0
