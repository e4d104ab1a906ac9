# SPDX-License-Identifier: GPL-2.0-only
"""errno values of include/uapi/asm-generic/errno-base.h and errno.h (x86 uses the generic ones)."""

from __future__ import annotations

# errno-base.h
EPERM = 1
ENOENT = 2
ESRCH = 3
EINTR = 4
EIO = 5
ENXIO = 6
E2BIG = 7
ENOEXEC = 8
EBADF = 9
ECHILD = 10
EAGAIN = 11
ENOMEM = 12
EACCES = 13
EFAULT = 14
ENOTBLK = 15
EBUSY = 16
EEXIST = 17
EXDEV = 18
ENODEV = 19
ENOTDIR = 20
EISDIR = 21
EINVAL = 22
ENFILE = 23
EMFILE = 24
ENOTTY = 25
ETXTBSY = 26
EFBIG = 27
ENOSPC = 28
ESPIPE = 29
EROFS = 30
EMLINK = 31
EPIPE = 32
EDOM = 33
ERANGE = 34

# errno.h
EDEADLK = 35
ENAMETOOLONG = 36
ENOLCK = 37
ENOSYS = 38
ENOTEMPTY = 39
ELOOP = 40
EWOULDBLOCK = EAGAIN  # the same error under its BSD name
ENOMSG = 42
EIDRM = 43
ECHRNG = 44
EL2NSYNC = 45
EL3HLT = 46
EL3RST = 47
ELNRNG = 48
EUNATCH = 49
ENOCSI = 50
EL2HLT = 51
EBADE = 52
EBADR = 53
EXFULL = 54
ENOANO = 55
EBADRQC = 56
EBADSLT = 57
EDEADLOCK = EDEADLK
EBFONT = 59
ENOSTR = 60
ENODATA = 61
ETIME = 62
ENOSR = 63
ENONET = 64
ENOPKG = 65
EREMOTE = 66
ENOLINK = 67
EADV = 68
ESRMNT = 69
ECOMM = 70
EPROTO = 71
EMULTIHOP = 72
EDOTDOT = 73
EBADMSG = 74
EOVERFLOW = 75
ENOTUNIQ = 76
EBADFD = 77
EREMCHG = 78
ELIBACC = 79
ELIBBAD = 80
ELIBSCN = 81
ELIBMAX = 82
ELIBEXEC = 83
EILSEQ = 84
ERESTART = 85
ESTRPIPE = 86
EUSERS = 87
ENOTSOCK = 88
EDESTADDRREQ = 89
EMSGSIZE = 90
EPROTOTYPE = 91
ENOPROTOOPT = 92
EPROTONOSUPPORT = 93
ESOCKTNOSUPPORT = 94
EOPNOTSUPP = 95
EPFNOSUPPORT = 96
EAFNOSUPPORT = 97
EADDRINUSE = 98
EADDRNOTAVAIL = 99
ENETDOWN = 100
ENETUNREACH = 101
ENETRESET = 102
ECONNABORTED = 103
ECONNRESET = 104
ENOBUFS = 105
EISCONN = 106
ENOTCONN = 107
ESHUTDOWN = 108
ETOOMANYREFS = 109
ETIMEDOUT = 110
ECONNREFUSED = 111
EHOSTDOWN = 112
EHOSTUNREACH = 113
EALREADY = 114
EINPROGRESS = 115
ESTALE = 116
EUCLEAN = 117
ENOTNAM = 118
ENAVAIL = 119
EISNAM = 120
EREMOTEIO = 121
EDQUOT = 122
ENOMEDIUM = 123
EMEDIUMTYPE = 124
ECANCELED = 125
ENOKEY = 126
EKEYEXPIRED = 127
EKEYREVOKED = 128
EKEYREJECTED = 129
EOWNERDEAD = 130
ENOTRECOVERABLE = 131
ERFKILL = 132
EHWPOISON = 133

_ALIASES = {"EWOULDBLOCK", "EDEADLOCK"}

#: errno number -> name; a number with two names maps to the primary one (EAGAIN, EDEADLK).
ERRNO_NAMES: dict[int, str] = {
    v: k for k, v in globals().items()
    if k.startswith("E") and k.isupper() and isinstance(v, int) and k not in _ALIASES
}


def errno_name(n: int) -> str:
    """The name of errno `n`; a kernel return value such as -22 works too ("EINVAL")."""
    return ERRNO_NAMES.get(abs(n), f"errno {n}")


#: What each error of mmap(2), munmap(2) and mprotect(2) means in Linux 6.1, for a learner.
MMAP_ERRNO_MEANINGS: dict[str, str] = {
    "EACCES": "The file was not opened in a mode that allows this mapping: every file "
              "mapping needs the file open for reading, and a shared writable one needs it "
              "open for writing too (an append-only file refuses shared mappings opened for "
              "writing). mprotect gives EACCES when asked for a permission the mapping may "
              "never have, e.g. PROT_WRITE on a shared mapping of a read-only file.",
    "EAGAIN": "Locking the mapping into memory (MAP_LOCKED, or mlockall(MCL_FUTURE)) would "
              "go over RLIMIT_MEMLOCK and the process lacks CAP_IPC_LOCK. Try again with a "
              "smaller mapping or a higher limit.",
    "EBADF": "The fd argument is not an open file, and MAP_ANONYMOUS was not given, so the "
             "kernel has nothing to map.",
    "EEXIST": "MAP_FIXED_NOREPLACE was given and the requested range overlaps a mapping "
              "that already exists; unlike MAP_FIXED, the kernel refuses to unmap it.",
    "EINVAL": "An argument is malformed: length 0, an address or offset that is not a "
              "multiple of the page size, a flags word whose type is neither MAP_SHARED, "
              "MAP_PRIVATE nor MAP_SHARED_VALIDATE, or a huge page size the machine does not "
              "have. munmap and mprotect say EINVAL for an unaligned start address.",
    "ENFILE": "A shared anonymous mapping is backed by an internal shmem file, and the "
              "system-wide limit on open files has been reached, so none could be created.",
    "ENODEV": "The file's filesystem or device driver has no mmap operation, so this kind of "
              "file cannot be mapped at all (a pipe or a directory, for example).",
    "ENOMEM": "No room: no free range of addresses is big enough, the process would pass "
              "vm.max_map_count mappings or RLIMIT_AS/RLIMIT_DATA, or the overcommit policy "
              "refuses to promise the memory. munmap can fail so when splitting a mapping "
              "would exceed the map count; mprotect says ENOMEM when part of the range is "
              "not mapped.",
    "EOVERFLOW": "The offset plus the length runs past what a file offset can address: the "
                 "page index of the mapping's end would wrap around.",
    "EPERM": "Not allowed: PROT_EXEC on a file from a noexec mount, MAP_FIXED below "
             "vm.mmap_min_addr without CAP_SYS_RAWIO, MAP_LOCKED when RLIMIT_MEMLOCK is 0 "
             "and the process lacks CAP_IPC_LOCK, or a write mapping of a sealed file.",
    "ETXTBSY": "A shared writable mapping of a file in use as swap: Linux 6.1 refuses it. "
               "Old kernels also said ETXTBSY for MAP_DENYWRITE, which is now ignored.",
    "EOPNOTSUPP": "MAP_SHARED_VALIDATE asked for a flag that this file does not support, "
                  "e.g. MAP_SYNC on a file that is not on a DAX filesystem. Plain "
                  "MAP_SHARED silently drops such flags instead.",
    "EINTR": "A fatal signal arrived while the call waited for the mmap lock of the address "
             "space; the call gave up before changing anything.",
    "EFAULT": "A pointer argument points at memory the process cannot read. mmap itself "
              "takes no such pointer on x86-64; touching unmapped memory raises SIGSEGV, "
              "not EFAULT, because no system call is involved.",
}
