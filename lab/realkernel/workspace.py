# SPDX-License-Identifier: GPL-2.0-only
"""Real files for a scenario's open() calls, on the file systems the scenario names.

The model's files are all zeros, so each real file is created sparse with ftruncate. Every
name lives inside the run's own directory (a scenario never touches the machine's files);
/dev/zero and /dev/null are the real devices. tmpfs, hugetlbfs and noexec mounts are made
in the child's private mount namespace, so they vanish with it.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

from lab.realkernel import syscalls

EXT4_SUPER_MAGIC = 0xEF53
HUGE_PAGE = 2 << 20
DEVICES = ("/dev/zero", "/dev/null")
SWAP_MIN_PAGES = 10  # mkswap's minimum; swapon refuses less
SWAP_MAX_BYTES = 64 << 20  # a swap file is written out in full


class Skip(Exception):
    """The machine cannot give what the scenario needs: the reason says what."""


@dataclass
class RealFile:
    name: str  # as the scenario spells it
    path: str  # on this machine
    size: int
    fs: str
    swapfile: bool = False


@dataclass
class Workspace:
    """The run's directory and the files made in it, by scenario name."""

    root: str
    privileged: bool
    files: dict[str, RealFile] = field(default_factory=dict)
    mounted: set[str] = field(default_factory=set)

    def path_names(self) -> dict[str, str]:
        """real path -> scenario name, to show maps in the scenario's own terms."""
        return {f.path: f.name for f in self.files.values()}

    def file(self, name: str, size: int | None, fs: str, noexec: bool,
             swapfile: bool, known_sizes: dict[str, int]) -> RealFile | None:
        """The real file for `name`, created on first use; None when it does not exist."""
        if name in DEVICES:
            return self.files.setdefault(name, RealFile(name, name, 0, "devtmpfs"))
        have = self.files.get(name)
        if have is not None:
            return have
        if size is None:
            size = known_sizes.get(name)
            if size is None:
                return None
        directory = self._directory(fs, noexec)
        path = os.path.join(directory, f"f{len(self.files)}")
        if fs == "hugetlbfs" and size % HUGE_PAGE:
            raise Skip(f"hugetlbfs files grow in whole huge pages; {size} bytes is not a "
                       "multiple of 2 MiB, so no real file can have that size")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            if swapfile:
                self._make_swap_area(fd, size)
            else:
                os.ftruncate(fd, size)
        finally:
            os.close(fd)
        made = RealFile(name, path, size, fs, swapfile)
        self.files[name] = made
        if swapfile:
            ret = syscalls.swapon(path)
            if ret < 0:
                raise Skip(f"swapon({name}) failed: {os.strerror(-ret)}")
        return made

    def _directory(self, fs: str, noexec: bool) -> str:
        key = fs + ("-noexec" if noexec else "")
        path = os.path.join(self.root, key)
        if key in self.mounted or (fs == "ext4" and not noexec):
            os.makedirs(path, exist_ok=True)
            if key == "ext4" and _fs_magic(path) != EXT4_SUPER_MAGIC:
                raise Skip("the run directory is not on ext4, and the model's files are "
                           "ext4 files (chattr +a, readahead, THP alignment)")
            return path
        if not self.privileged:
            raise Skip(f"a {key} mount is needed and this runner may not mount file systems "
                       "(run as root)")
        os.makedirs(path, exist_ok=True)
        flags = syscalls.MS_NOEXEC if noexec else 0
        if fs == "ext4":  # an ext4 directory bound onto itself, then made noexec
            ret = syscalls.mount(path, path, None, syscalls.MS_BIND)
            if ret == 0:
                ret = syscalls.mount(None, path, None,
                                     syscalls.MS_REMOUNT | syscalls.MS_BIND | flags)
        elif fs == "tmpfs":
            ret = syscalls.mount("tmpfs", path, "tmpfs", flags, "size=1g,mode=1777")
        else:
            ret = syscalls.mount("hugetlbfs", path, "hugetlbfs", flags, "pagesize=2M,mode=1777")
        if ret < 0:
            raise Skip(f"mounting {key} failed: {os.strerror(-ret)}")
        self.mounted.add(key)
        return path

    def _make_swap_area(self, fd: int, size: int) -> None:
        """A real swap area: every block written (swapon refuses holes), then the header."""
        pages = size // 4096
        if size > SWAP_MAX_BYTES:
            raise Skip(f"a swap file of {size} bytes is larger than the runner writes "
                       f"({SWAP_MAX_BYTES >> 20} MiB)")
        if pages < SWAP_MIN_PAGES:
            raise Skip(f"a real swap file needs at least {SWAP_MIN_PAGES} pages; "
                       f"{size} bytes is too small")
        os.pwrite(fd, bytes(size), 0)
        header = struct.pack("<III", 1, pages - 1, 0)  # version, last_page, nr_badpages
        os.pwrite(fd, header, 1024)
        os.pwrite(fd, b"SWAPSPACE2", 4096 - 10)
        os.fsync(fd)

    def cleanup(self) -> None:
        """Swap off and clear chattr +a, so the directory can be removed."""
        for f in self.files.values():
            if f.swapfile:
                syscalls.swapoff(f.path)
            if f.fs != "devtmpfs" and os.path.exists(f.path):
                try:
                    fd = os.open(f.path, os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    continue
                syscalls.set_inode_flags(fd, 0, syscalls.FS_APPEND_FL)
                os.close(fd)


def _fs_magic(path: str) -> int:
    """statfs(2)'s f_type, through ctypes (os.statvfs does not give it)."""
    import ctypes

    buf = ctypes.create_string_buffer(120)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.statfs(path.encode(), buf) != 0:
        return 0
    return struct.unpack_from("<q", buf.raw, 0)[0]


def remove_tree(root: str) -> None:
    """Remove a run directory a child left behind: swap off, chattr -a, then delete."""
    swaps = open("/proc/swaps").read().splitlines()[1:]
    for line in swaps:
        path = line.split()[0]
        if path.startswith(root + "/"):
            syscalls.swapoff(path)
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            p = os.path.join(dirpath, name)
            try:
                fd = os.open(p, os.O_RDONLY | os.O_CLOEXEC)
                syscalls.set_inode_flags(fd, 0, syscalls.FS_APPEND_FL)
                os.close(fd)
                os.unlink(p)
            except OSError:
                pass
        for name in dirnames:
            try:
                os.rmdir(os.path.join(dirpath, name))
            except OSError:
                pass
    try:
        os.rmdir(root)
    except OSError:
        pass
