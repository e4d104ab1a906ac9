# SPDX-License-Identifier: GPL-2.0-only
"""Narration: what the current C line does and why, in plain words.

Most of it is derived, so no line goes without words: a line the lab does not model says why;
a `return -EXXX` says what that errno means; an `if` says what it checks and, from the next
step, whether it was taken; a call names its callee; a loop summary says what was folded.
On top sits `SENTENCES`, hand-written words for the key statements of the chain, keyed by
the C function and the start of the statement's text (white space folded). Lessons extend
it with `SENTENCES.update(...)` (and `SENTENCES_ZH.update(...)` for the Chinese).

Every function takes `lang` ("en" or "zh"): the Chinese sentences are in narration_zh.py
under the same keys, and the derived text is one template per language (narration_i18n.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lab.kernel.include.uapi.errno import ERRNO_NAMES, MMAP_ERRNO_MEANINGS
from lab.stepping.capture import format_value
from lab.tui.i18n import t
from lab.tui.narration_i18n import note_words
from lab.tui.narration_zh import ERRNO_MEANINGS_ZH, NOT_MODELLED_ZH, SENTENCES_ZH
from lab.tui.scenario_errors import message_text

if TYPE_CHECKING:
    from lab.stepping.record import Step
    from lab.tui.model import StepView

#: (C function as the trace names it, start of the C statement) → what it does and why.
SENTENCES: dict[tuple[str, str], str] = {
    # arch/x86/kernel/sys_x86_64.c
    ("SYSCALL_DEFINE6(mmap)", "if (off & ~PAGE_MASK)"):
        "The system call's entry on x86-64. mmap(2) takes a byte offset, but the kernel "
        "works in pages: an offset that is not a multiple of 4096 is refused here.",
    ("SYSCALL_DEFINE6(mmap)", "return ksys_mmap_pgoff("):
        "Hands over to the architecture-independent code, turning the byte offset into a "
        "page offset (off >> PAGE_SHIFT).",
    # mm/mmap.c: ksys_mmap_pgoff
    ("ksys_mmap_pgoff", "if (!(flags & MAP_ANONYMOUS))"):
        "A file mapping needs a file: unless MAP_ANONYMOUS is given, fd must name one.",
    ("ksys_mmap_pgoff", "file = fget(fd);"):
        "Looks the file descriptor up in the process's file table and takes a reference.",
    ("ksys_mmap_pgoff", "if (flags & MAP_HUGETLB)"):
        "Anonymous huge pages are backed by a hidden file on the internal hugetlbfs mount.",
    ("ksys_mmap_pgoff", "retval = vm_mmap_pgoff("):
        "The common path of every mmap: security hook, the mmap lock, then do_mmap().",
    # mm/util.c: vm_mmap_pgoff
    ("vm_mmap_pgoff", "ret = security_mmap_file("):
        "Asks the security modules (and the capability checks) whether this mapping is "
        "allowed at all.",
    ("vm_mmap_pgoff", "if (mmap_write_lock_killable(mm))"):
        "Takes the address space's mmap lock for writing: the VMA tree is about to change.",
    ("vm_mmap_pgoff", "ret = do_mmap("):
        "do_mmap() checks the arguments, picks the address and creates the VMA; it tells "
        "us through `populate` whether pages must be faulted in afterwards.",
    ("vm_mmap_pgoff", "mmap_write_unlock(mm);"):
        "The VMA exists; the lock is dropped before any page is faulted in.",
    ("vm_mmap_pgoff", "if (populate)"):
        "MAP_POPULATE (or MAP_LOCKED) asked for the pages now, not at first touch.",
    ("vm_mmap_pgoff", "mm_populate(ret, populate);"):
        "Faults in every page of the new mapping, as if the process had touched each one.",
    # mm/mmap.c: do_mmap
    ("do_mmap", "if (!len)"):
        "A mapping of zero bytes makes no sense: mmap(2) says EINVAL.",
    ("do_mmap", "if ((prot & PROT_READ) && (current->personality & READ_IMPLIES_EXEC))"):
        "Old binaries (personality READ_IMPLIES_EXEC) get PROT_EXEC whenever they ask for "
        "PROT_READ.",
    ("do_mmap", "if (flags & MAP_FIXED_NOREPLACE)"):
        "MAP_FIXED_NOREPLACE is MAP_FIXED that refuses to replace what is already there.",
    ("do_mmap", "if (!(flags & MAP_FIXED))"):
        "Without MAP_FIXED the address is only a hint; a hint below vm.mmap_min_addr is "
        "raised to it.",
    ("do_mmap", "len = PAGE_ALIGN(len);"):
        "Mappings are made of whole pages: the length is rounded up to a multiple of 4096.",
    ("do_mmap", "if ((pgoff + (len >> PAGE_SHIFT)) < pgoff)"):
        "Careful about overflows: the page offset of the mapping's end must not wrap.",
    ("do_mmap", "if (mm->map_count > sysctl_max_map_count)"):
        "A process may have at most vm.max_map_count mappings (65530 by default).",
    ("do_mmap", "addr = get_unmapped_area("):
        "Chooses where the mapping goes: the hint if it is free, else the highest free gap "
        "below mmap_base (top-down), or exactly addr with MAP_FIXED.",
    ("do_mmap", "if (IS_ERR_VALUE(addr))"):
        "get_unmapped_area() returns an address or, in the last page of the address space, "
        "a negative errno.",
    ("do_mmap", "vm_flags = calc_vm_prot_bits("):
        "Translates PROT_* and MAP_* into the VMA's VM_* flags; VM_MAYREAD, VM_MAYWRITE and "
        "VM_MAYEXEC say what mprotect() may later allow.",
    ("do_mmap", "if (flags & MAP_LOCKED)"):
        "MAP_LOCKED pins the pages in RAM, which needs CAP_IPC_LOCK or room under "
        "RLIMIT_MEMLOCK.",
    ("do_mmap", "if (mlock_future_check("):
        "Would locking this mapping go over RLIMIT_MEMLOCK? Then EAGAIN.",
    ("do_mmap", "if (file)"):
        "A file mapping: the file's open mode decides which permissions the mapping may "
        "have.",
    ("do_mmap", "if (!file_mmap_ok("):
        "The offset and length must fit in what the file's type can address.",
    ("do_mmap", "switch (flags & MAP_TYPE)"):
        "The mapping type: MAP_SHARED (writes reach the file), MAP_PRIVATE (copy-on-write) "
        "or MAP_SHARED_VALIDATE (shared, and unknown flags are an error).",
    ("do_mmap", "if (!(file->f_mode & FMODE_WRITE))"):
        "A shared writable mapping writes to the file, so the file must be open for "
        "writing.",
    ("do_mmap", "if (!(file->f_mode & FMODE_READ))"):
        "Every file mapping reads the file, so it must be open for reading.",
    ("do_mmap", "if (path_noexec(&file->f_path))"):
        "Files on a noexec mount may be mapped, but never executable.",
    ("do_mmap", "if (!file->f_op->mmap)"):
        "The file's filesystem or driver must know how to be mapped.",
    ("do_mmap", "vm_flags |= VM_SHARED | VM_MAYSHARE;"):
        "A shared mapping: every process mapping this memory sees the same pages.",
    ("do_mmap", "pgoff = addr >> PAGE_SHIFT;"):
        "Set pgoff according to addr for anon_vma: anonymous pages are indexed by address.",
    ("do_mmap", "if (flags & MAP_NORESERVE)"):
        "MAP_NORESERVE: do not count this mapping against the overcommit limit (unless "
        "overcommit is 'never').",
    ("do_mmap", "addr = mmap_region("):
        "mmap_region() does the work: accounting, merging with a neighbour or allocating a "
        "new VMA, and inserting it into the tree.",
    ("do_mmap", "if (!IS_ERR_VALUE(addr) && ((vm_flags & VM_LOCKED)"):
        "Were the pages asked for now (MAP_POPULATE without MAP_NONBLOCK, or MAP_LOCKED)?",
    ("do_mmap", "*populate = len;"):
        "Tells vm_mmap_pgoff() how much to populate once the lock is dropped.",
    # get_unmapped_area and the top-down allocator
    ("get_unmapped_area", "if (len > TASK_SIZE)"):
        "No mapping can be larger than the user address space (128 TiB on x86-64).",
    ("get_unmapped_area", "get_area = current->mm->get_unmapped_area;"):
        "The process's allocator: top-down from mmap_base, as x86-64 sets it up.",
    ("get_unmapped_area", "addr = get_area("):
        "Asks the allocator for a free range of len bytes.",
    ("get_unmapped_area", "error = security_mmap_addr(addr);"):
        "Addresses below vm.mmap_min_addr need CAP_SYS_RAWIO (a guard against NULL "
        "dereference exploits).",
    ("arch_get_unmapped_area_topdown", "if (flags & MAP_FIXED)"):
        "MAP_FIXED: the caller's address is taken as it is.",
    ("arch_get_unmapped_area_topdown", "if (addr)"):
        "A hint: used if the range there is free, including the stack's guard gap.",
    ("arch_get_unmapped_area_topdown", "info.high_limit = get_mmap_base(0);"):
        "Search downwards from mmap_base, the top of the mmap area below the stack.",
    ("arch_get_unmapped_area_topdown", "addr = vm_unmapped_area(&info);"):
        "Finds the highest gap in the VMA tree that is big enough.",
    ("unmapped_area_topdown", "if (mas_empty_area_rev("):
        "Walks the maple tree of VMAs backwards for an empty range of the length asked.",
    ("unmapped_area_topdown", "gap = mas.last + 1 - info->length;"):
        "Takes the top end of the gap, so the mapping sits just below its upper neighbour.",
    # mmap_region / __mmap_region
    ("mmap_region", "ret = __mmap_region("):
        "Linux 6.1.192 splits the old mmap_region(): the work is in __mmap_region().",
    ("__mmap_region", "if (!may_expand_vm("):
        "Checks RLIMIT_AS and RLIMIT_DATA against the process's total and data mappings.",
    ("__mmap_region", "if (do_mas_munmap("):
        "Unmaps whatever is in the way (only MAP_FIXED can ask for an occupied range).",
    ("__mmap_region", "if (accountable_mapping("):
        "Private writable memory is promised to the process: it counts against overcommit.",
    ("__mmap_region", "if (security_vm_enough_memory_mm("):
        "The overcommit policy decides whether the kernel may promise this much memory.",
    ("__mmap_region", "next = mas_next("):
        "Finds the neighbours above and below: the new range may extend one of them.",
    ("__mmap_region", "if (next && next->vm_start == end"):
        "Can the mapping merge with the VMA just above it (same flags, file and offset)?",
    ("__mmap_region", "if (prev && prev->vm_end == addr"):
        "Can the mapping merge with the VMA just below it?",
    ("__mmap_region", "if (vma && !vma_expand("):
        "A neighbour fits: it is expanded to cover the new range, and no VMA is allocated.",
    ("__mmap_region", "vma = vm_area_alloc(mm);"):
        "No merge: a new struct vm_area_struct is allocated for the mapping.",
    ("__mmap_region", "vma->vm_start = addr;"):
        "Fills in the new VMA: its range, flags, page protection and offset.",
    ("__mmap_region", "vma->vm_page_prot = vm_get_page_prot(vm_flags);"):
        "The PTE bits every page of this VMA will get, derived from its VM_* flags.",
    ("__mmap_region", "error = mmap_file(file, vma);"):
        "The file's own ->mmap() method sets the mapping up (and may refuse it).",
    ("__mmap_region", "error = shmem_zero_setup(vma);"):
        "Shared anonymous memory is backed by a file on the internal shmem mount "
        "(/dev/zero (deleted) in maps).",
    ("__mmap_region", "vma_set_anonymous(vma);"):
        "Private anonymous memory has no file: its pages come from the zero page or fresh "
        "frames at fault time.",
    ("__mmap_region", "vma_mas_store(vma, &mas);"):
        "Inserts the VMA into the maple tree: from now on it appears in /proc/PID/maps.",
    ("__mmap_region", "mm->map_count++;"):
        "One more mapping counts against vm.max_map_count.",
    ("__mmap_region", "vm_stat_account("):
        "Adds the pages to the process's counters (total_vm, data_vm, ...).",
    ("__mmap_region", "vma->vm_flags |= VM_SOFTDIRTY;"):
        "New mappings are soft-dirty, so tools tracking memory writes see them.",
    ("__mmap_region", "return addr;"):
        "The mapping exists: its address goes back up to the caller, pages not yet present.",
    # populate
    ("__mm_populate", "for (nstart = start; nstart < end; nstart = nend)"):
        "Walks the range VMA by VMA, faulting in each part.",
    ("__mm_populate", "ret = populate_vma_page_range("):
        "Faults in the pages of this VMA's part of the range.",
    ("populate_vma_page_range", "gup_flags = FOLL_TOUCH;"):
        "get_user_pages flags: FOLL_TOUCH marks the pages accessed, as a real touch would.",
    ("populate_vma_page_range", "if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)"):
        "A private writable mapping is populated for writing (FOLL_WRITE), so copy-on-write "
        "happens now and later writes do not fault.",
    ("populate_vma_page_range", "if (vma_is_accessible(vma))"):
        "FOLL_FORCE lets the walk go ahead whatever the protection (the VMA is accessible).",
    ("populate_vma_page_range", "ret = __get_user_pages("):
        "The generic page walker: for each page, find it in the page tables or fault it in.",
    ("__get_user_pages", "page = follow_page_mask("):
        "Walks the page tables for this address: is a page already mapped there?",
    ("__get_user_pages", "if (!page || PTR_ERR(page) == -EMLINK)"):
        "No page mapped yet: it has to be faulted in.",
    ("__get_user_pages", "ret = faultin_page("):
        "Takes the page fault on the process's behalf.",
    ("__get_user_pages", "start += page_increm * PAGE_SIZE;"):
        "On to the next page.",
    ("faultin_page", "if (*flags & FOLL_WRITE)"):
        "A write fault (FAULT_FLAG_WRITE) for a FOLL_WRITE walk.",
    ("faultin_page", "ret = handle_mm_fault("):
        "The page-fault handler every fault goes through, from the CPU or from gup.",
    ("handle_mm_fault", "ret = __handle_mm_fault("):
        "Allocates the missing page-table levels on the way down to the PTE.",
    ("__handle_mm_fault", "pgd = pgd_offset(mm, address);"):
        "Bits 47-39 of the address index the PGD, the top-level table (CR3 points at it).",
    ("__handle_mm_fault", "vmf.pud = pud_alloc("):
        "Bits 38-30 index the PUD; its table is allocated if it is missing.",
    ("__handle_mm_fault", "vmf.pmd = pmd_alloc("):
        "Bits 29-21 index the PMD; its table is allocated if it is missing.",
    ("__handle_mm_fault", "return handle_pte_fault(&vmf);"):
        "Down to the last level: bits 20-12 index the PTE.",
    ("handle_pte_fault", "if (pte_none(vmf->orig_pte))"):
        "An empty PTE: this page has never been touched.",
    ("handle_pte_fault", "return do_anonymous_page(vmf);"):
        "Anonymous memory: a new page (or the zero page) is mapped.",
    ("handle_pte_fault", "return do_fault(vmf);"):
        "File-backed memory: the page comes from the page cache.",
    ("do_anonymous_page", "if (!(vmf->flags & FAULT_FLAG_WRITE) && !mm_forbids_zeropage("):
        "A read of untouched anonymous memory maps the shared zero page, read-only: no "
        "memory is used until the first write.",
    ("do_anonymous_page", "if (pte_alloc("):
        "Allocates the PTE table if this is the first page in its 2 MiB.",
    ("do_anonymous_page", "page = alloc_zeroed_user_highpage_movable("):
        "A write: a fresh page frame is allocated and zeroed (no data leaks between "
        "processes).",
    ("do_anonymous_page", "entry = mk_pte(page, vma->vm_page_prot);"):
        "Builds the PTE: the frame's number (PFN) and the VMA's protection bits.",
    ("do_anonymous_page", "entry = pte_mkwrite(pte_mkdirty(entry));"):
        "A writable mapping: the PTE gets RW, and is dirty already (the write is coming).",
    ("do_anonymous_page", "inc_mm_counter_fast("):
        "One more anonymous page in the process's Rss.",
    ("do_anonymous_page", "set_pte_at("):
        "Writes the PTE: from now on the MMU translates this address to the new frame.",
    ("do_anonymous_page", "if (vma->vm_flags & VM_WRITE)"):
        "Only a writable mapping gets a writable PTE; otherwise the PTE stays read-only.",
    ("do_anonymous_page", "if (!pte_none(*vmf->pte))"):
        "Someone else may have filled the PTE meanwhile (another thread faulting the same "
        "page): then there is nothing left to do.",
    ("do_anonymous_page", "page_add_new_anon_rmap("):
        "Records the reverse mapping (page → VMA), so reclaim can later find who maps it.",
    ("do_anonymous_page", "lru_cache_add_inactive_or_unevictable("):
        "Puts the page on an LRU list, where reclaim can find it (or on the unevictable "
        "list, for VM_LOCKED memory).",
    ("do_anonymous_page", "entry = pte_mkspecial(pfn_pte(my_zero_pfn("):
        "The PTE points at the zero page: one frame of zeros shared by every process.",
    ("do_anonymous_page", "update_mmu_cache("):
        "Tells the architecture a PTE changed (nothing to do on x86: the TLB had no entry).",
    # arch/x86/mm/fault.c: the CPU's page fault
    ("handle_page_fault", "if (unlikely(fault_in_kernel_space("):
        "Was the faulting address in the kernel's half? Not here: a user address.",
    ("handle_page_fault", "do_user_addr_fault("):
        "A fault on a user address: the common case, handled against the process's VMAs.",
    ("handle_page_fault", "if (unlikely(kmmio_fault("):
        "Only for kernel MMIO tracing; a normal fault goes on.",
    ("do_user_addr_fault", "if (unlikely(error_code & X86_PF_RSVD))"):
        "A reserved bit set in a page-table entry would mean a corrupted table.",
    ("do_user_addr_fault", "if (unlikely(cpu_feature_enabled(X86_FEATURE_SMAP)"):
        "SMAP: the kernel itself may not touch user memory by accident.",
    ("do_user_addr_fault", "unsigned int flags = FAULT_FLAG_DEFAULT;"):
        "The fault flags start with the defaults (the fault may be retried or killed).",
    ("do_user_addr_fault", "if (user_mode(regs))"):
        "The fault came from user space: interrupts back on, and FAULT_FLAG_USER below.",
    ("do_user_addr_fault", "flags |= FAULT_FLAG_USER;"):
        "Marks the fault as taken on behalf of user space.",
    ("do_user_addr_fault", "if (error_code & X86_PF_WRITE)"):
        "The CPU's error code says whether the access was a write (bit 1).",
    ("do_user_addr_fault", "flags |= FAULT_FLAG_WRITE;"):
        "A write: the handler must give a writable page (and copy it if it is shared).",
    ("do_user_addr_fault", "if (error_code & X86_PF_INSTR)"):
        "An instruction fetch (bit 4): the page must be executable.",
    ("do_user_addr_fault", "vma = lock_mm_and_find_vma("):
        "Takes the mmap lock for reading and finds the VMA that holds the address.",
    ("do_user_addr_fault", "if (unlikely(!vma))"):
        "No VMA holds this address: the access is outside every mapping, so SIGSEGV "
        "(SEGV_MAPERR).",
    ("do_user_addr_fault", "if (unlikely(access_error("):
        "A VMA holds the address, but does it allow this access? If not, SIGSEGV "
        "(SEGV_ACCERR).",
    ("do_user_addr_fault", "fault = handle_mm_fault("):
        "The architecture-independent fault handler does the real work.",
    ("do_user_addr_fault", "if (unlikely(fault & VM_FAULT_RETRY))"):
        "The handler dropped the mmap lock to wait for I/O: take the fault again.",
    ("do_user_addr_fault", "flags |= FAULT_FLAG_TRIED;"):
        "The second attempt is marked, so it does not drop the lock a second time.",
    ("do_user_addr_fault", "mmap_read_unlock(mm);"):
        "The fault is handled: the mmap lock is released.",
    ("do_user_addr_fault", "if (likely(!(fault & VM_FAULT_ERROR)))"):
        "No error: the instruction that faulted is run again and now succeeds.",
    ("do_user_addr_fault", "if (fault & VM_FAULT_OOM)"):
        "Out of memory: the OOM killer decides who dies.",
    ("do_user_addr_fault", "if (fault & (VM_FAULT_SIGBUS"):
        "VM_FAULT_SIGBUS: the page cannot be provided (past the end of the file, or an I/O "
        "error), so the process gets SIGBUS.",
    ("do_user_addr_fault", "do_sigbus("):
        "Sends SIGBUS to the process: a database using mmap must handle this as an I/O "
        "error.",
    ("lock_mm_and_find_vma", "vma = find_vma(mm, addr);"):
        "Looks up the first VMA that ends above the address in the maple tree.",
    ("lock_mm_and_find_vma", "if (likely(vma && (vma->vm_start <= addr)))"):
        "The VMA ends above the address; does it also start at or below it?",
    ("access_error", "if (error_code & X86_PF_WRITE)"):
        "A write needs VM_WRITE in the VMA.",
    ("access_error", "if (unlikely(!(vma->vm_flags & VM_WRITE)))"):
        "A write to a VMA without VM_WRITE is a protection error.",
    ("access_error", "if (unlikely(error_code & X86_PF_PROT))"):
        "A read that hit a present page was refused by the protection bits.",
    ("access_error", "if (unlikely(!vma_is_accessible("):
        "A read needs VM_READ, VM_WRITE or VM_EXEC: a PROT_NONE VMA allows nothing.",
    # mm/memory.c: the generic fault handler
    ("handle_mm_fault", "if (!arch_vma_access_permitted("):
        "Memory protection keys could forbid the access; the lab's process uses none.",
    ("handle_mm_fault", "if (unlikely(is_vm_hugetlb_page(vma)))"):
        "hugetlb VMAs have their own fault handler; every other VMA goes through "
        "__handle_mm_fault().",
    ("handle_mm_fault", "count_vm_event(PGFAULT);"):
        "Counts the fault (pgfault in /proc/vmstat).",
    ("handle_mm_fault", "mm_account_fault("):
        "Counts it for the process too (min_flt or maj_flt, as getrusage and ps show).",
    ("__handle_mm_fault", "struct vm_fault vmf = {"):
        "A struct vm_fault carries everything about this fault down the handlers: VMA, "
        "page-aligned address, flags, page offset in the file.",
    ("__handle_mm_fault", "p4d = p4d_alloc("):
        "The P4D level is folded into the PGD with 4-level paging: the same entry.",
    ("__handle_mm_fault", "if (pmd_none(*vmf.pmd) && hugepage_vma_check("):
        "Could a transparent huge page map the whole 2 MiB at once? Only for a VMA that is "
        "large and aligned enough, with THP enabled.",
    ("__handle_mm_fault", "vmf.orig_pmd = *vmf.pmd;"):
        "Remembers the PMD as it was, to detect a concurrent change later.",
    ("handle_pte_fault", "if (unlikely(pmd_none(*vmf->pmd)))"):
        "No PTE table under this PMD yet: there is no PTE to look at.",
    ("handle_pte_fault", "vmf->pte = pte_offset_map("):
        "Finds the PTE for the address in its table.",
    ("handle_pte_fault", "vmf->orig_pte = *vmf->pte;"):
        "Copies the PTE as it is now.",
    ("handle_pte_fault", "if (!vmf->pte)"):
        "No PTE at all (no table, or an empty entry): a page has to be found or made.",
    ("handle_pte_fault", "if (vma_is_anonymous(vmf->vma))"):
        "Anonymous VMA (no vm_ops) or a file-backed one?",
    ("handle_pte_fault", "if (!pte_present(vmf->orig_pte))"):
        "A PTE that is not present but not empty holds a swap entry: the page is on swap.",
    ("handle_pte_fault", "if (vmf->flags & (FAULT_FLAG_WRITE|FAULT_FLAG_UNSHARE))"):
        "The page is present, so the fault is about permission: a write to a read-only PTE.",
    ("handle_pte_fault", "if (!pte_write(entry))"):
        "The PTE is read-only: copy-on-write (or a first write to a shared page).",
    ("handle_pte_fault", "return do_wp_page(vmf);"):
        "do_wp_page() handles a write to a write-protected page: copy it, or reuse it.",
    # mm/memory.c: file faults
    ("do_fault", "if (!vma->vm_ops->fault)"):
        "A file mapping whose driver has no fault handler cannot be faulted in: SIGBUS.",
    ("do_fault", "if (!(vmf->flags & FAULT_FLAG_WRITE))"):
        "A read fault: the page cache's page is mapped as it is.",
    ("do_fault", "ret = do_read_fault(vmf);"):
        "Maps the file's page read-only (and its neighbours, by fault-around).",
    ("do_fault", "if (!(vma->vm_flags & VM_SHARED))"):
        "A write to a private file mapping: the process gets its own copy of the page.",
    ("do_fault", "ret = do_cow_fault(vmf);"):
        "Copy-on-write: reads the file's page, then copies it into a new anonymous page.",
    ("do_fault", "ret = do_shared_fault(vmf);"):
        "A write to a shared file mapping: the page cache's page itself is mapped writable "
        "and marked dirty, so it will be written back to the file.",
    ("do_read_fault", "if (should_fault_around(vmf))"):
        "Maps not just this page but up to 16 neighbours already in the page cache "
        "(fault_around_bytes, 64 KiB): fewer faults for sequential reads.",
    ("do_read_fault", "ret = do_fault_around(vmf);"):
        "Maps the cached neighbours; if that mapped the faulting page too, we are done.",
    ("do_read_fault", "ret = __do_fault(vmf);"):
        "Asks the file system for the page (filemap_fault for ordinary files).",
    ("do_fault_around", "nr_pages = READ_ONCE(fault_around_bytes) >> PAGE_SHIFT;"):
        "How many pages fault-around may map: 64 KiB is 16 pages.",
    ("do_fault_around", "address = max(address & mask, vmf->vma->vm_start);"):
        "The window starts at the 64 KiB boundary below the fault, but not before the VMA.",
    ("do_fault_around", "return vmf->vma->vm_ops->map_pages("):
        "Maps whatever of the window is already in the page cache, without waiting for I/O.",
    ("__do_fault", "ret = vma->vm_ops->fault(vmf);"):
        "The mapping's own fault handler finds or reads the page.",
    ("__do_fault", "if (unlikely(ret & (VM_FAULT_ERROR"):
        "The handler failed (SIGBUS past the end of the file, say) or asked for a retry.",
    ("finish_fault", "if ((vmf->flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED))"):
        "A private write maps the copy, not the page cache's page.",
    ("finish_fault", "do_set_pte("):
        "Installs the PTE for the page.",
    ("do_set_pte", "entry = mk_pte(page, vma->vm_page_prot);"):
        "Builds the PTE from the page's frame number and the VMA's protection.",
    ("do_set_pte", "if (write)"):
        "A write fault: the PTE is made dirty and writable at once.",
    ("do_set_pte", "entry = maybe_mkwrite(pte_mkdirty(entry), vma);"):
        "Dirty, and writable if the VMA has VM_WRITE.",
    ("do_set_pte", "if (write && !(vma->vm_flags & VM_SHARED))"):
        "A private copy is an anonymous page; a shared one stays a file page.",
    ("do_set_pte", "page_add_file_rmap("):
        "Records that this VMA maps the page-cache page (the reverse map).",
    ("do_set_pte", "inc_mm_counter_fast("):
        "One more page in the process's Rss (RssFile for a page-cache page).",
    ("do_set_pte", "set_pte_at("):
        "Writes the PTE: the address now translates to the page-cache frame.",
    ("do_shared_fault", "ret = __do_fault(vmf);"):
        "Finds the page in the page cache (reading it from the file if needed).",
    ("do_shared_fault", "if (vma->vm_ops->page_mkwrite)"):
        "The file system may want to know before a page becomes writable (to reserve disk "
        "blocks).",
    ("do_shared_fault", "ret |= finish_fault(vmf);"):
        "Maps the page-cache page writable.",
    ("do_shared_fault", "ret |= fault_dirty_shared_page(vmf);"):
        "Marks the page dirty: writeback will write it to the file, at a time the kernel "
        "chooses, not the program.",
    ("fault_dirty_shared_page", "dirtied = set_page_dirty(page);"):
        "The page is dirty now: its file has unwritten changes in memory.",
    ("fault_dirty_shared_page", "balance_dirty_pages_ratelimited("):
        "Too many dirty pages? Then this process is throttled until writeback catches up: "
        "one of the I/O stalls a database cannot control.",
    ("fault_dirty_shared_page", "file_update_time("):
        "A write through the mapping updates the file's modification time.",
    # mm/filemap.c: the page cache
    ("filemap_fault", "max_idx = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);"):
        "How many pages the file has: its size rounded up to whole pages.",
    ("filemap_fault", "if (unlikely(index >= max_idx))"):
        "A page at or past the end of the file: there is nothing to map, so SIGBUS.",
    ("filemap_fault", "return VM_FAULT_SIGBUS;"):
        "VM_FAULT_SIGBUS goes back up to do_user_addr_fault(), which sends SIGBUS.",
    ("filemap_fault", "folio = filemap_get_folio(mapping, index);"):
        "Is the page already in the page cache?",
    ("filemap_fault", "if (likely(folio))"):
        "A page-cache hit: a minor fault, no I/O.",
    ("filemap_fault", "fpin = do_sync_mmap_readahead(vmf);"):
        "A miss: read this page (and, by readahead, the ones around it) from the file; "
        "the process waits for the disk.",
    ("filemap_fault", "ret = VM_FAULT_MAJOR;"):
        "A major fault: it needed I/O (maj_flt).",
    ("filemap_fault", "count_vm_event(PGMAJFAULT);"):
        "Counts the major fault (pgmajfault in /proc/vmstat).",
    ("filemap_fault", "folio = __filemap_get_folio("):
        "Finds or creates the page-cache page for this offset.",
    ("filemap_fault", "if (unlikely(!folio_test_uptodate(folio)))"):
        "Is the page's data read from disk yet?",
    ("filemap_fault", "vmf->page = folio_file_page("):
        "The page to map: the one at this offset of the file.",
    ("filemap_fault", "return ret | VM_FAULT_LOCKED;"):
        "Returns the page locked, for finish_fault() to map.",
    ("filemap_map_pages", "file_end = DIV_ROUND_UP(i_size_read("):
        "Fault-around never maps past the end of the file.",
    ("filemap_map_pages", "folio = first_map_page("):
        "The first page of the window that is in the page cache and ready.",
    ("filemap_map_pages", "do_set_pte("):
        "Maps one cached page of the window.",
    ("filemap_map_pages", "if (vmf->address == addr)"):
        "This one is the page that faulted: the fault is resolved.",
    ("filemap_map_pages", "if (!pte_none(*vmf->pte))"):
        "Already mapped: skip it.",
    # mm/memory.c: copy-on-write
    ("do_wp_page", "vmf->page = vm_normal_page("):
        "Which page is mapped read-only here (none for the zero page)?",
    ("do_wp_page", "if (folio_test_anon(folio))"):
        "An anonymous page that no one else maps can be reused in place: made writable, "
        "no copy.",
    ("do_wp_page", "return wp_page_copy(vmf);"):
        "Copy-on-write: the shared page is copied and the copy mapped writable.",
    ("wp_page_copy", "if (is_zero_pfn(pte_pfn(vmf->orig_pte)))"):
        "Copying the zero page is just allocating a zeroed page.",
    ("wp_page_copy", "if (likely(pte_same(*vmf->pte, vmf->orig_pte)))"):
        "Nobody changed the PTE meanwhile: the copy can replace the old page.",
    ("wp_page_copy", "entry = mk_pte(new_page, vma->vm_page_prot);"):
        "The new PTE points at the private copy.",
    ("wp_page_copy", "entry = maybe_mkwrite(pte_mkdirty(entry), vma);"):
        "The copy is dirty and writable: the write can go ahead.",
    ("wp_page_copy", "dec_mm_counter_fast(mm, mm_counter_file(old_page));"):
        "The page-cache page no longer counts in the process's RssFile.",
    ("wp_page_copy", "inc_mm_counter_fast(mm, MM_ANONPAGES);"):
        "The private copy counts as an anonymous page (RssAnon).",
    # mm/mmap.c: munmap
    ("do_mas_munmap", "if ((offset_in_page(start)) || start > TASK_SIZE"):
        "munmap(2) needs a page-aligned start inside the user address space: else EINVAL.",
    ("do_mas_munmap", "end = start + PAGE_ALIGN(len);"):
        "The range ends at the length rounded up to whole pages.",
    ("do_mas_munmap", "if (end == start)"):
        "A zero length is refused (EINVAL).",
    ("do_mas_munmap", "vma = mas_find(mas, end - 1);"):
        "The first VMA that overlaps the range, if any.",
    ("do_mas_munmap", "if (!vma)"):
        "Nothing is mapped in the range: munmap succeeds with nothing to do.",
    ("do_mas_munmap", "return do_mas_align_munmap("):
        "Removes the range: splits the VMAs at its edges, then unmaps what is inside.",
    ("do_mas_align_munmap", "if (start > vma->vm_start)"):
        "The range starts inside a VMA: split it, keeping the part below the range.",
    ("do_mas_align_munmap", "if (next->vm_end > end)"):
        "The range ends inside a VMA: split it, keeping the part above.",
    ("do_mas_align_munmap", "if (next->vm_flags & VM_LOCKED)"):
        "Locked memory is being unmapped: it stops counting against RLIMIT_MEMLOCK.",
    ("do_mas_align_munmap", "mm->map_count -= count;"):
        "The detached VMAs no longer count towards vm.max_map_count.",
    ("do_mas_align_munmap", "unmap_region("):
        "Clears the PTEs of the range and frees page tables that became empty.",
    ("do_mas_align_munmap", "remove_mt("):
        "Frees the detached VMAs and takes their pages off total_vm and the other counters.",
}


def _key(function: str, text: str) -> tuple[str, str] | None:
    """The SENTENCES key for a statement: its exact text, else the longest matching start."""
    if (function, text) in SENTENCES:
        return function, text
    starts = [k for k in SENTENCES if k[0] == function and text.startswith(k[1])]
    return max(starts, key=lambda k: len(k[1]), default=None)


def _lookup(function: str, text: str, lang: str = "en") -> str | None:
    key = _key(function, text)
    if key is None:
        return None
    return SENTENCES_ZH.get(key) or SENTENCES[key] if lang == "zh" else SENTENCES[key]


def not_modelled_words(reason: str, lang: str = "en") -> str:
    """The twin's reason for not modelling a statement, in `lang` (English if untranslated)."""
    return NOT_MODELLED_ZH.get(reason, reason) if lang == "zh" else reason


_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")
_NOT_CALLS = {"if", "while", "for", "switch", "return", "sizeof", "unlikely", "likely",
              "IS_ERR_VALUE", "IS_ERR", "PTR_ERR", "ALIGN", "PAGE_ALIGN", "min", "max"}


def _callee(text: str) -> str | None:
    for name in _CALL.findall(text):
        if name not in _NOT_CALLS and not name.isupper():
            return name
    return None


def errno_meaning(name: str, lang: str = "en") -> str:
    """What an errno means for mmap(2), in `lang` (English if untranslated)."""
    if lang == "zh" and name in ERRNO_MEANINGS_ZH:
        return ERRNO_MEANINGS_ZH[name]
    return MMAP_ERRNO_MEANINGS.get(name, "")


_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\. ")  # "e.g. MAP_SYNC" does not end one


def errno_sentence(name: str, lang: str = "en") -> str:
    """The gist of an errno's meaning for mmap(2): its first clause."""
    meaning = errno_meaning(name, lang)
    if not meaning:
        return ""
    if lang == "zh" and name in ERRNO_MEANINGS_ZH:
        return meaning.split("。")[0] + "。"  # the Chinese is written with its gist first
    sentence = _SENTENCE_END.split(meaning)[0].rstrip(".")
    head, colon, _ = sentence.partition(": ")
    if len(sentence) > 120 and colon and len(head) >= 30:
        sentence = head
    return sentence + "."


_ASSIGN = re.compile(r"^([A-Za-z_]\w*)\s*(?:[-+*/|&^]|<<|>>)?=[^=]")


def _next_here(view: StepView):  # noqa: ANN202
    """The next step of this statement back in this function (after any calls)."""
    step = view.step
    if step is None:
        return None
    for s in view.record.trace.steps[view.step_index + 1:]:
        if s.depth < step.depth:
            return None
        if s.depth == step.depth:
            return s if s.function == step.function else None
    return None


_DECLARED = re.compile(r"([A-Za-z_]\w*)\s*(?:\[[^]]*\])?\s*=(?!=)")


def _assigned(view: StepView, text: str, declaration: bool, lang: str = "en") -> str | None:
    """'len becomes 0x2000' for `len = PAGE_ALIGN(len);`, from the next step's locals."""
    m = (_DECLARED.search if declaration else _ASSIGN.match)(text)
    if not m:
        return None
    name = m.group(1)
    nxt = _next_here(view)
    if nxt is None or name not in nxt.locals:
        return None
    before = view.step.locals.get(name, _MISSING) if view.step else _MISSING
    after = nxt.locals[name]
    if not (after is None or isinstance(after, (int, str)) or hasattr(after, "start")):
        return None  # an object the trace keeps only by its kind
    value = format_value(name, after, view.step.function)
    return t("stays" if before is not _MISSING and before == after else "becomes", lang,
             name=name, value=value)


_MISSING = object()
_FIELD = re.compile(r"^([A-Za-z_][\w]*(?:->|\.)[\w.>-]+)\s*=\s*([^=;][^;]*);$")


def _returned_errno(text: str) -> str | None:
    m = re.search(r"return\s+-(E[A-Z0-9]+)\s*;", text)
    return m.group(1) if m and m.group(1) in ERRNO_NAMES.values() else None


def _if_taken(view: StepView) -> bool | None:
    """Was the `if` at this step taken? The next step at this depth says."""
    step = view.step
    fn = view.function
    if step is None or fn is None or step.link is None:
        return None
    steps = view.record.trace.steps
    nxt = next((s for s in steps[view.step_index + 1:] if s.depth <= step.depth), None)
    if nxt is None or nxt.depth != step.depth or nxt.function != step.function:
        return None
    stmts = list(fn.statements)
    try:
        i = stmts.index(step.link.statements[0])
    except ValueError:
        return None
    if i + 1 >= len(stmts):
        return None
    body = stmts[i + 1]
    if_end = step.link.statements[0].end_line
    return nxt.c_line == body.line and body.line > if_end


def narrate(view: StepView, lang: str = "en") -> list[str]:
    """A few sentences for the step at `view`: what this line does, why, and what it did."""
    step = view.step
    if step is None:
        return _statement_words(view, lang)
    if step.kind == "fold":
        return [t("fold", lang, note=note_words(step.note or "", lang)), t("fold_state", lang)]
    if step.kind == "whole":
        return _whole_words(view, step, lang)
    out: list[str] = []
    text = view.c_statement_text
    kind = view.c_kind
    if step.not_modelled:
        out.append(t("not_modelled", lang, reason=not_modelled_words(step.not_modelled, lang)))
    sentence = _lookup(step.function, text, lang)
    if sentence:
        out.append(sentence)
    if kind == "if":
        taken = _if_taken(view)
        cond = text[2:].strip() if text.startswith("if") else text
        if taken is not None:
            out.append(t("if_true" if taken else "if_false", lang, cond=cond))
    elif kind == "return":
        err = _returned_errno(text)
        if err:
            out.append(t("returns_errno", lang, err=err, meaning=errno_sentence(err, lang)))
        elif step.ret is not None:
            value = "0" if step.ret == 0 else format_value("ret", step.ret)
            out.append(t("returns", lang, value=value))
    elif kind == "goto":
        out.append(t("goto", lang, label=text.removeprefix("goto").strip(" ;")))
    elif kind == "label" and not sentence:
        out.append(t("label", lang, text=text))
    if view.next is not None and view.next.depth > step.depth and not step.not_modelled:
        out.append(t("calls_traced", lang, callee=view.next.function))
    elif not step.not_modelled and kind in ("expression", "declaration"):
        callee = _callee(text)
        if callee and not sentence:
            out.append(t("calls_inlined", lang, callee=callee))
    if kind in ("expression", "declaration") and not step.not_modelled:
        value = _assigned(view, text, kind == "declaration", lang)
        if value:
            out.append(value)
        elif not sentence:
            m = _FIELD.match(text)
            if m:
                out.append(t("stores", lang, value=m.group(2), field=m.group(1)))
    if step.changes:
        from lab.tui.model import changes_words

        did = changes_words(step.changes, lang)
        if did:
            more = t("list_more", lang) if len(did) > 3 else ""
            out.append(t("running", lang, did=t("list_sep", lang).join(did[:3]) + more))
    if not out:
        out.append(text or step.c_location)
    return out


def _whole_words(view: StepView, step: Step, lang: str) -> list[str]:
    """A statement run whole, past the trace budget: what it did, and what it returned."""
    from lab.tui.model import changes_words

    out = [t("whole", lang, budget=f"{view.session.trace_budget:,}")]
    did = changes_words(step.changes, lang)
    if did:
        more = t("list_more", lang) if len(did) > 3 else ""
        out.append(t("whole_did", lang, did=t("list_sep", lang).join(did[:3]) + more))
    ev = view.record.event
    if ev is not None and ev.ret is not None:
        out.append((t("returned_errno", lang, ret=ev.ret, errno=ev.errno) if ev.errno else
                    t("returned", lang, ret=ev.ret)).strip())
    return out


#: Statements the end-of-scenario summary shows in full, first and last; those between are
#: counted (a scenario of 65,530 mmaps would otherwise narrate 65,530 lines).
_OUTCOMES_FIRST, _OUTCOMES_LAST = 10, 20


#: What a statement the lab does not trace is for, by its function (template keys).
_UNTRACED = {"open": "what_open", "close": "what_close", "setrlimit": "what_setrlimit",
             "capset": "what_capset", "personality": "what_personality",
             "sysctl": "what_sysctl"}


def _statement_words(view: StepView, lang: str = "en") -> list[str]:
    stmt = view.statement
    rec = view.record
    if view.at_end:
        words = [t("ended", lang)]
        if rec.event is not None and rec.event.errno:
            words.append(t("last_failed", lang, errno=rec.event.errno))
        pairs = list(zip(view.model.statements, view.session.records))
        skipped = len(pairs) - _OUTCOMES_FIRST - _OUTCOMES_LAST
        if skipped > 1:
            return words + [outcome(st.text.strip(), r.event, lang) for st, r in
                            pairs[:_OUTCOMES_FIRST]] + \
                [t("outcome_skipped", lang, count=f"{skipped:,}")] + \
                [outcome(st.text.strip(), r.event, lang) for st, r in pairs[-_OUTCOMES_LAST:]]
        return words + [outcome(st.text.strip(), r.event, lang) for st, r in pairs]
    func = getattr(stmt, "func", "")
    if rec.error is not None:
        return [t("could_not_run", lang, message=message_text(rec.error.message, lang))]
    if func == "mmap":
        return [t("mmap_untraced", lang)]
    what = t(_UNTRACED.get(func, "what_other"), lang)
    result = ""
    ev = rec.event
    if ev is not None and ev.ret is not None:
        result = t("returned_errno", lang, ret=ev.ret, errno=ev.errno) if ev.errno else \
            t("returned", lang, ret=ev.ret)
    return [t("statement", lang, func=func, what=what, result=result), t("press_s", lang)]


def outcome(text: str, event, lang: str = "en") -> str:  # noqa: ANN001 (lab.runner.Event)
    """One line of the end-of-scenario summary: what a statement gave back."""
    if event is None:
        return f"  {text}"
    text = t("outcome_line", lang, n=event.line, text=text)
    if event.signal:
        where = t("signal_at", lang, addr=f"{event.si_addr:#x}") \
            if event.si_addr is not None else ""
        code = f" ({event.si_code})" if event.si_code else ""
        return t("outcome_signal", lang, text=text, signal=event.signal, code=code, where=where)
    if event.errno:
        return f"  {text}  → -{event.errno}"
    if event.value is not None:
        return t("outcome_reads", lang, text=text, value=f"{event.value:#x}")
    if event.ret is None:
        return f"  {text}"
    ret = f"{event.ret:#x}" if event.ret > 0xFFFF else str(event.ret)
    return f"  {text}  → {ret}"
