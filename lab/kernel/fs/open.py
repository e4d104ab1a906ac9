# SPDX-License-Identifier: GPL-2.0-only
"""Twin of fs/open.c's ftruncate(2): checks on the descriptor, then do_truncate().

Below do_truncate(), plain helpers stand for fs/attr.c and the file systems' ->setattr
(not kept in kernel_src): notify_change() checks the new size against RLIMIT_FSIZE and the
largest file size (inode_newsize_ok: SIGXFSZ and EFBIG past the limit), then the file
system changes the size. ext4 and tmpfs end in truncate_setsize() (mm/truncate.c), as
simple_setattr() does; ext4 also frees the blocks past the new end, so the bytes on disk go
too. hugetlbfs takes only sizes in whole huge pages and frees the huge pages past the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import PAGE_SHIFT, PAGE_SIZE
from lab.kernel.file import FMODE_WRITE, MAX_LFS_FILESIZE, File, Inode
from lab.kernel.include.linux.hugetlb import hstate_inode, huge_page_size, pages_per_huge_page
from lab.kernel.include.uapi.errno import EBADF, EFBIG, EINVAL, EPERM
from lab.kernel.include.uapi.fcntl import O_LARGEFILE
from lab.kernel.include.uapi.resource import RLIMIT_FSIZE
from lab.kernel.include.uapi.signal import SIGXFSZ
from lab.kernel.kernel.signal import send_sig
from lab.kernel.machine import current, kernel, rlimit
from lab.kernel.mm.memory import unmap_mapping_range
from lab.kernel.mm.truncate import truncate_setsize
from lab.kernel.twin import goto_label, kernel_function, not_modelled

MAX_NON_LFS = (1 << 31) - 1  # include/linux/fs.h: the largest file without O_LARGEFILE
ATTR_SIZE, ATTR_MTIME, ATTR_CTIME = 1 << 3, 1 << 5, 1 << 6  # include/linux/fs.h
ATTR_FORCE, ATTR_FILE = 1 << 9, 1 << 13


@dataclass
class Iattr:
    """struct iattr: what notify_change() is asked to change."""

    ia_valid: int = 0
    ia_size: int = 0
    ia_file: File | None = None


@dataclass
class Fd:
    """struct fd, as fdget() returns it."""

    file: File | None


def fdget(fd: int) -> Fd:
    return Fd(current.files.get(fd))


def S_ISREG(inode: Inode) -> bool:  # noqa: N802
    return inode.sb.fs_type != "devtmpfs"  # the lab's devices are character devices


def IS_APPEND(inode: Inode) -> bool:  # noqa: N802
    return inode.IS_APPEND()


def security_path_truncate(file: File) -> int:
    return 0  # no LSM that checks truncation


def dentry_needs_remove_privs(mnt_userns, dentry: Inode) -> int:
    return 0  # the lab's files have no setuid bits or file capabilities to drop


def file_mnt_user_ns(file: File):
    return None  # the initial user namespace


# -- below do_truncate(): fs/attr.c and the file systems' ->setattr --------------------------
def inode_newsize_ok(inode: Inode, offset: int) -> int:
    """fs/attr.c: growing past RLIMIT_FSIZE sends SIGXFSZ and fails with EFBIG."""
    if inode.i_size < offset:
        limit = rlimit(RLIMIT_FSIZE)
        if offset > limit:
            send_sig(SIGXFSZ, current, 0)
            return -EFBIG
        if offset > MAX_LFS_FILESIZE:
            return -EFBIG
    return 0


def notify_change(mnt_userns, inode: Inode, attr: Iattr, delegated) -> int:
    """fs/attr.c: ask the file system to change the attributes (here: the size)."""
    if not attr.ia_valid & ATTR_SIZE:
        return 0
    error = inode_newsize_ok(inode, attr.ia_size)  # setattr_prepare()
    if error:
        return error
    if inode.sb.fs_type == "hugetlbfs":
        return hugetlbfs_setattr_size(inode, attr.ia_size)
    if attr.ia_size != inode.i_size:
        oldsize = inode.i_size
        truncate_setsize(inode, attr.ia_size)
        if inode.sb.fs_type == "ext4" and attr.ia_size < oldsize:
            ext4_truncate_blocks(inode, attr.ia_size)
    return 0


def ext4_truncate_blocks(inode: Inode, newsize: int) -> None:
    """ext4_truncate(): the blocks past the new end are freed, and the tail of the last block
    is zeroed, so the bytes past the end are gone from the disk too."""
    last = (newsize + PAGE_SIZE - 1) >> PAGE_SHIFT
    for index in [i for i in inode.data if i >= last]:
        del inode.data[index]
    partial = newsize & (PAGE_SIZE - 1)
    block = inode.data.get(newsize >> PAGE_SHIFT)
    if partial and block is not None:
        inode.data[newsize >> PAGE_SHIFT] = bytearray(bytes(block[:partial]).ljust(
            PAGE_SIZE, b"\0"))


def hugetlbfs_setattr_size(inode: Inode, newsize: int) -> int:
    """fs/hugetlbfs/inode.c: a size in whole huge pages; the huge pages past it are unmapped
    and go back to the pool (hugetlb_vmtruncate, remove_inode_hugepages)."""
    h = hstate_inode(inode)
    if newsize & (huge_page_size(h) - 1):
        return -EINVAL
    inode.i_size = newsize
    unmap_mapping_range(inode, newsize, 0, 1)
    first = newsize // huge_page_size(h)
    physmem = kernel.physmem
    for index in [i for i in inode.pages if i >= first]:
        pfn = inode.pages.pop(index)
        for p in range(pfn, pfn + pages_per_huge_page(h)):
            physmem.put(p)
        h.free_huge_pages += 1
    return 0


# -- fs/open.c -----------------------------------------------------------------------------------
@kernel_function
def do_truncate(mnt_userns, dentry: Inode, length: int, time_attrs: int,
                filp: File | None) -> int:
    newattrs = Iattr()
    # Not pretty: "inode->i_size" shouldn't really be signed. But it is.
    if length < 0:  # C: if (length < 0)
        return -EINVAL  # C: return -EINVAL;

    newattrs.ia_size = length  # C: newattrs.ia_size = length;
    newattrs.ia_valid = ATTR_SIZE | time_attrs  # C: newattrs.ia_valid = ATTR_SIZE | time_attrs;
    if filp:  # C: if (filp)
        newattrs.ia_file = filp  # C: newattrs.ia_file = filp;
        newattrs.ia_valid |= ATTR_FILE  # C: newattrs.ia_valid |= ATTR_FILE;

    # Remove suid, sgid, and file capabilities on truncate too
    ret = dentry_needs_remove_privs(mnt_userns, dentry)  # C: ret = dentry_needs_remove_privs(
    if ret < 0:  # C: if (ret < 0)
        return ret  # C: return ret;
    if ret:  # C: if (ret)
        newattrs.ia_valid |= ret | ATTR_FORCE  # C: newattrs.ia_valid |= ret | ATTR_FORCE;

    not_modelled("inode lock: one thread, no contention")  # C: inode_lock(dentry->d_inode);
    # Note any delegations or leases have already been broken:
    ret = notify_change(mnt_userns, dentry, newattrs, None)  # C: ret = notify_change(mnt_userns,
    not_modelled("inode lock: one thread, no contention")  # C: inode_unlock(dentry->d_inode);
    return ret  # C: return ret;


@kernel_function
def do_sys_ftruncate(fd: int, length: int, small: int) -> int:
    error = -EINVAL  # C: error = -EINVAL;
    if length < 0:  # C: if (length < 0)
        return do_sys_ftruncate_out(error)  # C: goto out;
    error = -EBADF  # C: error = -EBADF;
    f = fdget(fd)  # C: f = fdget(fd);
    if not f.file:  # C: if (!f.file)
        return do_sys_ftruncate_out(error)  # C: goto out;

    # explicitly opened as large or we are on 64-bit box
    if f.file.f_flags & O_LARGEFILE:  # C: if (f.file->f_flags & O_LARGEFILE)
        small = 0  # C: small = 0;

    dentry = f.file.f_inode  # C: dentry = f.file->f_path.dentry;
    inode = dentry  # C: inode = dentry->d_inode;
    error = -EINVAL  # C: error = -EINVAL;
    # Only a regular file opened for writing can be truncated.
    if not S_ISREG(inode) or not f.file.f_mode & FMODE_WRITE:  # C: if (!S_ISREG(inode->i_mode)
        return do_sys_ftruncate_out_putf(f, error)  # C: goto out_putf;

    error = -EINVAL  # C: error = -EINVAL;
    # Cannot ftruncate over 2^31 bytes without large file support
    if small and length > MAX_NON_LFS:  # C: if (small && length > MAX_NON_LFS)
        return do_sys_ftruncate_out_putf(f, error)  # C: goto out_putf;

    error = -EPERM  # C: error = -EPERM;
    # Check IS_APPEND on real upper inode
    if IS_APPEND(f.file.f_inode):  # C: if (IS_APPEND(file_inode(f.file)))
        return do_sys_ftruncate_out_putf(f, error)  # C: goto out_putf;
    not_modelled("file system freezing: the lab never freezes")  # C: sb_start_write(inode->i_sb);
    error = security_path_truncate(f.file)  # C: error = security_path_truncate(&f.file->f_path);
    if not error:  # C: if (!error)
        error = do_truncate(file_mnt_user_ns(f.file), dentry, length,  # C: error = do_truncate(
                            ATTR_MTIME | ATTR_CTIME, f.file)
    not_modelled("file system freezing: the lab never freezes")  # C: sb_end_write(inode->i_sb);
    return do_sys_ftruncate_out_putf(f, error)


@goto_label("do_sys_ftruncate", "out_putf")
def do_sys_ftruncate_out_putf(f: Fd, error: int) -> int:
    not_modelled("the descriptor's reference: the lab counts "  # C: out_putf: ... fdput(f);
                 "none")
    return do_sys_ftruncate_out(error)


@goto_label("do_sys_ftruncate", "out")
def do_sys_ftruncate_out(error: int) -> int:
    return error  # C: out: ... return error;


@kernel_function(c_name="sys_ftruncate")
def sys_ftruncate(fd: int, length: int) -> int:
    return do_sys_ftruncate(fd, length, 1)  # C: return do_sys_ftruncate(fd, length, 1);
