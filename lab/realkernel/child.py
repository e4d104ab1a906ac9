# SPDX-License-Identifier: GPL-2.0-only
"""Run one scenario for real, in a fresh process, and record what the kernel did.

This runs in a child forked for the one scenario (see `zygote`). It makes the process look
like the default world where it matters (no capabilities, stock limits, a clean region of
the address space below the libraries) and then executes the statements with raw system
calls, taking a snapshot of maps, smaps and pagemap after each one.
"""

from __future__ import annotations

import ctypes
import os
import signal
from dataclasses import dataclass, field

from lab.realkernel import syscalls
from lab.realkernel.procfs import ProcSelf
from lab.realkernel.workspace import Workspace
from lab.realkernel.world import MMAP_AREA, GiB, SimWorld

PAGE = 4096
TASK_SIZE = (1 << 47) - PAGE
ULONG_MAX = (1 << 64) - 1
RLIM_INFINITY = ULONG_MAX
RLIMIT_DATA, RLIMIT_AS = 2, 9
MAP_SHARED, MAP_FIXED, MAP_ANONYMOUS = 0x01, 0x10, 0x20
MAP_LOCKED, MAP_POPULATE, MAP_NONBLOCK, MAP_HUGETLB = 0x2000, 0x8000, 0x10000, 0x40000
MAP_FIXED_NOREPLACE = 0x100000
PROT_WRITE = 0x2
CAP_IPC_LOCK, CAP_SYS_ADMIN = 14, 21
CAP_NAMES = {14: "CAP_IPC_LOCK", 17: "CAP_SYS_RAWIO", 21: "CAP_SYS_ADMIN",
             24: "CAP_SYS_RESOURCE"}
INTERNAL_FD_BASE = 1000  # the runner's own descriptors live at 1000 and up
FAULT_BUDGET = 1 << 30  # memory a scenario may make this machine fault in for real
SYSCTLS = ("max_map_count", "overcommit_memory", "overcommit_ratio", "nr_hugepages",
           "mmap_min_addr", "overcommit_kbytes", "admin_reserve_kbytes",
           "user_reserve_kbytes")


class Stop(Exception):
    """The scenario cannot go on: it is skipped (reason) or in error (message)."""

    def __init__(self, reason: str, error: bool = False) -> None:
        super().__init__(reason)
        self.error = error


@dataclass
class Commit:
    """The state behind vm.overcommit_memory=2's limit, to stand in for the default world."""

    mode: int = 0
    ratio: int = 50
    huge_pages: int = 0


@dataclass
class RealRun:
    world: SimWorld
    workdir: str
    privileged: bool
    proc: ProcSelf = None
    ws: Workspace = None
    variables: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    zones: list = field(default_factory=list)  # address ranges a scenario must not touch
    permitted: int = 0
    effective: int = 0
    sysctl_fds: dict = field(default_factory=dict)
    offsets: dict = field(default_factory=dict)
    commit: Commit = field(default_factory=Commit)
    faulted: int = 0
    internal: set = field(default_factory=set)
    result_fd: int = -1

    # -- setting up -----------------------------------------------------------------------
    def setup(self) -> list[dict]:
        """Make the process the default world's stand-in; the initial maps rows."""
        _, self.permitted = syscalls.capget()
        if self.privileged:
            if syscalls.unshare(syscalls.CLONE_NEWNS) < 0 or syscalls.mount(
                    None, "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE) < 0:
                self.privileged = False
        self.ws = Workspace(self.workdir, self.privileged)
        os.makedirs(self.workdir, exist_ok=True)
        self.proc = ProcSelf()
        if self.privileged:
            for name in SYSCTLS:
                try:
                    self.sysctl_fds[name] = os.open(f"/proc/sys/vm/{name}",
                                                    os.O_RDWR | os.O_CLOEXEC)
                except OSError:
                    pass
        self.pipe_r, self.pipe_w = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
        self.memfd = os.memfd_create("mmaplab-runner", os.MFD_CLOEXEC)
        self._tidy_descriptors()
        syscalls.personality(0)  # the model's personality; ASLR stays off from the exec
        self._set_stock_limits()
        top = self._reserve_libraries_region()
        rows = self.proc.maps()
        self.owner = [(s, e) for s, e, *_ in rows]
        self._measure_offsets(rows, top)
        self.zones = _merge(self.owner + list(self.world.ranges) + self._growth_zones(rows))
        self.set_caps(0)
        return self.proc.rows(self.owner)

    def _tidy_descriptors(self) -> None:
        """Move the runner's descriptors to 1000+, close the rest; 0-2 become O_PATH.

        So a scenario's first open() gets fd 3 as in the model, and fds 0-2, like every fd
        the model has not opened, give EBADF to mmap (fget() refuses O_PATH files).
        """
        keep = {self.result_fd, self.pipe_r, self.pipe_w, self.memfd, *self.proc.fds(),
                *self.sysctl_fds.values()}
        moved = {}
        for n, fd in enumerate(sorted(keep)):
            moved[fd] = os.dup2(fd, INTERNAL_FD_BASE + n, inheritable=False)
        for fd in os.listdir("/proc/self/fd"):
            fd = int(fd)
            if fd not in moved.values():
                try:
                    os.close(fd)
                except OSError:
                    pass
        for _ in range(3):  # 0, 1 and 2 are free now: open() takes the lowest
            os.open("/", os.O_PATH)
        p = self.proc
        p.maps_fd, p.smaps_fd, p.pagemap_fd, p.status_fd, p.meminfo_fd = (
            moved[fd] for fd in (p.maps_fd, p.smaps_fd, p.pagemap_fd, p.status_fd,
                                 p.meminfo_fd))
        self.sysctl_fds = {k: moved[v] for k, v in self.sysctl_fds.items()}
        self.result_fd, self.pipe_r, self.pipe_w, self.memfd = (
            moved[fd] for fd in (self.result_fd, self.pipe_r, self.pipe_w, self.memfd))
        self.internal = set(moved.values())

    def _set_stock_limits(self) -> None:
        for res, (soft, hard) in self.world.rlimits.items():
            if syscalls.setrlimit(res, soft, hard) < 0:
                cur = _getrlimit(res)
                syscalls.setrlimit(res, min(soft, cur[1]), cur[1])
                self.notes.append(f"rlimit {res}: this machine's hard limit {cur[1]} is "
                                  f"below the default world's {hard}")

    def _reserve_libraries_region(self) -> int:
        """Fill the holes among the runner's libraries and wall them off below.

        Hint-less mappings then start just below a file mapping whose address matches the
        model's first library (libc) modulo 1 GiB, so alignment to 2 MiB or 1 GiB falls the
        same way on both machines.
        """
        rows = self.proc.maps()
        area = sorted((s, e) for s, e, _, _, path in rows
                      if MMAP_AREA <= s < self.world.mmap_base and path != "[stack]")
        lowest = area[0][0]
        top = lowest - (lowest - self.world.top) % GiB
        if top == lowest:
            top -= GiB
        fills = [(top, lowest)]
        for (_, end), (start, _) in zip(area, area[1:]):
            if end < start:
                fills.append((end, start))
        for start, end in fills:
            ret = syscalls.mmap(start, end - start, 0, MAP_SHARED | MAP_FIXED_NOREPLACE,
                                self.memfd, 0)
            if ret != start:
                raise Stop(f"could not reserve the runner's region at {start:#x}: {ret}")
        return top

    def _measure_offsets(self, rows, top: int) -> None:
        """How much bigger this process is than the default world's, for the limits."""
        status = self.proc.status_kb("VmSize", "VmData")
        map_count = sum(1 for r in rows if r[4] != "[vsyscall]")
        self.offsets = {"top": top, "sim_top": self.world.top,
                        "map_count": map_count - self.world.map_count,
                        "total_vm": status["VmSize"] - self.world.total_vm,
                        "data_vm": status["VmData"] - self.world.data_vm,
                        "committed": self.proc.committed_as() // PAGE
                        - self.world.committed_pages,
                        "total_vm_real": status["VmSize"]}

    def _growth_zones(self, rows) -> list[tuple[int, int]]:
        out = []
        for start, end, _, _, path in rows:
            if path == "[heap]":
                out.append((start, end + (256 << 20)))
            elif path == "[stack]":  # its guard gap, and room to grow a little
                out.append((start - (1 << 20) - (256 << 10), end))
        return out

    # -- capabilities -------------------------------------------------------------------
    def set_caps(self, mask: int) -> None:
        if syscalls.capset(mask, self.permitted) < 0:
            raise Stop("capset failed")
        self.effective = mask

    def admin(self):
        """A context in which the runner acts as the machine's administrator."""
        run = self

        class _Admin:
            def __enter__(self):
                syscalls.capset(run.permitted, run.permitted)

            def __exit__(self, *exc):
                syscalls.capset(run.effective, run.permitted)

        return _Admin()

    # -- snapshots ----------------------------------------------------------------------
    def rows(self) -> list[dict]:
        names = self.ws.path_names()
        rows = self.proc.rows(self.owner)
        for row in rows:
            path = row["path"]
            base, deleted = (path[:-10], " (deleted)") if path.endswith(" (deleted)") \
                else (path, "")
            if base in names:
                row["path"] = names[base] + deleted
        return rows

    # -- checks before a call -----------------------------------------------------------
    def check_range(self, line: int, start: int, length: int, what: str) -> None:
        end = start + length
        if length == 0 or end > TASK_SIZE or start >= TASK_SIZE:
            return  # the kernel refuses or ignores such a range the same way on both
        for a, b in self.zones:
            if start < b and a < end:
                raise Stop(f"line {line}: {what} [{start:#x}, {end:#x}) touches memory that "
                           "differs between the model and this real process (the default "
                           "world's program and libraries, or the runner's own)")

    def check_fd(self, line: int, fd: int) -> None:
        if fd & 0xFFFFFFFF in self.internal:
            raise Stop(f"line {line}: fd {fd} is one of the runner's own descriptors")

    def check_budget(self, line: int, length: int, prot: int, flags: int, fd: int,
                     offset: int) -> None:
        populates = flags & (MAP_POPULATE | MAP_NONBLOCK) == MAP_POPULATE or flags & MAP_LOCKED
        if not populates or prot == 0 or flags & MAP_HUGETLB:
            return
        if flags & MAP_LOCKED and not flags & MAP_POPULATE and \
                not self.effective & (1 << CAP_IPC_LOCK) and length > _getrlimit(8)[0]:
            return  # refused with EAGAIN before anything is faulted
        cost = length
        if not flags & MAP_ANONYMOUS:
            size = _fd_size(fd)
            cost = 0 if size is None else min(length, max(size - offset, 0))
        elif not prot & PROT_WRITE and not flags & MAP_SHARED:
            cost = length // 512  # the zero page: only page tables are allocated
        if self.faulted + cost > FAULT_BUDGET:
            raise Stop(f"line {line}: this would make the real machine fault in "
                       f"{cost >> 20} MiB; the runner stops at {FAULT_BUDGET >> 20} MiB")
        self.faulted += cost


def _merge(ranges):
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _getrlimit(res: int) -> tuple[int, int]:
    import resource

    soft, hard = resource.getrlimit(res)
    return (ULONG_MAX if soft < 0 else soft, ULONG_MAX if hard < 0 else hard)


def _fd_size(fd: int) -> int | None:
    try:
        return os.fstat(fd).st_size
    except OSError:
        return None


def u64(line: int, value: int) -> int:
    if not -(1 << 63) <= value <= ULONG_MAX:
        raise Stop(f"line {line}: {value} does not fit in a 64-bit register", error=True)
    return value & ULONG_MAX


def probe_signal(addr: int, value: int | None) -> str:
    """Which signal a CPU access at addr raises: try it in a throwaway grandchild."""
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGSEGV, signal.SIG_DFL)
        signal.signal(signal.SIGBUS, signal.SIG_DFL)
        cell = ctypes.c_ubyte.from_address(addr)
        if value is None:
            _ = cell.value
        else:
            cell.value = value
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return signal.Signals(os.WTERMSIG(status)).name
    return "SIGSEGV"  # the kernel refused the copy; a user access it would refuse too
