# SPDX-License-Identifier: GPL-2.0-only
"""Twin of fs/sync.c's vfs_fsync_range(): hand a file's range to its file system's ->fsync."""

from __future__ import annotations

from lab.kernel.file import File, Inode
from lab.kernel.include.uapi.errno import EINVAL
from lab.kernel.twin import kernel_function, not_modelled


def inode_dirty_time(inode: Inode) -> bool:
    return False  # inode->i_state & I_DIRTY_TIME: the lab keeps no file times


@kernel_function
def vfs_fsync_range(file: File, start: int, end: int, datasync: int) -> int:
    inode = file.f_mapping  # C: struct inode *inode = file->f_mapping->host;

    if not file.f_op.fsync:  # C: if (!file->f_op->fsync)
        return -EINVAL  # C: return -EINVAL;
    if not datasync and inode_dirty_time(inode):  # C: if (!datasync && (inode->i_state &
        not_modelled("file times: the lab keeps none")  # C: mark_inode_dirty_sync(inode);
    return file.f_op.fsync(file, start, end, datasync)  # C: return file->f_op->fsync(file,
