# SPDX-License-Identifier: GPL-2.0-only
"""Twin of arch/x86/mm/fault.c: the CPU's page fault, from the exception to a signal or a page.

The lab's user-mode access (lab/kernel/cpu.py) walks the page tables as the MMU does; when
the walk fails it raises the fault with the error code the CPU would push (X86_PF_USER, and
X86_PF_WRITE for a write, X86_PF_PROT when the entry was present) and the faulting address
(CR2). handle_page_fault() sends a user address to do_user_addr_fault(): find the VMA
(lock_mm_and_find_vma), check the access against it (access_error), then handle_mm_fault().
What cannot be fixed ends in a signal: SIGSEGV with SEGV_MAPERR (no VMA) or SEGV_ACCERR (the
VMA forbids the access), SIGBUS with BUS_ADRERR (e.g. a page past the end of a file).

Every fault in the lab comes from user mode, on a CPU without SMAP trouble, protection keys
in use, SGX or kprobes; the kernel-mode branches are marked not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import TASK_SIZE_MAX
from lab.kernel.arch.x86.include.asm.trap_pf import (
    X86_PF_INSTR,
    X86_PF_PK,
    X86_PF_PROT,
    X86_PF_RSVD,
    X86_PF_SGX,
    X86_PF_USER,
    X86_PF_WRITE,
)
from lab.kernel.include.linux.mm import FAULT_FLAG_DEFAULT, VM_WRITE
from lab.kernel.include.linux.mm_types import (
    FAULT_FLAG_INSTRUCTION,
    FAULT_FLAG_TRIED,
    FAULT_FLAG_USER,
    FAULT_FLAG_WRITE,
    VM_FAULT_COMPLETED,
    VM_FAULT_ERROR,
    VM_FAULT_HWPOISON,
    VM_FAULT_HWPOISON_LARGE,
    VM_FAULT_OOM,
    VM_FAULT_RETRY,
    VM_FAULT_SIGBUS,
    VM_FAULT_SIGSEGV,
)
from lab.kernel.include.uapi.signal import (
    BUS_ADRERR,
    SEGV_ACCERR,
    SEGV_MAPERR,
    SEGV_PKUERR,
    SIGBUS,
    SIGKILL,
    SIGSEGV,
)
from lab.kernel.kernel.signal import fatal_signal_pending, force_sig, force_sig_fault
from lab.kernel.machine import current
from lab.kernel.mm.memory import (
    BUG,
    arch_vma_access_permitted,
    handle_mm_fault,
    lock_mm_and_find_vma,
    vma_is_accessible,
)
from lab.kernel.mm_struct import VmAreaStruct
from lab.kernel.twin import kernel_function, not_modelled

X86_EFLAGS_IF = 1 << 9  # arch/x86/include/uapi/asm/processor-flags.h: interrupts enabled
X86_TRAP_PF = 14  # arch/x86/include/asm/trapnr.h: the page-fault vector
USER_CS = 0x33  # arch/x86/include/asm/segment.h: __USER_CS, ring 3
VSYSCALL_ADDR = 0xFFFFFFFFFF600000  # arch/x86/include/uapi/asm/vsyscall.h
PAGE_MASK_VSYSCALL = ~0xFFF & (2**64 - 1)


@dataclass
class PtRegs:
    """struct pt_regs: what the fault handler reads of the interrupted user-mode context."""

    ip: int = 0x555555555149  # somewhere in the program's text: the access instruction
    sp: int = 0x7FFFFFFFE3C0
    cs: int = USER_CS
    flags: int = X86_EFLAGS_IF


def user_mode(regs: PtRegs) -> bool:
    """arch/x86/include/asm/ptrace.h: the CPU was in ring 3."""
    return (regs.cs & 3) == 3


def is_vsyscall_vaddr(vaddr: int) -> bool:
    return (vaddr & PAGE_MASK_VSYSCALL) == VSYSCALL_ADDR


def emulate_vsyscall(error_code: int, regs: PtRegs, address: int) -> bool:
    """arch/x86/entry/vsyscall/vsyscall_64.c: only an instruction fetch (a call into the
    vsyscall page) is emulated; the lab's accesses are data reads and writes."""
    return False


def kmmio_fault(regs: PtRegs, addr: int) -> bool:
    return False  # mmiotrace is off: no kernel MMIO tracing


def faulthandler_disabled() -> bool:
    return False  # pagefault_disable() is never in force when user code runs


def fault_signal_pending(fault: int, regs: PtRegs) -> bool:
    """A retried fault with a signal pending returns at once; no signal comes mid-fault."""
    return bool(fault & VM_FAULT_RETRY) and fatal_signal_pending(current)


def pagefault_out_of_memory() -> None:
    """mm/oom_kill.c: memory ran out in a user fault; the OOM killer picks a victim. The lab's
    machine runs one process, so the victim is this one: SIGKILL."""
    force_sig(SIGKILL)


def cpu_feature_enabled(feature: str) -> bool:
    return False  # the lab's CPU: no OSPKE (protection keys), SMAP does not matter here


def vma_pkey(vma: VmAreaStruct) -> int:
    return 0


@kernel_function
def handle_page_fault(regs: PtRegs, error_code: int, address: int) -> None:
    not_modelled("tracepoints: no effect on memory")  # C: trace_page_fault_entries(regs,
    if kmmio_fault(regs, address):  # C: if (unlikely(kmmio_fault(regs, address)))
        return  # C: return;
    # Was the fault on the kernel-controlled part of the address space?
    if fault_in_kernel_space(address):  # C: if (unlikely(fault_in_kernel_space(address)))
        do_kern_addr_fault(regs, error_code, address)  # C: do_kern_addr_fault(regs, error_code,
    else:
        do_user_addr_fault(regs, error_code, address)  # C: do_user_addr_fault(regs, error_code,
    not_modelled("interrupts: the lab models none")  # C: local_irq_disable();


@kernel_function
def fault_in_kernel_space(address: int) -> bool:
    # The vsyscall page lies above TASK_SIZE_MAX but belongs to user space.
    if is_vsyscall_vaddr(address):  # C: if (IS_ENABLED(CONFIG_X86_64) && is_vsyscall_vaddr(
        return False  # C: return false;
    return address >= TASK_SIZE_MAX  # C: return address >= TASK_SIZE_MAX;


@kernel_function
def do_kern_addr_fault(regs: PtRegs, hw_error_code: int, address: int) -> None:
    not_modelled("a warning: protection keys do not apply to kernel "  # C: WARN_ON_ONCE(
                 "addresses")
    if is_f00f_bug(regs, hw_error_code, address):  # C: if (is_f00f_bug(regs, hw_error_code,
        return  # C: return;
    if spurious_kernel_fault(hw_error_code, address):  # C: if (spurious_kernel_fault(
        return  # C: return;
    if kprobe_page_fault(regs, X86_TRAP_PF):  # C: if (WARN_ON_ONCE(kprobe_page_fault(regs,
        return  # C: return;
    # A user access to a kernel address, or a kernel access to a bad one: no VMA here.
    bad_area_nosemaphore(regs, hw_error_code, address)  # C: bad_area_nosemaphore(regs,


def is_f00f_bug(regs: PtRegs, error_code: int, address: int) -> bool:
    return False  # the Pentium F00F erratum: 32-bit only


def kprobe_page_fault(regs: PtRegs, trap: int) -> bool:
    return False  # no kprobes are set in the lab


def spurious_kernel_fault(error_code: int, address: int) -> bool:
    """Only kernel-mode faults on kernel mappings can be spurious (a stale TLB entry)."""
    return False


@kernel_function
def __bad_area_nosemaphore(regs: PtRegs, error_code: int, address: int, pkey: int,
                           si_code: int) -> None:
    tsk = current  # C: struct task_struct *tsk = current;  # noqa: F841
    if not user_mode(regs):  # C: if (!user_mode(regs))
        not_modelled(  # C: kernelmode_fixup_or_oops(regs, error_code, address,
            "kernel-mode faults: the lab's accesses come from user mode")
        return  # C: return;
    if not error_code & X86_PF_USER:  # C: if (!(error_code & X86_PF_USER))
        not_modelled(  # C: page_fault_oops(regs, error_code, address);
            "kernel oops: the lab's accesses come from user mode")
        return  # C: return;
    not_modelled("interrupts: the lab models none")  # C: local_irq_enable();
    # Valid to do another page fault here because this one came from user space:
    if is_prefetch(regs, error_code, address):  # C: if (is_prefetch(regs, error_code, address))
        return  # C: return;
    if is_errata100(regs, address):  # C: if (is_errata100(regs, address))
        return  # C: return;
    not_modelled(  # C: sanitize_error_code(address, &error_code);
        "the error code shown to the signal handler: only for kernel addresses")
    if fixup_vdso_exception(regs, X86_TRAP_PF, error_code, address):  # C: if (
        return  # C: return;
    not_modelled(  # C: if (likely(show_unhandled_signals)) ... show_signal_msg(regs,
        "the kernel log's 'segfault at ...' line: not shown by the lab")
    not_modelled(  # C: set_signal_archinfo(address, error_code);
        "the signal frame's trap number and CR2: the lab records si_addr only")
    if si_code == SEGV_PKUERR:  # C: if (si_code == SEGV_PKUERR)
        not_modelled("protection keys: every lab VMA has key 0")  # C: force_sig_pkuerr(
    else:
        force_sig_fault(SIGSEGV, si_code, address)  # C: force_sig_fault(SIGSEGV, si_code,


def is_prefetch(regs: PtRegs, error_code: int, addr: int) -> bool:
    """A fault from a prefetch instruction is ignored; the lab's accesses are loads/stores."""
    return False


def is_errata93(regs: PtRegs, address: int) -> bool:
    return False  # an AMD K8 erratum of kernel-mode code


def is_errata100(regs: PtRegs, address: int) -> bool:
    return False  # an AMD erratum of 32-bit code


def fixup_vdso_exception(regs: PtRegs, trapnr: int, error_code: int, address: int) -> bool:
    return False  # only SGX enclave entry in the vDSO has a fixup


@kernel_function
def bad_area_nosemaphore(regs: PtRegs, error_code: int, address: int) -> None:
    __bad_area_nosemaphore(regs, error_code, address, 0,  # C: __bad_area_nosemaphore(regs,
                           SEGV_MAPERR)


@kernel_function
def __bad_area(regs: PtRegs, error_code: int, address: int, pkey: int, si_code: int) -> None:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;  # noqa: F841
    # Something tried to access memory that isn't in our memory map.
    not_modelled("locking: one thread, no contention")  # C: mmap_read_unlock(mm);
    __bad_area_nosemaphore(regs, error_code, address, pkey,  # C: __bad_area_nosemaphore(regs,
                           si_code)


@kernel_function
def bad_area_access_from_pkeys(error_code: int, vma: VmAreaStruct) -> bool:
    foreign = False  # C: bool foreign = false;
    if not cpu_feature_enabled("X86_FEATURE_OSPKE"):  # C: if (!cpu_feature_enabled(
        return False  # C: return false;
    if error_code & X86_PF_PK:  # C: if (error_code & X86_PF_PK)
        return True  # C: return true;
    if not arch_vma_access_permitted(  # C: if (!arch_vma_access_permitted(vma,
            vma, error_code & X86_PF_WRITE, error_code & X86_PF_INSTR, foreign):
        return True  # C: return true;
    return False  # C: return false;


@kernel_function
def bad_area_access_error(regs: PtRegs, error_code: int, address: int,
                          vma: VmAreaStruct) -> None:
    if bad_area_access_from_pkeys(error_code, vma):  # C: if (bad_area_access_from_pkeys(
        pkey = vma_pkey(vma)  # C: u32 pkey = vma_pkey(vma);
        __bad_area(regs, error_code, address, pkey, SEGV_PKUERR)  # C: __bad_area(regs,
    else:
        __bad_area(regs, error_code, address, 0, SEGV_ACCERR)  # C: __bad_area(regs, error_code,


@kernel_function
def do_sigbus(regs: PtRegs, error_code: int, address: int, fault: int) -> None:
    # Kernel mode? Handle exceptions or die:
    if not user_mode(regs):  # C: if (!user_mode(regs))
        not_modelled(  # C: kernelmode_fixup_or_oops(regs, error_code, address,
            "kernel-mode faults: the lab's accesses come from user mode")
        return  # C: return;
    # User-space => ok to do another page fault:
    if is_prefetch(regs, error_code, address):  # C: if (is_prefetch(regs, error_code, address))
        return  # C: return;
    not_modelled(  # C: sanitize_error_code(address, &error_code);
        "the error code shown to the signal handler: only for kernel addresses")
    if fixup_vdso_exception(regs, X86_TRAP_PF, error_code, address):  # C: if (
        return  # C: return;
    not_modelled(  # C: set_signal_archinfo(address, error_code);
        "the signal frame's trap number and CR2: the lab records si_addr only")
    force_sig_fault(SIGBUS, BUS_ADRERR, address)  # C: force_sig_fault(SIGBUS, BUS_ADRERR,


@kernel_function
def access_error(error_code: int, vma: VmAreaStruct) -> int:
    # This is only called for the current mm, so:
    foreign = False  # C: bool foreign = false;
    # Blocked by protection keys: never fixable by a fault.
    if error_code & X86_PF_PK:  # C: if (error_code & X86_PF_PK)
        return 1  # C: return 1;
    if error_code & X86_PF_SGX:  # C: if (unlikely(error_code & X86_PF_SGX))
        return 1  # C: return 1;
    # Check the VMA's key, so as not to fault pages in only to hit X86_PF_PK after.
    if not arch_vma_access_permitted(  # C: if (!arch_vma_access_permitted(vma,
            vma, error_code & X86_PF_WRITE, error_code & X86_PF_INSTR, foreign):
        return 1  # C: return 1;
    if error_code & X86_PF_WRITE:  # C: if (error_code & X86_PF_WRITE)
        # write, present and write, not present:
        if not vma.vm_flags & VM_WRITE:  # C: if (unlikely(!(vma->vm_flags & VM_WRITE)))
            return 1  # C: return 1;
        return 0  # C: return 0;
    # read, present: the entry was there, and reads are never refused by an entry that
    # is present, so something other than the VMA's rights is wrong
    if error_code & X86_PF_PROT:  # C: if (unlikely(error_code & X86_PF_PROT))
        return 1  # C: return 1;
    # read, not present:
    if not vma_is_accessible(vma):  # C: if (unlikely(!vma_is_accessible(vma)))
        return 1  # C: return 1;
    return 0  # C: return 0;


@kernel_function
def do_user_addr_fault(regs: PtRegs, error_code: int, address: int) -> None:
    flags = FAULT_FLAG_DEFAULT  # C: unsigned int flags = FAULT_FLAG_DEFAULT;
    tsk = current  # C: tsk = current;
    mm = tsk.mm  # C: mm = tsk->mm;

    # Kernel code executing from user memory: unrecoverable, don't even look for a VMA.
    if (error_code & (X86_PF_USER | X86_PF_INSTR)) == X86_PF_INSTR:  # C: if (unlikely((
        if is_errata93(regs, address):  # C: if (is_errata93(regs, address))
            return  # C: return;
        not_modelled(  # C: page_fault_oops(regs, error_code, address);
            "kernel oops: the lab's accesses come from user mode")
        return  # C: return;
    # kprobes don't want to hook the spurious faults:
    if kprobe_page_fault(regs, X86_TRAP_PF):  # C: if (WARN_ON_ONCE(kprobe_page_fault(regs,
        return  # C: return;
    # Reserved bits are never expected to be set in the user part of the page tables.
    if error_code & X86_PF_RSVD:  # C: if (unlikely(error_code & X86_PF_RSVD))
        not_modelled(  # C: pgtable_bad(regs, error_code, address);
            "a corrupt page table: the lab never sets reserved bits")
    not_modelled(  # C: if (unlikely(cpu_feature_enabled(X86_FEATURE_SMAP) && ... return;
        "SMAP: a kernel access to user memory; the lab's accesses come from user mode")
    # In an interrupt, with no user context or with page faults disabled: no fault.
    if faulthandler_disabled() or not mm:  # C: if (unlikely(faulthandler_disabled() || !mm))
        bad_area_nosemaphore(regs, error_code, address)  # C: bad_area_nosemaphore(regs,
        return  # C: return;
    # User-mode registers count as a user access even for any system fault.
    if user_mode(regs):  # C: if (user_mode(regs))
        not_modelled("interrupts: the lab models none")  # C: local_irq_enable();
        flags |= FAULT_FLAG_USER  # C: flags |= FAULT_FLAG_USER;
    else:
        if regs.flags & X86_EFLAGS_IF:  # C: if (regs->flags & X86_EFLAGS_IF)
            not_modelled("interrupts: the lab models none")  # C: local_irq_enable();
    not_modelled("perf events: profiling, no effect on memory")  # C: perf_sw_event(
    if error_code & X86_PF_WRITE:  # C: if (error_code & X86_PF_WRITE)
        flags |= FAULT_FLAG_WRITE  # C: flags |= FAULT_FLAG_WRITE;
    if error_code & X86_PF_INSTR:  # C: if (error_code & X86_PF_INSTR)
        flags |= FAULT_FLAG_INSTRUCTION  # C: flags |= FAULT_FLAG_INSTRUCTION;
    # The vsyscall page has no real VMA: emulate a call into it before looking for one.
    if is_vsyscall_vaddr(address):  # C: if (is_vsyscall_vaddr(address))
        if emulate_vsyscall(error_code, regs, address):  # C: if (emulate_vsyscall(error_code,
            return  # C: return;

    while True:  # C: retry:
        vma = lock_mm_and_find_vma(mm, address, regs)  # C: vma = lock_mm_and_find_vma(mm,
        if not vma:  # C: if (unlikely(!vma))
            bad_area_nosemaphore(regs, error_code, address)  # C: bad_area_nosemaphore(regs,
            return  # C: return;
        # A good VMA for this access: is the access allowed by it?
        if access_error(error_code, vma):  # C: if (unlikely(access_error(error_code, vma)))
            bad_area_access_error(regs, error_code, address, vma)  # C: bad_area_access_error(
            return  # C: return;
        fault = handle_mm_fault(vma, address, flags, regs)  # C: fault = handle_mm_fault(vma,
        if fault_signal_pending(fault, regs):  # C: if (fault_signal_pending(fault, regs))
            if not user_mode(regs):  # C: if (!user_mode(regs))
                not_modelled(  # C: kernelmode_fixup_or_oops(regs, error_code, address,
                    "kernel-mode faults: the lab's accesses come from user mode")
            return  # C: return;
        # The fault is fully completed (including releasing mmap lock)
        if fault & VM_FAULT_COMPLETED:  # C: if (fault & VM_FAULT_COMPLETED)
            return  # C: return;
        # The lock was dropped for I/O: look the VMA up again.
        if fault & VM_FAULT_RETRY:  # C: if (unlikely(fault & VM_FAULT_RETRY))
            flags |= FAULT_FLAG_TRIED  # C: flags |= FAULT_FLAG_TRIED;
            continue  # C: goto retry;
        break

    not_modelled("locking: one thread, no contention")  # C: mmap_read_unlock(mm);
    if not fault & VM_FAULT_ERROR:  # C: if (likely(!(fault & VM_FAULT_ERROR)))
        return  # C: return;
    if fatal_signal_pending(current) and not user_mode(regs):  # C: if (fatal_signal_pending(
        not_modelled(  # C: kernelmode_fixup_or_oops(regs, error_code, address,
            "kernel-mode faults: the lab's accesses come from user mode")
        return  # C: return;
    if fault & VM_FAULT_OOM:  # C: if (fault & VM_FAULT_OOM)
        # Kernel mode? Handle exceptions or die:
        if not user_mode(regs):  # C: if (!user_mode(regs))
            not_modelled(  # C: kernelmode_fixup_or_oops(regs, error_code, address,
                "kernel-mode faults: the lab's accesses come from user mode")
            return  # C: return;
        # Out of memory: the OOM killer, then back to user space to retry or die.
        pagefault_out_of_memory()  # C: pagefault_out_of_memory();
    else:
        if fault & (VM_FAULT_SIGBUS | VM_FAULT_HWPOISON  # C: if (fault & (VM_FAULT_SIGBUS|
                    | VM_FAULT_HWPOISON_LARGE):
            do_sigbus(regs, error_code, address, fault)  # C: do_sigbus(regs, error_code,
        elif fault & VM_FAULT_SIGSEGV:  # C: if (fault & VM_FAULT_SIGSEGV)
            bad_area_nosemaphore(regs, error_code, address)  # C: bad_area_nosemaphore(regs,
        else:
            BUG()  # C: BUG();
