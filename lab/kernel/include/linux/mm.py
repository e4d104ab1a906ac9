# SPDX-License-Identifier: GPL-2.0-only
"""VM_* VMA flags and FOLL_* gup flags of include/linux/mm.h, as x86-64 6.1 builds them.

The #ifdefs follow the configuration the lab models (lab.source.cindex.KERNEL_CONFIG):
CONFIG_MEM_SOFT_DIRTY and protection keys on, CONFIG_STACK_GROWSUP and
CONFIG_HAVE_ARCH_USERFAULTFD_MINOR off. VM_DATA_DEFAULT_FLAGS is x86's choice from
arch/x86/include/asm/page_types.h. SMAPS_MNEMONICS follows show_smap_vma_flags() in
fs/proc/task_mmu.c.
"""

from __future__ import annotations

from lab.kernel.include.linux import mm_types
from lab.kernel.include.uapi import personality as _personality

VM_NONE = 0x00000000

VM_READ = 0x00000001  # currently active flags
VM_WRITE = 0x00000002
VM_EXEC = 0x00000004
VM_SHARED = 0x00000008

# mprotect() relies on VM_MAYREAD >> 4 == VM_READ, and so for the w and x bits.
VM_MAYREAD = 0x00000010  # limits for mprotect() etc
VM_MAYWRITE = 0x00000020
VM_MAYEXEC = 0x00000040
VM_MAYSHARE = 0x00000080

VM_GROWSDOWN = 0x00000100
VM_UFFD_MISSING = 0x00000200
VM_PFNMAP = 0x00000400  # page ranges without struct page, just PFNs
VM_UFFD_WP = 0x00001000

VM_LOCKED = 0x00002000
VM_IO = 0x00004000

VM_SEQ_READ = 0x00008000  # madvise(MADV_SEQUENTIAL)
VM_RAND_READ = 0x00010000  # madvise(MADV_RANDOM)

VM_DONTCOPY = 0x00020000  # not copied on fork
VM_DONTEXPAND = 0x00040000  # cannot grow with mremap()
VM_LOCKONFAULT = 0x00080000  # lock pages when they are faulted in
VM_ACCOUNT = 0x00100000  # charged to the overcommit accounting
VM_NORESERVE = 0x00200000
VM_HUGETLB = 0x00400000
VM_SYNC = 0x00800000  # synchronous page faults (MAP_SYNC)
VM_ARCH_1 = 0x01000000
VM_WIPEONFORK = 0x02000000
VM_DONTDUMP = 0x04000000
VM_SOFTDIRTY = 0x08000000  # CONFIG_MEM_SOFT_DIRTY=y on x86-64
VM_MIXEDMAP = 0x10000000
VM_HUGEPAGE = 0x20000000  # madvise(MADV_HUGEPAGE)
VM_NOHUGEPAGE = 0x40000000
VM_MERGEABLE = 1 << 31  # KSM may merge identical pages

# CONFIG_ARCH_USES_HIGH_VMA_FLAGS: bits above 31, only on 64-bit
VM_HIGH_ARCH_BIT_0 = 32
VM_HIGH_ARCH_BIT_1 = 33
VM_HIGH_ARCH_BIT_2 = 34
VM_HIGH_ARCH_BIT_3 = 35
VM_HIGH_ARCH_BIT_4 = 36
VM_HIGH_ARCH_0 = 1 << VM_HIGH_ARCH_BIT_0
VM_HIGH_ARCH_1 = 1 << VM_HIGH_ARCH_BIT_1
VM_HIGH_ARCH_2 = 1 << VM_HIGH_ARCH_BIT_2
VM_HIGH_ARCH_3 = 1 << VM_HIGH_ARCH_BIT_3
VM_HIGH_ARCH_4 = 1 << VM_HIGH_ARCH_BIT_4

# CONFIG_ARCH_HAS_PKEYS: a 4-bit protection key on x86
VM_PKEY_SHIFT = VM_HIGH_ARCH_BIT_0
VM_PKEY_BIT0 = VM_HIGH_ARCH_0
VM_PKEY_BIT1 = VM_HIGH_ARCH_1
VM_PKEY_BIT2 = VM_HIGH_ARCH_2
VM_PKEY_BIT3 = VM_HIGH_ARCH_3
VM_PKEY_BIT4 = 0  # powerpc only
# arch/x86/include/asm/pkeys.h (not kept in kernel_src)
ARCH_VM_PKEY_FLAGS = VM_PKEY_BIT0 | VM_PKEY_BIT1 | VM_PKEY_BIT2 | VM_PKEY_BIT3

VM_PAT = VM_ARCH_1  # x86: PAT reserves the whole VMA at once
VM_MTE = VM_NONE  # arm64 only
VM_MTE_ALLOWED = VM_NONE
VM_GROWSUP = VM_NONE  # x86 stacks grow down only
# Off in the modelled config; a distribution kernel with USERFAULTFD selects it on x86-64,
# making this BIT(37) (smaps "ui"). Only userfaultfd registration sets it.
VM_UFFD_MINOR = VM_NONE

VM_STACK = VM_GROWSDOWN
VM_STACK_EARLY = 0
# Bits set in the VMA until the stack is in its final location
VM_STACK_INCOMPLETE_SETUP = VM_RAND_READ | VM_SEQ_READ | VM_STACK_EARLY

VM_DATA_FLAGS_NON_EXEC = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC
VM_DATA_FLAGS_EXEC = VM_READ | VM_WRITE | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC

VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC
# Special VMAs: never merged, never mlock()ed
VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP
VM_NO_KHUGEPAGED = VM_SPECIAL | VM_HUGETLB
VM_INIT_DEF_MASK = VM_NOHUGEPAGE  # the mm->def_flags a child inherits
# C's ~(...) of an int, as the unsigned long vm_flags it is ANDed with
VM_LOCKED_CLEAR_MASK = ~(VM_LOCKED | VM_LOCKONFAULT) & (2**64 - 1)
VM_ARCH_CLEAR = VM_NONE
VM_FLAGS_CLEAR = ARCH_VM_PKEY_FLAGS | VM_ARCH_CLEAR  # cleared by mprotect()

FAULT_FLAG_DEFAULT = (mm_types.FAULT_FLAG_ALLOW_RETRY | mm_types.FAULT_FLAG_KILLABLE
                      | mm_types.FAULT_FLAG_INTERRUPTIBLE)

VM_UNMAPPED_AREA_TOPDOWN = 1  # vm_unmapped_area_info.flags

# change_protection()'s cp_flags
MM_CP_TRY_CHANGE_WRITABLE = 1 << 0  # make PTEs writable where no fault needs to see the write
MM_CP_PROT_NUMA = 1 << 1  # NUMA balancing's PROT_NONE hinting
MM_CP_UFFD_WP = 1 << 2  # userfaultfd write-protect
MM_CP_UFFD_WP_RESOLVE = 1 << 3  # userfaultfd write-unprotect
MM_CP_UFFD_WP_ALL = MM_CP_UFFD_WP | MM_CP_UFFD_WP_RESOLVE

FOLL_WRITE = 0x01  # check pte is writable
FOLL_TOUCH = 0x02  # mark page accessed
FOLL_GET = 0x04  # do get_page on page
FOLL_DUMP = 0x08  # give error on hole if it would be zero
FOLL_FORCE = 0x10  # get_user_pages read/write w/o permission
FOLL_NOWAIT = 0x20  # start the IO and return without waiting for it
FOLL_NOFAULT = 0x80  # do not fault in pages
FOLL_HWPOISON = 0x100  # check page is hwpoisoned
FOLL_MIGRATION = 0x400  # wait for page to replace migration entry
FOLL_TRIED = 0x800  # a retry, previous pass started an IO
FOLL_REMOTE = 0x2000  # we are working on non-current tsk/mm
FOLL_ANON = 0x8000  # don't do file mappings
FOLL_LONGTERM = 0x10000  # mapping lifetime is indefinite
FOLL_SPLIT_PMD = 0x20000  # split huge pmd before returning
FOLL_PIN = 0x40000  # pages must be released via unpin_user_page
FOLL_FAST_ONLY = 0x80000  # gup_fast: prevent fall-back to slow gup


# The C macros below read current->personality; the twin passes the personality in.
def TASK_EXEC(personality: int) -> int:
    """VM_EXEC when the personality has READ_IMPLIES_EXEC, else 0."""
    return VM_EXEC if personality & _personality.READ_IMPLIES_EXEC else 0


def VM_DATA_FLAGS_TSK_EXEC(personality: int) -> int:
    return (VM_READ | VM_WRITE | TASK_EXEC(personality)
            | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)


def VM_DATA_DEFAULT_FLAGS(personality: int) -> int:
    """x86 (page_types.h) makes data executable only under READ_IMPLIES_EXEC."""
    return VM_DATA_FLAGS_TSK_EXEC(personality)


def VM_STACK_DEFAULT_FLAGS(personality: int) -> int:
    return VM_DATA_DEFAULT_FLAGS(personality)


def VM_STACK_FLAGS(personality: int) -> int:
    return VM_STACK | VM_STACK_DEFAULT_FLAGS(personality) | VM_ACCOUNT


#: (name, flag) of every VM_* bit x86-64 uses, lowest bit first; bit 24 is VM_PAT here.
VM_FLAG_NAMES = (
    ("VM_READ", VM_READ), ("VM_WRITE", VM_WRITE), ("VM_EXEC", VM_EXEC),
    ("VM_SHARED", VM_SHARED), ("VM_MAYREAD", VM_MAYREAD), ("VM_MAYWRITE", VM_MAYWRITE),
    ("VM_MAYEXEC", VM_MAYEXEC), ("VM_MAYSHARE", VM_MAYSHARE), ("VM_GROWSDOWN", VM_GROWSDOWN),
    ("VM_UFFD_MISSING", VM_UFFD_MISSING), ("VM_PFNMAP", VM_PFNMAP), ("VM_UFFD_WP", VM_UFFD_WP),
    ("VM_LOCKED", VM_LOCKED), ("VM_IO", VM_IO), ("VM_SEQ_READ", VM_SEQ_READ),
    ("VM_RAND_READ", VM_RAND_READ), ("VM_DONTCOPY", VM_DONTCOPY),
    ("VM_DONTEXPAND", VM_DONTEXPAND), ("VM_LOCKONFAULT", VM_LOCKONFAULT),
    ("VM_ACCOUNT", VM_ACCOUNT), ("VM_NORESERVE", VM_NORESERVE), ("VM_HUGETLB", VM_HUGETLB),
    ("VM_SYNC", VM_SYNC), ("VM_PAT", VM_PAT), ("VM_WIPEONFORK", VM_WIPEONFORK),
    ("VM_DONTDUMP", VM_DONTDUMP), ("VM_SOFTDIRTY", VM_SOFTDIRTY), ("VM_MIXEDMAP", VM_MIXEDMAP),
    ("VM_HUGEPAGE", VM_HUGEPAGE), ("VM_NOHUGEPAGE", VM_NOHUGEPAGE),
    ("VM_MERGEABLE", VM_MERGEABLE), ("VM_PKEY_BIT0", VM_PKEY_BIT0),
    ("VM_PKEY_BIT1", VM_PKEY_BIT1), ("VM_PKEY_BIT2", VM_PKEY_BIT2),
    ("VM_PKEY_BIT3", VM_PKEY_BIT3),
)

#: (name, flag) of the FOLL_* gup flags, for showing gup_flags bit by bit.
FOLL_NAMES = tuple((name, value) for name, value in globals().items()
                   if name.startswith("FOLL_") and isinstance(value, int))

#: show_smap_vma_flags()'s table for x86-64: (flag, mnemonic), lowest bit first, which is
#: the order smaps prints them. A set bit with no entry prints "??" (VM_LOCKONFAULT does).
SMAPS_MNEMONICS = (
    (VM_READ, "rd"), (VM_WRITE, "wr"), (VM_EXEC, "ex"), (VM_SHARED, "sh"),
    (VM_MAYREAD, "mr"), (VM_MAYWRITE, "mw"), (VM_MAYEXEC, "me"), (VM_MAYSHARE, "ms"),
    (VM_GROWSDOWN, "gd"), (VM_UFFD_MISSING, "um"), (VM_PFNMAP, "pf"), (VM_UFFD_WP, "uw"),
    (VM_LOCKED, "lo"), (VM_IO, "io"), (VM_SEQ_READ, "sr"), (VM_RAND_READ, "rr"),
    (VM_DONTCOPY, "dc"), (VM_DONTEXPAND, "de"), (VM_ACCOUNT, "ac"), (VM_NORESERVE, "nr"),
    (VM_HUGETLB, "ht"), (VM_SYNC, "sf"), (VM_ARCH_1, "ar"), (VM_WIPEONFORK, "wf"),
    (VM_DONTDUMP, "dd"), (VM_SOFTDIRTY, "sd"), (VM_MIXEDMAP, "mm"), (VM_HUGEPAGE, "hg"),
    (VM_NOHUGEPAGE, "nh"), (VM_MERGEABLE, "mg"),
)
#: Bits whose mnemonic is "": never printed in VmFlags ("These come out via ProtectionKey").
SMAPS_SILENT = (VM_PKEY_BIT0, VM_PKEY_BIT1, VM_PKEY_BIT2, VM_PKEY_BIT3)

_MNEMONICS = {flag.bit_length() - 1: m for flag, m in SMAPS_MNEMONICS} | {
    flag.bit_length() - 1: "" for flag in SMAPS_SILENT}


def smaps_vmflags(vm_flags: int) -> list[str]:
    """The VmFlags line of /proc/PID/smaps for these flags, as show_smap_vma_flags() writes it."""
    out = []
    for i in range(64):  # BITS_PER_LONG
        mnemonic = _MNEMONICS.get(i, "??")
        if not mnemonic:
            continue
        if vm_flags & (1 << i):
            out.append(mnemonic)
    return out
