# SPDX-License-Identifier: GPL-2.0-only
"""What the known-difference tests read: a difference's statement, its files, its rows.

`Context` answers questions about the scenario around a difference (which mmap made this
row, what was fd 3, was vm.max_map_count set), and `thp_aligns` redoes in C's integer
arithmetic the check by which __thp_get_unmapped_area decides to align a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

ULONG_MAX = (1 << 64) - 1
PMD_SIZE = 2 << 20
MMAP_MIN_FLOOR = 65536
MAP_TYPE, MAP_PRIVATE, MAP_DROPPABLE = 0xF, 0x2, 0x08
MAP_FIXED, MAP_ANONYMOUS, MAP_32BIT, MAP_ABOVE4G = 0x10, 0x20, 0x40, 0x80
MAP_STACK, MAP_HUGETLB, MAP_FIXED_NOREPLACE = 0x20000, 0x40000, 0x100000
#: The kinds of difference a different layout brings with it.
LAYOUT = ("placement", "row")


def _s64(x: int) -> int:
    x &= ULONG_MAX
    return x - (1 << 64) if x >> 63 else x


def _round_up(x: int, size: int) -> int:
    return _s64(((x - 1) | (size - 1)) + 1)


def thp_aligns(offset: int, length: int, size: int = PMD_SIZE) -> bool:
    """Does __thp_get_unmapped_area (6.1 and later) try to align, in C's arithmetic?

    off and off_end are loff_t (signed); `(off_end - off_align) < size` and
    `(off + len_pad) < off` are compared as unsigned long, as C converts them.
    """
    off = _s64(offset & ~0xFFF)
    off_end = _s64(off + length)
    off_align = _round_up(off, size)
    if off_end <= off_align or (off_end - off_align) & ULONG_MAX < size:
        return False
    len_pad = (length + size) & ULONG_MAX
    return not (len_pad < length or (off + len_pad) & ULONG_MAX < off & ULONG_MAX)


def thp_aligns_signed(offset: int, length: int, size: int = PMD_SIZE) -> bool:
    """The same check with `(off + len_pad) < off` done in signed loff_t (the model's way)."""
    off = _s64(offset & ~0xFFF)
    off_end = _s64(off + length)
    off_align = _round_up(off, size)
    if off_end <= off_align or (off_end - off_align) & ULONG_MAX < size:
        return False
    len_pad = (length + size) & ULONG_MAX
    return not (len_pad < length or _s64(off + len_pad) < off)


@dataclass
class Context:
    """The two runs around a difference, and the facts of the machine."""

    sim: object  # ScenarioView
    real: object  # ScenarioView
    facts: dict

    @property
    def version(self) -> tuple[int, int]:
        return tuple(self.facts["version"][:2])

    def call(self, d, side: str = "real"):
        """((func, args, kwargs), event index) of the difference's statement."""
        view = self.real if side == "real" else self.sim
        k = next(i for i, ev in enumerate(view.events) if ev["line"] == d.line)
        return view.calls[k], k

    def mmap_args(self, d, side: str = "real") -> tuple[list, int]:
        (func, args, _), k = self.call(d, side)
        if func != "mmap":
            raise LookupError("not an mmap")
        return args, k

    def mmap_flags(self, d) -> int | None:
        (func, args, _), _ = self.call(d)
        return args[3] & ULONG_MAX if func == "mmap" else None

    def mmap_flags_of_line(self, line: int) -> int:
        for ev, (func, args, _) in zip(self.real.events, self.real.calls):
            if ev["line"] == line and func == "mmap":
                return args[3] & ULONG_MAX
        return 0

    def fd_open(self, d, fd: int) -> tuple[str | None, dict]:
        """The path and open() keywords of `fd`, as opened before the difference's line."""
        found: tuple[str | None, dict] = (None, {})
        for ev, (func, args, kwargs) in zip(self.real.events, self.real.calls):
            if ev["line"] >= d.line:
                break
            if func == "open" and ev["ret"] == fd:
                found = (args[0], kwargs)
            elif func == "close" and args and args[0] == fd:
                found = (None, {})
        return found

    def hugetlb_call(self, d) -> bool:
        """Does the difference's statement map huge pages (the flag, or a hugetlbfs file)?"""
        args, _ = self.mmap_args(d)
        flags = args[3] & ULONG_MAX
        if flags & MAP_ANONYMOUS:
            return bool(flags & MAP_HUGETLB)
        return self.fd_open(d, args[4])[1].get("fs") == "hugetlbfs"

    def sysctl_before(self, d, name: str, default):
        """The value a scenario gave sysctl `name` before the difference's statement."""
        value = default
        for ev, (func, args, _) in zip(self.real.events, self.real.calls):
            if ev["line"] >= d.line:
                break
            if func == "sysctl" and args[0] == name and ev["errno"] is None:
                value = args[1]
        return value

    def lines_under(self, d) -> set[int]:
        """The lines whose mappings lie under or next to the rows a difference is about.

        Next to counts: whether a row merged with its neighbour depends on both.
        """
        lines = set()
        for view, row in ((self.sim, d.rows[0]), (self.real, d.rows[1])):
            if row is None:
                continue
            for e in view.extents:
                if e is not None and e.start <= row["end"] and row["start"] <= e.end:
                    lines.add(e.line)
        return lines

    def layout_dependent(self, d) -> bool:
        """Could a different layout earlier explain this result? (it names an address)"""
        try:
            (func, args, _), _ = self.call(d, "sim")
        except StopIteration:
            return d.kind == "events"
        placed = func == "mmap" and args[0] != 0
        addressed = func in ("munmap", "mprotect", "msync", "store", "load")
        return placed or addressed or \
            self.sysctl_before(d, "vm.max_map_count", None) is not None

    def called_before(self, d, func_name: str) -> bool:
        """Did the scenario call `func_name` by the difference's statement?"""
        return any(ev["line"] <= d.line and func == func_name
                   for ev, (func, _, _) in zip(self.real.events, self.real.calls))

    def file_fs(self, name: str) -> str | None:
        """The file system a scenario opened the file `name` on."""
        for func, args, kwargs in self.real.calls:
            if func == "open" and args and args[0] == name:
                return kwargs.get("fs", "ext4")
        return None

    def accessed_before(self, d) -> bool:
        """Has the scenario made a memory access by the difference's statement?"""
        return any(ev["line"] <= d.line and func in ("store", "load")
                   for ev, (func, _, _) in zip(self.real.events, self.real.calls))
