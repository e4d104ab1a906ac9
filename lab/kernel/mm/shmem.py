# SPDX-License-Identifier: GPL-2.0-only
"""Twin of mm/shmem.c: tmpfs files, and the shmem file behind shared anonymous memory.

MAP_SHARED | MAP_ANONYMOUS memory is a file too: shmem_zero_setup() gives the VMA an
unlinked shmem file named "dev/zero" (maps shows "/dev/zero (deleted)"), so the pages are
shared through its page cache. Its size is charged to the overcommit accounting up front
(shmem_acct_size) unless VM_NORESERVE, when each page is charged as it is allocated.

tmpfs pages live only in the page cache: a fault allocates a zeroed frame (FRAME_FILE) and
caches it; they count as MM_SHMEMPAGES. shmem_huge is "never" (the default): no huge pages.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_MASK, PAGE_SHIFT, PAGE_SIZE
from lab.kernel.arch.x86.include.asm.pgtable import PMD_SIZE as HPAGE_PMD_SIZE
from lab.kernel.arch.x86.include.asm.pgtable import TASK_SIZE_MAX as TASK_SIZE  # 64-bit task
from lab.kernel.file import (
    FMODE_READ,
    FMODE_WRITE,
    MAX_LFS_FILESIZE,
    S_PRIVATE,
    File,
    FileOperations,
    Inode,
    SuperBlock,
    VmOperations,
)
from lab.kernel.include.linux.mm import VM_NORESERVE, VM_SHARED, VM_WRITE
from lab.kernel.include.linux.mm_types import VM_FAULT_LOCKED
from lab.kernel.include.uapi.errno import EINVAL, ENOMEM, ENOSPC, EPERM
from lab.kernel.include.uapi.fcntl import F_SEAL_FUTURE_WRITE, F_SEAL_WRITE, O_RDWR
from lab.kernel.include.uapi.mman import MAP_FIXED
from lab.kernel.machine import current, kernel
from lab.kernel.mm.filemap import filemap_map_pages
from lab.kernel.mm.hugetlb import vmf_error
from lab.kernel.physmem import FRAME_FILE
from lab.kernel.twin import IS_ERR_VALUE, MAX_ERRNO, kernel_function, not_modelled

CONFIG_TRANSPARENT_HUGEPAGE = True  # Debian builds it in (the lab's KERNEL_CONFIG)
S_IFREG, S_IRWXUGO = 0o100000, 0o777

# mm/shmem.c: the values of shmem_huge and of a mount's huge= option
SHMEM_HUGE_NEVER, SHMEM_HUGE_ALWAYS, SHMEM_HUGE_WITHIN_SIZE, SHMEM_HUGE_ADVISE = 0, 1, 2, 3
SHMEM_HUGE_DENY, SHMEM_HUGE_FORCE = -1, -2
shmem_huge = SHMEM_HUGE_NEVER  # /sys/kernel/mm/transparent_hugepage/shmem_enabled

SGP_CACHE = 2  # shmem_get_folio_gfp(): find or allocate the page, do not read past EOF

#: The internal mount behind shmem_kernel_file_setup() (shm_mnt): its files' st_dev is 00:01.
shm_mnt = SuperBlock("shmem")


def IS_ERR(x) -> bool:  # noqa: N802
    return isinstance(x, int) and -MAX_ERRNO <= x < 0


def file_inode(file: File) -> Inode:
    return file.f_inode


def SHMEM_I(inode: Inode) -> Inode:  # noqa: N802
    return inode  # shmem_inode_info: the lab keeps its fields (seals, flags) on the inode


class _ShmemSbInfo:
    __slots__ = ("huge",)

    def __init__(self, huge: int):
        self.huge = huge


def SHMEM_SB(sb: SuperBlock) -> _ShmemSbInfo:  # noqa: N802
    return _ShmemSbInfo(SHMEM_HUGE_NEVER)  # no lab tmpfs is mounted with huge=


def shmem_flags(inode: Inode) -> int:
    """SHMEM_I(inode)->flags: VM_NORESERVE when pages are charged one by one."""
    return inode.shmem_flags


def seal_check_write(seals: int, vma) -> int:
    """include/linux/mm.h: a write-sealed memfd may not be mapped shared and writable."""
    if not seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE):
        return 0
    if vma.vm_flags & VM_SHARED and vma.vm_flags & VM_WRITE:
        return -EPERM
    return 0


def VM_ACCT(size: int) -> int:  # noqa: N802
    return ((size + PAGE_SIZE - 1) & PAGE_MASK) >> PAGE_SHIFT


def shmem_acct_size(flags: int, size: int) -> int:
    """Charge a whole shmem object to the overcommit accounting, unless VM_NORESERVE."""
    from lab.kernel.security import security_vm_enough_memory_mm

    if flags & VM_NORESERVE:
        return 0
    return security_vm_enough_memory_mm(current.mm, VM_ACCT(size))


def shmem_unacct_size(flags: int, size: int) -> None:
    from lab.kernel.include.linux.mman import vm_unacct_memory

    if not flags & VM_NORESERVE:
        vm_unacct_memory(VM_ACCT(size))


def shmem_get_inode(sb: SuperBlock, dir_, mode: int, dev: int, flags: int) -> Inode:
    inode = Inode(kernel.next_ino, sb, f_op=shmem_file_operations)
    kernel.next_ino += 1
    inode.shmem_flags = flags & VM_NORESERVE
    return inode


def alloc_file_pseudo(inode: Inode, mnt: SuperBlock, name: str, flags: int,
                      fops: FileOperations, unlinked: bool) -> File:
    """fs/file_table.c: a struct file for a kernel-internal inode; maps shows "/" + name."""
    inode.f_op = fops
    return File("/" + name, inode, FMODE_READ | FMODE_WRITE, flags, deleted=unlinked)


def shmem_falloc_in_progress(inode: Inode) -> bool:
    return False  # inode->i_private: no fallocate() hole punch is ever running in the lab


def shmem_get_folio_gfp(inode: Inode, index: int, foliop: list, sgp: int, gfp, vma, vmf,
                        fault_type: list) -> int:
    """Find page `index` in the page cache, or allocate a zeroed one and cache it; -errno.

    Beyond the end of the file the fault is an error (-EINVAL, SIGBUS to the process). For
    a VM_NORESERVE object each new page is charged to the overcommit accounting.
    """
    from lab.kernel.security import security_vm_enough_memory_mm

    if sgp <= SGP_CACHE and index << PAGE_SHIFT >= inode.i_size:
        return -EINVAL
    physmem = kernel.physmem
    folio = inode.pages.get(index)
    if folio is None:
        if shmem_flags(inode) & VM_NORESERVE and security_vm_enough_memory_mm(current.mm, 1):
            return -ENOSPC  # shmem_acct_block() failed
        if physmem.free_pages <= 0:
            # shmem_alloc_folio() asks with the mapping's GFP_HIGHUSER_MOVABLE: the
            # allocator's slow path runs the OOM killer, which kills this process (the
            # reaper cannot free shared memory) and the allocation fails.
            from lab.kernel.mm.oom_kill import out_of_memory

            out_of_memory()
            return -ENOMEM
        folio = physmem.alloc(FRAME_FILE)  # the page cache's reference
        data = inode.data.get(index)
        if data is not None:
            physmem.data[folio] = bytearray(data[:PAGE_SIZE].ljust(PAGE_SIZE, b"\0"))
        inode.pages[index] = folio
    physmem.get(folio)  # the caller's reference
    foliop[0] = folio
    return 0


@kernel_function
def shmem_fault(vmf) -> int:
    vma = vmf.vma  # C: struct vm_area_struct *vma = vmf->vma;
    inode = file_inode(vma.vm_file)  # C: struct inode *inode = file_inode(vma->vm_file);
    gfp = 0  # C: gfp_t gfp = mapping_gfp_mask(inode->i_mapping);
    folio = [None]  # C: struct folio *folio = NULL;
    ret = [VM_FAULT_LOCKED]  # C: vm_fault_t ret = VM_FAULT_LOCKED;
    if shmem_falloc_in_progress(inode):  # C: if (unlikely(inode->i_private))
        not_modelled(  # C: spin_lock(&inode->i_lock); ... return ret;
            "waiting out a fallocate() hole punch: none ever runs in the lab")
        not_modelled("inode lock: one thread, no contention")  # C: spin_unlock(&inode->i_lock);
    err = shmem_get_folio_gfp(inode, vmf.pgoff, folio, SGP_CACHE,  # C: err = shmem_get_folio_gfp(
                              gfp, vma, vmf, ret)
    if err:  # C: if (err)
        return vmf_error(err)  # C: return vmf_error(err);
    if folio[0]:  # C: if (folio)
        vmf.page = folio[0]  # C: vmf->page = folio_file_page(folio, vmf->pgoff);
    return ret[0]  # C: return ret;


@kernel_function
def shmem_get_unmapped_area(file: File | None, uaddr: int, len: int,  # noqa: A002
                            pgoff: int, flags: int) -> int:
    if len > TASK_SIZE:  # C: if (len > TASK_SIZE)
        return -ENOMEM  # C: return -ENOMEM;
    get_area = current.mm.get_unmapped_area  # C: get_area = current->mm->get_unmapped_area;
    addr = get_area(file, uaddr, len, pgoff, flags)  # C: addr = get_area(file, uaddr, len,
    if not CONFIG_TRANSPARENT_HUGEPAGE:  # C: if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
        return addr  # C: return addr;
    if IS_ERR_VALUE(addr):  # C: if (IS_ERR_VALUE(addr))
        return addr  # C: return addr;
    if addr & ~PAGE_MASK:  # C: if (addr & ~PAGE_MASK)
        return addr  # C: return addr;
    if addr > TASK_SIZE - len:  # C: if (addr > TASK_SIZE - len)
        return addr  # C: return addr;
    if shmem_huge == SHMEM_HUGE_DENY:  # C: if (shmem_huge == SHMEM_HUGE_DENY)
        return addr  # C: return addr;
    if len < HPAGE_PMD_SIZE:  # C: if (len < HPAGE_PMD_SIZE)
        return addr  # C: return addr;
    if flags & MAP_FIXED:  # C: if (flags & MAP_FIXED)
        return addr  # C: return addr;
    if uaddr == addr:  # C: if (uaddr == addr)
        return addr  # C: return addr;
    if shmem_huge != SHMEM_HUGE_FORCE:  # C: if (shmem_huge != SHMEM_HUGE_FORCE)
        if file:  # C: if (file)
            not_modelled("debug assertion: a tmpfs file")  # C: VM_BUG_ON(file->f_op !=
            sb = file_inode(file).sb  # C: sb = file_inode(file)->i_sb;
        else:
            if IS_ERR(shm_mnt):  # C: if (IS_ERR(shm_mnt))
                return addr  # C: return addr;
            sb = shm_mnt  # C: sb = shm_mnt->mnt_sb;
        if SHMEM_SB(sb).huge == SHMEM_HUGE_NEVER:  # C: if (SHMEM_SB(sb)->huge == SHMEM_HUGE_NEVER)
            return addr  # C: return addr;
    offset = (pgoff << PAGE_SHIFT) & (HPAGE_PMD_SIZE - 1)  # C: offset = (pgoff << PAGE_SHIFT)
    if offset and offset + len < 2 * HPAGE_PMD_SIZE:  # C: if (offset && offset + len < 2 *
        return addr  # C: return addr;
    if (addr & (HPAGE_PMD_SIZE - 1)) == offset:  # C: if ((addr & (HPAGE_PMD_SIZE-1)) == offset)
        return addr  # C: return addr;
    inflated_len = len + HPAGE_PMD_SIZE - PAGE_SIZE  # C: inflated_len = len + HPAGE_PMD_SIZE
    if inflated_len > TASK_SIZE:  # C: if (inflated_len > TASK_SIZE)
        return addr  # C: return addr;
    if inflated_len < len:  # C: if (inflated_len < len)
        return addr  # C: return addr;
    inflated_addr = get_area(None, uaddr, inflated_len, 0, flags)  # C: inflated_addr = get_area(
    if IS_ERR_VALUE(inflated_addr):  # C: if (IS_ERR_VALUE(inflated_addr))
        return addr  # C: return addr;
    if inflated_addr & ~PAGE_MASK:  # C: if (inflated_addr & ~PAGE_MASK)
        return addr  # C: return addr;
    inflated_offset = inflated_addr & (HPAGE_PMD_SIZE - 1)  # C: inflated_offset = inflated_addr
    inflated_addr += offset - inflated_offset  # C: inflated_addr += offset - inflated_offset;
    if inflated_offset > offset:  # C: if (inflated_offset > offset)
        inflated_addr += HPAGE_PMD_SIZE  # C: inflated_addr += HPAGE_PMD_SIZE;
    if inflated_addr > TASK_SIZE - len:  # C: if (inflated_addr > TASK_SIZE - len)
        return addr  # C: return addr;
    return inflated_addr  # C: return inflated_addr;


@kernel_function
def shmem_mmap(file: File, vma) -> int:
    info = SHMEM_I(file_inode(file))  # C: struct shmem_inode_info *info = SHMEM_I(file_inode(
    ret = seal_check_write(info.seals, vma)  # C: ret = seal_check_write(info->seals, vma);
    if ret:  # C: if (ret)
        return ret  # C: return ret;
    not_modelled("access time (atime): the lab keeps no file times")  # C: file_accessed(file);
    vma.vm_ops = shmem_vm_ops  # C: vma->vm_ops = &shmem_vm_ops;
    return 0  # C: return 0;


@kernel_function
def __shmem_file_setup(mnt: SuperBlock, name: str, size: int, flags: int,
                       i_flags: int) -> File | int:
    if IS_ERR(mnt):  # C: if (IS_ERR(mnt))
        return mnt  # C: return ERR_CAST(mnt);
    if size < 0 or size > MAX_LFS_FILESIZE:  # C: if (size < 0 || size > MAX_LFS_FILESIZE)
        return -EINVAL  # C: return ERR_PTR(-EINVAL);
    if shmem_acct_size(flags, size):  # C: if (shmem_acct_size(flags, size))
        return -ENOMEM  # C: return ERR_PTR(-ENOMEM);
    inode = shmem_get_inode(mnt, None, S_IFREG | S_IRWXUGO, 0,  # C: inode = shmem_get_inode(
                            flags)
    if not inode:  # C: if (unlikely(!inode))
        shmem_unacct_size(flags, size)  # C: shmem_unacct_size(flags, size);
        return -ENOSPC  # C: return ERR_PTR(-ENOSPC);
    inode.i_flags |= i_flags  # C: inode->i_flags |= i_flags;
    inode.i_size = size  # C: inode->i_size = size;
    unlinked = True  # C: clear_nlink(inode);
    res = 0  # C: res = ERR_PTR(ramfs_nommu_expand_for_mapping(inode, size));
    if not IS_ERR(res):  # C: if (!IS_ERR(res))
        res = alloc_file_pseudo(inode, mnt, name, O_RDWR,  # C: res = alloc_file_pseudo(
                                shmem_file_operations, unlinked)
    if IS_ERR(res):  # C: if (IS_ERR(res))
        not_modelled("inode reference counts: the lab keeps none")  # C: iput(inode);
    return res  # C: return res;


@kernel_function
def shmem_kernel_file_setup(name: str, size: int, flags: int) -> File | int:
    return __shmem_file_setup(shm_mnt, name, size, flags, S_PRIVATE)  # C: return __shmem_file_


@kernel_function
def shmem_zero_setup(vma) -> int:
    size = vma.vm_end - vma.vm_start  # C: loff_t size = vma->vm_end - vma->vm_start;
    file = shmem_kernel_file_setup("dev/zero", size, vma.vm_flags)  # C: file = shmem_kernel_
    if IS_ERR(file):  # C: if (IS_ERR(file))
        return file  # C: return PTR_ERR(file);
    if vma.vm_file:  # C: if (vma->vm_file)
        not_modelled("file reference counts: the lab keeps none")  # C: fput(vma->vm_file);
    vma.vm_file = file  # C: vma->vm_file = file;
    vma.vm_ops = shmem_vm_ops  # C: vma->vm_ops = &shmem_vm_ops;
    return 0  # C: return 0;


def noop_fsync(file: File, start: int, end: int, datasync: int) -> int:
    """fs/libfs.c: tmpfs has no disk: its pages are all the file there is."""
    return 0


shmem_vm_ops = VmOperations("shmem_vm_ops", fault=shmem_fault, map_pages=filemap_map_pages)

#: A tmpfs file: what open(..., fs="tmpfs") gives, and the file behind shared anonymous memory.
shmem_file_operations = FileOperations("shmem_file_operations", mmap=shmem_mmap,
                                       get_unmapped_area=shmem_get_unmapped_area,
                                       fsync=noop_fsync)
