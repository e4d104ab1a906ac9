# SPDX-License-Identifier: GPL-2.0-only
"""Locals as a step saw them, and how to show them the way a kernel person reads them.

Capturing keeps plain values (ints, strings) and a small frozen picture of kernel objects
(a VMA's range and flags, a fault's address and flags), because the objects change after the
step. Formatting is done only when a panel or the text trace shows a step: hex for addresses,
errno names for negative returns, and flag names from the table the word belongs to. A name
alone does not say which: `flags` is MAP_* in do_mmap, FAULT_FLAG_* in handle_mm_fault,
FOLL_* in follow_page_mask and VM_* in may_expand_vm, so the function (and the C type of the
local, where it names the word: vm_flags_t, vm_fault_t) decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lab.kernel.arch.x86.include.asm import trap_pf
from lab.kernel.file import File
from lab.kernel.flagnames import decode_flags
from lab.kernel.include.linux.mm import FOLL_NAMES, VM_FLAG_NAMES
from lab.kernel.include.linux.mm_types import FAULT_FLAG_NAMES, VM_FAULT_NAMES
from lab.kernel.include.uapi import mman
from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.kernel.include.uapi.mman import decode_map_flags, decode_prot
from lab.kernel.mm.memory import VmFault
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.twin import ULONG_MAX, Out


@dataclass(frozen=True, slots=True)
class VmaPicture:
    start: int
    end: int
    flags: int
    pgoff: int


@dataclass(frozen=True, slots=True)
class VmFaultPicture:
    """struct vm_fault as the step saw it: the fields a learner follows down the handlers."""

    address: int
    flags: int
    pgoff: int


@dataclass(frozen=True, slots=True)
class Opaque:
    """An object the learner sees only by its kind: `struct file *`, `struct mm_struct *`."""

    text: str


def capture_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, VmAreaStruct):
        return VmaPicture(value.vm_start, value.vm_end, value.vm_flags, value.vm_pgoff)
    if isinstance(value, Out):
        return ("*", capture_value(value.value))
    if isinstance(value, VmFault):
        return VmFaultPicture(value.address, value.flags, value.pgoff)
    if isinstance(value, File):
        return Opaque(f'struct file * "{value.path}"')
    if isinstance(value, MmStruct):
        return Opaque("struct mm_struct * (current->mm)")
    return Opaque(type(value).__name__)


def capture_locals(frame, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The frame's locals, captured. Values equal to `previous` ones (the same frame's last
    step) are those objects, and if nothing changed the result is `previous` itself: most
    steps change one local or none, and a recording keeps every step's locals."""
    now = {name: capture_value(v) for name, v in frame.f_locals.items()
           if not name.startswith("_")}
    if previous is None:
        return now
    if now == previous:
        return previous
    for name, value in now.items():
        old = previous.get(name, now)
        if old is not now and old is not value and type(old) is type(value) and old == value:
            now[name] = old
    return now


# Locals that hold a return value, where a small negative number is an error code.
_ERRNO_NAMES_LOCALS = {"ret", "retval", "error", "err", "addr", "result", "rc", "file"}

_ADDRESS_NAMES = {"addr", "start", "end", "address", "vm_start", "vm_end", "ret", "retval",
                  "len", "length", "merge_start", "merge_end", "addr0", "high_limit",
                  "low_limit", "gap_start", "gap_end", "nstart", "nend", "mmap_base"}


def _names(table) -> Callable[[int], list[str]]:  # noqa: ANN001
    return lambda v: decode_flags(v, table)


def _module_names(module, prefix: str) -> tuple[tuple[str, int], ...]:  # noqa: ANN001
    return tuple((k, v) for k, v in vars(module).items()
                 if k.startswith(prefix) and isinstance(v, int) and v)


#: Flag words: how each names its bits. What a word is called when empty comes after.
_WORDS: dict[str, tuple[Callable[[int], list[str]], str]] = {
    "PROT": (decode_prot, "PROT_NONE"),
    "MAP": (decode_map_flags, "0"),
    "VM": (_names(VM_FLAG_NAMES), "VM_NONE"),
    "FOLL": (_names(FOLL_NAMES), "0"),
    "FAULT_FLAG": (_names(FAULT_FLAG_NAMES), "0"),
    "VM_FAULT": (_names(VM_FAULT_NAMES), "0"),
    "X86_PF": (_names(_module_names(trap_pf, "X86_PF_")), "0"),
    "MS": (_names(_module_names(mman, "MS_")), "0"),
}

#: Locals whose name says their word in every function.
_WORD_OF_NAME = {
    "prot": "PROT", "reqprot": "PROT", "vm_flags": "VM", "newflags": "VM", "oldflags": "VM",
    "gup_flags": "FOLL", "foll_flags": "FOLL", "fault_flags": "FAULT_FLAG",
    "vm_fault": "VM_FAULT", "error_code": "X86_PF", "flags_mask": "MAP",
}

#: What `flags` holds, function by function (C display names, as steps carry them).
_FLAGS_BY_FUNCTION: dict[str, str] = {
    **dict.fromkeys((
        "SYSCALL_DEFINE6(mmap)", "ksys_mmap_pgoff", "vm_mmap_pgoff", "vm_mmap", "do_mmap",
        "get_unmapped_area", "arch_get_unmapped_area", "arch_get_unmapped_area_topdown",
        "find_start_end", "shmem_get_unmapped_area", "hugetlb_get_unmapped_area",
        "thp_get_unmapped_area", "__thp_get_unmapped_area", "get_unmapped_area_zero",
        "calc_vm_flag_bits", "arch_calc_vm_flag_bits", "cap_mmap_file",
        "security_mmap_file", "arch_mmap_check"), "MAP"),
    **dict.fromkeys((
        "handle_mm_fault", "__handle_mm_fault", "do_user_addr_fault", "hugetlb_fault",
        "hugetlb_wp", "hugetlb_no_page", "fault_flag_allow_retry_first",
        "handle_userfault", "sanitize_fault_flags"), "FAULT_FLAG"),
    **dict.fromkeys((
        "faultin_page", "follow_page_mask", "follow_page_pte", "follow_pmd_mask",
        "follow_pud_mask", "follow_p4d_mask", "can_follow_write_pte", "try_grab_folio",
        "try_grab_page", "__follow_hugetlb_must_fault", "follow_hugetlb_page"), "FOLL"),
    **dict.fromkeys((
        "mlock_future_check", "shmem_acct_size", "shmem_unacct_size", "shmem_get_inode",
        "__shmem_file_setup", "shmem_kernel_file_setup", "shmem_file_setup"), "VM"),
    "SYSCALL_DEFINE3(msync)": "MS",
}

#: C types that name a flag word: a local declared with one holds that word.
_WORD_OF_CTYPE = {"vm_flags_t": "VM", "vm_fault_t": "VM_FAULT", "enum fault_flag": "FAULT_FLAG"}
_CTYPE_DECL = re.compile(r"\b(vm_flags_t|vm_fault_t|enum fault_flag)\s*\**\s*(\w+)")


@functools.lru_cache(maxsize=512)
def _ctype_words(function: str) -> dict[str, str]:
    """Locals of a C function declared with a flag-word type: name → word."""
    from lab.source.cindex import default_index

    index = default_index()
    try:
        fns = index.functions(function)
        lines = index.source_lines(fns[0]) if fns else []
    except (KeyError, OSError, ValueError):
        return {}
    words: dict[str, str] = {}
    for _, text in lines:
        for ctype, name in _CTYPE_DECL.findall(text):
            words.setdefault(name, _WORD_OF_CTYPE[ctype])
    return words


def flag_word(name: str, function: str | None) -> str | None:
    """Which flag word a local holds ("MAP", "FAULT_FLAG", ...), or None if not one (or not
    known). Without a function, only names that mean one word everywhere are decoded."""
    if function is not None:
        word = _ctype_words(function).get(name)
        if word is not None:
            return word
        if name in ("flags", "flag"):
            return _FLAGS_BY_FUNCTION.get(function)
    return _WORD_OF_NAME.get(name)


def bit_name(word: str, bit: int) -> str:
    """The name of one bit of a flag word ("FAULT_FLAG_WRITE"), or its value in hex."""
    return (_WORDS[word][0](bit) or [f"{bit:#x}"])[0]


def decode_word(word: str, value: int) -> str:
    """'0x22 (MAP_PRIVATE | MAP_ANONYMOUS)': a flag word's value and its bits' names."""
    names, empty = _WORDS[word]
    if not value and empty == "0":
        return "0"
    return f"{value:#x} ({' | '.join(names(value)) or empty})"


def format_value(name: str, value: Any, function: str | None = None) -> str:
    """C-like text for one local as a kernel reader expects it, by its name and, when given,
    the C function it belongs to (which decides what a word like `flags` holds)."""
    if isinstance(value, tuple) and value and value[0] == "*":
        return "*" + format_value(name, value[1], function)
    if isinstance(value, VmaPicture):
        return (f"{{vm_start={value.start:#x}, vm_end={value.end:#x}, "
                f"vm_flags={value.flags:#x}}}")
    if isinstance(value, VmFaultPicture):
        return (f"{{address={value.address:#x}, "
                f"flags={decode_word('FAULT_FLAG', value.flags)}, pgoff={value.pgoff:#x}}}")
    if isinstance(value, Opaque):
        return value.text
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if not isinstance(value, int):
        return str(value)
    word = flag_word(name, function)
    if word is None and function is None and name == "flags":
        word = "MAP"  # a caller that does not say where: mmap's word, as it always was
    if word is not None and 0 <= value <= ULONG_MAX:
        return decode_word(word, value)
    if name in ("flags", "flag") and value >= 0:
        return f"{value:#x}"  # a flag word of a kind the lab does not name
    if (value < 0 or value > ULONG_MAX - 4095) and name in _ERRNO_NAMES_LOCALS:
        err = -value if value < 0 else (1 << 64) - value
        if err in ERRNO_NAMES:
            return f"-{ERRNO_NAMES[err]} ({-err})"
    if value > ULONG_MAX - 4095:  # an unsigned long holding a small negative: fd = -1
        return f"{value - (1 << 64)} ({value:#x})"
    if name in _ADDRESS_NAMES or name.endswith(("addr", "_start", "_end")) or value >= 0x10000:
        return f"{value:#x}"
    return str(value)
