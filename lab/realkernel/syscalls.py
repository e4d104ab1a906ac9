# SPDX-License-Identifier: GPL-2.0-only
"""Raw x86-64 Linux system calls through ctypes' `syscall()`.

The C library's mmap() wrapper checks and rewrites arguments (it refuses some offsets
itself); the lab's scenarios are the raw syscall's arguments, so they go through
`syscall(SYS_mmap, ...)` untouched. Every function returns the kernel's value: a result,
or -errno.
"""

from __future__ import annotations

import ctypes
import os

ULONG_MAX = (1 << 64) - 1

SYS_read, SYS_write, SYS_mmap, SYS_mprotect, SYS_munmap = 0, 1, 9, 10, 11
SYS_ioctl, SYS_msync, SYS_madvise = 16, 26, 28
SYS_ftruncate, SYS_capget, SYS_capset, SYS_personality = 77, 125, 126, 135
SYS_setrlimit, SYS_mount, SYS_swapon, SYS_swapoff = 160, 165, 167, 168
SYS_unshare = 272

CLONE_NEWNS = 0x00020000
MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x8, 0x20, 0x1000, 0x4000, 1 << 18
FS_IOC_GETFLAGS, FS_IOC_SETFLAGS = 0x80086601, 0x40086602
FS_APPEND_FL = 0x00000020
PAGEMAP_SCAN = 0xC0606610  # _IOWR('f', 16, struct pm_scan_arg)
PAGE_IS_PRESENT = 1 << 3
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_syscall = _libc.syscall
_syscall.restype = ctypes.c_long


def raw(nr: int, *args: int) -> int:
    """syscall(nr, args...) with every argument an unsigned long; the result or -errno."""
    ret = _syscall(ctypes.c_long(nr), *(ctypes.c_ulong(a & ULONG_MAX) for a in args))
    return -ctypes.get_errno() if ret == -1 else ret


def mmap(addr: int, length: int, prot: int, flags: int, fd: int, offset: int) -> int:
    """The address or -errno (user addresses are below 2**47, so never look negative)."""
    return raw(SYS_mmap, addr, length, prot, flags, fd, offset)


def munmap(addr: int, length: int) -> int:
    return raw(SYS_munmap, addr, length)


def mprotect(addr: int, length: int, prot: int) -> int:
    return raw(SYS_mprotect, addr, length, prot)


def msync(addr: int, length: int, flags: int) -> int:
    return raw(SYS_msync, addr, length, flags)


def madvise(addr: int, length: int, advice: int) -> int:
    return raw(SYS_madvise, addr, length, advice)


def ftruncate(fd: int, length: int) -> int:
    return raw(SYS_ftruncate, fd, length)


def personality(persona: int) -> int:
    return raw(SYS_personality, persona & 0xFFFFFFFF)


def setrlimit(resource: int, soft: int, hard: int) -> int:
    limits = (ctypes.c_ulong * 2)(soft & ULONG_MAX, hard & ULONG_MAX)
    return raw(SYS_setrlimit, resource, ctypes.addressof(limits))


def unshare(flags: int) -> int:
    return raw(SYS_unshare, flags)


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> int:
    bufs = [ctypes.create_string_buffer(s.encode()) if s is not None else None
            for s in (source, target, fstype, data)]
    addrs = [ctypes.addressof(b) if b is not None else 0 for b in bufs]
    return raw(SYS_mount, addrs[0], addrs[1], addrs[2], flags, addrs[3])


def swapon(path: str, flags: int = 0) -> int:
    buf = ctypes.create_string_buffer(path.encode())
    return raw(SYS_swapon, ctypes.addressof(buf), flags)


def swapoff(path: str) -> int:
    buf = ctypes.create_string_buffer(path.encode())
    return raw(SYS_swapoff, ctypes.addressof(buf))


def set_inode_flags(fd: int, set_bits: int, clear_bits: int = 0) -> int:
    """chattr through FS_IOC_GETFLAGS/FS_IOC_SETFLAGS (the ioctls take an int)."""
    flags = ctypes.c_int(0)
    ret = raw(SYS_ioctl, fd, FS_IOC_GETFLAGS, ctypes.addressof(flags))
    if ret < 0:
        return ret
    flags.value = (flags.value | set_bits) & ~clear_bits
    return raw(SYS_ioctl, fd, FS_IOC_SETFLAGS, ctypes.addressof(flags))


# -- capabilities ------------------------------------------------------------------------
class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def capget() -> tuple[int, int]:
    """(effective, permitted) of this thread as 64-bit masks."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    ret = raw(SYS_capget, ctypes.addressof(header), ctypes.addressof(data))
    if ret < 0:
        raise OSError(-ret, os.strerror(-ret), "capget")
    return (data[0].effective | data[1].effective << 32,
            data[0].permitted | data[1].permitted << 32)


def capset(effective: int, permitted: int) -> int:
    """Set the effective and permitted masks; inheritable is cleared."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)(
        _CapData(effective & 0xFFFFFFFF, permitted & 0xFFFFFFFF, 0),
        _CapData(effective >> 32, permitted >> 32, 0))
    return raw(SYS_capset, ctypes.addressof(header), ctypes.addressof(data))


# -- reading and writing memory through the kernel ---------------------------------------
def read_into_memory(pipe_r: int, addr: int) -> int:
    """read(2) one byte from a pipe into user address `addr`: the kernel's copy_to_user.

    The copy faults on the user page exactly as a store instruction would (same handler, same
    fault-around, same copy-on-write), but a fault that would raise SIGSEGV or SIGBUS makes
    the call return -EFAULT instead of killing the process.
    """
    return raw(SYS_read, pipe_r, addr, 1)


def write_from_memory(pipe_w: int, addr: int) -> int:
    """write(2) one byte at user address `addr` into a pipe: a load, answered -EFAULT."""
    return raw(SYS_write, pipe_w, addr, 1)


# -- pagemap ------------------------------------------------------------------------------
class _PmScanArg(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "size", "flags", "start", "end", "walk_end", "vec", "vec_len", "max_pages",
        "category_inverted", "category_mask", "category_anyof_mask", "return_mask")]


class _PageRegion(ctypes.Structure):
    _fields_ = [("start", ctypes.c_uint64), ("end", ctypes.c_uint64),
                ("categories", ctypes.c_uint64)]


_REGIONS = (_PageRegion * 512)()


def pagemap_scan_present(pagemap_fd: int, start: int, end: int) -> int | None:
    """Present pages in [start, end) by the PAGEMAP_SCAN ioctl (Linux 6.7+); None if absent.

    Unlike reading pagemap, it skips unpopulated page tables, so a terabyte costs little.
    """
    total, addr = 0, start
    while addr < end:
        arg = _PmScanArg(ctypes.sizeof(_PmScanArg), 0, addr, end, 0,
                         ctypes.addressof(_REGIONS), len(_REGIONS), 0, 0,
                         PAGE_IS_PRESENT, 0, PAGE_IS_PRESENT)
        n = raw(SYS_ioctl, pagemap_fd, PAGEMAP_SCAN, ctypes.addressof(arg))
        if n < 0:
            return None
        total += sum((_REGIONS[i].end - _REGIONS[i].start) >> 12 for i in range(n))
        if arg.walk_end <= addr:
            return None
        addr = arg.walk_end
    return total
