# SPDX-License-Identifier: GPL-2.0-only
"""mm/oom_kill.c, as the lab's one-process machine needs it: memory runs out, a process dies.

When the page allocator cannot find a frame for a user page even after reclaim (the lab has
nothing to reclaim: no swap, and its page cache is what processes map), it calls
out_of_memory(). select_bad_process() picks the task with the highest oom_badness() (its
RSS, swap entries and page tables); on the lab's machine that is always the one process.
oom_kill_process() sends it SIGKILL, and the OOM reaper unmaps its private memory so the
frames come back even before the victim has exited (__oom_reap_task_mm()).

Not stepped: kernel_src has no excerpt of this file; the learner sees the fault or the
populate fail (VM_FAULT_OOM, -ENOMEM) and the SIGKILL it ended with.
"""

from __future__ import annotations

from lab.kernel.include.linux.mm import VM_HUGETLB, VM_PFNMAP, VM_SHARED
from lab.kernel.include.uapi.signal import SIGKILL
from lab.kernel.kernel.signal import fatal_signal_pending, force_sig
from lab.kernel.machine import current
from lab.kernel.mm_struct import MmStruct


def out_of_memory() -> bool:
    """Kill the victim (the current process) and reap its memory; True: memory was freed."""
    if fatal_signal_pending(current):
        return True  # already a victim: it is on its way out (task_will_free_mem())
    force_sig(SIGKILL)  # oom_kill_process(): do_send_sig_info(SIGKILL, SEND_SIG_PRIV, ...)
    __oom_reap_task_mm(current.mm)
    return True


def __oom_reap_task_mm(mm: MmStruct) -> None:
    """Unmap the pages of every private or anonymous VMA; hugetlb and PFN maps stay."""
    from lab.kernel.mm.memory import unmap_single_vma, vma_is_anonymous  # it calls us

    for vma in mm.vmas:
        if vma.vm_flags & (VM_HUGETLB | VM_PFNMAP):
            continue
        # Only anonymous pages can go without steps an OOM kernel cannot afford.
        if vma_is_anonymous(vma) or not vma.vm_flags & VM_SHARED:
            unmap_single_vma(mm, vma, vma.vm_start, vma.vm_end)
