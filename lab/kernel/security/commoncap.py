# SPDX-License-Identifier: GPL-2.0-only
"""Twin of security/commoncap.c: the capability checks every kernel runs as its first LSM.

Only cap_mmap_addr and cap_mmap_file are kept in kernel_src; cap_capable and
cap_vm_enough_memory are plain helpers with the kernel's behaviour.
"""

from __future__ import annotations

from lab.kernel.include.uapi.capability import CAP_SYS_ADMIN, CAP_SYS_RAWIO
from lab.kernel.include.uapi.errno import EPERM
from lab.kernel.machine import Cred, current, kernel
from lab.kernel.twin import kernel_function, not_modelled

init_user_ns = "init_user_ns"  # the lab has one user namespace
CAP_OPT_NONE = 0x0
CAP_OPT_NOAUDIT = 0x2


def current_cred() -> Cred:
    return current.cred


def cap_capable(cred: Cred, ns: str, cap: int, opts: int) -> int:
    """0 when the credentials hold `cap` in their effective set, else -EPERM."""
    return 0 if cap in cred.caps else -EPERM


@kernel_function
def cap_mmap_addr(addr: int) -> int:
    ret = 0  # C: int ret = 0;
    if addr < kernel.dac_mmap_min_addr:  # C: if (addr < dac_mmap_min_addr)
        ret = cap_capable(current_cred(), init_user_ns, CAP_SYS_RAWIO,  # C: ret = cap_capable(
                          CAP_OPT_NONE)
        if ret == 0:  # C: if (ret == 0)
            not_modelled("PF_SUPERPRIV only records, for process accounting, that a "
                         "privilege was used")  # C: current->flags |= PF_SUPERPRIV;
    return ret  # C: return ret;


@kernel_function
def cap_mmap_file(file, reqprot: int, prot: int, flags: int) -> int:
    return 0  # C: return 0;


def cap_vm_enough_memory(mm, pages: int) -> int:
    """1 when the task may dip into the admin reserve under strict overcommit (CAP_SYS_ADMIN)."""
    cap_sys_admin = 0
    if cap_capable(current_cred(), init_user_ns, CAP_SYS_ADMIN, CAP_OPT_NOAUDIT) == 0:
        cap_sys_admin = 1
    return cap_sys_admin
