# SPDX-License-Identifier: GPL-2.0-only
"""Locals as a step saw them, and how to show them the way a kernel person reads them.

Capturing keeps plain values (ints, strings) and a small frozen picture of kernel objects
(a VMA's range and flags), because the objects change after the step. Formatting is done only
when a panel or the text trace shows a step: hex for addresses and flags, flag names for
prot, flags, vm_flags and gup_flags, errno names for negative returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lab.kernel.file import File
from lab.kernel.flagnames import decode_flags
from lab.kernel.include.linux.mm import FOLL_NAMES, VM_FLAG_NAMES
from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.kernel.include.uapi.mman import decode_map_flags, decode_prot
from lab.kernel.mm_struct import MmStruct, VmAreaStruct
from lab.kernel.twin import ULONG_MAX, Out


@dataclass(frozen=True)
class VmaPicture:
    start: int
    end: int
    flags: int
    pgoff: int


@dataclass(frozen=True)
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
    if isinstance(value, File):
        return Opaque(f'struct file * "{value.path}"')
    if isinstance(value, MmStruct):
        return Opaque("struct mm_struct * (current->mm)")
    return Opaque(type(value).__name__)


def capture_locals(frame) -> dict[str, Any]:
    return {name: capture_value(v) for name, v in frame.f_locals.items()
            if not name.startswith("_")}


# Locals that hold a return value, where a small negative number is an error code.
_ERRNO_NAMES_LOCALS = {"ret", "retval", "error", "err", "addr", "result", "rc", "file"}

_ADDRESS_NAMES = {"addr", "start", "end", "address", "vm_start", "vm_end", "ret", "retval",
                  "len", "length", "merge_start", "merge_end", "addr0", "high_limit",
                  "low_limit", "gap_start", "gap_end", "nstart", "nend", "mmap_base"}


def format_value(name: str, value: Any) -> str:
    """C-like text for one local, chosen by its name as a kernel reader expects."""
    if isinstance(value, tuple) and value and value[0] == "*":
        return "*" + format_value(name, value[1])
    if isinstance(value, VmaPicture):
        return (f"{{vm_start={value.start:#x}, vm_end={value.end:#x}, "
                f"vm_flags={value.flags:#x}}}")
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
    if name == "prot":
        return f"{value:#x} ({' | '.join(decode_prot(value))})"
    if name == "flags" or name == "flags_mask":
        return f"{value:#x} ({' | '.join(decode_map_flags(value)) or '0'})"
    if name in ("vm_flags", "newflags"):
        return f"{value:#x} ({' | '.join(decode_flags(value, VM_FLAG_NAMES)) or 'VM_NONE'})"
    if name in ("gup_flags", "foll_flags"):
        return f"{value:#x} ({' | '.join(decode_flags(value, FOLL_NAMES)) or '0'})"
    if (value < 0 or value > ULONG_MAX - 4095) and name in _ERRNO_NAMES_LOCALS:
        err = -value if value < 0 else (1 << 64) - value
        if err in ERRNO_NAMES:
            return f"-{ERRNO_NAMES[err]} ({-err})"
    if value > ULONG_MAX - 4095:  # an unsigned long holding a small negative: fd = -1
        return f"{value - (1 << 64)} ({value:#x})"
    if name in _ADDRESS_NAMES or name.endswith(("addr", "_start", "_end")) or value >= 0x10000:
        return f"{value:#x}"
    return str(value)
