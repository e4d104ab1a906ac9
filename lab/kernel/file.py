# SPDX-License-Identifier: GPL-2.0-only
"""Files as the mmap chain sees them: struct file, inode, super_block (include/linux/fs.h).

The operations tables (`f_op`, `vm_ops`) point at twin functions, so `file->f_op->mmap`
calls the twin of generic_file_mmap, shmem_mmap or hugetlbfs_file_mmap as the kernel would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# include/linux/fs.h
FMODE_READ = 0x1
FMODE_WRITE = 0x2
FMODE_EXEC = 0x20
S_APPEND = 1 << 2  # inode->i_flags: append-only (chattr +a)
S_SWAPFILE = 1 << 8  # the inode is an active swap file
S_PRIVATE = 1 << 9  # an fs-internal inode, security checks skipped
FMODE_UNSIGNED_OFFSET = 0x2000  # only /dev/mem-like drivers set it
MAX_LFS_FILESIZE = (1 << 63) - 1  # LLONG_MAX on 64-bit
MNT_NOEXEC = 0x04  # a mount flag: no execution of files from this mount


#: read_ahead_kb of the lab's disk: 128 KiB, the block layer's default (VM_READAHEAD_PAGES)
DISK_RA_PAGES = 32


@dataclass(frozen=True)
class FileOperations:
    name: str  # "ext4_file_operations", shown to the learner
    mmap: Callable | None = None
    get_unmapped_area: Callable | None = None
    mmap_supported_flags: int = 0
    fsync: Callable | None = None  # (file, start, end, datasync) -> 0 or -errno


@dataclass(frozen=True)
class VmOperations:
    name: str
    fault: Callable | None = None
    page_mkwrite: Callable | None = None
    map_pages: Callable | None = None


@dataclass
class SuperBlock:
    fs_type: str  # "ext4", "tmpfs", "hugetlbfs", "devtmpfs", "anon_inodefs"
    mnt_flags: int = 0
    huge_page_size: int = 0  # hugetlbfs: the size of its pages


@dataclass(eq=False)
class Inode:
    ino: int
    sb: SuperBlock
    i_size: int = 0
    i_flags: int = 0
    f_op: FileOperations | None = None
    # The page cache (struct address_space): page index → PFN, and the mapping counts.
    pages: dict[int, int] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)
    readahead: set[int] = field(default_factory=set)  # PG_readahead: the async readahead mark
    i_mmap_writable: int = 0
    i_mmap: list = field(default_factory=list)  # the VMAs that map this file
    data: dict[int, bytearray] = field(default_factory=dict)  # the file's bytes on "disk"
    seals: int = 0
    shmem_flags: int = 0  # shmem: VM_NORESERVE when the size is not charged up front
    i_resv_map: object = None  # hugetlbfs: the reservations of huge pages (mm/hugetlb.c)
    # Evicted (shmem_evict_inode() ran): the lab counts no references, so the last fput()
    # is told apart from the ones after it by this mark, and frees only once.
    evicted: bool = False

    def IS_APPEND(self) -> bool:
        return bool(self.i_flags & S_APPEND)

    def IS_SWAPFILE(self) -> bool:
        return bool(self.i_flags & S_SWAPFILE)


@dataclass
class FileRaState:
    """struct file_ra_state: the file's readahead window and its mmap miss count."""

    ra_pages: int = 0  # the most pages one readahead reads (the disk's read_ahead_kb)
    start: int = 0  # the window: [start, start + size)
    size: int = 0
    async_size: int = 0  # the last async_size pages of it: reaching them reads the next
    mmap_miss: int = 0  # faults that missed the page cache less hits: > 100 stops readahead


@dataclass(eq=False)
class File:
    path: str  # the name the scenario opened it by; maps prints it
    f_inode: Inode
    f_mode: int
    f_flags: int = 0
    deleted: bool = False  # shown as " (deleted)" in maps, as for /dev/zero's shmem file
    f_ra: FileRaState = field(default_factory=FileRaState)

    def __post_init__(self) -> None:
        # file_ra_state_init(): the backing device's readahead size; only the disk has one
        if self.f_ra.ra_pages == 0 and self.f_inode.sb.fs_type == "ext4":
            self.f_ra.ra_pages = DISK_RA_PAGES

    @property
    def f_op(self) -> FileOperations:
        assert self.f_inode.f_op is not None
        return self.f_inode.f_op

    @property
    def f_mapping(self) -> Inode:
        return self.f_inode

    def path_noexec(self) -> bool:
        return bool(self.f_inode.sb.mnt_flags & MNT_NOEXEC)
