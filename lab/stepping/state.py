# SPDX-License-Identifier: GPL-2.0-only
"""What each step changed in the machine, and the machine's state at any step.

Changes are gathered cheaply while recording: the VMA list gets a new version (a difference,
lab/stepping/vmalog.py) only when a VMA or the list changed, counters are compared as one
small tuple, and page-table writes arrive through the page table's own change log. The state
at step N is then the VMA version in force at N plus the page-table writes up to N: no replay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from lab.kernel.fs.proc.task_mmu import vma_path, vma_perms
from lab.kernel.machine import Machine
from lab.kernel.mm_struct import VMA_MUTATIONS, VMA_WATCHERS
from lab.kernel.pagetable import PteRun, pte_pfn, pte_present
from lab.stepping.ptewrites import compact
from lab.stepping.vmalog import VmaLog, VmaSnapshot

COUNTERS = ("map_count", "total_vm", "locked_vm", "data_vm", "exec_vm", "stack_vm")


@dataclass(frozen=True, slots=True)
class VmaView:
    """A VMA as it was at one step: what the VMA panel shows."""

    start: int
    end: int
    flags: int
    pgoff: int
    perms: str
    path: str


@dataclass
class StepChanges:
    vmas: VmaSnapshot | None = None  # the VMA list after the step, if it changed
    vma_notes: list[str] = field(default_factory=list)  # "added 7ffd...-7ffe... rw-p"
    # (addr, old, new) in order; a PteWrites when there are thousands (a folded populate)
    ptes: Sequence[tuple[int, int, int]] = field(default_factory=list)
    counters: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (old, new)
    vm_committed: tuple[int, int] | None = None

    def __bool__(self) -> bool:
        return bool(self.vmas is not None or self.ptes or self.counters or self.vm_committed)

    def merge(self, later: StepChanges) -> StepChanges:
        """These changes followed by `later` ones, as one step's changes."""
        if not later:
            return self
        if not self:
            return later
        counters = dict(self.counters)
        for name, (a, b) in later.counters.items():
            first = counters.get(name, (a, b))[0]
            if first == b:
                counters.pop(name, None)
            else:
                counters[name] = (first, b)
        committed = later.vm_committed or self.vm_committed
        if self.vm_committed and later.vm_committed:
            a, b = self.vm_committed[0], later.vm_committed[1]
            committed = (a, b) if a != b else None
        ptes = self.ptes if not later.ptes else later.ptes if not self.ptes else \
            compact([*self.ptes, *later.ptes])
        return StepChanges(later.vmas if later.vmas is not None else self.vmas,
                           self.vma_notes + later.vma_notes, ptes, counters,
                           committed)


#: No change: what most steps carry, one object for all of them (never changed in place).
NO_CHANGES = StepChanges()


def vma_view(vma, old: VmaView | None = None) -> VmaView:  # noqa: ANN001
    """The view of a VMA now: `old` itself if the VMA has not changed since it was made."""
    if old is None or (old.start, old.end, old.flags, old.pgoff, old.path) != \
            (vma.vm_start, vma.vm_end, vma.vm_flags, vma.vm_pgoff, vma_path(vma)):
        old = VmaView(vma.vm_start, vma.vm_end, vma.vm_flags, vma.vm_pgoff, vma_perms(vma),
                      vma_path(vma))
    return old


def describe_vma_change(before: Sequence[VmaView], after: Sequence[VmaView]) -> list[str]:
    """In words: which VMAs the step added, removed, expanded, split or changed. `before`
    and `after` may be just the views that differ (vma_difference): the words are the same."""
    old = {(v.start, v.end): v for v in before}
    new = {(v.start, v.end): v for v in after}
    notes = []
    gone = [v for k, v in old.items() if k not in new]
    came = [v for k, v in new.items() if k not in old]
    for v in came:
        grown = next((g for g in gone if g.start == v.start or g.end == v.end), None)
        if grown is not None and v.end - v.start > grown.end - grown.start:
            notes.append(f"expanded {_span(grown)} to {_span(v)} {v.perms}")
            gone.remove(grown)
        elif grown is not None:
            notes.append(f"split {_span(grown)}: now {_span(v)} {v.perms}")
            gone.remove(grown)
        else:
            notes.append(f"added {_span(v)} {v.perms} {v.path}".rstrip())
    notes += [f"removed {_span(v)} {v.perms}" for v in gone]
    for k, v in new.items():
        if k in old and old[k] != v:
            notes.append(f"changed {_span(v)}: flags {old[k].flags:#x} → {v.flags:#x}")
    return notes


def _span(v: VmaView) -> str:
    return f"{v.start:x}-{v.end:x}"


class StateTracker:
    """Watches one machine while its statements are recorded (close() when done).

    The VMA list is kept up to date from the VMAs that changed (the mm's watchers say which),
    never rebuilt whole: with 65,530 VMAs a rebuild per step would be the recording's cost.
    """

    def __init__(self, machine: Machine):
        self.machine = machine
        self._touched: set = set()
        VMA_WATCHERS.append(self._touched)
        self._mutations = VMA_MUTATIONS[0]
        self._views = {v: vma_view(v) for v in machine.task.mm.vmas}  # VMA → its view now
        self.log = VmaLog(sorted(self._views.values(), key=lambda v: v.start))
        self._vmas: VmaSnapshot = self.log.latest
        self._counters: tuple[int, ...] = ()
        self._committed = 0
        self._log_pos = 0
        self.initial_vmas: VmaSnapshot = self._vmas

    def close(self) -> None:
        if self._touched in VMA_WATCHERS:
            VMA_WATCHERS.remove(self._touched)

    def _vma_change(self) -> tuple[list[VmaView], list[VmaView]]:
        """The views that went and came since the last call, from the VMAs touched."""
        touched = set(self._touched)
        self._touched.clear()
        tree = self.machine.task.mm.mm_mt
        removed, added = [], []
        for vma in touched:
            old = self._views.get(vma)
            if vma not in tree:
                if old is not None:
                    del self._views[vma]
                    removed.append(old)
                continue  # removed, or another machine's VMA (recorded on another thread)
            new = vma_view(vma, old)
            if new is not old:
                self._views[vma] = new
                added.append(new)
                if old is not None:
                    removed.append(old)
        return removed, added

    def _counter_values(self) -> tuple[int, ...]:
        mm = self.machine.task.mm
        return tuple(getattr(mm, name) for name in COUNTERS)

    def begin(self) -> None:
        pgd = self.machine.task.mm.pgd
        pgd.log = []
        self._log_pos = 0
        self._mutations = VMA_MUTATIONS[0]
        removed, added = self._vma_change()  # made between statements: no step's doing
        if removed or added:
            self._vmas = self.log.change(removed, added)
        self.initial_vmas = self._vmas
        self._counters = self._counter_values()
        self._committed = self.machine.vm_committed_as

    def end(self) -> None:
        self.machine.task.mm.pgd.log = None

    def mark(self) -> int:
        """A position in the page-table log, for summarising a fold later."""
        log = self.machine.task.mm.pgd.log
        return len(log) if log is not None else 0

    def take(self) -> StepChanges:
        """Everything that changed since the last call."""
        changes = StepChanges()
        if VMA_MUTATIONS[0] != self._mutations:
            self._mutations = VMA_MUTATIONS[0]
            removed, added = self._vma_change()
            if removed or added:
                self._vmas = changes.vmas = self.log.change(removed, added)
                changes.vma_notes = describe_vma_change(*self._vmas.log.net(
                    self._vmas.k - 1, self._vmas.k))
        counters = self._counter_values()
        if counters != self._counters:
            changes.counters = {name: (a, b) for name, a, b in
                                zip(COUNTERS, self._counters, counters) if a != b}
            self._counters = counters
        if self.machine.vm_committed_as != self._committed:
            changes.vm_committed = (self._committed, self.machine.vm_committed_as)
            self._committed = self.machine.vm_committed_as
        log = self.machine.task.mm.pgd.log
        if log is not None and len(log) > self._log_pos:
            changes.ptes = compact(log[self._log_pos:])
            self._log_pos = len(log)
        return changes if changes else NO_CHANGES

    def summarise_since(self, mark: int) -> str:
        """'faulted 262,140 more pages, PFNs 0x100004 to 0x13ffff' for a folded loop."""
        log = self.machine.task.mm.pgd.log or []
        made: Counter[int] = Counter()  # entry → how many pages it was made present in
        for item in log[mark:]:
            if isinstance(item, PteRun):  # a bulk populate: alike entries counted at C speed
                made.update(item.news)
            elif pte_present(item[2]) and not pte_present(item[1]):
                made[item[2]] += 1
        pfns = [pte_pfn(entry) for entry in made if pte_present(entry)]
        if not pfns:
            return ""
        count = sum(n for entry, n in made.items() if pte_present(entry))
        return f"faulted {count:,} more pages, PFNs {min(pfns):#x} to {max(pfns):#x}"
