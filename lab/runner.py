# SPDX-License-Identifier: GPL-2.0-only
"""Run a parsed scenario on a simulated machine, one statement at a time.

Each statement becomes a system call (or a setting of the machine) made through the twin,
exactly as a process would make it: `mmap` takes the raw syscall's arguments as unsigned
64-bit values, with no C library in front. The result of each statement is an `Event`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from lab.kernel.file import (
    FMODE_READ,
    FMODE_WRITE,
    MAX_LFS_FILESIZE,
    MNT_NOEXEC,
    S_APPEND,
    S_SWAPFILE,
    File,
    Inode,
    SuperBlock,
)
from lab.kernel.include.uapi import capability, errno, fcntl, mman, personality, resource
from lab.kernel.include.uapi.errno import errno_name
from lab.kernel.machine import Machine, capable, running
from lab.kernel.twin import ULONG_MAX
from lab.scenario import Call, Load, Scenario, ScenarioError, Statement, Store, evaluate

PATH_MAX, NAME_MAX = 4096, 255  # include/uapi/linux/limits.h
NOT_YET: dict[str, str] = {}  # statements the language has but the model does not run yet
HUGE_PAGE_SIZE = 2 << 20


def _int_constants(*modules: ModuleType) -> dict[str, int]:
    return {name: value for m in modules for name, value in vars(m).items()
            if name.isupper() and isinstance(value, int) and not name.startswith("_")}


@cache
def scenario_constants() -> dict[str, int]:
    """Every name a scenario may use: PROT_*, MAP_*, O_*, RLIMIT_*, CAP_*, personalities."""
    names = _int_constants(mman, fcntl, resource, capability, personality, errno)
    names["NULL"] = 0
    return names


@dataclass(slots=True)
class Event:
    """What one statement did, in the terms of design section 5."""

    line: int
    stmt: str
    ret: int | None = None
    errno: str | None = None
    signal: str | None = None
    value: int | None = None
    si_code: str | None = None  # with a signal: SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, ...
    si_addr: int | None = None  # with a signal from a fault: the faulting address


@dataclass
class Run:
    """A machine plus the scenario's variables: executes statements in order."""

    machine: Machine
    variables: dict[str, int] = field(default_factory=dict)
    ended_by_signal: bool = False
    # The constants and the variables in one dict, kept as variables are bound (bind()): a
    # scenario of 65,530 mmaps binds as many, and every name an argument reads is a lookup.
    _env: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._env = {**scenario_constants(), **self.variables}

    def env(self) -> Mapping[str, int]:
        return self._env

    def bind(self, name: str, value: int) -> None:
        self.variables[name] = value
        self._env[name] = value

    def value(self, expr, stmt: Statement) -> int:
        return evaluate(expr, self.env())

    def execute(self, stmt: Statement) -> Event:
        event = Event(stmt.line, stmt.text)
        if isinstance(stmt, (Store, Load)):
            with running(self.machine):
                self._access(stmt, event)
                self._after_statement()
            return event
        assert isinstance(stmt, Call)
        if stmt.func in NOT_YET:
            raise _not_yet(stmt, NOT_YET[stmt.func])
        handler = getattr(self, "_do_" + stmt.func)
        env = self.env()
        args = [evaluate(a, env) for a in stmt.args]
        kwargs = {k: evaluate(v, env) for k, v in stmt.kwargs}
        with running(self.machine):
            ret = handler(stmt, *args, **kwargs)
            self._signal(event)
            self._after_statement()
        event.ret = ret
        if isinstance(ret, int) and ret < 0 and -ret in errno.ERRNO_NAMES:
            event.errno = errno_name(-ret)
        if stmt.target is not None and ret is not None:
            self.bind(stmt.target, ret)
        return event

    # -- memory accesses -----------------------------------------------------------------
    def _access(self, stmt: Store | Load, event: Event) -> None:
        """p[i] = v writes one byte, x = p[i] reads one: the CPU's access (lab.kernel.cpu)."""
        from lab.kernel.cpu import user_access

        pointer, index = self.value(stmt.pointer, stmt), self.value(stmt.index, stmt)
        for v in (pointer, index):
            _u64(stmt, v)
        addr = (pointer + index) & ULONG_MAX  # char *p; p[i] is *(p + i)
        if isinstance(stmt, Store):
            done = user_access(addr, True, self.value(stmt.value, stmt) & 0xFF)
        else:
            done = user_access(addr, False)
            if done.signal is None:
                event.value = done.value
                self.bind(stmt.target, done.value)
        self._signal(event)

    def _signal(self, event: Event) -> None:
        """A fatal signal the kernel forced on the process ends it (and the scenario)."""
        from lab.kernel.include.uapi.signal import SIGNAL_NAMES, si_code_name

        info = self.machine.task.pending_signal
        if info is None or event.signal is not None:
            return
        event.signal = SIGNAL_NAMES.get(info.si_signo, str(info.si_signo))
        event.si_code = si_code_name(info.si_signo, info.si_code)
        event.si_addr = info.si_addr
        self.ended_by_signal = True

    def _after_statement(self) -> None:
        if self.machine.writeback_after_each_statement:
            from lab.kernel.mm.page_writeback import wakeup_flusher_threads

            wakeup_flusher_threads()

    # -- the statements ------------------------------------------------------------------
    def _do_mmap(self, stmt: Call, addr, length, prot, flags, fd, offset) -> int:
        from lab.kernel.arch.x86.kernel.sys_x86_64 import sys_mmap

        args = [_u64(stmt, v) for v in (addr, length, prot, flags, fd, offset)]
        ret = sys_mmap(*args)
        return ret - (1 << 64) if ret > ULONG_MAX - 4095 else ret  # the -errno range, signed

    def _do_open(self, stmt: Call, path: str, flags: int, size: int | None = None,
                 noexec: bool = False, fs: str = "ext4", append_only: bool = False,
                 swapfile: bool = False) -> int:
        m = self.machine
        path = path.split("\0", 1)[0]  # a C string ends at its first NUL
        if not path:
            return -errno.ENOENT  # getname() of ""
        if len(path.encode()) >= PATH_MAX or any(len(c.encode()) > NAME_MAX
                                                 for c in path.split("/")):
            return -errno.ENAMETOOLONG
        inode = m.inodes.get(path)
        if inode is None:
            inode = self._create(stmt, path, size, noexec, fs)
        elif size is not None and size != inode.i_size:
            raise ScenarioError(f"{path!r} already exists with size {inode.i_size}",
                                stmt.line, stmt.column)
        if append_only:  # chattr +a after the open: the fd keeps its write access
            inode.i_flags |= S_APPEND
        if swapfile:
            inode.i_flags |= S_SWAPFILE
        # Access mode 3 opens for ioctl only: neither FMODE_READ nor FMODE_WRITE (fs/open.c)
        f_mode = {fcntl.O_RDONLY: FMODE_READ, fcntl.O_WRONLY: FMODE_WRITE,
                  fcntl.O_RDWR: FMODE_READ | FMODE_WRITE,
                  fcntl.O_ACCMODE: 0}[flags & fcntl.O_ACCMODE]
        files = m.task.files
        fd = next(i for i in range(3, 1 << 20) if i not in files)
        # force_o_largefile(): a 64-bit open() always adds O_LARGEFILE
        files[fd] = File(path, inode, f_mode, flags | fcntl.O_LARGEFILE)
        return fd

    def _create(self, stmt: Call, path: str, size: int | None, noexec: bool, fs: str) -> Inode:
        from lab.kernel.drivers.char.mem import null_fops, zero_fops
        from lab.kernel.fs.hugetlbfs.inode import hugetlbfs_file_operations
        from lab.kernel.mm.filemap import ext4_file_operations
        from lab.kernel.mm.shmem import shmem_file_operations

        m = self.machine
        if path in ("/dev/zero", "/dev/null"):
            sb, f_op = SuperBlock("devtmpfs"), zero_fops if path == "/dev/zero" else null_fops
            size = 0
        elif size is None:
            raise ScenarioError(f"open: {path!r} does not exist; say how big it is, e.g. "
                                "size=8192", stmt.line, stmt.column)
        elif not 0 <= size <= MAX_LFS_FILESIZE:
            where = next((e for k, e in stmt.kwargs if k == "size"), stmt)
            raise ScenarioError(f"open: size={size} is not a file size (0 to {MAX_LFS_FILESIZE}"
                                ", MAX_LFS_FILESIZE)", stmt.line, where.column)
        else:
            f_op = {"ext4": ext4_file_operations, "tmpfs": shmem_file_operations,
                    "hugetlbfs": hugetlbfs_file_operations}[fs]
            sb = SuperBlock(fs, MNT_NOEXEC if noexec else 0,
                            HUGE_PAGE_SIZE if fs == "hugetlbfs" else 0)
        inode = Inode(m.next_ino, sb, i_size=size, f_op=f_op)
        m.next_ino += 1
        m.inodes[path] = inode
        return inode

    def _do_close(self, stmt: Call, fd: int) -> int:
        # The mapping holds its own reference to the file: closing the fd leaves it mapped.
        from lab.kernel.mm.mmap import fput

        file = self.machine.task.files.pop(fd & 0xFFFFFFFF, None)
        if file is None:
            return -errno.EBADF
        fput(file)
        return 0

    def _do_munmap(self, stmt: Call, addr, length) -> int:
        from lab.kernel.mm.mmap import sys_munmap

        return _signed(sys_munmap(_u64(stmt, addr), _u64(stmt, length)))

    def _do_mprotect(self, stmt: Call, addr, length, prot) -> int:
        from lab.kernel.mm.mprotect import sys_mprotect

        return _signed(sys_mprotect(_u64(stmt, addr), _u64(stmt, length), prot & 0xFFFFFFFF))

    def _do_ftruncate(self, stmt: Call, fd, length) -> int:
        from lab.kernel.fs.open import sys_ftruncate

        # off_t length: a signed 64-bit value, as the kernel sees the register
        value = _u64(stmt, length)
        return _signed(sys_ftruncate(fd & 0xFFFFFFFF, value - (1 << 64) if value >> 63 else value))

    def _do_msync(self, stmt: Call, addr, length, flags) -> int:
        from lab.kernel.mm.msync import sys_msync

        return _signed(sys_msync(_u64(stmt, addr), _u64(stmt, length), _int(flags)))

    def _do_writeback(self, stmt: Call) -> int:
        """The kernel's flusher threads run now: every dirty file page goes to the disk."""
        from lab.kernel.mm.page_writeback import wakeup_flusher_threads

        return wakeup_flusher_threads()

    def _do_setrlimit(self, stmt: Call, res: int, value: int) -> int:
        limits = self.machine.task.rlimits
        if res not in limits:
            return -errno.EINVAL
        value = _u64(stmt, value)
        # setrlimit(res, {value, value}): raising the hard limit needs CAP_SYS_RESOURCE
        if value > limits[res][1] and not capable(capability.CAP_SYS_RESOURCE):
            return -errno.EPERM
        limits[res] = [value, value]
        return 0

    def _do_capset(self, stmt: Call, *caps: int) -> int:
        self.machine.task.cred.caps = set(caps)
        return 0

    def _do_personality(self, stmt: Call, persona: int) -> int:
        old = self.machine.task.personality
        persona &= 0xFFFFFFFF  # unsigned int persona: -1 is 0xffffffff
        if persona != 0xFFFFFFFF:  # personality(0xffffffff) only asks
            self.machine.task.personality = persona
        return old

    def _do_sysctl(self, stmt: Call, name: str, value: int) -> int:
        m = self.machine
        if not _SYSCTL_RANGE[name][0] <= value <= _SYSCTL_RANGE[name][1]:
            return -errno.EINVAL  # what writing it to /proc/sys/vm gives
        if name == "vm.nr_hugepages":
            h = m.default_hstate
            in_use = h.nr_huge_pages - h.free_huge_pages
            # set_max_huge_pages() allocates until memory runs out: no more than fits
            fits = in_use + m.physmem.free_pages // (h.size >> 12)
            h.nr_huge_pages = max(min(value, fits), in_use)
            h.free_huge_pages = h.nr_huge_pages - in_use
            return 0
        attr = {"vm.max_map_count": "sysctl_max_map_count",
                "vm.overcommit_memory": "sysctl_overcommit_memory",
                "vm.overcommit_ratio": "sysctl_overcommit_ratio",
                "vm.mmap_min_addr": "dac_mmap_min_addr"}[name]
        setattr(m, attr, value)
        return 0


_INT_MAX = (1 << 31) - 1
#: What each sysctl's handler accepts (kernel/sysctl.c, mm/hugetlb.c, security/min_addr.c):
#: proc_dointvec_minmax with extra1 0 (and extra2 2), proc_dointvec, proc_doulongvec_minmax.
_SYSCTL_RANGE = {
    "vm.max_map_count": (0, _INT_MAX),
    "vm.overcommit_memory": (0, 2),
    "vm.overcommit_ratio": (-_INT_MAX - 1, _INT_MAX),
    "vm.nr_hugepages": (0, ULONG_MAX),
    "vm.mmap_min_addr": (0, ULONG_MAX),
}


def _u64(stmt: Statement, value: int) -> int:
    if not -(1 << 63) <= value <= ULONG_MAX:
        raise ScenarioError(f"{value} does not fit in a 64-bit register", stmt.line,
                            stmt.column)
    return value & ULONG_MAX


def _signed(ret: int) -> int:
    """A syscall's return as the signed long user space sees: -errno for failures."""
    ret &= ULONG_MAX
    return ret - (1 << 64) if ret > ULONG_MAX - 4095 else ret


def _int(value: int) -> int:
    """An `int` argument: the low 32 bits of the register, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


def _not_yet(stmt: Statement, what: str) -> ScenarioError:
    return ScenarioError(f"{what} is not modelled yet", stmt.line, stmt.column)


def simulate(scenario: Scenario, machine: Machine | None = None):
    """Run every statement on a fresh default machine; the Report of what each did.

    A statement the simulator cannot run raises ScenarioError, located in the scenario.
    A memory access that kills the process ends the run, as it would end the process.
    """
    from lab.kernel.default_world import default_machine
    from lab.report import Report
    from lab.world.maps import MapsTracker

    run = Run(machine or default_machine())
    # Each event's maps is kept as what its statement changed (lab/world/maps.py): memory
    # grows with the changes, not with statements x VMAs.
    maps = MapsTracker(run.machine)
    report = Report(maps.initial)
    try:
        for stmt in scenario:
            try:
                event = run.execute(stmt)
            except ScenarioError as err:
                err.source_name = scenario.source_name
                err.source_line = err.source_line or stmt.text
                raise
            report.events.append((event, maps.take()))
            if event.signal is not None:
                break  # the process is dead: nothing after this statement runs
    finally:
        maps.close()
    report.machine = run.machine
    return report
