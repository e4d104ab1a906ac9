# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/mlock.c: who may lock memory at all."""

from __future__ import annotations

from lab.kernel.include.uapi.capability import CAP_IPC_LOCK
from lab.kernel.include.uapi.resource import RLIMIT_MEMLOCK
from lab.kernel.machine import capable, rlimit
from lab.kernel.twin import kernel_function


@kernel_function
def can_do_mlock() -> bool:
    if rlimit(RLIMIT_MEMLOCK) != 0:  # C: if (rlimit(RLIMIT_MEMLOCK) != 0)
        return True  # C: return true;
    if capable(CAP_IPC_LOCK):  # C: if (capable(CAP_IPC_LOCK))
        return True  # C: return true;
    return False  # C: return false;
