# SPDX-License-Identifier: GPL-2.0-only
"""Facts about a recorded scenario: what each statement returned, added and faulted in.

These are the only source of a lesson's and a quiz's answers. Each fact also says which steps
decided it (the check that returned the errno, the step that stored or expanded the VMA, the
steps that wrote page-table entries), so a learner who got it wrong is shown where to look.
Statements are numbered from 1, as the lesson file counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.kernel.arch.x86.include.asm.pgtable import _PAGE_DIRTY, _PAGE_PRESENT
from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.lessons.recording import Recording
from lab.runner import scenario_constants
from lab.scenario import Load, ScenarioError, Store, evaluate
from lab.source.cindex import default_index

MERGE_CHECKS = ("can_vma_merge_before", "can_vma_merge_after")
REGION_FUNCTIONS = ("__mmap_region", "mmap_region")


class FactError(Exception):
    """A fact that does not exist for this statement (it failed, it never ran, ...)."""

    def __init__(self, key: str, **params):
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Decided:
    """A step where an answer was decided, as the learner is shown it."""

    step: int  # global step index in the Session
    c_location: str  # "mm/mmap.c:1371"
    function: str
    c_text: str
    note: str | None = None


def _deciding_check(steps: list) -> int | None:
    """The test that sent the function to its error return: the nearest `if` or `switch`
    before it (what lies between, labels, gotos and clean-up, is only the way out)."""
    index = default_index()
    for g, s in reversed(steps):
        try:
            text = index.line_text(s.c_path, s.c_line).strip()
        except KeyError:
            continue
        if text.startswith(("if", "} else if", "else if", "switch")):
            return g
    return steps[-1][0] if steps else None


def _errno_number(ret: int) -> int | None:
    if -4095 <= ret < 0:
        return -ret
    if ret > (1 << 64) - 4096:
        return (1 << 64) - ret
    return None


class Facts:
    """Computed facts of one recording; `decided` collects the deciding steps of each use."""

    def __init__(self, rec: Recording):
        self.rec = rec
        self.session = rec.session
        self.decided: list[int] = []

    # -- statements ------------------------------------------------------------------------
    def _record(self, k: int):
        records = self.session.records  # type: ignore[attr-defined]
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise FactError("fact_statement_bad", n=k)
        if k > len(self.rec.scenario):
            raise FactError("statement_range", n=k, count=len(self.rec.scenario))
        if k > len(records) or records[k - 1].event is None:
            raise FactError("fact_not_run", n=k)
        return records[k - 1]

    def _maps_before(self, k: int) -> list[dict]:
        if k == 1:
            return self.session.initial_maps  # type: ignore[attr-defined]
        return self.session.records[k - 2].maps_after  # type: ignore[attr-defined]

    def _steps(self, k: int):
        rec = self._record(k)
        base = self.rec.first_step(k)
        return [(base + s.index, s) for s in rec.trace.steps]

    def _is_mmap(self, k: int) -> bool:
        return getattr(self.rec.scenario.statements[k - 1], "func", "") == "mmap"

    def _address(self, k: int) -> int:
        """The address statement k is about: what mmap returned, or the byte p[i] touched."""
        rec = self._record(k)
        stmt = self.rec.scenario.statements[k - 1]
        if isinstance(stmt, (Store, Load)):
            return access_address(stmt, self._variables_before(k))
        if getattr(stmt, "func", "") in RANGE_CALLS and stmt.args:
            return range_address(stmt, self._variables_before(k))
        if not self._is_mmap(k):
            raise FactError("fact_not_mmap", n=k)
        if rec.event.errno is not None:
            raise FactError("fact_failed", n=k, errno=rec.event.errno)
        return rec.event.ret

    def _variables_before(self, k: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for stmt, rec in zip(self.rec.scenario.statements[:k - 1], self.session.records):
            target = getattr(stmt, "target", None)
            if target and rec.event is not None and isinstance(rec.event.ret, int):
                out[target] = rec.event.ret
        return out

    def _new_row(self, k: int) -> dict:
        rec = self._record(k)
        addr = self._address(k)
        for row in rec.maps_after:
            if row["start"] <= addr < row["end"]:
                return row
        raise FactError("fact_no_vma", n=k)

    def _mapped_length(self, k: int, row: dict) -> int:
        """The page-aligned length mmap_region was asked to map (from its first step)."""
        for _, step in self._steps(k):
            if step.function in REGION_FUNCTIONS and isinstance(step.locals.get("len"), int):
                return step.locals["len"]
        return row["end"] - self._record(k).event.ret

    # -- deciding steps --------------------------------------------------------------------
    def _decide(self, *steps: int) -> None:
        for g in steps:
            if g not in self.decided:
                self.decided.append(g)

    def _decide_errno(self, k: int, number: int) -> None:
        steps = self._steps(k)
        hits = [(g, s) for g, s in steps if s.ret is not None and _errno_number(s.ret) == number]
        if not hits:
            return
        g, origin = max(hits, key=lambda gs: (gs[1].depth, -gs[0]))
        before = [(g2, s) for g2, s in steps if g2 < g and s.function == origin.function
                  and s.depth == origin.depth]
        check = _deciding_check(before[-8:])
        if check is not None:
            self._decide(check)
        self._decide(g)

    def _decide_vma(self, k: int) -> None:
        """The step that stored the VMA now holding the new address (or grew one to it)."""
        rec = self._record(k)
        addr = self._address(k)
        holding = [v for v in rec.vmas_before if v.start <= addr < v.end]
        final = [r for r in rec.maps_after if r["start"] <= addr < r["end"]]
        for g, s in self._steps(k):
            if s.changes.vmas is None:
                continue
            now = [v for v in s.changes.vmas if v.start <= addr < v.end]
            if now and now != holding and final and \
                    (now[0].start, now[0].end, now[0].perms, now[0].path) == \
                    (final[0]["start"], final[0]["end"], final[0]["perms"], final[0]["path"]):
                self._decide(g)
                return
            holding = now

    def _decide_ptes(self, k: int) -> None:
        """The first and the last step that wrote a page-table entry (if on other lines)."""
        writes = [(g, s) for g, s in self._steps(k) if s.changes.ptes]
        if writes:
            self._decide(writes[0][0])
            last_g, last = writes[-1]
            if last.c_location != writes[0][1].c_location:
                self._decide(last_g)

    # -- the facts -------------------------------------------------------------------------
    def errno(self, k: int) -> str:
        """The errno name the statement failed with, or "none"."""
        event = self._record(k).event
        if event.errno is None:
            if self._is_mmap(k):
                self._decide_vma(k)
            return "none"
        number = next(n for n, name in ERRNO_NAMES.items() if name == event.errno)
        self._decide_errno(k, number)
        return event.errno

    def ret(self, k: int) -> int:
        """What the call returned: the address for mmap, -errno for a failure."""
        event = self._record(k).event
        if event.errno is not None:
            self.errno(k)
            return event.ret
        self._decide_address(k)
        return event.ret

    def _decide_address(self, k: int) -> None:
        """The deepest step that returned the address: where it was chosen."""
        event = self._record(k).event
        hits = [(g, s) for g, s in self._steps(k) if s.ret == event.ret]
        if hits:
            self._decide(max(hits, key=lambda gs: (gs[1].depth, -gs[0]))[0])

    def row(self, k: int) -> dict:
        """The maps row (design section 5) holding the new mapping of statement k."""
        return self._new_row(k)

    def vma(self, k: int) -> str:
        """The maps row holding the new mapping: "start-end perms path"."""
        row = self._new_row(k)
        self._decide_address(k)
        self._decide_vma(k)
        return format_row(row)

    def start(self, k: int) -> int:
        self._decide_vma(k)
        return self._new_row(k)["start"]

    def end(self, k: int) -> int:
        self._decide_vma(k)
        return self._new_row(k)["end"]

    def perms(self, k: int) -> str:
        self._decide_vma(k)
        return self._new_row(k)["perms"]

    def path(self, k: int) -> str:
        self._decide_vma(k)
        return self._new_row(k)["path"]

    def vmflags(self, k: int) -> str:
        """The smaps VmFlags mnemonics of the new VMA, space separated: "rd wr mr mw me ac"."""
        self._decide_vma(k)
        return " ".join(self._new_row(k)["vmflags"])

    def merge_with(self, k: int) -> str:
        """"prev", "next", "both" or "none": which neighbour the new range merged with."""
        row = self._new_row(k)
        addr = self._record(k).event.ret
        length = self._mapped_length(k, row)
        prev, nxt = row["start"] < addr, row["end"] > addr + length
        for g, s in self._steps(k):
            if s.function in MERGE_CHECKS and s.ret is not None:
                self._decide(g)
        self._decide_vma(k)
        return {(True, True): "both", (True, False): "prev", (False, True): "next",
                (False, False): "none"}[(prev, nxt)]

    def merged(self, k: int) -> bool:
        """Did the new range become part of a VMA that was already there?"""
        return self.merge_with(k) != "none"

    def present(self, k: int) -> int:
        """Pages of the new VMA whose page-table entry is present (the zero page counts)."""
        self._decide_ptes(k)
        return self._new_row(k)["present"]

    def rss(self, k: int) -> int:
        """The new VMA's Rss in kB, as smaps prints it (the zero page does not count)."""
        self._decide_ptes(k)
        return self._new_row(k)["rss"] // 1024

    def locked(self, k: int) -> int:
        """The new VMA's Locked in kB."""
        self._decide_ptes(k)
        return self._new_row(k)["locked"] // 1024

    def hugetlb(self, k: int) -> int:
        """Bytes of huge pages mapped in the new VMA, in kB."""
        self._decide_ptes(k)
        return self._new_row(k)["hugetlb"] // 1024

    def dirty(self, k: int) -> int:
        """Pages of the VMA whose page-table entry is dirty (written since last cleaned)."""
        row = self._new_row(k)
        self._decide_ptes(k)
        records = self.session.records  # type: ignore[attr-defined]
        count = 0
        for addr in range(row["start"], row["end"], 4096):
            if k < len(records):
                entry = self.session.pte_at(addr, _position(k, 0))  # type: ignore[attr-defined]
            else:
                entry = self.session.machine.task.mm.pgd.pte(addr)  # type: ignore[attr-defined]
            count += bool(entry & _PAGE_PRESENT and entry & _PAGE_DIRTY)
        return count

    def committed(self, k: int) -> int:
        """Pages the statement added to vm_committed_as (the overcommit accounting)."""
        total = 0
        for g, s in self._steps(k):
            if s.changes.vm_committed:
                a, b = s.changes.vm_committed
                total += b - a
                self._decide(g)
        return total

    def signal(self, k: int) -> str:
        """The signal a memory access raised ("SIGBUS", "SIGSEGV"), or "none"."""
        rec = self._record(k)
        if rec.event.signal:
            index = default_index()
            for g, step in self._steps(k):
                try:
                    text = index.line_text(step.c_path, step.c_line)
                except KeyError:
                    continue
                if "force_sig" in text or "SIGBUS" in text or "VM_FAULT_SIGBUS" in text:
                    self._decide(g)
        return rec.event.signal or "none"

    def value_read(self, k: int) -> int:
        """The byte a read (`x = p[i]`) returned."""
        rec = self._record(k)
        if rec.event.value is None:
            raise FactError("fact_no_value", n=k)
        self._decide_ptes(k)
        return rec.event.value

    # -- the learner's view of a deciding step ---------------------------------------------
    def describe_all(self, steps: list[int]) -> list[Decided]:
        """The deciding steps as shown, in trace order, one per C line."""
        out: list[Decided] = []
        for g in sorted(steps):
            d = self.describe(g)
            if all(d.c_location != o.c_location for o in out):
                out.append(d)
        return out

    def describe(self, g: int) -> Decided:
        session = self.session
        step = session.step_at(session.position_of(g))  # type: ignore[attr-defined]
        if step is None:
            return Decided(g, "", "", "")
        try:
            text = default_index().line_text(step.c_path, step.c_line).strip()
        except KeyError:
            text = ""
        return Decided(g, step.c_location, step.function, text, step.note)


#: The facts an answer expression may call, each taking one statement.
FACT_FUNCTIONS = ("errno", "ret", "vma", "start", "end", "perms", "path", "vmflags",
                  "merge_with", "merged", "present", "rss", "locked", "hugetlb", "dirty",
                  "committed", "signal", "value_read")


def access_address(stmt: Store | Load, variables: dict[str, int]) -> int:
    """The address a memory access `p[i]` touches, from the variables bound before it."""
    env = {**scenario_constants(), **variables}
    try:
        base = evaluate(stmt.pointer, env)
        index = evaluate(stmt.index, env)
    except ScenarioError as err:
        raise FactError("expr_value", detail=err.message) from None
    return (base + index) & ((1 << 64) - 1)


#: Calls whose first argument is an address in a mapping: facts about "the VMA" mean that one.
RANGE_CALLS = ("munmap", "mprotect", "msync")


def range_address(stmt, variables: dict[str, int]) -> int:
    env = {**scenario_constants(), **variables}
    try:
        return evaluate(stmt.args[0], env) & ((1 << 64) - 1)
    except ScenarioError as err:
        raise FactError("expr_value", detail=err.message) from None


def _position(statement: int, step: int):
    from lab.stepping.session import Position

    return Position(statement, step)
#: What a question of each fact kind asks for.
KIND_FACT = {"errno": "errno", "ret": "ret", "vma": "vma", "merge": "merged",
             "merge_with": "merge_with", "present": "present", "rss": "rss",
             "dirty": "dirty", "committed": "committed", "signal": "signal",
             "value_read": "value_read"}


def format_row(row: dict) -> str:
    text = f"{row['start']:x}-{row['end']:x} {row['perms']}"
    return f"{text} {row['path']}" if row["path"] else text
