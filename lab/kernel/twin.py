# SPDX-License-Identifier: GPL-2.0-only
"""How the Python twin declares which C function each of its functions mirrors.

A twin function carries `# C: <statement>` comments on the Python statements that mirror a C
statement (resolved by lab.kernel.links against the C index). A C statement the lab does not
model is still visited: the twin calls `not_modelled(reason)` where the C runs it, so the step
lands on that line and the learner reads why nothing happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class TwinFunction:
    c_name: str  # the C function mirrored, as the C index names it ("sys_mmap", "do_mmap")
    function: Callable
    label: str | None = None  # for a helper that stands for a goto label of c_name

    @property
    def code(self):
        return self.function.__code__


#: Every twin function, by its code object (what a tracer sees) and by C name.
BY_CODE: dict[object, TwinFunction] = {}
BY_C_NAME: dict[str, list[TwinFunction]] = {}


def _register(twin: TwinFunction) -> None:
    BY_CODE[twin.code] = twin
    BY_C_NAME.setdefault(twin.c_name, []).append(twin)


def kernel_function(fn: F | None = None, *, c_name: str | None = None):
    """Mark `fn` as the twin of the C function of the same name (or `c_name`).

    The function is returned unchanged: no wrapper, so it costs nothing when not traced.
    """

    def mark(f: F) -> F:
        _register(TwinFunction(c_name or f.__name__, f))
        return f

    return mark(fn) if fn is not None else mark


def goto_label(c_name: str, label: str):
    """Mark a helper that plays the part of `label:` in C function `c_name` (Python has no goto)."""

    def mark(f: F) -> F:
        _register(TwinFunction(c_name, f, label))
        return f

    return mark


def not_modelled(reason: str) -> None:
    """Stand in for a C statement that has no effect on what the lab models; `reason` says why."""
    return


ULONG_MAX = (1 << 64) - 1
MAX_ERRNO = 4095


def ulong(x: int) -> int:
    """C's `unsigned long`: wrap to 64 bits, as the kernel's arithmetic silently does."""
    return x & ULONG_MAX


def IS_ERR_VALUE(x: int) -> bool:
    """include/linux/err.h: a return value in the last page of the address space is -errno."""
    return ulong(x) >= ulong(-MAX_ERRNO)


@dataclass
class Out:
    """An output parameter: C's `unsigned long *populate` becomes `populate.value`."""

    value: object = None
