# SPDX-License-Identifier: GPL-2.0-only
"""Twin of fs/hugetlbfs/inode.c: mapping hugetlbfs files, and the file behind MAP_HUGETLB.

mmap(MAP_ANONYMOUS | MAP_HUGETLB) maps an unlinked file on the kernel's internal hugetlbfs
mount of the chosen page size: hugetlb_file_setup() makes it ("/anon_hugepage (deleted)"
in maps), and hugetlbfs_file_mmap() reserves the huge pages the VMA will need.
"""

from __future__ import annotations

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_MASK, PAGE_SHIFT
from lab.kernel.file import (
    FMODE_READ,
    FMODE_WRITE,
    S_PRIVATE,
    File,
    FileOperations,
    Inode,
    SuperBlock,
    VmOperations,
)
from lab.kernel.include.linux.hugetlb import (
    HUGETLB_SHMFS_INODE,
    hstate_file,
    hstate_index,
    hstate_inode,
    hstate_sizelog,
    huge_page_mask,
    huge_page_order,
    huge_page_shift,
    huge_page_size,
)
from lab.kernel.include.linux.mm import VM_DONTEXPAND, VM_HUGETLB, VM_NORESERVE, VM_WRITE
from lab.kernel.include.uapi.errno import EINVAL, ENODEV, ENOENT, ENOMEM, ENOSPC
from lab.kernel.include.uapi.fcntl import O_RDWR
from lab.kernel.machine import kernel
from lab.kernel.mm.hugetlb import hugetlb_reserve_pages
from lab.kernel.mm.memory import BUG
from lab.kernel.mm.shmem import S_IFREG, S_IRWXUGO, seal_check_write
from lab.kernel.twin import MAX_ERRNO, ULONG_MAX, goto_label, kernel_function, not_modelled

BITS_PER_LONG = 64
# Bits of vm_pgoff that would overflow a loff_t once shifted to a byte offset
PGOFF_LOFFT_MAX = (PAGE_MASK << (BITS_PER_LONG - (2 * PAGE_SHIFT) - 1)) & ULONG_MAX
SIZEOF_UNSIGNED_LONG = SIZEOF_LOFF_T = 8


def IS_ERR(x) -> bool:  # noqa: N802
    return isinstance(x, int) and -MAX_ERRNO <= x < 0


def loff_t(x: int) -> int:
    """C's loff_t: a signed 64-bit value, wrapping as the kernel's arithmetic does."""
    x &= ULONG_MAX
    return x - (1 << 64) if x >> 63 else x


def file_inode(file: File) -> Inode:
    return file.f_inode


def HUGETLBFS_I(inode: Inode) -> Inode:  # noqa: N802
    return inode  # hugetlbfs_inode_info: the lab keeps its seals on the inode


def get_hstate_idx(page_size_log: int) -> int:
    h = hstate_sizelog(page_size_log)
    if not h:
        return -1
    return hstate_index(h)


def hugetlbfs_vfsmount(hstate_idx: int) -> SuperBlock | None:
    """The kernel's internal hugetlbfs mount for each huge page size, made at boot."""
    h = kernel.hstates[hstate_idx]
    return SuperBlock("hugetlbfs", huge_page_size=huge_page_size(h))


def can_do_hugetlb_shm() -> bool:
    return False  # for SysV shm only; the lab's process is in no hugetlb_shm_group


def hugetlbfs_get_inode(sb: SuperBlock, dir_, mode: int, dev: int) -> Inode:
    inode = Inode(kernel.next_ino, sb, f_op=hugetlbfs_file_operations)
    kernel.next_ino += 1
    return inode


def alloc_file_pseudo(inode: Inode, mnt: SuperBlock, name: str, flags: int,
                      fops: FileOperations, unlinked: bool) -> File:
    inode.f_op = fops
    return File("/" + name, inode, FMODE_READ | FMODE_WRITE, flags, deleted=unlinked)


def hugetlb_vm_op_fault(vmf) -> int:
    """mm/hugetlb.c: never called; handle_mm_fault() sends hugetlb VMAs to hugetlb_fault()."""
    BUG()
    return 0


hugetlb_vm_ops = VmOperations("hugetlb_vm_ops", fault=hugetlb_vm_op_fault)


@kernel_function
def hugetlbfs_file_mmap(file: File, vma) -> int:
    inode = file_inode(file)  # C: struct inode *inode = file_inode(file);
    info = HUGETLBFS_I(inode)  # C: struct hugetlbfs_inode_info *info = HUGETLBFS_I(inode);
    h = hstate_file(file)  # C: struct hstate *h = hstate_file(file);
    vma.vm_flags |= VM_HUGETLB | VM_DONTEXPAND  # C: vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
    vma.vm_ops = hugetlb_vm_ops  # C: vma->vm_ops = &hugetlb_vm_ops;
    ret = seal_check_write(info.seals, vma)  # C: ret = seal_check_write(info->seals, vma);
    if ret:  # C: if (ret)
        return ret  # C: return ret;
    if SIZEOF_UNSIGNED_LONG == SIZEOF_LOFF_T:  # C: if (sizeof(unsigned long) == sizeof(loff_t))
        if vma.vm_pgoff & PGOFF_LOFFT_MAX:  # C: if (vma->vm_pgoff & PGOFF_LOFFT_MAX)
            return -EINVAL  # C: return -EINVAL;
    if vma.vm_pgoff & (~huge_page_mask(h) >> PAGE_SHIFT):  # C: if (vma->vm_pgoff & (~huge_page_
        return -EINVAL  # C: return -EINVAL;
    vma_len = loff_t(vma.vm_end - vma.vm_start)  # C: vma_len = (loff_t)(vma->vm_end - vma->
    len_ = loff_t(vma_len + (vma.vm_pgoff << PAGE_SHIFT))  # C: len = vma_len + ((loff_t)vma->
    if len_ < vma_len:  # C: if (len < vma_len)
        return -EINVAL  # C: return -EINVAL;
    not_modelled("inode lock: one thread, no contention")  # C: inode_lock(inode);
    not_modelled("access time (atime): the lab keeps no file times")  # C: file_accessed(file);
    ret = -ENOMEM  # C: ret = -ENOMEM;
    vm_flags = vma.vm_flags  # C: vm_flags = vma->vm_flags;
    if inode.i_flags & S_PRIVATE:  # C: if (inode->i_flags & S_PRIVATE)
        vm_flags |= VM_NORESERVE  # C: vm_flags |= VM_NORESERVE;
    if not hugetlb_reserve_pages(inode,  # C: if (!hugetlb_reserve_pages(inode,
                                 vma.vm_pgoff >> huge_page_order(h),
                                 len_ >> huge_page_shift(h), vma, vm_flags):
        return hugetlbfs_file_mmap_out(ret)  # C: goto out;
    ret = 0  # C: ret = 0;
    if vma.vm_flags & VM_WRITE and inode.i_size < len_:  # C: if (vma->vm_flags & VM_WRITE &&
        inode.i_size = len_  # C: i_size_write(inode, len);
    return hugetlbfs_file_mmap_out(ret)


@goto_label("hugetlbfs_file_mmap", "out")
def hugetlbfs_file_mmap_out(ret: int) -> int:
    not_modelled("inode lock: one thread, no contention")  # C: out: ... inode_unlock(inode);
    return ret  # C: return ret;


@kernel_function
def hugetlb_file_setup(name: str, size: int, acctflag: int, creat_flags: int,
                       page_size_log: int) -> File | int:
    hstate_idx = get_hstate_idx(page_size_log)  # C: hstate_idx = get_hstate_idx(page_size_log);
    if hstate_idx < 0:  # C: if (hstate_idx < 0)
        return -ENODEV  # C: return ERR_PTR(-ENODEV);
    mnt = hugetlbfs_vfsmount(hstate_idx)  # C: mnt = hugetlbfs_vfsmount[hstate_idx];
    if not mnt:  # C: if (!mnt)
        return -ENOENT  # C: return ERR_PTR(-ENOENT);
    if creat_flags == HUGETLB_SHMFS_INODE and not can_do_hugetlb_shm():  # C: if (creat_flags ==
        not_modelled(  # C: struct ucounts *ucounts = current_ucounts(); ... return ERR_PTR(-EPERM);
            "SysV shared memory with SHM_HUGETLB: the lab has no shmget()")
    file = -ENOSPC  # C: file = ERR_PTR(-ENOSPC);
    inode = hugetlbfs_get_inode(mnt, None, S_IFREG | S_IRWXUGO, 0)  # C: inode = hugetlbfs_get_
    if not inode:  # C: if (!inode)
        return hugetlb_file_setup_out(file)  # C: goto out;
    if creat_flags == HUGETLB_SHMFS_INODE:  # C: if (creat_flags == HUGETLB_SHMFS_INODE)
        inode.i_flags |= S_PRIVATE  # C: inode->i_flags |= S_PRIVATE;
    inode.i_size = size  # C: inode->i_size = size;
    unlinked = True  # C: clear_nlink(inode);
    if not hugetlb_reserve_pages(inode, 0,  # C: if (!hugetlb_reserve_pages(inode, 0,
                                 size >> huge_page_shift(hstate_inode(inode)), None, acctflag):
        file = -ENOMEM  # C: file = ERR_PTR(-ENOMEM);
    else:
        file = alloc_file_pseudo(inode, mnt, name, O_RDWR,  # C: file = alloc_file_pseudo(
                                 hugetlbfs_file_operations, unlinked)
    if not IS_ERR(file):  # C: if (!IS_ERR(file))
        return file  # C: return file;
    not_modelled("inode reference counts: the lab keeps none")  # C: iput(inode);
    return hugetlb_file_setup_out(file)


@goto_label("hugetlb_file_setup", "out")
def hugetlb_file_setup_out(file) -> File | int:
    return file  # C: out: ... return file;


def _hugetlb_get_unmapped_area(file, addr: int, len: int, pgoff: int,  # noqa: A002
                               flags: int) -> int:
    from lab.kernel.arch.x86.mm.hugetlbpage import hugetlb_get_unmapped_area

    return hugetlb_get_unmapped_area(file, addr, len, pgoff, flags)


def _noop_fsync(file: File, start: int, end: int, datasync: int) -> int:
    from lab.kernel.mm.shmem import noop_fsync  # mm/shmem.py imports this module

    return noop_fsync(file, start, end, datasync)


#: A hugetlbfs file: open(..., fs="hugetlbfs"), and the file behind MAP_HUGETLB.
hugetlbfs_file_operations = FileOperations("hugetlbfs_file_operations",
                                           mmap=hugetlbfs_file_mmap,
                                           get_unmapped_area=_hugetlb_get_unmapped_area,
                                           fsync=_noop_fsync)
