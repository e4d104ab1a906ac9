# SPDX-License-Identifier: GPL-2.0-only
"""Signal numbers of arch/x86/include/uapi/asm/signal.h; SEGV_*, BUS_* codes of siginfo.h.

The si_code values come from include/uapi/asm-generic/siginfo.h.
"""

from __future__ import annotations

SIGHUP = 1
SIGINT = 2
SIGQUIT = 3
SIGILL = 4
SIGTRAP = 5
SIGABRT = 6
SIGIOT = 6  # an alias of SIGABRT
SIGBUS = 7
SIGFPE = 8
SIGKILL = 9
SIGUSR1 = 10
SIGSEGV = 11
SIGUSR2 = 12
SIGPIPE = 13
SIGALRM = 14
SIGTERM = 15
SIGSTKFLT = 16
SIGCHLD = 17
SIGCONT = 18
SIGSTOP = 19
SIGTSTP = 20
SIGTTIN = 21
SIGTTOU = 22
SIGURG = 23
SIGXCPU = 24
SIGXFSZ = 25
SIGVTALRM = 26
SIGPROF = 27
SIGWINCH = 28
SIGIO = 29
SIGPOLL = SIGIO
SIGPWR = 30
SIGSYS = 31
SIGUNUSED = 31  # an alias of SIGSYS
SIGRTMIN = 32  # the first real-time signal

# si_code values every signal may carry
SI_USER = 0  # sent by kill, sigsend, raise
SI_KERNEL = 0x80  # sent by the kernel from somewhere

# si_code of a SIGSEGV
SEGV_MAPERR = 1  # no mapping at the address
SEGV_ACCERR = 2  # a mapping is there, but it does not allow this access
SEGV_BNDERR = 3
SEGV_PKUERR = 4  # blocked by a protection key
SEGV_ACCADI = 5
SEGV_ADIDERR = 6
SEGV_ADIPERR = 7
SEGV_MTEAERR = 8
SEGV_MTESERR = 9

# si_code of a SIGBUS
BUS_ADRALN = 1
BUS_ADRERR = 2  # e.g. a file mapping touched past the end of the file
BUS_OBJERR = 3
BUS_MCEERR_AR = 4
BUS_MCEERR_AO = 5

_ALIASES = {"SIGIOT", "SIGPOLL", "SIGUNUSED"}

#: signal number -> name (SIGABRT, SIGIO and SIGSYS rather than their aliases).
SIGNAL_NAMES: dict[int, str] = {
    v: k for k, v in globals().items()
    if k.startswith("SIG") and k.isupper() and isinstance(v, int) and k not in _ALIASES
}
SEGV_CODE_NAMES: dict[int, str] = {v: k for k, v in globals().items() if k.startswith("SEGV_")}
BUS_CODE_NAMES: dict[int, str] = {v: k for k, v in globals().items() if k.startswith("BUS_")}


def si_code_name(signo: int, code: int) -> str:
    """The name of a si_code: SEGV_MAPERR for SIGSEGV's 1, BUS_ADRERR for SIGBUS's 2."""
    names = {SIGSEGV: SEGV_CODE_NAMES, SIGBUS: BUS_CODE_NAMES}.get(signo, {})
    if code in names:
        return names[code]
    return {SI_USER: "SI_USER", SI_KERNEL: "SI_KERNEL"}.get(code, str(code))
