# SPDX-License-Identifier: GPL-2.0-only
"""PROT_*, MAP_*, MS_*, MADV_* of include/uapi/asm-generic/mman-common.h and its siblings.

Also include/uapi/asm-generic/mman.h, arch/x86/include/uapi/asm/mman.h (MAP_32BIT),
include/uapi/linux/mman.h with asm-generic/hugetlb_encode.h (MAP_HUGE_*), and
include/linux/mman.h (LEGACY_MAP_MASK), as Linux 6.1 defines them for x86-64.
"""

from __future__ import annotations

from lab.kernel.flagnames import decode_flags

# include/uapi/asm-generic/mman-common.h
PROT_READ = 0x1
PROT_WRITE = 0x2
PROT_EXEC = 0x4
PROT_SEM = 0x8
PROT_NONE = 0x0
PROT_GROWSDOWN = 0x01000000  # mprotect only: extend the change down to a grows-down VMA's start
PROT_GROWSUP = 0x02000000

# include/uapi/linux/mman.h
MAP_SHARED = 0x01
MAP_PRIVATE = 0x02
MAP_SHARED_VALIDATE = 0x03  # the type field's value 3, not MAP_SHARED | MAP_PRIVATE

MAP_TYPE = 0x0F
MAP_FIXED = 0x10
MAP_ANONYMOUS = 0x20
MAP_ANON = MAP_ANONYMOUS  # the C library's alias; the kernel headers only have MAP_ANONYMOUS
MAP_32BIT = 0x40  # x86 only
MAP_GROWSDOWN = 0x0100
MAP_DENYWRITE = 0x0800  # ignored since Linux 5.15
MAP_EXECUTABLE = 0x1000  # ignored
MAP_LOCKED = 0x2000
MAP_NORESERVE = 0x4000
MAP_POPULATE = 0x008000
MAP_NONBLOCK = 0x010000
MAP_STACK = 0x020000
MAP_HUGETLB = 0x040000
MAP_SYNC = 0x080000
MAP_FIXED_NOREPLACE = 0x100000
MAP_UNINITIALIZED = 0x4000000  # no-MMU kernels only; shares bit 26 with the MAP_HUGE_* field
MAP_FILE = 0

# Bits [26:31] of the flags carry log2 of the huge page size (hugetlb_encode.h).
MAP_HUGE_SHIFT = 26
MAP_HUGE_MASK = 0x3F
MAP_HUGE_16KB = 14 << MAP_HUGE_SHIFT
MAP_HUGE_64KB = 16 << MAP_HUGE_SHIFT
MAP_HUGE_512KB = 19 << MAP_HUGE_SHIFT
MAP_HUGE_1MB = 20 << MAP_HUGE_SHIFT
MAP_HUGE_2MB = 21 << MAP_HUGE_SHIFT
MAP_HUGE_8MB = 23 << MAP_HUGE_SHIFT
MAP_HUGE_16MB = 24 << MAP_HUGE_SHIFT
MAP_HUGE_32MB = 25 << MAP_HUGE_SHIFT
MAP_HUGE_256MB = 28 << MAP_HUGE_SHIFT
MAP_HUGE_512MB = 29 << MAP_HUGE_SHIFT
MAP_HUGE_1GB = 30 << MAP_HUGE_SHIFT
MAP_HUGE_2GB = 31 << MAP_HUGE_SHIFT
MAP_HUGE_16GB = 34 << MAP_HUGE_SHIFT

# include/linux/mman.h: what every file accepts when it has no ->mmap_validate()
LEGACY_MAP_MASK = (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE
                   | MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED
                   | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB
                   | MAP_32BIT | MAP_HUGE_2MB | MAP_HUGE_1GB)

MLOCK_ONFAULT = 0x01
MCL_CURRENT = 1
MCL_FUTURE = 2
MCL_ONFAULT = 4

MS_ASYNC = 1
MS_INVALIDATE = 2
MS_SYNC = 4

MADV_NORMAL = 0
MADV_RANDOM = 1
MADV_SEQUENTIAL = 2
MADV_WILLNEED = 3
MADV_DONTNEED = 4
MADV_FREE = 8
MADV_REMOVE = 9
MADV_DONTFORK = 10
MADV_DOFORK = 11
MADV_HWPOISON = 100
MADV_SOFT_OFFLINE = 101
MADV_MERGEABLE = 12
MADV_UNMERGEABLE = 13
MADV_HUGEPAGE = 14
MADV_NOHUGEPAGE = 15
MADV_DONTDUMP = 16
MADV_DODUMP = 17
MADV_WIPEONFORK = 18
MADV_KEEPONFORK = 19
MADV_COLD = 20
MADV_PAGEOUT = 21
MADV_POPULATE_READ = 22
MADV_POPULATE_WRITE = 23
MADV_DONTNEED_LOCKED = 24
MADV_COLLAPSE = 25

MREMAP_MAYMOVE = 1
MREMAP_FIXED = 2
MREMAP_DONTUNMAP = 4

# vm.overcommit_memory
OVERCOMMIT_GUESS = 0
OVERCOMMIT_ALWAYS = 1
OVERCOMMIT_NEVER = 2

PROT_NAMES = (
    ("PROT_READ", PROT_READ),
    ("PROT_WRITE", PROT_WRITE),
    ("PROT_EXEC", PROT_EXEC),
    ("PROT_SEM", PROT_SEM),
    ("PROT_GROWSDOWN", PROT_GROWSDOWN),
    ("PROT_GROWSUP", PROT_GROWSUP),
)

MAP_NAMES = (
    ("MAP_SHARED", MAP_SHARED),
    ("MAP_PRIVATE", MAP_PRIVATE),
    ("MAP_FIXED", MAP_FIXED),
    ("MAP_ANONYMOUS", MAP_ANONYMOUS),
    ("MAP_32BIT", MAP_32BIT),
    ("MAP_GROWSDOWN", MAP_GROWSDOWN),
    ("MAP_DENYWRITE", MAP_DENYWRITE),
    ("MAP_EXECUTABLE", MAP_EXECUTABLE),
    ("MAP_LOCKED", MAP_LOCKED),
    ("MAP_NORESERVE", MAP_NORESERVE),
    ("MAP_POPULATE", MAP_POPULATE),
    ("MAP_NONBLOCK", MAP_NONBLOCK),
    ("MAP_STACK", MAP_STACK),
    ("MAP_HUGETLB", MAP_HUGETLB),
    ("MAP_SYNC", MAP_SYNC),
    ("MAP_FIXED_NOREPLACE", MAP_FIXED_NOREPLACE),
    ("MAP_UNINITIALIZED", MAP_UNINITIALIZED),
)

_MAP_TYPES = {MAP_SHARED: "MAP_SHARED", MAP_PRIVATE: "MAP_PRIVATE",
              MAP_SHARED_VALIDATE: "MAP_SHARED_VALIDATE"}
_MAP_HUGE_NAMES = {v >> MAP_HUGE_SHIFT: k for k, v in globals().items()
                   if k.startswith("MAP_HUGE_") and k[9].isdigit()}


def decode_prot(prot: int) -> list[str]:
    """PROT_* names of an mmap/mprotect prot word ("PROT_NONE" for 0)."""
    return decode_flags(prot, PROT_NAMES, zero="PROT_NONE")


def decode_map_flags(flags: int) -> list[str]:
    """MAP_* names of an mmap flags word, reading its two fields the way do_mmap() does:
    the mapping type (flags & MAP_TYPE) and, with MAP_HUGETLB, the huge page size."""
    names = []
    kind = flags & MAP_TYPE
    if kind:
        names.append(_MAP_TYPES.get(kind, f"{kind:#x}"))
    rest = flags & ~MAP_TYPE
    huge = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK if flags & MAP_HUGETLB else 0
    if huge:
        rest &= ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT)
    names += decode_flags(rest, MAP_NAMES)
    if huge:
        unknown = names[-1].startswith("0x")
        size = _MAP_HUGE_NAMES.get(huge, f"{huge} << MAP_HUGE_SHIFT")
        names.insert(len(names) - unknown, size)
    return names
