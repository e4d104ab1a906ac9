# SPDX-License-Identifier: GPL-2.0-only
"""RLIMIT_* and RLIM_INFINITY of include/uapi/asm-generic/resource.h (x86 uses the generic ones)."""

RLIMIT_CPU = 0
RLIMIT_FSIZE = 1
RLIMIT_DATA = 2
RLIMIT_STACK = 3
RLIMIT_CORE = 4
RLIMIT_RSS = 5
RLIMIT_NPROC = 6
RLIMIT_NOFILE = 7
RLIMIT_MEMLOCK = 8
RLIMIT_AS = 9
RLIMIT_LOCKS = 10
RLIMIT_SIGPENDING = 11
RLIMIT_MSGQUEUE = 12
RLIMIT_NICE = 13
RLIMIT_RTPRIO = 14
RLIMIT_RTTIME = 15
RLIM_NLIMITS = 16

RLIM_INFINITY = 2**64 - 1  # (~0UL): an unsigned long with every bit set

RLIMIT_NAMES = {v: k for k, v in globals().items() if k.startswith("RLIMIT_")}
