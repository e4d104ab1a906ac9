# SPDX-License-Identifier: GPL-2.0-only
"""The default world, as numbers the real runner needs to stand in for it.

The real process is a Python interpreter, not the default world's small program: it starts
with more VMAs, more virtual memory and other libraries. The runner measures the difference
and shifts the limits that count them (vm.max_map_count, RLIMIT_AS, RLIMIT_DATA, the
overcommit limit) so that a scenario has the same headroom on both machines.
These numbers come from `lab.kernel.default_world`; the fallback copy is checked against it
by the tests, so the runner works while the twin is being changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GiB, MiB, PAGE = 1 << 30, 1 << 20, 4096
INF = (1 << 64) - 1
#: Mappings above this address are in the mmap area (below it: the program and its heap).
MMAP_AREA = 0x6000_0000_0000

# The default world of lab/kernel/default_world.py, summarised (see tests).
_FALLBACK = {
    "top": 0x7FFFF7DE3000,  # libc's first page: hint-less mappings go just below it
    "mmap_base": 0x7FFFF7FFF000,
    "map_count": 20,
    "total_vm": 0x263000,
    "data_vm": 0x33000,
    "committed_pages": 84,
    "ranges": (
        (0x555555554000, 0x55555557A000),  # program and [heap]
        (0x7FFFF7DE3000, 0x7FFFF7FFF000),  # libc, [vvar], [vdso], ld.so
        (0x7FFFFFFDE000, 0x7FFFFFFFF000),  # [stack]
    ),
    "rlimits": {  # resource: (soft, hard); RLIM_INFINITY is 2**64 - 1
        0: (INF, INF), 1: (INF, INF), 2: (INF, INF), 3: (8 * MiB, INF), 4: (0, INF),
        5: (INF, INF), 6: (95_000, 95_000), 7: (1024, 524_288), 8: (8 * MiB, 8 * MiB),
        9: (INF, INF), 10: (INF, INF), 11: (95_000, 95_000), 12: (819_200, 819_200),
        13: (0, 0), 14: (0, 0), 15: (INF, INF),
    },
    "file_sizes": {
        "/usr/bin/demo": 0x4100,
        "/usr/lib/x86_64-linux-gnu/libc.so.6": 0x1D4E20,
        "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": 0x35C60,
    },
}


@dataclass(frozen=True)
class SimWorld:
    """What the runner must know of the default world (all sizes in bytes)."""

    top: int
    mmap_base: int
    map_count: int
    total_vm: int
    data_vm: int
    committed_pages: int
    ranges: tuple[tuple[int, int], ...]
    rlimits: dict[int, tuple[int, int]] = field(default_factory=dict)
    file_sizes: dict[str, int] = field(default_factory=dict)
    totalram: int = 8 * GiB
    total_swap_pages: int = 0
    admin_reserve_kbytes: int = 8192
    user_reserve_kbytes: int = 131072

    def to_json(self) -> dict:
        d = dict(self.__dict__)
        d["ranges"] = [list(r) for r in self.ranges]
        d["rlimits"] = {str(k): list(v) for k, v in self.rlimits.items()}
        return d

    @classmethod
    def from_json(cls, d: dict) -> SimWorld:
        d = dict(d)
        d["ranges"] = tuple(tuple(r) for r in d["ranges"])
        d["rlimits"] = {int(k): tuple(v) for k, v in d["rlimits"].items()}
        return cls(**d)


def _merge(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def from_layout(layout, file_sizes: dict[str, int], mmap_base: int,
                rlimits: dict[int, tuple[int, int]]) -> SimWorld:
    """Summarise a default_world-style LAYOUT (start, end, vm_flags, pgoff, what)."""
    VM_WRITE, VM_SHARED, VM_GROWSDOWN, VM_ACCOUNT = 0x2, 0x8, 0x100, 0x100000
    mmap_rows = [r for r in layout if r[0] >= MMAP_AREA and r[4] != "[stack]"]
    return SimWorld(
        top=min(r[0] for r in mmap_rows),
        mmap_base=mmap_base,
        map_count=len(layout),
        total_vm=sum(e - s for s, e, *_ in layout),
        data_vm=sum(e - s for s, e, f, *_ in layout
                    if f & (VM_WRITE | VM_SHARED | VM_GROWSDOWN) == VM_WRITE),
        committed_pages=sum(e - s for s, e, f, *_ in layout if f & VM_ACCOUNT) // PAGE,
        ranges=_merge([(s, e) for s, e, *_ in layout]),
        rlimits={k: tuple(v) for k, v in rlimits.items()},
        file_sizes=dict(file_sizes),
    )


def sim_world() -> SimWorld:
    """The default world, read from the twin when it imports, else the checked copy."""
    try:
        from lab.kernel import default_world as dw
    except Exception:  # the twin is being rewritten: fall back to the checked copy
        return SimWorld(**_FALLBACK)
    return from_layout(dw.LAYOUT, dw.FILE_SIZES, dw.mmap_base(dw.STOCK_RLIMITS[3][0]),
                       dw.STOCK_RLIMITS)


def fallback_world() -> SimWorld:
    return SimWorld(**_FALLBACK)
