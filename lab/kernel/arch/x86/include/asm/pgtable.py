# SPDX-License-Identifier: GPL-2.0-only
"""x86-64 page sizes, 4-level table shifts and PTE bits of arch/x86/include/asm/*types.h.

The headers: page_types.h, page_64_types.h, pgtable_64_types.h and pgtable_types.h, for the
4-level layout the lab models (no CONFIG_X86_5LEVEL), so user addresses have 47 bits. The
PAGE_* protections are pgprot_t values in C; here they are the bits __pg() wraps. At the end,
two inline helpers of asm/pgtable.h that work on these bits: pgprot_modify and pte_modify.
"""

from __future__ import annotations

_u64 = 2**64 - 1

# page_types.h
PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PAGE_MASK = ~(PAGE_SIZE - 1) & _u64  # (~(PAGE_SIZE-1)) on an unsigned long

# pgtable_64_types.h: 4-level paging
PGDIR_SHIFT = 39
PTRS_PER_PGD = 512
PUD_SHIFT = 30
PTRS_PER_PUD = 512
PMD_SHIFT = 21
PTRS_PER_PMD = 512
PTRS_PER_PTE = 512

PMD_SIZE = 1 << PMD_SHIFT
PMD_MASK = ~(PMD_SIZE - 1) & _u64
PUD_SIZE = 1 << PUD_SHIFT
PUD_MASK = ~(PUD_SIZE - 1) & _u64
PGDIR_SIZE = 1 << PGDIR_SHIFT
PGDIR_MASK = ~(PGDIR_SIZE - 1) & _u64

# page_types.h: the huge page of hugetlbfs' default size is a PMD's worth (2 MiB)
HPAGE_SHIFT = PMD_SHIFT
HPAGE_SIZE = 1 << HPAGE_SHIFT
HPAGE_MASK = ~(HPAGE_SIZE - 1) & _u64
HUGETLB_PAGE_ORDER = HPAGE_SHIFT - PAGE_SHIFT
HUGE_MAX_HSTATE = 2  # 2 MiB and 1 GiB

# page_64_types.h
__VIRTUAL_MASK_SHIFT = 47
__VIRTUAL_MASK = (1 << __VIRTUAL_MASK_SHIFT) - 1
__PHYSICAL_MASK_SHIFT = 52
# task_size_max(): the last page below the non-canonical hole stays unmapped
TASK_SIZE_MAX = (1 << __VIRTUAL_MASK_SHIFT) - PAGE_SIZE
DEFAULT_MAP_WINDOW = (1 << 47) - PAGE_SIZE

# pgtable_types.h: bits of a page-table entry
_PAGE_BIT_PRESENT = 0
_PAGE_BIT_RW = 1
_PAGE_BIT_USER = 2
_PAGE_BIT_PWT = 3  # write-through
_PAGE_BIT_PCD = 4  # cache disabled
_PAGE_BIT_ACCESSED = 5  # set by the CPU on any access
_PAGE_BIT_DIRTY = 6  # set by the CPU on a write
_PAGE_BIT_PSE = 7  # a 2 MiB or 1 GiB page (in a PMD or PUD entry)
_PAGE_BIT_GLOBAL = 8
_PAGE_BIT_SOFTW1 = 9  # bits 9-11 are for software
_PAGE_BIT_SOFTW2 = 10
_PAGE_BIT_SOFTW3 = 11
_PAGE_BIT_NX = 63  # no execute
_PAGE_BIT_SPECIAL = _PAGE_BIT_SOFTW1
_PAGE_BIT_SOFT_DIRTY = _PAGE_BIT_SOFTW3
_PAGE_BIT_PROTNONE = _PAGE_BIT_GLOBAL  # a PROT_NONE pte: not present, this bit set

_PAGE_PRESENT = 1 << _PAGE_BIT_PRESENT
_PAGE_RW = 1 << _PAGE_BIT_RW
_PAGE_USER = 1 << _PAGE_BIT_USER
_PAGE_PWT = 1 << _PAGE_BIT_PWT
_PAGE_PCD = 1 << _PAGE_BIT_PCD
_PAGE_ACCESSED = 1 << _PAGE_BIT_ACCESSED
_PAGE_DIRTY = 1 << _PAGE_BIT_DIRTY
_PAGE_PSE = 1 << _PAGE_BIT_PSE
_PAGE_GLOBAL = 1 << _PAGE_BIT_GLOBAL
_PAGE_SPECIAL = 1 << _PAGE_BIT_SPECIAL
_PAGE_SOFT_DIRTY = 1 << _PAGE_BIT_SOFT_DIRTY
_PAGE_NX = 1 << _PAGE_BIT_NX
_PAGE_PROTNONE = 1 << _PAGE_BIT_PROTNONE
_PAGE_BIT_PAT = 7  # on 4 KiB pages (the PSE bit of a huge entry)
_PAGE_BIT_SOFTW4 = 58
_PAGE_BIT_DEVMAP = _PAGE_BIT_SOFTW4
_PAGE_PAT = 1 << _PAGE_BIT_PAT
_PAGE_DEVMAP = 1 << _PAGE_BIT_DEVMAP
_PAGE_UFFD_WP = 0  # CONFIG_HAVE_ARCH_USERFAULTFD_WP is off in the modelled configuration
_PAGE_CC = 0  # cc_mask: no confidential-computing encryption bit on the lab's machine

# An upper-level entry pointing at a user page table (without memory encryption)
_PAGE_TABLE_NOENC = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY
# The physical frame's bits of an entry: 12..51
PTE_PFN_MASK = ((1 << __PHYSICAL_MASK_SHIFT) - 1) & PAGE_MASK

# The bits pte_modify() keeps: pfn, caching, accessed/dirty, soft-dirty, devmap
_COMMON_PAGE_CHG_MASK = (PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL | _PAGE_ACCESSED
                         | _PAGE_DIRTY | _PAGE_SOFT_DIRTY | _PAGE_DEVMAP | _PAGE_CC
                         | _PAGE_UFFD_WP)
_PAGE_CHG_MASK = _COMMON_PAGE_CHG_MASK | _PAGE_PAT
_PAGE_BIT_PAT_LARGE = 12  # on 2 MiB or 1 GiB pages
_PAGE_PAT_LARGE = 1 << _PAGE_BIT_PAT_LARGE
_HPAGE_CHG_MASK = _COMMON_PAGE_CHG_MASK | _PAGE_PSE | _PAGE_PAT_LARGE  # the same, for a huge one

# The protections of user pages (pgprot_t in C: the argument of __pg()). PAGE_NONE is not
# present; its _PAGE_GLOBAL bit is _PAGE_PROTNONE, which marks a PROT_NONE entry.
PAGE_NONE = _PAGE_ACCESSED | _PAGE_GLOBAL
PAGE_SHARED = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX
PAGE_SHARED_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED
PAGE_COPY_NOEXEC = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX
PAGE_COPY_EXEC = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED
PAGE_COPY = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX  # no RW: copy on write
PAGE_READONLY = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX
PAGE_READONLY_EXEC = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED

#: (short name, mask) of the PTE bits, lowest first, as page-table dumps label them.
PTE_BIT_NAMES = (
    ("P", _PAGE_PRESENT),
    ("RW", _PAGE_RW),
    ("US", _PAGE_USER),
    ("PWT", _PAGE_PWT),
    ("PCD", _PAGE_PCD),
    ("A", _PAGE_ACCESSED),
    ("D", _PAGE_DIRTY),
    ("PSE", _PAGE_PSE),
    ("G", _PAGE_GLOBAL),
    ("SD", _PAGE_SOFT_DIRTY),
    ("NX", _PAGE_NX),
)


# -- asm/pgtable.h ---------------------------------------------------------------------------
def pgprot_modify(oldprot: int, newprot: int) -> int:
    """New protection bits, keeping the old ones that _PAGE_CHG_MASK protects."""
    return (oldprot & _PAGE_CHG_MASK) | (newprot & ~_PAGE_CHG_MASK)


def pte_modify(pte: int, newprot: int) -> int:
    """The entry with newprot's protection bits: what mprotect() does to a present PTE."""
    return (pte & _PAGE_CHG_MASK) | (newprot & ~_PAGE_CHG_MASK & (2**64 - 1))
