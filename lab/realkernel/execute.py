# SPDX-License-Identifier: GPL-2.0-only
"""Execute a scenario's statements with real system calls, one event per statement.

Each statement does what `lab.runner` does in the model, on this machine: `mmap` is the raw
syscall, `open` opens a real file made for it, `sysctl` is written by the runner acting as
the administrator, and a memory access is made by the kernel's own user copy, so a fault
that would kill the process is seen (and its signal found in a throwaway grandchild).
"""

from __future__ import annotations

import ctypes
import os
import platform
import traceback

from lab.realkernel import syscalls
from lab.realkernel.child import (
    CAP_NAMES,
    MAP_ANONYMOUS,
    MAP_FIXED,
    MAP_FIXED_NOREPLACE,
    PAGE,
    RLIM_INFINITY,
    RLIMIT_AS,
    RLIMIT_DATA,
    RealRun,
    Stop,
    probe_signal,
    u64,
)
from lab.realkernel.workspace import DEVICES, Skip
from lab.realkernel.world import SimWorld

MMAP_MIN_FLOOR = 65536  # CONFIG_LSM_MMAP_MIN_ADDR on the model's kernel and on this one
SYS_close, SYS_open = 3, 2
FS_TYPES = ("ext4", "tmpfs", "hugetlbfs")


class Executor(RealRun):
    """RealRun plus the statements: `_do_<func>` for each call of the language."""

    def run(self, statements: list[tuple[int, str]]) -> dict:
        from lab.runner import scenario_constants
        from lab.scenario import ScenarioError, parse_statement

        doc = {"kernel": platform.release(), "host_kernel": platform.release(),
               "skipped": None, "error": None, "initial_maps": [], "events": []}
        try:
            doc["initial_maps"] = self.setup()
            constants = scenario_constants()
            for line, text in statements:
                stmt = parse_statement(text, line, "-e", constants, self.variables.keys())
                if stmt is None:
                    continue
                event = self.execute(stmt)
                doc["events"].append(event)
                if event["signal"] is not None:
                    break
        except Stop as stop:
            doc["error" if stop.error else "skipped"] = str(stop)
        except Skip as skip:
            doc["skipped"] = str(skip)
        except ScenarioError as err:
            doc["error"] = str(err)
        except Exception:  # a runner bug: say so rather than pass or skip quietly
            doc["error"] = "runner error: " + traceback.format_exc()
        finally:
            if self.ws is not None:
                with self.admin():
                    self.ws.cleanup()
        doc["runner"] = {"offsets": self.offsets, "notes": self.notes,
                         "privileged": self.privileged}
        return doc

    def execute(self, stmt) -> dict:
        from lab.kernel.include.uapi.errno import ERRNO_NAMES
        from lab.scenario import Call, Load, Store, evaluate

        env = {**_constants(), **self.variables}
        event = {"line": stmt.line, "stmt": stmt.text, "ret": None, "errno": None,
                 "signal": None}
        if isinstance(stmt, (Store, Load)):
            addr = u64(stmt.line, evaluate(stmt.pointer, env) + evaluate(stmt.index, env))
            value = None if isinstance(stmt, Load) else evaluate(stmt.value, env) & 0xFF
            got, signal = self.access(stmt.line, addr, value)
            event["signal"] = signal
            if isinstance(stmt, Load) and signal is None:
                event["value"] = got
                self.variables[stmt.target] = got
        else:
            assert isinstance(stmt, Call)
            args = [evaluate(a, env) for a in stmt.args]
            kwargs = {k: evaluate(v, env) for k, v in stmt.kwargs}
            ret = getattr(self, "_do_" + stmt.func)(stmt.line, *args, **kwargs)
            event["ret"] = ret
            if isinstance(ret, int) and ret < 0 and -ret in ERRNO_NAMES:
                event["errno"] = ERRNO_NAMES[-ret]
            if stmt.target is not None and ret is not None:
                self.variables[stmt.target] = ret
        event["maps"] = self.rows()
        return event

    # -- memory ---------------------------------------------------------------------------
    def _do_mmap(self, line, addr, length, prot, flags, fd, offset) -> int:
        addr, length, prot, flags, fd, offset = (u64(line, v) for v in
                                                 (addr, length, prot, flags, fd, offset))
        if not flags & MAP_ANONYMOUS:
            self.check_fd(line, fd)
        if addr:
            start = max(addr & ~(PAGE - 1), 0 if flags & MAP_FIXED else MMAP_MIN_FLOOR)
            what = "MAP_FIXED range" if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) else "hint"
            self.check_range(line, start, length, what)
        self.check_budget(line, length, prot, flags, fd, offset)
        return syscalls.mmap(addr, length, prot, flags, fd, offset)

    def _do_munmap(self, line, addr, length) -> int:
        addr, length = u64(line, addr), u64(line, length)
        self.check_range(line, addr, length, "munmap range")
        return syscalls.munmap(addr, length)

    def _do_mprotect(self, line, addr, length, prot) -> int:
        addr, length = u64(line, addr), u64(line, length)
        self.check_range(line, addr, length, "mprotect range")
        return syscalls.mprotect(addr, length, u64(line, prot))

    def _do_msync(self, line, addr, length, flags) -> int:
        addr, length = u64(line, addr), u64(line, length)
        self.check_range(line, addr, length, "msync range")
        return syscalls.msync(addr, length, u64(line, flags))

    def _do_writeback(self, line) -> int:
        os.sync()
        return 0

    def access(self, line: int, addr: int, value: int | None) -> tuple[int | None, str | None]:
        """A one-byte load (value None) or store, made by the kernel's user copy."""
        self.check_range(line, addr, 1, "access")
        if value is None:
            ret = syscalls.write_from_memory(self.pipe_w, addr)
            if ret == 1:
                return os.read(self.pipe_r, 1)[0], None
        else:
            os.write(self.pipe_w, bytes([value]))
            ret = syscalls.read_into_memory(self.pipe_r, addr)
            if ret == 1:
                return None, None
            _drain(self.pipe_r)
        if ret != -14:  # EFAULT is the kernel's "this access would raise a signal"
            raise Stop(f"line {line}: the runner's access at {addr:#x} failed: {ret}")
        try:
            return None, probe_signal(addr, value)
        except OSError:  # fork refused: strict overcommit leaves no room for the probe
            pass
        fd = self.sysctl_fds.get("overcommit_memory")
        if fd is None:
            raise Stop(f"line {line}: the access faults, and the probe that tells SIGSEGV "
                       "from SIGBUS cannot be forked here")
        with self.admin():
            os.pwrite(fd, b"1\n", 0)  # for the fork only; the scenario ends at this access
            try:
                return None, probe_signal(addr, value)
            finally:
                os.pwrite(fd, b"%d\n" % self.commit.mode, 0)

    # -- files ----------------------------------------------------------------------------
    def _do_open(self, line, path, flags, size=None, noexec=False, fs="ext4",
                 append_only=False, swapfile=False) -> int:
        from lab.scenario import ScenarioError

        if fs not in FS_TYPES:
            raise ScenarioError(f"unknown file system {fs!r}", line, 0)
        with self.admin():
            f = self.ws.file(path, size, fs, bool(noexec), bool(swapfile),
                             self.world.file_sizes)
        if f is None:
            raise ScenarioError(f"open: {path!r} does not exist; say how big it is, e.g. "
                                "size=8192", line, 0)
        if size is not None and path not in DEVICES and size != f.size:
            raise ScenarioError(f"{path!r} already exists with size {f.size}", line, 0)
        cpath = ctypes.create_string_buffer(f.path.encode())
        fd = syscalls.raw(SYS_open, ctypes.addressof(cpath), u64(line, flags), 0)
        if fd >= 0 and append_only:
            with self.admin():
                ret = syscalls.set_inode_flags(fd, syscalls.FS_APPEND_FL)
            if ret < 0:
                raise Stop(f"line {line}: chattr +a failed here: {os.strerror(-ret)}")
        return fd

    def _do_close(self, line, fd) -> int:
        self.check_fd(line, fd)
        return syscalls.raw(SYS_close, u64(line, fd))

    def _do_ftruncate(self, line, fd, length) -> int:
        self.check_fd(line, fd)
        return syscalls.ftruncate(u64(line, fd), u64(line, length))

    # -- the process ----------------------------------------------------------------------
    def _do_setrlimit(self, line, resource, value) -> int:
        value = u64(line, value)
        if resource in (RLIMIT_AS, RLIMIT_DATA) and value != RLIM_INFINITY:
            extra = self.offsets["total_vm" if resource == RLIMIT_AS else "data_vm"]
            value = min(value + extra, RLIM_INFINITY - 1)
        return syscalls.setrlimit(u64(line, resource), value, value)

    def _do_capset(self, line, *caps) -> int:
        mask = 0
        for cap in caps:
            if not 0 <= cap < 64 or not self.permitted >> cap & 1:
                name = CAP_NAMES.get(cap, f"capability {cap}")
                raise Stop(f"line {line}: the runner does not hold {name} on this machine, "
                           "so it cannot grant it")
            mask |= 1 << cap
        self.set_caps(mask)
        if self.commit.mode == 2:  # CAP_SYS_ADMIN changes which reserve the scenario pays
            from lab.realkernel.sysctl import apply_commit_limit

            with self.admin():
                apply_commit_limit(self, line)
        return 0

    def _do_personality(self, line, persona) -> int:
        return syscalls.personality(u64(line, persona))

    def _do_sysctl(self, line, name, value) -> int:
        from lab.realkernel.sysctl import write_sysctl

        return write_sysctl(self, line, name, value)


def _constants() -> dict:
    from lab.runner import scenario_constants

    return scenario_constants()


def _drain(fd: int) -> None:
    try:
        os.read(fd, 16)
    except BlockingIOError:
        pass


def run_request(request: dict, result_fd: int) -> dict:
    """Run a request from the zygote in this (forked) process; the document."""
    run = Executor(SimWorld.from_json(request["world"]), request["workdir"],
                   request["privileged"], result_fd=result_fd)
    doc = run.run([tuple(s) for s in request["statements"]])
    doc["_result_fd"] = run.result_fd
    return doc
