# SPDX-License-Identifier: GPL-2.0-only
"""Narration: what the current C line does and why, in plain words.

Most of it is derived, so no line goes without words: a line the lab does not model says why;
a `return -EXXX` says what that errno means; an `if` says what it checks and, from the next
step, whether it was taken; a call names its callee; a loop summary says what was folded.
On top sits `SENTENCES`, hand-written words for the key statements of the chain, keyed by
the C function and the start of the statement's text (white space folded). Lessons extend
it with `SENTENCES.update(...)`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lab.kernel.include.uapi.errno import ERRNO_NAMES, MMAP_ERRNO_MEANINGS
from lab.stepping.capture import format_value

if TYPE_CHECKING:
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
}


def _lookup(function: str, text: str) -> str | None:
    hit = SENTENCES.get((function, text))
    if hit is not None:
        return hit
    best = None
    for (fn, start), sentence in SENTENCES.items():
        if fn == function and text.startswith(start) and (best is None or len(start) > best[0]):
            best = (len(start), sentence)
    return best[1] if best else None


_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")
_NOT_CALLS = {"if", "while", "for", "switch", "return", "sizeof", "unlikely", "likely",
              "IS_ERR_VALUE", "IS_ERR", "PTR_ERR", "ALIGN", "PAGE_ALIGN", "min", "max"}


def _callee(text: str) -> str | None:
    for name in _CALL.findall(text):
        if name not in _NOT_CALLS and not name.isupper():
            return name
    return None


def errno_sentence(name: str) -> str:
    """The gist of an errno's meaning for mmap(2): its first clause."""
    meaning = MMAP_ERRNO_MEANINGS.get(name, "")
    if not meaning:
        return ""
    sentence = meaning.split(". ")[0].rstrip(".")
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


def _assigned(view: StepView, text: str, declaration: bool) -> str | None:
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
    if before is not _MISSING and before == after:
        return f"{name} stays {format_value(name, after)}."
    return f"{name} becomes {format_value(name, after)}."


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


def narrate(view: StepView) -> list[str]:
    """A few sentences for the step at `view`: what this line does, why, and what it did."""
    step = view.step
    if step is None:
        return _statement_words(view)
    if step.kind == "fold":
        return [f"Folded: {step.note}.", "The state panels show the state after every "
                "folded round; the trace keeps the first rounds in full."]
    out: list[str] = []
    text = view.c_statement_text
    kind = view.c_kind
    if step.not_modelled:
        out.append(f"Not modelled: {step.not_modelled}.")
    sentence = _lookup(step.function, text)
    if sentence:
        out.append(sentence)
    if kind == "if":
        taken = _if_taken(view)
        cond = text[2:].strip() if text.startswith("if") else text
        if taken is True:
            out.append(f"The condition {cond} is true here: the branch is taken.")
        elif taken is False:
            out.append(f"The condition {cond} is false here: the branch is skipped.")
    elif kind == "return":
        err = _returned_errno(text)
        if err:
            out.append(f"Returns -{err}: {errno_sentence(err)}")
        elif step.ret is not None:
            value = "0" if step.ret == 0 else format_value("ret", step.ret)
            out.append(f"Returns {value} to the caller.")
    elif kind == "goto":
        label = text.removeprefix("goto").strip(" ;")
        out.append(f"Jumps to {label}: the kernel's way to share clean-up code.")
    elif kind == "label" and not sentence:
        out.append(f"The label {text} starts a shared exit path.")
    if view.next is not None and view.next.depth > step.depth and not step.not_modelled:
        callee = view.next.function
        out.append(f"Calls {callee}(): s steps into it, n runs it and stops after.")
    elif not step.not_modelled and kind in ("expression", "declaration"):
        callee = _callee(text)
        if callee and not sentence:
            out.append(f"Calls {callee}() (not traced further: a helper the twin inlines).")
    if kind in ("expression", "declaration") and not step.not_modelled:
        value = _assigned(view, text, kind == "declaration")
        if value:
            out.append(value)
        elif not sentence:
            m = _FIELD.match(text)
            if m:
                out.append(f"Stores {m.group(2)} in {m.group(1)}.")
    if step.changes:
        from lab.tui.model import changes_words

        did = changes_words(step.changes)
        if did:
            out.append("Running it: " + "; ".join(did[:3]) + ("; …" if len(did) > 3 else ""))
    if not out:
        out.append(text or step.c_location)
    return out


def _statement_words(view: StepView) -> list[str]:
    stmt = view.statement
    rec = view.record
    if view.at_end:
        words = ["The scenario has ended. The panels show the final state of the process."]
        if rec.event is not None and rec.event.errno:
            words.append(f"The last call failed with {rec.event.errno}.")
        return words
    func = getattr(stmt, "func", "")
    if rec.error is not None:
        return [f"This statement could not run: {rec.error.message}"]
    if func == "mmap":
        return ["This mmap() is not traced (no steps were recorded)."]
    what = {
        "open": "opens a file in the simulated file system: the set-up for file mappings. "
                "The lab traces mmap, not open.",
        "close": "closes a file descriptor; mappings of the file stay valid.",
        "setrlimit": "changes a resource limit of the process.",
        "capset": "gives the process capabilities (it starts with none).",
        "personality": "sets the process's personality flags.",
        "sysctl": "is the administrator changing a machine setting (no system call of "
                  "the process).",
    }.get(func, "is not traced by the lab.")
    result = ""
    if rec.event is not None and rec.event.ret is not None:
        result = f" It returned {rec.event.ret}" + (f" ({rec.event.errno})" if rec.event.errno
                                                     else "") + "."
    return [f"{func}() {what}{result}", "Press s to go on to the next statement."]
