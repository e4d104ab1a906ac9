# SPDX-License-Identifier: GPL-2.0-only
"""kernel/signal.c, the part the fault path reaches: forcing a signal on the current task.

force_sig_fault() queues SIGSEGV or SIGBUS with its si_code and address, unblocked and with
the default action if the task ignores it, so it is delivered on the way back to user mode.
The lab's process installs no handlers: the default action ends it (with a core dump), which
the runner records as the event's signal and the end of the scenario.
"""

from __future__ import annotations

from lab.kernel.include.uapi.signal import SI_KERNEL, SIGKILL
from lab.kernel.machine import Siginfo, current


def force_sig_fault(sig: int, code: int, addr: int) -> int:
    """Force signal `sig` (si_code `code`, si_addr `addr`) on the current task."""
    if current.pending_signal is None:  # a second fatal signal changes nothing
        current.pending_signal = Siginfo(sig, code, addr)
    return 0


def force_sig(sig: int) -> None:
    """A signal from the kernel with no fault address (the OOM killer's SIGKILL)."""
    force_sig_fault(sig, SI_KERNEL, 0)


def send_sig(sig: int, task, priv: int) -> int:
    """A signal to a task (SIGXFSZ from a write past RLIMIT_FSIZE): kernel-sent, fatal here."""
    if task.pending_signal is None:
        task.pending_signal = Siginfo(sig, SI_KERNEL, 0)
    return 0


def fatal_signal_pending(task) -> bool:
    return task.pending_signal is not None and task.pending_signal.si_signo == SIGKILL
