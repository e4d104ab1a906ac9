# SPDX-License-Identifier: GPL-2.0-only
"""A stepping session: a scenario recorded statement by statement, and a position in it.

This is the one API the TUI, the lessons and the classroom share. A position is plain data
(statement index, step index), so an instructor's position can be sent to students and
replayed exactly: the simulation is deterministic. Every move is a search over the recorded
steps; nothing is re-run to move back.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lab.kernel.default_world import default_machine
from lab.kernel.include.linux import mm as linux_mm
from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.kernel.machine import Machine, running
from lab.kernel.pagetable import LEVELS, WalkStep, pte_pfn, pte_present
from lab.kernel.physmem import ZERO_PFN
from lab.runner import Event, Run, scenario_constants
from lab.scenario import Scenario, ScenarioError, evaluate, parse_expression
from lab.stepping.budget import TRACE_BUDGET, WHOLE_NOTE, budget_plan
from lab.stepping.ptewrites import PteWrites, covers
from lab.stepping.record import DEFAULT_FOLD_AFTER, Recorder, Step, Trace
from lab.stepping.state import VmaView
from lab.stepping.vmalog import vma_difference
from lab.world.maps import MapsTracker


@dataclass(frozen=True, order=True)
class Position:
    statement: int
    step: int


@dataclass(frozen=True)
class Breakpoint:
    """Stop at a C line ("mm/mmap.c:1285") or a function ("do_mmap"), if `condition` holds."""

    where: str
    condition: str | None = None

    def matches_place(self, step: Step) -> bool:
        if ":" in self.where:
            path, _, line = self.where.rpartition(":")
            return step.c_path == path and step.c_line <= int(line) <= step.c_end
        return step.entry and self.where in (step.function, _bare(step.function))


def _bare(display: str) -> str:
    return display.split("(")[-1].rstrip(")") if display.startswith("SYSCALL") else display


@dataclass(slots=True)
class StatementRecord:
    index: int
    event: Event | None
    trace: Trace
    maps_after: Sequence[dict]  # a MapsAfter: what the statement changed, read as the rows
    vmas_before: Sequence[VmaView]  # a VmaSnapshot
    error: ScenarioError | None = None
    traced: bool = True  # False: run whole, past the trace budget (one step, kind "whole")
    _vma_at: list[Sequence[VmaView]] = field(default_factory=list)

    def vmas_at(self, step: int) -> Sequence[VmaView]:
        """The VMA list as it was when `step` was about to run."""
        if not self._vma_at:
            current = self.vmas_before
            for s in self.trace.steps:
                self._vma_at.append(current)
                if s.changes.vmas is not None:
                    current = s.changes.vmas
            self._vma_at.append(current)
        return self._vma_at[min(step, len(self._vma_at) - 1)]


class Session:
    """Record every statement of a scenario, then move over the steps in both directions."""

    def __init__(self, scenario: Scenario, machine: Machine | None = None,
                 fold_after: int = DEFAULT_FOLD_AFTER,
                 progress: Callable[[int, int], None] | None = None,
                 trace_budget: int = TRACE_BUDGET):
        """Record `scenario`; `progress(done, total)`, if given, is called after each
        statement (a long recording shows how far it has got). Past `trace_budget` steps,
        statements run whole (see budget_plan)."""
        self.scenario = scenario
        self.trace_budget = trace_budget
        self.machine = machine or default_machine()
        self._maps = MapsTracker(self.machine)
        self.initial_maps = self._maps.initial
        self.records: list[StatementRecord] = []
        self.breakpoints: list[Breakpoint] = []
        self.position = Position(0, 0)
        self._listeners: list[Callable[[Position], None]] = []
        self._pte_change_steps: list[int] | None = None
        self._history: _PteHistory | None = None
        try:
            self._record_all(fold_after, progress)
        finally:
            self._maps.close()
            del self._maps
        self._starts = []  # global index of each statement's first step
        total = 0
        for r in self.records:
            self._starts.append(total)
            total += max(len(r.trace.steps), 1)
        self._total = total

    # -- recording -------------------------------------------------------------------------
    def _record_all(self, fold_after: int,
                    progress: Callable[[int, int], None] | None) -> None:
        run = Run(self.machine)
        recorder = Recorder(self.machine, fold_after=fold_after)
        try:
            self._record_statements(run, recorder, progress)
        finally:
            recorder.close()

    def _record_statements(self, run: Run, recorder: Recorder,
                           progress: Callable[[int, int], None] | None) -> None:
        total = len(self.scenario)
        plan = budget_plan(self.trace_budget, total)
        next(plan)
        steps = 0
        for i, stmt in enumerate(self.scenario):
            if progress is not None:
                progress(i, total)
            traced = plan.send(steps)
            box: dict = {}

            def call(stmt=stmt, box=box):
                try:
                    box["event"] = run.execute(stmt)
                except ScenarioError as err:
                    err.source_name = self.scenario.source_name
                    err.source_line = err.source_line or stmt.text
                    box["error"] = err

            with running(self.machine):
                trace = recorder.record(i, call) if traced else \
                    recorder.record_whole(i, call, WHOLE_NOTE.format(budget=self.trace_budget))
            steps += len(trace.steps) if traced else 0
            self.records.append(StatementRecord(
                i, box.get("event"), trace, self._maps.take(),
                recorder.state.initial_vmas, box.get("error"), traced))
            if "error" in box or (box.get("event") and box["event"].signal):
                break

    @property
    def whole_statements(self) -> tuple[int, int] | None:
        """(first, last) index of the statements run whole, past the trace budget, or None."""
        whole = [r.index for r in self.records if not r.traced]
        return (whole[0], whole[-1]) if whole else None

    # -- positions -------------------------------------------------------------------------
    def _global(self, pos: Position) -> int:
        return self._starts[pos.statement] + pos.step

    def _position(self, g: int) -> Position:
        g = max(0, min(g, self._total - 1))
        s = bisect.bisect_right(self._starts, g) - 1
        return Position(s, g - self._starts[s])

    def step_at(self, pos: Position | None = None) -> Step | None:
        pos = pos or self.position
        steps = self.records[pos.statement].trace.steps
        return steps[pos.step] if pos.step < len(steps) else None

    @property
    def step(self) -> Step | None:
        return self.step_at()

    @property
    def total_steps(self) -> int:
        return self._total

    @property
    def global_index(self) -> int:
        return self._global(self.position)

    def global_of(self, pos: Position) -> int:
        """The global step index (0-based, across statements) of a position."""
        return self._global(pos)

    def position_of(self, g: int) -> Position:
        """The position of global step g (clamped to the trace)."""
        return self._position(g)

    def _steps_from(self, g: int, direction: int):
        while 0 <= g < self._total:
            pos = self._position(g)
            yield g, pos, self.step_at(pos)
            g += direction

    def _depth(self, g: int) -> int:
        step = self.step_at(self._position(g))
        return step.depth if step is not None else 0

    # -- moves -----------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Position], None]) -> None:
        self._listeners.append(listener)

    def go(self, pos: Position) -> Position:
        pos = self._position(self._global(pos)) if pos.statement < len(self.records) \
            else self._position(self._total - 1)
        if pos != self.position:
            self.position = pos
            for listener in self._listeners:
                listener(pos)
        return self.position

    def goto_step(self, n: int) -> Position:
        """Jump to global step n (0-based), across statements."""
        return self.go(self._position(n))

    def step_into(self) -> Position:
        return self.go(self._position(self.global_index + 1))

    def step_back(self) -> Position:
        return self.go(self._position(self.global_index - 1))

    def _find(self, direction: int, ok: Callable[[Step, int], bool]) -> Position:
        here = self.global_index
        for g, _, step in self._steps_from(here + direction, direction):
            if step is not None and ok(step, g):
                return self.go(self._position(g))
        return self.go(self._position(0 if direction < 0 else self._total - 1))

    def _same_statement(self, g: int) -> bool:
        return self._position(g).statement == self.position.statement

    def step_over(self) -> Position:
        """Next step at this call depth or shallower: calls run without stopping."""
        d = self._depth(self.global_index)
        return self._find(+1, lambda s, g: s.depth <= d or not self._same_statement(g))

    def reverse_step_over(self) -> Position:
        d = self._depth(self.global_index)
        return self._find(-1, lambda s, g: s.depth <= d or not self._same_statement(g))

    def step_out(self) -> Position:
        """Finish the current function: the first step back in its caller."""
        d = self._depth(self.global_index)
        return self._find(+1, lambda s, g: s.depth < d or not self._same_statement(g))

    def reverse_step_out(self) -> Position:
        """Back to where the current function was called."""
        d = self._depth(self.global_index)
        return self._find(-1, lambda s, g: s.depth < d or not self._same_statement(g))

    def run_to_line(self, c_path: str, line: int) -> Position:
        bp = Breakpoint(f"{c_path}:{line}")
        return self._find(+1, lambda s, g: bp.matches_place(s))

    # -- breakpoints -----------------------------------------------------------------------
    def add_breakpoint(self, where: str, condition: str | None = None) -> Breakpoint:
        if condition is not None:  # a syntax error fails now, not at every step
            parse_expression(condition, "<condition>")
        bp = Breakpoint(where, condition)
        if bp not in self.breakpoints:
            self.breakpoints.append(bp)
        return bp

    def remove_breakpoint(self, bp: Breakpoint) -> None:
        self.breakpoints.remove(bp)

    def _hits(self, step: Step) -> bool:
        for bp in self.breakpoints:
            if bp.matches_place(step) and self._condition_holds(bp, step):
                return True
        return False

    def _condition_holds(self, bp: Breakpoint, step: Step) -> bool:
        if bp.condition is None:
            return True
        env = {**_condition_names(),
               **{k: v for k, v in step.locals.items() if isinstance(v, int)}}
        try:
            expr = parse_expression(bp.condition, "<condition>")
            return bool(evaluate(expr, env))
        except ScenarioError:
            return False  # a local the condition names is not in scope at this step

    def continue_(self) -> Position:
        return self._find(+1, lambda s, g: self._hits(s))

    def reverse_continue(self) -> Position:
        return self._find(-1, lambda s, g: self._hits(s))

    # -- questions about the trace ---------------------------------------------------------
    def goto_errno(self, name: str) -> Position | None:
        """The check that returned -name (e.g. "EINVAL"): in the first statement that failed
        with it, the deepest step that returned it, where the error began (its callers only
        pass the value up). None, and no move, if no step returned it or it is no errno."""
        number = next((n for n, e in ERRNO_NAMES.items() if e == name), None)
        if number is None:
            return None  # else every step returning a non-error value would match
        for rec in self.records:
            hits = [st for st in rec.trace.steps
                    if st.ret is not None and _as_errno(st.ret) == number]
            if hits:
                origin = max(hits, key=lambda st: (st.depth, -st.index))
                return self.go(Position(rec.index, origin.index))
        return None

    def who_set_pte(self, addr: int) -> Position | None:
        """The last step at or before here that wrote the page-table entry mapping addr."""
        page = addr & ~0xFFF
        for _, pos, step in self._steps_from(self.global_index, -1):
            if step is not None and step.changes.ptes and \
                    covers(step.changes.ptes, page, _leaf_size):
                return self.go(pos)
        return None

    def who_changed_vma(self, addr: int) -> Position | None:
        """The last step at or before here that added, resized or changed the VMA at addr."""
        for _, pos, step in self._steps_from(self.global_index, -1):
            if step is None or step.changes.vmas is None:
                continue
            before = self.records[pos.statement].vmas_at(pos.step)
            gone, came = vma_difference(before, step.changes.vmas)
            if any(v.start <= addr < v.end for v in (*gone, *came)):
                return self.go(pos)
        return None

    def vmas_at(self, pos: Position | None = None) -> tuple[VmaView, ...]:
        pos = pos or self.position
        return self.records[pos.statement].vmas_at(pos.step)

    # -- page tables at a step -------------------------------------------------------------
    def _next_pte_change(self, g: int) -> int:
        """Index into _pte_change_steps of the first step at or after g that wrote a PTE."""
        if self._pte_change_steps is None:
            self._pte_change_steps = [g2 for g2, _, st in self._steps_from(0, +1)
                                      if st is not None and st.changes.ptes]
        return bisect.bisect_left(self._pte_change_steps, g)

    def pte_at(self, addr: int, pos: Position | None = None) -> int:
        """The leaf entry mapping addr as it was when the step at pos was about to run."""
        pos = pos or self.position
        return self._pte_history().value_at(addr, self._global(pos),
                                            self.machine.task.mm.pgd.pte(addr))

    def present_pages_at(self, start: int, end: int, pos: Position | None = None) -> int:
        """Pages in [start, end) whose entry was present at pos, as pagemap would count."""
        return self.present_map_at(start, end, 1, pos)[0]

    # -- read-only views for the TUI: a walk and a page map at any step ----------------------
    def _pte_history(self) -> _PteHistory:
        if self._history is None:
            self._next_pte_change(0)
            assert self._pte_change_steps is not None
            self._history = _PteHistory(
                self._pte_change_steps,
                [self.step_at(self._position(g)).changes.ptes  # type: ignore[union-attr]
                 for g in self._pte_change_steps])
        return self._history

    def walk_at(self, addr: int, pos: Position | None = None) -> list[WalkStep]:
        """The PGD→PUD→PMD→PTE walk for addr as the MMU would have made it at pos.

        Page tables are only ever added while a scenario runs, so the final tables give the
        structure; a table counts as there at pos if a leaf under it was written before pos
        (or it was there before the scenario began), and the leaf has its value at pos.
        """
        pos = pos or self.position
        g = self._global(pos)
        hist = self._pte_history()
        pgd = self.machine.task.mm.pgd
        out: list[WalkStep] = []
        for ws, (_, shift) in zip(pgd.walk(addr), LEVELS):
            if ws.entry and not ws.leaf:  # a pointer to the next table
                first = hist.first_write(addr & ~((1 << shift) - 1), 1 << shift)
                if first is not None and first >= g:
                    out.append(WalkStep(ws.level, ws.index, ws.table_pfn, 0, False))
                    return out
                out.append(ws)
                continue
            if ws.level not in ("PMD", "PTE"):
                out.append(ws)
                return out
            value = hist.value_at(addr, g, ws.entry)
            if ws.level == "PMD" and value and not value & 0x80:
                value = 0  # a 4 KiB leaf is never a PMD's entry
            out.append(WalkStep(ws.level, ws.index, ws.table_pfn, value, bool(value)))
            return out
        return out

    def present_map_at(self, start: int, end: int, cells: int = 1,
                       pos: Position | None = None) -> list[int]:
        """Present 4 KiB pages at pos in each of `cells` equal slices of [start, end).

        As pagemap counts them (the zero page counts). Cheap to ask at every step: the
        final counts are taken once per range and the writes after pos are subtracted from
        running sums kept per PTE-writing step.
        """
        pos = pos or self.position
        return self._pte_history().cells_at(self.machine.task.mm.pgd, start, end,
                                            max(1, cells), self._global(pos))

    def rss_pages_at(self, start: int, end: int, pos: Position | None = None) -> int:
        """Pages of [start, end) that count in smaps' Rss at pos: present, not the zero page."""
        pos = pos or self.position
        return self._pte_history().cells_at(self.machine.task.mm.pgd, start, end, 1,
                                            self._global(pos), skip_pfn=ZERO_PFN)[0]


def _leaf_pages(entry: int, skip_pfn: int | None = None) -> int:
    """4 KiB pages a leaf entry maps when present: 512 for a 2 MiB (PSE) leaf."""
    if not pte_present(entry) or (skip_pfn is not None and pte_pfn(entry) == skip_pfn):
        return 0
    return 512 if entry & 0x80 else 1


def _spread(out: list[int], start: int, pages: int, lo: int, hi: int, sign: int) -> None:
    """Add sign per page of [lo, hi) ∩ the range to the cells of `out` the pages fall in."""
    p0 = max(0, (lo - start) >> 12)
    p1 = min(pages, (hi - start) >> 12)
    n = len(out)
    p = p0
    while p < p1:
        cell = p * n // pages
        cell_end = min(p1, -(-(cell + 1) * pages // n))  # first page of the next cell
        out[cell] += sign * (cell_end - p)
        p = cell_end


class _PteHistory:
    """Every leaf write of a session, by PTE-writing step, indexed by address range."""

    def __init__(self, steps: list[int], writes: list[list[tuple[int, int, int]]]):
        self.steps = steps  # global index of each PTE-writing step, ascending
        self.writes = writes
        self.lo = [w.lo if isinstance(w, PteWrites) else min(a for a, _, _ in w)
                   for w in writes]
        self.hi = [w.hi if isinstance(w, PteWrites) else
                   max(a + (2 << 20 if (o | n) & 0x80 else 4096) for a, o, n in w)
                   for w in writes]
        self._addr_index: dict[int, object] = {}
        self._first: dict[tuple[int, int], int | None] = {}
        self._final: dict[tuple, list[int]] = {}
        self._sums: dict[tuple, tuple[list[int], list[list[int]]]] = {}

    def _first_index(self, k: int, addr: int) -> int | None:
        """Index in writes[k] of the first write of exactly addr, or None."""
        w = self.writes[k]
        if isinstance(w, PteWrites):
            return w.index_of(addr)
        if len(w) < 64:
            return next((i for i, (a, _, _) in enumerate(w) if a == addr), None)
        index = self._addr_index.get(k)
        if index is None:
            addrs = array("Q", (a for a, _, _ in w))
            if all(addrs[i] < addrs[i + 1] for i in range(len(addrs) - 1)):
                index = addrs
            else:
                index = {}
                for i, a in enumerate(addrs):
                    index.setdefault(a, i)
            self._addr_index[k] = index
        if isinstance(index, dict):
            return index.get(addr)
        i = bisect.bisect_left(index, addr)  # type: ignore[arg-type]
        return i if i < len(index) and index[i] == addr else None  # type: ignore[arg-type]

    def value_at(self, addr: int, g: int, final: int) -> int:
        """The leaf mapping addr when global step g was about to run (final: its value now)."""
        page, huge = addr & ~0xFFF, addr & ~((2 << 20) - 1)
        for k in range(bisect.bisect_left(self.steps, g), len(self.steps)):
            if not self.lo[k] <= addr < self.hi[k]:
                continue
            for a in (page, huge):
                i = self._first_index(k, a)
                if i is not None and (a == page or self.writes[k][i][1] & 0x80
                                      or self.writes[k][i][2] & 0x80):
                    return self.writes[k][i][1]
        return final

    def first_write(self, base: int, span: int) -> int | None:
        """The global step that first wrote a leaf in [base, base + span), or None."""
        key = (base, span)
        if key not in self._first:
            self._first[key] = next(
                (self.steps[k] for k in range(len(self.steps))
                 if self.lo[k] < base + span and self.hi[k] > base
                 and _writes_in(self.writes[k], base, base + span)), None)
        return self._first[key]

    def cells_at(self, pgd, start: int, end: int, cells: int, g: int,
                 skip_pfn: int | None = None) -> list[int]:
        pages = max(1, (end - start) >> 12)
        cells = min(cells, pages)
        key = (start, end, cells, skip_pfn)
        final = self._final.get(key)
        if final is None:
            final = [0] * cells
            lo = hi = -1  # a run of counted leaves, spread in one go
            for base, size, block in pgd.leaf_blocks(start, end):
                if len(block) == 512 and all(_leaf_pages(entry, skip_pfn)
                                             for entry in Counter(block.values())):
                    runs = [(base, base + 512 * size)]  # a whole table counts (a populate's)
                else:
                    runs = [(base + i * size, base + (i + 1) * size) for i in sorted(block)
                            if _leaf_pages(block[i], skip_pfn)]
                for a, a_end in runs:
                    if a != hi:
                        _spread(final, start, pages, lo, hi, 1)
                        lo = a
                    hi = a_end
            _spread(final, start, pages, lo, hi, 1)
            ks = [k for k in range(len(self.steps)) if self.lo[k] < end and self.hi[k] > start]
            suffix: list[list[int]] = []
            running = [0] * cells
            for k in reversed(ks):  # running sums of what the writes from step k on added
                w = self.writes[k]
                gain = w.uniform_gain(skip_pfn) if isinstance(w, PteWrites) else None
                if gain is not None:  # a folded populate: one run of pages, all alike
                    if gain:
                        _spread(running, start, pages, w.lo, w.hi, 1)
                    suffix.append(list(running))
                    continue
                for a, old, new in w:
                    if start - (2 << 20) < a < end:
                        size = 2 << 20 if (old | new) & 0x80 else 4096
                        delta = _leaf_pages(new, skip_pfn) - _leaf_pages(old, skip_pfn)
                        if delta:
                            _spread(running, start, pages, a, a + size, 1 if delta > 0 else -1)
                suffix.append(list(running))
            suffix.reverse()
            self._sums[key] = ([self.steps[k] for k in ks], suffix)
            self._final[key] = final  # last: another thread may be asking for this range
        steps, suffix = self._sums[key]
        i = bisect.bisect_left(steps, g)
        if i == len(steps):
            return list(final)
        return [f - s for f, s in zip(final, suffix[i])]


def _writes_in(writes, lo: int, hi: int) -> bool:  # noqa: ANN001
    if isinstance(writes, PteWrites):
        return writes.any_in(lo, hi)
    return any(lo <= a < hi for a, _, _ in writes)


def _leaf_size(entry: int) -> int:
    return (2 << 20) if entry & 0x80 else 4096  # _PAGE_PSE: a 2 MiB leaf


def _as_errno(ret: int) -> int | None:
    if -4095 <= ret < 0:
        return -ret
    if ret > (1 << 64) - 4096:
        return (1 << 64) - ret
    return None


_NAMES: dict[str, int] = {}


def _condition_names() -> dict[str, int]:
    if not _NAMES:
        _NAMES.update(scenario_constants())
        _NAMES.update({k: v for k, v in vars(linux_mm).items()
                       if k.startswith(("VM_", "FOLL_")) and isinstance(v, int)})
    return _NAMES
