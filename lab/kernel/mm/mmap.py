# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/mmap.c: from do_mmap() to the VMA in the tree, munmap(), and the unmapping
MAP_FIXED does.

The kernel keeps VMAs in a maple tree; the lab keeps them in the mm's sorted list, walked
through the maple tree's interface (lab/kernel/lib/maple_tree.py). x86's protection_map and
vm_get_page_prot() are in lab/kernel/arch/x86/mm/pgprot.py; zapping PTEs and freeing page
tables (unmap_vmas, free_pgtables) in lab/kernel/mm/memory.py, where the kernel has them.

Plain helpers stand for the C the learner does not step into: first the small inline ones;
at the end, what munmap and mprotect do below the twin: __split_vma(), unmap_region(),
remove_mt(), and vma_merge().
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import (
    PAGE_MASK,
    PAGE_SHIFT,
    PAGE_SIZE,
    TASK_SIZE_MAX,
    pgprot_modify,
)
from lab.kernel.arch.x86.mm.pgprot import vm_get_page_prot
from lab.kernel.file import (
    FMODE_READ,
    FMODE_UNSIGNED_OFFSET,
    FMODE_WRITE,
    MAX_LFS_FILESIZE,
    File,
    Inode,
    VmOperations,
)
from lab.kernel.fs.hugetlbfs.inode import hugetlb_file_setup
from lab.kernel.include.linux.hugetlb import (
    HUGETLB_ANON_FILE,
    HUGETLB_ANONHUGE_INODE,
    hstate_file,
    hstate_sizelog,
    hstate_vma,
    huge_page_mask,
    huge_page_size,
    is_file_hugepages,
    is_vm_hugetlb_page,
)
from lab.kernel.include.linux.mm import (
    VM_ACCOUNT,
    VM_EXEC,
    VM_GROWSDOWN,
    VM_GROWSUP,
    VM_LOCKED,
    VM_LOCKED_CLEAR_MASK,
    VM_MAYEXEC,
    VM_MAYREAD,
    VM_MAYSHARE,
    VM_MAYWRITE,
    VM_NORESERVE,
    VM_PFNMAP,
    VM_SHARED,
    VM_SOFTDIRTY,
    VM_SPECIAL,
    VM_STACK,
    VM_UFFD_WP,
    VM_UNMAPPED_AREA_TOPDOWN,
    VM_WRITE,
)
from lab.kernel.include.linux.mman import (
    calc_vm_flag_bits,
    calc_vm_prot_bits,
    vm_unacct_memory,
)
from lab.kernel.include.uapi.capability import CAP_IPC_LOCK
from lab.kernel.include.uapi.errno import (
    EACCES,
    EAGAIN,
    EBADF,
    EEXIST,
    EFAULT,
    EINVAL,
    ENODEV,
    ENOMEM,
    EOPNOTSUPP,
    EOVERFLOW,
    EPERM,
    ETXTBSY,
)
from lab.kernel.include.uapi.fcntl import F_SEAL_FUTURE_WRITE, F_SEAL_WRITE
from lab.kernel.include.uapi.mman import (
    LEGACY_MAP_MASK,
    MAP_ANONYMOUS,
    MAP_FIXED,
    MAP_FIXED_NOREPLACE,
    MAP_HUGE_MASK,
    MAP_HUGE_SHIFT,
    MAP_HUGETLB,
    MAP_LOCKED,
    MAP_NONBLOCK,
    MAP_NORESERVE,
    MAP_POPULATE,
    MAP_PRIVATE,
    MAP_SHARED,
    MAP_SHARED_VALIDATE,
    MAP_TYPE,
    OVERCOMMIT_NEVER,
    PROT_EXEC,
    PROT_READ,
    PROT_WRITE,
)
from lab.kernel.include.uapi.personality import READ_IMPLIES_EXEC
from lab.kernel.include.uapi.resource import RLIMIT_AS, RLIMIT_DATA, RLIMIT_MEMLOCK, RLIMIT_STACK
from lab.kernel.lib.maple_tree import (
    MaState,
    mas_empty_area,
    mas_empty_area_rev,
    mas_find,
    mas_next,
    mas_preallocate,
    mas_prev,
    mas_set,
    mas_set_range,
    mas_store_gfp,
    mas_store_prealloc,
    mas_walk,
    mt_vmas,
)
from lab.kernel.machine import capable, current, kernel, rlimit
from lab.kernel.mm.memory import (
    FIRST_USER_ADDRESS,
    USER_PGTABLES_CEILING,
    anon_vma_prepare,
    free_pgtables,
    unmap_vmas,
    vma_is_accessible,
)
from lab.kernel.mm.mlock import can_do_mlock
from lab.kernel.mm.shmem import (
    shmem_flags,
    shmem_get_unmapped_area,
    shmem_unacct_size,
    shmem_zero_setup,
)
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.security import security_mmap_addr, security_vm_enough_memory_mm
from lab.kernel.twin import (
    IS_ERR_VALUE,
    ULONG_MAX,
    Out,
    goto_label,
    kernel_function,
    not_modelled,
    ulong,
)

TASK_SIZE = TASK_SIZE_MAX  # a 64-bit task (arch/x86/include/asm/page_64_types.h)

#: mm/mmap.c: the gap kept below a stack VMA (boot option stack_guard_gap=, in pages).
stack_guard_gap = 256 << PAGE_SHIFT
#: mm/mmap.c: boot option ignore_rlimit_data, off.
ignore_rlimit_data = False

#: mm/internal.h vma_dummy_vm_ops: what vma_init() gives a new VMA until its mapper decides.
vma_dummy_vm_ops = VmOperations("vma_dummy_vm_ops")


# -- small helpers the C uses inline -----------------------------------------------------------
def PAGE_ALIGN(x: int) -> int:  # noqa: N802  (the kernel's macro name)
    """Round up to a page; a length near 2^64 wraps to 0 as unsigned long does."""
    return ulong(x + PAGE_SIZE - 1) & PAGE_MASK


def ALIGN(x: int, a: int) -> int:  # noqa: N802
    return ulong(x + a - 1) & ~(a - 1) & ULONG_MAX


def offset_in_page(x: int) -> int:
    return x & ~PAGE_MASK


def vma_pages(vma: VmAreaStruct) -> int:
    return (vma.vm_end - vma.vm_start) >> PAGE_SHIFT


def IS_ERR(x) -> bool:  # noqa: N802
    """A pointer-or-errno return: the lab returns a negative int for the error."""
    return isinstance(x, int) and x < 0


def PTR_ERR(x) -> int:  # noqa: N802
    return x


def find_vma(mm: MmStruct, addr: int) -> VmAreaStruct | None:
    return mm.find_vma(addr)


def find_vma_intersection(mm: MmStruct, start: int, end: int) -> VmAreaStruct | None:
    return mm.find_vma_intersection(start, end)


def fget(fd: int) -> File | None:
    """fs/file.c: the open file of descriptor fd (an unsigned int), or NULL."""
    return current.files.get(fd & 0xFFFFFFFF)


def file_inode(file: File) -> Inode:
    return file.f_inode


def memfd_file_seals(file: File) -> int:
    """mm/memfd.c: a memfd's seals; 0 for other files (the lab opens no memfd)."""
    return file.f_inode.seals if file.f_inode.sb.fs_type in ("tmpfs", "hugetlbfs") else 0


def is_readonly_sealed(seals: int, vm_flags: int) -> bool:
    """include/linux/mm.h: a write-sealed memfd mapped shared but read-only."""
    return bool(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) and \
        (vm_flags & (VM_SHARED | VM_WRITE)) == VM_SHARED


def IS_SWAPFILE(inode: Inode) -> bool:  # noqa: N802
    return inode.IS_SWAPFILE()


def IS_APPEND(inode: Inode) -> bool:  # noqa: N802
    return inode.IS_APPEND()


def S_ISREG(inode: Inode) -> bool:  # noqa: N802
    """The lab's files are regular files, except the devices on devtmpfs (character devices)."""
    return inode.sb.fs_type != "devtmpfs"


def S_ISBLK(inode: Inode) -> bool:  # noqa: N802
    return False  # the lab opens no block device


def S_ISSOCK(inode: Inode) -> bool:  # noqa: N802
    return False


def execute_only_pkey(mm: MmStruct) -> int:
    """arch/x86/include/asm/pkeys.h: the lab's CPU has no OSPKE, so the default key, 0."""
    return 0


def is_exec_mapping(flags: int) -> bool:
    """mm/internal.h: executable and neither writable nor a stack."""
    return (flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC


def is_stack_mapping(flags: int) -> bool:
    return (flags & VM_STACK) == VM_STACK


def is_data_mapping(flags: int) -> bool:
    """Private writable memory that is not a stack: what RLIMIT_DATA limits."""
    return (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE


def is_shared_maywrite(vm_flags: int) -> bool:
    return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE)


def vma_is_shared_maywrite(vma: VmAreaStruct) -> bool:
    return is_shared_maywrite(vma.vm_flags)


def vma_policy(vma: VmAreaStruct):
    return None  # the lab models no NUMA memory policies


def vma_is_dax(vma: VmAreaStruct) -> bool:
    return False  # no DAX file systems in the lab


def get_gate_vma(mm: MmStruct) -> VmAreaStruct | None:
    return mm.gate_vma


def rlimit_max(resource: int) -> int:
    return current.rlimits[resource][1]


def arch_mmap_check(addr: int, len: int, flags: int) -> int:
    return 0  # the generic default: x86 has no extra check


def arch_validate_flags(vm_flags: int) -> bool:
    return True  # include/linux/mman.h default: only arm64 and sparc check


def mapping_map_writable(mapping: Inode) -> int:
    """include/linux/fs.h: count a shared writable mapping, unless the file is write-denied."""
    if mapping.i_mmap_writable < 0:
        return -EPERM
    mapping.i_mmap_writable += 1
    return 0


def mapping_unmap_writable(mapping: Inode) -> None:
    mapping.i_mmap_writable -= 1


def mapping_allow_writable(mapping: Inode) -> None:
    mapping.i_mmap_writable += 1


def mapping_can_writeback(mapping: Inode) -> bool:
    """Does the file's backing device write dirty pages back? Disk file systems do."""
    return mapping.sb.fs_type == "ext4"


def vma_soft_dirty_enabled(vma: VmAreaStruct) -> bool:
    """Soft-dirty tracking is on for a VMA while VM_SOFTDIRTY is clear."""
    return not vma.vm_flags & VM_SOFTDIRTY


def userfaultfd_wp(vma: VmAreaStruct) -> bool:
    return bool(vma.vm_flags & VM_UFFD_WP)


def is_mergeable_vm_userfaultfd_ctx(vma: VmAreaStruct, ctx) -> bool:
    return True  # no userfaultfd contexts in the lab: NULL equals NULL


def anon_vma_name(vma: VmAreaStruct):
    return None  # prctl(PR_SET_VMA_ANON_NAME) names are not modelled


def anon_vma_name_eq(a, b) -> bool:
    return a == b


def userfaultfd_unmap_prep(mm: MmStruct, start: int, end: int, uf) -> int:
    return 0  # no VMA in the lab is registered with userfaultfd


def anon_vma_clone(dst: VmAreaStruct, src: VmAreaStruct) -> int:
    """mm/rmap.c: dst joins src's anon_vma (the lab's anon_vma is just its identity)."""
    dst.anon_vma = src.anon_vma
    return 0


def vma_interval_tree_insert(vma: VmAreaStruct, root: list) -> None:
    root.append(vma)


def vma_interval_tree_remove(vma: VmAreaStruct, root: list) -> None:
    if vma in root:
        root.remove(vma)


def vma_set_anonymous(vma: VmAreaStruct) -> None:
    """include/linux/mm.h: no vm_ops is what makes a VMA anonymous."""
    vma.vm_ops = None


def vm_area_alloc(mm: MmStruct) -> VmAreaStruct:
    """kernel/fork.c: a zeroed VMA, with vma_init()'s dummy vm_ops."""
    return VmAreaStruct(0, 0, 0, vm_ops=vma_dummy_vm_ops)


def vm_area_dup(vma: VmAreaStruct) -> VmAreaStruct:
    return copy.copy(vma)


def get_file(file: File) -> File:
    return file  # the lab counts no references to files


def mmap_file(file: File, vma: VmAreaStruct) -> int:
    """mm/internal.h: file->f_op->mmap(); on failure the VMA gets dummy vm_ops."""
    err = file.f_op.mmap(file, vma)
    if not err:
        return 0
    vma.vm_ops = vma_dummy_vm_ops
    return err


@dataclass
class VmUnmappedAreaInfo:
    """struct vm_unmapped_area_info (include/linux/mm.h): what vm_unmapped_area() looks for."""

    flags: int = 0
    length: int = 0
    low_limit: int = 0
    high_limit: int = 0
    align_mask: int = 0
    align_offset: int = 0


# -- mm/mmap.c, in the order of the file -------------------------------------------------------
@kernel_function
def vm_pgprot_modify(oldprot: int, vm_flags: int) -> int:
    return pgprot_modify(oldprot, vm_get_page_prot(vm_flags))  # C: return pgprot_modify(oldprot,


@kernel_function
def vma_set_page_prot(vma: VmAreaStruct) -> None:
    vm_flags = vma.vm_flags  # C: unsigned long vm_flags = vma->vm_flags;

    vm_page_prot = vm_pgprot_modify(  # C: vm_page_prot = vm_pgprot_modify(vma->vm_page_prot,
        vma.vm_page_prot, vm_flags)
    if vma_wants_writenotify(vma, vm_page_prot):  # C: if (vma_wants_writenotify(vma, vm_page_prot))
        vm_flags &= ~VM_SHARED  # C: vm_flags &= ~VM_SHARED;
        vm_page_prot = vm_pgprot_modify(  # C: vm_page_prot = vm_pgprot_modify(vm_page_prot,
            vm_page_prot, vm_flags)
    vma.vm_page_prot = vm_page_prot  # C: WRITE_ONCE(vma->vm_page_prot, vm_page_prot);


@kernel_function
def count_vma_pages_range(mm: MmStruct, addr: int, end: int) -> int:
    not_modelled("an iterator over the maple tree: the loop below walks the "
                 "sorted list")  # C: VMA_ITERATOR(vmi, mm, addr);
    nr_pages = 0  # C: unsigned long nr_pages = 0;

    for vma in mm.overlapping(addr, end):  # C: for_each_vma_range(vmi, vma, end)
        vm_start = max(addr, vma.vm_start)  # C: unsigned long vm_start = max(addr, vma->vm_start);
        vm_end = min(end, vma.vm_end)  # C: unsigned long vm_end = min(end, vma->vm_end);

        nr_pages += (vm_end - vm_start) >> PAGE_SHIFT  # C: nr_pages += PHYS_PFN(vm_end - vm_start);

    return nr_pages  # C: return nr_pages;


@kernel_function
def vma_expand(mas: MaState, vma: VmAreaStruct, start: int, end: int, pgoff: int,
               next: VmAreaStruct | None) -> int:
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    mapping = None  # C: struct address_space *mapping = NULL;
    root = None  # C: struct rb_root_cached *root = NULL;
    anon_vma = vma.anon_vma  # C: struct anon_vma *anon_vma = vma->anon_vma;
    file = vma.vm_file  # C: struct file *file = vma->vm_file;
    remove_next = False  # C: bool remove_next = false;
    anon_dup = None  # C: struct vm_area_struct *anon_dup = NULL;

    if next and vma is not next and end == next.vm_end:  # C: if (next && (vma != next) && (end ==
        remove_next = True  # C: remove_next = true;
        if next.anon_vma and not vma.anon_vma:  # C: if (next->anon_vma && !vma->anon_vma)
            anon_vma = next.anon_vma  # C: anon_vma = next->anon_vma;
            vma.anon_vma = anon_vma  # C: vma->anon_vma = anon_vma;
            error = anon_vma_clone(vma, next)  # C: error = anon_vma_clone(vma, next);
            if error:  # C: if (error)
                return error  # C: return error;

            anon_dup = vma  # C: anon_dup = vma;

    not_modelled("a debug assertion: next is merged whole or "  # C: VM_BUG_ON(next && !remove_next
                 "not touched")
    not_modelled("a debug assertion: the VMA only grows")  # C: VM_BUG_ON(vma->vm_start < start ||

    if mas_preallocate(mas, vma):  # C: if (mas_preallocate(mas, vma, GFP_KERNEL))
        return vma_expand_nomem(anon_dup)  # C: goto nomem;

    not_modelled("splits transparent huge pages at the new edges; the lab "
                 "maps none")  # C: vma_adjust_trans_huge(vma, start, end, 0);

    if file:  # C: if (file)
        mapping = file.f_mapping  # C: mapping = file->f_mapping;
        root = mapping.i_mmap  # C: root = &mapping->i_mmap;
        not_modelled("uprobes: breakpoints in mapped code, not "  # C: uprobe_munmap(vma,
                     "modelled")
        not_modelled("locking: one thread, no contention")  # C: i_mmap_lock_write(mapping);

    not_modelled(  # C: if (anon_vma) ... anon_vma_interval_tree_pre_update_vma(vma);
        "the anon_vma's interval tree is re-indexed around the change; the lab keeps "
        "no interval trees")

    if file:  # C: if (file)
        not_modelled("cache flushing: x86 needs none")  # C: flush_dcache_mmap_lock(mapping);
        vma_interval_tree_remove(vma, root)  # C: vma_interval_tree_remove(vma, root);

    vma.vm_start = start  # C: vma->vm_start = start;
    vma.vm_end = end  # C: vma->vm_end = end;
    vma.vm_pgoff = pgoff  # C: vma->vm_pgoff = pgoff;
    vma_mas_store(vma, mas)  # C: vma_mas_store(vma, mas);

    if file:  # C: if (file)
        vma_interval_tree_insert(vma, root)  # C: vma_interval_tree_insert(vma, root);
        not_modelled("cache flushing: x86 needs none")  # C: flush_dcache_mmap_unlock(mapping);

    if remove_next and file:  # C: if (remove_next && file)
        __remove_shared_vm_struct(next, file, mapping)  # C: __remove_shared_vm_struct(next, file,

    not_modelled(  # C: if (anon_vma) ... anon_vma_unlock_write(anon_vma);
        "the anon_vma's interval tree and lock; the lab keeps neither")

    not_modelled("locking and uprobes, neither modelled")  # C: if (file) ... uprobe_mmap(vma);

    if remove_next:  # C: if (remove_next)
        not_modelled(  # C: if (file) ... fput(file);
            "uprobes, and the file reference next held: the lab counts no references")
        not_modelled(  # C: if (next->anon_vma) ... anon_vma_merge(vma, next);
            "next's anon_vma is already vma's: nothing to merge")
        mm.map_count -= 1  # C: mm->map_count--;
        not_modelled("NUMA memory policies are not modelled")  # C: mpol_put(vma_policy(next));
        not_modelled("the Python object is simply dropped")  # C: vm_area_free(next);

    not_modelled("a debug check of the VMA tree (CONFIG_DEBUG_VM_MAPLE_TREE "
                 "is off)")  # C: validate_mm(mm);
    return 0  # C: return 0;


@goto_label("vma_expand", "nomem")
def vma_expand_nomem(anon_dup: VmAreaStruct | None) -> int:
    if anon_dup:  # C: nomem: ... if (anon_dup)
        anon_dup.anon_vma = None  # C: unlink_anon_vmas(anon_dup);

    return -ENOMEM  # C: return -ENOMEM;


def vma_mas_store(vma: VmAreaStruct, mas: MaState) -> None:
    mas_set_range(mas, vma.vm_start, vma.vm_end - 1)
    mas_store_prealloc(mas, vma)


def __remove_shared_vm_struct(vma: VmAreaStruct, file: File, mapping: Inode) -> None:
    if vma_is_shared_maywrite(vma):
        mapping_unmap_writable(mapping)
    vma_interval_tree_remove(vma, mapping.i_mmap)


def unlink_file_vma(vma: VmAreaStruct) -> None:
    file = vma.vm_file
    if file:
        __remove_shared_vm_struct(vma, file, file.f_mapping)


@kernel_function
def is_mergeable_vma(vma: VmAreaStruct, file: File | None, vm_flags: int,
                     vm_userfaultfd_ctx=None, anon_name=None) -> int:
    # A new or grown VMA is marked soft-dirty anyway, so the bit may differ.
    if (vma.vm_flags ^ vm_flags) & ~VM_SOFTDIRTY:  # C: if ((vma->vm_flags ^ vm_flags) &
        return 0  # C: return 0;
    if vma.vm_file is not file:  # C: if (vma->vm_file != file)
        return 0  # C: return 0;
    if vma.vm_ops and getattr(vma.vm_ops, "close", None):  # C: if (vma->vm_ops &&
        return 0  # C: return 0;
    if not is_mergeable_vm_userfaultfd_ctx(  # C: if (!is_mergeable_vm_userfaultfd_ctx(vma,
            vma, vm_userfaultfd_ctx):
        return 0  # C: return 0;
    if not anon_vma_name_eq(anon_vma_name(vma), anon_name):  # C: if (!anon_vma_name_eq(
        return 0  # C: return 0;
    return 1  # C: return 1;


@kernel_function
def is_mergeable_anon_vma(anon_vma1, anon_vma2, vma: VmAreaStruct | None) -> int:
    # An anon_vma_chain of one: the VMA's own anon_vma, never one inherited over fork.
    if (not anon_vma1 or not anon_vma2) and (not vma or  # C: if ((!anon_vma1 || !anon_vma2) && (
                                             vma.anon_vma is not None):
        return 1  # C: return 1;
    return int(anon_vma1 is anon_vma2)  # C: return anon_vma1 == anon_vma2;


@kernel_function
def can_vma_merge_before(vma: VmAreaStruct, vm_flags: int, anon_vma, file: File | None,
                         vm_pgoff: int, vm_userfaultfd_ctx=None, anon_name=None) -> int:
    if (is_mergeable_vma(vma, file, vm_flags, vm_userfaultfd_ctx,
                         anon_name)  # C: if (is_mergeable_vma(vma, file, vm_flags,
            and is_mergeable_anon_vma(anon_vma, vma.anon_vma, vma)):
        if vma.vm_pgoff == vm_pgoff:  # C: if (vma->vm_pgoff == vm_pgoff)
            return 1  # C: return 1;
    return 0  # C: return 0;


@kernel_function
def can_vma_merge_after(vma: VmAreaStruct, vm_flags: int, anon_vma, file: File | None,
                        vm_pgoff: int, vm_userfaultfd_ctx=None, anon_name=None) -> int:
    if (is_mergeable_vma(vma, file, vm_flags, vm_userfaultfd_ctx,
                         anon_name)  # C: if (is_mergeable_vma(vma, file, vm_flags,
            and is_mergeable_anon_vma(anon_vma, vma.anon_vma, vma)):
        vm_pglen = vma_pages(vma)  # C: vm_pglen = vma_pages(vma);
        if vma.vm_pgoff + vm_pglen == vm_pgoff:  # C: if (vma->vm_pgoff + vm_pglen == vm_pgoff)
            return 1  # C: return 1;
    return 0  # C: return 0;


@kernel_function
def round_hint_to_min(hint: int) -> int:
    hint &= PAGE_MASK  # C: hint &= PAGE_MASK;
    if hint and hint < kernel.mmap_min_addr:  # C: if (((void *)hint != NULL) && (hint <
        return PAGE_ALIGN(kernel.mmap_min_addr)  # C: return PAGE_ALIGN(mmap_min_addr);
    return hint  # C: return hint;


@kernel_function
def mlock_future_check(mm: MmStruct, flags: int, len: int) -> int:
    if flags & VM_LOCKED:  # C: if (flags & VM_LOCKED)
        locked = len >> PAGE_SHIFT  # C: locked = len >> PAGE_SHIFT;
        locked += mm.locked_vm  # C: locked += mm->locked_vm;
        lock_limit = rlimit(RLIMIT_MEMLOCK)  # C: lock_limit = rlimit(RLIMIT_MEMLOCK);
        lock_limit >>= PAGE_SHIFT  # C: lock_limit >>= PAGE_SHIFT;
        if locked > lock_limit and not capable(CAP_IPC_LOCK):  # C: if (locked > lock_limit &&
            return -EAGAIN  # C: return -EAGAIN;
    return 0  # C: return 0;


@kernel_function
def file_mmap_size_max(file: File, inode: Inode) -> int:
    if S_ISREG(inode):  # C: if (S_ISREG(inode->i_mode))
        return MAX_LFS_FILESIZE  # C: return MAX_LFS_FILESIZE;

    if S_ISBLK(inode):  # C: if (S_ISBLK(inode->i_mode))
        return MAX_LFS_FILESIZE  # C: return MAX_LFS_FILESIZE;

    if S_ISSOCK(inode):  # C: if (S_ISSOCK(inode->i_mode))
        return MAX_LFS_FILESIZE  # C: return MAX_LFS_FILESIZE;

    if file.f_mode & FMODE_UNSIGNED_OFFSET:  # C: if (file->f_mode & FMODE_UNSIGNED_OFFSET)
        return 0  # C: return 0;

    return ULONG_MAX  # C: return ULONG_MAX;


@kernel_function
def file_mmap_ok(file: File, inode: Inode, pgoff: int, len: int) -> bool:
    maxsize = file_mmap_size_max(file, inode)  # C: u64 maxsize = file_mmap_size_max(file, inode);

    if maxsize and len > maxsize:  # C: if (maxsize && len > maxsize)
        return False  # C: return false;
    maxsize = ulong(maxsize - len)  # C: maxsize -= len;
    if pgoff > maxsize >> PAGE_SHIFT:  # C: if (pgoff > maxsize >> PAGE_SHIFT)
        return False  # C: return false;
    return True  # C: return true;


@kernel_function
def do_mmap(file: File | None, addr: int, len: int, prot: int, flags: int,
            pgoff: int, populate: Out, uf) -> int:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    pkey = 0  # C: int pkey = 0;

    not_modelled("a debug check of the VMA tree (CONFIG_DEBUG_VM_MAPLE_TREE "
                 "is off)")  # C: validate_mm(mm);
    populate.value = 0  # C: *populate = 0;

    if not len:  # C: if (!len)
        return -EINVAL  # C: return -EINVAL;

    # Does the application expect PROT_READ to imply PROT_EXEC? Not on a noexec mount.
    if prot & PROT_READ and current.personality & READ_IMPLIES_EXEC:  # C: if ((prot & PROT_READ) &&
        if not (file and file.path_noexec()):  # C: if (!(file && path_noexec(&file->f_path)))
            prot |= PROT_EXEC  # C: prot |= PROT_EXEC;

    # force arch specific MAP_FIXED handling in get_unmapped_area
    if flags & MAP_FIXED_NOREPLACE:  # C: if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED  # C: flags |= MAP_FIXED;

    if not flags & MAP_FIXED:  # C: if (!(flags & MAP_FIXED))
        addr = round_hint_to_min(addr)  # C: addr = round_hint_to_min(addr);

    # Careful about overflows: a length near 2^64 wraps to 0 here.
    len = PAGE_ALIGN(len)  # C: len = PAGE_ALIGN(len);
    if not len:  # C: if (!len)
        return -ENOMEM  # C: return -ENOMEM;

    if ulong(pgoff + (len >> PAGE_SHIFT)) < pgoff:  # C: if ((pgoff + (len >> PAGE_SHIFT)) < pgoff)
        return -EOVERFLOW  # C: return -EOVERFLOW;

    if mm.map_count > kernel.sysctl_max_map_count:  # C: if (mm->map_count > sysctl_max_map_count)
        return -ENOMEM  # C: return -ENOMEM;

    addr = get_unmapped_area(file, addr, len, pgoff, flags)  # C: addr = get_unmapped_area(file,
    if IS_ERR_VALUE(addr):  # C: if (IS_ERR_VALUE(addr))
        return addr  # C: return addr;

    if flags & MAP_FIXED_NOREPLACE:  # C: if (flags & MAP_FIXED_NOREPLACE)
        if find_vma_intersection(mm, addr, addr + len):  # C: if (find_vma_intersection(mm, addr,
            return -EEXIST  # C: return -EEXIST;

    if prot == PROT_EXEC:  # C: if (prot == PROT_EXEC)
        pkey = execute_only_pkey(mm)  # C: pkey = execute_only_pkey(mm);
        if pkey < 0:  # C: if (pkey < 0)
            pkey = 0  # C: pkey = 0;

    # Access to the object was checked when it was opened; here only what mmap asks.
    vm_flags = (calc_vm_prot_bits(  # C: vm_flags = calc_vm_prot_bits(prot, pkey) |
        prot, pkey) | calc_vm_flag_bits(file, flags)
                | mm.def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

    if flags & MAP_LOCKED:  # C: if (flags & MAP_LOCKED)
        if not can_do_mlock():  # C: if (!can_do_mlock())
            return -EPERM  # C: return -EPERM;

    if mlock_future_check(mm, vm_flags, len):  # C: if (mlock_future_check(mm, vm_flags, len))
        return -EAGAIN  # C: return -EAGAIN;

    if file:  # C: if (file)
        inode = file_inode(file)  # C: struct inode *inode = file_inode(file);
        seals = memfd_file_seals(file)  # C: unsigned int seals = memfd_file_seals(file);

        if not file_mmap_ok(file, inode, pgoff, len):  # C: if (!file_mmap_ok(file, inode, pgoff,
            return -EOVERFLOW  # C: return -EOVERFLOW;

        flags_mask = (LEGACY_MAP_MASK  # C: flags_mask = LEGACY_MAP_MASK |
                      | file.f_op.mmap_supported_flags)

        map_type = flags & MAP_TYPE  # C: switch (flags & MAP_TYPE)
        if map_type == MAP_SHARED:  # C: case MAP_SHARED:
            # Non-legacy flags need MAP_SHARED_VALIDATE; plain MAP_SHARED drops them silently.
            flags &= LEGACY_MAP_MASK  # C: flags &= LEGACY_MAP_MASK;
        if map_type in (MAP_SHARED, MAP_SHARED_VALIDATE):  # C: case MAP_SHARED_VALIDATE:
            if flags & ~flags_mask:  # C: if (flags & ~flags_mask)
                return -EOPNOTSUPP  # C: return -EOPNOTSUPP;
            if prot & PROT_WRITE:  # C: if (prot & PROT_WRITE)
                if not file.f_mode & FMODE_WRITE:  # C: if (!(file->f_mode & FMODE_WRITE))
                    return -EACCES  # C: return -EACCES;
                if IS_SWAPFILE(file.f_mapping):  # C: if (IS_SWAPFILE(file->f_mapping->host))
                    return -ETXTBSY  # C: return -ETXTBSY;

            # Make sure we don't allow writing to an append-only file.
            if IS_APPEND(inode) and file.f_mode & FMODE_WRITE:  # C: if (IS_APPEND(inode) && (
                return -EACCES  # C: return -EACCES;

            vm_flags |= VM_SHARED | VM_MAYSHARE  # C: vm_flags |= VM_SHARED | VM_MAYSHARE;
            if not file.f_mode & FMODE_WRITE:  # C: if (!(file->f_mode & FMODE_WRITE))
                vm_flags &= ~(VM_MAYWRITE | VM_SHARED)  # C: vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
            elif is_readonly_sealed(seals, vm_flags):  # C: if (is_readonly_sealed(seals, vm_flags))
                vm_flags &= ~VM_MAYWRITE  # C: vm_flags &= ~VM_MAYWRITE;
        if map_type in (MAP_SHARED, MAP_SHARED_VALIDATE, MAP_PRIVATE):  # C: case MAP_PRIVATE:
            if not file.f_mode & FMODE_READ:  # C: if (!(file->f_mode & FMODE_READ))
                return -EACCES  # C: return -EACCES;
            if file.path_noexec():  # C: if (path_noexec(&file->f_path))
                if vm_flags & VM_EXEC:  # C: if (vm_flags & VM_EXEC)
                    return -EPERM  # C: return -EPERM;
                vm_flags &= ~VM_MAYEXEC  # C: vm_flags &= ~VM_MAYEXEC;

            if not file.f_op.mmap:  # C: if (!file->f_op->mmap)
                return -ENODEV  # C: return -ENODEV;
            if vm_flags & (VM_GROWSDOWN | VM_GROWSUP):  # C: if (vm_flags & (
                return -EINVAL  # C: return -EINVAL;
        else:
            return -EINVAL  # C: default: ... return -EINVAL;
    else:
        map_type = flags & MAP_TYPE  # C: switch (flags & MAP_TYPE)
        if map_type == MAP_SHARED:  # C: case MAP_SHARED:
            if vm_flags & (VM_GROWSDOWN | VM_GROWSUP):  # C: if (vm_flags & (
                return -EINVAL  # C: return -EINVAL;
            # Ignore pgoff.
            pgoff = 0  # C: pgoff = 0;
            vm_flags |= VM_SHARED | VM_MAYSHARE  # C: vm_flags |= VM_SHARED | VM_MAYSHARE;
        elif map_type == MAP_PRIVATE:  # C: case MAP_PRIVATE:
            # Set pgoff according to addr for anon_vma.
            pgoff = addr >> PAGE_SHIFT  # C: pgoff = addr >> PAGE_SHIFT;
        else:
            return -EINVAL  # C: default: ... return -EINVAL;

    if flags & MAP_NORESERVE:  # C: if (flags & MAP_NORESERVE)
        # We honor MAP_NORESERVE if allowed to overcommit
        if kernel.sysctl_overcommit_memory != OVERCOMMIT_NEVER:  # C: if (sysctl_overcommit_memory
            vm_flags |= VM_NORESERVE  # C: vm_flags |= VM_NORESERVE;

        # hugetlb applies strict overcommit unless MAP_NORESERVE
        if file and is_file_hugepages(file):  # C: if (file && is_file_hugepages(file))
            vm_flags |= VM_NORESERVE  # C: vm_flags |= VM_NORESERVE;

    addr = mmap_region(file, addr, len, vm_flags, pgoff, uf)  # C: addr = mmap_region(file, addr,
    if not IS_ERR_VALUE(addr) and (vm_flags & VM_LOCKED or  # C: if (!IS_ERR_VALUE(addr) && ((
                                   (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE):
        populate.value = len  # C: *populate = len;
    return addr  # C: return addr;


@kernel_function
def ksys_mmap_pgoff(addr: int, len: int, prot: int, flags: int, fd: int,
                    pgoff: int) -> int:
    file = None  # C: struct file *file = NULL;

    if not flags & MAP_ANONYMOUS:  # C: if (!(flags & MAP_ANONYMOUS))
        not_modelled("audit logging of the descriptor; no effect on "
                     "memory")  # C: audit_mmap_fd(fd, flags);
        file = fget(fd)  # C: file = fget(fd);
        if not file:  # C: if (!file)
            return -EBADF  # C: return -EBADF;
        if is_file_hugepages(file):  # C: if (is_file_hugepages(file))
            len = ALIGN(len, huge_page_size(hstate_file(file)))  # C: len = ALIGN(len,
        elif flags & MAP_HUGETLB:  # C: if (unlikely(flags & MAP_HUGETLB))
            retval = -EINVAL  # C: retval = -EINVAL;
            return ksys_mmap_pgoff_out_fput(file, retval)  # C: goto out_fput;
    elif flags & MAP_HUGETLB:  # C: if (flags & MAP_HUGETLB)
        hs = hstate_sizelog((flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK)  # C: hs = hstate_sizelog((
        if not hs:  # C: if (!hs)
            return -EINVAL  # C: return -EINVAL;

        len = ALIGN(len, huge_page_size(hs))  # C: len = ALIGN(len, huge_page_size(hs));
        # VM_NORESERVE: the reservation is taken when the file's ->mmap() runs
        file = hugetlb_file_setup(  # C: file = hugetlb_file_setup(HUGETLB_ANON_FILE, len,
            HUGETLB_ANON_FILE, len, VM_NORESERVE,
                                  HUGETLB_ANONHUGE_INODE,
                                  (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK)
        if IS_ERR(file):  # C: if (IS_ERR(file))
            return PTR_ERR(file)  # C: return PTR_ERR(file);

    retval = vm_mmap_pgoff(file, addr, len, prot, flags, pgoff)  # C: retval = vm_mmap_pgoff(file,
    return ksys_mmap_pgoff_out_fput(file, retval)


@goto_label("ksys_mmap_pgoff", "out_fput")
def ksys_mmap_pgoff_out_fput(file: File | None, retval: int) -> int:
    if file:  # C: out_fput: ... if (file)
        not_modelled("drops the reference fget() took; the lab counts "
                     "none")  # C: fput(file);
    return retval  # C: return retval;


@kernel_function
def vma_wants_writenotify(vma: VmAreaStruct, vm_page_prot: int) -> int:
    vm_flags = vma.vm_flags  # C: vm_flags_t vm_flags = vma->vm_flags;
    vm_ops = vma.vm_ops  # C: const struct vm_operations_struct *vm_ops = vma->vm_ops;

    # If it was private or non-writable, the write bit is already clear
    if (vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED):  # C: if ((vm_flags & (
        return 0  # C: return 0;

    # The backer wishes to know when pages are first written to?
    if vm_ops and (vm_ops.page_mkwrite  # C: if (vm_ops && (vm_ops->page_mkwrite ||
                   or getattr(vm_ops, "pfn_mkwrite", None)):
        return 1  # C: return 1;

    # The open routine did something to the protections that pgprot_modify won't preserve?
    if vm_page_prot != vm_pgprot_modify(vm_page_prot, vm_flags):  # C: if (pgprot_val(vm_page_prot)
        return 0  # C: return 0;

    # Soft-dirty tracking needs write faults; hugetlb does not support it yet.
    if (vma_soft_dirty_enabled(vma)  # C: if (vma_soft_dirty_enabled(vma) && !is_vm_hugetlb_page(
            and not is_vm_hugetlb_page(vma)):
        return 1  # C: return 1;

    if userfaultfd_wp(vma):  # C: if (userfaultfd_wp(vma))
        return 1  # C: return 1;

    if vm_flags & VM_PFNMAP:  # C: if (vm_flags & VM_PFNMAP)
        return 0  # C: return 0;

    # Can the mapping track the dirty pages?
    return int(vma.vm_file is not None  # C: return vma->vm_file && vma->vm_file->f_mapping &&
               and mapping_can_writeback(vma.vm_file.f_mapping))


@kernel_function
def accountable_mapping(file: File | None, vm_flags: int) -> int:
    # hugetlb has its own accounting; VM_HUGETLB may not be set yet, so ask the file.
    if file and is_file_hugepages(file):  # C: if (file && is_file_hugepages(file))
        return 0  # C: return 0;

    return int((vm_flags & (  # C: return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) ==
        VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE)


@kernel_function
def unmapped_area(info: VmUnmappedAreaInfo) -> int:
    mas = MaState(current.mm, 0, 0)  # C: MA_STATE(mas, &current->mm->mm_mt, 0, 0);

    # Adjust search length to account for worst case alignment overhead
    length = ulong(info.length + info.align_mask)  # C: length = info->length + info->align_mask;
    if length < info.length:  # C: if (length < info->length)
        return -ENOMEM  # C: return -ENOMEM;

    low_limit = info.low_limit  # C: low_limit = info->low_limit;
    while True:  # C: retry:
        if mas_empty_area(mas, low_limit, info.high_limit - 1, length):  # C: if (mas_empty_area(
            return -ENOMEM  # C: return -ENOMEM;

        gap = mas.index  # C: gap = mas.index;
        gap += (info.align_offset - gap) & info.align_mask  # C: gap += (info->align_offset - gap) &
        tmp = mas_next(mas, ULONG_MAX)  # C: tmp = mas_next(&mas, ULONG_MAX);
        if tmp and tmp.vm_flags & VM_GROWSDOWN:  # C: if (tmp && (tmp->vm_flags & VM_GROWSDOWN))
            if vm_start_gap(tmp) < gap + length - 1:  # C: if (vm_start_gap(tmp) < gap + length - 1)
                low_limit = tmp.vm_end  # C: low_limit = tmp->vm_end;
                not_modelled("restarts the tree walk; the lab's search starts "
                             "afresh anyway")  # C: mas_reset(&mas);
                continue  # C: goto retry;
        else:
            tmp = mas_prev(mas, 0)  # C: tmp = mas_prev(&mas, 0);
            if tmp and vm_end_gap(tmp) > gap:  # C: if (tmp && vm_end_gap(tmp) > gap)
                low_limit = vm_end_gap(tmp)  # C: low_limit = vm_end_gap(tmp);
                not_modelled("restarts the tree walk; the lab's search starts "
                             "afresh anyway")  # C: mas_reset(&mas);
                continue  # C: goto retry;

        return gap  # C: return gap;


@kernel_function
def unmapped_area_topdown(info: VmUnmappedAreaInfo) -> int:
    mas = MaState(current.mm, 0, 0)  # C: MA_STATE(mas, &current->mm->mm_mt, 0, 0);
    # Adjust search length to account for worst case alignment overhead
    length = ulong(info.length + info.align_mask)  # C: length = info->length + info->align_mask;
    if length < info.length:  # C: if (length < info->length)
        return -ENOMEM  # C: return -ENOMEM;

    high_limit = info.high_limit  # C: high_limit = info->high_limit;
    while True:  # C: retry:
        if mas_empty_area_rev(  # C: if (mas_empty_area_rev(&mas, info->low_limit, high_limit - 1,
                mas, info.low_limit, high_limit - 1, length):
            return -ENOMEM  # C: return -ENOMEM;

        gap = mas.last + 1 - info.length  # C: gap = mas.last + 1 - info->length;
        gap -= (gap - info.align_offset) & info.align_mask  # C: gap -= (gap - info->align_offset) &
        gap_end = mas.last  # C: gap_end = mas.last;
        tmp = mas_next(mas, ULONG_MAX)  # C: tmp = mas_next(&mas, ULONG_MAX);
        if tmp and tmp.vm_flags & VM_GROWSDOWN:  # C: if (tmp && (tmp->vm_flags & VM_GROWSDOWN))
            if vm_start_gap(tmp) <= gap_end:  # C: if (vm_start_gap(tmp) <= gap_end)
                high_limit = vm_start_gap(tmp)  # C: high_limit = vm_start_gap(tmp);
                not_modelled("restarts the tree walk; the lab's search starts "
                             "afresh anyway")  # C: mas_reset(&mas);
                continue  # C: goto retry;
        else:
            tmp = mas_prev(mas, 0)  # C: tmp = mas_prev(&mas, 0);
            if tmp and vm_end_gap(tmp) > gap:  # C: if (tmp && vm_end_gap(tmp) > gap)
                high_limit = tmp.vm_start  # C: high_limit = tmp->vm_start;
                not_modelled("restarts the tree walk; the lab's search starts "
                             "afresh anyway")  # C: mas_reset(&mas);
                continue  # C: goto retry;

        return gap  # C: return gap;


@kernel_function
def vm_unmapped_area(info: VmUnmappedAreaInfo) -> int:
    if info.flags & VM_UNMAPPED_AREA_TOPDOWN:  # C: if (info->flags & VM_UNMAPPED_AREA_TOPDOWN)
        addr = unmapped_area_topdown(info)  # C: addr = unmapped_area_topdown(info);
    else:
        addr = unmapped_area(info)  # C: addr = unmapped_area(info);

    not_modelled("a tracepoint; no effect on memory")  # C: trace_vm_unmapped_area(addr, info);
    return addr  # C: return addr;


@kernel_function
def get_unmapped_area(file: File | None, addr: int, len: int, pgoff: int,
                      flags: int) -> int:
    error = arch_mmap_check(addr, len, flags)  # C: unsigned long error = arch_mmap_check(addr, len,
    if error:  # C: if (error)
        return error  # C: return error;

    # Careful about overflows..
    if len > TASK_SIZE:  # C: if (len > TASK_SIZE)
        return -ENOMEM  # C: return -ENOMEM;

    get_area = current.mm.get_unmapped_area  # C: get_area = current->mm->get_unmapped_area;
    if file:  # C: if (file)
        if file.f_op.get_unmapped_area:  # C: if (file->f_op->get_unmapped_area)
            get_area = file.f_op.get_unmapped_area  # C: get_area = file->f_op->get_unmapped_area;
    elif flags & MAP_SHARED:  # C: if (flags & MAP_SHARED)
        # mmap_region() will make a shmem file: use shmem's placement, in case it can be huge.
        pgoff = 0  # C: pgoff = 0;
        get_area = shmem_get_unmapped_area  # C: get_area = shmem_get_unmapped_area;

    addr = get_area(file, addr, len, pgoff, flags)  # C: addr = get_area(file, addr, len, pgoff,
    if IS_ERR_VALUE(addr):  # C: if (IS_ERR_VALUE(addr))
        return addr  # C: return addr;

    if addr > TASK_SIZE - len:  # C: if (addr > TASK_SIZE - len)
        return -ENOMEM  # C: return -ENOMEM;
    if offset_in_page(addr):  # C: if (offset_in_page(addr))
        return -EINVAL  # C: return -EINVAL;

    error = security_mmap_addr(addr)  # C: error = security_mmap_addr(addr);
    return error if error else addr  # C: return error ? error : addr;


# include/linux/mm.h, with the stack guard gap that lives in mm/mmap.c
@kernel_function
def vm_start_gap(vma: VmAreaStruct) -> int:
    vm_start = vma.vm_start  # C: unsigned long vm_start = vma->vm_start;

    if vma.vm_flags & VM_GROWSDOWN:  # C: if (vma->vm_flags & VM_GROWSDOWN)
        vm_start = ulong(vm_start - stack_guard_gap)  # C: vm_start -= stack_guard_gap;
        if vm_start > vma.vm_start:  # C: if (vm_start > vma->vm_start)
            vm_start = 0  # C: vm_start = 0;
    return vm_start  # C: return vm_start;


@kernel_function
def vm_end_gap(vma: VmAreaStruct) -> int:
    vm_end = vma.vm_end  # C: unsigned long vm_end = vma->vm_end;

    if vma.vm_flags & VM_GROWSUP:  # C: if (vma->vm_flags & VM_GROWSUP)
        vm_end = ulong(vm_end + stack_guard_gap)  # C: vm_end += stack_guard_gap;
        if vm_end < vma.vm_end:  # C: if (vm_end < vma->vm_end)
            vm_end = ulong(-PAGE_SIZE)  # C: vm_end = -PAGE_SIZE;
    return vm_end  # C: return vm_end;


@kernel_function
def do_mas_align_munmap(mas: MaState, vma: VmAreaStruct, mm: MmStruct, start: int, end: int,
                        uf, downgrade: bool) -> int:
    prev, next = None, None  # C: struct vm_area_struct *prev, *next = NULL;
    mt_detach: list[VmAreaStruct] = []
    count = 0  # C: int count = 0;
    error = -ENOMEM  # C: int error = -ENOMEM;
    locked_vm = 0  # C: unsigned long locked_vm = 0;
    mas_detach = MaState(mt_detach, 0, 0)  # C: MA_STATE(mas_detach, &mt_detach, 0, 0);
    not_modelled("maple tree set-up: the detached tree is a plain "
                 "list")  # C: mt_init_flags(&mt_detach, mas->tree->ma_flags & MT_FLAGS_LOCK_MASK);
    not_modelled("locking: one thread, no contention")  # C: mt_set_external_lock(&mt_detach,

    if mas_preallocate(mas, vma):  # C: if (mas_preallocate(mas, vma, GFP_KERNEL))
        return -ENOMEM  # C: return -ENOMEM;

    mas.last = end - 1  # C: mas->last = end - 1;
    # Split any VMA that straddles start or end now, to save pain later.

    # Does it split the first one?
    if start > vma.vm_start:  # C: if (start > vma->vm_start)
        # map_count may pass its limit only for a moment, never on return from munmap
        if (end < vma.vm_end  # C: if (end < vma->vm_end && mm->map_count >= sysctl_max_map_count)
                and mm.map_count >= kernel.sysctl_max_map_count):
            return do_mas_align_munmap_map_count_exceeded(mas, error)  # C: goto map_count_exceeded;

        error = __split_vma(mm, vma, start, 0)  # C: error = __split_vma(mm, vma, start, 0);
        if error:  # C: if (error)
            return do_mas_align_munmap_map_count_exceeded(mas, error)  # C: goto start_split_failed;

        mas_set(mas, start)  # C: mas_set(mas, start);
        vma = mas_walk(mas)  # C: vma = mas_walk(mas);

    prev = mas_prev(mas, 0)  # C: prev = mas_prev(mas, 0);
    if not prev:  # C: if (unlikely((!prev)))
        mas_set(mas, start)  # C: mas_set(mas, start);

    # Detach the range's VMAs from the mm (into mt_detach); next is the loop's cursor.
    while (next := mas_find(mas, end - 1)) is not None:  # C: mas_for_each(mas, next, end - 1)
        # Does it split the end?
        if next.vm_end > end:  # C: if (next->vm_end > end)
            error = __split_vma(mm, next, end, 1)  # C: error = __split_vma(mm, next, end, 1);
            if error:  # C: if (error)
                return do_mas_align_munmap_end_split_failed(
                    mas, mt_detach, error)  # C: goto end_split_failed;

            mas_set(mas, end)  # C: mas_set(mas, end);
            split = mas_prev(mas, 0)  # C: split = mas_prev(mas, 0);
            mas_set_range(  # C: mas_set_range(&mas_detach, split->vm_start, split->vm_end - 1);
                mas_detach, split.vm_start, split.vm_end - 1)
            error = mas_store_gfp(mas_detach, split)  # C: error = mas_store_gfp(&mas_detach, split,
            if error:  # C: if (error)
                return do_mas_align_munmap_end_split_failed(
                    mas, mt_detach, error)  # C: goto munmap_gather_failed;
            if split.vm_flags & VM_LOCKED:  # C: if (split->vm_flags & VM_LOCKED)
                locked_vm += vma_pages(split)  # C: locked_vm += vma_pages(split);

            count += 1  # C: count++;
            if vma is next:  # C: if (vma == next)
                vma = split  # C: vma = split;
            break
        mas_set_range(mas_detach, next.vm_start, next.vm_end - 1)  # C: mas_set_range(&mas_detach,
        error = mas_store_gfp(mas_detach, next)  # C: error = mas_store_gfp(&mas_detach, next,
        if error:  # C: if (error)
            return do_mas_align_munmap_end_split_failed(
                mas, mt_detach, error)  # C: goto munmap_gather_failed;
        if next.vm_flags & VM_LOCKED:  # C: if (next->vm_flags & VM_LOCKED)
            locked_vm += vma_pages(next)  # C: locked_vm += vma_pages(next);

        count += 1  # C: count++;

    if not next:  # C: if (!next)
        next = mas_next(mas, ULONG_MAX)  # C: next = mas_next(mas, ULONG_MAX);

    if uf is not None:  # C: if (unlikely(uf))
        error = userfaultfd_unmap_prep(mm, start, end, uf)  # C: error = userfaultfd_unmap_prep(mm,

        if error:  # C: if (error)
            return do_mas_align_munmap_end_split_failed(
                mas, mt_detach, error)  # C: goto userfaultfd_error;

    # Point of no return
    mas_set_range(mas, start, end - 1)  # C: mas_set_range(mas, start, end - 1);
    mas_store_prealloc(mas, None)  # C: mas_store_prealloc(mas, NULL);

    mm.locked_vm -= locked_vm  # C: mm->locked_vm -= locked_vm;
    mm.map_count -= count  # C: mm->map_count -= count;
    # No downgrade next to a VMA that may grow under a read lock into the range unmapped.
    if downgrade:  # C: if (downgrade)
        if next and next.vm_flags & VM_GROWSDOWN:  # C: if (next && (next->vm_flags & VM_GROWSDOWN))
            downgrade = False  # C: downgrade = false;
        elif prev and prev.vm_flags & VM_GROWSUP:  # C: if (prev && (prev->vm_flags & VM_GROWSUP))
            downgrade = False  # C: downgrade = false;
        else:
            not_modelled("locking: one thread, no contention")  # C: mmap_write_downgrade(mm);

    unmap_region(mm, mt_detach, vma, prev, next, start, end)  # C: unmap_region(mm, &mt_detach, vma,
    # Statistics and freeing VMAs
    mas_set(mas_detach, start)  # C: mas_set(&mas_detach, start);
    remove_mt(mm, mas_detach)  # C: remove_mt(mm, &mas_detach);
    not_modelled("frees the detached tree's nodes; Python drops the "
                 "list")  # C: __mt_destroy(&mt_detach);

    not_modelled("a debug check of the VMA tree (CONFIG_DEBUG_VM_MAPLE_TREE "
                 "is off)")  # C: validate_mm(mm);
    return 1 if downgrade else 0  # C: return downgrade ? 1 : 0;


@goto_label("do_mas_align_munmap", "userfaultfd_error")
def do_mas_align_munmap_end_split_failed(mas: MaState, mt_detach: list, error: int) -> int:
    # The VMAs detached so far are still in the mm: forgetting the list undoes the detach.
    mt_detach.clear()  # C: userfaultfd_error: ... __mt_destroy(&mt_detach);
    return do_mas_align_munmap_map_count_exceeded(mas, error)


@goto_label("do_mas_align_munmap", "start_split_failed")
def do_mas_align_munmap_map_count_exceeded(mas: MaState, error: int) -> int:
    not_modelled("frees the maple nodes preallocated for the store; the lab "
                 "preallocates none")  # C: start_split_failed: ... mas_destroy(mas);
    return error  # C: return error;


@kernel_function
def do_mas_munmap(mas: MaState, mm: MmStruct, start: int, len: int, uf,
                  downgrade: bool) -> int:
    if (offset_in_page(start)  # C: if ((offset_in_page(start)) || start > TASK_SIZE || len >
            or start > TASK_SIZE or len > TASK_SIZE - start):
        return -EINVAL  # C: return -EINVAL;

    end = start + PAGE_ALIGN(len)  # C: end = start + PAGE_ALIGN(len);
    if end == start:  # C: if (end == start)
        return -EINVAL  # C: return -EINVAL;

    not_modelled("arch_unmap() does nothing on x86")  # C: arch_unmap(mm, start, end);

    # Find the first overlapping VMA
    vma = mas_find(mas, end - 1)  # C: vma = mas_find(mas, end - 1);
    if not vma:  # C: if (!vma)
        return 0  # C: return 0;

    return do_mas_align_munmap(  # C: return do_mas_align_munmap(mas, vma, mm, start, end, uf,
        mas, vma, mm, start, end, uf, downgrade)


@kernel_function
def __vm_munmap(start: int, len: int, downgrade: bool) -> int:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    uf = None  # C: LIST_HEAD(uf);
    mas = MaState(mm, start, start)  # C: MA_STATE(mas, &mm->mm_mt, start, start);

    not_modelled(  # C: if (mmap_write_lock_killable(mm)) ... return -EINTR;
        "locking: one thread, so the lock is never contended and no fatal signal "
        "interrupts the wait")

    ret = do_mas_munmap(mas, mm, start, len, uf, downgrade)  # C: ret = do_mas_munmap(&mas, mm,
    # Returning 1 means the lock was downgraded to read: release that instead.
    if ret == 1:  # C: if (ret == 1)
        not_modelled("locking: one thread, no contention")  # C: mmap_read_unlock(mm);
        ret = 0  # C: ret = 0;
    else:
        not_modelled("locking: one thread, no contention")  # C: mmap_write_unlock(mm);

    not_modelled("no VMA in the lab is registered with "
                 "userfaultfd")  # C: userfaultfd_unmap_complete(mm, &uf);
    return ret  # C: return ret;


@kernel_function(c_name="sys_munmap")
def sys_munmap(addr: int, len: int) -> int:
    addr = untagged_addr(addr)  # C: addr = untagged_addr(addr);
    return __vm_munmap(addr, len, True)  # C: return __vm_munmap(addr, len, true);


def untagged_addr(addr: int) -> int:
    return addr  # x86-64 in 6.1 has no address tags (LAM came in 6.4)


@kernel_function
def acct_stack_growth(vma: VmAreaStruct, size: int, grow: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;

    # address space limit tests
    if not may_expand_vm(mm, vma.vm_flags, grow):  # C: if (!may_expand_vm(mm, vma->vm_flags,
        return -ENOMEM  # C: return -ENOMEM;

    # Stack limit test
    if size > rlimit(RLIMIT_STACK):  # C: if (size > rlimit(RLIMIT_STACK))
        return -ENOMEM  # C: return -ENOMEM;

    # mlock limit tests
    if mlock_future_check(mm, vma.vm_flags, grow << PAGE_SHIFT):  # C: if (mlock_future_check(
        return -ENOMEM  # C: return -ENOMEM;

    # Check to ensure the stack will not grow into a hugetlb-only region
    new_start = vma.vm_start if vma.vm_flags & VM_GROWSUP else \
        vma.vm_end - size  # C: new_start = (vma->vm_flags & VM_GROWSUP) ? vma->vm_start :
    if is_hugepage_only_range(mm, new_start, size):  # C: if (is_hugepage_only_range(
        return -EFAULT  # C: return -EFAULT;

    # Overcommit: the final test, as it charges the commit accounting.
    if security_vm_enough_memory_mm(mm, grow):  # C: if (security_vm_enough_memory_mm(mm, grow))
        return -ENOMEM  # C: return -ENOMEM;

    return 0  # C: return 0;


def is_hugepage_only_range(mm: MmStruct, addr: int, len: int) -> bool:
    return False  # only ia64 has address ranges for huge pages only


@kernel_function
def expand_downwards(vma: VmAreaStruct, address: int) -> int:
    mm = current.mm  # C: struct mm_struct *mm = vma->vm_mm;
    mas = MaState(mm, vma.vm_start, vma.vm_start)  # C: MA_STATE(mas, &mm->mm_mt, vma->vm_start,
    error = 0  # C: int error = 0;

    if not vma.vm_flags & VM_GROWSDOWN:  # C: if (!(vma->vm_flags & VM_GROWSDOWN))
        return -EFAULT  # C: return -EFAULT;

    address &= PAGE_MASK  # C: address &= PAGE_MASK;
    if address < kernel.mmap_min_addr or address < FIRST_USER_ADDRESS:  # C: if (address <
        return -EPERM  # C: return -EPERM;

    # Enforce stack_guard_gap
    prev = mas_prev(mas, 0)  # C: prev = mas_prev(&mas, 0);
    if prev:  # C: if (prev)
        if (not prev.vm_flags & VM_GROWSDOWN and vma_is_accessible(prev)  # C: if (!(prev->
                and address - prev.vm_end < stack_guard_gap):
            return -ENOMEM  # C: return -ENOMEM;

    if mas_preallocate(mas, vma):  # C: if (mas_preallocate(&mas, vma, GFP_KERNEL))
        return -ENOMEM  # C: return -ENOMEM;

    # We must make sure the anon_vma is allocated.
    if anon_vma_prepare(vma):  # C: if (unlikely(anon_vma_prepare(vma)))
        not_modelled("frees preallocated maple nodes; the lab "
                     "preallocates none")  # C: mas_destroy(&mas);
        return -ENOMEM  # C: return -ENOMEM;

    not_modelled("the anon_vma's lock: one thread, no contention")  # C: anon_vma_lock_write(

    # Somebody else might have raced and expanded it already
    if address < vma.vm_start:  # C: if (address < vma->vm_start)
        size = vma.vm_end - address  # C: size = vma->vm_end - address;
        grow = (vma.vm_start - address) >> PAGE_SHIFT  # C: grow = (vma->vm_start - address) >>

        error = -ENOMEM  # C: error = -ENOMEM;
        if grow <= vma.vm_pgoff:  # C: if (grow <= vma->vm_pgoff)
            error = acct_stack_growth(vma, size, grow)  # C: error = acct_stack_growth(vma, size,
            if not error:  # C: if (!error)
                not_modelled("page-table lock: one thread, no "  # C: spin_lock(&mm->
                             "contention")
                if vma.vm_flags & VM_LOCKED:  # C: if (vma->vm_flags & VM_LOCKED)
                    mm.locked_vm += grow  # C: mm->locked_vm += grow;
                vm_stat_account(mm, vma.vm_flags, grow)  # C: vm_stat_account(mm, vma->vm_flags,
                not_modelled(  # C: anon_vma_interval_tree_pre_update_vma(vma);
                    "the anon_vma's interval tree: the lab keeps no interval trees")
                vma.vm_start = address  # C: vma->vm_start = address;
                vma.vm_pgoff -= grow  # C: vma->vm_pgoff -= grow;
                # Overwrite old entry in mtree.
                vma_mas_store(vma, mas)  # C: vma_mas_store(vma, &mas);
                not_modelled(  # C: anon_vma_interval_tree_post_update_vma(vma);
                    "the anon_vma's interval tree: the lab keeps no interval trees")
                not_modelled("page-table lock: one thread, no "  # C: spin_unlock(&mm->
                             "contention")

                not_modelled("perf events: profiling, no effect on memory")  # C: perf_event_mmap(
    not_modelled("the anon_vma's lock: one thread, no contention")  # C: anon_vma_unlock_write(
    not_modelled("khugepaged: collapsing into transparent huge pages "  # C: khugepaged_enter_vma(
                 "in the background is not modelled")
    not_modelled("frees preallocated maple nodes; the lab preallocates "  # C: mas_destroy(&mas);
                 "none")
    return error  # C: return error;


@kernel_function
def expand_stack_locked(vma: VmAreaStruct, address: int) -> int:
    if not vma.vm_flags & VM_GROWSDOWN:  # C: if (unlikely(!(vma->vm_flags & VM_GROWSDOWN)))
        return -EINVAL  # C: return -EINVAL;
    return expand_downwards(vma, address)  # C: return expand_downwards(vma, address);


@kernel_function
def __mmap_region(file: File | None, addr: int, len: int, vm_flags: int,
                  pgoff: int, uf) -> int:
    mm = current.mm  # C: struct mm_struct *mm = current->mm;
    vma = None  # C: struct vm_area_struct *vma = NULL;
    pglen = len >> PAGE_SHIFT  # C: pgoff_t pglen = len >> PAGE_SHIFT;
    charged = 0  # C: unsigned long charged = 0;
    end = addr + len  # C: unsigned long end = addr + len;
    merge_start, merge_end = addr, end  # C: unsigned long merge_start = addr, merge_end = end;
    mas = MaState(mm, addr, end - 1)  # C: MA_STATE(mas, &mm->mm_mt, addr, end - 1);

    # Check against address space limit.
    if not may_expand_vm(mm, vm_flags, len >> PAGE_SHIFT):  # C: if (!may_expand_vm(mm, vm_flags,
        # MAP_FIXED may remove pages of mappings it overlaps: count what it would unmap.
        nr_pages = count_vma_pages_range(mm, addr, end)  # C: nr_pages = count_vma_pages_range(mm,

        if not may_expand_vm(  # C: if (!may_expand_vm(mm, vm_flags, (len >> PAGE_SHIFT) -
                mm, vm_flags, (len >> PAGE_SHIFT) - nr_pages):
            return -ENOMEM  # C: return -ENOMEM;

    # Unmap any existing mapping in the area
    if do_mas_munmap(mas, mm, addr, len, uf, False):  # C: if (do_mas_munmap(&mas, mm, addr, len,
        return -ENOMEM  # C: return -ENOMEM;

    # Private writable mapping: check memory availability
    if accountable_mapping(file, vm_flags):  # C: if (accountable_mapping(file, vm_flags))
        charged = len >> PAGE_SHIFT  # C: charged = len >> PAGE_SHIFT;
        if security_vm_enough_memory_mm(mm, charged):  # C: if (security_vm_enough_memory_mm(mm,
            return -ENOMEM  # C: return -ENOMEM;
        vm_flags |= VM_ACCOUNT  # C: vm_flags |= VM_ACCOUNT;

    next = mas_next(mas, ULONG_MAX)  # C: next = mas_next(&mas, ULONG_MAX);
    prev = mas_prev(mas, 0)  # C: prev = mas_prev(&mas, 0);
    if vm_flags & VM_SPECIAL:  # C: if (vm_flags & VM_SPECIAL)
        return __mmap_region_cannot_expand(
            file, addr, len, vm_flags, pgoff, mm, end, mas, prev, next,
            charged)  # C: goto cannot_expand;

    # Attempt to expand an old mapping: check next, then prev
    if (next and next.vm_start == end and not vma_policy(next)  # C: if (next && next->vm_start ==
            and can_vma_merge_before(next, vm_flags, None, file, pgoff + pglen)):
        merge_end = next.vm_end  # C: merge_end = next->vm_end;
        vma = next  # C: vma = next;
        vm_pgoff = next.vm_pgoff - pglen  # C: vm_pgoff = next->vm_pgoff - pglen;

    if (prev and prev.vm_end == addr and not vma_policy(prev)  # C: if (prev && prev->vm_end == addr
            and (can_vma_merge_after(prev, vm_flags, vma.anon_vma, file, pgoff) if vma
                 else can_vma_merge_after(prev, vm_flags, None, file, pgoff))):
        merge_start = prev.vm_start  # C: merge_start = prev->vm_start;
        vma = prev  # C: vma = prev;
        vm_pgoff = prev.vm_pgoff  # C: vm_pgoff = prev->vm_pgoff;

    # Actually expand, if possible
    if vma and not vma_expand(  # C: if (vma && !vma_expand(&mas, vma, merge_start, merge_end,
            mas, vma, merge_start, merge_end, vm_pgoff, next):
        not_modelled("khugepaged: collapsing into transparent huge pages "
                     "in the background is not modelled")  # C: khugepaged_enter_vma(vma, vm_flags);
        return __mmap_region_expanded(mm, vma, vm_flags, len, file, addr)  # C: goto expanded;

    mas.index = addr  # C: mas.index = addr;
    mas.last = end - 1  # C: mas.last = end - 1;
    return __mmap_region_cannot_expand(file, addr, len, vm_flags, pgoff, mm, end, mas, prev,
                                       next, charged)


@goto_label("__mmap_region", "cannot_expand")
def __mmap_region_cannot_expand(file: File | None, addr: int, len: int, vm_flags: int,
                                pgoff: int, mm: MmStruct, end: int, mas: MaState,
                                prev: VmAreaStruct | None, next: VmAreaStruct | None,
                                charged: int) -> int:
    # The address is checked and the range unmapped: make the VMA, let its mapper see it.
    vma = vm_area_alloc(mm)  # C: cannot_expand: ... vma = vm_area_alloc(mm);
    not_modelled("kernel memory never runs out in the lab")  # C: if (!vma) ... goto unacct_error;

    vma.vm_start = addr  # C: vma->vm_start = addr;
    vma.vm_end = end  # C: vma->vm_end = end;
    vma.vm_flags = vm_flags  # C: vma->vm_flags = vm_flags;
    vma.vm_page_prot = vm_get_page_prot(vm_flags)  # C: vma->vm_page_prot = vm_get_page_prot(
    vma.vm_pgoff = pgoff  # C: vma->vm_pgoff = pgoff;

    if mas_preallocate(mas, vma):  # C: if (mas_preallocate(&mas, vma, GFP_KERNEL))
        error = -ENOMEM  # C: error = -ENOMEM;
        return __mmap_region_free_vma(vma, charged, error)  # C: goto free_vma;

    if file:  # C: if (file)
        vma.vm_file = get_file(file)  # C: vma->vm_file = get_file(file);
        error = mmap_file(file, vma)  # C: error = mmap_file(file, vma);
        if error:  # C: if (error)
            return __mmap_region_unmap_and_free_file_vma(
                mm, mas, vma, prev, next, charged, error)  # C: goto unmap_and_free_file_vma;

        not_modelled("a warning: drivers cannot move the VMA")  # C: WARN_ON_ONCE(addr !=
        not_modelled("a warning: drivers may not add write permission the "
                     "file's mode denies")  # C: VM_WARN_ON_ONCE(vm_flags != vma->vm_flags && !(
        not_modelled("restarts the tree walk; the lab's lookups start afresh "
                     "anyway")  # C: mas_reset(&mas);

        # If ->mmap() changed vm_flags, merging may succeed where it failed before.
        if vm_flags != vma.vm_flags and prev:  # C: if (unlikely(vm_flags != vma->vm_flags && prev))
            merge = vma_merge(  # C: merge = vma_merge(mm, prev, vma->vm_start, vma->vm_end,
                mm, prev, vma.vm_start, vma.vm_end, vma.vm_flags, None, vma.vm_file,
                vma.vm_pgoff)
            if merge:  # C: if (merge)
                not_modelled("drops the file reference; the lab counts "
                             "none")  # C: fput(vma->vm_file);
                not_modelled("the Python object is simply dropped")  # C: vm_area_free(vma);
                vma = merge  # C: vma = merge;
                # Update vm_flags to pick up the change.
                vm_flags = vma.vm_flags  # C: vm_flags = vma->vm_flags;
                not_modelled("frees preallocated maple nodes; the lab "
                             "preallocates none")  # C: mas_destroy(&mas);
                return __mmap_region_file_expanded(
                    mm, vma, vm_flags, len, addr)  # C: goto file_expanded;

        vm_flags = vma.vm_flags  # C: vm_flags = vma->vm_flags;
    elif vm_flags & VM_SHARED:  # C: if (vm_flags & VM_SHARED)
        error = shmem_zero_setup(vma)  # C: error = shmem_zero_setup(vma);
        if error:  # C: if (error)
            return __mmap_region_free_iter_vma(mas, vma, charged, error)  # C: goto free_iter_vma;
    else:
        vma_set_anonymous(vma)  # C: vma_set_anonymous(vma);

    not_modelled(  # C: if (vma->vm_file) ... i_mmap_lock_write(vma->vm_file->f_mapping);
        "locking: one thread, no contention")

    vma_mas_store(vma, mas)  # C: vma_mas_store(vma, &mas);
    mm.map_count += 1  # C: mm->map_count++;
    if vma.vm_file:  # C: if (vma->vm_file)
        if vma_is_shared_maywrite(vma):  # C: if (vma_is_shared_maywrite(vma))
            mapping_allow_writable(vma.vm_file.f_mapping)  # C: mapping_allow_writable(

        not_modelled("cache flushing: x86 needs none")  # C: flush_dcache_mmap_lock(
        vma_interval_tree_insert(vma, vma.vm_file.f_mapping.i_mmap)  # C: vma_interval_tree_insert(
        not_modelled("cache flushing: x86 needs none")  # C: flush_dcache_mmap_unlock(
        not_modelled("locking: one thread, no contention")  # C: i_mmap_unlock_write(

    not_modelled("khugepaged: collapsing into transparent huge pages in "
                 "the background is not modelled")  # C: khugepaged_enter_vma(vma, vma->vm_flags);

    return __mmap_region_file_expanded(mm, vma, vm_flags, len, addr)


@goto_label("__mmap_region", "file_expanded")
def __mmap_region_file_expanded(mm: MmStruct, vma: VmAreaStruct, vm_flags: int,
                                len: int, addr: int) -> int:
    file = vma.vm_file  # C: file_expanded: ... file = vma->vm_file;
    return __mmap_region_expanded(mm, vma, vm_flags, len, file, addr)  # C: expanded:


@goto_label("__mmap_region", "expanded")
def __mmap_region_expanded(mm: MmStruct, vma: VmAreaStruct, vm_flags: int,
                           len: int, file: File | None, addr: int) -> int:
    not_modelled("perf events: profiling, no effect on memory")  # C: perf_event_mmap(vma);

    vm_stat_account(mm, vm_flags, len >> PAGE_SHIFT)  # C: vm_stat_account(mm, vm_flags, len >>
    if vm_flags & VM_LOCKED:  # C: if (vm_flags & VM_LOCKED)
        if (vm_flags & VM_SPECIAL or vma_is_dax(vma)  # C: if ((vm_flags & VM_SPECIAL) ||
                or is_vm_hugetlb_page(vma) or vma is get_gate_vma(current.mm)):
            vma.vm_flags &= VM_LOCKED_CLEAR_MASK  # C: vma->vm_flags &= VM_LOCKED_CLEAR_MASK;
        else:
            mm.locked_vm += len >> PAGE_SHIFT  # C: mm->locked_vm += (len >> PAGE_SHIFT);

    not_modelled("uprobes: breakpoints in mapped code, not "
                 "modelled")  # C: if (file) ... uprobe_mmap(vma);

    # New (or expanded) vma always get soft dirty status: the soft-dirty tracker must see
    # a range unmapped and mapped again as new.
    vma.vm_flags |= VM_SOFTDIRTY  # C: vma->vm_flags |= VM_SOFTDIRTY;

    vma_set_page_prot(vma)  # C: vma_set_page_prot(vma);

    return addr  # C: return addr;


@goto_label("__mmap_region", "unmap_and_free_file_vma")
def __mmap_region_unmap_and_free_file_vma(mm: MmStruct, mas: MaState, vma: VmAreaStruct,
                                          prev: VmAreaStruct | None,
                                          next: VmAreaStruct | None, charged: int,
                                          error: int) -> int:
    not_modelled("drops the file reference; the lab counts "
                 "none")  # C: unmap_and_free_file_vma: ... fput(vma->vm_file);
    vma.vm_file = None  # C: vma->vm_file = NULL;

    # Undo any partial mapping done by a device driver.
    unmap_region(mm, mas.tree, vma, prev, next, vma.vm_start, vma.vm_end)  # C: unmap_region(mm,
    return __mmap_region_free_iter_vma(mas, vma, charged, error)


@goto_label("__mmap_region", "free_iter_vma")
def __mmap_region_free_iter_vma(mas: MaState, vma: VmAreaStruct, charged: int,
                                error: int) -> int:
    not_modelled("frees preallocated maple nodes; the lab preallocates "
                 "none")  # C: free_iter_vma: ... mas_destroy(&mas);
    return __mmap_region_free_vma(vma, charged, error)


@goto_label("__mmap_region", "free_vma")
def __mmap_region_free_vma(vma: VmAreaStruct, charged: int, error: int) -> int:
    not_modelled("the Python object is simply dropped")  # C: free_vma: ... vm_area_free(vma);
    return __mmap_region_unacct_error(charged, error)


@goto_label("__mmap_region", "unacct_error")
def __mmap_region_unacct_error(charged: int, error: int) -> int:
    if charged:  # C: unacct_error: ... if (charged)
        vm_unacct_memory(charged)  # C: vm_unacct_memory(charged);
    return error  # C: return error;


@kernel_function
def mmap_region(file: File | None, addr: int, len: int, vm_flags: int,
                pgoff: int, uf) -> int:
    writable_file_mapping = False  # C: bool writable_file_mapping = false;

    # Allow architectures to sanity-check the vm_flags.
    if not arch_validate_flags(vm_flags):  # C: if (!arch_validate_flags(vm_flags))
        return -EINVAL  # C: return -EINVAL;

    # Map writable and ensure this isn't a sealed memfd.
    if file and is_shared_maywrite(vm_flags):  # C: if (file && is_shared_maywrite(vm_flags))
        error = mapping_map_writable(file.f_mapping)  # C: int error = mapping_map_writable(

        if error:  # C: if (error)
            return error  # C: return error;
        writable_file_mapping = True  # C: writable_file_mapping = true;

    ret = __mmap_region(file, addr, len, vm_flags, pgoff, uf)  # C: ret = __mmap_region(file, addr,

    # Clear our write mapping regardless of error.
    if writable_file_mapping:  # C: if (writable_file_mapping)
        mapping_unmap_writable(file.f_mapping)  # C: mapping_unmap_writable(file->f_mapping);

    not_modelled("a debug check of the VMA tree (CONFIG_DEBUG_VM_MAPLE_TREE "
                 "is off)")  # C: validate_mm(current->mm);
    return ret  # C: return ret;


@kernel_function
def may_expand_vm(mm: MmStruct, flags: int, npages: int) -> bool:
    if mm.total_vm + npages > rlimit(RLIMIT_AS) >> PAGE_SHIFT:  # C: if (mm->total_vm + npages >
        return False  # C: return false;

    if (is_data_mapping(flags)  # C: if (is_data_mapping(flags) && mm->data_vm + npages > rlimit(
            and mm.data_vm + npages > rlimit(RLIMIT_DATA) >> PAGE_SHIFT):
        # Workaround for Valgrind
        if (rlimit(RLIMIT_DATA) == 0  # C: if (rlimit(RLIMIT_DATA) == 0 && mm->data_vm + npages <=
                and mm.data_vm + npages <= rlimit_max(RLIMIT_DATA) >> PAGE_SHIFT):
            return True  # C: return true;

        not_modelled("a kernel log message (VmData exceeds the data "
                     "ulimit)")  # C: pr_warn_once("%s (%d): VmData %lu exceed data ulimit %lu.

        if not ignore_rlimit_data:  # C: if (!ignore_rlimit_data)
            return False  # C: return false;

    return True  # C: return true;


@kernel_function
def vm_stat_account(mm: MmStruct, flags: int, npages: int) -> None:
    mm.total_vm += npages  # C: WRITE_ONCE(mm->total_vm, READ_ONCE(mm->total_vm)+npages);

    if is_exec_mapping(flags):  # C: if (is_exec_mapping(flags))
        mm.exec_vm += npages  # C: mm->exec_vm += npages;
    elif is_stack_mapping(flags):  # C: if (is_stack_mapping(flags))
        mm.stack_vm += npages  # C: mm->stack_vm += npages;
    elif is_data_mapping(flags):  # C: if (is_data_mapping(flags))
        mm.data_vm += npages  # C: mm->data_vm += npages;


# -- what munmap does below do_mas_align_munmap(), as plain helpers -----------------------------
def __split_vma(mm: MmStruct, vma: VmAreaStruct, addr: int, new_below: int) -> int:
    """mm/mmap.c: split vma at addr; the new VMA takes the part below (new_below) or above."""
    may_split = getattr(vma.vm_ops, "may_split", None) if vma.vm_ops else None
    if may_split is None and is_vm_hugetlb_page(vma):
        may_split = hugetlb_vm_op_split  # hugetlb_vm_ops' hook (VmOperations has no slot)
    if may_split:
        err = may_split(vma, addr)
        if err:
            return err

    new = vm_area_dup(vma)
    if new_below:
        new.vm_end = addr
    else:
        new.vm_start = addr
        new.vm_pgoff += (addr - vma.vm_start) >> PAGE_SHIFT

    if new.vm_ops and getattr(new.vm_ops, "open", None):
        new.vm_ops.open(new)

    # vma_adjust(): vma keeps the other part, and new joins the tree and the file's i_mmap.
    if new_below:
        vma.vm_pgoff += (addr - new.vm_start) >> PAGE_SHIFT
        vma.vm_start = addr
    else:
        vma.vm_end = addr
    mm.insert_vma(new)
    if new.vm_file:
        if vma_is_shared_maywrite(new):
            mapping_allow_writable(new.vm_file.f_mapping)
        vma_interval_tree_insert(new, new.vm_file.f_mapping.i_mmap)
    mm.map_count += 1
    return 0


def hugetlb_vm_op_split(vma: VmAreaStruct, addr: int) -> int:
    """mm/hugetlb.c: a hugetlb VMA splits only on a huge page boundary."""
    if addr & ~huge_page_mask(hstate_vma(vma)):
        return -EINVAL
    return 0


def unmap_region(mm: MmStruct, mt, vma: VmAreaStruct, prev: VmAreaStruct | None,
                 next: VmAreaStruct | None, start: int, end: int) -> None:
    """mm/mmap.c: zap the PTEs of [start, end) in vma and the VMAs of mt after it, then free
    the page tables no VMA outside the range still uses (between prev and next)."""
    vmas = [vma] + [v for v in mt_vmas(mt) if v is not vma and vma.vm_end <= v.vm_start < end]
    unmap_vmas(mm, vmas, start, end)
    free_pgtables(mm, vmas, prev.vm_end if prev else FIRST_USER_ADDRESS,
                  next.vm_start if next else USER_PGTABLES_CEILING)


def remove_mt(mm: MmStruct, mas: MaState) -> None:
    """mm/mmap.c: account for and free the detached VMAs."""
    nr_accounted = 0
    for vma in list(mt_vmas(mas.tree)):
        nrpages = vma_pages(vma)
        if vma.vm_flags & VM_ACCOUNT:
            nr_accounted += nrpages
        vm_stat_account(mm, vma.vm_flags, -nrpages)
        remove_vma(vma)
    vm_unacct_memory(nr_accounted)


def remove_vma(vma: VmAreaStruct) -> None:
    """mm/mmap.c: close the VMA and drop its file; a deleted file no one maps goes with it."""
    close = getattr(vma.vm_ops, "close", None) if vma.vm_ops else None
    if close:
        close(vma)
    if vma.vm_file:
        fput(vma.vm_file)


def fput(file: File) -> None:
    """The last reference to an unlinked file frees it: a shared anonymous mapping's shmem
    file gives back its pages and its overcommit charge (shmem_evict_inode). The lab counts
    no references: a deleted file goes when no VMA maps it and no descriptor holds it."""
    inode = file.f_inode
    if inode.evicted or not file.deleted or inode.i_mmap or \
            any(f is file for f in current.files.values()):
        return
    if inode.sb.fs_type not in ("shmem", "tmpfs"):
        return  # a hugetlbfs file's pages and reservations are mm/hugetlb.c's to release
    for pfn in inode.pages.values():
        kernel.physmem.put(pfn)
    inode.pages.clear()
    inode.dirty.clear()
    inode.evicted = True  # munmap of a split mapping drops each VMA's file: free once
    shmem_unacct_size(shmem_flags(inode), inode.i_size)


def vma_merge(mm: MmStruct, prev: VmAreaStruct | None, addr: int, end: int, vm_flags: int,
              anon_vma, file: File | None, pgoff: int) -> VmAreaStruct | None:
    """mm/mmap.c: can [addr, end), with these flags, become part of prev or of the next VMA?

    The range is a hole after prev (mmap: cases 1-3), or part of an existing VMA whose flags
    mprotect is changing (cases 4-8 of the kernel's comment). The neighbour that can take
    it grows over it (__vma_adjust()); a VMA wholly covered goes. NULL when none can.
    """
    if vm_flags & VM_SPECIAL:
        return None
    pglen = (end - addr) >> PAGE_SHIFT
    next = find_vma(mm, prev.vm_end if prev else 0)
    mid = next
    if next and next.vm_end == end:  # cases 6, 7, 8
        next = find_vma(mm, next.vm_end)
    merge_prev = bool(prev and prev.vm_end == addr
                      and can_vma_merge_after(prev, vm_flags, anon_vma, file, pgoff))
    merge_next = bool(next and end == next.vm_start
                      and can_vma_merge_before(next, vm_flags, anon_vma, file, pgoff + pglen))
    gone: list[VmAreaStruct] = []
    if merge_prev and merge_next and is_mergeable_anon_vma(prev.anon_vma, next.anon_vma, None):
        # cases 1, 6: prev grows over the range and next (and mid, if mid is the range)
        gone = [v for v in (mid, next) if v is not None and v is not prev]
        gone = list(dict.fromkeys(gone))
        res, new_end = prev, next.vm_end
        _vma_adjust_range(mm, res, prev.vm_start, new_end, prev.vm_pgoff, gone)
    elif merge_prev:  # cases 2, 5, 7
        res = prev
        if mid is not None and mid.vm_start < end:
            if mid.vm_end == end:  # case 7: mid goes
                gone = [mid]
            else:  # case 5: mid's start moves up to end, prev takes its first pages
                _adjust_start(mid, end, None)
                if mid.anon_vma and not prev.anon_vma:
                    prev.anon_vma = mid.anon_vma
        _vma_adjust_range(mm, res, prev.vm_start, end, prev.vm_pgoff, gone)
    elif merge_next:
        res = next
        if prev and addr < prev.vm_end:  # case 4: prev shrinks, next grows down to addr
            prev.vm_end = addr
            _adjust_start(next, addr, prev)
        else:  # cases 3, 8: next grows down over the range (mid, in case 8, goes)
            if mid is not None and mid is not next and mid.vm_start >= addr:
                gone = [mid]
            _adjust_start(next, addr, mid if gone else None)
            _vma_adjust_range(mm, next, addr, next.vm_end, next.vm_pgoff, gone)
    else:
        return None
    return res


def _adjust_start(vma: VmAreaStruct, start: int, exporter: VmAreaStruct | None) -> None:
    """Move vma's start (its pgoff with it); pages it takes over bring their anon_vma."""
    vma.vm_pgoff += (start - vma.vm_start) >> PAGE_SHIFT if start > vma.vm_start else \
        -((vma.vm_start - start) >> PAGE_SHIFT)
    vma.vm_start = start
    if exporter is not None and exporter.anon_vma and not vma.anon_vma:
        vma.anon_vma = exporter.anon_vma


def _vma_adjust_range(mm: MmStruct, vma: VmAreaStruct, start: int, end: int, pgoff: int,
                      gone: list[VmAreaStruct]) -> None:
    """__vma_adjust(): vma becomes [start, end); the VMAs in `gone` leave the tree."""
    for g in gone:
        if g.anon_vma and not vma.anon_vma:
            vma.anon_vma = g.anon_vma
        unlink_file_vma(g)
        mm.remove_vma(g)
        mm.map_count -= 1
        if g.vm_file:
            fput(g.vm_file)
    vma.vm_start, vma.vm_end, vma.vm_pgoff = start, end, pgoff


def split_vma(mm: MmStruct, vma: VmAreaStruct, addr: int, new_below: int) -> int:
    """mm/mmap.c: __split_vma(), unless the mm already has the most VMAs it may."""
    if mm.map_count >= kernel.sysctl_max_map_count:
        return -ENOMEM
    return __split_vma(mm, vma, addr, new_below)


# mm/util.c's twin imports this module too: import it last, when this one is complete.
from lab.kernel.mm.util import vm_mmap_pgoff  # noqa: E402
