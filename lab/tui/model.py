# SPDX-License-Identifier: GPL-2.0-only
"""What the panels show at one step, worked out once per step from the stepping session.

`LabModel` wraps a `Session`. `LabModel.view(pos)` gives a `StepView`: the step, the state
at it and what the last step changed, in the terms the panels draw. Cheap parts are filled in
at once; the rest (flags, errors, page tables) are computed on first use and kept, so a panel
that is not on screen costs nothing. Views are cached by position and language, so stepping
back and forth costs a dictionary lookup, and a view's words are in the language it was made in
(`LabModel.lang`, set by the screen: "en" or "zh").
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lab.kernel.include.linux.mm import FOLL_NAMES, VM_FLAG_NAMES
from lab.kernel.include.uapi.errno import ERRNO_NAMES
from lab.kernel.include.uapi.mman import MAP_HUGE_SHIFT, MAP_NAMES, PROT_NAMES
from lab.source.cindex import CFunction, CIndex, default_index
from lab.stepping.capture import VmaPicture, format_value
from lab.stepping.ptewrites import PteWrites
from lab.stepping.record import Step
from lab.stepping.session import Position, Session, StatementRecord
from lab.stepping.state import VmaView
from lab.stepping.text import describe_changes
from lab.stepping.vmalog import vma_difference
from lab.tui.narration import errno_meaning
from lab.tui.narration_i18n import note_words

ULONG = 1 << 64
FLAG_WORDS = ("prot", "flags", "vm_flags", "gup_flags")
_FLAG_TABLES: dict[str, tuple[tuple[str, int], ...]] = {
    "prot": PROT_NAMES, "flags": MAP_NAMES, "vm_flags": VM_FLAG_NAMES,
    "gup_flags": tuple(FOLL_NAMES),
}
_IDENT = re.compile(r"[A-Za-z_]\w*")
#: Functions whose `flags` (or `flag`) is mmap's MAP_* word; elsewhere `flags` means
#: something else (FAULT_FLAG_* in the fault handlers, FOLL_* in gup).
MAP_FLAGS_FUNCTIONS = frozenset({
    "SYSCALL_DEFINE6(mmap)", "ksys_mmap_pgoff", "vm_mmap_pgoff", "do_mmap",
    "get_unmapped_area", "arch_get_unmapped_area_topdown", "arch_get_unmapped_area",
    "shmem_get_unmapped_area", "hugetlb_get_unmapped_area", "thp_get_unmapped_area",
    "calc_vm_flag_bits", "arch_calc_vm_flag_bits", "cap_mmap_file", "security_mmap_file",
    "arch_mmap_check", "hugetlb_file_setup",
})


def word_value(function: str, name: str, locals_: dict[str, Any]) -> int | None:
    """The value of flag word `name` in a function's locals, if it means that word there."""
    if name == "flags":
        if function not in MAP_FLAGS_FUNCTIONS:
            return None
        v = locals_.get("flags", locals_.get("flag"))
    else:
        v = locals_.get(name)
    v = _int(v)
    return v if v is not None and v >= 0 else None


def as_errno(value: int | None) -> int | None:
    """The errno a C return value carries (-13 or its unsigned twin), or None."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return None
    if -4095 <= value < 0:
        return -value
    if ULONG - 4095 <= value < ULONG:
        return ULONG - value
    return None


def changes_words(changes, lang: str = "en") -> list[str]:  # noqa: ANN001
    """What a step changed, in words; a folded loop's thousands of PTEs are not counted."""
    if len(changes.ptes) > 4096:
        from dataclasses import replace

        words = describe_changes(replace(changes, ptes=[])) + \
            [f"{len(changes.ptes):,} PTEs written"]
    else:
        words = describe_changes(changes)
    return [note_words(w, lang) for w in words] if lang != "en" else words


# -- flags ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlagBit:
    bit: int  # the bit's value, e.g. 0x2
    name: str
    on: bool
    change: str | None = None  # "set" or "cleared" by the last step


@dataclass(frozen=True)
class FlagWord:
    name: str  # prot, flags, vm_flags, gup_flags
    value: int | None
    previous: int | None
    function: str  # where the value was last seen
    bits: tuple[FlagBit, ...] = ()

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous != self.value


def _bit_name(word: str, bit: int) -> str:
    for name, bits in _FLAG_TABLES[word]:
        if bits == bit:
            return name
    if word == "flags" and bit >= 1 << MAP_HUGE_SHIFT:
        return f"MAP_HUGE size bit {bit.bit_length() - 1 - MAP_HUGE_SHIFT}"
    return f"bit {bit.bit_length() - 1}"


def decode_word(name: str, value: int | None, previous: int | None, function: str) -> FlagWord:
    """A flag word bit by bit: every set bit, and the bits the last step set or cleared."""
    if value is None:
        return FlagWord(name, None, previous, function)
    before = value if previous is None else previous
    bits = []
    for i in range(64):
        bit = 1 << i
        on, was = bool(value & bit), bool(before & bit)
        if on or was:
            change = None if on == was else ("set" if on else "cleared")
            bits.append(FlagBit(bit, _bit_name(name, bit), on, change))
    return FlagWord(name, value, previous, function, tuple(bits))


# -- VMAs -------------------------------------------------------------------------------------
def diff_vmas(before: Sequence[VmaView], after: Sequence[VmaView]
              ) -> tuple[dict[tuple[int, int], str], list[VmaView]]:
    """Marks for rows of `after` (added, expanded, split, changed) and the rows removed.

    Only the views that differ are looked at (vma_difference), so the cost is what the step
    changed, not the length of the list."""
    gone_views, came_views = vma_difference(before, after)
    old = {(v.start, v.end): v for v in gone_views}
    new = {(v.start, v.end): v for v in came_views}
    marks: dict[tuple[int, int], str] = {}
    gone = [v for k, v in old.items() if k not in new]
    for k, v in new.items():
        if k in old:
            if old[k] != v:
                marks[k] = "changed"
            continue
        grown = next((g for g in gone if g.start == v.start or g.end == v.end), None)
        if grown is None:
            grown = next((g for g in gone if g.start <= v.start and v.end <= g.end), None)
        if grown is not None and v.end - v.start > grown.end - grown.start:
            marks[k] = "expanded"
        elif grown is not None:
            marks[k] = "split"
        else:
            marks[k] = "added"
    taken = {(g.start, g.end) for g in gone
             if any(m in ("expanded", "split") and (g.start == k[0] or g.end == k[1]
                                                    or g.start <= k[0] < g.end)
                    for k, m in marks.items())}
    removed = [g for g in gone if (g.start, g.end) not in taken]
    return marks, removed


# -- errors -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ErrorInfo:
    name: str  # EACCES
    number: int  # 13
    meaning: str
    step_global: int | None  # the step whose statement first returned it
    c_location: str | None  # mm/mmap.c:1396
    c_text: str | None  # return -EACCES;
    function: str | None
    condition: str | None  # the `if` that led there
    condition_location: str | None
    values: tuple[tuple[str, str], ...] = ()  # the locals the condition names, formatted
    reached: bool = False  # the learner is at or past the returning step


# -- per-statement carry-overs ----------------------------------------------------------------
@dataclass
class _StatementInfo:
    """Values carried along one statement's steps: the last seen flags and range."""

    flags: list[dict[str, tuple[int, str]]] = field(default_factory=list)
    ranges: list[tuple[int, int] | None] = field(default_factory=list)
    focus: list[int | None] = field(default_factory=list)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _range_of(locals_: dict[str, Any]) -> tuple[int, int] | None:
    addr = _int(locals_.get("addr")) or _int(locals_.get("start"))
    length = _int(locals_.get("len"))
    if addr and as_errno(addr) is None and not addr & 0xFFF:
        if length and length < ULONG - addr:
            return addr, addr + length
        end = _int(locals_.get("end"))
        if end and end > addr:
            return addr, end
    vma = locals_.get("vma")
    if isinstance(vma, VmaPicture):
        return vma.start, vma.end
    return None


def _statement_info(steps: list[Step]) -> _StatementInfo:
    info = _StatementInfo()
    flags: dict[str, tuple[int, str]] = {}
    rng: tuple[int, int] | None = None
    focus: int | None = None
    for s in steps:
        for name in FLAG_WORDS:
            v = word_value(s.function, name, s.locals)
            if v is not None and flags.get(name, (None,))[0] != v:
                flags = {**flags, name: (v, s.function)}
        r = _range_of(s.locals)
        if r is not None:
            rng = r
            if focus is None or not r[0] <= focus < r[1]:
                focus = r[0]
        fault = _int(s.locals.get("address"))
        if fault and as_errno(fault) is None:
            focus = fault
        info.flags.append(flags)
        info.ranges.append(rng)
        info.focus.append(focus)
    return info


# -- the view ---------------------------------------------------------------------------------
class StepView:
    """Everything the panels draw at one position. Build through LabModel.view()."""

    def __init__(self, model: LabModel, pos: Position, at_end: bool = False):
        s = model.session
        self.model = model
        self.lang: str = model.lang  # the language of this view's words, fixed when it is made
        self.session = s
        self.pos = pos
        self.at_end = at_end
        self.record: StatementRecord = s.records[pos.statement]
        self.statement = model.statements[pos.statement]
        self.statement_count = len(s.records)
        steps = self.record.trace.steps
        self.step_index = len(steps) if at_end else pos.step
        self.step: Step | None = None if at_end else s.step_at(pos)
        self.global_index = s.global_of(pos) + (1 if at_end else 0)
        self.total_steps = s.total_steps
        # the step that ran just before this position: its changes are "what the last step did"
        if at_end:
            self.last: Step | None = steps[-1] if steps else None
        elif pos.step > 0:
            self.last = steps[pos.step - 1]
        elif self.global_index > 0:
            self.last = s.step_at(s.position_of(self.global_index - 1))
        else:
            self.last = None
        nxt = s.position_of(self.global_index + 1)
        self.next: Step | None = (steps[pos.step + 1] if not at_end and pos.step + 1 < len(steps)
                                  else None)
        self.next_position = nxt
        self.function: CFunction | None = None
        if self.step is not None:
            self.function = model.index.function_at(self.step.c_path, self.step.c_line)

    # -- state ---------------------------------------------------------------------------------
    @cached_property
    def state_position(self) -> Position:
        """The position whose state the panels show (past the last step at the end)."""
        return Position(self.pos.statement, self.step_index)

    @cached_property
    def vmas(self) -> Sequence[VmaView]:
        return self.record.vmas_at(self.step_index)

    @cached_property
    def vma_changes(self) -> tuple[dict[tuple[int, int], str], list[VmaView]]:
        last = self.last
        if last is None or last.changes.vmas is None:
            return {}, []
        if self.step_index > 0:
            before = self.record.vmas_at(self.step_index - 1)
        else:
            prev = self.session.records[self.pos.statement - 1] if self.pos.statement else None
            before = prev.vmas_at(max(len(prev.trace.steps) - 1, 0)) if prev else ()
        return diff_vmas(before, self.vmas)

    @cached_property
    def changes_text(self) -> list[str]:
        """What the last step did, in words."""
        return changes_words(self.last.changes, self.lang) if self.last is not None else []

    def last_wrote(self, page: int) -> bool:
        """Did the last step write the leaf entry at `page` (its address, page aligned)?"""
        ptes = self.last.changes.ptes if self.last is not None else ()
        if isinstance(ptes, PteWrites):  # many writes (a fold's): found by their index
            return ptes.index_of(page) is not None
        return any(a == page for a, _, _ in ptes)  # fewer than ptewrites.COMPACT_FROM

    @cached_property
    def _info(self) -> _StatementInfo:
        return self.model.statement_info(self.pos.statement)

    def _carried(self, table: list) -> Any:
        if not table:
            return None
        return table[min(self.step_index, len(table) - 1)]

    @cached_property
    def call_range(self) -> tuple[int, int] | None:
        """The address range of the call being stepped, once the kernel knows it."""
        rng = self._carried(self._info.ranges)
        if rng is None and (self.at_end or self.step is None):
            ev = self.record.event
            if ev is not None and ev.ret and ev.ret > 0 and not ev.ret & 0xFFF:
                row = next((r for r in self.record.maps_after if r["start"] == ev.ret), None)
                if row is not None:
                    return row["start"], row["end"]
        return rng

    @cached_property
    def focus_address(self) -> int | None:
        """The address the page-table panel walks by default: the fault, else the range."""
        focus = self._carried(self._info.focus)
        if focus is None and self.call_range is not None:
            return self.call_range[0]
        return focus

    @cached_property
    def flags(self) -> tuple[FlagWord, ...]:
        table = self._info.flags
        if not table:
            return tuple(FlagWord(n, None, None, "") for n in FLAG_WORDS)
        i = min(self.step_index, len(table) - 1)
        now = table[i]
        before = table[i - 1] if i > 0 else {}
        out = []
        for name in FLAG_WORDS:
            v, fn = now.get(name, (None, ""))
            p = before.get(name, (None, ""))[0]
            out.append(decode_word(name, v, p if p != v else None, fn))
        return tuple(out)

    # -- code ----------------------------------------------------------------------------------
    @cached_property
    def c_statement_text(self) -> str:
        step = self.step
        if step is None or step.link is None:
            return ""
        return " ".join(st.text for st in step.link.statements[:1])

    @cached_property
    def c_kind(self) -> str:
        step = self.step
        if step is None or step.link is None:
            return step.kind if step is not None else ""
        return step.link.statements[0].kind

    @cached_property
    def locals_rows(self) -> list[tuple[str, str, bool]]:
        """(name, C-like value, changed since the last step of this frame)."""
        step = self.step
        if step is None:
            return []
        prev = self.last if self.last is not None and self.last.depth == step.depth and \
            self.last.function == step.function else None
        rows = []
        for name, value in step.locals.items():
            changed = prev is not None and (name not in prev.locals or prev.locals[name] != value)
            rows.append((name, format_value(name, value, step.function), changed))
        return rows

    @cached_property
    def error(self) -> ErrorInfo | None:
        return self.model.error_info(self.pos.statement, self.global_index, self.lang)

    @cached_property
    def narration(self) -> list[str]:
        from lab.tui.narration import narrate

        return narrate(self, self.lang)

    # -- page tables ---------------------------------------------------------------------------
    def walk(self, addr: int):
        return self.session.walk_at(addr, self.state_position)

    def present_map(self, start: int, end: int, cells: int) -> list[int] | None:
        """Present pages per cell; None while a first count of a big range runs aside."""
        return self.model.counted(("map", start, end, cells), self.state_position,
                                  lambda pos: self.session.present_map_at(start, end, cells, pos))

    def rss_pages(self, start: int, end: int) -> int | None:
        return self.model.counted(("rss", start, end), self.state_position,
                                  lambda pos: self.session.rss_pages_at(start, end, pos))


class LabModel:
    """A session plus what the panels derive from it, cached by position."""

    CACHE = 64  # views kept: stepping back over the last moves costs a lookup
    #: The first count of present pages in a range walks all its page-table entries (a
    #: gigabyte has 262,144); above this size that runs in a thread and the panels show
    #: "counting" until it is done. Later counts in the range take microseconds.
    BIG_RANGE = 64 << 20

    def __init__(self, session: Session, index: CIndex | None = None):
        self.session = session
        self.index = index or default_index()
        self.statements = list(session.scenario)
        self.lang = "en"  # the learner's language for every view's words: "en" or "zh"
        self._views: OrderedDict[tuple[Position, bool, str], StepView] = OrderedDict()
        self._infos: dict[int, _StatementInfo] = {}
        self._errors: dict[int, tuple | None] = {}
        self._warm: set[tuple] = set()
        self._counting: set[tuple] = set()
        self.on_counted: Any = None  # called (from the counting thread) when one is done

    def counted(self, key: tuple, pos: Position, count: Any) -> Any:
        """count(pos) now if it is cheap, else start it aside and return None."""
        start, end = key[1], key[2]
        if key in self._warm or end - start <= self.BIG_RANGE:
            return count(pos)
        if key not in self._counting:
            import threading

            self._counting.add(key)

            def run() -> None:
                try:
                    count(pos)
                finally:
                    self._warm.add(key)
                    self._counting.discard(key)
                    if self.on_counted is not None:
                        self.on_counted()

            threading.Thread(target=run, name="mmaplab-count", daemon=True).start()
        return None

    def view(self, pos: Position | None = None, at_end: bool = False) -> StepView:
        pos = pos or self.session.position
        key = (pos, at_end, self.lang)
        v = self._views.get(key)
        if v is None:
            v = self._views[key] = StepView(self, pos, at_end)
            if len(self._views) > self.CACHE:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(key)
        return v

    def statement_info(self, i: int) -> _StatementInfo:
        info = self._infos.get(i)
        if info is None:
            info = self._infos[i] = _statement_info(self.session.records[i].trace.steps)
        return info

    def first_step_position(self) -> Position:
        """Where the lab opens: the first step of the first statement that has steps."""
        for r in self.session.records:
            if r.trace.steps:
                return Position(r.index, 0)
        return Position(0, 0)

    # -- errors --------------------------------------------------------------------------------
    def error_info(self, i: int, here: int, lang: str = "en") -> ErrorInfo | None:
        if i not in self._errors:
            self._errors[i] = self._find_error(i)
        found = self._errors[i]
        if found is None:
            return None
        info, g = found
        reached = g is not None and here >= g
        # the cache keeps what the trace says; the meaning is put in the asked language here
        return ErrorInfo(**{**info.__dict__, "reached": reached,
                            "meaning": errno_meaning(info.name, lang)})

    def _find_error(self, i: int) -> tuple[ErrorInfo, int | None] | None:
        rec = self.session.records[i]
        ev = rec.event
        if ev is None or ev.errno is None:
            return None
        number = next((n for n, e in ERRNO_NAMES.items() if e == ev.errno), 0)
        meaning = errno_meaning(ev.errno)
        steps = rec.trace.steps
        # returns propagate up the stack; the origin is the deepest step that returned it,
        # preferring a literal `return -EACCES;`
        found = [j for j, s in enumerate(steps) if as_errno(s.ret) == number]
        literal = [j for j in found
                   if f"-{ev.errno}" in (steps[j].link.statements[0].text
                                         if steps[j].link is not None else "")]
        pool = literal or found
        at = max(pool, key=lambda j: (steps[j].depth, -j)) if pool else None
        if at is None:
            return ErrorInfo(ev.errno, number, meaning, None, None, None, None, None, None), None
        step = steps[at]
        c_text = self.index.line_text(step.c_path, step.c_line).strip()
        cond = cond_loc = None
        values: list[tuple[str, str]] = []
        for j in range(at - 1, -1, -1):
            s = steps[j]
            if s.depth < step.depth:
                break
            if s.depth == step.depth and s.function == step.function and s.link is not None \
                    and s.link.statements[0].kind in ("if", "switch", "case"):
                cond = s.link.statements[0].text
                cond_loc = s.c_location
                seen = set()
                for name in _IDENT.findall(cond):
                    if name in s.locals and name not in seen:
                        seen.add(name)
                        values.append((name, format_value(name, s.locals[name], s.function)))
                break
        g = self.session.global_of(Position(i, at))
        return ErrorInfo(ev.errno, number, meaning, g, step.c_location, c_text, step.function,
                         cond, cond_loc, tuple(values)), g
