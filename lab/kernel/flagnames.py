# SPDX-License-Identifier: GPL-2.0-only
"""Decoding a flag word into the names of its bits, for PROT_*, MAP_*, VM_* and PTE tables."""

from __future__ import annotations

from collections.abc import Iterable


def decode_flags(value: int, names: Iterable[tuple[str, int]], zero: str | None = None
                 ) -> list[str]:
    """Names of the flags set in `value`, in table order, then the unknown bits in hex.

    An entry matches when all its bits are set and no earlier entry claimed them, so a
    table may hold a multi-bit name before its single bits. `zero` names the empty word
    (e.g. "PROT_NONE").
    """
    if value == 0 and zero is not None:
        return [zero]
    out = []
    rest = value
    for name, bits in names:
        if bits and rest & bits == bits:
            out.append(name)
            rest &= ~bits
    if rest:
        out.append(f"{rest:#x}")
    return out
