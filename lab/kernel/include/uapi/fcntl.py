# SPDX-License-Identifier: GPL-2.0-only
"""open(2) flags of include/uapi/asm-generic/fcntl.h (x86 uses the generic ones), octal as in C,
and the memfd seals of include/uapi/linux/fcntl.h."""

O_ACCMODE = 0o00000003
O_RDONLY = 0o00000000
O_WRONLY = 0o00000001
O_RDWR = 0o00000002
O_CREAT = 0o00000100
O_EXCL = 0o00000200
O_NOCTTY = 0o00000400
O_TRUNC = 0o00001000
O_APPEND = 0o00002000
O_NONBLOCK = 0o00004000
O_DSYNC = 0o00010000
FASYNC = 0o00020000
O_DIRECT = 0o00040000
O_LARGEFILE = 0o00100000
O_DIRECTORY = 0o00200000
O_NOFOLLOW = 0o00400000
O_NOATIME = 0o01000000
O_CLOEXEC = 0o02000000
__O_SYNC = 0o04000000
O_SYNC = __O_SYNC | O_DSYNC  # O_SYNC implies O_DSYNC, so it is two bits
O_PATH = 0o10000000
__O_TMPFILE = 0o20000000
O_TMPFILE = __O_TMPFILE | O_DIRECTORY
O_NDELAY = O_NONBLOCK

# include/uapi/linux/fcntl.h: the seals of a memfd (fcntl(F_ADD_SEALS))
F_SEAL_SEAL = 0x0001  # prevent further seals from being set
F_SEAL_SHRINK = 0x0002  # prevent file from shrinking
F_SEAL_GROW = 0x0004  # prevent file from growing
F_SEAL_WRITE = 0x0008  # prevent writes
F_SEAL_FUTURE_WRITE = 0x0010  # prevent future writes while mapped
