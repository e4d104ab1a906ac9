# SPDX-License-Identifier: GPL-2.0-only
"""The lab's CPU: one byte read or written by user code, through the MMU.

Not kernel code, so not a twin: this is what the hardware does. The MMU walks the page
tables for the address; if the leaf entry is present, user-accessible and (for a write)
writable, it sets the accessed bit (and the dirty bit on a write) and the byte is read or
written in the frame. Otherwise the CPU raises a page fault with the error code it would
push (X86_PF_USER, X86_PF_WRITE for a write, X86_PF_PROT if the entry was present) and the
address in CR2, and the kernel's handle_page_fault() runs. When it returns without a signal
the instruction runs again, as on a real CPU; a fatal signal ends the process instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import (
    _PAGE_ACCESSED,
    _PAGE_DIRTY,
    _PAGE_PRESENT,
    _PAGE_RW,
    _PAGE_USER,
    PAGE_SHIFT,
    PAGE_SIZE,
)
from lab.kernel.arch.x86.include.asm.trap_pf import X86_PF_PROT, X86_PF_USER, X86_PF_WRITE
from lab.kernel.arch.x86.mm.fault import PtRegs, handle_page_fault
from lab.kernel.include.uapi.signal import SI_KERNEL, SIGSEGV
from lab.kernel.machine import Siginfo, current, kernel
from lab.kernel.pagetable import LEVELS, pte_pfn
from lab.kernel.twin import ulong

#: A fault that the kernel "fixed" but that the retried access hits again this many times
#: means the model is wrong, not the program: the CPU would loop for ever.
MAX_FAULTS_PER_ACCESS = 4


@dataclass(frozen=True)
class Access:
    """What one user access did: the byte read (None for a write), or the signal it got."""

    value: int | None
    faults: int  # page faults taken on the way (0: the MMU found the page)
    signal: Siginfo | None = None


def canonical(addr: int) -> bool:
    """x86-64 with 4-level paging: bits 63..47 are all equal (a sign extension of bit 47)."""
    top = addr >> 47
    return top == 0 or top == (1 << 17) - 1


def _leaf(addr: int) -> tuple[int, int]:
    """(leaf entry, the size it maps) for addr, as the MMU's walk finds it; (0, 0) if none."""
    steps = current.mm.pgd.walk(addr)
    last = steps[-1]
    if not last.leaf:
        return 0, 0
    shift = dict(LEVELS)[last.level]
    return last.entry, 1 << shift


def user_access(addr: int, write: bool, value: int = 0) -> Access:
    """Read (write=False) or write one byte at addr, from user mode."""
    addr = ulong(addr)
    if not canonical(addr):
        # A non-canonical address is a general protection fault, not a page fault: the
        # kernel's #GP handler sends SIGSEGV with SI_KERNEL and no address.
        current.pending_signal = Siginfo(SIGSEGV, SI_KERNEL, 0)
        return Access(None, 0, current.pending_signal)
    faults = 0
    while True:
        entry, size = _leaf(addr)
        allowed = entry & _PAGE_PRESENT and entry & _PAGE_USER and (not write or entry & _PAGE_RW)
        if allowed:
            return Access(_touch(addr, entry, size, write, value), faults)
        if faults >= MAX_FAULTS_PER_ACCESS:
            raise RuntimeError(f"the fault at {addr:#x} was handled {faults} times and the "
                               "access still faults: the model would loop for ever")
        error_code = X86_PF_USER | (X86_PF_WRITE if write else 0) | \
            (X86_PF_PROT if entry & _PAGE_PRESENT else 0)
        handle_page_fault(PtRegs(), error_code, addr)
        faults += 1
        if current.pending_signal is not None:
            return Access(None, faults, current.pending_signal)


def _touch(addr: int, entry: int, size: int, write: bool, value: int) -> int | None:
    """The MMU's accessed/dirty update, then the byte itself."""
    pgd = current.mm.pgd
    new = entry | _PAGE_ACCESSED | (_PAGE_DIRTY if write else 0)
    if new != entry:
        base = addr & ~(size - 1)
        if size == PAGE_SIZE:
            pgd.set_pte(base, new)
        else:
            pgd.set_huge_pmd(base, new)
    offset = addr & (size - 1)
    pfn = pte_pfn(entry) + (offset >> PAGE_SHIFT)
    physmem = kernel.physmem
    if write:
        physmem.write_byte(pfn, offset & (PAGE_SIZE - 1), value & 0xFF)
        return None
    return physmem.read_byte(pfn, offset & (PAGE_SIZE - 1))
