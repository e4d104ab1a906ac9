# SPDX-License-Identifier: GPL-2.0-only
"""Random scenarios: some setup, then a run of mmap calls, for differential testing.

One generator serves two drivers: a seeded `random.Random` (benchmarks/fidelity_random.py,
the fixed CI sample) and Hypothesis (which shrinks a failing scenario to a small one). Both
hand in a `Chooser`. The values are the interesting ones: the boundaries of each check in
the mmap path, not uniform noise. Addresses given literally stay in a region that is free on
both machines; hints and MAP_FIXED may also be relative to an earlier mapping.
After the mmaps come a few memory accesses, munmap and mprotect calls (`STEPS`, which the
model supports since its fault path and munmap/mprotect landed).
"""

from __future__ import annotations

import random
from typing import Protocol

KiB, MiB, GiB, TiB = 1 << 10, 1 << 20, 1 << 30, 1 << 40
BASE = 0x7FFF00000000  # free in the default world and in the runner's process

LENGTHS = [0, 1, 4096, 4097, 8192, 3 * 4096, 10000, 65536, 1 * MiB, 2 * MiB, 3 * MiB,
           4 * MiB, 2 * MiB + 4096, 64 * MiB, 1 * GiB, 5 * GiB, 12 * GiB, 64 * GiB, TiB,
           32 * TiB, 1 << 46, 1 << 47, (1 << 47) - 4096, 1 << 63, 2**64 - 4096, 2**64 - 1]
SMALL_LENGTHS = [4096, 8192, 3 * 4096, 10000, 65536, 2 * MiB]
FILE_SIZES = [0, 4096, 8192, 10000, 65536, 2 * MiB, 8 * MiB]
OFFSETS = [0, 0, 0, 4096, 8192, 3 * 4096, 1, 65536, 2 * MiB, 0x7FFFFFFFFFFFE000,
           0xFFFFFFFFFFFFF000, 1 << 63]
# 0x08 (MAP_DROPPABLE on newer kernels) is rare: the curated set covers it
TYPES = ["MAP_PRIVATE"] * 12 + ["MAP_SHARED"] * 6 + ["MAP_SHARED_VALIDATE"] * 2 + \
    ["0", "MAP_SHARED | MAP_PRIVATE", "0x08"]
EXTRA_FLAGS = [("MAP_FIXED", 0.15), ("MAP_FIXED_NOREPLACE", 0.08), ("MAP_POPULATE", 0.2),
               ("MAP_LOCKED", 0.1), ("MAP_NORESERVE", 0.15), ("MAP_GROWSDOWN", 0.05),
               ("MAP_STACK", 0.05), ("MAP_HUGETLB", 0.08), ("MAP_NONBLOCK", 0.05),
               ("MAP_32BIT", 0.04), ("MAP_SYNC", 0.03), ("MAP_DENYWRITE", 0.03),
               ("0x800000", 0.03), ("MAP_HUGE_1GB", 0.02), ("MAP_HUGE_2MB", 0.02)]
PROTS = ["PROT_NONE", "PROT_READ", "PROT_READ | PROT_WRITE", "PROT_READ | PROT_WRITE",
         "PROT_READ | PROT_EXEC", "PROT_WRITE", "PROT_EXEC", "PROT_READ | PROT_WRITE | PROT_EXEC",
         "PROT_READ | PROT_SEM"]
SYSCTLS = [("vm.max_map_count", [0, 19, 20, 21, 22, 65530]),
           ("vm.overcommit_memory", [0, 1, 2]),
           ("vm.overcommit_ratio", [0, 10, 50, 100]),
           ("vm.nr_hugepages", [0, 1, 2, 3]),
           ("vm.mmap_min_addr", [0, 4096, 65536, 1 << 20])]
LIMITS = [("RLIMIT_MEMLOCK", [0, 4096, 65536, 8 * MiB, 1 * GiB]),
          ("RLIMIT_AS", [0, 64 * MiB, 1 * GiB, 16 * GiB]),
          ("RLIMIT_DATA", [0, 4096, 1 * MiB, 64 * MiB])]


class Chooser(Protocol):
    """Where the random choices come from."""

    def choice(self, options: list): ...

    def chance(self, p: float) -> bool: ...

    def integer(self, lo: int, hi: int) -> int: ...


class RandomChooser:
    """A Chooser from a seeded random.Random."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def choice(self, options: list):
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class HypothesisChooser:
    """A Chooser drawing from Hypothesis's `st.data()`, so a failing scenario shrinks."""

    def __init__(self, data) -> None:
        from hypothesis import strategies  # a test dependency: imported only when used

        self.data, self.st = data, strategies

    def choice(self, options: list):
        return self.data.draw(self.st.sampled_from(options))

    def chance(self, p: float) -> bool:
        return self.data.draw(self.st.integers(0, 999)) < p * 1000

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(lo, hi))


def _open(ch: Chooser, n: int) -> str:
    fs = ch.choice(["ext4"] * 6 + ["tmpfs", "hugetlbfs"])
    size = ch.choice([2 * MiB, 4 * MiB]) if fs == "hugetlbfs" else ch.choice(FILE_SIZES)
    mode = ch.choice(["O_RDWR", "O_RDWR", "O_RDONLY", "O_WRONLY", "O_RDWR | O_APPEND"])
    extra = f', fs="{fs}"' if fs != "ext4" else ""
    if ch.chance(0.1):
        extra += ", noexec=True"
    if fs == "ext4" and ch.chance(0.08):
        extra += ", append_only=True"
    return f'fd{n} = open("f{n}.bin", {mode}, size={size}{extra})'


def _setup(ch: Chooser, files: list[str]) -> list[str]:
    out = []
    if ch.chance(0.2):
        out.append(f'fd{len(files)} = open("/dev/zero", O_RDWR)')
        files.append(f"fd{len(files)}")
    for _ in range(ch.integer(0, 2)):
        out.append(_open(ch, len(files)))
        files.append(f"fd{len(files)}")
    if ch.chance(0.2):
        res, values = ch.choice(LIMITS)
        out.append(f"setrlimit({res}, {ch.choice(values)})")
    if ch.chance(0.15):
        caps = [c for c in ("CAP_IPC_LOCK", "CAP_SYS_RAWIO", "CAP_SYS_ADMIN") if ch.chance(0.5)]
        if caps:
            out.append(f"capset({', '.join(caps)})")
    if ch.chance(0.08):
        out.append("personality(READ_IMPLIES_EXEC)")
    if ch.chance(0.15):
        name, values = ch.choice(SYSCTLS)
        out.append(f'sysctl("{name}", {ch.choice(values)})')
        if name == "vm.overcommit_memory" and ch.chance(0.5):
            out.append(f'sysctl("vm.overcommit_ratio", {ch.choice([0, 10, 50])})')
    return out


def _address(ch: Chooser, mapped: list[str]) -> str:
    r = ch.integer(0, 9)
    if r < 4:
        return "NULL"
    if r < 7 or not mapped:
        page = ch.integer(0, 63)
        return hex(BASE + page * 4096 + (ch.choice([0, 0, 0, 1, 0x800]) if r == 6 else 0))
    if r < 9:
        return f"{ch.choice(mapped)} + {ch.integer(-2, 8) * 4096}".replace("+ -", "- ")
    return ch.choice(["0x1000", "0x10000", "0x7ffff8000000", "0x200000000"])


def _mmap(ch: Chooser, n: int, files: list[str], mapped: list[str]) -> str:
    addr = _address(ch, mapped)
    length = ch.choice(SMALL_LENGTHS) if ch.chance(0.7) else ch.choice(LENGTHS)
    prot = ch.choice(PROTS)
    flags = [ch.choice(TYPES)]
    anonymous = not files or ch.chance(0.6)
    if anonymous:
        flags.append("MAP_ANONYMOUS")
    for flag, p in EXTRA_FLAGS:
        if ch.chance(p):
            flags.append(flag)
    if any(f in flags for f in ("MAP_POPULATE", "MAP_LOCKED")) and length > 64 * MiB:
        length = ch.choice(SMALL_LENGTHS)  # the runner will not fault in gigabytes for real
    if anonymous:
        fd = ch.choice(["-1"] * 5 + ["999"])
    else:
        fd = ch.choice(files + ["999"] if ch.chance(0.1) else files)
    offset = ch.choice(OFFSETS) if not anonymous else ch.choice([0, 0, 0, 4096, 1])
    return (f"p{n} = mmap({addr}, {length}, {prot}, {' | '.join(flags)}, {fd}, "
            f"{offset})")


# mostly inside a small mapping; now and then past its end (where signals are)
INDEXES = [0, 0, 1, 4095, 4096, 4096, 8192, 10000, 12288, 65535, 65536, 2 * MiB]
STEP_LENGTHS = [0, 4096, 4096, 8192, 8192, 3 * 4096, 65536, 2 * MiB]


def _step(ch: Chooser, n: int, mapped: list[str], kinds: tuple[str, ...]) -> str:
    """An access, munmap or mprotect (of those in `kinds`) on one of the mappings."""
    p = ch.choice(mapped)
    kind = ch.choice(kinds)
    if kind == "access":
        if ch.chance(0.5):
            return f"{p}[{ch.choice(INDEXES)}] = {ch.integer(0, 255)}"
        return f"x{n} = {p}[{ch.choice(INDEXES)}]"
    where = f"{p} + {ch.integer(0, 2) * 4096}" + (" + 1" if ch.chance(0.05) else "")
    length = ch.choice(STEP_LENGTHS)
    if kind == "munmap":
        return f"munmap({where}, {length})"
    prot = ch.choice(PROTS + ["PROT_READ | PROT_GROWSDOWN", "0x10"])
    return f"mprotect({where}, {length}, {prot})"


def scenario(ch: Chooser, steps: tuple[str, ...] = ()) -> str:
    """One random scenario, as text with one statement a line."""
    files: list[str] = []
    lines = _setup(ch, files)
    mapped: list[str] = []
    for n in range(ch.integer(1, 6)):
        lines.append(_mmap(ch, n, files, mapped))
        mapped.append(f"p{n}")
        if files and ch.chance(0.05):
            lines.append(f"close({ch.choice(files)})")
    if steps:
        for n in range(ch.integer(0, 4)):
            lines.append(_step(ch, n, mapped, steps))
    return "\n".join(lines) + "\n"


def more_steps(ch: Chooser, text: str, count: int, kinds: tuple[str, ...]) -> str:
    """text with `count` more steps (of `kinds`) on its mappings: longer runs of munmap,
    mprotect and accesses than `scenario` makes, for checks that need many per mapping."""
    mapped = [line.split(" = ", 1)[0] for line in text.splitlines()
              if line.startswith("p") and " = mmap(" in line]
    if not mapped or not kinds:
        return text
    lines = [_step(ch, 100 + n, mapped, kinds) for n in range(count)]
    return text + "\n".join(lines) + "\n"


def scenarios(seed: int, count: int, steps: tuple[str, ...] | None = None) -> list[str]:
    """`count` scenarios from one seed: the same list for the same model on every run.

    `steps` are the statements to add after the mmaps ("access", "munmap", "mprotect");
    by default those the model runs today.
    """
    if steps is None:
        steps = supported_steps()
    return [scenario(RandomChooser(seed * 1_000_003 + i), steps) for i in range(count)]


def supported_steps() -> tuple[str, ...]:
    """The kinds of step the model runs today (it says "not modelled yet" for the rest)."""
    from lab.realkernel.referee import PROBES, model_supports

    return tuple(step for step in PROBES if model_supports(step))
