# SPDX-License-Identifier: GPL-2.0-only
"""The simulated machine: the kernel's globals, its one process (`current`), and its memory.

The twin reads kernel globals as `kernel.sysctl_max_map_count` and the running task as
`current.mm`, the way the C reads `sysctl_max_map_count` and `current->mm`. Both are proxies
for the machine that is running now (see `running`), so many machines can exist side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from lab.kernel.file import File, Inode
from lab.kernel.mm_struct import MmStruct
from lab.kernel.physmem import PhysMem

CONFIG_LSM_MMAP_MIN_ADDR = 65536  # Debian's kernel config: the floor no sysctl lowers


@dataclass
class Cred:
    uid: int = 1000
    caps: set[int] = field(default_factory=set)  # the effective capability set


@dataclass(frozen=True)
class Siginfo:
    """What a fatal signal tells (struct kernel_siginfo): number, code, faulting address."""

    si_signo: int
    si_code: int
    si_addr: int = 0


@dataclass
class Task:
    pid: int
    comm: str
    mm: MmStruct
    cred: Cred = field(default_factory=Cred)
    rlimits: dict[int, list[int]] = field(default_factory=dict)  # resource → [cur, max]
    personality: int = 0
    files: dict[int, File] = field(default_factory=dict)  # the fd table
    # A signal the kernel forced on the task (force_sig_fault()): delivered on the way back
    # to user mode, where its default action ends the process.
    pending_signal: Siginfo | None = None

    def rlimit(self, resource: int) -> int:
        return self.rlimits[resource][0]


@dataclass
class Hstate:
    """A huge page size and its pool (struct hstate, mm/hugetlb.c)."""

    order: int
    nr_huge_pages: int = 0
    free_huge_pages: int = 0
    resv_huge_pages: int = 0

    @property
    def size(self) -> int:
        return 4096 << self.order

    @property
    def name(self) -> str:
        kb = self.size // 1024
        return f"hugepages-{kb}kB"


@dataclass
class Machine:
    task: Task
    physmem: PhysMem
    totalram_pages: int
    total_swap_pages: int = 0
    hstates: list[Hstate] = field(default_factory=list)
    # sysctls (kernel/sysctl.c, mm/util.c, security/min_addr.c)
    sysctl_max_map_count: int = 65530
    sysctl_overcommit_memory: int = 0
    sysctl_overcommit_ratio: int = 50
    sysctl_overcommit_kbytes: int = 0
    sysctl_user_reserve_kbytes: int = 131072
    sysctl_admin_reserve_kbytes: int = 8192
    dac_mmap_min_addr: int = 4096
    vm_committed_as: int = 0  # pages committed (mm/util.c), the overcommit accounting
    inodes: dict[str, Inode] = field(default_factory=dict)  # path → inode: the file system
    # The flusher's setting: write every dirty file page back to disk after each statement,
    # as if dirty_expire_centisecs had run out each time (off: only writeback() and msync()).
    writeback_after_each_statement: bool = False
    next_ino: int = 100
    next_anon_vma: int = 1

    @property
    def mmap_min_addr(self) -> int:
        # security/min_addr.c: update_mmap_min_addr()
        return max(self.dac_mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR)

    @property
    def default_hstate(self) -> Hstate:
        return self.hstates[0]

    def hstate_for_size(self, size: int) -> Hstate | None:
        return next((h for h in self.hstates if h.size == size), None)


_RUNNING: ContextVar[Machine] = ContextVar("mmaplab_machine")


@contextmanager
def running(machine: Machine) -> Iterator[Machine]:
    """Make `machine` the one `current` and `kernel` refer to."""
    token = _RUNNING.set(machine)
    try:
        yield machine
    finally:
        _RUNNING.reset(token)


def this_machine() -> Machine:
    try:
        return _RUNNING.get()
    except LookupError:
        raise RuntimeError("no simulated machine is running (use lab.kernel.machine.running)") \
            from None


class _Proxy:
    __slots__ = ("_pick",)

    def __init__(self, pick):
        object.__setattr__(self, "_pick", pick)

    def __getattr__(self, name: str):
        return getattr(self._pick(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._pick(), name, value)


#: The running task, as the kernel's `current`.
current: Task = _Proxy(lambda: this_machine().task)  # type: ignore[assignment]
#: The running kernel's globals: kernel.sysctl_max_map_count, kernel.vm_committed_as, ...
kernel: Machine = _Proxy(this_machine)  # type: ignore[assignment]


def capable(cap: int) -> bool:
    """include/linux/capability.h: does the current task hold `cap`?"""
    return cap in current.cred.caps


def rlimit(resource: int) -> int:
    """include/linux/sched/signal.h: the current task's soft limit."""
    return current.rlimit(resource)
