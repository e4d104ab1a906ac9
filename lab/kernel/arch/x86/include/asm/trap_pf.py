# SPDX-License-Identifier: GPL-2.0-only
"""The page-fault error code the CPU pushes (arch/x86/include/asm/trap_pf.h).

Bit 0 clear: no page was found; set: a protection fault (the page was present). Bit 1: a
write. Bit 2: the access came from user mode. The lab's user accesses set these bits as the
CPU would and hand them to handle_page_fault().
"""

X86_PF_PROT = 1 << 0  # a protection fault: the entry was present
X86_PF_WRITE = 1 << 1  # a write access
X86_PF_USER = 1 << 2  # from user mode
X86_PF_RSVD = 1 << 3  # a reserved bit was set in an entry
X86_PF_INSTR = 1 << 4  # an instruction fetch
X86_PF_PK = 1 << 5  # blocked by a protection key
X86_PF_SGX = 1 << 15  # an SGX MMU page fault
