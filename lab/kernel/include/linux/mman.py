# SPDX-License-Identifier: GPL-2.0-only
"""Twin of include/linux/mman.h: mmap's prot and flags turned into VM_* bits, and the
overcommit counter that private writable mappings are charged to.
"""

from __future__ import annotations

from lab.kernel.include.linux.mm import (
    VM_EXEC,
    VM_GROWSDOWN,
    VM_LOCKED,
    VM_PKEY_BIT0,
    VM_PKEY_BIT1,
    VM_PKEY_BIT2,
    VM_PKEY_BIT3,
    VM_READ,
    VM_SYNC,
    VM_WRITE,
)
from lab.kernel.include.uapi.mman import (
    MAP_GROWSDOWN,
    MAP_LOCKED,
    MAP_SYNC,
    PROT_EXEC,
    PROT_READ,
    PROT_WRITE,
)
from lab.kernel.machine import kernel
from lab.kernel.twin import kernel_function


def _calc_vm_trans(x: int, bit1: int, bit2: int) -> int:
    """(x & bit1) ? bit2 : 0, the way the macro computes it without a branch."""
    if not bit1 or not bit2:
        return 0
    if bit1 <= bit2:
        return (x & bit1) * (bit2 // bit1)
    return (x & bit1) // (bit1 // bit2)


def arch_calc_vm_prot_bits(prot: int, key: int) -> int:
    """arch/x86/include/uapi/asm/mman.h: the protection key's four bits in vm_flags."""
    return ((VM_PKEY_BIT0 if key & 0x1 else 0) | (VM_PKEY_BIT1 if key & 0x2 else 0)
            | (VM_PKEY_BIT2 if key & 0x4 else 0) | (VM_PKEY_BIT3 if key & 0x8 else 0))


def arch_calc_vm_flag_bits(file, flags: int) -> int:
    """x86 adds no VM_* bits of its own for mmap flags (the generic default, 0)."""
    return 0


@kernel_function
def calc_vm_prot_bits(prot: int, pkey: int) -> int:
    return (_calc_vm_trans(prot, PROT_READ, VM_READ)  # C: return _calc_vm_trans(prot, PROT_READ,
            | _calc_vm_trans(prot, PROT_WRITE, VM_WRITE)
            | _calc_vm_trans(prot, PROT_EXEC, VM_EXEC)
            | arch_calc_vm_prot_bits(prot, pkey))


@kernel_function
def calc_vm_flag_bits(file, flags: int) -> int:
    return (_calc_vm_trans(flags, MAP_GROWSDOWN, VM_GROWSDOWN)  # C: return _calc_vm_trans(flags,
            | _calc_vm_trans(flags, MAP_LOCKED, VM_LOCKED)
            | _calc_vm_trans(flags, MAP_SYNC, VM_SYNC)
            | arch_calc_vm_flag_bits(file, flags))


@kernel_function
def vm_acct_memory(pages: int) -> None:
    # One counter, not one per CPU: the sum the kernel's percpu_counter would give.
    kernel.vm_committed_as += pages  # C: percpu_counter_add_batch(&vm_committed_as, pages,


@kernel_function
def vm_unacct_memory(pages: int) -> None:
    vm_acct_memory(-pages)  # C: vm_acct_memory(-pages);
