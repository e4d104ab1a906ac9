# SPDX-License-Identifier: GPL-2.0-only
"""The maps after every statement, kept as what each statement changed.

`mmaplab run --json` gives the whole /proc/PID/maps after each statement (design section 5).
Rebuilding every row after every statement costs statements x VMAs in time and memory: a
scenario of 65,530 mmaps would build four billion rows. `MapsTracker` instead rebuilds only
the rows of VMAs the statement changed (their fields, or page-table entries in their range)
and records the difference as a `MapsAfter`; rows that did not change are the same objects.
`MapsAfter` reads like the list of rows, and `iter_maps` walks a run's events in order with
one running copy, which is how the JSON and text reports are written.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence

from lab.kernel.arch.x86.include.asm.pgtable import PMD_SHIFT
from lab.kernel.fs.proc.task_mmu import maps_row
from lab.kernel.include.linux.mm import VM_LOCKED
from lab.kernel.machine import Machine
from lab.kernel.mm_struct import VMA_WATCHERS, VmAreaStruct


class MapsLog:
    """The rows before the first statement and, per statement, what it changed: the starts
    of rows it removed and its new rows by start. Flat, so it pickles at any length."""

    def __init__(self, initial: list[dict]):
        self.initial = initial
        self.diffs: list[tuple[list[int], dict[int, dict], int]] = []
        self._at: tuple[int, _Running] | None = None  # the last rows read out in full

    def rows(self, k: int) -> list[dict]:
        """The rows after statement k (a new list; the row dicts are shared)."""
        at, running = self._at if self._at is not None and self._at[0] <= k else \
            (-1, _Running(self.initial))
        for removed, changed, _ in self.diffs[at + 1:k + 1]:
            running.apply(removed, changed)
        self._at = (k, running)
        return running.rows()

    def __getstate__(self) -> dict:
        return {"initial": self.initial, "diffs": self.diffs, "_at": None}


class MapsAfter(Sequence):
    """The maps rows after statement k of a MapsLog: reads like the list of them."""

    __slots__ = ("k", "log")

    def __init__(self, log: MapsLog, k: int):
        self.log, self.k = log, k

    @property
    def removed(self) -> list[int]:
        return self.log.diffs[self.k][0]

    @property
    def changed(self) -> dict[int, dict]:
        return self.log.diffs[self.k][1]

    @property
    def unchanged(self) -> bool:
        """The same rows as after the statement before (or as initially)."""
        return not self.removed and not self.changed

    def rows(self) -> list[dict]:
        return self.log.rows(self.k)

    def __len__(self) -> int:
        return self.log.diffs[self.k][2]

    def __getitem__(self, i):
        return self.rows()[i]

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, MapsAfter)):
            return len(self) == len(other) and self.rows() == list(other)
        return NotImplemented

    def __reversed__(self) -> Iterator[dict]:
        return reversed(self.rows())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.rows())


class _Running:
    """One running copy of the rows, changed by each statement's difference in turn."""

    def __init__(self, rows: Iterable[dict]):
        self.by_start = {r["start"]: r for r in rows}
        self.starts = sorted(self.by_start)

    def apply(self, removed: list[int], changed: dict[int, dict]) -> None:
        for start in removed:
            del self.by_start[start]
            del self.starts[bisect.bisect_left(self.starts, start)]
        for start, row in changed.items():
            if start not in self.by_start:
                bisect.insort(self.starts, start)
            self.by_start[start] = row

    def rows(self) -> list[dict]:
        return [self.by_start[s] for s in self.starts]


def iter_maps(initial: Sequence[dict], maps: Iterable[Sequence[dict]]) -> Iterator[list[dict]]:
    """The rows after each statement, in order, from one running copy (no replaying)."""
    running = _Running(initial)
    for after in maps:
        if isinstance(after, MapsAfter):
            running.apply(after.removed, after.changed)
        else:
            running = _Running(after)
        yield running.rows()


class MapsTracker:
    """Watches one machine: the maps after each statement, as a MapsAfter of the last."""

    def __init__(self, machine: Machine):
        self.machine = machine
        mm = machine.task.mm
        self._touched: set[VmAreaStruct] = set()
        VMA_WATCHERS.append(self._touched)
        mm.pgd.dirty = set()
        self._rows: dict[VmAreaStruct, dict] = {vma: maps_row(machine, vma) for vma in mm.vmas}
        self._gate = maps_row(machine, mm.gate_vma) if mm.gate_vma is not None else None
        # Locked in a file VMA is shared out among the PTEs mapping each page, anywhere in
        # the mm: any page-table change may change it.
        self._proportional = {v for v in self._rows if _proportional(v)}
        self.log = MapsLog([*self._rows.values(), *filter(None, [self._gate])])

    @property
    def initial(self) -> list[dict]:
        return self.log.initial

    def close(self) -> None:
        if self._touched in VMA_WATCHERS:
            VMA_WATCHERS.remove(self._touched)
        self.machine.task.mm.pgd.dirty = None

    def take(self) -> MapsAfter:
        """The maps now, as the change since the last take."""
        machine, mm = self.machine, self.machine.task.mm
        affected = set(self._touched)
        self._touched.clear()
        dirty = mm.pgd.dirty
        if dirty:
            for region in dirty:
                affected.update(mm.overlapping(region << PMD_SHIFT, (region + 1) << PMD_SHIFT))
            affected |= self._proportional
            dirty.clear()
        removed, changed = [], {}
        for vma in affected:
            old = self._rows.get(vma)
            if vma not in mm.mm_mt:
                if old is not None:
                    del self._rows[vma]
                    self._proportional.discard(vma)
                    removed.append(old["start"])
                continue
            row = maps_row(machine, vma)
            if old is not None and old["start"] != row["start"]:
                removed.append(old["start"])
            if row != old:  # else the old row object stays, shared with the maps before
                changed[row["start"]] = row
                self._rows[vma] = row
            if _proportional(vma):
                self._proportional.add(vma)
            else:
                self._proportional.discard(vma)
        if mm.gate_vma is not None:
            gate = maps_row(machine, mm.gate_vma)
            if gate != self._gate:
                self._gate = changed[gate["start"]] = gate
        # Starts are unique among the rows before and after, so deleting every removed start
        # and then setting every changed one gives the rows after.
        self.log.diffs.append((removed, changed, len(self._rows) + (self._gate is not None)))
        return MapsAfter(self.log, len(self.log.diffs) - 1)


def _proportional(vma: VmAreaStruct) -> bool:
    return bool(vma.vm_flags & VM_LOCKED) and vma.vm_file is not None
