# SPDX-License-Identifier: GPL-2.0-only
"""vm sysctls: written for a scenario as the model's machine would have them, then restored.

A sysctl is the administrator's setting of the whole machine, so a scenario that writes one
runs alone (an exclusive lock; every other scenario holds it shared), and the parent puts
every value back when the scenario's process has gone, whatever happened to it.
Two settings count things that differ between the machines, and are translated:
vm.max_map_count (this process has more VMAs than the default world) and the overcommit
limit of mode 2 (this machine has more RAM and more committed memory); see `commit_limit`.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

PAGE_KB = 4
SAVED = ("max_map_count", "overcommit_memory", "mmap_min_addr", "nr_hugepages",
         "admin_reserve_kbytes", "overcommit_ratio", "overcommit_kbytes")
#: Strict overcommit holds for the whole machine while a scenario runs. The runner raises
#: the admin reserve by this much, and the limit with it: the scenario (without
#: CAP_SYS_ADMIN) keeps the default world's headroom, while root's programs get this much.
SHIELD_KB = 1 << 20
SCENARIO_NAMES = ("vm.max_map_count", "vm.overcommit_memory", "vm.overcommit_ratio",
                  "vm.nr_hugepages", "vm.mmap_min_addr")
LOCK_PATH = "/tmp/mmaplab-realkernel.lock"


def _path(name: str) -> str:
    return f"/proc/sys/vm/{name}"


def read_vm(name: str) -> int:
    with open(_path(name)) as f:
        return int(f.read().split()[0])


def _write_fd(fd: int, value: int) -> int:
    try:
        os.pwrite(fd, b"%d\n" % value, 0)
    except OSError as err:
        return -err.errno
    return 0


def _read_fd(fd: int) -> int:
    return int(os.pread(fd, 64, 0).split()[0])


# -- in the scenario's process ------------------------------------------------------------
def write_sysctl(run, line: int, name: str, value: int) -> int:
    """The scenario's sysctl(name, value), as the runner's administrator; 0 or -errno."""
    from lab.realkernel.child import Stop

    short = name.removeprefix("vm.")
    fd = run.sysctl_fds.get(short)
    if fd is None:
        raise Stop(f"line {line}: sysctl {name} needs root on this machine")
    real = value
    if short == "max_map_count":
        real = value + run.offsets["map_count"]
        run.notes.append(f"line {line}: vm.max_map_count {value} written as {real}: this "
                         f"process starts with {run.offsets['map_count']} more VMAs than the "
                         "default world")
    with run.admin():
        ret = _write_fd(fd, real)
        if ret < 0:
            return ret
        if short == "nr_hugepages":
            got = _read_fd(fd)
            if got < value:
                raise Stop(f"line {line}: this machine could reserve only {got} of {value} "
                           "huge pages")
            run.commit.huge_pages = value
        elif short == "overcommit_memory":
            run.commit.mode = value
        elif short == "overcommit_ratio":
            run.commit.ratio = value
        if short in ("overcommit_memory", "overcommit_ratio", "nr_hugepages"):
            apply_commit_limit(run, line)
    return 0


def apply_commit_limit(run, line: int) -> None:
    """In mode 2, set the limit (and the admin reserve) to the default world's headroom.

    Called when the mode, the ratio, the huge page pool or the scenario's capabilities
    change. Must run as the administrator.
    """
    if run.commit.mode != 2:
        return
    pays_reserve = not run.effective >> 21 & 1  # no CAP_SYS_ADMIN: it pays the admin reserve
    base = run.offsets.setdefault("admin_reserve_kb", _read_fd(run.sysctl_fds[
        "admin_reserve_kbytes"]))
    _write_fd(run.sysctl_fds["admin_reserve_kbytes"], base + SHIELD_KB)
    kbytes = max(commit_limit(run, base + SHIELD_KB if pays_reserve else None) * PAGE_KB, 1)
    _write_fd(run.sysctl_fds["overcommit_kbytes"], kbytes)
    run.notes.append(f"line {line}: overcommit limit set to {kbytes} kB "
                     "(vm.overcommit_kbytes), the default world's headroom")


def commit_limit(run, real_admin_kb: int | None) -> int:
    """Pages of vm.overcommit_kbytes that leave this machine the default world's headroom.

    Mode 2 refuses when committed + request > limit - admin reserve (without
    CAP_SYS_ADMIN) - min(total_vm/32, user reserve) (mm/util.c: __vm_enough_memory). The
    default world has 8 GiB of RAM and little committed; this machine has more of both, so
    the limit is moved by each term. `real_admin_kb` is the admin reserve the scenario
    pays here, or None when it holds CAP_SYS_ADMIN.
    """
    w, off = run.world, run.offsets
    limit = (w.totalram // 4096 - run.commit.huge_pages * 512) * run.commit.ratio // 100
    limit += w.total_swap_pages
    now = run.proc.status_kb("VmSize")["VmSize"] // 4096
    sim_tv = w.total_vm // 4096 + now - off["total_vm_real"] // 4096
    real_reserve = _read_fd(run.sysctl_fds["user_reserve_kbytes"]) // PAGE_KB
    swap = _meminfo_kb(run, "SwapTotal") // PAGE_KB
    admin = 0 if real_admin_kb is None else \
        real_admin_kb // PAGE_KB - w.admin_reserve_kbytes // PAGE_KB
    return (limit - min(sim_tv // 32, w.user_reserve_kbytes // PAGE_KB)
            + min(now // 32, real_reserve) + admin + off["committed"] - swap)


def _meminfo_kb(run, key: str) -> int:
    for line in run.proc.read(run.proc.meminfo_fd).decode().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


# -- in the parent ------------------------------------------------------------------------
def save() -> dict[str, int]:
    return {name: read_vm(name) for name in SAVED}


def restore(saved: dict[str, int]) -> None:
    """Put the values back. overcommit_kbytes and _ratio clear each other when written."""
    order = [n for n in SAVED if n not in ("overcommit_ratio", "overcommit_kbytes")]
    order += (["overcommit_kbytes", "overcommit_ratio"] if saved["overcommit_kbytes"] == 0
              else ["overcommit_ratio", "overcommit_kbytes"])
    for name in order:
        if read_vm(name) != saved[name] or name in ("overcommit_ratio", "overcommit_kbytes"):
            with open(_path(name), "w") as f:
                f.write(f"{saved[name]}\n")


@contextmanager
def machine_lock(exclusive: bool):
    """Shared for ordinary scenarios, exclusive for one that changes the machine."""
    fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
