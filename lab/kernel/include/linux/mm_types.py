# SPDX-License-Identifier: GPL-2.0-only
"""Fault results VM_FAULT_* and fault kinds FAULT_FLAG_*: the enums of include/linux/mm_types.h."""

from __future__ import annotations

# What a page fault handler returns (a vm_fault_t bit mask)
VM_FAULT_OOM = 0x000001
VM_FAULT_SIGBUS = 0x000002
VM_FAULT_MAJOR = 0x000004  # the page was read from storage
VM_FAULT_WRITE = 0x000008
VM_FAULT_HWPOISON = 0x000010
VM_FAULT_HWPOISON_LARGE = 0x000020
VM_FAULT_SIGSEGV = 0x000040
VM_FAULT_NOPAGE = 0x000100  # ->fault installed the pte itself
VM_FAULT_LOCKED = 0x000200  # ->fault returned the page locked
VM_FAULT_RETRY = 0x000400  # ->fault dropped the mmap lock; try again
VM_FAULT_FALLBACK = 0x000800  # the huge page fault failed; use small pages
VM_FAULT_DONE_COW = 0x001000
VM_FAULT_NEEDDSYNC = 0x002000
VM_FAULT_COMPLETED = 0x004000
VM_FAULT_HINDEX_MASK = 0x0F0000

VM_FAULT_ERROR = (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON
                  | VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK)

# What kind of fault it is (enum fault_flag)
FAULT_FLAG_WRITE = 1 << 0
FAULT_FLAG_MKWRITE = 1 << 1
FAULT_FLAG_ALLOW_RETRY = 1 << 2
FAULT_FLAG_RETRY_NOWAIT = 1 << 3
FAULT_FLAG_KILLABLE = 1 << 4
FAULT_FLAG_TRIED = 1 << 5
FAULT_FLAG_USER = 1 << 6
FAULT_FLAG_REMOTE = 1 << 7
FAULT_FLAG_INSTRUCTION = 1 << 8
FAULT_FLAG_INTERRUPTIBLE = 1 << 9
FAULT_FLAG_UNSHARE = 1 << 10
FAULT_FLAG_ORIG_PTE_VALID = 1 << 11

VM_FAULT_NAMES = tuple((k, v) for k, v in globals().items()
                       if k.startswith("VM_FAULT_") and k not in ("VM_FAULT_ERROR",
                                                                   "VM_FAULT_HINDEX_MASK"))
FAULT_FLAG_NAMES = tuple((k, v) for k, v in globals().items() if k.startswith("FAULT_FLAG_"))
