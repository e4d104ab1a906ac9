# SPDX-License-Identifier: GPL-2.0-only
"""What each scenario call accepts: its parameters, their kinds, and open()'s keywords.

This is the language's surface, not its meaning: what a call does is the simulator's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["int", "str", "bool"]

#: open(..., fs=...) file systems.
FS_TYPES = ("ext4", "tmpfs", "hugetlbfs")

#: sysctl(...) settings the lab models.
SYSCTL_NAMES = (
    "vm.max_map_count",
    "vm.overcommit_memory",
    "vm.overcommit_ratio",
    "vm.nr_hugepages",
    "vm.mmap_min_addr",
)


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind = "int"
    choices: tuple[str, ...] = ()  # for strings: the accepted values


@dataclass(frozen=True)
class Signature:
    """Positional parameters (the last repeats if variadic) and keyword parameters."""

    params: tuple[Param, ...]
    keywords: tuple[Param, ...] = ()
    variadic: bool = False

    def describe(self) -> str:
        names = [p.name for p in self.params] + (["..."] if self.variadic else [])
        return ", ".join(names)


def _ints(*names: str) -> tuple[Param, ...]:
    return tuple(Param(n) for n in names)


FUNCTIONS: dict[str, Signature] = {
    "open": Signature(
        (Param("path", "str"), Param("flags")),
        keywords=(
            Param("size"),
            Param("noexec", "bool"),
            Param("append_only", "bool"),
            Param("swapfile", "bool"),
            Param("fs", "str", FS_TYPES),
        ),
    ),
    "setrlimit": Signature(_ints("resource", "limit")),
    "capset": Signature(_ints("capability"), variadic=True),
    "personality": Signature(_ints("persona")),
    "sysctl": Signature((Param("setting", "str", SYSCTL_NAMES), Param("value"))),
    "mmap": Signature(_ints("addr", "length", "prot", "flags", "fd", "offset")),
    "munmap": Signature(_ints("addr", "length")),
    "mprotect": Signature(_ints("addr", "length", "prot")),
    "ftruncate": Signature(_ints("fd", "length")),
    "close": Signature(_ints("fd")),
    "msync": Signature(_ints("addr", "length", "flags")),
    "writeback": Signature(()),
}
